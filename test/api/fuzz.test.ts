/**
 * Issue 11, the fuzz test: fast-check properties over every operation of the OpenAPI document.
 * Requests are generated from each operation's own schemas and then mutated (test/support/fuzz.ts),
 * sent as a signed-in company admin and anonymously, against a project with real ids (a
 * commitment with its SOV, a change order, a billing period, an approved invoice with a payment and
 * attachments) so that most requests reach the handlers. Every response must be:
 * - never a 5xx;
 * - an error in the documented shape `{ error: { code, message, field?, details? } }`, with a code
 *   from the one table (src/http/errors.ts) and the status that table gives it;
 * - and a refused request (4xx) must change nothing: every table is fingerprinted before and after.
 *
 * CI runs a fixed seed and FUZZ_RUNS=400 requests by default (a few seconds per hundred); a longer
 * run by hand: `FUZZ_RUNS=5000 npm test -- test/api/fuzz.test.ts` (FUZZ_SEED to vary the seed).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { ErrorCode } from '../../src/domain/errors.ts';
import { statusFor } from '../../src/http/errors.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertOk, billingProject, upload, type Seen } from '../support/billing.ts';
import { changedTables, snapshot, type Snapshot } from '../support/db-fingerprint.ts';
import { makeUser, systemAdminOf } from '../support/factories.ts';
import { requestArb, routesOf, type Doc, type FuzzRequest, type Pools, type Route } from '../support/fuzz.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261208);
/** Every fourth request of a route goes without credentials: every route must refuse them cleanly too. */
const ANONYMOUS_EVERY = 4;

let database: TestDatabase;
let t: TestApp;
let doc: Doc;
let pools: Pools;
let adminToken: string;

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  t.clock.set('2026-11-10T15:00:00Z');
  doc = (await t.request('GET', '/api/v1/openapi.json')).body as Doc;
  pools = await fixture();
});
after(() => database.close());

