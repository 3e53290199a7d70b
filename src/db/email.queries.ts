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

function emailRow(email: NewEmail) {
  return {
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
  };
}

/**
 * The INSERT of some messages (skipped records included), not yet sent: a message whose dedupe key
 * exists already is left out. For `executeWritesTogether`, or executed by `insertEmails`.
 */
export function insertEmailsQuery(trx: Trx, emails: readonly NewEmail[]) {
  return trx
    .insertInto('emailMessages')
    .values(emails.map(emailRow))
    .onConflict((oc) => oc.column('dedupeKey').doNothing());
}

/** Inserts a message (or a skipped record); false when a message with the same dedupe key exists. */
export async function insertEmail(trx: Trx, email: NewEmail): Promise<boolean> {
  return (await insertEmails(trx, [email])).size === 1;
}

/**
 * `insertEmail` for many messages in as few statements as the parameter limit allows (one up to
 * 2,000): answers the Message-IDs written (a duplicate dedupe key is not).
 */
export async function insertEmails(trx: Trx, emails: readonly NewEmail[]): Promise<Set<string>> {
  const written = new Set<string>();
  for (let at = 0; at < emails.length; at += 2_000) {
    const rows = await insertEmailsQuery(trx, emails.slice(at, at + 2_000)).returning('messageId').execute();
    for (const row of rows) written.add(row.messageId);
  }
  return written;
}

export type ClaimedEmail = {
  id: number;
  kind: EmailKind;
  toAddress: string;
  payload: unknown;
  messageId: string;
  attempts: number;
  /** This claim's token: only the worker holding it may renew the lease or mark the message. */
  claimToken: string;
};

/** The claim a worker holds on a message: the row is still 'sending' under this token. */
export type EmailClaim = { id: number; claimToken: string };

/**
 * Claims up to `limit` due messages for one worker under one fresh token: pending ones whose time
 * has come, and ones whose previous claim's lease ran out (that worker died or stalled). FOR UPDATE
 * SKIP LOCKED keeps two workers from claiming the same row; the lease, renewed while the worker
 * works through the batch (`renewEmailLeases`), keeps the rest of the batch from being taken over.
 */
export async function claimDueEmails(db: DbOrTrx, now: Date, leaseMs: number, limit: number, claimToken: string): Promise<ClaimedEmail[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const result = await sql<Omit<ClaimedEmail, 'claimToken'>>`
    update email_messages m
       set status = 'sending', lease_until = ${leaseUntil}, claim_token = ${claimToken}, attempts = m.attempts + 1
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
  return result.rows
    .map((r) => ({ ...r, id: Number(r.id), claimToken, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }))
    .sort((a, b) => a.id - b.id);
}

/**
 * Extends the lease of the messages of `ids` this claim still holds; answers the ids still held.
 * A message missing from the answer was taken over by another worker (this one's lease ran out
 * while it stalled) or is no longer 'sending': the caller must not send it.
 */
export async function renewEmailLeases(db: DbOrTrx, claimToken: string, ids: readonly number[], leaseUntil: Date): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .updateTable('emailMessages')
    .set({ leaseUntil })
    .where('id', 'in', [...ids])
    .where('claimToken', '=', claimToken)
    .where('status', '=', 'sending')
    .returning('id')
    .execute();
  return new Set(rows.map((r) => Number(r.id)));
}

/**
 * Marks a message sent, by the worker that still holds its claim; false when the claim was lost
 * (another worker took the message over, and will mark it itself).
 */
export async function markEmailSent(
  db: DbOrTrx,
  claim: EmailClaim,
  sent: { transport: 'smtp' | 'mailbox'; subject: string; html: string; text: string; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('emailMessages')
    .set({ status: 'sent', transport: sent.transport, subject: sent.subject, html: sent.html, text: sent.text, sentAt: sent.at, leaseUntil: null, claimToken: null, lastError: null })
    .where('id', '=', claim.id)
    .where('claimToken', '=', claim.claimToken)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * A failed attempt is recorded only by the worker that still holds the claim: a worker whose lease
 * ran out while its send hung must not put back in the queue (or fail) a message another worker
 * has since delivered.
 */
export async function markEmailForRetry(db: DbOrTrx, claim: EmailClaim, error: string, nextAttemptAt: Date): Promise<void> {
  await db
    .updateTable('emailMessages')
    .set({ status: 'pending', nextAttemptAt, leaseUntil: null, claimToken: null, lastError: error.slice(0, 2000) })
    .where('id', '=', claim.id)
    .where('claimToken', '=', claim.claimToken)
    .where('status', '=', 'sending')
    .execute();
}

export async function markEmailFailed(db: DbOrTrx, claim: EmailClaim, error: string): Promise<void> {
  await db
    .updateTable('emailMessages')
    .set({ status: 'failed', leaseUntil: null, claimToken: null, lastError: error.slice(0, 2000) })
    .where('id', '=', claim.id)
    .where('claimToken', '=', claim.claimToken)
    .where('status', '=', 'sending')
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

/**
 * Outgoing email, newest first: of one project, or (`tenantId`) of every project of a general
 * contractor together with the messages about no project (account invitations, password resets).
 */
export async function listEmails(
  db: DbOrTrx,
  filter: { projectId?: string; tenantId?: string; statuses?: EmailStatus[]; transport?: string; limit: number; beforeId?: number },
): Promise<EmailRecord[]> {
  let q = db
    .selectFrom('emailMessages')
    .select(['id', 'kind', 'projectId', 'toUserId', 'toAddress', 'status', 'skipReason', 'attempts', 'lastError', 'transport', 'subject', 'createdAt', 'sentAt', 'nextAttemptAt']);
  if (filter.projectId) q = q.where('projectId', '=', filter.projectId);
  const tenantId = filter.tenantId;
  if (tenantId) {
    q = q.where((eb) =>
      eb.or([eb('projectId', 'is', null), eb('projectId', 'in', eb.selectFrom('projects as p').select('p.id').where('p.tenantId', '=', tenantId))]),
    );
  }
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

/**
 * A worker shutting down gives back the messages of its batch it has not sent: each goes back to
 * 'pending', due as it was, with the attempt it was claimed for not counted — only while the claim
 * is still this worker's (a message another worker took over is left to that worker). Answers how
 * many were released.
 */
export async function releaseEmailClaims(db: DbOrTrx, claimToken: string, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('emailMessages')
    .set((eb) => ({ status: 'pending', leaseUntil: null, claimToken: null, attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)` }))
    .where('id', 'in', [...ids])
    .where('claimToken', '=', claimToken)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
