/**
 * Issue 2, visibility: who can list and read which commitments, SOV lines and change orders —
 * through the HTTP API, for every kind of user. One project (plus a second one for an outsider)
 * is built once; the whole policy is the MATRIX below.
 *
 * The commitments of the main project:
 *   A  private, contract company SubA, invoice contact = contactOfA
 *   B  private, contract company SubB, invoice contact = contactOfB
 *   C  NOT private, contract company SubA, no contacts
 *   D  private, SubA, explicit private-list entry for listedOnD, "see SOV items" off
 *   E  private, SubA, explicit private-list entry for listedOnE (and for the None user), "see SOV items" on
 * Each has SOV lines and one approved change order.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Company, User } from '../../src/domain/directory.ts';
import type { Project } from '../../src/domain/project.ts';
import { createTestApp, type ApiResponse, type TestApp } from '../support/api.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

type Letter = 'A' | 'B' | 'C' | 'D' | 'E';
const LETTERS: Letter[] = ['A', 'B', 'C', 'D', 'E'];

/** What one user gets for one commitment. */
const S = 'visible, SOV items visible';
const V = 'visible, SOV items private (403)';
const x = 'not found (404)';
type Cell = typeof S | typeof V | typeof x;

type Who =
  | 'companyAdmin'
  | 'projectAdmin'
  | 'standard'
  | 'readOnly'
  | 'none'
  | 'contactOfA'
  | 'subAEmployee'
  | 'contactOfB'
  | 'listedOnD'
  | 'listedOnE'
  | 'outsider';

/**
 * THE POLICY. `project: false` means the main project itself answers 404 to this user.
 * `admin` means they see the private list and can edit.
 */
const MATRIX: Record<Who, { project: boolean; admin: boolean; sees: [Cell, Cell, Cell, Cell, Cell] }> = {
  //                                                     A  B  C  D  E
  companyAdmin: /* not in the directory    */ { project: true, admin: true, sees: [S, S, S, S, S] },
  projectAdmin: /* GC, Admin               */ { project: true, admin: true, sees: [S, S, S, S, S] },
  standard: /*     GC, Standard            */ { project: true, admin: false, sees: [x, x, S, x, x] },
  readOnly: /*     GC, Read Only           */ { project: true, admin: false, sees: [x, x, S, x, x] },
  none: /*         GC, None, listed on E   */ { project: true, admin: false, sees: [x, x, x, x, x] },
  contactOfA: /*   SubA, Read Only         */ { project: true, admin: false, sees: [S, x, S, x, x] },
  subAEmployee: /* SubA, Read Only         */ { project: true, admin: false, sees: [x, x, S, x, x] },
  contactOfB: /*   SubB, Read Only         */ { project: true, admin: false, sees: [x, S, S, x, x] },
  listedOnD: /*    GC, Standard            */ { project: true, admin: false, sees: [x, x, S, V, x] },
  listedOnE: /*    GC, Read Only           */ { project: true, admin: false, sees: [x, x, S, x, S] },
  outsider: /*     SubC, other project only*/ { project: false, admin: false, sees: [x, x, x, x, x] },
};

