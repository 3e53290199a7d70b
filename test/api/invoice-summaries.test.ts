/**
 * Issue 12: each invoice's G702 summary is stored when the invoice is written (decision 023), and
 * the lists read it. After every kind of write the stored summary must equal, to the cent, what the
 * domain code computes from the lines: create, save, review, certify, submit / send back / approve,
 * payments, applying retainage rules, and the writes outside the invoice services that move an open
 * invoice's figures (SOV lines, change orders, an earlier invoice of the chain certified again).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import type { G702 } from '../../src/domain/pay-application.ts';
import { computeInvoiceSummaries } from '../../src/services/billing/invoice-summaries.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertNo5xx, assertOk, billingProject, type BillingSetup, type Client, type Seen } from '../support/billing.ts';
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

type Body = { invoice: { id: string; version: number; status: string }; lines: { id: string }[]; summary: G702 };

const G702_FIELDS = [
  'originalContractSumCents',
  'netChangeByChangeOrdersCents',
  'contractSumToDateCents',
  'totalCompletedAndStoredCents',
  'retainageOnCompletedWorkCents',
  'retainageOnStoredMaterialsCents',
  'totalRetainageCents',
  'totalEarnedLessRetainageCents',
  'lessPreviousCertificatesCents',
  'currentPaymentDueCents',
  'balanceToFinishInclRetainageCents',
] as const;

async function storedRows(project: { tenantId: string; id: string }) {
  return t.db
    .selectFrom('invoiceSummaries as s')
    .innerJoin('invoices as i', (join) => join.onRef('i.tenantId', '=', 's.tenantId').onRef('i.id', '=', 's.invoiceId'))
    .selectAll('s')
    .select('i.commitmentId')
    .where('i.tenantId', '=', project.tenantId)
    .where('i.projectId', '=', project.id)
    .execute();
}

/**
 * Every current stored summary of the project equals the recomputed one; `written` (the invoices the
 * request just wrote) must have been stored by the write itself, current, not left for a read.
 */
async function assertStoredSummariesExact(s: BillingSetup, what: string, written: string[] = []): Promise<void> {
  const rows = await storedRows(s.project);
  const recomputed = await computeInvoiceSummaries(t.db, s.project.tenantId, s.project.id, [...new Set(rows.map((r) => r.commitmentId))]);
  for (const id of written) {
    const row = rows.find((r) => r.invoiceId === id);
    assert.ok(row && !row.isStale, `${what}: the write stored the summary of invoice ${id}`);
  }
  for (const row of rows.filter((r) => !r.isStale)) {
    const expected = recomputed.get(row.invoiceId);
    assert.ok(expected, `${what}: invoice ${row.invoiceId} recomputed`);
    assert.deepEqual(
      { ...Object.fromEntries(G702_FIELDS.map((f) => [f, row[f]])), overbilledLineCount: row.overbilledLineCount },
      { ...expected.summary, overbilledLineCount: expected.overbilledLineCount },
      `${what}: stored summary of invoice ${row.invoiceId} equals the recomputed one`,
    );
  }
}

/** After a read of the board and the invoice list, every invoice of the project has a current, exact summary. */
async function assertListsExact(s: BillingSetup, what: string): Promise<void> {
  const board = await s.admin.get(`${s.p}/billing-board`);
  assertOk(board);
  const list = await s.admin.get(`${s.p}/invoices`);
  assertOk(list);
  const rows = await storedRows(s.project);
  const invoices = await t.db.selectFrom('invoices').select(['id', 'commitmentId']).where('tenantId', '=', s.project.tenantId).where('projectId', '=', s.project.id).execute();
  assert.equal(rows.filter((r) => !r.isStale).length, invoices.length, `${what}: every invoice has a current summary after a read`);
  await assertStoredSummariesExact(s, what);
  const recomputed = await computeInvoiceSummaries(t.db, s.project.tenantId, s.project.id, [...new Set(invoices.map((i) => i.commitmentId))]);
  for (const item of list.body.data as { id: string; currentPaymentDueCents: number; totalCompletedAndStoredCents: number; overbilledLineCount: number }[]) {
    const expected = recomputed.get(item.id);
    assert.deepEqual(
      [item.currentPaymentDueCents, item.totalCompletedAndStoredCents, item.overbilledLineCount],
      [expected?.summary.currentPaymentDueCents, expected?.summary.totalCompletedAndStoredCents, expected?.overbilledLineCount],
      `${what}: the invoice list shows the recomputed figures`,
    );
  }
}

async function nextPeriod(s: BillingSetup, startsOn: string, endsOn: string, dueOn: string): Promise<void> {
  t.clock.set(`${startsOn}T15:00:00Z`);
  const periods = await s.admin.get(`${s.p}/billing-periods`);
  for (const p of (periods.body.data ?? periods.body) as { id: string; status: string; version: number }[]) {
    if (p.status === 'open') assertOk(await s.admin.patch(`${s.p}/billing-periods/${p.id}`, { version: p.version, status: 'closed' }));
  }
  assertOk(await s.admin.post(`${s.p}/billing-periods`, { startsOn, endsOn, dueOn }), 201);
}

