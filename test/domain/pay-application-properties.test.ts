/**
 * Property-based tests (fast-check) of the G702/G703 invariants named in the billing-cycle issue,
 * over random multi-line, multi-period chains of applications: amounts entered or percent complete,
 * stored materials stored and installed, change-order lines joining later, retainage rates changing
 * between applications, releases (sometimes more than is held), and half cents everywhere.
 *
 * Each application in a chain is computed as the next one would see the previous: D, F and the
 * retainage balances from `toDateAfter`, line 7 = the previous line 6 (as if each were approved).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { applyRate } from '../../src/domain/money.ts';
import {
  computePayApplication,
  summarize,
  toDateAfter,
  type ComputedLine,
  type LineSpec,
  type LineToDate,
  type PayApplication,
  type PayApplicationInput,
} from '../../src/domain/pay-application.ts';

const MAX_LINES = 6;
const RUNS = 300;

const rateArb = fc.oneof(fc.constantFrom(0, 500, 1000, 1500), fc.integer({ min: 0, max: 10000 }));

const lineArb = fc.record({
  C: fc.oneof(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), fc.constant(0)),
  changeOrder: fc.boolean(),
  /** Change-order lines join the chain at this application (SOV lines are there from the first). */
  joinsAt: fc.integer({ min: 0, max: 3 }),
  workBp: rateArb,
  materialsBp: rateArb,
});

const entryArb = fc.record({
  byPercent: fc.boolean(),
  /** Where E lands between −D and 130% of C (so D + E never goes below zero when entered as an amount). */
  workF: fc.integer({ min: 0, max: 10000 }),
  pctBp: fc.oneof(fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 0, max: 13000 }), fc.constantFrom(0, 5000, 10000)),
  storeF: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5000 })),
  installF: fc.oneof(fc.constant(0), fc.constant(10000), fc.integer({ min: 0, max: 10000 })),
  /** Share of the previously held retainage to release; above 10000 asks for more than is held. */
  releaseF: fc.oneof(fc.constant(0), fc.constant(10000), fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 10000, max: 13000 })),
  newRates: fc.option(fc.record({ workBp: rateArb, materialsBp: rateArb }), { nil: undefined }),
});

const chainArb = fc.record({
  lines: fc.array(lineArb, { minLength: 1, maxLength: MAX_LINES }),
  periods: fc.array(fc.array(entryArb, { minLength: MAX_LINES, maxLength: MAX_LINES }), { minLength: 1, maxLength: 5 }),
  order: fc.array(fc.integer(), { minLength: MAX_LINES, maxLength: MAX_LINES }),
  allowOverbilling: fc.boolean(),
});
type Chain = typeof chainArb extends fc.Arbitrary<infer T> ? T : never;

type Step = { input: PayApplicationInput; app: PayApplication };

const frac = (amount: number, f: number) => Math.round((amount * f) / 10000);

/** Builds and computes the applications of a random chain. */
function run(c: Chain): Step[] {
  const steps: Step[] = [];
  let previous = new Map<string, LineToDate>();
  let previousCertificatesCents = 0;
  const rates = c.lines.map((l) => ({ workBp: l.workBp, materialsBp: l.materialsBp }));
  c.periods.forEach((entries, p) => {
    const specs: LineSpec[] = [];
    c.lines.forEach((l, i) => {
      if (l.changeOrder && l.joinsAt > p) return;
      const e = entries[i]!;
      if (e.newRates && p > 0) rates[i] = e.newRates;
      const key = `${l.changeOrder ? 'co' : 'sov'}:${i}`;
      const prior = previous.get(key) ?? { workCompletedCents: 0, materialsStoredCents: 0, retainage: { workHeldCents: 0, materialsHeldCents: 0 } };
      const D = prior.workCompletedCents;
      const stored = frac(l.C, Math.floor(e.storeF / 2));
      const installed = frac(prior.materialsStoredCents + stored, e.installF);
      const held = prior.retainage.workHeldCents + prior.retainage.materialsHeldCents;
      specs.push({
        key,
        source: l.changeOrder ? 'change_order' : 'sov',
        itemNumber: String(i + 1),
        description: `Line ${i + 1}`,
        costCode: '',
        scheduledValueCents: l.C,
        rates: rates[i]!,
        entry: {
          workCompletedThisPeriodCents: e.byPercent ? null : -D + frac(D + Math.round(l.C * 1.3), e.workF),
          percentCompleteToDateBp: e.byPercent ? e.pctBp : null,
          materialsStoredNewCents: stored,
          materialsInstalledCents: installed,
          retainageReleasedCents: frac(held, e.releaseF),
        },
      });
    });
    const input: PayApplicationInput = { lines: specs, previous, previousCertificatesCents, allowOverbilling: c.allowOverbilling };
    const app = computePayApplication(input);
    steps.push({ input, app });
    previous = new Map([...previous, ...toDateAfter(app)]);
    previousCertificatesCents = app.summary.totalEarnedLessRetainageCents;
  });
  return steps;
}

