/**
 * A subcontractor invoice as stored, and how its G702/G703 is assembled: the chain of previous
 * applications, claimed beside certified amounts, and the immutable snapshot taken at approval.
 */
import type { CalendarDate } from './calendar.ts';
import type { InvoiceType } from './invite-to-bill.ts';
import { isApproved, type InvoiceActor, type InvoiceStatus } from './invoice-status.ts';
import {
  computePayApplication,
  toDateAfter,
  type ComputedLine,
  type G702,
  type LineEntry,
  type LineIssue,
  type LineParent,
  type LineSpec,
  type LineToDate,
} from './pay-application.ts';
import type { RetainageRates } from './retainage.ts';
import type { SlidingScale, SlidingScaleOverride } from './sliding-scale.ts';

export type LineReview = { status: 'approved' | 'rejected' | null; reason: string | null };

export type InvoiceLine = {
  id: string;
  /** 'sov:<id>', 'ssov:<id>' or 'co:<id>': the same key on every invoice of the commitment. */
  key: string;
  source: 'sov' | 'change_order';
  /** On a Subcontractor SOV detail line: the SOV line it rolls up to. */
  parent?: LineParent | undefined;
  itemNumber: string;
  description: string;
  costCode: string;
  scheduledValueCents: number;
  claimed: LineEntry;
  certified: LineEntry;
  isCertifiedAdjusted: boolean;
  differenceReason: string | null;
  rates: RetainageRates;
  isRateOverridden: boolean;
  review: LineReview;
  /** On a sliding-scale commitment: an administrator's work retainage this period, with the reason. */
  retainageOverride?: SlidingScaleOverride | null | undefined;
};

/** What an approved invoice keeps forever: exactly what was certified, and what was claimed. */
export type InvoiceSnapshot = {
  lines: ComputedLine[];
  claimedLines: ComputedLine[];
  summary: G702;
  claimedSummary: G702;
  toDate: Record<string, LineToDate>;
  lineMeta: Record<string, { lineId: string; isCertifiedAdjusted: boolean; differenceReason: string | null; review: LineReview; isRateOverridden: boolean }>;
};

export type Invoice = {
  id: string;
  projectId: string;
  commitmentId: string;
  billingPeriodId: string;
  sequence: number;
  number: string | null;
  invoiceType: InvoiceType;
  status: InvoiceStatus;
  billingDate: CalendarDate;
  periodStart: CalendarDate;
  periodEnd: CalendarDate;
  comments: string;
  createdBy: string;
  createdByRole: InvoiceActor;
  submittedAt: Date | null;
  approvedAt: Date | null;
  approvedBy: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  snapshot: InvoiceSnapshot | null;
  /**
   * The sliding-scale retention rules in force on this invoice, taken from the commitment when the
   * invoice was created (null: the flat rates on its lines). A later change to the commitment's
   * rules reaches it only through the administrator's audited "apply current rules" (decision 008).
   */
  retainageRules: SlidingScale | null;
};

/** The display number: the contact's own number, else the position in the commitment's sequence. */
export function invoiceLabel(invoice: Pick<Invoice, 'number' | 'sequence'>): string {
  return invoice.number && invoice.number.trim() !== '' ? invoice.number : `#${invoice.sequence}`;
}

function specsOf(lines: readonly InvoiceLine[], which: 'claimed' | 'certified'): LineSpec[] {
  return lines.map((l) => ({
    key: l.key,
    source: l.source,
    ...(l.parent && { parent: l.parent }),
    itemNumber: l.itemNumber,
    description: l.description,
    costCode: l.costCode,
    scheduledValueCents: l.scheduledValueCents,
    rates: l.rates,
    entry: l[which],
    retainageOverride: l.retainageOverride ?? null,
  }));
}

/** An earlier invoice of the same commitment, as the chain needs it. */
export type EarlierInvoice = {
  sequence: number;
  status: InvoiceStatus;
  snapshot: InvoiceSnapshot | null;
  lines: InvoiceLine[];
  label: string;
  /** Its own sliding-scale rules (absent or null: flat rates): an unapproved earlier invoice is computed with them. */
  retainageRules?: SlidingScale | null | undefined;
};

export type PreviousApplications = {
  previous: Map<string, LineToDate>;
  previousCertificatesCents: number;
  /** Earlier invoices not yet approved (approval goes in order). */
  unapprovedLabels: string[];
};

