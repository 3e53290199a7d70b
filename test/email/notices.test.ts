/**
 * Issue 10, items 3, 4 and 13: the emails say where and when, and what was noted. A billing cycle
 * driven through the API, each message delivered over SMTP to a loopback server and read as its
 * recipient reads it: the invite's body names the project; submitted and approved emails name the
 * billing period; a resubmission says it is revision N and which lines changed (and, when none did,
 * says so); Approved as Noted carries the administrator's note, the claimed beside the certified
 * payment due (G702 line 8) and each adjusted line with its reason; the Subcontractor SOV request
 * names the project and the commitment in its subject; a name ending in "Inc." or "Jr." closes a
 * sentence with one full stop.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import type { User } from '../../src/domain/directory.ts';
import type { Project } from '../../src/domain/project.ts';
import { deliverDueEmails } from '../../src/email/deliver.ts';
import { renderMessage } from '../../src/email/templates.ts';
import { createSmtpTransport, type EmailTransport } from '../../src/email/transport.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertNo5xx, assertOk, track, type Client, type Seen } from '../support/billing.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, unique } from '../support/factories.ts';
import { plain, startSmtpSink, visibleText, type SinkMessage, type SmtpSink } from '../support/smtp.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

const BASE = 'http://payapp.test';
const NY_ZONE = 'America/New_York';

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

async function deliver(): Promise<SinkMessage[]> {
  const start = sink.messages.length;
  for (;;) {
    const report = await deliverDueEmails(t.db, transport, { from: 'payapp <billing@payapp.test>', baseUrl: BASE, now: t.clock.now });
    assert.deepEqual([report.retried, report.failed], [0, 0]);
    if (report.sent === 0) break;
  }
  return sink.messages.slice(start);
}

function only(messages: SinkMessage[], user: { email: string }): SinkMessage {
  const found = messages.filter((m) => m.envelope.to.includes(user.email));
  assert.equal(found.length, 1, `one message to ${user.email}; got ${found.length}: ${messages.map((m) => m.subject).join(' / ')}`);
  return found[0] as SinkMessage;
}

/** Both parts say it: the text part as written, the HTML part as a person reads it. */
function says(m: SinkMessage, ...facts: string[]): void {
  const html = visibleText(m.html);
  const text = plain(m.text);
  for (const fact of facts) {
    assert.ok(text.includes(plain(fact)), `the text part says "${fact}":\n${m.text}`);
    assert.ok(html.includes(plain(fact)), `the HTML part says "${fact}":\n${html}`);
  }
}

function noDoubledStops(m: SinkMessage): void {
  for (const part of [m.text, visibleText(m.html), m.subject]) assert.doesNotMatch(part, /[^.]\.\.(?!\.)/, `no doubled full stop in:\n${part}`);
}

let project: Project;
let commitment: Commitment;
let inviter: User;
let contact: User;
let admin: Client;
let contactApi: Client;
let p: string;
let companyName: string;
let invoice: { id: string; version: number; lineIds: string[] };

test('setup: a project, a subcontractor whose name ends in "Inc.", an administrator whose name ends in "Jr."', async () => {
  t.clock.set('2026-11-02T15:00:00Z');
  const { gc } = await systemAdminOf(t.db);
  project = await makeProject(t.db, { name: unique('Riverside Clinic') });
  inviter = await makeUser(t.db, gc, { name: 'Pat Quinn Jr.' });
  await addToProject(t.db, project, inviter, 'admin');
  companyName = `${unique('Cascade')} Drywall Inc.`;
  const sub = await makeCompany(t.db, 'subcontractor', companyName);
  contact = await makeUser(t.db, sub, { name: 'Rosa Delgado' });
  await addToProject(t.db, project, contact, 'read_only');
  commitment = await makeCommitment(t.db, project, {
    number: 'SC-210',
    title: 'Drywall and framing',
    contractCompanyId: sub.id,
    invoiceContactIds: [contact.id],
    status: 'approved',
    retainageWorkBp: 1000,
    retainageMaterialsBp: 500,
    sov: [10_000_00, 5_000_00, 2_000_00],
  });
  admin = track(await t.as(inviter.id), seen);
  contactApi = track(await t.as(contact.id), seen);
  p = `/api/v1/projects/${project.id}`;
  const settings = await admin.get(`${p}/invoicing-settings`);
  assertOk(await admin.patch(`${p}/invoicing-settings`, { version: settings.body.version, approvalNoticesEnabled: true }));
  assertOk(await admin.put(`${p}/invoicing-settings/distribution`, { userIds: [inviter.id] }));
  assertOk(await admin.post(`${p}/billing-periods`, {}), 201);
  await deliver();
});

