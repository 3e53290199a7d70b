/**
 * The fixture world of the authorization matrix (test/api/authorization-matrix.test.ts): one
 * project with a private and a non-private commitment of SubA (its invoice contact `contact`), each
 * with an SOV, an approved change order, sliding-scale rules, an approved invoice with a payment and
 * attachments, and a Subcontractor SOV commitment beside it; a private commitment of SubB (its
 * contact `otherContact`); the people of every actor kind, and how each authenticates.
 *
 * Every commitment of a kind carries that kind's SENTINELS — a title and amounts that occur nowhere
 * else — so the matrix can scan every answer for data its caller must not see.
 *
 * Writes need resources in the right state: `fresh` builders make a new one (a commitment, an
 * invoice in a given status, a Subcontractor SOV, a project) for each call that is expected to
 * succeed, and `shared(key, …)` builds one per route and kind for the calls expected to be refused,
 * which must leave it as it was.
 */
import assert from 'node:assert/strict';
import type { Company, User } from '../../src/domain/directory.ts';
import { insertSession } from '../../src/db/auth.queries.ts';
import { createApiToken, revokeApiToken } from '../../src/services/auth/api-tokens.ts';
import { digest, newToken } from '../../src/services/auth/secrets.ts';
import { createInvoice } from '../../src/services/billing/create-invoice.ts';
import { changeInvoiceStatus } from '../../src/services/billing/change-invoice-status.ts';
import { addInvoiceAttachment } from '../../src/services/billing/invoice-attachments.ts';
import { attachToPayment, recordPayment } from '../../src/services/billing/payments.ts';
import { saveInvoiceLines } from '../../src/services/billing/save-invoice-lines.ts';
import { addPrivateListUser } from '../../src/services/commitments/invoice-contacts.ts';
import { changeSsovStatus } from '../../src/services/ssov/change-ssov-status.ts';
import { saveSsovLines } from '../../src/services/ssov/save-ssov-lines.ts';
import type { ApiResponse, TestApp } from './api.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, unique, viewerOf } from './factories.ts';

export const ACTORS = [
  'anonymous',
  'companyAdmin',
  'invoiceAdmin',
  'standard',
  'readOnly',
  'none',
  'notInProject',
  'contact',
  'employee',
  'otherContact',
  'listed',
  'apiToken',
  'revokedToken',
  'expiredSession',
  'otherGcAdmin',
] as const;
export type Actor = (typeof ACTORS)[number];
export const KINDS = ['private', 'public'] as const;
export type Kind = (typeof KINDS)[number];
export type DataSet = Kind | 'other';

/** Distinct amounts (cents) and names per data set; see `forbiddenFor` in the matrix. */
export const SENTINELS: Record<DataSet, { title: string; number: string; sov: [number, number]; co: number; cap: number; claim: number; payment: number }> = {
  private: { title: 'Zephyr works', number: 'ZPR', sov: [73_182_461, 26_417_053], co: 3_715_927, cap: 5_209_133, claim: 19_283_747, payment: 4_321_987 },
  public: { title: 'Quokka works', number: 'QPU', sov: [64_205_319, 35_790_143], co: 2_468_135, cap: 4_170_261, claim: 15_937_421, payment: 3_198_763 },
  other: { title: 'Basilisk works', number: 'BSK', sov: [58_316_447, 21_094_587], co: 1_357_913, cap: 3_086_421, claim: 12_845_637, payment: 2_754_319 },
};

export const PASSWORD = 'matrix password 123';
export const PERIOD = { startsOn: '2026-11-01', endsOn: '2026-11-30', dueOn: '2026-12-05' };
const PDF = new TextEncoder().encode('%PDF-1.4 matrix backup');
export const PDF_FILE = { name: 'backup.pdf', type: 'application/pdf', bytes: PDF };

export type Request = { method: string; path: string; json?: unknown; file?: typeof PDF_FILE };
type Credentials = { via: 'none' } | { via: 'bearer'; token: string } | { via: 'session'; userId: string; cookie: string; csrf: string };

type People = Record<Exclude<Actor, 'anonymous' | 'apiToken' | 'revokedToken' | 'expiredSession'>, User>;

export type Invoice = { commitmentId: string; invoiceId: string; version: number; lineIds: string[]; paymentId?: string; attachmentId?: string; paymentAttachmentId?: string };
export type KindWorld = { commitmentId: string; sovLineIds: string[]; changeOrderId: string; ssovCommitmentId: string; invoice: Required<Invoice> };

