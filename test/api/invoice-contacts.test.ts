/**
 * Issue 2, invoice contacts: who can be one, what designating one does to the private list, how
 * the contract company and contacts stay consistent, and the company's default invoice contact —
 * all through the HTTP API.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Company, User } from '../../src/domain/directory.ts';
import type { Project } from '../../src/domain/project.ts';
import { createTestApp, type ApiResponse, type TestApp } from '../support/api.ts';
import { addToProject, makeCompany, makeProject, makeUser, systemAdminOf, unique } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

type Client = Awaited<ReturnType<TestApp['as']>>;

let database: TestDatabase;
let t: TestApp;
let admin: Client;
let project: Project;
let subA: Company;
let subB: Company;
let subOutside: Company;
/** SubA people, each failing exactly one eligibility condition (or none). */
let a1: User; // Read Only — eligible
let a2: User; // Standard — eligible
let aInactive: User; // Read Only, deactivated
let aOutsideProject: User; // not in the project directory
let aNone: User; // in the directory with None
let b1: User; // SubB, Read Only
let gcStandard: User;

const base = () => `/api/v1/projects/${project.id}`;
const cpath = (id: string, rest = '') => `${base()}/commitments/${id}${rest}`;

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  const sys = await systemAdminOf(t.db);
  admin = await t.as(sys.admin.id);
  project = await makeProject(t.db);
  subA = await makeCompany(t.db, 'subcontractor', unique('SubA'));
  subB = await makeCompany(t.db, 'subcontractor', unique('SubB'));
  subOutside = await makeCompany(t.db, 'subcontractor', unique('NotOnProject'));
  a1 = await makeUser(t.db, subA, { name: 'Alice Able' });
  a2 = await makeUser(t.db, subA, { name: 'Arturo Standard' });
  aInactive = await makeUser(t.db, subA, { name: 'Ina Inactive' });
  aOutsideProject = await makeUser(t.db, subA, { name: 'Otto Outside' });
  aNone = await makeUser(t.db, subA, { name: 'Nora None' });
  b1 = await makeUser(t.db, subB, { name: 'Bea Other' });
  gcStandard = await makeUser(t.db, sys.gc, { name: 'Gus Standard' });
  await addToProject(t.db, project, a1, 'read_only');
  await addToProject(t.db, project, a2, 'standard');
  await addToProject(t.db, project, aInactive, 'read_only');
  await addToProject(t.db, project, aNone, 'none');
  await addToProject(t.db, project, b1, 'read_only');
  await addToProject(t.db, project, gcStandard, 'standard');
  const deactivate = await admin.patch(`/api/v1/users/${aInactive.id}`, { isActive: false });
  assert.equal(deactivate.status, 200, JSON.stringify(deactivate.body));
});
after(() => database.close());

