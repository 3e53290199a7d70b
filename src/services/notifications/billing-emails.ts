/**
 * The billing-cycle emails, written in the transaction of the change that causes them:
 * Invite to Bill (with one-click Yes / No links), invoice submitted (to the distribution list),
 * sent back (to the contacts, with the rejected lines and reasons), approved (to the contacts, when
 * the project sends approval notices); and the Subcontractor SOV's: the request to break down the
 * SOV (to the contacts), submitted (to the distribution list), sent back (to the contacts, with the
 * reason). Nothing goes to the contacts when an administrator edits or approves on their behalf.
 * The distribution list's emails fall back to the project's invoice administrators when nobody on
 * the list can receive them; any of these emails that reaches nobody leaves a skipped record.
 */
import type { Commitment } from '../../domain/commitment.ts';
import type { CommitmentRef, InvoiceRef, PeriodRef, ProjectRef } from '../../domain/email-payloads.ts';
import type { AdjustedLine, ClaimChange } from '../../domain/invoice-notices.ts';
import { invoiceLabel, type Invoice } from '../../domain/invoice.ts';
import { STATUS_LABELS } from '../../domain/invoice-status.ts';
import { INVOICE_TYPE_LABELS } from '../../domain/invite-to-bill.ts';
import { paths } from '../../domain/links.ts';
import type { Project } from '../../domain/project.ts';
import { randomUUID } from 'node:crypto';
import { insertActionToken, insertActionTokens } from '../../db/action-tokens.queries.ts';
import { insertEmails, type NewEmail } from '../../db/email.queries.ts';
import type { BillingPeriod } from '../../domain/billing-period.ts';
import type { Trx } from '../../db/database.ts';
import { findCompany, findUser } from '../../db/directory.queries.ts';
import type { Invite } from '../../db/invites.queries.ts';
import { listDistributionUserIds, listInvoiceAdministratorGroups, listInvoiceContactIds, listInvoiceContactRecipients } from '../../db/recipients.queries.ts';
import { decideRecipient, enqueueEmail, newMessageId, planEmail, type EnqueueResult } from './enqueue-email.ts';
import { linkSigner, signedToken } from './link-signing.ts';

/** One-click answers stay valid for 30 days. */
const ANSWER_LINK_MS = 30 * 24 * 60 * 60 * 1000;

export function projectRef(p: Project): ProjectRef {
  return { id: p.id, name: p.name, locale: p.locale, currency: p.currency, timeZone: p.timeZone, terminology: p.terminology };
}

export function commitmentRef(c: Commitment): CommitmentRef {
  return { id: c.id, number: c.number, title: c.title, url: paths.commitment(c.projectId, c.id) };
}

function invoiceRef(invoice: Invoice, currentPaymentDueCents: number, status = invoice.status): InvoiceRef {
  return { id: invoice.id, label: invoiceLabel(invoice), url: paths.invoice(invoice.projectId, invoice.id), currentPaymentDueCents, statusLabel: STATUS_LABELS[status] };
}

async function nameOf(trx: Trx, userId: string): Promise<string> {
  return (await findUser(trx, userId))?.name ?? 'payapp';
}

function periodRef(p: { startsOn: string; endsOn: string; dueOn: string }): PeriodRef {
  return { startsOn: p.startsOn, endsOn: p.endsOn, dueOn: p.dueOn };
}

/** The distribution list's emails: to the list, else the project's invoice administrators; a trace when nobody. */
function toDistribution(trx: Trx, project: Project, about: string) {
  return {
    fallback: () => listInvoiceAdministratorGroups(trx, project.tenantId, project.id),
    whenNobody: { reason: 'no_administrator_can_receive' as const, about },
  };
}

/** The contacts' emails: a trace when no contact can receive them. */
function toContactsOrTrace(about: string) {
  return { whenNobody: { reason: 'no_contact_can_receive' as const, about } };
}

const invoiceAbout = (c: Commitment, invoice: Invoice) => `Invoice ${invoiceLabel(invoice)} for ${c.number} – ${c.title}`;

