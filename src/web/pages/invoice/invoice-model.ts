/**
 * The invoice page's model: what a person typed on each line (kept as text, so nothing is ever
 * lost), how it becomes a LineEntry, and the live G703/G702 computed with the server's own pure
 * domain code (src/domain/pay-application.ts). Per line results are cached, so a keystroke
 * recomputes one line plus the sums, not the whole invoice.
 */
import type { Schemas } from '../../api/client.ts';
import { formatCentsPlain, parseDecimalToCents } from '../../../domain/money.ts';
import type { SlidingScale } from '../../../domain/sliding-scale.ts';
import {
  computePayApplication,
  overbilledByCents,
  summarize,
  type ComputedLine,
  type G702,
  type LineEntry,
  type LineIssue,
  type LineToDate,
} from '../../../domain/pay-application.ts';
import { entriesEqual } from '../../../domain/invoice.ts';
import { groupBySovLine } from '../../../domain/ssov.ts';

export type InvoiceData = Schemas['Invoice'];
export type InvoiceLine = Schemas['InvoiceLine'];
/** What a write answers unless asked for the whole invoice (decision 022). */
export type InvoiceChanges = Schemas['InvoiceChanges'];

/**
 * The invoice after a write: the whole invoice when the write answered with it (`?view=full`),
 * else the one held with the write's changes merged in — the new header (version, status), G702
 * and the changed lines by id; the SOV groups' subtotals are summed again from the lines.
 */
export function applyWrite(held: InvoiceData, answer: InvoiceData | InvoiceChanges): InvoiceData {
  if (answer.view === 'full') return answer;
  const changed = new Map(answer.lines.map((l) => [l.id, l]));
  const lines = changed.size === 0 ? held.lines : held.lines.map((l) => changed.get(l.id) ?? l);
  return {
    ...held,
    invoice: answer.invoice,
    lines,
    sovGroups: changed.size === 0 ? held.sovGroups : groupBySovLine(lines.map((l) => ({ ...l, parent: l.parent ?? undefined }) as unknown as ComputedLine)),
    summary: answer.summary,
    claimedSummary: answer.claimedSummary,
    overbilledLineCount: answer.overbilledLineCount,
    claimedOverbilledLineCount: answer.claimedOverbilledLineCount,
    unapprovedEarlierInvoices: answer.unapprovedEarlierInvoices,
  };
}

/** The editable cells of a line (data-column values). */
export type EditColumn =
  | 'work'
  | 'percent'
  | 'storedNew'
  | 'installed'
  | 'released'
  | 'reason'
  | 'workRate'
  | 'materialsRate'
  | 'reviewReason';

/** What a person typed on one line, as text; a key is present only when they typed in that cell. */
export type Draft = Partial<Record<Exclude<EditColumn, 'reviewReason'>, string>>;
export type Drafts = Readonly<Record<string, Draft>>;

export type ReviewDecision = { decision: 'approved' | 'rejected' | null; reason: string };
export type ReviewDrafts = Readonly<Record<string, ReviewDecision>>;

/** claim: the contact's amounts (or an admin on their behalf); certify: an admin's certified amounts. */
export type EditMode = 'claim' | 'certify' | 'read';

/** Whether this project lets lines go over 100% (`you.allowOverbilling`: the project's rule, company lock included). */
export type Overbilling = 'allowed' | 'refused';

export const MONEY_COLUMNS: readonly EditColumn[] = ['work', 'storedNew', 'installed', 'released'];
export const PERCENT_COLUMNS: readonly EditColumn[] = ['percent', 'workRate', 'materialsRate'];

export const COLUMN_NAMES: Record<EditColumn, string> = {
  work: 'E this period',
  percent: '% complete to date',
  storedNew: 'New materials stored',
  installed: 'Materials moved into work',
  released: 'Retainage released',
  reason: 'Reason for difference',
  workRate: 'Work retainage rate',
  materialsRate: 'Materials retainage rate',
  reviewReason: 'Review reason',
};

// ---------------------------------------------------------------------------------------------
// Parsing and formatting (integer cents and basis points only; never floats for money)

export class ParseError extends Error {}

