/**
 * `Idempotency-Key` on POST requests (Stripe's model): the first request with a key runs and its
 * response (success or 4xx) is stored; a retry with the same key and the same body gets the stored
 * response replayed (`Idempotent-Replayed: true`) and changes nothing; the same key with another
 * body is refused (409). A request that fails with a 5xx releases the key so it can be retried.
 * Keys live in PostgreSQL, so the guarantee holds across processes; they are kept for 24 hours.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.ts';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  reclaimStaleKey,
  releaseIdempotencyKey,
} from '../db/idempotency.queries.ts';
import type { Env } from './context.ts';

const STALE_AFTER_MS = 60_000;

export const idempotency: MiddlewareHandler<Env> = async (c, next) => {
  const key = c.req.header('idempotency-key');
  const auth = c.get('auth');
  if (!key || c.req.method !== 'POST' || !auth) return next();
  if (key.length > 255) {
    throw new DomainError('validation_failed', 'An Idempotency-Key is at most 255 characters.', { field: 'Idempotency-Key' });
  }
  const { db, clock } = c.get('deps');
  const userId = auth.user.id;
  const body = await c.req.text();
  const requestHash = createHash('sha256').update(`${c.req.method} ${c.req.path}\n${body}`).digest('hex');
  const now = clock();
  let claimed = await claimIdempotencyKey(db, { userId, key, method: c.req.method, path: c.req.path, requestHash, now });
  if (!claimed) {
    const existing = await findIdempotencyKey(db, userId, key);
    if (existing && existing.requestHash !== requestHash) {
      throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was already used for a different request.', {
        field: 'Idempotency-Key',
      });
    }
    if (existing?.status === 'done' && existing.responseStatus !== null) {
      return new Response(existing.responseBody, {
        status: existing.responseStatus,
        headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
      });
    }
    claimed = await reclaimStaleKey(db, userId, key, new Date(now.getTime() - STALE_AFTER_MS), now);
    if (!claimed) {
      throw new DomainError('conflict', 'The same request is still being processed. Try again in a moment.', { field: 'Idempotency-Key' });
    }
  }
  await next();
  if (c.res.status >= 500) {
    await releaseIdempotencyKey(db, userId, key);
    return;
  }
  const text = await c.res.clone().text();
  await completeIdempotencyKey(db, userId, key, c.res.status, text);
};
