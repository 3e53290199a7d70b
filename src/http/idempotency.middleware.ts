/**
 * `Idempotency-Key` on POST requests: a retry with the same key and the same body gets the first
 * answer replayed (same status and body, `Idempotent-Replayed: true`) and changes nothing; the
 * same key with another body is refused (409 `idempotency_key_reused`). Keys are per user, live in
 * PostgreSQL (so this holds across processes) and are kept for 24 hours.
 *
 * The key, the request's writes and its answer commit in ONE transaction, so a crash at any
 * moment leaves either all of them (the retry is answered) or none (the retry runs afresh). The
 * middleware opens that transaction, inserts the key (a concurrent request with the same key
 * waits on it, then replays), and hands the handler a `db` whose queries and `db.transaction()`
 * calls run inside it, without savepoints (src/db/joined-transaction.ts). Only a success is kept: a 4xx or 5xx rolls
 * back everything, key included, since it changed nothing and may not hold on a retry
 * (docs/decisions/015-faults-idempotency.md).
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.ts';
import type { Trx } from '../db/database.ts';
import { claimIdempotencyKey, findIdempotencyKey, storeIdempotentAnswer } from '../db/idempotency.queries.ts';
import { joinedTransactionFailed, joinTransaction } from '../db/joined-transaction.ts';
import type { Env } from './context.ts';

/** Thrown to roll the request's transaction back while its answer (an error) stands. */
const NOT_KEPT = Symbol('not kept');

export const idempotency: MiddlewareHandler<Env> = async (c, next) => {
  const key = c.req.header('idempotency-key');
  const auth = c.get('auth');
  if (!key || c.req.method !== 'POST' || !auth) return next();
  if (key.length > 255) {
    throw new DomainError('validation_failed', 'An Idempotency-Key is at most 255 characters.', { field: 'Idempotency-Key' });
  }
  const deps = c.get('deps');
  const userId = auth.user.id;
  const body = await c.req.text();
  const requestHash = createHash('sha256').update(`${c.req.method} ${c.req.path}\n${body}`).digest('hex');
  let replay: Response | undefined;
  let handled = false;
  try {
    await deps.db.transaction().execute(async (trx) => {
      const claimed = await claimIdempotencyKey(trx, { userId, key, method: c.req.method, path: c.req.path, requestHash, now: deps.clock() });
      if (!claimed) {
        replay = await storedAnswer(trx, userId, key, requestHash);
        return;
      }
      // Everything the handler reads and writes goes through this transaction (PGlite has one connection).
      const joined = joinTransaction(trx);
      c.set('deps', { ...deps, db: joined });
      try {
        await next();
      } finally {
        c.set('deps', deps);
      }
      handled = true;
      if (c.res.status >= 400) throw NOT_KEPT;
      if (joinedTransactionFailed(joined)) {
        // A nested transaction failed and the handler answered success anyway: its writes may be half done.
        throw new Error('A write inside this request failed but the request answered success; nothing was kept.');
      }
      await storeIdempotentAnswer(trx, userId, key, c.res.status, await c.res.clone().text());
    });
  } catch (error) {
    // The handler's error answer stands, also when the rollback failed because the connection is gone.
    if (error === NOT_KEPT || (handled && c.res.status >= 400)) return;
    throw error;
  }
  return replay;
};

async function storedAnswer(trx: Trx, userId: string, key: string, requestHash: string): Promise<Response> {
  const existing = await findIdempotencyKey(trx, userId, key);
  if (existing && existing.requestHash !== requestHash) {
    throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was already used for a different request.', { field: 'Idempotency-Key' });
  }
  if (!existing) {
    // Expired (24 h) and deleted between the insert and this read.
    throw new DomainError('conflict', 'This Idempotency-Key expired a moment ago. Send the request again.', { field: 'Idempotency-Key' });
  }
  if (existing.status !== 'done' || existing.responseStatus === null) {
    throw new DomainError('conflict', 'A request with this Idempotency-Key was interrupted and its outcome is unknown. Check the result, then use a new key.', {
      field: 'Idempotency-Key',
    });
  }
  return new Response(existing.responseBody, {
    status: existing.responseStatus,
    headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
  });
}