/** "1,234.56", "1234.5", "$1,234", " -250 " → cents; "" → 0. */
export function parseMoneyInput(text: string): number {
  let t = text.trim().replace(/[\s,$]/g, '').replace(/^(-?)(?:US|CA|C)?\$?/i, '$1');
  if (/^\(.*\)$/.test(t)) t = `-${t.slice(1, -1)}`;
  if (t === '' || t === '-') return 0;
  if (t.startsWith('.')) t = `0${t}`;
  if (t.startsWith('-.')) t = `-0${t.slice(1)}`;
  if (t.endsWith('.')) t = t.slice(0, -1);
  if (!/^-?\d+(\.\d+)?$/.test(t)) throw new ParseError('Enter an amount like 1,234.56.');
  if (/\.\d{3,}$/.test(t)) throw new ParseError('Use at most two decimals (cents).');
  try {
    const cents = parseDecimalToCents(t);
    if (Math.abs(cents) > 1_000_000_000_000) throw new ParseError('At most 10,000,000,000.00 on one line.');
    return cents;
  } catch (e) {
    if (e instanceof ParseError) throw e;
    throw new ParseError('Enter an amount like 1,234.56.');
  }
}

/** "45", "45.5%", "100 %" → basis points (4500, 4550, 10000). Throws ParseError. */
export function parsePercentInput(text: string, max = 1_000_000): number {
  const t = text.trim().replace(/\s/g, '').replace(/%$/, '').replace(/,/g, '.');
  const m = /^(\d+)(?:\.(\d*))?$/.exec(t.startsWith('.') ? `0${t}` : t);
  if (!m) throw new ParseError('Enter a percent like 45 or 45.5%.');
  const [, whole = '0', frac = ''] = m;
  if (frac.length > 2) throw new ParseError('Use at most two decimals in a percent.');
  const bp = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(bp) || bp > max) throw new ParseError(`At most ${formatBpPlain(max)}%.`);
  return bp;
}

