/**
 * Issue 11, defect 2, end to end: `payapp serve` is killed (SIGKILL) in the middle of a load of
 * invoice creations and submits, each sent with its own Idempotency-Key; it is started again and
 * every request is sent again with its key — until answered, as a client would (network errors,
 * 503 and "still being processed" are retried). Then:
 * - exactly one invoice per creation key (its comments carry the key), none lost, none twice;
 * - every request answered 2xx before the kill is answered again with the same status and body
 *   (replayed), so every acknowledged write is there with the same id;
 * - every submit ends 200 with its invoice Under Review, submitted once — never 409;
 * - no 5xx at any point.
 * Runs on PostgreSQL (200 requests) and on PGlite (100: it answers one request at a time; the
 * embedded database recovers from the kill as a server does).
 * The figures are printed at the end (docs/reliability.md). FAULTS_SCALE=4 runs four times the load.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { viewerOf } from '../support/factories.ts';
import { seedBilling, type BillingSeed } from '../support/billing-seed.ts';
import { testDatabaseUrl } from '../support/test-db.ts';
import { createInvoice } from '../../src/services/billing/create-invoice.ts';
import { openFaultDatabase, send, serve, shuffled, sleep, type Answer, type FaultDatabase, type Served } from './support.ts';

// PGlite answers one request at a time: half the load proves the same there in half the time.
const SCALE = Number(process.env.FAULTS_SCALE ?? 1) * (testDatabaseUrl() ? 1 : 0.5);
const COMMITMENTS = 16;
const CREATES = Math.round(160 * SCALE);
const SUBMITS = Math.round(40 * SCALE);
/** The kill comes once this share of the requests has been answered. */
const KILL_AFTER = 0.3;
/** How long a client keeps retrying one request. */
const RETRY_FOR_MS = 120_000;

let database: FaultDatabase;
let seed: BillingSeed;
let server: Served | undefined;

type Request = { kind: 'create' | 'submit'; path: string; body: unknown; key: string; invoiceId?: string };

before(async () => {
  database = await openFaultDatabase();
  const handle = await database.open();
  seed = await seedBilling(handle.db, { commitments: COMMITMENTS });
});
after(async () => {
  await server?.kill();
  await database.dispose();
});

