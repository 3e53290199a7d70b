/**
 * The error model through the API (one body shape, consistent statuses, no internals leaked), the
 * API documents and home page, optimistic-concurrency answers, and the company directory endpoints.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import type { Db } from '../../src/db/database.ts';
import type { Company, User } from '../../src/domain/directory.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { createApp } from '../../src/http/app.ts';
import { createUser } from '../../src/services/directory/save-user.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, unique, viewerOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

const SOME_UUID = '0b7f2a4e-3c1d-4e8f-9a6b-5c4d3e2f1a0b';

let database: TestDatabase;
let t: TestApp;
let admin: User;
/** Every response body this file sees, checked at the end for leaked internals. */
const seenBodies: { what: string; text: string }[] = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  // Record every response that goes through the app (t.request, t.as(...) and t.browser() alike).
  const original = t.app.request.bind(t.app);
  t.app.request = (async (...args: Parameters<typeof original>) => {
    const res = await original(...args);
    seenBodies.push({ what: `${args[1]?.method ?? 'GET'} ${String(args[0])} → ${res.status}`, text: await res.clone().text() });
    return res;
  }) as typeof t.app.request;
  ({ admin } = await systemAdminOf(t.db));
});
after(() => database.close());

type ErrorBody = { error: { code: string; message: string; field?: string; details?: unknown } };

/** The one error shape: code and message always; field and details only when they say something. */
function assertErrorShape(body: unknown, code: string): asserts body is ErrorBody {
  assert.ok(body && typeof body === 'object', `expected a JSON error body, got ${JSON.stringify(body)}`);
  const keys = Object.keys(body);
  assert.deepEqual(keys, ['error'], `only "error" at the top level: ${JSON.stringify(body)}`);
  const error = (body as ErrorBody).error;
  assert.equal(error.code, code, JSON.stringify(body));
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  for (const key of Object.keys(error)) assert.ok(['code', 'message', 'field', 'details'].includes(key), `unexpected key ${key}`);
}

