/**
 * Sliding-scale retention (src/domain/sliding-scale.ts, docs/decisions/008-sliding-scale-retention.md):
 * public worked examples of tiered and capped retention, recomputed by hand in a comment above each
 * case, then property tests over random rules, lines and chains of invoices.
 *
 * Money is written as dollars ('20,000.00') and converted to cents. Where a source gives only some
 * of the numbers (a rule shape, not the invoices), the missing inputs are ours and the comment says so.
 *
 * Sources:
 *   [S-ssr]   https://support.procore.com/products/online/user-guide/project-level/commitments/tutorials/enable-sliding-scale-retention-rules-on-a-commitments-invoices
 *             ($400,000.00 subcontract; "deduct 10% of the amount due on each invoice until 5% of the
 *             original commitment value ($20,000.00) is held back")
 *   [S-ssr-release] https://support.procore.com/product-releases/new-releases/commitments-sliding-scale-retention-now-available-in-all-countries
 *             (up to five rules; "X% until Y% of original commitment value is held", "X% until Y% Revised
 *             Commitment Value", "$ Amount is Held"; settings "cannot be applied to invoices retroactively")
 *   [FL]      Florida Statutes §255.078 and §218.735(8) before 1 Oct 2020 (HB 101 made them a flat 5%): up to
 *             10% of each progress payment until 50% completion, then 5%. Summarised at
 *             https://www.levelset.com/news/florida-retainage-bill-reaches-governors-office/ and
 *             https://www.creditorcollectionstoday.com/government/?open-article-id=14585218 (Jimerson Birr).
 *   [JDE]     JD Edwards EnterpriseOne 9.2 Contract and Service Billing Implementation Guide, "Understanding
 *             Retainage Calculations": https://docs.oracle.com/en/applications/jd-edwards/project-management/9.2/eoasb/
 *             example-setup-3.html (rule E: 10% to 20% complete, 15% to 38% complete), retainage-calculations-5.html
 *             (SOV 12,000.00 → 564.00 = 94.00 + 470.00), retainage-calculations.html (SOV 17,000.00, a third tier
 *             at 25% → 984.00 = 164.00 + 820.00), retainage-calculations-1.html / -2.html (10% to 30%: 360.00 =
 *             60.00 + 300.00 and 510.00 = 85.00 + 425.00). In each, the billing lines net 1,200.00 and 6,000.00.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors.ts';
import { parseDecimalToCents } from '../../src/domain/money.ts';
import { computeLineRetainage } from '../../src/domain/retainage.ts';
import {
  computeSlidingScaleRetainage,
  formatRate,
  sameSlidingScale,
  validateRules,
  validateSlidingScale,
  type SlidingScale,
  type SlidingScaleInput,
  type SlidingScaleLineInput,
  type SlidingScaleResult,
  type SlidingScaleRule,
} from '../../src/domain/sliding-scale.ts';

// ───────────────────────────── helpers ─────────────────────────────

/** '1,991.25' → 199125 cents. */
const $ = (text: string): number => parseDecimalToCents(text.replaceAll(',', ''));

const cents = (v: string | number): number => (typeof v === 'number' ? v : $(v));

const PROCORE: SlidingScale = { rules: [{ kind: 'until_percent_of_original', rateBp: 1000, thresholdBp: 500 }], afterRateBp: 0 };

/** A commitment billed invoice after invoice: D, each line's held retainage and the withheld total carry forward. */
class Chain {
  readonly D = new Map<string, number>();
  readonly held = new Map<string, number>();
  withheld = 0;
  constructor(
    public scale: SlidingScale,
    public original: number,
    public revised: number,
    public lines: { key: string; C: number }[],
  ) {}

  input(E: Record<string, string | number>, overrides: Record<string, { amount: string; reason: string }> = {}): SlidingScaleInput {
    return {
      scale: this.scale,
      originalCommitmentValueCents: this.original,
      revisedCommitmentValueCents: this.revised,
      withheldBeforeCents: this.withheld,
      lines: this.lines.map((l): SlidingScaleLineInput => {
        const o = overrides[l.key];
        return {
          key: l.key,
          scheduledValueCents: l.C,
          workCompletedPreviousCents: this.D.get(l.key) ?? 0,
          workCompletedThisPeriodCents: cents(E[l.key] ?? 0),
          workRetainageHeldPreviousCents: this.held.get(l.key) ?? 0,
          override: o ? { workRetainageThisPeriodCents: $(o.amount), reason: o.reason } : null,
        };
      }),
    };
  }

  /** Computes the next invoice and carries it forward (as if approved). */
  bill(E: Record<string, string | number>, overrides: Record<string, { amount: string; reason: string }> = {}): SlidingScaleResult {
    const input = this.input(E, overrides);
    const result = computeSlidingScaleRetainage(input);
    input.lines.forEach((l, i) => {
      const out = result.lines[i]!;
      this.D.set(l.key, l.workCompletedPreviousCents + l.workCompletedThisPeriodCents);
      this.held.set(l.key, out.workRetainageHeldCents);
    });
    this.withheld = result.withheldAfterCents;
    return result;
  }
}

const lineOf = (r: SlidingScaleResult, key: string) => {
  const l = r.lines.find((x) => x.key === key);
  assert.ok(l, `line ${key}`);
  return l;
};
const amounts = (r: SlidingScaleResult) => Object.fromEntries(r.lines.map((l) => [l.key, l.workRetainageThisPeriodCents]));

function expectValidation(fn: () => unknown, field: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DomainError, `expected a DomainError, got ${String(e)}`);
    assert.equal(e.code, 'validation_failed');
    assert.equal(e.field, field);
    if (message) assert.match(e.message, message);
    return true;
  });
}

// ───────────────────────────── worked examples ─────────────────────────────

