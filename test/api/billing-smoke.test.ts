import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/api.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
});
after(() => database.close());

test('a billing cycle through the API', async () => {
  t.clock.set('2026-11-02T15:00:00Z');
  const { admin } = await systemAdminOf(t.db);
  const project = await makeProject(t.db);
  const sub = await makeCompany(t.db);
  const contact = await makeUser(t.db, sub);
  await addToProject(t.db, project, contact, 'read_only');
  const commitment = await makeCommitment(t.db, project, {
    contractCompanyId: sub.id,
    invoiceContactIds: [contact.id],
    status: 'approved',
    retainageWorkBp: 1000,
    retainageMaterialsBp: 500,
    sov: [10_000_00, 5_000_00],
  });
  const a = await t.as(admin.id);
  const k = await t.as(contact.id);
  const p = `/api/v1/projects/${project.id}`;
  const period = await a.post(`${p}/billing-periods`, {});
  assert.equal(period.status, 201, JSON.stringify(period.body));
  assert.deepEqual([period.body.startsOn, period.body.endsOn, period.body.dueOn], ['2026-11-01', '2026-11-30', '2026-11-25']);
  const invites = await a.post(`${p}/invites`, { commitmentIds: [commitment.id], invoiceType: 'work_and_materials' });
  assert.equal(invites.status, 200, JSON.stringify(invites.body));
  assert.equal(invites.body.sent, 1);
  const yes = await k.post(`${p}/commitments/${commitment.id}/invite-response`, { response: 'accepted' });
  assert.equal(yes.status, 200, JSON.stringify(yes.body));
  const board = await a.get(`${p}/billing-board`);
  assert.equal(board.status, 200, JSON.stringify(board.body));
  assert.equal(board.body.rows[0].billingStatus, 'accepted');

  const created = await k.post(`${p}/commitments/${commitment.id}/invoices?view=full`, { number: 'INV-7' }, { 'idempotency-key': 'abc' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const again = await k.post(`${p}/commitments/${commitment.id}/invoices?view=full`, { number: 'INV-7' }, { 'idempotency-key': 'abc' });
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.body.invoice.id, created.body.invoice.id);
  const inv = created.body;
  const [l1, l2] = inv.lines;
  const saved = await k.put(`${p}/invoices/${inv.invoice.id}/lines?view=full`, {
    version: inv.invoice.version,
    lines: [
      { lineId: l1.id, workCompletedThisPeriodCents: 2_500_00, materialsStoredNewCents: 1_000_00 },
      { lineId: l2.id, percentCompleteToDateBp: 5000 },
    ],
  });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.equal(saved.body.summary.totalCompletedAndStoredCents, 2_500_00 + 1_000_00 + 2_500_00);
  assert.equal(saved.body.summary.retainageOnCompletedWorkCents, 250_00 + 250_00);
  assert.equal(saved.body.summary.retainageOnStoredMaterialsCents, 50_00);
  // Stored materials without backup attached: submitted knowingly (issue 10, the submission checklist).
  const submitted = await k.post(`${p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'submit', version: saved.body.invoice.version, acknowledgeMissing: true });
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
  assert.equal(submitted.body.invoice.status, 'under_review');
  const reviewed = await a.post(`${p}/invoices/${inv.invoice.id}/review?view=full`, {
    version: submitted.body.invoice.version,
    lines: [{ lineId: l2.id, decision: 'rejected', reason: 'Not 50% yet' }],
  });
  assert.equal(reviewed.status, 200, JSON.stringify(reviewed.body));
  assert.equal(reviewed.body.invoice.status, 'revise_and_resubmit');
  const fixed = await k.put(`${p}/invoices/${inv.invoice.id}/lines?view=full`, {
    version: reviewed.body.invoice.version,
    lines: [{ lineId: l2.id, percentCompleteToDateBp: 4000 }],
  });
  assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
  const resubmitted = await k.post(`${p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'submit', version: fixed.body.invoice.version, acknowledgeMissing: true });
  assert.equal(resubmitted.status, 200, JSON.stringify(resubmitted.body));
  const approved = await a.post(`${p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'approve', version: resubmitted.body.invoice.version });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  assert.equal(approved.body.invoice.status, 'approved');
  const line6 = approved.body.summary.totalEarnedLessRetainageCents;

  t.clock.set('2026-12-02T15:00:00Z');
  const period2 = await a.post(`${p}/billing-periods`, {});
  assert.equal(period2.status, 201, JSON.stringify(period2.body));
  const second = await k.post(`${p}/commitments/${commitment.id}/invoices?view=full`, {});
  assert.equal(second.status, 201, JSON.stringify(second.body));
  assert.equal(second.body.summary.lessPreviousCertificatesCents, line6);
  assert.equal(second.body.lines[0].workCompletedPreviousCents, 2_500_00);
  assert.equal(second.body.lines[0].materialsStoredPreviousCents, 1_000_00);
  assert.equal(second.body.lines[1].workCompletedPreviousCents, 2_000_00);
});
