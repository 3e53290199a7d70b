/**
 * Issue 11, defect 5: malformed input is refused at the edge with a 4xx in the documented shape,
 * never a 500 — a NUL byte or a lone UTF-16 surrogate in any string, ids that are not UUIDs in
 * paths and query filters, integers past the int4 columns, strings past their columns and
 * indexes — and every error the server produces, wherever it is raised, has the JSON error body
 * (or an HTML page for the pages outside /api). The OpenAPI document declares the bounds.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import type { User } from '../../src/domain/directory.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { createTestApp, type ApiResponse, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertError, assertOk, billingProject, type BillingSetup } from '../support/billing.ts';
import { changedTables, snapshot } from '../support/db-fingerprint.ts';
import { systemAdminOf } from '../support/factories.ts';
import type { Doc, Schema } from '../support/fuzz.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
let admin: User;
let s: BillingSetup;
let commitmentId: string;
const MB = 'x'.repeat(1024 * 1024);

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  ({ admin } = await systemAdminOf(t.db));
  s = await billingProject(t, []);
  commitmentId = (await approvedCommitment(t, s)).id;
});
after(() => database.close());

/** The request is refused with `status` and `code`, names `field`, and wrote nothing. */
async function refused(send: () => Promise<ApiResponse>, status: number, code: string, field?: string): Promise<ApiResponse> {
  const before = await snapshot(t.db);
  const res = await send();
  assertError(res, status, code, field);
  assert.deepEqual(changedTables(before, await snapshot(t.db)), [], 'a refused request changes nothing');
  return res;
}

describe('a NUL byte or a lone surrogate in any string is a 400 naming the field', () => {
  test('at sign-in, without signing in: "a\\u0000b@x.example", "\\ud800", a NUL in the password', async () => {
    const res = await refused(() => t.request('POST', '/api/v1/session', { body: { email: 'a\u0000b@x.example', password: 'secret' } }), 400, 'validation_failed', 'email');
    assert.match(res.body.error.message, /NUL/);
    const surrogate = await refused(() => t.request('POST', '/api/v1/session', { body: { email: '\ud800', password: 'secret' } }), 400, 'validation_failed', 'email');
    assert.match(surrogate.body.error.message, /surrogate/);
    await refused(() => t.request('POST', '/api/v1/session', { body: { email: 'someone@x.example', password: 'pa\u0000ss' } }), 400, 'validation_failed', 'password');
    await refused(() => t.request('POST', '/api/v1/password-resets', { body: { email: 'a\u0000b@x.example' } }), 400, 'validation_failed', 'email');
  });

  test('in bodies at any depth: a change order line, a payment void reason, a token name, my name', async () => {
    const api = await t.as(admin.id);
    await refused(
      () => api.post(`${s.p}/commitments/${commitmentId}/change-orders`, { number: 'CO-9', title: 'Extra', lines: [{ description: 'Wall', amountCents: 1 }, { description: 'name\u0000', amountCents: 1 }] }),
      400,
      'validation_failed',
      'lines.1.description',
    );
    await refused(() => api.post('/api/v1/me/api-tokens', { name: 'a\udc00b' }), 400, 'validation_failed', 'name');
    await refused(() => api.patch('/api/v1/me', { name: 'Me\u0000' }), 400, 'validation_failed', 'name');
    await refused(() => api.post('/api/v1/companies', { name: 'Acme\ud800', kind: 'subcontractor' }), 400, 'validation_failed', 'name');
  });

  test('in query strings and path parameters', async () => {
    const api = await t.as(admin.id);
    await refused(() => api.get(`/api/v1/companies?search=a%00b`), 400, 'validation_failed', 'search');
    await refused(() => api.get(`${s.p}/commitments?search=%00`), 400, 'validation_failed', 'search');
    await refused(() => api.get('/api/v1/me/preferences/a%00b.columns'), 400, 'validation_failed', 'key');
  });

  test('a well-formed emoji (a surrogate pair) and accented text are stored as sent', async () => {
    const api = await t.as(admin.id);
    const res = await api.post('/api/v1/companies', { name: 'Façade 🏗️ 発注', kind: 'subcontractor' });
    assertOk(res, 201);
    assert.equal(res.body.name, 'Façade 🏗️ 発注');
  });
});

