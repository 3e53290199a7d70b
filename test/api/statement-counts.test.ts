/**
 * Issue 12: the SQL statements (round trips, BEGIN/COMMIT included) one HTTP request on an invoice
 * sends do not grow with the invoice's lines. The same requests the invoice page sends — create,
 * save every line, submit; then an administrator's certify, line review (approve / reject) and a
 * GET — are made on a 10-line and a 200-line invoice, through the real app, counting every
 * statement the pool's connections send (src/db/statement-counter.ts). Each request must send the
 * same number for both sizes, and at most 12 (decision 022).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { countStatements } from '../../src/db/statement-counter.ts';
import { createTestApp, type ApiResponse, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertNo5xx, assertOk, billingProject, type BillingSetup, type Client, type Seen } from '../support/billing.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

/**
 * Every request on an invoice: ≤ 12 statements, BEGIN/COMMIT, authentication and — for create and
 * submit, sent with an Idempotency-Key — the key and its stored answer included.
 */
const MAX_STATEMENTS = 12;

let database: TestDatabase;
let t: TestApp;
let s: BillingSetup;
const seen: Seen = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  t.clock.set('2026-11-02T15:00:00Z');
  s = await billingProject(t, seen);
  assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
  // Each API token is marked used on its first request: done here, so no counted request pays for it.
  assertOk(await s.contactApi.get(s.p));
});
after(() => database.close());
afterEach(() => assertNo5xx(seen));

type Counted = { res: ApiResponse; count: number; statements: string[] };

async function counted(send: () => Promise<ApiResponse>): Promise<Counted> {
  const { result, count, statements } = await countStatements(send);
  return { res: result, count, statements };
}

type Trip = Record<string, Counted>;

/** The invoice page's requests on a commitment of `lineCount` lines, each counted. */
async function trip(lineCount: number): Promise<Trip> {
  const sov = Array.from({ length: lineCount }, (_, i) => 1_000_00 + i);
  const commitment = await approvedCommitment(t, s, { sov });
  const contact: Client = s.contactApi;
  const admin: Client = s.admin;
  const out: Trip = {};

  out.create = await counted(() => contact.post(`${s.p}/commitments/${commitment.id}/invoices`, {}, { 'Idempotency-Key': `create-${lineCount}` }));
  assertOk(out.create.res, 201);
  const id: string = out.create.res.body.invoice.id;
  const inv = `${s.p}/invoices/${id}`;
  const lineIds: string[] = (await contact.get(inv)).body.lines.map((l: { id: string }) => l.id);
  assert.equal(lineIds.length, lineCount);
  let version: number = out.create.res.body.invoice.version;

  out.save = await counted(() =>
    contact.put(`${inv}/lines`, { version, lines: lineIds.map((lineId, i) => ({ lineId, workCompletedThisPeriodCents: 100_00 + i })) }),
  );
  assertOk(out.save.res);
  version = out.save.res.body.invoice.version;

  out.submit = await counted(() => contact.post(`${inv}/transitions`, { action: 'submit', version }, { 'Idempotency-Key': `submit-${lineCount}` }));
  assertOk(out.submit.res);
  version = out.submit.res.body.invoice.version;

  out.get = await counted(() => admin.get(inv));
  assertOk(out.get.res);

  out.certify = await counted(() =>
    admin.put(`${inv}/lines`, {
      version,
      mode: 'certify',
      lines: lineIds.map((lineId, i) => ({ lineId, workCompletedThisPeriodCents: 90_00 + i, differenceReason: 'Less was installed' })),
    }),
  );
  assertOk(out.certify.res);
  version = out.certify.res.body.invoice.version;

  out.approveLines = await counted(() => admin.post(`${inv}/review`, { version, lines: lineIds.map((lineId) => ({ lineId, decision: 'approved' })) }));
  assertOk(out.approveLines.res);
  version = out.approveLines.res.body.invoice.version;

  out.rejectLines = await counted(() =>
    admin.post(`${inv}/review`, { version, lines: lineIds.map((lineId, i) => ({ lineId, decision: i % 2 === 0 ? 'rejected' : 'approved', reason: 'Check the quantity' })) }),
  );
  assertOk(out.rejectLines.res);
  assert.equal(out.rejectLines.res.body.invoice.status, 'revise_and_resubmit');
  return out;
}

