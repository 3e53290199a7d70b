/** Small helpers shared by the Invoicing pages (and the Email page): wording, days, URL filters. */
import { useCallback } from 'react';
import { daysBetween, todayIn } from '../../../domain/calendar.ts';
import { formatDay, formatDayRange } from '../../../domain/format.ts';
import { BILLING_STATUS_LABELS, INVOICE_TYPE_LABELS, type BillingStatus, type InvoiceType } from '../../../domain/invite-to-bill.ts';
import type { Vocabulary } from '../../../domain/project.ts';
import type { ApiError } from '../../api/client.ts';
import { useLocation } from '../../lib/router.tsx';

export { BILLING_STATUS_LABELS, INVOICE_TYPE_LABELS, type BillingStatus, type InvoiceType };

/** Billing statuses in the order a commitment moves through them (the chips follow it). */
export const BILLING_STATUS_ORDER = Object.keys(BILLING_STATUS_LABELS) as BillingStatus[];

/** A billing status in the project's own words (e.g. "No Progress Billing Contacts"). */
export function billingStatusLabel(status: BillingStatus, vocabulary: Vocabulary): string {
  if (status === 'no_invoice_contacts') return `No ${titleCase(vocabulary.invoiceContacts)}`;
  if (status === 'ssov_not_approved') return `${vocabulary.subcontractorSov} Not Approved`;
  return BILLING_STATUS_LABELS[status];
}

function titleCase(words: string): string {
  return words.replace(/\b\w/g, (c) => c.toUpperCase());
}

/** Today as a calendar day in the project's time zone. */
export function projectToday(timeZone: string): string {
  return todayIn(timeZone, new Date());
}

/** "Due today", "3 days left", "2 days past due". */
export function dueText(dueOn: string, today: string): string {
  const days = daysBetween(today, dueOn);
  if (days === 0) return 'Due today';
  if (days === 1) return '1 day left';
  if (days > 1) return `${days} days left`;
  if (days === -1) return '1 day past due';
  return `${-days} days past due`;
}

export function dueTone(dueOn: string, today: string): 'ok' | 'soon' | 'late' {
  const days = daysBetween(today, dueOn);
  if (days < 0) return 'late';
  if (days <= 3) return 'soon';
  return 'ok';
}

export function dayRange(from: string, to: string, locale: string): string {
  return formatDayRange(from, to, locale);
}

export function day(value: string, locale: string): string {
  return formatDay(value, locale);
}

/** An ISO day (2026-11-25) inside a server message, rewritten as people read it. */
export function humanizeDays(message: string, locale: string): string {
  return message.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (iso) => formatDay(iso, locale));
}

/**
 * Filters kept in the URL's query string, so reload and Back keep them. Changes replace the
 * current history entry without scrolling (the page stays where the person was).
 */
export function useQueryParams(): [URLSearchParams, (changes: Record<string, string | null>) => void] {
  const { search } = useLocation();
  const set = useCallback((changes: Record<string, string | null>) => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    const qs = next.toString();
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${qs ? `?${qs}` : ''}`);
    // The router listens to popstate: every useLocation() re-reads the URL.
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, []);
  return [search, set];
}

/** A new random key per create attempt, reused when a request may not have reached the server. */
export function newIdempotencyKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** The server's message, or a plainer one for the cases people meet most. */
export function errorInWords(error: ApiError, locale: string): string {
  if (error.status === 0) return 'Cannot reach payapp. Check your connection and try again.';
  if (error.status === 403) return `You are not allowed to do that: ${error.message}`;
  if (error.status >= 500) return 'Something went wrong on the server. Try again in a moment; if it keeps happening, tell your payapp administrator.';
  return humanizeDays(error.message, locale);
}

/** Invoices numbered in sequence read "#2"; a contact's own number stays as it is. */
export function invoiceName(label: string): string {
  return /^\d+$/.test(label) ? `#${label}` : label;
}