/** The invite itself and each of its reminders: the same content, with fresh one-click links. */
export async function emailInviteToBill(
  trx: Trx,
  input: { project: Project; commitment: Commitment; period: BillingPeriod; invite: Invite; kind: 'invite_to_bill' | 'bill_reminder'; daysLeft?: number; onlyUserIds?: string[]; dedupeKey?: (userId: string) => string },
  now: Date,
): Promise<EnqueueResult> {
  const inviterName = await nameOf(trx, input.invite.invitedBy);
  const contacts = input.onlyUserIds ?? (await listInvoiceContactIds(trx, input.project.tenantId, input.commitment.id));
  const expiresAt = new Date(now.getTime() + ANSWER_LINK_MS);
  return enqueueEmail(
    trx,
    {
      kind: input.kind,
      tenantId: input.project.tenantId,
      projectId: input.project.id,
      commitment: input.commitment,
      userIds: contacts,
      ...(input.dedupeKey && { dedupeKey: (r: { userId: string }) => input.dedupeKey?.(r.userId) ?? '' }),
      payload: async (r) => {
        const yes = await insertActionToken(trx, { inviteId: input.invite.id, userId: r.userId, response: 'accepted', expiresAt, now });
        const no = await insertActionToken(trx, { inviteId: input.invite.id, userId: r.userId, response: 'declined', expiresAt, now });
        return {
          project: projectRef(input.project),
          commitment: commitmentRef(input.commitment),
          recipientName: r.name,
          inviterName,
          invoiceTypeLabel: INVOICE_TYPE_LABELS[input.invite.invoiceType],
          period: { startsOn: input.period.startsOn, endsOn: input.period.endsOn, dueOn: input.period.dueOn },
          message: input.invite.message,
          yesUrl: paths.inviteResponse(await signedToken(trx, yes)),
          noUrl: paths.inviteResponse(await signedToken(trx, no)),
          attachmentsRequested: input.invite.requestAttachments ? { note: input.invite.attachmentsNote } : null,
          daysLeft: input.daysLeft ?? 0,
        };
      },
    },
    now,
  );
}

/**
 * The Invite to Bill email for many commitments of one project at once, the same rows
 * `emailInviteToBill` writes (one per contact: a message with its signed Yes/No links, or a skipped
 * row with the reason) in a fixed number of statements: the contacts with their facts, the tokens,
 * the messages. The signing secret is read once.
 */
export async function emailInvitesToBill(
  trx: Trx,
  input: { project: Project; period: BillingPeriod; inviterName: string; invites: readonly { commitment: Commitment; invite: Invite }[] },
  now: Date,
): Promise<void> {
  if (input.invites.length === 0) return;
  const contacts = await listInvoiceContactRecipients(trx, input.project.tenantId, input.project.id, input.invites.map((i) => i.commitment.id));
  const sign = await linkSigner(trx);
  const expiresAt = new Date(now.getTime() + ANSWER_LINK_MS);
  const tokens: Parameters<typeof insertActionTokens>[1][number][] = [];
  const emails: NewEmail[] = [];
  for (const { commitment, invite } of input.invites) {
    for (const r of contacts.get(commitment.id) ?? []) {
      const decision = decideRecipient('invite_to_bill', input.project.tenantId, input.project.id, commitment, r);
      const base = { kind: 'invite_to_bill' as const, projectId: input.project.id, toUserId: r.userId, toAddress: r.email, messageId: newMessageId(), now };
      if (!decision.send) {
        emails.push({ ...base, payload: {}, skipReason: decision.reason });
        continue;
      }
      const yes = randomUUID();
      const no = randomUUID();
      tokens.push({ id: yes, inviteId: invite.id, userId: r.userId, response: 'accepted', expiresAt, now });
      tokens.push({ id: no, inviteId: invite.id, userId: r.userId, response: 'declined', expiresAt, now });
      emails.push({
        ...base,
        payload: {
          project: projectRef(input.project),
          commitment: commitmentRef(commitment),
          recipientName: r.name,
          inviterName: input.inviterName,
          invoiceTypeLabel: INVOICE_TYPE_LABELS[invite.invoiceType],
          period: { startsOn: input.period.startsOn, endsOn: input.period.endsOn, dueOn: input.period.dueOn },
          message: invite.message,
          yesUrl: paths.inviteResponse(sign(yes)),
          noUrl: paths.inviteResponse(sign(no)),
          attachmentsRequested: invite.requestAttachments ? { note: invite.attachmentsNote } : null,
          daysLeft: 0,
        },
      });
    }
  }
  await insertActionTokens(trx, tokens);
  await insertEmails(trx, emails);
}

