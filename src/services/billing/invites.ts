/**
 * Invite to Bill: an administrator invites the contacts of one or many commitments to bill the open
 * period (each contact gets the Invite to Bill email, written in the same transaction); contacts
 * answer Yes or No (in the app or from the email), and may change their answer until an invoice
 * exists.
 */
import { todayIn } from '../../domain/calendar.ts';
import { DomainError } from '../../domain/errors.ts';
import {
  invitePrerequisiteFailures,
  type InviteRefusal,
  type InviteResponse,
  type InvoiceType,
} from '../../domain/invite-to-bill.ts';
import { assertInvoiceAdministrator, isInvoiceAdministrator, type Viewer } from '../../domain/permissions.ts';
import { deleteActionTokensOfInvites } from '../../db/action-tokens.queries.ts';
import { recordAudit, recordAudits } from '../../db/audit.queries.ts';
import { listCommitmentBillingFacts } from '../../db/billing-board.queries.ts';
import { findOpenBillingPeriod } from '../../db/billing-periods.queries.ts';
import { getVisibleCommitment, listVisibleCommitmentsByIds, lockCommitment } from '../../db/commitments.queries.ts';
import { isInvoiceContact } from '../../db/contacts.queries.ts';
import type { Db, Trx } from '../../db/database.ts';
import { findInvite, setInviteResponse, upsertInvites } from '../../db/invites.queries.ts';
import { emailInvitesToBill } from '../notifications/billing-emails.ts';
import { findProject, getProjectAccess } from '../../db/projects.queries.ts';
import { getProjectSettings } from '../../db/settings.queries.ts';

export type InviteResult =
  | { commitmentId: string; number: string | null; sent: true; inviteId: string }
  | { commitmentId: string; number: string | null; sent: false; refusals: (InviteRefusal | { code: 'not_found'; reason: string })[] };

export async function sendInvites(
  db: Db,
  viewer: Viewer,
  projectId: string,
  input: {
    commitmentIds: string[];
    invoiceType: InvoiceType;
    message?: string | undefined;
    /** Ask the contacts to attach documents to the invoice (the submission checklist lists it). */
    requestAttachments?: boolean | undefined;
    /** What to attach (only with requestAttachments). */
    attachmentsNote?: string | undefined;
  },
  now: Date,
): Promise<InviteResult[]> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertInvoiceAdministrator(access, 'send invites to bill');
  const { tenantId } = access;
  const requestAttachments = input.requestAttachments ?? false;
  const attachmentsNote = input.attachmentsNote?.trim() || null;
  if (attachmentsNote !== null && !requestAttachments) {
    throw new DomainError('validation_failed', 'Say what to attach only when the invite asks for attachments (requestAttachments: true).', {
      field: 'attachmentsNote',
    });
  }
  // A fixed number of statements however many commitments are invited (decision 023).
  return db.transaction().execute(async (trx) => {
    const project = await findProject(trx, tenantId, projectId);
    const settings = await getProjectSettings(trx, tenantId, projectId);
    const period = await findOpenBillingPeriod(trx, tenantId, projectId);
    const today = todayIn(project?.timeZone ?? 'UTC', now);
    const ids = [...new Set(input.commitmentIds)];
    const visible = await listVisibleCommitmentsByIds(trx, access, ids);
    const facts = await listCommitmentBillingFacts(trx, tenantId, [...visible.keys()]);
    const message = input.message ?? settings.inviteMessage;
    const decided = ids.map((commitmentId) => {
      const commitment = visible.get(commitmentId);
      const fact = facts.get(commitmentId);
      if (!commitment || !fact) {
        return { commitmentId, commitment: null, refusals: [{ code: 'not_found' as const, reason: 'No such commitment on this project.' }] };
      }
      const refusals = invitePrerequisiteFailures({
        invoiceContactCount: fact.invoiceContactCount,
        ssovEnabled: fact.ssovEnabled,
        ssovApproved: fact.ssovApproved,
        period: period ? { status: period.status, dueOn: period.dueOn } : null,
        today,
      });
      return { commitmentId, commitment, refusals };
    });
    const toInvite = period ? decided.flatMap((d) => (d.commitment && d.refusals.length === 0 ? [d.commitment] : [])) : [];
    const invites =
      period && toInvite.length > 0
        ? await upsertInvites(
            trx,
            { tenantId, projectId, billingPeriodId: period.id, invoiceType: input.invoiceType, message, requestAttachments, attachmentsNote, invitedBy: viewer.userId, invitedAt: now },
            toInvite.map((c) => c.id),
          )
        : [];
    const inviteByCommitment = new Map(invites.map((i) => [i.commitmentId, i]));
    if (period && invites.length > 0) {
      await deleteActionTokensOfInvites(
        trx,
        invites.map((i) => i.id),
      );
      if (project) {
        const inviterName = invites[0]?.invitedByName ?? 'payapp';
        await emailInvitesToBill(trx, { project, period, inviterName, invites: toInvite.map((commitment, n) => ({ commitment, invite: invites[n]! })) }, now);
      }
      await recordAudits(
        trx,
        invites.map((invite) => ({
          occurredAt: now,
          actorUserId: viewer.userId,
          projectId,
          entityType: 'commitment',
          entityId: invite.commitmentId,
          action: 'invite_to_bill',
          after: { inviteId: invite.id, billingPeriodId: period.id, invoiceType: input.invoiceType, message, requestAttachments, attachmentsNote },
        })),
      );
    }
    return decided.map((d): InviteResult => {
      const invite = inviteByCommitment.get(d.commitmentId);
      if (d.commitment && invite) return { commitmentId: d.commitmentId, number: d.commitment.number, sent: true, inviteId: invite.id };
      return { commitmentId: d.commitmentId, number: d.commitment?.number ?? null, sent: false, refusals: d.refusals };
    });
  });
}

