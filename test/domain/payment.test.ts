import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../src/domain/errors.ts';
import { assertPaymentAllowed, assertVoidAllowed, paidStatus, paidToDate, rollup, sumRollups } from '../../src/domain/payment.ts';

const allowed = { invoiceStatus: 'approved' as const, approvedBy: 'a', recorderUserId: 'b', twoPersonRule: true, dueCents: 1_000_00, paidCents: 0, amountCents: 1_000_00 };
const code = (fn: () => void) => {
  try {
    fn();
    return null;
  } catch (error) {
    assert.ok(error instanceof DomainError);
    return [error.code, error.field ?? null];
  }
};

describe('payments', () => {
  test('paid status against what was certified due; a zero or negative due is paid', () => {
    assert.equal(paidStatus(1_000_00, 0), 'unpaid');
    assert.equal(paidStatus(1_000_00, 1), 'partially_paid');
    assert.equal(paidStatus(1_000_00, 999_99), 'partially_paid');
    assert.equal(paidStatus(1_000_00, 1_000_00), 'paid');
    assert.equal(paidStatus(0, 0), 'paid');
    assert.equal(paidStatus(-50_00, 0), 'paid', 'a credit invoice has nothing to pay');
  });

  test('voided payments do not count', () => {
    assert.equal(paidToDate([{ amountCents: 100, voidedAt: null }, { amountCents: 50, voidedAt: new Date() }, { amountCents: 25, voidedAt: null }]), 125);
  });

  test('only approved invoices, never overpaid, the two-person rule, positive whole cents', () => {
    assert.equal(code(() => assertPaymentAllowed(allowed)), null);
    assert.equal(code(() => assertPaymentAllowed({ ...allowed, invoiceStatus: 'approved_as_noted' })), null);
    assert.deepEqual(code(() => assertPaymentAllowed({ ...allowed, invoiceStatus: 'under_review' })), ['invalid_state', 'invoiceId']);
    assert.deepEqual(code(() => assertPaymentAllowed({ ...allowed, recorderUserId: 'a' })), ['two_person_rule', null]);
    assert.equal(code(() => assertPaymentAllowed({ ...allowed, recorderUserId: 'a', twoPersonRule: false })), null);
    assert.deepEqual(code(() => assertPaymentAllowed({ ...allowed, amountCents: 0 })), ['validation_failed', 'amountCents']);
    assert.deepEqual(code(() => assertPaymentAllowed({ ...allowed, amountCents: 1.5 })), ['validation_failed', 'amountCents']);
    assert.deepEqual(code(() => assertPaymentAllowed({ ...allowed, paidCents: 400_00, amountCents: 600_01 })), ['overpayment', 'amountCents']);
    assert.equal(code(() => assertPaymentAllowed({ ...allowed, paidCents: 400_00, amountCents: 600_00 })), null);
  });

  test('voiding needs a reason and happens once', () => {
    assert.deepEqual(code(() => assertVoidAllowed({ voidedAt: null }, '  ')), ['validation_failed', 'reason']);
    assert.deepEqual(code(() => assertVoidAllowed({ voidedAt: new Date() }, 'why')), ['payment_voided', null]);
    assert.equal(code(() => assertVoidAllowed({ voidedAt: null }, 'returned check')), null);
  });

  test('roll-ups: % paid of the contract sum to date (basis points, half away from zero) and remaining balance; project = sum', () => {
    const a = rollup({ contractSumToDateCents: 15_000_00, invoicedToDateCents: 7_200_00, paidToDateCents: 5_500_00, retainageHeldCents: 800_00 });
    assert.deepEqual([a.percentPaidBp, a.unpaidInvoicedCents, a.remainingBalanceCents], [3667, 1_700_00, 9_500_00]);
    const b = rollup({ contractSumToDateCents: 0, invoicedToDateCents: 0, paidToDateCents: 0, retainageHeldCents: 0 });
    assert.equal(b.percentPaidBp, 0, 'no contract sum: nothing to divide');
    const total = sumRollups([a, b, rollup({ contractSumToDateCents: 20_000_00, invoicedToDateCents: 0, paidToDateCents: 0, retainageHeldCents: 0 })]);
    assert.deepEqual([total.contractSumToDateCents, total.paidToDateCents, total.percentPaidBp, total.remainingBalanceCents], [35_000_00, 5_500_00, 1571, 29_500_00]);
  });
});
