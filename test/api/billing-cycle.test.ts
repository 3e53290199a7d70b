/**
 * Issue 3's named scenario through the public API, three billing periods of one subcontract, every
 * G703 line and G702 line of every invoice checked against numbers worked out by hand below:
 *
 *   period → invite → accept → invoice → revise & resubmit → approve → the next period's invoice
 *   picks up D, F and line 7; a change order approved in period 2 joins the open invoice and new
 *   ones (G702 line 2); materials stored in period 1 are moved into work in period 2; the
 *   administrator certifies a different amount than claimed in period 2; retainage is released in
 *   period 3. Half-cent retainage rounds half-up per line (19,912.5 → 19,913 and 179,212.5 →
 *   179,213 cents), so the line's retainage held ends one cent above 10% of its value.
 *
 * The subcontract: retainage 10% on work, 5% on stored materials.
 *   1  Sitework           C = 40,000.00
 *   2  Structural steel   C = 60,000.00
 *   3  Electrical         C = 19,912.50
 *   G702 line 1 (original contract sum) = 119,912.50.
 * All amounts below are in cents.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { G702 } from '../../src/domain/pay-application.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertNo5xx, assertOk, billingProject, emails, type BillingSetup, type Seen } from '../support/billing.ts';
import { makeCommitment } from '../support/factories.ts';
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

type Body = { invoice: any; lines: any[]; summary: G702; claimedSummary: G702 };

/** G702 lines 1, 2, 3, 4, 5a, 5b, 5, 6, 7, 8, 9 in order. */
function g702(summary: G702): number[] {
  return [
    summary.originalContractSumCents,
    summary.netChangeByChangeOrdersCents,
    summary.contractSumToDateCents,
    summary.totalCompletedAndStoredCents,
    summary.retainageOnCompletedWorkCents,
    summary.retainageOnStoredMaterialsCents,
    summary.totalRetainageCents,
    summary.totalEarnedLessRetainageCents,
    summary.lessPreviousCertificatesCents,
    summary.currentPaymentDueCents,
    summary.balanceToFinishInclRetainageCents,
  ];
}

/**
 * One G703 row: A, B, C, D, E, previously stored, newly stored, installed, F, G, G/C (bp), H,
 * work retainage held, materials retainage held, retainage released this period.
 */
function g703(line: any): unknown[] {
  return [
    line.itemNumber,
    line.description,
    line.scheduledValueCents,
    line.workCompletedPreviousCents,
    line.workCompletedThisPeriodCents,
    line.materialsStoredPreviousCents,
    line.materialsStoredNewCents,
    line.materialsInstalledCents,
    line.materialsPresentlyStoredCents,
    line.totalCompletedAndStoredCents,
    line.percentCompleteBp,
    line.balanceToFinishCents,
    line.workRetainageHeldCents,
    line.materialsRetainageHeldCents,
    line.retainageReleasedCents,
  ];
}

