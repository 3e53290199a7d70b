/**
 * An editable grid of lines (item, cost code, description, amount) used by the SOV editor and the
 * change-order editor: add, remove, reorder, live total; arrows / Enter move between rows.
 */
import { memo, useMemo, useRef, type Dispatch, type KeyboardEvent, type SetStateAction } from 'react';
import { Button, Money } from '../../components/ui.tsx';
import { sumCents } from '../../../domain/money.ts';
import { centsToInput, parseMoneyInput } from './form-kit.tsx';

export type LineRow = { key: string; id?: string; itemNumber: string; costCode: string; description: string; amount: string };
export type RowErrors = Record<string, { itemNumber?: string; costCode?: string; description?: string; amount?: string }>;

let nextKey = 0;
export function newRowKey(): string {
  nextKey += 1;
  return `new-${nextKey}`;
}

export function rowsFrom<L extends { id: string; itemNumber: string; costCode: string; description: string }>(lines: L[], amountOf: (line: L) => number): LineRow[] {
  return lines.map((l) => ({
    key: l.id,
    id: l.id,
    itemNumber: l.itemNumber,
    costCode: l.costCode,
    description: l.description,
    amount: centsToInput(amountOf(l)),
  }));
}

// Rows are immutable: typing replaces one row object, so per-row results are cached by object.
const signatureCache = new WeakMap<LineRow, string>();
const parseCache = new WeakMap<LineRow, { negative: ReturnType<typeof parseMoneyInput>; positive: ReturnType<typeof parseMoneyInput> }>();

function parsedAmount(row: LineRow, allowNegative: boolean): ReturnType<typeof parseMoneyInput> {
  let entry = parseCache.get(row);
  if (!entry) {
    const negative = parseMoneyInput(row.amount, { allowNegative: true });
    const positive = negative.ok && negative.value < 0 ? parseMoneyInput(row.amount) : negative;
    entry = { negative, positive };
    parseCache.set(row, entry);
  }
  return allowNegative ? entry.negative : entry.positive;
}

/** Comparable form of rows (keys of new rows do not matter; amounts compare by value). */
export function rowsSignature(rows: LineRow[]): string {
  return rows
    .map((r) => {
      let sig = signatureCache.get(r);
      if (sig === undefined) {
        const parsed = parsedAmount(r, true);
        sig = JSON.stringify([r.id ?? '', r.itemNumber.trim(), r.costCode.trim(), r.description.trim(), parsed.ok ? parsed.value : r.amount]);
        signatureCache.set(r, sig);
      }
      return sig;
    })
    .join('\n');
}

/** Checks every row; returns the errors by row key, or the lines ready to send. */
export function validateRows(
  rows: LineRow[],
  allowNegative: boolean,
): { errors: RowErrors; lines: { id?: string; itemNumber: string; costCode: string; description: string; cents: number }[] } {
  const errors: RowErrors = {};
  const lines: { id?: string; itemNumber: string; costCode: string; description: string; cents: number }[] = [];
  for (const r of rows) {
    const e: RowErrors[string] = {};
    if (!r.description.trim()) e.description = 'Enter a description.';
    const parsed = parsedAmount(r, allowNegative);
    if (!parsed.ok) e.amount = parsed.error;
    if (Object.keys(e).length > 0) errors[r.key] = e;
    else if (parsed.ok)
      lines.push({ ...(r.id ? { id: r.id } : {}), itemNumber: r.itemNumber.trim(), costCode: r.costCode.trim(), description: r.description.trim(), cents: parsed.value });
  }
  return { errors, lines };
}

/** Server errors such as "lines.3.description" → the row they belong to. */
export function rowErrorsFromServer(rows: LineRow[], fieldErrors: Record<string, string>, amountField: string): RowErrors {
  const out: RowErrors = {};
  for (const [path, message] of Object.entries(fieldErrors)) {
    const m = /^lines\.(\d+)\.(\w+)$/.exec(path);
    if (!m) continue;
    const row = rows[Number(m[1])];
    if (!row) continue;
    const col = m[2] === amountField ? 'amount' : (m[2] as 'itemNumber' | 'costCode' | 'description');
    out[row.key] = { ...out[row.key], [col]: message };
  }
  return out;
}

