import { decideSignInThrottle, sessionExpiry, THROTTLE_WINDOW_MS } from '../../domain/sign-in-throttle.ts';
import { DomainError } from '../../domain/errors.ts';
import type { User } from '../../domain/directory.ts';
import { normalizeEmail } from '../../domain/directory.ts';
import {
  countRecentFailures,
  deleteSession,
  insertSession,
  lockSignInThrottle,
  recordPendingSignInAttempt,
  recordSignInSuccess,
} from '../../db/auth.queries.ts';
import type { Db } from '../../db/database.ts';
import { findUserByEmail } from '../../db/directory.queries.ts';
import { digest, newToken, verifyPassword } from './secrets.ts';

export type SignInResult = { user: User; sessionToken: string; csrfToken: string; expiresAt: Date };

/**
 * Email + password sign-in. Throttled per email and per address; always starts a fresh session
 * (the one presented, if any, is ended) so a session id fixed before sign-in is never reused.
 *
 * The throttle holds under concurrent guesses: under a lock per email and per address, the failures
 * are counted and the attempt recorded — as a failure until its password proves right — so attempts
 * made at once count each other and at most the allowed number get their password checked (docs/decisions/021-email-claims-and-sign-in-throttle.md).
 */
export async function signIn(
  db: Db,
  input: { email: string; password: string; ip: string; previousSessionToken?: string | undefined },
  now: Date,
): Promise<SignInResult> {
  const emailLower = normalizeEmail(input.email);
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const key = { emailLower, ip: input.ip };
  const checked = await db.transaction().execute(async (trx) => {
    await lockSignInThrottle(trx, key);
    const failures = await countRecentFailures(trx, key, since);
    const decision = decideSignInThrottle({ now, emailFailures: failures.email, ipFailures: failures.ip });
    return decision.allowed ? { allowed: true as const, attemptId: await recordPendingSignInAttempt(trx, { ...key, attemptedAt: now }) } : decision;
  });
  if (!checked.allowed) {
    throw new DomainError(
      'too_many_requests',
      `Too many failed sign-in attempts. Try again in ${Math.ceil(checked.retryAfterSeconds / 60)} minute(s), or reset your password.`,
      { details: { retryAfterSeconds: checked.retryAfterSeconds } },
    );
  }
  const { attemptId } = checked;
  const user = await findUserByEmail(db, emailLower);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !passwordOk) {
    // The attempt was recorded as a failure before the check: it stays one.
    throw new DomainError('invalid_credentials', 'That email and password do not match an account.', {
      field: 'password',
    });
  }
  if (!user.isActive) {
    await recordSignInSuccess(db, { id: attemptId, emailLower, ip: input.ip });
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
    await recordSignInSuccess(trx, { id: attemptId, emailLower, ip: input.ip });
  });
  const { passwordHash: _omit, ...publicUser } = user;
  return { user: publicUser, sessionToken, csrfToken, expiresAt };
}
