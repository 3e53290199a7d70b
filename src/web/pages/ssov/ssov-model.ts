/**
 * The Subcontractor SOV editor's model, without React: the draft rows (text as typed), the live
 * remaining to allocate per SOV line (exact integer cents, never floats), the checks before a save,
 * and the server's refusals mapped back onto rows and SOV lines.
 */
import type { Schemas } from '../../api/client.ts';
import { sumCents } from '../../../domain/money.ts';
import { centsToInput, parseMoneyInput, type Parsed } from '../commitments/form-kit.tsx';

export type Ssov = Schemas['SubcontractorSov'];
export type SsovGroup = Ssov['sovLines'][number];
export type SsovDetail = SsovGroup['lines'][number];

/** One detail line as the user edits it; `id` is set for stored lines. */
export type DetailRow = { key: string; id?: string; sovLineId: string; description: string; costCode: string; amount: string };

export type RowErrors = Record<string, { description?: string; costCode?: string; amount?: string; other?: string }>;

/** Per SOV line: a message from the server (e.g. its remaining to allocate when submitting). */
export type GroupErrors = Record<string, string>;

let nextKey = 0;
export function newRowKey(): string {
  nextKey += 1;
  return `new-${nextKey}`;
}

export function rowsFromSsov(ssov: Ssov): DetailRow[] {
  return ssov.sovLines.flatMap((g) =>
    g.lines.map((l) => ({ key: l.id, id: l.id, sovLineId: l.sovLineId, description: l.description, costCode: l.costCode, amount: centsToInput(l.amountCents) })),
  );
}

/**
 * The rows in the order they are shown and sent: SOV line by SOV line, the rows of each in the
 * order the user left them. `lines.N` in a server refusal is row N of this order.
 */
export function orderedRows(groups: readonly SsovGroup[], rows: readonly DetailRow[]): DetailRow[] {
  return groups.flatMap((g) => rows.filter((r) => r.sovLineId === g.sovLineId));
}

// Rows are immutable (typing replaces one row object), so parsing is cached per row object.
const parsed = new WeakMap<DetailRow, Parsed<number>>();

export function parseAmount(row: DetailRow): Parsed<number> {
  let p = parsed.get(row);
  if (!p) {
    p = parseMoneyInput(row.amount);
    parsed.set(row, p);
  }
  return p;
}

/** Comparable form of rows: new rows' keys do not matter, amounts compare by value. */
export function rowsSignature(rows: readonly DetailRow[]): string {
  return rows
    .map((r) => {
      const p = parseAmount(r);
      return JSON.stringify([r.id ?? '', r.sovLineId, r.description.trim(), r.costCode.trim(), p.ok ? p.value : r.amount]);
    })
    .join('\n');
}

/** The item a SOV line shows ("2"), and its detail lines' ("2.3"), as the API and the invoices number them. */
export function parentItem(group: Pick<SsovGroup, 'itemNumber' | 'position'>): string {
  return group.itemNumber.trim() || String(group.position);
}

export function detailItem(group: Pick<SsovGroup, 'itemNumber' | 'position'>, index: number): string {
  return `${parentItem(group)}.${index + 1}`;
}

export type GroupFigures = {
  group: SsovGroup;
  rows: DetailRow[];
  /** Null while an amount of the group cannot be read. */
  allocatedCents: number | null;
  remainingCents: number | null;
};

/** Live allocation per SOV line from the draft. */
export function figuresOf(groups: readonly SsovGroup[], rows: readonly DetailRow[]): GroupFigures[] {
  return groups.map((group) => {
    const mine = rows.filter((r) => r.sovLineId === group.sovLineId);
    const amounts = mine.map(parseAmount);
    const allocatedCents = amounts.every((a) => a.ok) ? sumCents(amounts.map((a) => (a.ok ? a.value : 0))) : null;
    return { group, rows: mine, allocatedCents, remainingCents: allocatedCents === null ? null : group.scheduledValueCents - allocatedCents };
  });
}

export function totalsOf(figures: readonly GroupFigures[]): { scheduledValueCents: number; allocatedCents: number | null; remainingCents: number | null } {
  const scheduledValueCents = sumCents(figures.map((f) => f.group.scheduledValueCents));
  const readable = figures.every((f) => f.allocatedCents !== null);
  const allocatedCents = readable ? sumCents(figures.map((f) => f.allocatedCents ?? 0)) : null;
  return { scheduledValueCents, allocatedCents, remainingCents: allocatedCents === null ? null : scheduledValueCents - allocatedCents };
}

