/**
 * Resolves the caller from `Authorization: Bearer <api token>` or the session cookie, and enforces
 * CSRF protection on cookie-authenticated writes: the request must echo the session's CSRF token in
 * `X-CSRF-Token` (the UI reads it from GET /api/v1/session). Bearer requests carry no ambient
 * credentials, so they need no CSRF token.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { DomainError } from '../domain/errors.ts';
import { authenticateApiToken, authenticateSession } from '../services/auth/authenticate.ts';
import { safeEqual } from '../services/auth/secrets.ts';
import type { Env } from './context.ts';

export const SESSION_COOKIE = 'payapp_session';

/** The API routes anyone may call; every other route answers 401 before it even reads its input. */
const PUBLIC_ROUTES: { method: string; path: RegExp }[] = [
  { method: 'POST', path: /^\/api\/v1\/session$/ },
  { method: 'GET', path: /^\/api\/v1\/session$/ },
  { method: 'DELETE', path: /^\/api\/v1\/session$/ },
  { method: 'GET', path: /^\/api\/v1\/links\/[^/]+$/ },
  { method: 'POST', path: /^\/api\/v1\/links\/[^/]+\/password$/ },
  { method: 'POST', path: /^\/api\/v1\/password-resets$/ },
  { method: 'GET', path: /^\/api\/v1\/openapi\.json$/ },
];

function isPublic(method: string, path: string): boolean {
  return PUBLIC_ROUTES.some((r) => r.method === method && r.path.test(path));
}
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const authenticate: MiddlewareHandler<Env> = async (c, next) => {
  const { db, clock } = c.get('deps');
  const header = c.req.header('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const auth = match?.[1] ? await authenticateApiToken(db, match[1], clock()) : null;
    if (!auth) throw new DomainError('unauthenticated', 'The API token is not valid or has been revoked.');
    c.set('auth', auth);
    return next();
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  const auth = cookie ? await authenticateSession(db, cookie, clock()) : null;
  c.set('auth', auth);
  if (!auth && !isPublic(c.req.method, c.req.path)) {
    throw new DomainError('unauthenticated', 'Sign in to continue.');
  }
  // Signing in replaces the session anyway; it is guarded by the Origin check in its route.
  const isSignIn = c.req.method === 'POST' && c.req.path === '/api/v1/session';
  if (auth?.via === 'session' && !SAFE_METHODS.has(c.req.method) && !isSignIn) {
    const sent = c.req.header('x-csrf-token');
    if (!sent || !safeEqual(sent, auth.csrfToken)) {
      throw new DomainError('csrf_token_invalid', 'This form has expired. Reload the page and try again.');
    }
  }
  return next();
};
