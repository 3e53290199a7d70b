/**
 * Issue 10, item 12, through the API: an Invite to Bill can ask for attachments (with a note of
 * what to attach), stored on the invite, shown on the board and in the Invite to Bill email as its
 * recipient reads it; the invoice view carries a `submissionChecklist` (what the invite asked for,
 * the attachments, the lines billing stored materials); submitting with items missing needs
 * `acknowledgeMissing: true` — refused with `submission_incomplete` naming them otherwise — and the
 * acknowledgement is in the invoice's history.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import { deliverDueEmails } from '../../src/email/deliver.ts';
import { createSmtpTransport, type EmailTransport } from '../../src/email/transport.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertError, assertNo5xx, assertOk, billingProject, upload, type BillingSetup, type Seen } from '../support/billing.ts';
import { plain, startSmtpSink, visibleText, type SinkMessage, type SmtpSink } from '../support/smtp.ts';
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

const NOTE = 'Conditional lien waiver and the supplier invoice for stored switchgear';
const invoicePath = (s: BillingSetup, id: string, rest = '') => `${s.p}/invoices/${id}${rest}`;

async function deliver(): Promise<SinkMessage[]> {
  const start = sink.messages.length;
  for (;;) {
    const report = await deliverDueEmails(t.db, transport, { from: 'payapp <billing@payapp.test>', baseUrl: 'http://payapp.test', now: t.clock.now });
    if (report.sent === 0) break;
  }
  return sink.messages.slice(start);
}

async function project(): Promise<{ s: BillingSetup; c: Commitment }> {
  t.clock.set('2026-11-02T15:00:00Z');
  const s = await billingProject(t, seen);
  assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
  return { s, c: await approvedCommitment(t, s) };
}

async function createdInvoice(s: BillingSetup, c: Commitment) {
  const res = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
  assertOk(res, 201);
  return res.body;
}

describe('an Invite to Bill that asks for attachments', () => {
  test('stored on the invite, on the board and the commitment’s billing, in the audit, and in the email the contact reads', async () => {
    const { s, c } = await project();
    await deliver();
    assertError(await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id], attachmentsNote: NOTE }), 400, 'validation_failed', 'attachmentsNote');
    assertError(await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id], requestAttachments: true, attachmentsNote: 'x'.repeat(501) }), 400, 'validation_failed', 'attachmentsNote');
    assertError(await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id], requestAttachments: 'yes' }), 400, 'validation_failed', 'requestAttachments');
    const sent = await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id], requestAttachments: true, attachmentsNote: ` ${NOTE} ` });
    assertOk(sent);
    assert.equal(sent.body.sent, 1);

    const row = (await s.admin.get(`${s.p}/billing-board`)).body.rows.find((r: any) => r.commitmentId === c.id);
    assert.deepEqual([row.invite.requestAttachments, row.invite.attachmentsNote], [true, NOTE]);
    const billing = await s.contactApi.get(`${s.p}/commitments/${c.id}/billing`);
    assert.deepEqual([billing.body.invite.requestAttachments, billing.body.invite.attachmentsNote], [true, NOTE]);
    const audit = await t.db.selectFrom('auditLog').select(['after']).where('entityId', '=', c.id).where('action', '=', 'invite_to_bill').executeTakeFirstOrThrow();
    assert.deepEqual([(audit.after as any).requestAttachments, (audit.after as any).attachmentsNote], [true, NOTE]);

    const [message] = (await deliver()).filter((m) => m.envelope.to.includes(s.contact.email));
    assert.ok(message, 'the contact got the invite');
    for (const part of [plain(message.text), visibleText(message.html)]) {
      assert.ok(part.includes(plain(`Attach to your invoice`)), part);
      assert.ok(part.includes(plain(NOTE)), part);
    }

    // Sent again without the ask: the invite no longer asks, and the email says nothing of it.
    assertOk(await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id] }));
    const again = (await s.admin.get(`${s.p}/billing-board`)).body.rows.find((r: any) => r.commitmentId === c.id);
    assert.deepEqual([again.invite.requestAttachments, again.invite.attachmentsNote], [false, null]);
    const [plainInvite] = (await deliver()).filter((m) => m.envelope.to.includes(s.contact.email));
    assert.ok(plainInvite);
    assert.ok(!plain(plainInvite.text).includes('Attach to your invoice'));
  });
});

describe('the submission checklist', () => {
  test('lists what the invite asked for and the stored materials; submitting without them needs an acknowledgement, which is recorded', async () => {
    const { s, c } = await project();
    assertOk(await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id], requestAttachments: true, attachmentsNote: NOTE }));
    const invoice = await createdInvoice(s, c);
    assert.deepEqual(invoice.submissionChecklist.missing, ['attachments_requested']);
    assert.deepEqual([invoice.submissionChecklist.attachmentsRequested, invoice.submissionChecklist.attachmentsNote, invoice.submissionChecklist.attachmentCount], [true, NOTE, 0]);
    const [l1, l2] = invoice.lines;
    const saved = await s.contactApi.put(invoicePath(s, invoice.invoice.id, '/lines?view=full'), {
      version: invoice.invoice.version,
      lines: [
        { lineId: l1.id, workCompletedThisPeriodCents: 1_000_00 },
        { lineId: l2.id, materialsStoredNewCents: 2_500_00 },
      ],
    });
    assertOk(saved);
    const checklist = saved.body.submissionChecklist;
    assert.deepEqual(checklist.missing, ['attachments_requested', 'stored_materials_backup']);
    assert.deepEqual(checklist.storedMaterialsLines, [{ lineId: l2.id, itemNumber: '2', description: 'Line 2', materialsStoredNewCents: 2_500_00 }]);
    assert.equal(checklist.storedMaterialsCents, 2_500_00);
    assert.deepEqual(checklist.items.find((i: any) => i.code === 'stored_materials_backup').lineIds, [l2.id]);

    const refused = await s.contactApi.post(invoicePath(s, invoice.invoice.id, '/transitions?view=full'), { action: 'submit', version: saved.body.invoice.version });
    assertError(refused, 422, 'submission_incomplete', 'acknowledgeMissing');
    assert.deepEqual(refused.body.error.details.map((d: any) => d.code), ['attachments_requested', 'stored_materials_backup']);
    assert.match(refused.body.error.message, /Conditional lien waiver/);
    const unchanged = await s.contactApi.get(invoicePath(s, invoice.invoice.id));
    assert.deepEqual([unchanged.body.invoice.status, unchanged.body.invoice.version], ['draft', saved.body.invoice.version], 'nothing changed');
    assertError(
      await s.contactApi.post(invoicePath(s, invoice.invoice.id, '/transitions?view=full'), { action: 'submit', version: saved.body.invoice.version, acknowledgeMissing: false }),
      422,
      'submission_incomplete',
    );

    const submitted = await s.contactApi.post(invoicePath(s, invoice.invoice.id, '/transitions?view=full'), { action: 'submit', version: saved.body.invoice.version, acknowledgeMissing: true });
    assertOk(submitted);
    assert.equal(submitted.body.invoice.status, 'under_review');
    const history = await s.admin.get(invoicePath(s, invoice.invoice.id, '/audit'));
    const entry = (history.body.data as any[]).find((e) => e.action === 'status_under_review');
    assert.deepEqual(entry.after.acknowledgedMissing, ['attachments_requested', 'stored_materials_backup']);
    assert.equal(entry.actorUserId, s.contact.id);
  });

  test('an attachment meets the checklist: submitted without any acknowledgement, and none is recorded', async () => {
    const { s, c } = await project();
    assertOk(await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id], requestAttachments: true }));
    const invoice = await createdInvoice(s, c);
    assert.equal(invoice.submissionChecklist.items[0].detail, 'The Invite to Bill asks for supporting documents with this invoice.');
    const saved = await s.contactApi.put(invoicePath(s, invoice.invoice.id, '/lines?view=full'), {
      version: invoice.invoice.version,
      lines: [{ lineId: invoice.lines[1].id, materialsStoredNewCents: 700_00 }],
    });
    assertOk(saved);
    const attached = await upload(t, s.contactApi.token, invoicePath(s, invoice.invoice.id, '/attachments'), { name: 'waiver.pdf', type: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 waiver') }, seen);
    assertOk(attached, 201);
    const view = await s.contactApi.get(invoicePath(s, invoice.invoice.id));
    assert.deepEqual(view.body.submissionChecklist.missing, []);
    assert.equal(view.body.submissionChecklist.attachmentCount, 1);
    assert.deepEqual(view.body.submissionChecklist.items.map((i: any) => [i.code, i.isMet]), [
      ['attachments_requested', true],
      ['stored_materials_backup', true],
    ]);
    const submitted = await s.contactApi.post(invoicePath(s, invoice.invoice.id, '/transitions?view=full'), { action: 'submit', version: view.body.invoice.version });
    assertOk(submitted);
    const history = await s.admin.get(invoicePath(s, invoice.invoice.id, '/audit'));
    assert.equal((history.body.data as any[]).find((e) => e.action === 'status_under_review').after.acknowledgedMissing, undefined);
  });

  test('an administrator submitting on the contact’s behalf, one by one or in bulk, acknowledges the same way', async () => {
    const { s, c } = await project();
    const invoice = await createdInvoice(s, c);
    const saved = await s.admin.put(invoicePath(s, invoice.invoice.id, '/lines?view=full'), {
      version: invoice.invoice.version,
      lines: [{ lineId: invoice.lines[0].id, materialsStoredNewCents: 100_00 }],
    });
    assertOk(saved);
    assert.deepEqual(saved.body.submissionChecklist.missing, ['stored_materials_backup'], 'no invite: only the stored materials');
    const bulk = await s.admin.post(`${s.p}/invoices/bulk-transitions`, { invoiceIds: [invoice.invoice.id], action: 'submit' });
    assertOk(bulk);
    assert.deepEqual(bulk.body.results.map((r: any) => [r.ok, r.error?.code]), [[false, 'submission_incomplete']]);
    const acknowledged = await s.admin.post(`${s.p}/invoices/bulk-transitions`, { invoiceIds: [invoice.invoice.id], action: 'submit', acknowledgeMissing: true });
    assert.deepEqual(acknowledged.body.results.map((r: any) => [r.ok, r.status]), [[true, 'under_review']]);
    const history = await s.admin.get(invoicePath(s, invoice.invoice.id, '/audit'));
    const entry = (history.body.data as any[]).find((e) => e.action === 'status_under_review');
    assert.deepEqual([entry.actorUserId, entry.after.acknowledgedMissing], [s.adminUser.id, ['stored_materials_backup']]);
  });
});
