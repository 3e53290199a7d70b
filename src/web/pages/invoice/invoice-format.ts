/**
 * How the invoice page writes money, percents and dates: the project's currency, locale and time
 * zone, with one Intl formatter of each kind per page (the grid formats thousands of cells).
 */
import { useMemo } from 'react';
import { useProjectFormat } from '../../lib/project.tsx';

const todayFormats = new Map<string, Intl.DateTimeFormat>();

/** Today as a calendar day ('2026-11-25') in the project's time zone. */
export function todayIn(timeZone: string): string {
  let f = todayFormats.get(timeZone);
  if (!f) todayFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(new Date());
}

export type InvoiceFormatters = ReturnType<typeof useInvoiceFormatters>;

export function useInvoiceFormatters() {
  const { currency, locale, timeZone } = useProjectFormat();
  return useMemo(() => {
    const n = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const m = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
    const p = new Intl.NumberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: 2 });
    const d = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
    const t = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    // Display only: cents / 100 is exact at two decimals for |cents| < 2^53.
    return {
      num: (cents: number) => n.format(cents / 100),
      money: (cents: number) => m.format(cents / 100),
      pct: (bp: number) => `${p.format(bp / 100)}%`,
      /** A calendar day ('2026-11-25') as people read it (the same as formatDay, with one formatter). */
      day: (value: string) => {
        const [y, m, dd] = value.split('-').map(Number);
        return d.format(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, dd ?? 1)));
      },
      instant: (iso: string) => t.format(new Date(iso)),
      locale,
      currency,
      timeZone,
    };
  }, [currency, locale, timeZone]);
}
