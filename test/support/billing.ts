/**
 * Helpers for the billing-cycle API tests (issue 3): a tracked client that remembers every status
 * it saw (so a file can prove no request answered 5xx), error assertions, a project with an
 * administrator, a contact and an approved commitment, multipart uploads and the emails written.
 */
import assert from 'node:assert/strict';
import type { Commitment } from '../../src/domain/commitment.ts';
import type { Company, User } from '../../src/domain/directory.ts';
import type { Project } from '../../src/domain/project.ts';
import type { ApiResponse, TestApp } from './api.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, unique } from './factories.ts';

export type Client = Awaited<ReturnType<TestApp['as']>>;

/** Every response seen through tracked clients: `assertNo5xx` proves none was a server error. */
export type Seen = { what: string; status: number }[];

export function track(client: Client, seen: Seen): Client {
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

export function assertNo5xx(seen: Seen): void {
  const failures = seen.filter((s) => s.status >= 500);
  assert.deepEqual(failures, [], 'no request may answer 5xx');
}

export function assertError(res: ApiResponse, status: number, code?: string, field?: string): void {
  assert.equal(res.status, status, `expected ${status} ${code ?? ''}, got ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(typeof res.body?.error?.message, 'string', JSON.stringify(res.body));
  assert.ok(res.body.error.message.length > 0);
  if (code !== undefined) assert.equal(res.body.error.code, code, JSON.stringify(res.body));
  if (field !== undefined) assert.equal(res.body.error.field, field, JSON.stringify(res.body));
}

export function assertOk(res: ApiResponse, status = 200): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
}

export type BillingSetup = {
  project: Project;
  sub: Company;
  contact: User;
  admin: Client;
  contactApi: Client;
  adminUser: User;
  p: string;
};

/**
 * A project (America/New_York) with a project-level Admin on Commitments and one subcontractor
 * company whose employee is in the directory with Read Only (the usual invoice contact).
 */
export async function billingProject(t: TestApp, seen: Seen): Promise<BillingSetup> {
  const { gc } = await systemAdminOf(t.db);
  const project = await makeProject(t.db);
  const adminUser = await makeUser(t.db, gc, { name: 'Invoice Admin' });
  await addToProject(t.db, project, adminUser, 'admin');
  const sub = await makeCompany(t.db, 'subcontractor', unique('Sub'));
  const contact = await makeUser(t.db, sub, { name: 'Sub Contact' });
  await addToProject(t.db, project, contact, 'read_only');
  // The administrator hears of submissions and contacts of approvals, so every transition emails someone.
  // The list is set to the administrator alone, as if edited (a new project's list also holds its creator).
  await t.db.deleteFrom('projectInvoiceDistribution').where('tenantId', '=', project.tenantId).where('projectId', '=', project.id).execute();
  await t.db.insertInto('projectInvoiceDistribution').values({ tenantId: project.tenantId, projectId: project.id, userId: adminUser.id }).execute();
  await t.db.updateTable('projectSettings').set({ invoiceDistributionFollowsAdmins: false }).where('tenantId', '=', project.tenantId).where('projectId', '=', project.id).execute();
  await t.db.updateTable('projectSettings').set({ approvalNoticesEnabled: true }).where('tenantId', '=', project.tenantId).where('projectId', '=', project.id).execute();
  return {
    project,
    sub,
    contact,
    adminUser,
    admin: track(await t.as(adminUser.id), seen),
    contactApi: track(await t.as(contact.id), seen),
    p: `/api/v1/projects/${project.id}`,
  };
}

/** An approved commitment of `setup.sub` with `setup.contact` as its invoice contact. */
export function approvedCommitment(
  t: TestApp,
  setup: Pick<BillingSetup, 'project' | 'sub' | 'contact'>,
  options: Parameters<typeof makeCommitment>[2] = {},
): Promise<Commitment> {
  return makeCommitment(t.db, setup.project, {
    contractCompanyId: setup.sub.id,
    invoiceContactIds: [setup.contact.id],
    status: 'approved',
    retainageWorkBp: 1000,
    retainageMaterialsBp: 500,
    sov: [10_000_00, 5_000_00],
    ...options,
  });
}

/** Sends a file as multipart/form-data (field "file"), as a browser would. */
export async function upload(
  t: TestApp,
  token: string,
  path: string,
  file: { name: string; type: string; bytes: Uint8Array },
  seen?: Seen,
): Promise<ApiResponse> {
  const form = new FormData();
  form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
  const res = await t.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // keep the text
  }
  seen?.push({ what: `POST ${path}`, status: res.status });
  return { status: res.status, body: body as any, headers: res.headers };
}

/** Downloads raw bytes (attachments). */
export async function download(t: TestApp, token: string, path: string): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
  const res = await t.app.request(path, { method: 'GET', headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

export type EmailRow = { id: number; kind: string; toUserId: string | null; status: string; skipReason: string | null; payload: any };

/** The emails of a kind written so far (oldest first), with their captured payloads. */
export async function emails(t: TestApp, kind: string): Promise<EmailRow[]> {
  const rows = await t.db
    .selectFrom('emailMessages')
    .select(['id', 'kind', 'toUserId', 'status', 'skipReason', 'payload'])
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }));
}
