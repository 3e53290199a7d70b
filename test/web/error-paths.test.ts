/**
 * The invoice grid puts a refusal on the line it concerns: `lines.N` is the N-th entry of the
 * request that was refused (docs/decisions/004-error-model.md), never a line id.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverLineErrors, type MoneyFormat } from '../../src/web/pages/invoice/invoice-model.ts';

const money: MoneyFormat = (cents) => `$${(cents / 100).toFixed(2)}`;

test('invoice grid: lines.N is the N-th change sent, whatever order the grid shows the lines in', () => {
  const lines = [
    { id: 'line-a', itemNumber: '1', description: 'Framing', claimed: { percentCompleteToDateBp: null } },
    { id: 'line-b', itemNumber: '2', description: 'Drywall', claimed: { percentCompleteToDateBp: null } },
  ] as unknown as Parameters<typeof serverLineErrors>[2];
  const sent = [{ lineId: 'line-b' }, { lineId: 'line-a' }];
  const { byLine, unplaced } = serverLineErrors(
    { 'lines.0.differenceReason': 'Give a reason for the difference on line 2.', 'lines.1.materialsInstalledCents': 'Too much installed.', 'lines.7.workCompletedThisPeriodCents': 'No such entry.' },
    sent,
    lines,
    money,
  );
  assert.deepEqual(Object.keys(byLine).sort(), ['line-a', 'line-b']);
  assert.equal(byLine['line-b']?.[0]?.column, 'reason');
  assert.equal(byLine['line-a']?.[0]?.column, 'installed');
  assert.equal(unplaced.length, 1, 'a position outside what was sent stays in the banner');
  const byId = serverLineErrors({ 'lines.line-a.differenceReason': 'x' }, sent, lines, money);
  assert.deepEqual([Object.keys(byId.byLine), byId.unplaced.length], [[], 1], 'an id in a path is not a position: never guessed');
});
