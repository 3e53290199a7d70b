/**
 * Issue 13, spreadsheet exports (docs/decisions/028): the XLSX invoice register opens with exceljs,
 * its rows and totals (the SUM formulas' inputs and their results) equal the API's figures; the CSV
 * of an invoice's lines is the API's G703 (claimed and certified) to the cent; the SOV exports as
 * saved; only those who may read a thing export it — a stranger gets 404, a contact no register.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { parseDecimalToCents } from '../../src/domain/money.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertNo5xx, assertOk, billingProject, download, track, type BillingSetup, type Client, type Seen } from '../support/billing.ts';
import { addToProject, makeUser, systemAdminOf } from '../support/factories.ts';
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

const cents = (text: string) => (text === '' ? null : parseDecimalToCents(text));
const toCents = (n: unknown) => Math.round(Number(n) * 100);

function csvRows(bytes: Uint8Array): string[][] {
  const text = Buffer.from(bytes).toString('utf8');
  assert.ok(text.startsWith('\uFEFF'), 'a byte-order mark');
  return parse(text.slice(1)) as string[][];
}

async function readXlsx(bytes: Uint8Array) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(bytes) as never);
  const ws = book.worksheets[0];
  assert.ok(ws);
  return ws;
}

describe('spreadsheet exports', () => {
  let s: BillingSetup;
  let commitmentA: string;
  let commitmentB: string;
  let approvedId: string;
  let draftId: string;
  let stranger: Client;
  const ok = (res: any, status = 200) => {
    assertOk(res, status);
    return res.body;
  };

  before(async () => {
    s = await billingProject(t, seen);
    commitmentA = (await approvedCommitment(t, s, { number: 'SC-001', title: 'Électricité', sov: [10_000_00, 5_000_33, 2_500_50] })).id;
    commitmentB = (await approvedCommitment(t, s, { number: 'SC-002', title: 'Plumbing', sov: [4_000_00] })).id;
    t.clock.set('2026-10-02T15:00:00Z');
    ok(await s.admin.post(`${s.p}/billing-periods`, { startsOn: '2026-10-01', endsOn: '2026-10-31', dueOn: '2026-10-25' }), 201);
    // A: claimed, certified lower on one line, approved, partly paid.
    let inv = ok(await s.contactApi.post(`${s.p}/commitments/${commitmentA}/invoices?view=full`, { number: 'PA-1' }), 201);
    inv = ok(
      await s.contactApi.put(`${s.p}/invoices/${inv.invoice.id}/lines?view=full`, {
        version: inv.invoice.version,
        lines: inv.lines.map((l: any, i: number) => ({ lineId: l.id, workCompletedThisPeriodCents: 1_000_01 * (i + 1), ...(i === 1 && { materialsStoredNewCents: 300_00 }) })),
      }),
    );
    inv = ok(await s.contactApi.post(`${s.p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'submit', version: inv.invoice.version, acknowledgeMissing: true }));
    inv = ok(
      await s.admin.put(`${s.p}/invoices/${inv.invoice.id}/lines?view=full`, {
        version: inv.invoice.version,
        mode: 'certify',
        lines: [{ lineId: inv.lines[0].id, workCompletedThisPeriodCents: 500_00, differenceReason: 'Not yet in place' }],
      }),
    );
    inv = ok(await s.admin.post(`${s.p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'approve', version: inv.invoice.version }));
    approvedId = inv.invoice.id;
    ok(await s.admin.post(`${s.p}/invoices/${approvedId}/payments`, { amountCents: 1_234_56, paidOn: '2026-10-20', method: 'check' }), 201);
    // B: a draft.
    draftId = ok(await s.contactApi.post(`${s.p}/commitments/${commitmentB}/invoices?view=full`, {}), 201).invoice.id;
    const { gc } = await systemAdminOf(t.db);
    const bystander = await makeUser(t.db, gc, { name: 'Bystander' });
    await addToProject(t.db, s.project, bystander, 'read_only');
    stranger = track(await t.as((await makeUser(t.db, gc, { name: 'Stranger' })).id), seen);
  });

  test('the XLSX register: one row per invoice with the API figures, a frozen header, money as numbers, totals as SUM formulas', async () => {
    const res = await download(t, s.admin.token, `${s.p}/invoice-register?format=xlsx`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="Invoice register - .*\.xlsx"; filename\*=UTF-8''/);
    const ws = await readXlsx(res.bytes);
    assert.equal(ws.views[0]?.state, 'frozen');
    assert.equal((ws.views[0] as any).ySplit, 1);
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    assert.deepEqual(header.slice(0, 4), ['Commitment', 'Commitment title', 'Invoice', 'Status']);
    const col = (name: string) => header.indexOf(name) + 1;
    assert.equal(ws.rowCount, 2 + 1 + 1, 'two invoices, header, totals');

    const list = ok(await s.admin.get(`${s.p}/invoices`)).data as any[];
    for (const [row, id] of [[2, approvedId], [3, draftId]] as const) {
      const api = ok(await s.admin.get(`${s.p}/invoices/${id}`));
      const pay = ok(await s.admin.get(`${s.p}/invoices/${id}/payments`));
      const r = ws.getRow(row);
      const money = (name: string) => {
        const v = r.getCell(col(name)).value;
        assert.equal(typeof v, 'number', `${name} is a number`);
        return toCents(v);
      };
      assert.equal(r.getCell(col('Invoice')).value, list.find((i) => i.id === id).label);
      assert.equal(money('Contract sum to date'), api.summary.contractSumToDateCents);
      assert.equal(money('Completed and stored to date'), api.summary.totalCompletedAndStoredCents);
      assert.equal(money('Retainage held'), api.summary.totalRetainageCents);
      assert.equal(money('Current payment due'), api.summary.currentPaymentDueCents);
      assert.equal(money('Paid'), pay.paidCents);
      assert.equal(money('Balance'), pay.remainingCents);
      assert.equal(r.getCell(col('Contract sum to date')).numFmt, '#,##0.00;-#,##0.00');
    }
    assert.equal(ws.getRow(2).getCell(col('Paid')).value, 1234.56);
    assert.equal(ws.getRow(2).getCell(col('Status')).value, 'Approved');

    const totals = ws.getRow(4);
    assert.equal(totals.getCell(1).value, 'Total');
    for (const name of ['Contract sum to date', 'Completed and stored to date', 'Retainage held', 'Current payment due', 'Paid', 'Balance']) {
      const c = col(name);
      const cell = totals.getCell(c).value as { formula: string; result: number };
      const letter = ws.getColumn(c).letter;
      assert.equal(cell.formula, `SUM(${letter}2:${letter}3)`, name);
      const inputs = toCents(ws.getRow(2).getCell(c).value) + toCents(ws.getRow(3).getCell(c).value);
      assert.equal(toCents(cell.result), inputs, `${name}: the cached result is the sum of its inputs`);
    }
    const sumOf = (k: string) => list.reduce((n, i) => n + i[k], 0);
    assert.equal(toCents((totals.getCell(col('Current payment due')).value as any).result), sumOf('currentPaymentDueCents'));
    assert.equal(toCents((totals.getCell(col('Completed and stored to date')).value as any).result), sumOf('totalCompletedAndStoredCents'));
  });

  test('the CSV of an invoice is its G703, claimed and certified, to the cent', async () => {
    const api = ok(await s.admin.get(`${s.p}/invoices/${approvedId}`));
    const res = await download(t, s.contactApi.token, `${s.p}/invoices/${approvedId}/export?format=csv`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(res.headers.get('content-disposition') ?? '', /filename="Invoice PA-1 - SC-001 - .*\.csv"/);
    const [header, ...rows] = csvRows(res.bytes);
    assert.ok(header);
    assert.equal(rows.length, api.lines.length);
    const at = (name: string) => header.indexOf(name);
    for (const [i, l] of api.lines.entries()) {
      const r = rows[i]!;
      assert.equal(r[at('Item')], l.itemNumber);
      assert.equal(r[at('Description')], l.description);
      const g703 = (side: string, x: any) => [
        cents(r[at(`${side} D from previous application`)]!),
        cents(r[at(`${side} E this period`)]!),
        cents(r[at(`${side} F materials presently stored`)]!),
        cents(r[at(`${side} G completed and stored to date`)]!),
        Math.round(Number(r[at(`${side} % (G ÷ C)`)]) * 100),
        cents(r[at(`${side} H balance to finish`)]!),
        cents(r[at(`${side} I retainage`)]!),
      ].concat([
        x.workCompletedPreviousCents + x.materialsStoredPreviousCents,
        x.workCompletedThisPeriodCents,
        x.materialsPresentlyStoredCents,
        x.totalCompletedAndStoredCents,
        x.percentCompleteBp,
        x.balanceToFinishCents,
        x.retainageHeldCents,
      ]);
      const check = (side: string, x: any) => {
        const v = g703(side, x);
        assert.deepEqual(v.slice(0, 7), v.slice(7), `${side} line ${l.itemNumber}`);
      };
      assert.equal(cents(r[at('C scheduled value')]!), l.scheduledValueCents);
      check('Certified', l);
      // The API's claimed side carries E, F's parts, G and %; D is the certified chain's, H is C − G.
      const claimed = g703('Claimed', l).slice(0, 6);
      assert.deepEqual(
        claimed,
        [
          l.workCompletedPreviousCents + l.materialsStoredPreviousCents,
          l.claimed.workCompletedThisPeriodCents,
          l.materialsStoredPreviousCents + l.claimed.materialsStoredNewCents - l.claimed.materialsInstalledCents,
          l.claimed.totalCompletedAndStoredCents,
          l.claimed.percentCompleteBp,
          l.scheduledValueCents - l.claimed.totalCompletedAndStoredCents,
        ],
        `claimed line ${l.itemNumber}`,
      );
      assert.notEqual(cents(r[at('Claimed I retainage')]!), null);
    }
    // The certified difference shows: claimed 1000.01 on line 1, certified 500.00.
    assert.equal(rows[0]![at('Claimed E this period')], '1000.01');
    assert.equal(rows[0]![at('Certified E this period')], '500.00');
  });

  test('the SOV exports as saved, CSV and XLSX', async () => {
    const sov = ok(await s.admin.get(`${s.p}/commitments/${commitmentA}/sov`));
    const csv = await download(t, s.contactApi.token, `${s.p}/commitments/${commitmentA}/sov/export?format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-disposition') ?? '', /filename="SOV - SC-001\.csv"/);
    const [header, ...rows] = csvRows(csv.bytes);
    assert.deepEqual(header, ['Item', 'Description', 'Cost code', 'Scheduled value']);
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2], cents(r[3]!)]),
      sov.lines.map((l: any) => [l.itemNumber, l.description, l.costCode, l.scheduledValueCents]),
    );
    assert.equal(rows[1]![3], '5000.33');
    const xlsx = await download(t, s.admin.token, `${s.p}/commitments/${commitmentA}/sov/export?format=xlsx`);
    assert.equal(xlsx.status, 200);
    const ws = await readXlsx(xlsx.bytes);
    assert.deepEqual([2, 3, 4].map((r) => toCents(ws.getRow(r).getCell(4).value)), sov.lines.map((l: any) => l.scheduledValueCents));
    assert.equal(toCents((ws.getRow(5).getCell(4).value as any).result), sov.totalCents);
    assert.equal((ws.getRow(5).getCell(4).value as any).formula, 'SUM(D2:D4)');
  });

  test('visibility: a stranger gets 404 everywhere, a contact no register, a bad format 400', async () => {
    for (const path of [`${s.p}/invoice-register`, `${s.p}/invoices/${approvedId}/export`, `${s.p}/commitments/${commitmentA}/sov/export`]) {
      const res = await download(t, stranger.token, path);
      seen.push({ what: path, status: res.status });
      assert.equal(res.status, 404, path);
    }
    const contact = await download(t, s.contactApi.token, `${s.p}/invoice-register?format=csv`);
    assert.equal(contact.status, 403);
    assert.equal(JSON.parse(Buffer.from(contact.bytes).toString()).error.code, 'forbidden');
    const bad = await download(t, s.admin.token, `${s.p}/invoice-register?format=pdf`);
    assert.equal(bad.status, 400);
  });
});
