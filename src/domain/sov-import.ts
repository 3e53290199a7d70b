/**
 * Importing a schedule of values from a spreadsheet (issue 13): a table of cells, a column mapping,
 * and the project's locale in; SOV lines or every row's errors out. Pure: reading the file is the
 * service's job (src/services/commitments/import-sov.ts). Rules in docs/decisions/029-sov-import.md.
 */
import type { SovLineInput } from './commitment.ts';
import type { Locale } from './project.ts';

/** One cell as a reader gives it: text (CSV, XLSX text cells), a number (XLSX numeric cells) or nothing. */
export type Cell = string | number | null | undefined;

export type SovImportField = 'itemNumber' | 'description' | 'costCode' | 'scheduledValue';
export const SOV_IMPORT_FIELDS: readonly SovImportField[] = ['itemNumber', 'description', 'costCode', 'scheduledValue'];

/** Which header each field is read from; a field left out is guessed from the headers. */
export type SovColumnMapping = Partial<Record<SovImportField, string>>;

/** `row` is 1-based as a spreadsheet shows it; `column` the header the value came from (or the letter). */
export type SovImportRowError = { row: number; column: string; message: string };

export type SovImportResult =
  | { ok: true; lines: (SovLineInput & { row: number })[]; mapping: Required<Pick<SovColumnMapping, 'description' | 'scheduledValue'>> & SovColumnMapping; headerRow: number }
  | { ok: false; errors: SovImportRowError[]; mapping: SovColumnMapping; headerRow: number };

const FIELD_LABEL: Record<SovImportField, string> = {
  itemNumber: 'Item',
  description: 'Description',
  costCode: 'Cost Code',
  scheduledValue: 'Scheduled Value',
};

/** Header names each field is guessed from, compared lower-case with everything but letters and digits removed. */
const HEADER_GUESSES: Record<SovImportField, readonly string[]> = {
  itemNumber: ['item', 'itemno', 'itemnumber', 'itemnum', 'no', 'number', 'line', 'lineno', 'linenumber'],
  description: ['description', 'descriptionofwork', 'workdescription', 'desc', 'name', 'itemdescription'],
  costCode: ['costcode', 'code', 'cc', 'costcodes'],
  scheduledValue: ['scheduledvalue', 'scheduledvalues', 'amount', 'value', 'sov', 'contractamount', 'total'],
};

const MAX_TEXT = { itemNumber: 50, costCode: 50, description: 1000 } as const;

const normalizeHeader = (text: string): string => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** "A", "B", … "AA": the column letter a spreadsheet shows. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/**
 * A cell as text. Numbers are read as Excel shows them: 15 significant digits, so a sum such as
 * 0.1 + 0.2 (0.30000000000000004) is 0.3 — the binary noise below Excel's precision is not data.
 */
export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return String(cell);
    if (Number.isInteger(cell) && Number.isSafeInteger(cell)) return String(cell);
    const fixed = cell.toPrecision(15);
    if (fixed.includes('e')) return fixed;
    return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  }
  return cell;
}

const isBlank = (row: readonly Cell[]): boolean => row.every((cell) => cellText(cell).trim() === '');

export type MoneyParse = { ok: true; cents: number } | { ok: false; message: string };

// Spaces people and Intl put between thousands: space, no-break space, narrow no-break space.
const GROUP_SPACES = /[ \u00a0\u202f]/g;

/**
 * An amount as people type it in the project's locale, to integer cents — by string arithmetic,
 * never through a float.
 * - en-US: "1234.5", "1,234.50", "$1,234.50", "USD 1,234.50".
 * - en-CA: the same, and the French-Canadian form "1 234,50 $" — a comma is the decimal mark when
 *   it has one or two digits after it and nothing else marks decimals, or when thousands are
 *   grouped by spaces; "1,234" is one thousand two hundred thirty-four in both locales.
 * - Thousands groups must have three digits ("1,23,4" is refused). More than two decimals is refused,
 *   never rounded. Negative amounts — "-5", "(5.00)", "5-" — are recognised and refused: a scheduled
 *   value is zero or more (the same rule as the SOV editor's).
 */
