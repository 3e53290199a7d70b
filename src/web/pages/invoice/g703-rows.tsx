/**
 * The G703's header, line rows and totals row, each drawn from the column list of
 * g703-columns.tsx. A line row is memoized: typing in one cell re-renders that row only. Each
 * cell carries its column's name (data-label): on a phone a line is laid out as a card of
 * labelled fields (invoice.css).
 */
import { memo, type ReactNode, type RefObject } from 'react';
import type { CellHandlers, G703Column, GridConfig, RowContext } from './g703-columns.tsx';
import type { CellIssue, Draft, EditColumn, LineCalc, ReviewDecision, Totals } from './invoice-model.ts';

/** How a row names its line in labels: "line 3" by item number, else by position. */
export function rowName(calc: LineCalc, index: number): string {
  return `line ${calc.line.itemNumber || index + 1}`;
}

export function Header({ columns, theadRef }: { columns: readonly G703Column[]; theadRef: RefObject<HTMLTableSectionElement | null> }) {
  return (
    <thead ref={theadRef}>
      <tr aria-rowindex={1}>
        {columns.map((col) => (
          <th key={col.key} scope="col" className={col.headerClass}>
            {col.header ?? col.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function Footer({ columns, cfg, totals, hasCo, rowIndex }: { columns: readonly G703Column[]; cfg: GridConfig; totals: Totals; hasCo: boolean; rowIndex: number }) {
  return (
    <tfoot>
      <tr aria-rowindex={rowIndex}>
        {columns.map((col) => {
          const { content, className, colSpan } = col.total(totals, cfg, hasCo);
          if (colSpan === 0) return null;
          return col.rowHeader ? (
            <th key={col.key} scope="row" colSpan={colSpan} className={className}>
              {content}
            </th>
          ) : (
            <td key={col.key} colSpan={colSpan} className={className} data-label={col.label}>
              {content}
            </td>
          );
        })}
      </tr>
    </tfoot>
  );
}

type RowProps = {
  calc: LineCalc;
  index: number;
  draft: Draft | undefined;
  review: ReviewDecision | undefined;
  serverIssues: readonly CellIssue[] | undefined;
  columns: readonly G703Column[];
  cfg: GridConfig;
  cell: CellHandlers;
  onReview: RowContext['onReview'];
};

export const Row = memo(function Row({ calc, index, draft, review, serverIssues, columns, cfg, cell, onReview }: RowProps) {
  const { line } = calc;
  const noteId = `line-note-${line.id}`;
  // The server's refusal first; a live check saying the same thing is not repeated.
  const issues = serverIssues && serverIssues.length > 0 ? [...serverIssues, ...calc.issues.filter((i) => !serverIssues.some((s) => s.message === i.message))] : calc.issues;
  const issueFor = (col: EditColumn) => issues.find((i) => i.column === col) ?? undefined;
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
  // Over 100%: a flag that stays on the line once saved (where the project allows it; where it does
  // not, the refusal below says so instead).
  const over = calc.overbilledByCents;
  if (over > 0 && !issues.some((i) => i.code === 'overbilled')) {
    notes.push(
      <span key="over" className="line-note note-over" data-testid="over-100">
        <span aria-hidden="true">⚑ </span>Over 100% by {cfg.money(over)}
        {cfg.isContact ? ' — flagged for the reviewer' : ''}
      </span>,
    );
  } else if (over === 0 && cfg.showClaimed && line.claimed.isOverbilled) {
    notes.push(
      <span key="over-claimed" className="line-note note-over-claimed">
        Claimed over 100% by {cfg.money(line.claimed.overbilledByCents)}
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
  const ctx: RowContext = { calc, index, name: rowName(calc, index), draft, review, decision, issueFor, notes, noteId, cfg, cell, onReview };
  return (
    <tr
      className={`${rejected ? 'line-rejected' : ''}${hasError ? ' line-error' : ''}${calc.changed ? ' line-changed' : ''}${over > 0 ? ' line-over' : ''}`}
      data-over-100={over > 0 ? 'true' : undefined}
      data-line-id={line.id}
      data-key={line.id}
      data-row-index={index}
      aria-rowindex={index + 2}
    >
      {columns.map((col) => {
        const { content, className, title } = col.cell(ctx);
        return col.rowHeader ? (
          <th key={col.key} scope="row" className={className} title={title}>
            {content}
          </th>
        ) : (
          <td key={col.key} className={className} title={title} data-label={col.label}>
            {content}
          </td>
        );
      })}
    </tr>
  );
});
