/**
 * Issue 4, approval notices and the invoice distribution list: approval emails are off by default
 * (approving writes none); when on, Approved and Approved as Noted each email the invoice contacts —
 * only them — with the certified payment due beside the claimed one; "invoice submitted" goes to the
 * distribution list only (an empty one: to the project's Admins on Commitments), never to contacts;
 * the list accepts only Admins on Commitments (422 otherwise).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { renderMessage } from '../../src/email/templates.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertError, assertNo5xx, assertOk, type Seen } from '../support/billing.ts';
import {
  commitmentFor,
  draftInvoice,
  emailProject,
  gcAdmin,
  getSettings,
  invite,
  localTime,
  openPeriod,
  patchSettings,
  projectEmails,
  setDistribution,
  subPerson,
  transition,
  type EmailSetup,
  type InvoiceBody,
} from '../support/email-cycle.ts';
import { addToProject, makeUser, systemAdminOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

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

/** A project with two contacts on one commitment and a third on another, all invited, and an open period. */
async function cycle() {
  t.clock.set(localTime(NY, '2026-11-02', 10));
  const s = await emailProject(t, seen);
  const second = await subPerson(t, s, seen, 'Second Contact');
  const outsider = await subPerson(t, s, seen, 'Other Contact');
  const c = await commitmentFor(t, s, [s.contact.id, second.user.id]);
  const other = await commitmentFor(t, s, [outsider.user.id]);
  await openPeriod(s);
  await invite(s, [c.id, other.id]);
  return { s, c, other, second, outsider };
}

async function underReview(s: EmailSetup, commitmentId: string, workCents: number): Promise<InvoiceBody> {
  return transition(s, s.contactApi, await draftInvoice(s, s.contactApi, commitmentId, workCents), 'submit');
}

const recipients = async (s: EmailSetup, kind: string, invoiceId: string) =>
  (await projectEmails(t, s.project.id, kind))
    .filter((r) => r.payload.invoice?.id === invoiceId || r.status === 'skipped')
    .map((r) => r.toUserId)
    .sort();

