import type { Db } from '../../db/database.ts';
import { getUser } from '../../db/directory.queries.ts';
import { issueUserLink, linkPath } from './user-links.ts';

/**
 * Issues a password-reset link for an active account and returns where it points.
 * TODO(issue #4): deliver the link by email through the outbox; until then the CLI
 * (`payapp reset-link`) prints it and the issuance is in the audit log.
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
    return { url: `${input.baseUrl}${linkPath('password_reset', token)}`, expiresAt };
  });
}