/** The invariants every response must keep, whatever the numbers: G = D + E + F, H = C − G, G702 ties to G703. */
function assertTies(body: Body): void {
  const sum = (pick: (l: any) => number) => body.lines.reduce((s, l) => s + pick(l), 0);
  for (const l of body.lines) {
    assert.equal(l.totalCompletedAndStoredCents, l.workCompletedPreviousCents + l.workCompletedThisPeriodCents + l.materialsPresentlyStoredCents, `G = D + E + F on ${l.itemNumber}`);
    assert.equal(l.materialsPresentlyStoredCents, l.materialsStoredPreviousCents + l.materialsStoredNewCents - l.materialsInstalledCents, `F on ${l.itemNumber}`);
    assert.equal(l.balanceToFinishCents, l.scheduledValueCents - l.totalCompletedAndStoredCents, `H on ${l.itemNumber}`);
    assert.equal(l.retainageHeldCents, l.workRetainageHeldCents + l.materialsRetainageHeldCents);
    assert.ok(l.workRetainageHeldCents >= 0 && l.materialsRetainageHeldCents >= 0, 'retainage held never negative');
  }
  const s = body.summary;
  assert.equal(s.originalContractSumCents, sum((l) => (l.source === 'sov' ? l.scheduledValueCents : 0)));
  assert.equal(s.netChangeByChangeOrdersCents, sum((l) => (l.source === 'change_order' ? l.scheduledValueCents : 0)));
  assert.equal(s.contractSumToDateCents, s.originalContractSumCents + s.netChangeByChangeOrdersCents);
  assert.equal(s.totalCompletedAndStoredCents, sum((l) => l.totalCompletedAndStoredCents));
  assert.equal(s.retainageOnCompletedWorkCents, sum((l) => l.workRetainageHeldCents));
  assert.equal(s.retainageOnStoredMaterialsCents, sum((l) => l.materialsRetainageHeldCents));
  assert.equal(s.totalRetainageCents, s.retainageOnCompletedWorkCents + s.retainageOnStoredMaterialsCents);
  assert.equal(s.totalEarnedLessRetainageCents, s.totalCompletedAndStoredCents - s.totalRetainageCents);
  assert.equal(s.currentPaymentDueCents, s.totalEarnedLessRetainageCents - s.lessPreviousCertificatesCents);
  assert.equal(s.balanceToFinishInclRetainageCents, s.contractSumToDateCents - s.totalEarnedLessRetainageCents);
}