/**
 * The invoice emails are planned (recipients read, rows built) and written by the caller with its
 * other writes in one statement (src/db/combined-writes.ts): the names they need come with the
 * invoice (src/db/invoice-header.queries.ts), the recipients with their facts in one read.
 */
export async function planInvoiceSubmittedEmail(
  trx: Trx,
  input: {
    project: Project;
    commitment: Commitment;
    invoice: Invoice;
    period: BillingPeriod;
    currentPaymentDueCents: number;
    submitterName: string;
    contractCompanyName: string | null;
    /** 0 for the first submission. */
    revision: number;
    /** On a resubmission: the lines whose claim changed (null: not known). */
    changedLines: ClaimChange[] | null;
  },
  now: Date,
): Promise<NewEmail[]> {
  return planEmail(
    trx,
    {
      kind: 'invoice_submitted',
      tenantId: input.project.tenantId,
      projectId: input.project.id,
      commitment: input.commitment,
      userIds: { distributionOf: input.project.id },
      ...toDistribution(trx, input.project, `${invoiceAbout(input.commitment, input.invoice)} submitted for review`),
      payload: (r, how) => ({
        project: projectRef(input.project),
        commitment: commitmentRef(input.commitment),
        invoice: invoiceRef(input.invoice, input.currentPaymentDueCents, 'under_review'),
        recipientName: r.name,
        submitterName: input.submitterName,
        contractCompanyName: input.contractCompanyName ?? 'The subcontractor',
        period: periodRef(input.period),
        revision: input.revision,
        ...(input.revision > 0 && { changedLines: input.changedLines }),
        viaFallback: how.viaFallback,
      }),
    },
    now,
  );
}

export async function planInvoiceSentBackEmail(
  trx: Trx,
  input: {
    project: Project;
    commitment: Commitment;
    invoice: Invoice;
    currentPaymentDueCents: number;
    reviewerName: string;
    note: string | null;
    rejectedLines: { itemNumber: string; description: string; reason: string | null }[];
  },
  now: Date,
): Promise<NewEmail[]> {
  return planEmail(
    trx,
    {
      kind: 'invoice_sent_back',
      tenantId: input.project.tenantId,
      projectId: input.project.id,
      commitment: input.commitment,
      userIds: { contactsOf: input.commitment.id },
      ...toContactsOrTrace(`${invoiceAbout(input.commitment, input.invoice)} sent back for revision`),
      payload: (r) => ({
        project: projectRef(input.project),
        commitment: commitmentRef(input.commitment),
        invoice: invoiceRef(input.invoice, input.currentPaymentDueCents, 'revise_and_resubmit'),
        recipientName: r.name,
        reviewerName: input.reviewerName,
        note: input.note,
        rejectedLines: input.rejectedLines,
      }),
    },
    now,
  );
}

/** Nothing when the project does not send approval notices. */
export async function planInvoiceApprovedEmail(
  trx: Trx,
  input: {
    project: Project;
    commitment: Commitment;
    invoice: Invoice;
    period: BillingPeriod;
    approvalNoticesEnabled: boolean;
    status: 'approved' | 'approved_as_noted';
    currentPaymentDueCents: number;
    claimedPaymentDueCents: number;
    approverName: string;
    note: string | null;
    adjustedLines: AdjustedLine[];
  },
  now: Date,
): Promise<NewEmail[]> {
  if (!input.approvalNoticesEnabled) return [];
  return planEmail(
    trx,
    {
      kind: 'invoice_approved',
      tenantId: input.project.tenantId,
      projectId: input.project.id,
      commitment: input.commitment,
      userIds: { contactsOf: input.commitment.id },
      ...toContactsOrTrace(`${invoiceAbout(input.commitment, input.invoice)} ${STATUS_LABELS[input.status].toLowerCase()}`),
      payload: (r) => ({
        project: projectRef(input.project),
        commitment: commitmentRef(input.commitment),
        invoice: invoiceRef(input.invoice, input.currentPaymentDueCents, input.status),
        recipientName: r.name,
        approverName: input.approverName,
        period: periodRef(input.period),
        note: input.note,
        claimedPaymentDueCents: input.claimedPaymentDueCents,
        adjustedLines: input.adjustedLines,
      }),
    },
    now,
  );
}

