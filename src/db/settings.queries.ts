/** Project invoicing settings and the company-wide settings. */
import type { AutomaticFrequency } from '../domain/billing-period.ts';
import type { ReminderFrequency } from '../domain/notifications.ts';
import type { ContactInvoiceType, PdfPageSize, ProjectSettings } from '../domain/project-settings.ts';
import type { DbOrTrx } from './database.ts';
import type { ProjectSettingsRow } from './tables.ts';

export function projectSettingsFromRow(row: ProjectSettingsRow): ProjectSettings {
  return {
    tenantId: row.tenantId,
    projectId: row.projectId,
    periodDefaults: { startDay: row.periodStartDay, endDay: row.periodEndDay, dueDay: row.periodDueDay },
    automatic: { frequency: row.automaticFrequency as AutomaticFrequency, startsOn: row.automaticStartsOn },
    contactsMayBillWithoutInvite: row.contactsMayBillWithoutInvite,
    contactDefaultInvoiceType: row.contactDefaultInvoiceType as ContactInvoiceType,
    inviteMessage: row.inviteMessage,
    allowOverbilling: row.allowOverbilling,
    remindersEnabled: row.remindersEnabled,
    reminderFrequencyDays: row.reminderFrequencyDays as ReminderFrequency,
    digestEnabled: row.digestEnabled,
    approvalNoticesEnabled: row.approvalNoticesEnabled,
    twoPersonPaymentRule: row.twoPersonPaymentRule,
    ssovEnabledByDefault: row.ssovEnabledByDefault,
    pdfPageSize: row.pdfPageSize as PdfPageSize,
    version: row.version,
  };
}

export async function getProjectSettings(db: DbOrTrx, tenantId: string, projectId: string, options: { forUpdate?: boolean } = {}): Promise<ProjectSettings> {
  let q = db.selectFrom('projectSettings').selectAll().where('tenantId', '=', tenantId).where('projectId', '=', projectId);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (row) return projectSettingsFromRow(row);
  // Projects always get a settings row at creation; this only covers a row lost to manual SQL.
  const created = await db
    .insertInto('projectSettings')
    .values({ tenantId, projectId })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (created) return projectSettingsFromRow(created);
  return getProjectSettings(db, tenantId, projectId, options);
}

export type CompanySettings = { preventOverbillingAllProjects: boolean };

/** A tenant's company-wide settings (a tenant that never saved them has the defaults). */
export async function getCompanySettings(db: DbOrTrx, tenantId: string): Promise<CompanySettings> {
  const row = await db.selectFrom('companySettings').select('preventOverbillingAllProjects').where('tenantId', '=', tenantId).executeTakeFirst();
  return { preventOverbillingAllProjects: row?.preventOverbillingAllProjects ?? false };
}
