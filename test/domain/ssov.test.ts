/**
 * The Subcontractor SOV rules (src/domain/ssov.ts): remaining to allocate per SOV line (table-driven
 * and property-based), the status machine (one test per allowed and per forbidden status × action ×
 * actor), who edits in which status, the save plan and what billing forbids, the toggle rule, and
 * the G703 grouped by SOV line.
 * Source: the SSOV issue and /work/shared/reference/procore-invoicing.md §6, §10 (E3, E5, E9, E11).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { SovLine } from '../../src/domain/commitment.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { computePayApplication, type LineSpec } from '../../src/domain/pay-application.ts';
import {
  allocationsOf,
  assertCanEditLines,
  assertCanRequest,
  assertFullyAllocated,
  assertSsovEnabled,
  assertSsovToggleAllowed,
  availableSsovActions,
  detailItemNumber,
  detailLineFreedom,
  groupBySovLine,
  isFullyAllocated,
  isSsovApprovedForBilling,
  mustStayFullyAllocated,
  planSsovSave,
  SSOV_ACTIONS,
  SSOV_STATUSES,
  transitionSsov,
  type DetailLineUse,
  type SsovAction,
  type SsovActor,
  type SsovLine,
  type SsovStatus,
} from '../../src/domain/ssov.ts';

const isCode = (code: string, field?: string) => (e: unknown) =>
  e instanceof DomainError && e.code === code && (field === undefined || e.field === field);

/** A removed stored line is not in the request: its detail names it by `lineId` at path `lines`. */
const removedLineIds = (e: unknown) =>
  ((e as DomainError).details as { path: string; lineId?: string }[]).filter((d) => d.path === 'lines').map((d) => d.lineId);

const sov = (id: string, item: string, cents: number, description = `Line ${item}`): SovLine => ({
  id,
  commitmentId: 'c',
  position: Number(item) || 1,
  itemNumber: item,
  costCode: '',
  description,
  scheduledValueCents: cents,
});
const detail = (id: string, sovLineId: string, cents: number, position = 1, description = `Detail ${id}`): SsovLine => ({
  id,
  commitmentId: 'c',
  sovLineId,
  position,
  description,
  costCode: '',
  amountCents: cents,
});

const SITE = sov('s1', '1', 40_000_00, 'Materials');
const LABOR = sov('s2', '2', 8_500_00, 'Labor');
const ZERO = sov('s3', '3', 0, 'Allowance');

// ───────────────────────────── remaining to allocate ─────────────────────────────

describe('allocationsOf: remaining to allocate per SOV line', () => {
  const cases: [string, SsovLine[], [number, number][], boolean][] = [
    // [what, detail lines, per SOV line [allocated, remaining], fully allocated]
    ['nothing allocated yet', [], [[0, 40_000_00], [0, 8_500_00], [0, 0]], false],
    [
      "the reference's example: $40,000 → 10,000 + 5,000 + 12,000 + 13,000, and $8,500 in one line",
      [detail('a', 's1', 10_000_00), detail('b', 's1', 5_000_00), detail('c', 's1', 12_000_00), detail('d', 's1', 13_000_00), detail('e', 's2', 8_500_00)],
      [[40_000_00, 0], [8_500_00, 0], [0, 0]],
      true,
    ],
    ['one cent short', [detail('a', 's1', 39_999_99), detail('e', 's2', 8_500_00)], [[39_999_99, 1], [8_500_00, 0], [0, 0]], false],
    ['over-allocated: remaining is negative', [detail('a', 's1', 40_000_01), detail('e', 's2', 8_500_00)], [[40_000_01, -1], [8_500_00, 0], [0, 0]], false],
    ['a zero SOV line may have zero-amount detail lines', [detail('a', 's1', 40_000_00), detail('e', 's2', 8_500_00), detail('z', 's3', 0)], [[40_000_00, 0], [8_500_00, 0], [0, 0]], true],
    ['detail lines of an SOV line not in the list are ignored', [detail('a', 's1', 40_000_00), detail('e', 's2', 8_500_00), detail('x', 'gone', 5)], [[40_000_00, 0], [8_500_00, 0], [0, 0]], true],
  ];
  for (const [what, details, expected, full] of cases) {
    test(what, () => {
      const allocations = allocationsOf([SITE, LABOR, ZERO], details);
      assert.deepEqual(allocations.map((a) => [a.allocatedCents, a.remainingCents]), expected);
      assert.equal(isFullyAllocated(allocations), full);
      assert.deepEqual(allocations.map((a) => a.sovLine.id), ['s1', 's2', 's3'], 'every SOV line, in SOV order');
    });
  }

  test('allocated + remaining is always the scheduled value, exactly (no rounding)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000_000_00 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.tuple(fc.nat({ max: 7 }), fc.integer({ min: 0, max: 1_000_000_000_00 })), { maxLength: 40 }),
        (values, parts) => {
          const lines = values.map((v, i) => sov(`s${i}`, String(i + 1), v));
          const details = parts.map(([i, cents], n) => detail(`d${n}`, `s${i % values.length}`, cents));
          for (const a of allocationsOf(lines, details)) {
            assert.equal(a.allocatedCents + a.remainingCents, a.sovLine.scheduledValueCents);
            assert.equal(a.isFullyAllocated, a.remainingCents === 0);
          }
        },
      ),
    );
  });
});

