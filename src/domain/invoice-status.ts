/**
 * The subcontractor invoice status machine — the only code that decides a status change.
 *
 *   draft ──submit──▶ under_review ──request_revision──▶ revise_and_resubmit ──submit──▶ under_review
 *                      │  approve / approve_as_noted ──▶ approved | approved_as_noted   (final)
 *                      └─ send_to_owner ──▶ pending_owner_approval ──▶ approved | approved_as_noted | revise_and_resubmit
 *
 * Contacts may only submit; everything else is an invoice administrator's. Approved invoices are
 * immutable snapshots: nothing leaves an approved status.
 */
import { DomainError } from './errors.ts';

export const INVOICE_STATUSES = [
  'draft',
  'under_review',
  'revise_and_resubmit',
  'pending_owner_approval',
  'approved',
  'approved_as_noted',
] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const INVOICE_ACTIONS = ['submit', 'request_revision', 'approve', 'approve_as_noted', 'send_to_owner'] as const;
export type InvoiceAction = (typeof INVOICE_ACTIONS)[number];

export type InvoiceActor = 'contact' | 'admin';

export const STATUS_LABELS: Record<InvoiceStatus, string> = {
  draft: 'Draft',
  under_review: 'Under Review',
  revise_and_resubmit: 'Revise & Resubmit',
  pending_owner_approval: 'Pending Owner Approval',
  approved: 'Approved',
  approved_as_noted: 'Approved as Noted',
};

const TRANSITIONS: Record<InvoiceAction, { from: readonly InvoiceStatus[]; to: InvoiceStatus; actors: readonly InvoiceActor[] }> = {
  submit: { from: ['draft', 'revise_and_resubmit'], to: 'under_review', actors: ['contact', 'admin'] },
  request_revision: { from: ['under_review', 'pending_owner_approval'], to: 'revise_and_resubmit', actors: ['admin'] },
  approve: { from: ['under_review', 'pending_owner_approval'], to: 'approved', actors: ['admin'] },
  approve_as_noted: { from: ['under_review', 'pending_owner_approval'], to: 'approved_as_noted', actors: ['admin'] },
  send_to_owner: { from: ['under_review'], to: 'pending_owner_approval', actors: ['admin'] },
};

export function isApproved(status: InvoiceStatus): boolean {
  return status === 'approved' || status === 'approved_as_noted';
}

/** Statuses in which the contact (or an admin on their behalf) changes the claimed amounts. */
export function isEditableByContact(status: InvoiceStatus): boolean {
  return status === 'draft' || status === 'revise_and_resubmit';
}

/** Statuses in which an administrator can certify amounts different from those claimed. */
export function isCertifiable(status: InvoiceStatus): boolean {
  return status !== 'approved' && status !== 'approved_as_noted';
}

export type TransitionGuards = {
  /** Lines an administrator rejected: an invoice with any cannot be approved. */
  rejectedLineCount: number;
  /** Earlier invoices of the commitment not yet approved: approval goes in order. */
  earlierUnapprovedNumbers: string[];
  /** Line problems (overbilling, over-release…): an invoice with any cannot be submitted or approved. */
  lineIssueCount: number;
};

export function transitionInvoice(
  current: InvoiceStatus,
  action: InvoiceAction,
  actor: InvoiceActor,
  guards: TransitionGuards,
): InvoiceStatus {
  const rule = TRANSITIONS[action];
  if (!rule.actors.includes(actor)) {
    throw new DomainError('forbidden', 'Only an invoice administrator can do that.', { field: 'action' });
  }
  if (!rule.from.includes(current)) {
    throw new DomainError(
      'invalid_transition',
      `An invoice that is ${STATUS_LABELS[current]} cannot be moved to ${STATUS_LABELS[rule.to]}.`,
      { field: 'action', details: { from: current, action } },
    );
  }
  if ((action === 'submit' || action === 'approve' || action === 'approve_as_noted') && guards.lineIssueCount > 0) {
    throw new DomainError('rule_violation', `Fix the ${guards.lineIssueCount} line problem(s) first.`, { field: 'lines' });
  }
  if (action === 'approve' || action === 'approve_as_noted') {
    if (guards.rejectedLineCount > 0) {
      throw new DomainError(
        'rule_violation',
        `${guards.rejectedLineCount} line(s) are rejected: send the invoice back for revision, or approve those lines first.`,
        { field: 'lines' },
      );
    }
    if (guards.earlierUnapprovedNumbers.length > 0) {
      throw new DomainError(
        'rule_violation',
        `Earlier invoice(s) ${guards.earlierUnapprovedNumbers.join(', ')} of this commitment must be approved first.`,
        { field: 'action' },
      );
    }
  }
  return rule.to;
}

/** The actions an actor could take on an invoice in this status (before the guards). */
export function availableActions(status: InvoiceStatus, actor: InvoiceActor): InvoiceAction[] {
  return INVOICE_ACTIONS.filter((action) => TRANSITIONS[action].from.includes(status) && TRANSITIONS[action].actors.includes(actor));
}
