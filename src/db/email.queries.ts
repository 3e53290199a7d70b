/** Email messages: enqueued in the transaction that causes them; claimed, sent and marked by workers. */
import { sql } from 'kysely';
import type { EmailKind, SkipReason } from '../domain/notifications.ts';
import type { DbOrTrx, Trx } from './database.ts';

export type EmailStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export type NewEmail = {
  kind: EmailKind;
  projectId: string | null;
  toUserId: string | null;
  toAddress: string;
  payload: unknown;
  /** Set when the message must exist at most once (a reminder per contact per day, a digest per week). */
  dedupeKey?: string | undefined;
  skipReason?: SkipReason | undefined;
  /** For a skipped message that reached nobody: what it was about, shown where the subject would be. */
  subject?: string | undefined;
  messageId: string;
  now: Date;
};

/** Inserts a message (or a skipped record); false when a message with the same dedupe key exists. */
export async function insertEmail(trx: Trx, email: NewEmail): Promise<boolean> {
  const row = await trx
    .insertInto('emailMessages')
    .values({
      kind: email.kind,
      projectId: email.projectId,
      toUserId: email.toUserId,
      toAddress: email.toAddress,
      payload: JSON.stringify(email.payload),
      status: email.skipReason ? 'skipped' : 'pending',
      skipReason: email.skipReason ?? null,
      subject: email.subject ?? null,
      dedupeKey: email.dedupeKey ?? null,
      messageId: email.messageId,
      nextAttemptAt: email.now,
      createdAt: email.now,
    })
    .onConflict((oc) => oc.column('dedupeKey').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export type ClaimedEmail = {
  id: number;
  kind: EmailKind;
  toAddress: string;
  payload: unknown;
  messageId: string;
  attempts: number;
};

/**
 * Claims up to `limit` due messages for one worker: pending ones whose time has come, and ones
 * whose previous claim's lease ran out (that worker died). FOR UPDATE SKIP LOCKED keeps two workers
 * from claiming the same row; the lease keeps a message claimed while it is being sent.
 */
export async function claimDueEmails(db: DbOrTrx, now: Date, leaseMs: number, limit: number): Promise<ClaimedEmail[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const result = await sql<ClaimedEmail>`
    update email_messages m
       set status = 'sending', lease_until = ${leaseUntil}, attempts = m.attempts + 1
      from (
        select id from email_messages
         where (status = 'pending' and next_attempt_at <= ${now})
            or (status = 'sending' and lease_until < ${now})
         order by id
         limit ${limit}
         for update skip locked
      ) due
     where m.id = due.id
    returning m.id, m.kind, m.to_address as "toAddress", m.payload, m.message_id as "messageId", m.attempts`.execute(db);
  return result.rows.map((r) => ({ ...r, id: Number(r.id), payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }));
}

export async function markEmailSent(
  db: DbOrTrx,
  id: number,
  sent: { transport: 'smtp' | 'mailbox'; subject: string; html: string; text: string; at: Date },
): Promise<void> {
  await db
    .updateTable('emailMessages')
    .set({ status: 'sent', transport: sent.transport, subject: sent.subject, html: sent.html, text: sent.text, sentAt: sent.at, leaseUntil: null, lastError: null })
    .where('id', '=', id)
    .execute();
}

/**
 * A failed attempt is recorded only by the worker that still holds the claim (the row is still
 * 'sending' under the same attempt): a worker whose lease ran out while its send hung must not put
 * back in the queue (or fail) a message another worker has since delivered.
 */
export async function markEmailForRetry(db: DbOrTrx, claim: { id: number; attempts: number }, error: string, nextAttemptAt: Date): Promise<void> {
  await db
    .updateTable('emailMessages')
    .set({ status: 'pending', nextAttemptAt, leaseUntil: null, lastError: error.slice(0, 2000) })
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('attempts', '=', claim.attempts)
    .execute();
}

export async function markEmailFailed(db: DbOrTrx, claim: { id: number; attempts: number }, error: string): Promise<void> {
  await db
    .updateTable('emailMessages')
    .set({ status: 'failed', leaseUntil: null, lastError: error.slice(0, 2000) })
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('attempts', '=', claim.attempts)
    .execute();
}

/** An administrator retries a failed message: it goes back to the queue, due now. */
export async function requeueFailedEmail(db: DbOrTrx, id: number, projectId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('emailMessages')
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null })
    .where('id', '=', id)
    .where('projectId', '=', projectId)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export type EmailRecord = {
  id: number;
  kind: string;
  projectId: string | null;
  toUserId: string | null;
  toAddress: string;
  status: EmailStatus;
  skipReason: string | null;
  attempts: number;
  lastError: string | null;
  transport: string | null;
  subject: string | null;
  createdAt: Date;
  sentAt: Date | null;
  nextAttemptAt: Date;
};

export async function listEmails(
  db: DbOrTrx,
  filter: { projectId?: string; statuses?: EmailStatus[]; transport?: string; limit: number; beforeId?: number },
): Promise<EmailRecord[]> {
  let q = db
    .selectFrom('emailMessages')
    .select(['id', 'kind', 'projectId', 'toUserId', 'toAddress', 'status', 'skipReason', 'attempts', 'lastError', 'transport', 'subject', 'createdAt', 'sentAt', 'nextAttemptAt']);
  if (filter.projectId) q = q.where('projectId', '=', filter.projectId);
  if (filter.statuses && filter.statuses.length > 0) q = q.where('status', 'in', filter.statuses);
  if (filter.transport) q = q.where('transport', '=', filter.transport);
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), status: r.status as EmailStatus }));
}

export async function findSentEmail(
  db: DbOrTrx,
  id: number,
): Promise<{ id: number; toAddress: string; subject: string | null; html: string | null; text: string | null; sentAt: Date | null; messageId: string; transport: string | null } | undefined> {
  return db
    .selectFrom('emailMessages')
    .select(['id', 'toAddress', 'subject', 'html', 'text', 'sentAt', 'messageId', 'transport'])
    .where('id', '=', id)
    .where('status', '=', 'sent')
    .executeTakeFirst()
    .then((r) => r && { ...r, id: Number(r.id) });
}