describe('assertFullyAllocated', () => {
  test('names every SOV line not fully allocated, with its remaining amount, and nothing else', () => {
    const allocations = allocationsOf([SITE, LABOR, ZERO], [detail('a', 's1', 30_000_00), detail('e', 's2', 9_000_00)]);
    assert.throws(
      () => assertFullyAllocated(allocations, 'before it is submitted for review'),
      (e: unknown) => {
        assert.ok(e instanceof DomainError);
        assert.equal(e.code, 'ssov_not_allocated');
        assert.equal(e.field, 'lines');
        assert.match(e.message, /line 1 \(Materials\) has 10,000\.00 remaining to allocate/);
        assert.match(e.message, /line 2 \(Labor\) is over-allocated by 500\.00/);
        assert.doesNotMatch(e.message, /Allowance/);
        assert.deepEqual(
          (e.details as { path: string; sovLineId?: string }[]).map((d) => [d.path, d.sovLineId]),
          [
            ['lines', 's1'],
            ['lines', 's2'],
          ],
          'an SOV line has no place in the request: named by id beside the path',
        );
        return true;
      },
    );
  });
  test('passes when every line is at zero', () => {
    assert.doesNotThrow(() => assertFullyAllocated(allocationsOf([SITE, ZERO], [detail('a', 's1', 40_000_00)]), 'now'));
  });
});

test('detail item numbers follow the SOV item, or its position when it has none', () => {
  assert.equal(detailItemNumber({ itemNumber: '2', position: 2 }, 3), '2.3');
  assert.equal(detailItemNumber({ itemNumber: ' ', position: 4 }, 1), '4.1');
  assert.equal(detailItemNumber({ itemNumber: 'A-10', position: 9 }, 12), 'A-10.12');
});

test('approved for billing = approved and still fully allocated against the current SOV', () => {
  assert.equal(isSsovApprovedForBilling({ status: 'approved', unallocatedSovLineCount: 0 }), true);
  assert.equal(isSsovApprovedForBilling({ status: 'approved', unallocatedSovLineCount: 1 }), false, 'the SOV changed after approval');
  for (const status of ['draft', 'under_review', 'revise_and_resubmit', null] as const) {
    assert.equal(isSsovApprovedForBilling({ status, unallocatedSovLineCount: 0 }), false, String(status));
  }
});

// ───────────────────────────── status machine ─────────────────────────────

const FULL = allocationsOf([SITE], [detail('a', 's1', 40_000_00)]);
const SHORT = allocationsOf([SITE], [detail('a', 's1', 1)]);

/** [from, action, actor, to] — everything that is allowed; every other combination is refused. */
const ALLOWED: [SsovStatus, SsovAction, SsovActor, SsovStatus][] = [
  ['draft', 'submit', 'contact', 'under_review'],
  ['draft', 'submit', 'admin', 'under_review'],
  ['revise_and_resubmit', 'submit', 'contact', 'under_review'],
  ['revise_and_resubmit', 'submit', 'admin', 'under_review'],
  ['under_review', 'approve', 'admin', 'approved'],
  ['draft', 'approve', 'admin', 'approved'],
  ['revise_and_resubmit', 'approve', 'admin', 'approved'],
  ['under_review', 'send_back', 'admin', 'revise_and_resubmit'],
  ['approved', 'send_back', 'admin', 'revise_and_resubmit'],
];

