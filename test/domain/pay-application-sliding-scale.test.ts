/**
 * The sliding scale inside the pay application: it sets each line's work retainage (G702 5a), the
 * rest of the G703 is unchanged, the rule is named per line, releases do not reopen a cap, and the
 * withheld total carries from one application to the next.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computePayApplication, EMPTY_ENTRY, toDateAfter, workRetainageApplied, type ComputedLine, type LineSpec, type LineToDate } from '../../src/domain/pay-application.ts';
import type { SlidingScale } from '../../src/domain/sliding-scale.ts';

const line = (key: string, scheduled: number, work: number, extra: Partial<LineSpec> = {}): LineSpec => ({
  key,
  source: 'sov',
  itemNumber: key.slice(4),
  description: key,
  costCode: '',
  scheduledValueCents: scheduled,
  rates: { workBp: 1000, materialsBp: 1000 },
  entry: { ...EMPTY_ENTRY, workCompletedThisPeriodCents: work },
  ...extra,
});

// A 400,000.00 subcontract: 10% until 5% (20,000.00) is held, then nothing (Procore's example).
const procore: SlidingScale = { rules: [{ kind: 'until_percent_of_original', rateBp: 1000, thresholdBp: 500 }], afterRateBp: 0 };

function apply(lines: LineSpec[], previous: Map<string, LineToDate>, slidingScale: SlidingScale | null = procore) {
  return computePayApplication({ lines, previous, previousCertificatesCents: 0, allowOverbilling: true, slidingScale });
}

describe('pay application with a sliding scale', () => {
  test('the cap is shared by the lines and reached exactly over three applications', () => {
    let previous = new Map<string, LineToDate>();
    const held: number[] = [];
    for (const work of [[100_000_00, 50_000_00], [50_000_00, 50_000_00], [100_000_00, 0]]) {
      const app = apply([line('sov:1', 250_000_00, work[0]!), line('sov:2', 150_000_00, work[1]!)], previous);
      held.push(app.summary.retainageOnCompletedWorkCents);
      assert.equal(app.issues.length, 0);
      previous = new Map([...previous, ...toDateAfter(app)]);
    }
    // 15,000.00 on 150k of work; then only 5,000.00 of room is left; then nothing.
    assert.deepEqual(held, [15_000_00, 20_000_00, 20_000_00]);
  });

  test('each line names its rule; with no sliding scale nothing is named and the flat rate applies', () => {
    const app = apply([line('sov:1', 400_000_00, 10_000_00)], new Map());
    assert.equal(app.lines[0]?.workRetainageThisPeriodCents, 1_000_00);
    assert.match(app.lines[0]?.workRetainageRule ?? '', /^Rule 1: 10% until 5% of the original commitment value/);
    const flat = apply([line('sov:1', 400_000_00, 10_000_00, { rates: { workBp: 500, materialsBp: 0 } })], new Map(), null);
    assert.equal(flat.lines[0]?.workRetainageThisPeriodCents, 500_00);
    assert.equal(flat.lines[0]?.workRetainageRule, undefined);
  });

  test('a release does not reopen the cap: withheld to date is what the cap counts', () => {
    const first = apply([line('sov:1', 400_000_00, 200_000_00)], new Map());
    assert.equal(first.summary.retainageOnCompletedWorkCents, 20_000_00);
    const previous = toDateAfter(first);
    assert.equal(previous.get('sov:1')?.workWithheldCents, 20_000_00);
    const releasing = apply([line('sov:1', 400_000_00, 100_000_00, { entry: { ...EMPTY_ENTRY, workCompletedThisPeriodCents: 100_000_00, retainageReleasedCents: 5_000_00 } })], previous);
    assert.equal(releasing.lines[0]?.workRetainageThisPeriodCents, 0, 'the cap was reached before the release');
    assert.equal(releasing.summary.retainageOnCompletedWorkCents, 15_000_00);
    assert.equal(toDateAfter(releasing).get('sov:1')?.workWithheldCents, 20_000_00);
  });

  test('an override is taken as given and counts toward the cap; an impossible one is an issue on its line, not an error', () => {
    const overridden = apply([line('sov:1', 400_000_00, 10_000_00, { retainageOverride: { workRetainageThisPeriodCents: 19_000_00, reason: 'Disputed work' } }), line('sov:2', 0, 0)], new Map());
    assert.equal(overridden.lines[0]?.workRetainageThisPeriodCents, 19_000_00);
    assert.equal(overridden.lines[0]?.workRetainageOverridden, true);
    assert.equal(overridden.lines[0]?.workRetainageByRulesCents, 1_000_00);
    const impossible = apply([line('sov:1', 400_000_00, 0, { retainageOverride: { workRetainageThisPeriodCents: -5_00, reason: 'give back' } })], new Map());
    assert.equal(impossible.issues[0]?.code, 'retainage_rules');
    assert.equal(impossible.issues[0]?.key, 'sov:1');
  });
});

describe('the rate applied this period and the rule that set it (issue 10, item 6)', () => {
  // 400,000.00 of SOV on one line; 19,000.00 already withheld, 1,000.00 of room under the 20,000.00 cap.
  const nearCap = new Map<string, LineToDate>([
    ['sov:1', { workCompletedCents: 190_000_00, materialsStoredCents: 0, retainage: { workHeldCents: 19_000_00, materialsHeldCents: 0 }, workWithheldCents: 19_000_00 }],
  ]);
  const rules = (l: ComputedLine | undefined) => (l?.workRetainageRulesApplied ?? []).map((r) => [r.label, r.kind, r.rateBp, r.workCents, r.retainageCents, r.capped]);

  test('one rule on all of the work, its cap not reached: that rule’s nominal rate', () => {
    const l = apply([line('sov:1', 400_000_00, 10_000_00)], new Map()).lines[0];
    assert.equal(l?.workRetainageEffectiveRateBp, 1000);
    assert.deepEqual(rules(l), [['Rule 1', 'until_percent_of_original', 1000, 10_000_00, 1_000_00, false]]);
    assert.match(l?.workRetainageRulesApplied?.[0]?.description ?? '', /^Rule 1: 10% until 5% of the original commitment value \(20,000\.00\) is held$/);
  });

  test('the cap reached partway: retainage ÷ work, rounded half away from zero (1,000.00 on 30,000.00 = 3.33%), not the rule’s 10%', () => {
    const l = apply([line('sov:1', 400_000_00, 30_000_00)], nearCap).lines[0];
    assert.equal(l?.workRetainageThisPeriodCents, 1_000_00);
    assert.equal(l?.workRetainageEffectiveRateBp, 333);
    assert.deepEqual(rules(l), [
      ['Rule 1', 'until_percent_of_original', 1000, 10_000_00, 1_000_00, true],
      ['After the last rule', 'after', 0, 20_000_00, 0, false],
    ]);
  });

  test('a tier crossed this period: both rules named, blended rate (2,000.00 on 30,000.00 = 6.67%)', () => {
    const tiered: SlidingScale = { rules: [{ kind: 'until_amount', rateBp: 1000, capCents: 20_000_00 }], afterRateBp: 500 };
    const l = apply([line('sov:1', 400_000_00, 30_000_00)], nearCap, tiered).lines[0];
    assert.equal(l?.workRetainageThisPeriodCents, 2_000_00);
    assert.equal(l?.workRetainageEffectiveRateBp, 667);
    assert.deepEqual(rules(l), [
      ['Rule 1', 'until_amount', 1000, 10_000_00, 1_000_00, true],
      ['After the last rule', 'after', 500, 20_000_00, 1_000_00, false],
    ]);
  });

  test('the rate after the last rule alone; a scale without rules is a “Flat rate”', () => {
    const after = apply([line('sov:1', 400_000_00, 10_000_00)], new Map([['sov:1', { ...nearCap.get('sov:1')!, workWithheldCents: 20_000_00, retainage: { workHeldCents: 20_000_00, materialsHeldCents: 0 } }]])).lines[0];
    assert.equal(after?.workRetainageEffectiveRateBp, 0);
    assert.deepEqual(rules(after), [['After the last rule', 'after', 0, 10_000_00, 0, false]]);
    const only = apply([line('sov:1', 400_000_00, 10_000_00)], new Map(), { rules: [], afterRateBp: 250 }).lines[0];
    assert.equal(only?.workRetainageEffectiveRateBp, 250);
    assert.deepEqual(rules(only), [['Flat rate', 'after', 250, 10_000_00, 250_00, false]]);
  });

  test('an override: the amount over the work (it may pass 100%), named “Override” with its reason', () => {
    const l = apply([line('sov:1', 400_000_00, 10_000_00, { retainageOverride: { workRetainageThisPeriodCents: 1_500_00, reason: 'Disputed work' } })], new Map()).lines[0];
    assert.equal(l?.workRetainageEffectiveRateBp, 1500);
    assert.deepEqual(rules(l), [['Override', 'override', null, 10_000_00, 1_500_00, false]]);
    assert.equal(l?.workRetainageRulesApplied?.[0]?.description, 'Override by administrator: Disputed work');
  });

  test('no work this period: no rate applied (null) and no rule; flat lines always read their own rate', () => {
    const idle = apply([line('sov:1', 400_000_00, 0)], new Map()).lines[0];
    assert.deepEqual([idle?.workRetainageEffectiveRateBp, rules(idle)], [null, []]);
    const flat = apply([line('sov:1', 400_000_00, 0, { rates: { workBp: 750, materialsBp: 0 } })], new Map(), null).lines[0];
    assert.deepEqual([flat?.workRetainageEffectiveRateBp, rules(flat)], [750, []]);
  });

  test('lines of snapshots taken before these fields existed: flat lines read their rate, sliding-scale lines retainage ÷ work', () => {
    const strip = (l: ComputedLine | undefined): ComputedLine => {
      const { workRetainageEffectiveRateBp: _r, workRetainageRulesApplied: _a, ...old } = l!;
      return old;
    };
    const capped = apply([line('sov:1', 400_000_00, 30_000_00)], nearCap).lines[0];
    assert.deepEqual(workRetainageApplied(strip(capped)), { effectiveRateBp: 333, rules: [] });
    assert.deepEqual(workRetainageApplied(capped!), { effectiveRateBp: 333, rules: capped?.workRetainageRulesApplied });
    const flat = apply([line('sov:1', 400_000_00, 3, { rates: { workBp: 1000, materialsBp: 0 } })], new Map(), null).lines[0];
    assert.deepEqual(workRetainageApplied(strip(flat)), { effectiveRateBp: 1000, rules: [] }, 'not the 0.3 cent rounded away');
  });
});
