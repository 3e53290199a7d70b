/**
 * Issue 11, security headers, in a browser: the Content-Security-Policy payapp sends stops an
 * inline script, and the browser tests notice any refusal (openBrowser's session fails on close),
 * so every browser test also proves the UI works under the policy. The real UI's pages load
 * without a single refusal, and the accessibility scan still runs under it.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { securityHeaders } from '../../src/http/security-headers.ts';
import { browserUnavailable, openBrowser, seriousA11yViolations, startBrowserServer, type BrowserServer } from './support/browser.ts';

const skip = browserUnavailable();

async function serveHtml(html: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const app = new Hono();
  app.use('*', securityHeaders);
  app.get('/', (c) => c.html(html));
  const server = await new Promise<ServerType>((resolve) => {
    const s: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the Content-Security-Policy in Chromium', { skip: skip ?? false }, () => {
  let server: BrowserServer;
  before(async () => {
    server = await startBrowserServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('an inline script and an inline handler are refused, and the session reports it', async () => {
    const page = await serveHtml('<!doctype html><title>before</title><script>document.title = "ran"</script><img src="data:," onerror="document.title = \'handler ran\'">');
    const session = await openBrowser();
    try {
      await session.page.goto(page.url);
      await session.page.waitForLoadState('load');
      assert.equal(await session.page.title(), 'before', 'neither the script nor the handler ran');
      assert.ok(session.cspViolations.length >= 2, session.cspViolations.join('\n'));
      assert.match(session.cspViolations.join('\n'), /script-src 'self'/);
    } finally {
      await assert.rejects(session.close(), /Content-Security-Policy refused/);
      await page.stop();
    }
  });

  test("payapp's own pages load without a refusal, and axe still scans them", async () => {
    const session = await openBrowser();
    try {
      for (const path of ['/sign-in', '/api/docs', '/dev/mailbox', '/respond/not-a-token']) {
        const response = await session.page.goto(`${server.url}${path}`);
        assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/, path);
        await session.page.waitForLoadState('load');
      }
      await session.page.goto(`${server.url}/sign-in`);
      await session.page.getByLabel('Email').waitFor();
      assert.ok(Array.isArray(await seriousA11yViolations(session.page)), 'axe ran');
      assert.deepEqual(session.cspViolations, []);
    } finally {
      await session.close();
    }
  });
});
