/**
 * Writes emails in the caller's transaction: one row per recipient — a message to deliver, or a
 * "skipped" record saying why that person gets nothing (inactive, email turned off, cannot see the
 * commitment). The worker delivers them after the transaction commits; a rolled-back change sends
 * nothing.
 *
 * An email always reaches someone or leaves a trace: when nobody it is addressed to can receive
 * it, the caller's fallback people get it instead (the distribution list's emails go to the
 * project's invoice administrators), and when still nobody does, one skipped row with no
 * recipient records that, and why, on the project's Email tab.
 */
import { randomUUID } from 'node:crypto';
import type { EmailPayloads } from '../../domain/email-payloads.ts';
import { recipientDecision, type EmailKind, type SkipReason } from '../../domain/notifications.ts';
import { canSeeCommitment, isTenantAdmin } from '../../domain/permissions.ts';
import type { Trx } from '../../db/database.ts';
import { insertEmails, type NewEmail } from '../../db/email.queries.ts';
import { listRecipientFacts, type Audience, type RecipientRow } from '../../db/recipients.queries.ts';

export type EnqueueInput<K extends EmailKind> = {
  kind: K;
  /** The project's tenant (decision 025); null with `projectId` for messages about no project. */
  tenantId: string | null;
  projectId: string | null;
  /** Set for messages about a commitment: recipients who cannot see it are skipped. */
  commitment: { id: string; isPrivate: boolean; privateSovVisible: boolean } | null;
  /** People by id, or a list read together with their facts (one statement). */
  userIds: Audience;
  /** `viaFallback`: the person gets it because nobody in `userIds` could. */
  payload: (recipient: RecipientRow, how: { viaFallback: boolean }) => EmailPayloads[K] | Promise<EmailPayloads[K]>;
  dedupeKey?: (recipient: RecipientRow) => string;
  /** When nobody in `userIds` can receive it: groups of people to try instead, in order; the first group with someone who can receive it gets it. */
  fallback?: () => Promise<string[][]>;
  /**
   * When nobody receives it at all: record one skipped row with this reason, saying what the email
   * was about where its subject would be (and a dedupe key, for scheduled email).
   */
  whenNobody?: { reason: SkipReason; about: string; dedupeKey?: string };
};

export type EnqueueResult = { queued: string[]; skipped: { userId: string; reason: string }[] };

export function newMessageId(): string {
  return `<${randomUUID()}@payapp>`;
}

function recipientCanSee(r: RecipientRow, tenantId: string | null, projectId: string | null, commitment: EnqueueInput<EmailKind>['commitment']): boolean {
  if (!commitment || !projectId || !tenantId) return true;
  return canSeeCommitment(
    { viewer: { userId: r.userId, companyId: r.companyId, isCompanyAdmin: r.isCompanyAdmin }, projectId, tenantId, directoryPermission: r.directoryPermission },
    { isPrivate: commitment.isPrivate, privateSovVisible: commitment.privateSovVisible, viewerIsExplicitlyListed: r.isListed, viewerIsInvoiceContact: r.isContact },
  );
}

/** Company admins of the project's tenant administer its invoices, as do its Admins on Commitments. */
function isRecipientInvoiceAdministrator(r: RecipientRow, tenantId: string | null): boolean {
  return (tenantId !== null && isTenantAdmin({ userId: r.userId, companyId: r.companyId, isCompanyAdmin: r.isCompanyAdmin }, tenantId)) || r.directoryPermission === 'admin';
}

/** Whether one recipient gets a message about `commitment` (null: about no commitment), and if not why. */
export function decideRecipient(
  kind: EmailKind,
  tenantId: string | null,
  projectId: string | null,
  commitment: EnqueueInput<EmailKind>['commitment'],
  r: RecipientRow,
): ReturnType<typeof recipientDecision> {
  return recipientDecision(kind, {
    isActive: r.isActive,
    emailEnabled: r.emailEnabled,
    email: r.email,
    canSeeCommitment: recipientCanSee(r, tenantId, projectId, commitment),
    isInvoiceAdministrator: isRecipientInvoiceAdministrator(r, tenantId),
  });
}

