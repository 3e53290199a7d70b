/**
 * Issue 11, defect 2: an `Idempotency-Key` is stored in the same transaction as the write it
 * guards, with the answer. A request that fails after writing — a crash, a refusal, the key itself
 * failing to be stored — leaves neither the write nor the key, so its retry runs afresh; a request
 * that succeeded leaves both, so its retry gets the original answer (same status, same body,
 * `Idempotent-Replayed: true`) however long after, and never a 409 for a change that was applied.
 * Runs on PGlite (one connection: anything in the request that bypassed the request's transaction
 * would hang here) and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { handleError } from '../../src/http/app.ts';
import { authenticate } from '../../src/http/auth.middleware.ts';
import { requireViewer, type Env } from '../../src/http/context.ts';
import { idempotency } from '../../src/http/idempotency.middleware.ts';
import { createInvoice } from '../../src/services/billing/create-invoice.ts';
import { createTestApp, type ApiResponse, type TestApp } from '../support/api.ts';
import { seedBilling, type BillingSeed } from '../support/billing-seed.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
let seed: BillingSeed;
const timeout = 60_000;

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  seed = await seedBilling(database.db, { commitments: 12, now: t.clock.now() });
});
after(() => database.close());

let nextCommitment = 0;
function commitment(): string {
  const c = seed.commitments[nextCommitment++];
  assert.ok(c, 'enough commitments seeded');
  return c.id;
}

const auth = () => ({ authorization: `Bearer ${seed.token}` });
const newKey = (what: string) => ({ 'idempotency-key': `${what}-${randomUUID()}` });

async function invoicesOf(commitmentId: string) {
  return t.db.selectFrom('invoices').select(['id', 'status', 'version', 'comments']).where('tenantId', '=', seed.project.tenantId).where('commitmentId', '=', commitmentId).execute();
}

async function storedKey(key: Record<string, string>) {
  return t.db
    .selectFrom('idempotencyKeys')
    .select(['status', 'responseStatus'])
    .where('userId', '=', seed.admin.id)
    .where('key', '=', key['idempotency-key'] ?? '')
    .executeTakeFirst();
}

/**
 * The app's own middleware and error handler around a handler that writes through a real service
 * and then fails as told: a crash (an unexpected error, 500) or a refusal (a DomainError, 422).
 */
let failAfterWrite: 'crash' | 'refuse' | null = null;
function appThatFailsAfterWriting() {
  const app = new Hono<Env>();
  const config = loadConfig({ PORT: '3000', HOST: '127.0.0.1', BASE_URL: 'http://payapp.test' });
  app.use('*', async (c, next) => {
    c.set('deps', { db: database.db, clock: t.clock.now, config });
    c.set('auth', null);
    await next();
  });
  app.use('*', authenticate);
  app.use('/api/write/:commitmentId', idempotency);
  app.post('/api/write/:commitmentId', async (c) => {
    const { db, clock } = c.get('deps');
    const invoice = await createInvoice(db, requireViewer(c), seed.project.id, c.req.param('commitmentId'), { comments: 'written' }, clock());
    if (failAfterWrite === 'crash') throw new Error('simulated crash after the write');
    if (failAfterWrite === 'refuse') throw new DomainError('rule_violation', 'Refused after the write.');
    return c.json({ invoiceId: invoice.id }, 201);
  });
  app.onError(handleError);
  return async (commitmentId: string, key: Record<string, string>): Promise<ApiResponse> => {
    const res = await app.request(`/api/write/${commitmentId}`, {
      method: 'POST',
      headers: { ...auth(), ...key, 'content-type': 'application/json' },
      body: '{}',
    });
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
}

/** Makes storing an answer fail: the moment between the write and the key the old design had apart. */
async function failStoringAnswers(on: boolean): Promise<void> {
  if (on) {
    await sql`create or replace function test_fail_storing_answer() returns trigger language plpgsql as $$
      begin
        if new.response_status is not null then raise exception 'simulated crash before the answer is stored'; end if;
        return new;
      end $$`.execute(t.db);
    await sql`create trigger test_fail_storing_answer before insert or update on idempotency_keys
      for each row execute function test_fail_storing_answer()`.execute(t.db);
  } else {
    await sql`drop trigger if exists test_fail_storing_answer on idempotency_keys`.execute(t.db);
  }
}

describe('a request that fails after writing leaves nothing behind', () => {
  const write = appThatFailsAfterWriting();

  test('a crash after the write: no invoice, no key; the retry runs afresh, then replays', { timeout }, async () => {
    const c = commitment();
    const key = newKey('crash');
    failAfterWrite = 'crash';
    const crashed = await write(c, key);
    failAfterWrite = null;
    assert.equal(crashed.status, 500, JSON.stringify(crashed.body));
    assert.deepEqual(await invoicesOf(c), [], 'the write went with the crash');
    assert.equal(await storedKey(key), undefined, 'the key was not stored');

    const retry = await write(c, key);
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    assert.equal(retry.headers.get('idempotent-replayed'), null);
    const replay = await write(c, key);
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, retry.body);
    assert.deepEqual((await invoicesOf(c)).map((i) => i.id), [retry.body.invoiceId], 'exactly one invoice');
  });

  test('a refusal (4xx) after the write: nothing written, the answer not kept; the same key runs again', { timeout }, async () => {
    const c = commitment();
    const key = newKey('refuse');
    failAfterWrite = 'refuse';
    const refused = await write(c, key);
    failAfterWrite = null;
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'rule_violation');
    assert.deepEqual(await invoicesOf(c), [], 'a refused request writes nothing');
    assert.equal(await storedKey(key), undefined, 'a 4xx is not stored (docs/decisions/015-faults-idempotency.md)');
    const retry = await write(c, key);
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    assert.equal((await invoicesOf(c)).length, 1);
  });
});

