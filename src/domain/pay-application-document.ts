/**
 * What the printed pay application says (issue 13, docs/decisions/027): the facts of its header,
 * the G702 as certified (and as applied for, when the two differ), the change-order summary, the
 * G703 rows grouped as people read them, the reasons for difference and the rejected lines. Pure:
 * the PDF (src/pdf) only lays this out, and every amount here is one the API shows.
 */
import { todayIn, type CalendarDate } from './calendar.ts';
import { isApproved, STATUS_LABELS, type InvoiceStatus } from './invoice-status.ts';
import { invoiceLabel, type Invoice, type InvoiceComputation, type LineReview } from './invoice.ts';
import { ratioInBasisPoints, sumCents } from './money.ts';
import type { ComputedLine, G702 } from './pay-application.ts';

/** G703 columns C–I of a row (and G ÷ C). */
export type G703Amounts = {
  scheduledValueCents: number;
  previousCents: number;
  thisPeriodCents: number;
  storedCents: number;
  completedCents: number;
  percentBp: number;
  balanceCents: number;
  retainageCents: number;
};

/**
 * One row of the continuation sheet. `line`: an SOV or change-order line billed directly;
 * `detail`: a Subcontractor SOV detail line, under the `group` row of its SOV line, whose amounts
 * are shown after its details on a `group-total` row. Only `line` and `detail` rows are billed:
 * page subtotals and the grand total add those (`isBilled`).
 */
export type G703Row = {
  kind: 'line' | 'group' | 'detail' | 'group-total';
  key: string;
  itemNumber: string;
  description: string;
  amounts: G703Amounts | null;
  isBilled: boolean;
};

export type G703Section = { title: string; rows: G703Row[]; total: G703Amounts };

export type AdditionsDeductions = { additionsCents: number; deductionsCents: number };

/**
 * Change orders on this application, by when they were approved: before the application's period
 * started ("previously") or since (this period). Deductions are positive amounts; net is
 * additions − deductions, and the total's net is G702 line 2.
 */
export type ChangeOrderSummary = {
  previously: AdditionsDeductions;
  thisPeriod: AdditionsDeductions;
  total: AdditionsDeductions;
  netCents: number;
};

export type DifferenceRow = {
  itemNumber: string;
  description: string;
  claimedCents: number;
  certifiedCents: number;
  /** Shown only when the release differs too (else equal on both sides). */
  claimedReleasedCents: number;
  certifiedReleasedCents: number;
  reason: string | null;
};

export type RejectedRow = { itemNumber: string; description: string; reason: string | null };

export type Party = { name: string; address: string };

export type PayApplicationDocument = {
  project: { name: string; number: string; address: string };
  commitment: { number: string; title: string };
  contractCompany: Party | null;
  generalContractor: Party | null;
  applicationLabel: string;
  status: InvoiceStatus;
  statusLabel: string;
  /** Approved (or approved as noted): printed from the snapshot, never watermarked. */
  isFinal: boolean;
  billingDate: CalendarDate;
  periodStart: CalendarDate;
  periodEnd: CalendarDate;
  submittedAt: Date | null;
  approvedAt: Date | null;
  approverName: string | null;
  comments: string;
  /** G702 as certified (what is paid and what the next application builds on). */
  certified: G702;
  /** G702 as the contractor applied for it. */
  appliedFor: G702;
  /** Some G702 line differs between the two. */
  certifiedDiffers: boolean;
  /** The one work / materials retainage rate every line has, for the 5a / 5b labels; null when they vary. */
  workRetainageRateBp: number | null;
  materialsRetainageRateBp: number | null;
  changeOrders: ChangeOrderSummary;
  sections: G703Section[];
  total: G703Amounts;
  differences: DifferenceRow[];
  rejected: RejectedRow[];
};

export type ChangeOrderFacts = { id: string; approvedAt: Date | null; lineIds: readonly string[] };

export type LineFacts = { differenceReason: string | null; review: LineReview };

export type PayApplicationDocumentInput = {
  project: { name: string; number: string; address: string; timeZone: string };
  commitment: { number: string; title: string };
  contractCompany: Party | null;
  generalContractor: Party | null;
  invoice: Pick<Invoice, 'sequence' | 'number' | 'status' | 'billingDate' | 'periodStart' | 'periodEnd' | 'submittedAt' | 'approvedAt' | 'comments'>;
  approverName: string | null;
  amounts: Pick<InvoiceComputation, 'lines' | 'claimedLines' | 'summary' | 'claimedSummary'>;
  /** Per line key: the reason for a certified difference and the line's review. */
  lineFacts: ReadonlyMap<string, LineFacts>;
  /** The commitment's change orders with their lines' ids (any status: only those billed here count). */
  changeOrders: readonly ChangeOrderFacts[];
};

