/**
 * Issue 3, subcontractor invoices through the API: who creates them, when, of which type and with
 * which number; Idempotency-Key; who edits what in which status; approved invoices never change;
 * overbilling (project setting and company lock); entry rules (amount or percent, installed ≤
 * stored, release ≤ held, who releases when); retainage rate overrides; certifying a different
 * amount; line review and Revise & Resubmit; approval in order; transitions per actor; bulk status
 * changes; concurrent saves and approvals; attachments; visibility; the audit log. Never a 500.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import type { User } from '../../src/domain/directory.ts';
import { createTestApp, type ApiResponse, type TestApp } from '../support/api.ts';
import {
  approvedCommitment,
  assertError,
  assertNo5xx,
  assertOk,
  billingProject,
  download,
  emails,
  track,
  upload,
  type BillingSetup,
  type Client,
  type Seen,
} from '../support/billing.ts';
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

type Line = Record<string, any> & { id: string };
type InvoiceBody = { invoice: Record<string, any> & { id: string; version: number; status: string }; lines: Line[]; summary: Record<string, number>; claimedSummary: Record<string, number>; attachments: any[]; you: any };

const inv = (s: BillingSetup, id: string, rest = '') => `${s.p}/invoices/${id}${rest}`;

async function create(s: BillingSetup, api: Client, commitmentId: string, body: Record<string, unknown> = {}): Promise<InvoiceBody> {
  const res = await api.post(`${s.p}/commitments/${commitmentId}/invoices?view=full`, body);
  assertOk(res, 201);
  return res.body;
}

async function get(s: BillingSetup, api: Client, id: string): Promise<InvoiceBody> {
  const res = await api.get(inv(s, id));
  assertOk(res);
  return res.body;
}

function save(s: BillingSetup, api: Client, invoice: InvoiceBody, lines: Record<string, unknown>[], mode?: 'claim' | 'certify') {
  return api.put(inv(s, invoice.invoice.id, '/lines?view=full'), { version: invoice.invoice.version, ...(mode && { mode }), lines });
}

async function saved(s: BillingSetup, api: Client, invoice: InvoiceBody, lines: Record<string, unknown>[], mode?: 'claim' | 'certify'): Promise<InvoiceBody> {
  const res = await save(s, api, invoice, lines, mode);
  assertOk(res);
  return res.body;
}

function act(s: BillingSetup, api: Client, invoice: InvoiceBody, action: string, headers: Record<string, string> = {}) {
  return api.post(inv(s, invoice.invoice.id, '/transitions?view=full'), { action, version: invoice.invoice.version }, headers);
}

async function acted(s: BillingSetup, api: Client, invoice: InvoiceBody, action: string): Promise<InvoiceBody> {
  const res = await act(s, api, invoice, action);
  assertOk(res);
  return res.body;
}

async function openPeriod(s: BillingSetup, body: Record<string, string> = {}) {
  const res = await s.admin.post(`${s.p}/billing-periods`, body);
  assertOk(res, 201);
  return res.body as { id: string; version: number; dueOn: string };
}

async function patchSettings(s: BillingSetup, changes: Record<string, unknown>): Promise<ApiResponse> {
  const current = await s.admin.get(`${s.p}/invoicing-settings`);
  return s.admin.patch(`${s.p}/invoicing-settings`, { version: current.body.version, ...changes });
}

async function invoicesOf(s: BillingSetup, commitmentId: string) {
  const res = await s.admin.get(`${s.p}/invoices?commitmentId=${commitmentId}`);
  assertOk(res);
  return res.body.data as any[];
}

/** A user of the sub who is in the project (Read Only) and the contact of another commitment only. */
async function otherContact(s: BillingSetup): Promise<{ user: User; api: Client; commitment: Commitment }> {
  const user = await makeUser(t.db, s.sub, { name: 'Other Contact' });
  await addToProject(t.db, s.project, user, 'read_only');
  const commitment = await makeCommitment(t.db, s.project, { contractCompanyId: s.sub.id, invoiceContactIds: [user.id], status: 'approved', isPrivate: false, sov: [1_000_00] });
  return { user, api: track(await t.as(user.id), seen), commitment };
}

