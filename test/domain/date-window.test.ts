/**
 * Issue 11, defect 9: the dates a person enters (billing periods, invoice dates, payments, the
 * start of automatic periods) are days that exist and lie within 20 years back and 5 years ahead
 * of today in the project's time zone; the refusal says which date to choose.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertDatesInWindow, dateWindow, todayIn } from '../../src/domain/calendar.ts';
import { DomainError } from '../../src/domain/errors.ts';

function refusal(dates: Record<string, string | null | undefined>, today: string): [string, string | undefined, string] | null {
  try {
    assertDatesInWindow(dates, today);
    return null;
  } catch (error) {
    assert.ok(error instanceof DomainError);
    return [error.code, error.field, error.message];
  }
}

describe('the window of dates a person may enter', () => {
  test('20 years back and 5 years ahead of today; a 29 February today keeps a day that exists', () => {
    assert.deepEqual(dateWindow('2026-11-02'), { earliest: '2006-11-02', latest: '2031-11-02' });
    assert.deepEqual(dateWindow('2028-02-29'), { earliest: '2008-02-29', latest: '2033-02-28' });
  });

  const today = '2026-11-02';
  for (const [date, expected] of [
    ['2026-11-02', null],
    ['2031-11-02', null],
    ['2006-11-02', null],
    ['2031-11-03', 'Choose a date before 2031-11-03: dates can be at most 5 years from today.'],
    ['9999-12-31', 'Choose a date before 2031-11-03: dates can be at most 5 years from today.'],
    ['2006-11-01', 'Choose a date on or after 2006-11-02: dates can be at most 20 years ago.'],
    ['0001-01-01', '0001-01-01 is not a date that exists. Use a date like 2026-11-02.'],
    ['2026-02-30', '2026-02-30 is not a date that exists. Use a date like 2026-11-02.'],
    ['2027-02-29', '2027-02-29 is not a date that exists. Use a date like 2026-11-02.'],
    ['2028-02-29', null],
  ] as const) {
    test(`${date} on ${today}: ${expected ?? 'accepted'}`, () => {
      const result = refusal({ paidOn: date }, today);
      assert.deepEqual(result, expected === null ? null : ['validation_failed', 'paidOn', expected]);
    });
  }

  test('the first date given that is out of the window is named; dates not given are skipped', () => {
    assert.equal(refusal({ startsOn: undefined, endsOn: null, dueOn: '2026-12-01' }, today), null);
    assert.equal(refusal({ startsOn: '2026-11-01', endsOn: '9999-12-31', dueOn: '9999-12-31' }, today)?.[1], 'endsOn');
  });

  test("today is the project's day: at 03:00 UTC it is still yesterday in Los Angeles", () => {
    const now = new Date('2026-11-02T03:00:00Z');
    assert.equal(todayIn('America/Los_Angeles', now), '2026-11-01');
    assert.equal(refusal({ dueOn: '2031-11-02' }, todayIn('America/Los_Angeles', now))?.[2], 'Choose a date before 2031-11-02: dates can be at most 5 years from today.');
    assert.equal(refusal({ dueOn: '2031-11-02' }, todayIn('Asia/Tokyo', now)), null);
  });
});
