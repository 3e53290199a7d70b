/** Spreadsheet exports (docs/decisions/028): money and percentages as exact decimals, the totals, the names. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { centsToDecimal, exportFileName, invoiceRegisterSheet, sheetTotals, sovSheet } from '../../src/domain/spreadsheet-exports.ts';
import { columnLetter } from '../../src/exports/spreadsheet.ts';

test('cents print as plain decimals with a dot, exactly', () => {
  const cases: [number, string][] = [
    [0, '0.00'],
    [5, '0.05'],
    [-5, '-0.05'],
    [123450, '1234.50'],
    [-100, '-1.00'],
    [900719925474099, '9007199254740.99'],
  ];
  for (const [cents, text] of cases) assert.equal(centsToDecimal(cents), text, String(cents));
});

test('column letters', () => {
  assert.deepEqual([1, 26, 27, 52, 53, 702, 703].map(columnLetter), ['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
});

test('totals add the money columns only', () => {
  const sheet = sovSheet([
    { itemNumber: '1', description: 'A', costCode: '01', scheduledValueCents: 100_01 },
    { itemNumber: '2', description: 'B', costCode: '02', scheduledValueCents: -1 },
  ]);
  assert.deepEqual(sheetTotals(sheet), [null, null, null, 100_00]);
});

test('the register owes only on approved invoices', () => {
  const summary = {
    originalContractSumCents: 0,
    netChangeByChangeOrdersCents: 0,
    contractSumToDateCents: 1000,
    totalCompletedAndStoredCents: 500,
    retainageOnCompletedWorkCents: 50,
    retainageOnStoredMaterialsCents: 0,
    totalRetainageCents: 50,
    totalEarnedLessRetainageCents: 450,
    lessPreviousCertificatesCents: 0,
    currentPaymentDueCents: 450,
    balanceToFinishInclRetainageCents: 550,
  };
  const invoice = { number: null, sequence: 1, status: 'approved' as const, billingDate: '2026-10-31', periodStart: '2026-10-01', periodEnd: '2026-10-31' };
  const sheet = invoiceRegisterSheet([
    { invoice, commitmentNumber: 'SC-1', commitmentTitle: 'T', summary, paidCents: 100, isPayable: true },
    { invoice: { ...invoice, sequence: 2, status: 'draft' as const }, commitmentNumber: 'SC-1', commitmentTitle: 'T', summary, paidCents: 0, isPayable: false },
  ]);
  assert.deepEqual(sheet.rows.map((r) => [r[2], r.at(-2), r.at(-1)]), [['#1', 100, 350], ['#2', 0, 0]]);
});

test('file names drop characters file systems refuse and a trailing dot', () => {
  assert.equal(exportFileName(['Invoice 1', 'SC/001', 'Granite Ridge, Inc.'], 'csv'), 'Invoice 1 - SC-001 - Granite Ridge, Inc.csv');
  assert.equal(exportFileName(['SOV', '', null, 'SC-1'], 'xlsx'), 'SOV - SC-1.xlsx');
});
