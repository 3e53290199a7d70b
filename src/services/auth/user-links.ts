/**
 * Single-use, expiring links for a first sign-in (invitation) and for a password reset. Only the
 * digest of a link's token is stored; redeeming it sets the password and ends every other session.
 */
import { assertPasswordStrength } from '../../domain/directory.ts';
import { paths } from '../../domain/links.ts';
import { DomainError } from '../../domain/errors.ts';
import {
  deleteSessionsOfUser,
  insertUserLink,
  lockUserLinkByHash,
  markUserLinkUsed,
  retireUserLinks,
  type UserLinkPurpose,
} from '../../db/auth.queries.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { DbOrTrx, Trx } from '../../db/database.ts';
import type { Db } from '../../db/database.ts';
import { getUser } from '../../db/directory.queries.ts';
import { digest, hashPassword, newToken } from './secrets.ts';

export const LINK_LIFETIME_MS: Record<UserLinkPurpose, number> = {
  invitation: 7 * 24 * 60 * 60 * 1000,
  password_reset: 60 * 60 * 1000,
};

export function linkPath(purpose: UserLinkPurpose, token: string): string {
  return purpose === 'invitation' ? paths.welcome(token) : paths.resetPassword(token);
}

/** Creates a link inside the caller's transaction (so an email about it can be written alongside). */
export async function issueUserLink(
  trx: Trx,
  input: { userId: string; purpose: UserLinkPurpose; actorUserId: string | null },
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + LINK_LIFETIME_MS[input.purpose]);
  await retireUserLinks(trx, input.userId, input.purpose, now);
  await insertUserLink(trx, { userId: input.userId, purpose: input.purpose, tokenHash: digest(token), expiresAt, createdAt: now });
  await recordAudit(trx, {
    occurredAt: now,
    actorUserId: input.actorUserId,
    projectId: null,
    entityType: 'user',
    entityId: input.userId,
    action: input.purpose === 'invitation' ? 'issue_invitation_link' : 'issue_password_reset_link',
    after: { expiresAt: expiresAt.toISOString() },
  });
  return { token, expiresAt };
}

/** What a link is for, without using it (the first-sign-in page shows whose account it is). */
export async function inspectUserLink(
  db: DbOrTrx,
  token: string,
  now: Date,
): Promise<{ purpose: UserLinkPurpose; userId: string; name: string; email: string }> {
  const link = await db
    .selectFrom('userLinks as l')
    .innerJoin('users as u', 'u.id', 'l.userId')
    .select(['l.purpose', 'l.userId', 'l.expiresAt', 'l.usedAt', 'u.name', 'u.email', 'u.isActive'])
    .where('l.tokenHash', '=', digest(token))
    .executeTakeFirst();
  if (!link || link.usedAt !== null || link.expiresAt <= now || !link.isActive) throw invalidLink();
  return { purpose: link.purpose as UserLinkPurpose, userId: link.userId, name: link.name, email: link.email };
}

function invalidLink(): DomainError {
  return new DomainError(
    'link_invalid',
    'This link has expired or has already been used. Ask for a new one.',
    { field: 'token' },
  );
}

export async function redeemUserLink(
  db: Db,
  input: { token: string; password: string },
  now: Date,
): Promise<{ userId: string; purpose: UserLinkPurpose }> {
  assertPasswordStrength(input.password);
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const link = await lockUserLinkByHash(trx, digest(input.token));
    if (!link || link.usedAt !== null || link.expiresAt <= now) throw invalidLink();
    const user = await getUser(trx, link.userId);
    if (!user.isActive) throw invalidLink();
    await markUserLinkUsed(trx, link.id, now);
    await trx.updateTable('users').set({ passwordHash, updatedAt: now }).where('id', '=', user.id).execute();
    await deleteSessionsOfUser(trx, user.id);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: user.id,
      projectId: null,
      entityType: 'user',
      entityId: user.id,
      action: link.purpose === 'invitation' ? 'accept_invitation' : 'reset_password',
    });
    return { userId: user.id, purpose: link.purpose };
  });
}
