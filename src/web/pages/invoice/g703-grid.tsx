/**
 * The G703 continuation sheet as a spreadsheet: one <tr> per line, memoized by line, so typing in
 * one cell re-renders that row, the totals row and the G702 — not the other lines.
 *
 *   g703-columns.tsx   the columns: header, width, each line's cell, the total (shown or hidden
 *                      with the column chooser); g703-cells.tsx the review and rate-applied cells
 *   g703-rows.tsx      the header, line and totals rows drawn from those columns
 *   g703-keyboard.ts   typing and moving between cells (arrows, Tab, Enter, Escape)
 *   use-grid-window.ts large grids (over 40 lines) draw only the lines near the view
 *
 * It is one <table> with its header, aria-rowcount and aria-rowindex, whatever is drawn.
 */
import { useMemo, useRef, type ReactNode } from 'react';
import { columnWidths, type G703Column, type GridConfig } from './g703-columns.tsx';
import { useGridKeyboard, type GridHandlers } from './g703-keyboard.ts';
import { Footer, Header, Row } from './g703-rows.tsx';
import type { Drafts, InvoiceLine, LineCalc, ReviewDrafts, ServerLineErrors, Totals } from './invoice-model.ts';
import { useGridWindow, type FocusRequest, type Item } from './use-grid-window.ts';

export type { G703Column, GridConfig } from './g703-columns.tsx';
export { g703Columns } from './g703-columns.tsx';
export type { GridHandlers } from './g703-keyboard.ts';
export { rowName } from './g703-rows.tsx';
export { VIRTUAL_THRESHOLD, type FocusRequest } from './use-grid-window.ts';

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
  /** The columns shown, in order (g703Columns(cfg) less those the person hid). */
  columns: readonly G703Column[];
  handlers: GridHandlers;
  caption: string;
  /** A request to focus a line this grid does not show (it is filtered out). */
  onFocusMissing?: ((detail: FocusRequest) => void) | undefined;
};

export function G703Grid({ lines, calcs, drafts, reviews, serverErrors, totals, cfg, columns, handlers, caption, onFocusMissing }: G703GridProps) {
  const tableRef = useRef<HTMLTableElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const theadRef = useRef<HTMLTableSectionElement>(null);
  const { items, virtual, offsets, rendered, renderedRef, onScroll, setFocusedRow, requestFocus } = useGridWindow({ lines, frameRef, tableRef, theadRef, onFocusMissing });
  const { cell, onKeyDown } = useGridKeyboard({ tableRef, drafts, reviews, handlers, rowCount: lines.length, renderedRef, requestFocus, setFocusedRow });

  const span = columns.length;
  const widestMoney = cfg.num(Math.max(Math.abs(totals.scheduled), Math.abs(totals.completed), Math.abs(totals.balance)) * 10).length;
  const widths = useMemo(() => columnWidths(columns, widestMoney), [columns, widestMoney]);
  const fixedRem = widths.reduce((sum, w) => sum + (w.rem === 'description' ? 0 : w.rem), 0);

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
        columns={columns}
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
    <div className={`grid-frame${virtual ? ' grid-virtual' : ''}${columns.some((c) => c.key === 'review') ? ' has-review' : ''}`} ref={frameRef} onScroll={virtual ? onScroll : undefined} role="region" aria-label={caption} tabIndex={cfg.mode === 'read' ? 0 : -1}>
      <table
        className="g703"
        data-testid="g703"
        data-line-count={lines.length}
        ref={tableRef}
        onKeyDown={onKeyDown}
        aria-rowcount={lines.length + 2}
        style={{ width: `calc(${fixedRem}rem + var(--g703-description-width))` }}
      >
        <caption className="ip-sr-only">
          {caption}
          {virtual ? ` (${lines.length} lines; the lines near the view are shown as you scroll)` : ''}
        </caption>
        <colgroup>
          {widths.map((w) => (
            <col key={w.key} style={{ width: w.rem === 'description' ? 'var(--g703-description-width)' : `${w.rem}rem` }} />
          ))}
        </colgroup>
        <Header columns={columns} theadRef={theadRef} />
        <tbody>{body}</tbody>
        <Footer columns={columns} cfg={cfg} totals={totals} hasCo={items.some((i) => i.key === 'group-co')} rowIndex={lines.length + 2} />
      </table>
    </div>
  );
}
