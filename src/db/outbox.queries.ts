/**
 * The transactional outbox: a row written in the same transaction as the change that causes it,
 * picked up later by the worker (so a committed change never loses its notification, and a rolled
 * back one never sends it).
 */
import type { Trx } from './database.ts';

export type OutboxTopic = 'invite.sent' | 'invoice.submitted' | 'invoice.sent_back' | 'invoice.approved';

export async function enqueueOutbox(trx: Trx, topic: OutboxTopic, payload: Record<string, unknown>, now: Date): Promise<void> {
  await trx.insertInto('outbox').values({ topic, payload: JSON.stringify(payload), createdAt: now }).execute();
}
