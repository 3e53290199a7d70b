/**
 * The continuation sheets (G703 shape), landscape: columns A–I with G ÷ C, the original schedule
 * of values then the change orders, Subcontractor SOV detail lines under their SOV line. Every
 * page repeats the application's header and the column headings, and ends with the subtotal of
 * the lines on it; the last one carries the grand total (Σ C = line 3, Σ G = line 4, Σ I = line 5).
 */
import { sumAmounts, type G703Amounts, type G703Row, type PayApplicationDocument } from '../domain/pay-application-document.ts';
import { COLORS, MARGIN, type Canvas } from './canvas.ts';

const ROW = 10.5;
const FONT = 7.5;
const MONEY_W = 64;

type Column = { letter: string; title: string; width: number; pick?: (a: G703Amounts) => number; percent?: boolean };

function columnsFor(pageWidth: number): Column[] {
  const fixed: Column[] = [
    { letter: 'A', title: 'Item no.', width: 44 },
    { letter: 'B', title: 'Description of work', width: 0 },
    { letter: 'C', title: 'Scheduled value', width: MONEY_W, pick: (a) => a.scheduledValueCents },
    { letter: 'D', title: 'Work completed from previous applications', width: MONEY_W, pick: (a) => a.previousCents },
    { letter: 'E', title: 'Work completed this period', width: MONEY_W, pick: (a) => a.thisPeriodCents },
    { letter: 'F', title: 'Materials presently stored (not in D or E)', width: MONEY_W, pick: (a) => a.storedCents },
    { letter: 'G', title: 'Total completed and stored to date (D + E + F)', width: MONEY_W, pick: (a) => a.completedCents },
    { letter: '%', title: 'G ÷ C', width: 38, percent: true },
    { letter: 'H', title: 'Balance to finish (C − G)', width: MONEY_W, pick: (a) => a.balanceCents },
    { letter: 'I', title: 'Retainage', width: MONEY_W, pick: (a) => a.retainageCents },
  ];
  const used = fixed.reduce((s, col) => s + col.width, 0);
  return fixed.map((col) => (col.width === 0 ? { ...col, width: pageWidth - 2 * MARGIN - used } : col));
}

type Sheet = { c: Canvas; doc: PayApplicationDocument; columns: Column[]; x: number; width: number; y: number; pageRows: G703Amounts[] };

function drawHeader(s: Sheet, continued: boolean): void {
  const { c, doc, x, width } = s;
  c.addPage('landscape');
  let y = MARGIN;
  c.use('bold', 12).color(COLORS.text).text(`Continuation sheet${continued ? ' (continued)' : ''}`, x, y, width / 2);
  c.use('regular', 8)
    .color(COLORS.muted)
    .text(`Pay application ${doc.applicationLabel} · ${doc.statusLabel}`, x + width / 2, y + 2, width / 2, 'right');
  y += 16;
  c.use('regular', 8).color(COLORS.text);
  const who = `${doc.commitment.number} – ${doc.commitment.title}${doc.contractCompany ? ` · ${doc.contractCompany.name}` : ''} · ${doc.project.name}`;
  c.text(who, x, y, width * 0.62);
  c.text(`Period ${c.fmt.day(doc.periodStart)} – ${c.fmt.day(doc.periodEnd)} · Billing date ${c.fmt.day(doc.billingDate)}`, x + width * 0.62, y, width * 0.38, 'right');
  y += 14;

  // Column headings: the letter, then the title wrapped over up to four lines.
  c.use('bold', 6.5);
  const titles = s.columns.map((col) => c.wrap(col.title, col.width - 6, 4));
  const height = 9 + Math.max(...titles.map((t) => t.length)) * 7.5 + 3;
  c.band(x, y, width, height);
  let at = x;
  s.columns.forEach((col, i) => {
    const align = col.pick || col.percent ? 'right' : 'left';
    c.use('bold', 7).text(col.letter, at + 3, y + 2, col.width - 6, align);
    (titles[i] ?? []).forEach((line, n) => c.use('regular', 6.5).text(line, at + 3, y + 10 + n * 7.5, col.width - 6, align));
    at += col.width;
  });
  s.y = y + height + 3;
}

