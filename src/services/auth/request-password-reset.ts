/**
 * Password resets. Asking for one (`POST /password-resets`) only records the request — the same
 * single insert whether or not the address has an account, so neither the answer nor its timing
 * tells a prober which addresses exist (issue 11, defect 8). The worker then does the
 * account-specific work: look the address up, issue the link and write the email, in one
 * transaction with taking the request off the queue (docs/decisions/018-password-reset-requests.md).
 */
import { claimPasswordResetRequest, insertPasswordResetRequest } from '../../db/auth.queries.ts';
import type { Db, Trx } from '../../db/database.ts';
import { findUserByEmail, getUser } from '../../db/directory.queries.ts';
import { emailPasswordReset } from '../notifications/account-emails.ts';
import { issueUserLink, linkPath } from './user-links.ts';

/** Records a request for the worker; never looks the address up. */
export async function recordPasswordResetRequest(db: Db, email: string, now: Date): Promise<void> {
  await insertPasswordResetRequest(db, email.trim().toLowerCase(), now);
}

/**
 * The worker's part: handles waiting requests one transaction each (at most `limit` per run). An
 * address without an active account is simply taken off the queue.
 */
export async function processPasswordResetRequests(db: Db, now: Date, limit = 100): Promise<{ handled: number; linksIssued: number }> {
  let handled = 0;
  let linksIssued = 0;
  while (handled < limit) {
    const outcome = await db.transaction().execute(async (trx) => {
      const email = await claimPasswordResetRequest(trx);
      if (email === undefined) return 'empty';
      const user = await findUserByEmail(trx, email);
      if (!user?.isActive) return 'no_account';
      await issuePasswordReset(trx, user.id, null, now);
      return 'issued';
    });
    if (outcome === 'empty') break;
    handled += 1;
    if (outcome === 'issued') linksIssued += 1;
  }
  return { handled, linksIssued };
}

async function issuePasswordReset(trx: Trx, userId: string, actorUserId: string | null, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const { token, expiresAt } = await issueUserLink(trx, { userId, purpose: 'password_reset', actorUserId }, now);
  await emailPasswordReset(trx, { userId, token, expiresAt }, now);
  return { token, expiresAt };
}

/**
 * Issues a password-reset link for an active account at once, emails it in the same transaction,
 * and returns where it points (the CLI `payapp reset-link` prints it).
 */
export async function requestPasswordReset(
  db: Db,
  input: { userId: string; actorUserId: string | null; baseUrl: string },
  now: Date,
): Promise<{ url: string; expiresAt: Date } | null> {
  return db.transaction().execute(async (trx) => {
    const user = await getUser(trx, input.userId);
    if (!user.isActive) return null;
    const { token, expiresAt } = await issuePasswordReset(trx, user.id, input.actorUserId, now);
    return { url: `${input.baseUrl}${linkPath('password_reset', token)}`, expiresAt };
  });
}