describe('Procore: 10% until 5% of the original commitment value is held [S-ssr]', () => {
  // $400,000.00 subcontract: 5% of it is $20,000.00. Invoices of $100,000.00 each (ours; the source
  // gives the rule, not the invoices): 10% × 100,000 = 10,000 → held 10,000; again → 20,000 = the cap;
  // then the rule is reached and the rate after it (0%) applies: 0, 0.
  test('$100k × 4 → 10,000.00, 10,000.00, 0.00, 0.00; held stops at 20,000.00', () => {
    const c = new Chain(PROCORE, $('400,000.00'), $('400,000.00'), [{ key: 'sov:1', C: $('400,000.00') }]);
    const held: number[] = [];
    const thisPeriod: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = c.bill({ 'sov:1': '100,000.00' });
      thisPeriod.push(r.thisPeriodCents);
      held.push(r.withheldAfterCents);
    }
    assert.deepEqual(thisPeriod, [$('10,000.00'), $('10,000.00'), 0, 0]);
    assert.deepEqual(held, [$('10,000.00'), $('20,000.00'), $('20,000.00'), $('20,000.00')]);
    assert.equal(c.held.get('sov:1'), $('20,000.00'));
  });

  test('the rule is explained on the line, with the cap resolved in money', () => {
    const c = new Chain(PROCORE, $('400,000.00'), $('400,000.00'), [{ key: 'sov:1', C: $('400,000.00') }]);
    const r = c.bill({ 'sov:1': '100,000.00' });
    assert.equal(r.rules[0]!.description, 'Rule 1: 10% until 5% of the original commitment value (20,000.00) is held');
    assert.equal(r.rules[0]!.capCents, $('20,000.00'));
    assert.equal(r.capInForceCents, $('20,000.00'));
    assert.equal(r.ceilingCents, $('20,000.00'));
    const l = lineOf(r, 'sov:1');
    assert.equal(l.segments.length, 1);
    assert.equal(l.segments[0]!.ruleIndex, 0);
    assert.equal(
      l.explanation,
      'Rule 1: 10% until 5% of the original commitment value (20,000.00) is held — 10,000.00 held on 100,000.00 of work',
    );
    c.bill({ 'sov:1': '100,000.00' });
    const r3 = c.bill({ 'sov:1': '100,000.00' });
    assert.equal(lineOf(r3, 'sov:1').explanation, 'After the last rule: 0% — 0.00 held on 100,000.00 of work');
    assert.equal(r3.rules[0]!.reachedBefore, true);
    assert.equal(r3.capInForceCents, null);
  });

  // $150,000.00 then $100,000.00: 15,000.00; then 5,000.00 of room is left, which 10% reaches after
  // 50,000.00 of work; the other 50,000.00 falls to the 0% after the rule → 5,000.00.
  test('the cap binds mid-invoice: $150k → 15,000.00; $100k → 5,000.00 (50,000.00 at 10%, 50,000.00 at 0%)', () => {
    const c = new Chain(PROCORE, $('400,000.00'), $('400,000.00'), [{ key: 'sov:1', C: $('400,000.00') }]);
    assert.equal(c.bill({ 'sov:1': '150,000.00' }).thisPeriodCents, $('15,000.00'));
    const r = c.bill({ 'sov:1': '100,000.00' });
    assert.equal(r.thisPeriodCents, $('5,000.00'));
    const l = lineOf(r, 'sov:1');
    assert.equal(l.capped, true);
    assert.deepEqual(
      l.segments.map((s) => [s.ruleIndex, s.workCents, s.retainageCents, s.capped]),
      [
        [0, $('50,000.00'), $('5,000.00'), true],
        [null, $('50,000.00'), 0, false],
      ],
    );
    assert.match(l.explanation, /the cap of 20,000\.00 was reached/);
  });

  // Three lines under a fixed cap of 5,000.00 (ours) with 4,990.00 already withheld: 10.00 (1,000 cents)
  // of room; each line would hold 10% × 3,000.00 = 300.00 → the room is split 1,000 ÷ 3 = 333⅓ cents
  // each; the extra cent goes to the smallest key ('sov:a'): 3.34, 3.33, 3.33, whatever the line order.
  test('capped room is split by largest remainder, ties to the smallest key, whatever the line order', () => {
    const scale: SlidingScale = { rules: [{ kind: 'until_amount', rateBp: 1000, capCents: $('5,000.00') }], afterRateBp: 0 };
    const lines = ['sov:c', 'sov:a', 'sov:b'].map((key) => ({
      key,
      scheduledValueCents: $('100,000.00'),
      workCompletedPreviousCents: 0,
      workCompletedThisPeriodCents: $('3,000.00'),
      workRetainageHeldPreviousCents: 0,
    }));
    const base = { scale, originalCommitmentValueCents: $('300,000.00'), revisedCommitmentValueCents: $('300,000.00'), withheldBeforeCents: $('4,990.00') };
    const r = computeSlidingScaleRetainage({ ...base, lines });
    assert.deepEqual(amounts(r), { 'sov:a': 334, 'sov:b': 333, 'sov:c': 333 });
    assert.equal(r.withheldAfterCents, $('5,000.00'));
    assert.deepEqual(r.lines.map((l) => l.key), ['sov:c', 'sov:a', 'sov:b'], 'lines come back in the order given');
    const reversed = computeSlidingScaleRetainage({ ...base, lines: [...lines].reverse() });
    assert.deepEqual(amounts(reversed), amounts(r));
  });
});

