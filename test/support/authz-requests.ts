/**
 * One request per operation of the OpenAPI document, for the authorization matrix: real ids from
 * the fixture world and a valid body, so a 2xx means "allowed" and a refusal is about who asks.
 * Order never matters:
 * - `resource`: an operation that changes what the next call could do (a status, a deletion) acts,
 *   when expected to succeed (`fresh`), on a resource of its own; the refused calls share one per
 *   route and kind, in the state the operation needs;
 * - `stable`: an operation that leaves its resource as usable (a renamed line, one more attachment)
 *   shares one per route and kind, its version read just before each call;
 * - what a call removes (an attachment, a payment, an SOV line) is made for that call.
 */
import { formatCentsPlain } from '../../src/domain/money.ts';
import { newMessageId } from '../../src/services/notifications/enqueue-email.ts';
import { addInvoiceContact, addPrivateListUser } from '../../src/services/commitments/invoice-contacts.ts';
import { createApiToken } from '../../src/services/auth/api-tokens.ts';
import { issueInvitation } from '../../src/services/directory/issue-invitation.ts';
import { addInvoiceAttachment } from '../../src/services/billing/invoice-attachments.ts';
import { createSovLine } from '../../src/services/commitments/schedule-of-values.ts';
import { addProjectCompany } from '../../src/services/projects/project-directory.ts';
import { PASSWORD, PDF_FILE, PERIOD, SENTINELS, type Actor, type Kind, type Request, type World } from './authz-world.ts';
import { addToProject, makeCompany, makeUser, unique } from './factories.ts';

export type Cell = { actor: Actor; kind: Kind; fresh: boolean };
export type Prepared = Request & { freshSession?: boolean };
type Prepare = (w: World, cell: Cell) => Promise<Prepared>;

/** A resource of its own for a call expected to succeed; else the one the refused calls share. */
function resource<T>(w: World, cell: Cell, key: string, build: () => Promise<T>): Promise<T> {
  return cell.fresh ? build() : w.shared(`${key}:${cell.kind}`, build);
}

/** One resource per route and kind for every caller: the operation leaves it usable. */
function stable<T>(w: World, cell: Cell, key: string, build: () => Promise<T>): Promise<T> {
  return w.shared(`${key}:${cell.kind}:stable`, build);
}

const get = (path: string): Request => ({ method: 'GET', path });
const c = (w: World, cell: Cell, id = w.kinds[cell.kind].commitmentId) => `${w.p}/commitments/${id}`;
const inv = (w: World, id: string) => `${w.p}/invoices/${id}`;

/** The person behind an actor (the invoice administrator for the token and expired-session kinds). */
function userOf(w: World, actor: Actor): string {
  if (actor in w.people) return w.people[actor as keyof World['people']].id;
  return w.people.invoiceAdmin.id;
}

async function invitationToken(w: World, userId: string): Promise<string> {
  const link = await issueInvitation(w.t.db, null, userId, w.t.clock.now(), 'http://payapp.test');
  return new URL(link!.url).searchParams.get('token')!;
}

const versionOf = {
  commitment: async (w: World, id: string) => (await w.t.db.selectFrom('commitments').select('version').where('tenantId', '=', w.project.tenantId).where('id', '=', id).executeTakeFirstOrThrow()).version,
  invoice: async (w: World, id: string) => (await w.t.db.selectFrom('invoices').select('version').where('tenantId', '=', w.project.tenantId).where('id', '=', id).executeTakeFirstOrThrow()).version,
  changeOrder: async (w: World, id: string) =>
    (await w.t.db.selectFrom('changeOrders').select('version').where('tenantId', '=', w.project.tenantId).where('id', '=', id).executeTakeFirstOrThrow()).version,
  ssov: async (w: World, commitmentId: string) =>
    (await w.t.db.selectFrom('ssovs').select('version').where('tenantId', '=', w.project.tenantId).where('commitmentId', '=', commitmentId).executeTakeFirstOrThrow()).version,
  rules: async (w: World, commitmentId: string) =>
    (await w.t.db.selectFrom('commitmentRetainageRules').select('version').where('tenantId', '=', w.project.tenantId).where('commitmentId', '=', commitmentId).executeTakeFirst())
      ?.version ?? 0,
  settings: async (w: World) =>
    (await w.t.db.selectFrom('projectSettings').select('version').where('tenantId', '=', w.project.tenantId).where('projectId', '=', w.project.id).executeTakeFirstOrThrow()).version,
};

