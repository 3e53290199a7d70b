/**
 * The pay application (subcontractor invoice) math, in the AIA G702/G703 shape.
 *
 * G703, per line (an SOV line or an approved change-order line):
 *   A item · B description · C scheduled value
 *   D work completed from previous applications (never typed: the previous application's D + E)
 *   E work completed this period — entered as an amount, or derived from a percent complete to
 *     date: E = round(C × %) − D − F. E includes stored materials installed this period.
 *   F materials presently stored = previously stored + newly stored − installed
 *   G total completed and stored to date = D + E + F;  G ÷ C (%);  H balance to finish = C − G
 *   I retainage held to date (src/domain/retainage.ts)
 * G702, every line a sum of already-rounded G703 lines (docs/decisions/002-rounding.md):
 *   1 original contract sum (Σ C of SOV lines) · 2 net change by change orders (Σ C of CO lines)
 *   3 contract sum to date = 1 + 2 · 4 total completed and stored = Σ G
 *   5a retainage on completed work · 5b on stored materials · 5 = 5a + 5b
 *   6 total earned less retainage = 4 − 5 · 7 less previous certificates (line 6 of the previous
 *   approved application, from its snapshot) · 8 current payment due = 6 − 7
 *   9 balance to finish including retainage = 3 − 6
 */
import { applyRate, formatAmount, ratioInBasisPoints, sumCents } from './money.ts';
import { DomainError } from './errors.ts';
import { computeLineRetainage, ZERO_BALANCE, type RetainageBalance, type RetainageRates } from './retainage.ts';
import {
  appliedRules,
  computeSlidingScaleRetainage,
  effectiveRateBp,
  type AppliedRetainageRule,
  type ResolvedRule,
  type SlidingScale,
  type SlidingScaleLine,
  type SlidingScaleOverride,
} from './sliding-scale.ts';

/** What a person enters on a line. */
export type LineEntry = {
  /** E as an amount, or null when entered as a percent complete to date. */
  workCompletedThisPeriodCents: number | null;
  /** Total completed and stored to date as basis points of C (used when the amount is null). */
  percentCompleteToDateBp: number | null;
  materialsStoredNewCents: number;
  materialsInstalledCents: number;
  retainageReleasedCents: number;
};

export const EMPTY_ENTRY: LineEntry = {
  workCompletedThisPeriodCents: 0,
  percentCompleteToDateBp: null,
  materialsStoredNewCents: 0,
  materialsInstalledCents: 0,
  retainageReleasedCents: 0,
};

/** Where a line stands at the end of the previous application. */
export type LineToDate = {
  workCompletedCents: number;
  materialsStoredCents: number;
  retainage: RetainageBalance;
  /**
   * Work retainage withheld to date, not reduced by releases: what sliding-scale caps count
   * (absent on snapshots taken before sliding scales existed: the held balance stands in).
   */
  workWithheldCents?: number | undefined;
};

export const NOTHING_YET: LineToDate = { workCompletedCents: 0, materialsStoredCents: 0, retainage: ZERO_BALANCE };

/** The SOV line a Subcontractor SOV detail line rolls up to (G703 grouping; absent on other lines). */
export type LineParent = { key: string; itemNumber: string; description: string };

export type LineSpec = {
  /** Stable identity across invoices: 'sov:<id>', 'ssov:<id>' (an SSOV detail line) or 'co:<id>'. */
  key: string;
  source: 'sov' | 'change_order';
  parent?: LineParent | undefined;
  itemNumber: string;
  description: string;
  costCode: string;
  scheduledValueCents: number;
  rates: RetainageRates;
  entry: LineEntry;
  /** An administrator's work retainage for this period on a sliding-scale commitment, with the reason. */
  retainageOverride?: SlidingScaleOverride | null | undefined;
};