/** Every application of every generated chain must satisfy `check`. */
function forAllApplications(check: (step: Step, index: number, steps: Step[]) => void): void {
  fc.assert(
    fc.property(chainArb, (c) => {
      const steps = run(c);
      steps.forEach((s, i) => check(s, i, steps));
    }),
    { numRuns: RUNS },
  );
}

const sum = (lines: readonly ComputedLine[], pick: (l: ComputedLine) => number, only?: (l: ComputedLine) => boolean) =>
  lines.filter(only ?? (() => true)).reduce((s, l) => s + pick(l), 0);

/** G ÷ C in basis points, half away from zero, computed independently of src/domain/money.ts. */
function referenceRatioBp(part: number, whole: number): number {
  if (whole === 0) return 0;
  const n = BigInt(part) * 10000n * (whole < 0 ? -1n : 1n);
  const d = BigInt(Math.abs(whole));
  const q = ((n < 0n ? -n : n) * 2n + d) / (2n * d);
  return Number(n < 0n ? -q : q);
}

describe('G703 invariants on every line of every application', () => {
  test('G = D + E + F; H = C − G; F = previously stored + new − installed; G ÷ C rounds half away from zero', () => {
    forAllApplications(({ app }) => {
      for (const l of app.lines) {
        assert.equal(l.totalCompletedAndStoredCents, l.workCompletedPreviousCents + l.workCompletedThisPeriodCents + l.materialsPresentlyStoredCents);
        assert.equal(l.balanceToFinishCents, l.scheduledValueCents - l.totalCompletedAndStoredCents);
        assert.equal(l.materialsPresentlyStoredCents, l.materialsStoredPreviousCents + l.materialsStoredNewCents - l.materialsInstalledCents);
        assert.equal(l.percentCompleteBp, referenceRatioBp(l.totalCompletedAndStoredCents, l.scheduledValueCents));
        for (const v of Object.values(l)) if (typeof v === 'number') assert.ok(Number.isSafeInteger(v), `${v} is whole cents`);
      }
    });
  });

  test('a percent entry bills exactly round(C × %) to date', () => {
    forAllApplications(({ input, app }) => {
      input.lines.forEach((spec, i) => {
        if (spec.entry.percentCompleteToDateBp === null) return;
        assert.equal(app.lines[i]!.totalCompletedAndStoredCents, applyRate(spec.scheduledValueCents, spec.entry.percentCompleteToDateBp));
      });
    });
  });

  test('retainage held is never negative, on work, on materials, per line and in total', () => {
    forAllApplications(({ app }) => {
      for (const l of app.lines) {
        assert.ok(l.workRetainageHeldCents >= 0, `work held ${l.workRetainageHeldCents} on ${l.key}`);
        assert.ok(l.materialsRetainageHeldCents >= 0, `materials held ${l.materialsRetainageHeldCents} on ${l.key}`);
        assert.equal(l.retainageHeldCents, l.workRetainageHeldCents + l.materialsRetainageHeldCents);
      }
      assert.ok(app.summary.totalRetainageCents >= 0);
    });
  });

  test('held = previously held + held this period − released; a release is never more than was available', () => {
    forAllApplications(({ input, app }) => {
      for (const l of app.lines) {
        const prior = input.previous.get(l.key)?.retainage ?? { workHeldCents: 0, materialsHeldCents: 0 };
        const before = prior.workHeldCents + prior.materialsHeldCents + l.workRetainageThisPeriodCents + l.materialsRetainageThisPeriodCents;
        assert.ok(l.retainageReleasedCents >= 0 && l.retainageReleasedCents <= before);
        assert.equal(l.retainageHeldCents, before - l.retainageReleasedCents);
      }
    });
  });

  test('work retainage this period = rate × E (half away from zero), giving back at most what was held; rates are the line’s own', () => {
    forAllApplications(({ input, app }) => {
      input.lines.forEach((spec, i) => {
        const l = app.lines[i]!;
        const priorWork = input.previous.get(spec.key)?.retainage.workHeldCents ?? 0;
        assert.equal(l.workRetainageThisPeriodCents, Math.max(applyRate(l.workCompletedThisPeriodCents, spec.rates.workBp), -priorWork));
        assert.equal(l.workRetainageRateBp, spec.rates.workBp);
        assert.equal(l.materialsRetainageRateBp, spec.rates.materialsBp);
      });
    });
  });

  test('earned this period = ΔG; net = earned − held this period + released', () => {
    forAllApplications(({ input, app }) => {
      for (const l of app.lines) {
        const prior = input.previous.get(l.key);
        const previousG = prior ? prior.workCompletedCents + prior.materialsStoredCents : 0;
        assert.equal(l.earnedThisPeriodCents, l.totalCompletedAndStoredCents - previousG);
        assert.equal(l.netThisPeriodCents, l.earnedThisPeriodCents - l.workRetainageThisPeriodCents - l.materialsRetainageThisPeriodCents + l.retainageReleasedCents);
      }
    });
  });
});