test('create, save, submit, GET, certify and review send the same number of statements for 10 and 200 lines, each at most 12', async () => {
  const small = await trip(10);
  const large = await trip(200);
  const figures = Object.keys(small).map((name) => `${name}: ${small[name]?.count} / ${large[name]?.count}`);
  if (process.env.SHOW_STATEMENTS) for (const name of Object.keys(large)) console.log(`--- ${name}\n${large[name]?.statements.map((x) => x.replace(/\s+/g, ' ').slice(0, 160)).join('\n')}`);
  console.log(`statements per request (10 lines / 200 lines) — ${figures.join(', ')}`);
  for (const name of Object.keys(small)) {
    const a = small[name] as Counted;
    const b = large[name] as Counted;
    assert.equal(b.count, a.count, `${name}: ${a.count} statements for 10 lines, ${b.count} for 200:\n${b.statements.join('\n')}`);
    assert.ok(b.count <= MAX_STATEMENTS, `${name}: ${b.count} statements (at most ${MAX_STATEMENTS}):\n${b.statements.join('\n')}`);
  }
});

test('a save answers with the new version, the G702 and the changed line only; ?view=full answers the whole invoice; the idempotency store keeps the small answer', async () => {
  const commitment = await approvedCommitment(t, s, { sov: Array.from({ length: 200 }, () => 1_000_00) });
  const created = await s.contactApi.post(`${s.p}/commitments/${commitment.id}/invoices`, {}, { 'Idempotency-Key': 'compact-create' });
  assertOk(created, 201);
  assert.equal(created.body.view, 'changes');
  const inv = `${s.p}/invoices/${created.body.invoice.id}`;
  const full = (await s.contactApi.get(inv)).body;
  const [one, two] = full.lines as { id: string }[];

  const res = await s.contactApi.put(`${inv}/lines`, { version: full.invoice.version, lines: [{ lineId: one?.id, workCompletedThisPeriodCents: 500_00 }] });
  assertOk(res);
  assert.equal(res.body.view, 'changes');
  assert.equal(res.body.invoice.version, full.invoice.version + 1);
  assert.deepEqual(
    res.body.lines.map((l: { id: string; workCompletedThisPeriodCents: number }) => [l.id, l.workCompletedThisPeriodCents]),
    [[one?.id, 500_00]],
  );
  assert.equal(res.body.summary.totalCompletedAndStoredCents, 500_00);
  assert.equal(res.headers.get('etag'), `"${full.invoice.version + 1}"`);
  const compactBytes = JSON.stringify(res.body).length;
  const fullBytes = JSON.stringify(full).length;
  assert.ok(compactBytes * 20 < fullBytes, `a one-line save answers ${compactBytes} bytes; the whole invoice is ${fullBytes}`);

  // The whole invoice on request, as GET shows it.
  const whole = await s.contactApi.put(`${inv}/lines?view=full`, { version: res.body.invoice.version, lines: [{ lineId: two?.id, workCompletedThisPeriodCents: 1_00 }] });
  assertOk(whole);
  assert.equal(whole.body.view, 'full');
  assert.equal(whole.body.lines.length, 200);
  assert.deepEqual(whole.body, { ...(await s.contactApi.get(inv)).body });

  // The stored answer of the create is the compact one.
  const stored = await t.db.selectFrom('idempotencyKeys').select('responseBody').where('key', '=', 'compact-create').executeTakeFirstOrThrow();
  assert.ok((stored.responseBody ?? '').length < fullBytes / 2, 'the idempotency store keeps the compact answer');

  // The audit entry of the save records the changed line's changed fields, not every line.
  const entries = (await s.admin.get(`${inv}/audit`)).body.data as { action: string; before: unknown; after: unknown }[];
  const save = entries.find((e) => e.action === 'save_lines');
  assert.deepEqual(save?.before, [{ lineId: two?.id, claimed: { workCompletedThisPeriodCents: 0 }, certified: { workCompletedThisPeriodCents: 0 } }]);
  assert.deepEqual(save?.after, [{ lineId: two?.id, claimed: { workCompletedThisPeriodCents: 1_00 }, certified: { workCompletedThisPeriodCents: 1_00 } }]);
});
