/**
 * Issue 4, "Delivery": nothing lost, nothing doubled, nobody who should not get it — against a real
 * SMTP server on loopback. SMTP down for a while; transient refusals up to the attempt limit, then
 * failed, shown to administrators and retried by them; permanent refusals of a message, and
 * server-side refusals (sign-in, service) that are not permanent; two workers racing (two
 * connection pools on PostgreSQL); a worker killed mid-batch (before and after sending) or
 * outliving its lease; the message written in the transaction of the change; skipped recipients
 * and their reasons; and the worker itself, over SMTP and into the built-in mailbox.
 */
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, afterEach, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import type { Commitment } from '../../src/domain/commitment.ts';
import type { User } from '../../src/domain/directory.ts';
import { MAX_DELIVERY_ATTEMPTS } from '../../src/domain/notifications.ts';
import { openDatabase, type Db } from '../../src/db/database.ts';
import { claimDueEmails } from '../../src/db/email.queries.ts';
import { deliverDueEmails, type DeliveryReport } from '../../src/email/deliver.ts';
import { createSmtpTransport, type EmailTransport } from '../../src/email/transport.ts';
import { createApp } from '../../src/http/app.ts';
import { processPasswordResetRequests } from '../../src/services/auth/request-password-reset.ts';
import { enqueueEmail } from '../../src/services/notifications/enqueue-email.ts';
import { startWorker } from '../../src/worker/scheduler.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertError, assertNo5xx, assertOk, billingProject, track, type BillingSetup, type Seen } from '../support/billing.ts';
import { addToProject, makeCommitment, makeUser, systemAdminOf, unique } from '../support/factories.ts';
import { htmlLinks, startSmtpSink, type SinkMessage, type SmtpSink } from '../support/smtp.ts';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/test-db.ts';

const BASE = 'http://payapp.test';
const FROM = 'payapp <billing@payapp.test>';
const SECOND = 1000;

let database: TestDatabase;
let t: TestApp;
let sink: SmtpSink;
let transport: EmailTransport;
const seen: Seen = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  sink = await startSmtpSink();
  // One long-lived pooled transport, as the worker has: it must survive the server going away.
  transport = createSmtpTransport(sink.url);
});
after(async () => {
  transport.close();
  await sink.stop();
  await database.close();
});
afterEach(async () => {
  assertNo5xx(seen);
  // Each test starts from a working server and an empty queue, whatever the last one left behind.
  sink.refuse(null);
  await sink.up();
  await t.db.updateTable('emailMessages').set({ status: 'failed', lastError: 'left over by an earlier test' }).where('status', 'in', ['pending', 'sending']).execute();
});

function run(options: { db?: Db; via?: EmailTransport; batchSize?: number } = {}): Promise<DeliveryReport> {
  return deliverDueEmails(options.db ?? t.db, options.via ?? transport, {
    from: FROM,
    baseUrl: BASE,
    now: t.clock.now,
    ...(options.batchSize && { batchSize: options.batchSize }),
  });
}

type Row = {
  id: number;
  kind: string;
  toAddress: string;
  status: string;
  skipReason: string | null;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  messageId: string;
  transport: string | null;
};