/** An administrator asks the commitment's invoice contacts to fill in the Subcontractor SOV (E3). */
export async function emailSsovRequest(
  trx: Trx,
  input: { project: Project; commitment: Commitment; requesterUserId: string; message: string | null },
  now: Date,
): Promise<EnqueueResult> {
  const requesterName = await nameOf(trx, input.requesterUserId);
  return enqueueEmail(
    trx,
    {
      kind: 'ssov_request',
      tenantId: input.project.tenantId,
      projectId: input.project.id,
      commitment: input.commitment,
      userIds: await listInvoiceContactIds(trx, input.project.tenantId, input.commitment.id),
      ...toContactsOrTrace(`Subcontractor SOV requested for ${input.commitment.number} – ${input.commitment.title}`),
      payload: (r) => ({
        project: projectRef(input.project),
        commitment: commitmentRef(input.commitment),
        recipientName: r.name,
        requesterName,
        message: input.message,
        ssovUrl: paths.ssov(input.project.id, input.commitment.id),
      }),
    },
    now,
  );
}

/** The Subcontractor SOV went to Under Review: the invoice distribution list hears of it (E9). */
export async function emailSsovSubmitted(
  trx: Trx,
  input: { project: Project; commitment: Commitment; submitterUserId: string; totalCents: number; detailLineCount: number },
  now: Date,
): Promise<EnqueueResult> {
  const submitterName = await nameOf(trx, input.submitterUserId);
  const company = input.commitment.contractCompanyId ? await findCompany(trx, input.commitment.contractCompanyId) : undefined;
  return enqueueEmail(
    trx,
    {
      kind: 'ssov_submitted',
      tenantId: input.project.tenantId,
      projectId: input.project.id,
      commitment: input.commitment,
      userIds: await listDistributionUserIds(trx, input.project.tenantId, input.project.id),
      ...toDistribution(trx, input.project, `Subcontractor SOV for ${input.commitment.number} – ${input.commitment.title} submitted for review`),
      payload: (r, how) => ({
        project: projectRef(input.project),
        commitment: commitmentRef(input.commitment),
        recipientName: r.name,
        submitterName,
        contractCompanyName: company?.name ?? 'The subcontractor',
        totalCents: input.totalCents,
        detailLineCount: input.detailLineCount,
        ssovUrl: paths.ssov(input.project.id, input.commitment.id),
        viaFallback: how.viaFallback,
      }),
    },
    now,
  );
}

/** The Subcontractor SOV was sent back: the contacts get the reason (E5). */
export async function emailSsovSentBack(
  trx: Trx,
  input: { project: Project; commitment: Commitment; reviewerUserId: string; reason: string },
  now: Date,
): Promise<EnqueueResult> {
  const reviewerName = await nameOf(trx, input.reviewerUserId);
  return enqueueEmail(
    trx,
    {
      kind: 'ssov_sent_back',
      tenantId: input.project.tenantId,
      projectId: input.project.id,
      commitment: input.commitment,
      userIds: await listInvoiceContactIds(trx, input.project.tenantId, input.commitment.id),
      ...toContactsOrTrace(`Subcontractor SOV for ${input.commitment.number} – ${input.commitment.title} sent back for revision`),
      payload: (r) => ({
        project: projectRef(input.project),
        commitment: commitmentRef(input.commitment),
        recipientName: r.name,
        reviewerName,
        reason: input.reason,
        ssovUrl: paths.ssov(input.project.id, input.commitment.id),
      }),
    },
    now,
  );
}
