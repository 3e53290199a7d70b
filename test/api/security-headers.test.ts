/**
 * Issue 11, security headers: every kind of response — API JSON, errors, the UI's index.html and
 * its assets, the one-click answer page, the mailbox, the API reference, a download — carries the
 * Content-Security-Policy (scripts from payapp's own files only, never framed), nosniff, a
 * Referrer-Policy and X-Frame-Options; a route's own value wins. Downloads are served as their
 * stored type only when attachments may be of that type, always as an attachment.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { securityHeaders } from '../../src/http/security-headers.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, billingProject, download, upload, type BillingSetup, type Seen } from '../support/billing.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
let s: BillingSetup;
let invoicePath: string;
const seen: Seen = [];
const webRoot = mkdtempSync(join(tmpdir(), 'payapp-web-'));

before(async () => {
  // A stand-in for the built UI, as Vite emits it: no inline script.
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/index-abc.js"></script></head><body><div id="root"></div></body></html>');
  writeFileSync(join(webRoot, 'assets', 'index-abc.js'), 'console.log("payapp");');
  database = await openTestDatabase();
  t = createTestApp(database.db, undefined, { webRoot });
  s = await billingProject(t, seen);
  assert.equal((await s.admin.post(`${s.p}/billing-periods`, {})).status, 201);
  const c = await approvedCommitment(t, s);
  const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices`, {});
  assert.equal(created.status, 201, JSON.stringify(created.body));
  invoicePath = `${s.p}/invoices/${created.body.invoice.id}`;
});
after(async () => {
  await database.close();
  rmSync(webRoot, { recursive: true, force: true });
});

function assertSecurityHeaders(headers: Headers, what: string, referrerPolicy = 'same-origin'): void {
  const csp = headers.get('content-security-policy') ?? '';
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  assert.deepEqual(directives.get('script-src'), ["'self'"], `${what}: scripts from payapp's own files only (${csp})`);
  assert.deepEqual(directives.get('default-src'), ["'self'"], `${what}: ${csp}`);
  assert.deepEqual(directives.get('object-src'), ["'none'"], `${what}: ${csp}`);
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], `${what}: never framed (${csp})`);
  assert.ok(!csp.includes('unsafe-eval'), what);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(headers.get('referrer-policy'), referrerPolicy, what);
  assert.equal(headers.get('x-frame-options'), 'DENY', what);
}

async function raw(path: string, init: RequestInit = {}): Promise<Response> {
  return t.app.request(path, init);
}

describe('every kind of response carries the security headers', () => {
  test('API JSON, the OpenAPI document, and errors (401, 404, 400, 415)', async () => {
    const ok = await s.admin.get(`${s.p}/commitments`);
    assert.equal(ok.status, 200);
    assertSecurityHeaders(ok.headers, 'API JSON');
    const doc = await raw('/api/v1/openapi.json');
    assert.equal(doc.status, 200);
    assertSecurityHeaders(doc.headers, 'openapi.json');
    const anonymous = await raw(`${s.p}/commitments`);
    assert.equal(anonymous.status, 401);
    assertSecurityHeaders(anonymous.headers, '401');
    const missing = await s.admin.get('/api/v1/no-such-thing');
    assert.equal(missing.status, 404);
    assertSecurityHeaders(missing.headers, '404');
    const invalid = await s.admin.post(`${s.p}/commitments`, { kind: 'nonsense' });
    assert.equal(invalid.status, 400);
    assertSecurityHeaders(invalid.headers, '400');
    const notMultipart = await s.contactApi.post(`${invoicePath}/attachments`, { file: 'x' });
    assert.equal(notMultipart.status, 415);
    assertSecurityHeaders(notMultipart.headers, '415');
  });

  test("the UI's index.html (any page path) and a static asset", async () => {
    for (const path of ['/', '/projects/123/invoices/456']) {
      const page = await raw(path);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="root">/);
      assertSecurityHeaders(page.headers, `UI ${path}`);
    }
    const asset = await raw('/assets/index-abc.js');
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assertSecurityHeaders(asset.headers, 'asset');
    const missingAsset = await raw('/assets/nope.js');
    assert.equal(missingAsset.status, 404);
    assertSecurityHeaders(missingAsset.headers, 'missing asset');
  });

  test('the one-click answer page gets the full policy (not only frame-ancestors) beside its own Referrer-Policy', async () => {
    const page = await raw('/respond/not-a-real-token');
    assert.equal(page.status, 400);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assertSecurityHeaders(page.headers, 'answer page', 'same-origin');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const posted = await raw('/respond/not-a-real-token', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' }, body: new URLSearchParams({ answer: 'accepted' }) });
    assert.equal(posted.status, 403);
    assertSecurityHeaders(posted.headers, 'answer page, refused post', 'same-origin');
  });

  test('the mailbox, the API reference and the server-rendered pages have no inline script', async () => {
    for (const path of ['/dev/mailbox', '/api/docs']) {
      const page = await raw(path);
      assert.equal(page.status, 200, path);
      assertSecurityHeaders(page.headers, path);
      const html = await page.text();
      assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/i, `${path}: no inline <script>`);
      assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${path}: no inline event handler`);
    }
  });

  test('a download: nosniff, attachment, and the stored type only when attachments may have it', async () => {
    const pdf = await upload(t, s.contactApi.token, `${invoicePath}/attachments`, { name: 'backup.pdf', type: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4') }, seen);
    assert.equal(pdf.status, 201, JSON.stringify(pdf.body));
    const file = await download(t, s.contactApi.token, `${invoicePath}/attachments/${pdf.body.id}`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.match(file.headers.get('content-disposition') ?? '', /^attachment;/);
    assertSecurityHeaders(file.headers, 'download');

    // Files stored before the allow-list, or by other means, as types a browser would run.
    const invoiceId = invoicePath.split('/').pop() ?? '';
    for (const [filename, type] of [
      ['page.html', 'text/html'],
      ['logo.svg', 'image/svg+xml'],
      ['script.js', 'text/javascript'],
      ['odd.bin', 'constructor'],
    ] as const) {
      const row = await t.db
        .insertInto('invoiceAttachments')
        .values({ tenantId: s.project.tenantId, invoiceId, filename, contentType: type, sizeBytes: 24, content: Buffer.from('<script>alert(1)</script>'), uploadedBy: s.contact.id, createdAt: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      const served = await download(t, s.contactApi.token, `${invoicePath}/attachments/${row.id}`);
      assert.equal(served.status, 200, type);
      assert.equal(served.headers.get('content-type'), 'application/octet-stream', `${type} is served as bytes`);
      assert.match(served.headers.get('content-disposition') ?? '', /^attachment;/, type);
      assertSecurityHeaders(served.headers, `download of ${type}`);
    }
  });

  test('an upload claiming a type that is no file type is refused', async () => {
    const res = await upload(t, s.contactApi.token, `${invoicePath}/attachments`, { name: 'x.txt', type: 'constructor', bytes: new TextEncoder().encode('x') }, seen);
    assert.equal(res.status, 415, JSON.stringify(res.body));
    assertSecurityHeaders(res.headers, 'refused upload');
  });
});

test("a route's own value of a header wins; the others are filled in", async () => {
  const app = new Hono();
  app.use('*', securityHeaders);
  app.get('/own', (c) => c.text('x', 200, { 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'SAMEORIGIN' }));
  app.get('/passed-through', () => Response.redirect('http://127.0.0.1/elsewhere', 302));
  const own = await app.request('/own');
  assert.equal(own.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(own.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.equal(own.headers.get('x-content-type-options'), 'nosniff');
  assert.match(own.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  // Response.redirect's headers are immutable: the response is copied, not failed.
  const redirect = await app.request('/passed-through');
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.get('location'), 'http://127.0.0.1/elsewhere');
  assertSecurityHeaders(redirect.headers, 'immutable response');
});