test('killed mid-load and retried with the same keys: one invoice per key, every acknowledged write kept, no 409, no 5xx', { timeout: 600_000 }, async () => {
  const handle = await database.open();
  const requests: Request[] = [];
  for (let i = 0; i < CREATES; i += 1) {
    const key = `create-${i}-${randomUUID()}`;
    const commitment = seed.commitments[i % COMMITMENTS];
    assert.ok(commitment);
    requests.push({ kind: 'create', path: `${seed.p}/commitments/${commitment.id}/invoices`, body: { comments: key }, key });
  }
  for (let i = 0; i < SUBMITS; i += 1) {
    const commitment = seed.commitments[i % COMMITMENTS];
    assert.ok(commitment);
    const draft = await createInvoice(handle.db, viewerOf(seed.admin), seed.project.id, commitment.id, { comments: `draft-${i}` }, new Date());
    requests.push({
      kind: 'submit',
      path: `${seed.p}/invoices/${draft.id}/transitions`,
      body: { action: 'submit', version: draft.version },
      key: `submit-${i}-${randomUUID()}`,
      invoiceId: draft.id,
    });
  }
  await database.release();

  // The load, and the kill once 30 % of it has been answered.
  server = await serve(database);
  const first = server;
  const beforeKill = new Map<Request, Answer>();
  let killed = false;
  let killing: Promise<void> | undefined;
  const killAt = Math.floor(requests.length * KILL_AFTER);
  await Promise.all(
    shuffled(requests, 11).map(async (r) => {
      const answer = await send(first.url, r.path, seed.token, r.body, { 'idempotency-key': r.key });
      if (answer && !killed) beforeKill.set(r, answer);
      if (beforeKill.size >= killAt && !killed) {
        killed = true;
        killing = first.kill();
      }
    }),
  );
  await killing;
  assert.ok(killed, 'the server was killed mid-load');
  const inFlight = requests.length - beforeKill.size;
  assert.ok(inFlight > 0, 'requests were in flight at the kill');

  // Started again: every request sent again with its key, until answered.
  server = await serve(database);
  const second = server;
  const afterRestart = new Map<Request, Answer>();
  let retries = 0;
  await Promise.all(
    shuffled(requests, 29).map(async (r) => {
      const deadline = Date.now() + RETRY_FOR_MS;
      for (;;) {
        retries += 1;
        const answer = await send(second.url, r.path, seed.token, r.body, { 'idempotency-key': r.key });
        const retryable =
          !answer || answer.status === 503 || (answer.status === 409 && answer.body?.error?.code === 'conflict' && answer.body?.error?.field === 'Idempotency-Key');
        if (!retryable || Date.now() > deadline) {
          if (answer) afterRestart.set(r, answer);
          return;
        }
        await sleep(answer?.retryAfter ? Number(answer.retryAfter) * 1000 : 500);
      }
    }),
  );
  await second.stop();
  server = undefined;

  const all = [...beforeKill.values(), ...afterRestart.values()];
  const fiveHundreds = all.filter((a) => a.status >= 500);
  const unanswered = requests.filter((r) => !afterRestart.has(r));
  const refused = requests.filter((r) => (afterRestart.get(r)?.status ?? 0) >= 300 || (beforeKill.get(r)?.status ?? 200) >= 300);
  // What was acknowledged before the kill must be answered again, the same.
  const changedAnswers = [...beforeKill].filter(([r, answer]) => {
    const again = afterRestart.get(r);
    return !again?.replayed || again.status !== answer.status || JSON.stringify(again.body) !== JSON.stringify(answer.body);
  });
  const inFlightReplayed = requests.filter((r) => !beforeKill.has(r) && afterRestart.get(r)?.replayed).length;

  // The database: one invoice per key, each the one its answer names; every submit applied once.
  const inspect = await database.open();
  const invoices = await inspect.db
    .selectFrom('invoices')
    .select(['id', 'comments', 'status'])
    .where('tenantId', '=', seed.project.tenantId)
    .where('projectId', '=', seed.project.id)
    .execute();
  const byKey = new Map<string, string[]>();
  for (const invoice of invoices) byKey.set(invoice.comments, [...(byKey.get(invoice.comments) ?? []), invoice.id]);
  const creates = requests.filter((r) => r.kind === 'create');
  const duplicates = creates.filter((r) => (byKey.get(r.key)?.length ?? 0) > 1);
  const lost = creates.filter((r) => (byKey.get(r.key)?.length ?? 0) === 0);
  const misnamed = creates.filter((r) => byKey.get(r.key)?.[0] !== afterRestart.get(r)?.body?.invoice?.id);
  const submissions = await inspect.db
    .selectFrom('invoiceSubmissions')
    .select(['invoiceId'])
    .where('tenantId', '=', seed.project.tenantId)
    .where('invoiceId', 'in', requests.flatMap((r) => (r.invoiceId ? [r.invoiceId] : [])))
    .execute();
  const submits = requests.filter((r) => r.kind === 'submit');
  const notSubmittedOnce = submits.filter(
    (r) => invoices.find((i) => i.id === r.invoiceId)?.status !== 'under_review' || submissions.filter((x) => x.invoiceId === r.invoiceId).length !== 1,
  );

  const figures = {
    database: database.kind,
    requests: requests.length,
    creates: CREATES,
    submits: SUBMITS,
    kills: 1,
    answeredBeforeKill: beforeKill.size,
    inFlightAtKill: inFlight,
    retriesSent: retries,
    inFlightFoundCommitted: inFlightReplayed,
    inFlightRunAfresh: inFlight - inFlightReplayed,
    replayedIdentical: beforeKill.size - changedAnswers.length,
    duplicates: duplicates.length,
    lost: lost.length,
    serverErrors: fiveHundreds.length,
    conflicts409: all.filter((a) => a.status === 409).length,
  };
  console.log(`faults: kill-and-retry ${JSON.stringify(figures)}`);

  const sample = <T>(items: T[]) => items.slice(0, 5);
  assert.deepEqual(sample(fiveHundreds.map((a) => [a.status, a.body])), [], `no 5xx (${fiveHundreds.length})`);
  assert.deepEqual(sample(unanswered.map((r) => r.key)), [], `every request answered after the restart (${unanswered.length} not)`);
  assert.deepEqual(
    sample(refused.map((r) => [r.kind, beforeKill.get(r)?.status, afterRestart.get(r)?.status, JSON.stringify(afterRestart.get(r)?.body).slice(0, 160)])),
    [],
    `every request succeeds: no 409 for a submit that was applied (${refused.length} did not)`,
  );
  assert.deepEqual(sample(changedAnswers.map(([r]) => r.key)), [], `every answer given before the kill is replayed identically (${changedAnswers.length} not)`);
  assert.deepEqual(sample(duplicates.map((r) => [r.key, byKey.get(r.key)])), [], `no key created two invoices (${duplicates.length} did)`);
  assert.deepEqual(sample(lost.map((r) => r.key)), [], `no creation lost (${lost.length})`);
  assert.deepEqual(sample(misnamed.map((r) => r.key)), [], 'each invoice is the one its answer names');
  assert.equal(invoices.length, CREATES + SUBMITS, 'nothing else was created');
  assert.deepEqual(sample(notSubmittedOnce.map((r) => r.key)), [], `every submit applied exactly once (${notSubmittedOnce.length} not)`);
});