describe('G702 invariants: every total is the sum of its rounded lines (G702 ties to G703)', () => {
  test('1 = Σ C (SOV), 2 = Σ C (change orders), 3 = 1 + 2, 4 = Σ G, 5a = Σ work held, 5b = Σ materials held, 5 = 5a + 5b', () => {
    forAllApplications(({ app }) => {
      const s = app.summary;
      const L = app.lines;
      assert.equal(s.originalContractSumCents, sum(L, (l) => l.scheduledValueCents, (l) => l.source === 'sov'));
      assert.equal(s.netChangeByChangeOrdersCents, sum(L, (l) => l.scheduledValueCents, (l) => l.source === 'change_order'));
      assert.equal(s.contractSumToDateCents, s.originalContractSumCents + s.netChangeByChangeOrdersCents);
      assert.equal(s.contractSumToDateCents, sum(L, (l) => l.scheduledValueCents));
      assert.equal(s.totalCompletedAndStoredCents, sum(L, (l) => l.totalCompletedAndStoredCents));
      assert.equal(s.retainageOnCompletedWorkCents, sum(L, (l) => l.workRetainageHeldCents));
      assert.equal(s.retainageOnStoredMaterialsCents, sum(L, (l) => l.materialsRetainageHeldCents));
      assert.equal(s.totalRetainageCents, s.retainageOnCompletedWorkCents + s.retainageOnStoredMaterialsCents);
      assert.equal(s.totalRetainageCents, sum(L, (l) => l.retainageHeldCents));
    });
  });

  test('6 = 4 − 5; 7 = the previous line 6; 8 = 6 − 7; 9 = 3 − 6', () => {
    forAllApplications(({ app }, i, steps) => {
      const s = app.summary;
      assert.equal(s.totalEarnedLessRetainageCents, s.totalCompletedAndStoredCents - s.totalRetainageCents);
      assert.equal(s.lessPreviousCertificatesCents, i === 0 ? 0 : steps[i - 1]!.app.summary.totalEarnedLessRetainageCents);
      assert.equal(s.currentPaymentDueCents, s.totalEarnedLessRetainageCents - s.lessPreviousCertificatesCents);
      assert.equal(s.balanceToFinishInclRetainageCents, s.contractSumToDateCents - s.totalEarnedLessRetainageCents);
    });
  });

  test('line 8 = Σ net this period of the G703 (the payment is what the lines say)', () => {
    forAllApplications(({ app }) => {
      assert.equal(app.summary.currentPaymentDueCents, sum(app.lines, (l) => l.netThisPeriodCents));
    });
  });

  test('summarize(lines) is the same G702', () => {
    forAllApplications(({ input, app }) => {
      assert.deepEqual(summarize(app.lines, input.previousCertificatesCents), app.summary);
    });
  });
});

