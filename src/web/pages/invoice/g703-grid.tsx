/**
 * The G703 continuation sheet as a spreadsheet: one <tr> per line, memoized by line, so typing in
 * one cell re-renders that row, the totals row and the G702 — not the other lines.
 * Keyboard: arrows move between editable cells (left/right at the ends of the text, up/down
 * always), Tab/Shift+Tab move across, Enter commits and moves down, Escape reverts the cell.
 *
 * Large invoices: a browser lays out a <table> as a whole, so with 1,000 lines every keystroke
 * cost ~200–800 ms of layout (measured in Chromium). Above VIRTUAL_THRESHOLD lines the grid renders
 * only the lines near the view (plus the focused one) between two spacer rows, with fixed column
 * widths and measured row heights; it is still one <table> with its header, aria-rowcount and
 * aria-rowindex. Moving with the keyboard, "go to line" links and the `g703-focus` event scroll
 * to a line that is not rendered yet.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FocusEvent, type KeyboardEvent, type MouseEvent, type ReactNode, type RefObject } from 'react';
import {
  COLUMN_NAMES,
  formatBpPlain,
  moneyInputText,
  type CellIssue,
  type Draft,
  type Drafts,
  type EditColumn,
  type EditMode,
  type InvoiceLine,
  type LineCalc,
  type ReviewDecision,
  type ReviewDrafts,
  type ServerLineErrors,
  type Totals,
} from './invoice-model.ts';
import { ratioInBasisPoints } from '../../../domain/money.ts';

export type GridConfig = {
  mode: EditMode;
  /** Work and materials can be entered (not on a retainage-release invoice). */
  editWork: boolean;
  showRelease: boolean;
  editRelease: boolean;
  /** Claimed beside certified (administrators reviewing, or a certified adjustment to show). */
  showClaimed: boolean;
  showReason: boolean;
  showRates: boolean;
  editRates: boolean;
  showReview: boolean;
  /** The viewer is the contact: rejection reasons and adjustments are addressed to them. */
  isContact: boolean;
  num: (cents: number) => string;
  pct: (bp: number) => string;
};

export type GridHandlers = {
  onEdit: (lineId: string, column: EditColumn, text: string) => void;
  onCommit: (lineId: string, column: EditColumn) => void;
  onRestore: (lineId: string, draft: Draft | undefined, review: ReviewDecision | undefined) => void;
  onReview: (lineId: string, change: Partial<ReviewDecision>) => void;
};

/** How a row names its line in labels: "line 3" by item number, else by position. */
export function rowName(calc: LineCalc, index: number): string {
  return `line ${calc.line.itemNumber || index + 1}`;
}

type CellProps = {
  lineId: string;
  row: number;
  column: EditColumn;
  label: string;
  value: string;
  issue: CellIssue | undefined;
  noteId: string;
  derived?: boolean;
  text?: boolean;
  cell: CellHandlers;
};

type CellHandlers = {
  onChange: (e: { currentTarget: HTMLInputElement }) => void;
  onFocus: (e: FocusEvent<HTMLInputElement>) => void;
  onBlur: (e: FocusEvent<HTMLInputElement>) => void;
  onMouseDown: (e: MouseEvent<HTMLInputElement>) => void;
};

function Cell({ lineId, row, column, label, value, issue, noteId, derived, text, cell }: CellProps) {
  const invalid = issue?.blocking === true;
  return (
    <td className={`cell-input${invalid ? ' cell-invalid' : issue ? ' cell-warning' : ''}${derived ? ' cell-derived' : ''}${text ? ' cell-text' : ''}`}>
      <input
        type="text"
        inputMode={text ? 'text' : 'decimal'}
        autoComplete="off"
        spellCheck={false}
        aria-label={label}
        aria-invalid={invalid || undefined}
        aria-describedby={issue ? noteId : undefined}
        title={derived ? 'Calculated from the percent complete to date' : undefined}
        data-line-id={lineId}
        data-column={column}
        data-row={row}
        value={value}
        onChange={cell.onChange}
        onFocus={cell.onFocus}
        onBlur={cell.onBlur}
        onMouseDown={cell.onMouseDown}
      />
    </td>
  );
}

const moneyText = (cents: number) => (cents === 0 ? '' : moneyInputText(cents));