describe('approval notices', () => {
  test('are off by default: approving, as is or as noted, writes no approval email', async () => {
    const { s, c, other, outsider } = await cycle();
    assert.equal((await getSettings(s)).approvalNoticesEnabled, false);
    await transition(s, s.admin, await underReview(s, c.id, 1_000_00), 'approve');
    const second = await transition(s, outsider.api, await draftInvoice(s, outsider.api, other.id, 1_000_00), 'submit');
    const noted = await transition(s, s.admin, second, 'approve_as_noted');
    assert.equal(noted.invoice.status, 'approved_as_noted');
    assert.deepEqual(await projectEmails(t, s.project.id, 'invoice_approved'), []);
  });

  test('when on, Approved emails the contacts of the commitment — only them — with the certified payment due', async () => {
    const { s, c, second } = await cycle();
    assert.equal((await patchSettings(s, { approvalNoticesEnabled: true })).approvalNoticesEnabled, true);
    await setDistribution(s, [s.adminUser.id]);
    const invoice = await underReview(s, c.id, 1_000_00);
    const approved = await transition(s, s.admin, invoice, 'approve');
    assert.equal(approved.invoice.status, 'approved');
    const rows = await projectEmails(t, s.project.id, 'invoice_approved');
    assert.deepEqual(rows.map((r) => r.toUserId).sort(), [s.contact.id, second.user.id].sort(), 'the two contacts; not the administrator, not the other commitment’s contact');
    for (const row of rows) {
      assert.equal(row.status, 'pending');
      assert.deepEqual(
        [row.payload.invoice.id, row.payload.invoice.statusLabel, row.payload.invoice.currentPaymentDueCents, row.payload.approverName],
        [invoice.invoice.id, 'Approved', 900_00, 'Invoice Admin'],
      );
    }
    const rendered = renderMessage('invoice_approved', rows[0]?.payload, 'http://payapp.test');
    assert.match(rendered.subject, new RegExp(`${c.number} is approved$`));
    for (const part of [rendered.html, rendered.text]) {
      assert.match(part, /Certified payment due/);
      assert.ok(part.includes('$900.00'), part);
    }
    assert.ok(rendered.html.includes(`http://payapp.test/projects/${s.project.id}/invoices/${invoice.invoice.id}`));
    // The pay application PDF: the invoice page starts its download once shown (decision 027).
    for (const part of [rendered.html, rendered.text]) {
      assert.ok(part.includes(`http://payapp.test/projects/${s.project.id}/invoices/${invoice.invoice.id}?download=pdf`), part);
    }
  });

  test('when on, Approved as Noted emails the contacts the amount the administrator certified, not the amount claimed', async () => {
    const { s, c, second } = await cycle();
    await patchSettings(s, { approvalNoticesEnabled: true });
    const invoice = await underReview(s, c.id, 1_000_00); // claimed: 1,000.00 → 900.00 due
    const certified = await s.admin.put(`${s.p}/invoices/${invoice.invoice.id}/lines?view=full`, {
      version: invoice.invoice.version,
      mode: 'certify',
      lines: [{ lineId: invoice.lines[0]?.id, workCompletedThisPeriodCents: 800_00, differenceReason: 'Site walk: 800.00 in place' }],
    });
    assertOk(certified);
    const noted = await transition(s, s.admin, certified.body, 'approve_as_noted');
    assert.equal(noted.invoice.status, 'approved_as_noted');
    const rows = await projectEmails(t, s.project.id, 'invoice_approved');
    assert.deepEqual(rows.map((r) => r.toUserId).sort(), [s.contact.id, second.user.id].sort());
    for (const row of rows) {
      assert.deepEqual([row.payload.invoice.statusLabel, row.payload.invoice.currentPaymentDueCents], ['Approved as Noted', 720_00], '800.00 certified less 10 % retainage');
    }
    const rendered = renderMessage('invoice_approved', rows[0]?.payload, 'http://payapp.test');
    assert.match(rendered.subject, /is approved as noted$/);
    assert.match(rendered.text, /Certified payment due: \$720\.00/);
    assert.match(rendered.text, /Claimed payment due: \$900\.00/, 'beside what was claimed');
  });

  test('a contact who is inactive or turned email off is recorded as skipped with the reason', async () => {
    const { s, c, second } = await cycle();
    await patchSettings(s, { approvalNoticesEnabled: true });
    assertOk(await second.api.patch(`/api/v1/users/${second.user.id}`, { emailEnabled: false }));
    await transition(s, s.admin, await underReview(s, c.id, 1_000_00), 'approve');
    const rows = await projectEmails(t, s.project.id, 'invoice_approved');
    assert.deepEqual(
      rows.map((r) => [r.toUserId, r.status, r.skipReason]).sort(),
      [
        [s.contact.id, 'pending', null],
        [second.user.id, 'skipped', 'email_disabled'],
      ].sort(),
    );
  });
});