const inv = (s: BillingSetup, id: string, rest = '') => `${s.p}/invoices/${id}${rest}`;

async function create(s: BillingSetup, api: Client, c: Commitment): Promise<Body> {
  const res = await api.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
  assertOk(res, 201);
  await assertStoredSummariesExact(s, 'create', [res.body.invoice.id]);
  return res.body;
}

async function save(s: BillingSetup, api: Client, body: Body, lines: Record<string, unknown>[], mode?: 'certify'): Promise<Body> {
  const res = await api.put(inv(s, body.invoice.id, '/lines?view=full'), { version: body.invoice.version, lines, ...(mode && { mode }) });
  assertOk(res);
  await assertStoredSummariesExact(s, mode ?? 'save', [body.invoice.id]);
  return res.body;
}

async function transition(s: BillingSetup, api: Client, body: Body, action: string): Promise<Body> {
  const res = await api.post(inv(s, body.invoice.id, '/transitions?view=full'), { action, version: body.invoice.version });
  assertOk(res);
  await assertStoredSummariesExact(s, action, [body.invoice.id]);
  return res.body;
}

describe('stored invoice summaries', () => {
  test('every invoice write stores the summary the domain computes, to the cent', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-09-01', '2026-09-30', '2026-09-25');
    const c = await approvedCommitment(t, s, { sov: [10_000_01, 5_000_03, 333_33] });

    let a = await create(s, s.contactApi, c);
    // Amounts and a percent that round: 10% retainage of 3,333.37 and of 12.5% of 5,000.03.
    a = await save(s, s.contactApi, a, [
      { lineId: a.lines[0]!.id, workCompletedThisPeriodCents: 3_333_37 },
      { lineId: a.lines[1]!.id, percentCompleteToDateBp: 1250 },
      { lineId: a.lines[2]!.id, workCompletedThisPeriodCents: 400_00 },
    ]);
    assert.equal(a.summary.totalCompletedAndStoredCents, 3_333_37 + 625_00 + 400_00);
    a = await transition(s, s.contactApi, a, 'submit');

    // Review: a rejected line sends it back; the contact fixes it and resubmits.
    let res = await s.admin.post(inv(s, a.invoice.id, '/review?view=full'), { version: a.invoice.version, lines: [{ lineId: a.lines[2]!.id, decision: 'rejected', reason: 'Over the line.' }] });
    assertOk(res);
    await assertStoredSummariesExact(s, 'review (rejected)', [a.invoice.id]);
    a = res.body;
    assert.equal(a.invoice.status, 'revise_and_resubmit');
    a = await save(s, s.contactApi, a, [{ lineId: a.lines[2]!.id, workCompletedThisPeriodCents: 333_33 }]);
    a = await transition(s, s.contactApi, a, 'submit');

    // The administrator certifies a different amount and approves a line, then the invoice.
    a = await save(s, s.admin, a, [{ lineId: a.lines[0]!.id, workCompletedThisPeriodCents: 3_000_01, differenceReason: 'Measured on site.' }], 'certify');
    res = await s.admin.post(inv(s, a.invoice.id, '/review?view=full'), { version: a.invoice.version, lines: [{ lineId: a.lines[0]!.id, decision: 'approved' }] });
    assertOk(res);
    await assertStoredSummariesExact(s, 'review (approved line)', [a.invoice.id]);
    a = res.body;
    a = await transition(s, s.admin, a, 'approve');
    await assertListsExact(s, 'approved');

    // Payments leave the figures as they are.
    res = await s.admin.post(inv(s, a.invoice.id, '/payments'), { paidOn: '2026-09-28', method: 'check', amountCents: 1_000_00 });
    assertOk(res, 201);
    await assertStoredSummariesExact(s, 'payment', [a.invoice.id]);

    // The next period builds on the snapshot.
    await nextPeriod(s, '2026-10-01', '2026-10-31', '2026-10-25');
    let b = await create(s, s.contactApi, c);
    b = await save(s, s.contactApi, b, [{ lineId: b.lines[0]!.id, workCompletedThisPeriodCents: 1_234_57 }]);
    assert.equal(b.summary.lessPreviousCertificatesCents, a.summary.totalEarnedLessRetainageCents);

    // Writes outside the invoice services that move the open invoice's figures: a scheduled value,
    // a new SOV line, an approved change order. The board and the list then show exact figures.
    const cp = `${s.p}/commitments/${c.id}`;
    const line1 = (await s.admin.get(inv(s, b.invoice.id))).body.lines[0] as { key: string };
    assertOk(await s.admin.patch(`${cp}/sov/lines/${line1.key.slice(4)}`, { scheduledValueCents: 12_345_67 }));
    const staleAfterSov = (await storedRows(s.project)).find((r) => r.invoiceId === b.invoice.id);
    assert.equal(staleAfterSov?.isStale, true, 'a scheduled value change marks the open invoice stale');
    await assertListsExact(s, 'scheduled value changed');
    const board = (await s.admin.get(`${s.p}/billing-board`)).body.rows.find((r: any) => r.commitmentId === c.id);
    const fresh = (await s.admin.get(inv(s, b.invoice.id))).body as Body;
    assert.equal(board.latestInvoice.totalCompletedAndStoredCents, fresh.summary.totalCompletedAndStoredCents);
    assert.equal(fresh.summary.originalContractSumCents, 12_345_67 + 5_000_03 + 333_33);
    assertOk(await s.admin.post(`${cp}/sov/lines`, { description: 'Added scope', scheduledValueCents: 2_000_00 }), 201);
    await assertListsExact(s, 'SOV line added');
    assertOk(await s.admin.post(`${cp}/change-orders`, { number: 'CO-1', title: 'Extra', status: 'approved', lines: [{ description: 'Extra work', amountCents: 3_000_01 }] }), 201);
    await assertListsExact(s, 'change order approved');
    const withCo = (await s.admin.get(inv(s, b.invoice.id))).body as Body;
    assert.equal(withCo.summary.netChangeByChangeOrdersCents, 3_000_01);
  });

  test('an earlier invoice certified again changes the later one: the board shows the recomputed figures', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-09-01', '2026-09-30', '2026-09-25');
    const c = await approvedCommitment(t, s);
    let a = await create(s, s.contactApi, c);
    a = await save(s, s.contactApi, a, [{ lineId: a.lines[0]!.id, workCompletedThisPeriodCents: 2_000_00 }]);
    a = await transition(s, s.contactApi, a, 'submit');
    await nextPeriod(s, '2026-10-01', '2026-10-31', '2026-10-25');
    let b = await create(s, s.contactApi, c);
    b = await save(s, s.contactApi, b, [{ lineId: b.lines[0]!.id, workCompletedThisPeriodCents: 1_000_00 }]);
    assert.equal(b.summary.totalCompletedAndStoredCents, 3_000_00);

    // September's invoice, still under review, is certified at 1,500.00: October's D column follows.
    await save(s, s.admin, a, [{ lineId: a.lines[0]!.id, workCompletedThisPeriodCents: 1_500_00, differenceReason: 'Less on site.' }], 'certify');
    assert.equal((await storedRows(s.project)).find((r) => r.invoiceId === b.invoice.id)?.isStale, true, 'the later invoice is marked stale');
    await assertListsExact(s, 'earlier invoice certified');
    const board = (await s.admin.get(`${s.p}/billing-board`)).body.rows.find((r: any) => r.commitmentId === c.id);
    assert.equal(board.latestInvoice.totalCompletedAndStoredCents, 2_500_00);
  });

  test('applying the commitment’s current retainage rules stores the new retainage', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-09-01', '2026-09-30', '2026-09-25');
    const c = await approvedCommitment(t, s);
    const rulesPath = `${s.p}/commitments/${c.id}/retainage-rules`;
    const setRules = async (rules: unknown[]) => {
      const current = await s.admin.get(rulesPath);
      assertOk(await s.admin.put(rulesPath, { version: current.body.version, rules, afterRateBp: 0 }));
    };
    await setRules([{ kind: 'until_percent_of_original', rateBp: 1000, thresholdBp: 500 }]);
    let a = await create(s, s.contactApi, c);
    a = await save(s, s.contactApi, a, [{ lineId: a.lines[0]!.id, workCompletedThisPeriodCents: 5_000_00 }]);
    a = await transition(s, s.contactApi, a, 'submit');
    assert.equal(a.summary.totalRetainageCents, 500_00);
    await setRules([{ kind: 'until_amount', rateBp: 500, capCents: 100_000_00 }]);
    const applied = await s.admin.post(inv(s, a.invoice.id, '/apply-current-retainage-rules?view=full'), { version: a.invoice.version });
    assertOk(applied);
    await assertStoredSummariesExact(s, 'apply retainage rules', [a.invoice.id]);
    assert.equal((applied.body as Body).summary.totalRetainageCents, 250_00);
    await assertListsExact(s, 'rules applied');
  });

  test('invoices from before the table are computed on first read and stored', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-09-01', '2026-09-30', '2026-09-25');
    const c = await approvedCommitment(t, s);
    let a = await create(s, s.contactApi, c);
    a = await save(s, s.contactApi, a, [{ lineId: a.lines[1]!.id, workCompletedThisPeriodCents: 4_999_99 }]);
    await t.db.deleteFrom('invoiceSummaries').where('tenantId', '=', s.project.tenantId).where('invoiceId', '=', a.invoice.id).execute();
    await assertListsExact(s, 'backfilled on read');
  });
});
