/**
 * Importing a commitment's schedule of values from a CSV or XLSX file (issue 13, decision 029):
 * read the file into cells, let the domain parse every row, and only when the whole file is valid
 * replace the SOV through `replaceSovLines` — the SOV editor's own save, with its rules (billed
 * lines, versions, audit). A dry run answers the lines and writes nothing.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { SovLine } from '../../domain/commitment.ts';
import { DomainError, type ErrorDetail } from '../../domain/errors.ts';
import { assertInvoiceAdministrator, type Viewer } from '../../domain/permissions.ts';
import { parseSovTable, type Cell, type SovColumnMapping } from '../../domain/sov-import.ts';
import type { Db } from '../../db/database.ts';
import { getVisibleCommitment } from '../../db/commitments.queries.ts';
import { getProjectWithAccess } from '../../db/projects.queries.ts';
import { listSovLines } from '../../db/sov.queries.ts';
import { replaceSovLines } from './schedule-of-values.ts';

export type SpreadsheetFile = { filename: string; contentType: string; content: Buffer };

export type ImportSovInput = {
  file: SpreadsheetFile;
  mapping: SovColumnMapping;
  dryRun: boolean;
  /** The commitment version the import replaces; required unless a dry run. */
  version?: number | undefined;
};

export type ImportedSovLine = {
  row: number;
  itemNumber: string;
  costCode: string;
  description: string;
  scheduledValueCents: number;
  /** The existing SOV line this row updates (same item number), so billed lines are kept, not deleted. */
  lineId: string | null;
};

export type ImportSovResult = {
  dryRun: boolean;
  mapping: SovColumnMapping;
  lines: ImportedSovLine[];
  /** After a real import: the commitment's new version and its SOV. */
  version: number | null;
  saved: SovLine[] | null;
};

/** At most this many row problems are listed; the message gives the total. */
const MAX_LISTED_ERRORS = 500;

const isXlsx = (file: SpreadsheetFile): boolean =>
  file.content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ||
  /\.xlsx$/i.test(file.filename) ||
  file.contentType === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function unreadable(kind: string): DomainError {
  return new DomainError('validation_failed', `This file could not be read as ${kind}. Send a .csv or .xlsx file.`, { field: 'file' });
}

/**
 * CSV as Excel writes it: a byte-order mark is dropped; the delimiter is the one of ",", ";" or tab
 * the first line uses most (Excel in a French-Canadian locale writes ";", since "," marks decimals).
 * Each record is a row: row numbers are the spreadsheet's, even when a quoted cell spans lines.
 */
export function readCsvRows(content: Buffer): Cell[][] {
  const text = content.toString('utf8').replace(/^\ufeff/, '');
  const firstLine = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length);
  const delimiter = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length })).sort((a, b) => b.n - a.n)[0]?.d ?? ',';
  try {
    return parseCsv(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
  } catch {
    throw unreadable('CSV');
  }
}

function xlsxCell(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('result' in value) return xlsxCell((value.result ?? null) as ExcelJS.CellValue);
  if ('formula' in value || 'sharedFormula' in value) return null;
  if ('text' in value) return String(value.text);
  if ('error' in value) return String(value.error);
  return null;
}

/** The first worksheet's rows; numeric cells stay numbers, formulas give their stored result. */
export async function readXlsxRows(content: Buffer): Promise<Cell[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw unreadable('XLSX');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: Cell[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = xlsxCell(cell.value);
    });
    rows[rowNumber - 1] = cells;
  });
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  return rows;
}

export async function readSpreadsheetRows(file: SpreadsheetFile): Promise<Cell[][]> {
  return isXlsx(file) ? readXlsxRows(file.content) : readCsvRows(file.content);
}

/** Pairs each imported row with the existing line of the same item number, when exactly one has it. */
function matchExisting(lines: { itemNumber?: string | undefined }[], existing: SovLine[]): (string | null)[] {
  const byItem = new Map<string, string | null>();
  for (const line of existing) {
    if (line.itemNumber === '') continue;
    byItem.set(line.itemNumber, byItem.has(line.itemNumber) ? null : line.id);
  }
  const used = new Set<string>();
  return lines.map(({ itemNumber }) => {
    const id = itemNumber ? byItem.get(itemNumber) : undefined;
    if (!id || used.has(id)) return null;
    used.add(id);
    return id;
  });
}

export async function importSov(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  input: ImportSovInput,
  now: Date,
): Promise<ImportSovResult> {
  // Who may import is who may save the SOV, checked before the file is read: a refusal never depends on its content.
  const { access, project } = await getProjectWithAccess(db, viewer, projectId);
  await getVisibleCommitment(db, access, commitmentId);
  assertInvoiceAdministrator(access, 'import the schedule of values');

  const rows = await readSpreadsheetRows(input.file);
  const parsed = parseSovTable(rows, input.mapping, project.locale);
  if (!parsed.ok) {
    const count = parsed.errors.length;
    const listed = parsed.errors.slice(0, MAX_LISTED_ERRORS);
    const details: ErrorDetail[] = listed.map((e) => ({ path: 'file', row: e.row, column: e.column, message: e.message, code: 'invalid_row' }));
    const rowsWithErrors = new Set(parsed.errors.map((e) => e.row)).size;
    throw new DomainError(
      'sov_import_invalid',
      `${count} problem${count === 1 ? '' : 's'} in ${rowsWithErrors} row${rowsWithErrors === 1 ? '' : 's'} of the file; nothing was imported.` +
        (count > listed.length ? ` The first ${listed.length} are listed.` : ''),
      { field: 'file', details },
    );
  }

  const existing = await listSovLines(db, access.tenantId, commitmentId);
  const ids = matchExisting(parsed.lines, existing);
  const lines: ImportedSovLine[] = parsed.lines.map((l, i) => ({
    row: l.row,
    itemNumber: l.itemNumber ?? '',
    costCode: l.costCode ?? '',
    description: l.description,
    scheduledValueCents: l.scheduledValueCents,
    lineId: ids[i] ?? null,
  }));
  if (input.dryRun) return { dryRun: true, mapping: parsed.mapping, lines, version: null, saved: null };

  if (input.version === undefined) {
    throw new DomainError('precondition_required', 'Send the commitment version the import replaces (If-Match or version).', { field: 'version' });
  }
  const saved = await replaceSovLines(
    db,
    viewer,
    projectId,
    commitmentId,
    {
      version: input.version,
      lines: lines.map((l) => ({
        ...(l.lineId !== null && { id: l.lineId }),
        itemNumber: l.itemNumber,
        costCode: l.costCode,
        description: l.description,
        scheduledValueCents: l.scheduledValueCents,
      })),
    },
    now,
  );
  return { dryRun: false, mapping: parsed.mapping, lines, version: saved.version, saved: saved.lines };
}