export function emptyRow(nextItem: string): LineRow {
  return { key: newRowKey(), itemNumber: nextItem, costCode: '', description: '', amount: '' };
}

/** The next item number after the last numeric one ("7" → "8"); blank when they are not numbers. */
export function nextItemNumber(rows: LineRow[]): string {
  const last = rows[rows.length - 1]?.itemNumber.trim();
  if (rows.length === 0) return '1';
  return last && /^\d+$/.test(last) ? String(Number(last) + 1) : '';
}

type Col = 'itemNumber' | 'costCode' | 'description' | 'amount';

type RowActions = {
  update: (key: string, patch: Partial<LineRow>) => void;
  move: (key: string, delta: number) => void;
  remove: (key: string) => void;
};

/** One line of the grid; memoised so typing in one line re-renders only that line (1,000-line SOVs stay fast). */
const GridRow = memo(function GridRow({
  row,
  index,
  isLast,
  error,
  amountLabel,
  allowNegative,
  locked,
  actions,
}: {
  row: LineRow;
  index: number;
  isLast: boolean;
  error: RowErrors[string] | undefined;
  amountLabel: string;
  allowNegative: boolean;
  locked: boolean;
  actions: RowActions;
}) {
  const e = error ?? {};
  const n = index + 1;
  const cell = (col: Col, label: string, extra: { inputMode?: 'decimal'; className?: string } = {}) => {
    const err = e[col];
    const errId = `${row.key}-${col}-error`;
    return (
      <td className={`cell-input${extra.className ? ` ${extra.className}` : ''}${err ? ' cm-cell-error' : ''}`}>
        <input
          aria-label={`${label}, line ${n}`}
          value={row[col]}
          data-row={index}
          data-col={col}
          readOnly={locked}
          inputMode={extra.inputMode}
          aria-invalid={err ? true : undefined}
          aria-describedby={err ? errId : undefined}
          onChange={(ev) => actions.update(row.key, { [col]: ev.target.value })}
          onBlur={
            col === 'amount'
              ? () => {
                  const p = parseMoneyInput(row.amount, { allowNegative });
                  if (p.ok && centsToInput(p.value) !== row.amount) actions.update(row.key, { amount: centsToInput(p.value) });
                }
              : undefined
          }
        />
        {err ? (
          <span className="line-note" id={errId}>
            {err}
          </span>
        ) : null}
      </td>
    );
  };
  return (
    <tr className={Object.keys(e).length ? 'line-error' : undefined}>
      {cell('itemNumber', 'Item')}
      {cell('costCode', 'Cost code')}
      {cell('description', 'Description', { className: 'cm-cell-text' })}
      {cell('amount', amountLabel, { inputMode: 'decimal' })}
      <td className="text cm-row-actions">
        <button type="button" className="btn btn-link" data-move={`${row.key}:-1`} disabled={index === 0} aria-label={`Move line ${n} up`} onClick={() => actions.move(row.key, -1)}>
          ↑
        </button>
        <button type="button" className="btn btn-link" data-move={`${row.key}:1`} disabled={isLast} aria-label={`Move line ${n} down`} onClick={() => actions.move(row.key, 1)}>
          ↓
        </button>
        <button type="button" className="btn btn-link cm-remove" data-remove={index} disabled={locked} aria-label={`Remove line ${n}`} onClick={() => actions.remove(row.key)}>
          Remove
        </button>
      </td>
    </tr>
  );
});

