/** Stored responses of requests sent with an Idempotency-Key, per user. */
import type { DbOrTrx } from './database.ts';

export type IdempotencyRecord = {
  requestHash: string;
  status: 'in_progress' | 'done';
  responseStatus: number | null;
  responseBody: string | null;
  createdAt: Date;
};

/** Claims a key; false when it exists already. */
export async function claimIdempotencyKey(
  db: DbOrTrx,
  key: { userId: string; key: string; method: string; path: string; requestHash: string; now: Date },
): Promise<boolean> {
  const row = await db
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

/** Takes over a claim whose request never finished (its process died); true when this caller won it. */
export async function reclaimStaleKey(db: DbOrTrx, userId: string, key: string, staleBefore: Date, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('idempotencyKeys')
    .set({ createdAt: now })
    .where('userId', '=', userId)
    .where('key', '=', key)
    .where('status', '=', 'in_progress')
    .where('createdAt', '<', staleBefore)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function completeIdempotencyKey(db: DbOrTrx, userId: string, key: string, responseStatus: number, responseBody: string): Promise<void> {
  await db
    .updateTable('idempotencyKeys')
    .set({ status: 'done', responseStatus, responseBody })
    .where('userId', '=', userId)
    .where('key', '=', key)
    .execute();
}

export async function releaseIdempotencyKey(db: DbOrTrx, userId: string, key: string): Promise<void> {
  await db.deleteFrom('idempotencyKeys').where('userId', '=', userId).where('key', '=', key).execute();
}

export async function deleteOldIdempotencyKeys(db: DbOrTrx, before: Date): Promise<void> {
  await db.deleteFrom('idempotencyKeys').where('createdAt', '<', before).execute();
}