describe('creating invoices', () => {
  let s: BillingSetup;
  let oct: { id: string };
  let nov: { id: string; dueOn: string };

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    oct = await openPeriod(s, { startsOn: '2026-10-01', endsOn: '2026-10-31', dueOn: '2026-10-25' });
    nov = await openPeriod(s);
  });

  test("a contact creates one invoice per commitment per period, numbered with their own free text", async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    const c = await approvedCommitment(t, s);
    const first = await create(s, s.contactApi, c.id, { number: '  INV-7 ', comments: 'November work' });
    assert.equal(first.invoice.number, 'INV-7');
    assert.equal(first.invoice.label, 'INV-7');
    assert.equal(first.invoice.sequence, 1);
    assert.equal(first.invoice.createdByRole, 'contact');
    assert.equal(first.invoice.status, 'draft');
    assert.equal(first.invoice.billingPeriodId, nov.id);
    assert.deepEqual([first.invoice.billingDate, first.invoice.periodStart, first.invoice.periodEnd], ['2026-11-30', '2026-11-01', '2026-11-30'], 'dates default from the period');
    assert.equal(first.invoice.comments, 'November work');
    assert.equal(first.invoice.invoiceType, 'work_and_materials', "the project's default for contacts");
    assert.deepEqual(
      first.lines.map((l) => [l.itemNumber, l.scheduledValueCents, l.workCompletedThisPeriodCents, l.workRetainageRateBp, l.materialsRetainageRateBp]),
      [
        ['1', 10_000_00, 0, 1000, 500],
        ['2', 5_000_00, 0, 1000, 500],
      ],
      'one line per SOV line, at the commitment’s rates',
    );
    const second = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, { number: 'INV-8' });
    assertError(second, 409, 'conflict', 'billingPeriodId');
    assert.equal((await invoicesOf(s, c.id)).length, 1);
    const unnumbered = await create(s, s.contactApi, (await approvedCommitment(t, s)).id, {});
    assert.deepEqual([unnumbered.invoice.number, unnumbered.invoice.label], [null, '#1'], 'the number is optional');
  });

  test('only as an invoice contact of that commitment: anyone else gets 404, as if there were none', async () => {
    const c = await approvedCommitment(t, s, { isPrivate: false });
    const other = await otherContact(s);
    const { gc } = await systemAdminOf(t.db);
    const std = await makeUser(t.db, gc, { name: 'Standard' });
    await addToProject(t.db, s.project, std, 'standard');
    const standard = track(await t.as(std.id), seen);
    assert.equal((await other.api.get(`${s.p}/commitments/${c.id}`)).status, 200, 'they can see the commitment');
    assertError(await other.api.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {}), 404, 'not_found');
    assertError(await standard.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {}), 404, 'not_found');
    assertError(await s.contactApi.post(`${s.p}/commitments/${other.commitment.id}/invoices?view=full`, {}), 404, 'not_found');
    assertError(await s.contactApi.post(`${s.p}/commitments/${randomUUID()}/invoices?view=full`, {}), 404, 'not_found');
    assert.equal((await invoicesOf(s, c.id)).length, 0);
    assert.equal((await invoicesOf(s, other.commitment.id)).length, 0);
  });

  test('only on an approved or complete commitment', async () => {
    for (const status of ['draft', 'out_for_signature', 'terminated'] as const) {
      const c = await approvedCommitment(t, s, { status });
      assertError(await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {}), 422, 'rule_violation', 'commitmentId');
      assertError(await s.admin.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {}), 422, 'rule_violation', 'commitmentId');
    }
    const complete = await approvedCommitment(t, s, { status: 'complete' });
    await create(s, s.contactApi, complete.id);
  });

  test('a contact bills only the open period; the administrator any period', async () => {
    const c = await approvedCommitment(t, s);
    assertError(await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, { billingPeriodId: oct.id }), 422, 'rule_violation', 'billingPeriodId');
    const late = await create(s, s.admin, c.id, { billingPeriodId: oct.id });
    assert.equal(late.invoice.billingPeriodId, oct.id);
    assert.deepEqual([late.invoice.periodStart, late.invoice.periodEnd], ['2026-10-01', '2026-10-31']);
    assertError(await s.admin.post(`${s.p}/commitments/${c.id}/invoices?view=full`, { billingPeriodId: randomUUID() }), 404, 'not_found');
  });

  test('a contact creates on or before the due date in the project time zone; the administrator after it', async () => {
    const c = await approvedCommitment(t, s);
    const d = await approvedCommitment(t, s);
    t.clock.set('2026-11-26T04:59:00Z'); // 23:59 on the due date in New York
    await create(s, s.contactApi, c.id);
    t.clock.set('2026-11-26T05:01:00Z');
    const late = await s.contactApi.post(`${s.p}/commitments/${d.id}/invoices?view=full`, {});
    assertError(late, 422, 'rule_violation', 'billingPeriodId');
    assert.match(late.body.error.message, /2026-11-25/);
    assert.match(late.body.error.message, /administrator/);
    const onBehalf = await create(s, s.admin, d.id);
    assert.equal(onBehalf.invoice.createdByRole, 'admin');
    t.clock.set('2026-11-02T15:00:00Z');
  });

  test('administrators create on the contact’s behalf, numbered in sequence 1, 2, 3…, always work, materials and retainage', async () => {
    const c = await approvedCommitment(t, s);
    const invite = await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id], invoiceType: 'work_and_materials' });
    assert.equal(invite.body.sent, 1);
    const one = await create(s, s.admin, c.id, { number: 'ignored' });
    const two = await create(s, s.admin, c.id);
    const three = await create(s, s.admin, c.id);
    // Previous applications follow the sequence, so an earlier period cannot come after a later one.
    const earlier = await s.admin.post(`${s.p}/commitments/${c.id}/invoices?view=full`, { billingPeriodId: oct.id });
    assertError(earlier, 422, 'rule_violation');
    assert.match(earlier.body.error.message, /period order/);
    assert.deepEqual(
      [one, two, three].map((i) => [i.invoice.number, i.invoice.label, i.invoice.sequence, i.invoice.createdByRole, i.invoice.invoiceType]),
      [
        ['1', '1', 1, 'admin', 'work_materials_retainage'],
        ['2', '2', 2, 'admin', 'work_materials_retainage'],
        ['3', '3', 3, 'admin', 'work_materials_retainage'],
      ],
    );
  });

  test('the invoice type comes from the invite, else the project default', async () => {
    const invited = await approvedCommitment(t, s);
    const sent = await s.admin.post(`${s.p}/invites`, { commitmentIds: [invited.id], invoiceType: 'retainage_release' });
    assert.equal(sent.body.sent, 1);
    assert.equal((await create(s, s.contactApi, invited.id)).invoice.invoiceType, 'retainage_release');

    assertOk(await patchSettings(s, { contactDefaultInvoiceType: 'work_materials_retainage' }));
    const uninvited = await approvedCommitment(t, s);
    assert.equal((await create(s, s.contactApi, uninvited.id)).invoice.invoiceType, 'work_materials_retainage');
    assertOk(await patchSettings(s, { contactDefaultInvoiceType: 'work_and_materials' }));
  });

  test('when the project says contacts need an invite, they bill once invited', async () => {
    assertOk(await patchSettings(s, { contactsMayBillWithoutInvite: false }));
    try {
      const c = await approvedCommitment(t, s);
      const refused = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
      assertError(refused, 422, 'rule_violation');
      assert.match(refused.body.error.message, /invited/);
      assert.equal((await invoicesOf(s, c.id)).length, 0);
      assert.equal((await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id] })).body.sent, 1);
      await create(s, s.contactApi, c.id);
      const byAdmin = await approvedCommitment(t, s);
      await create(s, s.admin, byAdmin.id);
    } finally {
      assertOk(await patchSettings(s, { contactsMayBillWithoutInvite: true }));
    }
  });

  test('no open period: nothing to bill', async () => {
    const bare = await billingProject(t, seen);
    const c = await approvedCommitment(t, bare);
    assertError(await bare.contactApi.post(`${bare.p}/commitments/${c.id}/invoices?view=full`, {}), 422, 'rule_violation', 'billingPeriodId');
    assertError(await bare.admin.post(`${bare.p}/commitments/${c.id}/invoices?view=full`, {}), 422, 'rule_violation', 'billingPeriodId');
  });

  test('Idempotency-Key: a retried create returns the same invoice and creates nothing; another body with the key is refused', async () => {
    const c = await approvedCommitment(t, s);
    const key = { 'idempotency-key': `create-${randomUUID()}` };
    const first = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, { number: 'A-1' }, key);
    assertOk(first, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const retry = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, { number: 'A-1' }, key);
    assertOk(retry, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(retry.body.invoice.id, first.body.invoice.id);
    assert.deepEqual(retry.body, first.body, 'the same response');
    const other = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, { number: 'A-2' }, key);
    assertError(other, 409, 'idempotency_key_reused', 'Idempotency-Key');
    assert.deepEqual(
      (await invoicesOf(s, c.id)).map((i) => i.number),
      ['A-1'],
      'exactly one invoice',
    );
    // The key belongs to its user: the administrator's own request with the same key is new.
    const d = await approvedCommitment(t, s);
    const adminFirst = await s.admin.post(`${s.p}/commitments/${d.id}/invoices?view=full`, { number: 'A-1' }, key);
    assertOk(adminFirst, 201);
    assert.equal(adminFirst.headers.get('idempotent-replayed'), null);

    // A retried submit does not move the invoice twice.
    const invoice = first.body as InvoiceBody;
    const submitKey = { 'idempotency-key': `submit-${randomUUID()}` };
    const submitted = await act(s, s.contactApi, invoice, 'submit', submitKey);
    assertOk(submitted);
    const again = await act(s, s.contactApi, invoice, 'submit', submitKey);
    assertOk(again);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const now = await get(s, s.admin, invoice.invoice.id);
    assert.deepEqual([now.invoice.status, now.invoice.version], ['under_review', submitted.body.invoice.version]);
    const submittedEvents = (await emails(t, 'invoice_submitted')).filter((o) => o.payload.invoice.id === invoice.invoice.id);
    assert.equal(submittedEvents.length, 1, 'one notification for one submission');
  });
});

