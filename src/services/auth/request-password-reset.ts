import type { Db } from '../../db/database.ts';
import { getUser } from '../../db/directory.queries.ts';
import { emailPasswordReset } from '../notifications/account-emails.ts';
import { issueUserLink, linkPath } from './user-links.ts';

/**
 * Issues a password-reset link for an active account, emails it in the same transaction, and
 * returns where it points (the CLI `payapp reset-link` prints it).
 */
export async function requestPasswordReset(
  db: Db,
  input: { userId: string; actorUserId: string | null; baseUrl: string },
  now: Date,
): Promise<{ url: string; expiresAt: Date } | null> {
  return db.transaction().execute(async (trx) => {
    const user = await getUser(trx, input.userId);
    if (!user.isActive) return null;
    const { token, expiresAt } = await issueUserLink(trx, { userId: user.id, purpose: 'password_reset', actorUserId: input.actorUserId }, now);
    await emailPasswordReset(trx, { userId: user.id, token, expiresAt }, now);
    return { url: `${input.baseUrl}${linkPath('password_reset', token)}`, expiresAt };
  });
}
