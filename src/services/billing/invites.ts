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
import { deleteActionTokensOfInvite } from '../../db/action-tokens.queries.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import { listCommitmentBillingFacts } from '../../db/billing-board.queries.ts';
import { findOpenBillingPeriod } from '../../db/billing-periods.queries.ts';
import { getVisibleCommitment, lockCommitment } from '../../db/commitments.queries.ts';
import { isInvoiceContact } from '../../db/contacts.queries.ts';
import type { Db, Trx } from '../../db/database.ts';
import { isUuid } from '../../db/ids.ts';
import { findInvite, setInviteResponse, upsertInvite } from '../../db/invites.queries.ts';
import { emailInviteToBill } from '../notifications/billing-emails.ts';
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
  const requestAttachments = input.requestAttachments ?? false;
  const attachmentsNote = input.attachmentsNote?.trim() || null;
  if (attachmentsNote !== null && !requestAttachments) {
    throw new DomainError('validation_failed', 'Say what to attach only when the invite asks for attachments (requestAttachments: true).', {
      field: 'attachmentsNote',
    });
  }
  return db.transaction().execute(async (trx) => {
    const project = await findProject(trx, projectId);
    const settings = await getProjectSettings(trx, projectId);
    const period = await findOpenBillingPeriod(trx, projectId);
    const today = todayIn(project?.timeZone ?? 'UTC', now);
    const ids = [...new Set(input.commitmentIds)];
    const facts = await listCommitmentBillingFacts(trx, ids.filter(isUuid));
    const message = input.message ?? settings.inviteMessage;
    const results: InviteResult[] = [];
    for (const commitmentId of ids) {
      const found = isUuid(commitmentId)
        ? await getVisibleCommitment(trx, access, commitmentId).catch((error: unknown) => {
            if (error instanceof DomainError && error.code === 'not_found') return undefined;
            throw error;
          })
        : undefined;
      const fact = facts.get(commitmentId);
      if (!found || !fact) {
        results.push({ commitmentId, number: null, sent: false, refusals: [{ code: 'not_found', reason: 'No such commitment on this project.' }] });
        continue;
      }
      const refusals = invitePrerequisiteFailures({
        invoiceContactCount: fact.invoiceContactCount,
        ssovEnabled: fact.ssovEnabled,
        ssovApproved: fact.ssovApproved,
        period: period ? { status: period.status, dueOn: period.dueOn } : null,
        today,
      });
      if (refusals.length > 0 || !period) {
        results.push({ commitmentId, number: found.commitment.number, sent: false, refusals });
        continue;
      }
      const invite = await upsertInvite(trx, {
        projectId,
        billingPeriodId: period.id,
        commitmentId,
        invoiceType: input.invoiceType,
        message,
        requestAttachments,
        attachmentsNote,
        invitedBy: viewer.userId,
        invitedAt: now,
      });
      await deleteActionTokensOfInvite(trx, invite.id);
      if (project) await emailInviteToBill(trx, { project, commitment: found.commitment, period, invite, kind: 'invite_to_bill' }, now);
      await recordAudit(trx, {
        occurredAt: now,
        actorUserId: viewer.userId,
        projectId,
        entityType: 'commitment',
        entityId: commitmentId,
        action: 'invite_to_bill',
        after: { inviteId: invite.id, billingPeriodId: period.id, invoiceType: input.invoiceType, message, requestAttachments, attachmentsNote },
      });
      results.push({ commitmentId, number: found.commitment.number, sent: true, inviteId: invite.id });
    }
    return results;
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
  return db.transaction().execute(async (trx) => {
    await getVisibleCommitment(trx, access, commitmentId);
    if (!isInvoiceAdministrator(access) && !(await isInvoiceContact(trx, commitmentId, viewer.userId))) {
      throw new DomainError('forbidden', 'Only the invoice contacts of this commitment answer its invites.');
    }
    const period = await findOpenBillingPeriod(trx, projectId);
    const invite = period && (await findInvite(trx, period.id, commitmentId, { forUpdate: true }));
    if (!period || !invite) {
      throw new DomainError('not_found', 'There is no invite to bill for the open billing period.');
    }
    return answerInvite(trx, { inviteId: invite.id, projectId, commitmentId, billingPeriodId: period.id, userId: viewer.userId, response }, now);
  });
}

/** Records an answer (shared with the one-click email link, which authenticates by its token). */
export async function answerInvite(
  trx: Trx,
  input: { inviteId: string; projectId: string; commitmentId: string; billingPeriodId: string; userId: string; response: InviteResponse },
  now: Date,
): Promise<{ inviteId: string; response: InviteResponse }> {
  // The same lock invoice creation takes: an answer and a new invoice never cross.
  await lockCommitment(trx, input.commitmentId);
  const invoice = await trx
    .selectFrom('invoices')
    .select('id')
    .where('commitmentId', '=', input.commitmentId)
    .where('billingPeriodId', '=', input.billingPeriodId)
    .executeTakeFirst();
  if (invoice) {
    throw new DomainError('invalid_state', 'An invoice already exists for this billing period, so the answer can no longer change.', {
      field: 'response',
    });
  }
  await setInviteResponse(trx, input.inviteId, input.response, input.userId, now);
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
