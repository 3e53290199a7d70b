/**
 * Creating, editing, closing and deleting billing periods (Admins on Commitments only). Every
 * change takes the project's row lock, so "one open period" and "no overlaps" hold under
 * concurrency, across processes.
 */
import {
  assertNoOverlap,
  assertPeriodDates,
  automaticPeriodFor,
  defaultMonthlyPeriod,
  type BillingPeriod,
  type BillingPeriodStatus,
  type PeriodDates,
} from '../../domain/billing-period.ts';
import { assertDatesInWindow, todayIn } from '../../domain/calendar.ts';
import { assertVersion } from '../../domain/commitment.ts';
import { DomainError } from '../../domain/errors.ts';
import { assertInvoiceAdministrator, type Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import {
  billingPeriodFromRow,
  closeOpenPeriods,
  countInvoicesInPeriod,
  getBillingPeriod,
  listBillingPeriods,
  lockProjectForPeriods,
} from '../../db/billing-periods.queries.ts';
import type { Db, Trx } from '../../db/database.ts';
import { findProject, getProjectAccess } from '../../db/projects.queries.ts';
import { getProjectSettings } from '../../db/settings.queries.ts';

async function insertOpenPeriod(
  trx: Trx,
  input: { tenantId: string; projectId: string; dates: PeriodDates; origin: 'manual' | 'automatic'; actorUserId: string | null },
  now: Date,
): Promise<BillingPeriod> {
  const others = await listBillingPeriods(trx, input.tenantId, input.projectId);
  assertNoOverlap(input.dates, others);
  const closed = await closeOpenPeriods(trx, input.tenantId, input.projectId, now);
  const row = await trx
    .insertInto('billingPeriods')
    .values({
      tenantId: input.tenantId,
      projectId: input.projectId,
      ...input.dates,
      status: 'open',
      origin: input.origin,
      createdBy: input.actorUserId,
      createdAt: now,
      updatedAt: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const period = billingPeriodFromRow(row);
  await recordAudit(trx, {
    occurredAt: now,
    actorUserId: input.actorUserId,
    projectId: input.projectId,
    entityType: 'billing_period',
    entityId: period.id,
    action: input.origin === 'automatic' ? 'create_automatic' : 'create',
    after: { ...period, closedPeriodIds: closed },
  });
  return period;
}

/** Opens a new period (closing the open one). Dates default from the project's period defaults. */
export async function createBillingPeriod(
  db: Db,
  viewer: Viewer,
  projectId: string,
  input: Partial<PeriodDates>,
  now: Date,
): Promise<BillingPeriod> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertInvoiceAdministrator(access, 'create billing periods');
  const { tenantId } = access;
  return db.transaction().execute(async (trx) => {
    await lockProjectForPeriods(trx, tenantId, projectId);
    const project = await findProject(trx, tenantId, projectId);
    const settings = await getProjectSettings(trx, tenantId, projectId);
    const today = todayIn(project?.timeZone ?? 'UTC', now);
    assertDatesInWindow({ startsOn: input.startsOn, endsOn: input.endsOn, dueOn: input.dueOn }, today);
    const defaults = defaultMonthlyPeriod(today, settings.periodDefaults);
    const dates: PeriodDates = {
      startsOn: input.startsOn ?? defaults.startsOn,
      endsOn: input.endsOn ?? defaults.endsOn,
      dueOn: input.dueOn ?? defaults.dueOn,
    };
    assertPeriodDates(dates);
    return insertOpenPeriod(trx, { tenantId, projectId, dates, origin: 'manual', actorUserId: viewer.userId }, now);
  });
}

export type UpdateBillingPeriodInput = Partial<PeriodDates> & { version: number; status?: BillingPeriodStatus | undefined };

/** Changes dates or status. Reopening a closed period closes the one that is open. */
export async function updateBillingPeriod(
  db: Db,
  viewer: Viewer,
  projectId: string,
  periodId: string,
  input: UpdateBillingPeriodInput,
  now: Date,
): Promise<BillingPeriod> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertInvoiceAdministrator(access, 'change billing periods');
  const { tenantId } = access;
  return db.transaction().execute(async (trx) => {
    await lockProjectForPeriods(trx, tenantId, projectId);
    const before = await getBillingPeriod(trx, tenantId, projectId, periodId, { forUpdate: true });
    assertVersion(before.version, input.version, 'billing period');
    const project = await findProject(trx, tenantId, projectId);
    assertDatesInWindow({ startsOn: input.startsOn, endsOn: input.endsOn, dueOn: input.dueOn }, todayIn(project?.timeZone ?? 'UTC', now));
    const dates: PeriodDates = {
      startsOn: input.startsOn ?? before.startsOn,
      endsOn: input.endsOn ?? before.endsOn,
      dueOn: input.dueOn ?? before.dueOn,
    };
    assertPeriodDates(dates);
    assertNoOverlap(dates, await listBillingPeriods(trx, tenantId, projectId), periodId);
    const status = input.status ?? before.status;
    if (status === 'open' && before.status === 'closed') await closeOpenPeriods(trx, tenantId, projectId, now);
    const row = await trx
      .updateTable('billingPeriods')
      .set({ ...dates, status, version: before.version + 1, updatedAt: now })
      .where('tenantId', '=', tenantId)
      .where('id', '=', periodId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = billingPeriodFromRow(row);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'billing_period',
      entityId: periodId,
      action: before.status !== after.status ? (after.status === 'open' ? 'reopen' : 'close') : 'update',
      before,
      after,
    });
    return after;
  });
}

