/**
 * SLIDING-SCALE RETENTION — work retainage set by up to five rules per commitment (issue #6,
 * docs/decisions/008-sliding-scale-retention.md), instead of one flat rate per line.
 *
 * Rule shapes (each holds `rateBp` of the work it applies to):
 * - `until_percent_of_original`: until the work retainage withheld on the commitment reaches
 *   thresholdBp × the original commitment value (Procore's "X% until Y% of original commitment
 *   value is held"; e.g. 10% until 5% of a $400,000.00 subcontract, $20,000.00, is held);
 * - `until_percent_of_revised`: the same against the revised value (original + approved COs);
 * - `until_amount`: until `capCents` is withheld ("$ amount is held");
 * - `by_line_percent_complete`: the part of a line's work below untilCompleteBp × the line's
 *   scheduled value (a step: "10% until the line is 50% complete, then …");
 * - `by_commitment_percent_complete`: the part of the commitment's work below untilCompleteBp ×
 *   the revised commitment value (public-works "10% until 50% complete, then 5%"; JD Edwards tiers).
 * After the last rule, `afterRateBp` applies (often 0). With no rules at all, that is a flat rate.
 *
 * Order: for every cent of work the FIRST rule whose condition is not yet reached applies. Within
 * one invoice, rules are applied in order, each over all lines at once; the work a rule does not
 * take falls to the next rule (so "10% until $20,000.00 is held, then 5%" is a tier).
 *
 * One invoice of one commitment, never retroactively: the amount withheld before this invoice
 * comes from the previous applications and is never recomputed; this invoice holds only on its
 * own work (E). A cap counts work retainage withheld (overrides included), not reduced by releases.
 *
 * Caps and commitment-wide steps are shared by all lines. When a cap's remaining room is less than
 * what the lines would hold at the rule's rate, the room is split across the lines in proportion to
 * what each would have held (largest remainder, ties to the smaller line key), and each line's work
 * is split in the same proportion; the rest of the work falls to the next rule. Lines are processed
 * in key order, so the result never depends on the order the lines are given (or were saved) in.
 *
 * Corrections (negative E) are applied first and give retainage back: through line and commitment
 * steps by where the work sits (the mirror of holding), and through a cap rule at the rate of the
 * rule in force when the invoice starts (a cap already reached gives back at the next rule's rate,
 * often 0%). A line never gives back more than it holds.
 *
 * An administrator may override a line: the amount is taken as given (it counts toward the caps),
 * recorded with its reason, and shown beside what the rules alone would have held.
 *
 * Rounding (docs/decisions/002-rounding.md): half away from zero to the cent, once per line per
 * rule that applies to it (a line straddling a step is rounded on each side); a capped rule's room
 * is split exactly (largest remainder); every total is the sum of the lines.
 */
import { DomainError } from './errors.ts';
import { allocate, applyRate, BP_PER_WHOLE, formatAmount, ratioInBasisPoints, scale, sumCents } from './money.ts';

export const MAX_SLIDING_SCALE_RULES = 5;

export type SlidingScaleRule =
  | { kind: 'until_percent_of_original'; rateBp: number; thresholdBp: number }
  | { kind: 'until_percent_of_revised'; rateBp: number; thresholdBp: number }
  | { kind: 'until_amount'; rateBp: number; capCents: number }
  | { kind: 'by_line_percent_complete'; rateBp: number; untilCompleteBp: number }
  | { kind: 'by_commitment_percent_complete'; rateBp: number; untilCompleteBp: number };

export type SlidingScaleRuleKind = SlidingScaleRule['kind'];

/** A commitment's rules, in order, and the rate after the last one. */
export type SlidingScale = { rules: readonly SlidingScaleRule[]; afterRateBp: number };

/** An administrator's amount of work retainage for a line this period (Procore `ssr_manual_override`). */
export type SlidingScaleOverride = { workRetainageThisPeriodCents: number; reason: string };

export type SlidingScaleLineInput = {
  /** Stable line key ('sov:<id>' / 'co:<id>'); unique within the invoice. */
  key: string;
  scheduledValueCents: number;
  /** D: work completed on previous applications. */
  workCompletedPreviousCents: number;
  /** E: work completed this period (negative for a correction). */
  workCompletedThisPeriodCents: number;
  /** Work retainage the line holds before this invoice (after releases); a give-back stops here. */
  workRetainageHeldPreviousCents: number;
  override?: SlidingScaleOverride | null;
};

