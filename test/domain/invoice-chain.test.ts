/**
 * The chain of a commitment's invoices (src/domain/invoice.ts): where D, F, the retainage balances
 * and G702 line 7 come from, claimed beside certified amounts, and the snapshot frozen at approval.
 *
 * The rule under test (billing-cycle issue, "Summary (G702)"): line 7 is the certified line 6 of
 * the previous approved invoice, taken from its snapshot, not recomputed; later invoices that are
 * not yet approved carry their certified amounts forward into D, F and the retainage balances,
 * but they are not certificates.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  computeInvoice,
  entriesEqual,
  invoiceLabel,
  previousApplications,
  snapshotOf,
  type EarlierInvoice,
  type InvoiceLine,
  type InvoiceSnapshot,
} from '../../src/domain/invoice.ts';
import type { InvoiceStatus } from '../../src/domain/invoice-status.ts';
import { EMPTY_ENTRY, toDateAfter, type LineEntry } from '../../src/domain/pay-application.ts';

const RATES = { workBp: 1000, materialsBp: 1000 };

function entry(e: Partial<LineEntry> = {}): LineEntry {
  return { ...EMPTY_ENTRY, ...e };
}

/** An invoice line; `certified` defaults to what was claimed (as when a contact saves). */
function invLine(key: string, C: number, claimed: Partial<LineEntry>, certified?: Partial<LineEntry>, reason: string | null = null): InvoiceLine {
  const c = entry(claimed);
  const cert = certified ? entry(certified) : c;
  return {
    id: `line-${key}`,
    key,
    source: key.startsWith('co:') ? 'change_order' : 'sov',
    itemNumber: key.split(':')[1] ?? '',
    description: `Line ${key}`,
    costCode: '',
    scheduledValueCents: C,
    claimed: c,
    certified: cert,
    isCertifiedAdjusted: !entriesEqual(c, cert),
    differenceReason: reason,
    rates: RATES,
    isRateOverridden: false,
    review: { status: null, reason: null },
  };
}

