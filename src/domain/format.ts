/**
 * Formatting money and dates for people, with Intl, in the project's locale and currency
 * (shared by emails and the web UI). Display only: amounts stay integer cents everywhere else.
 */
export function formatMoney(cents: number, currency: string, locale: string): string {
  return moneyFormatter(currency, locale)(cents);
}

// Building an Intl.NumberFormat costs far more than formatting with one: a document of thousands
// of amounts (the pay application PDF) formats them all with the same one.
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

/** `formatMoney` for one currency and locale, for formatting many amounts. */
export function moneyFormatter(currency: string, locale: string): (cents: number) => string {
  // Intl formats a Number; cents / 100 is exact for display at two decimals (|cents| < 2^53).
  // 'symbol' says which dollars when it is not the locale's own: CA$ in en-US, US$ in en-CA.
  const format = numberFormat(locale, { style: 'currency', currency, currencyDisplay: 'symbol' });
  return (cents) => format.format(cents / 100);
}

export function formatPercentBp(bp: number, locale: string): string {
  return numberFormat(locale, { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(bp / 10_000);
}

/** A calendar day ('2026-11-25') as people read it in the locale: "Nov 25, 2026" / "Nov. 25, 2026". */
export function formatDay(day: string, locale: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)),
  );
}

export function formatDayRange(from: string, to: string, locale: string): string {
  return `${formatDay(from, locale)} – ${formatDay(to, locale)}`;
}

/** An instant in the project's time zone, e.g. "Nov 25, 2026, 9:05 a.m.". */
export function formatInstant(instant: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(instant);
}

/**
 * Ends a sentence with a full stop, unless its last word already brings one: a name like
 * "Cascade Drywall Inc." or "J. Smith Jr." closing a sentence must not read "Inc..". A question or
 * exclamation mark, an ellipsis, or a stop inside closing quotes also ends it.
 */
export function endSentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[.!?…]["'”’]*$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