export type SlidingScaleInput = {
  scale: SlidingScale;
  originalCommitmentValueCents: number;
  /** Original + approved change orders (G702 line 3). Also the base of commitment percent complete. */
  revisedCommitmentValueCents: number;
  /**
   * Work retainage withheld on the commitment by the previous applications (Σ of their work
   * retainage this period, overrides included, NOT reduced by releases); never recomputed.
   * Must be at least Σ lines' `workRetainageHeldPreviousCents`.
   */
  withheldBeforeCents: number;
  /** Every line of the commitment on this invoice (commitment percent complete sums them). */
  lines: readonly SlidingScaleLineInput[];
};

/** A part of a line's work this period and the rule that held on it. */
export type RetainageSegment = {
  /** 0-based index into the rules; null for the rate after the last rule. */
  ruleIndex: number | null;
  rateBp: number;
  /** The part of E this rule applied to (same sign as E). */
  workCents: number;
  /** Retainage held on it (negative: given back). */
  retainageCents: number;
  /** The rule's cap was reached during this invoice, so it held less than its rate on this line's work. */
  capped: boolean;
  description: string;
};

export type SlidingScaleLine = {
  key: string;
  workCompletedThisPeriodCents: number;
  /** Work retainage this period: what replaces rate × E for this line. */
  workRetainageThisPeriodCents: number;
  /** Previous held + this period. */
  workRetainageHeldCents: number;
  /** What the rules alone would hold on this line (as if no line were overridden). */
  byRulesCents: number;
  overridden: boolean;
  overrideReason: string | null;
  /** A cap limited this line this period. */
  capped: boolean;
  /** A give-back was limited to what the line held. */
  limitedToHeld: boolean;
  /** Empty for an overridden line or a line with no work this period. */
  segments: RetainageSegment[];
  /** One sentence a person reads: which rule(s) produced this line's retainage, or the override. */
  explanation: string;
};

export type ResolvedRule = {
  /** 0-based; null for the rate after the last rule. */
  index: number | null;
  kind: SlidingScaleRuleKind | 'after';
  rateBp: number;
  /** Cap rules: the amount in cents (percent rules resolved against the commitment values). */
  capCents: number | null;
  /** by_commitment_percent_complete: the work to date at which the step ends. */
  boundaryCents: number | null;
  /** Cap and commitment-step rules: reached before / after this invoice; null otherwise. */
  reachedBefore: boolean | null;
  reachedAfter: boolean | null;
  description: string;
};

export type SlidingScaleResult = {
  /** In the order given. */
  lines: SlidingScaleLine[];
  rules: ResolvedRule[];
  withheldBeforeCents: number;
  /** Σ of the overridden lines' amounts this period. */
  overridesCents: number;
  /** Σ lines (overrides included). */
  thisPeriodCents: number;
  withheldAfterCents: number;
  /** The cap of the first cap rule not reached after this invoice; null when none is left. */
  capInForceCents: number | null;
  /**
   * The most automatic retainage can ever bring the withheld total to (the largest cap), when
   * nothing holds without a cap (afterRateBp = 0 and no step rule with a rate); otherwise null.
   * Overrides may go beyond it.
   */
  ceilingCents: number | null;
};

// ───────────────────────────── validation ─────────────────────────────

const KINDS: readonly SlidingScaleRuleKind[] = [
  'until_percent_of_original',
  'until_percent_of_revised',
  'until_amount',
  'by_line_percent_complete',
  'by_commitment_percent_complete',
];

function invalid(message: string, field: string): DomainError {
  return new DomainError('validation_failed', message, { field });
}

function checkBp(value: unknown, min: number, field: string, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > BP_PER_WHOLE) {
    throw invalid(`${what} must be between ${formatRate(min)} and 100%.`, field);
  }
  return value;
}

/** The rule's threshold as one comparable number (same kind only) and the field that holds it. */
function thresholdOf(rule: SlidingScaleRule): { value: number; field: string } {
  switch (rule.kind) {
    case 'until_percent_of_original':
    case 'until_percent_of_revised':
      return { value: rule.thresholdBp, field: 'thresholdBp' };
    case 'until_amount':
      return { value: rule.capCents, field: 'capCents' };
    case 'by_line_percent_complete':
    case 'by_commitment_percent_complete':
      return { value: rule.untilCompleteBp, field: 'untilCompleteBp' };
  }
}

/**
 * At most five rules; rates 0–100% (above 0% for a rule that holds until an amount is held: at 0%
 * it would never get there); thresholds above 0% and at most 100%; caps whole positive cents. A
 * rule that could never apply (a later rule of the same kind whose threshold is not above an
 * earlier one's) is refused.
 */
