/** Single-use tokens behind one-click email answers, and the signing secret every process shares. */
import { randomBytes } from 'node:crypto';
import type { InviteResponse } from '../domain/invite-to-bill.ts';
import type { DbOrTrx } from './database.ts';

export async function insertActionToken(
  db: DbOrTrx,
  token: { inviteId: string; userId: string; response: InviteResponse; expiresAt: Date; now: Date },
): Promise<string> {
  const row = await db
    .insertInto('actionTokens')
    .values({ purpose: 'invite_response', inviteId: token.inviteId, userId: token.userId, response: token.response, expiresAt: token.expiresAt, createdAt: token.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export type ActionToken = { id: string; inviteId: string; userId: string; response: InviteResponse; expiresAt: Date; usedAt: Date | null };

/** Reads a token; `forUpdate` locks it (the one-click answer), without it nothing is locked or changed (the page showing it). */
export async function findActionToken(db: DbOrTrx, id: string, options: { forUpdate?: boolean } = {}): Promise<ActionToken | undefined> {
  let q = db.selectFrom('actionTokens').selectAll().where('id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && { id: row.id, inviteId: row.inviteId, userId: row.userId, response: row.response as InviteResponse, expiresAt: row.expiresAt, usedAt: row.usedAt };
}

/** A re-sent invite asks again: the links in the emails of the earlier send stop working. */
export async function deleteActionTokensOfInvite(db: DbOrTrx, inviteId: string): Promise<void> {
  await db.deleteFrom('actionTokens').where('inviteId', '=', inviteId).execute();
}

export async function markActionTokenUsed(db: DbOrTrx, id: string, at: Date): Promise<void> {
  await db.updateTable('actionTokens').set({ usedAt: at }).where('id', '=', id).execute();
}

/** Many tokens in one statement; their ids are chosen by the caller (to sign the links before the insert). */
export async function insertActionTokens(
  db: DbOrTrx,
  tokens: readonly { id: string; inviteId: string; userId: string; response: InviteResponse; expiresAt: Date; now: Date }[],
): Promise<void> {
  for (let at = 0; at < tokens.length; at += 5_000) {
    await db
      .insertInto('actionTokens')
      .values(
        tokens.slice(at, at + 5_000).map((t) => ({
          id: t.id,
          purpose: 'invite_response',
          inviteId: t.inviteId,
          userId: t.userId,
          response: t.response,
          expiresAt: t.expiresAt,
          createdAt: t.now,
        })),
      )
      .execute();
  }
}

/** `deleteActionTokensOfInvite` for many invites at once. */
export async function deleteActionTokensOfInvites(db: DbOrTrx, inviteIds: readonly string[]): Promise<void> {
  if (inviteIds.length === 0) return;
  await db.deleteFrom('actionTokens').where('inviteId', 'in', [...inviteIds]).execute();
}

/**
 * Secrets already committed, per database (keyed by the Kysely instance's adapter, which its
 * transactions share): a secret never changes once stored, so each process reads it once.
 */
const committedSecrets = new WeakMap<object, Map<string, string>>();

/**
 * A secret generated once and stored, so every process signs and verifies links alike. Read once
 * per process: a value found already stored is cached; one this call had to create is not (its
 * transaction may still roll back, and another process's value would then win).
 */
export async function getAppSecret(db: DbOrTrx, name: string): Promise<string> {
  const key = db.getExecutor().adapter;
  const cached = committedSecrets.get(key)?.get(name);
  if (cached !== undefined) return cached;
  const existing = await db.selectFrom('appSecrets').select('value').where('name', '=', name).executeTakeFirst();
  if (existing) {
    const secrets = committedSecrets.get(key) ?? new Map<string, string>();
    secrets.set(name, existing.value);
    committedSecrets.set(key, secrets);
    return existing.value;
  }
  await db
    .insertInto('appSecrets')
    .values({ name, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('appSecrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