describe('invoice submitted', () => {
  test('goes to the distribution list only, never to the contacts or other administrators', async () => {
    const { s, c, other, outsider } = await cycle();
    const listed = await gcAdmin(t, s, seen, 'Listed Admin');
    const unlisted = await gcAdmin(t, s, seen, 'Unlisted Admin');
    await setDistribution(s, [listed.user.id, s.adminUser.id]);
    const first = await underReview(s, c.id, 1_000_00);
    assert.deepEqual(await recipients(s, 'invoice_submitted', first.invoice.id), [listed.user.id, s.adminUser.id].sort());
    const row = (await projectEmails(t, s.project.id, 'invoice_submitted'))[0];
    assert.deepEqual([row?.payload.submitterName, row?.payload.invoice.currentPaymentDueCents, row?.payload.invoice.statusLabel], ['Sub Contact', 900_00, 'Under Review']);
    assert.ok(!(await projectEmails(t, s.project.id, 'invoice_submitted')).some((r) => [s.contact.id, outsider.user.id, unlisted.user.id].includes(r.toUserId ?? '')));

    // An empty list: the project's Admins on Commitments hear of the next submission instead — never the contacts.
    await setDistribution(s, []);
    const secondInvoice = await transition(s, outsider.api, await draftInvoice(s, outsider.api, other.id, 2_000_00), 'submit');
    const projectAdmins = [(await systemAdminOf(t.db)).admin.id, s.adminUser.id, listed.user.id, unlisted.user.id].sort();
    assert.deepEqual(await recipients(s, 'invoice_submitted', secondInvoice.invoice.id), projectAdmins);
    const fallback = (await projectEmails(t, s.project.id, 'invoice_submitted')).filter((r) => r.payload.invoice?.id === secondInvoice.invoice.id);
    assert.ok(fallback.every((r) => r.payload.viaFallback === true && r.status === 'pending'), 'sent as the fallback for an empty list');
  });

  test('a list member who is no longer an Admin on Commitments of the project hears nothing of it', async () => {
    const { s } = await cycle();
    // A public commitment: a Standard user sees it, but not its invoices.
    const open = await commitmentFor(t, s, [s.contact.id], { isPrivate: false });
    await invite(s, [open.id]);
    const demoted = await gcAdmin(t, s, seen, 'Demoted Admin');
    await setDistribution(s, [s.adminUser.id, demoted.user.id]);
    await addToProject(t.db, s.project, demoted.user, 'standard');
    const invoice = await underReview(s, open.id, 1_000_00);
    assertError(await demoted.api.get(`${s.p}/invoices/${invoice.invoice.id}`), 404, 'not_found');
    const rows = (await projectEmails(t, s.project.id, 'invoice_submitted')).filter((r) => r.status === 'pending');
    assert.deepEqual(
      rows.map((r) => r.toUserId),
      [s.adminUser.id],
      `a Standard user cannot open invoice ${invoice.invoice.id} in payapp, so no email tells them about it`,
    );
  });
});

describe('the invoice distribution list', () => {
  test('accepts only Admins on Commitments of the project (422 naming the person otherwise); only an administrator sets it', async () => {
    t.clock.set(localTime(NY, '2026-11-02', 10));
    const s = await emailProject(t, seen);
    const second = await gcAdmin(t, s, seen, 'Second Admin');
    const standard = await makeUser(t.db, s.gc, { name: 'Standard Person' });
    await addToProject(t.db, s.project, standard, 'standard');
    const readOnly = await makeUser(t.db, s.gc, { name: 'Read Only Person' });
    await addToProject(t.db, s.project, readOnly, 'read_only');
    const elsewhere = await makeUser(t.db, s.gc, { name: 'Not On The Project' });

    await setDistribution(s, [s.adminUser.id, second.user.id]);
    const put = (userIds: string[]) => s.admin.put(`${s.p}/invoicing-settings/distribution`, { userIds });
    const refused: [string[], string][] = [
      [[standard.id], 'userIds.0'],
      [[readOnly.id], 'userIds.0'],
      [[s.contact.id], 'userIds.0'],
      [[elsewhere.id], 'userIds.0'],
      [[randomUUID()], 'userIds.0'],
      [[s.adminUser.id, standard.id], 'userIds.1'],
    ];
    for (const [userIds, field] of refused) {
      const res = await put(userIds);
      assertError(res, 422, 'rule_violation', field);
    }
    // Something that is not an id is a malformed request, not a person (issue 11): 400 naming it.
    assertError(await put(['not-a-uuid']), 400, 'validation_failed', 'userIds.0');
    const standardRes = await put([standard.id]);
    assert.match(standardRes.body.error.message, /Standard Person is not an invoice administrator/);
    assertError(await s.contactApi.put(`${s.p}/invoicing-settings/distribution`, { userIds: [s.contact.id] }), 403, 'forbidden');

    const settings = await getSettings(s);
    assert.deepEqual(
      settings.invoiceDistribution.map((d: any) => d.userId).sort(),
      [s.adminUser.id, second.user.id].sort(),
      'every refused change left the list as it was',
    );

    // A company admin is an Admin on Commitments everywhere, even outside the project directory.
    const rootId = (await systemAdminOf(t.db)).admin.id;
    assertOk(await put([rootId, s.adminUser.id, s.adminUser.id]));
    assert.deepEqual(
      (await getSettings(s)).invoiceDistribution.map((d: any) => d.userId).sort(),
      [rootId, s.adminUser.id].sort(),
      'a repeated person is listed once',
    );
  });
});