export function validateRules(rules: readonly SlidingScaleRule[]): void {
  if (!Array.isArray(rules)) throw invalid('Rules must be a list.', 'rules');
  if (rules.length > MAX_SLIDING_SCALE_RULES) {
    throw invalid(`A commitment can have at most ${MAX_SLIDING_SCALE_RULES} sliding-scale rules.`, 'rules');
  }
  rules.forEach((rule, i) => {
    const at = `rules.${i}`;
    const n = i + 1;
    if (!rule || !KINDS.includes(rule.kind)) throw invalid(`Rule ${n} has an unknown type.`, `${at}.kind`);
    checkBp(rule.rateBp, 0, `${at}.rateBp`, `The rate of rule ${n}`);
    switch (rule.kind) {
      case 'until_percent_of_original':
      case 'until_percent_of_revised':
        checkBp(rule.thresholdBp, 1, `${at}.thresholdBp`, `The share of the commitment value held by rule ${n}`);
        break;
      case 'until_amount':
        if (typeof rule.capCents !== 'number' || !Number.isSafeInteger(rule.capCents) || rule.capCents <= 0) {
          throw invalid(`The amount held by rule ${n} must be a whole number of cents above zero.`, `${at}.capCents`);
        }
        break;
      case 'by_line_percent_complete':
      case 'by_commitment_percent_complete':
        checkBp(rule.untilCompleteBp, 1, `${at}.untilCompleteBp`, `The percent complete of rule ${n}`);
        break;
    }
    if ((rule.kind === 'until_percent_of_original' || rule.kind === 'until_percent_of_revised' || rule.kind === 'until_amount') && rule.rateBp === 0) {
      throw invalid(`Rule ${n} holds 0%, so it would never reach its amount and the rules after it would never apply.`, `${at}.rateBp`);
    }
    const mine = thresholdOf(rule);
    for (let j = 0; j < i; j++) {
      const earlier = rules[j];
      if (earlier?.kind !== rule.kind) continue;
      if (mine.value <= thresholdOf(earlier).value) {
        throw invalid(
          `Rule ${n} can never apply: rule ${j + 1} comes first and already applies until ${describeThreshold(earlier)}.`,
          `${at}.${mine.field}`,
        );
      }
    }
  });
}

/** `validateRules` plus the rate after the last rule. */
export function validateSlidingScale(s: SlidingScale): void {
  validateRules(s.rules);
  checkBp(s.afterRateBp, 0, 'afterRateBp', 'The rate after the last rule');
}

/**
 * Whether two scales retain the same way: the same rules (kind, rate, threshold) in the same order
 * and the same rate after the last one. Null is "flat rates": equal only to null. Used to tell an
 * invoice's stored rules from its commitment's current ones (decision 008).
 */
export function sameSlidingScale(a: SlidingScale | null, b: SlidingScale | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.afterRateBp !== b.afterRateBp || a.rules.length !== b.rules.length) return false;
  return a.rules.every((rule, i) => {
    const other = b.rules[i];
    return other !== undefined && other.kind === rule.kind && other.rateBp === rule.rateBp && thresholdOf(other).value === thresholdOf(rule).value;
  });
}

function checkCents(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalid(`${field} must be a whole number of cents.`, field);
  }
  return value;
}