describe('Tiered by percent complete: 10% until 50% complete, then 5% [FL] [JDE]', () => {
  // Florida's public-works rule (before Oct 2020): 10% until 50% completion, then 5%. A $1,000,000.00
  // contract (ours) billed 300,000 / 300,000 / 400,000:
  //   1: 0 → 30%:  300,000 × 10%                      = 30,000.00
  //   2: 30 → 60%: 200,000 × 10% + 100,000 × 5%       = 20,000 + 5,000 = 25,000.00
  //   3: 60 → 100%: 400,000 × 5%                      = 20,000.00          total 75,000.00
  // (The statute reduces "each subsequent progress payment"; we split the crossing payment at the
  // 50% point, as JD Edwards does [JDE], rather than holding all of it at 10%.)
  const tiers = (kind: 'by_line_percent_complete' | 'by_commitment_percent_complete'): SlidingScale => ({
    rules: [{ kind, rateBp: 1000, untilCompleteBp: 5000 }],
    afterRateBp: 500,
  });

  for (const kind of ['by_commitment_percent_complete', 'by_line_percent_complete'] as const) {
    test(`${kind}: one $1,000,000.00 line → 30,000.00, 25,000.00, 20,000.00`, () => {
      const c = new Chain(tiers(kind), $('1,000,000.00'), $('1,000,000.00'), [{ key: 'sov:1', C: $('1,000,000.00') }]);
      const got = ['300,000.00', '300,000.00', '400,000.00'].map((E) => c.bill({ 'sov:1': E }).thisPeriodCents);
      assert.deepEqual(got, [$('30,000.00'), $('25,000.00'), $('20,000.00')]);
      assert.equal(c.withheld, $('75,000.00'));
    });
  }

  test('the crossing invoice shows both steps on the line', () => {
    const c = new Chain(tiers('by_line_percent_complete'), $('1,000,000.00'), $('1,000,000.00'), [{ key: 'sov:1', C: $('1,000,000.00') }]);
    c.bill({ 'sov:1': '300,000.00' });
    const l = lineOf(c.bill({ 'sov:1': '300,000.00' }), 'sov:1');
    assert.deepEqual(
      l.segments.map((s) => [s.ruleIndex, s.rateBp, s.workCents, s.retainageCents]),
      [
        [0, 1000, $('200,000.00'), $('20,000.00')],
        [null, 500, $('100,000.00'), $('5,000.00')],
      ],
    );
    assert.equal(
      l.explanation,
      'Rule 1: 10% until the line is 50% complete — 20,000.00 held on 200,000.00 of work; After the last rule: 5% — 5,000.00 held on 100,000.00 of work',
    );
  });

  // Per line vs per commitment (ours): two $500,000.00 lines; line A bills 400,000 (80% of A), B nothing,
  // so the commitment is 40% complete.
  //   per commitment: all 400,000 below 50% of 1,000,000 → 10% = 40,000.00
  //   per line:       A's first 250,000 (50% of 500,000) at 10% + 150,000 at 5% = 25,000 + 7,500 = 32,500.00
  test('a line step and a commitment step differ when lines progress unevenly', () => {
    const lines = [
      { key: 'sov:A', C: $('500,000.00') },
      { key: 'sov:B', C: $('500,000.00') },
    ];
    const perCommitment = new Chain(tiers('by_commitment_percent_complete'), $('1,000,000.00'), $('1,000,000.00'), lines);
    const perLine = new Chain(tiers('by_line_percent_complete'), $('1,000,000.00'), $('1,000,000.00'), lines);
    assert.equal(perCommitment.bill({ 'sov:A': '400,000.00' }).thisPeriodCents, $('40,000.00'));
    assert.equal(perLine.bill({ 'sov:A': '400,000.00' }).thisPeriodCents, $('32,500.00'));
  });

  // [JDE] rule E: 10% to 20% complete, 15% to 38% complete, nothing after. Schedule of values 12,000.00
  // (our two lines of 6,000.00 each); the billing lines net 1,200.00 and 6,000.00 = 7,200.00 (60%).
  //   20% of 12,000 = 2,400 at 10% = 240.00; 38% − 20% = 18% of 12,000 = 2,160 at 15% = 324.00; total 564.00.
  //   JDE then splits 564.00 by net amount: 1,200/7,200 × 564 = 94.00; 6,000/7,200 × 564 = 470.00.
  // Ours splits each step's work by the lines' share (1:5) and rounds per line:
  //   line 1: 400.00 × 10% + 360.00 × 15% = 40.00 + 54.00 = 94.00; line 2: 2,000 × 10% + 1,800 × 15% = 200 + 270 = 470.00.
  test('JD Edwards rule E on SOV 12,000.00: 564.00 = 94.00 + 470.00', () => {
    const scale: SlidingScale = {
      rules: [
        { kind: 'by_commitment_percent_complete', rateBp: 1000, untilCompleteBp: 2000 },
        { kind: 'by_commitment_percent_complete', rateBp: 1500, untilCompleteBp: 3800 },
      ],
      afterRateBp: 0,
    };
    const c = new Chain(scale, $('12,000.00'), $('12,000.00'), [
      { key: '001', C: $('6,000.00') },
      { key: '002', C: $('6,000.00') },
    ]);
    const r = c.bill({ '001': '1,200.00', '002': '6,000.00' });
    assert.deepEqual(amounts(r), { '001': $('94.00'), '002': $('470.00') });
    assert.equal(r.thisPeriodCents, $('564.00'));
    assert.equal(r.rules[1]!.description, 'Rule 2: 15% until the commitment is 38% complete (4,560.00 of work)');
  });

  // [JDE] SOV 17,000.00, steps 10% to 20%, 15% to 38%, 25% to 100%; the same lines (7,200.00 = 42.35%):
  //   3,400 × 10% = 340.00; 3,060 × 15% = 459.00; (7,200 − 6,460) = 740 × 25% = 185.00; total 984.00.
  //   Per line (shares 1:5): line 1: 566.67 × 10% = 56.67, 510 × 15% = 76.50, 123.33 × 25% = 30.83 → 164.00;
  //   line 2: 2,833.33 → 283.33, 2,550 → 382.50, 616.67 → 154.17 → 820.00 (JDE: 164.00 and 820.00).
  test('JD Edwards three steps on SOV 17,000.00: 984.00 = 164.00 + 820.00', () => {
    const scale: SlidingScale = {
      rules: [
        { kind: 'by_commitment_percent_complete', rateBp: 1000, untilCompleteBp: 2000 },
        { kind: 'by_commitment_percent_complete', rateBp: 1500, untilCompleteBp: 3800 },
        { kind: 'by_commitment_percent_complete', rateBp: 2500, untilCompleteBp: 10000 },
      ],
      afterRateBp: 0,
    };
    const c = new Chain(scale, $('17,000.00'), $('17,000.00'), [
      { key: '001', C: $('8,500.00') },
      { key: '002', C: $('8,500.00') },
    ]);
    const r = c.bill({ '001': '1,200.00', '002': '6,000.00' });
    assert.deepEqual(amounts(r), { '001': $('164.00'), '002': $('820.00') });
    assert.deepEqual(
      lineOf(r, '001').segments.map((s) => [s.workCents, s.retainageCents]),
      [
        [$('566.67'), $('56.67')],
        [$('510.00'), $('76.50')],
        [$('123.33'), $('30.83')],
      ],
    );
  });

  // [JDE] one step, 10% to 30% complete: SOV 12,000.00 → 12,000 × 30% × 10% = 360.00 = 60.00 + 300.00;
  // SOV 17,000.00 → 17,000 × 30% × 10% = 510.00 = 85.00 + 425.00 (the same 1,200.00 / 6,000.00 lines).
  for (const [sov, l1, l2] of [
    ['12,000.00', '60.00', '300.00'],
    ['17,000.00', '85.00', '425.00'],
  ] as const) {
    test(`JD Edwards 10% to 30% complete on SOV ${sov}: ${l1} + ${l2}`, () => {
      const scale: SlidingScale = { rules: [{ kind: 'by_commitment_percent_complete', rateBp: 1000, untilCompleteBp: 3000 }], afterRateBp: 0 };
      const half = $(sov) / 2;
      const c = new Chain(scale, $(sov), $(sov), [
        { key: '001', C: half },
        { key: '002', C: half },
      ]);
      assert.deepEqual(amounts(c.bill({ '001': '1,200.00', '002': '6,000.00' })), { '001': $(l1), '002': $(l2) });
    });
  }
});

