/**
 * Emails the worker sends on a schedule: reminders to bill and the weekly digest. Each is written
 * with a dedupe key (a reminder per contact per commitment per day; a digest per person per week),
 * so however many workers run, and however often they look, each goes out once.
 */
import { daysBetween, todayIn, weekdayAndHourIn } from '../../domain/calendar.ts';
import { formatDay } from '../../domain/format.ts';
import { invoiceLabel } from '../../domain/invoice.ts';
import { BILLING_STATUS_LABELS } from '../../domain/invite-to-bill.ts';
import { paths } from '../../domain/links.ts';
import { isDigestTime, isReminderDue, REMINDER_FROM_HOUR } from '../../domain/notifications.ts';
import type { ProjectAccess } from '../../domain/permissions.ts';
import { findOpenBillingPeriod } from '../../db/billing-periods.queries.ts';
import { lockCommitment } from '../../db/commitments.queries.ts';
import type { Db } from '../../db/database.ts';
import { listInvitesOfPeriod } from '../../db/invites.queries.ts';
import { findProject } from '../../db/projects.queries.ts';
import { crossTenant } from '../../db/tenant-check.ts';
import { listDistributionUserIds, listInvoiceAdministratorGroups } from '../../db/recipients.queries.ts';
import { getProjectSettings } from '../../db/settings.queries.ts';
import { buildBillingBoard } from '../billing/billing-board.ts';
import { emailInviteToBill, projectRef } from './billing-emails.ts';
import { enqueueEmail } from './enqueue-email.ts';

/** The projects of every tenant that have the setting on (the worker visits them one by one). */
async function projectsWith(db: Db, column: 'remindersEnabled' | 'digestEnabled'): Promise<{ tenantId: string; projectId: string }[]> {
  return db
    .selectFrom('projectSettings')
    .select(['tenantId', 'projectId'])
    .where(column, '=', true)
    .modifyEnd(crossTenant('the worker finds the projects of every tenant that send reminders or digests'))
    .execute();
}

async function existingDedupeKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.selectFrom('emailMessages').select('dedupeKey').where('dedupeKey', 'in', keys).execute();
  return new Set(rows.map((r) => r.dedupeKey ?? ''));
}

/** Reminders to bill, for every project that sends them. Returns how many were queued. */
export async function queueBillReminders(db: Db, now: Date): Promise<number> {
  let queued = 0;
  for (const { tenantId, projectId } of await projectsWith(db, 'remindersEnabled')) {
    const project = await findProject(db, tenantId, projectId);
    const settings = await getProjectSettings(db, tenantId, projectId);
    const period = await findOpenBillingPeriod(db, tenantId, projectId);
    if (!project || !period || weekdayAndHourIn(project.timeZone, now).hour < REMINDER_FROM_HOUR) continue;
    const today = todayIn(project.timeZone, now);
    for (const invite of await listInvitesOfPeriod(db, tenantId, period.id)) {
      const status = await db.selectFrom('commitments').select('status').where('tenantId', '=', tenantId).where('id', '=', invite.commitmentId).executeTakeFirst();
      if (!status || status.status === 'void' || status.status === 'terminated') continue;
      const submitted = await db
        .selectFrom('invoices')
        .select('id')
        .where('tenantId', '=', tenantId)
        .where('commitmentId', '=', invite.commitmentId)
        .where('billingPeriodId', '=', period.id)
        .where('status', '<>', 'draft')
        .executeTakeFirst();
      const due = isReminderDue({
        enabled: settings.remindersEnabled,
        frequencyDays: settings.reminderFrequencyDays,
        invitedOn: todayIn(project.timeZone, invite.invitedAt),
        today,
        dueOn: period.dueOn,
        declined: invite.response === 'declined',
        submitted: submitted !== undefined,
      });
      if (!due) continue;
      const contactIds = (
        await db.selectFrom('commitmentInvoiceContacts').select('userId').where('tenantId', '=', tenantId).where('commitmentId', '=', invite.commitmentId).execute()
      ).map((r) => r.userId);
      const keyOf = (userId: string) => `reminder:${invite.commitmentId}:${userId}:${today}`;
      const already = await existingDedupeKeys(db, contactIds.map(keyOf));
      const remaining = contactIds.filter((id) => !already.has(keyOf(id)));
      if (remaining.length === 0) continue;
      const result = await db.transaction().execute(async (trx) => {
        const commitment = await lockCommitment(trx, tenantId, invite.commitmentId);
        return emailInviteToBill(
          trx,
          { project, commitment, period, invite, kind: 'bill_reminder', daysLeft: daysBetween(today, period.dueOn), onlyUserIds: remaining, dedupeKey: keyOf },
          now,
        );
      });
      queued += result.queued.length;
    }
  }
  return queued;
}

