/**
 * The first page: the Application and Certificate for Payment (G702 shape, our own layout and
 * wording): who, what and when; lines 1–9 with 5a/5b; the change-order summary; the contractor's
 * certification with its signature block; the administrator's certificate. Then, when there are
 * any, the reasons for difference and the rejected lines, on pages of their own.
 */
import type { G702 } from '../domain/pay-application.ts';
import type { PayApplicationDocument, Party } from '../domain/pay-application-document.ts';
import { COLORS, MARGIN, type Canvas } from './canvas.ts';

const LINE = 12;

type SummaryLine = { number: string; label: string; pick: (g: G702) => number; isTotal?: boolean };

function summaryLines(doc: PayApplicationDocument, c: Canvas): SummaryLine[] {
  const rate = (bp: number | null, what: string) => (bp === null ? what : `${c.fmt.percent(bp)} of ${what}`);
  return [
    { number: '1', label: 'Original contract sum', pick: (g) => g.originalContractSumCents },
    { number: '2', label: 'Net change by change orders', pick: (g) => g.netChangeByChangeOrdersCents },
    { number: '3', label: 'Contract sum to date (line 1 ± line 2)', pick: (g) => g.contractSumToDateCents, isTotal: true },
    { number: '4', label: 'Total completed and stored to date (column G)', pick: (g) => g.totalCompletedAndStoredCents },
    { number: '5a', label: `Retainage: ${rate(doc.workRetainageRateBp, 'completed work (columns D + E)')}`, pick: (g) => g.retainageOnCompletedWorkCents },
    { number: '5b', label: `Retainage: ${rate(doc.materialsRetainageRateBp, 'stored materials (column F)')}`, pick: (g) => g.retainageOnStoredMaterialsCents },
    { number: '5', label: 'Total retainage (lines 5a + 5b, column I)', pick: (g) => g.totalRetainageCents },
    { number: '6', label: 'Total earned less retainage (line 4 − line 5)', pick: (g) => g.totalEarnedLessRetainageCents },
    { number: '7', label: 'Less previous certificates for payment (line 6 of the last certificate)', pick: (g) => g.lessPreviousCertificatesCents },
    { number: '8', label: 'Current payment due (line 6 − line 7)', pick: (g) => g.currentPaymentDueCents, isTotal: true },
    { number: '9', label: 'Balance to finish, including retainage (line 3 − line 6)', pick: (g) => g.balanceToFinishInclRetainageCents },
  ];
}

function heading(c: Canvas, text: string, x: number, y: number, width: number): number {
  c.use('bold', 10).color(COLORS.text).text(text, x, y, width);
  c.rule(x, y + 13, x + width, COLORS.text, 0.75);
  return y + 18;
}

/** A label over its value (the value may wrap); returns the y below. */
function fact(c: Canvas, label: string, value: string, x: number, y: number, width: number): number {
  c.use('regular', 7).color(COLORS.muted).text(label.toUpperCase(), x, y, width);
  c.use('regular', 9).color(COLORS.text);
  return c.paragraph(value || '—', x, y + 9, width, 11) + 4;
}

function partyText(p: Party | null): string {
  if (!p) return '';
  return [p.name, p.address.replace(/\s*\n\s*/g, ', ')].filter((s) => s.trim() !== '').join('\n');
}

function signatureBlock(c: Canvas, x: number, y: number, width: number): number {
  const gap = 12;
  const w = (width - 2 * gap) / 3;
  ['Signature', 'Name and title', 'Date'].forEach((label, i) => {
    const left = x + i * (w + gap);
    c.rule(left, y + 20, left + w, COLORS.text, 0.5);
    c.use('regular', 7).color(COLORS.muted).text(label, left, y + 23, w);
  });
  c.color(COLORS.text);
  return y + 36;
}

