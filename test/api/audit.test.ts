/**
 * Issue 2, the audit log: every write of the issue leaves an entry (who, what, when, before/after),
 * readable by Admins on Commitments through GET /api/v1/projects/{p}/audit — and refused writes
 * leave none.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Company, User } from '../../src/domain/directory.ts';
import type { Project } from '../../src/domain/project.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { addToProject, makeCompany, makeProject, makeUser, systemAdminOf, unique } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

type Client = Awaited<ReturnType<TestApp['as']>>;
type Entry = {
  id: number;
  occurredAt: string;
  actorUserId: string | null;
  actorName: string | null;
  entityType: string;
  entityId: string;
  action: string;
  before: any;
  after: any;
};

let database: TestDatabase;
let t: TestApp;
let project: Project;
let subA: Company;
let subB: Company;
let adminUser: User;
let admin: Client;
let contact: User;
let other: User;

const base = () => `/api/v1/projects/${project.id}`;
const cpath = (id: string, rest = '') => `${base()}/commitments/${id}${rest}`;

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  const { gc } = await systemAdminOf(t.db);
  project = await makeProject(t.db);
  subA = await makeCompany(t.db, 'subcontractor', unique('SubA'));
  subB = await makeCompany(t.db, 'subcontractor', unique('SubB'));
  adminUser = await makeUser(t.db, gc, { name: 'Audrey Admin' });
  await addToProject(t.db, project, adminUser, 'admin');
  admin = await t.as(adminUser.id);
  contact = await makeUser(t.db, subA, { name: 'Cory Contact' });
  other = await makeUser(t.db, subA, { name: 'Olive Other' });
  await addToProject(t.db, project, contact, 'read_only');
  await addToProject(t.db, project, other, 'read_only');
  assert.equal((await admin.put(`${base()}/directory/companies/${subB.id}`)).status, 204);
});
after(() => database.close());

async function audit(query: Record<string, string> = {}): Promise<Entry[]> {
  const res = await admin.get(`${base()}/audit?${new URLSearchParams({ limit: '500', ...query })}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
}

/** The entries of one entity, oldest first. */
async function history(entityType: string, entityId: string): Promise<Entry[]> {
  return (await audit({ entityType, entityId })).reverse();
}

/** Moves the clock, so each write has its own, checkable time. */
function tick(): string {
  t.clock.advance(61_000);
  return t.clock.now().toISOString();
}

function assertBy(entry: Entry | undefined, action: string, at: string): asserts entry is Entry {
  assert.ok(entry, `an entry for ${action}`);
  assert.equal(entry.action, action);
  assert.equal(entry.actorUserId, adminUser.id);
  assert.equal(entry.actorName, adminUser.name);
  assert.equal(entry.occurredAt, at);
}