/** A period that has an invoice can be closed but never deleted (backups and history rely on it). */
export async function deleteBillingPeriod(db: Db, viewer: Viewer, projectId: string, periodId: string, now: Date): Promise<void> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertInvoiceAdministrator(access, 'delete billing periods');
  const { tenantId } = access;
  await db.transaction().execute(async (trx) => {
    await lockProjectForPeriods(trx, tenantId, projectId);
    const before = await getBillingPeriod(trx, tenantId, projectId, periodId, { forUpdate: true });
    const invoices = await countInvoicesInPeriod(trx, tenantId, periodId);
    if (invoices > 0) {
      const has = invoices === 1 ? 'an invoice' : `${invoices} invoices`;
      throw new DomainError(
        'rule_violation',
        `This billing period has ${has}, so it cannot be deleted: periods with invoices are kept with their invoices' history.${before.status === 'open' ? ' Close it instead.' : ''}`,
        { field: 'billingPeriodId', details: { invoiceCount: invoices } },
      );
    }
    await trx.deleteFrom('billingInvites').where('tenantId', '=', tenantId).where('billingPeriodId', '=', periodId).execute();
    await trx.deleteFrom('billingPeriods').where('tenantId', '=', tenantId).where('id', '=', periodId).execute();
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'billing_period',
      entityId: periodId,
      action: 'delete',
      before,
    });
  });
}

/**
 * The worker's job: creates each project's automatic period when its day comes. Exactly once
 * however many workers run: the project row lock serialises them and (project, start day) is
 * unique, so a second worker finds the period already there.
 */
export async function createDueAutomaticPeriods(db: Db, projects: { tenantId: string; projectId: string; timeZone: string }[], now: Date): Promise<BillingPeriod[]> {
  const created: BillingPeriod[] = [];
  for (const { tenantId, projectId, timeZone } of projects) {
    const period = await db.transaction().execute(async (trx) => {
      await lockProjectForPeriods(trx, tenantId, projectId);
      const settings = await getProjectSettings(trx, tenantId, projectId);
      const dates = automaticPeriodFor(settings.automatic, todayIn(timeZone, now), settings.periodDefaults);
      if (!dates) return null;
      const existing = await listBillingPeriods(trx, tenantId, projectId);
      if (existing.some((p) => p.startsOn === dates.startsOn)) return null;
      try {
        assertNoOverlap(dates, existing);
      } catch {
        // A manual period already covers these days: the administrator's choice wins.
        return null;
      }
      return insertOpenPeriod(trx, { tenantId, projectId, dates, origin: 'automatic', actorUserId: null }, now);
    });
    if (period) created.push(period);
  }
  return created;
}
