/** Which lines a resubmission changed, and which lines an approval certified differently (issue 10, items 3 and 4). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InvoiceLine } from '../../src/domain/invoice.ts';
import { adjustedLines, changedClaims } from '../../src/domain/invoice-notices.ts';
import { EMPTY_ENTRY, type ComputedLine, type LineEntry } from '../../src/domain/pay-application.ts';

function line(id: string, claimed: Partial<LineEntry>, extra: Partial<InvoiceLine> = {}): InvoiceLine {
  return {
    id,
    key: `sov:${id}`,
    source: 'sov',
    itemNumber: id,
    description: `Line ${id}`,
    costCode: '',
    scheduledValueCents: 10_000_00,
    claimed: { ...EMPTY_ENTRY, ...claimed },
    certified: { ...EMPTY_ENTRY, ...claimed },
    isCertifiedAdjusted: false,
    differenceReason: null,
    rates: { workBp: 1000, materialsBp: 500 },
    isRateOverridden: false,
    review: { status: null, reason: null },
    ...extra,
  };
}

test('changedClaims lists the lines whose claim differs from the previous submission, in line order', () => {
  const previous = new Map<string, LineEntry>([
    ['1', { ...EMPTY_ENTRY, workCompletedThisPeriodCents: 1_000_00 }],
    ['2', { ...EMPTY_ENTRY, workCompletedThisPeriodCents: 500_00 }],
    ['3', { ...EMPTY_ENTRY, workCompletedThisPeriodCents: null, percentCompleteToDateBp: 4000 }],
    ['4', { ...EMPTY_ENTRY, workCompletedThisPeriodCents: null, percentCompleteToDateBp: 4000 }],
  ]);
  const lines = [
    line('1', { workCompletedThisPeriodCents: 1_000_00 }),
    line('2', { workCompletedThisPeriodCents: 250_00 }),
    line('3', { workCompletedThisPeriodCents: null, percentCompleteToDateBp: 4000 }),
    line('4', { workCompletedThisPeriodCents: null, percentCompleteToDateBp: 5000 }),
    line('5', { retainageReleasedCents: 100_00 }),
  ];
  const changes = changedClaims(previous, lines);
  assert.deepEqual(
    changes.map((c) => [c.itemNumber, c.before?.workCompletedThisPeriodCents ?? c.before?.percentCompleteToDateBp ?? null]),
    [
      ['2', 500_00],
      ['4', 4000],
      ['5', null],
    ],
  );
  assert.deepEqual(changedClaims(new Map(lines.map((l) => [l.id, l.claimed])), lines), [], 'nothing changed');
});

test('adjustedLines lists the lines certified differently from the claim, with the reason', () => {
  const computed = (key: string, earned: number, released = 0) => ({ key, earnedThisPeriodCents: earned, retainageReleasedCents: released }) as ComputedLine;
  const lines = [line('1', {}, { differenceReason: 'Site walk' }), line('2', {}), line('3', {}, { differenceReason: 'Release held back' })];
  const result = adjustedLines(
    lines,
    [computed('sov:1', 800_00), computed('sov:2', 500_00), computed('sov:3', 0, 50_00)],
    [computed('sov:1', 1_000_00), computed('sov:2', 500_00), computed('sov:3', 0, 100_00)],
  );
  assert.deepEqual(result, [
    { itemNumber: '1', description: 'Line 1', claimedThisPeriodCents: 1_000_00, certifiedThisPeriodCents: 800_00, claimedReleasedCents: 0, certifiedReleasedCents: 0, reason: 'Site walk' },
    { itemNumber: '3', description: 'Line 3', claimedThisPeriodCents: 0, certifiedThisPeriodCents: 0, claimedReleasedCents: 100_00, certifiedReleasedCents: 50_00, reason: 'Release held back' },
  ]);
});