/**
 * The weekly digest, Monday morning in each project's time zone, to its invoice distribution list
 * (or, when nobody on it can receive it, the project's invoice administrators; see enqueueEmail).
 */
export async function queueWeeklyDigests(db: Db, now: Date): Promise<number> {
  let queued = 0;
  for (const { tenantId, projectId } of await projectsWith(db, 'digestEnabled')) {
    const project = await findProject(db, tenantId, projectId);
    if (!project || !isDigestTime(weekdayAndHourIn(project.timeZone, now))) continue;
    const monday = todayIn(project.timeZone, now);
    const listed = await listDistributionUserIds(db, tenantId, projectId);
    const keyOf = (userId: string) => `digest:${projectId}:${userId}:${monday}`;
    const nobodyKey = `digest:${projectId}:nobody:${monday}`;
    // Written already this Monday: to everyone on the list, or — with nobody on it — to the
    // administrators who stand in for it, or as the record that it reached nobody.
    const standIns = listed.length > 0 ? [] : [...(await listInvoiceAdministratorGroups(db, tenantId, projectId)).flat().map(keyOf), nobodyKey];
    const already = await existingDedupeKeys(db, [...listed.map(keyOf), ...standIns]);
    const done = listed.length > 0 ? listed.every((id) => already.has(keyOf(id))) : already.size > 0;
    if (done) continue;
    // The board as a company admin of the project's company sees it. Ids go into uuid comparisons, so the system viewer is the nil uuid.
    const nobody = '00000000-0000-0000-0000-000000000000';
    const system: ProjectAccess = { viewer: { userId: nobody, companyId: tenantId, isCompanyAdmin: true }, projectId, tenantId, directoryPermission: null };
    const board = await buildBillingBoard(db, system, {});
    const item = (row: (typeof board.rows)[number]) => ({
      commitmentNumber: row.commitment.number,
      commitmentTitle: row.commitment.title,
      label: row.latestInvoice ? invoiceLabel(row.latestInvoice) : '',
      url: row.latestInvoice ? paths.invoice(projectId, row.latestInvoice.id) : paths.commitment(projectId, row.commitment.id),
      currentPaymentDueCents: row.latestInvoice?.summary.currentPaymentDueCents ?? 0,
    });
    const byStatus = (status: string) => board.rows.filter((r) => r.latestInvoice?.status === status).map(item);
    const notBilled = board.rows
      .filter((r) => !r.latestInvoice && (r.commitment.status === 'approved' || r.commitment.status === 'complete'))
      .map((r) => ({ number: r.commitment.number, title: r.commitment.title, url: paths.commitment(projectId, r.commitment.id), billingStatusLabel: BILLING_STATUS_LABELS[r.billingStatus] }));
    const result = await db.transaction().execute((trx) =>
      enqueueEmail(
        trx,
        {
          kind: 'weekly_digest',
          tenantId,
          projectId,
          commitment: null,
          userIds: listed,
          dedupeKey: (r) => keyOf(r.userId),
          fallback: () => listInvoiceAdministratorGroups(trx, tenantId, projectId),
          whenNobody: { reason: 'no_administrator_can_receive', about: `Weekly digest of ${formatDay(monday, project.locale)}`, dedupeKey: nobodyKey },
          payload: (r, how) => ({
            project: projectRef(project),
            recipientName: r.name,
            period: board.period ? { startsOn: board.period.startsOn, endsOn: board.period.endsOn, dueOn: board.period.dueOn } : null,
            draft: byStatus('draft'),
            underReview: byStatus('under_review'),
            reviseAndResubmit: byStatus('revise_and_resubmit'),
            notBilled,
            boardUrl: paths.invoicing(projectId),
            viaFallback: how.viaFallback,
          }),
        },
        now,
      ),
    );
    queued += result.queued.length;
  }
  return queued;
}

