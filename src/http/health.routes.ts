/**
 * Liveness and readiness for load balancers and orchestrators, outside /api and outside the OpenAPI
 * document (they are about this process, not the product), without authentication, and saying
 * nothing secret (no connection string, host or error text):
 *   GET /healthz  200 while the process runs and its event loop answers.
 *   GET /readyz   200 when this process should get traffic: not draining (SIGTERM received), the
 *                 database answers within 2 s and every migration this build knows is applied;
 *                 503 otherwise, the body saying which. docs/deployment.md.
 */
import { Hono } from 'hono';
import { checkDatabaseReadiness } from '../db/health.queries.ts';
import type { Env } from './context.ts';

export const READINESS_TIMEOUT_MS = 2_000;

export type Lifecycle = { draining: () => boolean };

export function healthRoutes(lifecycle: Lifecycle): Hono<Env> {
  const routes = new Hono<Env>();
  routes.get('/healthz', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' });
  });
  routes.get('/readyz', async (c) => {
    c.header('Cache-Control', 'no-store');
    if (lifecycle.draining()) return c.json({ status: 'draining' }, 503);
    const database = await checkDatabaseReadiness(c.get('deps').db, READINESS_TIMEOUT_MS);
    if (!database.reachable) return c.json({ status: 'unavailable', database: 'unreachable' }, 503);
    if (database.pendingMigrations > 0) {
      return c.json({ status: 'unavailable', database: 'ok', migrations: 'pending', pendingMigrations: database.pendingMigrations }, 503);
    }
    return c.json({ status: 'ready', database: 'ok', migrations: 'current' });
  });
  return routes;
}
