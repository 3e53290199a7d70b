/**
 * Two general contractors on one installation (decision 025): each company admin's payapp is their
 * own company's projects — the other GC's projects, commitments, invoices, queue, emails and
 * company settings are invisible to them through the API, in both directions, even by id — while
 * a subcontractor's contact who bills both GCs sees their work on each. Every row written carries
 * the tenant of the project it belongs to. (The authorization matrix runs every operation as
 * another GC's company admin too: test/api/authorization-matrix.test.ts, column oGC.)
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { TENANT_OWNED_TABLES } from '../../src/db/tenant-check.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertError, assertNo5xx, assertOk, billingProject, track, type BillingSetup, type Client, type Seen } from '../support/billing.ts';
import { makeCompany, makeUser, systemAdminOf, unique } from '../support/factories.ts';
import { everyTenant } from '../support/tenants.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
const seen: Seen = [];
afterEach(() => assertNo5xx(seen));

/** One GC's world: its company admin, a project with an approved commitment and a submitted invoice. */
type Side = { tenantId: string; admin: Client; projectId: string; p: string; commitmentId: string; invoiceId: string; title: string };

let a: Side;
let b: Side;
let s: BillingSetup;
let contact: Client;

/** A commitment of the shared subcontractor, invited, invoiced and submitted by the contact. */
async function billedCommitment(admin: Client, p: string, title: string, contractCompanyId: string, contactId: string): Promise<{ commitmentId: string; invoiceId: string }> {
  const created = await admin.post(`${p}/commitments`, { kind: 'subcontract', number: unique('SC'), title, contractCompanyId, invoiceContactIds: [contactId], status: 'approved' });
  assertOk(created, 201);
  const commitmentId: string = created.body.commitment.id;
  assertOk(await admin.put(`${p}/commitments/${commitmentId}/sov`, { version: created.body.commitment.version, lines: [{ description: `${title} work`, scheduledValueCents: 10_000_00 }] }));
  assertOk(await admin.post(`${p}/invites`, { commitmentIds: [commitmentId] }));
  const invoice = await contact.post(`${p}/commitments/${commitmentId}/invoices`, {});
  assertOk(invoice, 201);
  const invoiceId: string = invoice.body.invoice.id;
  assertOk(await contact.post(`${p}/invoices/${invoiceId}/transitions`, { action: 'submit', version: invoice.body.invoice.version }));
  return { commitmentId, invoiceId };
}

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  // GC A: the installation's general contractor (the test factories' system company admin).
  s = await billingProject(t, seen);
  contact = s.contactApi;
  const { gc } = await systemAdminOf(t.db);
  assert.equal(s.project.tenantId, gc.id);
  const aAdmin = track(await t.as((await makeUser(t.db, gc, { name: 'A Admin', isCompanyAdmin: true })).id), seen);
  assertOk(await aAdmin.post(`${s.p}/billing-periods`, {}), 201);
  const aTitle = unique('Alder framing');
  const aBilled = await billedCommitment(aAdmin, s.p, aTitle, s.sub.id, s.contact.id);
  a = { tenantId: s.project.tenantId, admin: aAdmin, projectId: s.project.id, p: s.p, ...aBilled, title: aTitle };

  // GC B: another general contractor, whose company admin creates a project of their own — and
  // takes on the same subcontractor and its contact.
  const gcB = await makeCompany(t.db, 'general_contractor', unique('Birch Builders'));
  const bAdmin = track(await t.as((await makeUser(t.db, gcB, { name: 'B Admin', isCompanyAdmin: true })).id), seen);
  const project = await bAdmin.post('/api/v1/projects', { name: unique('Birch tower'), currency: 'USD', locale: 'en-US', timeZone: 'America/New_York' });
  assertOk(project, 201);
  const bp = `/api/v1/projects/${project.body.id}`;
  assertOk(await bAdmin.put(`${bp}/directory/users/${s.contact.id}`, { commitmentsPermission: 'read_only' }), 204);
  assertOk(await bAdmin.post(`${bp}/billing-periods`, {}), 201);
  const bTitle = unique('Birch drywall');
  const bBilled = await billedCommitment(bAdmin, bp, bTitle, s.sub.id, s.contact.id);
  b = { tenantId: gcB.id, admin: bAdmin, projectId: project.body.id, p: bp, ...bBilled, title: bTitle };
});
after(() => database.close());

