/**
 * Issue 4, reminders to bill, with a controlled clock in the project's time zone: off by default;
 * when on, the first reminder comes 1, 2 or 3 days after the invite and then every 1, 2 or 3 days,
 * from 8 a.m. local, to each invoice contact of the invited commitment (and nobody else), through
 * the due date and never after it, never after the contact declined or submitted (a Draft does not
 * count); at most one per contact per commitment per day however often and from however many
 * workers the job runs; the reminder repeats the invite (custom message, days left) and its Yes / No
 * links answer the invite.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/database.ts';
import type { Commitment } from '../../src/domain/commitment.ts';
import { renderMessage } from '../../src/email/templates.ts';
import { queueBillReminders } from '../../src/services/notifications/scheduled-emails.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertError, assertNo5xx, assertOk, type Seen } from '../support/billing.ts';
import {
  answerByLink,
  commitmentFor,
  daysFrom,
  draftInvoice,
  emailProject,
  getSettings,
  invite,
  localDay,
  localTime,
  openPeriod,
  patchSettings,
  projectEmails,
  subPerson,
  transition,
  type EmailSetup,
} from '../support/email-cycle.ts';
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

/** Runs the reminder job at each of these wall-clock times (hh:mm) on every day from `from` to `to`. */
async function runDaily(timeZone: string, from: string, to: string, times: [number, number][]): Promise<void> {
  for (const day of daysFrom(from, to)) {
    for (const [hh, mm] of times) await queueBillReminders(t.db, localTime(timeZone, day, hh, mm));
  }
}