describe('Fixed amounts and tiers of caps [S-ssr-release]', () => {
  // "$ Amount is Held" twice, as tiers (amounts ours): 10% until 20,000.00 is held, then 5% until
  // 30,000.00, then nothing, on a $400,000.00 subcontract billed 150k, 150k, 100k, 100k:
  //   1: 150,000 × 10% = 15,000.00
  //   2: 5,000.00 of room at 10% covers 50,000 of work; the other 100,000 × 5% = 5,000 → 10,000.00
  //   3: 100,000 × 5% = 5,000 = exactly the 5,000 left under 30,000 → 5,000.00
  //   4: both caps reached → 0.00
  test('10% until 20,000.00, then 5% until 30,000.00, then 0%', () => {
    const scale: SlidingScale = {
      rules: [
        { kind: 'until_amount', rateBp: 1000, capCents: $('20,000.00') },
        { kind: 'until_amount', rateBp: 500, capCents: $('30,000.00') },
      ],
      afterRateBp: 0,
    };
    const c = new Chain(scale, $('400,000.00'), $('400,000.00'), [{ key: 'sov:1', C: $('400,000.00') }]);
    const got = ['150,000.00', '150,000.00', '100,000.00', '100,000.00'].map((E) => c.bill({ 'sov:1': E }));
    assert.deepEqual(
      got.map((r) => r.thisPeriodCents),
      [$('15,000.00'), $('10,000.00'), $('5,000.00'), 0],
    );
    assert.deepEqual(
      got[1]!.lines[0]!.segments.map((s) => [s.ruleIndex, s.workCents, s.retainageCents]),
      [
        [0, $('50,000.00'), $('5,000.00')],
        [1, $('100,000.00'), $('5,000.00')],
      ],
    );
    assert.deepEqual(
      got.map((r) => r.capInForceCents),
      [$('20,000.00'), $('30,000.00'), null, null],
    );
    assert.equal(c.withheld, $('30,000.00'));
  });

  // A half-cent case: 10% of 1,991.25 = 199.125 → 199.13 (decision 002), while room is left.
  test('half a cent rounds away from zero, per line', () => {
    const scale: SlidingScale = { rules: [{ kind: 'until_amount', rateBp: 1000, capCents: $('1,000.00') }], afterRateBp: 0 };
    const c = new Chain(scale, $('10,000.00'), $('10,000.00'), [{ key: 'sov:1', C: $('10,000.00') }]);
    assert.equal(c.bill({ 'sov:1': '1,991.25' }).thisPeriodCents, $('199.13'));
  });
});

describe('Revised commitment value: a change order raises the cap, never retroactively', () => {
  // 10% until 5% of the revised value (amounts ours). Invoice 1 on a $400,000.00 subcontract bills
  // 200,000 → 20,000.00 = 5% of 400,000 (the cap is reached exactly). A $100,000.00 change order is
  // then approved: revised 500,000, cap 25,000. Invoice 2 bills the CO line 100,000: 10% = 10,000 but
  // only 5,000.00 of room → 5,000.00. Invoice 1 is not recomputed. The same rule on the ORIGINAL value
  // stays at 20,000 → invoice 2 holds 0.00.
  test('revised: 20,000.00 then 5,000.00; original: 20,000.00 then 0.00', () => {
    for (const [kind, second] of [
      ['until_percent_of_revised', '5,000.00'],
      ['until_percent_of_original', '0.00'],
    ] as const) {
      const scale: SlidingScale = { rules: [{ kind, rateBp: 1000, thresholdBp: 500 }], afterRateBp: 0 };
      const c = new Chain(scale, $('400,000.00'), $('400,000.00'), [{ key: 'sov:1', C: $('400,000.00') }]);
      assert.equal(c.bill({ 'sov:1': '200,000.00' }).thisPeriodCents, $('20,000.00'), kind);
      c.revised = $('500,000.00');
      c.lines.push({ key: 'co:1', C: $('100,000.00') });
      const r = c.bill({ 'co:1': '100,000.00' });
      assert.equal(r.thisPeriodCents, $(second), kind);
      assert.equal(r.withheldBeforeCents, $('20,000.00'), 'the earlier invoice is carried, not recomputed');
    }
  });

  // A deductive change order lowers the revised value to 300,000 (cap 15,000) after 20,000 is held:
  // nothing is given back automatically, and new work holds nothing.
  test('a cap falling below what is held gives nothing back and holds nothing more', () => {
    const scale: SlidingScale = { rules: [{ kind: 'until_percent_of_revised', rateBp: 1000, thresholdBp: 500 }], afterRateBp: 0 };
    const c = new Chain(scale, $('400,000.00'), $('400,000.00'), [{ key: 'sov:1', C: $('400,000.00') }]);
    c.bill({ 'sov:1': '200,000.00' });
    c.revised = $('300,000.00');
    const r = c.bill({ 'sov:1': '50,000.00' });
    assert.equal(r.thisPeriodCents, 0);
    assert.equal(r.withheldAfterCents, $('20,000.00'));
  });
});

