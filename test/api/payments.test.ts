/**
 * Issue 6, payments through the API: recorded against approved invoices only, by invoice
 * administrators; unpaid → partially paid → paid against the certified current payment due
 * (G702 line 8); overpayment refused; voided with a reason and kept; the two-person rule;
 * attachments; what contacts see; roll-ups per commitment and project and on the billing board;
 * the audit log. Never a 500.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import {
  approvedCommitment,
  assertError,
  assertNo5xx,
  assertOk,
  billingProject,
  download,
  track,
  upload,
  type BillingSetup,
  type Client,
  type Seen,
} from '../support/billing.ts';
import { addToProject, makeCommitment, makeCompany, makeUser, systemAdminOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
const seen: Seen = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  t.clock.set('2026-11-10T15:00:00Z');
});
after(() => database.close());
afterEach(() => assertNo5xx(seen));

type Invoice = { invoice: { id: string; version: number; status: string }; lines: { id: string }[]; summary: Record<string, number> };

/** An invoice billing `workCents` on the first SOV line, submitted by the contact and approved by `approver`. */
async function billed(s: BillingSetup, c: Commitment, workCents: number, approver: Client = s.admin, approve = true): Promise<Invoice> {
  const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
  assertOk(created, 201);
  let inv: Invoice = created.body;
  const saved = await s.contactApi.put(`${s.p}/invoices/${inv.invoice.id}/lines?view=full`, {
    version: inv.invoice.version,
    lines: [{ lineId: inv.lines[0]!.id, workCompletedThisPeriodCents: workCents }],
  });
  assertOk(saved);
  inv = saved.body;
  const submitted = await s.contactApi.post(`${s.p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'submit', version: inv.invoice.version });
  assertOk(submitted);
  inv = submitted.body;
  if (!approve) return inv;
  const approved = await approver.post(`${s.p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'approve', version: inv.invoice.version });
  assertOk(approved);
  return approved.body;
}

