/** Composition root: database, HTTP app and (from the email issue on) the worker. */
import { createServer } from 'node:http';
import { getRequestListener, type ServerType } from '@hono/node-server';
import type { AppConfig } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { adapterErrorResponse, answerUnreadableRequest } from './http/adapter-errors.ts';
import { createApp } from './http/app.ts';

export type RunningServer = { url: string; server: ServerType; stop: () => Promise<void> };

export async function startServer(config: AppConfig, database: DatabaseHandle): Promise<RunningServer> {
  const app = createApp({ db: database.db, clock: () => new Date(), config }, config.webRoot ? { webRoot: config.webRoot } : {});
  // The adapter's listener, not `serve`: only it takes an errorHandler (errors raised before the app).
  const server: ServerType = createServer(getRequestListener(app.fetch, { hostname: config.host, errorHandler: adapterErrorResponse }));
  server.on('clientError', answerUnreadableRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