describe("a company admin of one general contractor and the other's data", () => {
  for (const [who, mine, theirs] of [
    ['A', () => a, () => b],
    ['B', () => b, () => a],
  ] as const) {
    test(`${who}'s company admin lists only their own company's projects`, async () => {
      const list = await mine().admin.get('/api/v1/projects');
      assertOk(list);
      const ids = (list.body.data as { id: string }[]).map((p) => p.id);
      assert.ok(ids.includes(mine().projectId));
      assert.ok(!ids.includes(theirs().projectId), "the other GC's project is not listed");
      assert.ok(!JSON.stringify(list.body).includes(theirs().title));
    });

    test(`${who}'s company admin gets 404 for everything under the other GC's project`, async () => {
      const other = theirs();
      const admin = mine().admin;
      for (const path of [
        other.p,
        `${other.p}/commitments`,
        `${other.p}/commitments/${other.commitmentId}`,
        `${other.p}/commitments/${other.commitmentId}/sov`,
        `${other.p}/invoices`,
        `${other.p}/invoices/${other.invoiceId}`,
        `${other.p}/billing-board`,
        `${other.p}/billing-periods`,
        `${other.p}/directory`,
        `${other.p}/emails`,
        `${other.p}/audit`,
      ]) {
        const res = await admin.get(path);
        assertError(res, 404, 'not_found');
        assert.ok(!JSON.stringify(res.body).includes(other.title), path);
      }
      assertError(await admin.patch(other.p, { name: 'Taken over' }), 404, 'not_found');
      assertError(await admin.post(`${other.p}/invoices/${other.invoiceId}/transitions`, { action: 'approve', version: 3 }), 404, 'not_found');
      assertError(await admin.post(`${other.p}/billing-periods`, {}), 404, 'not_found');
    });

    test(`${who}'s company admin cannot reach the other GC's rows through their own project's ids either`, async () => {
      const own = mine();
      const other = theirs();
      assertError(await own.admin.get(`${own.p}/commitments/${other.commitmentId}`), 404, 'not_found');
      assertError(await own.admin.get(`${own.p}/invoices/${other.invoiceId}`), 404, 'not_found');
      assertError(await own.admin.post(`${own.p}/invoices/${other.invoiceId}/transitions`, { action: 'approve', version: 3 }), 404, 'not_found');
    });

    test(`${who}'s company admin's queue and email hold nothing of the other GC`, async () => {
      const attention = await mine().admin.get('/api/v1/me/attention');
      assertOk(attention);
      const text = JSON.stringify(attention.body);
      assert.ok(text.includes(mine().title), 'their own invoice under review is in the queue');
      assert.ok(!text.includes(theirs().title), "the other GC's invoice is not");
      const emails = await mine().admin.get('/api/v1/emails?limit=500');
      assertOk(emails);
      const listed = new Set((emails.body.data as { id: number }[]).map((m) => m.id));
      const idsOf = async (projectId: string) =>
        (await t.db.selectFrom('emailMessages').select('id').where('projectId', '=', projectId).execute()).map((m) => Number(m.id));
      const own = await idsOf(mine().projectId);
      assert.ok(own.length > 0 && own.every((id) => listed.has(id)), 'their own project’s email is listed');
      assert.deepEqual((await idsOf(theirs().projectId)).filter((id) => listed.has(id)), [], "the other GC's email is not");
    });
  }

  test("company settings are each GC's own", async () => {
    assertOk(await a.admin.patch('/api/v1/company-settings', { preventOverbillingAllProjects: true }));
    assert.equal((await a.admin.get('/api/v1/company-settings')).body.preventOverbillingAllProjects, true);
    assert.equal((await b.admin.get('/api/v1/company-settings')).body.preventOverbillingAllProjects, false, "A's lock does not bind B");
    const settingsB = await b.admin.get(`${b.p}/invoicing-settings`);
    assertOk(settingsB);
    assertOk(await b.admin.patch(`${b.p}/invoicing-settings`, { version: settingsB.body.version, allowOverbilling: true }), 200);
    assertOk(await a.admin.patch('/api/v1/company-settings', { preventOverbillingAllProjects: false }));
  });
});

describe('a contact who bills both general contractors', () => {
  test('sees their work on each, and each project through its own directory', async () => {
    const work = await contact.get('/api/v1/me/work');
    assertOk(work);
    const commitments = (work.body.data as { commitmentId: string }[]).map((w) => w.commitmentId);
    assert.ok(commitments.includes(a.commitmentId) && commitments.includes(b.commitmentId), 'both commitments are on their list');
    assertOk(await contact.get(`${a.p}/invoices/${a.invoiceId}`));
    assertOk(await contact.get(`${b.p}/invoices/${b.invoiceId}`));
    const projects = ((await contact.get('/api/v1/projects')).body.data as { id: string }[]).map((p) => p.id);
    assert.ok(projects.includes(a.projectId) && projects.includes(b.projectId));
  });
});

test("every row under a project carries that project's tenant", async () => {
  const wrong: string[] = [];
  for (const table of TENANT_OWNED_TABLES) {
    if (table === 'company_settings') continue;
    const column = table === 'projects' ? 'id' : 'project_id';
    // Tables without project_id reach the project through their parent: checked against the parent's tenant.
    const via: Record<string, [string, string]> = {
      commitment_private_users: ['commitments', 'commitment_id'],
      commitment_invoice_contacts: ['commitments', 'commitment_id'],
      commitment_retainage_rules: ['commitments', 'commitment_id'],
      sov_lines: ['commitments', 'commitment_id'],
      change_orders: ['commitments', 'commitment_id'],
      ssovs: ['commitments', 'commitment_id'],
      ssov_lines: ['commitments', 'commitment_id'],
      change_order_lines: ['change_orders', 'change_order_id'],
      invoice_lines: ['invoices', 'invoice_id'],
      invoice_summaries: ['invoices', 'invoice_id'],
      invoice_attachments: ['invoices', 'invoice_id'],
      invoice_submissions: ['invoices', 'invoice_id'],
      invoice_submission_lines: ['invoice_submissions', 'submission_id'],
      payment_attachments: ['payments', 'payment_id'],
    };
    const parent = via[table];
    const statement = parent
      ? sql.raw(`select count(*)::int as n from ${table} r join ${parent[0]} x on x.id = r.${parent[1]} where x.tenant_id <> r.tenant_id`)
      : sql.raw(`select count(*)::int as n from ${table} r join projects x on x.id = r.${column} where x.tenant_id <> r.tenant_id`);
    const rows = await sql<{ n: number }>`${statement} ${everyTenant}`.execute(t.db);
    if (Number(rows.rows[0]?.n) > 0) wrong.push(`${table}: ${rows.rows[0]?.n}`);
  }
  assert.deepEqual(wrong, []);
  const byTenant = await t.db.selectFrom('invoices').select(['tenantId', 'projectId']).where('id', 'in', [a.invoiceId, b.invoiceId]).modifyEnd(everyTenant).execute();
  assert.deepEqual(new Map(byTenant.map((r) => [r.projectId, r.tenantId])), new Map([[a.projectId, a.tenantId], [b.projectId, b.tenantId]]));
});
