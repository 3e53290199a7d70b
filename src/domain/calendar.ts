/**
 * Calendar days ('YYYY-MM-DD' strings) — billing periods, due dates and billing dates are days in
 * the project's time zone, not instants. Pure: the current instant is always passed in.
 */
export type CalendarDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The calendar day it is at `now` in `timeZone`. */
export function todayIn(timeZone: string, now: Date): CalendarDate {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
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