/**
 * Where each line stood before this invoice. Starts from the latest approved invoice's snapshot
 * (what was certified then, never recomputed) and carries forward the certified amounts of any
 * later, not-yet-approved invoices, each computed with its own retainage rules (the rules stored on
 * it, never the commitment's current ones). Line 7 is the snapshot's line 6: only approved
 * applications are certificates.
 */
export function previousApplications(earlier: readonly EarlierInvoice[], allowOverbilling: boolean): PreviousApplications {
  const ordered = [...earlier].sort((a, b) => a.sequence - b.sequence);
  let lastApprovedIndex = -1;
  ordered.forEach((inv, i) => {
    if (isApproved(inv.status) && inv.snapshot) lastApprovedIndex = i;
  });
  const anchor = lastApprovedIndex >= 0 ? ordered[lastApprovedIndex] : undefined;
  let previous = new Map<string, LineToDate>(Object.entries(anchor?.snapshot?.toDate ?? {}));
  const previousCertificatesCents = anchor?.snapshot?.summary.totalEarnedLessRetainageCents ?? 0;
  const unapprovedLabels: string[] = [];
  for (const inv of ordered.slice(lastApprovedIndex + 1)) {
    unapprovedLabels.push(inv.label);
    const computed = computePayApplication({
      lines: specsOf(inv.lines, 'certified'),
      previous,
      previousCertificatesCents,
      allowOverbilling,
      slidingScale: inv.retainageRules ?? null,
    });
    previous = new Map([...previous, ...toDateAfter(computed)]);
  }
  return { previous, previousCertificatesCents, unapprovedLabels };
}

export type InvoiceComputation = {
  lines: ComputedLine[];
  claimedLines: ComputedLine[];
  summary: G702;
  claimedSummary: G702;
  /** Problems with the certified amounts (what would be paid). */
  issues: LineIssue[];
  /** Problems with the claimed amounts (what the contact entered). */
  claimedIssues: LineIssue[];
  unapprovedEarlierLabels: string[];
};

/**
 * The live G702/G703 of an invoice that is not yet approved: claimed and certified side by side.
 * `slidingScale` is the invoice's own rules (`Invoice.retainageRules`).
 */
export function computeInvoice(
  lines: readonly InvoiceLine[],
  earlier: readonly EarlierInvoice[],
  allowOverbilling: boolean,
  slidingScale: SlidingScale | null = null,
): InvoiceComputation {
  const prior = previousApplications(earlier, allowOverbilling);
  const base = { previous: prior.previous, previousCertificatesCents: prior.previousCertificatesCents, allowOverbilling, slidingScale };
  const certified = computePayApplication({ ...base, lines: specsOf(lines, 'certified') });
  const claimed = computePayApplication({ ...base, lines: specsOf(lines, 'claimed') });
  return {
    lines: certified.lines,
    claimedLines: claimed.lines,
    summary: certified.summary,
    claimedSummary: claimed.summary,
    issues: certified.issues,
    claimedIssues: claimed.issues,
    unapprovedEarlierLabels: prior.unapprovedLabels,
  };
}

/** Freezes what was certified at approval. */
export function snapshotOf(lines: readonly InvoiceLine[], computation: InvoiceComputation): InvoiceSnapshot {
  return {
    lines: computation.lines,
    claimedLines: computation.claimedLines,
    summary: computation.summary,
    claimedSummary: computation.claimedSummary,
    toDate: Object.fromEntries(toDateAfter({ lines: computation.lines })),
    lineMeta: Object.fromEntries(
      lines.map((l) => [
        l.key,
        {
          lineId: l.id,
          isCertifiedAdjusted: l.isCertifiedAdjusted,
          differenceReason: l.differenceReason,
          review: l.review,
          isRateOverridden: l.isRateOverridden,
        },
      ]),
    ),
  };
}

export function entriesEqual(a: LineEntry, b: LineEntry): boolean {
  return (
    a.workCompletedThisPeriodCents === b.workCompletedThisPeriodCents &&
    a.percentCompleteToDateBp === b.percentCompleteToDateBp &&
    a.materialsStoredNewCents === b.materialsStoredNewCents &&
    a.materialsInstalledCents === b.materialsInstalledCents &&
    a.retainageReleasedCents === b.retainageReleasedCents
  );
}