describe('transitionSsov', () => {
  for (const from of SSOV_STATUSES) {
    for (const action of SSOV_ACTIONS) {
      for (const actor of ['contact', 'admin'] as const) {
        const allowed = ALLOWED.find(([f, a, who]) => f === from && a === action && who === actor);
        if (allowed) {
          test(`given ${from}, when the ${actor} does ${action}, then it is ${allowed[3]}`, () => {
            assert.equal(transitionSsov(from, action, actor, { allocations: FULL, reason: 'Split line 1 by vendor' }), allowed[3]);
          });
        } else {
          const code = actor === 'contact' && action !== 'submit' ? 'forbidden' : 'invalid_transition';
          test(`given ${from}, when the ${actor} does ${action}, then it is refused (${code})`, () => {
            assert.throws(() => transitionSsov(from, action, actor, { allocations: FULL, reason: 'x' }), isCode(code, 'action'));
          });
        }
      }
    }
  }

  test('submitting and approving need every SOV line fully allocated', () => {
    assert.throws(() => transitionSsov('draft', 'submit', 'contact', { allocations: SHORT }), isCode('ssov_not_allocated', 'lines'));
    assert.throws(() => transitionSsov('under_review', 'approve', 'admin', { allocations: SHORT }), isCode('ssov_not_allocated', 'lines'));
  });

  test('sending back needs a reason', () => {
    for (const reason of [undefined, null, '', '   ']) {
      assert.throws(() => transitionSsov('under_review', 'send_back', 'admin', { allocations: FULL, reason }), isCode('validation_failed', 'reason'));
    }
  });

  test('available actions match the allowed transitions', () => {
    for (const status of SSOV_STATUSES) {
      for (const actor of ['contact', 'admin'] as const) {
        const expected = SSOV_ACTIONS.filter((a) => ALLOWED.some(([f, x, who]) => f === status && x === a && who === actor));
        assert.deepEqual(availableSsovActions(status, actor), expected, `${status} / ${actor}`);
      }
    }
  });
});

describe('who edits the lines, and when', () => {
  for (const status of SSOV_STATUSES) {
    const contactMay = status === 'draft' || status === 'revise_and_resubmit';
    test(`${status}: contacts ${contactMay ? 'may' : 'may not'} edit, administrators may`, () => {
      if (contactMay) assert.doesNotThrow(() => assertCanEditLines(status, 'contact'));
      else assert.throws(() => assertCanEditLines(status, 'contact'), isCode('invalid_state', 'status'));
      assert.doesNotThrow(() => assertCanEditLines(status, 'admin'));
      assert.equal(mustStayFullyAllocated(status), !contactMay, 'under review or approved, a save keeps it fully allocated');
      if (contactMay) assert.doesNotThrow(() => assertCanRequest(status));
      else assert.throws(() => assertCanRequest(status), isCode('invalid_state', 'status'));
    });
  }

  test('every action needs the SSOV enabled', () => {
    assert.throws(() => assertSsovEnabled({ ssovEnabled: false }), isCode('invalid_state', 'ssovEnabled'));
    assert.doesNotThrow(() => assertSsovEnabled({ ssovEnabled: true }));
  });

  test('it is turned on or off only before the first invoice', () => {
    assert.doesNotThrow(() => assertSsovToggleAllowed(false, true, 0));
    assert.doesNotThrow(() => assertSsovToggleAllowed(true, false, 0));
    assert.doesNotThrow(() => assertSsovToggleAllowed(true, true, 3), 'no change');
    assert.throws(() => assertSsovToggleAllowed(false, true, 1), isCode('rule_violation', 'ssovEnabled'));
    assert.throws(() => assertSsovToggleAllowed(true, false, 2), (e: unknown) => isCode('rule_violation', 'ssovEnabled')(e) && /2 invoices/.test((e as Error).message));
  });
});

// ───────────────────────────── saving, and what billing forbids ─────────────────────────────

