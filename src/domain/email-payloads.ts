/**
 * What each email says, captured when the change that causes it happens (so the message tells what
 * was true then) and rendered later by the worker. Links are paths ('/projects/…'); the worker makes
 * them absolute with the configured BASE_URL.
 */
import type { AdjustedLine, ClaimChange } from './invoice-notices.ts';
import type { Terminology } from './project.ts';

export type ProjectRef = { id: string; name: string; locale: string; currency: string; timeZone: string; terminology: Terminology };
export type CommitmentRef = { id: string; number: string; title: string; url: string };
export type PeriodRef = { startsOn: string; endsOn: string; dueOn: string };

/*
 * Fields added after the first release are optional: a message written before an upgrade is
 * delivered (rendered) after it, from the payload it was written with.
 */

export type InviteToBillPayload = {
  project: ProjectRef;
  commitment: CommitmentRef;
  recipientName: string;
  inviterName: string;
  invoiceTypeLabel: string;
  period: { startsOn: string; endsOn: string; dueOn: string };
  message: string;
  yesUrl: string;
  noUrl: string;
  /** The invite asks for attachments with the invoice, with what to attach (absent on emails written before issue 10). */
  attachmentsRequested?: { note: string | null } | null;
};

export type BillReminderPayload = InviteToBillPayload & { daysLeft: number };

export type InvoiceRef = { id: string; label: string; url: string; currentPaymentDueCents: number; statusLabel: string };

export type InvoiceSentBackPayload = {
  project: ProjectRef;
  commitment: CommitmentRef;
  invoice: InvoiceRef;
  recipientName: string;
  reviewerName: string;
  note: string | null;
  rejectedLines: { itemNumber: string; description: string; reason: string | null }[];
};

/** Set on the distribution list's emails sent to the project's invoice administrators because nobody on the list could receive them. */
export type ViaFallback = { viaFallback?: boolean };

export type InvoiceSubmittedPayload = ViaFallback & {
  project: ProjectRef;
  commitment: CommitmentRef;
  invoice: InvoiceRef;
  recipientName: string;
  submitterName: string;
  contractCompanyName: string;
  period?: PeriodRef;
  /** 0 for the first submission; N for the Nth resubmission. */
  revision?: number;
  /** On a resubmission: the lines whose claim changed since the previous one (null: not known, submitted before payapp recorded it). */
  changedLines?: ClaimChange[] | null;
};

export type InvoiceApprovedPayload = {
  project: ProjectRef;
  commitment: CommitmentRef;
  invoice: InvoiceRef;
  recipientName: string;
  approverName: string;
  period?: PeriodRef;
  /** The administrator's note with the approval. */
  note?: string | null;
  /** G702 line 8 as the contact claimed it (invoice.currentPaymentDueCents is what was certified). */
  claimedPaymentDueCents?: number;
  /** Lines certified differently from the claim, with the reason. */
  adjustedLines?: AdjustedLine[];
};

export type DigestInvoice = { commitmentNumber: string; commitmentTitle: string; label: string; url: string; currentPaymentDueCents: number };

export type WeeklyDigestPayload = ViaFallback & {
  project: ProjectRef;
  recipientName: string;
  period: { startsOn: string; endsOn: string; dueOn: string } | null;
  draft: DigestInvoice[];
  underReview: DigestInvoice[];
  reviseAndResubmit: DigestInvoice[];
  notBilled: { number: string; title: string; url: string; billingStatusLabel: string }[];
  boardUrl: string;
};

/** An administrator asks the invoice contacts to break down the schedule of values (reference §10 E3). */
export type SsovRequestPayload = {
  project: ProjectRef;
  commitment: CommitmentRef;
  recipientName: string;
  requesterName: string;
  message: string | null;
  /** The Subcontractor SOV editor. */
  ssovUrl: string;
};

/** A contact (or an administrator) submitted the Subcontractor SOV for review (reference §10 E9). */
export type SsovSubmittedPayload = ViaFallback & {
  project: ProjectRef;
  commitment: CommitmentRef;
  recipientName: string;
  submitterName: string;
  contractCompanyName: string;
  totalCents: number;
  detailLineCount: number;
  ssovUrl: string;
};

/** An administrator sent the Subcontractor SOV back to the contacts, with the reason (reference §10 E5). */
export type SsovSentBackPayload = {
  project: ProjectRef;
  commitment: CommitmentRef;
  recipientName: string;
  reviewerName: string;
  reason: string;
  ssovUrl: string;
};

export type AccountInvitationPayload = {
  recipientName: string;
  inviterName: string | null;
  /** The person's own company (the account is theirs), not who invites them. */
  companyName: string;
  /** The general contractor that runs this payapp and invites them. */
  generalContractorName?: string | null;
  /** The project they were invited for, when there is one. */
  projectName?: string | null;
  /** How dates are written: the project's locale and time zone, or en-US / UTC without a project. */
  locale?: string;
  timeZone?: string;
  url: string;
  expiresAt: string;
};
export type PasswordResetPayload = { recipientName: string; url: string; expiresAt: string };

export type EmailPayloads = {
  invite_to_bill: InviteToBillPayload;
  bill_reminder: BillReminderPayload;
  invoice_sent_back: InvoiceSentBackPayload;
  invoice_submitted: InvoiceSubmittedPayload;
  invoice_approved: InvoiceApprovedPayload;
  weekly_digest: WeeklyDigestPayload;
  account_invitation: AccountInvitationPayload;
  password_reset: PasswordResetPayload;
  ssov_request: SsovRequestPayload;
  ssov_submitted: SsovSubmittedPayload;
  ssov_sent_back: SsovSentBackPayload;
};
