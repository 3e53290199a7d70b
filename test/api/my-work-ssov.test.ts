/**
 * The invoice contact's "needs your action" list (GET /me/work) and the Subcontractor SOV: a
 * commitment whose SSOV is enabled asks the contact to break down its schedule of values while it
 * is Draft (also before it was ever saved), to fix it once sent back (Revise & Resubmit), and
 * nothing while it is under review or approved — then billing takes over (create the invoice).
 * A commitment without an SSOV says so (`ssov: null`) and never asks for one.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertNo5xx, assertOk, billingProject, type BillingSetup, type Seen } from '../support/billing.ts';
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

type WorkItem = {
  commitmentId: string;
  commitmentNumber: string;
  actions: string[];
  ssov: { status: string; statusLabel: string } | null;
  billing: { canCreateInvoice: boolean };
};

async function myWork(s: BillingSetup): Promise<WorkItem[]> {
  const res = await s.contactApi.get('/api/v1/me/work');
  assertOk(res);
  return res.body.data as WorkItem[];
}

async function itemOf(s: BillingSetup, c: Commitment): Promise<WorkItem> {
  const item = (await myWork(s)).find((i) => i.commitmentId === c.id);
  assert.ok(item, `${c.number} is on My work`);
  return item;
}

const ssovPath = (s: BillingSetup, c: Commitment, rest = '') => `${s.p}/commitments/${c.id}/ssov${rest}`;

describe('My work and the Subcontractor SOV', () => {
  let s: BillingSetup;
  let withSsov: Commitment;
  let plain: Commitment;
  let version: number;
  let sovLineIds: string[];

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    // SOV: 1 "Line 1" 10,000.00 · 2 "Line 2" 5,000.00.
    withSsov = await approvedCommitment(t, s, { number: 'SC-SSOV', ssovEnabled: true });
    plain = await approvedCommitment(t, s, { number: 'SC-PLAIN' });
  });

  test('an SSOV never saved reads as Draft: the contact is asked to break down the schedule of values, first', async () => {
    const items = await myWork(s);
    const item = items.find((i) => i.commitmentId === withSsov.id);
    assert.ok(item);
    assert.deepEqual(item.ssov, { status: 'draft', statusLabel: 'Draft' });
    assert.deepEqual(item.actions, ['fill_ssov']);
    const other = items.find((i) => i.commitmentId === plain.id);
    assert.ok(other);
    assert.equal(other.ssov, null);
    assert.deepEqual(other.actions, [], 'no open period yet: nothing to do on the commitment without an SSOV');
    assert.equal(items[0]?.commitmentId, withSsov.id, 'what needs action comes first');
  });

  test('with an open period the SSOV is still what to do: billing waits for its approval', async () => {
    assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
    const item = await itemOf(s, withSsov);
    assert.deepEqual(item.actions, ['fill_ssov']);
    assert.equal(item.billing.canCreateInvoice, false);
    assert.deepEqual((await itemOf(s, plain)).actions, ['create_invoice']);
  });

  test('saving a partial breakdown keeps it to fill in; submitted, it needs nothing from the contact', async () => {
    const read = await s.contactApi.get(ssovPath(s, withSsov));
    assertOk(read);
    sovLineIds = read.body.sovLines.map((g: { sovLineId: string }) => g.sovLineId);
    const [line1, line2] = sovLineIds as [string, string];
    const partial = await s.contactApi.put(ssovPath(s, withSsov), {
      version: read.body.version,
      lines: [{ sovLineId: line1, description: 'Crew', amountCents: 4_000_00 }],
    });
    assertOk(partial);
    assert.deepEqual((await itemOf(s, withSsov)).actions, ['fill_ssov']);

    const full = await s.contactApi.put(ssovPath(s, withSsov), {
      version: partial.body.version,
      lines: [
        { id: partial.body.sovLines[0].lines[0].id, sovLineId: line1, description: 'Crew', amountCents: 4_000_00 },
        { sovLineId: line1, description: 'Materials', amountCents: 6_000_00 },
        { sovLineId: line2, description: 'Cleanup', amountCents: 5_000_00 },
      ],
    });
    assertOk(full);
    const submitted = await s.contactApi.post(ssovPath(s, withSsov, '/submit'), { version: full.body.version });
    assertOk(submitted);
    version = submitted.body.version;
    const item = await itemOf(s, withSsov);
    assert.deepEqual(item.ssov, { status: 'under_review', statusLabel: 'Under Review' });
    assert.deepEqual(item.actions, []);
  });

  test('sent back, it is the contact’s to fix; approved, the contact creates the invoice', async () => {
    const back = await s.admin.post(ssovPath(s, withSsov, '/send-back'), { version, reason: 'Split the materials by supplier.' });
    assertOk(back);
    let item = await itemOf(s, withSsov);
    assert.deepEqual(item.ssov, { status: 'revise_and_resubmit', statusLabel: 'Revise & Resubmit' });
    assert.deepEqual(item.actions, ['fix_ssov']);

    const resubmitted = await s.contactApi.post(ssovPath(s, withSsov, '/submit'), { version: back.body.version });
    assertOk(resubmitted);
    assertOk(await s.admin.post(ssovPath(s, withSsov, '/approve'), { version: resubmitted.body.version }));
    item = await itemOf(s, withSsov);
    assert.deepEqual(item.ssov, { status: 'approved', statusLabel: 'Approved' });
    assert.deepEqual(item.actions, ['create_invoice']);
    assert.equal(item.billing.canCreateInvoice, true);
  });

  test('commitments the person is not a contact on are not on their list, SSOV or not', async () => {
    const others = await makeCommitment(t.db, s.project, { contractCompanyId: s.sub.id, invoiceContactIds: [], status: 'approved', ssovEnabled: true, sov: [1_000_00] });
    assert.equal((await myWork(s)).some((i) => i.commitmentId === others.id), false);
    const admin = await s.admin.get('/api/v1/me/work');
    assertOk(admin);
    assert.deepEqual(admin.body.data, [], 'administrators who are no contact have nothing here');
  });
});
