/** Money: integer cents, basis points, half-away-from-zero rounding, exact allocation. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors.ts';
import {
  allocate,
  applyRate,
  assertCents,
  divideRoundHalfAwayFromZero,
  formatCentsPlain,
  parseDecimalToCents,
  ratioInBasisPoints,
  scale,
  sumCents,
} from '../../src/domain/money.ts';

const MAX = Number.MAX_SAFE_INTEGER;

/** An independent reference: quotient and remainder, rounding away from zero when the remainder is at least half. */
function referenceDivide(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const q = abs / denominator;
  const r = abs % denominator;
  const rounded = 2n * r >= denominator ? q + 1n : q;
  return negative ? -rounded : rounded;
}

describe('applyRate: rate × amount, half away from zero to the cent', () => {
  const cases: [string, number, number, number][] = [
    // [what, amount cents, rate bp, expected cents]
    ['10% of 1,991.25 = 199.125 → 199.13', 199125, 1000, 19913],
    ['5% of 1,874,664.70 = 93,733.235 → 93,733.24', 187466470, 500, 9373324],
    ['10% of −1,991.25 = −199.125 → −199.13', -199125, 1000, -19913],
    ['50% of 0.01 = 0.005 → 0.01', 1, 5000, 1],
    ['50% of −0.01 = −0.005 → −0.01', -1, 5000, -1],
    ['49.99% of 0.01 = 0.004999 → 0.00', 1, 4999, 0],
    ['−49.99% of 0.01 → 0.00 (never −0)', -1, 4999, 0],
    ['50.01% of 0.01 = 0.005001 → 0.01', 1, 5001, 1],
    ['10% of 0.15 = 0.015 → 0.02', 15, 1000, 2],
    ['10% of 0.14 = 0.014 → 0.01', 14, 1000, 1],
    ['0% of anything is 0', 123456789, 0, 0],
    ['100% is the amount itself', 987654321, 10000, 987654321],
    ['7.5% of 12,345.67 = 925.92525 → 925.93', 1234567, 750, 92593],
    ['a rate above 100% (change-order markup)', 100000, 12500, 125000],
    ['zero amount', 0, 1000, 0],
  ];
  for (const [what, amount, rate, expected] of cases) {
    test(what, () => {
      const result = applyRate(amount, rate);
      assert.ok(Object.is(result, expected), `applyRate(${amount}, ${rate}) = ${result}, expected ${expected}`);
    });
  }

  test('amounts beyond 2^53 / 10 000 are still exact (the product is computed in bigint)', () => {
    // Expected values computed with arbitrary-precision decimals (ROUND_HALF_UP away from zero).
    const big: [number, number, number][] = [
      [123456789012345, 777, 9592592506259], // 9,592,592,506,259.2065
      [9007199254740991, 5000, 4503599627370496], // …495.5 → …496
      [9007199254740991, 9999, 9006298534815517], // product 9.0e19 ≫ 2^53
      [-9007199254740991, 3333, -3002099511605172],
      [900719925474, 9999, 900629853481],
    ];
    for (const [amount, rate, expected] of big) assert.equal(applyRate(amount, rate), expected, `${amount} × ${rate} bp`);
  });

  test('property: equals an exact quotient-and-remainder reference for any safe amount and rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX, max: MAX }), fc.integer({ min: 0, max: 10000 }), (amount, rate) => {
        assert.equal(applyRate(amount, rate), Number(referenceDivide(BigInt(amount) * BigInt(rate), 10000n)));
      }),
      { numRuns: 2000 },
    );
  });

  test('property: symmetric around zero and never more than the amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 10000 }), (amount, rate) => {
        const positive = applyRate(amount, rate);
        assert.equal(applyRate(-amount, rate), positive === 0 ? 0 : -positive);
        assert.ok(positive <= amount);
      }),
    );
  });

  test('a result that is not a safe integer throws instead of losing cents', () => {
    assert.throws(() => applyRate(MAX, 10001), RangeError);
    assert.throws(() => applyRate(MAX, 20000), RangeError);
    assert.equal(applyRate(MAX, 10000), MAX);
  });

  test('non-integer inputs are refused, not silently rounded', () => {
    assert.throws(() => applyRate(100.5, 1000));
    assert.throws(() => applyRate(100, 12.5));
  });
});