export type World = Awaited<ReturnType<typeof buildWorld>>;

export async function buildWorld(t: TestApp) {
  const now = t.clock.now();
  const { admin: root, gc } = await systemAdminOf(t.db);
  const sys = await t.as(root.id);
  const ok = (res: ApiResponse, what: string) => {
    assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const project = await makeProject(t.db, { name: 'Matrix tower' });
  const otherProject = await makeProject(t.db, { name: 'Elsewhere' });
  const subA = await makeCompany(t.db, 'subcontractor', unique('SubA'));
  const subB = await makeCompany(t.db, 'subcontractor', unique('SubB'));
  const targetCompany = await makeCompany(t.db, 'supplier', unique('Target'));

  // Actors authenticate with sessions made below: only the person who signs in needs a password.
  const person = (company: Company, name: string, isCompanyAdmin = false) => makeUser(t.db, company, { name, isCompanyAdmin });
  const people: People = {
    companyAdmin: await person(gc, 'Company Admin', true),
    invoiceAdmin: await person(gc, 'Invoice Admin'),
    standard: await person(gc, 'Standard User'),
    readOnly: await person(gc, 'Read Only User'),
    none: await person(gc, 'None User'),
    notInProject: await person(gc, 'Admin Elsewhere'),
    contact: await person(subA, 'Contact Of SubA'),
    employee: await person(subA, 'SubA Employee'),
    otherContact: await person(subB, 'Contact Of SubB'),
    listed: await person(gc, 'Listed Estimator'),
    // A company admin of another general contractor: another tenant, nobody on this one (decision 025).
    otherGcAdmin: await person(await makeCompany(t.db, 'general_contractor', unique('Other GC')), 'Other GC Admin', true),
  };
  const extra = {
    signIn: await makeUser(t.db, subA, { name: 'Signs In', password: PASSWORD }),
    targetPerson: await person(subA, 'Target Person'),
    directoryTarget: await person(gc, 'Directory Target'),
  };
  const levels: [keyof People, 'admin' | 'standard' | 'read_only' | 'none'][] = [
    ['invoiceAdmin', 'admin'],
    ['standard', 'standard'],
    ['readOnly', 'read_only'],
    ['none', 'none'],
    ['contact', 'read_only'],
    ['employee', 'read_only'],
    ['otherContact', 'read_only'],
    ['listed', 'read_only'],
  ];
  for (const [who, level] of levels) await addToProject(t.db, project, people[who], level);
  // Admin — but of another project: that must not help here.
  await addToProject(t.db, otherProject, people.notInProject, 'admin');

  const p = `/api/v1/projects/${project.id}`;
  ok(await sys.post(`${p}/billing-periods`, PERIOD), 'open the billing period');
  const period = (await sys.get(`${p}/billing-periods`)).body.data[0] as { id: string };

  const systemViewer = viewerOf(root);

  /** A commitment of `set`'s company and contact, with its sentinels; private ones list `listed` and `none` (SOV items hidden). */
  async function commitment(set: DataSet, options: { ssov?: boolean; changeOrder?: boolean; rules?: boolean; invite?: boolean } = {}) {
    const s = SENTINELS[set];
    const isPrivate = set !== 'public';
    const c = await makeCommitment(t.db, project, {
      number: unique(s.number),
      title: `${s.title} ${unique('no')}`,
      contractCompanyId: set === 'other' ? subB.id : subA.id,
      invoiceContactIds: [set === 'other' ? people.otherContact.id : people.contact.id],
      status: 'approved',
      isPrivate,
      privateSovVisible: false,
      retainageWorkBp: 1000,
      retainageMaterialsBp: 500,
      ssovEnabled: options.ssov ?? false,
      sov: s.sov,
    });
    if (set === 'private') {
      for (const u of [people.listed, people.none]) await addPrivateListUser(t.db, systemViewer, project.id, c.id, u.id, now);
    }
    const path = `${p}/commitments/${c.id}`;
    const sovLineIds = (await t.db.selectFrom('sovLines').select('id').where('tenantId', '=', gc.id).where('commitmentId', '=', c.id).orderBy('position').execute()).map((l) => l.id);
    let changeOrderId = '';
    if (options.changeOrder) {
      const co = ok(await sys.post(`${path}/change-orders`, { number: unique('CO'), title: `Change of ${s.title}`, status: 'approved', lines: [{ description: 'Extra', amountCents: s.co }] }), 'change order');
      changeOrderId = co.id;
    }
    if (options.rules) ok(await sys.put(`${path}/retainage-rules`, { version: 0, rules: [{ kind: 'until_amount', rateBp: 1000, capCents: s.cap }], afterRateBp: 0 }), 'rules');
    if (options.invite) ok(await sys.post(`${p}/invites`, { commitmentIds: [c.id] }), 'invite');
    return { id: c.id, sovLineIds, changeOrderId };
  }

  /** An invoice on a new commitment of `set`, taken to `status`; approved ones can carry a payment and attachments. */
  async function invoice(
    set: DataSet,
    status: 'draft' | 'under_review' | 'approved',
    options: { payment?: boolean; attachment?: boolean; paymentAttachment?: boolean; rulesChangedAfter?: boolean } = {},
  ): Promise<Invoice> {
    const c = await commitment(set, { rules: options.rulesChangedAfter ?? false });
    const at = t.clock.now();
    const created = await createInvoice(t.db, systemViewer, project.id, c.id, {}, at);
    const id = created.id;
    const rows = await t.db.selectFrom('invoiceLines').select(['id', 'sovLineId']).where('tenantId', '=', gc.id).where('invoiceId', '=', id).execute();
    const lineIds = c.sovLineIds.map((sovLineId) => rows.find((r) => r.sovLineId === sovLineId)!.id);
    let version = (await saveInvoiceLines(t.db, systemViewer, project.id, id, { version: created.version, mode: 'claim', lines: [{ lineId: lineIds[0]!, workCompletedThisPeriodCents: SENTINELS[set].claim }] }, at)).version;
    const result: Invoice = { commitmentId: c.id, invoiceId: id, version, lineIds };
    if (options.attachment) result.attachmentId = (await addInvoiceAttachment(t.db, systemViewer, project.id, id, pdf(), at)).id;
    if (options.rulesChangedAfter) {
      ok(await sys.put(`${p}/commitments/${c.id}/retainage-rules`, { version: 1, rules: [{ kind: 'until_amount', rateBp: 500, capCents: SENTINELS[set].cap }], afterRateBp: 0 }), 'change rules');
    }
    if (status !== 'draft') version = (await changeInvoiceStatus(t.db, systemViewer, project.id, id, { action: 'submit', version }, at)).version;
    if (status === 'approved') version = (await changeInvoiceStatus(t.db, systemViewer, project.id, id, { action: 'approve', version }, at)).version;
    result.version = version;
    if (options.payment) result.paymentId = await payment(id, SENTINELS[set].payment);
    if (options.paymentAttachment) result.paymentAttachmentId = (await attachToPayment(t.db, systemViewer, project.id, id, result.paymentId!, pdf(), at)).id;
    return result;
  }

  /** Records a payment of `set`'s sentinel amount on an approved invoice; returns its id. */
  async function payment(invoiceId: string, cents = 100): Promise<string> {
    const paid = await recordPayment(t.db, systemViewer, project.id, invoiceId, { amountCents: cents, paidOn: '2026-11-02', method: 'check' }, t.clock.now());
    return paid.payments[paid.payments.length - 1]!.id;
  }

  /** A Subcontractor SOV commitment of `kind`, fully allocated, in Draft or Under Review. */
  async function ssov(kind: Kind, status: 'draft' | 'under_review' = 'draft') {
    const c = await commitment(kind, { ssov: true });
    const path = `${p}/commitments/${c.id}/ssov`;
    const at = t.clock.now();
    const lines = c.sovLineIds.map((sovLineId, i) => ({ sovLineId, description: `Detail ${i + 1}`, amountCents: SENTINELS[kind].sov[i]! }));
    let body = await saveSsovLines(t.db, systemViewer, project.id, c.id, { version: ok(await sys.get(path), 'ssov').version as number, lines }, at);
    if (status === 'under_review') body = await changeSsovStatus(t.db, systemViewer, project.id, c.id, { action: 'submit', version: body.version }, at);
    return { commitmentId: c.id, sovLineIds: c.sovLineIds, version: body.version };
  }

  /** A project of its own (the invoice administrator is Admin on it), with an open period when asked. */
  async function project2(withPeriod: boolean) {
    const fresh = await makeProject(t.db);
    await addToProject(t.db, fresh, people.invoiceAdmin, 'admin');
    if (!withPeriod) return { projectId: fresh.id, periodId: '' };
    const created = ok(await sys.post(`/api/v1/projects/${fresh.id}/billing-periods`, PERIOD), 'period');
    return { projectId: fresh.id, periodId: created.id as string };
  }

  const pdf = () => ({ filename: PDF_FILE.name, contentType: PDF_FILE.type, content: Buffer.from(PDF_FILE.bytes) });

  const kinds = {} as Record<Kind, KindWorld>;
  for (const kind of ['private', 'public'] as const) {
    const c = await commitment(kind, { changeOrder: true, rules: true, invite: true });
    const inv = (await invoice(kind, 'approved', { payment: true, attachment: true, paymentAttachment: true })) as Required<Invoice>;
    const s = await ssov(kind);
    kinds[kind] = { commitmentId: c.id, sovLineIds: c.sovLineIds, changeOrderId: c.changeOrderId, ssovCommitmentId: s.commitmentId, invoice: inv };
  }
  const other = await invoice('other', 'approved', { payment: true });

  // How each actor authenticates: people by session cookie (with the CSRF token), the invoice
  // administrator also by an API token, a revoked one and a session that has expired.
  async function session(userId: string, expired = false): Promise<Credentials> {
    const token = newToken();
    const csrf = newToken(16);
    const at = t.clock.now();
    await insertSession(t.db, {
      id: digest(token),
      userId,
      csrfToken: csrf,
      createdAt: new Date(at.getTime() - (expired ? 31 : 0) * 86_400_000),
      lastSeenAt: at,
      expiresAt: new Date(at.getTime() + (expired ? -60_000 : 7 * 86_400_000)),
    });
    return { via: 'session', userId, cookie: `payapp_session=${token}`, csrf };
  }
  const auth = { anonymous: { via: 'none' } } as Record<Actor, Credentials>;
  for (const who of Object.keys(people) as (keyof People)[]) auth[who] = await session(people[who].id);
  auth.apiToken = { via: 'bearer', token: (await createApiToken(t.db, people.invoiceAdmin.id, 'matrix', now)).token };
  const revoked = await createApiToken(t.db, people.invoiceAdmin.id, 'revoked', now);
  await revokeApiToken(t.db, people.invoiceAdmin.id, revoked.record.id, now);
  auth.revokedToken = { via: 'bearer', token: revoked.token };
  auth.expiredSession = await session(people.invoiceAdmin.id, true);

  /** Sends one request as `actor`; `freshSession` signs a session actor in anew (for calls that end the session). */
  async function call(actor: Actor, req: Request, options: { freshSession?: boolean } = {}): Promise<ApiResponse> {
    let credentials = auth[actor];
    if (options.freshSession && credentials.via === 'session' && actor !== 'expiredSession') credentials = await session(credentials.userId);
    const headers: Record<string, string> = {};
    if (credentials.via === 'bearer') headers.authorization = `Bearer ${credentials.token}`;
    if (credentials.via === 'session') {
      headers.cookie = credentials.cookie;
      if (req.method !== 'GET') headers['x-csrf-token'] = credentials.csrf;
    }
    let body: FormData | string | undefined;
    if (req.file) {
      const form = new FormData();
      form.append('file', new Blob([req.file.bytes], { type: req.file.type }), req.file.name);
      body = form;
    } else if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    }
    const res = await t.app.request(req.path, { method: req.method, headers, ...(body !== undefined && { body }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // a file download
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  const memo = new Map<string, Promise<unknown>>();
  /** One resource per key (route and kind) for the calls expected to be refused. */
  function shared<T>(key: string, build: () => Promise<T>): Promise<T> {
    if (!memo.has(key)) memo.set(key, build());
    return memo.get(key) as Promise<T>;
  }

  return {
    t,
    sys,
    systemViewer,
    ok,
    root,
    project,
    otherProject,
    p,
    period,
    companies: { gc, subA, subB, target: targetCompany },
    people,
    extra,
    kinds,
    other,
    build: { commitment, invoice, ssov, project: project2, payment, pdf },
    shared,
    call,
  };
}
