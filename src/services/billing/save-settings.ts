/** Project invoicing settings (Admins on Commitments) and the company-wide overbilling lock (company admins, for their company's projects). */
import { AUTOMATIC_FREQUENCIES, type AutomaticFrequency } from '../../domain/billing-period.ts';
import { assertDatesInWindow, isCalendarDate, todayIn, type CalendarDate } from '../../domain/calendar.ts';
import { assertVersion } from '../../domain/commitment.ts';
import { DomainError } from '../../domain/errors.ts';
import { assertCompanyAdmin, assertInvoiceAdministrator, isTenantAdmin, type Viewer } from '../../domain/permissions.ts';
import {
  assertOverbillingSettingChangeable,
  assertPeriodDefaults,
  type ContactInvoiceType,
  type PdfPageSize,
  type ProjectSettings,
} from '../../domain/project-settings.ts';
import type { ReminderFrequency } from '../../domain/notifications.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { isUuid } from '../../db/ids.ts';
import { findProject, getProjectAccess } from '../../db/projects.queries.ts';
import { stopFollowingAdministrators } from '../../db/recipients.queries.ts';
import { getCompanySettings, getProjectSettings } from '../../db/settings.queries.ts';

export type UpdateProjectSettingsInput = {
  version: number;
  periodStartDay?: number | undefined;
  periodEndDay?: number | undefined;
  periodDueDay?: number | undefined;
  automaticFrequency?: AutomaticFrequency | undefined;
  automaticStartsOn?: CalendarDate | null | undefined;
  contactsMayBillWithoutInvite?: boolean | undefined;
  contactDefaultInvoiceType?: ContactInvoiceType | undefined;
  inviteMessage?: string | undefined;
  allowOverbilling?: boolean | undefined;
  remindersEnabled?: boolean | undefined;
  reminderFrequencyDays?: ReminderFrequency | undefined;
  digestEnabled?: boolean | undefined;
  approvalNoticesEnabled?: boolean | undefined;
  twoPersonPaymentRule?: boolean | undefined;
  ssovEnabledByDefault?: boolean | undefined;
  pdfPageSize?: PdfPageSize | undefined;
};

export async function updateProjectSettings(
  db: Db,
  viewer: Viewer,
  projectId: string,
  input: UpdateProjectSettingsInput,
  now: Date,
): Promise<ProjectSettings> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertInvoiceAdministrator(access, "change the project's invoicing settings");
  assertPeriodDefaults({ startDay: input.periodStartDay, endDay: input.periodEndDay, dueDay: input.periodDueDay });
  if (input.automaticFrequency !== undefined && !AUTOMATIC_FREQUENCIES.includes(input.automaticFrequency)) {
    throw new DomainError('validation_failed', 'Choose monthly, weekly or never.', { field: 'automaticFrequency' });
  }
  if (input.automaticStartsOn && !isCalendarDate(input.automaticStartsOn)) {
    throw new DomainError('validation_failed', 'Dates are calendar days like 2026-12-01.', { field: 'automaticStartsOn' });
  }
  const { tenantId } = access;
  return db.transaction().execute(async (trx) => {
    const before = await getProjectSettings(trx, tenantId, projectId, { forUpdate: true });
    assertVersion(before.version, input.version, 'settings');
    const project = await findProject(trx, tenantId, projectId);
    assertDatesInWindow({ automaticStartsOn: input.automaticStartsOn }, todayIn(project?.timeZone ?? 'UTC', now));
    const company = await getCompanySettings(trx, tenantId);
    assertOverbillingSettingChangeable(company.preventOverbillingAllProjects, input.allowOverbilling);
    const frequency = input.automaticFrequency ?? before.automatic.frequency;
    const startsOn = input.automaticStartsOn === undefined ? before.automatic.startsOn : input.automaticStartsOn;
    if (frequency !== 'never' && !startsOn) {
      throw new DomainError('validation_failed', 'Choose the day automatic billing periods start from.', { field: 'automaticStartsOn' });
    }
    const row = await trx
      .updateTable('projectSettings')
      .set({
        ...(input.periodStartDay !== undefined && { periodStartDay: input.periodStartDay }),
        ...(input.periodEndDay !== undefined && { periodEndDay: input.periodEndDay }),
        ...(input.periodDueDay !== undefined && { periodDueDay: input.periodDueDay }),
        automaticFrequency: frequency,
        automaticStartsOn: startsOn,
        ...(input.contactsMayBillWithoutInvite !== undefined && { contactsMayBillWithoutInvite: input.contactsMayBillWithoutInvite }),
        ...(input.contactDefaultInvoiceType !== undefined && { contactDefaultInvoiceType: input.contactDefaultInvoiceType }),
        ...(input.inviteMessage !== undefined && { inviteMessage: input.inviteMessage }),
        ...(input.allowOverbilling !== undefined && { allowOverbilling: input.allowOverbilling }),
        ...(input.remindersEnabled !== undefined && { remindersEnabled: input.remindersEnabled }),
        ...(input.reminderFrequencyDays !== undefined && { reminderFrequencyDays: input.reminderFrequencyDays }),
        ...(input.digestEnabled !== undefined && { digestEnabled: input.digestEnabled }),
        ...(input.approvalNoticesEnabled !== undefined && { approvalNoticesEnabled: input.approvalNoticesEnabled }),
        ...(input.twoPersonPaymentRule !== undefined && { twoPersonPaymentRule: input.twoPersonPaymentRule }),
        ...(input.ssovEnabledByDefault !== undefined && { ssovEnabledByDefault: input.ssovEnabledByDefault }),
        ...(input.pdfPageSize !== undefined && { pdfPageSize: input.pdfPageSize }),
        version: before.version + 1,
        updatedAt: now,
      })
      .where('tenantId', '=', tenantId)
      .where('projectId', '=', projectId)
      .returning('projectId')
      .executeTakeFirstOrThrow();
    const after = await getProjectSettings(trx, tenantId, row.projectId);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'project_settings',
      entityId: projectId,
      action: 'update',
      before,
      after,
    });
    return after;
  });
}