type RowProps = {
  calc: LineCalc;
  index: number;
  draft: Draft | undefined;
  review: ReviewDecision | undefined;
  serverIssues: readonly CellIssue[] | undefined;
  cfg: GridConfig;
  cell: CellHandlers;
  onReview: GridHandlers['onReview'];
};

function Num({ cents, fmt, className }: { cents: number; fmt: (c: number) => string; className?: string }) {
  return <td className={`${className ?? ''}${cents < 0 ? ' negative' : ''}`}>{fmt(cents)}</td>;
}

const Row = memo(function Row({ calc, index, draft, review, serverIssues, cfg, cell, onReview }: RowProps) {
  const { line, computed: c, entry } = calc;
  const name = rowName(calc, index);
  const noteId = `line-note-${line.id}`;
  // The server's refusal first; a live check saying the same thing is not repeated.
  const issues = serverIssues && serverIssues.length > 0 ? [...serverIssues, ...calc.issues.filter((i) => !serverIssues.some((s) => s.message === i.message))] : calc.issues;
  const issueFor = (col: EditColumn) => issues.find((i) => i.column === col) ?? undefined;
  const editing = cfg.mode !== 'read';
  const percentMode = entry.workCompletedThisPeriodCents === null;
  const decision = review?.decision ?? line.review.status;
  const rejected = decision === 'rejected';
  const hasError = issues.some((i) => i.blocking);
  const notes: ReactNode[] = [];
  if (rejected) {
    const reason = review ? review.reason : line.review.reason;
    notes.push(
      <span key="rejected" className="line-note note-rejected">
        Rejected{reason ? `: ${reason}` : ''}
      </span>,
    );
  }
  if (cfg.mode !== 'certify' && line.isCertifiedAdjusted && !calc.changed) {
    notes.push(
      <span key="adjusted" className="line-note note-adjusted">
        {cfg.isContact ? 'Certified differs from your claim' : 'Certified differs from the claim'}
        {line.differenceReason ? `: ${line.differenceReason}` : ''}
      </span>,
    );
  }
  for (const [n, issue] of issues.entries()) {
    notes.push(
      <span key={`i${n}`} className={`line-note ${issue.blocking ? 'note-error' : 'note-warning'}`}>
        {issue.message}
      </span>,
    );
  }
  const common = { lineId: line.id, row: index, noteId, cell };
  const claimed = line.claimed;
  return (
    <tr
      className={`${rejected ? 'line-rejected' : ''}${hasError ? ' line-error' : ''}${calc.changed ? ' line-changed' : ''}`}
      data-line-id={line.id}
      data-key={line.id}
      data-row-index={index}
      aria-rowindex={index + 2}
    >
      <th scope="row" className="col-a">
        {line.itemNumber || index + 1}
      </th>
      <td className="col-b text">
        <span className="desc">{line.description}</span>
        {line.costCode ? <span className="cost-code">{line.costCode}</span> : null}
        {notes.length > 0 ? (
          <span id={noteId} className="line-notes">
            {notes}
          </span>
        ) : null}
      </td>
      <Num cents={c.scheduledValueCents} fmt={cfg.num} />
      <Num cents={c.workCompletedPreviousCents} fmt={cfg.num} />
      {cfg.showClaimed ? <Num cents={claimed.workCompletedThisPeriodCents} fmt={cfg.num} className="claimed" /> : null}
      {editing && cfg.editWork ? (
        <>
          <Cell
            {...common}
            column="work"
            label={`${COLUMN_NAMES.work}${cfg.mode === 'certify' ? ' certified' : ''}, ${name}`}
            value={draft?.work ?? (percentMode ? moneyInputText(c.workCompletedThisPeriodCents) : moneyText(entry.workCompletedThisPeriodCents ?? 0))}
            derived={percentMode && draft?.work === undefined}
            issue={issueFor('work')}
          />
          <Cell
            {...common}
            column="percent"
            label={`${COLUMN_NAMES.percent}${cfg.mode === 'certify' ? ' certified' : ''}, ${name}`}
            value={draft?.percent ?? (entry.percentCompleteToDateBp !== null ? formatBpPlain(entry.percentCompleteToDateBp) : '')}
            issue={issueFor('percent')}
          />
        </>
      ) : (
        <Num cents={c.workCompletedThisPeriodCents} fmt={cfg.num} className={line.isCertifiedAdjusted ? 'adjusted' : ''} />
      )}
      {cfg.showClaimed ? <Num cents={claimed.materialsStoredNewCents} fmt={cfg.num} className="claimed" /> : null}
      {editing && cfg.editWork ? (
        <Cell {...common} column="storedNew" label={`${COLUMN_NAMES.storedNew}, ${name}`} value={draft?.storedNew ?? moneyText(entry.materialsStoredNewCents)} issue={issueFor('storedNew')} />
      ) : (
        <Num cents={c.materialsStoredNewCents} fmt={cfg.num} />
      )}
      {cfg.showClaimed ? <Num cents={claimed.materialsInstalledCents} fmt={cfg.num} className="claimed" /> : null}
      {editing && cfg.editWork ? (
        <Cell {...common} column="installed" label={`${COLUMN_NAMES.installed}, ${name}`} value={draft?.installed ?? moneyText(entry.materialsInstalledCents)} issue={issueFor('installed')} />
      ) : (
        <Num cents={c.materialsInstalledCents} fmt={cfg.num} />
      )}
      <td title={c.materialsStoredPreviousCents !== 0 ? `Previously stored: ${cfg.num(c.materialsStoredPreviousCents)}` : undefined} className={c.materialsPresentlyStoredCents < 0 ? 'negative' : ''}>
        {cfg.num(c.materialsPresentlyStoredCents)}
      </td>
      <td className={`${issueFor('work')?.code === 'overbilled' || issueFor('percent')?.code === 'overbilled' ? 'cell-over' : ''}`}>{cfg.num(c.totalCompletedAndStoredCents)}</td>
      <td className={c.percentCompleteBp > 10_000 ? 'cell-over' : ''}>{cfg.pct(c.percentCompleteBp)}</td>
      <Num cents={c.balanceToFinishCents} fmt={cfg.num} />
      <Num cents={c.retainageHeldCents} fmt={cfg.num} />
      {cfg.showRelease && cfg.showClaimed ? <Num cents={claimed.retainageReleasedCents} fmt={cfg.num} className="claimed" /> : null}
      {cfg.showRelease ? (
        editing && cfg.editRelease ? (
          <Cell {...common} column="released" label={`${COLUMN_NAMES.released}, ${name}`} value={draft?.released ?? moneyText(entry.retainageReleasedCents)} issue={issueFor('released')} />
        ) : (
          <Num cents={c.retainageReleasedCents} fmt={cfg.num} />
        )
      ) : null}
      {cfg.showReason ? (
        cfg.mode === 'certify' ? (
          calc.adjusted || draft?.reason !== undefined ? (
            <Cell {...common} column="reason" text label={`${COLUMN_NAMES.reason}, ${name}`} value={draft?.reason ?? line.differenceReason ?? ''} issue={issueFor('reason')} />
          ) : (
            <td className="text muted-cell">Same as claimed</td>
          )
        ) : (
          <td className="text">{line.isCertifiedAdjusted ? line.differenceReason : ''}</td>
        )
      ) : null}
      {cfg.showRates ? (
        cfg.editRates ? (
          <>
            <Cell {...common} column="workRate" label={`${COLUMN_NAMES.workRate} %, ${name}`} value={draft?.workRate ?? formatBpPlain(calc.rates.workBp)} issue={issueFor('workRate')} />
            <Cell {...common} column="materialsRate" label={`${COLUMN_NAMES.materialsRate} %, ${name}`} value={draft?.materialsRate ?? formatBpPlain(calc.rates.materialsBp)} issue={issueFor('materialsRate')} />
          </>
        ) : (
          <>
            <td>{cfg.pct(calc.rates.workBp)}</td>
            <td>{cfg.pct(calc.rates.materialsBp)}</td>
          </>
        )
      ) : null}
      {cfg.showReview ? (
        <td className="review-cell">
          <span className="review-buttons">
            <button
              type="button"
              className="rv rv-ok"
              aria-pressed={decision === 'approved'}
              aria-label={`Approve ${name}`}
              title={`Approve ${name}`}
              onClick={() => onReview(line.id, { decision: decision === 'approved' ? null : 'approved' })}
            >
              ✓
            </button>
            <button
              type="button"
              className="rv rv-no"
              aria-pressed={rejected}
              aria-label={`Reject ${name}`}
              title={`Reject ${name}`}
              onClick={() => onReview(line.id, { decision: rejected ? null : 'rejected' })}
            >
              ✗
            </button>
          </span>
          {rejected ? (
            <input
              type="text"
              className="review-reason"
              aria-label={`Reason for rejecting ${name}`}
              placeholder="Reason (optional)"
              data-line-id={line.id}
              data-column="reviewReason"
              data-row={index}
              value={review ? review.reason : (line.review.reason ?? '')}
              onChange={(e) => onReview(line.id, { reason: e.currentTarget.value })}
              onFocus={cell.onFocus}
              onMouseDown={cell.onMouseDown}
            />
          ) : null}
        </td>
      ) : null}
    </tr>
  );
});