test('three billing periods of one subcontract, every G702/G703 line checked by hand', async () => {
  const s: BillingSetup = await billingProject(t, seen);
  const { admin, contactApi: contact, p } = s;
  t.clock.set('2026-11-02T15:00:00Z');
  const commitment = await makeCommitment(t.db, s.project, {
    contractCompanyId: s.sub.id,
    invoiceContactIds: [s.contact.id],
    status: 'approved',
    retainageWorkBp: 1000,
    retainageMaterialsBp: 500,
  });
  const cp = `${p}/commitments/${commitment.id}`;
  const sov = await admin.put(`${cp}/sov`, {
    version: commitment.version,
    lines: [
      { itemNumber: '1', description: 'Sitework', scheduledValueCents: 4_000_000 },
      { itemNumber: '2', description: 'Structural steel', scheduledValueCents: 6_000_000 },
      { itemNumber: '3', description: 'Electrical', scheduledValueCents: 1_991_250 },
    ],
  });
  assertOk(sov);

  const invoicePath = (id: string, rest = '') => `${p}/invoices/${id}${rest}`;
  const read = async (id: string, api = admin): Promise<Body> => {
    const res = await api.get(invoicePath(id));
    assertOk(res);
    assertTies(res.body);
    return res.body;
  };
  const check = (res: { status: number; body: any; headers: Headers }, status = 200): Body => {
    assertOk(res, status);
    assertTies(res.body);
    return res.body;
  };

  // ───────────────────────── Period 1: November 2026 ─────────────────────────
  const nov = await admin.post(`${p}/billing-periods`, {});
  assertOk(nov, 201);
  assert.deepEqual([nov.body.startsOn, nov.body.endsOn, nov.body.dueOn], ['2026-11-01', '2026-11-30', '2026-11-25']);
  const invite1 = await admin.post(`${p}/invites`, { commitmentIds: [commitment.id], invoiceType: 'work_and_materials' });
  assertOk(invite1);
  assert.equal(invite1.body.sent, 1);
  assertOk(await contact.post(`${cp}/invite-response`, { response: 'accepted' }));

  let one = check(await contact.post(`${cp}/invoices?view=full`, { number: 'PA-1' }, { 'idempotency-key': 'pa-1' }), 201);
  assert.equal(one.invoice.invoiceType, 'work_and_materials', 'from the invite');
  const [a1, a2, a3] = one.lines.map((l) => l.id) as [string, string, string];
  one = check(
    await contact.put(invoicePath(one.invoice.id, '/lines?view=full'), {
      version: one.invoice.version,
      lines: [
        { lineId: a1, workCompletedThisPeriodCents: 1_000_000 },
        { lineId: a2, workCompletedThisPeriodCents: 500_000, materialsStoredNewCents: 800_000 },
        { lineId: a3, workCompletedThisPeriodCents: 199_125 },
      ],
    }),
  );
  // As first claimed:
  //  1: E 1,000,000 → G 1,000,000 (25.00%), H 3,000,000; retainage 10% = 100,000.
  //  2: E 500,000 + 800,000 stored → G 1,300,000 (21.67%), H 4,700,000; work 50,000, materials 5% = 40,000.
  //  3: E 199,125 → G 199,125 (10.00%), H 1,792,125; 10% = 19,912.5 → 19,913 (half-up).
  //  Line 4 = 2,499,125; 5a = 169,913; 5b = 40,000; 5 = 209,913; 6 = 2,289,212; 7 = 0; 8 = 2,289,212;
  //  9 = 11,991,250 − 2,289,212 = 9,702,038.
  assert.deepEqual(one.lines.map(g703), [
    ['1', 'Sitework', 4_000_000, 0, 1_000_000, 0, 0, 0, 0, 1_000_000, 2500, 3_000_000, 100_000, 0, 0],
    ['2', 'Structural steel', 6_000_000, 0, 500_000, 0, 800_000, 0, 800_000, 1_300_000, 2167, 4_700_000, 50_000, 40_000, 0],
    ['3', 'Electrical', 1_991_250, 0, 199_125, 0, 0, 0, 0, 199_125, 1000, 1_792_125, 19_913, 0, 0],
  ]);
  assert.deepEqual(g702(one.summary), [11_991_250, 0, 11_991_250, 2_499_125, 169_913, 40_000, 209_913, 2_289_212, 0, 2_289_212, 9_702_038]);
  assert.equal((await admin.get(`${p}/billing-board`)).body.rows[0].billingStatus, 'draft');

  // Stored materials are billed without backup attached: the contact goes on knowingly (issue 10, the submission checklist).
  one = check(await contact.post(invoicePath(one.invoice.id, '/transitions?view=full'), { action: 'submit', version: one.invoice.version, acknowledgeMissing: true }));
  assert.equal(one.invoice.status, 'under_review');
  one = check(
    await admin.post(invoicePath(one.invoice.id, '/review?view=full'), {
      version: one.invoice.version,
      lines: [
        { lineId: a1, decision: 'rejected', reason: 'Site walk: 8,000.00 in place' },
        { lineId: a2, decision: 'approved' },
        { lineId: a3, decision: 'approved' },
      ],
    }),
  );
  assert.equal(one.invoice.status, 'revise_and_resubmit');
  const sentBack = (await emails(t, 'invoice_sent_back')).filter((o) => o.payload.invoice.id === one.invoice.id);
  assert.deepEqual(sentBack.map((o) => o.payload.rejectedLines), [[{ itemNumber: '1', description: 'Sitework', reason: 'Site walk: 8,000.00 in place' }]]);
  const seenByContact = await read(one.invoice.id, contact);
  assert.deepEqual(seenByContact.lines[0].review, { status: 'rejected', reason: 'Site walk: 8,000.00 in place' });

  one = check(await contact.put(invoicePath(one.invoice.id, '/lines?view=full'), { version: one.invoice.version, lines: [{ lineId: a1, workCompletedThisPeriodCents: 800_000 }] }));
  one = check(await contact.post(invoicePath(one.invoice.id, '/transitions?view=full'), { action: 'submit', version: one.invoice.version, acknowledgeMissing: true }));
  assert.deepEqual(one.lines.map((l) => l.review.status), [null, 'approved', 'approved']);
  one = check(await admin.post(invoicePath(one.invoice.id, '/transitions?view=full'), { action: 'approve', version: one.invoice.version }));
  assert.equal(one.invoice.status, 'approved');
  // Approved:
  //  1: E 800,000 → G 800,000 (20.00%), H 3,200,000; retainage 80,000.
  //  Line 4 = 800,000 + 1,300,000 + 199,125 = 2,299,125; 5a = 80,000 + 50,000 + 19,913 = 149,913;
  //  5b = 40,000; 5 = 189,913; 6 = 2,299,125 − 189,913 = 2,109,212; 7 = 0; 8 = 2,109,212;
  //  9 = 11,991,250 − 2,109,212 = 9,882,038.
  const period1Lines = [
    ['1', 'Sitework', 4_000_000, 0, 800_000, 0, 0, 0, 0, 800_000, 2000, 3_200_000, 80_000, 0, 0],
    ['2', 'Structural steel', 6_000_000, 0, 500_000, 0, 800_000, 0, 800_000, 1_300_000, 2167, 4_700_000, 50_000, 40_000, 0],
    ['3', 'Electrical', 1_991_250, 0, 199_125, 0, 0, 0, 0, 199_125, 1000, 1_792_125, 19_913, 0, 0],
  ];
  const period1G702 = [11_991_250, 0, 11_991_250, 2_299_125, 149_913, 40_000, 189_913, 2_109_212, 0, 2_109_212, 9_882_038];
  assert.deepEqual(one.lines.map(g703), period1Lines);
  assert.deepEqual(g702(one.summary), period1G702);

  // ───────────────────────── Period 2: December 2026 ─────────────────────────
  t.clock.set('2026-12-02T15:00:00Z');
  const dec = await admin.post(`${p}/billing-periods`, {});
  assertOk(dec, 201);
  assert.deepEqual([dec.body.startsOn, dec.body.endsOn, dec.body.dueOn], ['2026-12-01', '2026-12-31', '2026-12-25']);
  assert.equal((await admin.post(`${p}/invites`, { commitmentIds: [commitment.id] })).body.sent, 1);
  // (No answer this time: answering is not required to bill.)
  let two = check(await contact.post(`${cp}/invoices?view=full`, { number: 'PA-2' }), 201);
  // On creation, nothing entered: D and F carry over from the approved PA-1, line 7 is its line 6.
  assert.deepEqual(two.lines.map(g703), [
    ['1', 'Sitework', 4_000_000, 800_000, 0, 0, 0, 0, 0, 800_000, 2000, 3_200_000, 80_000, 0, 0],
    ['2', 'Structural steel', 6_000_000, 500_000, 0, 800_000, 0, 0, 800_000, 1_300_000, 2167, 4_700_000, 50_000, 40_000, 0],
    ['3', 'Electrical', 1_991_250, 199_125, 0, 0, 0, 0, 0, 199_125, 1000, 1_792_125, 19_913, 0, 0],
  ]);
  assert.deepEqual(g702(two.summary), [11_991_250, 0, 11_991_250, 2_299_125, 149_913, 40_000, 189_913, 2_109_212, 2_109_212, 0, 9_882_038]);

  // A change order approved now joins the open invoice (and every later one): G702 line 2.
  const co = await admin.post(`${cp}/change-orders`, { number: 'CO-001', title: 'Added conduit', status: 'approved', lines: [{ description: 'Added conduit', amountCents: 500_000 }] });
  assertOk(co, 201);
  two = await read(two.invoice.id, contact);
  assert.equal(two.lines.length, 4);
  assert.deepEqual(g703(two.lines[3]), ['CO-001.1', 'Added conduit', 500_000, 0, 0, 0, 0, 0, 0, 0, 0, 500_000, 0, 0, 0]);
  assert.equal(two.lines[3].source, 'change_order');
  assert.deepEqual(g702(two.summary).slice(0, 3), [11_991_250, 500_000, 12_491_250]);
  const [b1, b2, , b4] = two.lines.map((l) => l.id) as [string, string, string, string];

  two = check(
    await contact.put(invoicePath(two.invoice.id, '/lines?view=full'), {
      version: two.invoice.version,
      lines: [
        { lineId: b1, percentCompleteToDateBp: 5000 },
        { lineId: b2, workCompletedThisPeriodCents: 1_500_000, materialsInstalledCents: 800_000 },
        { lineId: b4, workCompletedThisPeriodCents: 250_000 },
      ],
    }),
  );
  // As claimed:
  //  1: 50% of 4,000,000 = 2,000,000 to date; E = 2,000,000 − D 800,000 − F 0 = 1,200,000; H 2,000,000;
  //     retainage 80,000 + 10% × 1,200,000 = 200,000.
  //  2: the 800,000 stored in November is installed: E = 800,000 installed + 700,000 new work = 1,500,000;
  //     F = 800,000 + 0 − 800,000 = 0; G = 500,000 + 1,500,000 + 0 = 2,000,000 (33.33%); H 4,000,000;
  //     work retainage 50,000 + 150,000 = 200,000; the 40,000 materials retainage moves out with the
  //     installed materials (800,000 of 800,000 stored) → 0.
  //  3: unchanged, G 199,125, held 19,913.   CO: E 250,000 (50%), H 250,000, retainage 25,000.
  //  Line 4 = 2,000,000 + 2,000,000 + 199,125 + 250,000 = 4,449,125; 5a = 200,000 + 200,000 + 19,913 + 25,000
  //  = 444,913; 5b = 0; 6 = 4,004,212; 7 = 2,109,212; 8 = 1,895,000; 9 = 12,491,250 − 4,004,212 = 8,487,038.
  const claimed2Lines = [
    ['1', 'Sitework', 4_000_000, 800_000, 1_200_000, 0, 0, 0, 0, 2_000_000, 5000, 2_000_000, 200_000, 0, 0],
    ['2', 'Structural steel', 6_000_000, 500_000, 1_500_000, 800_000, 0, 800_000, 0, 2_000_000, 3333, 4_000_000, 200_000, 0, 0],
    ['3', 'Electrical', 1_991_250, 199_125, 0, 0, 0, 0, 0, 199_125, 1000, 1_792_125, 19_913, 0, 0],
    ['CO-001.1', 'Added conduit', 500_000, 0, 250_000, 0, 0, 0, 0, 250_000, 5000, 250_000, 25_000, 0, 0],
  ];
  const claimed2G702 = [11_991_250, 500_000, 12_491_250, 4_449_125, 444_913, 0, 444_913, 4_004_212, 2_109_212, 1_895_000, 8_487_038];
  assert.deepEqual(two.lines.map(g703), claimed2Lines);
  assert.deepEqual(g702(two.summary), claimed2G702);
  assert.equal(two.lines[1].materialsRetainageThisPeriodCents, -40_000);
  assert.deepEqual(two.lines.map((l) => l.netThisPeriodCents), [1_080_000, 590_000, 0, 225_000], 'Σ = 1,895,000 = line 8');

  two = check(await contact.post(invoicePath(two.invoice.id, '/transitions?view=full'), { action: 'submit', version: two.invoice.version, acknowledgeMissing: true }));
  two = check(
    await admin.put(invoicePath(two.invoice.id, '/lines?view=full'), {
      version: two.invoice.version,
      mode: 'certify',
      lines: [{ lineId: b1, percentCompleteToDateBp: 4500, differenceReason: 'Site walk: 45% complete' }],
    }),
  );
  // Certified: line 1 at 45% = 1,800,000 to date; E = 1,000,000; H 2,200,000; retainage 80,000 + 100,000 = 180,000.
  //  Line 4 = 1,800,000 + 2,000,000 + 199,125 + 250,000 = 4,249,125; 5a = 180,000 + 200,000 + 19,913 + 25,000
  //  = 424,913; 6 = 3,824,212; 7 = 2,109,212; 8 = 1,715,000; 9 = 12,491,250 − 3,824,212 = 8,667,038.
  //  The claim (2,000,000 to date on line 1) stays beside it, and in claimedSummary.
  const period2Lines = [['1', 'Sitework', 4_000_000, 800_000, 1_000_000, 0, 0, 0, 0, 1_800_000, 4500, 2_200_000, 180_000, 0, 0], ...claimed2Lines.slice(1)];
  const period2G702 = [11_991_250, 500_000, 12_491_250, 4_249_125, 424_913, 0, 424_913, 3_824_212, 2_109_212, 1_715_000, 8_667_038];
  assert.deepEqual(two.lines.map(g703), period2Lines);
  assert.deepEqual(g702(two.summary), period2G702);
  assert.deepEqual(g702(two.claimedSummary), claimed2G702);
  assert.deepEqual(
    [two.lines[0].claimed.workCompletedThisPeriodCents, two.lines[0].claimed.totalCompletedAndStoredCents, two.lines[0].claimed.percentCompleteToDateBp, two.lines[0].percentCompleteToDateBp],
    [1_200_000, 2_000_000, 5000, 4500],
  );
  assert.deepEqual([two.lines[0].isCertifiedAdjusted, two.lines[0].differenceReason], [true, 'Site walk: 45% complete']);

  two = check(await admin.post(invoicePath(two.invoice.id, '/transitions?view=full'), { action: 'approve', version: two.invoice.version }));
  assert.equal(two.invoice.status, 'approved');
  assert.deepEqual(two.lines.map(g703), period2Lines);
  assert.deepEqual(g702(two.summary), period2G702);

  // PA-1 is untouched by the change order: still three lines, line 2 = 0.
  const pa1Again = await read(one.invoice.id);
  assert.deepEqual(pa1Again.lines.map(g703), period1Lines);
  assert.deepEqual(g702(pa1Again.summary), period1G702);

  // ───────────────────────── Period 3: January 2027 ─────────────────────────
  t.clock.set('2027-01-04T15:00:00Z');
  const jan = await admin.post(`${p}/billing-periods`, {});
  assertOk(jan, 201);
  assert.equal((await admin.post(`${p}/invites`, { commitmentIds: [commitment.id], invoiceType: 'work_materials_retainage' })).body.sent, 1);
  assertOk(await contact.post(`${cp}/invite-response`, { response: 'accepted' }));
  let three = check(await contact.post(`${cp}/invoices?view=full`, { number: 'PA-3' }), 201);
  assert.equal(three.invoice.invoiceType, 'work_materials_retainage');
  // On creation: D of line 1 is what was certified (1,800,000), not the 2,000,000 claimed; nothing stored;
  // line 7 = PA-2's certified line 6 = 3,824,212.
  assert.deepEqual(three.lines.map(g703), [
    ['1', 'Sitework', 4_000_000, 1_800_000, 0, 0, 0, 0, 0, 1_800_000, 4500, 2_200_000, 180_000, 0, 0],
    ['2', 'Structural steel', 6_000_000, 2_000_000, 0, 0, 0, 0, 0, 2_000_000, 3333, 4_000_000, 200_000, 0, 0],
    ['3', 'Electrical', 1_991_250, 199_125, 0, 0, 0, 0, 0, 199_125, 1000, 1_792_125, 19_913, 0, 0],
    ['CO-001.1', 'Added conduit', 500_000, 250_000, 0, 0, 0, 0, 0, 250_000, 5000, 250_000, 25_000, 0, 0],
  ]);
  assert.equal(three.summary.lessPreviousCertificatesCents, 3_824_212);
  assert.equal(three.summary.currentPaymentDueCents, 0);
  const [c1, c2, c3, c4] = three.lines.map((l) => l.id) as [string, string, string, string];
  const entries = (release: number) => [
    { lineId: c1, workCompletedThisPeriodCents: 2_200_000 },
    { lineId: c2, workCompletedThisPeriodCents: 1_000_000 },
    { lineId: c3, percentCompleteToDateBp: 10000, retainageReleasedCents: release },
    { lineId: c4, workCompletedThisPeriodCents: 250_000 },
  ];
  // Line 3 at 100%: E = 1,991,250 − 199,125 = 1,792,125; its retainage 10% = 179,212.5 → 179,213, so
  // 19,913 + 179,213 = 199,126 is held — one cent more than 10% of 1,991,250. All of it can be
  // released; one cent more cannot.
  const tooMuch = await contact.put(invoicePath(three.invoice.id, '/lines?view=full'), { version: three.invoice.version, lines: entries(199_127) });
  assert.equal(tooMuch.status, 422, JSON.stringify(tooMuch.body));
  assert.equal(tooMuch.body.error.field, 'lines.2.retainageReleasedCents', 'the third entry of the request');
  three = check(await contact.put(invoicePath(three.invoice.id, '/lines?view=full'), { version: three.invoice.version, lines: entries(199_126) }));
  // As claimed (and certified: the administrator approves it as is):
  //  1: E 2,200,000 → G 4,000,000 (100%), H 0; retainage 180,000 + 220,000 = 400,000.
  //  2: E 1,000,000 → G 3,000,000 (50%), H 3,000,000; retainage 200,000 + 100,000 = 300,000.
  //  3: G 1,991,250 (100%), H 0; 199,126 held, 199,126 released → 0.
  //  CO: E 250,000 → G 500,000 (100%), H 0; retainage 25,000 + 25,000 = 50,000.
  //  Line 4 = 4,000,000 + 3,000,000 + 1,991,250 + 500,000 = 9,491,250; 5a = 400,000 + 300,000 + 0 + 50,000
  //  = 750,000; 5b = 0; 6 = 8,741,250; 7 = 3,824,212; 8 = 4,917,038; 9 = 12,491,250 − 8,741,250 = 3,750,000
  //  (= H 3,000,000 + retainage 750,000).
  const period3Lines = [
    ['1', 'Sitework', 4_000_000, 1_800_000, 2_200_000, 0, 0, 0, 0, 4_000_000, 10000, 0, 400_000, 0, 0],
    ['2', 'Structural steel', 6_000_000, 2_000_000, 1_000_000, 0, 0, 0, 0, 3_000_000, 5000, 3_000_000, 300_000, 0, 0],
    ['3', 'Electrical', 1_991_250, 199_125, 1_792_125, 0, 0, 0, 0, 1_991_250, 10000, 0, 0, 0, 199_126],
    ['CO-001.1', 'Added conduit', 500_000, 250_000, 250_000, 0, 0, 0, 0, 500_000, 10000, 0, 50_000, 0, 0],
  ];
  const period3G702 = [11_991_250, 500_000, 12_491_250, 9_491_250, 750_000, 0, 750_000, 8_741_250, 3_824_212, 4_917_038, 3_750_000];
  assert.deepEqual(three.lines.map(g703), period3Lines);
  assert.deepEqual(g702(three.summary), period3G702);
  assert.equal(three.lines[2].workRetainageThisPeriodCents, 179_213);
  //  Net this period: 1: 2,200,000 − 220,000; 2: 1,000,000 − 100,000; 3: 1,792,125 − 179,213 + 199,126; CO: 250,000 − 25,000.
  assert.deepEqual(three.lines.map((l) => l.netThisPeriodCents), [1_980_000, 900_000, 1_812_038, 225_000], 'Σ = 4,917,038 = line 8');

  three = check(await contact.post(invoicePath(three.invoice.id, '/transitions?view=full'), { action: 'submit', version: three.invoice.version, acknowledgeMissing: true }));
  three = check(await admin.post(invoicePath(three.invoice.id, '/transitions?view=full'), { action: 'approve', version: three.invoice.version }));
  assert.equal(three.invoice.status, 'approved');
  assert.deepEqual(three.lines.map(g703), period3Lines);
  assert.deepEqual(g702(three.summary), period3G702);

  // Everything certified stays as it was; the board shows the last invoice and the billed total.
  for (const [id, lines, summary] of [
    [one.invoice.id, period1Lines, period1G702],
    [two.invoice.id, period2Lines, period2G702],
    [three.invoice.id, period3Lines, period3G702],
  ] as const) {
    const again = await read(id, contact);
    assert.deepEqual(again.lines.map(g703), lines);
    assert.deepEqual(g702(again.summary), summary);
  }
  const boardRow = (await admin.get(`${p}/billing-board`)).body.rows[0];
  assert.deepEqual(
    [boardRow.billingStatus, boardRow.latestInvoice.label, boardRow.latestInvoice.currentPaymentDueCents, boardRow.contractSumToDateCents, boardRow.billedToDateCents],
    ['approved', 'PA-3', 4_917_038, 12_491_250, 9_491_250],
  );
  const list = await admin.get(`${p}/invoices?commitmentId=${commitment.id}`);
  assert.deepEqual(
    list.body.data.map((i: any) => [i.label, i.status, i.currentPaymentDueCents]),
    [
      ['PA-1', 'approved', 2_109_212],
      ['PA-2', 'approved', 1_715_000],
      ['PA-3', 'approved', 4_917_038],
    ],
    'Σ line 8 = 8,741,250 = the last line 6: every certified cent paid once',
  );
});