function validateInput(input: SlidingScaleInput): void {
  validateSlidingScale(input.scale);
  checkCents(input.originalCommitmentValueCents, 'originalCommitmentValueCents');
  checkCents(input.revisedCommitmentValueCents, 'revisedCommitmentValueCents');
  checkCents(input.withheldBeforeCents, 'withheldBeforeCents');
  if (input.withheldBeforeCents < 0) throw invalid('The retainage withheld before this invoice cannot be negative.', 'withheldBeforeCents');
  const keys = new Set<string>();
  input.lines.forEach((line, i) => {
    const at = `lines.${i}`;
    if (typeof line.key !== 'string' || line.key === '') throw invalid('Every line needs a key.', `${at}.key`);
    if (keys.has(line.key)) throw invalid(`Line ${line.key} appears twice.`, `${at}.key`);
    keys.add(line.key);
    checkCents(line.scheduledValueCents, `${at}.scheduledValueCents`);
    checkCents(line.workCompletedPreviousCents, `${at}.workCompletedPreviousCents`);
    checkCents(line.workCompletedThisPeriodCents, `${at}.workCompletedThisPeriodCents`);
    checkCents(line.workRetainageHeldPreviousCents, `${at}.workRetainageHeldPreviousCents`);
    if (line.workRetainageHeldPreviousCents < 0) {
      throw invalid(`The retainage held on line ${line.key} cannot be negative.`, `${at}.workRetainageHeldPreviousCents`);
    }
    const o = line.override;
    if (o) {
      checkCents(o.workRetainageThisPeriodCents, `${at}.override.workRetainageThisPeriodCents`);
      if (o.workRetainageThisPeriodCents < -line.workRetainageHeldPreviousCents) {
        throw invalid(
          `The override on line ${line.key} gives back more than the ${formatAmount(line.workRetainageHeldPreviousCents)} the line holds.`,
          `${at}.override.workRetainageThisPeriodCents`,
        );
      }
      if (typeof o.reason !== 'string' || o.reason.trim() === '') {
        throw invalid(`Give a reason for the override on line ${line.key}.`, `${at}.override.reason`);
      }
    }
  });
  const heldOnLines = sumCents(input.lines.map((l) => l.workRetainageHeldPreviousCents));
  if (input.withheldBeforeCents < heldOnLines) {
    throw invalid(
      `The retainage withheld before this invoice (${formatAmount(input.withheldBeforeCents)}) is less than the ${formatAmount(heldOnLines)} the lines hold.`,
      'withheldBeforeCents',
    );
  }
}

// ───────────────────────────── descriptions ─────────────────────────────

/** Basis points as a percent people read: 1000 → "10%", 250 → "2.5%", 1 → "0.01%". */
export function formatRate(bp: number): string {
  const sign = bp < 0 ? '-' : '';
  const abs = Math.abs(bp);
  const whole = Math.trunc(abs / 100);
  const frac = abs % 100;
  if (frac === 0) return `${sign}${whole}%`;
  return `${sign}${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}%`;
}

/** A rule as people read it, before amounts are resolved: "Rule 1: 10% until 5% of the original commitment value is held". */
export function describeRuleShape(rule: SlidingScaleRule, index: number): string {
  return `Rule ${index + 1}: ${formatRate(rule.rateBp)} until ${describeThreshold(rule)}`;
}

function describeThreshold(rule: SlidingScaleRule): string {
  switch (rule.kind) {
    case 'until_percent_of_original':
      return `${formatRate(rule.thresholdBp)} of the original commitment value is held`;
    case 'until_percent_of_revised':
      return `${formatRate(rule.thresholdBp)} of the revised commitment value is held`;
    case 'until_amount':
      return `${formatAmount(rule.capCents)} is held`;
    case 'by_line_percent_complete':
      return `the line is ${formatRate(rule.untilCompleteBp)} complete`;
    case 'by_commitment_percent_complete':
      return `the commitment is ${formatRate(rule.untilCompleteBp)} complete`;
  }
}

/** "Rule 1: 10% until 5% of the original commitment value (20,000.00) is held", resolved. */
function describeRule(rule: SlidingScaleRule, index: number, capCents: number | null, boundaryCents: number | null): string {
  const head = `Rule ${index + 1}: ${formatRate(rule.rateBp)} until`;
  switch (rule.kind) {
    case 'until_percent_of_original':
      return `${head} ${formatRate(rule.thresholdBp)} of the original commitment value (${formatAmount(capCents ?? 0)}) is held`;
    case 'until_percent_of_revised':
      return `${head} ${formatRate(rule.thresholdBp)} of the revised commitment value (${formatAmount(capCents ?? 0)}) is held`;
    case 'until_amount':
      return `${head} ${formatAmount(rule.capCents)} is held`;
    case 'by_line_percent_complete':
      return `${head} the line is ${formatRate(rule.untilCompleteBp)} complete`;
    case 'by_commitment_percent_complete':
      return `${head} the commitment is ${formatRate(rule.untilCompleteBp)} complete (${formatAmount(boundaryCents ?? 0)} of work)`;
  }
}

// ───────────────────────────── the rules, resolved for this invoice ─────────────────────────────

type Resolved = {
  index: number | null;
  rule: SlidingScaleRule | null;
  rateBp: number;
  capCents: number | null;
  boundaryCents: number | null;
  description: string;
};