const pay = (s: BillingSetup, api: Client, invoiceId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api.post(`${s.p}/invoices/${invoiceId}/payments`, { paidOn: '2026-11-20', method: 'check', ...body }, headers);

/** Each invoice in its own billing period: close the open one and open the next month. */
async function nextPeriod(s: BillingSetup, startsOn: string, endsOn: string, dueOn: string): Promise<void> {
  t.clock.set(`${startsOn}T15:00:00Z`);
  const periods = await s.admin.get(`${s.p}/billing-periods`);
  for (const p of (periods.body.data ?? periods.body) as { id: string; status: string; version: number }[]) {
    if (p.status === 'open') assertOk(await s.admin.patch(`${s.p}/billing-periods/${p.id}`, { version: p.version, status: 'closed' }));
  }
  assertOk(await s.admin.post(`${s.p}/billing-periods`, { startsOn, endsOn, dueOn }), 201);
}

describe('payments on an invoice', () => {
  let s: BillingSetup;

  before(async () => {
    s = await billingProject(t, seen);
    await nextPeriod(s, '2026-11-01', '2026-11-30', '2026-11-25');
  });

  test('recorded against the approved amount due: unpaid, partially paid, paid; overpaying refused; contacts see but cannot record', async () => {
    const c = await approvedCommitment(t, s);
    const draft = await billed(s, c, 4_000_00, s.admin, false);
    const early = await pay(s, s.admin, draft.invoice.id, { amountCents: 100_00 });
    assertError(early, 422, 'invalid_state', 'invoiceId');
    const before = await s.admin.get(`${s.p}/invoices/${draft.invoice.id}/payments`);
    assertOk(before);
    assert.equal(before.body.payable, false);
    assert.equal(before.body.status, null);
    assert.equal(before.body.canRecord, false);
    assert.match(before.body.cannotRecordReason, /approved invoices only/);

    const approved = await s.admin.post(`${s.p}/invoices/${draft.invoice.id}/transitions?view=full`, { action: 'approve', version: draft.invoice.version });
    assertOk(approved);
    const id = draft.invoice.id;
    // 4,000.00 of work less 10% retainage: 3,600.00 due.
    assert.equal(approved.body.summary.currentPaymentDueCents, 3_600_00);

    const unpaid = (await s.contactApi.get(`${s.p}/invoices/${id}/payments`)).body;
    assert.deepEqual([unpaid.status, unpaid.statusLabel, unpaid.dueCents, unpaid.paidCents, unpaid.remainingCents], ['unpaid', 'Unpaid', 3_600_00, 0, 3_600_00]);
    assert.equal(unpaid.canRecord, false, 'a contact never records payments');
    assertError(await pay(s, s.contactApi, id, { amountCents: 100_00 }), 403, 'forbidden');

    const first = await pay(s, s.admin, id, { amountCents: 1_000_00, reference: '1001', paymentNumber: 'P-1', notes: 'First draw' });
    assertOk(first, 201);
    assert.equal(first.body.status, 'partially_paid');
    assert.equal(first.body.remainingCents, 2_600_00);
    assert.deepEqual(
      first.body.payments.map((p: any) => [p.amountCents, p.method, p.methodLabel, p.reference, p.paymentNumber, p.notes, p.paidOn, p.recordedByName, p.voided]),
      [[1_000_00, 'check', 'Check', '1001', 'P-1', 'First draw', '2026-11-20', 'Invoice Admin', false]],
    );

    const over = await pay(s, s.admin, id, { amountCents: 2_600_01, method: 'electronic' });
    assertError(over, 422, 'overpayment', 'amountCents');
    assert.match(over.body.error.message, /2,600\.00 is left to pay/);

    const rest = await pay(s, s.admin, id, { amountCents: 2_600_00, method: 'electronic', reference: 'ACH-77' });
    assertOk(rest, 201);
    assert.deepEqual([rest.body.status, rest.body.paidCents, rest.body.remainingCents, rest.body.canRecord], ['paid', 3_600_00, 0, false]);
    const more = await pay(s, s.admin, id, { amountCents: 1 });
    assertError(more, 422, 'overpayment', 'amountCents');
    assert.match(more.body.error.message, /already paid in full/);

    const seenByContact = (await s.contactApi.get(`${s.p}/invoices/${id}/payments`)).body;
    assert.equal(seenByContact.status, 'paid');
    assert.deepEqual(seenByContact.payments.map((p: any) => p.amountCents), [1_000_00, 2_600_00]);
  });

  test('a payment is voided with a reason, kept on the invoice, and no longer counts; never twice', async () => {
    const c = await approvedCommitment(t, s);
    const inv = await billed(s, c, 1_000_00);
    const id = inv.invoice.id;
    const recorded = await pay(s, s.admin, id, { amountCents: 900_00 });
    assertOk(recorded, 201);
    assert.equal(recorded.body.status, 'paid');
    const paymentId = recorded.body.payments[0].id;

    assertError(await s.admin.post(`${s.p}/invoices/${id}/payments/${paymentId}/void`, { reason: '   ' }), 400, 'validation_failed', 'reason');
    assertError(await s.contactApi.post(`${s.p}/invoices/${id}/payments/${paymentId}/void`, { reason: 'mine' }), 403, 'forbidden');
    assertError(await s.admin.post(`${s.p}/invoices/${id}/payments/${randomUUID()}/void`, { reason: 'x' }), 404, 'not_found');
    assertError(await s.admin.post(`${s.p}/invoices/${id}/payments/not-a-uuid/void`, { reason: 'x' }), 404, 'not_found');

    const voided = await s.admin.post(`${s.p}/invoices/${id}/payments/${paymentId}/void`, { reason: 'Check returned by the bank' });
    assertOk(voided);
    assert.deepEqual([voided.body.status, voided.body.paidCents, voided.body.remainingCents, voided.body.canRecord], ['unpaid', 0, 900_00, true]);
    const kept = voided.body.payments[0];
    assert.deepEqual([kept.id, kept.voided, kept.voidReason, kept.voidedByName, kept.amountCents], [paymentId, true, 'Check returned by the bank', 'Invoice Admin', 900_00]);
    assertError(await s.admin.post(`${s.p}/invoices/${id}/payments/${paymentId}/void`, { reason: 'again' }), 422, 'payment_voided');
    assert.equal(Number((await t.db.selectFrom('payments').select((eb) => eb.fn.countAll().as('n')).where('tenantId', '=', s.project.tenantId).where('invoiceId', '=', id).executeTakeFirstOrThrow()).n), 1, 'never deleted');

    // Paid again after the void: the full amount can be recorded once more.
    assertOk(await pay(s, s.admin, id, { amountCents: 900_00, method: 'card' }), 201);

    const audit = await s.admin.get(`${s.p}/invoices/${id}/audit`);
    assertOk(audit);
    const actions = (audit.body.data as { action: string }[]).map((e) => e.action);
    assert.equal(actions.filter((a) => a === 'record_payment').length, 2);
    assert.equal(actions.filter((a) => a === 'void_payment').length, 1);
  });

  test('bad input is refused with the field at fault; a retried request records one payment', async () => {
    const c = await approvedCommitment(t, s);
    const inv = await billed(s, c, 500_00);
    const id = inv.invoice.id;
    assertError(await pay(s, s.admin, id, { amountCents: 0 }), 400, 'validation_failed', 'amountCents');
    assertError(await pay(s, s.admin, id, { amountCents: 10.5 }), 400, 'validation_failed', 'amountCents');
    assertError(await pay(s, s.admin, id, { amountCents: 100, paidOn: '2026-02-30' }), 400, 'validation_failed', 'paidOn');
    assertError(await pay(s, s.admin, id, { amountCents: 100, method: 'cash' }), 400, 'validation_failed', 'method');
    assertError(await pay(s, s.admin, randomUUID(), { amountCents: 100 }), 404, 'not_found');

    const key = { 'idempotency-key': `pay-${randomUUID()}` };
    const first = await pay(s, s.admin, id, { amountCents: 100_00 }, key);
    assertOk(first, 201);
    const retry = await pay(s, s.admin, id, { amountCents: 100_00 }, key);
    assertOk(retry, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal((await s.admin.get(`${s.p}/invoices/${id}/payments`)).body.payments.length, 1);
  });

  test('the remittance is attached to a payment, downloaded by the contact too; invisible to anyone else', async () => {
    const c = await approvedCommitment(t, s);
    const inv = await billed(s, c, 300_00);
    const id = inv.invoice.id;
    const recorded = await pay(s, s.admin, id, { amountCents: 270_00 });
    const paymentId = recorded.body.payments[0].id;
    const pdf = new TextEncoder().encode('%PDF-1.4 remittance advice');
    const path = `${s.p}/invoices/${id}/payments/${paymentId}/attachments`;
    assertError(await upload(t, s.contactApi.token, path, { name: 'r.pdf', type: 'application/pdf', bytes: pdf }, seen), 403, 'forbidden');
    assertError(await upload(t, s.admin.token, path, { name: 'r.exe', type: 'application/x-msdownload', bytes: pdf }, seen), 415);
    const attached = await upload(t, s.admin.token, path, { name: 'remittance.pdf', type: 'application/pdf', bytes: pdf }, seen);
    assertOk(attached, 201);
    const listed = (await s.contactApi.get(`${s.p}/invoices/${id}/payments`)).body.payments[0];
    assert.equal(listed.attachment.filename, 'remittance.pdf');
    const file = await download(t, s.contactApi.token, `${path}/${attached.body.id}`);
    assert.equal(file.status, 200);
    assert.deepEqual(file.bytes, pdf);

    const { gc } = await systemAdminOf(t.db);
    const outsider = await makeUser(t.db, gc, { name: 'Read Only GC' });
    await addToProject(t.db, s.project, outsider, 'read_only');
    const outsiderApi = track(await t.as(outsider.id), seen);
    assertError(await outsiderApi.get(`${s.p}/invoices/${id}/payments`), 404, 'not_found');
    assertError(await pay(s, outsiderApi, id, { amountCents: 1 }), 404, 'not_found');
    assert.equal((await download(t, outsiderApi.token, `${path}/${attached.body.id}`)).status, 404);
  });
});

describe('the two-person rule', () => {
  test('with the project setting on, whoever approved an invoice cannot record its payment; another administrator can', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-11-01', '2026-11-30', '2026-11-25');
    const c = await approvedCommitment(t, s);
    const settings = await s.admin.get(`${s.p}/invoicing-settings`);
    assert.equal(settings.body.twoPersonPaymentRule, false, 'off by default');
    const changed = await s.admin.patch(`${s.p}/invoicing-settings`, { version: settings.body.version, twoPersonPaymentRule: true });
    assertOk(changed);
    assert.equal(changed.body.twoPersonPaymentRule, true);

    const inv = await billed(s, c, 2_000_00);
    const view = (await s.admin.get(`${s.p}/invoices/${inv.invoice.id}/payments`)).body;
    assert.equal(view.canRecord, false);
    assert.match(view.cannotRecordReason, /another administrator/);
    assertError(await pay(s, s.admin, inv.invoice.id, { amountCents: 100_00 }), 403, 'two_person_rule');

    const { gc } = await systemAdminOf(t.db);
    const second = await makeUser(t.db, gc, { name: 'Second Admin' });
    await addToProject(t.db, s.project, second, 'admin');
    const secondApi = track(await t.as(second.id), seen);
    const ok = await pay(s, secondApi, inv.invoice.id, { amountCents: 1_800_00 });
    assertOk(ok, 201);
    assert.equal(ok.body.status, 'paid');
    assert.equal(ok.body.payments[0].recordedByName, 'Second Admin');
  });
});

describe('roll-ups', () => {
  test('per commitment and per project: invoiced, paid, % paid, retainage held, remaining balance — on the board too; contacts see their own', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-09-01', '2026-09-30', '2026-09-25');
    // 15,000.00 contract, 10% retainage on work.
    const c = await approvedCommitment(t, s);
    const other = await makeCompany(t.db);
    const otherUser = await makeUser(t.db, other);
    await addToProject(t.db, s.project, otherUser, 'read_only');
    const d = await makeCommitment(t.db, s.project, { contractCompanyId: other.id, invoiceContactIds: [otherUser.id], status: 'approved', retainageWorkBp: 500, sov: [20_000_00] });

    const sep = await billed(s, c, 5_000_00); // due 4,500.00
    await pay(s, s.admin, sep.invoice.id, { amountCents: 4_500_00 });
    await nextPeriod(s, '2026-10-01', '2026-10-31', '2026-10-25');
    const oct = await billed(s, c, 3_000_00); // due 2,700.00
    await pay(s, s.admin, oct.invoice.id, { amountCents: 1_000_00 });
    await nextPeriod(s, '2026-11-01', '2026-11-30', '2026-11-25');
    await billed(s, c, 1_000_00, s.admin, false); // under review: not invoiced yet

    const rollups = await s.admin.get(`${s.p}/payment-rollups`);
    assertOk(rollups);
    const forC = rollups.body.commitments.find((r: any) => r.commitmentId === c.id);
    assert.deepEqual(
      [forC.contractSumToDateCents, forC.invoicedToDateCents, forC.paidToDateCents, forC.percentPaidBp, forC.retainageHeldCents, forC.unpaidInvoicedCents, forC.remainingBalanceCents],
      [15_000_00, 7_200_00, 5_500_00, 3667, 800_00, 1_700_00, 9_500_00],
    );
    const forD = rollups.body.commitments.find((r: any) => r.commitmentId === d.id);
    assert.deepEqual([forD.invoicedToDateCents, forD.paidToDateCents, forD.remainingBalanceCents], [0, 0, 20_000_00]);
    assert.deepEqual(
      [rollups.body.project.contractSumToDateCents, rollups.body.project.invoicedToDateCents, rollups.body.project.paidToDateCents, rollups.body.project.remainingBalanceCents, rollups.body.project.percentPaidBp],
      [35_000_00, 7_200_00, 5_500_00, 29_500_00, 1571],
    );

    const mine = await s.contactApi.get(`${s.p}/payment-rollups`);
    assertOk(mine);
    assert.deepEqual(mine.body.commitments.map((r: any) => r.commitmentId), [c.id], 'a contact sees only the commitments they bill');
    assert.equal(mine.body.project.paidToDateCents, 5_500_00);

    // The board: October's invoice is partially paid; its row carries the commitment roll-up.
    const board = await s.admin.get(`${s.p}/billing-board?billingPeriodId=${(await t.db.selectFrom('billingPeriods').select('id').where('tenantId', '=', s.project.tenantId).where('projectId', '=', s.project.id).where('startsOn', '=', '2026-10-01').executeTakeFirstOrThrow()).id}`);
    assertOk(board);
    const row = board.body.rows.find((r: any) => r.commitmentId === c.id);
    assert.deepEqual([row.latestInvoice.paidStatus, row.latestInvoice.paidCents], ['partially_paid', 1_000_00]);
    assert.equal(row.payments.paidToDateCents, 5_500_00);
    const now = await s.admin.get(`${s.p}/billing-board`);
    const current = now.body.rows.find((r: any) => r.commitmentId === c.id);
    assert.equal(current.latestInvoice.paidStatus, null, 'not payable until approved');
  });
});
