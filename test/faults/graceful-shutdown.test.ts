/**
 * Graceful shutdown (issue 12, docs/decisions/024), on the real `payapp serve` and `payapp worker`
 * as child processes, on PGlite and on PostgreSQL:
 * - serve: SIGTERM arrives while a request is in flight (its body only half sent). Readiness answers
 *   503 "draining" at once, new connections are refused once the listener closes, the request in
 *   flight completes (201, the invoice is in the database) and the process exits 0.
 * - worker: SIGTERM arrives while it works through a batch of email on a slow SMTP server. The
 *   message being sent finishes and is marked sent; the rest of the batch goes back to 'pending'
 *   at once (not left 'sending' until its lease runs out), its attempt not counted; nothing is sent
 *   twice; the process exits 0.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { insertEmail } from '../../src/db/email.queries.ts';
import { seedBilling, type BillingSeed } from '../support/billing-seed.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp.ts';
import { exitCode, openFaultDatabase, serve, sleep, startWorkerProcess, type FaultDatabase } from './support.ts';
import { everyTenant } from '../support/tenants.ts';

/** One GET on a fresh connection (no keep-alive): the status and JSON body, or the connection error's code. */
function probe(url: string): Promise<{ status: number; body: any } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

describe('payapp serve on SIGTERM', () => {
  let database: FaultDatabase;
  let seed: BillingSeed;
  before(async () => {
    database = await openFaultDatabase();
    seed = await seedBilling((await database.open()).db, { commitments: 1 });
    await database.release();
  });
  after(() => database.dispose());

  test('drains: readiness 503, no new connections, the request in flight completes, exit 0', { timeout: 120_000 }, async () => {
    const comments = `in flight ${randomUUID()}`;
    const server = await serve(database, { SHUTDOWN_DELAY_MS: '600', SHUTDOWN_GRACE_MS: '15000' });
    try {
      assert.deepEqual(await probe(`${server.url}/healthz`), { status: 200, body: { status: 'ok' } });
      assert.deepEqual(await probe(`${server.url}/readyz`), { status: 200, body: { status: 'ready', database: 'ok', migrations: 'current' } });

      // A create whose body arrives in two halves: the request is in the server while SIGTERM lands.
      const body = Buffer.from(JSON.stringify({ comments }));
      const commitment = seed.commitments[0];
      assert.ok(commitment);
      const answer = new Promise<{ status: number; body: any; connection: string | undefined }>((resolve, reject) => {
        const req = request(
          `${server.url}${seed.p}/commitments/${commitment.id}/invoices`,
          { method: 'POST', agent: false, headers: { authorization: `Bearer ${seed.token}`, 'content-type': 'application/json', 'content-length': body.length } },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), connection: res.headers.connection }));
          },
        );
        req.on('error', reject);
        req.write(body.subarray(0, 10));
        void sleep(1_500).then(() => req.end(body.subarray(10)));
      });
      await sleep(300);
      server.child.kill('SIGTERM');
      await sleep(200);
      assert.deepEqual(await probe(`${server.url}/readyz`), { status: 503, body: { status: 'draining' } }, 'draining: readiness says so while the listener is still open');
      await sleep(700);
      const refused = await probe(`${server.url}/healthz`);
      assert.ok('error' in refused && refused.error === 'ECONNREFUSED', `the listener is closed: ${JSON.stringify(refused)}`);
      assert.equal(server.alive(), true, 'still running while the request is in flight');

      const created = await answer;
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(await exitCode(server.child, 15_000), 0, server.output());
      assert.match(server.output(), /SIGTERM received: draining/);
      assert.match(server.output(), /payapp stopped in \d+ ms\./);
    } finally {
      await server.kill();
    }
    const { db } = await database.open();
    const rows = await db.selectFrom('invoices').select('comments').where('comments', 'like', 'in flight %').modifyEnd(everyTenant).execute();
    assert.deepEqual(rows, [{ comments }], 'the request in flight was committed');
    await database.release();
  });
});

describe('payapp worker on SIGTERM', () => {
  const EMAILS = 12;
  let database: FaultDatabase;
  let sink: SmtpSink;
  before(async () => {
    database = await openFaultDatabase();
    sink = await startSmtpSink();
  });
  after(async () => {
    await sink.stop();
    await database.dispose();
  });

  test('finishes the message being sent, releases the rest of its batch, sends nothing twice, exits 0', { timeout: 120_000 }, async () => {
    const { db } = await database.open();
    const messageIds = Array.from({ length: EMAILS }, () => `<${randomUUID()}@payapp.test>`);
    await db.transaction().execute(async (trx) => {
      for (const [i, messageId] of messageIds.entries()) {
        await insertEmail(trx, {
          kind: 'password_reset',
          projectId: null,
          toUserId: null,
          toAddress: `person${i}@shutdown.example`,
          payload: { recipientName: `Person ${i}`, url: '/reset-password?token=x', expiresAt: '2026-12-08T00:00:00Z' },
          messageId,
          now: new Date(Date.now() - 1_000),
        });
      }
    });
    await database.release();

    sink.slow(400); // 12 messages in one batch: ~5 s to send them all
    const worker = await startWorkerProcess(database, { SMTP_URL: sink.url, SHUTDOWN_GRACE_MS: '15000' });
    try {
      await sink.waitFor(2, 30_000);
      worker.child.kill('SIGTERM');
      assert.equal(await exitCode(worker.child, 15_000), 0, worker.output());
    } finally {
      await worker.kill();
    }
    sink.slow(0);

    const sent = sink.messages.filter((m) => messageIds.includes(m.messageId)).map((m) => m.messageId);
    assert.ok(sent.length >= 2 && sent.length < EMAILS, `stopped mid-batch: ${sent.length} of ${EMAILS} sent`);
    assert.equal(new Set(sent).size, sent.length, 'nothing sent twice');

    const { db: after } = await database.open();
    const rows = await after.selectFrom('emailMessages').select(['messageId', 'status', 'claimToken', 'leaseUntil', 'attempts']).where('messageId', 'in', messageIds).execute();
    const byStatus = (status: string) => rows.filter((r) => r.status === status);
    assert.deepEqual(byStatus('sending'), [], 'no message is left claimed by the stopped worker');
    assert.deepEqual(byStatus('sent').map((r) => r.messageId).sort(), [...sent].sort(), 'every message that arrived is marked sent, the one in flight included');
    const released = byStatus('pending');
    assert.equal(released.length, EMAILS - sent.length, 'the rest went back to the queue');
    for (const r of released) {
      assert.equal(r.claimToken, null);
      assert.equal(r.leaseUntil, null);
      assert.equal(r.attempts, 0, 'the attempt it was claimed for does not count');
    }
    await database.release();
    console.log(`worker stopped mid-batch: ${sent.length} sent, ${released.length} released, 0 left claimed`);
  });
});
