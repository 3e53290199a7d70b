/** The settings an invoice administrator gives a project's invoicing (reference §7). */
import type { AutomaticSchedule, PeriodDefaults } from './billing-period.ts';
import { DomainError } from './errors.ts';
import type { ReminderFrequency } from './notifications.ts';

/** The paper a pay application PDF prints on (decision 027). */
export const PDF_PAGE_SIZES = ['letter', 'a4'] as const;
export type PdfPageSize = (typeof PDF_PAGE_SIZES)[number];

export const CONTACT_INVOICE_TYPES = ['work_and_materials', 'work_materials_retainage'] as const;
export type ContactInvoiceType = (typeof CONTACT_INVOICE_TYPES)[number];

export type ProjectSettings = {
  /** The project's tenant (decision 025). */
  tenantId: string;
  projectId: string;
  periodDefaults: PeriodDefaults;
  automatic: AutomaticSchedule;
  /** Contacts may create an invoice for the open period without an Invite to Bill (default yes). */
  contactsMayBillWithoutInvite: boolean;
  /** The invoice type of an invoice a contact creates without an invite. */
  contactDefaultInvoiceType: ContactInvoiceType;
  /** "Invitation & Reminder Custom Message", inserted into invites and reminders. */
  inviteMessage: string;
  /** "Allow subcontractors to over-bill" (default on); a company-wide setting can lock it off. */
  allowOverbilling: boolean;
  /** "Remind subcontractors to bill" (default off), every 1, 2 or 3 days after the invite. */
  remindersEnabled: boolean;
  reminderFrequencyDays: ReminderFrequency;
  /** Weekly digest on Monday to the invoice distribution list (default off). */
  digestEnabled: boolean;
  /** Email the contacts when their invoice is approved or approved as noted (default off). */
  approvalNoticesEnabled: boolean;
  /** Two-person rule (default off): whoever approved an invoice cannot record its payment. */
  twoPersonPaymentRule: boolean;
  /** "Enable Subcontractor SOV by default" on new amount-based commitments (payapp default off). */
  ssovEnabledByDefault: boolean;
  /** The paper the project's pay application PDFs print on (default Letter). */
  pdfPageSize: PdfPageSize;
  version: number;
};

/** The company-wide "Prevent overbilling on all projects" overrides, and locks, the project setting. */
export function effectiveAllowOverbilling(projectAllows: boolean, companyPrevents: boolean): boolean {
  return projectAllows && !companyPrevents;
}

export function assertOverbillingSettingChangeable(companyPrevents: boolean, nextAllow: boolean | undefined): void {
  if (companyPrevents && nextAllow === true) {
    throw new DomainError(
      'rule_violation',
      'Overbilling is prevented on all projects by a company setting; a company admin can change that.',
      { field: 'allowOverbilling' },
    );
  }
}

export function assertPeriodDefaults(defaults: Partial<PeriodDefaults>): void {
  for (const [field, day] of Object.entries(defaults)) {
    if (day !== undefined && (!Number.isInteger(day) || day < 1 || day > 31)) {
      throw new DomainError('validation_failed', 'Days of the month are 1 to 31 (31 means the last day).', { field });
    }
  }
}