describe('the real routes: the answer fails to be stored after the write', () => {
  after(() => failStoringAnswers(false));

  test('create: the invoice goes with the answer; a retry, even after a minute, creates exactly one', { timeout }, async () => {
    const c = commitment();
    const key = newKey('create');
    const path = `${seed.p}/commitments/${c}/invoices`;
    await failStoringAnswers(true);
    const failed = await t.request('POST', path, { body: { comments: 'keyed' }, headers: { ...auth(), ...key } });
    await failStoringAnswers(false);
    assert.equal(failed.status, 500, JSON.stringify(failed.body));
    assert.deepEqual(await invoicesOf(c), [], 'no invoice without its key');
    // The old design reclaimed an unfinished key after 60 s and ran the request again.
    t.clock.advance(61_000);
    const retry = await t.request('POST', path, { body: { comments: 'keyed' }, headers: { ...auth(), ...key } });
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    const replay = await t.request('POST', path, { body: { comments: 'keyed' }, headers: { ...auth(), ...key } });
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, retry.body, 'the identical body');
    assert.deepEqual((await invoicesOf(c)).map((i) => i.id), [retry.body.invoice.id], 'exactly one invoice');
  });

  test('submit: not applied without its key; the retry submits once and answers 200, never 409', { timeout }, async () => {
    const c = commitment();
    const created = await t.request('POST', `${seed.p}/commitments/${c}/invoices`, { body: {}, headers: auth() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id, version } = created.body.invoice as { id: string; version: number };
    const path = `${seed.p}/invoices/${id}/transitions`;
    const body = { action: 'submit', version };
    const key = newKey('submit');
    await failStoringAnswers(true);
    const failed = await t.request('POST', path, { body, headers: { ...auth(), ...key } });
    await failStoringAnswers(false);
    assert.equal(failed.status, 500, JSON.stringify(failed.body));
    assert.deepEqual((await invoicesOf(c)).map((i) => [i.status, i.version]), [['draft', version]], 'not submitted without its key');
    t.clock.advance(61_000);
    const retry = await t.request('POST', path, { body, headers: { ...auth(), ...key } });
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.equal(retry.body.invoice.status, 'under_review');
    const replay = await t.request('POST', path, { body, headers: { ...auth(), ...key } });
    assert.equal(replay.status, 200, JSON.stringify(replay.body));
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, retry.body);
    const submissions = await t.db.selectFrom('invoiceSubmissions').select('id').where('tenantId', '=', seed.project.tenantId).where('invoiceId', '=', id).execute();
    assert.equal(submissions.length, 1, 'submitted once');
  });
});

describe('a key that was answered', () => {
  test('replays the identical status and body; the same key with another body is refused', { timeout }, async () => {
    const c = commitment();
    const key = newKey('replay');
    const path = `${seed.p}/commitments/${c}/invoices`;
    const first = await t.request('POST', path, { body: { comments: 'first' }, headers: { ...auth(), ...key } });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.headers.get('idempotent-replayed'), null);
    t.clock.advance(23 * 60 * 60_000);
    const again = await t.request('POST', path, { body: { comments: 'first' }, headers: { ...auth(), ...key } });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.headers.get('content-type'), 'application/json');
    assert.deepEqual(again.body, first.body);
    const other = await t.request('POST', path, { body: { comments: 'second' }, headers: { ...auth(), ...key } });
    assert.equal(other.status, 409, JSON.stringify(other.body));
    assert.equal(other.body.error.code, 'idempotency_key_reused');
    assert.equal(other.body.error.field, 'Idempotency-Key');
    assert.equal((await invoicesOf(c)).length, 1);
  });

  test('the same key sent twice at once: the second waits for the first and replays its answer', { timeout }, async () => {
    const c = commitment();
    const key = newKey('twin');
    const path = `${seed.p}/commitments/${c}/invoices`;
    const send = () => t.request('POST', path, { body: { comments: 'twin' }, headers: { ...auth(), ...key } });
    const [a, b] = await Promise.all([send(), send()]);
    assert.deepEqual([a.status, b.status], [201, 201], `${JSON.stringify(a.body).slice(0, 200)} / ${JSON.stringify(b.body).slice(0, 200)}`);
    assert.deepEqual([a.headers.get('idempotent-replayed'), b.headers.get('idempotent-replayed')].sort(), ['true', null].sort());
    assert.deepEqual(a.body, b.body);
    assert.equal((await invoicesOf(c)).length, 1);
  });
});
