/**
 * The rules around billing: billing periods (dates, overlap, default and automatic periods),
 * calendar helpers, Invite to Bill prerequisites and the billing status, who may create an invoice
 * and of which type, who may change what and when, and the overbilling setting.
 * Sources: the billing-cycle issue (issues show 3) and /work/shared/reference/procore-invoicing.md
 * §2 (Invite to Bill), §3 (billing periods), §5 (invoices), §7 (settings).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  assertNoOverlap,
  assertPeriodDates,
  automaticPeriodFor,
  defaultMonthlyPeriod,
  DEFAULT_PERIOD_DEFAULTS,
  type PeriodDates,
  type PeriodDefaults,
} from '../../src/domain/billing-period.ts';
import {
  addDays,
  addMonths,
  compareDates,
  dayOfMonth,
  daysBetween,
  daysInMonth,
  isCalendarDate,
  rangesOverlap,
  todayIn,
  weekdayAndHourIn,
} from '../../src/domain/calendar.ts';
import { COMMITMENT_STATUSES } from '../../src/domain/commitment.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { billingStatus, invitePrerequisiteFailures, type InvitePrerequisiteFacts } from '../../src/domain/invite-to-bill.ts';
import {
  assertCanEdit,
  assertContactMayRelease,
  assertEntryAllowedByType,
  decideInvoiceCreation,
  type EditKind,
  type InvoiceCreationFacts,
} from '../../src/domain/invoice-rules.ts';
import { INVOICE_STATUSES, type InvoiceActor, type InvoiceStatus } from '../../src/domain/invoice-status.ts';
import { assertOverbillingSettingChangeable, assertPeriodDefaults, effectiveAllowOverbilling } from '../../src/domain/project-settings.ts';

const isCode = (code: string, field?: string) => (e: unknown) =>
  e instanceof DomainError && e.code === code && (field === undefined || e.field === field);

const period = (startsOn: string, endsOn: string, dueOn: string): PeriodDates => ({ startsOn, endsOn, dueOn });

// ───────────────────────────── billing periods ─────────────────────────────

describe('assertPeriodDates', () => {
  const ok: [string, PeriodDates][] = [
    ['a calendar month, due on the 25th', period('2026-11-01', '2026-11-30', '2026-11-25')],
    ['a one-day period due that day', period('2026-11-01', '2026-11-01', '2026-11-01')],
    ['due after the period ends', period('2026-11-01', '2026-11-30', '2026-12-10')],
    ['a leap day', period('2028-02-01', '2028-02-29', '2028-02-29')],
  ];
  for (const [what, dates] of ok) test(`accepts ${what}`, () => assert.doesNotThrow(() => assertPeriodDates(dates)));

  const bad: [string, PeriodDates, string][] = [
    ['a start that is not a day (Feb 30)', period('2026-02-30', '2026-03-31', '2026-03-25'), 'startsOn'],
    ['an end without zero padding', period('2026-11-01', '2026-11-3', '2026-11-25'), 'endsOn'],
    ['a due date that is not a date', period('2026-11-01', '2026-11-30', 'soon'), 'dueOn'],
    ['Feb 29 in a common year', period('2027-02-01', '2027-02-29', '2027-02-25'), 'endsOn'],
    ['month 13', period('2026-13-01', '2026-13-30', '2026-13-25'), 'startsOn'],
    ['an end before the start', period('2026-11-30', '2026-11-01', '2026-11-30'), 'endsOn'],
    ['a due date before the start', period('2026-11-01', '2026-11-30', '2026-10-31'), 'dueOn'],
  ];
  for (const [what, dates, field] of bad) {
    test(`refuses ${what} (validation_failed on ${field})`, () => assert.throws(() => assertPeriodDates(dates), isCode('validation_failed', field)));
  }
});

describe('assertNoOverlap', () => {
  const nov = { id: 'p-nov', startsOn: '2026-11-01', endsOn: '2026-11-30' };
  const others = [{ id: 'p-oct', startsOn: '2026-10-01', endsOn: '2026-10-31' }, nov];

  test('the next month is accepted (touching ranges do not overlap)', () => {
    assert.doesNotThrow(() => assertNoOverlap(period('2026-12-01', '2026-12-31', '2026-12-25'), others));
  });

  const clashes: [string, PeriodDates][] = [
    ['sharing the last day', period('2026-11-30', '2026-12-31', '2026-12-25')],
    ['sharing the first day', period('2026-09-15', '2026-10-01', '2026-10-01')],
    ['inside another', period('2026-11-10', '2026-11-12', '2026-11-12')],
    ['around another', period('2026-10-15', '2026-12-15', '2026-12-15')],
  ];
  for (const [what, dates] of clashes) {
    test(`a period ${what} is a conflict naming the period it overlaps`, () => {
      assert.throws(
        () => assertNoOverlap(dates, others),
        (e: unknown) => isCode('conflict', 'startsOn')(e) && /overlap the billing period 20\d\d-\d\d-\d\d – 20\d\d-\d\d-\d\d/.test((e as Error).message) && typeof ((e as DomainError).details as { periodId?: string }).periodId === 'string',
      );
    });
  }

  test('a period being edited does not overlap itself', () => {
    assert.doesNotThrow(() => assertNoOverlap(period('2026-11-01', '2026-11-29', '2026-11-25'), others, 'p-nov'));
    assert.throws(() => assertNoOverlap(period('2026-10-31', '2026-11-29', '2026-11-25'), others, 'p-nov'), isCode('conflict'));
  });
});

describe('defaultMonthlyPeriod', () => {
  const cases: [string, string, PeriodDefaults, PeriodDates][] = [
    ['1st–last, due 25th: first day of November', '2026-11-01', DEFAULT_PERIOD_DEFAULTS, period('2026-11-01', '2026-11-30', '2026-11-25')],
    ['1st–last, due 25th: middle of November', '2026-11-17', DEFAULT_PERIOD_DEFAULTS, period('2026-11-01', '2026-11-30', '2026-11-25')],
    ['1st–last, due 25th: last day of November', '2026-11-30', DEFAULT_PERIOD_DEFAULTS, period('2026-11-01', '2026-11-30', '2026-11-25')],
    ['day 31 clamps to Feb 28 in a common year', '2027-02-10', DEFAULT_PERIOD_DEFAULTS, period('2027-02-01', '2027-02-28', '2027-02-25')],
    ['day 31 clamps to Feb 29 in a leap year', '2028-02-10', DEFAULT_PERIOD_DEFAULTS, period('2028-02-01', '2028-02-29', '2028-02-25')],
    ['day 31 clamps to Apr 30', '2026-04-30', DEFAULT_PERIOD_DEFAULTS, period('2026-04-01', '2026-04-30', '2026-04-25')],
    ['due day 31 clamps too', '2026-09-03', { startDay: 1, endDay: 31, dueDay: 31 }, period('2026-09-01', '2026-09-30', '2026-09-30')],
    ['26th → 25th before the 26th: runs from last month', '2026-11-10', { startDay: 26, endDay: 25, dueDay: 5 }, period('2026-10-26', '2026-11-25', '2026-11-05')],
    ['26th → 25th on the 26th: runs into next month', '2026-11-26', { startDay: 26, endDay: 25, dueDay: 5 }, period('2026-11-26', '2026-12-25', '2026-12-05')],
    ['26th → 25th across the new year', '2026-12-31', { startDay: 26, endDay: 25, dueDay: 5 }, period('2026-12-26', '2027-01-25', '2027-01-05')],
    ['26th → 25th, due on the 28th of the start month', '2026-11-10', { startDay: 26, endDay: 25, dueDay: 28 }, period('2026-10-26', '2026-11-25', '2026-10-28')],
    ['30th → 29th in February: the period starting Jan 30 ends Feb 27', '2027-02-27', { startDay: 30, endDay: 29, dueDay: 10 }, period('2027-01-30', '2027-02-27', '2027-02-10')],
    ['30th → 29th on Feb 28: the next period starts on the clamped 30th', '2027-02-28', { startDay: 30, endDay: 29, dueDay: 10 }, period('2027-02-28', '2027-03-29', '2027-03-10')],
    ['31st → 30th: the April period starts on its last day', '2026-05-15', { startDay: 31, endDay: 30, dueDay: 10 }, period('2026-04-30', '2026-05-30', '2026-05-10')],
  ];
  for (const [what, day, defaults, expected] of cases) {
    test(`${what}: ${day} → ${expected.startsOn} – ${expected.endsOn}, due ${expected.dueOn}`, () => {
      assert.deepEqual(defaultMonthlyPeriod(day, defaults), expected);
    });
  }

  test('property: for "day S to the day before S" (and 1st–last), every day lies in its period and consecutive periods neither overlap nor leave a gap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 2025, max: 2031 }), (startDay, dueDay, year) => {
        const defaults = { startDay, endDay: startDay === 1 ? 31 : startDay - 1, dueDay };
        const seen = new Map<string, string>();
        for (let day = `${year}-01-01`; day < `${year + 1}-03-01`; day = addDays(day, 1)) {
          const p = defaultMonthlyPeriod(day, defaults);
          assert.ok(p.startsOn <= day && day <= p.endsOn, `${day} in ${p.startsOn} – ${p.endsOn}`);
          assert.doesNotThrow(() => assertPeriodDates(p));
          seen.set(p.startsOn, p.endsOn);
        }
        const periods = [...seen.entries()].sort(([a], [b]) => compareDates(a, b));
        for (let i = 1; i < periods.length; i++) {
          assert.equal(periods[i]![0], addDays(periods[i - 1]![1], 1), `${periods[i - 1]} then ${periods[i]}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('automaticPeriodFor', () => {
  const D = DEFAULT_PERIOD_DEFAULTS;

  test('never, not started yet, or no start date: no period', () => {
    assert.equal(automaticPeriodFor({ frequency: 'never', startsOn: '2026-01-01' }, '2026-06-01', D), null);
    assert.equal(automaticPeriodFor({ frequency: 'monthly', startsOn: null }, '2026-06-01', D), null);
    assert.equal(automaticPeriodFor({ frequency: 'monthly', startsOn: '2026-06-02' }, '2026-06-01', D), null);
    assert.equal(automaticPeriodFor({ frequency: 'weekly', startsOn: '2026-06-02' }, '2026-06-01', D), null);
  });

  const monthly: [string, string, string, PeriodDates][] = [
    ['from the 1st: the calendar month, due the 25th', '2026-01-01', '2026-03-15', period('2026-03-01', '2026-03-31', '2026-03-25')],
    ['from the 1st, on the start day itself', '2026-01-01', '2026-01-01', period('2026-01-01', '2026-01-31', '2026-01-25')],
    ['from the 1st, on the last day of a month', '2026-01-01', '2026-02-28', period('2026-02-01', '2026-02-28', '2026-02-25')],
    ['from the 10th: 10th to 9th, due 25th', '2026-01-10', '2026-05-09', period('2026-04-10', '2026-05-09', '2026-04-25')],
    ['from Jan 31: ends the day before Feb 28 (the clamped Jan 31 + 1 month); due its last day', '2027-01-31', '2027-02-15', period('2027-01-31', '2027-02-27', '2027-02-27')],
    ['from Jan 31: on Feb 28 the next one starts', '2027-01-31', '2027-02-28', period('2027-02-28', '2027-03-30', '2027-03-30')],
    ['from Jan 31 in a leap year: Feb 29', '2028-01-31', '2028-02-29', period('2028-02-29', '2028-03-30', '2028-03-30')],
    ['from Jan 31 in a leap year: the first runs to Feb 28', '2028-01-31', '2028-02-28', period('2028-01-31', '2028-02-28', '2028-02-28')],
    ['from Jan 31: March 31 starts again on the 31st', '2027-01-31', '2027-04-01', period('2027-03-31', '2027-04-29', '2027-04-29')],
    ['across the new year', '2026-01-15', '2027-01-03', period('2026-12-15', '2027-01-14', '2026-12-25')],
  ];
  for (const [what, startsOn, today, expected] of monthly) {
    test(`monthly ${what}: ${today} → ${expected.startsOn} – ${expected.endsOn}, due ${expected.dueOn}`, () => {
      assert.deepEqual(automaticPeriodFor({ frequency: 'monthly', startsOn }, today, D), expected);
    });
  }

  const weekly: [string, string, PeriodDates][] = [
    ['the start day', '2026-11-02', period('2026-11-02', '2026-11-08', '2026-11-08')],
    ['the seventh day', '2026-11-08', period('2026-11-02', '2026-11-08', '2026-11-08')],
    ['the eighth day starts week two', '2026-11-09', period('2026-11-09', '2026-11-15', '2026-11-15')],
    ['across the new year', '2027-01-01', period('2026-12-28', '2027-01-03', '2027-01-03')],
    ['across a DST change (dates are days, not instants)', '2027-03-15', period('2027-03-15', '2027-03-21', '2027-03-21')],
  ];
  for (const [what, today, expected] of weekly) {
    test(`weekly from Monday 2026-11-02, ${what}: ${today} → ${expected.startsOn} – ${expected.endsOn}`, () => {
      assert.deepEqual(automaticPeriodFor({ frequency: 'weekly', startsOn: '2026-11-02' }, today, D), expected);
    });
  }

  test('property: monthly and weekly periods contain today, are due inside themselves, and follow each other without gap or overlap', () => {
    const day = fc.integer({ min: 0, max: 365 * 4 }).map((n) => addDays('2025-01-01', n));
    fc.assert(
      fc.property(fc.constantFrom('monthly' as const, 'weekly' as const), day, fc.integer({ min: 1, max: 31 }), (frequency, startsOn, dueDay) => {
        const defaults = { startDay: 1, endDay: 31, dueDay };
        const seen = new Map<string, string>();
        for (let today = startsOn; today < addDays(startsOn, 400); today = addDays(today, 1)) {
          const p = automaticPeriodFor({ frequency, startsOn }, today, defaults);
          assert.ok(p, 'a period once started');
          assert.ok(p.startsOn <= today && today <= p.endsOn, `${today} in ${p.startsOn} – ${p.endsOn}`);
          assert.ok(p.startsOn <= p.dueOn && p.dueOn <= p.endsOn, `due ${p.dueOn} inside ${p.startsOn} – ${p.endsOn}`);
          seen.set(p.startsOn, p.endsOn);
        }
        const periods = [...seen.entries()].sort(([a], [b]) => compareDates(a, b));
        for (let i = 1; i < periods.length; i++) assert.equal(periods[i]![0], addDays(periods[i - 1]![1], 1));
      }),
      { numRuns: 60 },
    );
  });
});

// ───────────────────────────── calendar ─────────────────────────────

describe('todayIn: the calendar day in the project time zone', () => {
  const cases: [string, string, string][] = [
    ['America/New_York', '2026-01-01T04:59:59.999Z', '2025-12-31'],
    ['America/New_York', '2026-01-01T05:00:00.000Z', '2026-01-01'],
    ['America/New_York', '2026-07-01T03:59:59.999Z', '2026-06-30'], // EDT, UTC−4
    ['America/New_York', '2026-07-01T04:00:00.000Z', '2026-07-01'],
    ['America/Los_Angeles', '2026-03-08T07:59:59.999Z', '2026-03-07'], // the night DST starts
    ['America/Los_Angeles', '2026-03-08T08:00:00.000Z', '2026-03-08'],
    ['Pacific/Auckland', '2025-12-31T10:59:59.999Z', '2025-12-31'], // NZDT, UTC+13
    ['Pacific/Auckland', '2025-12-31T11:00:00.000Z', '2026-01-01'],
    ['Pacific/Kiritimati', '2025-12-31T10:00:00.000Z', '2026-01-01'], // UTC+14
    ['Asia/Kolkata', '2026-03-31T18:29:59.999Z', '2026-03-31'], // UTC+5:30
    ['Asia/Kolkata', '2026-03-31T18:30:00.000Z', '2026-04-01'],
    ['UTC', '2028-02-29T23:59:59.999Z', '2028-02-29'],
    ['Pacific/Pago_Pago', '2026-01-01T10:59:59.999Z', '2025-12-31'], // UTC−11
  ];
  for (const [zone, instant, day] of cases) {
    test(`${instant} is ${day} in ${zone}`, () => assert.equal(todayIn(zone, new Date(instant)), day));
  }

  test('an unknown time zone is an error, not a wrong day', () => {
    assert.throws(() => todayIn('Mars/Olympus_Mons', new Date()), RangeError);
  });

  test('weekdayAndHourIn: Monday 08:00 in New York is Monday 13:00 UTC', () => {
    assert.deepEqual(weekdayAndHourIn('America/New_York', new Date('2026-11-02T13:00:00Z')), { weekday: 1, hour: 8 });
    assert.deepEqual(weekdayAndHourIn('UTC', new Date('2026-11-01T23:30:00Z')), { weekday: 0, hour: 23 });
  });
});

describe('calendar arithmetic', () => {
  const months: [string, number, string][] = [
    ['2027-01-31', 1, '2027-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-08-31', 1, '2026-09-30'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2028-02-29', 12, '2029-02-28'],
    ['2026-02-28', 1, '2026-03-28'],
    ['2026-05-31', -13, '2025-04-30'],
    ['2026-05-31', 0, '2026-05-31'],
  ];
  for (const [from, n, to] of months) test(`addMonths(${from}, ${n}) = ${to}`, () => assert.equal(addMonths(from, n), to));

  test('addDays, daysBetween, daysInMonth, dayOfMonth', () => {
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2028-03-01', -1), '2028-02-29');
    assert.equal(daysBetween('2026-11-01', '2026-12-01'), 30);
    assert.equal(daysBetween('2026-03-01', '2026-04-01'), 31, 'no DST hour drift');
    assert.deepEqual([daysInMonth(2027, 2), daysInMonth(2028, 2), daysInMonth(2100, 2), daysInMonth(2000, 2), daysInMonth(2026, 4)], [28, 29, 28, 29, 30]);
    assert.equal(dayOfMonth('2026-02-10', 31), '2026-02-28');
    assert.equal(dayOfMonth('2026-02-10', 1), '2026-02-01');
  });

  test('isCalendarDate, compareDates, rangesOverlap', () => {
    assert.deepEqual(['2028-02-29', '2027-02-29', '2026-1-01', '2026-00-10', '2026-12-32', ''].map(isCalendarDate), [true, false, false, false, false, false]);
    assert.deepEqual([compareDates('2026-01-02', '2026-01-10'), compareDates('2026-01-10', '2026-01-10'), compareDates('2027-01-01', '2026-12-31')], [-1, 0, 1]);
    assert.equal(rangesOverlap({ from: '2026-01-01', to: '2026-01-31' }, { from: '2026-01-31', to: '2026-02-28' }), true);
    assert.equal(rangesOverlap({ from: '2026-01-01', to: '2026-01-30' }, { from: '2026-01-31', to: '2026-02-28' }), false);
  });
});

// ───────────────────────────── Invite to Bill ─────────────────────────────

describe('invitePrerequisiteFailures', () => {
  const base: InvitePrerequisiteFacts = {
    invoiceContactCount: 1,
    ssovEnabled: false,
    ssovApproved: false,
    period: { status: 'open', dueOn: '2026-11-25' },
    today: '2026-11-20',
  };
  const cases: [string, Partial<InvitePrerequisiteFacts>, string[]][] = [
    ['all met', {}, []],
    ['all met on the due date itself', { today: '2026-11-25' }, []],
    ['SSOV enabled and approved', { ssovEnabled: true, ssovApproved: true }, []],
    ['no invoice contact', { invoiceContactCount: 0 }, ['no_invoice_contacts']],
    ['SSOV enabled, not approved', { ssovEnabled: true }, ['ssov_not_approved']],
    ['the period is closed', { period: { status: 'closed', dueOn: '2026-11-25' } }, ['period_not_open']],
    ['there is no period', { period: null }, ['period_not_open']],
    ['a day past the due date', { today: '2026-11-26' }, ['past_due_date']],
    ['closed and past due: only "not open"', { period: { status: 'closed', dueOn: '2026-11-25' }, today: '2026-12-01' }, ['period_not_open']],
    ['no contact, SSOV not approved, past due', { invoiceContactCount: 0, ssovEnabled: true, today: '2026-12-01' }, ['no_invoice_contacts', 'ssov_not_approved', 'past_due_date']],
    ['no contact and no period', { invoiceContactCount: 0, period: null }, ['no_invoice_contacts', 'period_not_open']],
  ];
  for (const [what, change, codes] of cases) {
    test(`${what}: ${codes.join(', ') || 'can be sent'}`, () => {
      const failures = invitePrerequisiteFailures({ ...base, ...change });
      assert.deepEqual(failures.map((f) => f.code), codes);
      for (const f of failures) assert.ok(f.reason.length > 10, 'each refusal has its own sentence');
    });
  }

  test('the past-due reason names the due date', () => {
    assert.match(invitePrerequisiteFailures({ ...base, today: '2026-11-26' })[0]!.reason, /2026-11-25/);
  });
});

describe('billingStatus: one status per commitment, in the order a commitment moves through them', () => {
  const none = { invoiceContactCount: 1, ssovEnabled: false, ssovApproved: false, latestInvoiceStatus: null, invite: null };
  const cases: [string, Partial<Parameters<typeof billingStatus>[0]>, string][] = [
    ['no contacts', { invoiceContactCount: 0 }, 'no_invoice_contacts'],
    ['no contacts beats SSOV not approved', { invoiceContactCount: 0, ssovEnabled: true }, 'no_invoice_contacts'],
    ['SSOV not approved', { ssovEnabled: true }, 'ssov_not_approved'],
    ['SSOV not approved beats an invite', { ssovEnabled: true, invite: { response: 'accepted' } }, 'ssov_not_approved'],
    ['not invited', {}, 'not_invited'],
    ['invited, no answer', { invite: { response: null } }, 'invited'],
    ['accepted', { invite: { response: 'accepted' } }, 'accepted'],
    ['declined', { invite: { response: 'declined' } }, 'declined'],
    ['an invoice beats everything, even no contacts', { invoiceContactCount: 0, latestInvoiceStatus: 'under_review' }, 'under_review'],
    ['a declined invite with an invoice shows the invoice', { invite: { response: 'declined' }, latestInvoiceStatus: 'draft' }, 'draft'],
  ];
  for (const [what, change, expected] of cases) test(`${what} → ${expected}`, () => assert.equal(billingStatus({ ...none, ...change }), expected));

  for (const status of INVOICE_STATUSES) {
    test(`an invoice that is ${status} is the billing status`, () => assert.equal(billingStatus({ ...none, latestInvoiceStatus: status }), status));
  }
});

// ───────────────────────────── invoices ─────────────────────────────

describe('decideInvoiceCreation', () => {
  const contact: InvoiceCreationFacts = {
    actor: 'contact',
    isInvoiceContact: true,
    commitmentStatus: 'approved',
    ssovEnabled: false,
    ssovApproved: false,
    period: { status: 'open', dueOn: '2026-11-25' },
    today: '2026-11-20',
    invoicesInPeriod: 0,
    contactsMayBillWithoutInvite: true,
    invite: null,
    contactDefaultInvoiceType: 'work_and_materials',
  };

  const types: [string, Partial<InvoiceCreationFacts>, string][] = [
    ['a contact without an invite gets the project default type', {}, 'work_and_materials'],
    ['…which may be work, materials and retainage', { contactDefaultInvoiceType: 'work_materials_retainage' }, 'work_materials_retainage'],
    ['a contact with an invite gets the invite’s type', { invite: { invoiceType: 'retainage_release' } }, 'retainage_release'],
    ['an invite is enough where billing needs one', { contactsMayBillWithoutInvite: false, invite: { invoiceType: 'work_and_materials' } }, 'work_and_materials'],
    ['on the due date itself', { today: '2026-11-25' }, 'work_and_materials'],
    ['on a complete commitment', { commitmentStatus: 'complete' }, 'work_and_materials'],
    ['with an approved SSOV', { ssovEnabled: true, ssovApproved: true }, 'work_and_materials'],
    [
      'an administrator: any period, any time, several per period, no invite, always work + materials + retainage',
      { actor: 'admin', isInvoiceContact: false, period: { status: 'closed', dueOn: '2026-10-25' }, today: '2026-12-31', invoicesInPeriod: 3, contactsMayBillWithoutInvite: false, invite: { invoiceType: 'retainage_release' } },
      'work_materials_retainage',
    ],
  ];
  for (const [what, change, type] of types) {
    test(`${what} → ${type}`, () => assert.deepEqual(decideInvoiceCreation({ ...contact, ...change }), { invoiceType: type }));
  }

  const refusals: [string, Partial<InvoiceCreationFacts>, string, string | undefined, RegExp][] = [
    ['SSOV enabled but not approved', { ssovEnabled: true }, 'rule_violation', 'commitmentId', /Subcontractor SOV must be approved/],
    ['SSOV not approved, even for an administrator', { actor: 'admin', ssovEnabled: true }, 'rule_violation', 'commitmentId', /Subcontractor SOV/],
    ['not an invoice contact of this commitment', { isInvoiceContact: false }, 'forbidden', undefined, /Only the invoice contacts/],
    ['a closed period', { period: { status: 'closed', dueOn: '2026-11-25' } }, 'rule_violation', 'billingPeriodId', /open billing period only/],
    ['a day past the due date', { today: '2026-11-26' }, 'rule_violation', 'billingPeriodId', /was due on 2026-11-25\. Ask the invoice administrator/],
    ['a second invoice in the period', { invoicesInPeriod: 1 }, 'conflict', 'billingPeriodId', /already has an invoice for this billing period/],
    ['no invite where the project requires one', { contactsMayBillWithoutInvite: false }, 'rule_violation', 'billingPeriodId', /once you have been invited/],
  ];
  for (const [what, change, code, field, message] of refusals) {
    test(`refused: ${what} (${code})`, () => {
      assert.throws(() => decideInvoiceCreation({ ...contact, ...change }), (e: unknown) => isCode(code, field)(e) && message.test((e as Error).message));
    });
  }

  for (const status of COMMITMENT_STATUSES.filter((s) => s !== 'approved' && s !== 'complete')) {
    test(`refused on a ${status} commitment, for contacts and administrators alike`, () => {
      for (const actor of ['contact', 'admin'] as const) {
        assert.throws(() => decideInvoiceCreation({ ...contact, actor, commitmentStatus: status }), isCode('rule_violation', 'commitmentId'));
      }
    });
  }
});

describe('assertCanEdit: who may change what, and when', () => {
  // From the issue: contacts edit only Draft and Revise & Resubmit; certify and rates are the
  // administrators' until approval; an administrator changes claimed amounts only where a contact
  // could (else certifies instead); approved invoices never change; only the latest in a period.
  type Outcome = 'ok' | 'forbidden' | 'invalid_state';
  const table: Record<InvoiceStatus, Record<InvoiceActor, Record<EditKind, Outcome>>> = {
    draft: {
      contact: { claim: 'ok', details: 'ok', certify: 'forbidden', rates: 'forbidden' },
      admin: { claim: 'ok', details: 'ok', certify: 'ok', rates: 'ok' },
    },
    revise_and_resubmit: {
      contact: { claim: 'ok', details: 'ok', certify: 'forbidden', rates: 'forbidden' },
      admin: { claim: 'ok', details: 'ok', certify: 'ok', rates: 'ok' },
    },
    under_review: {
      contact: { claim: 'invalid_state', details: 'invalid_state', certify: 'forbidden', rates: 'forbidden' },
      admin: { claim: 'invalid_state', details: 'ok', certify: 'ok', rates: 'ok' },
    },
    pending_owner_approval: {
      contact: { claim: 'invalid_state', details: 'invalid_state', certify: 'forbidden', rates: 'forbidden' },
      admin: { claim: 'invalid_state', details: 'ok', certify: 'ok', rates: 'ok' },
    },
    approved: {
      contact: { claim: 'invalid_state', details: 'invalid_state', certify: 'invalid_state', rates: 'invalid_state' },
      admin: { claim: 'invalid_state', details: 'invalid_state', certify: 'invalid_state', rates: 'invalid_state' },
    },
    approved_as_noted: {
      contact: { claim: 'invalid_state', details: 'invalid_state', certify: 'invalid_state', rates: 'invalid_state' },
      admin: { claim: 'invalid_state', details: 'invalid_state', certify: 'invalid_state', rates: 'invalid_state' },
    },
  };
  for (const status of INVOICE_STATUSES) {
    for (const actor of ['contact', 'admin'] as const) {
      for (const kind of ['claim', 'details', 'certify', 'rates'] as const) {
        const outcome = table[status][actor][kind];
        test(`${actor} · ${kind} · ${status} (latest): ${outcome}`, () => {
          const facts = { actor, status, isLatestInPeriod: true };
          if (outcome === 'ok') assert.doesNotThrow(() => assertCanEdit(facts, kind));
          else assert.throws(() => assertCanEdit(facts, kind), isCode(outcome));
        });
      }
    }
  }

  test('an earlier invoice of the same period cannot change, for anyone', () => {
    for (const actor of ['contact', 'admin'] as const) {
      for (const kind of ['claim', 'details', 'certify', 'rates'] as const) {
        assert.throws(() => assertCanEdit({ actor, status: 'draft', isLatestInPeriod: false }, kind), isCode('invalid_state', 'invoiceId'));
      }
    }
  });

  test('an approved invoice says it is final before anything else', () => {
    assert.throws(() => assertCanEdit({ actor: 'contact', status: 'approved', isLatestInPeriod: false }, 'certify'), /approved invoice is final/);
  });
});

describe('assertEntryAllowedByType', () => {
  const cases: [string, 'work_and_materials' | 'retainage_release' | 'work_materials_retainage', boolean, boolean, InvoiceActor, string | null][] = [
    // what, type, work/materials, release, actor, refused field (null: allowed)
    ['work on a work-and-materials invoice', 'work_and_materials', true, false, 'contact', null],
    ['a release on a work-and-materials invoice by a contact', 'work_and_materials', false, true, 'contact', 'retainageReleasedCents'],
    ['a release on a work-and-materials invoice by an administrator', 'work_and_materials', false, true, 'admin', null],
    ['a release on a retainage-release invoice', 'retainage_release', false, true, 'contact', null],
    ['work on a retainage-release invoice (contact)', 'retainage_release', true, false, 'contact', 'workCompletedThisPeriodCents'],
    ['work on a retainage-release invoice (administrator)', 'retainage_release', true, true, 'admin', 'workCompletedThisPeriodCents'],
    ['work and a release on the combined type', 'work_materials_retainage', true, true, 'contact', null],
    ['nothing at all', 'retainage_release', false, false, 'contact', null],
  ];
  for (const [what, type, hasWorkOrMaterials, hasRelease, actor, field] of cases) {
    test(`${what}: ${field ? 'refused' : 'allowed'}`, () => {
      const call = () => assertEntryAllowedByType(type, { hasWorkOrMaterials, hasRelease }, actor);
      if (field) assert.throws(call, isCode('rule_violation', field));
      else assert.doesNotThrow(call);
    });
  }
});

describe('assertContactMayRelease', () => {
  const cases: [string, boolean, string, string | null][] = [
    ['latest invoice, before the due date', true, '2026-11-20', null],
    ['latest invoice, on the due date', true, '2026-11-25', null],
    ['latest invoice, a day late', true, '2026-11-26', 'was due by 2026-11-25'],
    ['an earlier invoice', false, '2026-11-20', 'only on the latest invoice'],
  ];
  for (const [what, isLatestOfCommitment, today, refusal] of cases) {
    test(`${what}: ${refusal ? 'refused' : 'allowed'}`, () => {
      const call = () => assertContactMayRelease({ isLatestOfCommitment, today, dueOn: '2026-11-25' });
      if (refusal) assert.throws(call, (e: unknown) => isCode('rule_violation', 'retainageReleasedCents')(e) && (e as Error).message.includes(refusal));
      else assert.doesNotThrow(call);
    });
  }
});

// ───────────────────────────── settings ─────────────────────────────

describe('overbilling setting', () => {
  const table: [boolean, boolean, boolean][] = [
    // project allows, company prevents → effective
    [true, false, true],
    [true, true, false],
    [false, false, false],
    [false, true, false],
  ];
  for (const [projectAllows, companyPrevents, effective] of table) {
    test(`project ${projectAllows ? 'allows' : 'prevents'}, company ${companyPrevents ? 'prevents' : 'does not'} → ${effective ? 'allowed' : 'prevented'}`, () => {
      assert.equal(effectiveAllowOverbilling(projectAllows, companyPrevents), effective);
    });
  }

  test('the company setting locks the project setting: turning it on is refused, off or unchanged is fine', () => {
    assert.throws(() => assertOverbillingSettingChangeable(true, true), isCode('rule_violation', 'allowOverbilling'));
    assert.doesNotThrow(() => assertOverbillingSettingChangeable(true, false));
    assert.doesNotThrow(() => assertOverbillingSettingChangeable(true, undefined));
    assert.doesNotThrow(() => assertOverbillingSettingChangeable(false, true));
  });
});

describe('assertPeriodDefaults', () => {
  test('days 1 to 31 (31 = last day) are accepted; 0, 32 and fractions are not', () => {
    assert.doesNotThrow(() => assertPeriodDefaults({ startDay: 1, endDay: 31, dueDay: 25 }));
    assert.doesNotThrow(() => assertPeriodDefaults({ dueDay: undefined }));
    assert.throws(() => assertPeriodDefaults({ startDay: 0 }), isCode('validation_failed', 'startDay'));
    assert.throws(() => assertPeriodDefaults({ endDay: 32 }), isCode('validation_failed', 'endDay'));
    assert.throws(() => assertPeriodDefaults({ dueDay: 1.5 }), isCode('validation_failed', 'dueDay'));
  });
});