function resolveRules(input: SlidingScaleInput): Resolved[] {
  const resolved = input.scale.rules.map((rule, index): Resolved => {
    let capCents: number | null = null;
    let boundaryCents: number | null = null;
    switch (rule.kind) {
      case 'until_percent_of_original':
        capCents = Math.max(0, applyRate(input.originalCommitmentValueCents, rule.thresholdBp));
        break;
      case 'until_percent_of_revised':
        capCents = Math.max(0, applyRate(input.revisedCommitmentValueCents, rule.thresholdBp));
        break;
      case 'until_amount':
        capCents = rule.capCents;
        break;
      case 'by_commitment_percent_complete':
        boundaryCents = applyRate(input.revisedCommitmentValueCents, rule.untilCompleteBp);
        break;
      case 'by_line_percent_complete':
        break;
    }
    return { index, rule, rateBp: rule.rateBp, capCents, boundaryCents, description: describeRule(rule, index, capCents, boundaryCents) };
  });
  const after = input.scale.afterRateBp;
  resolved.push({
    index: null,
    rule: null,
    rateBp: after,
    capCents: null,
    boundaryCents: null,
    description: resolved.length === 0 ? `Flat rate: ${formatRate(after)}` : `After the last rule: ${formatRate(after)}`,
  });
  return resolved;
}

// ───────────────────────────── the engine ─────────────────────────────

/**
 * One line's work still to place with a rule. Positions are in the line's "progress" direction
 * (work × the sign of C, so a credit line progresses toward its negative C): the remaining work
 * is the range [lo, lo + rem], and every rule takes from its low end.
 */
type Work = {
  key: string;
  sign: 1 | -1;
  absC: number;
  lo: number;
  rem: number;
  segments: RetainageSegment[];
};

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function clamp(v: number, min: number, max: number): number {
  return Math.min(Math.max(v, min), max);
}

function segmentDescription(r: Resolved, workCents: number, retainageCents: number, capped: boolean): string {
  const verb = retainageCents < 0 || workCents < 0 ? 'given back on' : 'held on';
  const amount = formatAmount(Math.abs(retainageCents));
  const cap = capped ? ` (the cap of ${formatAmount(r.capCents ?? 0)} was reached)` : '';
  return `${r.description} — ${amount} ${verb} ${formatAmount(Math.abs(workCents))} of work${cap}`;
}

/** Places `amount` cents of `w`'s remaining work with rule `r`; returns the retainage. */
function take(w: Work, r: Resolved, amount: number, capped = false, retainage?: number): number {
  if (amount <= 0 && !retainage) return 0;
  const workCents = w.sign * amount;
  const retainageCents = retainage ?? applyRate(workCents, r.rateBp);
  w.segments.push({
    ruleIndex: r.index,
    rateBp: r.rateBp,
    workCents,
    retainageCents,
    capped,
    description: segmentDescription(r, workCents, retainageCents, capped),
  });
  w.lo += amount;
  w.rem -= amount;
  return retainageCents;
}

/** Splits `budget` (≤ Σ rem) of work across the works in proportion to their remaining work. */
function splitWork(works: readonly Work[], budget: number): number[] {
  const total = sumCents(works.map((w) => w.rem));
  if (budget >= total) return works.map((w) => w.rem);
  if (budget <= 0) return works.map(() => 0);
  return allocate(budget, works.map((w) => w.rem));
}

/** Line step: the part of each line's remaining range below the step. */
function takeLineStep(works: readonly Work[], r: Resolved, untilCompleteBp: number): { retainage: number; work: number } {
  let retainage = 0;
  let work = 0;
  for (const w of works) {
    const boundary = applyRate(w.absC, untilCompleteBp);
    const amount = clamp(boundary - w.lo, 0, w.rem);
    if (amount > 0) {
      retainage += take(w, r, amount);
      work += amount;
    }
  }
  return { retainage, work };
}

/** Commitment step: `budget` of work, split across the lines in proportion to their remaining work. */
function takeCommitmentStep(works: readonly Work[], r: Resolved, budget: number): number {
  const parts = splitWork(works, budget);
  let retainage = 0;
  works.forEach((w, i) => {
    const amount = parts[i] ?? 0;
    if (amount > 0) retainage += take(w, r, amount);
  });
  return retainage;
}

type PassState = { held: number; position: number };

/**
 * Corrections: every work has sign −1. `state.held` is the withheld total when the invoice starts
 * (decides which cap rules are reached); `state.position` the commitment's work to date before the
 * corrections. The (negative) retainage given back lands in each work's segments, before the
 * per-line floor.
 */