export type ComputedLine = {
  key: string;
  source: 'sov' | 'change_order';
  parent?: LineParent | undefined;
  itemNumber: string;
  description: string;
  costCode: string;
  scheduledValueCents: number;
  workCompletedPreviousCents: number;
  workCompletedThisPeriodCents: number;
  materialsStoredPreviousCents: number;
  materialsStoredNewCents: number;
  materialsInstalledCents: number;
  materialsPresentlyStoredCents: number;
  totalCompletedAndStoredCents: number;
  percentCompleteBp: number;
  balanceToFinishCents: number;
  workRetainageRateBp: number;
  materialsRetainageRateBp: number;
  /** Retainage held on the line before this application (so a client can recompute it live). */
  workRetainagePreviousCents: number;
  materialsRetainagePreviousCents: number;
  workRetainageThisPeriodCents: number;
  materialsRetainageThisPeriodCents: number;
  retainageReleasedCents: number;
  workRetainageHeldCents: number;
  materialsRetainageHeldCents: number;
  retainageHeldCents: number;
  /** Billed this period before retainage: the change in G. */
  earnedThisPeriodCents: number;
  /** earned − retainage held this period + retainage released. */
  netThisPeriodCents: number;
  enteredAsPercent: boolean;
  /** Which sliding-scale rule (or override) set the work retainage this period; absent with flat rates. */
  workRetainageRule?: string | undefined;
  workRetainageOverridden?: boolean | undefined;
  /** What the rules alone would have held this period (shown beside an override). */
  workRetainageByRulesCents?: number | undefined;
  /** Work retainage withheld to date, not reduced by releases (what the caps count). */
  workRetainageWithheldToDateCents?: number | undefined;
  /**
   * The work retainage rate applied this period (basis points): the line's flat rate, or on a
   * sliding scale `effectiveRateBp` (src/domain/sliding-scale.ts); null when no rate applied.
   * Absent on snapshots taken before issue 10 (see `workRetainageApplied`).
   */
  workRetainageEffectiveRateBp?: number | null | undefined;
  /** Sliding scale: the rule(s) that set the work retainage this period, in order; empty with flat rates. */
  workRetainageRulesApplied?: AppliedRetainageRule[] | undefined;
};

export type G702 = {
  originalContractSumCents: number;
  netChangeByChangeOrdersCents: number;
  contractSumToDateCents: number;
  totalCompletedAndStoredCents: number;
  retainageOnCompletedWorkCents: number;
  retainageOnStoredMaterialsCents: number;
  totalRetainageCents: number;
  totalEarnedLessRetainageCents: number;
  lessPreviousCertificatesCents: number;
  currentPaymentDueCents: number;
  balanceToFinishInclRetainageCents: number;
};

export type LineIssue = {
  key: string;
  field: keyof LineEntry | 'totalCompletedAndStoredCents';
  code: 'negative_amount' | 'materials_installed_exceed_stored' | 'release_exceeds_held' | 'overbilled' | 'work_below_zero' | 'invalid_percent' | 'retainage_rules';
  message: string;
};

export type PayApplicationInput = {
  lines: LineSpec[];
  /** Per line key: where it stood after the previous application (absent: nothing yet). */
  previous: ReadonlyMap<string, LineToDate>;
  /** G702 line 6 of the previous approved application (its snapshot), 0 for the first. */
  previousCertificatesCents: number;
  allowOverbilling: boolean;
  /** The commitment's sliding-scale retention, when it has one: it sets each line's work retainage. */
  slidingScale?: SlidingScale | null | undefined;
};

export type PayApplication = { lines: ComputedLine[]; summary: G702; issues: LineIssue[] };

function label(line: LineSpec): string {
  return line.itemNumber ? `line ${line.itemNumber} (${line.description})` : `"${line.description}"`;
}

/**
 * How far a line is billed over 100%: G − max(C, 0) when that is positive, else 0 (decision 006).
 * The `max` keeps a deduction (negative C) with nothing billed on it at 0% rather than "over";
 * billing anything positive on a deduction is overbilling. Whether it is allowed is the project's
 * rule; the amount is the same either way, so a saved line keeps its flag.
 */
export function overbilledByCents(line: Pick<ComputedLine, 'totalCompletedAndStoredCents' | 'scheduledValueCents'>): number {
  return Math.max(line.totalCompletedAndStoredCents - Math.max(line.scheduledValueCents, 0), 0);
}

/** The lines billed over 100% (the count a submit dialog, a review banner and the billing board show). */
export function countOverbilledLines(lines: readonly Pick<ComputedLine, 'totalCompletedAndStoredCents' | 'scheduledValueCents'>[]): number {
  return lines.filter((l) => overbilledByCents(l) > 0).length;
}