/** A company admin's company is the tenant whose projects the settings apply to (decision 025). */
export async function updateCompanySettings(db: Db, viewer: Viewer, input: { preventOverbillingAllProjects: boolean }, now: Date): Promise<void> {
  assertCompanyAdmin(viewer, 'change company-wide settings');
  const tenantId = viewer.companyId;
  await db.transaction().execute(async (trx) => {
    const before = await getCompanySettings(trx, tenantId);
    await trx
      .insertInto('companySettings')
      .values({ tenantId, preventOverbillingAllProjects: input.preventOverbillingAllProjects, updatedAt: now })
      .onConflict((oc) => oc.column('tenantId').doUpdateSet({ preventOverbillingAllProjects: input.preventOverbillingAllProjects, updatedAt: now }))
      .execute();
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId: null,
      entityType: 'company_settings',
      entityId: 'company',
      action: 'update',
      before,
      after: input,
    });
  });
}

/**
 * The project's invoice distribution list: the administrators who receive "invoice submitted"
 * emails and the weekly digest. Only Admins on Commitments of the project can be on it. A new
 * project's list follows its Admins on Commitments until it is set here; an empty list (or one
 * nobody on which can receive email) falls back to the project's invoice administrators at send time.
 */
/** Answers the project's settings as they stand after the change. */
export async function setInvoiceDistribution(db: Db, viewer: Viewer, projectId: string, userIds: string[], now: Date): Promise<ProjectSettings> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertInvoiceAdministrator(access, "change the project's invoice distribution list");
  const { tenantId } = access;
  const wanted = [...new Set(userIds)];
  const ids = wanted.filter(isUuid);
  return db.transaction().execute(async (trx) => {
    const eligible = ids.length
      ? await trx
          .selectFrom('users as u')
          .leftJoin('projectUsers as pu', (join) => join.onRef('pu.userId', '=', 'u.id').on('pu.tenantId', '=', tenantId).on('pu.projectId', '=', projectId))
          .select(['u.id', 'u.name', 'u.companyId', 'u.isCompanyAdmin', 'pu.commitmentsPermission'])
          .where('u.id', 'in', ids)
          .execute()
      : [];
    wanted.forEach((userId, index) => {
      const person = eligible.find((e) => e.id === userId);
      if (!person || !(isTenantAdmin({ userId: person.id, companyId: person.companyId, isCompanyAdmin: person.isCompanyAdmin }, tenantId) || person.commitmentsPermission === 'admin')) {
        throw new DomainError(
          'rule_violation',
          `${person?.name ?? 'That person'} is not an invoice administrator (Admin on Commitments) of this project.`,
          { field: `userIds.${index}` },
        );
      }
    });
    const before = (
      await trx.selectFrom('projectInvoiceDistribution').select('userId').where('tenantId', '=', tenantId).where('projectId', '=', projectId).execute()
    ).map((r) => r.userId);
    await trx.deleteFrom('projectInvoiceDistribution').where('tenantId', '=', tenantId).where('projectId', '=', projectId).execute();
    if (wanted.length > 0) {
      await trx.insertInto('projectInvoiceDistribution').values(wanted.map((userId) => ({ tenantId, projectId, userId, createdAt: now }))).execute();
    }
    // Edited: from now on the list is what the administrators chose, not the project's Admins.
    await stopFollowingAdministrators(trx, tenantId, projectId);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'project_settings',
      entityId: projectId,
      action: 'set_invoice_distribution',
      before,
      after: wanted,
    });
    return getProjectSettings(trx, tenantId, projectId);
  });
}
