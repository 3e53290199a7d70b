/**
 * Calendar days ('YYYY-MM-DD' strings) — billing periods, due dates and billing dates are days in
 * the project's time zone, not instants. Pure: the current instant is always passed in.
 */
import { DomainError } from './errors.ts';

export type CalendarDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * One formatter per time zone, made once: building an Intl.DateTimeFormat costs far more than using
 * it, and every invoice request asks what day it is (a profile of the month-end spike: ~1.7 % of
 * the server's CPU). Formatting is pure; only valid zones get here (a bad one throws when built).
 */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format;
}

/** The calendar day it is at `now` in `timeZone`. */
export function todayIn(timeZone: string, now: Date): CalendarDate {
  const parts = dayFormat(timeZone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Day of week at `now` in `timeZone`: 0 = Sunday … 6 = Saturday; and the hour (0–23). */
export function weekdayAndHourIn(timeZone: string, now: Date): { weekday: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(now);
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.find((p) => p.type === 'weekday')?.value ?? '');
  return { weekday, hour: Number(parts.find((p) => p.type === 'hour')?.value ?? 0) };
}

function toUtc(date: CalendarDate): Date {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a calendar date: ${date}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

function fromUtc(date: Date): CalendarDate {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtc(d);
}

export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / 86_400_000);
}

export function daysInMonth(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

/** The same day-of-month `months` later, clamped to the month's last day (Jan 31 + 1 → Feb 28/29). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const d = toUtc(date);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month0 = total % 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month0 + 1));
  return fromUtc(new Date(Date.UTC(year, month0, day)));
}

/** Day `day` of the month that `date` falls in, clamped to the month's length (31 = last day). */
export function dayOfMonth(date: CalendarDate, day: number): CalendarDate {
  const d = toUtc(date);
  const clamped = Math.min(day, daysInMonth(d.getUTCFullYear(), d.getUTCMonth() + 1));
  return fromUtc(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), clamped)));
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function rangesOverlap(a: { from: CalendarDate; to: CalendarDate }, b: { from: CalendarDate; to: CalendarDate }): boolean {
  return a.from <= b.to && b.from <= a.to;
}

/**
 * How far from today a date a person enters may be (billing periods, due dates, billing dates,
 * payment dates, the start of automatic periods): back 20 years — old contracts are still entered
 * with their history — and ahead 5 years, far beyond any billing period or post-dated payment but
 * short of a typo like 9999-12-31 or 2206, which would otherwise be accepted and sort every list
 * wrong (issue 11). "Today" is the project's day (`todayIn`), so the bounds move at its midnight.
 */
export const DATE_YEARS_BACK = 20;
export const DATE_YEARS_AHEAD = 5;

/** The first and last day a person may enter on `today`. */
export function dateWindow(today: CalendarDate): { earliest: CalendarDate; latest: CalendarDate } {
  return { earliest: addMonths(today, -12 * DATE_YEARS_BACK), latest: addMonths(today, 12 * DATE_YEARS_AHEAD) };
}

/**
 * Every date given (the keys are the request's fields; null and undefined are "not given") is a day
 * that exists (no 2026-02-30) and lies in `dateWindow(today)`; the first that does not is a
 * `validation_failed` naming its field, and saying which date to choose.
 */
export function assertDatesInWindow(dates: Record<string, CalendarDate | null | undefined>, today: CalendarDate): void {
  const { earliest, latest } = dateWindow(today);
  for (const [field, date] of Object.entries(dates)) {
    if (date === null || date === undefined) continue;
    if (!isCalendarDate(date)) {
      throw new DomainError('validation_failed', `${date} is not a date that exists. Use a date like ${today}.`, { field });
    }
    if (compareDates(date, latest) > 0) {
      throw new DomainError('validation_failed', `Choose a date before ${addDays(latest, 1)}: dates can be at most ${DATE_YEARS_AHEAD} years from today.`, { field });
    }
    if (compareDates(date, earliest) < 0) {
      throw new DomainError('validation_failed', `Choose a date on or after ${earliest}: dates can be at most ${DATE_YEARS_BACK} years ago.`, { field });
    }
  }
}
