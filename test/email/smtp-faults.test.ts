/**
 * Issue 11, defect 3 and the "faults" test: an SMTP server that refuses, then drops, then is slow —
 * with two workers (two connection pools on PostgreSQL) — and every email is delivered, none twice.
 *
 * The slow phase is the defect: a batch whose sending outlives its lease. Before the fix, the
 * second worker took over the tail of the first worker's batch as soon as the lease ran out while
 * the first was still working through it, and both sent those messages (9 of 30 in the probe). Now
 * the lease is renewed while the batch is worked through, and marking checks the claim's token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { openDatabase, type Db, type DatabaseHandle } from '../../src/db/database.ts';
import { insertEmail } from '../../src/db/email.queries.ts';
import { deliverDueEmails, type DeliveryReport } from '../../src/email/deliver.ts';
import { createSmtpTransport, type EmailTransport } from '../../src/email/transport.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp.ts';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/test-db.ts';

const EMAILS = 30;
const LEASE_MS = 1_000;
const SLOW_MS = 120; // 25 messages × 120 ms = 3 s per batch: three leases' worth

let database: TestDatabase;
let sink: SmtpSink;
let extra: DatabaseHandle[] = [];
let workers: { db: Db; transport: EmailTransport }[] = [];
// Real time plus an offset the test moves forward to make retries due: leases run in real time.
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);

before(async () => {
  database = await openTestDatabase();
  sink = await startSmtpSink();
  const url = testDatabaseUrl();
  extra = url
    ? await Promise.all(
        [1, 2].map(() => {
          const u = new URL(url);
          u.pathname = `/${database.name}`;
          return openDatabase({ url: u.toString(), poolSize: 2 });
        }),
      )
    : [];
  const dbs = url ? extra.map((h) => h.db) : [database.db, database.db];
  workers = dbs.map((db) => ({ db, transport: createSmtpTransport(sink.url) }));
});
after(async () => {
  for (const w of workers) w.transport.close();
  await Promise.all(extra.map((h) => h.close()));
  await sink.stop();
  await database.close();
});

/** Both workers, each running its delivery job until nothing is due for it; the reports summed. */
async function bothWorkersUntilIdle(batchSize = 25): Promise<DeliveryReport> {
  const total: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  await Promise.all(
    workers.map(async (w) => {
      for (;;) {
        const r = await deliverDueEmails(w.db, w.transport, { from: 'payapp <billing@payapp.test>', baseUrl: 'http://payapp.test', now, batchSize, leaseMs: LEASE_MS });
        total.sent += r.sent;
        total.retried += r.retried;
        total.failed += r.failed;
        if (r.sent + r.retried + r.failed === 0) return;
      }
    }),
  );
  return total;
}

async function statuses(ids: string[]): Promise<Record<string, number>> {
  const rows = await database.db.selectFrom('emailMessages').select(['status']).where('messageId', 'in', ids).execute();
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

describe('an SMTP server that refuses, then drops, then is slow, with two workers', () => {
  test('every email is delivered, none twice', { timeout: 60_000 }, async () => {
    const messageIds = Array.from({ length: EMAILS }, () => `<${randomUUID()}@payapp.test>`);
    await database.db.transaction().execute(async (trx) => {
      for (const [i, messageId] of messageIds.entries()) {
        await insertEmail(trx, {
          kind: 'password_reset',
          projectId: null,
          toUserId: null,
          toAddress: `person${i}@faults.example`,
          payload: { recipientName: `Person ${i}`, url: '/reset-password?token=x', expiresAt: '2026-12-08T00:00:00Z' },
          messageId,
          now: now(),
        });
      }
    });

    // 1. The server refuses every recipient with 451 "try later": each message waits for a retry.
    sink.refuse({ code: 451 });
    const refused = await bothWorkersUntilIdle();
    assert.deepEqual(refused, { sent: 0, retried: EMAILS, failed: 0 });
    assert.equal(sink.refused, EMAILS);
    sink.refuse(null);
    offsetMs += 60 * 60_000;

    // 2. The server is gone (connections refused): each message waits for another retry.
    await sink.down();
    const dropped = await bothWorkersUntilIdle();
    assert.deepEqual(dropped, { sent: 0, retried: EMAILS, failed: 0 });
    await sink.up();
    offsetMs += 6 * 60 * 60_000;

    // 3. The server is back but slow: a batch takes three leases to send.
    sink.slow(SLOW_MS);
    const delivered = await bothWorkersUntilIdle();
    sink.slow(0);

    const arrived = sink.messages.filter((m) => messageIds.includes(m.messageId));
    const copies = new Map<string, number>();
    for (const m of arrived) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
    const twice = [...copies.entries()].filter(([, n]) => n > 1);
    console.log(
      `faults: smtp ${JSON.stringify({ emails: EMAILS, workers: 2, refusals: sink.refused, dropsRetried: dropped.retried, slowMsPerMessage: SLOW_MS, leaseMs: LEASE_MS, delivered: copies.size, duplicates: twice.length, lost: EMAILS - copies.size })}`,
    );
    assert.deepEqual(twice, [], `${twice.length} of ${EMAILS} emails were delivered more than once`);
    assert.equal(copies.size, EMAILS, 'every email arrived');
    assert.equal(delivered.sent, EMAILS);
    assert.deepEqual(await statuses(messageIds), { sent: EMAILS });
  });
});
