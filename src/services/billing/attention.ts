/**
 * An invoice administrator's "needs your attention" queue, across every project they administer:
 * invoices to review, invoices sent back and not resubmitted, invites nobody answered,
 * Subcontractor SOVs to review, and approved invoices not fully paid — each with where it is,
 * what waits, since when (and the due date where the contact has one), and the page to open.
 * A fixed number of queries however many projects and invoices there are (src/db/attention.queries.ts).
 */
import { compareDates, todayIn } from '../../domain/calendar.ts';
import { invoiceLabel } from '../../domain/invoice.ts';
import { STATUS_LABELS, type InvoiceStatus } from '../../domain/invoice-status.ts';
import { paths } from '../../domain/links.ts';
import type { Viewer } from '../../domain/permissions.ts';
import {
  countAdministeredProjects,
  listOpenInvoicesForAttention,
  listSsovsUnderReview,
  listUnansweredInvites,
  listUnpaidApprovedInvoices,
  type AttentionPlace,
} from '../../db/attention.queries.ts';
import type { DbOrTrx } from '../../db/database.ts';

/** In the order the queue shows them: the administrator's own decisions first. */
export const ATTENTION_KINDS = ['invoice_to_review', 'ssov_to_review', 'invoice_sent_back', 'invite_unanswered', 'invoice_unpaid'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

export const ATTENTION_KIND_LABELS: Record<AttentionKind, string> = {
  invoice_to_review: 'Invoices to review',
  ssov_to_review: 'Subcontractor SOVs to review',
  invoice_sent_back: 'Sent back, not resubmitted',
  invite_unanswered: 'Invites without an answer',
  invoice_unpaid: 'Approved, not fully paid',
};

export type AttentionItem = {
  kind: AttentionKind;
  projectId: string;
  projectName: string;
  commitmentId: string;
  commitmentNumber: string;
  commitmentTitle: string;
  contractCompanyName: string | null;
  invoice: { id: string; label: string; status: InvoiceStatus } | null;
  /** What is waiting, in a sentence. */
  waiting: string;
  /** Since when it has been waiting. */
  since: Date | null;
  /** The contact's due date (the billing period's), where one applies. */
  dueOn: string | null;
  /** The due date has passed, in the project's time zone. */
  isOverdue: boolean;
  /** Approved invoices: what was certified due (line 8) and paid so far. */
  payment: { dueCents: number; paidCents: number } | null;
  /** The web page where it is handled. */
  path: string;
};

export type Attention = { projectCount: number; items: AttentionItem[] };

/** "#3" for an invoice numbered in sequence, its own number otherwise (as the screens show it). */
function displayName(label: string): string {
  return /^\d+$/.test(label) ? `#${label}` : label;
}

function place(row: AttentionPlace) {
  return {
    projectId: row.projectId,
    projectName: row.projectName,
    commitmentId: row.commitmentId,
    commitmentNumber: row.commitmentNumber,
    commitmentTitle: row.commitmentTitle,
    contractCompanyName: row.contractCompanyName,
  };
}

export async function listAttention(db: DbOrTrx, viewer: Viewer, now: Date): Promise<Attention> {
  const projectCount = await countAdministeredProjects(db, viewer);
  if (projectCount === 0) return { projectCount, items: [] };
  const [open, unpaid, invites, ssovs] = [
    await listOpenInvoicesForAttention(db, viewer),
    await listUnpaidApprovedInvoices(db, viewer),
    await listUnansweredInvites(db, viewer),
    await listSsovsUnderReview(db, viewer),
  ];
  const overdue = (dueOn: string, timeZone: string) => compareDates(dueOn, todayIn(timeZone, now)) < 0;
  const items: AttentionItem[] = [];
  for (const r of open) {
    const label = invoiceLabel(r);
    const name = displayName(label);
    const sentBack = r.status === 'revise_and_resubmit';
    items.push({
      kind: sentBack ? 'invoice_sent_back' : 'invoice_to_review',
      ...place(r),
      invoice: { id: r.invoiceId, label, status: r.status },
      waiting: sentBack
        ? `Invoice ${name} was sent back for revision; the contact has not resubmitted it.`
        : r.status === 'pending_owner_approval'
          ? `Invoice ${name} is with the owner: record the owner's decision.`
          : `Invoice ${name} is waiting for your review.`,
      since: r.statusSince,
      dueOn: sentBack ? r.periodDueOn : null,
      isOverdue: sentBack && overdue(r.periodDueOn, r.timeZone),
      payment: null,
      path: paths.invoice(r.projectId, r.invoiceId),
    });
  }
  for (const r of ssovs) {
    items.push({
      kind: 'ssov_to_review',
      ...place(r),
      invoice: null,
      waiting: 'The Subcontractor SOV was submitted and is waiting for your review.',
      since: r.submittedAt,
      dueOn: null,
      isOverdue: false,
      payment: null,
      path: paths.ssov(r.projectId, r.commitmentId),
    });
  }
  for (const r of invites) {
    items.push({
      kind: 'invite_unanswered',
      ...place(r),
      invoice: null,
      waiting: 'Invited to bill; the contact has not answered.',
      since: r.invitedAt,
      dueOn: r.periodDueOn,
      isOverdue: overdue(r.periodDueOn, r.timeZone),
      payment: null,
      path: paths.commitment(r.projectId, r.commitmentId),
    });
  }
  for (const r of unpaid) {
    const label = invoiceLabel(r);
    const name = displayName(label);
    items.push({
      kind: 'invoice_unpaid',
      ...place(r),
      invoice: { id: r.invoiceId, label, status: r.status },
      waiting: r.paidCents > 0 ? `Invoice ${name} is ${STATUS_LABELS[r.status]} and partly paid.` : `Invoice ${name} is ${STATUS_LABELS[r.status]} and not paid yet.`,
      since: r.statusSince,
      dueOn: null,
      isOverdue: false,
      payment: { dueCents: r.dueCents, paidCents: r.paidCents },
      path: paths.invoice(r.projectId, r.invoiceId),
    });
  }
  // By kind, then whatever has waited longest first; ties in a stable, readable order.
  const order = new Map(ATTENTION_KINDS.map((k, i) => [k, i]));
  items.sort(
    (a, b) =>
      (order.get(a.kind) ?? 0) - (order.get(b.kind) ?? 0) ||
      (a.since?.getTime() ?? 0) - (b.since?.getTime() ?? 0) ||
      a.projectName.localeCompare(b.projectName) ||
      a.commitmentNumber.localeCompare(b.commitmentNumber),
  );
  return { projectCount, items };
}
