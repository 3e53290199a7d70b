/**
 * Issue 10, item 7, through the API: a line billed over 100% keeps a visible flag once saved
 * (`isOverbilled`, `overbilledByCents`, the invoice's `overbilledLineCount`) — on reload, after
 * submission and approval, in invoice lists and on the billing board — where the project allows
 * overbilling; where it does not, the save is refused as before. The contact is told the project's
 * rule before typing: on the commitment's billing (where an invoice is started) and on the invoice.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import { createTestApp, type ApiResponse, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertError, assertNo5xx, assertOk, billingProject, track, type BillingSetup, type Seen } from '../support/billing.ts';
import { systemAdminOf } from '../support/factories.ts';
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

const invoicePath = (s: BillingSetup, id: string, rest = '') => `${s.p}/invoices/${id}${rest}`;

async function setup(allowOverbilling: boolean): Promise<{ s: BillingSetup; c: Commitment }> {
  t.clock.set('2026-11-02T15:00:00Z');
  const s = await billingProject(t, seen);
  assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
  const settings = await s.admin.get(`${s.p}/invoicing-settings`);
  assertOk(await s.admin.patch(`${s.p}/invoicing-settings`, { version: settings.body.version, allowOverbilling }));
  // Line 1: 10,000.00; line 2: 5,000.00.
  return { s, c: await approvedCommitment(t, s) };
}

const flags = (res: ApiResponse) => res.body.lines.map((l: any) => [l.isOverbilled, l.overbilledByCents]);

async function boardRow(s: BillingSetup, c: Commitment) {
  const board = await s.admin.get(`${s.p}/billing-board`);
  assertOk(board);
  return board.body.rows.find((r: any) => r.commitmentId === c.id);
}

describe('a project that allows overbilling', () => {
  test('the contact is told before typing; an overbilled line saves and keeps its flag on reload, in lists, on the board, through approval', async () => {
    const { s, c } = await setup(true);
    const billing = await s.contactApi.get(`${s.p}/commitments/${c.id}/billing`);
    assertOk(billing);
    assert.equal(billing.body.allowOverbilling, true);
    const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
    assertOk(created, 201);
    assert.equal(created.body.you.allowOverbilling, true);
    assert.equal(created.body.overbilledLineCount, 0);
    const [l1, l2] = created.body.lines;

    // 10,100.00 on 10,000.00 and 5,000.00 + 500.00 stored on 5,000.00.
    const saved = await s.contactApi.put(invoicePath(s, created.body.invoice.id, '/lines?view=full'), {
      version: created.body.invoice.version,
      lines: [
        { lineId: l1.id, workCompletedThisPeriodCents: 10_100_00 },
        { lineId: l2.id, workCompletedThisPeriodCents: 5_000_00, materialsStoredNewCents: 500_00 },
      ],
    });
    assertOk(saved);
    const expected = [
      [true, 100_00],
      [true, 500_00],
    ];
    assert.deepEqual(flags(saved), expected);
    assert.deepEqual([saved.body.overbilledLineCount, saved.body.claimedOverbilledLineCount], [2, 2]);
    assert.deepEqual(saved.body.lines.map((l: any) => l.issues), [[], []], 'allowed: flagged, not a problem');

    for (const api of [s.contactApi, s.admin]) {
      const again = await api.get(invoicePath(s, created.body.invoice.id));
      assert.deepEqual(flags(again), expected, 'kept on reload');
      assert.equal(again.body.overbilledLineCount, 2);
    }
    const list = await s.admin.get(`${s.p}/invoices?commitmentId=${c.id}`);
    assert.equal(list.body.data[0].overbilledLineCount, 2);
    assert.equal((await s.contactApi.get(`${s.p}/invoices`)).body.data.find((i: any) => i.id === created.body.invoice.id).overbilledLineCount, 2);
    assert.equal((await boardRow(s, c)).latestInvoice.overbilledLineCount, 2);
    assert.equal((await s.contactApi.get(`${s.p}/commitments/${c.id}/billing`)).body.invoices[0].overbilledLineCount, 2);

    // Stored materials without backup attached: submitted knowingly (the submission checklist).
    const submitted = await s.contactApi.post(invoicePath(s, created.body.invoice.id, '/transitions?view=full'), { action: 'submit', version: saved.body.invoice.version, acknowledgeMissing: true });
    assertOk(submitted);
    // The reviewer certifies line 1 at 100%: what would be paid has one line over, the claim two.
    const certified = await s.admin.put(invoicePath(s, created.body.invoice.id, '/lines?view=full'), {
      version: submitted.body.invoice.version,
      mode: 'certify',
      lines: [{ lineId: l1.id, workCompletedThisPeriodCents: 10_000_00, differenceReason: 'Capped at the scheduled value' }],
    });
    assertOk(certified);
    assert.deepEqual([certified.body.overbilledLineCount, certified.body.claimedOverbilledLineCount], [1, 2]);
    assert.deepEqual(
      certified.body.lines.map((l: any) => [l.isOverbilled, l.claimed.isOverbilled, l.claimed.overbilledByCents]),
      [
        [false, true, 100_00],
        [true, true, 500_00],
      ],
    );
    const approved = await s.admin.post(invoicePath(s, created.body.invoice.id, '/transitions?view=full'), { action: 'approve', version: certified.body.invoice.version });
    assertOk(approved);
    assert.deepEqual(flags(approved), [
      [false, 0],
      [true, 500_00],
    ]);
    assert.equal((await s.contactApi.get(invoicePath(s, created.body.invoice.id))).body.overbilledLineCount, 1, 'read from the snapshot');
    assert.equal((await boardRow(s, c)).latestInvoice.overbilledLineCount, 1);
    assert.equal((await s.admin.get(`${s.p}/invoices?commitmentId=${c.id}`)).body.data[0].overbilledLineCount, 1);
  });
});

describe('a project that does not allow overbilling', () => {
  test('the contact is told before typing; a save over 100% is refused and nothing is flagged', async () => {
    const { s, c } = await setup(false);
    assert.equal((await s.contactApi.get(`${s.p}/commitments/${c.id}/billing`)).body.allowOverbilling, false);
    const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
    assertOk(created, 201);
    assert.equal(created.body.you.allowOverbilling, false);
    const [, l2] = created.body.lines;
    const refused = await s.contactApi.put(invoicePath(s, created.body.invoice.id, '/lines?view=full'), {
      version: created.body.invoice.version,
      lines: [{ lineId: l2.id, workCompletedThisPeriodCents: 5_000_01 }],
    });
    assertError(refused, 422, 'rule_violation', 'lines.0.totalCompletedAndStoredCents');
    assert.equal(refused.body.error.details[0].lineId, l2.id);
    const after = await s.contactApi.get(invoicePath(s, created.body.invoice.id));
    assert.deepEqual(flags(after), [
      [false, 0],
      [false, 0],
    ]);
    assert.equal(after.body.overbilledLineCount, 0);
    assert.equal((await boardRow(s, c)).latestInvoice.overbilledLineCount, 0);
  });

  test('the company-wide lock is the rule the contact is told, even where the project allows it', async () => {
    const { s, c } = await setup(true);
    const { admin: companyAdmin } = await systemAdminOf(t.db);
    const company = track(await t.as(companyAdmin.id), seen);
    assertOk(await company.patch('/api/v1/company-settings', { preventOverbillingAllProjects: true }));
    try {
      assert.equal((await s.contactApi.get(`${s.p}/commitments/${c.id}/billing`)).body.allowOverbilling, false);
      const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
      assert.equal(created.body.you.allowOverbilling, false);
      const work = await s.contactApi.get('/api/v1/me/work');
      assert.equal(work.body.data.find((w: any) => w.commitmentId === c.id).billing.allowOverbilling, false);
    } finally {
      assertOk(await company.patch('/api/v1/company-settings', { preventOverbillingAllProjects: false }));
    }
    assert.equal((await s.contactApi.get(`${s.p}/commitments/${c.id}/billing`)).body.allowOverbilling, true);
  });
});
