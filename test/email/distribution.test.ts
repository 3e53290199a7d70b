/**
 * Issue 10, item 2: "invoice submitted" always reaches someone. A project created through the API
 * starts with its invoice administrators on the invoice distribution list and the list follows its
 * Admins on Commitments until someone edits it; an empty list (or one nobody on which can receive
 * email) falls back to the project's Admins on Commitments, then to the company admins, and the
 * email says why they get it; an email that can go to nobody is recorded as skipped, with the
 * reason and what it was about, on the project's Email tab. The same holds for the Subcontractor
 * SOV submitted email and the weekly digest. Messages are read through a loopback SMTP server.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import type { User } from '../../src/domain/directory.ts';
import { deliverDueEmails } from '../../src/email/deliver.ts';
import { createSmtpTransport, type EmailTransport } from '../../src/email/transport.ts';
import { queueWeeklyDigests } from '../../src/services/notifications/scheduled-emails.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertNo5xx, assertOk, track, type Client, type Seen } from '../support/billing.ts';
import { localTime, projectEmails } from '../support/email-cycle.ts';
import { makeCommitment, makeCompany, makeUser, systemAdminOf, unique } from '../support/factories.ts';
import { plain, startSmtpSink, type SinkMessage, type SmtpSink } from '../support/smtp.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
let sink: SmtpSink;
let transport: EmailTransport;
const seen: Seen = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  sink = await startSmtpSink();
  transport = createSmtpTransport(sink.url);
});
after(async () => {
  transport.close();
  await sink.stop();
  await database.close();
});
afterEach(() => assertNo5xx(seen));

const NY = 'America/New_York';

async function deliver(): Promise<SinkMessage[]> {
  const start = sink.messages.length;
  for (;;) {
    const report = await deliverDueEmails(t.db, transport, { from: 'payapp <billing@payapp.test>', baseUrl: 'http://payapp.test', now: t.clock.now });
    assert.deepEqual([report.retried, report.failed], [0, 0]);
    if (report.sent === 0) break;
  }
  return sink.messages.slice(start);
}

const toWhom = (messages: SinkMessage[]) => messages.flatMap((m) => m.envelope.to).sort();

type Setup = { root: Client; rootUser: User; admin: Client; adminUser: User; contact: User; contactApi: Client; p: string; projectId: string; commitment: Commitment };

/** A project created through the API by the company admin, as a real one is, with an Admin on Commitments and a contact. */
async function newProject(): Promise<Setup> {
  t.clock.set(localTime(NY, '2026-11-02', 10));
  const { admin: rootUser, gc } = await systemAdminOf(t.db);
  const root = track(await t.as(rootUser.id), seen);
  const created = await root.post('/api/v1/projects', { name: unique('Harbor Lofts'), currency: 'USD', locale: 'en-US', timeZone: NY });
  assertOk(created, 201);
  const projectId = created.body.id as string;
  const p = `/api/v1/projects/${projectId}`;
  const adminUser = await makeUser(t.db, gc, { name: unique('Project Admin') });
  assert.equal((await root.put(`${p}/directory/users/${adminUser.id}`, { commitmentsPermission: 'admin' })).status, 204);
  const sub = await makeCompany(t.db, 'subcontractor', unique('Sub'));
  const contact = await makeUser(t.db, sub, { name: 'Sub Contact' });
  assert.equal((await root.put(`${p}/directory/users/${contact.id}`, { commitmentsPermission: 'read_only' })).status, 204);
  const project = { id: projectId } as Parameters<typeof makeCommitment>[1];
  const commitment = await makeCommitment(t.db, project, { contractCompanyId: sub.id, invoiceContactIds: [contact.id], status: 'approved', sov: [10_000_00, 5_000_00] });
  assertOk(await root.post(`${p}/billing-periods`, {}), 201);
  return { root, rootUser, admin: track(await t.as(adminUser.id), seen), adminUser, contact, contactApi: track(await t.as(contact.id), seen), p, projectId, commitment };
}

async function distribution(s: Setup): Promise<{ ids: string[]; follows: boolean }> {
  const res = await s.admin.get(`${s.p}/invoicing-settings`);
  assertOk(res);
  return { ids: res.body.invoiceDistribution.map((d: { userId: string }) => d.userId).sort(), follows: res.body.invoiceDistributionFollowsAdministrators };
}

/** The contact bills the commitment and submits the invoice. */
async function submitInvoice(s: Setup): Promise<string> {
  const created = await s.contactApi.post(`${s.p}/commitments/${s.commitment.id}/invoices?view=full`, {});
  assertOk(created, 201);
  const saved = await s.contactApi.put(`${s.p}/invoices/${created.body.invoice.id}/lines?view=full`, {
    version: created.body.invoice.version,
    lines: [{ lineId: created.body.lines[0].id, workCompletedThisPeriodCents: 1_000_00 }],
  });
  assertOk(saved);
  assertOk(await s.contactApi.post(`${s.p}/invoices/${created.body.invoice.id}/transitions?view=full`, { action: 'submit', version: saved.body.invoice.version }));
  return created.body.invoice.id;
}

