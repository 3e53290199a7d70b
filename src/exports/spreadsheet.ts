/**
 * A domain Sheet (src/domain/spreadsheet-exports.ts) as a file (issue 13, docs/decisions/028).
 * CSV: money as a plain decimal with a dot ("1234.50"), percentages likewise ("12.34"), no currency
 * symbol — what accounting imports parse without a locale. XLSX: real numbers with a money or
 * percent format, the header row frozen, and a totals row whose SUM formulas carry their result.
 */
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { basisPointsToPercent, centsToDecimal, sheetTotals, type Cell, type ExportFormat, type Sheet } from '../domain/spreadsheet-exports.ts';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const MONEY_FORMAT = '#,##0.00;-#,##0.00';
const PERCENT_FORMAT = '0.00%';

function csvCell(kind: Sheet['columns'][number]['kind'], value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (kind === 'money') return centsToDecimal(value);
  if (kind === 'percent') return basisPointsToPercent(value);
  return String(value);
}

/** CSV with a header row, RFC 4180 quoting, CRLF line ends; a UTF-8 byte-order mark so spreadsheets read accents. */
export function sheetToCsv(sheet: Sheet): Buffer {
  const body = stringify([sheet.columns.map((c) => c.header), ...sheet.rows.map((r) => r.map((v, i) => csvCell(sheet.columns[i]!.kind, v)))], { record_delimiter: '\r\n' });
  return Buffer.from(`\uFEFF${body}`, 'utf8');
}

/** Column letters: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

/**
 * XLSX: one worksheet. Money goes in as cents ÷ 100 (a spreadsheet number is a double; the cents are
 * exact to the cent up to 2^53 / 100), percentages as a fraction. The totals row sums each money
 * column over the data rows, with the exact total as the formula's cached result.
 */
export async function sheetToXlsx(sheet: Sheet): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet(sheet.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = sheet.columns.map((c) => ({
    header: c.header,
    width: c.kind === 'text' ? Math.max(12, Math.min(40, c.header.length + 2)) : Math.max(14, Math.min(24, c.header.length + 2)),
    ...(c.kind === 'money' && { style: { numFmt: MONEY_FORMAT } }),
    ...(c.kind === 'percent' && { style: { numFmt: PERCENT_FORMAT } }),
  }));
  ws.getRow(1).font = { bold: true };
  for (const r of sheet.rows) {
    ws.addRow(
      r.map((v, i) => {
        if (typeof v !== 'number') return v;
        const kind = sheet.columns[i]!.kind;
        return kind === 'money' ? v / 100 : kind === 'percent' ? v / 10_000 : v;
      }),
    );
  }
  const first = 2;
  const last = sheet.rows.length + 1;
  const totals = sheetTotals(sheet);
  const totalsRow = ws.addRow(
    sheet.columns.map((c, i) => {
      if (i === 0) return 'Total';
      if (c.kind !== 'money') return null;
      const col = columnLetter(i + 1);
      return { formula: sheet.rows.length > 0 ? `SUM(${col}${first}:${col}${last})` : '0', result: (totals[i] ?? 0) / 100 };
    }),
  );
  totalsRow.font = { bold: true };
  return Buffer.from(await book.xlsx.writeBuffer());
}

export async function writeSheet(sheet: Sheet, format: ExportFormat): Promise<Buffer> {
  return format === 'csv' ? sheetToCsv(sheet) : sheetToXlsx(sheet);
}