/** The G702 page. Returns nothing: it is one page by construction (fixed parts, wrapped names). */
export function drawCertificatePage(c: Canvas, doc: PayApplicationDocument): void {
  c.addPage('portrait');
  const x = MARGIN;
  const width = c.width - 2 * MARGIN;
  let y = MARGIN;

  c.use('bold', 15).color(COLORS.text).text('Application and Certificate for Payment', x, y, width);
  y += 20;
  c.use('regular', 9).color(COLORS.muted).text(`Pay application ${doc.applicationLabel} · ${doc.statusLabel} · continuation sheets follow`, x, y, width);
  c.color(COLORS.text);
  y += 18;

  const col = (width - 16) / 2;
  const right = x + col + 16;
  let left = fact(c, 'To (general contractor)', partyText(doc.generalContractor), x, y, col);
  left = fact(c, 'From (contractor)', partyText(doc.contractCompany), x, left, col);
  left = fact(c, 'Project', [`${doc.project.name}${doc.project.number ? ` (${doc.project.number})` : ''}`, doc.project.address].filter(Boolean).join('\n'), x, left, col);
  let r = fact(c, 'Commitment', `${doc.commitment.number} – ${doc.commitment.title}`, right, y, col);
  const half = (col - 8) / 2;
  fact(c, 'Application no.', doc.applicationLabel, right, r, half);
  r = fact(c, 'Billing date', c.fmt.day(doc.billingDate), right + half + 8, r, half);
  fact(c, 'Period from', c.fmt.day(doc.periodStart), right, r, half);
  r = fact(c, 'Period to', c.fmt.day(doc.periodEnd), right + half + 8, r, half);
  r = fact(c, 'Status', doc.statusLabel, right, r, col);
  y = Math.max(left, r) + 6;

  // Lines 1–9: certified, and beside it what was applied for when the two differ.
  y = heading(c, 'Application summary', x, y, width);
  const amountW = 92;
  const columns = doc.certifiedDiffers ? [{ title: 'Applied for', g: doc.appliedFor }, { title: 'Certified', g: doc.certified }] : [{ title: 'Amount', g: doc.certified }];
  const labelW = width - 26 - columns.length * (amountW + 6);
  columns.forEach((column, i) => c.use('bold', 8).text(column.title, x + 26 + labelW + i * (amountW + 6) + 6, y, amountW, 'right'));
  y += LINE;
  for (const line of summaryLines(doc, c)) {
    const font = line.isTotal ? 'bold' : 'regular';
    c.use(font, 9).text(`${line.number}.`, x + (line.number.length > 1 ? 0 : 6), y, 24);
    c.use(font, 9).text(line.label, x + 26, y, labelW);
    columns.forEach((column, i) => c.use(font, 9).text(c.fmt.money(line.pick(column.g)), x + 26 + labelW + i * (amountW + 6) + 6, y, amountW, 'right', true));
    c.rule(x, y + LINE - 1.5, x + width, COLORS.faint, 0.4);
    y += LINE + 1;
  }
  y += 8;

  // Change orders on this application, by when they were approved.
  y = heading(c, 'Change order summary', x, y, width);
  const co = doc.changeOrders;
  const coLabelW = width - 2 * (amountW + 6);
  c.use('bold', 8).text('Additions', x + coLabelW + 6, y, amountW, 'right');
  c.use('bold', 8).text('Deductions', x + coLabelW + amountW + 12, y, amountW, 'right');
  y += LINE;
  const coRows: [string, { additionsCents: number; deductionsCents: number }, boolean][] = [
    ['Approved in previous periods', co.previously, false],
    ['Approved this period', co.thisPeriod, false],
    ['Totals', co.total, true],
  ];
  for (const [label, v, isTotal] of coRows) {
    const font = isTotal ? 'bold' : 'regular';
    c.use(font, 9).text(label, x, y, coLabelW);
    c.use(font, 9).text(c.fmt.money(v.additionsCents), x + coLabelW + 6, y, amountW, 'right', true);
    c.use(font, 9).text(c.fmt.money(v.deductionsCents), x + coLabelW + amountW + 12, y, amountW, 'right', true);
    c.rule(x, y + LINE - 1.5, x + width, COLORS.faint, 0.4);
    y += LINE + 1;
  }
  c.use('bold', 9).text('Net change by change orders (line 2)', x, y, coLabelW);
  c.use('bold', 9).text(c.fmt.money(co.netCents), x + coLabelW + amountW + 12, y, amountW, 'right', true);
  y += LINE + 10;

  // The contractor's statement, in our words.
  y = heading(c, "Contractor's certification", x, y, width);
  const contractor = doc.contractCompany?.name ?? 'The contractor';
  c.use('regular', 8.5).color(COLORS.text);
  y = c.paragraph(
    `${contractor} states that, as far as it knows, the work and stored materials billed in this application were carried out or delivered under commitment ${doc.commitment.number} as the contract requires, that what it received on earlier applications has been paid on to those who supplied that work, and that the current payment due shown is owed.`,
    x,
    y,
    width,
    10.5,
  );
  y += 3;
  c.use('bold', 9).text('Amount applied for (line 8)', x, y, width - amountW - 6);
  c.use('bold', 9).text(c.fmt.money(doc.appliedFor.currentPaymentDueCents), x + width - amountW, y, amountW, 'right', true);
  y += LINE;
  if (doc.submittedAt) {
    c.use('regular', 8).color(COLORS.muted).text(`Submitted through payapp on ${c.fmt.instant(doc.submittedAt)}.`, x, y, width);
    c.color(COLORS.text);
    y += LINE;
  }
  y = signatureBlock(c, x, y - 4, width) + 6;

  // The administrator's certificate: what is certified, and why it differs when it does.
  y = heading(c, 'Certificate for payment', x, y, width);
  c.use('regular', 8.5);
  y = c.paragraph(
    'Having reviewed this application and the continuation sheets, the invoice administrator certifies that the contractor is entitled to payment of the amount certified below.',
    x,
    y,
    width,
    10.5,
  );
  y += 3;
  const amountRow = (label: string, cents: number, bold: boolean) => {
    c.use(bold ? 'bold' : 'regular', 9).text(label, x, y, width - amountW - 6);
    c.use(bold ? 'bold' : 'regular', 9).text(c.fmt.money(cents), x + width - amountW, y, amountW, 'right', true);
    y += LINE;
  };
  amountRow('Amount applied for', doc.appliedFor.currentPaymentDueCents, false);
  amountRow('Amount certified', doc.certified.currentPaymentDueCents, true);
  const difference = doc.certified.currentPaymentDueCents - doc.appliedFor.currentPaymentDueCents;
  c.use('regular', 8.5);
  if (difference !== 0 || doc.differences.length > 0) {
    const direction = difference < 0 ? 'less than' : 'more than';
    const what =
      difference === 0
        ? 'The amount certified equals the amount applied for, but lines were certified differently.'
        : `The amount certified is ${c.fmt.money(Math.abs(difference))} ${direction} the amount applied for.`;
    y = c.paragraph(`Explanation: ${what} The lines certified differently, with the reason for each, are listed under "Reasons for difference" after this page.`, x, y, width, 10.5);
  }
  if (doc.isFinal && doc.approvedAt) {
    c.use('regular', 8.5).text(`${doc.statusLabel} by ${doc.approverName ?? 'an invoice administrator'} on ${c.fmt.instant(doc.approvedAt)}.`, x, y, width);
  } else {
    c.use('bold', 8.5).text(`Not certified yet: this application is ${doc.statusLabel.toLowerCase()}. The amounts above may still change.`, x, y, width);
  }
  y += LINE;
  signatureBlock(c, x, y - 4, width);
}

