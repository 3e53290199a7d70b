/**
 * Helpers for the notification tests (issue 4): a project whose invoicing settings are left at their
 * defaults (unlike `billingProject`, which turns approval notices on and fills the distribution
 * list), settings changed through the API, invoices moved through the API, local wall-clock times
 * in a project's time zone, and the emails written for one project.
 */
import assert from 'node:assert/strict';
import type { Commitment } from '../../src/domain/commitment.ts';
import type { Company, User } from '../../src/domain/directory.ts';
import type { Project } from '../../src/domain/project.ts';
import type { TestApp } from './api.ts';
import { assertOk, track, type Client, type Seen } from './billing.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, unique } from './factories.ts';

export type EmailSetup = {
  project: Project;
  sub: Company;
  gc: Company;
  contact: User;
  adminUser: User;
  admin: Client;
  contactApi: Client;
  /** The company admin (changes people's accounts). */
  root: Client;
  p: string;
};

/** A project in `timeZone` with an Admin on Commitments and a subcontractor contact; settings untouched. */
export async function emailProject(t: TestApp, seen: Seen, timeZone = 'America/New_York'): Promise<EmailSetup> {
  const { gc, admin: rootUser } = await systemAdminOf(t.db);
  const project = await makeProject(t.db, { timeZone });
  const adminUser = await makeUser(t.db, gc, { name: 'Invoice Admin' });
  await addToProject(t.db, project, adminUser, 'admin');
  const sub = await makeCompany(t.db, 'subcontractor', unique('Sub'));
  const contact = await makeUser(t.db, sub, { name: 'Sub Contact' });
  await addToProject(t.db, project, contact, 'read_only');
  return {
    project,
    sub,
    gc,
    contact,
    adminUser,
    admin: track(await t.as(adminUser.id), seen),
    contactApi: track(await t.as(contact.id), seen),
    root: track(await t.as(rootUser.id), seen),
    p: `/api/v1/projects/${project.id}`,
  };
}

/** Another person of the subcontractor in the project directory (Read Only), with an API client. */
export async function subPerson(t: TestApp, s: EmailSetup, seen: Seen, name: string): Promise<{ user: User; api: Client }> {
  const user = await makeUser(t.db, s.sub, { name });
  await addToProject(t.db, s.project, user, 'read_only');
  return { user, api: track(await t.as(user.id), seen) };
}

/** An Admin on Commitments of the GC on this project. */
export async function gcAdmin(t: TestApp, s: EmailSetup, seen: Seen, name: string): Promise<{ user: User; api: Client }> {
  const user = await makeUser(t.db, s.gc, { name });
  await addToProject(t.db, s.project, user, 'admin');
  return { user, api: track(await t.as(user.id), seen) };
}

/** An approved commitment of the subcontractor: two lines (10,000.00 and 5,000.00), 10 % / 5 % retainage. */
export function commitmentFor(t: TestApp, s: EmailSetup, contactIds: string[], options: Parameters<typeof makeCommitment>[2] = {}): Promise<Commitment> {
  return makeCommitment(t.db, s.project, {
    contractCompanyId: s.sub.id,
    invoiceContactIds: contactIds,
    status: 'approved',
    retainageWorkBp: 1000,
    retainageMaterialsBp: 500,
    sov: [10_000_00, 5_000_00],
    ...options,
  });
}

export async function getSettings(s: EmailSetup): Promise<Record<string, any>> {
  const res = await s.admin.get(`${s.p}/invoicing-settings`);
  assertOk(res);
  return res.body;
}

export async function patchSettings(s: EmailSetup, changes: Record<string, unknown>): Promise<Record<string, any>> {
  const current = await getSettings(s);
  const res = await s.admin.patch(`${s.p}/invoicing-settings`, { version: current.version, ...changes });
  assertOk(res);
  return res.body;
}

export async function setDistribution(s: EmailSetup, userIds: string[]): Promise<void> {
  assertOk(await s.admin.put(`${s.p}/invoicing-settings/distribution`, { userIds }));
}

/** Opens the billing period of the current month (days from the project's defaults: due the 25th). */
export async function openPeriod(s: EmailSetup): Promise<{ id: string; startsOn: string; endsOn: string; dueOn: string }> {
  const res = await s.admin.post(`${s.p}/billing-periods`, {});
  assertOk(res, 201);
  return res.body;
}

