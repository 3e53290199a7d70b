/**
 * Money is integer cents in a JS `number`, checked to be a safe integer; rates are basis points
 * (1% = 100 bp, 10% = 1000 bp). Products that can exceed 2^53 are computed in `bigint`.
 *
 * Rounding (docs/decisions/002-rounding.md): every rounding in payapp is "half away from zero"
 * to the cent — half-up on positive amounts, half-down (away from zero) on negatives — applied
 * once per line; every total is the sum of already-rounded lines.
 */
import { DomainError } from './errors.ts';

export type Cents = number;
export type BasisPoints = number;

export const BP_PER_WHOLE = 10_000;

export function assertCents(value: number, field = 'amount'): Cents {
  if (!Number.isSafeInteger(value)) {
    throw new DomainError('validation_failed', `${field} must be a whole number of cents.`, { field });
  }
  return value;
}

/** Divide two bigints, rounding half away from zero. `denominator` must be positive. */
export function divideRoundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const quotient = (abs * 2n + denominator) / (denominator * 2n);
  return negative ? -quotient : quotient;
}

function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount out of range: ${value}`);
  return n;
}

/** `rate` basis points of `amount` cents, rounded half away from zero to the cent. */
export function applyRate(amount: Cents, rate: BasisPoints): Cents {
  return toSafeNumber(divideRoundHalfAwayFromZero(BigInt(amount) * BigInt(rate), BigInt(BP_PER_WHOLE)));
}

/**
 * `part` as a share of `whole` in basis points (e.g. percent complete, G ÷ C), rounded half away
 * from zero. A zero `whole` gives 0 bp (a $0 line is never "complete").
 */
export function ratioInBasisPoints(part: Cents, whole: Cents): BasisPoints {
  if (whole === 0) return 0;
  const sign = whole < 0 ? -1n : 1n;
  return toSafeNumber(divideRoundHalfAwayFromZero(BigInt(part) * BigInt(BP_PER_WHOLE) * sign, BigInt(whole) * sign));
}

/** Scale `amount` by `numerator / denominator`, rounded half away from zero to the cent. */
export function scale(amount: Cents, numerator: number, denominator: number): Cents {
  if (denominator === 0) throw new RangeError('denominator must not be zero');
  const sign = denominator < 0 ? -1n : 1n;
  return toSafeNumber(
    divideRoundHalfAwayFromZero(BigInt(amount) * BigInt(numerator) * sign, BigInt(denominator) * sign),
  );
}

export function sumCents(values: Iterable<Cents>): Cents {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  return toSafeNumber(total);
}

/**
 * Split `total` across `weights` so that the parts sum exactly to `total` (largest remainder
 * goes first, ties to the earliest weight). Weights must be non-negative and not all zero.
 */
export function allocate(total: Cents, weights: readonly number[]): Cents[] {
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0 || weightSum <= 0 || weights.some((w) => w < 0)) {
    throw new RangeError('weights must be non-negative and not all zero');
  }
  const sign = total < 0 ? -1n : 1n;
  const absTotal = BigInt(total) * sign;
  const W = BigInt(weightSum);
  const parts = weights.map((w) => (absTotal * BigInt(w)) / W);
  const remainders = weights.map((w, i) => ({ i, r: (absTotal * BigInt(w)) % W }));
  let left = absTotal - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts.map((p) => toSafeNumber(p * sign));
}

/** Parse a decimal string like "1234.56" or "-0.5" into cents; refuses more than 2 decimals. */
export function parseDecimalToCents(text: string, field = 'amount'): Cents {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) {
    throw new DomainError('validation_failed', `${field} must be an amount like 1234.56.`, { field });
  }
  const [, minus, whole = '0', frac = ''] = match;
  const cents = BigInt(whole) * 100n + BigInt(frac.padEnd(2, '0'));
  const signed = minus ? -cents : cents;
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DomainError('validation_failed', `${field} is too large.`, { field });
  }
  return Number(signed);
}

/** Format cents as a plain decimal string ("1234.56"), for logs, CLI output and tests. */
export function formatCentsPlain(cents: Cents): string {
  const negative = cents < 0;
  const abs = BigInt(Math.abs(cents));
  const s = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  return negative ? `-${s}` : s;
}

/** Cents as an amount people read in messages: "12,345.67" (no currency: messages stay locale-free). */
export function formatAmount(cents: Cents): string {
  const [whole = '0', frac = '00'] = formatCentsPlain(cents).replace('-', '').split('.');
  return `${cents < 0 ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}
