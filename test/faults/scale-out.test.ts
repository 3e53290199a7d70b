/**
 * Scale-out (issue 12, docs/deployment.md): two `payapp serve` processes and two `payapp worker`
 * processes against one PostgreSQL database, requests alternating between the two ports.
 * - a session made on one process works on the other (read and cookie write), and signing out on
 *   one ends it on both: sessions live in PostgreSQL;
 * - an invoice created with an Idempotency-Key and retried on the other port — one after the other,
 *   and both at once — is created once;
 * - scheduled work runs exactly once: both workers start at the same moment and both look for due
 *   automatic billing periods; each project gets one;
 * - no email is sent twice: messages queued beforehand and Invite to Bill emails sent through both
 *   ports are delivered by the two workers to one SMTP sink, each exactly once, all marked sent.
 * PostgreSQL only: the embedded PGlite database belongs to one process.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { insertEmail } from '../../src/db/email.queries.ts';
import type { Project } from '../../src/domain/project.ts';
import { updateProjectSettings } from '../../src/services/billing/save-settings.ts';
import { seedBilling, type BillingSeed } from '../support/billing-seed.ts';
import { addToProject, makeProject, makeUser, systemAdminOf, viewerOf } from '../support/factories.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp.ts';
import { testDatabaseUrl } from '../support/test-db.ts';
import { openFaultDatabase, send, serve, sleep, startWorkerProcess, type FaultDatabase, type Served, type WorkerProcess } from './support.ts';
import { everyTenant } from '../support/tenants.ts';

const url = testDatabaseUrl();
const skip = url ? false : 'PostgreSQL only (set TEST_DATABASE_URL): the embedded PGlite database belongs to one process.';
const QUEUED_EMAILS = 40;
const COMMITMENTS = 6;
const AUTOMATIC_PROJECTS = 4;
const PASSWORD = 'scale-out-password-2026';

let database: FaultDatabase;
let sink: SmtpSink;
let seed: BillingSeed;
let signInEmail: string;
const automaticProjects: Project[] = [];
const servers: Served[] = [];
const workers: WorkerProcess[] = [];

before(async () => {
  if (!url) return;
  database = await openFaultDatabase();
  sink = await startSmtpSink();
  const { db } = await database.open();
  seed = await seedBilling(db, { commitments: COMMITMENTS });
  const { gc, admin: companyAdmin } = await systemAdminOf(db);
  const person = await makeUser(db, gc, { name: 'Scale Out', password: PASSWORD });
  await addToProject(db, seed.project, person, 'admin');
  signInEmail = person.email;
  // Weekly automatic periods that started three days ago: due now, for both workers at once.
  const startsOn = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  for (let i = 0; i < AUTOMATIC_PROJECTS; i += 1) {
    const project = await makeProject(db);
    await updateProjectSettings(db, viewerOf(companyAdmin), project.id, { version: 1, automaticFrequency: 'weekly', automaticStartsOn: startsOn }, new Date());
    automaticProjects.push(project);
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < QUEUED_EMAILS; i += 1) {
      await insertEmail(trx, {
        kind: 'password_reset',
        projectId: null,
        toUserId: null,
        toAddress: `person${i}@scale-out.example`,
        payload: { recipientName: `Person ${i}`, url: '/reset-password?token=x', expiresAt: '2026-12-08T00:00:00Z' },
        messageId: `<${randomUUID()}@payapp.test>`,
        now: new Date(Date.now() - 1_000),
      });
    }
  });
});

after(async () => {
  if (!url) return;
  await Promise.all([...servers.map((s) => s.kill()), ...workers.map((w) => w.kill())]);
  await sink.stop();
  await database.dispose();
});

async function call(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

test('two serve and two worker processes on one PostgreSQL: sessions, idempotency, scheduled work and email each hold across processes', { skip, timeout: 180_000 }, async () => {
  const started = performance.now();
  const { db } = await database.open();
  // The workers start together, so they look for due work at the same moment.
  const [a, b, w1, w2] = await Promise.all([
    serve(database),
    serve(database),
    startWorkerProcess(database, { SMTP_URL: sink.url }),
    startWorkerProcess(database, { SMTP_URL: sink.url }),
  ]);
  servers.push(a, b);
  workers.push(w1, w2);
  const ports = [a.url, b.url];
  const startupMs = Math.round(performance.now() - started);

  // 1. A session made on A works on B (a read and a cookie write), and signing out on B ends it on A.
  const signIn = await call(a.url, 'POST', '/api/v1/session', {}, { email: signInEmail, password: PASSWORD });
  assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = { cookie, 'x-csrf-token': String(signIn.body.csrfToken) };
  const onB = await call(b.url, 'GET', '/api/v1/session', { cookie });
  assert.equal(onB.status, 200);
  assert.equal(onB.body.user.email, signInEmail);
  const commitment = seed.commitments[0];
  assert.ok(commitment);
  const written = await call(b.url, 'POST', `${seed.p}/commitments/${commitment.id}/invoices`, csrf, { comments: 'session from A, written on B' });
  assert.equal(written.status, 201, JSON.stringify(written.body));
  assert.equal((await call(b.url, 'DELETE', '/api/v1/session', csrf)).status, 204);
  assert.equal((await call(a.url, 'GET', '/api/v1/session', { cookie })).status, 401, 'signed out on B: the session is gone on A too');

  // 2. Idempotency-Key retried on the other port: one after the other, then both at once.
  const keys: string[] = [];
  for (let i = 0; i < 12; i += 1) {
    const key = `scale-${i}-${randomUUID()}`;
    keys.push(key);
    const target = seed.commitments[i % COMMITMENTS];
    assert.ok(target);
    const path = `${seed.p}/commitments/${target.id}/invoices`;
    const body = { comments: key };
    const first = ports[i % 2] ?? a.url;
    const other = ports[(i + 1) % 2] ?? b.url;
    const answers =
      i < 6
        ? [await send(first, path, seed.token, body, { 'idempotency-key': key }), await send(other, path, seed.token, body, { 'idempotency-key': key })]
        : await Promise.all([send(first, path, seed.token, body, { 'idempotency-key': key }), send(other, path, seed.token, body, { 'idempotency-key': key })]);
    assert.deepEqual(
      answers.map((x) => x?.status),
      [201, 201],
      `key ${i}: ${JSON.stringify(answers.map((x) => x?.body))}`,
    );
    assert.equal(answers.filter((x) => x?.replayed).length, 1, `key ${i}: one answer made, one replayed`);
  }
  const perKey = await db
    .selectFrom('invoices')
    .select(({ fn }) => ['comments', fn.countAll<number>().as('n')])
    .where('comments', 'in', keys)
    .groupBy('comments')
    .modifyEnd(everyTenant)
    .execute();
  assert.equal(perKey.length, keys.length, 'every key made its invoice');
  assert.deepEqual(
    perKey.filter((r) => Number(r.n) !== 1),
    [],
    'no invoice created twice',
  );

  // 3. Invite to Bill through both ports: email for the workers to deliver.
  const invited = await Promise.all(
    seed.commitments.map((c, i) => call(ports[i % 2] ?? a.url, 'POST', `${seed.p}/invites`, { authorization: `Bearer ${seed.token}` }, { commitmentIds: [c.id] })),
  );
  for (const r of invited) assert.equal(r.status, 200, JSON.stringify(r.body));

  // 4. Wait until nothing is left to deliver, then check each message went once.
  const deadline = Date.now() + 60_000;
  let open = Infinity;
  while (Date.now() < deadline) {
    const row = await db.selectFrom('emailMessages').select(({ fn }) => fn.countAll<number>().as('n')).where('status', 'in', ['pending', 'sending']).executeTakeFirstOrThrow();
    open = Number(row.n);
    if (open === 0) break;
    await sleep(200);
  }
  assert.equal(open, 0, 'every email delivered');
  await sleep(500); // a duplicate would arrive now
  const sent = await db.selectFrom('emailMessages').select(['messageId']).where('status', '=', 'sent').execute();
  assert.ok(sent.length >= QUEUED_EMAILS + COMMITMENTS, `queued and invite emails sent: ${sent.length}`);
  const copies = new Map<string, number>();
  for (const m of sink.messages) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
  assert.deepEqual([...copies.entries()].filter(([, n]) => n > 1), [], 'no email sent twice');
  assert.deepEqual(new Set(copies.keys()), new Set(sent.map((m) => m.messageId)), 'the sink got exactly the messages marked sent');

  // 5. Both workers looked for due automatic periods at start: one period per project.
  const periods = await db
    .selectFrom('billingPeriods')
    .select(['projectId', 'startsOn'])
    .where('tenantId', 'in', [...new Set(automaticProjects.map((p) => p.tenantId))])
    .where(
      'projectId',
      'in',
      automaticProjects.map((p) => p.id),
    )
    .execute();
  assert.equal(periods.length, AUTOMATIC_PROJECTS, `one automatic period per project: ${JSON.stringify(periods)}`);
  assert.equal(new Set(periods.map((p) => p.projectId)).size, AUTOMATIC_PROJECTS);

  // 6. Every process stops cleanly.
  for (const p of [...servers, ...workers]) p.child.kill('SIGTERM');
  const codes = await Promise.all([...servers.map((s) => new Promise<number | null>((r) => (s.alive() ? s.child.once('exit', (c) => r(c)) : r(s.child.exitCode)))), ...workers.map((w) => w.exited())]);
  assert.deepEqual(codes, [0, 0, 0, 0]);
  console.log(
    `scale-out: 2 serve + 2 worker processes up in ${startupMs} ms; 1 session across both; ${keys.length} keys retried across ports, ${perKey.length} invoices; ` +
      `${sink.messages.length} emails delivered once each; ${periods.length} automatic periods for ${AUTOMATIC_PROJECTS} projects; ${Math.round(performance.now() - started)} ms in all`,
  );
});
