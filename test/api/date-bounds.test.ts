/**
 * Issue 11, defect 9: dates far in the future (9999-12-31) or that do not exist (2026-02-30) are
 * refused for billing periods, invoice dates, payments and the start of automatic periods — a 400
 * naming the field and saying which date to choose — and nothing is saved. The window is today in
 * the project's time zone, 20 years back and 5 years ahead (src/domain/calendar.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertError, assertOk, billingProject, type BillingSetup } from '../support/billing.ts';
import { changedTables, snapshot } from '../support/db-fingerprint.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
let s: BillingSetup;
let period: { id: string; version: number };
let invoice: { invoice: { id: string; version: number }; lines: { id: string }[] };

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  // 03:00 UTC on 3 November: still 2 November in the project's time zone (America/New_York).
  t.clock.set('2026-11-03T03:00:00Z');
  s = await billingProject(t, []);
  const created = await s.admin.post(`${s.p}/billing-periods`, { startsOn: '2026-11-01', endsOn: '2026-11-30', dueOn: '2026-11-25' });
  assertOk(created, 201);
  period = created.body;
  const c = await approvedCommitment(t, s);
  const made = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
  assertOk(made, 201);
  invoice = made.body;
});
after(() => database.close());

const FAR = /^Choose a date before 2031-11-03: dates can be at most 5 years from today\.$/;

async function refused(send: () => Promise<{ status: number; body: any; headers: Headers }>, field: string, message: RegExp): Promise<void> {
  const before = await snapshot(t.db);
  const res = await send();
  assertError(res, 400, 'validation_failed', field);
  assert.match(res.body.error.message, message);
  assert.deepEqual(changedTables(before, await snapshot(t.db)), [], 'nothing saved');
}

describe('dates far in the future, or that do not exist, are refused', () => {
  test('billing periods: created or changed', async () => {
    await refused(() => s.admin.post(`${s.p}/billing-periods`, { startsOn: '2026-12-01', endsOn: '9999-12-31', dueOn: '2026-12-25' }), 'endsOn', FAR);
    await refused(() => s.admin.post(`${s.p}/billing-periods`, { startsOn: '2026-02-30' }), 'startsOn', /date that exists/);
    await refused(() => s.admin.patch(`${s.p}/billing-periods/${period.id}`, { version: period.version, dueOn: '9999-12-31' }), 'dueOn', FAR);
    await refused(() => s.admin.patch(`${s.p}/billing-periods/${period.id}`, { version: period.version, startsOn: '1999-01-01' }), 'startsOn', /^Choose a date on or after 2006-11-02/);
  });

  test('invoice billing dates: created or changed', async () => {
    const other = await approvedCommitment(t, s);
    await refused(() => s.contactApi.post(`${s.p}/commitments/${other.id}/invoices?view=full`, { billingDate: '9999-12-31' }), 'billingDate', FAR);
    await refused(() => s.contactApi.patch(`${s.p}/invoices/${invoice.invoice.id}`, { version: invoice.invoice.version, periodEnd: '9999-12-31' }), 'periodEnd', FAR);
    await refused(() => s.contactApi.patch(`${s.p}/invoices/${invoice.invoice.id}`, { version: invoice.invoice.version, billingDate: '2026-02-30' }), 'billingDate', /date that exists/);
  });

  test('the start of automatic billing periods', async () => {
    const settings = await s.admin.get(`${s.p}/invoicing-settings`);
    await refused(() => s.admin.patch(`${s.p}/invoicing-settings`, { version: settings.body.version, automaticFrequency: 'monthly', automaticStartsOn: '9999-12-31' }), 'automaticStartsOn', FAR);
  });

  test('payments: 9999-12-31 and 2026-02-30 refused; the last day of the window, in the project’s time zone, accepted', async () => {
    let inv = (await s.contactApi.put(`${s.p}/invoices/${invoice.invoice.id}/lines?view=full`, { version: invoice.invoice.version, lines: [{ lineId: invoice.lines[0]?.id, workCompletedThisPeriodCents: 1_000_00 }] })).body;
    inv = (await s.contactApi.post(`${s.p}/invoices/${invoice.invoice.id}/transitions?view=full`, { action: 'submit', version: inv.invoice.version })).body;
    assertOk(await s.admin.post(`${s.p}/invoices/${invoice.invoice.id}/transitions?view=full`, { action: 'approve', version: inv.invoice.version }));
    const pay = (paidOn: string) => s.admin.post(`${s.p}/invoices/${invoice.invoice.id}/payments`, { amountCents: 10_00, paidOn, method: 'check' });
    await refused(() => pay('9999-12-31'), 'paidOn', FAR);
    await refused(() => pay('2031-11-03'), 'paidOn', FAR);
    await refused(() => pay('2026-02-30'), 'paidOn', /date that exists/);
    const last = await pay('2031-11-02');
    assertOk(last, 201);
    assert.equal(last.body.payments[0].paidOn, '2031-11-02');
  });
});