export function LinesGrid({
  caption,
  rows,
  setRows,
  errors,
  amountLabel,
  allowNegative,
  readOnlyIds,
  totalLabel = 'Total',
}: {
  caption: string;
  rows: LineRow[];
  /** A state setter (takes a value or an updater), so the row callbacks stay stable. */
  setRows: Dispatch<SetStateAction<LineRow[]>>;
  errors: RowErrors;
  amountLabel: string;
  allowNegative: boolean;
  /** Lines that exist but cannot change here. */
  readOnlyIds?: Set<string>;
  totalLabel?: string;
}) {
  const tableRef = useRef<HTMLTableElement>(null);
  const addRef = useRef<HTMLDivElement>(null);
  const focusLater = (find: () => HTMLElement | null | undefined) => window.requestAnimationFrame(() => find()?.focus());

  const actions = useMemo<RowActions>(
    () => ({
      update: (key, patch) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r))),
      move: (key, delta) => {
        setRows((rs) => {
          const index = rs.findIndex((r) => r.key === key);
          const target = index + delta;
          if (index < 0 || target < 0 || target >= rs.length) return rs;
          const next = rs.slice();
          const [row] = next.splice(index, 1);
          if (row) next.splice(target, 0, row);
          return next;
        });
        // Focus stays on the same button of the moved line.
        focusLater(() => tableRef.current?.querySelector<HTMLButtonElement>(`[data-move="${key}:${delta}"]:not(:disabled)`) ?? tableRef.current?.querySelector<HTMLButtonElement>(`[data-move="${key}:${-delta}"]`));
      },
      remove: (key) => {
        let focusIndex = -1;
        setRows((rs) => {
          const index = rs.findIndex((r) => r.key === key);
          focusIndex = Math.min(index, rs.length - 2);
          return rs.filter((r) => r.key !== key);
        });
        focusLater(() =>
          focusIndex >= 0 ? tableRef.current?.querySelector<HTMLButtonElement>(`[data-remove="${focusIndex}"]`) : addRef.current?.querySelector<HTMLButtonElement>('button'),
        );
      },
    }),
    [setRows],
  );

  const add = () => {
    const index = rows.length;
    setRows((rs) => [...rs, emptyRow(nextItemNumber(rs))]);
    focusLater(() => tableRef.current?.querySelector<HTMLInputElement>(`[data-row="${index}"][data-col="description"]`));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableElement>) => {
    const target = e.target as HTMLElement;
    const row = target.dataset.row;
    const col = target.dataset.col;
    if (row === undefined || col === undefined) return;
    let next = Number(row);
    if (e.key === 'ArrowDown' || (e.key === 'Enter' && !e.shiftKey)) next += 1;
    else if (e.key === 'ArrowUp' || (e.key === 'Enter' && e.shiftKey)) next -= 1;
    else return;
    const el = tableRef.current?.querySelector<HTMLInputElement>(`[data-row="${next}"][data-col="${col}"]`);
    if (el) {
      e.preventDefault();
      el.focus();
      el.select();
    } else if (e.key === 'Enter') e.preventDefault();
  };

  const total = useMemo(() => {
    const parsed = rows.map((r) => parsedAmount(r, allowNegative));
    return parsed.every((p) => p.ok) ? sumCents(parsed.map((p) => (p.ok ? p.value : 0))) : null;
  }, [rows, allowNegative]);

  return (
    <>
      <div className="grid-wrap cm-grid-wrap">
        <table className="g703 cm-lines" ref={tableRef} onKeyDown={onKeyDown}>
          <caption className="visually-hidden">{caption}. Arrow keys and Enter move between lines.</caption>
          <thead>
            <tr>
              <th scope="col" className="text cm-col-item">
                Item
              </th>
              <th scope="col" className="text cm-col-code">
                Cost code
              </th>
              <th scope="col" className="text">
                Description
              </th>
              <th scope="col" className="cm-col-amount">
                {amountLabel}
              </th>
              <th scope="col" className="text cm-col-actions">
                <span className="visually-hidden">Line actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={5} className="text muted">
                  No lines yet. Add the first line below.
                </td>
              </tr>
            ) : null}
            {rows.map((r, i) => (
              <GridRow
                key={r.key}
                row={r}
                index={i}
                isLast={i === rows.length - 1}
                error={errors[r.key]}
                amountLabel={amountLabel}
                allowNegative={allowNegative}
                locked={!!r.id && !!readOnlyIds?.has(r.id)}
                actions={actions}
              />
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={3} className="text">
                {totalLabel} ({rows.length} {rows.length === 1 ? 'line' : 'lines'})
              </td>
              <td>{total === null ? <span className="cm-total-pending">Check the amounts</span> : <Money cents={total} />}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      </div>
      <div className="cm-grid-tools" ref={addRef}>
        <Button onClick={add}>Add line</Button>
      </div>
    </>
  );
}