/** Resolves E from an amount or a percent complete to date (rounded half away from zero). */
export function resolveWorkThisPeriod(entry: LineEntry, scheduledValueCents: number, previousWorkCents: number, materialsPresentlyStoredCents: number): number {
  if (entry.workCompletedThisPeriodCents !== null) return entry.workCompletedThisPeriodCents;
  const targetToDate = applyRate(scheduledValueCents, entry.percentCompleteToDateBp ?? 0);
  return targetToDate - previousWorkCents - materialsPresentlyStoredCents;
}

/** Computes every G703 column and the G702 summary, and lists each line's problems. Pure. */
export function computePayApplication(input: PayApplicationInput): PayApplication {
  const issues: LineIssue[] = [];
  const scale = input.slidingScale ? slidingScaleOf(input, input.slidingScale, issues) : null;
  const scaled = scale?.lines ?? null;
  // One function for every line, not a closure per line (thousands per computation).
  const issue = (spec: LineSpec, field: LineIssue['field'], code: LineIssue['code'], message: string) => {
    issues.push({ key: spec.key, field, code, message });
  };
  const lines = input.lines.map((spec): ComputedLine => {
    const prior = input.previous.get(spec.key) ?? NOTHING_YET;
    const e = spec.entry;
    if (e.materialsStoredNewCents < 0) issue(spec, 'materialsStoredNewCents', 'negative_amount', `New materials stored on ${label(spec)} cannot be negative.`);
    if (e.materialsInstalledCents < 0) issue(spec, 'materialsInstalledCents', 'negative_amount', `Materials moved into work on ${label(spec)} cannot be negative.`);
    if (e.retainageReleasedCents < 0) issue(spec, 'retainageReleasedCents', 'negative_amount', `Retainage released on ${label(spec)} cannot be negative.`);
    if (e.workCompletedThisPeriodCents === null && (e.percentCompleteToDateBp === null || e.percentCompleteToDateBp < 0)) {
      issue(spec, 'percentCompleteToDateBp', 'invalid_percent', `Enter a percent complete of zero or more on ${label(spec)}.`);
    }
    const materialsStoredPreviousCents = prior.materialsStoredCents;
    const available = materialsStoredPreviousCents + Math.max(e.materialsStoredNewCents, 0);
    if (e.materialsInstalledCents > available) {
      issue(
        spec,
        'materialsInstalledCents',
        'materials_installed_exceed_stored',
        `Materials moved into work on ${label(spec)} are more than the ${formatAmount(available)} stored.`,
      );
    }
    const materialsPresentlyStoredCents = materialsStoredPreviousCents + e.materialsStoredNewCents - e.materialsInstalledCents;
    const E = resolveWorkThisPeriod(e, spec.scheduledValueCents, prior.workCompletedCents, materialsPresentlyStoredCents);
    // Work to date stays between zero and the line; a credit line (negative C) bills down to C.
    const floor = Math.min(spec.scheduledValueCents, 0);
    if (prior.workCompletedCents + E < floor) {
      issue(
        spec,
        e.workCompletedThisPeriodCents === null ? 'percentCompleteToDateBp' : 'workCompletedThisPeriodCents',
        'work_below_zero',
        floor < 0
          ? `Work completed to date on ${label(spec)} cannot go below the credit of ${formatAmount(floor)}.`
          : `Work completed to date on ${label(spec)} cannot fall below zero.`,
      );
    }
    const G = prior.workCompletedCents + E + materialsPresentlyStoredCents;
    if (!input.allowOverbilling && overbilledByCents({ totalCompletedAndStoredCents: G, scheduledValueCents: spec.scheduledValueCents }) > 0) {
      issue(
        spec,
        'totalCompletedAndStoredCents',
        'overbilled',
        `${label(spec)} is billed over 100%: ${formatAmount(G)} completed and stored against a scheduled value of ${formatAmount(spec.scheduledValueCents)}.`,
      );
    }
    const retainage = computeLineRetainage({
      rates: spec.rates,
      previous: prior.retainage,
      workCompletedThisPeriodCents: E,
      materialsStoredPreviousCents,
      materialsStoredNewCents: e.materialsStoredNewCents,
      materialsInstalledCents: e.materialsInstalledCents,
      retainageReleasedCents: e.retainageReleasedCents,
      workThisPeriodCents: scaled?.get(spec.key)?.workRetainageThisPeriodCents,
    });
    const rule = scaled?.get(spec.key);
    if (e.retainageReleasedCents > retainage.availableToReleaseCents) {
      issue(
        spec,
        'retainageReleasedCents',
        'release_exceeds_held',
        `Retainage released on ${label(spec)} is more than the ${formatAmount(retainage.availableToReleaseCents)} held.`,
      );
    }
    const released = retainage.releasedFromWorkCents + retainage.releasedFromMaterialsCents;
    const earnedThisPeriodCents = E + e.materialsStoredNewCents - e.materialsInstalledCents;
    const heldThisPeriod = retainage.workThisPeriodCents + retainage.materialsThisPeriodCents;
    return {
      key: spec.key,
      source: spec.source,
      ...(spec.parent && { parent: spec.parent }),
      itemNumber: spec.itemNumber,
      description: spec.description,
      costCode: spec.costCode,
      scheduledValueCents: spec.scheduledValueCents,
      workCompletedPreviousCents: prior.workCompletedCents,
      workCompletedThisPeriodCents: E,
      materialsStoredPreviousCents,
      materialsStoredNewCents: e.materialsStoredNewCents,
      materialsInstalledCents: e.materialsInstalledCents,
      materialsPresentlyStoredCents,
      totalCompletedAndStoredCents: G,
      percentCompleteBp: ratioInBasisPoints(G, spec.scheduledValueCents),
      balanceToFinishCents: spec.scheduledValueCents - G,
      workRetainageRateBp: spec.rates.workBp,
      materialsRetainageRateBp: spec.rates.materialsBp,
      workRetainagePreviousCents: prior.retainage.workHeldCents,
      materialsRetainagePreviousCents: prior.retainage.materialsHeldCents,
      workRetainageThisPeriodCents: retainage.workThisPeriodCents,
      materialsRetainageThisPeriodCents: retainage.materialsThisPeriodCents,
      retainageReleasedCents: released,
      workRetainageHeldCents: retainage.workHeldCents,
      materialsRetainageHeldCents: retainage.materialsHeldCents,
      retainageHeldCents: retainage.workHeldCents + retainage.materialsHeldCents,
      earnedThisPeriodCents,
      netThisPeriodCents: earnedThisPeriodCents - heldThisPeriod + released,
      enteredAsPercent: e.workCompletedThisPeriodCents === null,
      ...(rule && {
        workRetainageRule: rule.explanation,
        workRetainageOverridden: rule.overridden,
        workRetainageByRulesCents: rule.byRulesCents,
      }),
      workRetainageEffectiveRateBp: rule ? effectiveRateBp(rule) : spec.rates.workBp,
      workRetainageRulesApplied: rule && scale ? appliedRules(rule, scale.rules) : [],
      workRetainageWithheldToDateCents: (prior.workWithheldCents ?? prior.retainage.workHeldCents) + retainage.workThisPeriodCents,
    };
  });
  return { lines, summary: summarize(lines, input.previousCertificatesCents), issues };
}

