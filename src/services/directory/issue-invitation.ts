import { assertCompanyAdmin, type Viewer } from '../../domain/permissions.ts';
import type { Db } from '../../db/database.ts';
import { getUser } from '../../db/directory.queries.ts';
import { issueUserLink, linkPath } from '../auth/user-links.ts';
import { emailAccountInvitation } from '../notifications/account-emails.ts';

/**
 * Issues a first-sign-in link for a person (company admins, or the system when `viewer` is null)
 * and emails it to them in the same transaction; the CLI (`payapp invite-link`) also prints it.
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
    await emailAccountInvitation(trx, { userId, token, expiresAt, inviterUserId: viewer?.userId ?? null }, now);
    return { url: `${baseUrl}${linkPath('invitation', token)}`, expiresAt };
  });
}
