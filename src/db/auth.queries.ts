/** Sessions, API tokens, sign-in attempts and single-use links. Secrets are stored as digests only. */
import { sql } from 'kysely';
import type { User } from '../domain/directory.ts';
import type { DbOrTrx, Trx } from './database.ts';

export type SessionRecord = {
  id: string;
  userId: string;
  csrfToken: string;
  lastSeenAt: Date;
  expiresAt: Date;
  createdAt: Date;
};

export async function insertSession(db: DbOrTrx, session: SessionRecord): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

/** The person's columns read beside a session or token, so a request authenticates in one statement. */
const USER_COLUMNS = ['u.companyId', 'u.name', 'u.email', 'u.isActive', 'u.emailEnabled', 'u.isCompanyAdmin', 'u.passwordHash'] as const;

function userOf(row: { userId: string; companyId: string; name: string; email: string; isActive: boolean; emailEnabled: boolean; isCompanyAdmin: boolean; passwordHash: string | null }): User {
  return {
    id: row.userId,
    companyId: row.companyId,
    name: row.name,
    email: row.email,
    isActive: row.isActive,
    emailEnabled: row.emailEnabled,
    isCompanyAdmin: row.isCompanyAdmin,
    hasPassword: row.passwordHash !== null,
  };
}

/** A session with its person, in one statement. */
export async function findSessionWithUser(db: DbOrTrx, id: string): Promise<{ session: SessionRecord; user: User } | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.userId')
    .select(['s.id', 's.userId', 's.csrfToken', 's.lastSeenAt', 's.expiresAt', 's.createdAt', ...USER_COLUMNS])
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { id: sessionId, userId, csrfToken, lastSeenAt, expiresAt, createdAt } = row;
  return { session: { id: sessionId, userId, csrfToken, lastSeenAt, expiresAt, createdAt }, user: userOf(row) };
}

export async function touchSession(db: DbOrTrx, id: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
  await db.updateTable('sessions').set({ lastSeenAt, expiresAt }).where('id', '=', id).execute();
}