type Column = { title: string; width: number; align: 'left' | 'right' };

/**
 * A titled table over as many portrait pages as it needs, its header repeated on each. Starts
 * below `y` on the current page when the title, the header and a first row fit; returns the y
 * below it.
 */
function drawTable(c: Canvas, y0: number | null, title: string, intro: string, columns: Column[], rows: string[][], fitColumns: ReadonlySet<number>): number {
  const x = MARGIN;
  const width = c.width - 2 * MARGIN;
  const flex = width - columns.reduce((s, col) => s + col.width, 0);
  const widths = columns.map((col) => (col.width === 0 ? flex : col.width));
  let y = y0 ?? 0;
  const start = (continued: boolean) => {
    if (continued || y0 === null || y0 + 80 > c.bottom) {
      c.addPage('portrait');
      y = MARGIN;
    }
    c.use('bold', 13).color(COLORS.text).text(continued ? `${title} (continued)` : title, x, y, width);
    y += 18;
    if (!continued && intro) {
      c.use('regular', 8.5);
      y = c.paragraph(intro, x, y, width, 10.5) + 4;
    }
    let at = x;
    c.band(x, y - 2, width, 14);
    columns.forEach((col, i) => {
      c.use('bold', 8).text(col.title, at + 3, y + 1, (widths[i] ?? 0) - 6, col.align);
      at += widths[i] ?? 0;
    });
    y += 16;
  };
  start(false);
  for (const row of rows) {
    c.use('regular', 8.5);
    const wrapped = row.map((cell, i) => (columns[i]?.align === 'left' ? c.wrap(cell, (widths[i] ?? 0) - 6, 6) : [cell]));
    const height = Math.max(...wrapped.map((lines) => lines.length)) * 10.5 + 4;
    if (y + height > c.bottom) start(true);
    let at = x;
    wrapped.forEach((lines, i) => {
      lines.forEach((line, n) => c.use('regular', 8.5).text(line, at + 3, y + n * 10.5, (widths[i] ?? 0) - 6, columns[i]?.align, fitColumns.has(i)));
      at += widths[i] ?? 0;
    });
    y += height;
    c.rule(x, y - 2, x + width, COLORS.faint, 0.4);
  }
  return y;
}

