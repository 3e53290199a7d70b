/**
 * Issue 3, Invite to Bill through the API: a bulk send reports per commitment what was sent and what
 * was refused and why (no invoice contact, SSOV not approved, no open period, past the due date in
 * the project's time zone, no such commitment); re-sending asks again; contacts answer Yes / No and
 * may change their answer until an invoice exists; only contacts answer; the billing board shows one
 * billing status per commitment and filters by it; every invite emails the contacts, in the same transaction.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertError, assertNo5xx, assertOk, billingProject, emails, track, type BillingSetup, type Client, type Seen } from '../support/billing.ts';
import { addToProject, makeCommitment, makeUser, systemAdminOf } from '../support/factories.ts';
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

type InviteResult = { commitmentId: string; number: string | null; sent: boolean; inviteId?: string; refusals?: { code: string; reason: string }[] };

async function send(s: BillingSetup, commitmentIds: string[], extra: Record<string, unknown> = {}) {
  const res = await s.admin.post(`${s.p}/invites`, { commitmentIds, ...extra });
  assertOk(res);
  return res.body as { results: InviteResult[]; sent: number; refused: number };
}

async function board(s: BillingSetup, query = '') {
  const res = await s.admin.get(`${s.p}/billing-board${query}`);
  assertOk(res);
  return res.body as { period: { id: string } | null; rows: any[] };
}

async function statusOf(s: BillingSetup, commitmentId: string): Promise<string> {
  const row = (await board(s)).rows.find((r) => r.commitmentId === commitmentId);
  assert.ok(row, 'the commitment has a row on the board');
  return row.billingStatus;
}

const codes = (r: InviteResult | undefined) => (r?.refusals ?? []).map((x) => x.code);

describe('sending invites', () => {
  let s: BillingSetup;
  let ok: Commitment;
  let noContacts: Commitment;
  let ssov: Commitment;
  let neither: Commitment;
  let foreign: Commitment;

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    ok = await approvedCommitment(t, s);
    noContacts = await approvedCommitment(t, s, { invoiceContactIds: [] });
    ssov = await approvedCommitment(t, s, { ssovEnabled: true });
    neither = await approvedCommitment(t, s, { invoiceContactIds: [], ssovEnabled: true });
    const elsewhere = await billingProject(t, seen);
    foreign = await approvedCommitment(t, elsewhere);
  });

  test('without an open period every commitment is refused with that reason', async () => {
    const res = await send(s, [ok.id, noContacts.id]);
    assert.deepEqual([res.sent, res.refused], [0, 2]);
    assert.deepEqual(codes(res.results[0]), ['period_not_open']);
    assert.deepEqual(codes(res.results[1]), ['no_invoice_contacts', 'period_not_open']);
    assert.equal((await emails(t, 'invite_to_bill')).filter((o) => o.payload.project?.id === s.project.id).length, 0);
  });

  test('a bulk send reports per commitment what was sent and what was refused and why', async () => {
    const period = await s.admin.post(`${s.p}/billing-periods`, {});
    assertOk(period, 201);
    const missing = randomUUID();
    // Something that is not an id is a malformed request, not a missing commitment (issue 11): 400 naming it, nothing sent.
    assertError(await s.admin.post(`${s.p}/invites`, { commitmentIds: [ok.id, 'not-a-uuid'] }), 400, 'validation_failed', 'commitmentIds.1');
    assert.equal((await emails(t, 'invite_to_bill')).filter((o) => o.payload.project?.id === s.project.id).length, 0);
    const res = await send(s, [ok.id, noContacts.id, ssov.id, neither.id, foreign.id, missing, ok.id]);
    assert.deepEqual([res.sent, res.refused], [1, 5], 'a repeated id is sent once');
    const byId = new Map(res.results.map((r) => [r.commitmentId, r]));
    assert.deepEqual(
      res.results.map((r) => r.commitmentId),
      [ok.id, noContacts.id, ssov.id, neither.id, foreign.id, missing],
    );
    const sent = byId.get(ok.id);
    assert.equal(sent?.sent, true);
    assert.equal(sent?.number, ok.number);
    assert.ok(sent?.inviteId);
    assert.deepEqual(codes(byId.get(noContacts.id)), ['no_invoice_contacts']);
    assert.deepEqual(codes(byId.get(ssov.id)), ['ssov_not_approved']);
    assert.deepEqual(codes(byId.get(neither.id)), ['no_invoice_contacts', 'ssov_not_approved'], 'every reason, not just the first');
    assert.equal(byId.get(noContacts.id)?.number, noContacts.number);
    for (const id of [foreign.id, missing]) {
      assert.deepEqual(codes(byId.get(id)), ['not_found'], `${id}: a commitment of another project is as missing as one that never existed`);
      assert.equal(byId.get(id)?.number, null);
      assert.equal(byId.get(id)?.sent, false);
    }
    for (const r of res.results.filter((x) => !x.sent)) {
      for (const refusal of r.refusals ?? []) assert.ok(refusal.reason.length > 10, `a sentence a person understands: ${refusal.reason}`);
    }

    const rows = (await emails(t, 'invite_to_bill')).filter((o) => o.payload.project?.id === s.project.id);
    assert.equal(rows.length, 1, 'one email per contact of each invite sent, none for refusals');
    const payload = rows[0]?.payload;
    assert.equal(rows[0]?.toUserId, s.contact.id);
    assert.deepEqual(
      [payload.commitment.id, payload.inviterName, payload.period.startsOn, payload.period.dueOn],
      [ok.id, s.adminUser.name, period.body.startsOn, period.body.dueOn],
    );
    assert.match(payload.yesUrl, /^\/respond\//);
    assert.ok(sent?.inviteId);
    const written = await t.db.selectFrom('emailMessages').select('createdAt').where('id', '=', rows[0]!.id).executeTakeFirstOrThrow();
    assert.equal(written.createdAt.toISOString(), '2026-11-02T15:00:00.000Z');
  });

  test('the board shows the invite with its type and the project message, and the per-commitment statuses', async () => {
    const b = await board(s);
    const row = (id: string) => b.rows.find((r) => r.commitmentId === id);
    assert.equal(row(ok.id).billingStatus, 'invited');
    assert.equal(row(ok.id).billingStatusLabel, 'Invited');
    assert.equal(row(ok.id).invite.invoiceType, 'work_and_materials', 'the default type');
    assert.equal(row(ok.id).invite.response, null);
    assert.equal(row(noContacts.id).billingStatus, 'no_invoice_contacts');
    assert.equal(row(noContacts.id).billingStatusLabel, 'No Invoice Contacts');
    assert.equal(row(ssov.id).billingStatus, 'ssov_not_approved');
    assert.equal(row(ssov.id).billingStatusLabel, 'SSOV Not Approved');
    assert.equal(row(neither.id).billingStatus, 'no_invoice_contacts');
    assert.equal(row(foreign.id), undefined, "another project's commitment is not on this board");
  });

  test('the invite type and message: chosen per send, the message defaulting to the project setting', async () => {
    const settings = await s.admin.get(`${s.p}/invoicing-settings`);
    const saved = await s.admin.patch(`${s.p}/invoicing-settings`, { version: settings.body.version, inviteMessage: 'Please bill by the 25th.' });
    assertOk(saved);
    await send(s, [ok.id], { invoiceType: 'retainage_release' });
    let invite = (await board(s)).rows.find((r) => r.commitmentId === ok.id).invite;
    assert.deepEqual([invite.invoiceType, invite.message], ['retainage_release', 'Please bill by the 25th.']);
    await send(s, [ok.id], { invoiceType: 'work_materials_retainage', message: 'Final billing: include retainage.' });
    invite = (await board(s)).rows.find((r) => r.commitmentId === ok.id).invite;
    assert.deepEqual([invite.invoiceType, invite.message], ['work_materials_retainage', 'Final billing: include retainage.']);
    const bad = await s.admin.post(`${s.p}/invites`, { commitmentIds: [ok.id], invoiceType: 'everything' });
    assertError(bad, 400, 'validation_failed', 'invoiceType');
    assertError(await s.admin.post(`${s.p}/invites`, { commitmentIds: [] }), 400, 'validation_failed', 'commitmentIds');
  });

  test('only Admins on Commitments send invites', async () => {
    const before = (await emails(t, 'invite_to_bill')).length;
    const res = await s.contactApi.post(`${s.p}/invites`, { commitmentIds: [ok.id] });
    assertError(res, 403, 'forbidden');
    assertError(await s.contactApi.get(`${s.p}/billing-board`), 403, 'forbidden');
    assert.equal((await emails(t, 'invite_to_bill')).length, before);
  });

  test('after the open period is closed, nothing can be sent', async () => {
    const open = (await s.admin.get(`${s.p}/billing-periods`)).body.data.find((p: any) => p.status === 'open');
    assertOk(await s.admin.patch(`${s.p}/billing-periods/${open.id}`, { version: open.version, status: 'closed' }));
    const res = await send(s, [ok.id]);
    assert.deepEqual(codes(res.results[0]), ['period_not_open']);
    assertOk(await s.admin.patch(`${s.p}/billing-periods/${open.id}`, { version: open.version + 1, status: 'open' }));
  });
});

describe('the due date, in the project time zone', () => {
  test('an invite can go out until midnight at the end of the due date in New York, not after', async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    const s = await billingProject(t, seen);
    const commitment = await approvedCommitment(t, s);
    assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201); // due 2026-11-25

    t.clock.set('2026-11-26T04:59:00Z'); // 23:59 on 25 November in New York, already the 26th in UTC
    const onTime = await send(s, [commitment.id]);
    assert.equal(onTime.sent, 1, JSON.stringify(onTime));

    t.clock.set('2026-11-26T05:01:00Z'); // 00:01 on 26 November in New York
    const late = await send(s, [commitment.id]);
    assert.equal(late.sent, 0);
    assert.deepEqual(codes(late.results[0]), ['past_due_date']);
    assert.match(late.results[0]?.refusals?.[0]?.reason ?? '', /2026-11-25/);
    assert.equal((await emails(t, 'invite_to_bill')).filter((o) => o.payload.commitment?.id === commitment.id).length, 1);
  });
});

describe('answering', () => {
  let s: BillingSetup;
  let commitment: Commitment;
  let hidden: Commitment;
  let uninvited: Commitment;
  let standard: Client;
  let otherContact: Client;
  let none: Client;

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    commitment = await approvedCommitment(t, s, { isPrivate: false });
    hidden = await approvedCommitment(t, s, { isPrivate: true });
    uninvited = await approvedCommitment(t, s);
    const { gc } = await systemAdminOf(t.db);
    const std = await makeUser(t.db, gc, { name: 'Standard' });
    await addToProject(t.db, s.project, std, 'standard');
    standard = track(await t.as(std.id), seen);
    const noneUser = await makeUser(t.db, gc, { name: 'None' });
    await addToProject(t.db, s.project, noneUser, 'none');
    none = track(await t.as(noneUser.id), seen);
    // A contact of another commitment of the same company: sees this (public) commitment, but is not its contact.
    const other = await makeUser(t.db, s.sub, { name: 'Other Contact' });
    await addToProject(t.db, s.project, other, 'read_only');
    await makeCommitment(t.db, s.project, { contractCompanyId: s.sub.id, invoiceContactIds: [other.id], status: 'approved' });
    otherContact = track(await t.as(other.id), seen);
    assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
    const res = await send(s, [commitment.id, hidden.id]);
    assert.equal(res.sent, 2);
  });

  const answer = (api: Client, id: string, response: string) => api.post(`${s.p}/commitments/${id}/invite-response`, { response });

  test('a contact answers Yes, then changes to No, then Yes again', async () => {
    const yes = await answer(s.contactApi, commitment.id, 'accepted');
    assertOk(yes);
    assert.equal(yes.body.response, 'accepted');
    assert.ok(yes.body.inviteId);
    assert.equal(await statusOf(s, commitment.id), 'accepted');
    const row = (await board(s)).rows.find((r) => r.commitmentId === commitment.id);
    assert.equal(row.invite.respondedAt, '2026-11-02T15:00:00.000Z');
    assertOk(await answer(s.contactApi, commitment.id, 'declined'));
    assert.equal(await statusOf(s, commitment.id), 'declined');
    assertOk(await answer(s.contactApi, commitment.id, 'accepted'));
    assert.equal(await statusOf(s, commitment.id), 'accepted');
    assertError(await answer(s.contactApi, commitment.id, 'maybe'), 400, 'validation_failed', 'response');
  });

  test('re-sending the invite asks again: the earlier answer is cleared', async () => {
    assert.equal(await statusOf(s, commitment.id), 'accepted');
    const res = await send(s, [commitment.id]);
    assert.equal(res.sent, 1);
    assert.equal(await statusOf(s, commitment.id), 'invited');
    const row = (await board(s)).rows.find((r) => r.commitmentId === commitment.id);
    assert.deepEqual([row.invite.response, row.invite.respondedAt], [null, null]);
    assert.equal((await emails(t, 'invite_to_bill')).filter((o) => o.payload.commitment?.id === commitment.id).length, 2, 'each send emails the contact again');
  });

  test('only the invoice contacts answer: others who see the commitment get 403, those who cannot see it 404', async () => {
    const status = await statusOf(s, commitment.id);
    assertError(await answer(standard, commitment.id, 'declined'), 403, 'forbidden');
    assertError(await answer(otherContact, commitment.id, 'declined'), 403, 'forbidden');
    assertError(await answer(none, commitment.id, 'declined'), 404, 'not_found');
    assertError(await answer(standard, hidden.id, 'declined'), 404, 'not_found', undefined);
    assertError(await answer(otherContact, hidden.id, 'declined'), 404, 'not_found');
    assertError(await answer(s.contactApi, randomUUID(), 'declined'), 404, 'not_found');
    assert.equal(await statusOf(s, commitment.id), status, 'nothing changed');
    // The contact of the private commitment answers it.
    assertOk(await answer(s.contactApi, hidden.id, 'declined'));
    assert.equal(await statusOf(s, hidden.id), 'declined');
  });

  test('no invite, nothing to answer (404)', async () => {
    assertError(await answer(s.contactApi, uninvited.id, 'accepted'), 404, 'not_found');
    assert.equal(await statusOf(s, uninvited.id), 'not_invited');
  });

  test('once an invoice exists the answer can no longer change (422), and the status is the invoice’s', async () => {
    assertOk(await answer(s.contactApi, commitment.id, 'accepted'));
    const invoice = await s.contactApi.post(`${s.p}/commitments/${commitment.id}/invoices?view=full`, {});
    assertOk(invoice, 201);
    const res = await answer(s.contactApi, commitment.id, 'declined');
    assertError(res, 422, 'invalid_state', 'response');
    const row = (await board(s)).rows.find((r) => r.commitmentId === commitment.id);
    assert.equal(row.invite.response, 'accepted', 'the answer stays');
    assert.equal(row.billingStatus, 'draft');
    assert.equal(row.latestInvoice.id, invoice.body.invoice.id);
  });

  test('answering is not required to bill: a declined contact still creates an invoice', async () => {
    assert.equal(await statusOf(s, hidden.id), 'declined');
    assertOk(await s.contactApi.post(`${s.p}/commitments/${hidden.id}/invoices?view=full`, {}), 201);
    assert.equal(await statusOf(s, hidden.id), 'draft');
  });
});

describe('the billing status of a commitment on the billing board', () => {
  test('No Invoice Contacts → Not Invited → Invited → Accepted → Declined → the invoice status; filtered by status', async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    const s = await billingProject(t, seen);
    const c = await approvedCommitment(t, s, { invoiceContactIds: [] });
    const idle = await approvedCommitment(t, s);
    const period = await s.admin.post(`${s.p}/billing-periods`, {});
    assertOk(period, 201);
    const seenStatuses: string[] = [await statusOf(s, c.id)];

    assertOk(await s.admin.post(`${s.p}/commitments/${c.id}/invoice-contacts`, { userId: s.contact.id }));
    seenStatuses.push(await statusOf(s, c.id));

    assert.deepEqual(
      (await board(s, '?status=not_invited,invited')).rows.map((r) => r.commitmentId).sort(),
      [c.id, idle.id].sort(),
    );

    assert.equal((await send(s, [c.id])).sent, 1);
    seenStatuses.push(await statusOf(s, c.id));
    assert.deepEqual((await board(s, '?status=not_invited')).rows.map((r) => r.commitmentId), [idle.id]);
    assert.deepEqual((await board(s, '?status=invited')).rows.map((r) => r.commitmentId), [c.id]);
    assert.deepEqual(
      (await board(s, '?status=not_invited,invited')).rows.map((r) => r.commitmentId).sort(),
      [c.id, idle.id].sort(),
    );

    assertOk(await s.contactApi.post(`${s.p}/commitments/${c.id}/invite-response`, { response: 'accepted' }));
    seenStatuses.push(await statusOf(s, c.id));
    assert.deepEqual((await board(s, '?status=not_invited,invited')).rows.map((r) => r.commitmentId), [idle.id]);
    assertOk(await s.contactApi.post(`${s.p}/commitments/${c.id}/invite-response`, { response: 'declined' }));
    seenStatuses.push(await statusOf(s, c.id));

    const invoice = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
    assertOk(invoice, 201);
    seenStatuses.push(await statusOf(s, c.id));
    const lineId = invoice.body.lines[0].id;
    const saved = await s.contactApi.put(`${s.p}/invoices/${invoice.body.invoice.id}/lines?view=full`, {
      version: invoice.body.invoice.version,
      lines: [{ lineId, workCompletedThisPeriodCents: 1_000_00 }],
    });
    assertOk(saved);
    const submitted = await s.contactApi.post(`${s.p}/invoices/${invoice.body.invoice.id}/transitions?view=full`, { action: 'submit', version: saved.body.invoice.version });
    assertOk(submitted);
    seenStatuses.push(await statusOf(s, c.id));
    const approved = await s.admin.post(`${s.p}/invoices/${invoice.body.invoice.id}/transitions?view=full`, { action: 'approve', version: submitted.body.invoice.version });
    assertOk(approved);
    seenStatuses.push(await statusOf(s, c.id));

    assert.deepEqual(seenStatuses, ['no_invoice_contacts', 'not_invited', 'invited', 'accepted', 'declined', 'draft', 'under_review', 'approved']);
    const row = (await board(s, '?status=approved')).rows;
    assert.deepEqual(row.map((r) => r.commitmentId), [c.id]);
    assert.equal(row[0].billingStatusLabel, 'Approved');
    assert.equal(row[0].latestInvoice.totalCompletedAndStoredCents, 1_000_00);
    assert.equal(row[0].latestInvoice.currentPaymentDueCents, 900_00, '1,000.00 less 10% retainage');
    assert.equal(row[0].dueOn, '2026-11-25');
    assertError(await s.admin.get(`${s.p}/billing-board?status=bogus`), 400, 'validation_failed');

    // The next period starts again from the invite: the board shows the open period by default,
    // and an earlier period on request.
    t.clock.set('2026-12-02T15:00:00Z');
    assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
    assert.equal(await statusOf(s, c.id), 'not_invited');
    const earlier = await board(s, `?billingPeriodId=${period.body.id}`);
    assert.equal(earlier.period?.id, period.body.id);
    assert.equal(earlier.rows.find((r) => r.commitmentId === c.id).billingStatus, 'approved');
  });
});
