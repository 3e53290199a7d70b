/** Issue 13: a spreadsheet's rows to SOV lines — money in the project's locale, mapping, row errors. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { cellText, columnLetter, parseMoneyCell, parseSovTable, resolveSovColumns, type Cell } from '../../src/domain/sov-import.ts';
import type { Locale } from '../../src/domain/project.ts';

describe('parseMoneyCell: amounts as people type them, to integer cents', () => {
  const accepted: [Cell, Locale, number][] = [
    ['1234.5', 'en-US', 123_450],
    ['1,234.50', 'en-US', 123_450],
    ['$1,234.50', 'en-US', 123_450],
    ['  $ 1,234.50 ', 'en-US', 123_450],
    ['USD 1,234,567.89', 'en-US', 123_456_789],
    ['0', 'en-US', 0],
    ['.5', 'en-US', 50],
    ['12.', 'en-US', 1_200],
    ['1,234', 'en-US', 123_400],
    ['1,234', 'en-CA', 123_400],
    ['1 234,50 $', 'en-CA', 123_450],
    ['1\u00a0234,50\u00a0$', 'en-CA', 123_450],
    ['1\u202f234\u202f567,8 $', 'en-CA', 123_456_780],
    ['12,5', 'en-CA', 1_250],
    ['1,234.50', 'en-CA', 123_450],
    ['CA$1,234.50', 'en-CA', 123_450],
    ['1 234 $', 'en-CA', 123_400],
    [1234.5, 'en-US', 123_450],
    [1234, 'en-CA', 123_400],
    [0.1 + 0.2, 'en-US', 30],
    [9_999_999_999_999.99, 'en-US', 999_999_999_999_999],
    ['(0.00)', 'en-US', 0],
  ];
  for (const [cell, locale, cents] of accepted) {
    test(`${JSON.stringify(cell)} in ${locale} is ${cents} cents`, () => {
      assert.deepEqual(parseMoneyCell(cell, locale), { ok: true, cents });
    });
  }

  const refused: [Cell, Locale, RegExp][] = [
    ['', 'en-US', /Enter a scheduled value/],
    [null, 'en-US', /Enter a scheduled value/],
    ['1,234.567', 'en-US', /more than two decimals/],
    ['1 234,567 $', 'en-CA', /more than two decimals/],
    [12.345, 'en-US', /more than two decimals/],
    ['1.234', 'en-US', /more than two decimals/],
    ['-5', 'en-US', /negative/],
    ['(1,234.50)', 'en-US', /negative/],
    ['$(5)', 'en-US', /negative/],
    ['5-', 'en-US', /negative/],
    ['-1 234,50 $', 'en-CA', /negative/],
    ['12,5', 'en-US', /not an amount/],
    ['1 234,50 $', 'en-US', /not an amount/],
    ['1,23,4', 'en-US', /not an amount/],
    ['1.234,50', 'en-CA', /not an amount/],
    ['1.2.3', 'en-US', /not an amount/],
    ['abc', 'en-US', /not an amount/],
    ['1e5', 'en-US', /not an amount/],
    ['€12', 'en-US', /not an amount/],
    ['$', 'en-US', /not an amount/],
    ['99999999999999999', 'en-US', /too large/],
    [1e21, 'en-US', /not an amount/],
  ];
  for (const [cell, locale, message] of refused) {
    test(`${JSON.stringify(cell)} in ${locale} is refused`, () => {
      const result = parseMoneyCell(cell, locale);
      assert.equal(result.ok, false);
      assert.match((result as { message: string }).message, message);
    });
  }

  test('any whole number of cents written as en-US and fr-CA text reads back exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }), (cents) => {
        const whole = (cents / 100n).toString();
        const frac = (cents % 100n).toString().padStart(2, '0');
        const grouped = (sep: string) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
        assert.deepEqual(parseMoneyCell(`$${grouped(',')}.${frac}`, 'en-US'), { ok: true, cents: Number(cents) });
        assert.deepEqual(parseMoneyCell(`${grouped('\u00a0')},${frac} $`, 'en-CA'), { ok: true, cents: Number(cents) });
      }),
    );
  });
});

describe('cellText and columnLetter', () => {
  const texts: [Cell, string][] = [
    [null, ''],
    [12, '12'],
    [0.30000000000000004, '0.3'],
    [1234.5, '1234.5'],
    ['x', 'x'],
  ];
  for (const [cell, text] of texts) test(`${String(cell)} → ${JSON.stringify(text)}`, () => assert.equal(cellText(cell), text));
  test('letters', () => assert.deepEqual([0, 25, 26, 51, 52, 701, 702].map(columnLetter), ['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']));
});

describe('resolveSovColumns: defaults guessed from the headers, a mapping wins', () => {
  const cases: [string, Cell[], Record<string, string>, Record<string, number>, number][] = [
    ['the usual headers', ['Item', 'Description', 'Cost Code', 'Scheduled Value'], {}, { itemNumber: 0, description: 1, costCode: 2, scheduledValue: 3 }, 0],
    ['"Amount", any case and punctuation', ['ITEM #', 'description of work', 'cost-code', 'Amount'], {}, { itemNumber: 0, description: 1, costCode: 2, scheduledValue: 3 }, 0],
    ['only the required two', ['Desc', 'Value'], {}, { description: 0, scheduledValue: 1 }, 0],
    ['a mapping by header name', ['Trade', 'Budget', 'Amount'], { description: 'trade', scheduledValue: 'Budget' }, { description: 0, scheduledValue: 1 }, 0],
    ['a mapped header that is missing', ['Item', 'Description', 'Amount'], { scheduledValue: 'Total' }, { itemNumber: 0, description: 1 }, 1],
    ['nothing recognisable', ['A', 'B'], {}, {}, 2],
  ];
  for (const [name, headers, mapping, columns, errorCount] of cases) {
    test(name, () => {
      const result = resolveSovColumns(headers, mapping);
      assert.deepEqual(result.columns, columns);
      assert.equal(result.errors.length, errorCount, result.errors.join(' '));
    });
  }
});

describe('parseSovTable', () => {
  const header = ['Item', 'Description', 'Cost Code', 'Scheduled Value'];

  test('given good rows, when parsed, then lines in file order with spreadsheet row numbers; empty rows skipped', () => {
    const result = parseSovTable(
      [[], header, ['1', 'Sitework', '02-100', '$12,500.00'], ['', '', '', ''], [2, 'Concrete', null, 8000.5], ['3', ' Steel ', '05-100', '0']],
      {},
      'en-US',
    );
    assert.equal(result.ok, true);
    assert.equal(result.headerRow, 2);
    assert.deepEqual(result.ok && result.lines, [
      { row: 3, itemNumber: '1', costCode: '02-100', description: 'Sitework', scheduledValueCents: 1_250_000 },
      { row: 5, itemNumber: '2', costCode: '', description: 'Concrete', scheduledValueCents: 800_050 },
      { row: 6, itemNumber: '3', costCode: '05-100', description: 'Steel', scheduledValueCents: 0 },
    ]);
  });

  test('a totals row ("Total", no description) is not a line; "Total" with a description is', () => {
    const result = parseSovTable([header, ['1', 'Sitework', '', '100'], ['Total', '', '', '100'], ['TOTAL', 'Total station rental', '', '5']], {}, 'en-US');
    assert.deepEqual(result.ok && result.lines.map((l) => [l.row, l.itemNumber, l.description]), [
      [2, '1', 'Sitework'],
      [4, 'TOTAL', 'Total station rental'],
    ]);
  });

  test('given errors in several rows, when parsed, then every one is listed with its row and column, and no lines', () => {
    const result = parseSovTable(
      [header, ['1', 'Sitework', '', '1,234.567'], ['2', '', '', '100'], ['3', 'Ok', '', '100'], ['4', 'Neg', '', '(5.00)'], ['5', 'x'.repeat(1001), '', 'abc']],
      {},
      'en-US',
    );
    assert.equal(result.ok, false);
    assert.deepEqual(
      !result.ok && result.errors.map((e) => [e.row, e.column]),
      [
        [2, 'Scheduled Value'],
        [3, 'Description'],
        [5, 'Scheduled Value'],
        [6, 'Description'],
        [6, 'Scheduled Value'],
      ],
    );
  });

  test('a locale-formatted file (en-CA, French-Canadian amounts)', () => {
    const result = parseSovTable([['No', 'Description', 'Montant'], ['1', 'Électricité', '1 234,50 $'], ['2', 'Plomberie', '12 000 $']], { scheduledValue: 'Montant' }, 'en-CA');
    assert.deepEqual(result.ok && result.lines.map((l) => l.scheduledValueCents), [123_450, 1_200_000]);
  });

  test('header problems are reported on the header row', () => {
    const result = parseSovTable([[], ['Foo', 'Bar'], ['1', '2']], {}, 'en-US');
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.errors.every((e) => e.row === 2));
  });

  test('an empty file, and a header with no lines, are errors', () => {
    assert.equal(parseSovTable([], {}, 'en-US').ok, false);
    assert.equal(parseSovTable([[''], header], {}, 'en-US').ok, false);
  });
});
