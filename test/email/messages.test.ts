/**
 * Issue 4, "Messages": a billing cycle driven through the API, every message delivered by the
 * worker's delivery job over SMTP to a real server on loopback, and read as its recipient would —
 * who got it, the subject, what it says, both parts saying the same, no tracking, the Message-ID it
 * was given when written, and links that work when followed. The project bills in CAD with the
 * en-CA locale and specialty-contractor wording. (Reminders and the weekly digest have their own file.)
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import type { Company, User } from '../../src/domain/directory.ts';
import type { Project } from '../../src/domain/project.ts';
import { deliverDueEmails } from '../../src/email/deliver.ts';
import { createSmtpTransport, type EmailTransport } from '../../src/email/transport.ts';
import { processPasswordResetRequests } from '../../src/services/auth/request-password-reset.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertError, assertNo5xx, assertOk, track, type Client, type Seen } from '../support/billing.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, unique } from '../support/factories.ts';
import { htmlLinks, htmlUrls, plain, startSmtpSink, textUrls, visibleText, type SinkMessage, type SmtpSink } from '../support/smtp.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

const BASE = 'http://payapp.test';
const FROM = 'payapp <billing@payapp.test>';

let database: TestDatabase;
let t: TestApp;
let sink: SmtpSink;
let transport: EmailTransport;
const seen: Seen = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  sink = await startSmtpSink();
  transport = createSmtpTransport(sink.url);
});
after(async () => {
  transport.close();
  await sink.stop();
  await database.close();
});
afterEach(() => assertNo5xx(seen));

/** Runs the delivery job until nothing is due; returns what reached the SMTP server meanwhile. */
async function deliver(): Promise<SinkMessage[]> {
  const start = sink.messages.length;
  for (;;) {
    const report = await deliverDueEmails(t.db, transport, { from: FROM, baseUrl: BASE, now: t.clock.now });
    assert.deepEqual([report.retried, report.failed], [0, 0], 'the SMTP server accepts everything');
    if (report.sent === 0) break;
  }
  return sink.messages.slice(start);
}

function to(messages: SinkMessage[], user: { email: string }): SinkMessage {
  const found = messages.filter((m) => m.envelope.to.includes(user.email));
  assert.equal(found.length, 1, `one message to ${user.email}; got ${found.length}`);
  return found[0] as SinkMessage;
}

function recipients(messages: SinkMessage[]): string[] {
  return messages.flatMap((m) => m.envelope.to).sort();
}

/**
 * What every message must be: from MAIL_FROM, to one person, a subject, an HTML and a text part
 * saying the same things, no images or remote resources (no tracking), every URL absolute on
 * BASE_URL and the same URLs in both parts, and the Message-ID written with the row.
 */
async function assertWellFormed(m: SinkMessage, kind: string, facts: string[]): Promise<void> {
  assert.equal(m.from, 'billing@payapp.test');
  assert.equal(m.envelope.to.length, 1);
  assert.deepEqual(m.to, m.envelope.to, 'the To header names the recipient');
  assert.ok(m.subject.length > 0);
  assert.ok(m.text.trim().length > 0, 'a text part');
  assert.ok(m.html.trim().length > 0, 'an HTML part');
  assert.doesNotMatch(m.html, /<img\b|\bsrc\s*=|url\(|<script|<link\b|<iframe/i, 'no images, scripts or remote resources: nothing can track opening');
  assert.match(m.html, new RegExp(`<title>${escapeRegExp(escapeHtmlLike(m.subject))}</title>`), 'the HTML title is the subject');
  const html = visibleText(m.html);
  const text = plain(m.text);
  const heading = m.text.split('\n')[0] ?? '';
  assert.ok(heading.length > 0 && html.includes(plain(heading)), `both parts open with the heading "${heading}"`);
  for (const fact of facts) {
    assert.ok(text.includes(plain(fact)), `the text part says "${fact}":\n${m.text}`);
    assert.ok(html.includes(plain(fact)), `the HTML part says "${fact}":\n${html}`);
  }
  const urls = textUrls(m.text);
  assert.deepEqual(new Set(htmlUrls(m.html)), new Set(urls), 'the same links in both parts');
  for (const url of urls) assert.ok(url.startsWith(`${BASE}/`), `${url} is absolute on BASE_URL`);
  assert.match(m.messageId, /^<[0-9a-f-]{36}@payapp>$/);
  const row = await t.db.selectFrom('emailMessages').select(['kind', 'toAddress', 'status', 'subject']).where('messageId', '=', m.messageId).executeTakeFirst();
  assert.deepEqual(row, { kind, toAddress: m.envelope.to[0], status: 'sent', subject: m.subject }, 'the Message-ID is the one the message row was written with');
}

function escapeHtmlLike(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function link(m: SinkMessage, label: string): string {
  const found = htmlLinks(m.html).filter((l) => l.label === label);
  assert.equal(found.length, 1, `one "${label}" button in ${JSON.stringify(htmlLinks(m.html))}`);
  const url = (found[0] as { url: string }).url;
  assert.ok(m.text.includes(`${label}: ${url}`), `the text part has "${label}: ${url}"`);
  return url;
}

/** A link as the app sees it when a mail client opens it: the path on BASE_URL. */
function pathOf(url: string): string {
  assert.ok(url.startsWith(`${BASE}/`), url);
  return url.slice(BASE.length);
}

/** Opens a link from an email in a browser that is not signed in. */
async function open(url: string) {
  const res = await t.request('GET', pathOf(url));
  seen.push({ what: `GET ${pathOf(url)}`, status: res.status });
  return res;
}

/** Presses the one button of the page a link opened: posts its form, from the page's own origin. */
async function press(url: string, pageHtml: string) {
  const answer = /<input type="hidden" name="answer" value="([^"]+)">/.exec(pageHtml)?.[1];
  assert.ok(answer, 'the page has the answer form');
  const res = await t.request('POST', pathOf(url), {
    body: new URLSearchParams({ answer }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE, 'sec-fetch-site': 'same-origin' },
  });
  seen.push({ what: `POST ${pathOf(url)}`, status: res.status });
  return res;
}