describe('divideRoundHalfAwayFromZero', () => {
  const cases: [bigint, bigint, bigint][] = [
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [4n, 2n, 2n],
    [7n, 3n, 2n],
    [8n, 3n, 3n],
    [-7n, 3n, -2n],
    [-8n, 3n, -3n],
    [0n, 7n, 0n],
    [1n, 3n, 0n],
    [-1n, 3n, 0n],
  ];
  for (const [n, d, expected] of cases) {
    test(`${n} / ${d} → ${expected}`, () => assert.equal(divideRoundHalfAwayFromZero(n, d), expected));
  }
  test('a zero or negative denominator is refused', () => {
    assert.throws(() => divideRoundHalfAwayFromZero(1n, 0n), RangeError);
    assert.throws(() => divideRoundHalfAwayFromZero(1n, -2n), RangeError);
  });
});

describe('ratioInBasisPoints: part ÷ whole, in bp', () => {
  const cases: [string, number, number, number][] = [
    ['a third → 33.33%', 1, 3, 3333],
    ['two thirds → 66.67%', 2, 3, 6667],
    ['half a basis point rounds up', 1, 20000, 1],
    ['just under half a basis point rounds down', 1, 20001, 0],
    ['negative half a basis point rounds away from zero', -1, 20000, -1],
    ['negative whole flips the sign', 1, -20000, -1],
    ['both negative is positive', -1, -20000, 1],
    ['complete', 12345, 12345, 10000],
    ['over-billed shows above 100%', 150, 100, 15000],
    ['a $0 line is never "complete"', 0, 0, 0],
    ['anything of a $0 whole is 0', 500, 0, 0],
    ['nothing of something', 0, 999, 0],
  ];
  for (const [what, part, whole, expected] of cases) {
    test(`${what}: ${part}/${whole} → ${expected} bp`, () => assert.equal(ratioInBasisPoints(part, whole), expected));
  }
  test('large parts and wholes are exact', () => {
    assert.equal(ratioInBasisPoints(MAX, MAX), 10000);
    assert.equal(ratioInBasisPoints(Math.floor(MAX / 3), MAX), 3333);
  });
});

describe('scale: amount × numerator ÷ denominator', () => {
  const cases: [number, number, number, number][] = [
    [100, 1, 3, 33],
    [200, 1, 3, 67],
    [1, 1, 2, 1],
    [-1, 1, 2, -1],
    [1, -1, 2, -1],
    [1, 1, -2, -1],
    [-1, -1, -2, -1],
    [12345, 0, 7, 0],
    [1000, 7, 7, 1000],
    [MAX, 2, 2, MAX], // the intermediate product exceeds 2^53
    [MAX, 1, 3, 3002399751580330],
  ];
  for (const [amount, n, d, expected] of cases) {
    test(`scale(${amount}, ${n}, ${d}) → ${expected}`, () => assert.ok(Object.is(scale(amount, n, d), expected)));
  }
  test('a zero denominator and an unsafe result throw', () => {
    assert.throws(() => scale(100, 1, 0), RangeError);
    assert.throws(() => scale(MAX, 3, 2), RangeError);
  });
});

describe('sumCents', () => {
  test('sums exactly, even when an intermediate sum passes 2^53', () => {
    assert.equal(sumCents([]), 0);
    assert.equal(sumCents([1, 2, 3]), 6);
    assert.equal(sumCents([MAX, 1, -1]), MAX);
    assert.equal(sumCents(new Set([5, -7])), -2);
  });
  test('an unsafe total throws', () => {
    assert.throws(() => sumCents([MAX, 1]), RangeError);
    assert.throws(() => sumCents([-MAX, -1]), RangeError);
  });
});