/** SOV lines (cents) and the approved change order's lines of each commitment. */
const AMOUNTS: Record<Letter, { sov: number[]; co: number[] }> = {
  A: { sov: [1_000_000, 250_000], co: [50_000] },
  B: { sov: [2_000_000, 10_050, 5], co: [70_000, -20_000] },
  C: { sov: [300_000], co: [12_345] },
  D: { sov: [400_000, 400_000], co: [-1_000] },
  E: { sov: [999, 1], co: [100] },
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

let database: TestDatabase;
let t: TestApp;
let project: Project;
let otherProject: Project;
let otherProjectCommitmentId: string;
const users = {} as Record<Who, User>;
const clients = {} as Record<Who, Awaited<ReturnType<TestApp['as']>>>;
const commitments = {} as Record<Letter, { id: string; number: string; changeOrderId: string }>;

const base = () => `/api/v1/projects/${project.id}`;
const path = (l: Letter, rest = '') => `${base()}/commitments/${commitments[l].id}${rest}`;

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  const { admin, gc } = await systemAdminOf(t.db);
  const api = await t.as(admin.id);

  project = await makeProject(t.db, { name: 'Visibility tower' });
  otherProject = await makeProject(t.db, { name: 'Elsewhere' });
  const subA: Company = await makeCompany(t.db, 'subcontractor', 'SubA Drywall');
  const subB: Company = await makeCompany(t.db, 'subcontractor', 'SubB Electric');
  const subC: Company = await makeCompany(t.db, 'supplier', 'SubC Supply');

  users.companyAdmin = await makeUser(t.db, gc, { name: 'Company Admin', isCompanyAdmin: true });
  users.projectAdmin = await makeUser(t.db, gc, { name: 'Project Admin' });
  users.standard = await makeUser(t.db, gc, { name: 'Standard User' });
  users.readOnly = await makeUser(t.db, gc, { name: 'Read Only User' });
  users.none = await makeUser(t.db, gc, { name: 'None User' });
  users.contactOfA = await makeUser(t.db, subA, { name: 'Contact Of A' });
  users.subAEmployee = await makeUser(t.db, subA, { name: 'SubA Employee' });
  users.contactOfB = await makeUser(t.db, subB, { name: 'Contact Of B' });
  users.listedOnD = await makeUser(t.db, gc, { name: 'Listed On D' });
  users.listedOnE = await makeUser(t.db, gc, { name: 'Listed On E' });
  users.outsider = await makeUser(t.db, subC, { name: 'Outsider' });

  await addToProject(t.db, project, users.projectAdmin, 'admin');
  await addToProject(t.db, project, users.standard, 'standard');
  await addToProject(t.db, project, users.readOnly, 'read_only');
  await addToProject(t.db, project, users.none, 'none');
  await addToProject(t.db, project, users.contactOfA, 'read_only');
  await addToProject(t.db, project, users.subAEmployee, 'read_only');
  await addToProject(t.db, project, users.contactOfB, 'read_only');
  await addToProject(t.db, project, users.listedOnD, 'standard');
  await addToProject(t.db, project, users.listedOnE, 'read_only');
  // The outsider is Admin — but on another project only.
  await addToProject(t.db, otherProject, users.outsider, 'admin');

  const spec: Record<Letter, Parameters<typeof makeCommitment>[2]> = {
    A: { number: 'A-100', contractCompanyId: subA.id, invoiceContactIds: [users.contactOfA.id] },
    B: { number: 'B-200', contractCompanyId: subB.id, invoiceContactIds: [users.contactOfB.id] },
    C: { number: 'C-300', contractCompanyId: subA.id, isPrivate: false, invoiceContactIds: [] },
    D: { number: 'D-400', contractCompanyId: subA.id, privateSovVisible: false, invoiceContactIds: [] },
    E: { number: 'E-500', contractCompanyId: subA.id, privateSovVisible: true, invoiceContactIds: [] },
  };
  for (const l of LETTERS) {
    const c = await makeCommitment(t.db, project, { ...spec[l], title: `Commitment ${l}`, sov: AMOUNTS[l].sov });
    const co = await api.post(`${base()}/commitments/${c.id}/change-orders`, {
      number: `CO-${l}`,
      title: `Change ${l}`,
      status: 'approved',
      lines: AMOUNTS[l].co.map((amountCents, i) => ({ description: `CO line ${i + 1}`, amountCents })),
    });
    assert.equal(co.status, 201, JSON.stringify(co.body));
    commitments[l] = { id: c.id, number: c.number, changeOrderId: co.body.id };
  }
  const listD = await api.post(path('D', '/private-list'), { userId: users.listedOnD.id });
  assert.equal(listD.status, 200, JSON.stringify(listD.body));
  const listE = await api.post(path('E', '/private-list'), { userId: users.listedOnE.id });
  assert.equal(listE.status, 200, JSON.stringify(listE.body));
  // Being on a private list does not help a user with None.
  const listNone = await api.post(path('E', '/private-list'), { userId: users.none.id });
  assert.equal(listNone.status, 200, JSON.stringify(listNone.body));

  const other = await makeCommitment(t.db, otherProject, { number: 'X-1', isPrivate: false, sov: [100] });
  otherProjectCommitmentId = other.id;

  for (const who of Object.keys(MATRIX) as Who[]) clients[who] = await t.as(users[who].id);
});
after(() => database.close());

const expectedNumbers = (who: Who) =>
  LETTERS.filter((_, i) => MATRIX[who].sees[i] !== x).map((l) => commitments[l].number).sort();