// ---- the cycle ------------------------------------------------------------------------------

let project: Project;
let sub: Company;
let adminUser: User;
let contactA: User;
let contactB: User;
let bystander: User;
let commitment: Commitment;
let admin: Client;
let contactApi: Client;
let root: Client;
let rootUser: User;
let gcName: string;
let p: string;
let invoice: { id: string; version: number; lines: { id: string }[] };

async function boardStatus(): Promise<string> {
  const board = await admin.get(`${p}/billing-board`);
  assertOk(board);
  return board.body.rows.find((r: { commitmentId: string }) => r.commitmentId === commitment.id).billingStatus;
}

test('setup: an en-CA project in CAD, two invoice contacts, a distribution list, a custom invite message', async () => {
  t.clock.set('2026-11-02T15:00:00Z');
  const sys = await systemAdminOf(t.db);
  rootUser = sys.admin;
  gcName = sys.gc.name;
  project = await makeProject(t.db, { name: unique('Harbour Tower'), currency: 'CAD', locale: 'en-CA', timeZone: 'America/Toronto', terminology: 'specialty_contractor' });
  adminUser = await makeUser(t.db, sys.gc, { name: "Dana O'Brien" });
  await addToProject(t.db, project, adminUser, 'admin');
  sub = await makeCompany(t.db, 'subcontractor', unique('Glass & Steel'));
  contactA = await makeUser(t.db, sub, { name: 'Alex Glazier' });
  contactB = await makeUser(t.db, sub, { name: 'Blair Fitter' });
  bystander = await makeUser(t.db, sub, { name: 'Casey Bystander' });
  for (const u of [contactA, contactB, bystander]) await addToProject(t.db, project, u, 'read_only');
  commitment = await makeCommitment(t.db, project, {
    number: 'SC-104',
    title: 'Curtain wall & glazing',
    contractCompanyId: sub.id,
    invoiceContactIds: [contactA.id, contactB.id],
    status: 'approved',
    retainageWorkBp: 1000,
    retainageMaterialsBp: 500,
    sov: [10_000_00, 5_000_00, 2_000_00],
  });
  admin = track(await t.as(adminUser.id), seen);
  contactApi = track(await t.as(contactA.id), seen);
  root = track(await t.as(rootUser.id), seen);
  p = `/api/v1/projects/${project.id}`;

  const settings = await admin.get(`${p}/invoicing-settings`);
  assertOk(settings);
  assertOk(
    await admin.patch(`${p}/invoicing-settings`, {
      version: settings.body.version,
      inviteMessage: 'Bill only installed work.\nAttach the lien waiver <signed>.',
      approvalNoticesEnabled: true,
    }),
  );
  assertOk(await admin.put(`${p}/invoicing-settings/distribution`, { userIds: [adminUser.id] }));
  const period = await admin.post(`${p}/billing-periods`, {});
  assertOk(period, 201);
  assert.deepEqual([period.body.startsOn, period.body.endsOn, period.body.dueOn], ['2026-11-01', '2026-11-30', '2026-11-25']);
  assert.deepEqual(await deliver(), [], 'nothing to send yet');
});