export async function invite(s: EmailSetup, commitmentIds: string[], extra: Record<string, unknown> = {}): Promise<void> {
  const res = await s.admin.post(`${s.p}/invites`, { commitmentIds, ...extra });
  assertOk(res);
  assert.equal(res.body.sent, commitmentIds.length, JSON.stringify(res.body));
}

export type InvoiceBody = { invoice: { id: string; version: number; status: string }; lines: { id: string }[]; summary: Record<string, number> };

/** A contact creates the invoice of the open period and claims `workCents` on its first line (a Draft). */
export async function draftInvoice(s: EmailSetup, api: Client, commitmentId: string, workCents: number): Promise<InvoiceBody> {
  const created = await api.post(`${s.p}/commitments/${commitmentId}/invoices?view=full`, {});
  assertOk(created, 201);
  const body = created.body as InvoiceBody;
  const saved = await api.put(`${s.p}/invoices/${body.invoice.id}/lines?view=full`, {
    version: body.invoice.version,
    lines: [{ lineId: body.lines[0]?.id, workCompletedThisPeriodCents: workCents }],
  });
  assertOk(saved);
  return saved.body as InvoiceBody;
}

export async function transition(s: EmailSetup, api: Client, invoice: InvoiceBody, action: string): Promise<InvoiceBody> {
  const res = await api.post(`${s.p}/invoices/${invoice.invoice.id}/transitions?view=full`, { action, version: invoice.invoice.version });
  assertOk(res);
  return res.body as InvoiceBody;
}

/** The instant at which the wall clock in `timeZone` reads `day` `hh:mm`. */
export function localTime(timeZone: string, day: string, hh: number, mm = 0): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const offsetAt = (instant: number) => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    }).formatToParts(new Date(instant));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - instant;
  };
  let instant = wall - offsetAt(wall);
  instant = wall - offsetAt(instant);
  const result = new Date(instant);
  assert.equal(localDay(timeZone, result), day, `${day} ${hh}:${mm} exists in ${timeZone}`);
  return result;
}

/** The calendar day and hour on the wall clock in `timeZone` at `instant`. */
export function localDay(timeZone: string, instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export function localHour(timeZone: string, instant: Date): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(instant));
}

/** Consecutive calendar days from `from` to `to`, inclusive. */
export function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
}

export type ProjectEmail = { id: number; kind: string; toUserId: string | null; status: string; skipReason: string | null; payload: any; createdAt: Date };

/** Every email row of a kind written for one project, oldest first. */
export async function projectEmails(t: TestApp, projectId: string, kind: string): Promise<ProjectEmail[]> {
  const rows = await t.db
    .selectFrom('emailMessages')
    .select(['id', 'kind', 'toUserId', 'status', 'skipReason', 'payload', 'createdAt'])
    .where('projectId', '=', projectId)
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }));
}

/** Follows a one-click link from an email (a path, /respond/<token>) as a browser without a session. */
export async function follow(t: TestApp, path: string): Promise<{ status: number; html: string; contentType: string }> {
  const res = await t.app.request(path, { method: 'GET' });
  return { status: res.status, html: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

/** Posts the confirmation page's form for a one-click link (`answer` as the page's hidden field). */
export async function postAnswer(
  t: TestApp,
  path: string,
  answer: string,
  headers: Record<string, string> = { origin: 'http://payapp.test', 'sec-fetch-site': 'same-origin' },
): Promise<{ status: number; html: string; contentType: string }> {
  const res = await t.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ answer }).toString(),
  });
  return { status: res.status, html: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

/**
 * Answers with a one-click link as a person does: opens it (the confirmation page), then presses
 * the page's one button (a same-origin POST of its form). When the link opens a refusal (used,
 * expired, altered…), that page is the result and nothing is posted.
 */
export async function answerByLink(t: TestApp, path: string): Promise<{ status: number; html: string; contentType: string }> {
  const opened = await follow(t, path);
  if (opened.status !== 200) return opened;
  const action = /<form method="post" action="([^"]+)"/.exec(opened.html)?.[1];
  const answer = /<input type="hidden" name="answer" value="([^"]+)">/.exec(opened.html)?.[1];
  assert.ok(action && answer, `the page has one form with the answer:\n${opened.html}`);
  assert.equal(action.replace(/&amp;/g, '&'), path, 'the form posts back to the link itself');
  return postAnswer(t, action.replace(/&amp;/g, '&'), answer);
}