function assertNotFound(res: ApiResponse, reference: ApiResponse, what: string) {
  assert.equal(res.status, 404, `${what}: expected 404, got ${res.status} ${JSON.stringify(res.body)}`);
  assert.deepEqual(res.body, reference.body, `${what}: a hidden resource must answer exactly like a missing one`);
}

describe('the visibility matrix, user by user', () => {
  for (const who of Object.keys(MATRIX) as Who[]) {
    const row = MATRIX[who];

    test(`${who}: lists exactly ${row.sees.map((c, i) => (c === x ? '' : LETTERS[i])).join('') || 'nothing'}`, async () => {
      const api = clients[who];
      const list = await api.get(`${base()}/commitments?perPage=500`);
      if (!row.project) {
        const missing = await api.get(`/api/v1/projects/${randomUUID()}/commitments`);
        assertNotFound(list, missing, `${who} lists commitments of a project they are not in`);
        return;
      }
      assert.equal(list.status, 200, JSON.stringify(list.body));
      const numbers = list.body.data.map((c: { number: string }) => c.number).sort();
      assert.deepEqual(numbers, expectedNumbers(who));
      assert.equal(list.body.total, numbers.length, 'total counts only what the user may see');

      for (const item of list.body.data as Record<string, unknown>[]) {
        const l = LETTERS.find((k) => commitments[k].number === item.number)!;
        const cell = row.sees[LETTERS.indexOf(l)];
        const { sov, co } = AMOUNTS[l];
        if (cell === S) {
          assert.equal(item.originalContractSumCents, sum(sov), `${l}: original sum`);
          assert.equal(item.approvedChangeOrdersCents, sum(co), `${l}: approved COs`);
          assert.equal(item.revisedContractSumCents, sum(sov) + sum(co), `${l}: revised sum`);
        } else {
          assert.equal(item.originalContractSumCents, null, `${l}: amounts hidden when SOV items are private`);
          assert.equal(item.approvedChangeOrdersCents, null, `${l}: amounts hidden`);
          assert.equal(item.revisedContractSumCents, null, `${l}: amounts hidden`);
        }
      }
    });

    test(`${who}: reads each commitment, its SOV and change orders as the matrix says`, async () => {
      const api = clients[who];
      const missingId = randomUUID();
      const missing = await api.get(`${base()}/commitments/${missingId}`);
      if (row.project) assert.equal(missing.status, 404);

      for (const [i, l] of LETTERS.entries()) {
        const cell = row.sees[i];
        const detail = await api.get(path(l));
        const sov = await api.get(path(l, '/sov'));
        const cos = await api.get(path(l, '/change-orders'));
        const co = await api.get(path(l, `/change-orders/${commitments[l].changeOrderId}`));

        if (cell === x) {
          // Same answer as a commitment that does not exist, for every sub-resource too.
          assertNotFound(detail, missing, `${who} GET ${l}`);
          assertNotFound(sov, await api.get(`${base()}/commitments/${missingId}/sov`), `${who} GET ${l}/sov`);
          assertNotFound(cos, await api.get(`${base()}/commitments/${missingId}/change-orders`), `${who} GET ${l}/change-orders`);
          assertNotFound(
            co,
            await api.get(`${base()}/commitments/${missingId}/change-orders/${commitments[l].changeOrderId}`),
            `${who} GET ${l}/change-orders/{id}`,
          );
          continue;
        }

        assert.equal(detail.status, 200, `${who} GET ${l}: ${JSON.stringify(detail.body)}`);
        assert.equal(detail.body.commitment.number, commitments[l].number);
        assert.equal(detail.body.you.canEdit, row.admin, `${who} canEdit on ${l}`);
        assert.equal(detail.body.you.canSeeSovItems, cell === S, `${who} canSeeSovItems on ${l}`);
        assert.equal(detail.body.you.isInvoiceContact, (who === 'contactOfA' && l === 'A') || (who === 'contactOfB' && l === 'B'));
        if (row.admin) assert.ok(Array.isArray(detail.body.privateList), `${who} sees the private list of ${l}`);
        else assert.equal(detail.body.privateList, null, `${who} must not see the private list of ${l}`);

        const { sov: sovAmounts, co: coAmounts } = AMOUNTS[l];
        if (cell === S) {
          assert.deepEqual(detail.body.totals, {
            originalContractSumCents: sum(sovAmounts),
            approvedChangeOrdersCents: sum(coAmounts),
            revisedContractSumCents: sum(sovAmounts) + sum(coAmounts),
          });
          assert.equal(sov.status, 200, `${who} GET ${l}/sov: ${JSON.stringify(sov.body)}`);
          assert.deepEqual(
            sov.body.lines.map((line: { scheduledValueCents: number }) => line.scheduledValueCents),
            sovAmounts,
          );
          assert.equal(sov.body.totalCents, sum(sovAmounts));
          assert.equal(cos.status, 200, `${who} GET ${l}/change-orders`);
          assert.deepEqual(
            cos.body.data.map((c: { number: string; status: string; totalCents: number }) => [c.number, c.status, c.totalCents]),
            [[`CO-${l}`, 'approved', sum(coAmounts)]],
          );
          assert.equal(co.status, 200, `${who} GET ${l}/change-orders/{id}`);
          assert.deepEqual(
            co.body.lines.map((line: { amountCents: number }) => line.amountCents),
            coAmounts,
          );
        } else {
          assert.equal(detail.body.totals, null, `${who} must not see the totals of ${l}`);
          for (const [name, res] of [
            ['sov', sov],
            ['change-orders', cos],
            ['change-orders/{id}', co],
          ] as const) {
            assert.equal(res.status, 403, `${who} GET ${l}/${name}: expected 403, got ${res.status}`);
            assert.equal(res.body.error.code, 'forbidden');
            assert.equal(JSON.stringify(res.body).includes('scheduledValueCents'), false);
          }
        }
      }
    });
  }
});