function focusCell(input: HTMLInputElement | null): boolean {
  if (!input) return false;
  input.focus();
  input.select();
  input.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  return true;
}

/**
 * Puts the cursor in a line's cell (its first editable cell, or `column`), scrolling the grid to
 * it first when the line is not rendered (large grids render only the lines near the view).
 * Tests and benchmarks can do the same with a `g703-focus` event on the table, detail
 * { lineId } or { itemNumber } or { row }, and optionally { column }.
 */
export function focusLine(lineId: string, column?: string): void {
  const table = document.querySelector<HTMLTableElement>('table[data-testid="g703"]');
  table?.dispatchEvent(new CustomEvent('g703-focus', { detail: { lineId, column } }));
}

/** Grids with more lines than this render only the lines near the view (see the header comment; bench/grid-1000.ts measured 40–150 fully drawn lines as slower per keystroke than 1,000 windowed ones). */
export const VIRTUAL_THRESHOLD = 40;
const ESTIMATED_ROW_PX = 46;
const OVERSCAN_PX = 300;

export type G703GridProps = {
  /** The lines in display order (the same array while people type: it shapes the grid). */
  lines: readonly InvoiceLine[];
  /** calcs[i] is lines[i] as it stands now. */
  calcs: readonly LineCalc[];
  drafts: Drafts;
  reviews: ReviewDrafts;
  serverErrors: ServerLineErrors;
  totals: Totals;
  cfg: GridConfig;
  handlers: GridHandlers;
  caption: string;
};

