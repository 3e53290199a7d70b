/**
 * Serves the built web UI (dist-web, made by `npm run build:web`): hashed assets with long caching,
 * and index.html for every other page path so the UI's router takes over. Without a build, `/`
 * explains how to make one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { Env } from './context.ts';
import { homePage } from './home-page.ts';

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist-web', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export function mountWebUi(app: Hono<Env>, webRoot: string = DEFAULT_WEB_ROOT): void {
  const indexFile = join(webRoot, 'index.html');
  app.get('/assets/:file', (c) => {
    const file = c.req.param('file');
    if (!/^[\w.-]+$/.test(file)) return c.notFound();
    const path = join(webRoot, 'assets', file);
    if (!existsSync(path)) return c.notFound();
    return c.body(readFileSync(path), 200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'public, max-age=31536000, immutable',
    });
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('*', (c) => {
    if (!existsSync(indexFile)) return c.html(homePage());
    return c.html(readFileSync(indexFile, 'utf8'), 200, { 'cache-control': 'no-cache' });
  });
}