describe('a new project’s invoice distribution list', () => {
  test('starts with its creator (its only Admin on Commitments) and follows its Admins on Commitments until someone edits it', async () => {
    const s = await newProject();
    assert.deepEqual(await distribution(s), { ids: [s.rootUser.id, s.adminUser.id].sort(), follows: true }, 'the creator, and the Admin added since');
    const { gc } = await systemAdminOf(t.db);
    const later = await makeUser(t.db, gc, { name: unique('Later') });
    const put = (userId: string, commitmentsPermission: string) => s.root.put(`${s.p}/directory/users/${userId}`, { commitmentsPermission });
    assert.equal((await put(later.id, 'read_only')).status, 204);
    assert.deepEqual((await distribution(s)).ids, [s.rootUser.id, s.adminUser.id].sort(), 'Read Only: not on it');
    assert.equal((await put(later.id, 'admin')).status, 204);
    assert.deepEqual((await distribution(s)).ids, [s.rootUser.id, s.adminUser.id, later.id].sort(), 'made Admin: joins');
    assert.equal((await put(later.id, 'standard')).status, 204);
    assert.deepEqual((await distribution(s)).ids, [s.rootUser.id, s.adminUser.id].sort(), 'no longer Admin: leaves');
    assert.equal((await put(later.id, 'admin')).status, 204);
    assert.equal((await s.root.delete(`${s.p}/directory/users/${later.id}`)).status, 204);
    assert.deepEqual((await distribution(s)).ids, [s.rootUser.id, s.adminUser.id].sort(), 'removed from the directory: leaves');

    // Edited: it is what the administrators chose from now on.
    assertOk(await s.admin.put(`${s.p}/invoicing-settings/distribution`, { userIds: [s.adminUser.id] }));
    assert.equal((await put(later.id, 'admin')).status, 204);
    assert.deepEqual(await distribution(s), { ids: [s.adminUser.id], follows: false });
  });

  test('so a submitted invoice on a new project reaches its invoice administrators, as members of the list', async () => {
    const s = await newProject();
    await deliver();
    await submitInvoice(s);
    const messages = await deliver();
    assert.deepEqual(toWhom(messages), [s.rootUser.email, s.adminUser.email].sort());
    for (const m of messages) assert.ok(plain(m.text).includes("You receive this as a member of the project's invoice distribution list."), m.text);
  });
});

