/**
 * Writes emails in the caller's transaction: one row per recipient — a message to deliver, or a
 * "skipped" record saying why that person gets nothing (inactive, email turned off, cannot see the
 * commitment). The worker delivers them after the transaction commits; a rolled-back change sends
 * nothing.
 */
import { randomUUID } from 'node:crypto';
import type { EmailPayloads } from '../../domain/email-payloads.ts';
import { recipientDecision, type EmailKind } from '../../domain/notifications.ts';
import { canSeeCommitment } from '../../domain/permissions.ts';
import type { Trx } from '../../db/database.ts';
import { insertEmail } from '../../db/email.queries.ts';
import { listRecipientFacts, type RecipientRow } from '../../db/recipients.queries.ts';

export type EnqueueInput<K extends EmailKind> = {
  kind: K;
  projectId: string | null;
  /** Set for messages about a commitment: recipients who cannot see it are skipped. */
  commitment: { id: string; isPrivate: boolean; privateSovVisible: boolean } | null;
  userIds: string[];
  payload: (recipient: RecipientRow) => EmailPayloads[K] | Promise<EmailPayloads[K]>;
  dedupeKey?: (recipient: RecipientRow) => string;
};

export type EnqueueResult = { queued: string[]; skipped: { userId: string; reason: string }[] };

export function newMessageId(): string {
  return `<${randomUUID()}@payapp>`;
}

function recipientCanSee(r: RecipientRow, projectId: string | null, commitment: EnqueueInput<EmailKind>['commitment']): boolean {
  if (!commitment || !projectId) return true;
  return canSeeCommitment(
    { viewer: { userId: r.userId, companyId: r.companyId, isCompanyAdmin: r.isCompanyAdmin }, projectId, directoryPermission: r.directoryPermission },
    { isPrivate: commitment.isPrivate, privateSovVisible: commitment.privateSovVisible, viewerIsExplicitlyListed: r.isListed, viewerIsInvoiceContact: r.isContact },
  );
}

export async function enqueueEmail<K extends EmailKind>(trx: Trx, input: EnqueueInput<K>, now: Date): Promise<EnqueueResult> {
  const result: EnqueueResult = { queued: [], skipped: [] };
  const recipients = await listRecipientFacts(trx, input.projectId, input.commitment?.id ?? null, [...new Set(input.userIds)]);
  for (const r of recipients) {
    const decision = recipientDecision(input.kind, {
      isActive: r.isActive,
      emailEnabled: r.emailEnabled,
      email: r.email,
      canSeeCommitment: recipientCanSee(r, input.projectId, input.commitment),
      isInvoiceAdministrator: r.isCompanyAdmin || r.directoryPermission === 'admin',
    });
    const inserted = await insertEmail(trx, {
      kind: input.kind,
      projectId: input.projectId,
      toUserId: r.userId,
      toAddress: r.email,
      payload: decision.send ? await input.payload(r) : {},
      dedupeKey: input.dedupeKey?.(r),
      skipReason: decision.send ? undefined : decision.reason,
      messageId: newMessageId(),
      now,
    });
    if (!inserted) continue;
    if (decision.send) result.queued.push(r.userId);
    else result.skipped.push({ userId: r.userId, reason: decision.reason });
  }
  return result;
}
