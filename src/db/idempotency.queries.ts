/**
 * Answers of requests sent with an Idempotency-Key, per user. A key is written in the transaction
 * of the request it guards and commits with the request's writes, or not at all
 * (docs/decisions/015-faults-idempotency.md).
 */
import type { DbOrTrx, Trx } from './database.ts';

export type IdempotencyRecord = {
  requestHash: string;
  /** 'in_progress' only on rows left by versions before issue 11, whose outcome is unknown. */
  status: 'in_progress' | 'done';
  responseStatus: number | null;
  responseBody: string | null;
  createdAt: Date;
};

/**
 * Inserts the key in the request's transaction; false when it exists already. Another transaction
 * holding the same key uncommitted makes this wait until it commits (then false) or rolls back
 * (then true): one request with a key runs at a time, and never twice.
 */
export async function claimIdempotencyKey(
  trx: Trx,
  key: { userId: string; key: string; method: string; path: string; requestHash: string; now: Date },
): Promise<boolean> {
  const row = await trx
    .insertInto('idempotencyKeys')
    .values({ userId: key.userId, key: key.key, method: key.method, path: key.path, requestHash: key.requestHash, status: 'in_progress', createdAt: key.now })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

export async function findIdempotencyKey(db: DbOrTrx, userId: string, key: string): Promise<IdempotencyRecord | undefined> {
  const row = await db
    .selectFrom('idempotencyKeys')
    .select(['requestHash', 'status', 'responseStatus', 'responseBody', 'createdAt'])
    .where('userId', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row && { ...row, status: row.status as IdempotencyRecord['status'] };
}

/** The answer, in the same transaction as the writes it reports. */
export async function storeIdempotentAnswer(trx: Trx, userId: string, key: string, responseStatus: number, responseBody: string): Promise<void> {
  await trx
    .updateTable('idempotencyKeys')
    .set({ status: 'done', responseStatus, responseBody })
    .where('userId', '=', userId)
    .where('key', '=', key)
    .execute();
}

export async function deleteOldIdempotencyKeys(db: DbOrTrx, before: Date): Promise<void> {
  await db.deleteFrom('idempotencyKeys').where('createdAt', '<', before).execute();
}