describe('Corrections (negative E)', () => {
  // Procore rule, 15,000.00 withheld (below the 20,000.00 cap, so rule 1 is in force): a −30,000.00
  // correction gives back 10% = 3,000.00.
  test('below the cap: given back at the rule in force (10%)', () => {
    const c = new Chain(PROCORE, $('400,000.00'), $('400,000.00'), [{ key: 'sov:1', C: $('400,000.00') }]);
    c.bill({ 'sov:1': '150,000.00' });
    const r = c.bill({ 'sov:1': '-30,000.00' });
    assert.equal(r.thisPeriodCents, -$('3,000.00'));
    assert.equal(r.withheldAfterCents, $('12,000.00'));
  });

  // At the cap, the rate in force is the one after the rule (0%): a correction gives nothing back, and
  // the held total stays at the cap (never above it).
  test('at the cap: given back at the rate after the rule (0%)', () => {
    const c = new Chain(PROCORE, $('400,000.00'), $('400,000.00'), [{ key: 'sov:1', C: $('400,000.00') }]);
    c.bill({ 'sov:1': '250,000.00' });
    const r = c.bill({ 'sov:1': '-30,000.00' });
    assert.equal(r.thisPeriodCents, 0);
    assert.equal(r.withheldAfterCents, $('20,000.00'));
  });

  // A line step mirrored: 10% until 50% then 5%; a $100,000.00 line at 60,000 corrects by −20,000,
  // back to 40,000: 10,000 above 50% at 5% = 500.00, 10,000 below at 10% = 1,000.00 → −1,500.00.
  test('a line step gives back through the steps it crosses', () => {
    const scale: SlidingScale = { rules: [{ kind: 'by_line_percent_complete', rateBp: 1000, untilCompleteBp: 5000 }], afterRateBp: 500 };
    const c = new Chain(scale, $('100,000.00'), $('100,000.00'), [{ key: 'sov:1', C: $('100,000.00') }]);
    assert.equal(c.bill({ 'sov:1': '60,000.00' }).thisPeriodCents, $('5,500.00'));
    const r = c.bill({ 'sov:1': '-20,000.00' });
    assert.equal(r.thisPeriodCents, -$('1,500.00'));
    assert.equal(c.held.get('sov:1'), $('4,000.00'), '10% of the 40,000.00 left');
  });

  // A line holding 1,000.00 whose correction would give back 3,000.00 gives back only 1,000.00.
  // Meanwhile another line's new work uses the room the correction made: cap 20,000, withheld
  // 19,000 before; give back 1,000 → 18,000; the other line's 50,000 × 10% = 5,000 → room 2,000.
  test('a give-back stops at what the line holds; the room it frees is used by other lines', () => {
    const input: SlidingScaleInput = {
      scale: PROCORE,
      originalCommitmentValueCents: $('400,000.00'),
      revisedCommitmentValueCents: $('400,000.00'),
      withheldBeforeCents: $('19,000.00'),
      lines: [
        { key: 'sov:1', scheduledValueCents: $('200,000.00'), workCompletedPreviousCents: $('40,000.00'), workCompletedThisPeriodCents: -$('30,000.00'), workRetainageHeldPreviousCents: $('1,000.00') },
        { key: 'sov:2', scheduledValueCents: $('200,000.00'), workCompletedPreviousCents: $('150,000.00'), workCompletedThisPeriodCents: $('50,000.00'), workRetainageHeldPreviousCents: $('18,000.00') },
      ],
    };
    const r = computeSlidingScaleRetainage(input);
    assert.deepEqual(amounts(r), { 'sov:1': -$('1,000.00'), 'sov:2': $('2,000.00') });
    assert.equal(lineOf(r, 'sov:1').limitedToHeld, true);
    assert.match(lineOf(r, 'sov:1').explanation, /limited to the 1,000\.00 the line held/);
    assert.equal(lineOf(r, 'sov:1').workRetainageHeldCents, 0);
    assert.equal(r.withheldAfterCents, $('20,000.00'));
  });
});

describe('Overrides by an administrator (ssr_manual_override)', () => {
  const twoLines = () =>
    new Chain(PROCORE, $('400,000.00'), $('400,000.00'), [
      { key: 'sov:1', C: $('200,000.00') },
      { key: 'sov:2', C: $('200,000.00') },
    ]);

  // Line 1 is overridden to 0.00 ("retention bond posted"); line 2's 80,000 × 10% = 8,000.00 by the rule.
  // Without the override line 1 would hold 10% × 50,000 = 5,000.00: that is shown beside it.
  test('the amount is taken as given, recorded, and shown beside what the rules would hold', () => {
    const r = twoLines().bill({ 'sov:1': '50,000.00', 'sov:2': '80,000.00' }, { 'sov:1': { amount: '0.00', reason: 'Retention bond posted' } });
    const l1 = lineOf(r, 'sov:1');
    assert.equal(l1.workRetainageThisPeriodCents, 0);
    assert.equal(l1.overridden, true);
    assert.equal(l1.overrideReason, 'Retention bond posted');
    assert.equal(l1.byRulesCents, $('5,000.00'));
    assert.equal(l1.explanation, 'Override by administrator: Retention bond posted (the rules would hold 5,000.00)');
    assert.deepEqual(l1.segments, []);
    assert.equal(lineOf(r, 'sov:2').workRetainageThisPeriodCents, $('8,000.00'));
    assert.equal(r.overridesCents, 0);
    assert.equal(r.thisPeriodCents, $('8,000.00'));
  });

  // An override counts toward the cap: line 1 is set to 18,000.00, so only 2,000.00 of room is left
  // for line 2 (which would hold 8,000.00) → 2,000.00; total exactly 20,000.00.
  test('an override counts toward the held total and the cap', () => {
    const r = twoLines().bill({ 'sov:1': '50,000.00', 'sov:2': '80,000.00' }, { 'sov:1': { amount: '18,000.00', reason: 'Back-charge pending' } });
    assert.deepEqual(amounts(r), { 'sov:1': $('18,000.00'), 'sov:2': $('2,000.00') });
    assert.equal(r.withheldAfterCents, $('20,000.00'));
    assert.equal(lineOf(r, 'sov:2').capped, true);
    assert.equal(r.overridesCents, $('18,000.00'));
  });

  test('an override cannot give back more than the line holds, and needs a reason', () => {
    const c = twoLines();
    c.bill({ 'sov:1': '10,000.00' });
    expectValidation(
      () => c.bill({}, { 'sov:1': { amount: '-1,000.01', reason: 'Correction' } }),
      'lines.0.override.workRetainageThisPeriodCents',
      /more than the 1,000\.00 the line holds/,
    );
    expectValidation(() => c.bill({}, { 'sov:1': { amount: '-1,000.00', reason: '  ' } }), 'lines.0.override.reason');
    assert.equal(c.bill({}, { 'sov:1': { amount: '-1,000.00', reason: 'Release agreed early' } }).thisPeriodCents, -$('1,000.00'));
  });
});