describe('planSsovSave', () => {
  const stored = [detail('a', 's1', 30_000_00, 1, 'Vendor 1'), detail('b', 's1', 10_000_00, 2, 'Vendor 2'), detail('c', 's2', 8_500_00, 1, 'Crew')];
  const ids = new Set(['s1', 's2', 's3']);
  const keepAll = stored.map((l) => ({ id: l.id, sovLineId: l.sovLineId, description: l.description, amountCents: l.amountCents }));
  const approved: DetailLineUse = { invoiceLabel: '#1', isApproved: true, hasAmounts: true };
  const draftWithAmounts: DetailLineUse = { invoiceLabel: '#2', isApproved: false, hasAmounts: true };
  const draftEmpty: DetailLineUse = { invoiceLabel: '#2', isApproved: false, hasAmounts: false };

  test('positions follow the array order under each SOV line; left-out lines are removed', () => {
    const plan = planSsovSave({
      sovLineIds: ids,
      current: stored,
      next: [
        { sovLineId: 's2', description: ' New crew ', amountCents: 1 },
        { id: 'b', sovLineId: 's1', description: 'Vendor 2', amountCents: 10_000_00 },
        { id: 'c', sovLineId: 's2', description: 'Crew', amountCents: 8_499_99, costCode: ' 03-100 ' },
      ],
      uses: new Map(),
    });
    assert.deepEqual(plan.removedIds, ['a']);
    assert.deepEqual(plan.lines.map((l) => [l.id ?? 'new', l.sovLineId, l.position, l.description, l.costCode]), [
      ['new', 's2', 1, 'New crew', ''],
      ['b', 's1', 1, 'Vendor 2', ''],
      ['c', 's2', 2, 'Crew', '03-100'],
    ]);
  });

  const invalid: [string, Parameters<typeof planSsovSave>[0]['next'], string][] = [
    ['an SOV line of another commitment', [{ sovLineId: 'elsewhere', description: 'x', amountCents: 1 }], 'lines.0.sovLineId'],
    ['an unknown id', [{ id: 'zz', sovLineId: 's1', description: 'x', amountCents: 1 }], 'lines.0.id'],
    ['the same id twice', [...keepAll, { id: 'a', sovLineId: 's1', description: 'x', amountCents: 1 }], 'lines.3.id'],
    ['a blank description', [{ sovLineId: 's1', description: '  ', amountCents: 1 }], 'lines.0.description'],
    ['a negative amount', [{ sovLineId: 's1', description: 'x', amountCents: -1 }], 'lines.0.amountCents'],
    ['a fraction of a cent', [{ sovLineId: 's1', description: 'x', amountCents: 0.5 }], 'lines.0.amountCents'],
  ];
  for (const [what, next, field] of invalid) {
    test(`refuses ${what} (validation_failed at ${field})`, () => {
      assert.throws(() => planSsovSave({ sovLineIds: ids, current: stored, next, uses: new Map() }), isCode('validation_failed', field));
    });
  }

  test('a line billed on an approved invoice keeps its amount and SOV line, and stays; the message names the invoice', () => {
    const uses = new Map([['a', [approved, draftEmpty]]]);
    const changed = keepAll.map((l) => (l.id === 'a' ? { ...l, amountCents: 29_000_00 } : l));
    assert.throws(
      () => planSsovSave({ sovLineIds: ids, current: stored, next: changed, uses }),
      (e: unknown) => isCode('ssov_line_billed', 'lines.0.amountCents')(e) && /approved invoice #1/.test((e as Error).message) && /Vendor 1/.test((e as Error).message),
    );
    const moved = keepAll.map((l) => (l.id === 'a' ? { ...l, sovLineId: 's2' } : l));
    assert.throws(() => planSsovSave({ sovLineIds: ids, current: stored, next: moved, uses }), isCode('ssov_line_billed', 'lines.0.sovLineId'));
    assert.throws(
      () => planSsovSave({ sovLineIds: ids, current: stored, next: keepAll.filter((l) => l.id !== 'a'), uses }),
      (e: unknown) => isCode('ssov_line_billed', 'lines')(e) && removedLineIds(e).join() === 'a' && /cannot be removed/.test((e as Error).message),
    );
    // Its description may change: the approved invoice keeps what it printed (its snapshot).
    const renamed = keepAll.map((l) => (l.id === 'a' ? { ...l, description: 'Vendor One' } : l));
    assert.doesNotThrow(() => planSsovSave({ sovLineIds: ids, current: stored, next: renamed, uses }));
  });

  test('a line on an approved invoice that billed nothing on it may be re-amounted, but stays', () => {
    const uses = new Map([['c', [{ invoiceLabel: 'PA-1', isApproved: true, hasAmounts: false }]]]);
    assert.doesNotThrow(() => planSsovSave({ sovLineIds: ids, current: stored, next: keepAll.map((l) => (l.id === 'c' ? { ...l, amountCents: 1 } : l)), uses }));
    assert.throws(
      () => planSsovSave({ sovLineIds: ids, current: stored, next: keepAll.filter((l) => l.id !== 'c'), uses }),
      (e: unknown) => isCode('ssov_line_billed', 'lines')(e) && removedLineIds(e).join() === 'c' && /approved invoice PA-1/.test((e as Error).message),
    );
  });

  test('what billing still allows, line by line', () => {
    assert.deepEqual(detailLineFreedom([]), { billedOn: [], approvedOn: [], amountsOn: [], canChangeAmount: true, canChangeSovLine: true, canRemove: true });
    assert.deepEqual(detailLineFreedom([approved, draftEmpty]), {
      billedOn: ['#1'],
      approvedOn: ['#1'],
      amountsOn: [],
      canChangeAmount: false,
      canChangeSovLine: false,
      canRemove: false,
    });
    assert.deepEqual(detailLineFreedom([draftWithAmounts]), { billedOn: [], approvedOn: [], amountsOn: ['#2'], canChangeAmount: true, canChangeSovLine: false, canRemove: false });
  });

  test('amounts entered on a not-yet-approved invoice keep the line from being removed, not from being re-amounted', () => {
    const uses = new Map([['b', [draftWithAmounts]]]);
    assert.throws(
      () => planSsovSave({ sovLineIds: ids, current: stored, next: keepAll.filter((l) => l.id !== 'b'), uses }),
      (e: unknown) => isCode('ssov_line_billed', 'lines')(e) && removedLineIds(e).join() === 'b' && /invoice #2/.test((e as Error).message),
    );
    assert.doesNotThrow(() => planSsovSave({ sovLineIds: ids, current: stored, next: keepAll.map((l) => (l.id === 'b' ? { ...l, amountCents: 1 } : l)), uses }));
  });

  test('a line on an invoice only without amounts can be removed, but not moved', () => {
    const uses = new Map([['c', [draftEmpty]]]);
    assert.deepEqual(planSsovSave({ sovLineIds: ids, current: stored, next: keepAll.filter((l) => l.id !== 'c'), uses }).removedIds, ['c']);
    assert.throws(
      () => planSsovSave({ sovLineIds: ids, current: stored, next: keepAll.map((l) => (l.id === 'c' ? { ...l, sovLineId: 's1' } : l)), uses }),
      isCode('ssov_line_billed', 'lines.2.sovLineId'),
    );
  });

  test('every problem is reported at once', () => {
    const uses = new Map([
      ['a', [approved]],
      ['b', [draftWithAmounts]],
    ]);
    assert.throws(
      () => planSsovSave({ sovLineIds: ids, current: stored, next: [{ id: 'a', sovLineId: 's1', description: 'Vendor 1', amountCents: 1 }], uses }),
      (e: unknown) => e instanceof DomainError && Array.isArray(e.details) && e.details.length === 2,
    );
  });
});

