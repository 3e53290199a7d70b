/**
 * Everything a decision about one invoice needs, loaded the same way for every invoice use case:
 * who is acting (administrator or invoice contact — nobody else sees invoices), the commitment,
 * the billing period, the invoice's lines, and the earlier invoices its amounts build on.
 */
import type { BillingPeriod } from '../../domain/billing-period.ts';
import { todayIn, type CalendarDate } from '../../domain/calendar.ts';
import type { Commitment } from '../../domain/commitment.ts';
import { notFound } from '../../domain/errors.ts';
import { computeInvoice, invoiceLabel, type EarlierInvoice, type Invoice, type InvoiceComputation, type InvoiceLine } from '../../domain/invoice.ts';
import type { InvoiceActor } from '../../domain/invoice-status.ts';
import { canSeeCommitment, isInvoiceAdministrator, type CommitmentPrivacyFacts, type ProjectAccess, type Viewer } from '../../domain/permissions.ts';
import { effectiveAllowOverbilling } from '../../domain/project-settings.ts';
import type { Project } from '../../domain/project.ts';
import { getVisibleCommitment } from '../../db/commitments.queries.ts';
import { isInvoiceContact } from '../../db/contacts.queries.ts';
import type { DbOrTrx } from '../../db/database.ts';
import { getInvoiceHeader, type InvoiceHeader } from '../../db/invoice-header.queries.ts';
import { listCommitmentInvoices, listInvoiceLines } from '../../db/invoices.queries.ts';
import { getProjectAccess } from '../../db/projects.queries.ts';
import type { SlidingScale } from '../../domain/sliding-scale.ts';

export type InvoiceContext = {
  access: ProjectAccess;
  actor: InvoiceActor;
  project: Project;
  commitment: Commitment;
  invoice: Invoice;
  period: BillingPeriod;
  lines: InvoiceLine[];
  earlier: EarlierInvoice[];
  allowOverbilling: boolean;
  /**
   * The invoice's own sliding-scale retention (stored on it at creation, decision 008), or null
   * (flat rates on the lines). Never the commitment's current rules.
   */
  slidingScale: SlidingScale | null;
  isLatestInPeriod: boolean;
  isLatestOfCommitment: boolean;
  today: CalendarDate;
  /** Read with the invoice (one statement): for the view and the emails a write sends. */
  contractCompanyName: string | null;
  viewerName: string;
  approvalNoticesEnabled: boolean;
  /** Loaded when the request may submit (`forSubmission`). */
  submission?: InvoiceHeader['submission'];
};

/**
 * Who may act on a commitment's invoices: its invoice administrators and its invoice contacts.
 * Anyone else — even someone who can see the commitment — gets not_found, as if there were none.
 * Pass `access` when the caller has it already: it is read once per request.
 */
export async function resolveInvoiceActor(
  db: DbOrTrx,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  known?: ProjectAccess,
): Promise<{ access: ProjectAccess; actor: InvoiceActor; commitment: Commitment }> {
  const access = known ?? (await getProjectAccess(db, viewer, projectId));
  const { commitment, facts } = await getVisibleCommitment(db, access, commitmentId);
  if (isInvoiceAdministrator(access)) return { access, actor: 'admin', commitment };
  if (facts.viewerIsInvoiceContact || (await isInvoiceContact(db, access.tenantId, commitmentId, viewer.userId))) {
    return { access, actor: 'contact', commitment };
  }
  throw notFound('The invoice');
}

/**
 * Who acts on the commitment's invoices, from facts already read: its invoice administrators and
 * its invoice contacts. Anyone else — even someone who can see the commitment — gets not_found.
 */
export function invoiceActorOf(access: ProjectAccess, facts: CommitmentPrivacyFacts, what = 'The invoice'): InvoiceActor {
  if (!canSeeCommitment(access, facts)) throw notFound(what);
  if (isInvoiceAdministrator(access)) return 'admin';
  if (facts.viewerIsInvoiceContact) return 'contact';
  throw notFound(what);
}

/**
 * Loads everything once, in three statements whatever the number of lines (decision 022): the
 * invoice with its project, access, period, settings and commitment (src/db/invoice-header.queries.ts;
 * locked with `forUpdate`), the commitment's invoices, and the lines of this invoice and of the
 * earlier ones not yet snapshotted. Services pass the context on (to the
 * view, the presenter) instead of loading it again.
 */
