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

/** A secret generated once and stored, so every process signs and verifies links alike. */
export async function getAppSecret(db: DbOrTrx, name: string): Promise<string> {
  await db
    .insertInto('appSecrets')
    .values({ name, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('appSecrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