const ZERO: G703Amounts = { scheduledValueCents: 0, previousCents: 0, thisPeriodCents: 0, storedCents: 0, completedCents: 0, percentBp: 0, balanceCents: 0, retainageCents: 0 };

function amountsOf(l: ComputedLine): G703Amounts {
  return {
    scheduledValueCents: l.scheduledValueCents,
    previousCents: l.workCompletedPreviousCents,
    thisPeriodCents: l.workCompletedThisPeriodCents,
    storedCents: l.materialsPresentlyStoredCents,
    completedCents: l.totalCompletedAndStoredCents,
    percentBp: l.percentCompleteBp,
    balanceCents: l.balanceToFinishCents,
    retainageCents: l.retainageHeldCents,
  };
}

/**
 * Σ of rows' amounts; the percent is recomputed from the sums (G ÷ C, half away from zero), as
 * for a line — never a sum of percents.
 */
export function sumAmounts(rows: readonly G703Amounts[]): G703Amounts {
  if (rows.length === 0) return ZERO;
  const sum = (pick: (a: G703Amounts) => number) => sumCents(rows.map(pick));
  const scheduledValueCents = sum((a) => a.scheduledValueCents);
  const completedCents = sum((a) => a.completedCents);
  return {
    scheduledValueCents,
    previousCents: sum((a) => a.previousCents),
    thisPeriodCents: sum((a) => a.thisPeriodCents),
    storedCents: sum((a) => a.storedCents),
    completedCents,
    percentBp: ratioInBasisPoints(completedCents, scheduledValueCents),
    balanceCents: sum((a) => a.balanceCents),
    retainageCents: sum((a) => a.retainageCents),
  };
}

/** The original SOV's rows: plain lines, and each SOV line with Subcontractor SOV details as a group. */
function sovRows(lines: readonly ComputedLine[]): G703Row[] {
  const rows: G703Row[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as ComputedLine;
    if (!line.parent) {
      rows.push({ kind: 'line', key: line.key, itemNumber: line.itemNumber, description: line.description, amounts: amountsOf(line), isBilled: true });
      i += 1;
      continue;
    }
    const parent = line.parent;
    const details: ComputedLine[] = [];
    while (i < lines.length && lines[i]?.parent?.key === parent.key) {
      details.push(lines[i] as ComputedLine);
      i += 1;
    }
    rows.push({ kind: 'group', key: parent.key, itemNumber: parent.itemNumber, description: parent.description, amounts: null, isBilled: false });
    for (const d of details) rows.push({ kind: 'detail', key: d.key, itemNumber: d.itemNumber, description: d.description, amounts: amountsOf(d), isBilled: true });
    rows.push({
      kind: 'group-total',
      key: `${parent.key}:total`,
      itemNumber: parent.itemNumber,
      description: `Total ${parent.itemNumber ? `${parent.itemNumber} ` : ''}${parent.description}`,
      amounts: sumAmounts(details.map(amountsOf)),
      isBilled: false,
    });
  }
  return rows;
}

function sectionOf(title: string, rows: G703Row[]): G703Section {
  return { title, rows, total: sumAmounts(rows.filter((r) => r.isBilled && r.amounts).map((r) => r.amounts as G703Amounts)) };
}

/**
 * The change-order summary of the CO lines billed on this application. A change order counts as
 * approved this period when it was approved (in the project's time zone) on or after the first
 * day of the application's period, else previously; its net over its lines here is an addition
 * when positive and a deduction when negative.
 */
export function changeOrderSummary(
  lines: readonly Pick<ComputedLine, 'key' | 'source' | 'scheduledValueCents'>[],
  changeOrders: readonly ChangeOrderFacts[],
  periodStart: CalendarDate,
  timeZone: string,
): ChangeOrderSummary {
  const orderOfLine = new Map<string, ChangeOrderFacts>();
  for (const co of changeOrders) for (const id of co.lineIds) orderOfLine.set(`co:${id}`, co);
  const netByOrder = new Map<string, { net: number; isThisPeriod: boolean }>();
  for (const line of lines) {
    if (line.source !== 'change_order') continue;
    const co = orderOfLine.get(line.key);
    const id = co?.id ?? line.key;
    const approvedOn = co?.approvedAt ? todayIn(timeZone, co.approvedAt) : null;
    const entry = netByOrder.get(id) ?? { net: 0, isThisPeriod: approvedOn === null || approvedOn >= periodStart };
    entry.net += line.scheduledValueCents;
    netByOrder.set(id, entry);
  }
  const previously: AdditionsDeductions = { additionsCents: 0, deductionsCents: 0 };
  const thisPeriod: AdditionsDeductions = { additionsCents: 0, deductionsCents: 0 };
  for (const { net, isThisPeriod } of netByOrder.values()) {
    const into = isThisPeriod ? thisPeriod : previously;
    if (net >= 0) into.additionsCents += net;
    else into.deductionsCents -= net;
  }
  const total = { additionsCents: previously.additionsCents + thisPeriod.additionsCents, deductionsCents: previously.deductionsCents + thisPeriod.deductionsCents };
  return { previously, thisPeriod, total, netCents: total.additionsCents - total.deductionsCents };
}

