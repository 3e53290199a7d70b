/**
 * Who receives which email, and when. Email never goes to someone who should not see what it is
 * about; every recipient left out is recorded with the reason.
 */
import { compareDates, daysBetween, type CalendarDate } from './calendar.ts';

export const EMAIL_KINDS = [
  'invite_to_bill',
  'bill_reminder',
  'invoice_sent_back',
  'invoice_submitted',
  'invoice_approved',
  'weekly_digest',
  'account_invitation',
  'password_reset',
  'ssov_request',
  'ssov_submitted',
  'ssov_sent_back',
] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export type SkipReason =
  | 'inactive'
  | 'email_disabled'
  | 'cannot_see_commitment'
  | 'no_email_address'
  | 'not_an_administrator'
  | 'no_administrator_can_receive'
  | 'no_contact_can_receive';

export const SKIP_REASON_LABELS: Record<SkipReason, string> = {
  inactive: 'the account is inactive',
  email_disabled: 'the person turned email off',
  cannot_see_commitment: 'the person cannot see this commitment',
  no_email_address: 'the account has no email address',
  not_an_administrator: 'the person is no longer an invoice administrator of this project',
  // The two below are recorded without a recipient: the email reached nobody at all.
  no_administrator_can_receive:
    'nobody could receive it: nobody on the invoice distribution list can, and neither can any invoice administrator of the project (Admin on Commitments) or company admin',
  no_contact_can_receive: 'nobody could receive it: the commitment has no invoice contact who can receive email',
};

/** Emails for the invoice distribution list, which only invoice administrators may receive. */
export const ADMINISTRATOR_EMAILS: readonly EmailKind[] = ['invoice_submitted', 'weekly_digest', 'ssov_submitted'];

export type RecipientFacts = {
  isActive: boolean;
  emailEnabled: boolean;
  email: string;
  /** For messages about a commitment: whether this person may see it. */
  canSeeCommitment: boolean;
  /** Company admin or Admin on the project's Commitments tool. */
  isInvoiceAdministrator: boolean;
};

/**
 * Only active people whose "send me email" is on, and who may see the commitment, receive it.
 * Account messages (invitation, password reset) ignore the email preference: they are the way in.
 */
export function recipientDecision(
  kind: EmailKind,
  r: RecipientFacts,
): { send: true } | { send: false; reason: SkipReason } {
  if (!r.email.trim()) return { send: false, reason: 'no_email_address' };
  if (!r.isActive) return { send: false, reason: 'inactive' };
  if (kind === 'account_invitation' || kind === 'password_reset') return { send: true };
  if (!r.emailEnabled) return { send: false, reason: 'email_disabled' };
  if (ADMINISTRATOR_EMAILS.includes(kind) && !r.isInvoiceAdministrator) return { send: false, reason: 'not_an_administrator' };
  if (!r.canSeeCommitment) return { send: false, reason: 'cannot_see_commitment' };
  return { send: true };
}

export const REMINDER_FREQUENCIES = [1, 2, 3] as const;
export type ReminderFrequency = (typeof REMINDER_FREQUENCIES)[number];

/**
 * A reminder to bill is due for one contact on `today` when reminders are on, the invite was sent
 * at least one full frequency ago and today falls on the cycle (every 1, 2 or 3 days after the
 * invite), today is not past the due date, and the contact has neither declined nor submitted.
 * (At most one per contact per commitment per day is enforced by the message's dedupe key.)
 */
export function isReminderDue(facts: {
  enabled: boolean;
  frequencyDays: ReminderFrequency;
  invitedOn: CalendarDate;
  today: CalendarDate;
  dueOn: CalendarDate;
  declined: boolean;
  submitted: boolean;
}): boolean {
  if (!facts.enabled || facts.declined || facts.submitted) return false;
  if (compareDates(facts.today, facts.dueOn) > 0) return false;
  const days = daysBetween(facts.invitedOn, facts.today);
  return days >= facts.frequencyDays && days % facts.frequencyDays === 0;
}

/** The weekly digest goes out on Monday from 7 a.m. in the project's time zone. */
export const DIGEST_WEEKDAY = 1;
export const DIGEST_FROM_HOUR = 7;
/** Reminders go out from 8 a.m. in the project's time zone. */
export const REMINDER_FROM_HOUR = 8;

export function isDigestTime(local: { weekday: number; hour: number }): boolean {
  return local.weekday === DIGEST_WEEKDAY && local.hour >= DIGEST_FROM_HOUR;
}

export const MAX_DELIVERY_ATTEMPTS = 8;

/** Exponential backoff between delivery attempts: 30 s, 1 min, 2 min, … capped at 1 hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);
}