/**
 * The rate applied this period and the rules that set it, also for lines of snapshots taken before
 * they were recorded: flat lines read their rate; sliding-scale lines retainage ÷ work (no rules).
 */
export function workRetainageApplied(line: ComputedLine): { effectiveRateBp: number | null; rules: AppliedRetainageRule[] } {
  if (line.workRetainageEffectiveRateBp !== undefined) return { effectiveRateBp: line.workRetainageEffectiveRateBp, rules: line.workRetainageRulesApplied ?? [] };
  if (line.workRetainageRule === undefined) return { effectiveRateBp: line.workRetainageRateBp, rules: [] };
  const E = line.workCompletedThisPeriodCents;
  return { effectiveRateBp: E === 0 ? null : ratioInBasisPoints(line.workRetainageThisPeriodCents, E), rules: [] };
}

/** E of a line before anything else is computed (the sliding scale needs every line's E at once). */
function workThisPeriodOf(spec: LineSpec, prior: LineToDate): number {
  const e = spec.entry;
  const stored = prior.materialsStoredCents + e.materialsStoredNewCents - e.materialsInstalledCents;
  return resolveWorkThisPeriod(e, spec.scheduledValueCents, prior.workCompletedCents, stored);
}

/**
 * The sliding scale over all lines of this application at once (caps are shared by the lines):
 * each line's work retainage this period and the rule that set it. Inputs it cannot use (an
 * override below what the line holds, say) become an issue on that line instead of an error.
 */