/** The rate every line shares, or null when they differ (or there are no lines). */
function sharedRate(lines: readonly ComputedLine[], pick: (l: ComputedLine) => number | null | undefined): number | null {
  const rates = new Set(lines.map(pick));
  if (rates.size !== 1) return null;
  const [rate] = [...rates];
  return rate ?? null;
}

function g702Differs(a: G702, b: G702): boolean {
  return (Object.keys(a) as (keyof G702)[]).some((k) => a[k] !== b[k]);
}

export function buildPayApplicationDocument(input: PayApplicationDocumentInput): PayApplicationDocument {
  const { invoice, amounts } = input;
  const claimedByKey = new Map(amounts.claimedLines.map((l) => [l.key, l]));
  const sov = amounts.lines.filter((l) => l.source === 'sov');
  const changeOrderLines = amounts.lines.filter((l) => l.source === 'change_order');
  const sections = [sectionOf('Original schedule of values', sovRows(sov))];
  if (changeOrderLines.length > 0) {
    sections.push(
      sectionOf(
        'Change orders',
        changeOrderLines.map((l) => ({ kind: 'line' as const, key: l.key, itemNumber: l.itemNumber, description: l.description, amounts: amountsOf(l), isBilled: true })),
      ),
    );
  }
  const differences: DifferenceRow[] = amounts.lines.flatMap((c) => {
    const k = claimedByKey.get(c.key);
    if (!k || (k.earnedThisPeriodCents === c.earnedThisPeriodCents && k.retainageReleasedCents === c.retainageReleasedCents)) return [];
    return [
      {
        itemNumber: c.itemNumber,
        description: c.description,
        claimedCents: k.earnedThisPeriodCents,
        certifiedCents: c.earnedThisPeriodCents,
        claimedReleasedCents: k.retainageReleasedCents,
        certifiedReleasedCents: c.retainageReleasedCents,
        reason: input.lineFacts.get(c.key)?.differenceReason ?? null,
      },
    ];
  });
  const rejected: RejectedRow[] = amounts.lines.flatMap((l) => {
    const review = input.lineFacts.get(l.key)?.review;
    return review?.status === 'rejected' ? [{ itemNumber: l.itemNumber, description: l.description, reason: review.reason }] : [];
  });
  return {
    project: { name: input.project.name, number: input.project.number, address: input.project.address },
    commitment: input.commitment,
    contractCompany: input.contractCompany,
    generalContractor: input.generalContractor,
    applicationLabel: invoiceLabel(invoice),
    status: invoice.status,
    statusLabel: STATUS_LABELS[invoice.status],
    isFinal: isApproved(invoice.status),
    billingDate: invoice.billingDate,
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
    submittedAt: invoice.submittedAt,
    approvedAt: invoice.approvedAt,
    approverName: input.approverName,
    comments: invoice.comments,
    certified: amounts.summary,
    appliedFor: amounts.claimedSummary,
    certifiedDiffers: g702Differs(amounts.summary, amounts.claimedSummary),
    workRetainageRateBp: amounts.lines.some((l) => l.workRetainageRule !== undefined) ? null : sharedRate(amounts.lines, (l) => l.workRetainageRateBp),
    materialsRetainageRateBp: sharedRate(amounts.lines, (l) => l.materialsRetainageRateBp),
    changeOrders: changeOrderSummary(amounts.lines, input.changeOrders, invoice.periodStart, input.project.timeZone),
    sections,
    total: sumAmounts(sections.flatMap((s) => s.rows.filter((r) => r.isBilled && r.amounts).map((r) => r.amounts as G703Amounts))),
    differences,
    rejected,
  };
}

/**
 * The download's file name: "Pay application 3 – SC-001 – Łódź Électrique.pdf". Characters file
 * systems refuse (/ \ : * ? " < > | and controls) become "-"; the HTTP layer adds the ASCII
 * stand-in (RFC 6266).
 */
export function payApplicationFileName(doc: Pick<PayApplicationDocument, 'applicationLabel' | 'commitment' | 'contractCompany'>): string {
  const label = doc.applicationLabel.replace(/^#/, '');
  const parts = [`Pay application ${label}`, doc.commitment.number, doc.contractCompany?.name].filter((p): p is string => !!p && p.trim() !== '');
  const name = parts
    .join(' – ')
    .replace(/[/\\:*?"<>|\u0000-\u001f\u007f]+/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 150);
  return `${name}.pdf`;
}