/** A project with one of everything the paths name, as the company admin sees it; the ids by path parameter name. */
async function fixture(): Promise<Pools> {
  const seen: Seen = [];
  const { admin, gc } = await systemAdminOf(t.db);
  const s = await billingProject(t, seen);
  const c = await approvedCommitment(t, s);
  const api = await t.as(admin.id);
  adminToken = api.token;
  const spare = await api.post('/api/v1/me/api-tokens', { name: 'spare' });
  assertOk(spare, 201);
  assertOk(await s.admin.post(`${s.p}/billing-periods`, { startsOn: '2026-11-01', endsOn: '2026-11-30', dueOn: '2026-11-25' }), 201);
  const periods = (await s.admin.get(`${s.p}/billing-periods`)).body.data as { id: string }[];
  const co = await api.post(`${s.p}/commitments/${c.id}/change-orders`, { number: 'CO-1', title: 'Extra', lines: [{ description: 'Wall', amountCents: 500_00 }] });
  assertOk(co, 201);
  const sov = (await api.get(`${s.p}/commitments/${c.id}/sov`)).body.lines as { id: string }[];
  assertOk(await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id], invoiceType: 'work_and_materials' }));
  let invoice = (await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {})).body;
  const invoiceId = invoice.invoice.id as string;
  const attachment = await upload(t, s.contactApi.token, `${s.p}/invoices/${invoiceId}/attachments`, { name: 'backup.pdf', type: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4\n') });
  assertOk(attachment, 201);
  invoice = (await s.contactApi.put(`${s.p}/invoices/${invoiceId}/lines?view=full`, { version: invoice.invoice.version, lines: [{ lineId: invoice.lines[0].id, workCompletedThisPeriodCents: 1_000_00 }] })).body;
  invoice = (await s.contactApi.post(`${s.p}/invoices/${invoiceId}/transitions?view=full`, { action: 'submit', version: invoice.invoice.version })).body;
  invoice = (await s.admin.post(`${s.p}/invoices/${invoiceId}/transitions?view=full`, { action: 'approve', version: invoice.invoice.version })).body;
  const payment = await s.admin.post(`${s.p}/invoices/${invoiceId}/payments`, { amountCents: 100_00, paidOn: '2026-11-20', method: 'check' });
  assertOk(payment, 201);
  const paymentId = payment.body.payments[0].id as string;
  const receipt = await upload(t, s.admin.token, `${s.p}/invoices/${invoiceId}/payments/${paymentId}/attachments`, { name: 'receipt.pdf', type: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4\n') });
  assertOk(receipt, 201);
  const email = await t.db.selectFrom('emailMessages').select('id').orderBy('id').executeTakeFirstOrThrow();
  // Another person, so that fuzzing "users/{userId}" never deactivates the admin sending the requests.
  const other = await makeUser(t.db, gc, { name: 'Other Person' });
  assert.deepEqual(seen.filter((x) => x.status >= 500), []);
  const path: Record<string, string[]> = {
    projectId: [s.project.id],
    commitmentId: [c.id],
    companyId: [s.sub.id, gc.id],
    userId: [s.contact.id, other.id, s.adminUser.id],
    lineId: sov.map((l) => l.id),
    changeOrderId: [co.body.id],
    periodId: periods.map((p) => p.id),
    invoiceId: [invoiceId],
    attachmentId: [attachment.body.id, receipt.body.id],
    paymentId: [paymentId],
    tokenId: [spare.body.id],
    emailId: [String(email.id)],
    key: ['billing-board.columns', 'invoice-grid.columns'],
    token: ['not-a-real-token'],
  };
  return { path, ids: [...new Set(Object.values(path).flat().filter((v) => /^[0-9a-f-]{36}$/.test(v)))] };
}

type Outcome = { route: Route; request: FuzzRequest; status: number; problem?: string };

function describeRequest(r: FuzzRequest): string {
  const body = typeof r.body === 'string' ? (r.body.length > 300 ? `${r.body.slice(0, 300)}…(${r.body.length} chars)` : r.body) : r.body ? '(multipart)' : '';
  const { authorization, ...headers } = r.headers;
  return `${authorization ? "admin" : "anonymous"} ${r.method} ${r.url.length > 200 ? `${r.url.slice(0, 200)}…` : r.url} [${r.mutation}] ${JSON.stringify(headers).slice(0, 200)} ${body}`;
}

/** What is wrong with a response, or undefined. */
async function judge(res: Response, before: Snapshot): Promise<string | undefined> {
  if (res.status >= 500) return `answered ${res.status}: ${(await res.text()).slice(0, 300)}`;
  if (res.status < 400) return undefined;
  const text = await res.text();
  let body: { error?: { code?: unknown; message?: unknown; field?: unknown; details?: unknown } };
  try {
    body = JSON.parse(text);
  } catch {
    return `${res.status} is not JSON (${res.headers.get('content-type')}): ${text.slice(0, 200)}`;
  }
  const e = body.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || e.message.length === 0) return `${res.status} without the documented error body: ${text.slice(0, 300)}`;
  if (e.field !== undefined && typeof e.field !== 'string') return `error.field is not a string: ${text.slice(0, 300)}`;
  if (e.details !== undefined && (typeof e.details !== 'object' || e.details === null)) return `error.details is not a list or an object: ${text.slice(0, 300)}`;
  const expected = statusFor(e.code as ErrorCode);
  if (expected === undefined) return `unknown error code ${e.code}`;
  if (expected !== res.status) return `${e.code} answered ${res.status}, the table says ${expected}`;
  const changed = changedTables(before, await snapshot(t.db));
  if (changed.length > 0) return `refused (${res.status} ${e.code}) but changed ${changed.join(', ')}`;
  return undefined;
}

test(`every route, generated and mutated requests (seed ${SEED}, ${RUNS} requests): no 5xx, errors in the documented shape, a refusal writes nothing`, async () => {
  const routes = routesOf(doc);
  assert.ok(routes.length >= 90, `only ${routes.length} routes in the document`);
  const outcomes: Outcome[] = [];
  const perRoute = Math.max(ANONYMOUS_EVERY, Math.ceil(RUNS / routes.length));
  let current = await snapshot(t.db);
  for (const [index, route] of routes.entries()) {
    let run = 0;
    const property = fc.asyncProperty(requestArb(doc, route, pools), async (request) => {
      const anonymous = run++ % ANONYMOUS_EVERY === ANONYMOUS_EVERY - 1;
      const headers = { ...request.headers, ...(!anonymous && { authorization: `Bearer ${adminToken}` }) };
      const res = await t.app.request(request.url, { method: request.method, headers, ...(request.body !== undefined && { body: request.body }) });
      const problem = await judge(res, current);
      current = await snapshot(t.db);
      outcomes.push({ route, request: { ...request, headers }, status: res.status, ...(problem !== undefined && { problem }) });
    });
    await fc.assert(property, { seed: SEED + index, numRuns: perRoute });
  }
  const byStatus: Record<number, number> = {};
  for (const o of outcomes) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  const fiveHundreds = outcomes.filter((o) => o.status >= 500).length;
  const anonymous = outcomes.filter((o) => !o.request.headers.authorization).length;
  const reached = new Set(outcomes.filter((o) => o.status !== 401 && o.status !== 404).map((o) => `${o.route.method} ${o.route.path}`)).size;
  console.log(
    `fuzz: ${outcomes.length} requests (${anonymous} anonymous) over ${routes.length} routes (${reached} answered something other than 401/404), seed ${SEED}; ` +
      `by status ${JSON.stringify(byStatus)}; 5xx: ${fiveHundreds}`,
  );
  const problems = outcomes.filter((o) => o.problem);
  assert.deepEqual(
    problems.slice(0, Number(process.env.FUZZ_SHOW ?? 25)).map((o) => `${describeRequest(o.request)} → ${o.problem}`),
    [],
    `${problems.length} of ${outcomes.length} requests went wrong`,
  );
  assert.equal(new Set(outcomes.map((o) => `${o.route.method} ${o.route.path}`)).size, routes.length, 'every route was exercised');
});