describe('existence never leaks', () => {
  test('a project you are not in answers like a missing project, on every path', async () => {
    const api = clients.outsider;
    const random = randomUUID();
    assertNotFound(await api.get(`${base()}`), await api.get(`/api/v1/projects/${random}`), 'GET project');
    assertNotFound(
      await api.get(path('C')),
      await api.get(`/api/v1/projects/${random}/commitments/${commitments.C.id}`),
      'GET a public commitment of a project you are not in',
    );
    assertNotFound(
      await api.get(path('C', '/sov')),
      await api.get(`/api/v1/projects/${random}/commitments/${commitments.C.id}/sov`),
      'GET its SOV',
    );
    const projects = await api.get('/api/v1/projects');
    assert.equal(projects.status, 200);
    assert.deepEqual(
      projects.body.data.map((p: { id: string }) => p.id),
      [otherProject.id],
    );
  });

  test('a commitment of another project is not found under this project, even for a company admin', async () => {
    for (const who of ['companyAdmin', 'projectAdmin'] as const) {
      const api = clients[who];
      const wrong = await api.get(`${base()}/commitments/${otherProjectCommitmentId}`);
      const missing = await api.get(`${base()}/commitments/${randomUUID()}`);
      assertNotFound(wrong, missing, `${who}: commitment of another project`);
    }
    // And the outsider, Admin there, still cannot reach this project's commitments through theirs.
    const outsider = clients.outsider;
    const cross = await outsider.get(`/api/v1/projects/${otherProject.id}/commitments/${commitments.C.id}`);
    const missing = await outsider.get(`/api/v1/projects/${otherProject.id}/commitments/${randomUUID()}`);
    assertNotFound(cross, missing, 'outsider: commitment id of another project');
    assert.equal((await outsider.get(`/api/v1/projects/${otherProject.id}/commitments/${otherProjectCommitmentId}`)).status, 200);
  });

  test('a malformed id answers 404 like a missing one, never 500', async () => {
    const api = clients.readOnly;
    const missing = await api.get(`${base()}/commitments/${randomUUID()}`);
    for (const bad of ['not-a-uuid', '1', "x'%20or%201=1--"]) {
      assertNotFound(await api.get(`${base()}/commitments/${bad}`), missing, `GET commitments/${bad}`);
    }
    const project404 = await api.get(`/api/v1/projects/${randomUUID()}`);
    assertNotFound(await api.get('/api/v1/projects/nope'), project404, 'GET projects/nope');
  });

  test('hidden commitments do not show up through list filters either', async () => {
    const api = clients.subAEmployee;
    const byCompany = await api.get(`${base()}/commitments?contractCompanyId=${(await detailAsAdmin('A')).commitment.contractCompanyId}`);
    assert.equal(byCompany.status, 200);
    assert.deepEqual(
      byCompany.body.data.map((c: { number: string }) => c.number),
      [commitments.C.number],
    );
    const byContact = await api.get(`${base()}/commitments?contactUserId=${users.contactOfA.id}`);
    assert.equal(byContact.status, 200);
    assert.deepEqual(byContact.body.data, []);
    assert.equal(byContact.body.total, 0);
    const bySearch = await api.get(`${base()}/commitments?search=A-100`);
    assert.deepEqual(bySearch.body.data, []);
  });
});