/** A new person of `company` in the project directory (Read Only): someone to add to, or remove from, a list. */
async function newcomer(w: World, company = w.companies.gc) {
  const made = await makeUser(w.t.db, company, { name: 'Newcomer' });
  await addToProject(w.t.db, w.project, made, 'read_only');
  return made;
}

const commitmentOf = (w: World, cell: Cell, key: string, options: Parameters<World['build']['commitment']>[1] = {}) =>
  resource(w, cell, key, () => w.build.commitment(cell.kind, options));
const stableCommitment = (w: World, cell: Cell, key: string, options: Parameters<World['build']['commitment']>[1] = {}) =>
  stable(w, cell, key, () => w.build.commitment(cell.kind, options));
const stableInvoice = (w: World, cell: Cell, key: string, status: 'draft' | 'under_review' | 'approved', options: Parameters<World['build']['invoice']>[2] = {}) =>
  stable(w, cell, key, () => w.build.invoice(cell.kind, status, options));
const invoiceOf = (w: World, cell: Cell, key: string, status: 'draft' | 'under_review' | 'approved', options: Parameters<World['build']['invoice']>[2] = {}) =>
  resource(w, cell, key, () => w.build.invoice(cell.kind, status, options));
const ssovOf = (w: World, cell: Cell, key: string, status: 'draft' | 'under_review' = 'draft') => resource(w, cell, key, () => w.build.ssov(cell.kind, status));