describe('Validation', () => {
  const rule = (r: Partial<SlidingScaleRule> & Pick<SlidingScaleRule, 'kind'>): SlidingScaleRule =>
    ({ rateBp: 1000, thresholdBp: 500, capCents: 100, untilCompleteBp: 5000, ...r }) as unknown as SlidingScaleRule;

  test('at most five rules', () => {
    const six = [1, 2, 3, 4, 5, 6].map((i) => rule({ kind: 'until_amount', capCents: i * 100 }));
    expectValidation(() => validateRules(six), 'rules', /at most 5/);
    validateRules(six.slice(0, 5));
  });

  test('rates, thresholds and caps are checked, with the field at fault', () => {
    expectValidation(() => validateRules([rule({ kind: 'until_amount', rateBp: 10001 })]), 'rules.0.rateBp');
    expectValidation(() => validateRules([rule({ kind: 'until_amount', rateBp: -1 })]), 'rules.0.rateBp');
    expectValidation(() => validateRules([rule({ kind: 'until_amount', rateBp: 10.5 })]), 'rules.0.rateBp');
    expectValidation(() => validateRules([rule({ kind: 'until_percent_of_original', rateBp: 0 })]), 'rules.0.rateBp', /never reach/);
    validateRules([rule({ kind: 'by_line_percent_complete', rateBp: 0 })]);
    expectValidation(() => validateRules([rule({ kind: 'until_percent_of_original', thresholdBp: 0 })]), 'rules.0.thresholdBp');
    expectValidation(() => validateRules([rule({ kind: 'until_percent_of_revised', thresholdBp: 10001 })]), 'rules.0.thresholdBp');
    expectValidation(() => validateRules([rule({ kind: 'until_amount', capCents: 0 })]), 'rules.0.capCents');
    expectValidation(() => validateRules([rule({ kind: 'until_amount', capCents: 1.5 })]), 'rules.0.capCents');
    expectValidation(() => validateRules([rule({ kind: 'by_line_percent_complete', untilCompleteBp: 0 })]), 'rules.0.untilCompleteBp');
    expectValidation(() => validateRules([{ kind: 'nonsense', rateBp: 0 } as unknown as SlidingScaleRule]), 'rules.0.kind');
    expectValidation(() => validateSlidingScale({ rules: [], afterRateBp: 20000 }), 'afterRateBp');
  });

  test('a rule that can never apply is refused', () => {
    expectValidation(
      () =>
        validateRules([
          rule({ kind: 'by_line_percent_complete', untilCompleteBp: 5000 }),
          rule({ kind: 'until_amount' }),
          rule({ kind: 'by_line_percent_complete', untilCompleteBp: 5000 }),
        ]),
      'rules.2.untilCompleteBp',
      /Rule 3 can never apply: rule 1 comes first and already applies until the line is 50% complete/,
    );
    // Different kinds cannot be compared without the commitment values: allowed.
    validateRules([rule({ kind: 'until_percent_of_original', thresholdBp: 500 }), rule({ kind: 'until_amount', capCents: 1 })]);
  });

  test('inputs: unique keys, whole cents, and a withheld total that covers what the lines hold', () => {
    const c = new Chain(PROCORE, $('400,000.00'), $('400,000.00'), [{ key: 'sov:1', C: $('400,000.00') }]);
    const input = c.input({ 'sov:1': '1.00' });
    expectValidation(() => computeSlidingScaleRetainage({ ...input, lines: [input.lines[0]!, input.lines[0]!] }), 'lines.1.key');
    expectValidation(() => computeSlidingScaleRetainage({ ...input, lines: [{ ...input.lines[0]!, workCompletedThisPeriodCents: 0.5 }] }), 'lines.0.workCompletedThisPeriodCents');
    expectValidation(
      () => computeSlidingScaleRetainage({ ...input, lines: [{ ...input.lines[0]!, workRetainageHeldPreviousCents: 100 }] }),
      'withheldBeforeCents',
    );
    expectValidation(() => computeSlidingScaleRetainage({ ...input, withheldBeforeCents: -1 }), 'withheldBeforeCents');
  });

  test('rates read as people write them', () => {
    assert.deepEqual([1000, 250, 1, 1050, 0, 10000].map(formatRate), ['10%', '2.5%', '0.01%', '10.5%', '0%', '100%']);
  });
});

// ───────────────────────────── properties ─────────────────────────────

const SEED = 20261125;
const RUNS = 500;

/**
 * Rules of the given kinds as raw steps; `materialize` turns them into valid rules for a commitment:
 * thresholds increase within a kind, and fixed amounts are sized against the commitment (so caps bind
 * often), all below 15% of it for caps.
 */
const rawRulesArb = (kinds: readonly SlidingScaleRule['kind'][]) =>
  kinds.length === 0
    ? fc.constant([])
    : fc.array(
        fc.record({
          kind: fc.constantFrom(...kinds),
          rateBp: fc.oneof(fc.constantFrom(0, 500, 1000, 1500), fc.integer({ min: 0, max: 10000 })),
          /** Cap rules: share of the commitment (bp) added to the previous cap of the kind; steps: percent complete added. */
          step: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 4000 }), fc.constant(1)),
        }),
        { maxLength: 5 },
      );
type RawRule = { kind: SlidingScaleRule['kind']; rateBp: number; step: number };

function materialize(raw: readonly RawRule[], commitmentCents: number): SlidingScaleRule[] {
  const last: Record<string, number> = {};
  const rules: SlidingScaleRule[] = [];
  for (const raw1 of raw) {
    // A cap rule at 0% is refused (it would never reach its cap): give it the smallest rate instead.
    const isCap = raw1.kind === 'until_amount' || raw1.kind === 'until_percent_of_original' || raw1.kind === 'until_percent_of_revised';
    const r = isCap && raw1.rateBp === 0 ? { ...raw1, rateBp: 1 } : raw1;
    const base = last[r.kind] ?? 0;
    if (r.kind === 'until_amount') {
      const capCents = Math.max(base + 1, Math.trunc((Math.abs(commitmentCents) * Math.min(r.step, 1500)) / 10000));
      last[r.kind] = capCents;
      rules.push({ kind: r.kind, rateBp: r.rateBp, capCents });
      continue;
    }
    const value = base + (r.kind === 'until_percent_of_original' || r.kind === 'until_percent_of_revised' ? Math.min(r.step, 1500) : r.step);
    if (value > 10000) continue;
    last[r.kind] = value;
    if (r.kind === 'until_percent_of_original' || r.kind === 'until_percent_of_revised') {
      rules.push({ kind: r.kind, rateBp: r.rateBp, thresholdBp: value });
    } else {
      rules.push({ kind: r.kind, rateBp: r.rateBp, untilCompleteBp: value });
    }
  }
  validateRules(rules);
  return rules;
}

