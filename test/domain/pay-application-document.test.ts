/**
 * What the printed pay application says (issue 13, decision 027): Subcontractor SOV details grouped
 * under their SOV line, sections and totals that tie to the G702, the change-order summary by
 * approval date, the reasons for difference, rejected lines, the file name.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeInvoice, type InvoiceLine } from '../../src/domain/invoice.ts';
import { buildPayApplicationDocument, changeOrderSummary, payApplicationFileName, type PayApplicationDocumentInput } from '../../src/domain/pay-application-document.ts';
import { EMPTY_ENTRY, type LineEntry } from '../../src/domain/pay-application.ts';

function line(key: string, item: string, scheduledValueCents: number, claimed: Partial<LineEntry>, extra: Partial<InvoiceLine> = {}): InvoiceLine {
  return {
    id: key,
    key,
    source: key.startsWith('co:') ? 'change_order' : 'sov',
    itemNumber: item,
    description: `Line ${item}`,
    costCode: '',
    scheduledValueCents,
    claimed: { ...EMPTY_ENTRY, ...claimed },
    certified: { ...EMPTY_ENTRY, ...claimed },
    isCertifiedAdjusted: false,
    differenceReason: null,
    rates: { workBp: 1000, materialsBp: 500 },
    isRateOverridden: false,
    review: { status: null, reason: null },
    ...extra,
  };
}

const parent = { key: 'sov:2', itemNumber: '2', description: 'Electrical' };
const LINES: InvoiceLine[] = [
  line('sov:1', '1', 10_000_00, { workCompletedThisPeriodCents: 1_000_00 }),
  line('ssov:a', '2.1', 3_000_00, { workCompletedThisPeriodCents: 300_00, materialsStoredNewCents: 200_00 }, { parent }),
  line('ssov:b', '2.2', 2_000_00, { workCompletedThisPeriodCents: 500_00 }, {
    parent,
    certified: { ...EMPTY_ENTRY, workCompletedThisPeriodCents: 400_00 },
    isCertifiedAdjusted: true,
    differenceReason: 'Half the conduit is not in',
  }),
  line('sov:3', '3', 4_000_00, {}, { review: { status: 'rejected', reason: 'No backup' } }),
  line('co:x1', 'CO-1.1', 1_500_00, { workCompletedThisPeriodCents: 150_00 }),
  line('co:x2', 'CO-1.2', -500_00, {}),
  line('co:y1', 'CO-2.1', -700_00, {}),
];

function input(overrides: Partial<PayApplicationDocumentInput> = {}): PayApplicationDocumentInput {
  return {
    project: { name: 'Tower', number: 'P-1', address: '', timeZone: 'America/New_York' },
    commitment: { number: 'SC-1', title: 'Electrical' },
    contractCompany: { name: 'Łódź Électrique — Müller & Søn', address: '' },
    generalContractor: { name: 'GC', address: '' },
    invoice: { sequence: 3, number: null, status: 'under_review', billingDate: '2026-11-30', periodStart: '2026-11-01', periodEnd: '2026-11-30', submittedAt: null, approvedAt: null, comments: '' },
    approverName: null,
    amounts: computeInvoice(LINES, [], true),
    lineFacts: new Map(LINES.map((l) => [l.key, { differenceReason: l.differenceReason, review: l.review }])),
    changeOrders: [
      // Approved Oct 31 at 11 p.m. in New York (Nov 1 in UTC): before the period, in the project's day.
      { id: 'x', approvedAt: new Date('2026-11-01T03:00:00Z'), lineIds: ['x1', 'x2'] },
      { id: 'y', approvedAt: new Date('2026-11-01T05:00:00Z'), lineIds: ['y1'] },
    ],
    ...overrides,
  };
}

test('Subcontractor SOV details sit under their SOV line, with its total after them; only billed rows add up', () => {
  const doc = buildPayApplicationDocument(input());
  const [sov, cos] = doc.sections;
  assert.deepEqual(
    sov?.rows.map((r) => [r.kind, r.itemNumber, r.isBilled, r.amounts?.scheduledValueCents ?? null]),
    [
      ['line', '1', true, 10_000_00],
      ['group', '2', false, null],
      ['detail', '2.1', true, 3_000_00],
      ['detail', '2.2', true, 2_000_00],
      ['group-total', '2', false, 5_000_00],
      ['line', '3', true, 4_000_00],
    ],
  );
  const groupTotal = sov?.rows[4]?.amounts;
  assert.deepEqual([groupTotal?.thisPeriodCents, groupTotal?.storedCents, groupTotal?.completedCents, groupTotal?.percentBp], [700_00, 200_00, 900_00, 1800]);
  assert.deepEqual(cos?.rows.map((r) => r.itemNumber), ['CO-1.1', 'CO-1.2', 'CO-2.1']);
  assert.equal(sov?.total.scheduledValueCents, doc.certified.originalContractSumCents);
  assert.equal(cos?.total.scheduledValueCents, doc.certified.netChangeByChangeOrdersCents);
  assert.deepEqual(
    [doc.total.scheduledValueCents, doc.total.completedCents, doc.total.retainageCents],
    [doc.certified.contractSumToDateCents, doc.certified.totalCompletedAndStoredCents, doc.certified.totalRetainageCents],
    'the grand total is the G702: lines 3, 4 and 5',
  );
});

test('the change-order summary splits by the day of approval in the project’s time zone; net is line 2', () => {
  const doc = buildPayApplicationDocument(input());
  assert.deepEqual(doc.changeOrders, {
    previously: { additionsCents: 1_000_00, deductionsCents: 0 },
    thisPeriod: { additionsCents: 0, deductionsCents: 700_00 },
    total: { additionsCents: 1_000_00, deductionsCents: 700_00 },
    netCents: 300_00,
  });
  assert.equal(doc.changeOrders.netCents, doc.certified.netChangeByChangeOrdersCents);
  const inUtc = changeOrderSummary(doc.sections[1]?.rows.map((r) => ({ key: r.key, source: 'change_order' as const, scheduledValueCents: r.amounts?.scheduledValueCents ?? 0 })) ?? [], input().changeOrders, '2026-11-01', 'UTC');
  assert.deepEqual(inUtc.thisPeriod, { additionsCents: 1_000_00, deductionsCents: 700_00 }, 'in UTC both were approved on Nov 1');
});

test('reasons for difference, rejected lines, the 5a/5b rates, and whether the certified G702 differs', () => {
  const doc = buildPayApplicationDocument(input());
  assert.deepEqual(doc.differences, [
    { itemNumber: '2.2', description: 'Line 2.2', claimedCents: 500_00, certifiedCents: 400_00, claimedReleasedCents: 0, certifiedReleasedCents: 0, reason: 'Half the conduit is not in' },
  ]);
  assert.deepEqual(doc.rejected, [{ itemNumber: '3', description: 'Line 3', reason: 'No backup' }]);
  assert.equal(doc.certifiedDiffers, true);
  assert.deepEqual([doc.workRetainageRateBp, doc.materialsRetainageRateBp], [1000, 500]);
  assert.deepEqual([doc.applicationLabel, doc.isFinal, doc.statusLabel], ['#3', false, 'Under Review']);
  const same = buildPayApplicationDocument(input({ amounts: computeInvoice(LINES.map((l) => ({ ...l, certified: l.claimed })), [], true) }));
  assert.equal(same.certifiedDiffers, false);
  assert.deepEqual(same.differences, []);
});

test('the file name keeps the names and drops what file systems refuse', () => {
  const doc = buildPayApplicationDocument(input());
  assert.equal(payApplicationFileName(doc), 'Pay application 3 – SC-1 – Łódź Électrique — Müller & Søn.pdf');
  assert.equal(
    payApplicationFileName({ applicationLabel: 'INV/7:a', commitment: { number: 'SC\\2', title: '' }, contractCompany: null }),
    'Pay application INV-7-a – SC-2.pdf',
  );
});