export async function loadInvoiceContext(
  db: DbOrTrx,
  viewer: Viewer,
  projectId: string,
  invoiceId: string,
  now: Date,
  options: { forUpdate?: boolean; forSubmission?: boolean } = {},
): Promise<InvoiceContext> {
  const header = await getInvoiceHeader(db, viewer, projectId, invoiceId, options);
  const { access, project, invoice, period, commitment, allowOverbilling, preventOverbillingAllProjects } = header;
  const actor = invoiceActorOf(access, header.commitmentFacts, 'The invoice');
  const all = await listCommitmentInvoices(db, access.tenantId, invoice.commitmentId);
  const earlierInvoices = all.filter((i) => i.sequence < invoice.sequence);
  const linesById = await listInvoiceLines(db, access.tenantId, [invoice.id, ...earlierInvoices.filter((i) => !i.snapshot).map((i) => i.id)]);
  const inPeriod = all.filter((i) => i.billingPeriodId === invoice.billingPeriodId);
  return {
    access,
    actor,
    project,
    commitment,
    invoice,
    period,
    lines: linesById.get(invoice.id) ?? [],
    earlier: earlierInvoices.map((i) => ({
      sequence: i.sequence,
      status: i.status,
      snapshot: i.snapshot,
      lines: linesById.get(i.id) ?? [],
      label: invoiceLabel(i),
      retainageRules: i.retainageRules,
    })),
    allowOverbilling: effectiveAllowOverbilling(allowOverbilling, preventOverbillingAllProjects),
    slidingScale: invoice.retainageRules,
    isLatestInPeriod: Math.max(...inPeriod.map((i) => i.sequence)) === invoice.sequence,
    isLatestOfCommitment: Math.max(...all.map((i) => i.sequence)) === invoice.sequence,
    today: todayIn(project.timeZone, now),
    contractCompanyName: header.contractCompanyName,
    viewerName: header.viewerName,
    approvalNoticesEnabled: header.approvalNoticesEnabled,
    ...(header.submission && { submission: header.submission }),
  };
}

/** The invoice's G702/G703: the approval snapshot once approved, else computed live. */
export function invoiceAmounts(ctx: Pick<InvoiceContext, 'invoice' | 'lines' | 'earlier' | 'allowOverbilling' | 'slidingScale'>): InvoiceComputation {
  const snapshot = ctx.invoice.snapshot;
  if (snapshot) {
    return {
      lines: snapshot.lines,
      claimedLines: snapshot.claimedLines,
      summary: snapshot.summary,
      claimedSummary: snapshot.claimedSummary,
      issues: [],
      claimedIssues: [],
      unapprovedEarlierLabels: [],
    };
  }
  return computeInvoice(ctx.lines, ctx.earlier, ctx.allowOverbilling, ctx.slidingScale);
}

/**
 * What a write leaves behind, for its answer (decision 022): the context as it stands after the
 * write (new version, status, lines), its G702/G703 computed once, and the keys of the lines whose
 * presented values may have changed. The route answers with those lines, or the whole invoice
 * when asked (`?view=full`), from this — never by loading the invoice again.
 */
export type InvoiceWritten = { ctx: InvoiceContext; amounts: InvoiceComputation; changedLineKeys: ReadonlySet<string> };

/**
 * The lines a write changed: the ones it edited, and — under sliding-scale rules, whose caps are
 * shared by the lines — any other line whose computed values moved.
 */
export function changedLineKeys(ctx: Pick<InvoiceContext, 'slidingScale'>, edited: Iterable<string>, computeBefore: () => InvoiceComputation, after: InvoiceComputation): Set<string> {
  const keys = new Set(edited);
  if (!ctx.slidingScale) return keys;
  const before = computeBefore();
  const was = new Map(before.lines.map((l) => [l.key, JSON.stringify(l)]));
  const wasClaimed = new Map(before.claimedLines.map((l) => [l.key, JSON.stringify(l)]));
  for (const l of after.lines) if (was.get(l.key) !== JSON.stringify(l)) keys.add(l.key);
  for (const l of after.claimedLines) if (wasClaimed.get(l.key) !== JSON.stringify(l)) keys.add(l.key);
  return keys;
}
