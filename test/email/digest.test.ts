/**
 * Issue 4, the weekly digest, with a controlled clock in the project's time zone: off by default;
 * when on, it goes out on Monday from 7 a.m. local (not on Sunday, not at 6 a.m. on Monday, however
 * the day stands in UTC), once a week to each member of the invoice distribution list (and nobody
 * else) however often and from however many workers the job runs; it lists the current period's
 * invoices in Draft, Under Review and Revise & Resubmit with their payment due, and the commitments
 * not yet billed; members who are inactive or turned email off are recorded as skipped, with the reason.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/database.ts';
import { renderMessage } from '../../src/email/templates.ts';
import { queueWeeklyDigests } from '../../src/services/notifications/scheduled-emails.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertNo5xx, assertOk, type Seen } from '../support/billing.ts';
import {
  commitmentFor,
  draftInvoice,
  emailProject,
  gcAdmin,
  getSettings,
  invite,
  localDay,
  localTime,
  openPeriod,
  patchSettings,
  projectEmails,
  setDistribution,
  transition,
  type EmailSetup,
} from '../support/email-cycle.ts';
import { addToProject } from '../support/factories.ts';
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

const NY = 'America/New_York';
const AUCKLAND = 'Pacific/Auckland';

/** The digests of a project that were queued for delivery, as "recipient-name local-time". */
async function digests(s: EmailSetup, names: Map<string, string>): Promise<string[]> {
  const zone = s.project.timeZone;
  const weekday = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short' });
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (await projectEmails(t, s.project.id, 'weekly_digest'))
    .filter((r) => r.status !== 'skipped')
    .map((r) => `${names.get(r.toUserId ?? '') ?? r.toUserId} ${weekday.format(r.createdAt)} ${localDay(zone, r.createdAt)} ${clock.format(r.createdAt)}`);
}

/** A project with two administrators on the distribution list and one who is not. */
async function listedProject(timeZone: string) {
  t.clock.set(localTime(timeZone, '2026-11-02', 10));
  const s = await emailProject(t, seen, timeZone);
  const second = await gcAdmin(t, s, seen, 'Second Admin');
  const unlisted = await gcAdmin(t, s, seen, 'Unlisted Admin');
  const c = await commitmentFor(t, s, [s.contact.id]);
  await openPeriod(s);
  await invite(s, [c.id]);
  await setDistribution(s, [s.adminUser.id, second.user.id]);
  const names = new Map([
    [s.adminUser.id, 'first'],
    [second.user.id, 'second'],
    [unlisted.user.id, 'unlisted'],
    [s.contact.id, 'contact'],
  ]);
  return { s, names, second, unlisted };
}

