/**
 * Amounts typed into forms (the payment amount): shown with the locale's thousands separators and
 * read back to the cent, with or without them; separators in the wrong place are refused, never
 * read as a different amount.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AmountInputError, amountInputText, parseAmountInput } from '../../src/web/pages/invoice/amount-input.ts';

describe('amount inputs in the project locale', () => {
  test('shown with thousands separators, to the cent', () => {
    for (const locale of ['en-US', 'en-CA']) {
      assert.equal(amountInputText(1_234_567, locale), '12,345.67');
      assert.equal(amountInputText(540_000, locale), '5,400.00');
      assert.equal(amountInputText(5, locale), '0.05');
      assert.equal(amountInputText(-123_456_789, locale), '-1,234,567.89');
    }
    // Past 2^53 / 100 a float would round: the whole part never goes through one.
    assert.equal(amountInputText(900_719_925_474_099, 'en-US'), '9,007,199,254,740.99');
  });

  test('read back with or without separators, as typed or as shown', () => {
    const cases: [string, number][] = [
      ['12,345.67', 1_234_567],
      ['12345.67', 1_234_567],
      ['12345', 1_234_500],
      ['12,345', 1_234_500],
      ['1,234,567.8', 123_456_780],
      ['$5,400.00', 540_000],
      [' 5400 ', 540_000],
      ['.5', 50],
      ['0.05', 5],
    ];
    for (const [text, cents] of cases) assert.equal(parseAmountInput(text, 'en-US'), cents, text);
    for (const cents of [1, 99, 100, 540_000, 1_234_567, 999_999_999]) assert.equal(parseAmountInput(amountInputText(cents, 'en-CA'), 'en-CA'), cents);
  });

  test('refused rather than misread', () => {
    for (const text of ['2000,50', '1,23,456.00', '12,3456', '1.234,56', '12.345.67', '12.345', 'abc', '', '5,400.00.', '1e5']) {
      assert.throws(() => parseAmountInput(text, 'en-US'), AmountInputError, text);
    }
  });
});
