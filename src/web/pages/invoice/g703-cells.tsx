/**
 * The G703 cells that are more than an amount or an input: a line's review decision (approve /
 * reject, with the reason), and on a sliding scale the rate applied this period and its rule.
 * Used by the column list in g703-columns.tsx.
 */
import type { CellContent, GridConfig, RowContext } from './g703-columns.tsx';
import { humanizeMessage } from './invoice-model.ts';

/** The review column: ✓ / ✗ for the line, and the reason box once it is rejected. */
export function reviewCell(row: RowContext): CellContent {
  const { calc, name, decision, review, index, cell, onReview } = row;
  const line = calc.line;
  const rejected = decision === 'rejected';
  return {
    className: 'review-cell col-review',
    content: (
      <>
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
      </>
    ),
  };
}

/**
 * The work retainage rate applied to the line this period and the rule(s) that set it, from the
 * domain (`effectiveRateBp`, `appliedRules`): "5% · Rule 2", the rules' full wording on hover and
 * for screen readers. The line's flat rate is not shown: the rules replace it.
 */
export function appliedRateCell(r: RowContext, cfg: GridConfig): CellContent {
  const c = r.calc.computed;
  const rate = c.workRetainageEffectiveRateBp ?? null;
  const rules = c.workRetainageRulesApplied ?? [];
  if (rate === null) return { className: 'text muted-cell applied-rate', content: 'No work this period' };
  const labels = rules.map((x) => x.label).join(' + ');
  const wording = rules.map((x) => `${humanizeMessage(x.description, cfg.money)}${x.capped ? ' (its cap was reached)' : ''}`).join('; ');
  return {
    className: 'text applied-rate',
    title: wording || undefined,
    content: (
      <>
        <span className="applied-rate-value">{cfg.pct(rate)}</span>
        {labels ? <span className="applied-rule"> · {labels}</span> : null}
        {wording ? <span className="ip-sr-only">: {wording}</span> : null}
      </>
    ),
  };
}