function giveBack(works: readonly Work[], rules: readonly Resolved[], state: PassState): void {
  const live = () => works.filter((w) => w.rem > 0);
  for (const r of rules) {
    const active = live();
    if (active.length === 0) return;
    const rule = r.rule;
    if (rule === null) {
      for (const w of active) take(w, r, w.rem);
      return;
    }
    switch (rule.kind) {
      case 'by_line_percent_complete':
        takeLineStep(active, r, rule.untilCompleteBp);
        break;
      case 'by_commitment_percent_complete': {
        const remaining = sumCents(active.map((w) => w.rem));
        const low = state.position - remaining;
        const budget = clamp((r.boundaryCents ?? 0) - low, 0, remaining);
        takeCommitmentStep(active, r, budget);
        break;
      }
      default:
        // A cap rule: in force unless its cap was reached when the invoice started.
        if (state.held >= (r.capCents ?? 0)) break;
        for (const w of active) take(w, r, w.rem);
        return;
    }
  }
}

/** Work this period: every work has sign +1. Advances `state.held` and `state.position`. */
function hold(works: readonly Work[], rules: readonly Resolved[], state: PassState): void {
  const live = () => works.filter((w) => w.rem > 0);
  for (const r of rules) {
    const active = live();
    if (active.length === 0) return;
    const rule = r.rule;
    if (rule === null) {
      for (const w of active) {
        state.position += w.rem;
        state.held += take(w, r, w.rem);
      }
      return;
    }
    switch (rule.kind) {
      case 'by_line_percent_complete': {
        const { retainage, work } = takeLineStep(active, r, rule.untilCompleteBp);
        state.held += retainage;
        state.position += work;
        break;
      }
      case 'by_commitment_percent_complete': {
        const remaining = sumCents(active.map((w) => w.rem));
        const budget = clamp((r.boundaryCents ?? 0) - state.position, 0, remaining);
        state.held += takeCommitmentStep(active, r, budget);
        state.position += budget;
        break;
      }
      default: {
        const cap = r.capCents ?? 0;
        if (state.held >= cap) break;
        const demands = active.map((w) => applyRate(w.rem, r.rateBp));
        const demand = sumCents(demands);
        const room = cap - state.held;
        if (demand <= room) {
          active.forEach((w, i) => {
            state.position += w.rem;
            take(w, r, w.rem, false, demands[i] ?? 0);
          });
          state.held += demand;
          break;
        }
        // The cap binds: split the room by what each line would have held; split each line's
        // work in the same proportion; the rest of the work falls to the next rule.
        const shares = allocate(room, demands);
        active.forEach((w, i) => {
          const amount = scale(w.rem, room, demand);
          state.position += amount;
          take(w, r, amount, true, shares[i] ?? 0);
        });
        state.held = cap;
        break;
      }
    }
  }
}

type LineOutcome = { amount: number; segments: RetainageSegment[]; capped: boolean; limitedToHeld: boolean };

function evaluate(input: SlidingScaleInput, rules: readonly Resolved[], withOverrides: boolean): Map<string, LineOutcome> {
  const lines = [...input.lines].sort(byKey);
  const outcomes = new Map<string, LineOutcome>();
  const overridden = (l: SlidingScaleLineInput) => withOverrides && l.override != null;

  // The overrides come first: they count toward the held total and the commitment's progress.
  let held = input.withheldBeforeCents;
  let position = sumCents(lines.map((l) => l.workCompletedPreviousCents));
  for (const l of lines) {
    if (!overridden(l) || !l.override) continue;
    held += l.override.workRetainageThisPeriodCents;
    position += l.workCompletedThisPeriodCents;
    outcomes.set(l.key, { amount: l.override.workRetainageThisPeriodCents, segments: [], capped: false, limitedToHeld: false });
  }

  const toWork = (l: SlidingScaleLineInput): Work => {
    const sC = l.scheduledValueCents < 0 ? -1 : 1;
    const from = sC * l.workCompletedPreviousCents;
    const to = sC * (l.workCompletedPreviousCents + l.workCompletedThisPeriodCents);
    return {
      key: l.key,
      sign: l.workCompletedThisPeriodCents < 0 ? -1 : 1,
      absC: Math.abs(l.scheduledValueCents),
      lo: Math.min(from, to),
      rem: Math.abs(l.workCompletedThisPeriodCents),
      segments: [],
    };
  };
  const automatic = lines.filter((l) => !overridden(l));
  const corrections = automatic.filter((l) => l.workCompletedThisPeriodCents < 0);
  const progress = automatic.filter((l) => l.workCompletedThisPeriodCents > 0);

  // 1. Corrections give back, each line floored at what it holds.
  const backWorks = corrections.map(toWork);
  giveBack(backWorks, rules, { held, position });
  corrections.forEach((l, i) => {
    const w = backWorks[i];
    if (!w) return;
    const outcome = floorAtHeld(w.segments, l.workRetainageHeldPreviousCents);
    held += outcome.amount;
    position += l.workCompletedThisPeriodCents;
    outcomes.set(l.key, outcome);
  });

  // 2. Work this period holds, from the total left after the corrections.
  const holdWorks = progress.map(toWork);
  const state = { held, position };
  hold(holdWorks, rules, state);
  progress.forEach((l, i) => {
    const w = holdWorks[i];
    if (!w) return;
    outcomes.set(l.key, {
      amount: sumCents(w.segments.map((s) => s.retainageCents)),
      segments: w.segments,
      capped: w.segments.some((s) => s.capped),
      limitedToHeld: false,
    });
  });

  for (const l of automatic) {
    if (!outcomes.has(l.key)) outcomes.set(l.key, { amount: 0, segments: [], capped: false, limitedToHeld: false });
  }
  return outcomes;
}