const ALL_KINDS = ['until_percent_of_original', 'until_percent_of_revised', 'until_amount', 'by_line_percent_complete', 'by_commitment_percent_complete'] as const;
const CAP_KINDS = ['until_percent_of_original', 'until_percent_of_revised', 'until_amount'] as const;

const lineArb = fc.record({
  C: fc.oneof(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: -5_000_000, max: 0 })),
  /** D as a share of C (bp), E as a share of C (bp; negative: a correction down to at most −D). */
  dF: fc.integer({ min: 0, max: 10000 }),
  eF: fc.oneof(fc.integer({ min: 0, max: 12000 }), fc.integer({ min: -10000, max: 10000 }), fc.constant(0)),
  heldF: fc.integer({ min: 0, max: 2000 }),
  /** Rare: an administrator's amount, as a share of |E| + held (negative: a give-back). */
  override: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 12 },
    { arbitrary: fc.record({ f: fc.integer({ min: -10000, max: 3000 }) }), weight: 1 },
  ),
});

const caseArb = (kinds: readonly SlidingScaleRule['kind'][], afterRate: fc.Arbitrary<number>) =>
  fc.record({
    rules: rawRulesArb(kinds),
    afterRateBp: afterRate,
    lines: fc.array(lineArb, { minLength: 1, maxLength: 7 }),
    /** Withheld before, beyond what the lines hold: a share of the commitment (bp), often near a cap. */
    extraWithheldBp: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 300 })),
    revisedF: fc.integer({ min: 5000, max: 15000 }),
    perm: fc.array(fc.integer(), { minLength: 7, maxLength: 7 }),
  });
type Case = ReturnType<typeof caseArb> extends fc.Arbitrary<infer T> ? T : never;

/** `f` basis points of `amount`, truncated (never −0). */
const frac = (amount: number, f: number) => Math.trunc((amount * f) / 10000) || 0;

function buildInput(c: Case): SlidingScaleInput {
  const lines = c.lines.map((l, i): SlidingScaleLineInput => {
    const D = frac(l.C, l.dF);
    const E = (l.eF < 0 ? -frac(Math.abs(D), -l.eF) * Math.sign(D || 1) : frac(l.C, l.eF)) || 0;
    const held = Math.max(0, frac(Math.abs(D), l.heldF));
    return {
      key: `${i % 2 ? 'co' : 'sov'}:${(i * 7919) % 13}`,
      scheduledValueCents: l.C,
      workCompletedPreviousCents: D,
      workCompletedThisPeriodCents: E,
      workRetainageHeldPreviousCents: held,
      override: l.override ? { workRetainageThisPeriodCents: Math.max(-held, frac(Math.abs(E) + held, l.override.f)), reason: 'admin' } : null,
    };
  });
  const original = lines.reduce((s, l) => s + Math.max(l.scheduledValueCents, 0), 0);
  return {
    scale: { rules: materialize(c.rules, original), afterRateBp: c.afterRateBp },
    originalCommitmentValueCents: original,
    revisedCommitmentValueCents: frac(original, c.revisedF),
    withheldBeforeCents: lines.reduce((s, l) => s + l.workRetainageHeldPreviousCents, 0) + frac(original, c.extraWithheldBp),
    lines,
  };
}

function permute<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, k: keys[i] ?? 0, i }))
    .sort((a, b) => a.k - b.k || b.i - a.i)
    .map((x) => x.item);
}

const byKey = (r: SlidingScaleResult) => new Map(r.lines.map((l) => [l.key, l]));

function checkCommon(input: SlidingScaleInput, r: SlidingScaleResult): void {
  // Sums: lines = total; before + this period = after; segments = line; segment work = E.
  assert.equal(r.thisPeriodCents, r.lines.reduce((s, l) => s + l.workRetainageThisPeriodCents, 0));
  assert.equal(r.withheldAfterCents, input.withheldBeforeCents + r.thisPeriodCents);
  assert.equal(r.overridesCents, r.lines.filter((l) => l.overridden).reduce((s, l) => s + l.workRetainageThisPeriodCents, 0));
  input.lines.forEach((li, i) => {
    const l = r.lines[i]!;
    assert.equal(l.key, li.key, 'lines come back in the order given');
    assert.equal(l.workRetainageHeldCents, li.workRetainageHeldPreviousCents + l.workRetainageThisPeriodCents);
    // Never negative, per line and in total.
    assert.ok(l.workRetainageHeldCents >= 0, `line ${l.key} held ${l.workRetainageHeldCents}`);
    if (l.overridden) {
      assert.equal(l.workRetainageThisPeriodCents, li.override!.workRetainageThisPeriodCents);
      return;
    }
    if (!input.lines.some((x) => x.override)) assert.equal(l.byRulesCents, l.workRetainageThisPeriodCents);
    assert.equal(l.workRetainageThisPeriodCents, l.segments.reduce((s, g) => s + g.retainageCents, 0));
    const E = li.workCompletedThisPeriodCents;
    assert.equal(l.segments.reduce((s, g) => s + g.workCents, 0), E, 'the segments cover E exactly');
    // Holding never exceeds the largest rate on E (plus half a cent per segment), and its sign follows E.
    const maxRate = Math.max(input.scale.afterRateBp, ...input.scale.rules.map((x) => x.rateBp));
    if (E >= 0) {
      assert.ok(l.workRetainageThisPeriodCents >= 0);
      assert.ok(l.workRetainageThisPeriodCents <= (E * maxRate) / 10000 + l.segments.length);
    } else {
      assert.ok(l.workRetainageThisPeriodCents <= 0);
    }
    assert.ok(l.explanation.length > 0);
  });
  assert.ok(r.withheldAfterCents >= 0);
}