/** The lines certified differently from the claim, and the rejected lines, when there are any. */
export function drawReasonPages(c: Canvas, doc: PayApplicationDocument): void {
  let y: number | null = null;
  if (doc.differences.length > 0) {
    const showReleased = doc.differences.some((d) => d.claimedReleasedCents !== d.certifiedReleasedCents);
    const amount = (cents: number, released: number) => (showReleased && released !== 0 ? `${c.fmt.money(cents)} + ${c.fmt.money(released)} released` : c.fmt.money(cents));
    y = drawTable(
      c,
      null,
      'Reasons for difference',
      'Lines the invoice administrator certified differently from the amount applied for. Amounts are work completed and materials stored this period (column E plus the change in column F)' +
        (showReleased ? ', with the retainage released.' : '.'),
      [
        { title: 'Item', width: 48, align: 'left' },
        { title: 'Description', width: 0, align: 'left' },
        { title: 'Claimed', width: showReleased ? 96 : 78, align: 'right' },
        { title: 'Certified', width: showReleased ? 96 : 78, align: 'right' },
        { title: 'Reason', width: 150, align: 'left' },
      ],
      doc.differences.map((d) => [d.itemNumber, d.description, amount(d.claimedCents, d.claimedReleasedCents), amount(d.certifiedCents, d.certifiedReleasedCents), d.reason ?? '(no reason given)']),
      new Set([2, 3]),
    );
  }
  if (doc.rejected.length > 0) {
    drawTable(
      c,
      y === null ? null : y + 16,
      'Rejected lines',
      'Lines the invoice administrator rejected in review, with the reason given.',
      [
        { title: 'Item', width: 48, align: 'left' },
        { title: 'Description', width: 0, align: 'left' },
        { title: 'Reason', width: 230, align: 'left' },
      ],
      doc.rejected.map((r) => [r.itemNumber, r.description, r.reason ?? '(no reason given)']),
      new Set(),
    );
  }
}
