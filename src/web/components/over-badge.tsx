/**
 * "2 lines over 100%": an invoice billing lines over their scheduled value (certified amounts),
 * marked wherever invoices are listed (the billing board, a commitment's invoices), whatever the
 * project's rule — where overbilling is allowed, it is what a reviewer must not miss.
 */
import './over-badge.css';

export function OverBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="over-badge" data-testid="over-100-badge">
      <span aria-hidden="true">⚑ </span>
      {count} line{count > 1 ? 's' : ''} over 100%
    </span>
  );
}