describe('when nobody on the list can receive it', () => {
  test('an empty list: the project’s Admins on Commitments get “invoice submitted”, told why; never the contacts', async () => {
    const s = await newProject();
    assertOk(await s.admin.put(`${s.p}/invoicing-settings/distribution`, { userIds: [] }));
    await deliver();
    await submitInvoice(s);
    const messages = await deliver();
    assert.deepEqual(toWhom(messages), [s.rootUser.email, s.adminUser.email].sort(), 'the Admins on Commitments; not the contact');
    for (const m of messages) {
      assert.match(m.subject, /submitted invoice #1/);
      assert.ok(
        plain(m.text).includes("You receive this as an invoice administrator of the project because nobody on its invoice distribution list can receive it; the list is in the project's invoicing settings."),
        m.text,
      );
    }
  });

  test('a list whose members turned email off: each is recorded as skipped, and the project’s Admins on Commitments get it', async () => {
    const s = await newProject();
    const { gc } = await systemAdminOf(t.db);
    const quiet = await makeUser(t.db, gc, { name: unique('Quiet Admin'), emailEnabled: false });
    assert.equal((await s.root.put(`${s.p}/directory/users/${quiet.id}`, { commitmentsPermission: 'admin' })).status, 204);
    assertOk(await s.admin.put(`${s.p}/invoicing-settings/distribution`, { userIds: [quiet.id] }));
    await deliver();
    const invoiceId = await submitInvoice(s);
    const rows = (await projectEmails(t, s.projectId, 'invoice_submitted')).map((r) => [r.toUserId, r.status, r.skipReason, r.payload.invoice?.id ?? null]);
    assert.deepEqual(
      rows.sort(),
      [
        [quiet.id, 'skipped', 'email_disabled', null],
        [s.rootUser.id, 'pending', null, invoiceId],
        [s.adminUser.id, 'pending', null, invoiceId],
      ].sort(),
    );
    assert.deepEqual(toWhom(await deliver()), [s.rootUser.email, s.adminUser.email].sort());
  });

  test('nobody at all can receive it: one skipped record with the reason and what it was about, on the project’s Email tab', async () => {
    const s = await newProject();
    assertOk(await s.admin.put(`${s.p}/invoicing-settings/distribution`, { userIds: [] }));
    // Every invoice administrator — the project's Admins and every company admin — turned email off.
    const companyAdmins = await t.db.selectFrom('users').select('id').where('isCompanyAdmin', '=', true).where('emailEnabled', '=', true).execute();
    const quieted = [...companyAdmins.map((r) => r.id), s.adminUser.id];
    await t.db.updateTable('users').set({ emailEnabled: false }).where('id', 'in', quieted).execute();
    try {
      await deliver();
      await submitInvoice(s);
      const rows = await projectEmails(t, s.projectId, 'invoice_submitted');
      assert.deepEqual(
        rows.map((r) => [r.toUserId, r.status, r.skipReason]),
        [[null, 'skipped', 'no_administrator_can_receive']],
      );
      assert.deepEqual(await deliver(), [], 'nothing goes out');
      const tab = await s.admin.get(`${s.p}/emails?status=skipped`);
      assertOk(tab);
      const [record] = tab.body.data.filter((e: { kind: string }) => e.kind === 'invoice_submitted');
      assert.equal(record.toAddress, '');
      assert.equal(record.subject, `Invoice #1 for ${s.commitment.number} – ${s.commitment.title} submitted for review`);
      assert.equal(
        record.skipReasonLabel,
        'nobody could receive it: nobody on the invoice distribution list can, and neither can any invoice administrator of the project (Admin on Commitments) or company admin',
      );
    } finally {
      await t.db.updateTable('users').set({ emailEnabled: true }).where('id', 'in', quieted).execute();
    }
  });

  test('the Subcontractor SOV submitted email falls back the same way', async () => {
    const s = await newProject();
    assertOk(await s.admin.put(`${s.p}/invoicing-settings/distribution`, { userIds: [] }));
    const ssov = `${s.p}/commitments/${s.commitment.id}/ssov`;
    const current = await s.admin.get(`${s.p}/commitments/${s.commitment.id}`);
    assertOk(await s.admin.patch(`${s.p}/commitments/${s.commitment.id}`, { version: current.body.commitment.version, ssovEnabled: true }));
    const read = await s.contactApi.get(ssov);
    assertOk(read);
    const [g1, g2] = read.body.sovLines as { sovLineId: string; scheduledValueCents: number }[];
    const saved = await s.contactApi.put(ssov, {
      version: read.body.version,
      lines: [g1, g2].map((g) => ({ sovLineId: g?.sovLineId, description: 'All of it', amountCents: g?.scheduledValueCents })),
    });
    assertOk(saved);
    await deliver();
    assertOk(await s.contactApi.post(`${ssov}/submit`, { version: saved.body.version }));
    const messages = await deliver();
    assert.deepEqual(toWhom(messages), [s.rootUser.email, s.adminUser.email].sort());
    for (const m of messages) assert.ok(plain(m.text).includes('because nobody on its invoice distribution list can receive it'), m.text);
  });

  test('the weekly digest goes to the project’s Admins on Commitments once a week; with nobody at all, one record a week', async () => {
    const s = await newProject();
    const settings = await s.admin.get(`${s.p}/invoicing-settings`);
    assertOk(await s.admin.patch(`${s.p}/invoicing-settings`, { version: settings.body.version, digestEnabled: true }));
    assertOk(await s.admin.put(`${s.p}/invoicing-settings/distribution`, { userIds: [] }));
    try {
      await deliver();
      for (const hour of [7, 8, 12]) await queueWeeklyDigests(t.db, localTime(NY, '2026-11-09', hour));
      t.clock.set(localTime(NY, '2026-11-09', 12));
      const messages = await deliver();
      assert.deepEqual(toWhom(messages), [s.rootUser.email, s.adminUser.email].sort(), 'once each, that Monday');
      for (const m of messages) assert.ok(plain(m.text).includes('You receive this weekly digest as an invoice administrator of the project because nobody'), m.text);

      const companyAdmins = await t.db.selectFrom('users').select('id').where('isCompanyAdmin', '=', true).where('emailEnabled', '=', true).execute();
      const quieted = [...companyAdmins.map((r) => r.id), s.adminUser.id];
      await t.db.updateTable('users').set({ emailEnabled: false }).where('id', 'in', quieted).execute();
      try {
        for (const hour of [7, 9]) await queueWeeklyDigests(t.db, localTime(NY, '2026-11-16', hour));
        const nextWeek = (await projectEmails(t, s.projectId, 'weekly_digest')).filter((r) => r.createdAt >= localTime(NY, '2026-11-16', 0));
        assert.deepEqual(
          nextWeek.map((r) => [r.toUserId, r.status, r.skipReason]),
          [[null, 'skipped', 'no_administrator_can_receive']],
          'one record of the week nobody could receive it',
        );
      } finally {
        await t.db.updateTable('users').set({ emailEnabled: true }).where('id', 'in', quieted).execute();
      }
    } finally {
      const now = await s.admin.get(`${s.p}/invoicing-settings`);
      assertOk(await s.admin.patch(`${s.p}/invoicing-settings`, { version: now.body.version, digestEnabled: false }));
    }
  });
});
