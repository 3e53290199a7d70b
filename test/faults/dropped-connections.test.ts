/**
 * Issue 11, defect 1, end to end: while `payapp serve` (with its worker) is under a load of invoice
 * creations, submits and reads, PostgreSQL ends every one of its connections, again and again
 * (`pg_terminate_backend`, what a restart or a failover does). The process must survive; a request
 * that lost its connection answers 503 `database_unavailable` with Retry-After (or succeeds); a
 * client that retries with its Idempotency-Key ends with exactly one invoice per key and every
 * submit applied once; nothing is half written; never a 500. Figures are printed at the end.
 * PostgreSQL only: PGlite runs inside the process, with no server connection to end.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createInvoice } from '../../src/services/billing/create-invoice.ts';
import { seedBilling, type BillingSeed } from '../support/billing-seed.ts';
import { viewerOf } from '../support/factories.ts';
import { testDatabaseUrl } from '../support/test-db.ts';
import { openFaultDatabase, send, serve, shuffled, sleep, type Answer, type FaultDatabase, type Served } from './support.ts';

const url = testDatabaseUrl();
const skip = url ? false : 'PostgreSQL only (set TEST_DATABASE_URL): PGlite runs inside the process and has no server connections to end.';
const SCALE = Number(process.env.FAULTS_SCALE ?? 1);
const COMMITMENTS = 16;
const CREATES = 120 * SCALE;
const SUBMITS = 40 * SCALE;
const READS = 40 * SCALE;
/** Rounds of "end every connection of the database", this far apart (more until one was busy). */
const TERMINATION_ROUNDS = 6;
const ROUND_EVERY_MS = 250;
const RETRY_FOR_MS = 120_000;

let database: FaultDatabase;
let admin: DatabaseHandle;
let seed: BillingSeed;
let server: Served | undefined;

type Request = { kind: 'create' | 'submit' | 'read'; path: string; body?: unknown; key?: string; invoiceId?: string };

before(async () => {
  if (!url) return;
  database = await openFaultDatabase();
  admin = await openDatabase({ url, poolSize: 1 });
  seed = await seedBilling((await database.open()).db, { commitments: COMMITMENTS });
});
after(async () => {
  if (!url) return;
  await server?.kill();
  await admin.close();
  await database.dispose();
});

