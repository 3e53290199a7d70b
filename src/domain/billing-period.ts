/**
 * Billing periods: the cycle invoices are submitted for. One period per project is open at a time
 * (opening a new one closes the previous); date ranges never overlap; a period with an invoice can
 * be closed but never deleted. Automatic periods follow a monthly or weekly schedule.
 */
import {
  addDays,
  addMonths,
  compareDates,
  dayOfMonth,
  isCalendarDate,
  rangesOverlap,
  type CalendarDate,
} from './calendar.ts';
import { DomainError } from './errors.ts';

export type BillingPeriodStatus = 'open' | 'closed';

export type BillingPeriod = {
  id: string;
  projectId: string;
  startsOn: CalendarDate;
  endsOn: CalendarDate;
  dueOn: CalendarDate;
  status: BillingPeriodStatus;
  origin: 'manual' | 'automatic';
  version: number;
};

export type PeriodDates = { startsOn: CalendarDate; endsOn: CalendarDate; dueOn: CalendarDate };

export const AUTOMATIC_FREQUENCIES = ['never', 'monthly', 'weekly'] as const;
export type AutomaticFrequency = (typeof AUTOMATIC_FREQUENCIES)[number];

/** Project defaults for new periods: start on day S, end on day E (31 = last day), due on day D. */
export type PeriodDefaults = { startDay: number; endDay: number; dueDay: number };

export const DEFAULT_PERIOD_DEFAULTS: PeriodDefaults = { startDay: 1, endDay: 31, dueDay: 25 };

export function assertPeriodDates(dates: PeriodDates): void {
  for (const field of ['startsOn', 'endsOn', 'dueOn'] as const) {
    if (!isCalendarDate(dates[field])) {
      throw new DomainError('validation_failed', 'Dates are calendar days like 2026-11-30.', { field });
    }
  }
  if (compareDates(dates.startsOn, dates.endsOn) > 0) {
    throw new DomainError('validation_failed', 'A billing period must end on or after the day it starts.', { field: 'endsOn' });
  }
  if (compareDates(dates.dueOn, dates.startsOn) < 0) {
    throw new DomainError('validation_failed', 'The due date cannot be before the period starts.', { field: 'dueOn' });
  }
}

/** Every billing period has its own date range: no two periods of a project overlap. */
export function assertNoOverlap(dates: PeriodDates, others: readonly Pick<BillingPeriod, 'id' | 'startsOn' | 'endsOn'>[], exceptId?: string): void {
  const clash = others.find(
    (p) => p.id !== exceptId && rangesOverlap({ from: dates.startsOn, to: dates.endsOn }, { from: p.startsOn, to: p.endsOn }),
  );
  if (clash) {
    throw new DomainError(
      'conflict',
      `These dates overlap the billing period ${clash.startsOn} – ${clash.endsOn}.`,
      { field: 'startsOn', details: { periodId: clash.id } },
    );
  }
}

/**
 * The default dates of a monthly period containing `day`: e.g. with defaults 1 / 31 / 25, any day
 * of November 2026 gives 2026-11-01 – 2026-11-30, due 2026-11-25. When the end day comes before
 * the start day (e.g. 26 → 25), the period runs into the next month.
 */
export function defaultMonthlyPeriod(day: CalendarDate, defaults: PeriodDefaults): PeriodDates {
  let startsOn = dayOfMonth(day, defaults.startDay);
  if (compareDates(startsOn, day) > 0) startsOn = dayOfMonth(addMonths(day, -1), defaults.startDay);
  const endMonth = defaults.endDay >= defaults.startDay ? startsOn : addMonths(startsOn, 1);
  let endsOn = dayOfMonth(endMonth, defaults.endDay);
  // Start days 29–31 clamp in short months (30 → Feb 28): end the day before the next period starts, never on it.
  const nextStartsOn = dayOfMonth(addMonths(startsOn, 1), defaults.startDay);
  if (compareDates(endsOn, nextStartsOn) >= 0) endsOn = addDays(nextStartsOn, -1);
  const dueMonth = defaults.dueDay >= defaults.startDay ? startsOn : addMonths(startsOn, 1);
  const dueOn = dayOfMonth(dueMonth, defaults.dueDay);
  return { startsOn, endsOn, dueOn };
}

export type AutomaticSchedule = { frequency: AutomaticFrequency; startsOn: CalendarDate | null };

/**
 * The automatic period that should exist on `today`: monthly periods run from the schedule's start
 * day for one month (due on the project's default due day of the period's month, or its last day
 * when that falls outside the period); weekly periods run seven days and are due on their last day.
 * Null when the schedule is off or has not started.
 */
export function automaticPeriodFor(schedule: AutomaticSchedule, today: CalendarDate, defaults: PeriodDefaults): PeriodDates | null {
  if (schedule.frequency === 'never' || !schedule.startsOn || compareDates(today, schedule.startsOn) < 0) return null;
  if (schedule.frequency === 'weekly') {
    const elapsed = Math.floor((Date.parse(today) - Date.parse(schedule.startsOn)) / 86_400_000);
    const startsOn = addDays(schedule.startsOn, Math.floor(elapsed / 7) * 7);
    const endsOn = addDays(startsOn, 6);
    return { startsOn, endsOn, dueOn: endsOn };
  }
  let n = 0;
  while (compareDates(addMonths(schedule.startsOn, n + 1), today) <= 0) n += 1;
  const startsOn = addMonths(schedule.startsOn, n);
  const endsOn = addDays(addMonths(schedule.startsOn, n + 1), -1);
  let dueOn = dayOfMonth(startsOn, defaults.dueDay);
  if (compareDates(dueOn, startsOn) < 0 || compareDates(dueOn, endsOn) > 0) dueOn = endsOn;
  return { startsOn, endsOn, dueOn };
}