test('the Invite to Bill names the project in its body, not only in its subject, and ends "ask Pat Quinn Jr." with one full stop', async () => {
  assertOk(await admin.post(`${p}/invites`, { commitmentIds: [commitment.id] }));
  const m = only(await deliver(), contact);
  assert.ok(m.subject.startsWith(`${project.name}:`));
  assert.match(m.text, new RegExp(`^Project: ${project.name}$`, 'm'));
  says(m, project.name, 'after it, ask Pat Quinn Jr.');
  assert.ok(visibleText(m.html).includes(`Project ${project.name}`), 'the HTML facts name the project');
  assert.ok(!m.text.includes('Jr..'));
  noDoubledStops(m);
});

test('Invoice submitted names the billing period; it is the first submission, so no revision', async () => {
  const created = await contactApi.post(`${p}/commitments/${commitment.id}/invoices?view=full`, { number: 'INV-31' });
  assertOk(created, 201);
  const lineIds = created.body.lines.map((l: { id: string }) => l.id);
  const saved = await contactApi.put(`${p}/invoices/${created.body.invoice.id}/lines?view=full`, {
    version: created.body.invoice.version,
    lines: [
      { lineId: lineIds[0], workCompletedThisPeriodCents: 2_000_00 },
      { lineId: lineIds[1], workCompletedThisPeriodCents: 1_000_00 },
      { lineId: lineIds[2], workCompletedThisPeriodCents: 500_00 },
    ],
  });
  assertOk(saved);
  const submitted = await contactApi.post(`${p}/invoices/${created.body.invoice.id}/transitions?view=full`, { action: 'submit', version: saved.body.invoice.version });
  assertOk(submitted);
  invoice = { id: created.body.invoice.id, version: submitted.body.invoice.version, lineIds };
  const m = only(await deliver(), inviter);
  assert.equal(m.subject, `${project.name}: ${companyName} submitted invoice INV-31 for SC-210`);
  assert.match(m.text, /^Billing period: Nov 1, 2026 – Nov 30, 2026$/m);
  says(m, 'Nov 1, 2026 – Nov 30, 2026', 'Rosa Delgado submitted an invoice for review.');
  assert.doesNotMatch(m.text, /[Rr]evision/);
  noDoubledStops(m);
});

async function sendBack(lineIndex: number, reason: string): Promise<void> {
  const reviewed = await admin.post(`${p}/invoices/${invoice.id}/review?view=full`, {
    version: invoice.version,
    lines: [{ lineId: invoice.lineIds[lineIndex], decision: 'rejected', reason }],
  });
  assertOk(reviewed);
  invoice.version = reviewed.body.invoice.version;
  await deliver();
}

async function resubmit(lines: Record<string, unknown>[]): Promise<SinkMessage> {
  let version = invoice.version;
  if (lines.length > 0) {
    const saved = await contactApi.put(`${p}/invoices/${invoice.id}/lines?view=full`, { version, lines });
    assertOk(saved);
    version = saved.body.invoice.version;
  }
  // Stored materials billed without an attachment: the contact goes on knowingly (decision 012).
  const res = await contactApi.post(`${p}/invoices/${invoice.id}/transitions?view=full`, { action: 'submit', version, acknowledgeMissing: true });
  assertOk(res);
  invoice.version = res.body.invoice.version;
  return only(await deliver(), inviter);
}

test('a resubmission says it is revision 1 and which lines changed since the first submission, each with what changed', async () => {
  await sendBack(1, 'Only half of the framing is in place');
  const m = await resubmit([
    { lineId: invoice.lineIds[1], workCompletedThisPeriodCents: 500_00 },
    { lineId: invoice.lineIds[2], workCompletedThisPeriodCents: 500_00, materialsStoredNewCents: 250_00 },
  ]);
  assert.equal(m.subject, `${project.name}: ${companyName} resubmitted invoice INV-31 for SC-210 (revision 1)`);
  assert.match(m.text, /^An invoice was resubmitted for review: revision 1$/m);
  assert.match(m.text, /^Revision: 1$/m);
  assert.match(m.text, /^Billing period: Nov 1, 2026 – Nov 30, 2026$/m);
  says(m, 'Rosa Delgado resubmitted invoice INV-31 for review after revising it. This is revision 1.', '2 lines changed since the first submission');
  assert.ok(m.text.includes('- 2 | Line 2 | Work this period: $1,000.00 → $500.00'), m.text);
  assert.ok(m.text.includes('- 3 | Line 3 | Materials stored this period: $0.00 → $250.00'), m.text);
  assert.ok(!m.text.includes('Line 1 |'), 'a line that did not change is not listed');
  const html = visibleText(m.html);
  assert.ok(html.includes('2 Line 2 Work this period: $1,000.00 → $500.00'), html);
  noDoubledStops(m);
});

test('revision 2, resubmitted unchanged, says that no line changed since revision 1', async () => {
  await sendBack(2, 'Attach the delivery ticket for the stored board');
  const m = await resubmit([]);
  assert.match(m.subject, /\(revision 2\)$/);
  says(m, 'This is revision 2.', 'No line changed since revision 1.');
  const rows = await t.db.selectFrom('invoiceSubmissions').select(['revision']).where('tenantId', '=', project.tenantId).where('invoiceId', '=', invoice.id).orderBy('revision').execute();
  assert.deepEqual(rows.map((r) => r.revision), [0, 1, 2], 'each submission is recorded');
});