function earlier(sequence: number, status: InvoiceStatus, lines: InvoiceLine[], snapshot: InvoiceSnapshot | null = null): EarlierInvoice {
  return { sequence, status, snapshot, lines, label: `#${sequence}` };
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

// Invoice #1: line 1 (C 10,000.00) claimed 4,000.00, certified 3,000.00 ("only 30% in place");
// line 2 (C 20,000.00) 5,000.00 of work and 1,000.00 stored, certified as claimed. 10% retainage.
//   certified: G 3,000 + 6,000 = 9,000; 5 = 300 + 500 + 100 = 900; 6 = 8,100
//   claimed:   G 4,000 + 6,000 = 10,000; 5 = 400 + 500 + 100 = 1,000; 6 = 9,000
const lines1 = [
  invLine('sov:1', 1_000_000, { workCompletedThisPeriodCents: 400_000 }, { workCompletedThisPeriodCents: 300_000 }, 'Only 30% in place'),
  invLine('sov:2', 2_000_000, { workCompletedThisPeriodCents: 500_000, materialsStoredNewCents: 100_000 }),
];
const computed1 = computeInvoice(lines1, [], false);
const snapshot1 = snapshotOf(lines1, computed1);

describe('claimed and certified, side by side', () => {
  test('both G702s are computed on the same previous applications; the certified one is what is paid', () => {
    assert.equal(computed1.summary.totalCompletedAndStoredCents, 900_000);
    assert.equal(computed1.summary.totalRetainageCents, 90_000);
    assert.equal(computed1.summary.currentPaymentDueCents, 810_000);
    assert.equal(computed1.claimedSummary.totalCompletedAndStoredCents, 1_000_000);
    assert.equal(computed1.claimedSummary.totalRetainageCents, 100_000);
    assert.equal(computed1.claimedSummary.currentPaymentDueCents, 900_000);
    assert.deepEqual(
      computed1.lines.map((l) => l.workCompletedThisPeriodCents),
      [300_000, 500_000],
    );
    assert.deepEqual(
      computed1.claimedLines.map((l) => l.workCompletedThisPeriodCents),
      [400_000, 500_000],
    );
  });

  test('problems are reported separately: an overbilled claim certified down to 100% has claimed issues only', () => {
    const lines = [invLine('sov:1', 100_000, { workCompletedThisPeriodCents: 120_000 }, { workCompletedThisPeriodCents: 100_000 }, 'Capped at 100%')];
    const c = computeInvoice(lines, [], false);
    assert.deepEqual(c.issues, []);
    assert.deepEqual(c.claimedIssues.map((i) => [i.key, i.code]), [['sov:1', 'overbilled']]);
    assert.deepEqual(computeInvoice(lines, [], true).claimedIssues, [], 'allowed when overbilling is on');
  });
});

describe('snapshotOf: what an approval freezes', () => {
  test('the certified and the claimed G702/G703 exactly as computed', () => {
    assert.deepEqual(snapshot1.lines, computed1.lines);
    assert.deepEqual(snapshot1.claimedLines, computed1.claimedLines);
    assert.deepEqual(snapshot1.summary, computed1.summary);
    assert.deepEqual(snapshot1.claimedSummary, computed1.claimedSummary);
  });

  test('toDate is where each line stands after the certified amounts (not the claimed ones)', () => {
    assert.deepEqual(snapshot1.toDate, Object.fromEntries(toDateAfter({ lines: computed1.lines })));
    assert.deepEqual(snapshot1.toDate['sov:1'], { workCompletedCents: 300_000, materialsStoredCents: 0, retainage: { workHeldCents: 30_000, materialsHeldCents: 0 }, workWithheldCents: 30_000 });
    assert.deepEqual(snapshot1.toDate['sov:2'], { workCompletedCents: 500_000, materialsStoredCents: 100_000, retainage: { workHeldCents: 50_000, materialsHeldCents: 10_000 }, workWithheldCents: 50_000 });
  });

  test('the line metadata keeps the reason for the difference and the review', () => {
    assert.deepEqual(snapshot1.lineMeta['sov:1'], {
      lineId: 'line-sov:1',
      isCertifiedAdjusted: true,
      differenceReason: 'Only 30% in place',
      review: { status: null, reason: null },
      isRateOverridden: false,
    });
    assert.equal(snapshot1.lineMeta['sov:2']?.isCertifiedAdjusted, false);
  });

  test('round trip: a snapshot stored as JSON and read back gives the next invoice the same numbers', () => {
    const stored = clone(snapshot1);
    assert.deepEqual(stored, snapshot1);
    const next = [invLine('sov:1', 1_000_000, { workCompletedThisPeriodCents: 100_000 }), invLine('sov:2', 2_000_000, { materialsInstalledCents: 100_000, workCompletedThisPeriodCents: 100_000 })];
    assert.deepEqual(computeInvoice(next, [earlier(1, 'approved', lines1, stored)], false), computeInvoice(next, [earlier(1, 'approved', lines1, snapshot1)], false));
  });
});

describe('previousApplications / computeInvoice: the chain', () => {
  test('line 7 and D/F/retainage come from the approved snapshot, taken and not recomputed', () => {
    // Change the snapshot by hand: if anything were recomputed from #1's lines, these numbers would not appear.
    const tampered = clone(snapshot1);
    tampered.summary.totalEarnedLessRetainageCents = 123_456;
    tampered.toDate['sov:1'] = { workCompletedCents: 333_333, materialsStoredCents: 7_777, retainage: { workHeldCents: 11_111, materialsHeldCents: 2_222 } };
    // #1's live lines say something else entirely; they must be ignored for an approved invoice.
    const misleading = [invLine('sov:1', 1_000_000, { workCompletedThisPeriodCents: 999_999 })];
    const prior = previousApplications([earlier(1, 'approved', misleading, tampered)], false);
    assert.equal(prior.previousCertificatesCents, 123_456);
    assert.deepEqual(prior.previous.get('sov:1'), tampered.toDate['sov:1']);
    assert.deepEqual(prior.unapprovedLabels, []);

    const next = computeInvoice([invLine('sov:1', 1_000_000, { workCompletedThisPeriodCents: 100_000 })], [earlier(1, 'approved', misleading, tampered)], false);
    const l = next.lines[0]!;
    assert.equal(l.workCompletedPreviousCents, 333_333);
    assert.equal(l.materialsStoredPreviousCents, 7_777);
    assert.equal(l.workRetainageHeldCents, 11_111 + 10_000);
    assert.equal(l.materialsRetainageHeldCents, 2_222);
    assert.equal(next.summary.lessPreviousCertificatesCents, 123_456);
    assert.equal(next.summary.currentPaymentDueCents, next.summary.totalEarnedLessRetainageCents - 123_456);
    assert.equal(next.claimedSummary.lessPreviousCertificatesCents, 123_456, 'the claimed G702 has the same line 7');
  });

  test('approved as noted is a certificate too', () => {
    const prior = previousApplications([earlier(1, 'approved_as_noted', lines1, snapshot1)], false);
    assert.equal(prior.previousCertificatesCents, 810_000);
    assert.deepEqual(prior.unapprovedLabels, []);
  });

  test('a later unapproved invoice carries its certified amounts into D, F and retainage, but line 7 stays the approved line 6', () => {
    // #2 (under review): line 1 claimed 2,000, certified 1,500; line 2 installs the 1,000 stored.
    const lines2 = [
      invLine('sov:1', 1_000_000, { workCompletedThisPeriodCents: 200_000 }, { workCompletedThisPeriodCents: 150_000 }, 'Less in place'),
      invLine('sov:2', 2_000_000, { workCompletedThisPeriodCents: 100_000, materialsInstalledCents: 100_000 }),
    ];
    const history = [earlier(1, 'approved', lines1, snapshot1), earlier(2, 'under_review', lines2)];
    const prior = previousApplications(history, false);
    // D = 3,000 (#1 certified) + 1,500 (#2 certified, not the 2,000 claimed); retainage 300 + 150.
    assert.deepEqual(prior.previous.get('sov:1'), { workCompletedCents: 450_000, materialsStoredCents: 0, retainage: { workHeldCents: 45_000, materialsHeldCents: 0 }, workWithheldCents: 45_000 });
    // Line 2: D 5,000 + 1,000 installed; F 1,000 − 1,000 = 0; the 100 materials retainage moved into work (+100 on 1,000 of E).
    assert.deepEqual(prior.previous.get('sov:2'), { workCompletedCents: 600_000, materialsStoredCents: 0, retainage: { workHeldCents: 60_000, materialsHeldCents: 0 }, workWithheldCents: 60_000 });
    assert.equal(prior.previousCertificatesCents, 810_000, 'line 7 = #1 line 6; #2 is not a certificate');
    assert.deepEqual(prior.unapprovedLabels, ['#2']);

    const third = computeInvoice([invLine('sov:1', 1_000_000, { workCompletedThisPeriodCents: 50_000 }), invLine('sov:2', 2_000_000, {})], history, false);
    assert.deepEqual(third.unapprovedEarlierLabels, ['#2']);
    assert.equal(third.lines[0]!.workCompletedPreviousCents, 450_000);
    assert.equal(third.summary.lessPreviousCertificatesCents, 810_000);
    // 4 = 5,000 + 6,000 = 11,000; 5 = 500 + 600 = 1,100; 6 = 9,900; 8 = 9,900 − 8,100 = 1,800 (#2's and #3's net together).
    assert.equal(third.summary.totalEarnedLessRetainageCents, 990_000);
    assert.equal(third.summary.currentPaymentDueCents, 180_000);
  });

  test('several unapproved invoices are carried in sequence order, whatever order they are given in', () => {
    const a = [invLine('sov:1', 1_000_000, { workCompletedThisPeriodCents: 100_000 })];
    const b = [invLine('sov:1', 1_000_000, { percentCompleteToDateBp: 6000, workCompletedThisPeriodCents: null })];
    // In order: #2 adds 1,000 (D 4,000), #3 is "60% to date" → E 2,000 (D 6,000). Reversed, #3 would give 6,000 then #2 7,000.
    const history = [earlier(3, 'draft', b), earlier(1, 'approved', lines1, snapshot1), earlier(2, 'revise_and_resubmit', a)];
    const prior = previousApplications(history, false);
    assert.equal(prior.previous.get('sov:1')?.workCompletedCents, 600_000);
    assert.deepEqual(prior.unapprovedLabels, ['#2', '#3']);
  });

  test('an approved invoice after unapproved ones re-anchors the chain there', () => {
    const history = [earlier(1, 'draft', lines1), earlier(2, 'approved', [], snapshot1)];
    const prior = previousApplications(history, false);
    assert.deepEqual(prior.unapprovedLabels, []);
    assert.equal(prior.previousCertificatesCents, 810_000);
  });

  test('with no approved invoice, everything starts from zero and line 7 is 0', () => {
    const prior = previousApplications([earlier(1, 'under_review', lines1)], false);
    assert.equal(prior.previousCertificatesCents, 0);
    assert.deepEqual(prior.unapprovedLabels, ['#1']);
    assert.equal(prior.previous.get('sov:1')?.workCompletedCents, 300_000, 'certified, not the 4,000 claimed');
    assert.deepEqual(previousApplications([], false), { previous: new Map(), previousCertificatesCents: 0, unapprovedLabels: [] });
  });

  test('each unapproved earlier invoice is carried with its own retainage rules, not the next invoice’s (decision 008)', () => {
    // #1 was created under "10% until 1,500.00 is held"; #2 under "5% until 100,000.00 is held".
    const tenPercent = { rules: [{ kind: 'until_amount' as const, rateBp: 1000, capCents: 150_000 }], afterRateBp: 0 };
    const fivePercent = { rules: [{ kind: 'until_amount' as const, rateBp: 500, capCents: 10_000_000 }], afterRateBp: 0 };
    const first = [invLine('sov:1', 1_000_000, { workCompletedThisPeriodCents: 500_000 })];
    const history: EarlierInvoice[] = [{ ...earlier(1, 'under_review', first), retainageRules: tenPercent }];
    assert.equal(previousApplications(history, false).previous.get('sov:1')?.retainage.workHeldCents, 50_000, '#1 at its 10%');
    const second = computeInvoice([invLine('sov:1', 1_000_000, { workCompletedThisPeriodCents: 100_000 })], history, false, fivePercent);
    assert.deepEqual([second.lines[0]?.workRetainagePreviousCents, second.lines[0]?.workRetainageThisPeriodCents], [50_000, 5_000]);
    // Without stored rules #1 holds its lines' flat 10%, uncapped; with its own cap rule it stops at 1,500.00.
    const flat = previousApplications([earlier(1, 'under_review', [invLine('sov:1', 1_000_000, { workCompletedThisPeriodCents: 2_000_000 })])], true);
    assert.equal(flat.previous.get('sov:1')?.retainage.workHeldCents, 200_000, 'flat 10%, no cap');
    const capped = previousApplications([{ ...earlier(1, 'under_review', [invLine('sov:1', 1_000_000, { workCompletedThisPeriodCents: 2_000_000 })]), retainageRules: tenPercent }], true);
    assert.equal(capped.previous.get('sov:1')?.retainage.workHeldCents, 150_000, 'its own cap');
  });

  test('a change-order line that was not on the approved invoice starts at zero', () => {
    const next = computeInvoice([...lines1.map((l) => ({ ...l, claimed: EMPTY_ENTRY, certified: EMPTY_ENTRY })), invLine('co:7', 250_000, { workCompletedThisPeriodCents: 50_000 })], [earlier(1, 'approved', lines1, snapshot1)], false);
    const co = next.lines.find((l) => l.key === 'co:7')!;
    assert.deepEqual([co.workCompletedPreviousCents, co.materialsStoredPreviousCents, co.retainageHeldCents], [0, 0, 5_000]);
    assert.equal(next.summary.netChangeByChangeOrdersCents, 250_000);
    assert.equal(next.summary.originalContractSumCents, 3_000_000);
  });
});

describe('small helpers', () => {
  test('invoiceLabel: the contact’s own number, else the sequence', () => {
    assert.equal(invoiceLabel({ number: 'PA-07', sequence: 3 }), 'PA-07');
    assert.equal(invoiceLabel({ number: '  ', sequence: 3 }), '#3');
    assert.equal(invoiceLabel({ number: null, sequence: 12 }), '#12');
  });

  test('entriesEqual compares every entered field', () => {
    const base = entry({ workCompletedThisPeriodCents: 1 });
    assert.ok(entriesEqual(base, { ...base }));
    for (const change of [
      { workCompletedThisPeriodCents: 2 },
      { workCompletedThisPeriodCents: null },
      { percentCompleteToDateBp: 0 },
      { materialsStoredNewCents: 1 },
      { materialsInstalledCents: 1 },
      { retainageReleasedCents: 1 },
    ] satisfies Partial<LineEntry>[]) {
      assert.ok(!entriesEqual(base, { ...base, ...change }), JSON.stringify(change));
    }
  });
});