// ───────────────────────────── G703 grouped by SOV line ─────────────────────────────

test('the G703 groups detail lines under their SOV line, with subtotals that tie to the lines; change orders stay apart', () => {
  const rates = { workBp: 1000, materialsBp: 0 };
  const entry = (work: number) => ({ workCompletedThisPeriodCents: work, percentCompleteToDateBp: null, materialsStoredNewCents: 0, materialsInstalledCents: 0, retainageReleasedCents: 0 });
  const parent = { key: 'sov:s1', itemNumber: '1', description: 'Materials' };
  const lines: LineSpec[] = [
    { key: 'ssov:a', source: 'sov', parent, itemNumber: '1.1', description: 'Vendor 1', costCode: '', scheduledValueCents: 30_000_00, rates, entry: entry(3_333_33) },
    { key: 'ssov:b', source: 'sov', parent, itemNumber: '1.2', description: 'Vendor 2', costCode: '', scheduledValueCents: 10_000_00, rates, entry: entry(1_111_11) },
    { key: 'sov:s2', source: 'sov', itemNumber: '2', description: 'Labor', costCode: '', scheduledValueCents: 8_500_00, rates, entry: entry(0) },
    { key: 'co:x', source: 'change_order', itemNumber: 'CO1.1', description: 'Extra', costCode: '', scheduledValueCents: 500_00, rates, entry: entry(500_00) },
  ];
  const app = computePayApplication({ lines, previous: new Map(), previousCertificatesCents: 0, allowOverbilling: true });
  assert.deepEqual(app.lines[0]?.parent, parent, 'the parent travels into the computed line (and so into the approval snapshot)');
  assert.equal(app.summary.originalContractSumCents, 48_500_00, 'G702 line 1 sums the detail lines');
  const groups = groupBySovLine(app.lines);
  assert.deepEqual(groups.map((g) => [g.key, g.itemNumber, g.description, g.lineKeys]), [
    ['sov:s1', '1', 'Materials', ['ssov:a', 'ssov:b']],
    ['sov:s2', '2', 'Labor', ['sov:s2']],
  ]);
  const [materials] = groups;
  assert.equal(materials?.scheduledValueCents, 40_000_00);
  assert.equal(materials?.workCompletedThisPeriodCents, 4_444_44);
  assert.equal(materials?.retainageHeldCents, (app.lines[0]?.retainageHeldCents ?? 0) + (app.lines[1]?.retainageHeldCents ?? 0));
  assert.equal(materials?.balanceToFinishCents, 40_000_00 - 4_444_44);
});