describe('ids are UUIDs: in a path a non-UUID names nothing (404), in a query or a body it is a 400 naming the field', () => {
  test('query filters: ?contractCompanyId=abc and the other id filters', async () => {
    const api = await t.as(admin.id);
    await refused(() => api.get(`${s.p}/commitments?contractCompanyId=abc`), 400, 'validation_failed', 'contractCompanyId');
    await refused(() => api.get(`${s.p}/commitments?contactUserId=1`), 400, 'validation_failed', 'contactUserId');
    await refused(() => api.get(`/api/v1/users?companyId=abc`), 400, 'validation_failed', 'companyId');
    await refused(() => api.get(`${s.p}/invoices?commitmentId=abc`), 400, 'validation_failed', 'commitmentId');
    await refused(() => api.get(`${s.p}/invoices?billingPeriodId=abc`), 400, 'validation_failed', 'billingPeriodId');
    await refused(() => api.get(`${s.p}/billing-board?billingPeriodId=abc`), 400, 'validation_failed', 'billingPeriodId');
    await refused(() => api.get(`${s.p}/payment-rollups?commitmentId=abc`), 400, 'validation_failed', 'commitmentId');
  });

  test('path parameters: every id in a path, and numbers no email has', async () => {
    const api = await t.as(admin.id);
    await refused(() => api.get('/api/v1/projects/abc'), 404, 'not_found');
    await refused(() => api.get(`${s.p}/commitments/abc/sov`), 404, 'not_found');
    await refused(() => api.get(`${s.p}/invoices/1`), 404, 'not_found');
    await refused(() => api.patch(`${s.p}/billing-periods/abc`, { version: 1 }), 404, 'not_found');
    await refused(() => api.delete(`${s.p}/commitments/${commitmentId}/invoice-contacts/abc`), 404, 'not_found');
    await refused(() => api.post(`${s.p}/emails/99999999999999999999/retry`), 404, 'not_found');
    await refused(() => api.post(`${s.p}/emails/-1/retry`), 404, 'not_found');
  });

  test('ids in bodies', async () => {
    const api = await t.as(admin.id);
    await refused(() => api.post(`${s.p}/invites`, { commitmentIds: ['abc'], invoiceType: 'work_and_materials' }), 400, 'validation_failed', 'commitmentIds.0');
    await refused(() => api.post(`${s.p}/invoices/bulk-transitions`, { invoiceIds: ['abc'], action: 'approve' }), 400, 'validation_failed', 'invoiceIds.0');
    await refused(() => api.put(`${s.p}/invoicing-settings/distribution`, { userIds: ['abc'] }), 400, 'validation_failed', 'userIds.0');
  });
});

describe('integers stay within their columns and strings within their columns and indexes', () => {
  test('"position": 2147483648 and a version past int4 are 400s; If-Match too', async () => {
    const api = await t.as(admin.id);
    await refused(() => api.post(`${s.p}/commitments/${commitmentId}/sov/lines`, { description: 'Tape', scheduledValueCents: 100, position: 2_147_483_648 }), 400, 'validation_failed', 'position');
    await refused(() => api.patch(`${s.p}/commitments/${commitmentId}`, { version: 2_147_483_648, title: 'x' }), 400, 'validation_failed', 'version');
    await refused(() => api.patch(`${s.p}/commitments/${commitmentId}`, { title: 'x' }, { 'if-match': '"99999999999999999999"' }), 400, 'validation_failed', 'If-Match');
    await refused(() => api.get(`${s.p}/audit?before=99999999999999999999`), 400, 'validation_failed', 'before');
  });

  test('a 1 MB email address at sign-in and when adding a person', async () => {
    const api = await t.as(admin.id);
    await refused(() => t.request('POST', '/api/v1/session', { body: { email: `${MB}@x.example`, password: 'secret' } }), 400, 'validation_failed', 'email');
    await refused(() => api.post('/api/v1/users', { companyId: s.sub.id, name: 'Big', email: `${MB}@x.example` }), 400, 'validation_failed', 'email');
    await refused(() => t.request('POST', '/api/v1/session', { body: { email: 'someone@x.example', password: MB } }), 400, 'validation_failed', 'password');
  });

  test('the OpenAPI document bounds every string and integer a request can carry', async () => {
    const doc = (await t.request('GET', '/api/v1/openapi.json')).body as Doc;
    const unbounded: string[] = [];
    let checked = 0;
    const resolve = (schema: Schema): Schema => (schema.$ref ? resolve(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] ?? {}) : schema);
    const walk = (schema: Schema, where: string, depth = 0): void => {
      if (depth > 10) return;
      const s = resolve(schema);
      for (const v of [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])]) walk(v, where, depth + 1);
      const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
      if (types.includes('string') && !s.enum && !('const' in s)) {
        checked += 1;
        if (s.format !== 'binary' && s.maxLength === undefined && s.format !== 'uuid') unbounded.push(`${where} (string)`);
      }
      if ((types.includes('integer') || types.includes('number')) && !s.enum && !('const' in s)) {
        checked += 1;
        if (s.maximum === undefined || s.minimum === undefined || s.maximum > Number.MAX_SAFE_INTEGER || s.minimum < -Number.MAX_SAFE_INTEGER) unbounded.push(`${where} (number)`);
      }
      for (const [key, p] of Object.entries(s.properties ?? {})) walk(p, `${where}.${key}`, depth + 1);
      if (s.items) walk(s.items, `${where}.0`, depth + 1);
    };
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const p of op.parameters ?? []) if (p.schema) walk(p.schema, `${method} ${path} ${p.in} ${p.name}`);
        for (const [type, content] of Object.entries(op.requestBody?.content ?? {})) walk(content.schema, `${method} ${path} (${type})`);
      }
    }
    assert.deepEqual(unbounded, [], 'request strings without maxLength (or a uuid format) and numbers without bounds');
    assert.ok(checked > 200, `checked ${checked}`);
  });
});