function Header({ cfg, theadRef }: { cfg: GridConfig; theadRef: RefObject<HTMLTableSectionElement | null> }) {
  const editing = cfg.mode !== 'read';
  const cert = cfg.showClaimed ? ' certified' : '';
  return (
    <thead ref={theadRef}>
      <tr aria-rowindex={1}>
        <th scope="col" className="col-a text">
          <abbr title="Item number">A</abbr> Item
        </th>
        <th scope="col" className="col-b text">
          B Description of work
        </th>
        <th scope="col">C Scheduled value</th>
        <th scope="col">D From previous applications</th>
        {cfg.showClaimed ? <th scope="col" className="claimed">E Claimed this period</th> : null}
        <th scope="col">E This period{cert}</th>
        {editing && cfg.editWork ? <th scope="col">or % complete to date{cert}</th> : null}
        {cfg.showClaimed ? <th scope="col" className="claimed">New stored, claimed</th> : null}
        <th scope="col">New materials stored{cert}</th>
        {cfg.showClaimed ? <th scope="col" className="claimed">Moved into work, claimed</th> : null}
        <th scope="col">Materials moved into work{cert}</th>
        <th scope="col">F Materials presently stored</th>
        <th scope="col">G Completed &amp; stored to date</th>
        <th scope="col">
          <abbr title="G divided by C">G ÷ C</abbr> %
        </th>
        <th scope="col">H Balance to finish</th>
        <th scope="col">Retainage held</th>
        {cfg.showRelease && cfg.showClaimed ? <th scope="col" className="claimed">Released, claimed</th> : null}
        {cfg.showRelease ? <th scope="col">Retainage released{cert}</th> : null}
        {cfg.showReason ? <th scope="col" className="text">Reason for difference</th> : null}
        {cfg.showRates ? (
          <>
            <th scope="col">Work retainage %</th>
            <th scope="col">Materials retainage %</th>
          </>
        ) : null}
        {cfg.showReview ? <th scope="col" className="text">Review</th> : null}
      </tr>
    </thead>
  );
}

