/** What every email template shares: links, the footer, money and dates in the project's locale. */
import { formatDay, formatDayRange, formatMoney } from '../domain/format.ts';
import type { ProjectRef } from '../domain/email-payloads.ts';

/** Links in payloads are paths; they become absolute with the configured BASE_URL at render time. */
export type Link = (path: string) => string;

export const FOOTER = 'Sent by payapp. Replies to this address are not read; contact the person named above instead.';

export const money = (p: ProjectRef, cents: number) => formatMoney(cents, p.currency, p.locale);
export const day = (p: ProjectRef, d: string) => formatDay(d, p.locale);
export const periodOf = (p: ProjectRef, period: { startsOn: string; endsOn: string }) => formatDayRange(period.startsOn, period.endsOn, p.locale);

/** The footer of the distribution list's emails: why this person receives it. */
export function distributionFooter(d: { viaFallback?: boolean }, what: string): string {
  return d.viaFallback
    ? `${FOOTER} You receive ${what} as an invoice administrator of the project because nobody on its invoice distribution list can receive it; the list is in the project's invoicing settings.`
    : `${FOOTER} You receive ${what} as a member of the project's invoice distribution list.`;
}
