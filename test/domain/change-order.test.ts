/** Change-order status transitions and line locking, and the pure rules of commitments. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertChangeOrderLinesEditable,
  CHANGE_ORDER_STATUSES,
  changeOrderTotalCents,
  transitionChangeOrder,
  type ChangeOrderLine,
  type ChangeOrderStatus,
} from '../../src/domain/change-order.ts';
import {
  assertAccountingMethodChangeAllowed,
  assertRetainageRate,
  assertSovLineInput,
  assertSsovAllowed,
  assertVersion,
  revisedContractSum,
} from '../../src/domain/commitment.ts';
import { DomainError } from '../../src/domain/errors.ts';

const isCode = (code: string, field?: string) => (e: unknown) =>
  e instanceof DomainError && e.code === code && (field === undefined || e.field === field);

describe('change-order transitions', () => {
  const allowed: [ChangeOrderStatus, ChangeOrderStatus][] = [
    ['draft', 'pending'],
    ['draft', 'approved'],
    ['draft', 'void'],
    ['pending', 'draft'],
    ['pending', 'approved'],
    ['pending', 'void'],
    ['approved', 'void'],
  ];
  const forbidden: [ChangeOrderStatus, ChangeOrderStatus][] = [
    ['approved', 'draft'],
    ['approved', 'pending'],
    ['void', 'draft'],
    ['void', 'pending'],
    ['void', 'approved'],
  ];

  test('the tables cover every pair of different statuses exactly once', () => {
    const pairs = [...allowed, ...forbidden].map(([a, b]) => `${a}->${b}`).sort();
    const all = CHANGE_ORDER_STATUSES.flatMap((a) => CHANGE_ORDER_STATUSES.filter((b) => b !== a).map((b) => `${a}->${b}`)).sort();
    assert.deepEqual(pairs, all);
  });

  for (const [from, to] of allowed) {
    test(`${from} → ${to} is allowed`, () => {
      assert.equal(transitionChangeOrder(from, to, false), to);
    });
  }

  for (const [from, to] of forbidden) {
    test(`${from} → ${to} is refused with invalid_transition`, () => {
      assert.throws(() => transitionChangeOrder(from, to, false), isCode('invalid_transition', 'status'));
      assert.throws(() => transitionChangeOrder(from, to, false), new RegExp(`A ${from} change order cannot become ${to}`));
    });
  }

  for (const status of CHANGE_ORDER_STATUSES) {
    test(`${status} → ${status} is a no-op, billed or not`, () => {
      assert.equal(transitionChangeOrder(status, status, false), status);
      assert.equal(transitionChangeOrder(status, status, true), status);
    });
  }

  test('an approved change order that has been billed cannot be voided', () => {
    assert.throws(() => transitionChangeOrder('approved', 'void', true), isCode('change_order_locked', 'status'));
    assert.equal(transitionChangeOrder('approved', 'void', false), 'void', 'unbilled, it can');
  });

  test('a billed approved change order still cannot go back to draft or pending (invalid, not merely locked)', () => {
    assert.throws(() => transitionChangeOrder('approved', 'draft', true), isCode('invalid_transition'));
    assert.throws(() => transitionChangeOrder('approved', 'pending', true), isCode('invalid_transition'));
  });
});

describe('change-order lines', () => {
  for (const status of ['draft', 'pending'] as const) {
    test(`lines of a ${status} change order can be edited`, () => assert.doesNotThrow(() => assertChangeOrderLinesEditable(status)));
  }
  for (const status of ['approved', 'void'] as const) {
    test(`lines of an ${status} change order are frozen`, () => {
      assert.throws(() => assertChangeOrderLinesEditable(status), isCode('change_order_locked', 'lines'));
    });
  }

  test('the total is the sum of the lines, deductions included', () => {
    const line = (amountCents: number): ChangeOrderLine => ({
      id: 'l',
      changeOrderId: 'co',
      position: 1,
      itemNumber: '1',
      costCode: '',
      description: 'x',
      amountCents,
    });
    assert.equal(changeOrderTotalCents({ lines: [] }), 0);
    assert.equal(changeOrderTotalCents({ lines: [line(250000), line(-75050), line(1)] }), 174951);
  });
});

describe('commitment rules', () => {
  test('the accounting method is locked once the SOV has lines', () => {
    assert.doesNotThrow(() => assertAccountingMethodChangeAllowed('amount', 'unit_quantity', 0));
    assert.doesNotThrow(() => assertAccountingMethodChangeAllowed('amount', 'amount', 12), 'keeping it is fine');
    assert.throws(() => assertAccountingMethodChangeAllowed('amount', 'unit_quantity', 1), isCode('accounting_method_locked', 'accountingMethod'));
  });

  test('Subcontractor SOV only on amount-based commitments', () => {
    assert.doesNotThrow(() => assertSsovAllowed('amount', true));
    assert.doesNotThrow(() => assertSsovAllowed('unit_quantity', false));
    assert.throws(() => assertSsovAllowed('unit_quantity', true), isCode('rule_violation', 'ssovEnabled'));
  });

  const rates: [number, boolean][] = [
    [0, true],
    [500, true],
    [10000, true],
    [-1, false],
    [10001, false],
    [2.5, false],
    [Number.NaN, false],
  ];
  for (const [bp, ok] of rates) {
    test(`a retainage rate of ${bp} bp is ${ok ? 'accepted' : 'refused'}`, () => {
      if (ok) assert.doesNotThrow(() => assertRetainageRate(bp, 'retainageWorkBp'));
      else assert.throws(() => assertRetainageRate(bp, 'retainageWorkBp'), isCode('validation_failed', 'retainageWorkBp'));
    });
  }

  test('a stale version is a version_conflict that says both versions', () => {
    assert.doesNotThrow(() => assertVersion(3, 3, 'commitment'));
    assert.throws(
      () => assertVersion(4, 3, 'commitment'),
      (e: unknown) =>
        isCode('version_conflict', 'version')(e) &&
        JSON.stringify((e as DomainError).details) === JSON.stringify({ currentVersion: 4, yourVersion: 3 }) &&
        /you had version 3, it is now 4/.test((e as DomainError).message),
    );
  });

  const lines: [string, { description: string; scheduledValueCents: number }, string | null][] = [
    ['a normal line', { description: 'Framing', scheduledValueCents: 1250000 }, null],
    ['a $0 line', { description: 'Allowance', scheduledValueCents: 0 }, null],
    ['a blank description', { description: '   ', scheduledValueCents: 100 }, 'lines.3.description'],
    ['a negative value', { description: 'Credit', scheduledValueCents: -1 }, 'lines.3.scheduledValueCents'],
    ['fractional cents', { description: 'Half', scheduledValueCents: 10.5 }, 'lines.3.scheduledValueCents'],
    ['an unsafe amount', { description: 'Huge', scheduledValueCents: 2 ** 53 }, 'lines.3.scheduledValueCents'],
  ];
  for (const [what, line, field] of lines) {
    test(`SOV line: ${what} → ${field ?? 'ok'}`, () => {
      if (field === null) assert.doesNotThrow(() => assertSovLineInput(line, 'lines.3.'));
      else assert.throws(() => assertSovLineInput(line, 'lines.3.'), isCode('validation_failed', field));
    });
  }

  test('the revised contract sum is the original plus net approved change orders', () => {
    assert.equal(revisedContractSum(10_000_000, 250_000), 10_250_000);
    assert.equal(revisedContractSum(10_000_000, -400_000), 9_600_000);
  });
});