export function parseMoneyCell(cell: Cell, locale: Locale): MoneyParse {
  const raw = cellText(cell).trim();
  if (raw === '') return { ok: false, message: 'Enter a scheduled value.' };
  let text = raw.replace(/^(?:US|CA|C)?\$|(?:US|CA|C)?\$$|^(?:USD|CAD)\b|\b(?:USD|CAD)$/gi, '').trim();
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  text = text.replace(/^(?:US|CA|C)?\$|(?:US|CA|C)?\$$/gi, '').trim();
  if (text.startsWith('-') || text.startsWith('\u2212')) {
    negative = true;
    text = text.slice(1).trim();
  } else if (text.endsWith('-')) {
    negative = true;
    text = text.slice(0, -1).trim();
  }
  text = text.replace(/^(?:US|CA|C)?\$|(?:US|CA|C)?\$$/gi, '').trim();
  const notAnAmount: MoneyParse = {
    ok: false,
    message: locale === 'en-CA' ? `"${raw}" is not an amount like 1,234.50 or 1 234,50 $.` : `"${raw}" is not an amount like 1,234.50.`,
  };
  if (!/^[\d., \u00a0\u202f]+$/.test(text) || !/\d/.test(text)) return notAnAmount;

  let decimalMark = '.';
  let groupMark: RegExp = /,/g;
  if (locale === 'en-CA') {
    const spaced = /\d[ \u00a0\u202f]\d/.test(text);
    const commaDecimal = !text.includes('.') && /,\d{1,2}$/.test(text);
    if (spaced || commaDecimal) {
      decimalMark = ',';
      groupMark = GROUP_SPACES;
    }
  }
  const marks = text.split(decimalMark);
  if (marks.length > 2) return notAnAmount;
  const [wholePart = '', fraction = ''] = marks;
  if (fraction !== '' && !/^\d+$/.test(fraction)) return notAnAmount;
  const groups = wholePart.split(groupMark);
  if (groups.length > 1 && !(/^\d{1,3}$/.test(groups[0] ?? '') && groups.slice(1).every((g) => /^\d{3}$/.test(g)))) return notAnAmount;
  const digits = groups.join('');
  if (!/^\d*$/.test(digits) || (digits === '' && fraction === '')) return notAnAmount;
  if (fraction.length > 2) return { ok: false, message: `"${raw}" has more than two decimals: amounts are in whole cents.` };
  if (negative && /[1-9]/.test(digits + fraction)) return { ok: false, message: `"${raw}" is negative: a scheduled value must be zero or more.` };
  const cents = BigInt(digits === '' ? '0' : digits) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: `"${raw}" is too large.` };
  return { ok: true, cents: Number(cents) };
}

/**
 * The header row is the first row that is not empty. For each field the mapping names a header
 * (matched ignoring case and surrounding spaces); a field the mapping leaves out is guessed from
 * the headers (HEADER_GUESSES). Description and scheduled value are required.
 */
export function resolveSovColumns(
  headers: readonly Cell[],
  mapping: SovColumnMapping,
): { columns: Partial<Record<SovImportField, number>>; names: SovColumnMapping; errors: string[] } {
  const texts = headers.map((h) => cellText(h).trim());
  const columns: Partial<Record<SovImportField, number>> = {};
  const names: SovColumnMapping = {};
  const errors: string[] = [];
  const taken = new Set<number>();
  for (const field of SOV_IMPORT_FIELDS) {
    const wanted = mapping[field]?.trim();
    if (wanted === undefined || wanted === '') continue;
    const index = texts.findIndex((t) => t.toLowerCase() === wanted.toLowerCase());
    if (index < 0) errors.push(`There is no column "${wanted}" for ${FIELD_LABEL[field]}.`);
    else {
      columns[field] = index;
      names[field] = texts[index];
      taken.add(index);
    }
  }
  for (const field of SOV_IMPORT_FIELDS) {
    if (columns[field] !== undefined || (mapping[field]?.trim() ?? '') !== '') continue;
    const index = texts.findIndex((t, i) => !taken.has(i) && HEADER_GUESSES[field].includes(normalizeHeader(t)));
    if (index >= 0) {
      columns[field] = index;
      names[field] = texts[index];
      taken.add(index);
    }
  }
  for (const field of ['description', 'scheduledValue'] as const) {
    if (columns[field] === undefined && (mapping[field]?.trim() ?? '') === '') {
      errors.push(`No column for ${FIELD_LABEL[field]}: name one, or head a column "${FIELD_LABEL[field]}".`);
    }
  }
  return { columns, names, errors };
}