describe('allocate: split a total by weights, parts sum exactly', () => {
  const cases: [string, number, number[], number[]][] = [
    ['equal thirds: the remainder goes to the earliest', 100, [1, 1, 1], [34, 33, 33]],
    ['negative totals mirror positive ones', -100, [1, 1, 1], [-34, -33, -33]],
    ['a tie goes to the earliest weight', 5, [1, 1], [3, 2]],
    ['largest remainder first, not position', 10, [1, 2, 3], [2, 3, 5]],
    ['a zero weight gets nothing', 1, [0, 1], [0, 1]],
    ['zero total', 0, [3, 7], [0, 0]],
    ['proportional when exact', 1000, [1, 3], [250, 750]],
    ['one weight takes everything', 12345, [42], [12345]],
    ['large totals', MAX, [1, 1], [4503599627370496, 4503599627370495]],
  ];
  for (const [what, total, weights, expected] of cases) {
    test(`${what}: allocate(${total}, [${weights}]) → [${expected}]`, () => {
      const parts = allocate(total, weights);
      assert.deepEqual(parts, expected);
      assert.ok(parts.every((p) => !Object.is(p, -0)), 'no negative zeros');
    });
  }

  test('empty, all-zero or negative weights are refused', () => {
    assert.throws(() => allocate(100, []), RangeError);
    assert.throws(() => allocate(100, [0, 0]), RangeError);
    assert.throws(() => allocate(100, [-1, 2]), RangeError);
  });

  test('property: the parts sum to the total and each is within one cent of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 30 }).filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = allocate(total, weights);
          assert.equal(parts.length, weights.length);
          assert.equal(parts.reduce((a, b) => a + b, 0), total);
          const W = BigInt(weights.reduce((a, b) => a + b, 0));
          parts.forEach((part, i) => {
            assert.ok(Number.isSafeInteger(part));
            const exactTimesW = BigInt(total) * BigInt(weights[i]!);
            const errorTimesW = BigInt(part) * W - exactTimesW;
            assert.ok((errorTimesW < 0n ? -errorTimesW : errorTimesW) < W, `part ${i} = ${part} is a cent or more off`);
            if (weights[i] === 0) assert.equal(part, 0);
            if (part !== 0) assert.equal(Math.sign(part), Math.sign(total), 'parts never take the opposite sign');
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('parseDecimalToCents and formatCentsPlain', () => {
  const parses: [string, number][] = [
    ['1234.56', 123456],
    ['1234.5', 123450],
    ['1234', 123400],
    ['0.05', 5],
    ['-0.5', -50],
    ['-0.01', -1],
    ['  7.10 ', 710],
    ['0', 0],
    ['-0', 0],
    ['007.00', 700],
    ['90071992547409.91', MAX],
  ];
  for (const [text, cents] of parses) {
    test(`"${text}" → ${cents}`, () => assert.ok(Object.is(parseDecimalToCents(text), cents), `got ${parseDecimalToCents(text)}`));
  }

  const refused = ['1.234', '1,234.56', '$5', '', ' ', '1.', '.5', 'abc', '1e3', '--1', '+1', '1 000', '0x10', 'NaN', 'Infinity'];
  for (const text of refused) {
    test(`"${text}" is refused with a validation error naming the field`, () => {
      assert.throws(
        () => parseDecimalToCents(text, 'scheduledValue'),
        (e: unknown) => e instanceof DomainError && e.code === 'validation_failed' && e.field === 'scheduledValue',
      );
    });
  }

  test('an amount beyond the safe range throws rather than losing cents', () => {
    assert.throws(() => parseDecimalToCents('90071992547409.92'));
    assert.throws(() => parseDecimalToCents('-99999999999999999999'));
  });

  const formats: [number, string][] = [
    [123456, '1234.56'],
    [5, '0.05'],
    [-5, '-0.05'],
    [-100, '-1.00'],
    [0, '0.00'],
    [-0, '0.00'],
    [100000000, '1000000.00'],
    [MAX, '90071992547409.91'],
    [-MAX, '-90071992547409.91'],
  ];
  for (const [cents, text] of formats) {
    test(`${cents} → "${text}"`, () => assert.equal(formatCentsPlain(cents), text));
  }

  test('property: parse(format(c)) = c for every safe amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX, max: MAX }), (cents) => {
        assert.equal(parseDecimalToCents(formatCentsPlain(cents)), cents);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: format(parse(s)) normalises any accepted string to two decimals', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: 900_719_925_474 }),
        fc.constantFrom('', '.0', '.5', '.05', '.50', '.99'),
        (negative, whole, frac) => {
          const text = `${negative ? '-' : ''}${whole}${frac}`;
          const cents = parseDecimalToCents(text);
          const expected = Number(text);
          assert.equal(Number(formatCentsPlain(cents)), expected === 0 ? 0 : expected);
          assert.match(formatCentsPlain(cents), /^-?\d+\.\d{2}$/);
        },
      ),
    );
  });
});

describe('assertCents', () => {
  test('accepts safe integers and returns them', () => {
    assert.equal(assertCents(0), 0);
    assert.equal(assertCents(-12345), -12345);
    assert.equal(assertCents(MAX), MAX);
  });
  for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX + 1, -(MAX + 1)]) {
    test(`refuses ${bad} with validation_failed on the named field`, () => {
      assert.throws(
        () => assertCents(bad, 'retainageCents'),
        (e: unknown) => e instanceof DomainError && e.code === 'validation_failed' && e.field === 'retainageCents',
      );
    });
  }
});
