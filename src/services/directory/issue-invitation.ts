import { assertCompanyAdmin, type Viewer } from '../../domain/permissions.ts';
import type { Db } from '../../db/database.ts';
import { getUser } from '../../db/directory.queries.ts';
import { issueUserLink, linkPath } from '../auth/user-links.ts';

/**
 * Issues a first-sign-in link for a person (company admins, or the system when `viewer` is null).
 * TODO(issue #4): send it as the account-invitation email through the outbox; until then the CLI
 * (`payapp invite-link`) prints it and the issuance is in the audit log.
 */
export async function issueInvitation(
  db: Db,
  viewer: Viewer | null,
  userId: string,
  now: Date,
  baseUrl: string,
): Promise<{ url: string; expiresAt: Date } | null> {
  if (viewer) assertCompanyAdmin(viewer, 'invite people');
  return db.transaction().execute(async (trx) => {
    const user = await getUser(trx, userId);
    if (!user.isActive) return null;
    const { token, expiresAt } = await issueUserLink(trx, { userId, purpose: 'invitation', actorUserId: viewer?.userId ?? null }, now);
    return { url: `${baseUrl}${linkPath('invitation', token)}`, expiresAt };
  });
}