/** Creates a commitment as the admin and returns its detail. */
async function create(body: Record<string, unknown> = {}) {
  const res = await admin.post(`${base()}/commitments`, {
    kind: 'subcontract',
    number: unique('SC'),
    title: 'Framing',
    contractCompanyId: subA.id,
    invoiceContactIds: [],
    ...body,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function detail(id: string) {
  const res = await admin.get(cpath(id));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

const contactIds = (d: { invoiceContacts: { userId: string }[] }) => d.invoiceContacts.map((c) => c.userId).sort();
const privateList = (d: { privateList: { userId: string; isExplicit: boolean; isInvoiceContact: boolean }[] }) =>
  d.privateList
    .map((e) => ({ userId: e.userId, isExplicit: e.isExplicit, isInvoiceContact: e.isInvoiceContact }))
    .sort((a, b) => a.userId.localeCompare(b.userId));

function assertError(res: ApiResponse, status: number, code: string, field?: string) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, code, JSON.stringify(res.body));
  assert.equal(typeof res.body.error.message, 'string');
  if (field !== undefined) assert.equal(res.body.error.field, field, JSON.stringify(res.body));
}

describe('who can be an invoice contact', () => {
  test('a contract company must be chosen before any invoice contact', async () => {
    const c = await create({ contractCompanyId: null });
    const res = await admin.post(cpath(c.commitment.id, '/invoice-contacts'), { userId: a1.id });
    assertError(res, 422, 'contract_company_required', 'userId');
    assert.deepEqual((await detail(c.commitment.id)).invoiceContacts, []);

    // At creation too: nothing is created.
    const number = unique('SC');
    const refused = await admin.post(`${base()}/commitments`, {
      kind: 'subcontract',
      number,
      title: 'No company yet',
      invoiceContactIds: [a1.id],
    });
    assertError(refused, 422, 'contract_company_required', 'invoiceContactIds.0');
    const list = await admin.get(`${base()}/commitments?search=${number}`);
    assert.equal(list.body.total, 0, 'a refused create leaves no commitment behind');
  });

  const INELIGIBLE: { who: () => User; code: string; mentions: RegExp }[] = [
    { who: () => b1, code: 'contact_not_employee', mentions: /not an employee of the contract company/ },
    { who: () => aInactive, code: 'contact_inactive', mentions: /inactive/ },
    { who: () => aOutsideProject, code: 'contact_not_in_project_directory', mentions: /not in this project's directory/ },
    { who: () => aNone, code: 'contact_permission_too_low', mentions: /Read Only/ },
  ];
  for (const { who, code, mentions } of INELIGIBLE) {
    test(`refused with ${code}, naming the person and the field`, async () => {
      const c = await create();
      const person = who();
      const res = await admin.post(cpath(c.commitment.id, '/invoice-contacts'), { userId: person.id });
      assertError(res, 422, code, 'userId');
      assert.match(res.body.error.message, new RegExp(person.name));
      assert.match(res.body.error.message, mentions);
      const after = await detail(c.commitment.id);
      assert.deepEqual(after.invoiceContacts, []);
      assert.deepEqual(after.privateList, []);
      assert.equal(after.commitment.version, c.commitment.version);

      const number = unique('SC');
      const atCreate = await admin.post(`${base()}/commitments`, {
        kind: 'subcontract',
        number,
        title: 'x',
        contractCompanyId: subA.id,
        invoiceContactIds: [a1.id, person.id],
      });
      assertError(atCreate, 422, code, 'invoiceContactIds.1');
      assert.equal((await admin.get(`${base()}/commitments?search=${number}`)).body.total, 0);
    });
  }

  test('an unknown person is 404, not a 500', async () => {
    const c = await create();
    assertError(await admin.post(cpath(c.commitment.id, '/invoice-contacts'), { userId: randomUUID() }), 404, 'not_found');
    assertError(await admin.post(cpath(c.commitment.id, '/invoice-contacts'), { userId: 'nope' }), 400, 'validation_failed', 'userId');
  });

  test('an eligible contact is added, joins the private list, and can then see the commitment and its SOV', async () => {
    const c = await create();
    const id = c.commitment.id;
    assert.equal((await t.as(a1.id).then((api) => api.get(cpath(id)))).status, 404);
    const res = await admin.post(cpath(id, '/invoice-contacts'), { userId: a1.id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(contactIds(res.body), [a1.id]);
    assert.deepEqual(privateList(res.body), [{ userId: a1.id, isExplicit: false, isInvoiceContact: true }]);
    assert.equal(res.body.invoiceContacts[0].name, a1.name);
    assert.equal(res.body.invoiceContacts[0].companyId, subA.id);

    // A Standard employee is eligible too.
    const second = await admin.post(cpath(id, '/invoice-contacts'), { userId: a2.id });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.deepEqual(contactIds(second.body), [a1.id, a2.id].sort());

    // Adding the same person again changes nothing.
    const again = await admin.post(cpath(id, '/invoice-contacts'), { userId: a1.id });
    assert.equal(again.status, 200);
    assert.deepEqual(contactIds(again.body), [a1.id, a2.id].sort());

    const asContact = await t.as(a1.id);
    const seen = await asContact.get(cpath(id));
    assert.equal(seen.status, 200);
    assert.equal(seen.body.you.isInvoiceContact, true);
    assert.equal(seen.body.you.canEdit, false);
    assert.equal((await asContact.get(cpath(id, '/sov'))).status, 200, 'contacts see the SOV of a private commitment');
    const list = await asContact.get(`${base()}/commitments?contactUserId=${a1.id}`);
    assert.ok(list.body.data.some((x: { id: string }) => x.id === id));
  });
});

describe('contacts and the private list', () => {
  test('removing a contact removes the automatic private-list entry, and their access', async () => {
    const c = await create({ invoiceContactIds: [a1.id] });
    const id = c.commitment.id;
    const asContact = await t.as(a1.id);
    assert.equal((await asContact.get(cpath(id))).status, 200);
    const res = await admin.delete(cpath(id, `/invoice-contacts/${a1.id}`));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.invoiceContacts, []);
    assert.deepEqual(res.body.privateList, []);
    assert.equal((await asContact.get(cpath(id))).status, 404);
    // Removing someone who is not a contact: 404.
    assertError(await admin.delete(cpath(id, `/invoice-contacts/${a1.id}`)), 404, 'not_found');
  });

  test('an explicit private-list entry for the same person stays after the contact is removed', async () => {
    const c = await create();
    const id = c.commitment.id;
    const listed = await admin.post(cpath(id, '/private-list'), { userId: a2.id });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(privateList(listed.body), [{ userId: a2.id, isExplicit: true, isInvoiceContact: false }]);
    const contact = await admin.post(cpath(id, '/invoice-contacts'), { userId: a2.id });
    assert.deepEqual(privateList(contact.body), [{ userId: a2.id, isExplicit: true, isInvoiceContact: true }]);
    const removed = await admin.delete(cpath(id, `/invoice-contacts/${a2.id}`));
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body.invoiceContacts, []);
    assert.deepEqual(privateList(removed.body), [{ userId: a2.id, isExplicit: true, isInvoiceContact: false }]);
    const asA2 = await t.as(a2.id);
    assert.equal((await asA2.get(cpath(id))).status, 200, 'still on the private list, so still sees it');
    assert.equal((await asA2.get(cpath(id, '/sov'))).status, 403, 'no longer a contact, and "see SOV items" is off');
  });

  test('removing an explicit entry of someone who is only a contact is refused (private_list_contact)', async () => {
    const c = await create({ invoiceContactIds: [a1.id] });
    const id = c.commitment.id;
    const res = await admin.delete(cpath(id, `/private-list/${a1.id}`));
    assertError(res, 422, 'private_list_contact', 'userId');
    assert.match(res.body.error.message, new RegExp(a1.name));
    const after = await detail(id);
    assert.deepEqual(contactIds(after), [a1.id]);
    assert.deepEqual(privateList(after), [{ userId: a1.id, isExplicit: false, isInvoiceContact: true }]);
    // Someone on neither list: 404.
    assertError(await admin.delete(cpath(id, `/private-list/${b1.id}`)), 404, 'not_found');
  });

  test('removing an explicit entry of a contact leaves them on the list as a contact', async () => {
    const c = await create({ invoiceContactIds: [a1.id] });
    const id = c.commitment.id;
    await admin.post(cpath(id, '/private-list'), { userId: a1.id });
    const res = await admin.delete(cpath(id, `/private-list/${a1.id}`));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(privateList(res.body), [{ userId: a1.id, isExplicit: false, isInvoiceContact: true }]);
  });

  test('only people in the project directory can join the private list', async () => {
    const c = await create();
    const res = await admin.post(cpath(c.commitment.id, '/private-list'), { userId: aOutsideProject.id });
    assertError(res, 422, 'contact_not_in_project_directory', 'userId');
    assert.deepEqual((await detail(c.commitment.id)).privateList, []);
  });
});

describe('changing the contract company', () => {
  test('is refused while contacts of the old company remain, and nothing changes', async () => {
    const c = await create({ invoiceContactIds: [a1.id] });
    const id = c.commitment.id;
    const version = c.commitment.version;
    for (const next of [subB.id, null]) {
      const res = await admin.patch(cpath(id), { version, contractCompanyId: next, title: 'Renamed too' });
      assertError(res, 422, 'contract_company_has_contacts', 'contractCompanyId');
      assert.deepEqual(res.body.error.details.contactUserIds, [a1.id]);
    }
    const explicitFalse = await admin.patch(cpath(id), { version, contractCompanyId: subB.id, removeMismatchedContacts: false });
    assertError(explicitFalse, 422, 'contract_company_has_contacts');
    const after = await detail(id);
    assert.equal(after.commitment.version, version, 'version unchanged');
    assert.equal(after.commitment.contractCompanyId, subA.id);
    assert.equal(after.commitment.title, 'Framing', 'the rest of the refused PATCH is not applied either');
    assert.deepEqual(contactIds(after), [a1.id]);
    assert.deepEqual(privateList(after), [{ userId: a1.id, isExplicit: false, isInvoiceContact: true }]);
  });

  test('with removeMismatchedContacts: true, the contacts go and the response says so', async () => {
    const c = await create({ invoiceContactIds: [a1.id, a2.id] });
    const id = c.commitment.id;
    const res = await admin.patch(cpath(id), {
      version: c.commitment.version,
      contractCompanyId: subB.id,
      removeMismatchedContacts: true,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.commitment.contractCompanyId, subB.id);
    assert.equal(res.body.contractCompany.id, subB.id);
    assert.equal(res.body.commitment.version, c.commitment.version + 1);
    assert.deepEqual(res.body.invoiceContacts, []);
    assert.deepEqual(res.body.privateList, []);
    assert.ok(Array.isArray(res.body.warnings), `the removal is reported: ${JSON.stringify(res.body)}`);
    const reported = res.body.warnings.join(' ');
    assert.match(reported, new RegExp(a1.name));
    assert.match(reported, new RegExp(a2.name));
    assert.equal((await (await t.as(a1.id)).get(cpath(id))).status, 404, 'the removed contact lost access');
    // The new company's people can now be designated.
    const added = await admin.post(cpath(id, '/invoice-contacts'), { userId: b1.id });
    assert.equal(added.status, 200, JSON.stringify(added.body));
  });

  test('a commitment without contacts changes company freely, and with no warnings', async () => {
    const c = await create();
    const res = await admin.patch(cpath(c.commitment.id), { version: c.commitment.version, contractCompanyId: subB.id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.commitment.contractCompanyId, subB.id);
    assert.equal(res.body.warnings, undefined);
  });

  test('a contract company that is not in the project directory is refused (create and update)', async () => {
    const number = unique('SC');
    const refused = await admin.post(`${base()}/commitments`, {
      kind: 'subcontract',
      number,
      title: 'x',
      contractCompanyId: subOutside.id,
    });
    assertError(refused, 422, 'contract_company_not_in_project', 'contractCompanyId');
    assert.equal((await admin.get(`${base()}/commitments?search=${number}`)).body.total, 0);

    const c = await create();
    const patch = await admin.patch(cpath(c.commitment.id), { version: c.commitment.version, contractCompanyId: subOutside.id });
    assertError(patch, 422, 'contract_company_not_in_project', 'contractCompanyId');
    const after = await detail(c.commitment.id);
    assert.equal(after.commitment.contractCompanyId, subA.id);
    assert.equal(after.commitment.version, c.commitment.version);

    const unknown = await admin.post(`${base()}/commitments`, {
      kind: 'subcontract',
      number: unique('SC'),
      title: 'x',
      contractCompanyId: randomUUID(),
    });
    assertError(unknown, 422, 'company_not_found', 'contractCompanyId');
  });

  test("a project's contract company cannot leave the project directory", async () => {
    const company = await makeCompany(t.db);
    assert.equal((await admin.put(`${base()}/directory/companies/${company.id}`)).status, 204);
    const c = await create({ contractCompanyId: company.id });
    const res = await admin.delete(`${base()}/directory/companies/${company.id}`);
    assertError(res, 422, 'company_in_use');
    assert.match(res.body.error.message, new RegExp(c.commitment.number));
  });
});

describe("the company's default invoice contact", () => {
  test('pre-fills the contacts of a new commitment for that company', async () => {
    const company = await makeCompany(t.db);
    const dana = await makeUser(t.db, company, { name: 'Dana Default' });
    const other = await makeUser(t.db, company, { name: 'Olly Other' });
    await addToProject(t.db, project, dana, 'read_only');
    await addToProject(t.db, project, other, 'read_only');
    const set = await admin.patch(`/api/v1/companies/${company.id}`, { defaultInvoiceContactId: dana.id });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.defaultInvoiceContactId, dana.id);

    const prefilled = await create({ contractCompanyId: company.id, invoiceContactIds: undefined });
    assert.deepEqual(contactIds(prefilled), [dana.id]);
    assert.deepEqual(privateList(prefilled), [{ userId: dana.id, isExplicit: false, isInvoiceContact: true }]);
    assert.equal(prefilled.warnings, undefined);

    // Explicit contacts win over the default; an explicit empty list means none.
    const chosen = await create({ contractCompanyId: company.id, invoiceContactIds: [other.id] });
    assert.deepEqual(contactIds(chosen), [other.id]);
    const none = await create({ contractCompanyId: company.id, invoiceContactIds: [] });
    assert.deepEqual(none.invoiceContacts, []);
    // Another company's default does not leak onto this one.
    const unrelated = await create({ contractCompanyId: subB.id, invoiceContactIds: undefined });
    assert.deepEqual(unrelated.invoiceContacts, []);
  });

  for (const { label, permission } of [
    { label: 'has None on Commitments', permission: 'none' as const },
    { label: 'is not in the project directory', permission: null },
  ]) {
    test(`a default contact who ${label} is skipped: the commitment is still created, with a warning`, async () => {
      const company = await makeCompany(t.db);
      const dana = await makeUser(t.db, company, { name: unique('Dana') });
      assert.equal((await admin.put(`${base()}/directory/companies/${company.id}`)).status, 204);
      if (permission) await addToProject(t.db, project, dana, permission);
      const set = await admin.patch(`/api/v1/companies/${company.id}`, { defaultInvoiceContactId: dana.id });
      assert.equal(set.status, 200, JSON.stringify(set.body));

      const c = await create({ contractCompanyId: company.id, invoiceContactIds: undefined });
      assert.deepEqual(c.invoiceContacts, []);
      assert.deepEqual(c.privateList, []);
      assert.equal(c.warnings?.length, 1, JSON.stringify(c));
      assert.match(c.warnings[0], new RegExp(dana.name));
      assert.match(c.warnings[0], permission ? /Read Only/ : /directory/);
    });
  }

  test('the default contact must be an employee of the company', async () => {
    const company = await makeCompany(t.db);
    const res = await admin.patch(`/api/v1/companies/${company.id}`, { defaultInvoiceContactId: a1.id });
    assertError(res, 422, 'user_not_in_company', 'defaultInvoiceContactId');
  });
});

describe('the eligible-contacts picker', () => {
  test('lists every employee of the contract company, with why they cannot be chosen', async () => {
    const c = await create({ invoiceContactIds: [a1.id] });
    const res = await admin.get(cpath(c.commitment.id, '/eligible-contacts'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const byId = new Map(
      (res.body.data as { userId: string; eligible: boolean; reasonCode: string | null; reason: string | null; isInvoiceContact: boolean }[]).map(
        (e) => [e.userId, e],
      ),
    );
    const expected: [User, boolean, string | null, boolean][] = [
      [a1, true, null, true],
      [a2, true, null, false],
      [aInactive, false, 'contact_inactive', false],
      [aOutsideProject, false, 'contact_not_in_project_directory', false],
      [aNone, false, 'contact_permission_too_low', false],
    ];
    for (const [user, eligible, reasonCode, isInvoiceContact] of expected) {
      const entry = byId.get(user.id);
      assert.ok(entry, `${user.name} is listed`);
      assert.equal(entry.eligible, eligible, user.name);
      assert.equal(entry.reasonCode, reasonCode, user.name);
      assert.equal(entry.isInvoiceContact, isInvoiceContact, user.name);
      if (eligible) assert.equal(entry.reason, null);
      else assert.match(entry.reason ?? '', new RegExp(user.name));
    }
    assert.equal(byId.has(b1.id), false, 'employees of other companies are not offered');
    assert.equal(byId.has(gcStandard.id), false);
  });

  test('is empty without a contract company, and for admins only', async () => {
    const c = await create({ contractCompanyId: null });
    const res = await admin.get(cpath(c.commitment.id, '/eligible-contacts'));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data, []);

    const open = await create({ isPrivate: false });
    const asStandard = await t.as(gcStandard.id);
    assert.equal((await asStandard.get(cpath(open.commitment.id))).status, 200, 'Standard sees the public commitment');
    assertError(await asStandard.get(cpath(open.commitment.id, '/eligible-contacts')), 403, 'forbidden');
    assertError(await asStandard.get(cpath(c.commitment.id, '/eligible-contacts')), 404, 'not_found');
  });
});

describe('the project directory protects contacts', () => {
  test("lowering a contact below Read Only, or removing them from the project, is refused", async () => {
    const lena = await makeUser(t.db, subA, { name: 'Lena Lower' });
    await addToProject(t.db, project, lena, 'read_only');
    const c = await create({ invoiceContactIds: [lena.id] });

    const lower = await admin.put(`${base()}/directory/users/${lena.id}`, { commitmentsPermission: 'none' });
    assert.equal(lower.status, 422, JSON.stringify(lower.body));
    assert.equal(lower.body.error.code, 'rule_violation');
    assert.match(lower.body.error.message, new RegExp(c.commitment.number));
    assert.equal(lower.body.error.field, 'commitmentsPermission');
    const remove = await admin.delete(`${base()}/directory/users/${lena.id}`);
    assert.equal(remove.status, 422, JSON.stringify(remove.body));
    assert.equal(remove.body.error.code, 'rule_violation');
    assert.match(remove.body.error.message, new RegExp(c.commitment.number));

    const directory = await admin.get(`${base()}/directory`);
    const entry = directory.body.users.find((u: { userId: string }) => u.userId === lena.id);
    assert.equal(entry?.commitmentsPermission, 'read_only', 'the level did not change');
    assert.deepEqual(contactIds(await detail(c.commitment.id)), [lena.id]);

    // Raising them is fine; so is lowering once they are no longer a contact.
    assert.equal((await admin.put(`${base()}/directory/users/${lena.id}`, { commitmentsPermission: 'standard' })).status, 204);
    assert.equal((await admin.delete(cpath(c.commitment.id, `/invoice-contacts/${lena.id}`))).status, 200);
    assert.equal((await admin.put(`${base()}/directory/users/${lena.id}`, { commitmentsPermission: 'none' })).status, 204);
    assert.equal((await admin.delete(`${base()}/directory/users/${lena.id}`)).status, 204);
  });
});