/** Cents as the text of an input: formatCentsPlain with thousands separators ("1,234.56"). */
export function moneyInputText(cents: number): string {
  const plain = formatCentsPlain(cents);
  const negative = plain.startsWith('-');
  const [whole = '0', frac = '00'] = (negative ? plain.slice(1) : plain).split('.');
  return `${negative ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

/** Basis points as a plain percent number ("45.5" for 4550). */
export function formatBpPlain(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = Math.abs(bp % 100);
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

// ---------------------------------------------------------------------------------------------
// Entries

export function claimedEntry(line: InvoiceLine): LineEntry {
  const c = line.claimed;
  return {
    workCompletedThisPeriodCents: c.percentCompleteToDateBp !== null ? null : c.workCompletedThisPeriodCents,
    percentCompleteToDateBp: c.percentCompleteToDateBp,
    materialsStoredNewCents: c.materialsStoredNewCents,
    materialsInstalledCents: c.materialsInstalledCents,
    retainageReleasedCents: c.retainageReleasedCents,
  };
}

export function certifiedEntry(line: InvoiceLine): LineEntry {
  return {
    workCompletedThisPeriodCents: line.percentCompleteToDateBp !== null ? null : line.workCompletedThisPeriodCents,
    percentCompleteToDateBp: line.percentCompleteToDateBp,
    materialsStoredNewCents: line.materialsStoredNewCents,
    materialsInstalledCents: line.materialsInstalledCents,
    retainageReleasedCents: line.retainageReleasedCents,
  };
}

export function baseEntry(line: InvoiceLine, mode: EditMode): LineEntry {
  return mode === 'claim' ? claimedEntry(line) : certifiedEntry(line);
}

export type ParsedDraft = {
  entry: LineEntry;
  rates: { workBp: number; materialsBp: number };
  reason: string | null;
  /** Cells whose text does not parse: the message per column. */
  parseErrors: Partial<Record<EditColumn, string>>;
};

function tryParse(errors: ParsedDraft['parseErrors'], col: EditColumn, parse: () => number, fallback: number): number {
  try {
    return parse();
  } catch (e) {
    errors[col] = e instanceof ParseError ? e.message : 'Check this value.';
    return fallback;
  }
}

/** The entry a line would have with this draft over its saved values. */
export function parseDraft(line: InvoiceLine, draft: Draft | undefined, mode: EditMode): ParsedDraft {
  const base = baseEntry(line, mode);
  const rates = { workBp: line.workRetainageRateBp, materialsBp: line.materialsRetainageRateBp };
  const parseErrors: ParsedDraft['parseErrors'] = {};
  if (!draft) return { entry: base, rates, reason: line.differenceReason, parseErrors };
  const entry: LineEntry = { ...base };
  if (draft.percent !== undefined) {
    if (draft.percent.trim() === '') {
      // Clearing the percent goes back to an amount: the saved amount, or nothing.
      entry.percentCompleteToDateBp = null;
      entry.workCompletedThisPeriodCents = base.workCompletedThisPeriodCents ?? 0;
    } else {
      entry.workCompletedThisPeriodCents = null;
      entry.percentCompleteToDateBp = tryParse(parseErrors, 'percent', () => parsePercentInput(draft.percent ?? ''), base.percentCompleteToDateBp ?? 0);
    }
  } else if (draft.work !== undefined) {
    entry.percentCompleteToDateBp = null;
    entry.workCompletedThisPeriodCents = tryParse(parseErrors, 'work', () => parseMoneyInput(draft.work ?? ''), base.workCompletedThisPeriodCents ?? 0);
  }
  if (draft.storedNew !== undefined) entry.materialsStoredNewCents = tryParse(parseErrors, 'storedNew', () => parseMoneyInput(draft.storedNew ?? ''), base.materialsStoredNewCents);
  if (draft.installed !== undefined) entry.materialsInstalledCents = tryParse(parseErrors, 'installed', () => parseMoneyInput(draft.installed ?? ''), base.materialsInstalledCents);
  if (draft.released !== undefined) entry.retainageReleasedCents = tryParse(parseErrors, 'released', () => parseMoneyInput(draft.released ?? ''), base.retainageReleasedCents);
  if (draft.workRate !== undefined) rates.workBp = tryParse(parseErrors, 'workRate', () => parsePercentInput(draft.workRate ?? '', 10_000), rates.workBp);
  if (draft.materialsRate !== undefined) rates.materialsBp = tryParse(parseErrors, 'materialsRate', () => parsePercentInput(draft.materialsRate ?? '', 10_000), rates.materialsBp);
  const reason = draft.reason !== undefined ? draft.reason.trim() || null : line.differenceReason;
  return { entry, rates, reason, parseErrors };
}

// ---------------------------------------------------------------------------------------------
// Live computation, one line at a time (cached), with the same pure code as the server

export type CellIssue = { column: EditColumn | 'total'; code: string; message: string; blocking: boolean };

export type LineCalc = {
  line: InvoiceLine;
  computed: ComputedLine;
  entry: LineEntry;
  rates: { workBp: number; materialsBp: number };
  reason: string | null;
  /** Problems on the line: unparseable text, then the domain's checks, then a missing reason. */
  issues: CellIssue[];
  /** The line differs from what is saved (it will be sent on Save). */
  changed: boolean;
  /** certify mode: the certified entry differs from the claim. */
  adjusted: boolean;
  /**
   * How far the line is billed over 100% as it stands (the domain's `overbilledByCents`, the
   * server's own): live while typing, and still there once saved. 0 when it is not over.
   */
  overbilledByCents: number;
};

export type MoneyFormat = (cents: number) => string;

/** Domain messages give amounts as "12,345.67": say them in the project's money. */
export function humanizeMessage(message: string, money: MoneyFormat): string {
  return message.replace(/(-?)(\d{1,3}(?:,\d{3})*)\.(\d{2})\b/g, (_, sign: string, whole: string, frac: string) =>
    money(Number(`${sign}${whole.replace(/,/g, '')}${frac}`)),
  );
}

/** The domain names the line in its messages ("on line 3 (Framing)"); on the line itself, "this line" says it. */
export function onTheLine(message: string, line: Pick<InvoiceLine, 'itemNumber' | 'description'>): string {
  const label = line.itemNumber ? `line ${line.itemNumber} (${line.description})` : `"${line.description}"`;
  const text = message.split(label).join('this line');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Which cell a domain issue belongs to. */
function issueColumn(issue: LineIssue, entry: LineEntry): EditColumn | 'total' {
  switch (issue.field) {
    case 'workCompletedThisPeriodCents':
      return 'work';
    case 'percentCompleteToDateBp':
      return 'percent';
    case 'materialsStoredNewCents':
      return 'storedNew';
    case 'materialsInstalledCents':
      return 'installed';
    case 'retainageReleasedCents':
      return 'released';
    default:
      return entry.workCompletedThisPeriodCents === null ? 'percent' : 'work';
  }
}

export function previousOf(line: InvoiceLine): LineToDate {
  return {
    workCompletedCents: line.workCompletedPreviousCents,
    materialsStoredCents: line.materialsStoredPreviousCents,
    retainage: { workHeldCents: line.workRetainagePreviousCents, materialsHeldCents: line.materialsRetainagePreviousCents },
  };
}

export function computeLine(line: InvoiceLine, draft: Draft | undefined, mode: EditMode, overbilling: Overbilling, money: MoneyFormat): LineCalc {
  const parsed = parseDraft(line, draft, mode);
  const app = computePayApplication({
    lines: [
      {
        key: line.key,
        source: line.source,
        itemNumber: line.itemNumber,
        description: line.description,
        costCode: line.costCode,
        scheduledValueCents: line.scheduledValueCents,
        rates: parsed.rates,
        entry: parsed.entry,
      },
    ],
    previous: new Map([[line.key, previousOf(line)]]),
    previousCertificatesCents: 0,
    allowOverbilling: overbilling === 'allowed',
  });
  const computed = app.lines[0] as ComputedLine;
  const issues: CellIssue[] = [];
  for (const [column, message] of Object.entries(parsed.parseErrors)) issues.push({ column: column as EditColumn, code: 'parse', message, blocking: true });
  for (const issue of app.issues) {
    // A cell that does not parse already says so; its fallback value's problems would only confuse.
    const column = issueColumn(issue, parsed.entry);
    if (parsed.parseErrors[column as EditColumn]) continue;
    issues.push({ column, code: issue.code, message: onTheLine(humanizeMessage(issue.message, money), line), blocking: true });
  }
  const base = baseEntry(line, mode);
  const rateChanged = parsed.rates.workBp !== line.workRetainageRateBp || parsed.rates.materialsBp !== line.materialsRetainageRateBp;
  const entryChanged = !entriesEqual(parsed.entry, base);
  const adjusted = mode === 'certify' && !entriesEqual(parsed.entry, claimedEntry(line));
  const reasonChanged = mode === 'certify' && adjusted && (parsed.reason ?? '') !== (line.differenceReason ?? '');
  if (mode === 'certify' && adjusted && !parsed.reason) {
    issues.push({ column: 'reason', code: 'reason_required', message: 'Give a reason for the difference from the claim.', blocking: true });
  }
  return {
    line,
    computed,
    entry: parsed.entry,
    rates: parsed.rates,
    reason: parsed.reason,
    issues,
    changed: entryChanged || rateChanged || reasonChanged,
    adjusted,
    overbilledByCents: overbilledByCents(computed),
  };
}

/** The server's computed line as is (approved snapshots and read-only views are never recomputed). */
export function serverLineCalc(line: InvoiceLine, money: MoneyFormat): LineCalc {
  const computed: ComputedLine = {
    key: line.key,
    source: line.source,
    itemNumber: line.itemNumber,
    description: line.description,
    costCode: line.costCode,
    scheduledValueCents: line.scheduledValueCents,
    workCompletedPreviousCents: line.workCompletedPreviousCents,
    workCompletedThisPeriodCents: line.workCompletedThisPeriodCents,
    materialsStoredPreviousCents: line.materialsStoredPreviousCents,
    materialsStoredNewCents: line.materialsStoredNewCents,
    materialsInstalledCents: line.materialsInstalledCents,
    materialsPresentlyStoredCents: line.materialsPresentlyStoredCents,
    totalCompletedAndStoredCents: line.totalCompletedAndStoredCents,
    percentCompleteBp: line.percentCompleteBp,
    balanceToFinishCents: line.balanceToFinishCents,
    workRetainageRateBp: line.workRetainageRateBp,
    materialsRetainageRateBp: line.materialsRetainageRateBp,
    workRetainagePreviousCents: line.workRetainagePreviousCents,
    materialsRetainagePreviousCents: line.materialsRetainagePreviousCents,
    workRetainageThisPeriodCents: line.workRetainageThisPeriodCents,
    materialsRetainageThisPeriodCents: line.materialsRetainageThisPeriodCents,
    retainageReleasedCents: line.retainageReleasedCents,
    workRetainageHeldCents: line.workRetainageHeldCents,
    materialsRetainageHeldCents: line.materialsRetainageHeldCents,
    retainageHeldCents: line.retainageHeldCents,
    earnedThisPeriodCents: line.earnedThisPeriodCents,
    netThisPeriodCents: line.netThisPeriodCents,
    enteredAsPercent: line.percentCompleteToDateBp !== null,
    workRetainageEffectiveRateBp: line.workRetainageEffectiveRateBp,
    workRetainageRulesApplied: line.workRetainageRulesApplied,
  };
  const entry = certifiedEntry(line);
  return {
    line,
    computed,
    entry,
    rates: { workBp: line.workRetainageRateBp, materialsBp: line.materialsRetainageRateBp },
    reason: line.differenceReason,
    issues: line.issues.map((i) => ({
      column: issueColumn({ key: line.key, field: i.field as LineIssue['field'], code: i.code as LineIssue['code'], message: i.message }, entry),
      code: i.code,
      message: onTheLine(humanizeMessage(i.message, money), line),
      blocking: true,
    })),
    changed: false,
    adjusted: line.isCertifiedAdjusted,
    overbilledByCents: line.isOverbilled ? line.overbilledByCents : 0,
  };
}

export type CalcCache = { stamp: string; map: Map<string, { draft: Draft | undefined; calc: LineCalc }> };

/**
 * Computes every line, reusing the previous result of a line whose inputs did not change (same
 * objects for unchanged lines, so memoized rows skip re-rendering). `stamp` names everything
 * else a result depends on (mode, overbilling, formatting): a new stamp starts a new cache.
 */
export function computeAll(
  lines: readonly InvoiceLine[],
  drafts: Drafts,
  mode: EditMode,
  overbilling: Overbilling,
  money: MoneyFormat,
  previous: CalcCache | null,
  stamp: string,
): { calcs: LineCalc[]; cache: CalcCache } {
  // The cache is reused in place: a keystroke costs one computed line and a lookup per other line.
  const map: CalcCache['map'] = previous?.stamp === stamp ? previous.map : new Map();
  const calcs = lines.map((line) => {
    const draft = drafts[line.id];
    const hit = map.get(line.id);
    if (hit && hit.calc.line === line && hit.draft === draft) return hit.calc;
    const calc = mode === 'read' ? serverLineCalc(line, money) : computeLine(line, draft, mode, overbilling, money);
    map.set(line.id, { draft, calc });
    return calc;
  });
  return { calcs, cache: { stamp, map } };
}

/**
 * On a sliding-scale commitment the lines share caps, so work retainage is computed over all lines
 * at once with the domain's own code (src/domain/sliding-scale.ts via computePayApplication) and
 * replaces each line's flat-rate figure — with the rate applied this period and the rules that set
 * it (`effectiveRateBp`, `appliedRules`), so the grid says while typing what the server will say
 * once saved. Costs one pass over the lines per keystroke; a line whose figures did not change
 * keeps its object (its row does not re-render).
 */
export function applySlidingScale(calcs: readonly LineCalc[], scale: SlidingScale | null | undefined, mode: EditMode): readonly LineCalc[] {
  if (!scale || mode === 'read' || calcs.length === 0) return calcs;
  const app = computePayApplication({
    lines: calcs.map((c) => ({
      key: c.line.key,
      source: c.line.source,
      itemNumber: c.line.itemNumber,
      description: c.line.description,
      costCode: c.line.costCode,
      scheduledValueCents: c.line.scheduledValueCents,
      rates: c.rates,
      entry: c.entry,
      retainageOverride: c.line.retainageOverride,
    })),
    previous: new Map(
      calcs.map((c) => [
        c.line.key,
        { ...previousOf(c.line), workWithheldCents: c.line.workRetainageWithheldToDateCents - c.line.workRetainageThisPeriodCents },
      ]),
    ),
    previousCertificatesCents: 0,
    allowOverbilling: true,
    slidingScale: scale,
  });
  return calcs.map((c, i) => {
    const computed = app.lines[i];
    if (!computed || sameRetainage(computed, c.computed)) return c;
    // The result of the last keystroke for this line, when it still holds: its row need not re-render.
    const before = scaled.get(c);
    if (before && sameRetainage(computed, before.computed)) return before;
    const next = { ...c, computed };
    scaled.set(c, next);
    return next;
  });
}

const scaled = new WeakMap<LineCalc, LineCalc>();

function sameRetainage(a: ComputedLine, b: ComputedLine): boolean {
  return (
    a.workRetainageThisPeriodCents === b.workRetainageThisPeriodCents &&
    a.retainageHeldCents === b.retainageHeldCents &&
    a.workRetainageEffectiveRateBp === b.workRetainageEffectiveRateBp &&
    JSON.stringify(a.workRetainageRulesApplied ?? []) === JSON.stringify(b.workRetainageRulesApplied ?? [])
  );
}

export type Totals = {
  scheduled: number;
  previous: number;
  thisPeriod: number;
  storedNew: number;
  installed: number;
  stored: number;
  completed: number;
  balance: number;
  retainage: number;
  released: number;
  claimedThisPeriod: number;
  claimedStoredNew: number;
  claimedInstalled: number;
  claimedReleased: number;
};

/** The G702 (the domain's `summarize`) and the G703 totals row, from the lines as they stand. */
export function summarizeAll(calcs: readonly LineCalc[], previousCertificatesCents: number): { summary: G702; totals: Totals } {
  const totals: Totals = {
    scheduled: 0,
    previous: 0,
    thisPeriod: 0,
    storedNew: 0,
    installed: 0,
    stored: 0,
    completed: 0,
    balance: 0,
    retainage: 0,
    released: 0,
    claimedThisPeriod: 0,
    claimedStoredNew: 0,
    claimedInstalled: 0,
    claimedReleased: 0,
  };
  // Integer cents: exact as long as totals stay below 2^53 (the server caps each line at 10^12 cents).
  for (const { computed: c, line } of calcs) {
    totals.scheduled += c.scheduledValueCents;
    totals.previous += c.workCompletedPreviousCents;
    totals.thisPeriod += c.workCompletedThisPeriodCents;
    totals.storedNew += c.materialsStoredNewCents;
    totals.installed += c.materialsInstalledCents;
    totals.stored += c.materialsPresentlyStoredCents;
    totals.completed += c.totalCompletedAndStoredCents;
    totals.balance += c.balanceToFinishCents;
    totals.retainage += c.retainageHeldCents;
    totals.released += c.retainageReleasedCents;
    totals.claimedThisPeriod += line.claimed.workCompletedThisPeriodCents;
    totals.claimedStoredNew += line.claimed.materialsStoredNewCents;
    totals.claimedInstalled += line.claimed.materialsInstalledCents;
    totals.claimedReleased += line.claimed.retainageReleasedCents;
  }
  return { summary: summarize(calcs.map((c) => c.computed), previousCertificatesCents), totals };
}

// ---------------------------------------------------------------------------------------------
// Saving

export type LineChange = Schemas['SaveInvoiceLines']['lines'][number];

/** The changed lines, as PUT …/lines wants them (only what differs from the saved line). */
export function buildLineChanges(calcs: readonly LineCalc[], mode: 'claim' | 'certify', isAdmin: boolean): LineChange[] {
  const out: LineChange[] = [];
  for (const calc of calcs) {
    if (!calc.changed) continue;
    const { line, entry, rates } = calc;
    const base = baseEntry(line, mode);
    const change: LineChange = { lineId: line.id };
    if (entry.workCompletedThisPeriodCents !== base.workCompletedThisPeriodCents || entry.percentCompleteToDateBp !== base.percentCompleteToDateBp) {
      if (entry.percentCompleteToDateBp !== null) change.percentCompleteToDateBp = entry.percentCompleteToDateBp;
      else change.workCompletedThisPeriodCents = entry.workCompletedThisPeriodCents ?? 0;
    }
    if (entry.materialsStoredNewCents !== base.materialsStoredNewCents) change.materialsStoredNewCents = entry.materialsStoredNewCents;
    if (entry.materialsInstalledCents !== base.materialsInstalledCents) change.materialsInstalledCents = entry.materialsInstalledCents;
    if (entry.retainageReleasedCents !== base.retainageReleasedCents) change.retainageReleasedCents = entry.retainageReleasedCents;
    if (mode === 'certify' && calc.adjusted && calc.reason) {
      change.differenceReason = calc.reason;
      // A new reason alone still needs an entry field for the server to treat it as a certification.
      if (Object.keys(change).length === 2) change.materialsStoredNewCents = entry.materialsStoredNewCents;
    }
    if (isAdmin && rates.workBp !== line.workRetainageRateBp) change.workRetainageBp = rates.workBp;
    if (isAdmin && rates.materialsBp !== line.materialsRetainageRateBp) change.materialsRetainageBp = rates.materialsBp;
    if (Object.keys(change).length > 1) out.push(change);
  }
  return out;
}

/** A save refusal's details as messages per line and cell (see `serverLineErrors`). */
export type ServerLineErrors = Readonly<Record<string, readonly CellIssue[]>>;

const FIELD_COLUMNS: Record<string, EditColumn | 'total'> = {
  workCompletedThisPeriodCents: 'work',
  percentCompleteToDateBp: 'percent',
  materialsStoredNewCents: 'storedNew',
  materialsInstalledCents: 'installed',
  retainageReleasedCents: 'released',
  differenceReason: 'reason',
  workRetainageBp: 'workRate',
  materialsRetainageBp: 'materialsRate',
  totalCompletedAndStoredCents: 'total',
};

/**
 * A save refusal back onto the grid. Paths are positions in the request
 * (docs/decisions/004-error-model.md): `lines.N.<field>` is the N-th change of `sent`, the array
 * the refused request carried, which names its line.
 */
export function serverLineErrors(
  fieldErrors: Record<string, string>,
  sent: readonly { lineId: string }[],
  lines: readonly InvoiceLine[],
  money: MoneyFormat,
): { byLine: Record<string, CellIssue[]>; unplaced: string[] } {
  const byLine: Record<string, CellIssue[]> = {};
  const unplaced: string[] = [];
  for (const [path, message] of Object.entries(fieldErrors)) {
    const m = /^lines\.(\d+)\.(\w+)$/.exec(path);
    const lineId = m ? sent[Number(m[1])]?.lineId : undefined;
    if (!m || !lineId) {
      unplaced.push(humanizeMessage(message, money));
      continue;
    }
    const field = m[2] ?? '';
    let column = FIELD_COLUMNS[field] ?? 'total';
    if (column === 'total') {
      const change = sent.find((s) => s.lineId === lineId) as LineChange | undefined;
      const line = lines.find((l) => l.id === lineId);
      const percent = change?.percentCompleteToDateBp !== undefined || (change?.workCompletedThisPeriodCents === undefined && line?.claimed.percentCompleteToDateBp !== null);
      column = percent ? 'percent' : 'work';
    }
    const named = lines.find((l) => l.id === lineId);
    (byLine[lineId] ??= []).push({ column, code: 'server', message: named ? onTheLine(humanizeMessage(message, money), named) : humanizeMessage(message, money), blocking: true });
  }
  return { byLine, unplaced };
}

/** What changed between two versions of an invoice, in words (for the 409 banner). */
export function describeChanges(before: InvoiceData, after: InvoiceData): string[] {
  const out: string[] = [];
  if (before.invoice.status !== after.invoice.status) out.push(`its status is now ${after.invoice.statusLabel} (was ${before.invoice.statusLabel})`);
  const old = new Map(before.lines.map((l) => [l.id, l]));
  const changed: string[] = [];
  for (const line of after.lines) {
    const prev = old.get(line.id);
    if (!prev) {
      changed.push(`${line.itemNumber || line.description} (new)`);
      continue;
    }
    if (
      !entriesEqual(claimedEntry(prev), claimedEntry(line)) ||
      !entriesEqual(certifiedEntry(prev), certifiedEntry(line)) ||
      prev.workRetainageRateBp !== line.workRetainageRateBp ||
      prev.materialsRetainageRateBp !== line.materialsRetainageRateBp ||
      prev.review.status !== line.review.status
    ) {
      changed.push(line.itemNumber || line.description);
    }
  }
  if (changed.length > 0) {
    const shown = changed.slice(0, 8).join(', ');
    out.push(`line${changed.length > 1 ? 's' : ''} ${shown}${changed.length > 8 ? ` and ${changed.length - 8} more` : ''} changed`);
  }
  const h = (d: InvoiceData) => [d.invoice.number, d.invoice.billingDate, d.invoice.periodStart, d.invoice.periodEnd, d.invoice.comments].join('|');
  if (h(before) !== h(after)) out.push('its details (number, dates or comments) changed');
  if (before.attachments.length !== after.attachments.length) out.push('its attachments changed');
  return out;
}

/** A line's name for people: "line 3" (item number), else its description. */
export function lineName(line: Pick<InvoiceLine, 'itemNumber' | 'description'>): string {
  return line.itemNumber ? `line ${line.itemNumber}` : `“${line.description}”`;
}