describe('the weekly digest', () => {
  test('is off by default: the settings say so and Monday morning sends nothing', async () => {
    const { s } = await listedProject(NY);
    assert.equal((await getSettings(s)).digestEnabled, false);
    await queueWeeklyDigests(t.db, localTime(NY, '2026-11-09', 9));
    assert.deepEqual(await projectEmails(t, s.project.id, 'weekly_digest'), []);
  });

  test('goes out on Monday from 7 a.m. New York time, once a week, only to the distribution list', async () => {
    const { s, names } = await listedProject(NY);
    assert.equal((await patchSettings(s, { digestEnabled: true })).digestEnabled, true);
    try {
      const runs: [string, number, number][] = [
        ['2026-11-08', 12, 0], // Sunday noon
        ['2026-11-08', 20, 0], // Sunday 20:00 in New York is already Monday 01:00 in UTC
        ['2026-11-09', 0, 30],
        ['2026-11-09', 6, 0],
        ['2026-11-09', 6, 59],
        ['2026-11-09', 7, 0], // here
        ['2026-11-09', 7, 10],
        ['2026-11-09', 12, 0],
        ['2026-11-09', 23, 59],
        ['2026-11-10', 7, 0], // Tuesday
        ['2026-11-15', 23, 0], // Sunday night (Monday 04:00 UTC)
        ['2026-11-16', 6, 30],
        ['2026-11-16', 7, 40], // next Monday
        ['2026-11-16', 9, 0],
      ];
      for (const [day, hh, mm] of runs) await queueWeeklyDigests(t.db, localTime(NY, day, hh, mm));
      assert.deepEqual((await digests(s, names)).sort(), [
        'first Mon 2026-11-09 07:00',
        'first Mon 2026-11-16 07:40',
        'second Mon 2026-11-09 07:00',
        'second Mon 2026-11-16 07:40',
      ]);
    } finally {
      await patchSettings(s, { digestEnabled: false });
    }
  });

  test('in Pacific/Auckland it goes out at 7 a.m. on the local Monday, while it is still Sunday in UTC', async () => {
    const { s, names } = await listedProject(AUCKLAND);
    await patchSettings(s, { digestEnabled: true });
    try {
      await queueWeeklyDigests(t.db, localTime(AUCKLAND, '2026-11-08', 23)); // Sunday 23:00 local = Sunday 10:00 UTC
      await queueWeeklyDigests(t.db, localTime(AUCKLAND, '2026-11-09', 6, 59));
      assert.deepEqual(await digests(s, names), []);
      const at = localTime(AUCKLAND, '2026-11-09', 7);
      assert.equal(at.toISOString(), '2026-11-08T18:00:00.000Z', 'a Sunday in UTC');
      await queueWeeklyDigests(t.db, at);
      // Monday in UTC (the same local Monday evening) is not a second week.
      await queueWeeklyDigests(t.db, localTime(AUCKLAND, '2026-11-09', 15));
      assert.deepEqual((await digests(s, names)).sort(), ['first Mon 2026-11-09 07:00', 'second Mon 2026-11-09 07:00']);
      // 07:00 Monday in New York is Tuesday in Auckland: nothing more.
      await queueWeeklyDigests(t.db, localTime(NY, '2026-11-09', 7));
      assert.equal((await digests(s, names)).length, 2);
    } finally {
      await patchSettings(s, { digestEnabled: false });
    }
  });

  test('two workers, each running the job twice at once, send each member one digest', async () => {
    const { s, names } = await listedProject(NY);
    await patchSettings(s, { digestEnabled: true });
    const url = testDatabaseUrl();
    const workers = url
      ? await Promise.all(
          [1, 2].map(() => {
            const u = new URL(url);
            u.pathname = `/${database.name}`;
            return openDatabase({ url: u.toString(), poolSize: 3 });
          }),
        )
      : [];
    try {
      for (const [hh, mm] of [
        [7, 0],
        [7, 10],
      ] as const) {
        const now = localTime(NY, '2026-11-09', hh, mm);
        const handles = workers.length > 0 ? workers.map((w) => w.db) : [t.db, t.db];
        await Promise.all(handles.flatMap((db) => [queueWeeklyDigests(db, now), queueWeeklyDigests(db, now)]));
      }
      assert.deepEqual((await digests(s, names)).sort(), ['first Mon 2026-11-09 07:00', 'second Mon 2026-11-09 07:00']);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await patchSettings(s, { digestEnabled: false });
    }
  });

  test('a member who is inactive or turned email off is recorded as skipped with the reason, once a week', async () => {
    const { s, second } = await listedProject(NY);
    const third = await gcAdmin(t, s, seen, 'Third Admin');
    await setDistribution(s, [s.adminUser.id, second.user.id, third.user.id]);
    await patchSettings(s, { digestEnabled: true });
    try {
      assertOk(await s.root.patch(`/api/v1/users/${second.user.id}`, { isActive: false }));
      assertOk(await third.api.patch(`/api/v1/users/${third.user.id}`, { emailEnabled: false }));
      await queueWeeklyDigests(t.db, localTime(NY, '2026-11-09', 7, 30));
      await queueWeeklyDigests(t.db, localTime(NY, '2026-11-09', 8, 30));
      const rows = await projectEmails(t, s.project.id, 'weekly_digest');
      assert.deepEqual(
        rows.map((r) => [r.toUserId, r.status, r.skipReason]).sort(),
        [
          [s.adminUser.id, 'pending', null],
          [second.user.id, 'skipped', 'inactive'],
          [third.user.id, 'skipped', 'email_disabled'],
        ].sort(),
      );
      assert.deepEqual(rows.find((r) => r.status === 'skipped')?.payload, {}, 'a skipped record carries no content');
    } finally {
      await patchSettings(s, { digestEnabled: false });
    }
  });

  test('a member who is no longer an Admin on Commitments of the project gets no digest', async () => {
    const { s, second, names } = await listedProject(NY);
    await addToProject(t.db, s.project, second.user, 'read_only');
    await patchSettings(s, { digestEnabled: true });
    try {
      await queueWeeklyDigests(t.db, localTime(NY, '2026-11-09', 7, 30));
      assert.deepEqual(await digests(s, names), ['first Mon 2026-11-09 07:30'], 'the digest lists every commitment and invoice: only for administrators');
    } finally {
      await patchSettings(s, { digestEnabled: false });
    }
  });

  test('lists the current period’s Draft, Under Review and Revise & Resubmit invoices with their payment due, and the commitments not yet billed', async () => {
    t.clock.set(localTime(NY, '2026-10-02', 10));
    const s = await emailProject(t, seen);
    const a = await commitmentFor(t, s, [s.contact.id], { title: 'A drafting' });
    const b = await commitmentFor(t, s, [s.contact.id], { title: 'B under review' });
    const c = await commitmentFor(t, s, [s.contact.id], { title: 'C sent back' });
    const d = await commitmentFor(t, s, [s.contact.id], { title: 'D approved' });
    const e = await commitmentFor(t, s, [s.contact.id], { title: 'E invited' });
    const f = await commitmentFor(t, s, [s.contact.id], { title: 'F not invited' });
    const g = await commitmentFor(t, s, [], { title: 'G without contacts' });
    const p = await commitmentFor(t, s, [s.contact.id], { title: 'P billed last month' });
    await commitmentFor(t, s, [s.contact.id], { title: 'X not yet approved', status: 'draft' });
    await commitmentFor(t, s, [s.contact.id], { title: 'V void', status: 'void' });
    await setDistribution(s, [s.adminUser.id]);

    // October: P bills and is approved; the period closes.
    const october = await openPeriod(s);
    await invite(s, [p.id]);
    let last = await draftInvoice(s, s.contactApi, p.id, 4_000_00);
    last = await transition(s, s.contactApi, last, 'submit');
    await transition(s, s.admin, last, 'approve');
    assertOk(await s.admin.patch(`${s.p}/billing-periods/${october.id}`, { version: (october as any).version, status: 'closed' }));

    // November.
    t.clock.set(localTime(NY, '2026-11-02', 10));
    await openPeriod(s);
    await invite(s, [a.id, b.id, c.id, d.id, e.id]);
    const aDraft = await draftInvoice(s, s.contactApi, a.id, 1_000_00); // 900.00 due after 10 % retainage
    await transition(s, s.contactApi, await draftInvoice(s, s.contactApi, b.id, 2_000_00), 'submit');
    const sentBack = await transition(s, s.contactApi, await draftInvoice(s, s.contactApi, c.id, 3_000_00), 'submit');
    await transition(s, s.admin, sentBack, 'request_revision');
    await transition(s, s.admin, await transition(s, s.contactApi, await draftInvoice(s, s.contactApi, d.id, 500_00), 'submit'), 'approve');

    await patchSettings(s, { digestEnabled: true });
    try {
      await queueWeeklyDigests(t.db, localTime(NY, '2026-11-09', 7, 5));
      const rows = await projectEmails(t, s.project.id, 'weekly_digest');
      assert.equal(rows.length, 1);
      const payload = rows[0]?.payload;
      assert.deepEqual(payload.period, { startsOn: '2026-11-01', endsOn: '2026-11-30', dueOn: '2026-11-25' });
      const items = (list: any[]) => list.map((i) => [i.commitmentNumber, i.label, i.currentPaymentDueCents]);
      assert.deepEqual(items(payload.draft), [[a.number, '#1', 900_00]]);
      assert.deepEqual(items(payload.underReview), [[b.number, '#1', 1_800_00]]);
      assert.deepEqual(items(payload.reviseAndResubmit), [[c.number, '#1', 2_700_00]]);
      assert.deepEqual(
        payload.notBilled.map((n: any) => [n.number, n.billingStatusLabel]).sort(),
        [
          [e.number, 'Invited'],
          [f.number, 'Not Invited'],
          [g.number, 'No Invoice Contacts'],
          [p.number, 'Not Invited'],
        ].sort(),
        'not yet billed this period: invited or not, without contacts, and P whose invoice was last month; not D (approved), not a Draft commitment, not a void one',
      );
      assert.equal(payload.draft[0].url, `/projects/${s.project.id}/invoices/${aDraft.invoice.id}`, 'each invoice links to its page');
      assert.equal(payload.notBilled.find((n: any) => n.number === f.number).url, `/projects/${s.project.id}/commitments/${f.id}`);

      const rendered = renderMessage('weekly_digest', payload, 'http://payapp.test');
      assert.match(rendered.subject, /weekly invoicing digest — 1 under review/i);
      for (const part of [rendered.html, rendered.text]) {
        assert.match(part, /Under Review \(1\)/);
        assert.match(part, /Revise &(amp;)? Resubmit \(1\)/);
        assert.match(part, /Draft \(1\)/);
        assert.match(part, /Not yet billed \(4\)/);
        for (const amount of ['$900.00', '$1,800.00', '$2,700.00']) assert.ok(part.includes(amount), `${amount} in the digest`);
        assert.ok(part.includes('A drafting') && part.includes('P billed last month'));
        assert.ok(!part.includes('D approved') && !part.includes('X not yet approved') && !part.includes('V void'));
      }
      assert.ok(rendered.html.includes(`http://payapp.test/projects/${s.project.id}/invoicing`), 'a link to the billing board');
    } finally {
      await patchSettings(s, { digestEnabled: false });
    }
  });
});