/** "item 1 (Mobilization)" — how a SOV line is named in messages. */
export function groupName(group: Pick<SsovGroup, 'itemNumber' | 'position' | 'description'>): string {
  return `item ${parentItem(group)} (${group.description})`;
}

/**
 * What stops submitting or approving, one sentence per SOV line whose remaining to allocate is not
 * zero (or whose amounts cannot be read yet); empty when every line is fully allocated.
 */
export function allocationProblems(figures: readonly GroupFigures[], money: (cents: number) => string): string[] {
  const out: string[] = [];
  for (const f of figures) {
    const name = groupName(f.group);
    if (f.remainingCents === null) out.push(`${capitalize(name)} has an amount to fix`);
    else if (f.remainingCents > 0) out.push(`${capitalize(name)} has ${money(f.remainingCents)} remaining to allocate`);
    else if (f.remainingCents < 0) out.push(`${capitalize(name)} is over-allocated by ${money(-f.remainingCents)}`);
  }
  return out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Checks every row before a save: a description and a readable amount of zero or more. */
export function validateRows(rows: readonly DetailRow[]): { errors: RowErrors; lines: { id?: string; sovLineId: string; description: string; costCode: string; amountCents: number }[] } {
  const errors: RowErrors = {};
  const lines: { id?: string; sovLineId: string; description: string; costCode: string; amountCents: number }[] = [];
  for (const r of rows) {
    const e: RowErrors[string] = {};
    if (!r.description.trim()) e.description = 'Enter a description.';
    if (r.costCode.trim().length > 50) e.costCode = 'Use at most 50 characters.';
    const p = parseAmount(r);
    if (!p.ok) e.amount = p.error;
    if (Object.keys(e).length > 0) errors[r.key] = e;
    else if (p.ok) lines.push({ ...(r.id ? { id: r.id } : {}), sovLineId: r.sovLineId, description: r.description.trim(), costCode: r.costCode.trim(), amountCents: p.value });
  }
  return { errors, lines };
}

const COLUMNS: Record<string, keyof RowErrors[string]> = { description: 'description', costCode: 'costCode', amountCents: 'amount', sovLineId: 'other', id: 'other' };

/**
 * A refusal back onto the screen (paths as in docs/decisions/004-error-model.md): `lines.N.<field>`
 * is row N of what was sent; a detail with a `sovLineId` is about that SOV line (its remaining to
 * allocate); one with only a `lineId` is a stored line removed in the draft, which has no row, so
 * its message stays in the banner.
 */
export function errorsFromServer(
  sent: readonly DetailRow[],
  refusal: { fieldErrors: Record<string, string>; details: unknown },
): { rows: RowErrors; groups: GroupErrors } {
  const rows: RowErrors = {};
  const groups: GroupErrors = {};
  for (const [path, message] of Object.entries(refusal.fieldErrors)) {
    const line = /^lines\.(\d+)\.(\w+)$/.exec(path);
    if (!line) continue;
    const row = sent[Number(line[1])];
    const col = COLUMNS[line[2] ?? ''] ?? 'other';
    if (row) rows[row.key] = { ...rows[row.key], [col]: message };
  }
  const details = Array.isArray(refusal.details) ? (refusal.details as { sovLineId?: unknown; message?: unknown }[]) : [];
  for (const d of details) {
    if (typeof d.sovLineId === 'string' && typeof d.message === 'string') groups[d.sovLineId] ??= d.message;
  }
  return { rows, groups };
}

/** Why a stored line's amount or its removal is locked by billing; null when it is free. */
export function billingLocks(line: SsovDetail | undefined): { amount: string | null; remove: string | null } {
  if (!line) return { amount: null, remove: null };
  const { billing } = line;
  const approvedWithAmounts = billing.invoices.filter((i) => i.isApproved && i.hasAmounts).map((i) => i.label);
  const approved = billing.invoices.filter((i) => i.isApproved).map((i) => i.label);
  const pending = billing.invoices.filter((i) => !i.isApproved && i.hasAmounts).map((i) => i.label);
  const amount = billing.canChangeAmount ? null : `Billed on approved invoice ${approvedWithAmounts.join(', ') || approved.join(', ')}: its amount cannot change.`;
  let remove: string | null = null;
  if (!billing.canRemove) {
    remove =
      approved.length > 0
        ? `On approved invoice ${approved.join(', ')}: it cannot be removed.`
        : `Has amounts on invoice ${pending.join(', ')}: clear them there before removing it.`;
  }
  return { amount, remove };
}
