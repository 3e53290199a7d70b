/**
 * Payments recorded against approved invoices (outside payapp: a check, a transfer…). An invoice
 * is unpaid, partially paid or paid against its certified current payment due (G702 line 8);
 * overpaying is refused; a payment is never deleted, only voided with a reason. Optionally the
 * person who approved an invoice may not record its payment (two-person rule).
 */
import { DomainError } from './errors.ts';
import { isApproved, type InvoiceStatus } from './invoice-status.ts';
import { formatAmount, ratioInBasisPoints, sumCents } from './money.ts';

export const PAYMENT_METHODS = ['check', 'electronic', 'card', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = {
  check: 'Check',
  electronic: 'Electronic transfer',
  card: 'Card',
  other: 'Other',
};

export type Payment = {
  id: string;
  invoiceId: string;
  paymentNumber: string;
  amountCents: number;
  paidOn: string;
  method: PaymentMethod;
  reference: string;
  notes: string;
  recordedBy: string;
  recordedAt: Date;
  voidedAt: Date | null;
  voidedBy: string | null;
  voidReason: string | null;
};

export type PaidStatus = 'unpaid' | 'partially_paid' | 'paid';

export const PAID_STATUS_LABELS: Record<PaidStatus, string> = { unpaid: 'Unpaid', partially_paid: 'Partially paid', paid: 'Paid' };

export function paidToDate(payments: readonly Pick<Payment, 'amountCents' | 'voidedAt'>[]): number {
  return sumCents(payments.filter((p) => p.voidedAt === null).map((p) => p.amountCents));
}

/** Paid against what was certified due (line 8): nothing yet, some, or all of it. */
export function paidStatus(dueCents: number, paidCents: number): PaidStatus {
  if (paidCents <= 0) return dueCents <= 0 ? 'paid' : 'unpaid';
  return paidCents >= dueCents ? 'paid' : 'partially_paid';
}

export function assertPaymentAllowed(input: {
  invoiceStatus: InvoiceStatus;
  approvedBy: string | null;
  recorderUserId: string;
  twoPersonRule: boolean;
  dueCents: number;
  paidCents: number;
  amountCents: number;
}): void {
  if (!isApproved(input.invoiceStatus)) {
    throw new DomainError('invalid_state', 'Payments are recorded against approved invoices only.', { field: 'invoiceId' });
  }
  if (input.twoPersonRule && input.approvedBy === input.recorderUserId) {
    throw new DomainError(
      'two_person_rule',
      'On this project the person who approved an invoice cannot record its payment: ask another invoice administrator.',
    );
  }
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0) {
    throw new DomainError('validation_failed', 'A payment is an amount greater than zero.', { field: 'amountCents' });
  }
  const remaining = input.dueCents - input.paidCents;
  if (input.amountCents > remaining) {
    throw new DomainError(
      'overpayment',
      remaining <= 0
        ? 'This invoice is already paid in full.'
        : `That would overpay the invoice: ${formatAmount(remaining)} is left to pay.`,
      { field: 'amountCents', details: { remainingCents: remaining } },
    );
  }
}

/** A payment is voided once, with a reason; it stays on the invoice, struck through. */
export function assertVoidAllowed(payment: Pick<Payment, 'voidedAt'>, reason: string): void {
  if (payment.voidedAt !== null) throw new DomainError('payment_voided', 'This payment is already voided.');
  if (reason.trim() === '') throw new DomainError('validation_failed', 'Say why the payment is voided.', { field: 'reason' });
}

/** Roll-ups of a commitment (or, summed, a project): what was invoiced, paid, held and is still owed. */
export type PaymentRollup = {
  contractSumToDateCents: number;
  /** Total earned less retainage on the latest approved invoice (G702 line 6): certified for payment to date. */
  invoicedToDateCents: number;
  paidToDateCents: number;
  percentPaidBp: number;
  retainageHeldCents: number;
  /** Invoiced but not yet paid. */
  unpaidInvoicedCents: number;
  /** Contract sum to date − paid to date. */
  remainingBalanceCents: number;
};

export function rollup(input: { contractSumToDateCents: number; invoicedToDateCents: number; paidToDateCents: number; retainageHeldCents: number }): PaymentRollup {
  return {
    ...input,
    percentPaidBp: ratioInBasisPoints(input.paidToDateCents, input.contractSumToDateCents),
    unpaidInvoicedCents: input.invoicedToDateCents - input.paidToDateCents,
    remainingBalanceCents: input.contractSumToDateCents - input.paidToDateCents,
  };
}

export function sumRollups(rollups: readonly PaymentRollup[]): PaymentRollup {
  return rollup({
    contractSumToDateCents: sumCents(rollups.map((r) => r.contractSumToDateCents)),
    invoicedToDateCents: sumCents(rollups.map((r) => r.invoicedToDateCents)),
    paidToDateCents: sumCents(rollups.map((r) => r.paidToDateCents)),
    retainageHeldCents: sumCents(rollups.map((r) => r.retainageHeldCents)),
  });
}
