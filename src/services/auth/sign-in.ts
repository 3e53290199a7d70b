import { decideSignInThrottle, sessionExpiry, THROTTLE_WINDOW_MS } from '../../domain/sign-in-throttle.ts';
import { DomainError } from '../../domain/errors.ts';
import type { User } from '../../domain/directory.ts';
import { normalizeEmail } from '../../domain/directory.ts';
import {
  clearFailures,
  countRecentFailures,
  deleteSession,
  insertSession,
  recordSignInAttempt,
} from '../../db/auth.queries.ts';
import type { Db } from '../../db/database.ts';
import { findUserByEmail } from '../../db/directory.queries.ts';
import { digest, newToken, verifyPassword } from './secrets.ts';

export type SignInResult = { user: User; sessionToken: string; csrfToken: string; expiresAt: Date };

/**
 * Email + password sign-in. Throttled per email and per address; always starts a fresh session
 * (the one presented, if any, is ended) so a session id fixed before sign-in is never reused.
 */
export async function signIn(
  db: Db,
  input: { email: string; password: string; ip: string; previousSessionToken?: string | undefined },
  now: Date,
): Promise<SignInResult> {
  const emailLower = normalizeEmail(input.email);
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const decision = decideSignInThrottle({
    now,
    emailFailures: await countRecentFailures(db, { emailLower }, since),
    ipFailures: await countRecentFailures(db, { ip: input.ip }, since),
  });
  if (!decision.allowed) {
    throw new DomainError(
      'too_many_requests',
      `Too many failed sign-in attempts. Try again in ${Math.ceil(decision.retryAfterSeconds / 60)} minute(s), or reset your password.`,
      { details: { retryAfterSeconds: decision.retryAfterSeconds } },
    );
  }
  const user = await findUserByEmail(db, emailLower);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !passwordOk) {
    await recordSignInAttempt(db, { emailLower, ip: input.ip, succeeded: false, attemptedAt: now });
    throw new DomainError('invalid_credentials', 'That email and password do not match an account.', {
      field: 'password',
    });
  }
  if (!user.isActive) {
    throw new DomainError('account_inactive', 'This account has been deactivated. Ask your administrator.');
  }
  const sessionToken = newToken();
  const csrfToken = newToken();
  const expiresAt = sessionExpiry(now, now);
  await db.transaction().execute(async (trx) => {
    if (input.previousSessionToken) await deleteSession(trx, digest(input.previousSessionToken));
    await insertSession(trx, {
      id: digest(sessionToken),
      userId: user.id,
      csrfToken,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    });
    await recordSignInAttempt(trx, { emailLower, ip: input.ip, succeeded: true, attemptedAt: now });
    await clearFailures(trx, emailLower);
  });
  const { passwordHash: _omit, ...publicUser } = user;
  return { user: publicUser, sessionToken, csrfToken, expiresAt };
}