async function detailAsAdmin(l: Letter) {
  const res = await clients.projectAdmin.get(path(l));
  assert.equal(res.status, 200);
  return res.body;
}

describe('the private list', () => {
  test('admins see who is on it and why; contacts are on it automatically', async () => {
    const entries = async (l: Letter) =>
      ((await detailAsAdmin(l)).privateList as { userId: string; isExplicit: boolean; isInvoiceContact: boolean }[])
        .map((e) => ({ userId: e.userId, isExplicit: e.isExplicit, isInvoiceContact: e.isInvoiceContact }))
        .sort((a, b) => a.userId.localeCompare(b.userId));
    const byId = <T extends { userId: string }>(list: T[]) => [...list].sort((a, b) => a.userId.localeCompare(b.userId));

    assert.deepEqual(await entries('A'), [{ userId: users.contactOfA.id, isExplicit: false, isInvoiceContact: true }]);
    assert.deepEqual(await entries('B'), [{ userId: users.contactOfB.id, isExplicit: false, isInvoiceContact: true }]);
    assert.deepEqual(await entries('C'), []);
    assert.deepEqual(await entries('D'), [{ userId: users.listedOnD.id, isExplicit: true, isInvoiceContact: false }]);
    assert.deepEqual(
      await entries('E'),
      byId([
        { userId: users.listedOnE.id, isExplicit: true, isInvoiceContact: false },
        { userId: users.none.id, isExplicit: true, isInvoiceContact: false },
      ]),
    );
    // The company admin, outside the directory, sees the same.
    const asCompanyAdmin = await clients.companyAdmin.get(path('D'));
    assert.deepEqual(
      asCompanyAdmin.body.privateList.map((e: { userId: string }) => e.userId),
      [users.listedOnD.id],
    );
  });

  test('making a private commitment public shows it to Read Only users; making it private again hides it', async () => {
    const admin = clients.projectAdmin;
    const ro = clients.readOnly;
    assert.equal((await ro.get(path('B'))).status, 404);
    const current = await detailAsAdmin('B');
    const open = await admin.patch(path('B'), { version: current.commitment.version, isPrivate: false });
    assert.equal(open.status, 200, JSON.stringify(open.body));
    try {
      const seen = await ro.get(path('B'));
      assert.equal(seen.status, 200);
      assert.equal(seen.body.you.canSeeSovItems, true, 'a non-private commitment shows its SOV to Read Only');
      assert.equal((await ro.get(path('B', '/sov'))).status, 200);
      const list = await ro.get(`${base()}/commitments`);
      assert.ok(list.body.data.some((c: { number: string }) => c.number === commitments.B.number));
      assert.equal((await clients.none.get(path('B'))).status, 404, 'None still sees nothing');
    } finally {
      const close = await admin.patch(path('B'), { version: open.body.commitment.version, isPrivate: true });
      assert.equal(close.status, 200, JSON.stringify(close.body));
    }
    assert.equal((await ro.get(path('B'))).status, 404);
  });

  test('turning "see SOV items" on for D lets the listed user read its SOV; off again hides it', async () => {
    const admin = clients.projectAdmin;
    const listed = clients.listedOnD;
    assert.equal((await listed.get(path('D', '/sov'))).status, 403);
    const current = await detailAsAdmin('D');
    const on = await admin.patch(path('D'), { version: current.commitment.version, privateSovVisible: true });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    try {
      assert.equal((await listed.get(path('D', '/sov'))).status, 200);
      assert.equal((await listed.get(path('D'))).body.totals.originalContractSumCents, sum(AMOUNTS.D.sov));
      // Still private to everyone else.
      assert.equal((await clients.standard.get(path('D'))).status, 404);
    } finally {
      const off = await admin.patch(path('D'), { version: on.body.commitment.version, privateSovVisible: false });
      assert.equal(off.status, 200, JSON.stringify(off.body));
    }
    assert.equal((await listed.get(path('D', '/sov'))).status, 403);
  });
});
