import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/api.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
});
after(() => database.close());

test('an admin creates a commitment with a contact and reads it back', async () => {
  const { admin } = await systemAdminOf(t.db);
  const project = await makeProject(t.db);
  const sub = await makeCompany(t.db);
  const contact = await makeUser(t.db, sub);
  await addToProject(t.db, project, contact, 'read_only');
  const api = await t.as(admin.id);
  const put = await api.put(`/api/v1/projects/${project.id}/directory/companies/${sub.id}`);
  assert.equal(put.status, 204);
  const created = await api.post(`/api/v1/projects/${project.id}/commitments`, {
    kind: 'subcontract',
    number: 'SC-001',
    title: 'Drywall',
    contractCompanyId: sub.id,
    invoiceContactIds: [contact.id],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.invoiceContacts[0].userId, contact.id);
  assert.equal(created.body.privateList[0].isInvoiceContact, true);

  const asContact = await t.as(contact.id);
  const list = await asContact.get(`/api/v1/projects/${project.id}/commitments`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.data.map((c: { number: string }) => c.number), ['SC-001']);
  const other = await makeCommitment(t.db, project, { sov: [100] });
  const hidden = await asContact.get(`/api/v1/projects/${project.id}/commitments/${other.id}`);
  assert.equal(hidden.status, 404);
  const doc = await t.request('GET', '/api/v1/openapi.json');
  assert.equal(doc.status, 200);
  assert.ok(doc.body.paths['/api/v1/projects/{projectId}/commitments']);
});