describe('chain invariants', () => {
  test("the next application's D is this one's D + E, its previously stored is this one's F, its retainage balance this one's I", () => {
    forAllApplications(({ app }, i, steps) => {
      const next = steps[i + 1];
      if (!next) return;
      for (const l of app.lines) {
        const n: ComputedLine | undefined = next.app.lines.find((x) => x.key === l.key);
        if (!n) continue;
        assert.equal(n.workCompletedPreviousCents, l.workCompletedPreviousCents + l.workCompletedThisPeriodCents);
        assert.equal(n.materialsStoredPreviousCents, l.materialsPresentlyStoredCents);
        assert.deepEqual(next.input.previous.get(l.key)?.retainage, { workHeldCents: l.workRetainageHeldCents, materialsHeldCents: l.materialsRetainageHeldCents });
      }
    });
  });

  test('releasing exactly what is held leaves nothing held, and line 8 of that release is the previous line 5', () => {
    fc.assert(
      fc.property(chainArb, (c) => {
        const steps = run(c);
        const last = steps[steps.length - 1]!;
        const release = computePayApplication({
          lines: last.input.lines.map((spec, i) => ({
            ...spec,
            entry: {
              workCompletedThisPeriodCents: 0,
              percentCompleteToDateBp: null,
              materialsStoredNewCents: 0,
              materialsInstalledCents: 0,
              retainageReleasedCents: last.app.lines[i]!.retainageHeldCents,
            },
          })),
          previous: toDateAfter(last.app),
          previousCertificatesCents: last.app.summary.totalEarnedLessRetainageCents,
          allowOverbilling: true,
        });
        assert.deepEqual(release.issues.filter((i) => i.code === 'release_exceeds_held'), []);
        for (const l of release.lines) assert.deepEqual([l.workRetainageHeldCents, l.materialsRetainageHeldCents], [0, 0]);
        assert.equal(release.summary.totalRetainageCents, 0);
        assert.equal(release.summary.totalCompletedAndStoredCents, last.app.summary.totalCompletedAndStoredCents);
        assert.equal(release.summary.currentPaymentDueCents, last.app.summary.totalRetainageCents);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('line problems', () => {
  test('with overbilling off, exactly the lines with G > C are reported as overbilled (none with it on)', () => {
    forAllApplications(({ input, app }) => {
      const overbilled = app.issues.filter((i) => i.code === 'overbilled').map((i) => i.key);
      const expected = input.allowOverbilling ? [] : app.lines.filter((l) => l.totalCompletedAndStoredCents > l.scheduledValueCents).map((l) => l.key);
      assert.deepEqual(overbilled, expected);
      for (const i of app.issues.filter((x) => x.code === 'overbilled')) assert.equal(i.field, 'totalCompletedAndStoredCents');
    });
  });

  test('a release of more than is held is reported on that line (and only then)', () => {
    forAllApplications(({ input, app }) => {
      const reported = app.issues.filter((i) => i.code === 'release_exceeds_held').map((i) => i.key);
      const expected = input.lines
        .filter((spec, i) => spec.entry.retainageReleasedCents > app.lines[i]!.retainageReleasedCents)
        .map((spec) => spec.key);
      assert.deepEqual(reported, expected);
    });
  });
});

describe('order independence', () => {
  test('the result does not depend on the order of the lines', () => {
    fc.assert(
      fc.property(chainArb, (c) => {
        for (const { input, app } of run(c)) {
          const perm = input.lines.map((_, i) => i).sort((a, b) => (c.order[a] ?? 0) - (c.order[b] ?? 0) || a - b);
          const shuffled = computePayApplication({ ...input, lines: perm.map((i) => input.lines[i]!) });
          assert.deepEqual(shuffled.summary, app.summary);
          const byKey = (ls: ComputedLine[]) => Object.fromEntries(ls.map((l) => [l.key, l]));
          assert.deepEqual(byKey(shuffled.lines), byKey(app.lines));
          const issues = (a: PayApplication) => a.issues.map((i) => `${i.key}/${i.code}/${i.field}`).sort();
          assert.deepEqual(issues(shuffled), issues(app));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
