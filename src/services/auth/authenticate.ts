import { sessionExpiry } from '../../domain/sign-in-throttle.ts';
import type { User } from '../../domain/directory.ts';
import {
  deleteSession,
  findActiveApiTokenWithUser,
  findSessionWithUser,
  markApiTokenUsed,
  touchSession,
} from '../../db/auth.queries.ts';
import type { Db } from '../../db/database.ts';
import { digest } from './secrets.ts';

export type Authentication =
  | { via: 'session'; user: User; sessionId: string; csrfToken: string }
  | { via: 'token'; user: User; tokenId: string };

const TOUCH_EVERY_MS = 60_000;

/** Resolves a session cookie to its user; expired sessions and inactive users resolve to nothing. */
export async function authenticateSession(db: Db, sessionToken: string, now: Date): Promise<Authentication | null> {
  const id = digest(sessionToken);
  // The session and its person in one statement: every request starts here.
  const found = await findSessionWithUser(db, id);
  if (!found) return null;
  const { session, user } = found;
  if (session.expiresAt <= now) {
    await deleteSession(db, id);
    return null;
  }
  if (!user.isActive) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await touchSession(db, id, now, sessionExpiry(session.createdAt, now));
  }
  return { via: 'session', user, sessionId: id, csrfToken: session.csrfToken };
}

/** Resolves a personal API token (`Authorization: Bearer …`). */
export async function authenticateApiToken(db: Db, token: string, now: Date): Promise<Authentication | null> {
  const found = await findActiveApiTokenWithUser(db, digest(token));
  if (!found) return null;
  const { token: record, user } = found;
  if (!user.isActive) return null;
  if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await markApiTokenUsed(db, record.id, now);
  }
  return { via: 'token', user, tokenId: record.id };
}
