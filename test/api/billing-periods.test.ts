/**
 * Issue 3, billing periods through the API: only Admins on Commitments manage them; new periods
 * default from the project settings; exactly one period is open; date ranges never overlap; a
 * period with an invoice can be closed but never deleted; versioned PATCH; dates validated with the
 * field named. Automatic periods: the worker creates each one once — also with two workers at once,
 * on PostgreSQL through two separate connection pools — and a manual period covering the days wins.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/database.ts';
import { listAutomaticSchedules } from '../../src/db/billing-periods.queries.ts';
import { createDueAutomaticPeriods } from '../../src/services/billing/billing-periods.ts';
import { createMailboxTransport } from '../../src/email/transport.ts';
import { scheduledJobs } from '../../src/worker/scheduler.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertError, assertNo5xx, assertOk, billingProject, track, type BillingSetup, type Client, type Seen } from '../support/billing.ts';
import { addToProject, makeCompany, makeUser, systemAdminOf, unique } from '../support/factories.ts';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
const seen: Seen = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
});
after(() => database.close());
afterEach(() => assertNo5xx(seen));

type Period = { id: string; startsOn: string; endsOn: string; dueOn: string; status: 'open' | 'closed'; origin: string; version: number; invoiceCount?: number };

async function periods(s: BillingSetup): Promise<Period[]> {
  const res = await s.admin.get(`${s.p}/billing-periods`);
  assertOk(res);
  return res.body.data;
}

async function createPeriod(s: BillingSetup, body: Record<string, string> = {}): Promise<Period> {
  const res = await s.admin.post(`${s.p}/billing-periods`, body);
  assertOk(res, 201);
  return res.body;
}

async function settings(s: BillingSetup) {
  const res = await s.admin.get(`${s.p}/invoicing-settings`);
  assertOk(res);
  return res.body;
}

async function patchSettings(s: BillingSetup, changes: Record<string, unknown>) {
  const res = await s.admin.patch(`${s.p}/invoicing-settings`, { version: (await settings(s)).version, ...changes });
  assertOk(res);
  return res.body;
}

const ranges = (list: Period[]) => list.map((p) => `${p.startsOn}..${p.endsOn} due ${p.dueOn} ${p.status} ${p.origin}`);

describe('who manages billing periods', () => {
  let s: BillingSetup;
  let standard: Client;
  let readOnly: Client;
  let contact: Client;
  let outsider: Client;
  let existing: Period;

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    const { gc } = await systemAdminOf(t.db);
    const std = await makeUser(t.db, gc, { name: 'Standard' });
    const ro = await makeUser(t.db, gc, { name: 'Read Only' });
    await addToProject(t.db, s.project, std, 'standard');
    await addToProject(t.db, s.project, ro, 'read_only');
    const other = await makeUser(t.db, await makeCompany(t.db, 'subcontractor', unique('Elsewhere')), { name: 'Outsider' });
    standard = track(await t.as(std.id), seen);
    readOnly = track(await t.as(ro.id), seen);
    contact = s.contactApi;
    outsider = track(await t.as(other.id), seen);
    existing = await createPeriod(s);
  });

  const writes: [string, (api: Client) => Promise<{ status: number; body: any }>][] = [
    ['create a period', (api) => api.post(`${s.p}/billing-periods`, { startsOn: '2026-12-01', endsOn: '2026-12-31', dueOn: '2026-12-25' })],
    ['close a period', (api) => api.patch(`${s.p}/billing-periods/${existing.id}`, { version: existing.version, status: 'closed' })],
    ['move a due date', (api) => api.patch(`${s.p}/billing-periods/${existing.id}`, { version: existing.version, dueOn: '2026-11-20' })],
    ['delete a period', (api) => api.delete(`${s.p}/billing-periods/${existing.id}`)],
    ['read the invoicing settings', (api) => api.get(`${s.p}/invoicing-settings`)],
    ['change the invoicing settings', (api) => api.patch(`${s.p}/invoicing-settings`, { version: 1, periodDueDay: 20 })],
  ];

  for (const who of ['standard', 'readOnly', 'contact'] as const) {
    test(`${who} on the project: every period write and the settings answer 403, and nothing changes`, async () => {
      const api = { standard, readOnly, contact }[who];
      const beforeState = await periods(s);
      for (const [name, send] of writes) {
        const res = await send(api);
        assert.equal(res.status, 403, `${who} may not ${name}: ${res.status} ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'forbidden');
      }
      assert.deepEqual(await periods(s), beforeState);
      assert.equal((await settings(s)).periodDueDay, 25);
    });
  }

  test('someone outside the project gets 404 for every period write, as if the project did not exist', async () => {
    const missing = await outsider.get(`/api/v1/projects/${randomUUID()}/billing-periods`);
    assert.equal(missing.status, 404);
    for (const [name, send] of writes) {
      const res = await send(outsider);
      assert.equal(res.status, 404, `outsider ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body, missing.body);
    }
    assert.equal((await outsider.get(`${s.p}/billing-periods`)).status, 404);
    assert.deepEqual(ranges(await periods(s)), ['2026-11-01..2026-11-30 due 2026-11-25 open manual']);
  });
});

describe('manual periods', () => {
  test('new periods take their dates from the project defaults, which the settings change', async () => {
    const s = await billingProject(t, seen);
    const initial = await settings(s);
    assert.deepEqual(
      [initial.periodStartDay, initial.periodEndDay, initial.periodDueDay, initial.automaticFrequency],
      [1, 31, 25, 'never'],
      'the reference defaults: the 1st to the last day, due on the 25th',
    );
    t.clock.set('2027-02-10T15:00:00Z');
    const feb = await createPeriod(s);
    assert.deepEqual([feb.startsOn, feb.endsOn, feb.dueOn, feb.status, feb.origin], ['2027-02-01', '2027-02-28', '2027-02-25', 'open', 'manual'], '31 means the last day');

    // A cycle from the 26th to the 25th of the next month, due on the 20th: the period containing
    // 2027-03-10 runs 2027-02-26 .. 2027-03-25 — it would overlap February, so delete that first.
    assert.equal((await s.admin.delete(`${s.p}/billing-periods/${feb.id}`)).status, 204);
    const changed = await patchSettings(s, { periodStartDay: 26, periodEndDay: 25, periodDueDay: 20 });
    assert.deepEqual([changed.periodStartDay, changed.periodEndDay, changed.periodDueDay], [26, 25, 20]);
    assert.equal(changed.version, initial.version + 1);
    t.clock.set('2027-03-10T15:00:00Z');
    const shifted = await createPeriod(s);
    assert.deepEqual([shifted.startsOn, shifted.endsOn, shifted.dueOn], ['2027-02-26', '2027-03-25', '2027-03-20']);

    // Dates given win over the defaults, one by one.
    t.clock.set('2027-03-30T15:00:00Z');
    const partly = await createPeriod(s, { dueOn: '2027-04-15' });
    assert.deepEqual([partly.startsOn, partly.endsOn, partly.dueOn], ['2027-03-26', '2027-04-25', '2027-04-15']);

    // Out-of-range days are refused naming the field, and the settings keep their version.
    const bad = await s.admin.patch(`${s.p}/invoicing-settings`, { version: changed.version, periodDueDay: 32 });
    assertError(bad, 400, 'validation_failed', 'periodDueDay');
    const stale = await s.admin.patch(`${s.p}/invoicing-settings`, { version: initial.version, periodDueDay: 5 });
    assertError(stale, 409, 'version_conflict');
    assert.equal((await settings(s)).periodDueDay, 20);
  });

  test("'today' for the defaults is the project's day, not the server's (America/New_York)", async () => {
    const s = await billingProject(t, seen);
    t.clock.set('2026-12-01T03:00:00Z'); // 22:00 on 30 November in New York
    const nov = await createPeriod(s);
    assert.deepEqual([nov.startsOn, nov.endsOn], ['2026-11-01', '2026-11-30']);
  });

  test('exactly one period is open: opening a new one closes the previous', async () => {
    const s = await billingProject(t, seen);
    t.clock.set('2026-11-02T15:00:00Z');
    const nov = await createPeriod(s);
    const dec = await createPeriod(s, { startsOn: '2026-12-01', endsOn: '2026-12-31', dueOn: '2026-12-24' });
    assert.equal(dec.status, 'open');
    const list = await periods(s);
    assert.deepEqual(ranges(list), ['2026-12-01..2026-12-31 due 2026-12-24 open manual', '2026-11-01..2026-11-30 due 2026-11-25 closed manual'], 'newest first');
    assert.equal(list.filter((p) => p.status === 'open').length, 1);
    assert.equal(list.find((p) => p.id === nov.id)?.version, nov.version + 1, 'closing is a change: the version moves');
  });

  test('date ranges never overlap: refused with 409 naming the clashing period', async () => {
    const s = await billingProject(t, seen);
    t.clock.set('2026-11-02T15:00:00Z');
    const nov = await createPeriod(s);
    const dec = await createPeriod(s, { startsOn: '2026-12-01', endsOn: '2026-12-31', dueOn: '2026-12-25' });
    for (const body of [
      { startsOn: '2026-11-15', endsOn: '2026-11-20', dueOn: '2026-11-20' },
      { startsOn: '2026-10-20', endsOn: '2026-11-01', dueOn: '2026-11-01' }, // touches the first day
      { startsOn: '2026-11-01', endsOn: '2026-11-30', dueOn: '2026-11-25' }, // the same range again
    ]) {
      const res = await s.admin.post(`${s.p}/billing-periods`, body);
      assertError(res, 409, 'conflict');
      assert.equal(res.body.error.details.periodId, nov.id, JSON.stringify(res.body));
      assert.match(res.body.error.message, /2026-11-01 – 2026-11-30/);
    }
    const spanning = await s.admin.post(`${s.p}/billing-periods`, { startsOn: '2026-12-31', endsOn: '2027-01-30', dueOn: '2027-01-25' });
    assertError(spanning, 409, 'conflict');
    assert.equal(spanning.body.error.details.periodId, dec.id);
    // Moving a period onto another is refused the same way.
    const moved = await s.admin.patch(`${s.p}/billing-periods/${dec.id}`, { version: dec.version, startsOn: '2026-11-30' });
    assertError(moved, 409, 'conflict');
    assert.equal(moved.body.error.details.periodId, nov.id);
    assert.deepEqual(ranges(await periods(s)), ['2026-12-01..2026-12-31 due 2026-12-25 open manual', '2026-11-01..2026-11-30 due 2026-11-25 closed manual']);
    // Adjacent is fine.
    const jan = await createPeriod(s, { startsOn: '2027-01-01', endsOn: '2027-01-31', dueOn: '2027-01-25' });
    assert.equal(jan.status, 'open');
  });

  test('two administrators opening periods at once: both saved, exactly one open; the same range twice: one 409', async () => {
    for (let round = 0; round < 3; round += 1) {
      const s = await billingProject(t, seen);
      const [a, b] = await Promise.all([
        s.admin.post(`${s.p}/billing-periods`, { startsOn: '2027-01-01', endsOn: '2027-01-31', dueOn: '2027-01-25' }),
        s.admin.post(`${s.p}/billing-periods`, { startsOn: '2027-02-01', endsOn: '2027-02-28', dueOn: '2027-02-25' }),
      ]);
      assert.deepEqual([a.status, b.status], [201, 201], `${JSON.stringify(a.body)} / ${JSON.stringify(b.body)}`);
      const list = await periods(s);
      assert.equal(list.length, 2);
      assert.equal(list.filter((x) => x.status === 'open').length, 1, ranges(list).join('; '));
      const same = { startsOn: '2027-03-01', endsOn: '2027-03-31', dueOn: '2027-03-25' };
      const [c, d] = await Promise.all([s.admin.post(`${s.p}/billing-periods`, same), s.admin.post(`${s.p}/billing-periods`, same)]);
      assert.deepEqual([c.status, d.status].sort(), [201, 409], `${JSON.stringify(c.body)} / ${JSON.stringify(d.body)}`);
      assert.equal((await periods(s)).filter((x) => x.startsOn === '2027-03-01').length, 1);
    }
  });

  test('reopening a closed period closes the open one; PATCH needs the current version', async () => {
    const s = await billingProject(t, seen);
    t.clock.set('2026-11-02T15:00:00Z');
    const nov = await createPeriod(s);
    const dec = await createPeriod(s, { startsOn: '2026-12-01', endsOn: '2026-12-31', dueOn: '2026-12-25' });
    const closedNov = (await periods(s)).find((p) => p.id === nov.id);
    assert.equal(closedNov?.status, 'closed');

    const stale = await s.admin.patch(`${s.p}/billing-periods/${nov.id}`, { version: nov.version, status: 'open' });
    assertError(stale, 409, 'version_conflict');
    const staleIfMatch = await s.admin.patch(`${s.p}/billing-periods/${nov.id}`, { status: 'open' }, { 'if-match': `"${nov.version}"` });
    assertError(staleIfMatch, 412, 'precondition_failed');
    const noVersion = await s.admin.patch(`${s.p}/billing-periods/${nov.id}`, { status: 'open' });
    assertError(noVersion, 428, 'precondition_required');
    assert.equal((await periods(s)).find((p) => p.id === dec.id)?.status, 'open', 'refused changes changed nothing');

    const reopened = await s.admin.patch(`${s.p}/billing-periods/${nov.id}`, { version: closedNov?.version, status: 'open' });
    assertOk(reopened);
    assert.equal(reopened.body.status, 'open');
    const list = await periods(s);
    assert.deepEqual(
      list.map((p) => [p.id, p.status]),
      [
        [dec.id, 'closed'],
        [nov.id, 'open'],
      ],
    );
    // The due date moves with If-Match too.
    const moved = await s.admin.patch(`${s.p}/billing-periods/${nov.id}`, { dueOn: '2026-11-27' }, { 'if-match': `"${reopened.body.version}"` });
    assertOk(moved);
    assert.deepEqual([moved.body.dueOn, moved.body.status, moved.body.version], ['2026-11-27', 'open', reopened.body.version + 1]);
  });

  test('a period with an invoice can be closed but never deleted; one without can be deleted', async () => {
    const s = await billingProject(t, seen);
    t.clock.set('2026-11-02T15:00:00Z');
    const commitment = await approvedCommitment(t, s);
    const nov = await createPeriod(s);
    const invoice = await s.admin.post(`${s.p}/commitments/${commitment.id}/invoices?view=full`, {});
    assertOk(invoice, 201);
    const dec = await createPeriod(s, { startsOn: '2026-12-01', endsOn: '2026-12-31', dueOn: '2026-12-25' });

    // Opening December closed November, which keeps its invoice: the refusal says why, without
    // telling the administrator to close what is already closed.
    const refused = await s.admin.delete(`${s.p}/billing-periods/${nov.id}`);
    assertError(refused, 422, 'rule_violation', 'billingPeriodId');
    assert.equal(refused.body.error.message, "This billing period has an invoice, so it cannot be deleted: periods with invoices are kept with their invoices' history.");
    assert.deepEqual(refused.body.error.details, { invoiceCount: 1 });
    const list = await periods(s);
    assert.ok(list.some((p) => p.id === nov.id), 'still there');
    assert.equal(list.find((p) => p.id === nov.id)?.invoiceCount, 1);

    // Reopen, then close it again: both fine with an invoice.
    const novNow = list.find((p) => p.id === nov.id) as Period;
    const reopened = await s.admin.patch(`${s.p}/billing-periods/${nov.id}`, { version: novNow.version, status: 'open' });
    assertOk(reopened);
    const refusedOpen = await s.admin.delete(`${s.p}/billing-periods/${nov.id}`);
    assertError(refusedOpen, 422, 'rule_violation', 'billingPeriodId');
    assert.match(refusedOpen.body.error.message, /has an invoice, so it cannot be deleted: .* Close it instead\.$/);
    const closed = await s.admin.patch(`${s.p}/billing-periods/${nov.id}`, { version: reopened.body.version, status: 'closed' });
    assertOk(closed);
    assert.equal(closed.body.status, 'closed');
    assert.equal((await s.admin.get(`${s.p}/invoices/${invoice.body.invoice.id}`)).status, 200, 'its invoice is intact');

    const deleted = await s.admin.delete(`${s.p}/billing-periods/${dec.id}`);
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
    assert.deepEqual(
      (await periods(s)).map((p) => p.id),
      [nov.id],
    );
    assertError(await s.admin.delete(`${s.p}/billing-periods/${dec.id}`), 404, 'not_found');
    assertError(await s.admin.delete(`${s.p}/billing-periods/not-a-uuid`), 404, 'not_found');
  });

  test('invalid dates are refused with 400 naming the field, and nothing is created', async () => {
    const s = await billingProject(t, seen);
    t.clock.set('2026-11-02T15:00:00Z');
    const cases: [Record<string, string>, string][] = [
      [{ startsOn: '2026-02-30', endsOn: '2026-03-31', dueOn: '2026-03-25' }, 'startsOn'],
      [{ startsOn: 'next monday', endsOn: '2026-11-30', dueOn: '2026-11-25' }, 'startsOn'],
      [{ startsOn: '2026-11-01', endsOn: '2026-11-31', dueOn: '2026-11-25' }, 'endsOn'],
      [{ startsOn: '2026-11-01', endsOn: '2026-10-31', dueOn: '2026-11-25' }, 'endsOn'],
      [{ startsOn: '2026-11-01', endsOn: '2026-11-30', dueOn: '2026-10-25' }, 'dueOn'],
      [{ startsOn: '2026-11-01', endsOn: '2026-11-30', dueOn: '25/11/2026' }, 'dueOn'],
    ];
    for (const [body, field] of cases) {
      assertError(await s.admin.post(`${s.p}/billing-periods`, body), 400, 'validation_failed', field);
    }
    assert.deepEqual(await periods(s), []);
    const nov = await createPeriod(s);
    assertError(await s.admin.patch(`${s.p}/billing-periods/${nov.id}`, { version: nov.version, endsOn: '2026-10-01' }), 400, 'validation_failed', 'endsOn');
    assertError(await s.admin.patch(`${s.p}/billing-periods/${nov.id}`, { version: nov.version, dueOn: '2026-13-01' }), 400, 'validation_failed', 'dueOn');
    assert.deepEqual(ranges(await periods(s)), ['2026-11-01..2026-11-30 due 2026-11-25 open manual']);
  });
});

describe('automatic periods', () => {
  // The worker's own job (the same one `payapp worker` runs), with a transport that sends nothing.
  const job = scheduledJobs({ transport: createMailboxTransport(), from: 'payapp@payapp.test', baseUrl: 'http://payapp.test', clock: () => new Date() }).find(
    (j) => j.name === 'automatic billing periods',
  );

  async function automatic(frequency: 'monthly' | 'weekly', startsOn: string) {
    const s = await billingProject(t, seen);
    const saved = await patchSettings(s, { automaticFrequency: frequency, automaticStartsOn: startsOn });
    assert.deepEqual([saved.automaticFrequency, saved.automaticStartsOn], [frequency, startsOn]);
    return s;
  }

  const run = (s: BillingSetup, now: string) => createDueAutomaticPeriods(t.db, [{ tenantId: s.project.tenantId, projectId: s.project.id, timeZone: 'America/New_York' }], new Date(now));

  test('a schedule needs its start day', async () => {
    const s = await billingProject(t, seen);
    const res = await s.admin.patch(`${s.p}/invoicing-settings`, { version: (await settings(s)).version, automaticFrequency: 'monthly' });
    assertError(res, 400, 'validation_failed', 'automaticStartsOn');
  });

  test('monthly: the worker job opens the period once, on its first day in the project time zone', async () => {
    assert.ok(job, 'the worker has an automatic billing periods job');
    const s = await automatic('monthly', '2026-12-01');
    assert.ok((await listAutomaticSchedules(t.db)).some((x) => x.projectId === s.project.id), 'the worker visits the project');

    await job.run(t.db, new Date('2026-11-20T15:00:00Z'));
    await job.run(t.db, new Date('2026-12-01T04:59:00Z')); // 23:59 on 30 November in New York
    assert.deepEqual(await periods(s), [], 'not before the schedule starts');

    await job.run(t.db, new Date('2026-12-01T05:01:00Z')); // 00:01 on 1 December in New York
    assert.deepEqual(ranges(await periods(s)), ['2026-12-01..2026-12-31 due 2026-12-25 open automatic']);
    for (const now of ['2026-12-01T05:02:00Z', '2026-12-15T12:00:00Z', '2026-12-31T23:00:00Z']) await job.run(t.db, new Date(now));
    assert.equal((await periods(s)).length, 1, 'once a month, however often the job runs');

    await job.run(t.db, new Date('2027-01-01T06:00:00Z'));
    assert.deepEqual(ranges(await periods(s)), [
      '2027-01-01..2027-01-31 due 2027-01-25 open automatic',
      '2026-12-01..2026-12-31 due 2026-12-25 closed automatic',
    ]);
  });

  test('weekly: seven days from the start day, due on the last', async () => {
    const s = await automatic('weekly', '2026-12-07');
    assert.deepEqual(await run(s, '2026-12-06T15:00:00Z'), []);
    const [first] = await run(s, '2026-12-09T15:00:00Z');
    assert.deepEqual([first?.startsOn, first?.endsOn, first?.dueOn, first?.origin], ['2026-12-07', '2026-12-13', '2026-12-13', 'automatic']);
    assert.deepEqual(await run(s, '2026-12-13T15:00:00Z'), []);
    await run(s, '2026-12-14T15:00:00Z');
    assert.deepEqual(ranges(await periods(s)), [
      '2026-12-14..2026-12-20 due 2026-12-20 open automatic',
      '2026-12-07..2026-12-13 due 2026-12-13 closed automatic',
    ]);
  });

  test('two workers at the same moment create the period exactly once', async () => {
    const s = await automatic('monthly', '2027-02-01');
    const now = '2027-02-01T15:00:00Z';
    const results = await Promise.all([run(s, now), run(s, now), run(s, now)]);
    assert.equal(results.flat().length, 1, 'one run created it, the others found it');
    assert.deepEqual(ranges(await periods(s)), ['2027-02-01..2027-02-28 due 2027-02-25 open automatic']);
  });

  test('two worker processes (separate connection pools) create the period exactly once', { skip: !testDatabaseUrl() && 'PostgreSQL only: PGlite has one connection' }, async () => {
    const url = new URL(testDatabaseUrl() as string);
    url.pathname = `/${database.name}`;
    const workers = await Promise.all([1, 2].map(() => openDatabase({ url: url.toString(), poolSize: 2 })));
    try {
      for (const [i, startsOn] of ['2027-03-01', '2027-04-01', '2027-05-01'].entries()) {
        const s = await automatic('monthly', startsOn);
        const now = new Date(`${startsOn}T15:00:00Z`);
        const schedule = [{ tenantId: s.project.tenantId, projectId: s.project.id, timeZone: 'America/New_York' }];
        const results = await Promise.all(workers.flatMap((w) => [createDueAutomaticPeriods(w.db, schedule, now), createDueAutomaticPeriods(w.db, schedule, now)]));
        assert.equal(results.flat().length, 1, `round ${i}: exactly one creation across both processes`);
        const list = await periods(s);
        assert.equal(list.length, 1, ranges(list).join('; '));
        assert.equal(list[0]?.startsOn, startsOn);
      }
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  });

  test('a manual period covering those days wins over the schedule', async () => {
    const s = await automatic('monthly', '2027-03-01');
    t.clock.set('2027-02-20T15:00:00Z');
    const manual = await createPeriod(s, { startsOn: '2027-02-20', endsOn: '2027-03-10', dueOn: '2027-03-08' });
    assert.deepEqual(await run(s, '2027-03-02T15:00:00Z'), []);
    assert.ok(job);
    await job.run(t.db, new Date('2027-03-05T15:00:00Z'));
    assert.deepEqual(ranges(await periods(s)), ['2027-02-20..2027-03-10 due 2027-03-08 open manual']);
    assert.equal((await periods(s))[0]?.id, manual.id);
  });

  test("turning the schedule off ('never') stops it", async () => {
    const s = await automatic('weekly', '2027-06-07');
    await patchSettings(s, { automaticFrequency: 'never' });
    assert.ok(!(await listAutomaticSchedules(t.db)).some((x) => x.projectId === s.project.id));
    assert.ok(job);
    await job.run(t.db, new Date('2027-06-09T15:00:00Z'));
    assert.deepEqual(await periods(s), []);
  });
});