function slidingScaleOf(input: PayApplicationInput, scale: SlidingScale, issues: LineIssue[]): { lines: Map<string, SlidingScaleLine>; rules: ResolvedRule[] } | null {
  const original = sumCents(input.lines.filter((l) => l.source === 'sov').map((l) => l.scheduledValueCents));
  const revised = sumCents(input.lines.map((l) => l.scheduledValueCents));
  const withheldBefore = sumCents([...input.previous.values()].map((p) => Math.max(p.workWithheldCents ?? p.retainage.workHeldCents, p.retainage.workHeldCents)));
  try {
    const result = computeSlidingScaleRetainage({
      scale,
      originalCommitmentValueCents: original,
      revisedCommitmentValueCents: revised,
      withheldBeforeCents: Math.max(withheldBefore, 0),
      lines: input.lines.map((spec) => {
        const prior = input.previous.get(spec.key) ?? NOTHING_YET;
        return {
          key: spec.key,
          scheduledValueCents: spec.scheduledValueCents,
          workCompletedPreviousCents: prior.workCompletedCents,
          workCompletedThisPeriodCents: workThisPeriodOf(spec, prior),
          workRetainageHeldPreviousCents: prior.retainage.workHeldCents,
          override: spec.retainageOverride ?? null,
        };
      }),
    });
    return { lines: new Map(result.lines.map((l) => [l.key, l])), rules: result.rules };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const index = /^lines\.(\d+)\./.exec(error.field ?? '')?.[1];
    const key = input.lines[Number(index ?? 0)]?.key;
    if (key) issues.push({ key, field: 'workCompletedThisPeriodCents', code: 'retainage_rules', message: error.message });
    return null;
  }
}

/** The G702 lines: each a sum of rounded G703 lines, so the summary always ties to the detail. */
export function summarize(lines: readonly ComputedLine[], previousCertificatesCents: number): G702 {
  const sum = (pick: (l: ComputedLine) => number, filter: (l: ComputedLine) => boolean = () => true) =>
    sumCents(lines.filter(filter).map(pick));
  const original = sum((l) => l.scheduledValueCents, (l) => l.source === 'sov');
  const changeOrders = sum((l) => l.scheduledValueCents, (l) => l.source === 'change_order');
  const contractSum = original + changeOrders;
  const completed = sum((l) => l.totalCompletedAndStoredCents);
  const workRetainage = sum((l) => l.workRetainageHeldCents);
  const materialsRetainage = sum((l) => l.materialsRetainageHeldCents);
  const totalRetainage = workRetainage + materialsRetainage;
  const earnedLessRetainage = completed - totalRetainage;
  return {
    originalContractSumCents: original,
    netChangeByChangeOrdersCents: changeOrders,
    contractSumToDateCents: contractSum,
    totalCompletedAndStoredCents: completed,
    retainageOnCompletedWorkCents: workRetainage,
    retainageOnStoredMaterialsCents: materialsRetainage,
    totalRetainageCents: totalRetainage,
    totalEarnedLessRetainageCents: earnedLessRetainage,
    lessPreviousCertificatesCents: previousCertificatesCents,
    currentPaymentDueCents: earnedLessRetainage - previousCertificatesCents,
    balanceToFinishInclRetainageCents: contractSum - earnedLessRetainage,
  };
}

/** Where each line stands after this application: the `previous` of the next one. */
export function toDateAfter(application: Pick<PayApplication, 'lines'>): Map<string, LineToDate> {
  return new Map(
    application.lines.map((l) => [
      l.key,
      {
        workCompletedCents: l.workCompletedPreviousCents + l.workCompletedThisPeriodCents,
        materialsStoredCents: l.materialsPresentlyStoredCents,
        retainage: { workHeldCents: l.workRetainageHeldCents, materialsHeldCents: l.materialsRetainageHeldCents },
        workWithheldCents: l.workRetainageWithheldToDateCents ?? l.workRetainageHeldCents,
      },
    ]),
  );
}