type Decided = { recipient: RecipientRow; decision: ReturnType<typeof recipientDecision>; viaFallback: boolean };

async function decide<K extends EmailKind>(trx: Trx, input: EnqueueInput<K>, audience: Audience, viaFallback: boolean): Promise<Decided[]> {
  const recipients = await listRecipientFacts(trx, input.tenantId, input.projectId, input.commitment?.id ?? null, audience);
  return recipients.map((r) => ({
    recipient: r,
    viaFallback,
    decision: recipientDecision(input.kind, {
      isActive: r.isActive,
      emailEnabled: r.emailEnabled,
      email: r.email,
      canSeeCommitment: recipientCanSee(r, input.tenantId, input.projectId, input.commitment),
      isInvoiceAdministrator: isRecipientInvoiceAdministrator(r, input.tenantId),
    }),
  }));
}

/**
 * The rows an email writes — one per recipient, a message or a skipped record, or the one trace
 * that nobody could receive it — decided with reads only. Written by `enqueueEmail`, or by a
 * service that sends them with its other writes in one statement (`insertEmailsQuery`).
 */
export async function planEmail<K extends EmailKind>(trx: Trx, input: EnqueueInput<K>, now: Date): Promise<NewEmail[]> {
  const addressed = Array.isArray(input.userIds) ? [...new Set(input.userIds as readonly string[])] : input.userIds;
  let decided = await decide(trx, input, addressed, false);
  if (input.fallback && !decided.some((d) => d.decision.send)) {
    const considered = new Set(decided.map((d) => d.recipient.userId).concat(Array.isArray(addressed) ? (addressed as string[]) : []));
    for (const group of await input.fallback()) {
      const fresh = group.filter((id) => !considered.has(id));
      fresh.forEach((id) => considered.add(id));
      // Only those who receive it are written: the others were never meant to get it.
      const receiving = (await decide(trx, input, fresh, true)).filter((d) => d.decision.send);
      if (receiving.length > 0) {
        decided = [...decided, ...receiving];
        break;
      }
    }
  }
  const rows: NewEmail[] = [];
  for (const { recipient: r, decision, viaFallback } of decided) {
    rows.push({
      kind: input.kind,
      projectId: input.projectId,
      toUserId: r.userId,
      toAddress: r.email,
      payload: decision.send ? await input.payload(r, { viaFallback }) : {},
      dedupeKey: input.dedupeKey?.(r),
      skipReason: decision.send ? undefined : decision.reason,
      messageId: newMessageId(),
      now,
    });
  }
  if (input.whenNobody && !decided.some((d) => d.decision.send)) {
    rows.push({
      kind: input.kind,
      projectId: input.projectId,
      toUserId: null,
      toAddress: '',
      payload: {},
      dedupeKey: input.whenNobody.dedupeKey,
      skipReason: input.whenNobody.reason,
      subject: input.whenNobody.about,
      messageId: newMessageId(),
      now,
    });
  }
  return rows;
}

/** Plans the email and writes its rows in one statement; says who it was queued for and who was skipped (a duplicate dedupe key is neither). */
export async function enqueueEmail<K extends EmailKind>(trx: Trx, input: EnqueueInput<K>, now: Date): Promise<EnqueueResult> {
  const rows = await planEmail(trx, input, now);
  const written = await insertEmails(trx, rows);
  const result: EnqueueResult = { queued: [], skipped: [] };
  for (const row of rows) {
    if (!written.has(row.messageId) || row.toUserId === null) continue;
    if (row.skipReason) result.skipped.push({ userId: row.toUserId, reason: row.skipReason });
    else result.queued.push(row.toUserId);
  }
  return result;
}
