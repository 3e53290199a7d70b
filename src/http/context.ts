/** What every request handler can reach: the database, the clock, the configuration and the caller. */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppConfig } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import type { Viewer } from '../domain/permissions.ts';
import type { Db } from '../db/database.ts';
import type { Authentication } from '../services/auth/authenticate.ts';

export type Clock = () => Date;

export type AppDeps = {
  db: Db;
  clock: Clock;
  config: AppConfig;
};

export type Env = {
  Variables: {
    deps: AppDeps;
    auth: Authentication | null;
  };
};

/** The signed-in caller, or 401. */
export function requireViewer(c: Context<Env>): Viewer {
  const auth = c.get('auth');
  if (!auth) throw new DomainError('unauthenticated', 'Sign in to continue.');
  return { userId: auth.user.id, companyId: auth.user.companyId, isCompanyAdmin: auth.user.isCompanyAdmin };
}

export function clientIp(c: Context<Env>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return c.req.header('x-test-client-ip') ?? 'local';
  }
}
