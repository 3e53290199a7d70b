/**
 * Commitment change orders: draft → pending → approved, or void. Lines of an approved change order
 * join the commitment's schedule of values (they become invoice lines); they are then frozen.
 */
import { DomainError } from './errors.ts';

export const CHANGE_ORDER_STATUSES = ['draft', 'pending', 'approved', 'void'] as const;
export type ChangeOrderStatus = (typeof CHANGE_ORDER_STATUSES)[number];

export type ChangeOrderLine = {
  id: string;
  changeOrderId: string;
  position: number;
  itemNumber: string;
  costCode: string;
  description: string;
  amountCents: number;
};

export type ChangeOrder = {
  id: string;
  commitmentId: string;
  number: string;
  title: string;
  status: ChangeOrderStatus;
  approvedAt: Date | null;
  version: number;
  lines: ChangeOrderLine[];
};

const ALLOWED: Record<ChangeOrderStatus, readonly ChangeOrderStatus[]> = {
  draft: ['pending', 'approved', 'void'],
  pending: ['draft', 'approved', 'void'],
  approved: ['void'],
  void: [],
};

/**
 * Decide a change order's status change. An approved change order may be voided only while none of
 * its lines has been billed (`isBilled`), so approved invoices are never rewritten.
 */
export function transitionChangeOrder(
  current: ChangeOrderStatus,
  next: ChangeOrderStatus,
  isBilled: boolean,
): ChangeOrderStatus {
  if (current === next) return current;
  if (!ALLOWED[current].includes(next)) {
    throw new DomainError('invalid_transition', `A ${current} change order cannot become ${next}.`, {
      field: 'status',
    });
  }
  if (current === 'approved' && isBilled) {
    throw new DomainError(
      'change_order_locked',
      'This change order has been billed on an invoice and can no longer be voided.',
      { field: 'status' },
    );
  }
  return next;
}

export function assertChangeOrderLinesEditable(status: ChangeOrderStatus): void {
  if (status === 'approved' || status === 'void') {
    throw new DomainError(
      'change_order_locked',
      `The lines of a ${status} change order cannot be changed.`,
      { field: 'lines' },
    );
  }
}

/** A change order's net amount: the sum of its lines (deductions are negative lines). */
export function changeOrderTotalCents(changeOrder: Pick<ChangeOrder, 'lines'>): number {
  return changeOrder.lines.reduce((sum, line) => sum + line.amountCents, 0);
}