const TOTALS_LABEL = /^(grand\s+)?totals?:?$/i;

/**
 * A spreadsheet's rows to SOV lines, in file order. Empty rows and a totals row are skipped. Every row is checked and
 * every problem reported (row, column, what is wrong) — the caller writes nothing unless there are none.
 */
export function parseSovTable(rows: readonly (readonly Cell[])[], mapping: SovColumnMapping, locale: Locale): SovImportResult {
  const headerIndex = rows.findIndex((r) => !isBlank(r));
  if (headerIndex < 0) return { ok: false, errors: [{ row: 1, column: '', message: 'The file is empty.' }], mapping, headerRow: 1 };
  const headerRow = headerIndex + 1;
  const { columns, names, errors: headerErrors } = resolveSovColumns(rows[headerIndex] ?? [], mapping);
  if (headerErrors.length > 0) {
    return { ok: false, errors: headerErrors.map((message) => ({ row: headerRow, column: '', message })), mapping: names, headerRow };
  }
  const columnName = (field: SovImportField): string => {
    const index = columns[field] as number;
    return names[field] || columnLetter(index);
  };
  const lines: (SovLineInput & { row: number })[] = [];
  const errors: SovImportRowError[] = [];
  for (let i = headerIndex + 1; i < rows.length; i++) {
    const cells = rows[i] ?? [];
    const row = i + 1;
    const read = (field: SovImportField): string => (columns[field] === undefined ? '' : cellText(cells[columns[field]]).trim());
    const mapped = SOV_IMPORT_FIELDS.filter((f) => columns[f] !== undefined);
    if (mapped.every((f) => read(f) === '')) continue;
    // A totals row ("Total" in the item column and no description — as spreadsheets, ours included,
    // end a schedule of values) is not a line.
    if (read('description') === '' && TOTALS_LABEL.test(read('itemNumber'))) continue;
    let isValid = true;
    const fail = (field: SovImportField, message: string) => {
      errors.push({ row, column: columnName(field), message });
      isValid = false;
    };
    const description = read('description');
    if (description === '') fail('description', 'Enter a description.');
    for (const field of ['itemNumber', 'costCode', 'description'] as const) {
      const value = read(field);
      if (value.length > MAX_TEXT[field]) fail(field, `At most ${MAX_TEXT[field]} characters (this has ${value.length}).`);
      if (/[\u0000]|\p{Cs}/u.test(value)) fail(field, 'Holds a character that is not text.');
    }
    const money = parseMoneyCell(cells[columns.scheduledValue as number], locale);
    if (!money.ok) fail('scheduledValue', money.message);
    if (isValid && money.ok) {
      lines.push({ row, itemNumber: read('itemNumber'), costCode: read('costCode'), description, scheduledValueCents: money.cents });
    }
  }
  if (errors.length > 0) return { ok: false, errors, mapping: names, headerRow };
  if (lines.length === 0) return { ok: false, errors: [{ row: headerRow, column: '', message: 'The file has no lines under its header row.' }], mapping: names, headerRow };
  return {
    ok: true,
    lines,
    mapping: names as Required<Pick<SovColumnMapping, 'description' | 'scheduledValue'>> & SovColumnMapping,
    headerRow,
  };
}