export async function deleteSession(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteSessionsOfUser(db: DbOrTrx, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('userId', '=', userId).execute();
}

export async function deleteExpiredSessions(db: DbOrTrx, now: Date): Promise<void> {
  await db.deleteFrom('sessions').where('expiresAt', '<', now).execute();
}

export type FailureCount = { count: number; oldest: Date | null };

/**
 * Serializes the throttle's count-and-record for one email and one address until the transaction
 * ends (two lock spaces, so an email and an address never share a lock; always the email's first,
 * and nobody holding an address lock waits for an email lock, so they cannot deadlock). Held only
 * while counting and recording — never while a password is checked.
 */
export async function lockSignInThrottle(trx: Trx, key: { emailLower: string; ip: string }): Promise<void> {
  await sql`select pg_advisory_xact_lock(1001, hashtext(${key.emailLower})), pg_advisory_xact_lock(1002, hashtext(${key.ip}))`.execute(trx);
}

/**
 * Records a sign-in attempt before its password is checked, as a failure until proven otherwise,
 * and answers its id: attempts being checked count against the limit, so guesses made at once
 * cannot all slip under it.
 */
export async function recordPendingSignInAttempt(db: DbOrTrx, attempt: { emailLower: string; ip: string; attemptedAt: Date }): Promise<number> {
  const row = await db
    .insertInto('signInAttempts')
    .values({ ...attempt, succeeded: false })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Failures in the window for the email and for the address (attempts still being checked included), in one statement. */
export async function countRecentFailures(
  db: DbOrTrx,
  key: { emailLower: string; ip: string },
  since: Date,
): Promise<{ email: FailureCount; ip: FailureCount }> {
  const result = await sql<{ emailN: string; emailOldest: Date | null; ipN: string; ipOldest: Date | null }>`
    select count(*) filter (where email_lower = ${key.emailLower}) as "emailN",
           min(attempted_at) filter (where email_lower = ${key.emailLower}) as "emailOldest",
           count(*) filter (where ip = ${key.ip}) as "ipN",
           min(attempted_at) filter (where ip = ${key.ip}) as "ipOldest"
      from sign_in_attempts
     where succeeded = false and attempted_at >= ${since}
       and (email_lower = ${key.emailLower} or ip = ${key.ip})`.execute(db);
  const row = result.rows[0];
  return {
    email: { count: Number(row?.emailN ?? 0), oldest: row?.emailOldest ?? null },
    ip: { count: Number(row?.ipN ?? 0), oldest: row?.ipOldest ?? null },
  };
}

/**
 * The password was right: the attempt becomes a success, and the failures made before it for
 * this email from the same address are forgiven (the person who knows the password made them).
 * Failures from other addresses stay counted — a success must not wipe out a guesser's streak.
 */
export async function recordSignInSuccess(db: DbOrTrx, attempt: { id: number; emailLower: string; ip: string }): Promise<void> {
  await db.updateTable('signInAttempts').set({ succeeded: true }).where('id', '=', attempt.id).execute();
  await db
    .deleteFrom('signInAttempts')
    .where('emailLower', '=', attempt.emailLower)
    .where('ip', '=', attempt.ip)
    .where('succeeded', '=', false)
    .where('id', '<', attempt.id)
    .execute();
}

export type ApiTokenRecord = {
  id: string;
  userId: string;
  name: string;
  tokenPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export async function insertApiToken(
  db: DbOrTrx,
  token: { userId: string; name: string; tokenHash: string; tokenPrefix: string; createdAt: Date },
): Promise<ApiTokenRecord> {
  return db
    .insertInto('apiTokens')
    .values(token)
    .returning(['id', 'userId', 'name', 'tokenPrefix', 'createdAt', 'lastUsedAt', 'revokedAt'])
    .executeTakeFirstOrThrow();
}

/** An unrevoked API token with its person, in one statement. */
export async function findActiveApiTokenWithUser(db: DbOrTrx, tokenHash: string): Promise<{ token: ApiTokenRecord; user: User } | undefined> {
  const row = await db
    .selectFrom('apiTokens as t')
    .innerJoin('users as u', 'u.id', 't.userId')
    .select(['t.id', 't.userId', 't.name as tokenName', 't.tokenPrefix', 't.createdAt', 't.lastUsedAt', 't.revokedAt', ...USER_COLUMNS])
    .where('t.tokenHash', '=', tokenHash)
    .where('t.revokedAt', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const token: ApiTokenRecord = { id: row.id, userId: row.userId, name: row.tokenName, tokenPrefix: row.tokenPrefix, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
  return { token, user: userOf(row) };
}

export async function listApiTokens(db: DbOrTrx, userId: string): Promise<ApiTokenRecord[]> {
  return db
    .selectFrom('apiTokens')
    .select(['id', 'userId', 'name', 'tokenPrefix', 'createdAt', 'lastUsedAt', 'revokedAt'])
    .where('userId', '=', userId)
    .orderBy('createdAt', 'desc')
    .execute();
}

export async function markApiTokenUsed(db: DbOrTrx, id: string, at: Date): Promise<void> {
  await db.updateTable('apiTokens').set({ lastUsedAt: at }).where('id', '=', id).execute();
}

export async function revokeApiTokenRow(db: DbOrTrx, userId: string, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('apiTokens')
    .set({ revokedAt: at })
    .where('id', '=', id)
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export type UserLinkPurpose = 'invitation' | 'password_reset';

export async function insertUserLink(
  db: DbOrTrx,
  link: { userId: string; purpose: UserLinkPurpose; tokenHash: string; expiresAt: Date; createdAt: Date },
): Promise<void> {
  await db.insertInto('userLinks').values(link).execute();
}

export async function lockUserLinkByHash(
  db: DbOrTrx,
  tokenHash: string,
): Promise<{ id: string; userId: string; purpose: UserLinkPurpose; expiresAt: Date; usedAt: Date | null } | undefined> {
  const row = await db
    .selectFrom('userLinks')
    .select(['id', 'userId', 'purpose', 'expiresAt', 'usedAt'])
    .where('tokenHash', '=', tokenHash)
    .forUpdate()
    .executeTakeFirst();
  return row && { ...row, purpose: row.purpose as UserLinkPurpose };
}

export async function markUserLinkUsed(db: DbOrTrx, id: string, at: Date): Promise<void> {
  await db.updateTable('userLinks').set({ usedAt: at }).where('id', '=', id).execute();
}

/** Issuing a new link of a purpose retires the older unused ones. */
export async function retireUserLinks(db: DbOrTrx, userId: string, purpose: UserLinkPurpose, at: Date): Promise<void> {
  await db
    .updateTable('userLinks')
    .set({ usedAt: at })
    .where('userId', '=', userId)
    .where('purpose', '=', purpose)
    .where('usedAt', 'is', null)
    .execute();
}

/** A password-reset request as typed (issue 11, defect 8): one insert, whatever the address. */
export async function insertPasswordResetRequest(db: DbOrTrx, emailLower: string, at: Date): Promise<void> {
  await db.insertInto('passwordResetRequests').values({ emailLower, requestedAt: at }).execute();
}

/**
 * Takes the oldest waiting request and every other one for the same address (they would only
 * retire each other's links) out of the queue, in the caller's transaction; rows another worker
 * holds are skipped, so two workers never handle one request, nor wait on each other.
 */
export async function claimPasswordResetRequest(trx: Trx): Promise<string | undefined> {
  const { rows } = await sql<{ email: string }>`
    with first as (
      select email_lower from password_reset_requests order by id limit 1 for update skip locked
    ), same as (
      select r.id from password_reset_requests r join first on r.email_lower = first.email_lower
      for update of r skip locked
    )
    delete from password_reset_requests where id in (select id from same) returning email_lower as email`.execute(trx);
  return rows[0]?.email;
}