async function createCommitment(body: Record<string, unknown> = {}) {
  const res = await admin.post(`${base()}/commitments`, {
    kind: 'subcontract',
    number: unique('SC'),
    title: 'Drywall',
    contractCompanyId: subA.id,
    invoiceContactIds: [],
    ...body,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.commitment as { id: string; number: string; version: number };
}

describe('every write leaves an entry', () => {
  test('commitment create and update, with before and after', async () => {
    const at = tick();
    const c = await createCommitment({ invoiceContactIds: [contact.id], retainageWorkBp: 1000 });
    const [created] = await history('commitment', c.id);
    assertBy(created, 'create', at);
    assert.equal(created.before, null);
    assert.equal(created.after.number, c.number);
    assert.equal(created.after.title, 'Drywall');
    assert.equal(created.after.retainageWorkBp, 1000);
    assert.equal(created.after.isPrivate, true);
    assert.deepEqual(created.after.invoiceContactIds, [contact.id], 'contacts set at creation are recorded');

    const at2 = tick();
    const res = await admin.patch(cpath(c.id), { version: c.version, title: 'Drywall and paint', isPrivate: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const entries = await history('commitment', c.id);
    assert.equal(entries.length, 2);
    const updated = entries[1];
    assertBy(updated, 'update', at2);
    assert.equal(updated.before.title, 'Drywall');
    assert.equal(updated.after.title, 'Drywall and paint');
    assert.equal(updated.before.isPrivate, true);
    assert.equal(updated.after.isPrivate, false);
    assert.equal(updated.before.version, 1);
    assert.equal(updated.after.version, 2);
  });

  test('changing the contract company with removeMismatchedContacts records the removed contacts', async () => {
    const c = await createCommitment({ invoiceContactIds: [contact.id] });
    const at = tick();
    const res = await admin.patch(cpath(c.id), { version: c.version, contractCompanyId: subB.id, removeMismatchedContacts: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const last = (await history('commitment', c.id)).at(-1);
    assertBy(last, 'update', at);
    assert.equal(last.before.contractCompanyId, subA.id);
    assert.equal(last.after.contractCompanyId, subB.id);
    assert.deepEqual(last.after.removedInvoiceContactIds, [contact.id]);
  });

  test('invoice contact add and remove', async () => {
    const c = await createCommitment();
    const atAdd = tick();
    assert.equal((await admin.post(cpath(c.id, '/invoice-contacts'), { userId: contact.id })).status, 200);
    // Adding the same person again changes nothing, and logs nothing.
    assert.equal((await admin.post(cpath(c.id, '/invoice-contacts'), { userId: contact.id })).status, 200);
    const atRemove = tick();
    assert.equal((await admin.delete(cpath(c.id, `/invoice-contacts/${contact.id}`))).status, 200);
    const entries = (await history('commitment', c.id)).slice(1);
    assert.deepEqual(
      entries.map((e) => e.action),
      ['add_invoice_contact', 'remove_invoice_contact'],
    );
    assertBy(entries[0], 'add_invoice_contact', atAdd);
    assert.equal(entries[0].after.userId, contact.id);
    assert.equal(entries[0].after.name, contact.name);
    assertBy(entries[1], 'remove_invoice_contact', atRemove);
    assert.equal(entries[1].before.userId, contact.id);
  });

  test('private list add and remove', async () => {
    const c = await createCommitment();
    const atAdd = tick();
    assert.equal((await admin.post(cpath(c.id, '/private-list'), { userId: other.id })).status, 200);
    const atRemove = tick();
    assert.equal((await admin.delete(cpath(c.id, `/private-list/${other.id}`))).status, 200);
    const entries = (await history('commitment', c.id)).slice(1);
    assert.deepEqual(
      entries.map((e) => e.action),
      ['add_private_list_user', 'remove_private_list_user'],
    );
    assertBy(entries[0], 'add_private_list_user', atAdd);
    assert.equal(entries[0].after.userId, other.id);
    assertBy(entries[1], 'remove_private_list_user', atRemove);
    assert.equal(entries[1].before.userId, other.id);
  });

  test('SOV changes: whole-SOV save, and line add, change, delete', async () => {
    const c = await createCommitment();
    const atReplace = tick();
    const put = await admin.put(cpath(c.id, '/sov'), {
      version: c.version,
      lines: [
        { description: 'Studs', scheduledValueCents: 1_000 },
        { description: 'Board', scheduledValueCents: 2_000 },
      ],
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const replace = (await history('commitment', c.id)).at(-1);
    assertBy(replace, 'replace_sov', atReplace);
    assert.deepEqual(replace.before, []);
    assert.deepEqual(
      replace.after.map((l: { description: string; scheduledValueCents: number }) => [l.description, l.scheduledValueCents]),
      [
        ['Studs', 1_000],
        ['Board', 2_000],
      ],
    );

    const atAdd = tick();
    const added = await admin.post(cpath(c.id, '/sov/lines'), { description: 'Tape', scheduledValueCents: 300 });
    assert.equal(added.status, 201);
    const lineId = added.body.id as string;
    const atChange = tick();
    assert.equal((await admin.patch(cpath(c.id, `/sov/lines/${lineId}`), { scheduledValueCents: 350 })).status, 200);
    const atDelete = tick();
    assert.equal((await admin.delete(cpath(c.id, `/sov/lines/${lineId}`))).status, 204);

    const entries = await history('sov_line', lineId);
    assert.deepEqual(
      entries.map((e) => e.action),
      ['create', 'update', 'delete'],
    );
    assertBy(entries[0], 'create', atAdd);
    assert.equal(entries[0].after.scheduledValueCents, 300);
    assertBy(entries[1], 'update', atChange);
    assert.equal(entries[1].before.scheduledValueCents, 300);
    assert.equal(entries[1].after.scheduledValueCents, 350);
    assertBy(entries[2], 'delete', atDelete);
    assert.equal(entries[2].before.description, 'Tape');
    assert.equal(entries[2].after, null);
  });

  test('change order create, edit and status changes', async () => {
    const c = await createCommitment();
    const atCreate = tick();
    const co = await admin.post(cpath(c.id, '/change-orders'), {
      number: 'CO-1',
      title: 'Extra',
      lines: [{ description: 'Wall', amountCents: 500 }],
    });
    assert.equal(co.status, 201, JSON.stringify(co.body));
    const copath = cpath(c.id, `/change-orders/${co.body.id}`);
    const atEdit = tick();
    assert.equal((await admin.patch(copath, { version: 1, lines: [{ description: 'Wall', amountCents: 700 }] })).status, 200);
    const atPending = tick();
    assert.equal((await admin.patch(copath, { version: 2, status: 'pending' })).status, 200);
    const atApproved = tick();
    assert.equal((await admin.patch(copath, { version: 3, status: 'approved' })).status, 200);

    const entries = await history('change_order', co.body.id);
    assert.deepEqual(
      entries.map((e) => e.action),
      ['create', 'update', 'status_pending', 'status_approved'],
    );
    assertBy(entries[0], 'create', atCreate);
    assert.equal(entries[0].after.number, 'CO-1');
    assert.equal(entries[0].after.status, 'draft');
    assertBy(entries[1], 'update', atEdit);
    assert.equal(entries[1].before.lines[0].amountCents, 500);
    assert.equal(entries[1].after.lines[0].amountCents, 700);
    assertBy(entries[2], 'status_pending', atPending);
    assert.equal(entries[2].before.status, 'draft');
    assert.equal(entries[2].after.status, 'pending');
    assertBy(entries[3], 'status_approved', atApproved);
    assert.equal(entries[3].before.status, 'pending');
    assert.equal(entries[3].after.status, 'approved');
  });

  test('project directory: companies and people added, re-levelled and removed', async () => {
    const company = await makeCompany(t.db, 'supplier', unique('Supplier'));
    const person = await makeUser(t.db, company, { name: 'Pat Person' });
    const lateCompany = await makeCompany(t.db, 'subcontractor', unique('Late'));
    const latePerson = await makeUser(t.db, lateCompany, { name: 'Lee Late' });

    const atCompany = tick();
    assert.equal((await admin.put(`${base()}/directory/companies/${company.id}`)).status, 204);
    const atAdd = tick();
    assert.equal((await admin.put(`${base()}/directory/users/${person.id}`, { commitmentsPermission: 'read_only' })).status, 204);
    const atChange = tick();
    assert.equal((await admin.put(`${base()}/directory/users/${person.id}`, { commitmentsPermission: 'standard' })).status, 204);
    // The same level again is not a change.
    assert.equal((await admin.put(`${base()}/directory/users/${person.id}`, { commitmentsPermission: 'standard' })).status, 204);
    const atRemove = tick();
    assert.equal((await admin.delete(`${base()}/directory/users/${person.id}`)).status, 204);
    const atCompanyRemove = tick();
    assert.equal((await admin.delete(`${base()}/directory/companies/${company.id}`)).status, 204);

    const companyEntries = await history('project_company', company.id);
    assert.deepEqual(
      companyEntries.map((e) => e.action),
      ['add', 'remove'],
    );
    assertBy(companyEntries[0], 'add', atCompany);
    assert.equal(companyEntries[0].after.name, company.name);
    assertBy(companyEntries[1], 'remove', atCompanyRemove);

    const personEntries = await history('project_user', person.id);
    assert.deepEqual(
      personEntries.map((e) => e.action),
      ['add', 'change_permission', 'remove'],
    );
    assertBy(personEntries[0], 'add', atAdd);
    assert.deepEqual(personEntries[0].after, { commitmentsPermission: 'read_only' });
    assertBy(personEntries[1], 'change_permission', atChange);
    assert.deepEqual(personEntries[1].before, { commitmentsPermission: 'read_only' });
    assert.deepEqual(personEntries[1].after, { commitmentsPermission: 'standard' });
    assertBy(personEntries[2], 'remove', atRemove);
    assert.deepEqual(personEntries[2].before, { commitmentsPermission: 'standard' });

    // Adding a person whose company is not on the project brings the company in: that is logged too.
    const atLate = tick();
    assert.equal((await admin.put(`${base()}/directory/users/${latePerson.id}`, { commitmentsPermission: 'read_only' })).status, 204);
    const lateCompanyEntries = await history('project_company', lateCompany.id);
    assert.deepEqual(
      lateCompanyEntries.map((e) => e.action),
      ['add'],
    );
    assertBy(lateCompanyEntries[0], 'add', atLate);
    assert.equal(lateCompanyEntries[0].after.companyId, lateCompany.id);
  });
});

describe('refused writes leave no entry', () => {
  test('a stale version, an ineligible contact, a non-admin and a duplicate number change nothing and log nothing', async () => {
    const c = await createCommitment();
    const standard = await makeUser(t.db, (await systemAdminOf(t.db)).gc);
    await addToProject(t.db, project, standard, 'standard');
    const countBefore = (await audit()).length;

    const stale = await admin.patch(cpath(c.id), { version: c.version + 5, title: 'Stale' });
    assert.equal(stale.status, 409);
    const outsiderOfCompany = await admin.post(cpath(c.id, '/invoice-contacts'), { userId: standard.id });
    assert.equal(outsiderOfCompany.status, 422);
    const asStandard = await t.as(standard.id);
    const forbidden = await asStandard.post(`${base()}/commitments`, { kind: 'subcontract', number: unique('SC'), title: 'x' });
    assert.equal(forbidden.status, 403);
    const duplicate = await admin.post(`${base()}/commitments`, { kind: 'subcontract', number: c.number, title: 'x' });
    assert.equal(duplicate.status, 409);
    const invalid = await admin.put(cpath(c.id, '/sov'), { version: c.version, lines: [{ description: 'x', scheduledValueCents: -1 }] });
    assert.equal(invalid.status, 400);
    const lowerSelf = await admin.delete(`${base()}/directory/users/${adminUser.id}`);
    assert.equal(lowerSelf.status, 422);

    assert.equal((await audit()).length, countBefore, 'no audit entry for refused writes');
  });
});

describe('reading the audit log', () => {
  test('filters by entity type and id, newest first, and pages with before/limit', async () => {
    const c = await createCommitment();
    for (const title of ['One', 'Two', 'Three']) {
      const current = (await admin.get(cpath(c.id))).body.commitment.version;
      assert.equal((await admin.patch(cpath(c.id), { version: current, title })).status, 200);
    }
    const all = await audit({ entityType: 'commitment', entityId: c.id });
    assert.deepEqual(
      all.map((e) => e.action),
      ['update', 'update', 'update', 'create'],
    );
    assert.deepEqual(
      all.map((e) => e.after.title),
      ['Three', 'Two', 'One', 'Drywall'],
    );
    const ids = all.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');

    const byType = await audit({ entityType: 'sov_line' });
    assert.ok(byType.length > 0);
    assert.ok(byType.every((e) => e.entityType === 'sov_line'));

    const page1 = await audit({ entityType: 'commitment', entityId: c.id, limit: '2' });
    assert.deepEqual(page1.map((e) => e.id), ids.slice(0, 2));
    const page2 = await audit({ entityType: 'commitment', entityId: c.id, limit: '2', before: String(page1.at(-1)!.id) });
    assert.deepEqual(page2.map((e) => e.id), ids.slice(2, 4));
  });

  test("one project's audit log does not show another project's writes", async () => {
    const { admin: sysAdmin } = await systemAdminOf(t.db);
    const otherProject = await makeProject(t.db);
    const sys = await t.as(sysAdmin.id);
    const elsewhere = await sys.post(`/api/v1/projects/${otherProject.id}/commitments`, { kind: 'subcontract', number: 'ELSEWHERE', title: 'x' });
    assert.equal(elsewhere.status, 201);
    const here = await audit({ entityId: elsewhere.body.commitment.id });
    assert.deepEqual(here, []);
    const there = await sys.get(`/api/v1/projects/${otherProject.id}/audit?entityId=${elsewhere.body.commitment.id}`);
    assert.equal(there.status, 200);
    assert.deepEqual(
      there.body.data.map((e: Entry) => e.action),
      ['create'],
    );
    assert.equal(there.body.data[0].actorUserId, sysAdmin.id);
  });

  test('is for Admins on Commitments only: 403 for Standard, Read Only and None; 404 outside the project', async () => {
    const { gc } = await systemAdminOf(t.db);
    const path = `${base()}/audit`;
    for (const level of ['standard', 'read_only', 'none'] as const) {
      const user = await makeUser(t.db, gc);
      await addToProject(t.db, project, user, level);
      const res = await (await t.as(user.id)).get(path);
      assert.equal(res.status, 403, `${level}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'forbidden');
      assert.equal(res.body.data, undefined);
    }
    // An invoice contact is no admin either.
    assert.equal((await (await t.as(contact.id)).get(path)).status, 403);
    const stranger = await makeUser(t.db, subB);
    const notMember = await (await t.as(stranger.id)).get(path);
    assert.equal(notMember.status, 404);
    assert.equal(notMember.body.error.code, 'not_found');
    // A company admin, even outside the project directory, reads it.
    const companyAdmin = await makeUser(t.db, gc, { isCompanyAdmin: true });
    assert.equal((await (await t.as(companyAdmin.id)).get(path)).status, 200);
  });
});