export const REQUESTS: Record<string, Prepare> = {
  // Authentication. Signing in and out end the session presented: a session actor uses a fresh one.
  'POST /api/v1/session': async (w) => ({ method: 'POST', path: '/api/v1/session', json: { email: w.extra.signIn.email, password: PASSWORD }, freshSession: true }),
  'GET /api/v1/session': async () => get('/api/v1/session'),
  'DELETE /api/v1/session': async () => ({ method: 'DELETE', path: '/api/v1/session', freshSession: true }),
  'GET /api/v1/links/{token}': async (w) => get(`/api/v1/links/${await w.shared('view link', () => invitationToken(w, w.extra.signIn.id))}`),
  'POST /api/v1/links/{token}/password': async (w, cell) => {
    // Redeeming ends the link owner's sessions: a person of its own per call.
    const token = await resource(w, cell, 'redeem', async () => invitationToken(w, (await makeUser(w.t.db, w.companies.subA, { name: 'Link Owner' })).id));
    return { method: 'POST', path: `/api/v1/links/${token}/password`, json: { password: 'a brand new matrix password' } };
  },
  'POST /api/v1/password-resets': async () => ({ method: 'POST', path: '/api/v1/password-resets', json: { email: 'nobody-in-the-matrix@example.test' } }),
  'PATCH /api/v1/me': async () => ({ method: 'PATCH', path: '/api/v1/me', json: { emailEnabled: true } }),
  'GET /api/v1/me/api-tokens': async () => get('/api/v1/me/api-tokens'),
  'POST /api/v1/me/api-tokens': async () => ({ method: 'POST', path: '/api/v1/me/api-tokens', json: { name: 'matrix' } }),
  'DELETE /api/v1/me/api-tokens/{tokenId}': async (w, cell) => {
    const { record } = await createApiToken(w.t.db, userOf(w, cell.actor), 'to revoke', w.t.clock.now());
    return { method: 'DELETE', path: `/api/v1/me/api-tokens/${record.id}` };
  },

  // The company directory.
  'GET /api/v1/companies': async () => get('/api/v1/companies'),
  'POST /api/v1/companies': async () => ({ method: 'POST', path: '/api/v1/companies', json: { name: unique('Matrix Co'), kind: 'supplier' } }),
  'GET /api/v1/companies/{companyId}': async (w) => get(`/api/v1/companies/${w.companies.subA.id}`),
  'PATCH /api/v1/companies/{companyId}': async (w) => ({ method: 'PATCH', path: `/api/v1/companies/${w.companies.target.id}`, json: { address: '1 Matrix Road' } }),
  'GET /api/v1/users': async () => get('/api/v1/users'),
  'POST /api/v1/users': async (w) => ({
    method: 'POST',
    path: '/api/v1/users',
    json: { companyId: w.companies.subA.id, name: 'New Person', email: `${unique('new')}@example.test`, password: PASSWORD },
  }),
  'GET /api/v1/users/{userId}': async (w) => get(`/api/v1/users/${w.people.employee.id}`),
  'PATCH /api/v1/users/{userId}': async (w) => ({ method: 'PATCH', path: `/api/v1/users/${w.extra.targetPerson.id}`, json: { name: 'Target Person' } }),
  'POST /api/v1/users/{userId}/invitation': async (w) => ({ method: 'POST', path: `/api/v1/users/${w.extra.targetPerson.id}/invitation` }),

  // Projects and their directory.
  'GET /api/v1/projects': async () => get('/api/v1/projects'),
  'POST /api/v1/projects': async () => ({
    method: 'POST',
    path: '/api/v1/projects',
    json: { name: unique('Matrix project'), currency: 'USD', locale: 'en-US', timeZone: 'America/New_York' },
  }),
  'GET /api/v1/projects/{projectId}': async (w) => get(w.p),
  'PATCH /api/v1/projects/{projectId}': async (w) => ({ method: 'PATCH', path: w.p, json: { address: '1 Tower Road' } }),
  'GET /api/v1/projects/{projectId}/directory': async (w) => get(`${w.p}/directory`),
  'PUT /api/v1/projects/{projectId}/directory/companies/{companyId}': async (w) => ({ method: 'PUT', path: `${w.p}/directory/companies/${w.companies.target.id}` }),
  'DELETE /api/v1/projects/{projectId}/directory/companies/{companyId}': async (w, cell) => {
    const company = await resource(w, cell, 'project company', async () => {
      const made = await makeCompany(w.t.db, 'supplier', unique('Leaving'));
      await addProjectCompany(w.t.db, w.systemViewer, w.project.id, made.id, w.t.clock.now());
      return made;
    });
    return { method: 'DELETE', path: `${w.p}/directory/companies/${company.id}` };
  },
  'PUT /api/v1/projects/{projectId}/directory/users/{userId}': async (w) => ({
    method: 'PUT',
    path: `${w.p}/directory/users/${w.extra.directoryTarget.id}`,
    json: { commitmentsPermission: 'read_only' },
  }),
  'DELETE /api/v1/projects/{projectId}/directory/users/{userId}': async (w, cell) => {
    const user = await resource(w, cell, 'project user', async () => {
      const made = await makeUser(w.t.db, w.companies.gc, { name: 'Leaving Person' });
      await addToProject(w.t.db, w.project, made, 'read_only');
      return made;
    });
    return { method: 'DELETE', path: `${w.p}/directory/users/${user.id}` };
  },
  'GET /api/v1/projects/{projectId}/audit': async (w) => get(`${w.p}/audit`),

  // Commitments, invoice contacts, private lists.
  'GET /api/v1/projects/{projectId}/commitments': async (w) => get(`${w.p}/commitments?perPage=500`),
  'POST /api/v1/projects/{projectId}/commitments': async (w) => ({ method: 'POST', path: `${w.p}/commitments`, json: { kind: 'subcontract', number: unique('NEW'), title: 'New subcontract' } }),
  'GET /api/v1/projects/{projectId}/commitments/{commitmentId}': async (w, cell) => get(c(w, cell)),
  'PATCH /api/v1/projects/{projectId}/commitments/{commitmentId}': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'patch commitment');
    return { method: 'PATCH', path: c(w, cell, id), json: { version: await versionOf.commitment(w, id), description: 'Changed by the matrix' } };
  },
  'GET /api/v1/projects/{projectId}/commitments/{commitmentId}/eligible-contacts': async (w, cell) => get(`${c(w, cell)}/eligible-contacts`),
  'POST /api/v1/projects/{projectId}/commitments/{commitmentId}/invoice-contacts': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'add contact');
    const user = await resource(w, cell, 'contact newcomer', () => newcomer(w, w.companies.subA));
    return { method: 'POST', path: `${c(w, cell, id)}/invoice-contacts`, json: { userId: user.id } };
  },
  'DELETE /api/v1/projects/{projectId}/commitments/{commitmentId}/invoice-contacts/{userId}': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'remove contact');
    const user = await resource(w, cell, 'contact leaver', async () => {
      const made = await newcomer(w, w.companies.subA);
      await addInvoiceContact(w.t.db, w.systemViewer, w.project.id, id, made.id, w.t.clock.now());
      return made;
    });
    return { method: 'DELETE', path: `${c(w, cell, id)}/invoice-contacts/${user.id}` };
  },
  'POST /api/v1/projects/{projectId}/commitments/{commitmentId}/private-list': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'add to private list');
    const user = await resource(w, cell, 'private list newcomer', () => newcomer(w));
    return { method: 'POST', path: `${c(w, cell, id)}/private-list`, json: { userId: user.id } };
  },
  'DELETE /api/v1/projects/{projectId}/commitments/{commitmentId}/private-list/{userId}': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'remove from private list');
    const user = await resource(w, cell, 'private list leaver', async () => {
      const made = await newcomer(w);
      await addPrivateListUser(w.t.db, w.systemViewer, w.project.id, id, made.id, w.t.clock.now());
      return made;
    });
    return { method: 'DELETE', path: `${c(w, cell, id)}/private-list/${user.id}` };
  },

  // Schedule of values and change orders.
  'GET /api/v1/projects/{projectId}/commitments/{commitmentId}/sov': async (w, cell) => get(`${c(w, cell)}/sov`),
  'GET /api/v1/projects/{projectId}/commitments/{commitmentId}/sov/export': async (w, cell) => get(`${c(w, cell)}/sov/export?format=csv`),
  'PUT /api/v1/projects/{projectId}/commitments/{commitmentId}/sov': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'replace sov');
    const [a, b] = SENTINELS[cell.kind].sov;
    const lines = [
      { description: 'Line 1', scheduledValueCents: a },
      { description: 'Line 2', scheduledValueCents: b },
    ];
    return { method: 'PUT', path: `${c(w, cell, id)}/sov`, json: { version: await versionOf.commitment(w, id), lines } };
  },
  'POST /api/v1/projects/{projectId}/commitments/{commitmentId}/sov/import': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'import sov');
    const [a = 0, b = 0] = SENTINELS[cell.kind].sov;
    const csv = `Item,Description,Scheduled Value\n1,Line 1,${formatCentsPlain(a)}\n2,Line 2,${formatCentsPlain(b)}\n`;
    const file = { name: 'sov.csv', type: 'text/csv', bytes: new TextEncoder().encode(csv) };
    return { method: 'POST', path: `${c(w, cell, id)}/sov/import?version=${await versionOf.commitment(w, id)}`, file };
  },
  'POST /api/v1/projects/{projectId}/commitments/{commitmentId}/sov/lines': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'add sov line');
    return { method: 'POST', path: `${c(w, cell, id)}/sov/lines`, json: { description: 'Added line', scheduledValueCents: 1_000 } };
  },
  'PATCH /api/v1/projects/{projectId}/commitments/{commitmentId}/sov/lines/{lineId}': async (w, cell) => {
    const { id, sovLineIds } = await stableCommitment(w, cell, 'change sov line');
    return { method: 'PATCH', path: `${c(w, cell, id)}/sov/lines/${sovLineIds[0]}`, json: { description: 'Renamed line' } };
  },
  'DELETE /api/v1/projects/{projectId}/commitments/{commitmentId}/sov/lines/{lineId}': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'delete sov line');
    const line = await resource(w, cell, 'sov line to delete', () =>
      createSovLine(w.t.db, w.systemViewer, w.project.id, id, { description: 'To delete', scheduledValueCents: 500 }, w.t.clock.now()),
    );
    return { method: 'DELETE', path: `${c(w, cell, id)}/sov/lines/${line.id}` };
  },
  'GET /api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders': async (w, cell) => get(`${c(w, cell)}/change-orders`),
  'POST /api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'create change order');
    return {
      method: 'POST',
      path: `${c(w, cell, id)}/change-orders`,
      json: { number: unique('CO'), title: 'Draft change', lines: [{ description: 'More work', amountCents: 1_000 }] },
    };
  },
  'GET /api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}': async (w, cell) =>
    get(`${c(w, cell)}/change-orders/${w.kinds[cell.kind].changeOrderId}`),
  'PATCH /api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}': async (w, cell) => {
    const { id, co } = await stable(w, cell, 'change change order', async () => {
      const made = await w.build.commitment(cell.kind);
      const draft = await w.sys.post(`${w.p}/commitments/${made.id}/change-orders`, { number: unique('CO'), title: 'Draft', lines: [{ description: 'x', amountCents: 500 }] });
      return { id: made.id, co: w.ok(draft, 'draft change order') as { id: string } };
    });
    return { method: 'PATCH', path: `${c(w, cell, id)}/change-orders/${co.id}`, json: { version: await versionOf.changeOrder(w, co.id), title: 'Renamed change' } };
  },

  // Subcontractor SOV.
  'GET /api/v1/projects/{projectId}/commitments/{commitmentId}/ssov': async (w, cell) => get(`${c(w, cell, w.kinds[cell.kind].ssovCommitmentId)}/ssov`),
  'PUT /api/v1/projects/{projectId}/commitments/{commitmentId}/ssov': async (w, cell) => {
    const s = await stable(w, cell, 'save ssov', () => w.build.ssov(cell.kind));
    const lines = s.sovLineIds.map((sovLineId, i) => ({ sovLineId, description: `Part ${i + 1}`, amountCents: SENTINELS[cell.kind].sov[i] }));
    return { method: 'PUT', path: `${c(w, cell, s.commitmentId)}/ssov`, json: { version: await versionOf.ssov(w, s.commitmentId), lines } };
  },
  'POST /api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/submit': async (w, cell) => {
    const s = await ssovOf(w, cell, 'submit ssov');
    return { method: 'POST', path: `${c(w, cell, s.commitmentId)}/ssov/submit`, json: { version: s.version } };
  },
  'POST /api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/approve': async (w, cell) => {
    const s = await ssovOf(w, cell, 'approve ssov');
    return { method: 'POST', path: `${c(w, cell, s.commitmentId)}/ssov/approve`, json: { version: s.version } };
  },
  'POST /api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/send-back': async (w, cell) => {
    const s = await ssovOf(w, cell, 'send back ssov', 'under_review');
    return { method: 'POST', path: `${c(w, cell, s.commitmentId)}/ssov/send-back`, json: { version: s.version, reason: 'Split line 1 by floor.' } };
  },
  'POST /api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/request': async (w, cell) => {
    const s = await stable(w, cell, 'request ssov', () => w.build.ssov(cell.kind));
    return { method: 'POST', path: `${c(w, cell, s.commitmentId)}/ssov/request`, json: {} };
  },

  // Invoicing settings and billing periods.
  'GET /api/v1/projects/{projectId}/invoicing-settings': async (w) => get(`${w.p}/invoicing-settings`),
  'PATCH /api/v1/projects/{projectId}/invoicing-settings': async (w) => ({
    method: 'PATCH',
    path: `${w.p}/invoicing-settings`,
    json: { version: await versionOf.settings(w), inviteMessage: 'Please bill by the due date.' },
  }),
  'PUT /api/v1/projects/{projectId}/invoicing-settings/distribution': async (w) => ({
    method: 'PUT',
    path: `${w.p}/invoicing-settings/distribution`,
    json: { userIds: [w.people.invoiceAdmin.id] },
  }),
  'GET /api/v1/company-settings': async () => get('/api/v1/company-settings'),
  'PATCH /api/v1/company-settings': async () => ({ method: 'PATCH', path: '/api/v1/company-settings', json: { preventOverbillingAllProjects: false } }),
  'GET /api/v1/projects/{projectId}/billing-periods': async (w) => get(`${w.p}/billing-periods`),
  // Opening, changing or deleting a period changes the whole project: an allowed call gets a project of its own.
  'POST /api/v1/projects/{projectId}/billing-periods': async (w, cell) => {
    const projectId = cell.fresh ? (await w.build.project(false)).projectId : w.project.id;
    return { method: 'POST', path: `/api/v1/projects/${projectId}/billing-periods`, json: PERIOD };
  },
  'PATCH /api/v1/projects/{projectId}/billing-periods/{periodId}': async (w, cell) => {
    const { projectId, periodId } = cell.fresh ? await w.build.project(true) : { projectId: w.project.id, periodId: w.period.id };
    const periods = (await w.sys.get(`/api/v1/projects/${projectId}/billing-periods`)).body.data as { id: string; version: number }[];
    const current = periods.find((p) => p.id === periodId)!;
    return { method: 'PATCH', path: `/api/v1/projects/${projectId}/billing-periods/${periodId}`, json: { version: current.version, dueOn: '2026-12-06' } };
  },
  'DELETE /api/v1/projects/{projectId}/billing-periods/{periodId}': async (w, cell) => {
    const { projectId, periodId } = cell.fresh ? await w.build.project(true) : { projectId: w.project.id, periodId: w.period.id };
    return { method: 'DELETE', path: `/api/v1/projects/${projectId}/billing-periods/${periodId}` };
  },
  'POST /api/v1/projects/{projectId}/invites': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'invite');
    return { method: 'POST', path: `${w.p}/invites`, json: { commitmentIds: [id] } };
  },
  'POST /api/v1/projects/{projectId}/commitments/{commitmentId}/invite-response': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'answer invite', { invite: true });
    return { method: 'POST', path: `${c(w, cell, id)}/invite-response`, json: { response: 'accepted' } };
  },
  'GET /api/v1/projects/{projectId}/billing-board': async (w) => get(`${w.p}/billing-board`),
  // CSV, so the sentinel scan reads the exported text.
  'GET /api/v1/projects/{projectId}/invoice-register': async (w) => get(`${w.p}/invoice-register?format=csv`),

  // Invoices.
  'GET /api/v1/projects/{projectId}/invoices': async (w) => get(`${w.p}/invoices`),
  'POST /api/v1/projects/{projectId}/commitments/{commitmentId}/invoices': async (w, cell) => {
    const { id } = await commitmentOf(w, cell, 'create invoice', { invite: true });
    return { method: 'POST', path: `${c(w, cell, id)}/invoices`, json: {} };
  },
  'GET /api/v1/projects/{projectId}/invoices/{invoiceId}': async (w, cell) => get(inv(w, w.kinds[cell.kind].invoice.invoiceId)),
  'PATCH /api/v1/projects/{projectId}/invoices/{invoiceId}': async (w, cell) => {
    const i = await stableInvoice(w, cell, 'patch invoice', 'draft');
    return { method: 'PATCH', path: inv(w, i.invoiceId), json: { version: await versionOf.invoice(w, i.invoiceId), comments: 'Matrix comment' } };
  },
  'PUT /api/v1/projects/{projectId}/invoices/{invoiceId}/lines': async (w, cell) => {
    const i = await stableInvoice(w, cell, 'claim', 'draft');
    return { method: 'PUT', path: `${inv(w, i.invoiceId)}/lines`, json: { version: await versionOf.invoice(w, i.invoiceId), lines: [{ lineId: i.lineIds[0], workCompletedThisPeriodCents: SENTINELS[cell.kind].claim }] } };
  },
  'POST /api/v1/projects/{projectId}/invoices/{invoiceId}/review': async (w, cell) => {
    const i = await stableInvoice(w, cell, 'review', 'under_review');
    return { method: 'POST', path: `${inv(w, i.invoiceId)}/review`, json: { version: await versionOf.invoice(w, i.invoiceId), lines: [{ lineId: i.lineIds[0], decision: 'approved' }] } };
  },
  'POST /api/v1/projects/{projectId}/invoices/{invoiceId}/transitions': async (w, cell) => {
    const i = await invoiceOf(w, cell, 'submit', 'draft');
    return { method: 'POST', path: `${inv(w, i.invoiceId)}/transitions`, json: { action: 'submit', version: i.version } };
  },
  'POST /api/v1/projects/{projectId}/invoices/{invoiceId}/apply-current-retainage-rules': async (w, cell) => {
    const i = await invoiceOf(w, cell, 'apply rules', 'draft', { rulesChangedAfter: true });
    return { method: 'POST', path: `${inv(w, i.invoiceId)}/apply-current-retainage-rules`, json: { version: i.version } };
  },
  'POST /api/v1/projects/{projectId}/invoices/bulk-transitions': async (w, cell) => {
    const i = await invoiceOf(w, cell, 'bulk', 'under_review');
    return { method: 'POST', path: `${w.p}/invoices/bulk-transitions`, json: { invoiceIds: [i.invoiceId], action: 'approve' } };
  },
  'GET /api/v1/projects/{projectId}/invoices/{invoiceId}/audit': async (w, cell) => get(`${inv(w, w.kinds[cell.kind].invoice.invoiceId)}/audit`),
  'GET /api/v1/projects/{projectId}/invoices/{invoiceId}/pdf': async (w, cell) => get(`${inv(w, w.kinds[cell.kind].invoice.invoiceId)}/pdf`),
  'GET /api/v1/projects/{projectId}/invoices/{invoiceId}/export': async (w, cell) => get(`${inv(w, w.kinds[cell.kind].invoice.invoiceId)}/export?format=csv`),
  'POST /api/v1/projects/{projectId}/invoices/{invoiceId}/attachments': async (w, cell) => {
    const i = await stableInvoice(w, cell, 'attach', 'draft');
    return { method: 'POST', path: `${inv(w, i.invoiceId)}/attachments`, file: PDF_FILE };
  },
  'GET /api/v1/projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId}': async (w, cell) => {
    const i = w.kinds[cell.kind].invoice;
    return get(`${inv(w, i.invoiceId)}/attachments/${i.attachmentId}`);
  },
  'DELETE /api/v1/projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId}': async (w, cell) => {
    const i = await stableInvoice(w, cell, 'remove attachment', 'draft');
    const file = await resource(w, cell, 'attachment to remove', () => addInvoiceAttachment(w.t.db, w.systemViewer, w.project.id, i.invoiceId, w.build.pdf(), w.t.clock.now()));
    return { method: 'DELETE', path: `${inv(w, i.invoiceId)}/attachments/${file.id}` };
  },

  // Payments.
  'GET /api/v1/projects/{projectId}/invoices/{invoiceId}/payments': async (w, cell) => get(`${inv(w, w.kinds[cell.kind].invoice.invoiceId)}/payments`),
  'POST /api/v1/projects/{projectId}/invoices/{invoiceId}/payments': async (w, cell) => {
    const i = await stableInvoice(w, cell, 'pay', 'approved');
    return { method: 'POST', path: `${inv(w, i.invoiceId)}/payments`, json: { amountCents: 100, paidOn: '2026-11-02', method: 'check' } };
  },
  'POST /api/v1/projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/void': async (w, cell) => {
    const i = await stableInvoice(w, cell, 'void', 'approved');
    const paymentId = await resource(w, cell, 'payment to void', () => w.build.payment(i.invoiceId));
    return { method: 'POST', path: `${inv(w, i.invoiceId)}/payments/${paymentId}/void`, json: { reason: 'Recorded twice.' } };
  },
  'POST /api/v1/projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/attachments': async (w, cell) => {
    const i = await stableInvoice(w, cell, 'attach to payment', 'approved', { payment: true });
    return { method: 'POST', path: `${inv(w, i.invoiceId)}/payments/${i.paymentId}/attachments`, file: PDF_FILE };
  },
  'GET /api/v1/projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/attachments/{attachmentId}': async (w, cell) => {
    const i = w.kinds[cell.kind].invoice;
    return get(`${inv(w, i.invoiceId)}/payments/${i.paymentId}/attachments/${i.paymentAttachmentId}`);
  },
  'GET /api/v1/projects/{projectId}/payment-rollups': async (w) => get(`${w.p}/payment-rollups`),

  // Sliding-scale rules.
  'GET /api/v1/projects/{projectId}/commitments/{commitmentId}/retainage-rules': async (w, cell) => get(`${c(w, cell)}/retainage-rules`),
  'PUT /api/v1/projects/{projectId}/commitments/{commitmentId}/retainage-rules': async (w, cell) => {
    const { id } = await stableCommitment(w, cell, 'set rules', { rules: true });
    const rules = [{ kind: 'until_amount', rateBp: 1000, capCents: SENTINELS[cell.kind].cap }];
    return { method: 'PUT', path: `${c(w, cell, id)}/retainage-rules`, json: { version: await versionOf.rules(w, id), rules, afterRateBp: 0 } };
  },

  // Email.
  'GET /api/v1/projects/{projectId}/emails': async (w) => get(`${w.p}/emails`),
  'POST /api/v1/projects/{projectId}/emails/{emailId}/retry': async (w, cell) => {
    const id = await resource(w, cell, 'retry email', async () => {
      const row = await w.t.db
        .insertInto('emailMessages')
        .values({
          kind: 'invoice_submitted',
          projectId: w.project.id,
          toUserId: w.people.invoiceAdmin.id,
          toAddress: w.people.invoiceAdmin.email,
          payload: '{}',
          status: 'failed',
          subject: 'A failed email',
          messageId: newMessageId(),
          nextAttemptAt: w.t.clock.now(),
          createdAt: w.t.clock.now(),
          lastError: 'refused',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    });
    return { method: 'POST', path: `${w.p}/emails/${id}/retry` };
  },
  'GET /api/v1/emails': async () => get('/api/v1/emails'),

  // Work queues and preferences.
  'GET /api/v1/projects/{projectId}/commitments/{commitmentId}/billing': async (w, cell) => get(`${c(w, cell)}/billing`),
  'GET /api/v1/me/work': async () => get('/api/v1/me/work'),
  'GET /api/v1/me/attention': async () => get('/api/v1/me/attention'),
  'GET /api/v1/me/preferences/{key}': async () => get('/api/v1/me/preferences/billing-board.columns'),
  'PUT /api/v1/me/preferences/{key}': async () => ({ method: 'PUT', path: '/api/v1/me/preferences/billing-board.columns', json: { value: { hidden: [], shown: [] } } }),
};

/** Operations whose path names a commitment or an invoice: checked once per kind of commitment. */
export function isPerKind(route: string): boolean {
  return route.includes('{commitmentId}') || route.includes('{invoiceId}');
}
