/**
 * Which lines of a large G703 are drawn. A browser lays out a <table> as a whole, so with 1,000
 * lines every keystroke cost ~200–800 ms of layout (measured in Chromium). Above VIRTUAL_THRESHOLD
 * lines the grid renders only the lines near the view (plus the focused one) between two spacer
 * rows, with measured row heights. A request to focus a line that is not drawn (keyboard moves,
 * "go to line" links, the `g703-focus` event) scrolls to it, then focuses it once it is drawn.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { InvoiceLine } from './invoice-model.ts';

/** Grids with more lines than this render only the lines near the view (bench/grid-1000.ts measured 40–150 fully drawn lines as slower per keystroke than 1,000 windowed ones). */
export const VIRTUAL_THRESHOLD = 40;
const ESTIMATED_ROW_PX = 46;
const OVERSCAN_PX = 300;

/** A request to focus a line (the `g703-focus` event's detail). */
export type FocusRequest = { lineId?: string; itemNumber?: string; row?: number; column?: string };

/** A row of the grid's body: a group heading (original SOV, change orders) or a line. */
export type Item = { key: string; kind: 'group'; label: string } | { key: string; kind: 'line'; index: number };

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

export function useGridWindow({
  lines,
  frameRef,
  tableRef,
  theadRef,
  onFocusMissing,
}: {
  lines: readonly InvoiceLine[];
  frameRef: RefObject<HTMLDivElement | null>;
  tableRef: RefObject<HTMLTableElement | null>;
  theadRef: RefObject<HTMLTableSectionElement | null>;
  /** A request names a line that is not among `lines` (a filter hides it). */
  onFocusMissing?: ((detail: FocusRequest) => void) | undefined;
}) {
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
  }, [frameRef, theadRef]);
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
  }, [tableRef]);
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
    [itemOfRow, offsets, tryPending, frameRef, theadRef],
  );
  useLayoutEffect(() => {
    tryPending();
  });
  useEffect(() => {
    const table = tableRef.current;
    if (!table) return;
    const onFocusRequest = (e: Event) => {
      const d = (e as CustomEvent<FocusRequest>).detail ?? {};
      const row =
        d.row ??
        lines.findIndex((l) => (d.lineId !== undefined && l.id === d.lineId) || (d.itemNumber !== undefined && l.itemNumber === String(d.itemNumber)));
      if (row >= 0 && row < lines.length) requestFocus(row, d.column);
      else if (d.row === undefined) onFocusMissing?.(d);
    };
    table.addEventListener('g703-focus', onFocusRequest);
    return () => table.removeEventListener('g703-focus', onFocusRequest);
  }, [lines, requestFocus, tableRef, onFocusMissing]);

  return { items, virtual, offsets, rendered, renderedRef, onScroll, setFocusedRow, requestFocus };
}
