/**
 * What the spreadsheet exports say (issue 13, docs/decisions/028): a commitment's schedule of
 * values, an invoice's G703 lines (claimed and certified) and a project's invoice register, as
 * typed tables. Pure: the values are the domain's own (money in integer cents, percentages in
 * basis points); src/exports turns a table into CSV or XLSX.
 */
import type { G702, ComputedLine } from './pay-application.ts';
import type { Invoice } from './invoice.ts';
import { invoiceLabel } from './invoice.ts';
import { STATUS_LABELS } from './invoice-status.ts';
import type { SovLine } from './commitment.ts';

/** money: integer cents; percent: basis points; text: as is. A totals row sums the money columns. */
export type ColumnKind = 'text' | 'money' | 'percent';
export type Column = { header: string; kind: ColumnKind };
export type Cell = string | number | null;
export type Sheet = { name: string; columns: readonly Column[]; rows: readonly Cell[][] };
export type ExportFormat = 'csv' | 'xlsx';

const text = (header: string): Column => ({ header, kind: 'text' });
const money = (header: string): Column => ({ header, kind: 'money' });
const percent = (header: string): Column => ({ header, kind: 'percent' });

/** The SOV as saved, in its order. */
export function sovSheet(lines: readonly Pick<SovLine, 'itemNumber' | 'description' | 'costCode' | 'scheduledValueCents'>[]): Sheet {
  return {
    name: 'Schedule of values',
    columns: [text('Item'), text('Description'), text('Cost code'), money('Scheduled value')],
    rows: lines.map((l) => [l.itemNumber, l.description, l.costCode, l.scheduledValueCents]),
  };
}

/** The G703 columns A–I, once for one side (claimed or certified). */
const G703_COLUMNS = (side: string): Column[] => [
  money(`${side} D from previous application`),
  money(`${side} E this period`),
  money(`${side} F materials presently stored`),
  money(`${side} G completed and stored to date`),
  percent(`${side} % (G ÷ C)`),
  money(`${side} H balance to finish`),
  money(`${side} I retainage`),
];

const g703Cells = (l: ComputedLine | undefined): Cell[] =>
  l
    ? [
        l.workCompletedPreviousCents + l.materialsStoredPreviousCents,
        l.workCompletedThisPeriodCents,
        l.materialsPresentlyStoredCents,
        l.totalCompletedAndStoredCents,
        l.percentCompleteBp,
        l.balanceToFinishCents,
        l.retainageHeldCents,
      ]
    : [null, null, null, null, null, null, null];

/**
 * An invoice's lines with every G703 column, claimed (what the contact applied for) then certified
 * (what the administrator certified). D is work and materials from previous applications, as the
 * printed continuation sheet shows it.
 */
export function invoiceLinesSheet(amounts: { lines: readonly ComputedLine[]; claimedLines: readonly ComputedLine[] }): Sheet {
  const claimed = new Map(amounts.claimedLines.map((l) => [l.key, l]));
  return {
    name: 'Continuation sheet',
    columns: [
      text('Item'),
      text('Description'),
      text('Cost code'),
      text('Source'),
      text('Under SOV line'),
      money('C scheduled value'),
      ...G703_COLUMNS('Claimed'),
      ...G703_COLUMNS('Certified'),
    ],
    rows: amounts.lines.map((l) => [
      l.itemNumber,
      l.description,
      l.costCode,
      l.source === 'change_order' ? 'Change order' : 'SOV',
      l.parent ? l.parent.itemNumber : '',
      l.scheduledValueCents,
      ...g703Cells(claimed.get(l.key)),
      ...g703Cells(l),
    ]),
  };
}

export type RegisterEntry = {
  invoice: Pick<Invoice, 'number' | 'sequence' | 'status' | 'billingDate' | 'periodStart' | 'periodEnd'>;
  commitmentNumber: string;
  commitmentTitle: string;
  summary: G702;
  /** Payments recorded on it, voided ones excepted. */
  paidCents: number;
  /** Whether it can be paid (approved): only then does it owe anything. */
  isPayable: boolean;
};

/**
 * The invoice register: every invoice with its period, status and G702 (certified), what was paid,
 * and the balance — line 8 less paid on a payable (approved) invoice, nothing on any other.
 */
export function invoiceRegisterSheet(entries: readonly RegisterEntry[]): Sheet {
  return {
    name: 'Invoice register',
    columns: [
      text('Commitment'),
      text('Commitment title'),
      text('Invoice'),
      text('Status'),
      text('Period start'),
      text('Period end'),
      text('Billing date'),
      money('Contract sum to date'),
      money('Completed and stored to date'),
      money('Retainage held'),
      money('Total earned less retainage'),
      money('Less previous certificates'),
      money('Current payment due'),
      money('Paid'),
      money('Balance'),
    ],
    rows: entries.map((e) => [
      e.commitmentNumber,
      e.commitmentTitle,
      invoiceLabel(e.invoice),
      STATUS_LABELS[e.invoice.status],
      e.invoice.periodStart,
      e.invoice.periodEnd,
      e.invoice.billingDate,
      e.summary.contractSumToDateCents,
      e.summary.totalCompletedAndStoredCents,
      e.summary.totalRetainageCents,
      e.summary.totalEarnedLessRetainageCents,
      e.summary.lessPreviousCertificatesCents,
      e.summary.currentPaymentDueCents,
      e.paidCents,
      e.isPayable ? e.summary.currentPaymentDueCents - e.paidCents : 0,
    ]),
  };
}

/** Cents as a plain decimal with a dot and two places ("1234.50", "-0.05"): exact, no float. */
export function centsToDecimal(cents: number): string {
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100);
  const frac = String(abs % 100).padStart(2, '0');
  return `${cents < 0 ? '-' : ''}${whole}.${frac}`;
}

/** Basis points as a plain percentage with two places (1234 → "12.34"). */
export function basisPointsToPercent(bp: number): string {
  return centsToDecimal(bp);
}

/** Totals of the money columns (null for the others): what the XLSX totals row's formulas add up. */
export function sheetTotals(sheet: Sheet): (number | null)[] {
  return sheet.columns.map((c, i) => (c.kind === 'money' ? sheet.rows.reduce((sum, r) => sum + (typeof r[i] === 'number' ? (r[i] as number) : 0), 0) : null));
}

/** A file name safe everywhere (the RFC 6266 header keeps the original too). */
export function exportFileName(parts: readonly (string | null | undefined)[], format: ExportFormat): string {
  const name = parts
    .filter((p): p is string => !!p && p.trim() !== '')
    .join(' - ')
    .replace(/[/\\:*?"<>|\u0000-\u001f\u007f]+/g, '-')
    .replace(/\s+/g, ' ')
    .slice(0, 150)
    .replace(/[.\s]+$/, '')
    .trim();
  return `${name}.${format}`;
}
