/**
 * Issue 2, commitments through the HTTP API: only Admins on Commitments write; numbers are unique
 * per project; versioned PATCH; the accounting-method lock; list filters, sorting and paging; the
 * whole-SOV save; the change order lifecycle; and validation errors that name the field — never a 500.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Company, User } from '../../src/domain/directory.ts';
import type { Project } from '../../src/domain/project.ts';
import { createTestApp, type ApiResponse, type TestApp } from '../support/api.ts';
import { addToProject, makeCompany, makeProject, makeUser, systemAdminOf, unique } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

type Client = Awaited<ReturnType<TestApp['as']>>;

let database: TestDatabase;
let t: TestApp;
let project: Project;
let subA: Company;
let subB: Company;
let admin: Client;
const people = {} as Record<'standard' | 'readOnly' | 'listedReadOnly' | 'contact' | 'none' | 'outsider', User>;
const clients = {} as Record<keyof typeof people, Client>;

/** Every response seen by this file, to prove none was a 500. */
const seen: { what: string; status: number }[] = [];

const base = () => `/api/v1/projects/${project.id}`;
const cpath = (id: string, rest = '') => `${base()}/commitments/${id}${rest}`;

function track(client: Client): Client {
  const wrap =
    <A extends unknown[]>(method: string, fn: (path: string, ...rest: A) => Promise<ApiResponse>) =>
    async (path: string, ...rest: A) => {
      const res = await fn(path, ...rest);
      seen.push({ what: `${method} ${path}`, status: res.status });
      return res;
    };
  return {
    token: client.token,
    get: wrap('GET', client.get),
    post: wrap('POST', client.post),
    put: wrap('PUT', client.put),
    patch: wrap('PATCH', client.patch),
    delete: wrap('DELETE', client.delete),
  };
}

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  const sys = await systemAdminOf(t.db);
  project = await makeProject(t.db);
  subA = await makeCompany(t.db, 'subcontractor', unique('SubA'));
  subB = await makeCompany(t.db, 'subcontractor', unique('SubB'));
  const projectAdmin = await makeUser(t.db, sys.gc, { name: 'Project Admin' });
  await addToProject(t.db, project, projectAdmin, 'admin');
  admin = track(await t.as(projectAdmin.id));
  people.standard = await makeUser(t.db, sys.gc, { name: 'Standard' });
  people.readOnly = await makeUser(t.db, sys.gc, { name: 'Read Only' });
  people.listedReadOnly = await makeUser(t.db, sys.gc, { name: 'Listed Read Only' });
  people.contact = await makeUser(t.db, subA, { name: 'Sub Contact' });
  people.none = await makeUser(t.db, sys.gc, { name: 'None' });
  people.outsider = await makeUser(t.db, subB, { name: 'Outsider' });
  await addToProject(t.db, project, people.standard, 'standard');
  await addToProject(t.db, project, people.readOnly, 'read_only');
  await addToProject(t.db, project, people.listedReadOnly, 'read_only');
  await addToProject(t.db, project, people.contact, 'read_only');
  await addToProject(t.db, project, people.none, 'none');
  assert.equal((await admin.put(`${base()}/directory/companies/${subB.id}`)).status, 204);
  for (const key of Object.keys(people) as (keyof typeof people)[]) clients[key] = track(await t.as(people[key].id));
});
after(() => database.close());

afterEach(() => {
  const failures = seen.filter((s) => s.status >= 500);
  assert.deepEqual(failures, [], 'no request may answer 5xx');
});