const STACK_OR_PATH = [
  /\n\s+at /, // a stack frame on its own line
  /\bat [\w$.<>]+ \(/, // "at fn (" frame
  /\bat (?:file:|\/|node:)/, // "at /path" or "at node:internal"
  /\.(?:ts|js|mjs):\d+/, // file.ts:12
  /node_modules/,
  /\/work\/|\/home\/|\/tmp\/|[A-Z]:\\\\/, // absolute file paths
  /file:\/\//,
];

function assertNoInternals(text: string, what: string): void {
  for (const pattern of STACK_OR_PATH) assert.doesNotMatch(text, pattern, `${what} leaks internals: ${text.slice(0, 300)}`);
}

describe('one error shape everywhere', () => {
  test('every authenticated endpoint answers 401 unauthenticated without credentials', async () => {
    const doc = (await t.request('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const publicGets = new Set(['/api/v1/links/{token}']);
    let checked = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      const url = path.replace(/\{[^}]+\}/g, SOME_UUID);
      for (const method of Object.keys(operations)) {
        const bodyless = method === 'get' || method === 'delete';
        if (!bodyless || publicGets.has(path) || (method === 'delete' && path === '/api/v1/session')) continue;
        const res = await t.request(method.toUpperCase(), url);
        assert.equal(res.status, 401, `${method.toUpperCase()} ${path}: ${JSON.stringify(res.body)}`);
        assertErrorShape(res.body, 'unauthenticated');
        checked += 1;
      }
    }
    assert.ok(checked >= 20, `checked only ${checked} endpoints`);
  });

  test('an unauthenticated write with a valid body is 401 and creates nothing', async () => {
    const name = unique('Sneaky Co');
    const res = await t.request('POST', '/api/v1/companies', { body: { name, kind: 'subcontractor' } });
    assert.equal(res.status, 401);
    assertErrorShape(res.body, 'unauthenticated');
    const api = await t.as(admin.id);
    const found = await api.get(`/api/v1/companies?search=${encodeURIComponent(name)}`);
    assert.equal(found.body.total, 0);
  });

  test('unknown API paths and methods answer 404 in JSON; signed out, /api/v1 asks for sign-in first', async () => {
    const api = await t.as(admin.id);
    for (const res of [await t.request('GET', '/api/v1/no-such-thing'), await t.request('POST', '/api/v1/no-such-thing', { body: {} })]) {
      assert.equal(res.status, 401);
      assertErrorShape(res.body, 'unauthenticated');
    }
    for (const res of [
      await t.request('GET', '/api/v2/companies'),
      await api.get('/api/v1/projects/x/y/z'),
      await api.delete('/api/v1/companies'),
    ]) {
      assert.equal(res.status, 404);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assertErrorShape(res.body, 'not_found');
    }
  });

  test('a missing and an invisible resource answer the same 404 body', async () => {
    const sub = await makeCompany(t.db);
    const employee = await makeUser(t.db, sub);
    const api = await t.as(employee.id);
    const other = await makeCompany(t.db);
    const invisible = await api.get(`/api/v1/companies/${other.id}`);
    const missing = await api.get(`/api/v1/companies/${SOME_UUID}`);
    const notAnId = await api.get('/api/v1/companies/not-a-uuid');
    assert.equal(invisible.status, 404);
    assert.deepEqual(invisible.body, missing.body);
    assert.deepEqual(notAnId.body, missing.body);
  });

  test('validation errors are 400 validation_failed with field and details[].path for every offending field', async () => {
    const api = await t.as(admin.id);
    const res = await api.post('/api/v1/companies', { name: '   ', kind: 'landlord' });
    assert.equal(res.status, 400);
    assertErrorShape(res.body, 'validation_failed');
    assert.equal(res.body.error.field, 'name');
    const details = res.body.error.details as { path: string; message: string }[];
    assert.deepEqual(details.map((d) => d.path), ['name', 'kind']);
    assert.equal(details[0]?.message, 'Enter a name.');
    assert.match(res.body.error.message, /name/);

    const email = await api.post('/api/v1/users', { companyId: admin.companyId, name: 'No Email', email: 'not-an-email' });
    assert.equal(email.status, 400);
    assert.equal(email.body.error.field, 'email');
    assert.match(email.body.error.message, /Enter an email address/);
  });

  test('nested validation errors carry dotted paths into arrays', async () => {
    const project = await makeProject(t.db);
    const commitment = await makeCommitment(t.db, project);
    const api = await t.as(admin.id);
    const res = await api.put(`/api/v1/projects/${project.id}/commitments/${commitment.id}/sov`, {
      version: commitment.version,
      lines: [
        { description: 'Framing', scheduledValueCents: 100000 },
        { description: 'Drywall', scheduledValueCents: 12.5 },
        { description: ' ', scheduledValueCents: -1 },
      ],
    });
    assert.equal(res.status, 400);
    assertErrorShape(res.body, 'validation_failed');
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path).sort();
    assert.deepEqual(paths, ['lines.1.scheduledValueCents', 'lines.2.description', 'lines.2.scheduledValueCents']);
    assert.equal(res.body.error.field, 'lines.1.scheduledValueCents');
    const sov = await api.get(`/api/v1/projects/${project.id}/commitments/${commitment.id}/sov`);
    assert.deepEqual(sov.body.lines, [], 'a refused save writes no line at all');
  });

  test('query-string validation uses the same shape', async () => {
    const api = await t.as(admin.id);
    const res = await api.get('/api/v1/companies?perPage=0');
    assert.equal(res.status, 400);
    assertErrorShape(res.body, 'validation_failed');
    assert.equal(res.body.error.field, 'perPage');
  });

  test('malformed JSON is a 400; a non-JSON content type is a 415; both in the error shape', async () => {
    const api = await t.as(admin.id);
    const name = unique('Malformed Co');
    const auth = { authorization: `Bearer ${api.token}` };
    const malformed = await t.request('POST', '/api/v1/companies', {
      body: `{"name": "${name}", "kind": "subcontractor"`,
      headers: { ...auth, 'content-type': 'application/json' },
    });
    assert.equal(malformed.status, 400);
    assertErrorShape(malformed.body, 'validation_failed');
    assert.match(malformed.body.error.message, /not valid JSON/);

    const plain = await t.request('POST', '/api/v1/companies', {
      body: JSON.stringify({ name, kind: 'subcontractor' }),
      headers: { ...auth, 'content-type': 'text/plain' },
    });
    assert.equal(plain.status, 415);
    assertErrorShape(plain.body, 'unsupported_media_type');

    const form = await t.request('POST', '/api/v1/companies', {
      body: `name=${name}&kind=subcontractor`,
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 415, 'an HTML form post is not accepted as JSON');

    const found = await api.get(`/api/v1/companies?search=${encodeURIComponent(name)}`);
    assert.equal(found.body.total, 0, 'none of them created anything');
  });

  test('an unexpected failure is a 500 with a generic message, logged on the server, with no internals', async (ctx) => {
    const logged = ctx.mock.method(console, 'error', () => {});
    const broken = new Proxy({} as Db, {
      get() {
        throw new Error('connection to /var/lib/postgresql failed at Socket.connect (/work/main/node_modules/pg/lib/client.js:12:3)');
      },
    });
    const app = createApp({ db: broken, clock: () => new Date(), config: loadConfig({ PORT: '3000', HOST: '127.0.0.1', BASE_URL: 'http://payapp.test' }) });
    const res = await app.request('/api/v1/companies', { headers: { authorization: 'Bearer payapp_abcdefgh_secret' } });
    const text = await res.text();
    assert.equal(res.status, 500);
    const body = JSON.parse(text) as ErrorBody;
    assertErrorShape(body, 'internal_error');
    assert.doesNotMatch(text, /postgresql|Socket|client\.js/);
    assertNoInternals(text, 'the 500 body');
    assert.equal(logged.mock.callCount(), 1, 'the real error is logged server-side');
  });
});

describe('optimistic concurrency answers', () => {
  test('PATCH without a version is 428; a stale body version is 409; a stale If-Match is 412; nothing changes', async () => {
    const project = await makeProject(t.db);
    const commitment = await makeCommitment(t.db, project, { title: 'Original title' });
    const api = await t.as(admin.id);
    const url = `/api/v1/projects/${project.id}/commitments/${commitment.id}`;
    const read = await api.get(url);
    assert.equal(read.headers.get('etag'), `"${commitment.version}"`);

    const none = await api.patch(url, { title: 'No version' });
    assert.equal(none.status, 428);
    assertErrorShape(none.body, 'precondition_required');

    const ok = await api.patch(url, { title: 'First edit' }, { 'if-match': read.headers.get('etag')! });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.commitment.version, commitment.version + 1);

    const staleBody = await api.patch(url, { title: 'Stale body', version: commitment.version });
    assert.equal(staleBody.status, 409);
    assertErrorShape(staleBody.body, 'version_conflict');

    const staleHeader = await api.patch(url, { title: 'Stale header' }, { 'if-match': `"${commitment.version}"` });
    assert.equal(staleHeader.status, 412);
    assertErrorShape(staleHeader.body, 'precondition_failed');
    assert.equal(staleHeader.body.error.field, 'If-Match');

    const garbage = await api.patch(url, { title: 'Garbage header' }, { 'if-match': 'yesterday' });
    assert.equal(garbage.status, 400);
    assert.equal(garbage.body.error.field, 'If-Match');

    const now = await api.get(url);
    assert.equal(now.body.commitment.title, 'First edit');
    assert.equal(now.body.commitment.version, commitment.version + 1);
    assert.equal(now.headers.get('etag'), `"${commitment.version + 1}"`);
  });
});