async function rowsOf(projectId: string, kind = 'invite_to_bill'): Promise<Row[]> {
  const rows = await t.db
    .selectFrom('emailMessages')
    .select(['id', 'kind', 'toAddress', 'status', 'skipReason', 'attempts', 'nextAttemptAt', 'lastError', 'messageId', 'transport'])
    .where('projectId', '=', projectId)
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** The messages the SMTP server received with these Message-IDs (every copy). */
function arrived(messageIds: string[]): SinkMessage[] {
  const wanted = new Set(messageIds);
  return sink.messages.filter((m) => wanted.has(m.messageId));
}

function countById(messages: SinkMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  return counts;
}

/** `count` people of the subcontractor in the project directory (Read Only). */
async function people(s: BillingSetup, count: number, options: { emailEnabled?: boolean } = {}): Promise<User[]> {
  const out: User[] = [];
  for (let i = 0; i < count; i += 1) {
    const user = await makeUser(t.db, s.sub, { name: unique('Contact'), ...options });
    await addToProject(t.db, s.project, user, 'read_only');
    out.push(user);
  }
  return out;
}

function commitmentWith(s: BillingSetup, contacts: User[], options: Parameters<typeof makeCommitment>[2] = {}): Promise<Commitment> {
  return makeCommitment(t.db, s.project, {
    contractCompanyId: s.sub.id,
    invoiceContactIds: contacts.map((c) => c.id),
    status: 'approved',
    retainageWorkBp: 1000,
    sov: [10_000_00, 5_000_00],
    ...options,
  });
}

async function openPeriod(s: BillingSetup): Promise<void> {
  assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
}

async function invite(s: BillingSetup, commitmentIds: string[]) {
  const res = await s.admin.post(`${s.p}/invites`, { commitmentIds, invoiceType: 'work_and_materials' });
  assertOk(res);
  return res.body as { sent: number; refused: number };
}

describe('nothing lost, nothing doubled', () => {
  test('SMTP down for a while: messages wait with a growing back-off and the error; when it returns each is delivered once', async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const contacts = await people(s, 3);
    const c = await commitmentWith(s, contacts);
    assert.equal((await invite(s, [c.id])).sent, 1);
    const ids = (await rowsOf(s.project.id)).map((r) => r.messageId);
    assert.equal(ids.length, 3);

    await sink.down();
    const gaps: number[] = [];
    for (let round = 1; round <= 3; round += 1) {
      const at = t.clock.now().getTime();
      assert.deepEqual(await run(), { sent: 0, retried: 3, failed: 0 }, `round ${round}: every message waits for another try`);
      const rows = await rowsOf(s.project.id);
      for (const r of rows) {
        assert.equal(r.status, 'pending');
        assert.equal(r.attempts, round);
        assert.match(r.lastError ?? '', /ECONNREFUSED/, 'the reason is kept for administrators');
      }
      const next = (rows[0] as Row).nextAttemptAt.getTime();
      gaps.push((next - at) / SECOND);
      // Not due yet: a worker looking again a moment later does nothing.
      t.clock.advance(next - at - SECOND);
      assert.deepEqual(await run(), { sent: 0, retried: 0, failed: 0 });
      t.clock.advance(SECOND);
    }
    assert.deepEqual(gaps, [30, 60, 120], 'exponential back-off');
    const pending = await s.admin.get(`${s.p}/emails?status=pending`);
    assertOk(pending);
    assert.equal(pending.body.data.length, 3, 'administrators see the waiting messages');
    assert.match(pending.body.data[0].lastError, /ECONNREFUSED/);

    await sink.up();
    assert.deepEqual(await run(), { sent: 3, retried: 0, failed: 0 });
    assert.deepEqual(
      (await rowsOf(s.project.id)).map((r) => r.status),
      ['sent', 'sent', 'sent'],
    );
    t.clock.advance(24 * 60 * 60 * SECOND);
    assert.deepEqual(await run(), { sent: 0, retried: 0, failed: 0 }, 'nothing left to send');
    const got = arrived(ids);
    assert.equal(got.length, 3, 'each message exactly once');
    assert.deepEqual([...countById(got).values()], [1, 1, 1]);
    assert.deepEqual(got.flatMap((m) => m.envelope.to).sort(), contacts.map((u) => u.email).sort());
  });

  test(`refused for good after ${MAX_DELIVERY_ATTEMPTS} tries: failed, shown to administrators, and delivered when one retries it`, async () => {
    t.clock.set('2026-11-03T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const c = await commitmentWith(s, [s.contact]);
    await invite(s, [c.id]);
    const [row] = await rowsOf(s.project.id);
    assert.ok(row);
    const refusedBefore = sink.refused;
    sink.refuse({ code: 451, only: (address) => address === s.contact.email });

    const delays: number[] = [];
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt += 1) {
      const report = await run();
      const [now] = await rowsOf(s.project.id);
      assert.ok(now);
      assert.equal(now.attempts, attempt);
      assert.match(now.lastError ?? '', /451/);
      if (attempt < MAX_DELIVERY_ATTEMPTS) {
        assert.deepEqual(report, { sent: 0, retried: 1, failed: 0 }, `attempt ${attempt}`);
        assert.equal(now.status, 'pending');
        delays.push((now.nextAttemptAt.getTime() - t.clock.now().getTime()) / SECOND);
        t.clock.set(now.nextAttemptAt);
      } else {
        assert.deepEqual(report, { sent: 0, retried: 0, failed: 1 }, 'the last attempt gives up');
        assert.equal(now.status, 'failed');
      }
    }
    assert.deepEqual(delays, [30, 60, 120, 240, 480, 960, 1920]);
    assert.equal(sink.refused - refusedBefore, MAX_DELIVERY_ATTEMPTS, 'the server was asked exactly that many times');
    t.clock.advance(7 * 24 * 60 * 60 * SECOND);
    assert.deepEqual(await run(), { sent: 0, retried: 0, failed: 0 }, 'a failed message is not retried by itself');

    const failed = await s.admin.get(`${s.p}/emails?status=failed`);
    assertOk(failed);
    assert.deepEqual(
      failed.body.data.map((e: any) => [e.id, e.kind, e.toAddress, e.status, e.attempts]),
      [[row.id, 'invite_to_bill', s.contact.email, 'failed', MAX_DELIVERY_ATTEMPTS]],
    );
    assert.match(failed.body.data[0].lastError, /451/);
    assertError(await s.contactApi.get(`${s.p}/emails?status=failed`), 403, 'forbidden');
    assertError(await s.contactApi.post(`${s.p}/emails/${row.id}/retry`), 403, 'forbidden');

    sink.refuse(null);
    const retried = await s.admin.post(`${s.p}/emails/${row.id}/retry`);
    assert.equal(retried.status, 204, JSON.stringify(retried.body));
    assertError(await s.admin.post(`${s.p}/emails/${row.id}/retry`), 404, 'not_found');
    assert.deepEqual(await run(), { sent: 1, retried: 0, failed: 0 });
    const [done] = await rowsOf(s.project.id);
    assert.equal(done?.status, 'sent');
    const got = arrived([row.messageId]);
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]?.envelope.to, [s.contact.email]);
    assertError(await s.admin.post(`${s.p}/emails/${row.id}/retry`), 404, 'not_found');
  });

  test('a permanent refusal (550) fails at once, without retrying, while the other recipients get theirs', async () => {
    t.clock.set('2026-11-04T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const [gone, fine] = (await people(s, 2)) as [User, User];
    const c = await commitmentWith(s, [gone, fine]);
    await invite(s, [c.id]);
    const refusedBefore = sink.refused;
    sink.refuse({ code: 550, only: (address) => address === gone.email });
    assert.deepEqual(await run(), { sent: 1, retried: 0, failed: 1 });
    const rows = await rowsOf(s.project.id);
    const byAddress = new Map(rows.map((r) => [r.toAddress, r]));
    assert.deepEqual([byAddress.get(gone.email)?.status, byAddress.get(gone.email)?.attempts], ['failed', 1]);
    assert.match(byAddress.get(gone.email)?.lastError ?? '', /550/);
    assert.equal(byAddress.get(fine.email)?.status, 'sent');
    t.clock.advance(24 * 60 * 60 * SECOND);
    assert.deepEqual(await run(), { sent: 0, retried: 0, failed: 0 });
    assert.equal(sink.refused - refusedBefore, 1, 'asked once, never again');
    const failed = await s.admin.get(`${s.p}/emails?status=failed`);
    assert.deepEqual(
      failed.body.data.map((e: any) => e.toAddress),
      [gone.email],
    );
  });

  test('a server that refuses the message content (554 after DATA) fails it at once too', async () => {
    t.clock.set('2026-11-04T16:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const c = await commitmentWith(s, [s.contact]);
    await invite(s, [c.id]);
    sink.refuse({ code: 554, at: 'data' });
    assert.deepEqual(await run(), { sent: 0, retried: 0, failed: 1 });
    const [row] = await rowsOf(s.project.id);
    assert.deepEqual([row?.status, row?.attempts], ['failed', 1]);
    assert.match(row?.lastError ?? '', /554/);
  });

  test("a server refusing our sign-in (535) or its service (554, 421) is not the message's fault: the message waits and goes once that is fixed", async () => {
    t.clock.set('2026-11-04T17:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const c = await commitmentWith(s, [s.contact]);
    const refusals = [
      { code: 535, at: 'login' },
      { code: 554, at: 'connect' },
      { code: 421, at: 'connect' },
    ] as const;
    for (const refusal of refusals) {
      await invite(s, [c.id]);
      const row = (await rowsOf(s.project.id)).at(-1) as Row;
      // A fresh connection that signs in, as a worker starting up with SMTP_URL credentials would.
      const via = createSmtpTransport(sink.loginUrl.replace('&pool=true', ''));
      try {
        sink.refuse(refusal);
        assert.deepEqual(await run({ via }), { sent: 0, retried: 1, failed: 0 }, `${refusal.code} at ${refusal.at}: try again later`);
        const [waiting] = (await rowsOf(s.project.id)).filter((r) => r.id === row.id);
        assert.deepEqual([waiting?.status, waiting?.attempts], ['pending', 1]);
        assert.match(waiting?.lastError ?? '', new RegExp(String(refusal.code)));
        sink.refuse(null);
        t.clock.advance(30 * SECOND);
        assert.deepEqual(await run({ via }), { sent: 1, retried: 0, failed: 0 }, `${refusal.code} at ${refusal.at}: delivered once fixed`);
        assert.equal(arrived([row.messageId]).length, 1);
      } finally {
        via.close();
      }
    }
  });

  test('two workers racing over 50 messages: each is delivered exactly once', async () => {
    t.clock.set('2026-11-05T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const contacts = await people(s, 10);
    const c = await commitmentWith(s, contacts);
    for (let i = 0; i < 5; i += 1) await invite(s, [c.id]);
    const rows = await rowsOf(s.project.id);
    assert.equal(rows.length, 50);

    // On PostgreSQL, two processes: two connection pools on the same database. PGlite has one connection.
    const url = testDatabaseUrl();
    const handles = url
      ? await Promise.all(
          [1, 2].map(() => {
            const u = new URL(url);
            u.pathname = `/${database.name}`;
            return openDatabase({ url: u.toString(), poolSize: 3 });
          }),
        )
      : [];
    const workers = url ? handles.map((h) => h.db) : [t.db, t.db];
    const transports = workers.map(() => createSmtpTransport(sink.url));
    try {
      // Both connected before the start signal, so neither gets a head start.
      await Promise.all(workers.map((db) => sql`select 1`.execute(db)));
      const loop = async (db: Db, via: EmailTransport) => {
        let sent = 0;
        for (;;) {
          const report = await run({ db, via, batchSize: 4 });
          assert.deepEqual([report.retried, report.failed], [0, 0]);
          sent += report.sent;
          if (report.sent === 0) return sent;
        }
      };
      // Two loops per worker, all at once.
      const sent = await Promise.all(workers.flatMap((db, i) => [loop(db, transports[i] as EmailTransport), loop(db, transports[i] as EmailTransport)]));
      const perWorker = [(sent[0] ?? 0) + (sent[1] ?? 0), (sent[2] ?? 0) + (sent[3] ?? 0)];
      assert.equal(perWorker[0]! + perWorker[1]!, 50, `sent per worker: ${perWorker.join(' + ')}`);
      assert.ok(perWorker[0]! > 0 && perWorker[1]! > 0, `both workers delivered some: ${perWorker.join(' + ')}`);
    } finally {
      for (const tr of transports) tr.close();
      await Promise.all(handles.map((h) => h.close()));
    }
    const got = arrived(rows.map((r) => r.messageId));
    const counts = countById(got);
    assert.equal(counts.size, 50, 'every message arrived');
    assert.deepEqual(
      [...counts.entries()].filter(([, n]) => n !== 1),
      [],
      'none arrived twice',
    );
    assert.deepEqual(new Set((await rowsOf(s.project.id)).map((r) => r.status)), new Set(['sent']));
  });

  test('a worker killed after claiming: the messages wait out its lease, then go once, with the Message-IDs they were written with', async () => {
    t.clock.set('2026-11-06T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const contacts = await people(s, 3);
    const c = await commitmentWith(s, contacts);
    await invite(s, [c.id]);
    const written = await rowsOf(s.project.id);
    const leaseMs = 120 * SECOND;

    // The worker claims them and dies before sending anything.
    const claimed = await claimDueEmails(t.db, t.clock.now(), leaseMs, 50, randomUUID());
    assert.deepEqual(
      claimed.map((m) => m.id).sort(),
      written.map((r) => r.id).sort(),
    );
    assert.deepEqual(
      (await rowsOf(s.project.id)).map((r) => r.status),
      ['sending', 'sending', 'sending'],
    );
    // While its lease runs, nobody else takes them (it might still be sending).
    assert.deepEqual(await run(), { sent: 0, retried: 0, failed: 0 });
    t.clock.advance(leaseMs - SECOND);
    assert.deepEqual(await run(), { sent: 0, retried: 0, failed: 0 });
    t.clock.advance(2 * SECOND);
    assert.deepEqual(await run(), { sent: 3, retried: 0, failed: 0 }, 'after the lease another worker delivers them');
    const got = arrived(written.map((r) => r.messageId));
    assert.equal(got.length, 3);
    for (const r of written) {
      const copies = got.filter((m) => m.messageId === r.messageId);
      assert.equal(copies.length, 1);
      assert.deepEqual(copies[0]?.envelope.to, [r.toAddress], 'under the Message-ID given when it was written');
    }
    assert.deepEqual(
      (await rowsOf(s.project.id)).map((r) => [r.status, r.attempts]),
      [
        ['sent', 2],
        ['sent', 2],
        ['sent', 2],
      ],
    );
  });

  test('a worker killed between sending and marking sent: the message goes again, as the same message (same Message-ID and content)', async () => {
    t.clock.set('2026-11-07T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const c = await commitmentWith(s, [s.contact]);
    await invite(s, [c.id]);
    const [row] = await rowsOf(s.project.id);
    assert.ok(row);

    // This worker's SMTP send succeeds, then the process "dies" before it can mark the row.
    const dying: EmailTransport = { kind: 'smtp', send: async (m) => transport.send(m).then(() => new Promise<void>(() => {})), close: () => {} };
    const before = sink.messages.length;
    void run({ via: dying, batchSize: 1 });
    await sink.waitFor(before + 1);
    assert.equal((await rowsOf(s.project.id))[0]?.status, 'sending');

    t.clock.advance(121 * SECOND);
    assert.deepEqual(await run(), { sent: 1, retried: 0, failed: 0 });
    const copies = arrived([row.messageId]);
    assert.equal(copies.length, 2, 'the crash cost a second copy…');
    const [first, second] = copies as [SinkMessage, SinkMessage];
    assert.deepEqual(
      [second.messageId, second.subject, second.text, second.html, second.envelope.to],
      [first.messageId, first.subject, first.text, first.html, first.envelope.to],
      '…of the very same message, which mail clients show once',
    );
    assert.equal((await rowsOf(s.project.id))[0]?.status, 'sent');
  });
});

describe('a worker that outlives its lease', () => {
  /** A transport whose SMTP connection hangs until released, then fails (a timeout) or goes through. */
  function hanging(outcome: 'timeout' | 'delivered') {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const via: EmailTransport = {
      kind: 'smtp',
      send: async (m) => {
        await gate;
        if (outcome === 'delivered') return transport.send(m);
        throw Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' });
      },
      close: () => {},
    };
    return { via, release };
  }

  async function waitForStatus(projectId: string, status: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while ((await rowsOf(projectId))[0]?.status !== status) {
      assert.ok(Date.now() < deadline, `the message reaches ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  for (const outcome of ['timeout', 'delivered'] as const) {
    test(`its late ${outcome === 'timeout' ? 'failure' : 'success'} cannot undo the delivery another worker made: the message stays sent and is not sent again`, async () => {
      t.clock.set(outcome === 'timeout' ? '2026-11-08T15:00:00Z' : '2026-11-08T16:00:00Z');
      const s = await billingProject(t, seen);
      await openPeriod(s);
      const c = await commitmentWith(s, [s.contact]);
      await invite(s, [c.id]);
      const [row] = await rowsOf(s.project.id);
      assert.ok(row);

      // Worker A claims the message and its SMTP connection hangs…
      const a = hanging(outcome);
      const reportA = run({ via: a.via, batchSize: 1 });
      await waitForStatus(s.project.id, 'sending');
      // …past its lease: worker B takes the message over and delivers it.
      t.clock.advance(121 * SECOND);
      assert.deepEqual(await run(), { sent: 1, retried: 0, failed: 0 });
      // Then A's connection gives up (or finally goes through).
      a.release();
      await reportA;
      const [after] = await rowsOf(s.project.id);
      assert.equal(after?.status, 'sent', 'a delivered message stays sent');
      t.clock.advance(24 * 60 * 60 * SECOND);
      assert.deepEqual(await run(), { sent: 0, retried: 0, failed: 0 }, 'and is not delivered again');
      const copies = arrived([row.messageId]);
      assert.equal(copies.length, outcome === 'timeout' ? 1 : 2, outcome === 'timeout' ? 'one copy' : 'two copies of the same message: both workers did send');
    });
  }
});

describe('written in the transaction of the change', () => {
  before(async () => {
    // A test-only switch that makes an audited action fail after everything else it wrote — the
    // email row included — as a failing constraint or a lost serialization race would.
    await t.db.schema.createTable('test_fail_audit').addColumn('entity_id', 'text').addColumn('action', 'text').execute();
    await sqlRaw(`create function test_fail_audit() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from test_fail_audit f where f.entity_id = new.entity_id and f.action = new.action) then
          raise exception 'test: this change fails' using errcode = '40001';
        end if;
        return new;
      end $$`);
    await sqlRaw('create trigger test_fail_audit before insert on audit_log for each row execute function test_fail_audit()');
  });
  after(async () => {
    await sqlRaw('drop trigger test_fail_audit on audit_log');
    await sqlRaw('drop function test_fail_audit()');
    await t.db.schema.dropTable('test_fail_audit').execute();
  });

  async function sqlRaw(text: string): Promise<void> {
    await sql.raw(text).execute(t.db);
  }

  async function failOn(entityId: string, action: string): Promise<void> {
    await t.db.insertInto('testFailAudit' as never).values({ entityId, action } as never).execute();
  }

  async function emailCount(projectId: string): Promise<number> {
    const row = await t.db.selectFrom('emailMessages').select((eb) => eb.fn.countAll<number>().as('n')).where('projectId', '=', projectId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  test('an invite that fails after its emails were written leaves no email (nor any invite) behind', async () => {
    t.clock.set('2026-11-09T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const [a, b] = (await people(s, 2)) as [User, User];
    const first = await commitmentWith(s, [a]);
    const second = await commitmentWith(s, [b]);
    // The first commitment's invite and email are written, then the second's audit entry fails.
    await failOn(second.id, 'invite_to_bill');
    assertError(await s.admin.post(`${s.p}/invites`, { commitmentIds: [first.id, second.id] }), 409, 'conflict');
    assert.equal(await emailCount(s.project.id), 0, 'no email for either commitment');
    const board = await s.admin.get(`${s.p}/billing-board`);
    assert.deepEqual(
      board.body.rows.map((r: any) => r.billingStatus),
      ['not_invited', 'not_invited'],
    );
    assert.deepEqual(await run(), { sent: 0, retried: 0, failed: 0 });
    assert.ok(!sink.messages.some((m) => m.envelope.to.includes(a.email) || m.envelope.to.includes(b.email)), 'nobody was told about an invite that does not exist');

    // The same invite once nothing fails: both emails, delivered.
    await t.db.deleteFrom('testFailAudit' as never).execute();
    assertOk(await s.admin.post(`${s.p}/invites`, { commitmentIds: [first.id, second.id] }));
    assert.equal(await emailCount(s.project.id), 2);
    const before = sink.messages.length;
    assert.deepEqual(await run(), { sent: 2, retried: 0, failed: 0 });
    assert.deepEqual(sink.messages.slice(before).flatMap((m) => m.envelope.to).sort(), [a.email, b.email].sort());
  });

  test('a submission that fails leaves no "invoice submitted" email; one that succeeds writes it', async () => {
    t.clock.set('2026-11-10T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const c = await commitmentWith(s, [s.contact]);
    const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
    assertOk(created, 201);
    const inv = created.body;
    // A line problem refuses the submission…
    const settings = await s.admin.get(`${s.p}/invoicing-settings`);
    assertOk(await s.admin.patch(`${s.p}/invoicing-settings`, { version: settings.body.version, allowOverbilling: true }));
    let saved = await s.contactApi.put(`${s.p}/invoices/${inv.invoice.id}/lines?view=full`, { version: inv.invoice.version, lines: [{ lineId: inv.lines[0].id, workCompletedThisPeriodCents: 10_000_01 }] });
    assertOk(saved);
    const again = await s.admin.get(`${s.p}/invoicing-settings`);
    assertOk(await s.admin.patch(`${s.p}/invoicing-settings`, { version: again.body.version, allowOverbilling: false }));
    assertError(await s.contactApi.post(`${s.p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'submit', version: saved.body.invoice.version }), 422, 'rule_violation');
    assert.equal((await rowsOf(s.project.id, 'invoice_submitted')).length, 0);
    saved = await s.contactApi.put(`${s.p}/invoices/${inv.invoice.id}/lines?view=full`, { version: saved.body.invoice.version, lines: [{ lineId: inv.lines[0].id, workCompletedThisPeriodCents: 1_000_00 }] });
    assertOk(saved);
    // …and a submission that fails after the email was written (its audit entry) rolls the email back.
    await failOn(inv.invoice.id, 'status_under_review');
    assertError(await s.contactApi.post(`${s.p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'submit', version: saved.body.invoice.version }), 409, 'conflict');
    assert.equal((await rowsOf(s.project.id, 'invoice_submitted')).length, 0);
    assert.equal((await s.admin.get(`${s.p}/invoices/${inv.invoice.id}`)).body.invoice.status, 'draft');

    await t.db.deleteFrom('testFailAudit' as never).execute();
    assertOk(await s.contactApi.post(`${s.p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'submit', version: saved.body.invoice.version }));
    assert.deepEqual(
      (await rowsOf(s.project.id, 'invoice_submitted')).map((r) => [r.toAddress, r.status]),
      [[s.adminUser.email, 'pending']],
    );
    assert.deepEqual(await run(), { sent: 1, retried: 0, failed: 0 });
  });

  test('an invite refused for every commitment writes no email', async () => {
    t.clock.set('2026-11-11T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const noContacts = await commitmentWith(s, []);
    const res = await s.admin.post(`${s.p}/invites`, { commitmentIds: [noContacts.id] });
    assertOk(res);
    assert.deepEqual([res.body.sent, res.body.refused], [0, 1]);
    assert.equal(await emailCount(s.project.id), 0);
  });
});

describe('recipients', () => {
  test('inactive people and people who turned email off get nothing; each is recorded as skipped, with the reason', async () => {
    t.clock.set('2026-11-12T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const [active, inactive, quiet] = (await people(s, 3)) as [User, User, User];
    const c = await commitmentWith(s, [active, inactive, quiet]);
    const { admin: rootUser } = await systemAdminOf(t.db);
    const root = track(await t.as(rootUser.id), seen);
    assertOk(await root.patch(`/api/v1/users/${inactive.id}`, { isActive: false }));
    const quietApi = track(await t.as(quiet.id), seen);
    assertOk(await quietApi.patch('/api/v1/me', { emailEnabled: false }));

    await invite(s, [c.id]);
    const before = sink.messages.length;
    assert.deepEqual(await run(), { sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(
      sink.messages.slice(before).map((m) => m.envelope.to),
      [[active.email]],
    );
    const rows = await rowsOf(s.project.id);
    const byAddress = new Map(rows.map((r) => [r.toAddress, [r.status, r.skipReason]]));
    assert.deepEqual(byAddress.get(active.email), ['sent', null]);
    assert.deepEqual(byAddress.get(inactive.email), ['skipped', 'inactive']);
    assert.deepEqual(byAddress.get(quiet.email), ['skipped', 'email_disabled']);

    const skipped = await s.admin.get(`${s.p}/emails?status=skipped`);
    assertOk(skipped);
    assert.deepEqual(
      skipped.body.data.map((e: any) => [e.toAddress, e.skipReason, e.skipReasonLabel]).sort(),
      [
        [inactive.email, 'inactive', 'the account is inactive'],
        [quiet.email, 'email_disabled', 'the person turned email off'],
      ].sort(),
    );
    t.clock.advance(24 * 60 * 60 * SECOND);
    assert.deepEqual(await run(), { sent: 0, retried: 0, failed: 0 }, 'a skipped message is never sent');
  });

  test('someone on the distribution list who can no longer see a private commitment hears nothing of its invoices', async () => {
    t.clock.set('2026-11-13T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const { gc } = await systemAdminOf(t.db);
    const former = await makeUser(t.db, gc, { name: unique('Former Admin') });
    await addToProject(t.db, s.project, former, 'admin');
    assertOk(await s.admin.put(`${s.p}/invoicing-settings/distribution`, { userIds: [s.adminUser.id, former.id] }));
    // Later they are lowered to Read Only: a private commitment is now hidden from them.
    assert.equal((await s.admin.put(`${s.p}/directory/users/${former.id}`, { commitmentsPermission: 'read_only' })).status, 204);
    const formerApi = track(await t.as(former.id), seen);
    const hidden = await commitmentWith(s, [s.contact], { isPrivate: true });
    assertError(await formerApi.get(`${s.p}/commitments/${hidden.id}`), 404, 'not_found');

    const created = await s.contactApi.post(`${s.p}/commitments/${hidden.id}/invoices?view=full`, {});
    assertOk(created, 201);
    const saved = await s.contactApi.put(`${s.p}/invoices/${created.body.invoice.id}/lines?view=full`, {
      version: created.body.invoice.version,
      lines: [{ lineId: created.body.lines[0].id, workCompletedThisPeriodCents: 1_000_00 }],
    });
    assertOk(saved);
    assertOk(await s.contactApi.post(`${s.p}/invoices/${created.body.invoice.id}/transitions?view=full`, { action: 'submit', version: saved.body.invoice.version }));
    const before = sink.messages.length;
    assert.deepEqual(await run(), { sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(
      sink.messages.slice(before).map((m) => m.envelope.to),
      [[s.adminUser.email]],
      'only the administrator who can see the commitment',
    );
    assert.ok(
      (await rowsOf(s.project.id, 'invoice_submitted')).every((r) => r.toAddress !== former.email || r.status === 'skipped'),
      'nothing on its way to them either',
    );

    // Whoever a message about a commitment is addressed to, someone who cannot see it is skipped
    // and recorded with the reason (the check every message goes through, whatever chose the people).
    const result = await t.db.transaction().execute((trx) =>
      enqueueEmail(
        trx,
        {
          kind: 'invoice_approved',
          tenantId: s.project.tenantId,
          projectId: s.project.id,
          commitment: hidden,
          userIds: [former.id],
          payload: () => assert.fail('nothing is written for someone who cannot see the commitment'),
        },
        t.clock.now(),
      ),
    );
    assert.deepEqual(result, { queued: [], skipped: [{ userId: former.id, reason: 'cannot_see_commitment' }] });
    const skipped = await s.admin.get(`${s.p}/emails?status=skipped`);
    assertOk(skipped);
    assert.deepEqual(
      skipped.body.data.filter((e: any) => e.toAddress === former.email).map((e: any) => [e.kind, e.skipReason, e.skipReasonLabel]),
      [
        ['invoice_approved', 'cannot_see_commitment', 'the person cannot see this commitment'],
        ['invoice_submitted', 'not_an_administrator', 'the person is no longer an invoice administrator of this project'],
      ],
    );
    assert.deepEqual(await run(), { sent: 0, retried: 0, failed: 0 });
  });

  test('account emails ignore the email preference: an invitation and a password reset reach someone with email off', async () => {
    t.clock.set('2026-11-14T15:00:00Z');
    const s = await billingProject(t, seen);
    const { admin: rootUser, gc } = await systemAdminOf(t.db);
    const root = track(await t.as(rootUser.id), seen);
    const quiet = (await people(s, 1, { emailEnabled: false }))[0] as User;
    const newcomerEmail = `${unique('newcomer')}@example.test`;
    assertOk(await root.post('/api/v1/users', { companyId: s.sub.id, name: 'Quiet Newcomer', email: newcomerEmail, emailEnabled: false }), 201);
    assert.equal((await t.request('POST', '/api/v1/password-resets', { body: { email: quiet.email } })).status, 202);
    // An inactive account gets no reset link at all.
    const inactive = (await people(s, 1))[0] as User;
    assertOk(await root.patch(`/api/v1/users/${inactive.id}`, { isActive: false }));
    assert.equal((await t.request('POST', '/api/v1/password-resets', { body: { email: inactive.email } })).status, 202);
    await processPasswordResetRequests(t.db, t.clock.now());

    const before = sink.messages.length;
    assert.deepEqual(await run(), { sent: 2, retried: 0, failed: 0 });
    assert.deepEqual(
      sink.messages
        .slice(before)
        .map((m) => [m.envelope.to[0], m.subject])
        .sort(),
      [
        [newcomerEmail, `${rootUser.name} of ${gc.name} invited you to payapp`],
        [quiet.email, 'Reset your payapp password'],
      ].sort(),
    );
  });
});

describe('the worker', () => {
  test('startWorker with SMTP_URL delivers an invite within seconds, on its own timer; the mailbox is off', async () => {
    t.clock.set('2026-11-16T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const c = await commitmentWith(s, [s.contact]);
    const config = loadConfig({ BASE_URL: BASE, SMTP_URL: sink.url, MAIL_FROM: FROM });
    const logs: string[] = [];
    const worker = startWorker(t.db, config, { clock: t.clock.now, log: (m) => logs.push(m) });
    const before = sink.messages.length;
    try {
      await invite(s, [c.id]);
      // The delivery job runs every 2 s; allow for a loaded CI machine.
      await sink.waitFor(before + 1, 8_000);
    } finally {
      await worker.stop();
    }
    const m = sink.messages[before] as SinkMessage;
    assert.deepEqual(m.envelope.to, [s.contact.email]);
    assert.equal(m.from, 'billing@payapp.test');
    const [row] = await rowsOf(s.project.id);
    assert.deepEqual([row?.status, row?.transport, row?.messageId], ['sent', 'smtp', m.messageId]);
    assert.deepEqual(logs, [], 'no job failed');

    // With SMTP configured, the built-in mailbox does not exist.
    const app = createApp({ db: t.db, clock: t.clock.now, config });
    for (const path of ['/dev/mailbox', `/dev/mailbox/${row?.id}`, `/dev/mailbox/${row?.id}/text`]) {
      assert.equal((await app.request(path)).status, 404, path);
    }
  });

  test('without SMTP_URL the worker delivers into the mailbox: listed, readable as HTML and text, with links that work', async () => {
    t.clock.set('2026-11-17T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const c = await commitmentWith(s, [s.contact]);
    const config = loadConfig({ BASE_URL: BASE });
    const logs: string[] = [];
    const worker = startWorker(t.db, config, { clock: t.clock.now, log: (m) => logs.push(m) });
    const before = sink.messages.length;
    let row: Row | undefined;
    try {
      await invite(s, [c.id]);
      const deadline = Date.now() + 8_000;
      while (Date.now() < deadline) {
        [row] = await rowsOf(s.project.id);
        if (row?.status === 'sent') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await worker.stop();
    }
    assert.deepEqual([row?.status, row?.transport], ['sent', 'mailbox']);
    assert.equal(sink.messages.length, before, 'nothing went over SMTP');
    assert.deepEqual(logs, []);
    const id = (row as Row).id;
    const subject = `${s.project.name}: Invoice Admin has invited you to bill`;

    const list = await t.request('GET', '/dev/mailbox');
    assert.equal(list.status, 200);
    assert.ok(list.body.includes(`<a href="/dev/mailbox/${id}">${subject}</a>`), 'listed with its subject, linking to it');
    assert.ok(list.body.includes(s.contact.email));
    assert.ok(list.body.includes(`href="/dev/mailbox/${id}/text"`));

    const html = await t.request('GET', `/dev/mailbox/${id}`);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.ok(html.body.includes(`To: ${s.contact.email}`));
    const links = htmlLinks(html.body);
    assert.deepEqual(
      links.map((l) => l.label),
      ['← Mailbox', 'text version', 'Yes', 'No', `Open ${c.number} in payapp`],
    );

    const text = await t.request('GET', `/dev/mailbox/${id}/text`);
    assert.equal(text.status, 200);
    assert.match(text.headers.get('content-type') ?? '', /text\/plain/);
    assert.ok(text.body.startsWith(`To: ${s.contact.email}\nSubject: ${subject}\nMessage-ID: ${row?.messageId}\n\n`), text.body);
    const yesUrl = links.find((l) => l.label === 'Yes')?.url as string;
    assert.ok(text.body.includes(`Yes: ${yesUrl}`), 'the text shows the same Yes link');

    // The Yes button in the mailbox opens the page that answers the invite with its one button.
    assert.ok(yesUrl.startsWith(`${BASE}/respond/`));
    const confirm = await t.request('GET', yesUrl.slice(BASE.length));
    assert.equal(confirm.status, 200);
    assert.equal((await s.admin.get(`${s.p}/billing-board`)).body.rows.find((r: any) => r.commitmentId === c.id).billingStatus, 'invited', 'opening it answers nothing');
    const answered = await t.request('POST', yesUrl.slice(BASE.length), {
      body: 'answer=accepted',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE, 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(answered.status, 200);
    const board = await s.admin.get(`${s.p}/billing-board`);
    assert.equal(board.body.rows.find((r: any) => r.commitmentId === c.id).billingStatus, 'accepted');
    assert.equal((await t.request('GET', '/dev/mailbox/999999999')).status, 404);
  });
});
