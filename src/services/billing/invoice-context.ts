/**
 * Everything a decision about one invoice needs, loaded the same way for every invoice use case:
 * who is acting (administrator or invoice contact — nobody else sees invoices), the commitment,
 * the billing period, the invoice's lines, and the earlier invoices its amounts build on.
 */
import type { BillingPeriod } from '../../domain/billing-period.ts';
import { todayIn, type CalendarDate } from '../../domain/calendar.ts';
import type { Commitment } from '../../domain/commitment.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { computeInvoice, invoiceLabel, type EarlierInvoice, type Invoice, type InvoiceComputation, type InvoiceLine } from '../../domain/invoice.ts';
import type { InvoiceActor } from '../../domain/invoice-status.ts';
import { isInvoiceAdministrator, type ProjectAccess, type Viewer } from '../../domain/permissions.ts';
import { effectiveAllowOverbilling } from '../../domain/project-settings.ts';
import type { Project } from '../../domain/project.ts';
import { getBillingPeriod } from '../../db/billing-periods.queries.ts';
import { getVisibleCommitment } from '../../db/commitments.queries.ts';
import { isInvoiceContact } from '../../db/contacts.queries.ts';
import type { DbOrTrx } from '../../db/database.ts';
import { getInvoice, listCommitmentInvoices, listInvoiceLines } from '../../db/invoices.queries.ts';
import { findProject, getProjectAccess } from '../../db/projects.queries.ts';
import { getCompanySettings, getProjectSettings } from '../../db/settings.queries.ts';
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
};

/**
 * Who may act on a commitment's invoices: its invoice administrators and its invoice contacts.
 * Anyone else — even someone who can see the commitment — gets not_found, as if there were none.
 */
export async function resolveInvoiceActor(
  db: DbOrTrx,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
): Promise<{ access: ProjectAccess; actor: InvoiceActor; commitment: Commitment }> {
  const access = await getProjectAccess(db, viewer, projectId);
  const { commitment, facts } = await getVisibleCommitment(db, access, commitmentId);
  if (isInvoiceAdministrator(access)) return { access, actor: 'admin', commitment };
  if (facts.viewerIsInvoiceContact || (await isInvoiceContact(db, commitmentId, viewer.userId))) {
    return { access, actor: 'contact', commitment };
  }
  throw notFound('The invoice');
}

export async function loadInvoiceContext(
  db: DbOrTrx,
  viewer: Viewer,
  projectId: string,
  invoiceId: string,
  now: Date,
  options: { forUpdate?: boolean } = {},
): Promise<InvoiceContext> {
  const access = await getProjectAccess(db, viewer, projectId);
  const invoice = await getInvoice(db, projectId, invoiceId, options);
  const { actor, commitment } = await resolveInvoiceActor(db, viewer, projectId, invoice.commitmentId).catch((error: unknown) => {
    throw error instanceof DomainError && error.code === 'not_found' ? notFound('The invoice') : error;
  });
  const project = await findProject(db, projectId);
  if (!project) throw notFound('The project');
  const period = await getBillingPeriod(db, projectId, invoice.billingPeriodId);
  const all = await listCommitmentInvoices(db, invoice.commitmentId);
  const earlierInvoices = all.filter((i) => i.sequence < invoice.sequence);
  const linesById = await listInvoiceLines(db, [invoice.id, ...earlierInvoices.filter((i) => !i.snapshot).map((i) => i.id)]);
  const settings = await getProjectSettings(db, projectId);
  const company = await getCompanySettings(db);
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
    allowOverbilling: effectiveAllowOverbilling(settings.allowOverbilling, company.preventOverbillingAllProjects),
    slidingScale: invoice.retainageRules,
    isLatestInPeriod: Math.max(...inPeriod.map((i) => i.sequence)) === invoice.sequence,
    isLatestOfCommitment: Math.max(...all.map((i) => i.sequence)) === invoice.sequence,
    today: todayIn(project.timeZone, now),
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
