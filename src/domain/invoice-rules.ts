/**
 * Who may create and change a subcontractor invoice, and when (reference §5, §8.2).
 * - An invoice contact creates one invoice per commitment per billing period, for the open period,
 *   on or before its due date, on a commitment they are a contact on. An administrator creates
 *   invoices on a contact's behalf for any period, any time.
 * - Contacts change only Draft and Revise & Resubmit invoices; when a commitment has several
 *   invoices in one period only the latest is editable; approved invoices never change.
 * - Contacts release retainage only on the commitment's latest invoice, on or before the due date,
 *   and only on invoice types that include retainage.
 */
import { compareDates, type CalendarDate } from './calendar.ts';
import { DomainError } from './errors.ts';
import type { InvoiceType } from './invite-to-bill.ts';
import { isApproved, isEditableByContact, type InvoiceActor, type InvoiceStatus } from './invoice-status.ts';
import type { CommitmentStatus } from './commitment.ts';

export type InvoiceCreationFacts = {
  actor: InvoiceActor;
  isInvoiceContact: boolean;
  commitmentStatus: CommitmentStatus;
  ssovEnabled: boolean;
  ssovApproved: boolean;
  period: { status: 'open' | 'closed'; dueOn: CalendarDate };
  today: CalendarDate;
  /** Invoices this commitment already has in this period. */
  invoicesInPeriod: number;
  /** Project setting "contacts may bill without an invite". */
  contactsMayBillWithoutInvite: boolean;
  invite: { invoiceType: InvoiceType } | null;
  contactDefaultInvoiceType: InvoiceType;
};

/** Decides whether the invoice may be created, and its type. */
export function decideInvoiceCreation(facts: InvoiceCreationFacts): { invoiceType: InvoiceType } {
  if (facts.commitmentStatus !== 'approved' && facts.commitmentStatus !== 'complete') {
    throw new DomainError('rule_violation', 'Invoices can be created only on an approved or complete commitment.', {
      field: 'commitmentId',
    });
  }
  if (facts.ssovEnabled && !facts.ssovApproved) {
    // The same reason code the Invite to Bill prerequisites and the billing board use.
    throw new DomainError('rule_violation', 'The Subcontractor SOV must be approved before invoicing.', {
      field: 'commitmentId',
      details: { reason: 'ssov_not_approved' },
    });
  }
  // Invoices created by an administrator always cover work, materials and retainage (reference §2).
  if (facts.actor === 'admin') return { invoiceType: 'work_materials_retainage' };
  if (!facts.isInvoiceContact) {
    throw new DomainError('forbidden', 'Only the invoice contacts of this commitment can bill it.');
  }
  if (facts.period.status !== 'open') {
    throw new DomainError('rule_violation', 'Invoice contacts bill the open billing period only.', { field: 'billingPeriodId' });
  }
  if (compareDates(facts.today, facts.period.dueOn) > 0) {
    throw new DomainError(
      'rule_violation',
      `This billing period was due on ${facts.period.dueOn}. Ask the invoice administrator to create the invoice for you.`,
      { field: 'billingPeriodId' },
    );
  }
  if (facts.invoicesInPeriod > 0) {
    throw new DomainError('conflict', 'This commitment already has an invoice for this billing period.', { field: 'billingPeriodId' });
  }
  if (!facts.invite && !facts.contactsMayBillWithoutInvite) {
    throw new DomainError('rule_violation', 'On this project you can bill once you have been invited to.', { field: 'billingPeriodId' });
  }
  return { invoiceType: facts.invite?.invoiceType ?? facts.contactDefaultInvoiceType };
}

export type EditKind = 'claim' | 'certify' | 'rates' | 'details';

export type InvoiceEditFacts = {
  actor: InvoiceActor;
  status: InvoiceStatus;
  /** The latest invoice of its commitment in its billing period. */
  isLatestInPeriod: boolean;
};

/**
 * What a person may change on an invoice now:
 * - claim: the claimed amounts (contacts; admins on their behalf) — Draft or Revise & Resubmit;
 * - certify: amounts different from those claimed, with a reason — admins, until approval;
 * - rates: per-line retainage rates — admins, until approval;
 * - details: number, dates, comments, attachments — as for claim (admins until approval).
 */
export function assertCanEdit(facts: InvoiceEditFacts, kind: EditKind): void {
  if (isApproved(facts.status)) {
    throw new DomainError('invalid_state', 'An approved invoice is final and cannot change.', { field: 'status' });
  }
  if (!facts.isLatestInPeriod) {
    throw new DomainError('invalid_state', 'Only the latest invoice of this commitment in this billing period can change.', {
      field: 'invoiceId',
    });
  }
  if (facts.actor === 'contact') {
    if (kind === 'certify' || kind === 'rates') {
      throw new DomainError('forbidden', 'Only an invoice administrator can do that.');
    }
    if (!isEditableByContact(facts.status)) {
      throw new DomainError(
        'invalid_state',
        'This invoice is with the invoice administrator; you can change it again if it is sent back for revision.',
        { field: 'status' },
      );
    }
    return;
  }
  if (kind === 'claim' && !isEditableByContact(facts.status)) {
    throw new DomainError(
      'invalid_state',
      'Under review, change the certified amounts (with a reason) instead of the claimed ones.',
      { field: 'status' },
    );
  }
}

/** Which entries an invoice type allows: a retainage-release invoice bills no work or materials. */
export function assertEntryAllowedByType(
  invoiceType: InvoiceType,
  entry: { hasWorkOrMaterials: boolean; hasRelease: boolean },
  actor: InvoiceActor,
): void {
  if (invoiceType === 'retainage_release' && entry.hasWorkOrMaterials) {
    throw new DomainError('rule_violation', 'A retainage release invoice bills no work or materials.', {
      field: 'workCompletedThisPeriodCents',
    });
  }
  if (actor === 'contact' && invoiceType === 'work_and_materials' && entry.hasRelease) {
    throw new DomainError('rule_violation', 'This invoice is for work and materials; it cannot release retainage.', {
      field: 'retainageReleasedCents',
    });
  }
}

/** Contacts release retainage only on the commitment's latest invoice, on or before the due date. */
export function assertContactMayRelease(facts: { isLatestOfCommitment: boolean; today: CalendarDate; dueOn: CalendarDate }): void {
  if (!facts.isLatestOfCommitment) {
    throw new DomainError('rule_violation', 'Retainage can be released only on the latest invoice.', {
      field: 'retainageReleasedCents',
    });
  }
  if (compareDates(facts.today, facts.dueOn) > 0) {
    throw new DomainError('rule_violation', `Retainage release was due by ${facts.dueOn}; ask the invoice administrator.`, {
      field: 'retainageReleasedCents',
    });
  }
}