describe('editing', () => {
  let s: BillingSetup;

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    await openPeriod(s);
  });

  test('contacts edit only Draft and Revise & Resubmit invoices', async () => {
    const c = await approvedCommitment(t, s);
    let invoice = await create(s, s.contactApi, c.id);
    const [l1] = invoice.lines as [Line];
    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 1_000_00 }]);
    assert.equal(invoice.you.canEditClaim, true);
    invoice = await acted(s, s.contactApi, invoice, 'submit');
    assert.equal(invoice.you.canEditClaim, false);
    assertError(await save(s, s.contactApi, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 2_000_00 }]), 422, 'invalid_state', 'status');
    assertError(await s.contactApi.patch(inv(s, invoice.invoice.id), { version: invoice.invoice.version, comments: 'late note' }), 422, 'invalid_state');
    // The administrator does not change the claim under review either — they certify instead.
    assertError(await save(s, s.admin, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 2_000_00 }]), 422, 'invalid_state');
    const unchanged = await get(s, s.contactApi, invoice.invoice.id);
    assert.equal(unchanged.lines[0]?.workCompletedThisPeriodCents, 1_000_00);
    assert.equal(unchanged.invoice.comments, '');

    invoice = await acted(s, s.admin, invoice, 'request_revision');
    assert.equal(invoice.invoice.status, 'revise_and_resubmit');
    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 2_000_00 }]);
    assert.equal(invoice.lines[0]?.workCompletedThisPeriodCents, 2_000_00);
    const patched = await s.contactApi.patch(inv(s, invoice.invoice.id), { version: invoice.invoice.version, comments: 'revised', number: 'R-2' });
    assertOk(patched);
    assert.deepEqual([patched.body.invoice.comments, patched.body.invoice.number], ['revised', 'R-2']);
  });

  test('with several invoices in one period only the latest is editable', async () => {
    const c = await approvedCommitment(t, s);
    const first = await create(s, s.contactApi, c.id);
    const second = await create(s, s.admin, c.id);
    const line = (i: InvoiceBody) => [{ lineId: i.lines[0]?.id, workCompletedThisPeriodCents: 500_00 }];
    assertError(await save(s, s.contactApi, first, line(first)), 422, 'invalid_state', 'invoiceId');
    assertError(await save(s, s.admin, first, line(first)), 422, 'invalid_state', 'invoiceId');
    assertError(await s.admin.patch(inv(s, first.invoice.id), { version: first.invoice.version, comments: 'x' }), 422, 'invalid_state', 'invoiceId');
    const view = await get(s, s.contactApi, first.invoice.id);
    assert.deepEqual([view.you.canEditClaim, view.you.allowedActions], [false, []]);
    await saved(s, s.contactApi, second, line(second));
    const after = await get(s, s.admin, second.invoice.id);
    assert.equal(after.lines[0]?.workCompletedPreviousCents, 0);
    assert.equal(after.lines[0]?.workCompletedThisPeriodCents, 500_00);
  });

  test('an approved invoice never changes: every write is refused and its G702 stays identical after later SOV, change order and rate changes', async () => {
    const c = await approvedCommitment(t, s);
    let invoice = await create(s, s.contactApi, c.id);
    const [l1, l2] = invoice.lines as [Line, Line];
    invoice = await saved(s, s.contactApi, invoice, [
      { lineId: l1.id, workCompletedThisPeriodCents: 4_000_00, materialsStoredNewCents: 1_000_00 },
      { lineId: l2.id, percentCompleteToDateBp: 2000 },
    ]);
    const attached = await upload(t, s.contactApi.token, inv(s, invoice.invoice.id, '/attachments'), { name: 'backup.pdf', type: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 backup') }, seen);
    assertOk(attached, 201);
    invoice = await acted(s, s.contactApi, invoice, 'submit');
    invoice = await acted(s, s.admin, invoice, 'approve');
    assert.equal(invoice.invoice.status, 'approved');
    // By hand: line 1 G = 4,000 + 1,000 stored = 5,000; line 2 G = 20% × 5,000 = 1,000. Line 4 = 6,000.00.
    // 5a = 10% × (4,000 + 1,000) = 500.00; 5b = 5% × 1,000 = 50.00; 6 = 6,000 − 550 = 5,450.00.
    assert.deepEqual(
      invoice.summary,
      {
        originalContractSumCents: 15_000_00,
        netChangeByChangeOrdersCents: 0,
        contractSumToDateCents: 15_000_00,
        totalCompletedAndStoredCents: 6_000_00,
        retainageOnCompletedWorkCents: 500_00,
        retainageOnStoredMaterialsCents: 50_00,
        totalRetainageCents: 550_00,
        totalEarnedLessRetainageCents: 5_450_00,
        lessPreviousCertificatesCents: 0,
        currentPaymentDueCents: 5_450_00,
        balanceToFinishInclRetainageCents: 9_550_00,
      },
    );
    const frozen = await get(s, s.admin, invoice.invoice.id);
    const v = invoice.invoice.version;
    const id = invoice.invoice.id;
    const writes: [string, () => Promise<ApiResponse>][] = [
      ['contact claim', () => s.contactApi.put(inv(s, id, '/lines?view=full'), { version: v, lines: [{ lineId: l1.id, workCompletedThisPeriodCents: 1 }] })],
      ['admin claim', () => s.admin.put(inv(s, id, '/lines?view=full'), { version: v, lines: [{ lineId: l1.id, workCompletedThisPeriodCents: 1 }] })],
      ['admin certify', () => s.admin.put(inv(s, id, '/lines?view=full'), { version: v, mode: 'certify', lines: [{ lineId: l1.id, workCompletedThisPeriodCents: 1, differenceReason: 'x' }] })],
      ['admin rates', () => s.admin.put(inv(s, id, '/lines?view=full'), { version: v, lines: [{ lineId: l1.id, workRetainageBp: 0 }] })],
      ['admin release', () => s.admin.put(inv(s, id, '/lines?view=full'), { version: v, lines: [{ lineId: l1.id, retainageReleasedCents: 100 }] })],
      ['admin details', () => s.admin.patch(inv(s, id), { version: v, comments: 'changed' })],
      ['contact details', () => s.contactApi.patch(inv(s, id), { version: v, number: 'X' })],
      ['review', () => s.admin.post(inv(s, id, '/review?view=full'), { version: v, lines: [{ lineId: l1.id, decision: 'rejected', reason: 'x' }] })],
      ['remove attachment', () => s.admin.delete(inv(s, id, `/attachments/${attached.body.id}`))],
      ...(['submit', 'request_revision', 'approve', 'approve_as_noted', 'send_to_owner'] as const).map(
        (action): [string, () => Promise<ApiResponse>] => [action, () => s.admin.post(inv(s, id, '/transitions?view=full'), { action, version: v })],
      ),
    ];
    for (const [name, write] of writes) {
      const res = await write();
      assert.equal(res.status, 422, `${name}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const addFile = await upload(t, s.admin.token, inv(s, id, '/attachments'), { name: 'late.pdf', type: 'application/pdf', bytes: new Uint8Array([37, 80, 68, 70]) }, seen);
    assert.equal(addFile.status, 422, JSON.stringify(addFile.body));
    assert.deepEqual(await get(s, s.admin, id), frozen, 'refused writes changed nothing');

    // Later changes to the commitment: a new SOV line, a new scheduled value on a billed line, an
    // approved change order, new retainage rates.
    const cp = `${s.p}/commitments/${c.id}`;
    assertOk(await s.admin.post(`${cp}/sov/lines`, { description: 'Added scope', scheduledValueCents: 2_000_00 }), 201);
    assertOk(await s.admin.patch(`${cp}/sov/lines/${l1.key.slice(4)}`, { scheduledValueCents: 12_000_00 }));
    assertOk(await s.admin.post(`${cp}/change-orders`, { number: 'CO-1', title: 'Extra', status: 'approved', lines: [{ description: 'Extra work', amountCents: 3_000_00 }] }), 201);
    const detail = await s.admin.get(cp);
    assertOk(await s.admin.patch(cp, { version: detail.body.commitment.version, retainageWorkBp: 500, retainageMaterialsBp: 0 }));

    assert.deepEqual(await get(s, s.admin, id), frozen, 'what was certified never changes');
    assert.deepEqual(await get(s, s.contactApi, id).then((x) => [x.summary, x.lines]), [frozen.summary, frozen.lines]);

    // The next invoice builds on the snapshot and sees the changes.
    t.clock.set('2026-12-02T15:00:00Z');
    await openPeriod(s, { startsOn: '2026-12-01', endsOn: '2026-12-31', dueOn: '2026-12-25' });
    const next = await create(s, s.contactApi, c.id);
    assert.deepEqual(
      next.lines.map((l) => [l.description, l.scheduledValueCents, l.workCompletedPreviousCents, l.materialsStoredPreviousCents, l.workRetainageRateBp]),
      [
        ['Line 1', 12_000_00, 4_000_00, 1_000_00, 500],
        ['Line 2', 5_000_00, 1_000_00, 0, 500],
        ['Added scope', 2_000_00, 0, 0, 500],
        ['Extra work', 3_000_00, 0, 0, 500],
      ],
    );
    assert.equal(next.summary.lessPreviousCertificatesCents, 5_450_00);
    assert.equal(next.summary.netChangeByChangeOrdersCents, 3_000_00);
    t.clock.set('2026-11-02T15:00:00Z');
  });
});

describe('amounts and retainage', () => {
  let s: BillingSetup;

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    await openPeriod(s);
  });

  test('percent complete to date or an amount — not both', async () => {
    const c = await approvedCommitment(t, s);
    let invoice = await create(s, s.contactApi, c.id);
    const [l1, l2] = invoice.lines as [Line, Line];
    const both = await save(s, s.contactApi, invoice, [
      { lineId: l2.id, workCompletedThisPeriodCents: 100_00 },
      { lineId: l1.id, workCompletedThisPeriodCents: 100_00, percentCompleteToDateBp: 1000 },
    ]);
    assertError(both, 400, 'validation_failed', 'lines.1.percentCompleteToDateBp');
    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l1.id, percentCompleteToDateBp: 2550 }]);
    // 25.50% of 10,000.00 = 2,550.00 to date, none before: E = 2,550.00; retainage 10% = 255.00.
    assert.deepEqual(
      [invoice.lines[0]?.percentCompleteToDateBp, invoice.lines[0]?.workCompletedThisPeriodCents, invoice.lines[0]?.percentCompleteBp, invoice.lines[0]?.workRetainageHeldCents],
      [2550, 2_550_00, 2550, 255_00],
    );
    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 1_234_56 }]);
    assert.deepEqual([invoice.lines[0]?.percentCompleteToDateBp, invoice.lines[0]?.workCompletedThisPeriodCents], [null, 1_234_56]);
    assert.equal(invoice.lines[1]?.workCompletedThisPeriodCents, 0, 'the refused save changed nothing');
  });

  test('overbilling: off, a line over 100% is refused naming it; the company lock forces it off', async () => {
    const c = await approvedCommitment(t, s);
    let invoice = await create(s, s.contactApi, c.id);
    const [l1, l2] = invoice.lines as [Line, Line];
    // Allowed by default: 110% saves.
    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l2.id, workCompletedThisPeriodCents: 5_500_00 }]);
    assert.equal(invoice.lines[1]?.percentCompleteBp, 11000);
    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l2.id, workCompletedThisPeriodCents: 0 }]);

    assertOk(await patchSettings(s, { allowOverbilling: false }));
    const over = await save(s, s.contactApi, invoice, [
      { lineId: l1.id, workCompletedThisPeriodCents: 10_000_00 },
      { lineId: l2.id, workCompletedThisPeriodCents: 4_000_00, materialsStoredNewCents: 1_000_01 },
    ]);
    assertError(over, 422, 'rule_violation');
    assert.deepEqual(
      over.body.error.details.map((d: any) => d.path),
      ['lines.1.totalCompletedAndStoredCents'],
      'only the line over 100% (5,000.01 of 5,000.00) is named, by its position in the request',
    );
    assert.equal(over.body.error.field, 'lines.1.totalCompletedAndStoredCents');
    assert.equal(over.body.error.details[0].lineId, l2.id, 'and by id beside the path');
    assert.match(over.body.error.message, /line 2 \(Line 2\)/);
    assert.deepEqual((await get(s, s.contactApi, invoice.invoice.id)).lines.map((l) => l.totalCompletedAndStoredCents), [0, 0], 'nothing of it saved');
    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l2.id, workCompletedThisPeriodCents: 4_000_00, materialsStoredNewCents: 1_000_00 }]);
    assert.equal(invoice.lines[1]?.percentCompleteBp, 10000, 'exactly 100% is fine');
    assertOk(await patchSettings(s, { allowOverbilling: true }));

    const { admin: companyAdmin } = await systemAdminOf(t.db);
    const company = track(await t.as(companyAdmin.id), seen);
    assertError(await s.admin.patch('/api/v1/company-settings', { preventOverbillingAllProjects: true }), 403, 'forbidden');
    try {
      const locked = await company.patch('/api/v1/company-settings', { preventOverbillingAllProjects: true });
      assertOk(locked);
      assert.deepEqual(locked.body, { preventOverbillingAllProjects: true });
      const settings = await s.admin.get(`${s.p}/invoicing-settings`);
      assert.deepEqual(
        [settings.body.allowOverbilling, settings.body.overbillingLockedByCompany, settings.body.effectiveAllowOverbilling],
        [true, true, false],
      );
      const refused = await save(s, s.contactApi, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 10_000_01 }]);
      assertError(refused, 422, 'rule_violation', 'lines.0.totalCompletedAndStoredCents');
      assertError(await patchSettings(s, { allowOverbilling: true }), 422, 'rule_violation', 'allowOverbilling');
      assertOk(await patchSettings(s, { allowOverbilling: false }));
      assertError(await patchSettings(s, { allowOverbilling: true }), 422, 'rule_violation', 'allowOverbilling');
    } finally {
      assertOk(await company.patch('/api/v1/company-settings', { preventOverbillingAllProjects: false }));
    }
    assertOk(await patchSettings(s, { allowOverbilling: true }));
    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 10_000_01 }]);
    // Saved while allowed, then the setting goes off: the invoice cannot be submitted until fixed.
    assertOk(await patchSettings(s, { allowOverbilling: false }));
    const view = await get(s, s.contactApi, invoice.invoice.id);
    assert.deepEqual(view.lines[0]?.issues.map((i: any) => i.code), ['overbilled'], 'the line shows its problem');
    assertError(await act(s, s.contactApi, view, 'submit'), 422, 'rule_violation', 'lines');
    invoice = await saved(s, s.contactApi, view, [{ lineId: l1.id, workCompletedThisPeriodCents: 10_000_00 }]);
    // Line 2 bills stored materials without backup attached: submitted knowingly (the submission checklist).
    const submitted = await s.contactApi.post(inv(s, invoice.invoice.id, '/transitions?view=full'), { action: 'submit', version: invoice.invoice.version, acknowledgeMissing: true });
    assertOk(submitted);
    assert.equal(submitted.body.invoice.status, 'under_review');
    assertOk(await patchSettings(s, { allowOverbilling: true }));
  });

  test('a negative correction gives retainage back, rounded half away from zero', async () => {
    const c = await approvedCommitment(t, s);
    let first = await create(s, s.admin, c.id);
    // 3,982.50 of work holds exactly 398.25 (10%).
    first = await saved(s, s.admin, first, [{ lineId: first.lines[0]?.id, workCompletedThisPeriodCents: 3_982_50 }]);
    assert.equal(first.lines[0]?.workRetainageHeldCents, 398_25);
    let second = await create(s, s.admin, c.id);
    // −1,991.25 × 10% = −199.125 → −199.13 (away from zero, not −199.12): 398.25 − 199.13 = 199.12 held.
    second = await saved(s, s.admin, second, [{ lineId: second.lines[0]?.id, workCompletedThisPeriodCents: -1_991_25 }]);
    const line = second.lines[0];
    assert.deepEqual(
      [line?.workCompletedPreviousCents, line?.workCompletedThisPeriodCents, line?.totalCompletedAndStoredCents, line?.workRetainageThisPeriodCents, line?.workRetainageHeldCents],
      [3_982_50, -1_991_25, 1_991_25, -199_13, 199_12],
    );
    // Work to date cannot fall below zero.
    const below = await save(s, s.admin, second, [{ lineId: second.lines[0]?.id, workCompletedThisPeriodCents: -3_982_51 }]);
    assertError(below, 422, 'rule_violation', 'lines.0.workCompletedThisPeriodCents');
  });

  test('amounts too large to be real are refused with 400 naming the field — never a 500 that leaves them saved', async () => {
    const c = await approvedCommitment(t, s);
    const invoice = await create(s, s.contactApi, c.id);
    const [l1, l2] = invoice.lines as [Line, Line];
    const huge = await save(s, s.contactApi, invoice, [
      { lineId: l1.id, workCompletedThisPeriodCents: 5_000_000_000_000_000 },
      { lineId: l2.id, workCompletedThisPeriodCents: 5_000_000_000_000_000 },
    ]);
    assertError(huge, 400, 'validation_failed', 'lines.0.workCompletedThisPeriodCents');
    assertError(await save(s, s.contactApi, invoice, [{ lineId: l1.id, materialsStoredNewCents: 1_000_000_000_001 }]), 400, 'validation_failed', 'lines.0.materialsStoredNewCents');
    const cp = `${s.p}/commitments/${c.id}`;
    const detail = await s.admin.get(cp);
    const sov = await s.admin.put(`${cp}/sov`, {
      version: detail.body.commitment.version,
      lines: [
        { description: 'a', scheduledValueCents: 5_000_000_000_000_000 },
        { description: 'b', scheduledValueCents: 5_000_000_000_000_000 },
      ],
    });
    assertError(sov, 400, 'validation_failed', 'lines.0.scheduledValueCents');
    assertError(await s.admin.post(`${cp}/sov/lines`, { description: 'c', scheduledValueCents: 9_000_000_000_000_000 }), 400, 'validation_failed', 'scheduledValueCents');
    const co = await s.admin.post(`${cp}/change-orders`, { number: 'CO-HUGE', title: 'x', status: 'approved', lines: [{ description: 'x', amountCents: 9_000_000_000_000_000 }] });
    assertError(co, 400, 'validation_failed', 'lines.0.amountCents');
    assertOk(await s.admin.get(cp));
    assertOk(await s.admin.get(`${s.p}/billing-board`));
    assert.equal((await get(s, s.admin, invoice.invoice.id)).summary.originalContractSumCents, 15_000_00);
    // Large but real amounts are fine: 10,000,000,000.00 on a line.
    await saved(s, s.admin, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 1_000_000_000_000 }]);
  });

  test('materials moved into work cannot exceed those stored', async () => {
    const c = await approvedCommitment(t, s);
    const invoice = await create(s, s.contactApi, c.id);
    const [l1] = invoice.lines as [Line];
    const res = await save(s, s.contactApi, invoice, [{ lineId: l1.id, materialsStoredNewCents: 500_00, materialsInstalledCents: 500_01, workCompletedThisPeriodCents: 500_01 }]);
    assertError(res, 422, 'rule_violation', 'lines.0.materialsInstalledCents');
    const ok = await saved(s, s.contactApi, invoice, [{ lineId: l1.id, materialsStoredNewCents: 500_00, materialsInstalledCents: 500_00, workCompletedThisPeriodCents: 500_00 }]);
    assert.deepEqual([ok.lines[0]?.materialsPresentlyStoredCents, ok.lines[0]?.totalCompletedAndStoredCents], [0, 500_00]);
  });

  test('retainage released never exceeds what is held', async () => {
    assertOk(await patchSettings(s, { contactDefaultInvoiceType: 'work_materials_retainage' }));
    const c = await approvedCommitment(t, s);
    let invoice = await create(s, s.contactApi, c.id);
    assert.equal(invoice.invoice.invoiceType, 'work_materials_retainage');
    const [l1] = invoice.lines as [Line];
    // 1,000.00 of work holds 100.00; 400.00 stored holds 20.00: 120.00 can be released.
    const over = await save(s, s.contactApi, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 1_000_00, materialsStoredNewCents: 400_00, retainageReleasedCents: 120_01 }]);
    assertError(over, 422, 'rule_violation', 'lines.0.retainageReleasedCents');
    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 1_000_00, materialsStoredNewCents: 400_00, retainageReleasedCents: 120_00 }]);
    assert.deepEqual(
      [invoice.lines[0]?.retainageReleasedCents, invoice.lines[0]?.retainageHeldCents, invoice.summary.totalRetainageCents, invoice.summary.currentPaymentDueCents],
      [120_00, 0, 0, 1_400_00],
    );
    assertOk(await patchSettings(s, { contactDefaultInvoiceType: 'work_and_materials' }));
  });

  test('contacts release retainage only on the latest invoice, on or before the due date, never on a work-and-materials invoice', async () => {
    const p = await billingProject(t, seen);
    t.clock.set('2026-11-02T15:00:00Z');
    await openPeriod(p);
    assertOk(await patchSettings(p, { contactDefaultInvoiceType: 'work_materials_retainage' }));
    const c = await approvedCommitment(t, p);
    let first = await create(p, p.contactApi, c.id);
    const line = first.lines[0]?.id;
    first = await saved(p, p.contactApi, first, [{ lineId: line, workCompletedThisPeriodCents: 5_000_00, retainageReleasedCents: 100_00 }]);
    assert.equal(first.lines[0]?.retainageHeldCents, 400_00);

    // The administrator opens December and bills it: November's invoice is no longer the latest.
    await openPeriod(p, { startsOn: '2026-12-01', endsOn: '2026-12-31', dueOn: '2026-12-25' });
    let second = await create(p, p.admin, c.id);
    assert.equal(second.lines[0]?.workCompletedPreviousCents, 5_000_00);
    const notLatest = await save(p, p.contactApi, first, [{ lineId: line, retainageReleasedCents: 200_00 }]);
    assertError(notLatest, 422, 'rule_violation', 'lines.0.retainageReleasedCents');
    assert.match(notLatest.body.error.message, /latest invoice/);
    first = await saved(p, p.contactApi, first, [{ lineId: line, workCompletedThisPeriodCents: 4_000_00 }]);
    assert.equal(first.lines[0]?.retainageReleasedCents, 100_00, 'other entries still change; the release stays');

    // On the latest invoice, before its due date: fine. After it: refused, the administrator can.
    const l2 = second.lines[0]?.id;
    second = await saved(p, p.contactApi, second, [{ lineId: l2, retainageReleasedCents: 100_00 }]);
    assert.equal(second.lines[0]?.retainageHeldCents, 400_00 - 100_00 - 100_00, 'held 400 after November: 4,000 × 10% − 100 released');
    t.clock.set('2026-12-26T06:00:00Z');
    const late = await save(p, p.contactApi, second, [{ lineId: l2, retainageReleasedCents: 150_00 }]);
    assertError(late, 422, 'rule_violation', 'lines.0.retainageReleasedCents');
    assert.match(late.body.error.message, /2026-12-25/);
    second = await saved(p, p.admin, second, [{ lineId: l2, retainageReleasedCents: 150_00 }]);
    assert.equal(second.lines[0]?.retainageReleasedCents, 150_00);
    t.clock.set('2026-11-02T15:00:00Z');

    // A work-and-materials invoice releases nothing (contacts).
    const wm = await approvedCommitment(t, s);
    const wmInvoice = await create(s, s.contactApi, wm.id);
    assert.equal(wmInvoice.invoice.invoiceType, 'work_and_materials');
    const refused = await save(s, s.contactApi, wmInvoice, [{ lineId: wmInvoice.lines[0]?.id, workCompletedThisPeriodCents: 1_000_00, retainageReleasedCents: 10_00 }]);
    assertError(refused, 422, 'rule_violation', 'lines.0.retainageReleasedCents');
    assert.equal((await get(s, s.contactApi, wmInvoice.invoice.id)).you.canReleaseRetainage, false);
  });

  test('a retainage release invoice bills no work or materials', async () => {
    const c = await approvedCommitment(t, s);
    assert.equal((await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id], invoiceType: 'retainage_release' })).body.sent, 1);
    const invoice = await create(s, s.contactApi, c.id);
    assert.equal(invoice.invoice.invoiceType, 'retainage_release');
    const [l1] = invoice.lines as [Line];
    for (const entry of [{ workCompletedThisPeriodCents: 100_00 }, { percentCompleteToDateBp: 1000 }, { materialsStoredNewCents: 100_00 }]) {
      const res = await save(s, s.contactApi, invoice, [{ lineId: l1.id, ...entry }]);
      assertError(res, 422, 'rule_violation', 'lines.0.workCompletedThisPeriodCents');
    }
    assertError(await save(s, s.admin, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 100_00 }]), 422, 'rule_violation');
    // Nothing held yet on this commitment, so nothing to release.
    assertError(await save(s, s.contactApi, invoice, [{ lineId: l1.id, retainageReleasedCents: 1 }]), 422, 'rule_violation', 'lines.0.retainageReleasedCents');
  });

  test("administrators override a line's retainage rates on an invoice; contacts cannot (403)", async () => {
    const c = await approvedCommitment(t, s);
    let invoice = await create(s, s.contactApi, c.id);
    const [l1, l2] = invoice.lines as [Line, Line];
    invoice = await saved(s, s.contactApi, invoice, [
      { lineId: l1.id, workCompletedThisPeriodCents: 1_000_00 },
      { lineId: l2.id, workCompletedThisPeriodCents: 1_000_00 },
    ]);
    assertError(await save(s, s.contactApi, invoice, [{ lineId: l1.id, workRetainageBp: 0 }]), 403, 'forbidden');
    invoice = await saved(s, s.admin, invoice, [{ lineId: l1.id, workRetainageBp: 500, materialsRetainageBp: 0 }]);
    assert.deepEqual(
      invoice.lines.map((l) => [l.workRetainageRateBp, l.materialsRetainageRateBp, l.isRateOverridden, l.workRetainageHeldCents]),
      [
        [500, 0, true, 50_00],
        [1000, 500, false, 100_00],
      ],
    );
    assert.equal(invoice.summary.retainageOnCompletedWorkCents, 150_00);
    assertError(await save(s, s.admin, invoice, [{ lineId: l1.id, workRetainageBp: 10001 }]), 400, 'validation_failed');
  });
});

describe('certifying a different amount', () => {
  test('the administrator certifies with a reason; the claim stays beside it; the G702 and the next invoice use the certified amounts', async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const c = await approvedCommitment(t, s);
    let invoice = await create(s, s.contactApi, c.id);
    const [l1, l2] = invoice.lines as [Line, Line];
    invoice = await saved(s, s.contactApi, invoice, [
      { lineId: l1.id, workCompletedThisPeriodCents: 3_000_00 },
      { lineId: l2.id, workCompletedThisPeriodCents: 1_000_00 },
    ]);
    invoice = await acted(s, s.contactApi, invoice, 'submit');

    assertError(await save(s, s.contactApi, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 2_500_00, differenceReason: 'x' }], 'certify'), 403, 'forbidden');
    const noReason = await save(s, s.admin, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 2_500_00 }], 'certify');
    assertError(noReason, 400, 'validation_failed', 'lines.0.differenceReason');
    const blank = await save(s, s.admin, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 2_500_00, differenceReason: '   ' }], 'certify');
    assertError(blank, 400, 'validation_failed', 'lines.0.differenceReason');

    invoice = await saved(s, s.admin, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 2_500_00, differenceReason: 'Site walk: 25% in place' }], 'certify');
    const [c1, c2] = invoice.lines as [Line, Line];
    assert.equal(c1.workCompletedThisPeriodCents, 2_500_00);
    assert.equal(c1.claimed.workCompletedThisPeriodCents, 3_000_00);
    assert.equal(c1.claimed.totalCompletedAndStoredCents, 3_000_00);
    assert.deepEqual([c1.isCertifiedAdjusted, c1.differenceReason], [true, 'Site walk: 25% in place']);
    assert.deepEqual([c2.isCertifiedAdjusted, c2.differenceReason, c2.claimed.workCompletedThisPeriodCents], [false, null, 1_000_00]);
    // Certified: 4 = 2,500 + 1,000 = 3,500.00; 5 = 350.00; 6 = 8 = 3,150.00.
    // Claimed:   4 = 3,000 + 1,000 = 4,000.00; 5 = 400.00; 6 = 8 = 3,600.00.
    assert.deepEqual(
      [invoice.summary.totalCompletedAndStoredCents, invoice.summary.totalRetainageCents, invoice.summary.currentPaymentDueCents],
      [3_500_00, 350_00, 3_150_00],
    );
    assert.deepEqual(
      [invoice.claimedSummary.totalCompletedAndStoredCents, invoice.claimedSummary.totalRetainageCents, invoice.claimedSummary.currentPaymentDueCents],
      [4_000_00, 400_00, 3_600_00],
    );
    // The contact sees both too.
    const asContact = await get(s, s.contactApi, invoice.invoice.id);
    assert.deepEqual([asContact.lines[0]?.workCompletedThisPeriodCents, asContact.lines[0]?.claimed.workCompletedThisPeriodCents], [2_500_00, 3_000_00]);
    assert.equal(asContact.lines[0]?.differenceReason, 'Site walk: 25% in place');

    // The next period's invoice, while this one still waits for approval: D is what was certified.
    t.clock.set('2026-12-02T15:00:00Z');
    await openPeriod(s);
    const next = await create(s, s.contactApi, c.id);
    assert.equal(next.lines[0]?.workCompletedPreviousCents, 2_500_00, 'D is what was certified, not what was claimed');
    assert.equal(next.lines[0]?.workRetainageHeldCents, 250_00);
    assert.equal(next.summary.lessPreviousCertificatesCents, 0, 'not yet a certificate');

    invoice = await acted(s, s.admin, invoice, 'approve');
    assert.equal(invoice.summary.totalEarnedLessRetainageCents, 3_150_00);
    assert.equal(invoice.lines[0]?.claimed.workCompletedThisPeriodCents, 3_000_00, 'kept in the snapshot');
    assert.equal(invoice.lines[0]?.differenceReason, 'Site walk: 25% in place');
    const nextNow = await get(s, s.contactApi, next.invoice.id);
    assert.equal(nextNow.lines[0]?.workCompletedPreviousCents, 2_500_00);
    assert.equal(nextNow.summary.lessPreviousCertificatesCents, 3_150_00, 'line 7 is the approved line 6');
  });
});

describe('review', () => {
  let s: BillingSetup;

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    await openPeriod(s);
  });

  test('a rejected line sends the invoice back; the contact sees which and why; resubmitting clears the rejections', async () => {
    const c = await approvedCommitment(t, s, { sov: [10_000_00, 5_000_00, 2_000_00] });
    let invoice = await create(s, s.contactApi, c.id);
    const [l1, l2, l3] = invoice.lines as [Line, Line, Line];
    invoice = await saved(s, s.contactApi, invoice, [
      { lineId: l1.id, workCompletedThisPeriodCents: 1_000_00 },
      { lineId: l2.id, workCompletedThisPeriodCents: 2_000_00 },
      { lineId: l3.id, workCompletedThisPeriodCents: 500_00 },
    ]);
    assertError(await s.admin.post(inv(s, invoice.invoice.id, '/review?view=full'), { version: invoice.invoice.version, lines: [{ lineId: l1.id, decision: 'approved' }] }), 422, 'invalid_state');
    invoice = await acted(s, s.contactApi, invoice, 'submit');
    assertError(await s.contactApi.post(inv(s, invoice.invoice.id, '/review?view=full'), { version: invoice.invoice.version, lines: [{ lineId: l1.id, decision: 'approved' }] }), 403, 'forbidden');

    // Approving lines alone keeps it under review.
    const partial = await s.admin.post(inv(s, invoice.invoice.id, '/review?view=full'), { version: invoice.invoice.version, lines: [{ lineId: l1.id, decision: 'approved' }] });
    assertOk(partial);
    invoice = partial.body;
    assert.equal(invoice.invoice.status, 'under_review');
    const sentBackBefore = (await emails(t, 'invoice_sent_back')).length;

    const reviewed = await s.admin.post(inv(s, invoice.invoice.id, '/review?view=full'), {
      version: invoice.invoice.version,
      note: 'See lines 2 and 3',
      lines: [
        { lineId: l2.id, decision: 'rejected', reason: 'Steel not delivered yet' },
        { lineId: l3.id, decision: 'rejected' },
      ],
    });
    assertOk(reviewed);
    invoice = reviewed.body;
    assert.equal(invoice.invoice.status, 'revise_and_resubmit');
    assert.deepEqual(invoice.lines.map((l) => l.workCompletedThisPeriodCents), [1_000_00, 2_000_00, 500_00], 'rejecting changes no amounts');

    const events = (await emails(t, 'invoice_sent_back')).filter((o) => o.payload.invoice.id === invoice.invoice.id);
    assert.equal(events.length, 1);
    assert.equal((await emails(t, 'invoice_sent_back')).length, sentBackBefore + 1);
    assert.equal(events[0]?.payload.note, 'See lines 2 and 3');
    assert.equal(events[0]?.payload.reviewerName, s.adminUser.name);
    assert.equal(events[0]?.toUserId, s.contact.id);
    assert.deepEqual(events[0]?.payload.rejectedLines, [
      { itemNumber: '2', description: 'Line 2', reason: 'Steel not delivered yet' },
      { itemNumber: '3', description: 'Line 3', reason: null },
    ]);

    const seenByContact = await get(s, s.contactApi, invoice.invoice.id);
    assert.deepEqual(
      seenByContact.lines.map((l) => l.review),
      [
        { status: 'approved', reason: null },
        { status: 'rejected', reason: 'Steel not delivered yet' },
        { status: 'rejected', reason: null },
      ],
    );
    assert.equal(seenByContact.you.canEditClaim, true);
    const approveNow = await act(s, s.admin, invoice, 'approve');
    assertError(approveNow, 422);
    assert.equal((await get(s, s.admin, invoice.invoice.id)).invoice.status, 'revise_and_resubmit');

    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l2.id, workCompletedThisPeriodCents: 1_000_00 }]);
    invoice = await acted(s, s.contactApi, invoice, 'submit');
    assert.equal(invoice.invoice.status, 'under_review');
    assert.deepEqual(
      invoice.lines.map((l) => l.review.status),
      ['approved', null, null],
      'the rejections are answered; the approval of line 1 stands',
    );
    assert.ok((await emails(t, 'invoice_submitted')).some((o) => o.payload.invoice.id === invoice.invoice.id));
    invoice = await acted(s, s.admin, invoice, 'approve');
    assert.equal(invoice.invoice.status, 'approved');
    assert.ok((await emails(t, 'invoice_approved')).some((o) => o.payload.invoice.id === invoice.invoice.id && o.payload.invoice.statusLabel === 'Approved'));
  });

  test('a rejected line on an invoice pending owner approval sends it back too; it cannot be approved', async () => {
    const c = await approvedCommitment(t, s);
    let invoice = await create(s, s.contactApi, c.id);
    const [l1] = invoice.lines as [Line];
    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 1_000_00 }]);
    invoice = await acted(s, s.contactApi, invoice, 'submit');
    invoice = await acted(s, s.admin, invoice, 'send_to_owner');
    assert.equal(invoice.invoice.status, 'pending_owner_approval');
    const rejected = await s.admin.post(inv(s, invoice.invoice.id, '/review?view=full'), { version: invoice.invoice.version, lines: [{ lineId: l1.id, decision: 'rejected', reason: 'Owner disputes' }] });
    assertOk(rejected);
    assert.equal(rejected.body.invoice.status, 'revise_and_resubmit');
    assertError(await act(s, s.admin, rejected.body, 'approve'), 422);
    assertError(await act(s, s.admin, rejected.body, 'approve_as_noted'), 422);
  });

  test('approval goes in order: a later invoice waits for the earlier one', async () => {
    const p = await billingProject(t, seen);
    t.clock.set('2026-11-02T15:00:00Z');
    await openPeriod(p);
    const c = await approvedCommitment(t, p);
    let one = await create(p, p.contactApi, c.id);
    one = await saved(p, p.contactApi, one, [{ lineId: one.lines[0]?.id, workCompletedThisPeriodCents: 1_000_00 }]);
    one = await acted(p, p.contactApi, one, 'submit');
    t.clock.set('2026-12-02T15:00:00Z');
    await openPeriod(p);
    let two = await create(p, p.contactApi, c.id);
    assert.deepEqual((await p.admin.get(inv(p, two.invoice.id))).body.unapprovedEarlierInvoices, ['#1']);
    two = await saved(p, p.contactApi, two, [{ lineId: two.lines[0]?.id, workCompletedThisPeriodCents: 1_000_00 }]);
    assert.equal(two.lines[0]?.workCompletedPreviousCents, 1_000_00, 'D carries the unapproved earlier invoice');
    assert.equal(two.summary.lessPreviousCertificatesCents, 0, 'but line 7 counts approved certificates only');
    two = await acted(p, p.contactApi, two, 'submit');
    const refused = await act(p, p.admin, two, 'approve');
    assertError(refused, 422, 'rule_violation');
    assert.match(refused.body.error.message, /#1/);
    assertError(await act(p, p.admin, two, 'approve_as_noted'), 422, 'rule_violation');
    one = await acted(p, p.admin, one, 'approve');
    assert.equal(one.invoice.status, 'approved');
    two = await acted(p, p.admin, await get(p, p.admin, two.invoice.id), 'approve_as_noted');
    assert.equal(two.invoice.status, 'approved_as_noted');
    // 1,000 − 100 retainage = 900.00 certified on #1; #2 adds the same: 6 = 1,800.00, 7 = 900.00, 8 = 900.00.
    assert.deepEqual([two.summary.totalEarnedLessRetainageCents, two.summary.lessPreviousCertificatesCents, two.summary.currentPaymentDueCents], [1_800_00, 900_00, 900_00]);
    t.clock.set('2026-11-02T15:00:00Z');
  });

  test('transitions per actor: contacts only submit; impossible moves are refused', async () => {
    const c = await approvedCommitment(t, s);
    let invoice = await create(s, s.contactApi, c.id);
    assert.deepEqual(invoice.you.allowedActions, ['submit']);
    assertError(await act(s, s.admin, invoice, 'approve'), 422, 'invalid_transition', 'action');
    invoice = await acted(s, s.contactApi, invoice, 'submit');
    for (const action of ['approve', 'approve_as_noted', 'request_revision', 'send_to_owner']) {
      assertError(await act(s, s.contactApi, invoice, action), 403, 'forbidden');
    }
    assertError(await act(s, s.contactApi, invoice, 'submit'), 422, 'invalid_transition');
    assertError(await s.contactApi.post(inv(s, invoice.invoice.id, '/transitions?view=full'), { action: 'pay', version: invoice.invoice.version }), 400, 'validation_failed', 'action');
    const admin = await get(s, s.admin, invoice.invoice.id);
    assert.deepEqual(admin.you.allowedActions, ['request_revision', 'approve', 'approve_as_noted', 'send_to_owner']);
    assert.equal(admin.invoice.status, 'under_review');
  });

  test('bulk status change: each invoice checked and reported', async () => {
    const ready = await approvedCommitment(t, s);
    const drafty = await approvedCommitment(t, s);
    let a = await create(s, s.contactApi, ready.id);
    a = await saved(s, s.contactApi, a, [{ lineId: a.lines[0]?.id, workCompletedThisPeriodCents: 100_00 }]);
    a = await acted(s, s.contactApi, a, 'submit');
    const b = await create(s, s.contactApi, drafty.id);
    const missing = randomUUID();
    const contactTry = await s.contactApi.post(`${s.p}/invoices/bulk-transitions`, { invoiceIds: [a.invoice.id], action: 'approve' });
    assert.ok(contactTry.status === 403 || contactTry.body.results?.every((r: any) => !r.ok && r.error.code === 'forbidden'), JSON.stringify(contactTry.body));
    assert.equal((await get(s, s.admin, a.invoice.id)).invoice.status, 'under_review');

    // Something that is not an id is a malformed request (issue 11): 400 naming it, nothing changed.
    assertError(await s.admin.post(`${s.p}/invoices/bulk-transitions`, { invoiceIds: [a.invoice.id, 'nope'], action: 'approve' }), 400, 'validation_failed', 'invoiceIds.1');
    assert.equal((await get(s, s.admin, a.invoice.id)).invoice.status, 'under_review');
    const res = await s.admin.post(`${s.p}/invoices/bulk-transitions`, { invoiceIds: [a.invoice.id, b.invoice.id, missing, a.invoice.id], action: 'approve' });
    assertOk(res);
    const results = res.body.results as any[];
    assert.deepEqual(
      results.map((r) => [r.invoiceId, r.ok, r.status ?? r.error.code]),
      [
        [a.invoice.id, true, 'approved'],
        [b.invoice.id, false, 'invalid_transition'],
        [missing, false, 'not_found'],
      ],
    );
    assert.ok(results[1].error.message.length > 10);
    assert.equal((await get(s, s.admin, a.invoice.id)).invoice.status, 'approved');
    assert.equal((await get(s, s.admin, b.invoice.id)).invoice.status, 'draft');
  });
});

describe('concurrency', () => {
  let s: BillingSetup;

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    await openPeriod(s);
  });

  test('two saves of the same version: one wins, the other gets 409 and nothing of it is saved', async () => {
    const c = await approvedCommitment(t, s);
    const invoice = await create(s, s.contactApi, c.id);
    const [l1, l2] = invoice.lines as [Line, Line];
    const mine = [{ lineId: l1.id, workCompletedThisPeriodCents: 1_111_00 }];
    const theirs = [
      { lineId: l1.id, workCompletedThisPeriodCents: 2_222_00 },
      { lineId: l2.id, materialsStoredNewCents: 333_00 },
    ];
    const [a, b] = await Promise.all([save(s, s.contactApi, invoice, mine), save(s, s.admin, invoice, theirs)]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409], `${a.status} ${JSON.stringify(a.body)} / ${b.status} ${JSON.stringify(b.body)}`);
    const loser = a.status === 409 ? a : b;
    assert.equal(loser.body.error.code, 'version_conflict');
    const now = await get(s, s.admin, invoice.invoice.id);
    assert.equal(now.invoice.version, invoice.invoice.version + 1);
    if (a.status === 200) assert.deepEqual([now.lines[0]?.workCompletedThisPeriodCents, now.lines[1]?.materialsStoredNewCents], [1_111_00, 0]);
    else assert.deepEqual([now.lines[0]?.workCompletedThisPeriodCents, now.lines[1]?.materialsStoredNewCents], [2_222_00, 333_00]);
    const audit = (await s.admin.get(inv(s, invoice.invoice.id, '/audit'))).body.data.filter((e: any) => e.action === 'save_lines');
    assert.equal(audit.length, 1);
  });

  test('creations at once: a contact gets one invoice and a 409; two administrators get two, numbered in sequence', async () => {
    for (let round = 0; round < 3; round += 1) {
      const c = await approvedCommitment(t, s);
      const path = `${s.p}/commitments/${c.id}/invoices`;
      const [a, b] = await Promise.all([s.contactApi.post(path, { number: 'X-1' }), s.contactApi.post(path, { number: 'X-2' })]);
      assert.deepEqual([a.status, b.status].sort(), [201, 409], `${a.status} ${JSON.stringify(a.body)} / ${b.status} ${JSON.stringify(b.body)}`);
      assert.equal((a.status === 409 ? a : b).body.error.code, 'conflict');
      assert.equal((await invoicesOf(s, c.id)).length, 1);
      // Administrators may create several in one period: at once, both are numbered in sequence.
      const [x, y] = await Promise.all([s.admin.post(path, {}), s.admin.post(path, {})]);
      assert.deepEqual([x.status, y.status], [201, 201], `${JSON.stringify(x.body).slice(0, 300)} / ${JSON.stringify(y.body).slice(0, 300)}`);
      assert.deepEqual([x.body.invoice.number, y.body.invoice.number].sort(), ['2', '3']);
    }
  });

  test('the same Idempotency-Key sent twice at once still creates one invoice', async () => {
    const c = await approvedCommitment(t, s);
    const path = `${s.p}/commitments/${c.id}/invoices`;
    const key = { 'idempotency-key': `twin-${randomUUID()}` };
    const [a, b] = await Promise.all([s.contactApi.post(path, { number: 'T-1' }, key), s.contactApi.post(path, { number: 'T-1' }, key)]);
    const statuses = [a.status, b.status].sort();
    assert.ok(
      JSON.stringify(statuses) === '[201,201]' || JSON.stringify(statuses) === '[201,409]',
      `one creates; the twin is replayed or told to retry: ${a.status} ${JSON.stringify(a.body).slice(0, 200)} / ${b.status} ${JSON.stringify(b.body).slice(0, 200)}`,
    );
    if (statuses[1] === 201) assert.equal(a.body.invoice.id, b.body.invoice.id);
    assert.equal((await invoicesOf(s, c.id)).length, 1);
    const retry = await s.contactApi.post(path, { number: 'T-1' }, key);
    assertOk(retry, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  });

  test('two administrators approving at once: exactly one 200, the other 409', async () => {
    const { gc } = await systemAdminOf(t.db);
    const second = await makeUser(t.db, gc, { name: 'Second Admin' });
    await addToProject(t.db, s.project, second, 'admin');
    const admin2 = track(await t.as(second.id), seen);
    for (let round = 0; round < 3; round += 1) {
      const c = await approvedCommitment(t, s);
      let invoice = await create(s, s.contactApi, c.id);
      invoice = await saved(s, s.contactApi, invoice, [{ lineId: invoice.lines[0]?.id, workCompletedThisPeriodCents: 1_000_00 }]);
      invoice = await acted(s, s.contactApi, invoice, 'submit');
      const [a, b] = await Promise.all([act(s, s.admin, invoice, 'approve'), act(s, admin2, invoice, 'approve_as_noted')]);
      assert.deepEqual([a.status, b.status].sort(), [200, 409], `${a.status} ${JSON.stringify(a.body)} / ${b.status} ${JSON.stringify(b.body)}`);
      const loser = a.status === 409 ? a : b;
      assert.equal(loser.body.error.code, 'version_conflict');
      assert.match(loser.body.error.message, /./);
      const final = await get(s, s.admin, invoice.invoice.id);
      assert.equal(final.invoice.status, a.status === 200 ? 'approved' : 'approved_as_noted');
      assert.equal(final.invoice.version, invoice.invoice.version + 1);
      const approvals = (await emails(t, 'invoice_approved')).filter((o) => o.payload.invoice.id === invoice.invoice.id);
      assert.equal(approvals.length, 1, 'one approval announced');
    }
  });
});

describe('attachments', () => {
  let s: BillingSetup;
  let invoice: InvoiceBody;
  const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    await openPeriod(s);
    invoice = await create(s, s.contactApi, (await approvedCommitment(t, s)).id);
  });

  test('upload a PDF, see it on the invoice, download the same bytes, remove it', async () => {
    const path = inv(s, invoice.invoice.id, '/attachments');
    const up = await upload(t, s.contactApi.token, path, { name: 'Pay app "Nov".pdf', type: 'application/pdf', bytes: pdf }, seen);
    assertOk(up, 201);
    assert.equal(up.body.contentType, 'application/pdf');
    assert.equal(up.body.sizeBytes, pdf.length);
    assert.equal(up.body.filename, 'Pay app _Nov_.pdf');
    const listed = (await get(s, s.admin, invoice.invoice.id)).attachments;
    assert.deepEqual(
      listed.map((a) => [a.id, a.filename, a.contentType, a.sizeBytes]),
      [[up.body.id, 'Pay app _Nov_.pdf', 'application/pdf', pdf.length]],
    );
    const file = await download(t, s.admin.token, `${path}/${up.body.id}`);
    assert.equal(file.status, 200);
    assert.deepEqual(Buffer.from(file.bytes), Buffer.from(pdf));
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.match(file.headers.get('content-disposition') ?? '', /^attachment; filename="Pay app _Nov_\.pdf"/);
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
    const byContact = await download(t, s.contactApi.token, `${path}/${up.body.id}`);
    assert.equal(byContact.status, 200);

    const other = await otherContact(s);
    assert.equal((await download(t, other.api.token, `${path}/${up.body.id}`)).status, 404, 'not for a non-contact');

    const removed = await s.contactApi.delete(`${path}/${up.body.id}`);
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    assert.deepEqual((await get(s, s.admin, invoice.invoice.id)).attachments, []);
    assert.equal((await download(t, s.admin.token, `${path}/${up.body.id}`)).status, 404);
    assertError(await s.contactApi.delete(`${path}/${up.body.id}`), 404, 'not_found');
    assertError(await s.contactApi.delete(`${path}/not-a-uuid`), 404, 'not_found');
  });

  test('a type invoices do not take: 415 with a clear message', async () => {
    const path = inv(s, invoice.invoice.id, '/attachments');
    const res = await upload(t, s.contactApi.token, path, { name: 'setup.exe', type: 'application/x-msdownload', bytes: new Uint8Array([77, 90, 0, 1]) }, seen);
    assertError(res, 415, 'unsupported_media_type', 'file');
    assert.match(res.body.error.message, /setup\.exe/);
    assert.match(res.body.error.message, /PDF/);
    assertError(await upload(t, s.contactApi.token, path, { name: 'empty.pdf', type: 'application/pdf', bytes: new Uint8Array() }, seen), 400, 'validation_failed', 'file');
    const notMultipart = await s.contactApi.post(path, { file: 'x' });
    assertError(notMultipart, 415, 'unsupported_media_type', 'file');
    assert.match(notMultipart.body.error.message, /multipart\/form-data/, 'tells the uploader what to send');
    assert.deepEqual((await get(s, s.admin, invoice.invoice.id)).attachments, []);
  });

  test('over 10 MB: 413', async () => {
    const path = inv(s, invoice.invoice.id, '/attachments');
    const justOver = new Uint8Array(10 * 1024 * 1024 + 1);
    const res = await upload(t, s.contactApi.token, path, { name: 'scan.pdf', type: 'application/pdf', bytes: justOver }, seen);
    assertError(res, 413, 'payload_too_large', 'file');
    assert.match(res.body.error.message, /10 MB/);
    const wayOver = await upload(t, s.contactApi.token, path, { name: 'huge.pdf', type: 'application/pdf', bytes: new Uint8Array(11 * 1024 * 1024) }, seen);
    assertError(wayOver, 413, 'payload_too_large');
    const exactly = await upload(t, s.contactApi.token, path, { name: 'max.pdf', type: 'application/pdf', bytes: new Uint8Array(10 * 1024 * 1024) }, seen);
    assertOk(exactly, 201);
    assert.deepEqual((await get(s, s.admin, invoice.invoice.id)).attachments.map((a) => a.filename), ['max.pdf']);
  });
});

describe('who sees which invoices', () => {
  test('a non-contact of the commitment cannot see its invoices (404); a contact lists only their commitments’ invoices', async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const c = await approvedCommitment(t, s, { isPrivate: false });
    const mine = await create(s, s.contactApi, c.id);
    const other = await otherContact(s);
    const theirs = await create(s, other.api, other.commitment.id);
    const { gc } = await systemAdminOf(t.db);
    const std = await makeUser(t.db, gc, { name: 'Standard' });
    await addToProject(t.db, s.project, std, 'standard');
    const standard = track(await t.as(std.id), seen);

    for (const api of [other.api, standard]) {
      assertError(await api.get(inv(s, mine.invoice.id)), 404, 'not_found');
      assertError(await api.get(inv(s, mine.invoice.id, '/audit')), 404, 'not_found');
    }
    assertError(await s.contactApi.get(inv(s, theirs.invoice.id)), 404, 'not_found');
    assertError(await s.contactApi.get(inv(s, randomUUID())), 404, 'not_found');
    const listMine = await s.contactApi.get(`${s.p}/invoices`);
    assertOk(listMine);
    assert.deepEqual(listMine.body.data.map((i: any) => i.id), [mine.invoice.id]);
    const listTheirs = await other.api.get(`${s.p}/invoices`);
    assert.deepEqual(listTheirs.body.data.map((i: any) => i.id), [theirs.invoice.id]);
    assert.deepEqual((await standard.get(`${s.p}/invoices`)).body.data, []);
    const all = await s.admin.get(`${s.p}/invoices`);
    assert.deepEqual(all.body.data.map((i: any) => i.id).sort(), [mine.invoice.id, theirs.invoice.id].sort());
    const filtered = await s.admin.get(`${s.p}/invoices?status=under_review`);
    assert.deepEqual(filtered.body.data, []);
  });
});

describe('the audit log', () => {
  test('every change to an invoice is in its history (administrators only)', async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    const s = await billingProject(t, seen);
    await openPeriod(s);
    const c = await approvedCommitment(t, s);
    let invoice = await create(s, s.contactApi, c.id);
    const [l1] = invoice.lines as [Line];
    invoice = await saved(s, s.contactApi, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 2_000_00 }]);
    const patched = await s.contactApi.patch(inv(s, invoice.invoice.id), { version: invoice.invoice.version, comments: 'See backup' });
    assertOk(patched);
    invoice = patched.body;
    const up = await upload(t, s.contactApi.token, inv(s, invoice.invoice.id, '/attachments'), { name: 'a.pdf', type: 'application/pdf', bytes: new Uint8Array([37, 80, 68, 70]) }, seen);
    assertOk(up, 201);
    assert.equal((await s.contactApi.delete(inv(s, invoice.invoice.id, `/attachments/${up.body.id}`))).status, 204);
    invoice = await get(s, s.contactApi, invoice.invoice.id);
    invoice = await acted(s, s.contactApi, invoice, 'submit');
    const rejected = await s.admin.post(inv(s, invoice.invoice.id, '/review?view=full'), { version: invoice.invoice.version, lines: [{ lineId: l1.id, decision: 'rejected', reason: 'Too high' }] });
    assertOk(rejected);
    invoice = await saved(s, s.contactApi, rejected.body, [{ lineId: l1.id, workCompletedThisPeriodCents: 1_500_00 }]);
    invoice = await acted(s, s.contactApi, invoice, 'submit');
    invoice = await saved(s, s.admin, invoice, [{ lineId: l1.id, workCompletedThisPeriodCents: 1_400_00, differenceReason: 'Measured' }], 'certify');
    invoice = await acted(s, s.admin, invoice, 'approve');

    assertError(await s.contactApi.get(inv(s, invoice.invoice.id, '/audit')), 403, 'forbidden');
    const history = await s.admin.get(inv(s, invoice.invoice.id, '/audit'));
    assertOk(history);
    const entries = [...history.body.data].reverse();
    assert.deepEqual(
      entries.map((e: any) => e.action),
      [
        'create',
        'save_lines',
        'update',
        'add_attachment',
        'remove_attachment',
        'status_under_review',
        'review_lines',
        'status_revise_and_resubmit',
        'save_lines',
        'status_under_review',
        'certify_lines',
        'status_approved',
      ],
    );
    const by = (action: string) => entries.filter((e: any) => e.action === action).map((e: any) => e.actorUserId);
    assert.deepEqual(by('create'), [s.contact.id]);
    assert.deepEqual(by('certify_lines'), [s.adminUser.id]);
    assert.deepEqual(by('status_approved'), [s.adminUser.id]);
    const certify = entries.find((e: any) => e.action === 'certify_lines');
    // What changed, before and after (issue 12): the certified amount; the claim beside it did not move.
    assert.equal(certify.before[0].certified.workCompletedThisPeriodCents, 1_500_00);
    assert.equal(certify.after[0].certified.workCompletedThisPeriodCents, 1_400_00);
    assert.equal(certify.after[0].claimed, undefined);
    assert.equal(certify.after[0].differenceReason, 'Measured');
    const approval = entries.find((e: any) => e.action === 'status_approved');
    assert.equal(approval.after.certified.totalCompletedAndStoredCents, 1_400_00);
  });
});