/** A give-back never takes a line below zero: trim the last segments first. */
function floorAtHeld(segments: RetainageSegment[], heldPrevious: number): LineOutcome {
  const total = sumCents(segments.map((s) => s.retainageCents));
  if (total >= -heldPrevious) return { amount: total, segments, capped: false, limitedToHeld: false };
  let excess = 0 - heldPrevious - total; // > 0: how much less to give back
  const trimmed = segments.map((s) => ({ ...s }));
  for (let i = trimmed.length - 1; i >= 0 && excess > 0; i--) {
    const s = trimmed[i];
    if (!s || s.retainageCents >= 0) continue;
    const cut = Math.min(excess, -s.retainageCents);
    s.retainageCents += cut;
    excess -= cut;
  }
  return { amount: 0 - heldPrevious, segments: trimmed, capped: false, limitedToHeld: true };
}

function explain(line: SlidingScaleLineInput, outcome: LineOutcome, byRules: number, overridden: boolean): string {
  if (overridden && line.override) {
    const rulesSay = byRules === outcome.amount ? '' : ` (the rules would hold ${formatAmount(byRules)})`;
    return `Override by administrator: ${line.override.reason.trim()}${rulesSay}`;
  }
  if (outcome.segments.length === 0) return 'No work completed this period.';
  const parts = outcome.segments.map((s) => s.description);
  if (outcome.limitedToHeld) parts.push(`limited to the ${formatAmount(line.workRetainageHeldPreviousCents)} the line held`);
  return parts.join('; ');
}

/** A rule as it applied to one line this period (issue 10, item 6): what a grid cell names. */
export type AppliedRetainageRule = {
  /** 0-based index into the rules; null for the rate after the last rule and for an override. */
  index: number | null;
  kind: SlidingScaleRuleKind | 'after' | 'override';
  /** Short: "Rule 1", "After the last rule", "Flat rate" (a scale without rules) or "Override". */
  label: string;
  /** The rule resolved for this invoice ("Rule 1: 10% until 5% of the original commitment value (750.00) is held"), or the override's reason. */
  description: string;
  /** The rule's nominal rate; null for an override. */
  rateBp: number | null;
  /** The part of this period's work the rule applied to (the whole E for an override). */
  workCents: number;
  retainageCents: number;
  /** The rule's cap was reached on this line's work this period. */
  capped: boolean;
};

/** The rules that set a line's work retainage this period, in the order they applied (one in the usual case; none without work). */
export function appliedRules(line: SlidingScaleLine, rules: readonly ResolvedRule[]): AppliedRetainageRule[] {
  if (line.overridden) {
    return [
      {
        index: null,
        kind: 'override',
        label: 'Override',
        description: `Override by administrator: ${line.overrideReason ?? ''}`,
        rateBp: null,
        workCents: line.workCompletedThisPeriodCents,
        retainageCents: line.workRetainageThisPeriodCents,
        capped: false,
      },
    ];
  }
  const ruleCount = rules.filter((r) => r.index !== null).length;
  return line.segments.map((s) => {
    const rule = rules.find((r) => r.index === s.ruleIndex);
    return {
      index: s.ruleIndex,
      kind: rule?.kind ?? 'after',
      label: s.ruleIndex !== null ? `Rule ${s.ruleIndex + 1}` : ruleCount === 0 ? 'Flat rate' : 'After the last rule',
      description: rule?.description ?? '',
      rateBp: s.rateBp,
      workCents: s.workCents,
      retainageCents: s.retainageCents,
      capped: s.capped,
    };
  });
}