test('Approved as Noted carries the note, the claimed beside the certified payment due (line 8), the billing period and each adjusted line with its reason', async () => {
  const certified = await admin.put(`${p}/invoices/${invoice.id}/lines?view=full`, {
    version: invoice.version,
    mode: 'certify',
    lines: [{ lineId: invoice.lineIds[0], workCompletedThisPeriodCents: 1_500_00, differenceReason: 'Site walk 11/20: level 3 not boarded' }],
  });
  assertOk(certified);
  assert.equal(certified.body.summary.currentPaymentDueCents, 2_487_50, '2,500.00 work less 10 % + 250.00 stored less 5 %');
  const approved = await admin.post(`${p}/invoices/${invoice.id}/transitions?view=full`, {
    action: 'approve_as_noted',
    version: certified.body.invoice.version,
    note: 'Certified line 1 at 1,500.00 after the site walk.\nBill the rest next period.',
  });
  assertOk(approved);
  const m = only(await deliver(), contact);
  assert.equal(m.subject, `${project.name}: invoice INV-31 for SC-210 is approved as noted`);
  says(m, 'Pat Quinn Jr. marked invoice INV-31 Approved as Noted.', 'Pat Quinn Jr. noted:', 'Certified line 1 at 1,500.00 after the site walk.', 'Bill the rest next period.');
  assert.match(m.text, /^Billing period: Nov 1, 2026 – Nov 30, 2026$/m);
  assert.match(m.text, /^Claimed payment due: \$2,937\.50$/m, '3,000.00 work less 10 % + 250.00 stored less 5 %');
  assert.match(m.text, /^Certified payment due: \$2,487\.50$/m);
  assert.match(m.text, /> Certified line 1 at 1,500\.00 after the site walk\.\n> Bill the rest next period\./, 'the note is quoted as written');
  says(m, '1 line certified differently from the claim');
  assert.ok(m.text.includes('- 1 | Line 1 | $2,000.00 | $1,500.00 | Site walk 11/20: level 3 not boarded'), m.text);
  assert.ok(visibleText(m.html).includes('1 Line 1 $2,000.00 $1,500.00 Site walk 11/20: level 3 not boarded'));
  assert.ok(!m.text.includes('Line 2 |') && !m.text.includes('Line 3 |'), 'lines certified as claimed are not listed');
  noDoubledStops(m);
});

test('the Subcontractor SOV request names the project and the commitment in its subject', async () => {
  const other = await makeCommitment(t.db, project, {
    number: 'SC-211',
    title: 'Acoustic ceilings',
    contractCompanyId: commitment.contractCompanyId ?? undefined,
    invoiceContactIds: [contact.id],
    status: 'approved',
    sov: [8_000_00],
  });
  const current = await admin.get(`${p}/commitments/${other.id}`);
  assertOk(await admin.patch(`${p}/commitments/${other.id}`, { version: current.body.commitment.version, ssovEnabled: true }));
  assertOk(await admin.post(`${p}/commitments/${other.id}/ssov/request`, {}));
  const m = only(await deliver(), contact);
  assert.equal(m.subject, `${project.name}: Pat Quinn Jr. invites you to break down your Schedule of Values for SC-211 – Acoustic ceilings`);
  says(m, project.name, 'SC-211 – Acoustic ceilings');
  noDoubledStops(m);
});

test('a message written before these fields existed still renders from its payload (delivered after an upgrade)', () => {
  const project = { id: 'p', name: 'Old Project', locale: 'en-US', currency: 'USD', timeZone: NY_ZONE, terminology: 'general_contractor' as const };
  const commitmentRef = { id: 'c', number: 'SC-1', title: 'Old work', url: '/projects/p/commitments/c' };
  const invoiceRef = { id: 'i', label: '#1', url: '/projects/p/invoices/i', currentPaymentDueCents: 900_00, statusLabel: 'Under Review' };
  const submitted = renderMessage('invoice_submitted', { project, commitment: commitmentRef, invoice: invoiceRef, recipientName: 'A', submitterName: 'B', contractCompanyName: 'C' }, BASE);
  assert.match(submitted.text, /B submitted an invoice for review\./);
  assert.doesNotMatch(submitted.text, /Billing period|[Rr]evision/);
  const approved = renderMessage('invoice_approved', { project, commitment: commitmentRef, invoice: { ...invoiceRef, statusLabel: 'Approved' }, recipientName: 'A', approverName: 'B' }, BASE);
  assert.match(approved.text, /Certified payment due: \$900\.00/);
  const invitation = renderMessage('account_invitation', { recipientName: 'A', inviterName: 'B', companyName: 'C', url: '/welcome?token=x', expiresAt: '2026-11-09T15:00:00.000Z' }, BASE);
  assert.match(invitation.text, /until Nov 9, 2026\./);
});