/**
 * A contact's Yes or No to the open period's invite (an administrator may record it for them).
 * The answer can change until the commitment has an invoice for the period.
 */
export async function respondToInvite(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  response: InviteResponse,
  now: Date,
): Promise<{ inviteId: string; response: InviteResponse }> {
  const access = await getProjectAccess(db, viewer, projectId);
  const { tenantId } = access;
  return db.transaction().execute(async (trx) => {
    await getVisibleCommitment(trx, access, commitmentId);
    if (!isInvoiceAdministrator(access) && !(await isInvoiceContact(trx, tenantId, commitmentId, viewer.userId))) {
      throw new DomainError('forbidden', 'Only the invoice contacts of this commitment answer its invites.');
    }
    const period = await findOpenBillingPeriod(trx, tenantId, projectId);
    const invite = period && (await findInvite(trx, tenantId, period.id, commitmentId, { forUpdate: true }));
    if (!period || !invite) {
      throw new DomainError('not_found', 'There is no invite to bill for the open billing period.');
    }
    return answerInvite(trx, { tenantId, inviteId: invite.id, projectId, commitmentId, billingPeriodId: period.id, userId: viewer.userId, response }, now);
  });
}

/** Records an answer (shared with the one-click email link, which authenticates by its token). */
export async function answerInvite(
  trx: Trx,
  input: { tenantId: string; inviteId: string; projectId: string; commitmentId: string; billingPeriodId: string; userId: string; response: InviteResponse },
  now: Date,
): Promise<{ inviteId: string; response: InviteResponse }> {
  // The same lock invoice creation takes: an answer and a new invoice never cross.
  await lockCommitment(trx, input.tenantId, input.commitmentId);
  const invoice = await trx
    .selectFrom('invoices')
    .select('id')
    .where('tenantId', '=', input.tenantId)
    .where('commitmentId', '=', input.commitmentId)
    .where('billingPeriodId', '=', input.billingPeriodId)
    .executeTakeFirst();
  if (invoice) {
    throw new DomainError('invalid_state', 'An invoice already exists for this billing period, so the answer can no longer change.', {
      field: 'response',
    });
  }
  await setInviteResponse(trx, input.tenantId, input.inviteId, input.response, input.userId, now);
  await recordAudit(trx, {
    occurredAt: now,
    actorUserId: input.userId,
    projectId: input.projectId,
    entityType: 'commitment',
    entityId: input.commitmentId,
    action: input.response === 'accepted' ? 'accept_invite' : 'decline_invite',
    after: { inviteId: input.inviteId, response: input.response },
  });
  return { inviteId: input.inviteId, response: input.response };
}
