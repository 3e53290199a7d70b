/** Composition root: database, HTTP app and (from the email issue on) the worker. */
import { serve, type ServerType } from '@hono/node-server';
import type { AppConfig } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { createApp } from './http/app.ts';

export type RunningServer = { url: string; server: ServerType; stop: () => Promise<void> };

export async function startServer(config: AppConfig, database: DatabaseHandle): Promise<RunningServer> {
  const app = createApp({ db: database.db, clock: () => new Date(), config }, config.webRoot ? { webRoot: config.webRoot } : {});
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
