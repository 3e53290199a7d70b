/**
 * Invite to Bill: an invoice administrator asks a commitment's invoice contacts to bill the open
 * period. A courtesy, not a requirement — contacts may bill without one unless the project says
 * otherwise. Prerequisites are checked per commitment, each with its own reason.
 */
import { compareDates, type CalendarDate } from './calendar.ts';
import type { InvoiceStatus } from './invoice-status.ts';

export const INVOICE_TYPES = ['work_and_materials', 'retainage_release', 'work_materials_retainage'] as const;
export type InvoiceType = (typeof INVOICE_TYPES)[number];

export const INVOICE_TYPE_LABELS: Record<InvoiceType, string> = {
  work_and_materials: 'Work and Materials',
  retainage_release: 'Retainage Release',
  work_materials_retainage: 'Work, Materials, and Retainage',
};

export type InviteResponse = 'accepted' | 'declined';

export type InviteRefusalCode =
  | 'no_invoice_contacts'
  | 'ssov_not_approved'
  | 'period_not_open'
  | 'past_due_date';

export type InviteRefusal = { code: InviteRefusalCode; reason: string };

export type InvitePrerequisiteFacts = {
  invoiceContactCount: number;
  ssovEnabled: boolean;
  ssovApproved: boolean;
  period: { status: 'open' | 'closed'; dueOn: CalendarDate } | null;
  /** Today in the project's time zone. */
  today: CalendarDate;
};

/** Every reason an invite cannot be sent for one commitment (empty: it can). */
export function invitePrerequisiteFailures(facts: InvitePrerequisiteFacts): InviteRefusal[] {
  const failures: InviteRefusal[] = [];
  if (facts.invoiceContactCount === 0) {
    failures.push({ code: 'no_invoice_contacts', reason: 'The commitment has no invoice contact.' });
  }
  if (facts.ssovEnabled && !facts.ssovApproved) {
    failures.push({ code: 'ssov_not_approved', reason: 'The Subcontractor SOV is not approved yet.' });
  }
  if (!facts.period || facts.period.status !== 'open') {
    failures.push({ code: 'period_not_open', reason: 'Invites go out for the open billing period only.' });
  } else if (compareDates(facts.today, facts.period.dueOn) > 0) {
    failures.push({ code: 'past_due_date', reason: `The billing period was due on ${facts.period.dueOn}.` });
  }
  return failures;
}

/**
 * One status per commitment for the open period, in the order a commitment moves through them:
 * No Invoice Contacts → SSOV Not Approved → Not Invited → Invited → Accepted / Declined → the
 * status of its latest invoice once one exists.
 */
export type BillingStatus =
  | 'no_invoice_contacts'
  | 'ssov_not_approved'
  | 'not_invited'
  | 'invited'
  | 'accepted'
  | 'declined'
  | InvoiceStatus;

export const BILLING_STATUS_LABELS: Record<BillingStatus, string> = {
  no_invoice_contacts: 'No Invoice Contacts',
  ssov_not_approved: 'SSOV Not Approved',
  not_invited: 'Not Invited',
  invited: 'Invited',
  accepted: 'Accepted',
  declined: 'Declined',
  draft: 'Draft',
  under_review: 'Under Review',
  revise_and_resubmit: 'Revise & Resubmit',
  pending_owner_approval: 'Pending Owner Approval',
  approved: 'Approved',
  approved_as_noted: 'Approved as Noted',
};

export function billingStatus(facts: {
  invoiceContactCount: number;
  ssovEnabled: boolean;
  ssovApproved: boolean;
  latestInvoiceStatus: InvoiceStatus | null;
  invite: { response: InviteResponse | null } | null;
}): BillingStatus {
  if (facts.latestInvoiceStatus) return facts.latestInvoiceStatus;
  if (facts.invoiceContactCount === 0) return 'no_invoice_contacts';
  if (facts.ssovEnabled && !facts.ssovApproved) return 'ssov_not_approved';
  if (!facts.invite) return 'not_invited';
  return facts.invite.response ?? 'invited';
}