/**
 * The work retainage rate applied to a line this period, in basis points (issue 10, item 6):
 * - one rule applied to all of the line's work, its cap not reached and nothing limited: that
 *   rule's nominal rate (what the reviewer reads in the rules);
 * - several rules, a cap reached partway, an override, or a give-back limited to what the line
 *   held: retainage this period ÷ work this period, rounded half away from zero (decision 002; a
 *   display value that never feeds back into money), so that rate × E reads back the amount;
 * - no work this period: null (no rate was applied).
 */
export function effectiveRateBp(line: SlidingScaleLine): number | null {
  if (line.workCompletedThisPeriodCents === 0) return null;
  const only = line.segments.length === 1 ? line.segments[0] : undefined;
  if (!line.overridden && !line.limitedToHeld && only && !only.capped) return only.rateBp;
  return ratioInBasisPoints(line.workRetainageThisPeriodCents, line.workCompletedThisPeriodCents);
}

/**
 * Work retainage of one invoice of one commitment under its sliding scale. Pure; throws
 * DomainError('validation_failed') on invalid rules or inputs. Lines come back in the order given,
 * and each line's result is the same whatever that order.
 */
export function computeSlidingScaleRetainage(input: SlidingScaleInput): SlidingScaleResult {
  validateInput(input);
  const rules = resolveRules(input);
  const outcomes = evaluate(input, rules, true);
  const anyOverride = input.lines.some((l) => l.override != null);
  const plain = anyOverride ? evaluate(input, rules, false) : outcomes;

  const lines = input.lines.map((l): SlidingScaleLine => {
    const outcome = outcomes.get(l.key) ?? { amount: 0, segments: [], capped: false, limitedToHeld: false };
    const byRulesCents = plain.get(l.key)?.amount ?? 0;
    const overridden = l.override != null;
    return {
      key: l.key,
      workCompletedThisPeriodCents: l.workCompletedThisPeriodCents,
      workRetainageThisPeriodCents: outcome.amount,
      workRetainageHeldCents: l.workRetainageHeldPreviousCents + outcome.amount,
      byRulesCents,
      overridden,
      overrideReason: overridden ? (l.override?.reason.trim() ?? null) : null,
      capped: outcome.capped,
      limitedToHeld: outcome.limitedToHeld,
      segments: outcome.segments,
      explanation: explain(l, outcome, byRulesCents, overridden),
    };
  });

  const thisPeriodCents = sumCents(lines.map((l) => l.workRetainageThisPeriodCents));
  const overridesCents = sumCents(lines.filter((l) => l.overridden).map((l) => l.workRetainageThisPeriodCents));
  const withheldAfterCents = input.withheldBeforeCents + thisPeriodCents;
  const positionBefore = sumCents(input.lines.map((l) => l.workCompletedPreviousCents));
  const positionAfter = positionBefore + sumCents(input.lines.map((l) => l.workCompletedThisPeriodCents));

  const resolvedRules = rules.map((r): ResolvedRule => {
    const kind = r.rule?.kind ?? 'after';
    let reachedBefore: boolean | null = null;
    let reachedAfter: boolean | null = null;
    if (r.capCents !== null) {
      reachedBefore = input.withheldBeforeCents >= r.capCents;
      reachedAfter = withheldAfterCents >= r.capCents;
    } else if (r.boundaryCents !== null) {
      reachedBefore = positionBefore >= r.boundaryCents;
      reachedAfter = positionAfter >= r.boundaryCents;
    }
    return {
      index: r.index,
      kind,
      rateBp: r.rateBp,
      capCents: r.capCents,
      boundaryCents: r.boundaryCents,
      reachedBefore,
      reachedAfter,
      description: r.description,
    };
  });

  const caps = rules.flatMap((r) => (r.capCents === null ? [] : [r.capCents]));
  const unlimited = input.scale.afterRateBp > 0 || rules.some((r) => r.capCents === null && r.rule !== null && r.rateBp > 0);
  const nextCap = rules.find((r) => r.capCents !== null && withheldAfterCents < r.capCents);

  return {
    lines,
    rules: resolvedRules,
    withheldBeforeCents: input.withheldBeforeCents,
    overridesCents,
    thisPeriodCents,
    withheldAfterCents,
    capInForceCents: nextCap?.capCents ?? null,
    ceilingCents: unlimited ? null : Math.max(0, ...caps),
  };
}