/** The reminders of one project that were queued for delivery, as "person commitment day hh:mm" (local). */
async function queuedReminders(s: EmailSetup): Promise<{ to: string | null; commitmentId: string; day: string; at: string }[]> {
  const rows = await projectEmails(t, s.project.id, 'bill_reminder');
  return rows
    .filter((r) => r.status !== 'skipped')
    .map((r) => ({
      to: r.toUserId,
      commitmentId: r.payload.commitment.id,
      day: localDay(s.project.timeZone, r.createdAt),
      at: new Intl.DateTimeFormat('en-GB', { timeZone: s.project.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(r.createdAt),
    }));
}

function daysOf(list: { to: string | null; day: string }[], userId: string): string[] {
  return list.filter((r) => r.to === userId).map((r) => r.day);
}

/** Every `frequency` days after `invitedOn`, through `dueOn`. */
function expectedDays(invitedOn: string, dueOn: string, frequency: number): string[] {
  const all = daysFrom(invitedOn, dueOn);
  return all.filter((_, i) => i >= frequency && i % frequency === 0);
}

async function inviteResponse(s: EmailSetup, commitmentId: string): Promise<string | null> {
  const board = await s.admin.get(`${s.p}/billing-board`);
  assertOk(board);
  return board.body.rows.find((r: any) => r.commitmentId === commitmentId).invite?.response ?? null;
}

describe('reminders to bill', () => {
  test('are off by default: the settings say so and a month of runs queues nothing', async () => {
    t.clock.set(localTime(NY, '2026-11-02', 10));
    const s = await emailProject(t, seen);
    const settings = await getSettings(s);
    assert.equal(settings.remindersEnabled, false);
    assert.equal(settings.reminderFrequencyDays, 1);
    for (const reminderFrequencyDays of [0, 4, 7, '2']) {
      const bad = await s.admin.patch(`${s.p}/invoicing-settings`, { version: settings.version, remindersEnabled: true, reminderFrequencyDays });
      assertError(bad, 400, 'validation_failed', 'reminderFrequencyDays');
    }
    assertError(await s.contactApi.patch(`${s.p}/invoicing-settings`, { version: settings.version, remindersEnabled: true }), 403, 'forbidden');
    assert.equal((await getSettings(s)).remindersEnabled, false, 'refused changes left reminders off');
    const c = await commitmentFor(t, s, [s.contact.id]);
    await openPeriod(s);
    await invite(s, [c.id]);
    await runDaily(NY, '2026-11-02', '2026-11-26', [[9, 0]]);
    assert.deepEqual(await projectEmails(t, s.project.id, 'bill_reminder'), []);
  });

  test('every 1, 2 or 3 days after the invite, from 8 a.m. New York time, through the due date, to the contacts of the invited commitment only', async () => {
    t.clock.set(localTime(NY, '2026-11-02', 10)); // invited Monday 2 November, 10:00 in New York
    const setups: { s: EmailSetup; frequency: 1 | 2 | 3; invited: Commitment; other: Commitment; contacts: string[]; outsider: string }[] = [];
    for (const frequency of [1, 2, 3] as const) {
      const s = await emailProject(t, seen);
      const second = await subPerson(t, s, seen, 'Second Contact');
      const outsider = await subPerson(t, s, seen, 'Other Commitment Contact');
      const invited = await commitmentFor(t, s, [s.contact.id, second.user.id]);
      const other = await commitmentFor(t, s, [outsider.user.id]);
      const saved = await patchSettings(s, { remindersEnabled: true, reminderFrequencyDays: frequency });
      assert.deepEqual([saved.remindersEnabled, saved.reminderFrequencyDays], [true, frequency]);
      const period = await openPeriod(s);
      assert.equal(period.dueOn, '2026-11-25');
      await invite(s, [invited.id]);
      setups.push({ s, frequency, invited, other, contacts: [s.contact.id, second.user.id], outsider: outsider.user.id });
    }
    try {
      // Runs just before 8 a.m., at 8 and at midnight's edge every day, until after the due date.
      await runDaily(NY, '2026-11-02', '2026-11-28', [
        [7, 59],
        [8, 0],
        [23, 59],
      ]);
      for (const { s, frequency, invited, other, contacts, outsider } of setups) {
        const list = await queuedReminders(s);
        const expected = expectedDays('2026-11-02', '2026-11-25', frequency);
        assert.ok(expected.length >= 7, 'sanity: several reminders expected');
        for (const contact of contacts) {
          assert.deepEqual(daysOf(list, contact), expected, `every ${frequency} day(s), once a day, through 25 November`);
        }
        if (frequency === 1) assert.equal(expected.at(-1), '2026-11-25', 'the due date itself still reminds');
        assert.ok(list.every((r) => r.at === '08:00'), `the first run at or after 8 a.m. sends them: ${[...new Set(list.map((r) => r.at))].join(', ')}`);
        assert.ok(list.every((r) => r.commitmentId === invited.id), 'only the invited commitment is reminded');
        assert.deepEqual(daysOf(list, outsider), [], `the contact of ${other.number}, which was not invited, gets nothing`);
        assert.deepEqual(daysOf(list, s.adminUser.id), [], 'the administrator is not a contact');
        assert.equal(list.length, expected.length * contacts.length, 'nothing else');
      }
    } finally {
      for (const { s } of setups) await patchSettings(s, { remindersEnabled: false });
    }
  });

  test('in Pacific/Auckland the days, the 8 a.m. start and the due date are Auckland’s, not UTC’s', async () => {
    // Invited Tuesday 3 November 04:00 in Auckland — still Monday 2 November 15:00 in UTC.
    t.clock.set(localTime(AUCKLAND, '2026-11-03', 4));
    const s = await emailProject(t, seen, AUCKLAND);
    const c = await commitmentFor(t, s, [s.contact.id]);
    await patchSettings(s, { remindersEnabled: true, reminderFrequencyDays: 1 });
    const period = await openPeriod(s);
    assert.equal(period.dueOn, '2026-11-25');
    await invite(s, [c.id]);
    try {
      // 23:30 local is 10:30 UTC the same day; 07:59 local is 18:59 UTC the day before.
      await runDaily(AUCKLAND, '2026-11-03', '2026-11-27', [
        [0, 30],
        [7, 59],
        [8, 0],
        [23, 30],
      ]);
      const list = await queuedReminders(s);
      assert.deepEqual(daysOf(list, s.contact.id), daysFrom('2026-11-04', '2026-11-25'));
      assert.ok(list.every((r) => r.at === '08:00'), [...new Set(list.map((r) => r.at))].join(', '));
      // 08:00 on 26 November in Auckland is still 25 November in UTC: no reminder after the local due date.
      const before = list.length;
      await queueBillReminders(t.db, localTime(AUCKLAND, '2026-11-26', 9));
      assert.equal((await queuedReminders(s)).length, before);
    } finally {
      await patchSettings(s, { remindersEnabled: false });
    }
  });

  test('contacts who cannot receive them are recorded as skipped with the reason, never sent', async () => {
    t.clock.set(localTime(NY, '2026-11-02', 10));
    const s = await emailProject(t, seen);
    const leaving = await subPerson(t, s, seen, 'Leaving Contact');
    const quiet = await subPerson(t, s, seen, 'Quiet Contact');
    const hidden = await subPerson(t, s, seen, 'Hidden Contact');
    const c = await commitmentFor(t, s, [s.contact.id, leaving.user.id, quiet.user.id, hidden.user.id], { isPrivate: true });
    await patchSettings(s, { remindersEnabled: true });
    await openPeriod(s);
    await invite(s, [c.id]);
    try {
      assertOk(await s.root.patch(`/api/v1/users/${leaving.user.id}`, { isActive: false }));
      assertOk(await quiet.api.patch(`/api/v1/users/${quiet.user.id}`, { emailEnabled: false }));
      // The directory never lets a contact drop below Read Only; should it ever say otherwise, the
      // person who cannot see the commitment hears nothing of it.
      await t.db.updateTable('projectUsers').set({ commitmentsPermission: 'none' }).where('tenantId', '=', s.project.tenantId).where('projectId', '=', s.project.id).where('userId', '=', hidden.user.id).execute();
      await queueBillReminders(t.db, localTime(NY, '2026-11-03', 9));
      await queueBillReminders(t.db, localTime(NY, '2026-11-03', 15));
      const rows = await projectEmails(t, s.project.id, 'bill_reminder');
      const byPerson = new Map(rows.map((r) => [r.toUserId, [r.status, r.skipReason]]));
      assert.equal(rows.length, 4, 'one record per contact for the day, also for the skipped ones');
      assert.deepEqual(byPerson.get(s.contact.id), ['pending', null]);
      assert.deepEqual(byPerson.get(leaving.user.id), ['skipped', 'inactive']);
      assert.deepEqual(byPerson.get(quiet.user.id), ['skipped', 'email_disabled']);
      assert.deepEqual(byPerson.get(hidden.user.id), ['skipped', 'cannot_see_commitment']);
    } finally {
      await patchSettings(s, { remindersEnabled: false });
    }
  });

  test('they stop when the contact answers No or submits an invoice; a Yes or a Draft does not stop them; a new invite starts again', async () => {
    t.clock.set(localTime(NY, '2026-11-02', 10));
    const s = await emailProject(t, seen);
    const decliner = await subPerson(t, s, seen, 'Decliner');
    const submitter = await subPerson(t, s, seen, 'Submitter');
    const accepter = await subPerson(t, s, seen, 'Accepter');
    const declined = await commitmentFor(t, s, [decliner.user.id]);
    const submitted = await commitmentFor(t, s, [submitter.user.id]);
    const accepted = await commitmentFor(t, s, [accepter.user.id]);
    await patchSettings(s, { remindersEnabled: true, reminderFrequencyDays: 1 });
    await openPeriod(s);
    await invite(s, [declined.id, submitted.id, accepted.id]);
    try {
      let draft: Awaited<ReturnType<typeof draftInvoice>> | undefined;
      for (const day of daysFrom('2026-11-03', '2026-11-27')) {
        await queueBillReminders(t.db, localTime(NY, day, 8, 30));
        t.clock.set(localTime(NY, day, 10));
        if (day === '2026-11-03') assertOk(await accepter.api.post(`${s.p}/commitments/${accepted.id}/invite-response`, { response: 'accepted' }));
        if (day === '2026-11-05') assertOk(await decliner.api.post(`${s.p}/commitments/${declined.id}/invite-response`, { response: 'declined' }));
        if (day === '2026-11-04') draft = await draftInvoice(s, submitter.api, submitted.id, 1_000_00);
        if (day === '2026-11-07' && draft) await transition(s, submitter.api, draft, 'submit');
        if (day === '2026-11-12') await invite(s, [declined.id]); // asks again: the No is cleared
        await queueBillReminders(t.db, localTime(NY, day, 18));
      }
      const list = await queuedReminders(s);
      assert.deepEqual(daysOf(list, decliner.user.id), [...daysFrom('2026-11-03', '2026-11-05'), ...daysFrom('2026-11-13', '2026-11-25')]);
      assert.deepEqual(daysOf(list, submitter.user.id), daysFrom('2026-11-03', '2026-11-07'), 'the Draft from the 4th did not stop them; the submission on the 7th did');
      assert.deepEqual(daysOf(list, accepter.user.id), daysFrom('2026-11-03', '2026-11-25'), 'Yes is not an invoice: reminders go on');
    } finally {
      await patchSettings(s, { remindersEnabled: false });
    }
  });

  test('at most one per contact per commitment per day, however often and from however many workers the job runs', async () => {
    t.clock.set(localTime(NY, '2026-11-02', 10));
    const s = await emailProject(t, seen);
    const second = await subPerson(t, s, seen, 'Second Contact');
    const c = await commitmentFor(t, s, [s.contact.id, second.user.id]);
    const d = await commitmentFor(t, s, [s.contact.id]); // the same person, contact of a second commitment
    await patchSettings(s, { remindersEnabled: true });
    await openPeriod(s);
    await invite(s, [c.id, d.id]);
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
      for (const day of ['2026-11-03', '2026-11-04']) {
        for (const [hh, mm] of [
          [8, 0],
          [8, 5],
          [12, 0],
        ] as const) {
          const now = localTime(NY, day, hh, mm);
          // On PostgreSQL: two worker processes (separate pools), each running the job twice at once;
          // on PGlite (one connection): concurrent runs through the one handle.
          const handles = workers.length > 0 ? workers.map((w) => w.db) : [t.db, t.db];
          await Promise.all(handles.flatMap((db) => [queueBillReminders(db, now), queueBillReminders(db, now)]));
          await queueBillReminders(t.db, now);
        }
      }
      const list = await queuedReminders(s);
      const keys = list.map((r) => `${r.to === s.contact.id ? 'first' : 'second'} ${r.commitmentId === c.id ? 'c' : 'd'} ${r.day}`).sort();
      assert.deepEqual(keys, [
        'first c 2026-11-03',
        'first c 2026-11-04',
        'first d 2026-11-03',
        'first d 2026-11-04',
        'second c 2026-11-03',
        'second c 2026-11-04',
      ]);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await patchSettings(s, { remindersEnabled: false });
    }
  });

  test('the reminder repeats the invite with its message and the days left, and its Yes / No links answer the invite', async () => {
    t.clock.set(localTime(NY, '2026-11-02', 10));
    const s = await emailProject(t, seen);
    const c = await commitmentFor(t, s, [s.contact.id], { title: 'Curtain wall' });
    await patchSettings(s, { remindersEnabled: true, inviteMessage: 'Include lien waivers with every invoice.' });
    await openPeriod(s);
    await invite(s, [c.id], { invoiceType: 'work_and_materials' });
    try {
      await queueBillReminders(t.db, localTime(NY, '2026-11-23', 9));
      const [first] = await projectEmails(t, s.project.id, 'bill_reminder');
      assert.ok(first);
      assert.equal(first.payload.daysLeft, 2);
      assert.equal(first.payload.message, 'Include lien waivers with every invoice.');
      assert.equal(first.payload.commitment.id, c.id);
      const rendered = renderMessage('bill_reminder', first.payload, 'http://payapp.test');
      assert.match(rendered.subject, new RegExp(`reminder to bill ${c.number}`));
      assert.ok(rendered.subject.startsWith(`${s.project.name}:`), rendered.subject);
      assert.match(rendered.subject, /Nov(ember)? 25, 2026/);
      for (const part of [rendered.text, rendered.html]) {
        assert.match(part, /Include lien waivers with every invoice\./);
        assert.match(part, /due in 2 days/);
        assert.match(part, /Curtain wall/);
      }
      assert.ok(rendered.html.includes(`http://payapp.test${first.payload.yesUrl}`), 'the Yes button is an absolute link');
      assert.ok(rendered.text.includes(`http://payapp.test${first.payload.noUrl}`), 'the text part carries the No link too');

      const invites = await projectEmails(t, s.project.id, 'invite_to_bill');
      assert.notEqual(first.payload.yesUrl, invites[0]?.payload.yesUrl, 'each reminder has its own links');

      const yes = await answerByLink(t, first.payload.yesUrl);
      assert.equal(yes.status, 200, yes.html);
      assert.equal(await inviteResponse(s, c.id), 'accepted');

      await queueBillReminders(t.db, localTime(NY, '2026-11-24', 9));
      const second = (await projectEmails(t, s.project.id, 'bill_reminder'))[1];
      assert.ok(second);
      assert.equal(second.payload.daysLeft, 1);
      assert.match(renderMessage('bill_reminder', second.payload, 'http://payapp.test').text, /due tomorrow/);
      const no = await answerByLink(t, second.payload.noUrl);
      assert.equal(no.status, 200, no.html);
      assert.equal(await inviteResponse(s, c.id), 'declined');

      await queueBillReminders(t.db, localTime(NY, '2026-11-25', 9));
      assert.equal((await projectEmails(t, s.project.id, 'bill_reminder')).length, 2, 'No from the reminder stops the reminders');
    } finally {
      await patchSettings(s, { remindersEnabled: false });
    }
  });
});