async function get(base: string, path: string): Promise<Answer | undefined> {
  try {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${seed.token}` } });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text, replayed: false, retryAfter: res.headers.get('retry-after') };
  } catch {
    return undefined;
  }
}

test('connections ended under load: the process survives, 503 database_unavailable or success, one invoice per key, nothing half written, no 500', { skip, timeout: 600_000 }, async () => {
  const { db } = await database.open();
  const requests: Request[] = [];
  for (let i = 0; i < CREATES; i += 1) {
    const key = `create-${i}-${randomUUID()}`;
    requests.push({ kind: 'create', path: `${seed.p}/commitments/${seed.commitments[i % COMMITMENTS]?.id}/invoices`, body: { comments: key }, key });
  }
  for (let i = 0; i < SUBMITS; i += 1) {
    const commitment = seed.commitments[i % COMMITMENTS];
    assert.ok(commitment);
    const draft = await createInvoice(db, viewerOf(seed.admin), seed.project.id, commitment.id, { comments: `draft-${i}` }, new Date());
    requests.push({ kind: 'submit', path: `${seed.p}/invoices/${draft.id}/transitions`, body: { action: 'submit', version: draft.version }, key: `submit-${i}-${randomUUID()}`, invoiceId: draft.id });
  }
  for (let i = 0; i < READS; i += 1) requests.push({ kind: 'read', path: `${seed.p}/invoices` });

  server = await serve(database, { WORKER: 'on' });
  const running = server;
  const answers: { request: Request; answer: Answer }[] = [];
  let retries = 0;
  let loadDone = false;
  let terminated = 0;
  let rounds = 0;

  let busyTerminated = 0;
  const unavailableSoFar = () => answers.filter((a) => a.answer.status === 503).length;
  const terminator = (async () => {
    await sleep(100);
    // At least TERMINATION_ROUNDS rounds, and on until a connection was ended in the middle of something.
    for (; (rounds < TERMINATION_ROUNDS || (busyTerminated === 0 && unavailableSoFar() === 0)) && rounds < 40 && !loadDone; rounds += 1) {
      const { rows } = await sql<{ pid: number; state: string | null }>`
        select pid, state, pg_terminate_backend(pid) as ok from pg_stat_activity where datname = ${database.name} and pid <> pg_backend_pid()`.execute(admin.db);
      terminated += rows.length;
      busyTerminated += rows.filter((r) => r.state !== 'idle').length;
      await sleep(ROUND_EVERY_MS);
    }
  })();

  try {
    await Promise.all(
      shuffled(requests, 7).map(async (r) => {
        const deadline = Date.now() + RETRY_FOR_MS;
        for (;;) {
          const answer =
            r.kind === 'read' ? await get(running.url, r.path) : await send(running.url, r.path, seed.token, r.body, { 'idempotency-key': r.key ?? '' });
          if (!answer) {
            await sleep(1000);
            assert.fail(`no answer to ${r.kind} ${r.path}: the process ${running.alive() ? 'dropped the connection' : `exited:\n${running.output().slice(-1500)}`}`);
          }
          answers.push({ request: r, answer });
          if (answer.status !== 503 || Date.now() > deadline) return;
          retries += 1;
          await sleep(Number(answer.retryAfter ?? 1) * 1000);
        }
      }),
    );
  } finally {
    loadDone = true;
    await terminator;
  }
  const survived = running.alive();
  assert.ok(survived, 'the process is still running');
  const later = await get(running.url, `${seed.p}/invoices`);
  assert.equal(later?.status, 200, 'a later request succeeds');
  await running.stop();
  server = undefined;

  const final = new Map(answers.map((a) => [a.request, a.answer]));
  const unavailable = answers.filter((a) => a.answer.status === 503);
  const badUnavailable = unavailable.filter((a) => a.answer.body?.error?.code !== 'database_unavailable' || !/^\d+$/.test(a.answer.retryAfter ?? ''));
  const serverErrors = answers.filter((a) => a.answer.status >= 500 && a.answer.status !== 503);
  const unsuccessful = requests.filter((r) => (final.get(r)?.status ?? 0) >= 300);

  const invoices = await db
    .selectFrom('invoices')
    .select(['id', 'comments', 'status'])
    .where('tenantId', '=', seed.project.tenantId)
    .where('projectId', '=', seed.project.id)
    .execute();
  const lineCounts = await db
    .selectFrom('invoiceLines')
    .select((eb) => ['invoiceId', eb.fn.countAll<number>().as('n')])
    .where('tenantId', '=', seed.project.tenantId)
    .where('invoiceId', 'in', invoices.length > 0 ? invoices.map((i) => i.id) : [randomUUID()])
    .groupBy('invoiceId')
    .execute();
  const halfWritten = invoices.filter((i) => Number(lineCounts.find((l) => l.invoiceId === i.id)?.n ?? 0) !== 2);
  const creates = requests.filter((r) => r.kind === 'create');
  const count = (key: string | undefined) => invoices.filter((i) => i.comments === key).length;
  const duplicates = creates.filter((r) => count(r.key) > 1);
  const lost = creates.filter((r) => count(r.key) === 0);
  const submissions = await db
    .selectFrom('invoiceSubmissions')
    .select('invoiceId')
    .where('tenantId', '=', seed.project.tenantId)
    .where('invoiceId', 'in', requests.flatMap((r) => (r.invoiceId ? [r.invoiceId] : [])))
    .execute();
  const notSubmittedOnce = requests
    .filter((r) => r.kind === 'submit')
    .filter((r) => invoices.find((i) => i.id === r.invoiceId)?.status !== 'under_review' || submissions.filter((s) => s.invoiceId === r.invoiceId).length !== 1);
  const logged503 = (running.output().match(/answered 503/g) ?? []).length;

  const figures = {
    requests: requests.length,
    terminationRounds: rounds,
    backendsTerminated: terminated,
    busyBackendsTerminated: busyTerminated,
    answered503: unavailable.length,
    retriesAfter503: retries,
    serverErrors: serverErrors.length,
    processExits: survived ? 0 : 1,
    duplicates: duplicates.length,
    lost: lost.length,
    halfWritten: halfWritten.length,
    loggedByServer503: logged503,
  };
  console.log(`faults: dropped-connections ${JSON.stringify(figures)}`);

  const sample = <T>(items: T[]) => items.slice(0, 5);
  assert.ok(busyTerminated + unavailable.length > 0, 'connections were ended while requests were using them');
  assert.deepEqual(sample(serverErrors.map((a) => [a.answer.status, a.answer.body])), [], `no 500 (${serverErrors.length})`);
  assert.deepEqual(sample(badUnavailable.map((a) => [a.answer.body, a.answer.retryAfter])), [], 'every 503 is database_unavailable with Retry-After');
  assert.deepEqual(sample(unsuccessful.map((r) => [r.kind, final.get(r)?.status, JSON.stringify(final.get(r)?.body).slice(0, 160)])), [], 'every request succeeds in the end');
  assert.deepEqual(sample(duplicates.map((r) => r.key)), [], `no key created two invoices (${duplicates.length})`);
  assert.deepEqual(sample(lost.map((r) => r.key)), [], `no creation lost (${lost.length})`);
  assert.deepEqual(sample(halfWritten.map((i) => i.id)), [], 'every invoice has all its lines');
  assert.equal(invoices.length, CREATES + SUBMITS, 'nothing else was created');
  assert.deepEqual(sample(notSubmittedOnce.map((r) => r.key)), [], `every submit applied exactly once (${notSubmittedOnce.length} not)`);
});