let inviteToA: SinkMessage;

test('Invite to Bill: each invoice contact gets it, with the facts, the custom message and Yes / No buttons', async () => {
  const sent = await admin.post(`${p}/invites`, { commitmentIds: [commitment.id], invoiceType: 'work_and_materials' });
  assertOk(sent);
  assert.equal(sent.body.sent, 1);
  const messages = await deliver();
  assert.deepEqual(recipients(messages), [contactA.email, contactB.email].sort(), 'the two invoice contacts, nobody else');

  for (const [user, m] of [
    [contactA, to(messages, contactA)],
    [contactB, to(messages, contactB)],
  ] as const) {
    assert.equal(m.subject, `${project.name}: Dana O'Brien has invited you to bill`);
    await assertWellFormed(m, 'invite_to_bill', [
      `Hello ${user.name},`,
      'SC-104 – Curtain wall & glazing',
      'Work and Materials',
      'Nov 1, 2026 – Nov 30, 2026',
      "Dana O'Brien",
      'Nov 25, 2026',
      'Bill only installed work.',
      'Attach the lien waiver <signed>.',
      'Do you want to bill this period?',
      'As progress billing contact, you create and submit your invoice in payapp until the due date',
    ]);
    assert.match(m.text, /Due date: Nov 25, 2026/);
    assert.match(m.text, /Billing period: Nov 1, 2026 – Nov 30, 2026/);
    assert.match(m.text, /Invoice type: Work and Materials/);
    assert.match(m.text, /> Bill only installed work\.\n> Attach the lien waiver <signed>\./, 'the custom message is quoted as written');
    assert.ok(m.html.includes('Attach the lien waiver &lt;signed&gt;.') && !m.html.includes('<signed>'), 'the message is escaped in HTML');
    assert.ok(m.html.includes('Curtain wall &amp; glazing'));
    assert.deepEqual(
      htmlLinks(m.html).map((l) => l.label),
      ['Yes', 'No', 'Open SC-104 in payapp'],
    );
    assert.ok(textUrls(m.text).includes(`${BASE}/projects/${project.id}/commitments/${commitment.id}`), 'a link to the commitment');
  }
  inviteToA = to(messages, contactA);
  const answerLinks = messages.flatMap((m) => [link(m, 'Yes'), link(m, 'No')]);
  assert.equal(new Set(answerLinks).size, 4, 'each contact has their own Yes and No links');
  for (const url of answerLinks) assert.match(pathOf(url), /^\/respond\/[^/?#]+$/);
});

test("the invite's links work: opening No or Yes shows what it answers; the page's button answers for the contact without a password, once each; the commitment link opens for them", async () => {
  assert.equal(await boardStatus(), 'invited');
  const opened = await open(link(inviteToA, 'No'));
  assert.equal(opened.status, 200);
  assert.match(opened.body, /Answer No to the invite to bill\?/);
  assert.equal(await boardStatus(), 'invited', 'opening the link answers nothing');
  const no = await press(link(inviteToA, 'No'), opened.body);
  assert.equal(no.status, 200);
  assert.match(no.body, /Thank you, Alex Glazier/);
  assert.match(no.body, /We recorded your answer <strong>No<\/strong> for <strong>SC-104 – Curtain wall &amp; glazing<\/strong>/);
  assert.equal(await boardStatus(), 'declined');

  const yes = await press(link(inviteToA, 'Yes'), (await open(link(inviteToA, 'Yes'))).body);
  assert.equal(yes.status, 200);
  assert.match(yes.body, /We recorded your answer <strong>Yes<\/strong>/);
  assert.equal(await boardStatus(), 'accepted');
  const nextPath = `/projects/${project.id}/commitments/${commitment.id}`;
  assert.ok(yes.body.includes(`href="/sign-in?next=${encodeURIComponent(nextPath)}"`), 'signing in from the page lands on the commitment');

  const again = await open(link(inviteToA, 'No'));
  assert.equal(again.status, 400);
  assert.match(again.body, /already been used/);
  assert.match(again.body, /Nothing was changed/);
  assert.equal((await press(link(inviteToA, 'No'), opened.body)).status, 400, 'nor does posting the page again');
  assert.equal(await boardStatus(), 'accepted', 'a used link changes nothing');

  const commitmentUrl = textUrls(inviteToA.text).find((u) => u.includes('/commitments/')) as string;
  assert.equal(pathOf(commitmentUrl), nextPath);
  const opened2 = await contactApi.get(`/api/v1${pathOf(commitmentUrl)}`);
  assertOk(opened2);
  assert.equal(opened2.body.commitment.id, commitment.id, 'the contact, signed in, sees the commitment the link names');
});

test('Invoice submitted: to the distribution list only, with the payment due in the project currency and a link to review', async () => {
  const created = await contactApi.post(`${p}/commitments/${commitment.id}/invoices?view=full`, { number: 'INV-7' });
  assertOk(created, 201);
  const [l1, l2, l3] = created.body.lines;
  const saved = await contactApi.put(`${p}/invoices/${created.body.invoice.id}/lines?view=full`, {
    version: created.body.invoice.version,
    lines: [
      { lineId: l1.id, workCompletedThisPeriodCents: 2_500_00 },
      { lineId: l2.id, workCompletedThisPeriodCents: 1_000_00 },
      { lineId: l3.id, workCompletedThisPeriodCents: 500_00 },
    ],
  });
  assertOk(saved);
  const submitted = await contactApi.post(`${p}/invoices/${created.body.invoice.id}/transitions?view=full`, { action: 'submit', version: saved.body.invoice.version });
  assertOk(submitted);
  assert.equal(submitted.body.summary.currentPaymentDueCents, 3_600_00, '4,000.00 of work less 10 % retainage');
  invoice = { id: submitted.body.invoice.id, version: submitted.body.invoice.version, lines: created.body.lines };

  const messages = await deliver();
  assert.deepEqual(recipients(messages), [adminUser.email], 'the invoice distribution list, not the contacts');
  const m = to(messages, adminUser);
  assert.equal(m.subject, `${project.name}: ${sub.name} submitted invoice INV-7 for SC-104`);
  await assertWellFormed(m, 'invoice_submitted', [
    "Hello Dana O'Brien, Alex Glazier submitted an invoice for review.",
    'SC-104 – Curtain wall & glazing',
    sub.name,
    'INV-7',
    'Current payment due',
    '$3,600.00',
  ]);
  assert.match(m.text, /Current payment due: \$3,600\.00/);
  const review = link(m, 'Review the invoice');
  assert.equal(pathOf(review), `/projects/${project.id}/invoices/${invoice.id}`);
  const opened = await admin.get(`/api/v1${pathOf(review)}`);
  assertOk(opened);
  assert.deepEqual([opened.body.invoice.id, opened.body.invoice.status], [invoice.id, 'under_review']);
});

test('Invoice sent back: to the contacts, with each rejected line and its reason, and the reviewer\'s note', async () => {
  const [, l2, l3] = invoice.lines as [{ id: string }, { id: string }, { id: string }];
  const reviewed = await admin.post(`${p}/invoices/${invoice.id}/review?view=full`, {
    version: invoice.version,
    note: 'Please fix lines 2 and 3 & resubmit.',
    lines: [
      { lineId: l2.id, decision: 'rejected', reason: 'Glazing on floors 3–4 is not installed <yet>' },
      { lineId: l3.id, decision: 'rejected' },
    ],
  });
  assertOk(reviewed);
  assert.equal(reviewed.body.invoice.status, 'revise_and_resubmit');
  invoice.version = reviewed.body.invoice.version;

  const messages = await deliver();
  assert.deepEqual(recipients(messages), [contactA.email, contactB.email].sort());
  for (const user of [contactA, contactB]) {
    const m = to(messages, user);
    assert.equal(m.subject, `${project.name}: invoice INV-7 for SC-104 needs revision`);
    await assertWellFormed(m, 'invoice_sent_back', [
      `Hello ${user.name}, Dana O'Brien sent invoice INV-7 on SC-104 – Curtain wall & glazing back to you to revise and resubmit.`,
      'Lines to revise',
      'Please fix lines 2 and 3 & resubmit.',
    ]);
    // Each reason stands beside its own line, in both parts; the line not rejected is not listed.
    assert.ok(m.text.includes('- 2 | Line 2 | Glazing on floors 3–4 is not installed <yet>'), m.text);
    assert.ok(m.text.includes('- 3 | Line 3 | (no reason given)'), m.text);
    const html = visibleText(m.html);
    assert.ok(html.includes('2 Line 2 Glazing on floors 3–4 is not installed <yet>'), html);
    assert.ok(html.includes('3 Line 3 (no reason given)'), html);
    assert.ok(!html.includes('Line 1') && !m.text.includes('Line 1'), 'only rejected lines are listed');
    assert.ok(!m.html.includes('<yet>'), 'reasons are escaped in HTML');
    const revise = link(m, 'Revise the invoice');
    assert.equal(pathOf(revise), `/projects/${project.id}/invoices/${invoice.id}`);
  }
  const opened = await contactApi.get(`/api/v1${pathOf(link(to(messages, contactA), 'Revise the invoice'))}`);
  assertOk(opened);
  assert.deepEqual(
    opened.body.lines.map((l: { review: { status: string | null; reason: string | null } }) => l.review),
    [
      { status: null, reason: null },
      { status: 'rejected', reason: 'Glazing on floors 3–4 is not installed <yet>' },
      { status: 'rejected', reason: null },
    ],
    'the link opens the invoice the email is about, showing the same rejections',
  );
});

test('Invoice approved (approval notices on): to the contacts, with the certified payment due', async () => {
  const [, l2] = invoice.lines as [{ id: string }, { id: string }];
  const fixed = await contactApi.put(`${p}/invoices/${invoice.id}/lines?view=full`, { version: invoice.version, lines: [{ lineId: l2.id, workCompletedThisPeriodCents: 500_00 }] });
  assertOk(fixed);
  const resubmitted = await contactApi.post(`${p}/invoices/${invoice.id}/transitions?view=full`, { action: 'submit', version: fixed.body.invoice.version });
  assertOk(resubmitted);
  const again = await deliver();
  assert.deepEqual(recipients(again), [adminUser.email], 'the resubmission is announced to the distribution list again');
  assert.ok(to(again, adminUser).text.includes('$3,150.00'), 'with the new amount');

  const approved = await admin.post(`${p}/invoices/${invoice.id}/transitions?view=full`, { action: 'approve', version: resubmitted.body.invoice.version });
  assertOk(approved);
  assert.equal(approved.body.summary.currentPaymentDueCents, 3_150_00);
  const messages = await deliver();
  assert.deepEqual(recipients(messages), [contactA.email, contactB.email].sort());
  for (const user of [contactA, contactB]) {
    const m = to(messages, user);
    assert.equal(m.subject, `${project.name}: invoice INV-7 for SC-104 is approved`);
    await assertWellFormed(m, 'invoice_approved', [
      `Hello ${user.name}, Dana O'Brien marked invoice INV-7 Approved.`,
      'SC-104 – Curtain wall & glazing',
      'Certified payment due',
      '$3,150.00',
    ]);
    assert.match(m.text, /Certified payment due: \$3,150\.00/);
    assert.equal(pathOf(link(m, 'See the invoice')), `/projects/${project.id}/invoices/${invoice.id}`);
  }
});

test('Account invitation: a person added to the project without a password gets a single-use link that sets it, naming the general contractor and the project', async () => {
  const email = `${unique('morgan')}@example.test`;
  // As the directory page does: create, add to the project, then send the invitation.
  const created = await root.post('/api/v1/users', { companyId: sub.id, name: 'Morgan Newcomer', email, sendInvitation: false });
  assertOk(created, 201);
  assert.equal((await admin.put(`${p}/directory/users/${created.body.id}`, { commitmentsPermission: 'read_only' })).status, 204);
  assert.equal((await root.post(`/api/v1/users/${created.body.id}/invitation`)).status, 202);
  const withPassword = await root.post('/api/v1/users', { companyId: sub.id, name: 'Has Password', email: `${unique('pw')}@example.test`, password: 'a long enough password' });
  assertOk(withPassword, 201);

  const messages = await deliver();
  assert.deepEqual(recipients(messages), [email], 'only the person without a password is invited');
  const m = to(messages, { email });
  assert.equal(m.subject, `${rootUser.name} of ${gcName} invited you to payapp for the project ${project.name}`);
  await assertWellFormed(m, 'account_invitation', [
    `Hello Morgan Newcomer, ${rootUser.name} of ${gcName} invited you to payapp for the project ${project.name}.`,
    `payapp is where ${gcName}’s subcontractors and suppliers submit their invoices for review.`,
    'This link works once, until Nov 9, 2026.',
  ]);
  for (const fact of [`Invited by: ${rootUser.name}, ${gcName}`, `General contractor: ${gcName}`, `Project: ${project.name}`, `Your company: ${sub.name}`]) {
    assert.ok(m.text.includes(fact), `the text part says "${fact}"`);
  }
  assert.ok(!m.text.includes(`account at ${sub.name}`), 'never as if their own company invited them');
  const url = link(m, 'Choose your password');
  const target = new URL(url);
  assert.equal(target.pathname, '/welcome');
  const token = target.searchParams.get('token') as string;
  assert.ok(token);

  const inspected = await t.request('GET', `/api/v1/links/${encodeURIComponent(token)}`);
  assertOk(inspected);
  assert.deepEqual(inspected.body, { purpose: 'invitation', name: 'Morgan Newcomer', email });
  const set = await t.request('POST', `/api/v1/links/${encodeURIComponent(token)}/password`, { body: { password: 'morgan chooses a password' } });
  assertOk(set);
  const browser = t.browser();
  assertOk(await browser.signIn(email, 'morgan chooses a password'));
  assertError(await t.request('GET', `/api/v1/links/${encodeURIComponent(token)}`), 400, 'link_invalid');
  assertError(await t.request('POST', `/api/v1/links/${encodeURIComponent(token)}/password`, { body: { password: 'someone else tries this' } }), 400, 'link_invalid');
});

test('Password reset: the link opens, sets a new password once, and expires after an hour', async () => {
  const asked = await t.request('POST', '/api/v1/password-resets', { body: { email: contactA.email.toUpperCase() } });
  assert.equal(asked.status, 202);
  const unknown = await t.request('POST', '/api/v1/password-resets', { body: { email: 'nobody@example.test' } });
  assert.equal(unknown.status, 202, 'the answer reveals nothing');
  await processPasswordResetRequests(t.db, t.clock.now()); // the worker issues the link

  const messages = await deliver();
  assert.deepEqual(recipients(messages), [contactA.email], 'only the account holder; nothing for an unknown address');
  const m = to(messages, contactA);
  assert.equal(m.subject, 'Reset your payapp password');
  await assertWellFormed(m, 'password_reset', ['Hello Alex Glazier, someone (hopefully you) asked to reset your payapp password.', 'This link works once, for one hour.']);
  const target = new URL(link(m, 'Choose a new password'));
  assert.equal(target.pathname, '/reset-password');
  const token = target.searchParams.get('token') as string;
  const inspected = await t.request('GET', `/api/v1/links/${encodeURIComponent(token)}`);
  assertOk(inspected);
  assert.deepEqual(inspected.body, { purpose: 'password_reset', name: 'Alex Glazier', email: contactA.email });
  assertOk(await t.request('POST', `/api/v1/links/${encodeURIComponent(token)}/password`, { body: { password: 'a brand new password' } }));
  assertOk(await t.browser().signIn(contactA.email, 'a brand new password'));
  assertError(await t.request('POST', `/api/v1/links/${encodeURIComponent(token)}/password`, { body: { password: 'and another password' } }), 400, 'link_invalid');

  // A second request, followed too late: the link has expired.
  assert.equal((await t.request('POST', '/api/v1/password-resets', { body: { email: contactA.email } })).status, 202);
  await processPasswordResetRequests(t.db, t.clock.now());
  const late = to(await deliver(), contactA);
  const lateToken = new URL(link(late, 'Choose a new password')).searchParams.get('token') as string;
  assert.notEqual(lateToken, token);
  t.clock.advance(61 * 60_000);
  assertError(await t.request('GET', `/api/v1/links/${encodeURIComponent(lateToken)}`), 400, 'link_invalid');
  assertError(await t.request('POST', `/api/v1/links/${encodeURIComponent(lateToken)}/password`, { body: { password: 'too late for this one' } }), 400, 'link_invalid');
});

test('every message reached the server exactly once, under the Message-ID its row was written with', async () => {
  const rows = await t.db.selectFrom('emailMessages').select(['messageId', 'status', 'toAddress']).execute();
  assert.ok(rows.length > 0);
  assert.deepEqual(
    rows.filter((r) => r.status !== 'sent'),
    [],
    'every message was delivered',
  );
  const ids = sink.messages.map((m) => m.messageId);
  assert.equal(new Set(ids).size, ids.length, 'no Message-ID twice');
  assert.deepEqual([...ids].sort(), rows.map((r) => r.messageId).sort());
  assert.equal(sink.messages.length, 2 + 1 + 2 + 1 + 2 + 1 + 2, 'invites, submitted, sent back, resubmitted, approved, invitation, two resets');
  assert.ok(!sink.messages.some((m) => m.envelope.to.includes(bystander.email)), 'someone who is not a contact got nothing');
});