async function create(body: Record<string, unknown> = {}) {
  const res = await admin.post(`${base()}/commitments`, {
    kind: 'subcontract',
    number: unique('SC'),
    title: 'Drywall',
    contractCompanyId: subA.id,
    invoiceContactIds: [],
    ...body,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { commitment: { id: string; number: string; version: number } } & Record<string, any>;
}

async function get(id: string) {
  const res = await admin.get(cpath(id));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function putSov(id: string, lines: Record<string, unknown>[]) {
  const version = (await get(id)).commitment.version;
  const res = await admin.put(cpath(id, '/sov'), { version, lines });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** Everything a user could notice about a commitment, as the admin sees it. */
async function snapshot(id: string) {
  const detail = await get(id);
  return { detail, sov: (await admin.get(cpath(id, '/sov'))).body, cos: (await admin.get(cpath(id, '/change-orders'))).body };
}

function assertError(res: ApiResponse, status: number, code: string, field?: string) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, code, JSON.stringify(res.body));
  assert.equal(typeof res.body.error.message, 'string');
  if (field !== undefined) assert.equal(res.body.error.field, field, JSON.stringify(res.body));
}

describe('only Admins on Commitments write', () => {
  type Ctx = { id: string; version: number; lineId: string; coId: string; coVersion: number };
  const open = {} as Ctx;
  const hidden = {} as Ctx;

  before(async () => {
    for (const [ctx, isPrivate] of [
      [open, false],
      [hidden, true],
    ] as const) {
      const c = await create({ isPrivate, invoiceContactIds: [people.contact.id] });
      const sov = await putSov(c.commitment.id, [{ description: 'Framing', scheduledValueCents: 10_000 }]);
      const co = await admin.post(cpath(c.commitment.id, '/change-orders'), {
        number: 'CO-1',
        title: 'Extra',
        lines: [{ description: 'More', amountCents: 500 }],
      });
      assert.equal(co.status, 201, JSON.stringify(co.body));
      const listed = await admin.post(cpath(c.commitment.id, '/private-list'), { userId: people.listedReadOnly.id });
      assert.equal(listed.status, 200);
      Object.assign(ctx, {
        id: c.commitment.id,
        version: sov.version,
        lineId: sov.lines[0].id,
        coId: co.body.id,
        coVersion: co.body.version,
      });
    }
  });

  /** Every write of issue 2 on one commitment (and the admin-only read of the contact picker). */
  const WRITES: [string, (api: Client, c: Ctx) => Promise<ApiResponse>][] = [
    ['PATCH commitment', (api, c) => api.patch(cpath(c.id), { version: c.version, title: 'Mine now' })],
    ['PATCH commitment (If-Match)', (api, c) => api.patch(cpath(c.id), { isPrivate: false }, { 'if-match': `"${c.version}"` })],
    ['POST invoice contact', (api, c) => api.post(cpath(c.id, '/invoice-contacts'), { userId: people.contact.id })],
    ['DELETE invoice contact', (api, c) => api.delete(cpath(c.id, `/invoice-contacts/${people.contact.id}`))],
    ['POST private list', (api, c) => api.post(cpath(c.id, '/private-list'), { userId: people.standard.id })],
    ['DELETE private list', (api, c) => api.delete(cpath(c.id, `/private-list/${people.listedReadOnly.id}`))],
    ['PUT sov', (api, c) => api.put(cpath(c.id, '/sov'), { version: c.version, lines: [] })],
    ['POST sov line', (api, c) => api.post(cpath(c.id, '/sov/lines'), { description: 'Mine', scheduledValueCents: 1 })],
    ['PATCH sov line', (api, c) => api.patch(cpath(c.id, `/sov/lines/${c.lineId}`), { scheduledValueCents: 999_999 })],
    ['DELETE sov line', (api, c) => api.delete(cpath(c.id, `/sov/lines/${c.lineId}`))],
    ['POST change order', (api, c) => api.post(cpath(c.id, '/change-orders'), { number: 'CO-X', title: 'x', lines: [] })],
    ['PATCH change order', (api, c) => api.patch(cpath(c.id, `/change-orders/${c.coId}`), { version: c.coVersion, status: 'approved' })],
    ['GET eligible contacts', (api, c) => api.get(cpath(c.id, '/eligible-contacts'))],
  ];

  const CASES: [keyof typeof people, 'open' | 'hidden', 403 | 404][] = [
    ['standard', 'open', 403],
    ['standard', 'hidden', 404],
    ['readOnly', 'open', 403],
    ['readOnly', 'hidden', 404],
    ['listedReadOnly', 'hidden', 403],
    ['contact', 'hidden', 403],
    ['none', 'open', 404],
    ['none', 'hidden', 404],
    ['outsider', 'open', 404],
  ];

  for (const [who, which, status] of CASES) {
    test(`${who} on the ${which} commitment: every write is ${status} and nothing changes`, async () => {
      const ctx = which === 'open' ? open : hidden;
      const api = clients[who];
      const canSee = (await api.get(cpath(ctx.id))).status === 200;
      assert.equal(canSee, status === 403, `${who} ${canSee ? 'sees' : 'does not see'} the ${which} commitment`);
      const missing = await api.get(cpath(randomUUID()));
      const beforeState = await snapshot(ctx.id);
      for (const [name, send] of WRITES) {
        const res = await send(api, ctx);
        if (status === 403) assertError(res, 403, 'forbidden');
        else {
          assert.equal(res.status, 404, `${who} ${name}: ${res.status} ${JSON.stringify(res.body)}`);
          assert.deepEqual(res.body, missing.body, `${who} ${name}: answers like a missing commitment`);
        }
      }
      assert.deepEqual(await snapshot(ctx.id), beforeState, 'nothing changed');
    });
  }

  test('Standard, Read Only and None cannot create commitments (403); an outsider gets 404', async () => {
    const body = { kind: 'subcontract', number: unique('SC'), title: 'Sneaky' };
    for (const who of ['standard', 'readOnly', 'none', 'contact'] as const) {
      assertError(await clients[who].post(`${base()}/commitments`, body), 403, 'forbidden');
    }
    assertError(await clients.outsider.post(`${base()}/commitments`, body), 404, 'not_found');
    const list = await admin.get(`${base()}/commitments?search=${body.number}`);
    assert.equal(list.body.total, 0);
  });

  test('the same writes succeed for the Admin', async () => {
    const c = await create({ invoiceContactIds: [people.contact.id] });
    const sov = await putSov(c.commitment.id, [{ description: 'Framing', scheduledValueCents: 10_000 }]);
    const ctx: Ctx = { id: c.commitment.id, version: sov.version, lineId: sov.lines[0].id, coId: '', coVersion: 1 };
    const co = await admin.post(cpath(ctx.id, '/change-orders'), { number: 'CO-1', title: 'x', lines: [] });
    assert.equal(co.status, 201);
    ctx.coId = co.body.id;
    const ok = await admin.patch(cpath(ctx.id, `/change-orders/${ctx.coId}`), { version: 1, status: 'approved' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const line = await admin.patch(cpath(ctx.id, `/sov/lines/${ctx.lineId}`), { scheduledValueCents: 12_000 });
    assert.equal(line.status, 200, JSON.stringify(line.body));
    assert.equal(line.body.scheduledValueCents, 12_000);
    assert.equal((await admin.delete(cpath(ctx.id, `/sov/lines/${ctx.lineId}`))).status, 204);
    assert.equal((await admin.delete(cpath(ctx.id, `/invoice-contacts/${people.contact.id}`))).status, 200);
    assert.equal((await admin.get(cpath(ctx.id, '/eligible-contacts'))).status, 200);
  });
});

describe('commitment numbers', () => {
  test('are unique within a project: 409 duplicate_number on create and rename', async () => {
    const first = await create({ number: 'DUP-1' });
    assertError(await admin.post(`${base()}/commitments`, { kind: 'subcontract', number: 'DUP-1', title: 'x' }), 409, 'duplicate_number', 'number');
    assertError(
      await admin.post(`${base()}/commitments`, { kind: 'purchase_order', number: '  DUP-1  ', title: 'x' }),
      409,
      'duplicate_number',
      'number',
    );
    const second = await create({ number: 'DUP-2' });
    const rename = await admin.patch(cpath(second.commitment.id), { version: second.commitment.version, number: 'DUP-1' });
    assertError(rename, 409, 'duplicate_number', 'number');
    assert.equal((await get(second.commitment.id)).commitment.number, 'DUP-2');
    // Keeping its own number is not a conflict.
    const same = await admin.patch(cpath(first.commitment.id), { version: first.commitment.version, number: 'DUP-1', title: 'Same number' });
    assert.equal(same.status, 200, JSON.stringify(same.body));
    // Another project may use the same number.
    const other = await makeProject(t.db);
    const { admin: sysAdmin } = await systemAdminOf(t.db);
    const elsewhere = await (await t.as(sysAdmin.id)).post(`/api/v1/projects/${other.id}/commitments`, {
      kind: 'subcontract',
      number: 'DUP-1',
      title: 'x',
    });
    assert.equal(elsewhere.status, 201, JSON.stringify(elsewhere.body));
  });
});

describe('versioned PATCH', () => {
  test('without a version: 428, and nothing changes', async () => {
    const c = await create();
    assertError(await admin.patch(cpath(c.commitment.id), { title: 'No version' }), 428, 'precondition_required', 'version');
    assert.equal((await get(c.commitment.id)).commitment.title, 'Drywall');
  });

  test('a stale body version: 409 version_conflict, and nothing changes', async () => {
    const c = await create();
    const id = c.commitment.id;
    const first = await admin.patch(cpath(id), { version: 1, title: 'First writer' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.commitment.version, 2);
    const stale = await admin.patch(cpath(id), { version: 1, title: 'Second writer', retainageWorkBp: 500 });
    assertError(stale, 409, 'version_conflict', 'version');
    assert.equal(stale.body.error.details.currentVersion, 2);
    const now = await get(id);
    assert.equal(now.commitment.title, 'First writer');
    assert.equal(now.commitment.retainageWorkBp, 0);
    assert.equal(now.commitment.version, 2);
  });

  test('If-Match: the ETag from GET works once; a stale one is 412 and changes nothing', async () => {
    const c = await create();
    const id = c.commitment.id;
    const read = await admin.get(cpath(id));
    const etag = read.headers.get('etag');
    assert.equal(etag, `"${read.body.commitment.version}"`);
    const ok = await admin.patch(cpath(id), { title: 'Via If-Match' }, { 'if-match': etag! });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.commitment.title, 'Via If-Match');
    assert.equal(ok.headers.get('etag'), `"${ok.body.commitment.version}"`);
    const stale = await admin.patch(cpath(id), { title: 'Stale' }, { 'if-match': etag! });
    assertError(stale, 412, 'precondition_failed');
    // If-Match wins over a body version: a stale header is refused even with the right body version.
    const mixed = await admin.patch(cpath(id), { version: ok.body.commitment.version, title: 'Mixed' }, { 'if-match': etag! });
    assertError(mixed, 412, 'precondition_failed');
    assertError(await admin.patch(cpath(id), { title: 'Bad' }, { 'if-match': 'banana' }), 400, 'validation_failed', 'If-Match');
    const now = await get(id);
    assert.equal(now.commitment.title, 'Via If-Match');
    assert.equal(now.commitment.version, ok.body.commitment.version);
  });
});

describe('the accounting method', () => {
  test('can change while the SOV is empty, and is locked once it has lines (422)', async () => {
    const c = await create();
    const id = c.commitment.id;
    const change = await admin.patch(cpath(id), { version: 1, accountingMethod: 'unit_quantity' });
    assert.equal(change.status, 200, JSON.stringify(change.body));
    const back = await admin.patch(cpath(id), { version: 2, accountingMethod: 'amount' });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    await putSov(id, [{ description: 'Line', scheduledValueCents: 100 }]);
    const version = (await get(id)).commitment.version;
    const locked = await admin.patch(cpath(id), { version, accountingMethod: 'unit_quantity' });
    assertError(locked, 422, 'accounting_method_locked', 'accountingMethod');
    const now = await get(id);
    assert.equal(now.commitment.accountingMethod, 'amount');
    assert.equal(now.commitment.version, version);
    // Naming the current method is not a change.
    assert.equal((await admin.patch(cpath(id), { version, accountingMethod: 'amount' })).status, 200);
  });
});

describe('listing commitments', () => {
  let listProject: Project;
  let contactA: User;
  let listAdmin: Client;
  const lpath = (query = '') => `/api/v1/projects/${listProject.id}/commitments${query}`;

  before(async () => {
    listProject = await makeProject(t.db);
    const { gc } = await systemAdminOf(t.db);
    const projectAdmin = await makeUser(t.db, gc);
    contactA = await makeUser(t.db, subA, { name: 'Contact A' });
    const contactB = await makeUser(t.db, subB, { name: 'Contact B' });
    await addToProject(t.db, listProject, projectAdmin, 'admin');
    await addToProject(t.db, listProject, contactA, 'read_only');
    await addToProject(t.db, listProject, contactB, 'read_only');
    listAdmin = track(await t.as(projectAdmin.id));
    const rows: [string, 'subcontract' | 'purchase_order', string, string, Company | null, User | null][] = [
      ['PO-001', 'purchase_order', 'Drywall supply', 'approved', subA, contactA],
      ['SC-002', 'subcontract', 'Electrical rough-in', 'draft', subB, contactB],
      ['SC-003', 'subcontract', 'Drywall install', 'complete', subA, null],
      ['SC-010', 'subcontract', 'Concrete 100% mix', 'void', subB, null],
      ['SC-004', 'subcontract', 'Paint', 'out_for_signature', subA, contactA],
      ['SC-005', 'subcontract', 'Roofing', 'approved', null, null],
    ];
    for (const [number, kind, title, status, company, contact] of rows) {
      const res = await listAdmin.post(lpath(), {
        kind,
        number,
        title,
        status,
        contractCompanyId: company?.id ?? null,
        invoiceContactIds: contact ? [contact.id] : [],
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  });

  test('filters by status (comma-separated), kind, contract company, contact and search', async () => {
    const q = async (query: string) => {
      const res = await listAdmin.get(lpath(query));
      assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.total, res.body.data.length);
      return res.body.data.map((c: { number: string }) => c.number).sort();
    };
    assert.deepEqual(await q(''), ['PO-001', 'SC-002', 'SC-003', 'SC-004', 'SC-005', 'SC-010']);
    assert.deepEqual(await q('?status=approved,complete'), ['PO-001', 'SC-003', 'SC-005']);
    assert.deepEqual(await q('?status=draft'), ['SC-002']);
    assert.deepEqual(await q('?status=terminated'), []);
    assert.deepEqual(await q('?kind=purchase_order'), ['PO-001']);
    assert.deepEqual(await q(`?contractCompanyId=${subB.id}`), ['SC-002', 'SC-010']);
    assert.deepEqual(await q(`?contractCompanyId=${subA.id}&status=approved`), ['PO-001']);
    assert.deepEqual(await q(`?contactUserId=${contactA.id}`), ['PO-001', 'SC-004']);
    assert.deepEqual(await q(`?contractCompanyId=${randomUUID()}`), []);
    assert.deepEqual(await q('?search=drywall'), ['PO-001', 'SC-003'], 'case-insensitive, on the title');
    assert.deepEqual(await q('?search=sc-01'), ['SC-010'], 'on the number');
    assert.deepEqual(await q('?search=100%25'), ['SC-010'], 'a literal %');
    assert.deepEqual(await q('?search=%25'), ['SC-010'], '% is not a wildcard');
    assert.deepEqual(await q('?search=_'), [], '_ is not a wildcard');
    assert.deepEqual(await q('?search=nothing-like-this'), []);
  });

  test('list items carry the company name, contact count and amounts', async () => {
    const res = await listAdmin.get(lpath('?search=PO-001'));
    const [item] = res.body.data;
    assert.equal(item.contractCompanyName, subA.name);
    assert.equal(item.invoiceContactCount, 1);
    assert.equal(item.originalContractSumCents, 0);
    const none = (await listAdmin.get(lpath('?search=SC-005'))).body.data[0];
    assert.equal(none.contractCompanyName, null);
    assert.equal(none.invoiceContactCount, 0);
  });

  test('sorts by number, title and status, either way', async () => {
    const q = async (query: string) =>
      (await listAdmin.get(lpath(query))).body.data.map((c: { number: string }) => c.number);
    const byNumber = ['PO-001', 'SC-002', 'SC-003', 'SC-004', 'SC-005', 'SC-010'];
    assert.deepEqual(await q(''), byNumber, 'number is the default');
    assert.deepEqual(await q('?sort=number'), byNumber);
    assert.deepEqual(await q('?sort=-number'), [...byNumber].reverse());
    assert.deepEqual(await q('?sort=title'), ['SC-010', 'SC-003', 'PO-001', 'SC-002', 'SC-004', 'SC-005']);
    assert.deepEqual(await q('?sort=-title'), ['SC-005', 'SC-004', 'SC-002', 'PO-001', 'SC-003', 'SC-010']);
    const byStatus = (await listAdmin.get(lpath('?sort=status'))).body.data.map((c: { status: string }) => c.status);
    assert.deepEqual(byStatus, [...byStatus].sort());
  });

  test('pages: page/perPage/total, pages are disjoint and cover the list', async () => {
    const all: string[] = [];
    for (const page of [1, 2, 3]) {
      const res = await listAdmin.get(lpath(`?perPage=2&page=${page}`));
      assert.equal(res.status, 200);
      assert.equal(res.body.page, page);
      assert.equal(res.body.perPage, 2);
      assert.equal(res.body.total, 6);
      assert.equal(res.body.data.length, 2);
      all.push(...res.body.data.map((c: { number: string }) => c.number));
    }
    assert.deepEqual(all, ['PO-001', 'SC-002', 'SC-003', 'SC-004', 'SC-005', 'SC-010']);
    const beyond = await listAdmin.get(lpath('?perPage=2&page=4'));
    assert.deepEqual(beyond.body.data, []);
    assert.equal(beyond.body.total, 6);
    const filtered = await listAdmin.get(lpath('?status=approved,complete&perPage=2&page=2&sort=-number'));
    assert.equal(filtered.body.total, 3, 'total counts the filtered list, not the page');
    assert.deepEqual(filtered.body.data.map((c: { number: string }) => c.number), ['PO-001']);
  });

  test('bad query parameters are 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['?status=approved,paid', 'status.1'],
      ['?sort=price', 'sort'],
      ['?perPage=0', 'perPage'],
      ['?perPage=501', 'perPage'],
      ['?page=0', 'page'],
      ['?page=two', 'page'],
      ['?kind=lease', 'kind'],
    ] as const) {
      assertError(await listAdmin.get(lpath(query)), 400, 'validation_failed', field);
    }
  });

  test('a Read Only user gets the same filters over what they may see only', async () => {
    // Nothing here is public; the contact sees their own two.
    const asContact = track(await t.as(contactA.id));
    const res = await asContact.get(lpath('?sort=-number'));
    assert.deepEqual(res.body.data.map((c: { number: string }) => c.number), ['SC-004', 'PO-001']);
    assert.equal(res.body.total, 2);
    assert.deepEqual(
      (await asContact.get(lpath('?status=approved'))).body.data.map((c: { number: string }) => c.number),
      ['PO-001'],
    );
  });
});

describe('saving the whole schedule of values', () => {
  test('adds, updates, deletes and reorders lines in one versioned save', async () => {
    const c = await create();
    const id = c.commitment.id;
    const first = await putSov(id, [
      { itemNumber: '1', costCode: '09-100', description: 'Studs', scheduledValueCents: 100_00 },
      { itemNumber: '2', description: 'Board', scheduledValueCents: 200_00 },
      { itemNumber: '3', description: 'Tape', scheduledValueCents: 300_00 },
    ]);
    assert.equal(first.totalCents, 600_00);
    assert.deepEqual(first.lines.map((l: { position: number }) => l.position), [1, 2, 3]);
    const [studs, board, tape] = first.lines;
    assert.equal(studs.costCode, '09-100');

    const saved = await admin.put(cpath(id, '/sov'), {
      version: first.version,
      lines: [
        { id: tape.id, itemNumber: '3', description: 'Tape and finish', scheduledValueCents: 350_00 },
        { itemNumber: '4', description: 'Corner bead', scheduledValueCents: 50_00 },
        { id: studs.id, itemNumber: '1', costCode: '09-100', description: 'Studs', scheduledValueCents: 100_00 },
      ],
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.version, first.version + 1);
    assert.equal(saved.headers.get('etag'), `"${saved.body.version}"`);
    assert.deepEqual(
      saved.body.lines.map((l: { description: string; position: number; scheduledValueCents: number }) => [
        l.position,
        l.description,
        l.scheduledValueCents,
      ]),
      [
        [1, 'Tape and finish', 350_00],
        [2, 'Corner bead', 50_00],
        [3, 'Studs', 100_00],
      ],
    );
    assert.equal(saved.body.lines[0].id, tape.id, 'updated lines keep their id');
    assert.equal(saved.body.lines[2].id, studs.id);
    assert.ok(!saved.body.lines.some((l: { id: string }) => l.id === board.id), 'the missing line is deleted');
    assert.equal(saved.body.totalCents, 500_00);
    assert.deepEqual((await admin.get(cpath(id, '/sov'))).body, saved.body);
    const detail = await get(id);
    assert.equal(detail.totals.originalContractSumCents, 500_00);
    assert.equal(detail.commitment.version, saved.body.version, 'the SOV shares the commitment version');

    // Removing every line is allowed.
    const empty = await admin.put(cpath(id, '/sov'), { version: saved.body.version, lines: [] });
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body.lines, []);
    assert.equal(empty.body.totalCents, 0);
  });

  test('a stale version is refused (409, or 412 with If-Match) and nothing changes', async () => {
    const c = await create();
    const id = c.commitment.id;
    const first = await putSov(id, [{ description: 'Original', scheduledValueCents: 1_000 }]);
    // Someone else adds a line: that bumps the version.
    const added = await admin.post(cpath(id, '/sov/lines'), { description: 'Added meanwhile', scheduledValueCents: 5 });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.position, 2);
    const stale = await admin.put(cpath(id, '/sov'), { version: first.version, lines: [] });
    assertError(stale, 409, 'version_conflict', 'version');
    const staleHeader = await admin.put(cpath(id, '/sov'), { version: first.version, lines: [] }, { 'if-match': `"${first.version}"` });
    assertError(staleHeader, 412, 'precondition_failed');
    const now = (await admin.get(cpath(id, '/sov'))).body;
    assert.deepEqual(
      now.lines.map((l: { description: string }) => l.description),
      ['Original', 'Added meanwhile'],
    );
    assert.equal(now.version, first.version + 1);
  });

  test('line ids must belong to this SOV, once each', async () => {
    const c = await create();
    const other = await create();
    const mine = await putSov(c.commitment.id, [{ description: 'Mine', scheduledValueCents: 1 }]);
    const theirs = await putSov(other.commitment.id, [{ description: 'Theirs', scheduledValueCents: 2 }]);
    const line = (id: string) => ({ id, description: 'x', scheduledValueCents: 3 });
    assertError(
      await admin.put(cpath(c.commitment.id, '/sov'), { version: mine.version, lines: [line(theirs.lines[0].id)] }),
      400,
      'validation_failed',
      'lines.0.id',
    );
    assertError(
      await admin.put(cpath(c.commitment.id, '/sov'), { version: mine.version, lines: [line(mine.lines[0].id), line(mine.lines[0].id)] }),
      400,
      'validation_failed',
      'lines.1.id',
    );
    assertError(
      await admin.put(cpath(c.commitment.id, '/sov'), { version: mine.version, lines: [line(randomUUID())] }),
      400,
      'validation_failed',
      'lines.0.id',
    );
    assert.deepEqual((await admin.get(cpath(other.commitment.id, '/sov'))).body, theirs, 'the other SOV is untouched');
    assert.deepEqual((await admin.get(cpath(c.commitment.id, '/sov'))).body, mine);
    // A line of another commitment cannot be changed through this one either.
    assertError(
      await admin.patch(cpath(c.commitment.id, `/sov/lines/${theirs.lines[0].id}`), { scheduledValueCents: 1 }),
      404,
      'not_found',
    );
    assertError(await admin.delete(cpath(c.commitment.id, `/sov/lines/${theirs.lines[0].id}`)), 404, 'not_found');
  });
});

describe('the change order lifecycle', () => {
  test('draft → pending → approved: only approved lines count in the totals', async () => {
    const c = await create();
    const id = c.commitment.id;
    await putSov(id, [{ description: 'Base', scheduledValueCents: 1_000_00 }]);
    const totals = async () => (await get(id)).totals;
    const listed = async () => (await admin.get(`${base()}/commitments?search=${c.commitment.number}`)).body.data[0];

    const created = await admin.post(cpath(id, '/change-orders'), {
      number: 'CO-001',
      title: 'Extra partitions',
      lines: [
        { description: 'Add wall', amountCents: 500_00, costCode: '09-200' },
        { description: 'Credit', amountCents: -100_00 },
      ],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const co = created.body;
    assert.equal(co.status, 'draft');
    assert.equal(co.totalCents, 400_00);
    assert.equal(co.approvedAt, null);
    assert.equal(co.version, 1);
    assert.deepEqual(await totals(), { originalContractSumCents: 1_000_00, approvedChangeOrdersCents: 0, revisedContractSumCents: 1_000_00 });

    const copath = cpath(id, `/change-orders/${co.id}`);
    const pending = await admin.patch(copath, { version: 1, status: 'pending' });
    assert.equal(pending.status, 200, JSON.stringify(pending.body));
    assert.equal(pending.body.status, 'pending');
    assert.equal(pending.body.version, 2);
    assert.equal((await totals()).approvedChangeOrdersCents, 0, 'pending does not count');

    const edited = await admin.patch(copath, { version: 2, lines: [{ description: 'Add wall', amountCents: 450_00 }] });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.totalCents, 450_00);

    const approved = await admin.patch(copath, { status: 'approved' }, { 'if-match': `"${edited.body.version}"` });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, 'approved');
    assert.equal(approved.body.approvedAt, t.clock.now().toISOString());
    assert.equal(approved.headers.get('etag'), `"${approved.body.version}"`);
    assert.deepEqual(await totals(), {
      originalContractSumCents: 1_000_00,
      approvedChangeOrdersCents: 450_00,
      revisedContractSumCents: 1_450_00,
    });
    const item = await listed();
    assert.equal(item.approvedChangeOrdersCents, 450_00);
    assert.equal(item.revisedContractSumCents, 1_450_00);

    // The lines and name of an approved change order are frozen.
    const v = approved.body.version;
    assertError(await admin.patch(copath, { version: v, lines: [] }), 422, 'change_order_locked', 'lines');
    assertError(await admin.patch(copath, { version: v, title: 'Renamed' }), 422, 'change_order_locked');
    assertError(await admin.patch(copath, { version: v, status: 'pending' }), 422, 'invalid_transition', 'status');
    const still = (await admin.get(copath)).body;
    assert.equal(still.version, v);
    assert.equal(still.totalCents, 450_00);
    assert.equal(still.title, 'Extra partitions');

    // Stale versions are refused like commitments.
    assertError(await admin.patch(copath, { version: 1, status: 'void' }), 409, 'version_conflict');
    assertError(await admin.patch(copath, { status: 'void' }, { 'if-match': '"1"' }), 412, 'precondition_failed');
    assertError(await admin.patch(copath, { status: 'void' }), 428, 'precondition_required');

    // Voiding an approved (unbilled) change order takes it out of the totals.
    const voided = await admin.patch(copath, { version: v, status: 'void' });
    assert.equal(voided.status, 200, JSON.stringify(voided.body));
    assert.equal(voided.body.approvedAt, null);
    assert.equal((await totals()).approvedChangeOrdersCents, 0);
  });

  test('void is final: void → approved (or draft) is 422 invalid_transition', async () => {
    const c = await create();
    const id = c.commitment.id;
    const co = await admin.post(cpath(id, '/change-orders'), { number: 'CO-9', title: 'x', lines: [{ description: 'x', amountCents: 1 }] });
    const copath = cpath(id, `/change-orders/${co.body.id}`);
    const voided = await admin.patch(copath, { version: 1, status: 'void' });
    assert.equal(voided.status, 200);
    for (const next of ['approved', 'draft', 'pending']) {
      assertError(await admin.patch(copath, { version: voided.body.version, status: next }), 422, 'invalid_transition', 'status');
    }
    assertError(await admin.patch(copath, { version: voided.body.version, lines: [] }), 422, 'change_order_locked');
    assert.equal((await admin.get(copath)).body.status, 'void');
    assert.equal((await get(id)).totals.approvedChangeOrdersCents, 0);
  });

  test('change order numbers are unique per commitment', async () => {
    const c = await create();
    const other = await create();
    const body = { number: 'CO-1', title: 'x', lines: [] };
    assert.equal((await admin.post(cpath(c.commitment.id, '/change-orders'), body)).status, 201);
    assertError(await admin.post(cpath(c.commitment.id, '/change-orders'), body), 409, 'duplicate_number', 'number');
    assert.equal((await admin.post(cpath(other.commitment.id, '/change-orders'), body)).status, 201);
    const list = await admin.get(cpath(c.commitment.id, '/change-orders'));
    assert.equal(list.body.data.length, 1);
  });

  test('a change order of another commitment is 404 through this one', async () => {
    const c = await create();
    const other = await create();
    const co = await admin.post(cpath(other.commitment.id, '/change-orders'), { number: 'CO-1', title: 'x', lines: [] });
    assertError(await admin.get(cpath(c.commitment.id, `/change-orders/${co.body.id}`)), 404, 'not_found');
    assertError(await admin.patch(cpath(c.commitment.id, `/change-orders/${co.body.id}`), { version: 1, status: 'void' }), 404, 'not_found');
    assert.equal((await admin.get(cpath(other.commitment.id, `/change-orders/${co.body.id}`))).body.status, 'draft');
  });
});

describe('bad input: 400 validation_failed naming the field, 415 for non-JSON, never 500', () => {
  let id: string;
  let version: number;
  before(async () => {
    const c = await create();
    id = c.commitment.id;
    version = (await putSov(id, [{ description: 'Keep', scheduledValueCents: 7 }])).version;
  });

  const CASES: [string, () => Promise<ApiResponse>, string][] = [
    ['negative scheduled value', () => admin.post(cpath(id, '/sov/lines'), { description: 'x', scheduledValueCents: -1 }), 'scheduledValueCents'],
    ['fractional cents', () => admin.post(cpath(id, '/sov/lines'), { description: 'x', scheduledValueCents: 12.5 }), 'scheduledValueCents'],
    ['cents as a string', () => admin.post(cpath(id, '/sov/lines'), { description: 'x', scheduledValueCents: '100' }), 'scheduledValueCents'],
    ['cents beyond safe integers', () => admin.post(cpath(id, '/sov/lines'), { description: 'x', scheduledValueCents: 1e20 }), 'scheduledValueCents'],
    ['blank description', () => admin.post(cpath(id, '/sov/lines'), { description: '   ', scheduledValueCents: 1 }), 'description'],
    ['PATCH line: negative', () => admin.patch(cpath(id, `/sov/lines/${randomUUID()}`), { scheduledValueCents: -5 }), 'scheduledValueCents'],
    [
      'PUT sov: second line negative',
      () =>
        admin.put(cpath(id, '/sov'), {
          version,
          lines: [
            { description: 'ok', scheduledValueCents: 1 },
            { description: 'bad', scheduledValueCents: -1 },
          ],
        }),
      'lines.1.scheduledValueCents',
    ],
    ['PUT sov: fractional', () => admin.put(cpath(id, '/sov'), { version, lines: [{ description: 'x', scheduledValueCents: 0.5 }] }), 'lines.0.scheduledValueCents'],
    ['PUT sov: no version', () => admin.put(cpath(id, '/sov'), { lines: [] }), 'version'],
    ['create: missing number', () => admin.post(`${base()}/commitments`, { kind: 'subcontract', title: 'x' }), 'number'],
    ['create: blank number', () => admin.post(`${base()}/commitments`, { kind: 'subcontract', number: '   ', title: 'x' }), 'number'],
    ['create: unknown kind', () => admin.post(`${base()}/commitments`, { kind: 'lease', number: unique('N'), title: 'x' }), 'kind'],
    ['create: retainage over 100%', () => admin.post(`${base()}/commitments`, { kind: 'subcontract', number: unique('N'), title: 'x', retainageWorkBp: 10_001 }), 'retainageWorkBp'],
    ['create: negative retainage', () => admin.post(`${base()}/commitments`, { kind: 'subcontract', number: unique('N'), title: 'x', retainageMaterialsBp: -1 }), 'retainageMaterialsBp'],
    ['create: company id not a uuid', () => admin.post(`${base()}/commitments`, { kind: 'subcontract', number: unique('N'), title: 'x', contractCompanyId: 'acme' }), 'contractCompanyId'],
    ['create: contact id not a uuid', () => admin.post(`${base()}/commitments`, { kind: 'subcontract', number: unique('N'), title: 'x', invoiceContactIds: ['bob'] }), 'invoiceContactIds.0'],
    ['create: isPrivate not a boolean', () => admin.post(`${base()}/commitments`, { kind: 'subcontract', number: unique('N'), title: 'x', isPrivate: 'yes' }), 'isPrivate'],
    ['PATCH: unknown status', () => admin.patch(cpath(id), { version, status: 'paid' }), 'status'],
    ['PATCH: version 0', () => admin.patch(cpath(id), { version: 0, title: 'x' }), 'version'],
    ['PATCH: version as a string', () => admin.patch(cpath(id), { version: String(version), title: 'x' }), 'version'],
    ['change order: fractional amount', () => admin.post(cpath(id, '/change-orders'), { number: 'CO-V', title: 'x', lines: [{ description: 'x', amountCents: 1.5 }] }), 'lines.0.amountCents'],
    ['change order: missing number', () => admin.post(cpath(id, '/change-orders'), { title: 'x', lines: [] }), 'number'],
    ['change order: unknown status', () => admin.post(cpath(id, '/change-orders'), { number: 'CO-W', title: 'x', status: 'done', lines: [] }), 'status'],
  ];

  for (const [name, send, field] of CASES) {
    test(name, async () => {
      const res = await send();
      assertError(res, 400, 'validation_failed', field);
      assert.ok(Array.isArray(res.body.error.details), 'details list the offending fields');
      assert.ok(res.body.error.details.some((d: { path: string }) => d.path === field), JSON.stringify(res.body.error.details));
    });
  }

  test('none of the refused requests changed anything', async () => {
    const now = await snapshot(id);
    assert.equal(now.detail.commitment.version, version);
    assert.equal(now.detail.commitment.title, 'Drywall');
    assert.deepEqual(now.sov.lines.map((l: { description: string }) => l.description), ['Keep']);
    assert.deepEqual(now.cos.data, []);
    const created = await admin.get(`${base()}/commitments?search=N-`);
    assert.equal(created.body.total, 0, 'no commitment was created by a refused request');
  });

  test('malformed JSON is 400; a non-JSON content type is 415; neither leaks internals', async () => {
    const auth = { authorization: `Bearer ${admin.token}` };
    const malformed = await t.request('POST', `${base()}/commitments`, {
      body: '{"kind": "subcontract", "number": ',
      headers: { ...auth, 'content-type': 'application/json' },
    });
    assertError(malformed, 400, 'validation_failed');
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await t.request('POST', `${base()}/commitments`, {
        body: JSON.stringify({ kind: 'subcontract', number: unique('CT'), title: 'x' }),
        headers: { ...auth, 'content-type': contentType },
      });
      assertError(res, 415, 'unsupported_media_type');
    }
    const patch = await t.request('PATCH', cpath(id), { body: '{"version":1}', headers: { ...auth, 'content-type': 'text/plain' } });
    assertError(patch, 415, 'unsupported_media_type');
    const array = await admin.post(`${base()}/commitments`, [1, 2, 3]);
    assertError(array, 400, 'validation_failed');
    for (const res of [malformed, patch, array]) {
      assert.doesNotMatch(JSON.stringify(res.body), /\.ts:\d+|node_modules|SyntaxError|at [A-Za-z]+ \(/, 'no stack traces');
    }
    const ct = await admin.get(`${base()}/commitments?search=CT-`);
    assert.equal(ct.body.total, 0);
  });

  test('unknown ids and unknown routes are 404, not 500', async () => {
    assertError(await admin.get(cpath('nope')), 404, 'not_found');
    assertError(await admin.patch(cpath('nope'), { version: 1, title: 'x' }), 404, 'not_found');
    assertError(await admin.get(cpath(id, '/change-orders/nope')), 404, 'not_found');
    assertError(await admin.patch(cpath(id, '/sov/lines/nope'), { scheduledValueCents: 1 }), 404, 'not_found');
    assertError(await admin.delete(cpath(id, '/invoice-contacts/nope')), 404, 'not_found');
    assertError(await admin.delete(cpath(id, '/private-list/nope')), 404, 'not_found');
    assertError(await admin.get(`${base()}/no-such-thing`), 404, 'not_found');
  });

  test('unauthenticated requests are 401', async () => {
    assertError(await t.request('GET', `${base()}/commitments`), 401, 'unauthenticated');
    assertError(
      await t.request('GET', `${base()}/commitments`, { headers: { authorization: 'Bearer payapp_nope_nope' } }),
      401,
      'unauthenticated',
    );
  });
});