function drawAmounts(s: Sheet, a: G703Amounts, y: number, bold: boolean): void {
  const { c } = s;
  let at = s.x;
  for (const col of s.columns) {
    if (col.pick) c.use(bold ? 'bold' : 'regular', FONT).text(c.fmt.money(col.pick(a)), at + 2, y, col.width - 4, 'right', true);
    else if (col.percent) c.use(bold ? 'bold' : 'regular', FONT).text(c.fmt.percent(a.percentBp), at + 2, y, col.width - 4, 'right', true);
    at += col.width;
  }
}

/** A totals row (page subtotal, section or grand total) across the full width. */
function drawTotal(s: Sheet, label: string, amounts: G703Amounts, tone: 'page' | 'section' | 'grand'): void {
  const { c, x, width } = s;
  const descriptionX = x + (s.columns[0]?.width ?? 0);
  const descriptionW = s.columns[1]?.width ?? 0;
  if (tone === 'grand') c.band(x, s.y - 1.5, width, ROW + 2);
  c.rule(x, s.y - 1.5, x + width, tone === 'page' ? COLORS.rule : COLORS.text, tone === 'page' ? 0.5 : 0.8);
  c.use('bold', FONT).color(COLORS.text).text(label, descriptionX + 3, s.y, descriptionW - 6);
  drawAmounts(s, amounts, s.y, true);
  s.y += ROW + 2;
}

function rowHeight(s: Sheet, row: G703Row): { lines: string[]; height: number } {
  const indent = row.kind === 'detail' ? 8 : 0;
  s.c.use(row.kind === 'line' || row.kind === 'detail' ? 'regular' : 'bold', FONT);
  const lines = s.c.wrap(row.description, (s.columns[1]?.width ?? 0) - 6 - indent, 3);
  return { lines, height: lines.length * ROW };
}

function drawRow(s: Sheet, row: G703Row, lines: string[]): void {
  const { c, x } = s;
  const itemW = s.columns[0]?.width ?? 0;
  const descriptionW = s.columns[1]?.width ?? 0;
  const indent = row.kind === 'detail' ? 8 : 0;
  const font = row.kind === 'line' || row.kind === 'detail' ? 'regular' : 'bold';
  c.use(font, FONT).color(COLORS.text).text(row.itemNumber, x + 3 + (row.kind === 'detail' ? 4 : 0), s.y, itemW - 6 - (row.kind === 'detail' ? 4 : 0));
  lines.forEach((line, n) => c.use(font, FONT).text(line, x + itemW + 3 + indent, s.y + n * ROW, descriptionW - 6 - indent));
  if (row.amounts) drawAmounts(s, row.amounts, s.y, row.kind === 'group-total');
  s.y += lines.length * ROW;
  c.rule(x, s.y - 1.5, x + s.width, COLORS.faint, 0.3);
  if (row.isBilled && row.amounts) s.pageRows.push(row.amounts);
}

/** Room kept at the bottom of every page for its subtotal row. */
const SUBTOTAL_ROOM = ROW + 6;

export function drawContinuationSheets(c: Canvas, doc: PayApplicationDocument): void {
  const width = c.pageSize[1] - 2 * MARGIN; // landscape: the long side across
  const s: Sheet = { c, doc, columns: columnsFor(c.pageSize[1]), x: MARGIN, width, y: 0, pageRows: [] };
  drawHeader(s, false);
  const endPage = () => {
    drawTotal(s, 'Page subtotal', sumAmounts(s.pageRows), 'page');
    s.pageRows = [];
  };
  const ensure = (height: number) => {
    if (s.y + height + SUBTOTAL_ROOM > c.bottom) {
      endPage();
      drawHeader(s, true);
    }
  };
  doc.sections.forEach((section, index) => {
    ensure(ROW * 3);
    c.use('bold', 8).color(COLORS.text).text(section.title, s.x + 3, s.y + 1, width - 6);
    s.y += ROW + 3;
    for (const row of section.rows) {
      const { lines, height } = rowHeight(s, row);
      ensure(height);
      drawRow(s, row, lines);
    }
    ensure(ROW + 2);
    drawTotal(s, `Total ${section.title.toLowerCase()}`, section.total, 'section');
    if (index < doc.sections.length - 1) s.y += 4;
  });
  ensure(2 * ROW + 4);
  endPage();
  drawTotal(s, 'Grand total (G702: C = line 3, G = line 4, I = line 5)', doc.total, 'grand');
}