function Footer({ cfg, totals, hasCo, rowIndex }: { cfg: GridConfig; totals: Totals; hasCo: boolean; rowIndex: number }) {
  const editing = cfg.mode !== 'read';
  const t = (cents: number) => <td className={cents < 0 ? 'negative' : ''}>{cfg.num(cents)}</td>;
  return (
    <tfoot>
      <tr aria-rowindex={rowIndex}>
        <th scope="row" colSpan={2} className="col-a text">
          Totals{hasCo ? ' (with change orders)' : ''}
        </th>
        {t(totals.scheduled)}
        {t(totals.previous)}
        {cfg.showClaimed ? t(totals.claimedThisPeriod) : null}
        {t(totals.thisPeriod)}
        {editing && cfg.editWork ? <td /> : null}
        {cfg.showClaimed ? t(totals.claimedStoredNew) : null}
        {t(totals.storedNew)}
        {cfg.showClaimed ? t(totals.claimedInstalled) : null}
        {t(totals.installed)}
        {t(totals.stored)}
        {t(totals.completed)}
        <td>{cfg.pct(ratioInBasisPoints(totals.completed, totals.scheduled))}</td>
        {t(totals.balance)}
        {t(totals.retainage)}
        {cfg.showRelease && cfg.showClaimed ? t(totals.claimedReleased) : null}
        {cfg.showRelease ? t(totals.released) : null}
        {cfg.showReason ? <td /> : null}
        {cfg.showRates ? (
          <>
            <td />
            <td />
          </>
        ) : null}
        {cfg.showReview ? <td /> : null}
      </tr>
    </tfoot>
  );
}

function columnCount(cfg: GridConfig): number {
  const editing = cfg.mode !== 'read';
  let n = 12;
  if (editing && cfg.editWork) n += 1;
  if (cfg.showClaimed) n += 3;
  if (cfg.showRelease) n += cfg.showClaimed ? 2 : 1;
  if (cfg.showReason) n += 1;
  if (cfg.showRates) n += 2;
  if (cfg.showReview) n += 1;
  return n;
}

/**
 * Column widths in rem, in the order of the header (table-layout: fixed keeps them steady while
 * scrolling). Money columns are as wide as the contract sum needs, so no amount is cut off.
 */
function columnWidths(cfg: GridConfig, widestMoneyChars: number): number[] {
  const editing = cfg.mode !== 'read';
  const m = Math.max(7.5, Math.round((widestMoneyChars * 0.58 + 1.3) * 2) / 2);
  const w = [4, 17, m, m];
  if (cfg.showClaimed) w.push(m);
  w.push(m);
  if (editing && cfg.editWork) w.push(6.5);
  if (cfg.showClaimed) w.push(m);
  w.push(m);
  if (cfg.showClaimed) w.push(m);
  w.push(m, m, m, 5.5, m, m);
  if (cfg.showRelease && cfg.showClaimed) w.push(m);
  if (cfg.showRelease) w.push(m);
  if (cfg.showReason) w.push(14);
  if (cfg.showRates) w.push(6, 6);
  if (cfg.showReview) w.push(16);
  return w;
}

type Item = { key: string; kind: 'group'; label: string } | { key: string; kind: 'line'; index: number };

/** Which items to render: a window around the view, plus the focused line (so focus is never lost). */
function pickRendered(offsets: Float64Array, count: number, top: number, height: number, keep: number | null): number[] {
  let lo = 0;
  let hi = count;
  const from = top - OVERSCAN_PX;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((offsets[mid + 1] ?? 0) < from) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  const to = top + height + OVERSCAN_PX;
  for (let i = lo; i < count && (offsets[i] ?? 0) <= to; i += 1) out.push(i);
  if (keep !== null && keep < count && !out.includes(keep)) {
    out.push(keep);
    out.sort((a, b) => a - b);
  }
  return out;
}