describe('every error has the documented body, wherever it is raised', () => {
  test('an unknown API path, a method a path does not have, malformed JSON, a wrong content type', async () => {
    const api = await t.as(admin.id);
    assertError(await api.get('/api/v1/nothing-here'), 404, 'not_found');
    assertError(await api.delete('/api/v1/companies'), 404, 'not_found');
    assertError(await t.request('POST', '/api/v1/session', { body: '{"email":', headers: { 'content-type': 'application/json' } }), 400, 'validation_failed');
    assertError(await t.request('POST', '/api/v1/session', { body: 'email=a', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
  });

  test('pages outside /api answer errors with an HTML page, never plain text', async () => {
    const withSmtp = createTestApp(database.db, t.clock, { env: { SMTP_URL: 'smtp://127.0.0.1:2525' } });
    for (const [method, path] of [
      ['GET', '/dev/mailbox'],
      ['POST', '/some/page'],
      ['PUT', '/'],
    ] as const) {
      const res = await withSmtp.request(method, path);
      assert.ok(res.status === 404 || res.status === 405, `${method} ${path}: ${res.status}`);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/, `${method} ${path}`);
      assert.match(String(res.body), /<!doctype html>/i);
    }
  });

  test('the one-click answer pages with a malformed token or form answer an HTML page, never a 500', async () => {
    const token = `${'0b7f2a4e-3c1d-4e8f-9a6b-5c4d3e2f1a0b'}.${'x'.repeat(43)}`;
    for (const [method, path, body] of [
      ['GET', '/respond/%00', undefined],
      ['GET', `/respond/${encodeURIComponent('\u0000')}.${'a'.repeat(10_000)}`, undefined],
      ['GET', `/respond/${token}`, undefined],
      ['POST', '/respond/%ED%A0%80', 'answer=accepted'],
      ['POST', `/respond/${token}`, 'answer=%00'],
      ['POST', `/respond/${token}`, `answer=${'x'.repeat(100_000)}`],
      ['GET', '/dev/mailbox/99999999999999999999999', undefined],
      ['GET', '/dev/mailbox/%00/text', undefined],
    ] as const) {
      const res = await t.request(method, path, { ...(body !== undefined && { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }) });
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${path.slice(0, 60)}: ${res.status}`);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/, `${method} ${path.slice(0, 60)}`);
    }
  });

  describe('through a real server (the node adapter)', () => {
    let server: RunningServer;
    before(async () => {
      server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', BASE_URL: 'http://payapp.test', WEB_ROOT: '/nonexistent-web-root' }), database);
    });
    after(() => server.stop());

    const raw = (text: string) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const url = new URL(server.url);
        const socket = connect(Number(url.port), url.hostname, () => socket.end(text));
        let data = '';
        socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
        socket.on('end', () => {
          const [head = '', body = ''] = data.split('\r\n\r\n');
          resolve({ status: Number(head.split(' ')[1]), type: /content-type: ([^\r\n]*)/i.exec(head)?.[1] ?? '', body });
        });
        socket.on('error', reject);
      });

    test('a request the HTTP parser cannot read, and a Host the adapter refuses, answer JSON', async () => {
      for (const text of ['GARBAGE\r\n\r\n', 'GET /api/v1/session HTTP/1.1\r\nHost: a b\r\n\r\n', 'GET /api/v1/session HTTP/1.1\r\nHost: x\r\nX: \u0001\r\n\r\n']) {
        const res = await raw(text);
        assert.equal(res.status, 400, JSON.stringify(res));
        assert.match(res.type, /application\/json/, JSON.stringify(res));
        assert.equal(JSON.parse(res.body).error.code, 'validation_failed');
      }
    });

    test('an error inside the app (a database that fails) is a JSON 500 with the generic message, over the wire', async () => {
      const broken = new Proxy({}, { get: () => { throw new Error('the database is gone'); } });
      const failing = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', BASE_URL: 'http://payapp.test', WEB_ROOT: '/nonexistent-web-root' }), { ...database, db: broken as TestDatabase['db'] });
      try {
        const res = await fetch(`${failing.url}/api/v1/session`, { headers: { authorization: 'Bearer x' } });
        assert.equal(res.status, 500);
        assert.match(res.headers.get('content-type') ?? '', /application\/json/);
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, 'internal_error');
        assert.doesNotMatch(body.error.message, /database is gone/, 'never the internal message');
      } finally {
        await failing.stop();
      }
    });
  });
});