describe('API documents and home page', () => {
  test('the OpenAPI document is OpenAPI 3 and describes every resource', async () => {
    const res = await t.request('GET', '/api/v1/openapi.json');
    assert.equal(res.status, 200);
    const doc = res.body as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    assert.match(doc.openapi, /^3\./);
    const expectedPaths: [string, string][] = [
      ['/api/v1/session', 'post'],
      ['/api/v1/session', 'delete'],
      ['/api/v1/me/api-tokens', 'post'],
      ['/api/v1/links/{token}/password', 'post'],
      ['/api/v1/password-resets', 'post'],
      ['/api/v1/companies', 'post'],
      ['/api/v1/companies/{companyId}', 'patch'],
      ['/api/v1/users', 'get'],
      ['/api/v1/users/{userId}', 'patch'],
      ['/api/v1/projects', 'post'],
      ['/api/v1/projects/{projectId}/directory/users/{userId}', 'put'],
      ['/api/v1/projects/{projectId}/commitments', 'get'],
      ['/api/v1/projects/{projectId}/commitments/{commitmentId}', 'patch'],
      ['/api/v1/projects/{projectId}/commitments/{commitmentId}/invoice-contacts', 'post'],
      ['/api/v1/projects/{projectId}/commitments/{commitmentId}/private-list', 'post'],
      ['/api/v1/projects/{projectId}/commitments/{commitmentId}/sov', 'put'],
      ['/api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders', 'post'],
      ['/api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}', 'patch'],
    ];
    for (const [path, method] of expectedPaths) assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} is documented`);
    for (const schema of ['Commitment', 'Error', 'Company', 'User', 'Project', 'SovLine', 'ChangeOrder', 'Session']) {
      assert.ok(doc.components.schemas[schema], `components.schemas.${schema}`);
    }
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'session']);

    // Every documented failure uses the one Error schema.
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          assert.equal(response.content?.['application/json']?.schema?.$ref, '#/components/schemas/Error', `${method} ${path} ${status}`);
        }
      }
    }
  });

  test('/api/docs is an HTML reference listing the endpoints', async () => {
    const res = await t.request('GET', '/api/docs');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const html = res.body as string;
    assert.match(html, /^<!doctype html>/i);
    for (const path of [
      '/api/v1/session',
      '/api/v1/companies',
      '/api/v1/users',
      '/api/v1/projects',
      '/api/v1/projects/{projectId}/commitments',
      '/api/v1/projects/{projectId}/commitments/{commitmentId}/sov',
      '/api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders',
    ]) {
      assert.ok(html.includes(`<code>${path}</code>`), `${path} listed`);
    }
    assert.match(html, /id="schema-Commitment"/);
    assert.match(html, /href="\/api\/v1\/openapi\.json"/);
  });

  test('GET / is an HTML page that links to the API reference', async () => {
    const res = await t.request('GET', '/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.body as string, /href="\/api\/docs"/);
    assert.match(res.body as string, /payapp/);
  });
});

describe('company directory endpoints', () => {
  let sub: Company;
  let subEmployee: User;
  let colleague: User;
  let otherSub: Company;
  let outsider: User;
  before(async () => {
    sub = await makeCompany(t.db);
    subEmployee = await makeUser(t.db, sub);
    colleague = await makeUser(t.db, sub);
    otherSub = await makeCompany(t.db);
    outsider = await makeUser(t.db, otherSub);
  });

  test('a company admin adds a company and a person', async () => {
    const api = await t.as(admin.id);
    const name = unique('Acme Drywall');
    const company = await api.post('/api/v1/companies', { name, kind: 'subcontractor', address: '1 Main St' });
    assert.equal(company.status, 201, JSON.stringify(company.body));
    assert.deepEqual(
      { name: company.body.name, kind: company.body.kind, address: company.body.address, defaultInvoiceContactId: company.body.defaultInvoiceContactId },
      { name, kind: 'subcontractor', address: '1 Main St', defaultInvoiceContactId: null },
    );
    const email = `${unique('pm')}@acme.test`;
    const user = await api.post('/api/v1/users', { companyId: company.body.id, name: 'Pat Manager', email });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    assert.equal(user.body.companyId, company.body.id);
    assert.equal(user.body.isActive, true);
    assert.equal(user.body.hasPassword, false, 'without a password the person will use an invitation link');
    const read = await api.get(`/api/v1/users/${user.body.id}`);
    assert.equal(read.body.email, email);
  });

  test('a duplicate email, in any case, is 409 email_taken and adds no one', async () => {
    const api = await t.as(admin.id);
    const email = `${unique('dup')}@example.test`;
    const first = await api.post('/api/v1/users', { companyId: sub.id, name: 'First', email });
    assert.equal(first.status, 201);
    const second = await api.post('/api/v1/users', { companyId: otherSub.id, name: 'Second', email: email.toUpperCase() });
    assert.equal(second.status, 409);
    assertErrorShape(second.body, 'email_taken');
    assert.equal(second.body.error.field, 'email');
    const found = await api.get(`/api/v1/users?search=${encodeURIComponent(email.split('@')[0]!)}`);
    assert.equal(found.body.total, 1);

    // Changing someone's email to a taken one (in another case) is refused the same way.
    const renamed = await api.patch(`/api/v1/users/${outsider.id}`, { email: email.replace('dup', 'DUP') });
    assert.equal(renamed.status, 409);
    assertErrorShape(renamed.body, 'email_taken');
    assert.equal((await api.get(`/api/v1/users/${outsider.id}`)).body.email, outsider.email);
  });

  test('two simultaneous creations with one email: one succeeds, the other is 409 email_taken (never a 500)', async () => {
    // Both pass the "is it free?" check before either inserts; the unique index must decide, and
    // the loser must hear email_taken. Straight through the service so the two really overlap.
    for (let round = 0; round < 10; round++) {
      const email = `${unique('race')}@example.test`;
      const results = await Promise.allSettled(
        [email, email.toUpperCase()].map((e, i) => createUser(t.db, viewerOf(admin), { companyId: sub.id, name: `Racer ${i}`, email: e }, t.clock.now())),
      );
      const outcomes = results.map((r) => (r.status === 'fulfilled' ? 'created' : r.reason instanceof DomainError ? r.reason.code : String(r.reason))).sort();
      assert.deepEqual(outcomes, ['created', 'email_taken'], `round ${round}`);
    }
    // And through the API.
    const api = await t.as(admin.id);
    const email = `${unique('race')}@example.test`;
    const responses = await Promise.all([0, 1].map((i) => api.post('/api/v1/users', { companyId: sub.id, name: `Racer ${i}`, email })));
    assert.deepEqual(responses.map((r) => r.status).sort(), [201, 409]);
    assertErrorShape(responses.find((r) => r.status === 409)!.body, 'email_taken');
  });

  test('a person for a company that does not exist is refused', async () => {
    const api = await t.as(admin.id);
    const res = await api.post('/api/v1/users', { companyId: SOME_UUID, name: 'Ghost', email: `${unique('ghost')}@example.test` });
    assert.equal(res.status, 422);
    assertErrorShape(res.body, 'company_not_found');
  });

  test('people who are not company admins get 403 on every directory write, and nothing changes', async () => {
    const project = await makeProject(t.db);
    const projectAdmin = await makeUser(t.db, sub);
    await addToProject(t.db, project, projectAdmin, 'admin');
    const name = unique('Unauthorised Co');
    for (const who of [subEmployee, projectAdmin]) {
      const api = await t.as(who.id);
      const company = await api.post('/api/v1/companies', { name, kind: 'supplier' });
      assert.equal(company.status, 403);
      assertErrorShape(company.body, 'forbidden');
      const user = await api.post('/api/v1/users', { companyId: sub.id, name: 'New Hire', email: `${unique('hire')}@example.test` });
      assert.equal(user.status, 403);
      const patch = await api.patch(`/api/v1/companies/${sub.id}`, { name: 'Renamed' });
      assert.equal(patch.status, 403);
      const promote = await api.patch(`/api/v1/users/${who.id}`, { isCompanyAdmin: true });
      assert.equal(promote.status, 403, 'nobody promotes themselves');
    }
    const adminApi = await t.as(admin.id);
    assert.equal((await adminApi.get(`/api/v1/companies?search=${encodeURIComponent(name)}`)).body.total, 0);
    assert.equal((await adminApi.get(`/api/v1/companies/${sub.id}`)).body.name, sub.name);
    assert.equal((await adminApi.get(`/api/v1/users/${subEmployee.id}`)).body.isCompanyAdmin, false);
  });

  test('a subcontractor employee sees only their own company and its people', async () => {
    const api = await t.as(subEmployee.id);
    const companies = await api.get('/api/v1/companies');
    assert.equal(companies.status, 200);
    assert.deepEqual(companies.body.data.map((c: { id: string }) => c.id), [sub.id]);
    assert.equal(companies.body.total, 1);
    assert.equal((await api.get(`/api/v1/companies/${otherSub.id}`)).status, 404);
    assert.equal((await api.get(`/api/v1/companies/${sub.id}`)).status, 200);

    const users = await api.get('/api/v1/users?perPage=500');
    assert.equal(users.status, 200);
    const ids = users.body.data.map((u: { id: string }) => u.id);
    assert.ok(ids.includes(subEmployee.id) && ids.includes(colleague.id));
    assert.ok(users.body.data.every((u: { companyId: string }) => u.companyId === sub.id), 'only colleagues');
    assert.equal(ids.includes(outsider.id), false);
    assert.equal(ids.includes(admin.id), false);

    const filtered = await api.get(`/api/v1/users?companyId=${otherSub.id}`);
    assert.equal(filtered.body.data.some((u: { companyId: string }) => u.companyId === otherSub.id), false, 'a filter cannot widen the view');
    assert.equal((await api.get(`/api/v1/users/${outsider.id}`)).status, 404);
  });

  test('an Admin on Commitments of some project reads the whole directory (to staff projects)', async () => {
    const project = await makeProject(t.db);
    const pa = await makeUser(t.db, sub);
    await addToProject(t.db, project, pa, 'admin');
    const api = await t.as(pa.id);
    const companies = await api.get('/api/v1/companies?perPage=500');
    const ids = companies.body.data.map((c: { id: string }) => c.id);
    assert.ok(ids.includes(otherSub.id) && ids.includes(admin.companyId));
    assert.equal((await api.get(`/api/v1/users/${outsider.id}`)).status, 200);
  });

  test("a company's default invoice contact must be its own active employee", async () => {
    const api = await t.as(admin.id);
    const url = `/api/v1/companies/${sub.id}`;

    const foreign = await api.patch(url, { defaultInvoiceContactId: outsider.id });
    assert.equal(foreign.status, 422);
    assertErrorShape(foreign.body, 'user_not_in_company');
    assert.equal(foreign.body.error.field, 'defaultInvoiceContactId');

    const nobody = await api.patch(url, { defaultInvoiceContactId: SOME_UUID });
    assert.equal(nobody.status, 422);
    assertErrorShape(nobody.body, 'user_not_in_company');
    assert.equal((await api.get(url)).body.defaultInvoiceContactId, null, 'refusals change nothing');

    const leaver = await makeUser(t.db, sub);
    await api.patch(`/api/v1/users/${leaver.id}`, { isActive: false });
    const inactive = await api.patch(url, { defaultInvoiceContactId: leaver.id });
    assert.equal(inactive.status, 422);
    assertErrorShape(inactive.body, 'contact_inactive');

    const ok = await api.patch(url, { defaultInvoiceContactId: colleague.id });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.defaultInvoiceContactId, colleague.id);

    const cleared = await api.patch(url, { defaultInvoiceContactId: null });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.defaultInvoiceContactId, null);
  });
});

test('no response body in this file leaked a stack trace or a file path', () => {
  assert.ok(seenBodies.length > 50, `only ${seenBodies.length} responses recorded`);
  for (const { what, text } of seenBodies) {
    assertNoInternals(text, what);
  }
  assert.ok(seenBodies.some((b) => / → (4\d\d)$/.test(b.what)), 'error responses were among them');
});
