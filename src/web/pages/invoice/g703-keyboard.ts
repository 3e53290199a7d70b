/**
 * Typing and moving in the G703 like in a spreadsheet: a click or focus selects a cell's content;
 * arrows move between editable cells (left/right at the ends of the text, up/down always),
 * Tab/Shift+Tab move across, Enter commits and moves down (Shift+Enter up), Escape puts back what
 * the line held when the cell got focus. In a large (windowed) grid, moving up or down to a line
 * that is not drawn scrolls to it first.
 */
import { useCallback, useMemo, useRef, type KeyboardEvent, type RefObject } from 'react';
import type { CellHandlers } from './g703-columns.tsx';
import type { Draft, Drafts, EditColumn, ReviewDecision, ReviewDrafts } from './invoice-model.ts';

export type GridHandlers = {
  onEdit: (lineId: string, column: EditColumn, text: string) => void;
  onCommit: (lineId: string, column: EditColumn) => void;
  onRestore: (lineId: string, draft: Draft | undefined, review: ReviewDecision | undefined) => void;
  onReview: (lineId: string, change: Partial<ReviewDecision>) => void;
};

function focusCell(input: HTMLInputElement | null): boolean {
  if (!input) return false;
  input.focus();
  input.select();
  input.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  return true;
}

export function useGridKeyboard({
  tableRef,
  drafts,
  reviews,
  handlers,
  rowCount,
  renderedRef,
  requestFocus,
  setFocusedRow,
}: {
  tableRef: RefObject<HTMLTableElement | null>;
  drafts: Drafts;
  reviews: ReviewDrafts;
  handlers: GridHandlers;
  rowCount: number;
  /** The items drawn in a windowed grid (null: every line is drawn). */
  renderedRef: { readonly current: readonly number[] | null };
  requestFocus: (row: number, column: string | undefined) => void;
  setFocusedRow: (update: (row: number | null) => number | null) => void;
}) {
  // What the cell held when it got focus, so Escape can put it back.
  const focusState = useRef<{ lineId: string; draft: Draft | undefined; review: ReviewDecision | undefined } | null>(null);
  const latest = useRef({ drafts, reviews, handlers });
  latest.current = { drafts, reviews, handlers };

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
    [setFocusedRow],
  );

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
    [requestFocus, rowCount, tableRef, renderedRef],
  );

  return { cell, onKeyDown };
}
