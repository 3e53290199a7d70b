/** Composition root: database, HTTP app and (from the email issue on) the worker. */
import { createServer } from 'node:http';
import { getRequestListener, type ServerType } from '@hono/node-server';
import type { AppConfig } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { adapterErrorResponse, answerUnreadableRequest } from './http/adapter-errors.ts';
import { createApp } from './http/app.ts';

export type DrainOptions = {
  /** How long to keep accepting connections (answering /readyz 503) before closing the listener. */
  delayMs: number;
  /** How long requests in flight may take to finish once the listener is closed. */
  graceMs: number;
};

/** What a drain did: requests still running when the grace ran out had their connections closed. */
export type DrainReport = { interrupted: number; tookMs: number };

export type RunningServer = {
  url: string;
  server: ServerType;
  /** Whether `stop` has begun (readiness answers 503). */
  draining: () => boolean;
  /** Graceful stop (docs/decisions/024): readiness 503, stop accepting, let requests in flight finish. */
  stop: (options?: Partial<DrainOptions>) => Promise<DrainReport>;
};

export async function startServer(config: AppConfig, database: DatabaseHandle): Promise<RunningServer> {
  let draining = false;
  const lifecycle = { draining: () => draining };
  const app = createApp({ db: database.db, clock: () => new Date(), config }, { ...(config.webRoot ? { webRoot: config.webRoot } : {}), lifecycle });
  // The adapter's listener, not `serve`: only it takes an errorHandler (errors raised before the app).
  const listener = getRequestListener(app.fetch, { hostname: config.host, errorHandler: adapterErrorResponse });
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  const server: ServerType = createServer((req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) onIdle?.();
    });
    // While draining, every answer closes its connection, so clients reconnect to another process.
    if (draining) res.setHeader('Connection', 'close');
    return listener(req, res);
  });
  server.on('clientError', answerUnreadableRequest);
  // Idle keep-alive connections outlive a load balancer's (60 s is the common default): the proxy,
  // not this process, closes them, so it never reuses a connection this process is closing
  // (ECONNRESET). Node's 5 s default raced with clients reusing connections under load.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  let stopping: Promise<DrainReport> | undefined;
  const stop = (options: Partial<DrainOptions> = {}): Promise<DrainReport> => {
    stopping ??= (async () => {
      const started = performance.now();
      draining = true;
      if ((options.delayMs ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let interrupted = 0;
      if (inFlight > 0) {
        const idle = new Promise<void>((resolve) => (onIdle = resolve));
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.graceMs ?? 20_000)));
        if ((await Promise.race([idle, timedOut])) === 'timeout') interrupted = inFlight;
        clearTimeout(timer);
      }
      // Keep-alive connections left idle by the requests that just finished, and whatever outlived the grace.
      server.closeAllConnections();
      await closed;
      return { interrupted, tookMs: Math.round(performance.now() - started) };
    })();
    return stopping;
  };

  return {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
    server,
    draining: lifecycle.draining,
    stop,
  };
}