describe('sameSlidingScale: an invoice’s stored rules against the commitment’s current ones', () => {
  const base: SlidingScale = {
    rules: [
      { kind: 'until_percent_of_original', rateBp: 1000, thresholdBp: 500 },
      { kind: 'until_amount', rateBp: 500, capCents: 3_000_000 },
    ],
    afterRateBp: 0,
  };
  test('the same rules in the same order, whatever the key order of the stored JSON', () => {
    const reordered = JSON.parse('{"afterRateBp":0,"rules":[{"thresholdBp":500,"rateBp":1000,"kind":"until_percent_of_original"},{"capCents":3000000,"kind":"until_amount","rateBp":500}]}') as SlidingScale;
    assert.equal(sameSlidingScale(base, reordered), true);
    assert.equal(sameSlidingScale(null, null), true, 'flat on both');
  });
  test('any difference counts: a rate, a threshold, a kind, the order, a rule more, the after-rate, rules against none', () => {
    const [r1, r2] = base.rules as [SlidingScaleRule, SlidingScaleRule];
    const variants: SlidingScale[] = [
      { ...base, rules: [{ ...r1, rateBp: 900 }, r2] },
      { ...base, rules: [{ kind: 'until_percent_of_original', rateBp: 1000, thresholdBp: 600 }, r2] },
      { ...base, rules: [{ kind: 'until_percent_of_revised', rateBp: 1000, thresholdBp: 500 }, r2] },
      { ...base, rules: [r2, r1] },
      { ...base, rules: [r1] },
      { ...base, afterRateBp: 100 },
    ];
    for (const v of variants) assert.equal(sameSlidingScale(base, v), false, JSON.stringify(v));
    assert.equal(sameSlidingScale(base, null), false);
    assert.equal(sameSlidingScale(null, base), false);
  });
});

describe('Properties (fast-check, fixed seed)', () => {
  test('caps only, 0% after: the withheld total never exceeds the largest cap (plus overrides); sums tie; never negative', () => {
    fc.assert(
      fc.property(caseArb(CAP_KINDS, fc.constant(0)), (c) => {
        const input = buildInput(c);
        const r = computeSlidingScaleRetainage(input);
        checkCommon(input, r);
        const positiveOverrides = input.lines.reduce((s, l) => s + Math.max(0, l.override?.workRetainageThisPeriodCents ?? 0), 0);
        assert.equal(r.ceilingCents, Math.max(0, ...r.rules.flatMap((x) => (x.capCents === null ? [] : [x.capCents]))));
        assert.ok(
          r.withheldAfterCents <= Math.max(input.withheldBeforeCents + positiveOverrides, r.ceilingCents!),
          `withheld ${r.withheldAfterCents} > cap ${r.ceilingCents}`,
        );
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  test('any rules: the order the lines are given in changes no line', () => {
    fc.assert(
      fc.property(caseArb(ALL_KINDS, fc.constantFrom(0, 0, 500, 1000)), (c) => {
        const input = buildInput(c);
        const r = computeSlidingScaleRetainage(input);
        checkCommon(input, r);
        const shuffled = computeSlidingScaleRetainage({ ...input, lines: permute(input.lines, c.perm) });
        const a = byKey(r);
        for (const [key, l] of byKey(shuffled)) assert.deepEqual(l, a.get(key), `line ${key}`);
        assert.equal(shuffled.withheldAfterCents, r.withheldAfterCents);
      }),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  });

  test('no rules: a flat rate, exactly the work retainage of computeLineRetainage', () => {
    fc.assert(
      fc.property(caseArb([], fc.integer({ min: 0, max: 10000 })), (c) => {
        const input = buildInput({ ...c, rules: [], lines: c.lines.map((l) => ({ ...l, override: undefined })) });
        const r = computeSlidingScaleRetainage(input);
        input.lines.forEach((l, i) => {
          const flat = computeLineRetainage({
            rates: { workBp: input.scale.afterRateBp, materialsBp: 0 },
            previous: { workHeldCents: l.workRetainageHeldPreviousCents, materialsHeldCents: 0 },
            workCompletedThisPeriodCents: l.workCompletedThisPeriodCents,
            materialsStoredPreviousCents: 0,
            materialsStoredNewCents: 0,
            materialsInstalledCents: 0,
            retainageReleasedCents: 0,
          });
          // (+ 0: computeLineRetainage gives −0 when a give-back is floored at an empty line.)
          assert.equal(r.lines[i]!.workRetainageThisPeriodCents, flat.workThisPeriodCents + 0);
        });
      }),
      { numRuns: RUNS, seed: SEED + 2 },
    );
  });

  test('a chain of invoices (held after → held before) never passes the cap and stops exactly at it', () => {
    const chainArb = fc.record({
      // Every rate above zero, so enough work always reaches the last cap.
      rules: rawRulesArb(CAP_KINDS)
        .map((rs) => rs.map((x) => ({ ...x, rateBp: Math.max(x.rateBp, 1) })))
        .filter((rs) => rs.length > 0),
      Cs: fc.array(fc.integer({ min: 1_000_000, max: 50_000_000 }), { minLength: 1, maxLength: 5 }),
      periods: fc.array(fc.array(fc.integer({ min: -3000, max: 4000 }), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
    });
    fc.assert(
      fc.property(chainArb, ({ rules: raw, Cs, periods }) => {
        const total = Cs.reduce((a, b) => a + b, 0);
        const rules = materialize(raw, total);
        const c = new Chain({ rules, afterRateBp: 0 }, total, total, Cs.map((C, i) => ({ key: `sov:${i}`, C })));
        const keys = Cs.map((_, i) => `sov:${i}`);
        let ceiling = 0;
        for (const fs of periods) {
          // E between −30% of D and +40% of C, never past C.
          const E = Object.fromEntries(
            keys.map((key, i) => {
              const D = c.D.get(key) ?? 0;
              const f = fs[i] ?? 0;
              return [key, f < 0 ? -Math.trunc((D * -f) / 10000) : Math.min(Math.trunc((Cs[i]! * f) / 10000), Cs[i]! - D)];
            }),
          );
          const r = c.bill(E);
          ceiling = r.ceilingCents!;
          assert.ok(r.withheldAfterCents <= ceiling, `withheld ${r.withheldAfterCents} > cap ${ceiling}`);
          assert.ok(r.withheldAfterCents >= 0);
        }
        // Then enough work to fill every cap at the smallest rate (overbilling is the caller's concern).
        const minRate = Math.min(...rules.map((x) => x.rateBp));
        const each = Math.ceil((2 * ceiling * 10000) / minRate / Cs.length) + 100;
        const big = Object.fromEntries(keys.map((key) => [key, each]));
        const r = c.bill(big);
        assert.equal(r.withheldAfterCents, ceiling, 'stops exactly at the cap');
        assert.equal(r.capInForceCents, null);
        assert.equal(c.bill(big).thisPeriodCents, 0, 'and holds nothing more');
      }),
      { numRuns: RUNS, seed: SEED + 3 },
    );
  });
});