export function G703Grid({ lines, calcs, drafts, reviews, serverErrors, totals, cfg, handlers, caption }: G703GridProps) {
  const tableRef = useRef<HTMLTableElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const theadRef = useRef<HTMLTableSectionElement>(null);
  // What the cell held when it got focus, so Escape can put it back.
  const focusState = useRef<{ lineId: string; draft: Draft | undefined; review: ReviewDecision | undefined } | null>(null);
  const latest = useRef({ drafts, reviews, handlers });
  latest.current = { drafts, reviews, handlers };

  // ---- the items (group headings and lines) and, for large grids, which of them to render ----
  const items = useMemo<Item[]>(() => {
    const out: Item[] = [];
    const firstCo = lines.findIndex((l) => l.source === 'change_order');
    lines.forEach((line, index) => {
      if (index === 0 && firstCo > 0) out.push({ key: 'group-sov', kind: 'group', label: 'Original schedule of values' });
      if (index === firstCo) out.push({ key: 'group-co', kind: 'group', label: 'Change orders' });
      out.push({ key: line.id, kind: 'line', index });
    });
    return out;
  }, [lines]);
  const itemOfRow = useMemo(() => {
    const m = new Map<number, number>();
    items.forEach((item, n) => {
      if (item.kind === 'line') m.set(item.index, n);
    });
    return m;
  }, [items]);
  const virtual = lines.length > VIRTUAL_THRESHOLD;
  const heights = useRef(new Map<string, number>());
  const [measured, setMeasured] = useState(0);
  const offsets = useMemo(() => {
    const o = new Float64Array(items.length + 1);
    items.forEach((item, n) => {
      o[n + 1] = (o[n] ?? 0) + (heights.current.get(item.key) ?? (item.kind === 'group' ? 30 : ESTIMATED_ROW_PX));
    });
    return o;
  }, [items, measured]); // `measured` says the heights changed
  const [view, setView] = useState({ top: 0, height: 900 });
  const [focusedRow, setFocusedRow] = useState<number | null>(null);
  const rendered = useMemo(
    () => (virtual ? pickRendered(offsets, items.length, view.top, view.height, focusedRow === null ? null : (itemOfRow.get(focusedRow) ?? null)) : null),
    [virtual, offsets, items.length, view, focusedRow, itemOfRow],
  );
  const renderedRef = useRef(rendered);
  renderedRef.current = rendered;

  const onScroll = useCallback(() => {
    const frame = frameRef.current;
    if (!frame) return;
    const top = Math.max(0, frame.scrollTop - (theadRef.current?.offsetHeight ?? 0));
    const height = frame.clientHeight;
    // Re-render only when the view moved far enough to need other lines.
    setView((v) => (Math.abs(v.top - top) < OVERSCAN_PX / 3 && v.height === height ? v : { top, height }));
  }, []);
  useEffect(() => {
    if (!virtual) return;
    onScroll();
    window.addEventListener('resize', onScroll);
    return () => window.removeEventListener('resize', onScroll);
  }, [virtual, onScroll]);

  // Measure the rendered lines after the browser has painted them (layout is clean then, so reading
  // heights costs nothing); estimates become real heights and the spacers stay right.
  useLayoutEffect(() => {
    if (!virtual) return;
    let timer = 0;
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => {
        if (!tableRef.current) return;
        let changed = false;
        for (const tr of tableRef.current.querySelectorAll<HTMLTableRowElement>('tbody > tr[data-key]')) {
          const key = tr.dataset.key ?? '';
          const h = tr.offsetHeight;
          if (Math.abs((heights.current.get(key) ?? -100) - h) > 0.5) {
            heights.current.set(key, h);
            changed = true;
          }
        }
        if (changed) setMeasured((n) => n + 1);
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  });

  // A request to focus a line that is not rendered: scroll to it, then focus it once rendered.
  const pending = useRef<{ row: number; column: string | undefined } | null>(null);
  const tryPending = useCallback(() => {
    const p = pending.current;
    const table = tableRef.current;
    if (!p || !table) return false;
    const row = table.querySelector<HTMLTableRowElement>(`tbody tr[data-row-index="${p.row}"]`);
    if (!row) return false;
    pending.current = null;
    const input = (p.column ? row.querySelector<HTMLInputElement>(`input[data-column="${p.column}"]`) : null) ?? row.querySelector<HTMLInputElement>('input');
    if (input) {
      input.focus({ preventScroll: true });
      input.select();
      input.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    } else {
      row.querySelector<HTMLElement>('th')?.setAttribute('tabindex', '-1');
      row.querySelector<HTMLElement>('th')?.focus();
    }
    return true;
  }, []);
  const requestFocus = useCallback(
    (row: number, column: string | undefined) => {
      pending.current = { row, column };
      if (tryPending()) return;
      const frame = frameRef.current;
      const n = itemOfRow.get(row);
      if (!frame || n === undefined) return;
      const top = (offsets[n] ?? 0) + (theadRef.current?.offsetHeight ?? 0) - frame.clientHeight / 3;
      frame.scrollTop = Math.max(0, top);
      setView({ top: Math.max(0, frame.scrollTop - (theadRef.current?.offsetHeight ?? 0)), height: frame.clientHeight });
    },
    [itemOfRow, offsets, tryPending],
  );
  useLayoutEffect(() => {
    tryPending();
  });
  useEffect(() => {
    const table = tableRef.current;
    if (!table) return;
    const onFocusRequest = (e: Event) => {
      const d = (e as CustomEvent<{ lineId?: string; itemNumber?: string; row?: number; column?: string }>).detail ?? {};
      const row =
        d.row ??
        lines.findIndex((l) => (d.lineId !== undefined && l.id === d.lineId) || (d.itemNumber !== undefined && l.itemNumber === String(d.itemNumber)));
      if (row >= 0 && row < lines.length) requestFocus(row, d.column);
    };
    table.addEventListener('g703-focus', onFocusRequest);
    return () => table.removeEventListener('g703-focus', onFocusRequest);
  }, [lines, requestFocus]);

  // ---- cell events ----
  const cell = useMemo<CellHandlers>(
    () => ({
      onChange: (e) => {
        const { lineId, column } = e.currentTarget.dataset;
        if (lineId && column) latest.current.handlers.onEdit(lineId, column as EditColumn, e.currentTarget.value);
      },
      onFocus: (e) => {
        const { lineId, row } = e.currentTarget.dataset;
        // Escape puts back what the line held when this cell got focus (typing in E clears the %, and back).
        if (lineId) focusState.current = { lineId, draft: latest.current.drafts[lineId], review: latest.current.reviews[lineId] };
        const r = Number(row);
        setFocusedRow((f) => (f === r ? f : r));
        e.currentTarget.select();
      },
      onBlur: (e) => {
        const { lineId, column } = e.currentTarget.dataset;
        if (lineId && column) latest.current.handlers.onCommit(lineId, column as EditColumn);
      },
      onMouseDown: (e) => {
        // A click into a cell selects its content, like a spreadsheet; a second click places the caret.
        const input = e.currentTarget;
        if (document.activeElement !== input) {
          e.preventDefault();
          input.focus();
          input.select();
        }
      },
    }),
    [],
  );

  const rowCount = lines.length;
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLTableElement>) => {
      const input = e.target as HTMLElement;
      if (!(input instanceof HTMLInputElement) || !input.dataset.column || !tableRef.current) return;
      const table = tableRef.current;
      const row = Number(input.dataset.row);
      const column = input.dataset.column;
      const lineId = input.dataset.lineId ?? '';
      const vertical = (step: number) => {
        // The nearest cell of the column above or below (some rows lack a cell, e.g. a reason).
        const cells = [...table.querySelectorAll<HTMLInputElement>(`input[data-column="${column}"]`)];
        const next = cells[cells.indexOf(input) + step] ?? null;
        const nextRow = next ? Number(next.dataset.row) : null;
        const rows = renderedRef.current;
        if (next && nextRow !== null) {
          // In a large grid, lines between the two may not be rendered: go one line, scrolling.
          const gap = rows !== null && Math.abs(nextRow - row) > 1 && [...Array(Math.abs(nextRow - row) - 1).keys()].some((k) => !table.querySelector(`tbody tr[data-row-index="${row + step * (k + 1)}"]`));
          if (!gap) return focusCell(next);
        }
        if (rows !== null && row + step >= 0 && row + step < rowCount) {
          requestFocus(row + step, column);
          return true;
        }
        return false;
      };
      const horizontal = (step: number) => {
        const inRow = [...table.querySelectorAll<HTMLInputElement>(`input[data-row="${row}"]`)];
        return focusCell(inRow[inRow.indexOf(input) + step] ?? null);
      };
      switch (e.key) {
        case 'ArrowDown':
          if (vertical(1)) e.preventDefault();
          break;
        case 'ArrowUp':
          if (vertical(-1)) e.preventDefault();
          break;
        case 'ArrowLeft': {
          const { selectionStart: start, selectionEnd: end } = input;
          if (start === 0 && (end === 0 || end === input.value.length) && horizontal(-1)) e.preventDefault();
          break;
        }
        case 'ArrowRight': {
          const { selectionStart: start, selectionEnd: end } = input;
          if (end === input.value.length && (start === end || start === 0) && horizontal(1)) e.preventDefault();
          break;
        }
        case 'Enter': {
          e.preventDefault();
          latest.current.handlers.onCommit(lineId, column as EditColumn);
          if (!vertical(e.shiftKey ? -1 : 1)) input.select();
          break;
        }
        case 'Escape': {
          const snap = focusState.current;
          if (snap && snap.lineId === lineId) {
            e.preventDefault();
            latest.current.handlers.onRestore(lineId, snap.draft, snap.review);
            requestAnimationFrame(() => input.select());
          }
          break;
        }
        default:
          break;
      }
    },
    [requestFocus, rowCount],
  );

  // ---- rendering ----
  const span = columnCount(cfg);
  const widestMoney = cfg.num(Math.max(Math.abs(totals.scheduled), Math.abs(totals.completed), Math.abs(totals.balance)) * 10).length;
  const widths = useMemo(() => columnWidths(cfg, widestMoney), [cfg, widestMoney]);
  const renderItem = (item: Item) =>
    item.kind === 'group' ? (
      <tr key={item.key} className="group-row" data-key={item.key}>
        <th scope="colgroup" colSpan={span} className="text">
          <span className="group-label">{item.label}</span>
        </th>
      </tr>
    ) : (
      <Row
        key={item.key}
        calc={calcs[item.index] as LineCalc}
        index={item.index}
        draft={drafts[item.key]}
        review={reviews[item.key]}
        serverIssues={serverErrors[item.key]}
        cfg={cfg}
        cell={cell}
        onReview={handlers.onReview}
      />
    );
  const spacer = (key: string, px: number) =>
    px > 0 ? (
      <tr key={key} className="spacer-row" aria-hidden="true">
        <td colSpan={span} style={{ height: `${px}px` }} />
      </tr>
    ) : null;
  const body: ReactNode[] = [];
  if (rendered === null) {
    for (const item of items) body.push(renderItem(item));
  } else {
    let at = 0;
    for (const n of rendered) {
      body.push(spacer(`gap-${n}`, (offsets[n] ?? 0) - (offsets[at] ?? 0)));
      const item = items[n];
      if (item) body.push(renderItem(item));
      at = n + 1;
    }
    body.push(spacer('gap-end', (offsets[items.length] ?? 0) - (offsets[at] ?? 0)));
  }

  return (
    <div className={`grid-frame${virtual ? ' grid-virtual' : ''}`} ref={frameRef} onScroll={virtual ? onScroll : undefined} role="region" aria-label={caption} tabIndex={cfg.mode === 'read' ? 0 : -1}>
      <table
        className="g703"
        data-testid="g703"
        data-line-count={lines.length}
        ref={tableRef}
        onKeyDown={onKeyDown}
        aria-rowcount={lines.length + 2}
        style={{ width: `calc(${widths.reduce((a, b) => a + b, 0) - (widths[1] ?? 0)}rem + var(--g703-description-width))` }}
      >
        <caption className="ip-sr-only">
          {caption}
          {virtual ? ` (${lines.length} lines; the lines near the view are shown as you scroll)` : ''}
        </caption>
        <colgroup>
          {widths.map((w, n) => (
            <col key={n} style={{ width: n === 1 ? 'var(--g703-description-width)' : `${w}rem` }} />
          ))}
        </colgroup>
        <Header cfg={cfg} theadRef={theadRef} />
        <tbody>{body}</tbody>
        <Footer cfg={cfg} totals={totals} hasCo={items.some((i) => i.key === 'group-co')} rowIndex={lines.length + 2} />
      </table>
    </div>
  );
}
