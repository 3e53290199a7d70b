/**
 * The Subcontractor SOV (SSOV) through the API: an administrator enables it and asks the contacts
 * to fill it in (email with a link to the editor); the contact breaks each SOV line into detail
 * lines and sees the remaining to allocate; submitting is refused until it is zero on every line,
 * naming the lines; submitting emails the distribution list; sending back emails the contacts the
 * reason; approving emails nobody; Invite to Bill and invoice creation wait for the approval; then
 * invoices bill the detail lines (rolled up to their SOV line, G702 line 1 = the contract sum) and
 * the next invoice carries them forward line by line; an approved invoice is never rewritten.
 * Plus who may see and do what, every refusal with its stable code and field (never a 5xx), the
 * project default, and the audit trail.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import { renderMessage } from '../../src/email/templates.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import {
  approvedCommitment,
  assertError,
  assertNo5xx,
  assertOk,
  billingProject,
  emails,
  track,
  type BillingSetup,
  type Client,
  type Seen,
} from '../support/billing.ts';
import { addToProject, makeUser } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
const seen: Seen = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
});
after(() => database.close());
afterEach(() => assertNo5xx(seen));

type SsovBody = {
  commitmentId: string;
  enabled: boolean;
  status: string;
  statusLabel: string;
  version: number;
  sentBackReason: string | null;
  submittedBy: { userId: string; name: string } | null;
  requestedAt: string | null;
  isFullyAllocated: boolean;
  isApprovedForBilling: boolean;
  totals: { scheduledValueCents: number; allocatedCents: number; remainingToAllocateCents: number };
  sovLines: {
    sovLineId: string;
    itemNumber: string;
    scheduledValueCents: number;
    allocatedCents: number;
    remainingToAllocateCents: number;
    isFullyAllocated: boolean;
    lines: {
      id: string;
      sovLineId: string;
      itemNumber: string;
      description: string;
      costCode: string;
      amountCents: number;
      billing: { invoices: { label: string; isApproved: boolean; hasAmounts: boolean }[]; canChangeAmount: boolean; canRemove: boolean };
    }[];
  }[];
  you: { role: string; canEditLines: boolean; allowedActions: string[]; canRequest: boolean; mustStayFullyAllocated: boolean };
};

type LineInput = { id?: string; sovLineId: string; description: string; costCode?: string; amountCents: number };

const ssovPath = (s: BillingSetup, c: Commitment, rest = '') => `${s.p}/commitments/${c.id}/ssov${rest}`;

async function readSsov(s: BillingSetup, c: Commitment, api: Client = s.admin): Promise<SsovBody> {
  const res = await api.get(ssovPath(s, c));
  assertOk(res);
  assert.equal(res.headers.get('etag'), `"${res.body.version}"`);
  return res.body as SsovBody;
}

/** The stored detail lines as a save sends them back (ids kept). */
function asInput(body: SsovBody): LineInput[] {
  return body.sovLines.flatMap((g) => g.lines.map((l) => ({ id: l.id, sovLineId: l.sovLineId, description: l.description, costCode: l.costCode, amountCents: l.amountCents })));
}

async function enable(s: BillingSetup, c: Commitment): Promise<void> {
  const current = await s.admin.get(`${s.p}/commitments/${c.id}`);
  assertOk(current);
  assertOk(await s.admin.patch(`${s.p}/commitments/${c.id}`, { version: current.body.commitment.version, ssovEnabled: true }));
}

async function emailsTo(userId: string): Promise<number> {
  const rows = await t.db.selectFrom('emailMessages').select('id').where('toUserId', '=', userId).execute();
  return rows.length;
}

describe('the whole flow, from the request to the second invoice', () => {
  let s: BillingSetup;
  let c: Commitment;
  let body: SsovBody;
  let line1: string;
  let line2: string;
  let firstInvoice: any;

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    // SOV: 1 "Line 1" 10,000.00 · 2 "Line 2" 5,000.00 → original contract sum 15,000.00.
    c = await approvedCommitment(t, s);
  });

  test('before it is enabled, the SSOV reads as off and nothing can be saved', async () => {
    body = await readSsov(s, c);
    assert.equal(body.enabled, false);
    assert.equal(body.status, 'draft');
    assert.deepEqual(body.you, { role: 'admin', canEditLines: false, allowedActions: [], canRequest: false, mustStayFullyAllocated: false });
    assertError(await s.admin.put(ssovPath(s, c), { version: body.version, lines: [] }), 422, 'invalid_state', 'ssovEnabled');
    assertError(await s.admin.post(ssovPath(s, c, '/request'), {}), 422, 'invalid_state', 'ssovEnabled');
  });

  test('an administrator enables it and asks the contacts: they get the request with a link into the editor', async () => {
    await enable(s, c);
    body = await readSsov(s, c);
    assert.equal(body.enabled, true);
    [line1, line2] = body.sovLines.map((g) => g.sovLineId) as [string, string];
    assert.deepEqual(
      body.sovLines.map((g) => [g.itemNumber, g.scheduledValueCents, g.allocatedCents, g.remainingToAllocateCents, g.lines.length]),
      [
        ['1', 10_000_00, 0, 10_000_00, 0],
        ['2', 5_000_00, 0, 5_000_00, 0],
      ],
    );
    assert.equal((await s.admin.get(`${s.p}/billing-board`)).body.rows.find((r: any) => r.commitmentId === c.id).billingStatus, 'ssov_not_approved');

    const res = await s.admin.post(ssovPath(s, c, '/request'), { message: 'Please split line 1 by supplier.' });
    assertOk(res);
    assert.deepEqual(res.body.emailed, [s.contact.id]);
    assert.equal(res.body.ssov.version, body.version, 'asking changes no line, so not the version');
    assert.ok(res.body.ssov.requestedAt);
    const sent = (await emails(t, 'ssov_request')).filter((e) => e.payload.commitment?.id === c.id);
    assert.deepEqual(sent.map((e) => [e.toUserId, e.status]), [[s.contact.id, 'pending']]);
    const payload = sent[0]?.payload;
    assert.equal(payload.ssovUrl, `/projects/${s.project.id}/commitments/${c.id}/ssov`);
    assert.equal(payload.message, 'Please split line 1 by supplier.');
    const rendered = renderMessage('ssov_request', payload, 'http://payapp.test');
    assert.equal(rendered.subject, `${s.project.name}: Invoice Admin invites you to break down your Schedule of Values for ${c.number} – ${c.title}`);
    assert.ok(rendered.text.includes(`http://payapp.test/projects/${s.project.id}/commitments/${c.id}/ssov`), 'a link straight into the editor');
  });

  test('the contact saves detail lines and sees the remaining to allocate per SOV line', async () => {
    const mine = await readSsov(s, c, s.contactApi);
    assert.deepEqual(mine.you, { role: 'contact', canEditLines: true, allowedActions: ['submit'], canRequest: false, mustStayFullyAllocated: false });
    const res = await s.contactApi.put(ssovPath(s, c), {
      version: mine.version,
      lines: [
        { sovLineId: line1, description: 'Supplier A — rebar', costCode: '03-200', amountCents: 6_000_00 },
        { sovLineId: line2, description: 'Crew', amountCents: 5_000_00 },
        { sovLineId: line1, description: 'Supplier B — forms', amountCents: 3_000_00 },
      ],
    });
    assertOk(res);
    body = res.body;
    assert.equal(body.version, mine.version + 1);
    assert.equal(res.headers.get('etag'), `"${body.version}"`);
    assert.deepEqual(
      body.sovLines.map((g) => [g.remainingToAllocateCents, g.isFullyAllocated, g.lines.map((l) => [l.itemNumber, l.description, l.amountCents])]),
      [
        [1_000_00, false, [['1.1', 'Supplier A — rebar', 6_000_00], ['1.2', 'Supplier B — forms', 3_000_00]]],
        [0, true, [['2.1', 'Crew', 5_000_00]]],
      ],
    );
    assert.deepEqual(body.totals, { scheduledValueCents: 15_000_00, allocatedCents: 14_000_00, remainingToAllocateCents: 1_000_00 });
    assert.equal(body.isFullyAllocated, false);
  });

  test('submitting is refused while a line has something left to allocate, naming that line', async () => {
    const res = await s.contactApi.post(ssovPath(s, c, '/submit'), { version: body.version });
    assertError(res, 422, 'ssov_not_allocated', 'lines');
    assert.match(res.body.error.message, /line 1 \(Line 1\) has 1,000\.00 remaining to allocate/);
    assert.doesNotMatch(res.body.error.message, /line 2/);
    assert.deepEqual(res.body.error.details.map((d: any) => [d.path, d.sovLineId]), [['lines', line1]], 'the SOV line by id beside the path');
    assert.equal((await readSsov(s, c)).status, 'draft');
    assert.equal((await emails(t, 'ssov_submitted')).filter((e) => e.payload.commitment?.id === c.id).length, 0);
  });

  test('Invite to Bill and invoice creation are refused before approval, each with its reason', async () => {
    assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
    const invite = await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id] });
    assertOk(invite);
    assert.deepEqual(invite.body.results[0].refusals.map((r: any) => r.code), ['ssov_not_approved']);
    for (const api of [s.contactApi, s.admin]) {
      const res = await api.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
      assertError(res, 422, 'rule_violation', 'commitmentId');
      assert.deepEqual(res.body.error.details, { reason: 'ssov_not_approved' });
    }
    const billing = await s.contactApi.get(`${s.p}/commitments/${c.id}/billing`);
    assertOk(billing);
    assert.equal(billing.body.canCreateInvoice, false);
  });

  test('the contact completes the breakdown and submits it: the distribution list hears of it', async () => {
    const before = await emailsTo(s.contact.id);
    const res = await s.contactApi.put(ssovPath(s, c), {
      version: body.version,
      lines: [...asInput(body), { sovLineId: line1, description: 'Supplier C — ties', amountCents: 1_000_00 }],
    });
    assertOk(res);
    body = res.body;
    assert.equal(body.isFullyAllocated, true);
    assert.deepEqual(body.sovLines[0]?.lines.map((l) => l.itemNumber), ['1.1', '1.2', '1.3']);
    const submitted = await s.contactApi.post(ssovPath(s, c, '/submit'), { version: body.version });
    assertOk(submitted);
    body = submitted.body;
    assert.equal(body.status, 'under_review');
    assert.equal(body.submittedBy?.userId, s.contact.id);
    assert.deepEqual(body.you.allowedActions, [], 'the contact waits for the review');
    const sent = (await emails(t, 'ssov_submitted')).filter((e) => e.payload.commitment?.id === c.id);
    assert.deepEqual(sent.map((e) => e.toUserId), [s.adminUser.id]);
    assert.equal(sent[0]?.payload.totalCents, 15_000_00);
    assert.equal(sent[0]?.payload.detailLineCount, 4);
    assert.equal(sent[0]?.payload.submitterName, 'Sub Contact');
    assert.equal(await emailsTo(s.contact.id), before, 'nothing to the contact');
  });

  test('under review the contact can no longer edit, and cannot approve or send back', async () => {
    assertError(await s.contactApi.put(ssovPath(s, c), { version: body.version, lines: asInput(body) }), 422, 'invalid_state', 'status');
    assertError(await s.contactApi.post(ssovPath(s, c, '/approve'), { version: body.version }), 403, 'forbidden');
    assertError(await s.contactApi.post(ssovPath(s, c, '/send-back'), { version: body.version, reason: 'x' }), 403, 'forbidden');
    assertError(await s.contactApi.post(ssovPath(s, c, '/submit'), { version: body.version }), 422, 'invalid_transition', 'action');
    assert.deepEqual((await readSsov(s, c)).you.allowedActions, ['approve', 'send_back']);
  });

  test('the administrator sends it back with the reason: the contacts get it', async () => {
    assertError(await s.admin.post(ssovPath(s, c, '/send-back'), { version: body.version }), 400, 'validation_failed', 'reason');
    assertError(await s.admin.post(ssovPath(s, c, '/send-back'), { version: body.version, reason: '   ' }), 400, 'validation_failed', 'reason');
    const res = await s.admin.post(ssovPath(s, c, '/send-back'), { version: body.version, reason: 'Split the crew line into labor and equipment.' });
    assertOk(res);
    body = res.body;
    assert.equal(body.status, 'revise_and_resubmit');
    assert.equal(body.sentBackReason, 'Split the crew line into labor and equipment.');
    const sent = (await emails(t, 'ssov_sent_back')).filter((e) => e.payload.commitment?.id === c.id);
    assert.deepEqual(sent.map((e) => e.toUserId), [s.contact.id]);
    assert.equal(sent[0]?.payload.reason, 'Split the crew line into labor and equipment.');
    assert.equal(sent[0]?.payload.ssovUrl, `/projects/${s.project.id}/commitments/${c.id}/ssov`);
    const rendered = renderMessage('ssov_sent_back', sent[0]?.payload, 'http://payapp.test');
    assert.ok(rendered.text.includes('Split the crew line into labor and equipment.'));
  });

  test('the contact revises and resubmits; the administrator approves and the contacts get no email', async () => {
    const mine = await readSsov(s, c, s.contactApi);
    assert.equal(mine.you.canEditLines, true);
    const lines = asInput(mine).map((l) => (l.description === 'Crew' ? { ...l, description: 'Crew — labor', amountCents: 4_000_00 } : l));
    const saved = await s.contactApi.put(ssovPath(s, c), { version: mine.version, lines: [...lines, { sovLineId: line2, description: 'Crew — equipment', amountCents: 1_000_00 }] });
    assertOk(saved);
    const resubmitted = await s.contactApi.post(ssovPath(s, c, '/submit'), { version: saved.body.version });
    assertOk(resubmitted);
    assert.equal(resubmitted.body.status, 'under_review');
    assert.equal((await emails(t, 'ssov_submitted')).filter((e) => e.payload.commitment?.id === c.id).length, 2, 'each submission tells the distribution list');

    const before = await emailsTo(s.contact.id);
    const approved = await s.admin.post(ssovPath(s, c, '/approve'), { version: resubmitted.body.version });
    assertOk(approved);
    body = approved.body;
    assert.equal(body.status, 'approved');
    assert.equal(body.isApprovedForBilling, true);
    assert.equal(await emailsTo(s.contact.id), before, 'no email to the contacts on approval');
    assert.equal((await s.admin.get(`${s.p}/billing-board`)).body.rows.find((r: any) => r.commitmentId === c.id).billingStatus, 'not_invited');
  });

  test('invoices now bill the detail lines, each rolled up to its SOV line; G702 line 1 is still the contract sum', async () => {
    const invite = await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id] });
    assert.equal(invite.body.sent, 1);
    const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, { number: 'PA-1' });
    assertOk(created, 201);
    firstInvoice = created.body;
    const details = body.sovLines.flatMap((g) => g.lines);
    assert.deepEqual(
      firstInvoice.lines.map((l: any) => [l.key, l.source, l.itemNumber, l.description, l.scheduledValueCents, l.parent?.key]),
      details.map((d) => [`ssov:${d.id}`, 'sov', d.itemNumber, d.description, d.amountCents, `sov:${d.sovLineId}`]),
    );
    assert.equal(firstInvoice.summary.originalContractSumCents, 15_000_00);
    assert.deepEqual(
      firstInvoice.sovGroups.map((g: any) => [g.key, g.itemNumber, g.description, g.lineKeys.length, g.scheduledValueCents]),
      [
        [`sov:${line1}`, '1', 'Line 1', 3, 10_000_00],
        [`sov:${line2}`, '2', 'Line 2', 2, 5_000_00],
      ],
    );

    // Bill 50% of Supplier A and all of the labor line; submit; approve.
    const [a, , , labor] = firstInvoice.lines as any[];
    let res = await s.contactApi.put(`${s.p}/invoices/${firstInvoice.invoice.id}/lines?view=full`, {
      version: firstInvoice.invoice.version,
      lines: [
        { lineId: a.id, workCompletedThisPeriodCents: 3_000_00 },
        { lineId: labor.id, workCompletedThisPeriodCents: 4_000_00 },
      ],
    });
    assertOk(res);
    res = await s.contactApi.post(`${s.p}/invoices/${firstInvoice.invoice.id}/transitions?view=full`, { action: 'submit', version: res.body.invoice.version });
    assertOk(res);
    res = await s.admin.post(`${s.p}/invoices/${firstInvoice.invoice.id}/transitions?view=full`, { action: 'approve', version: res.body.invoice.version });
    assertOk(res);
    firstInvoice = res.body;
    assert.equal(firstInvoice.invoice.status, 'approved');
    assert.equal(firstInvoice.summary.totalCompletedAndStoredCents, 7_000_00);
    assert.equal(firstInvoice.sovGroups[0].workCompletedThisPeriodCents, 3_000_00);
    assert.equal(firstInvoice.sovGroups[1].workCompletedThisPeriodCents, 4_000_00);
    // The approved invoice (read from its snapshot) still groups by SOV line.
    const again = await s.admin.get(`${s.p}/invoices/${firstInvoice.invoice.id}`);
    assert.deepEqual(again.body.lines.map((l: any) => l.parent?.key), firstInvoice.lines.map((l: any) => l.parent?.key));
  });

  test('the next invoice carries the previous one forward detail line by detail line', async () => {
    t.clock.set('2026-12-02T15:00:00Z');
    assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
    const res = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, { number: 'PA-2' });
    assertOk(res, 201);
    const second = res.body;
    assert.deepEqual(
      second.lines.map((l: any) => [l.key, l.workCompletedPreviousCents]),
      firstInvoice.lines.map((l: any) => [l.key, l.totalCompletedAndStoredCents]),
    );
    assert.equal(second.summary.originalContractSumCents, 15_000_00);
    assert.equal(second.summary.lessPreviousCertificatesCents, firstInvoice.summary.totalEarnedLessRetainageCents);
    assert.equal(second.summary.totalCompletedAndStoredCents, 7_000_00);
  });

  test('the SSOV cannot be changed in a way that would rewrite the approved invoice, and says so', async () => {
    body = await readSsov(s, c);
    const [a, b] = body.sovLines[0]?.lines ?? [];
    assert.ok(a && b);
    assert.deepEqual(a.billing, { invoices: [{ label: 'PA-1', isApproved: true, hasAmounts: true }, { label: 'PA-2', isApproved: false, hasAmounts: false }], canChangeAmount: false, canChangeSovLine: false, canRemove: false });
    assert.deepEqual([b.billing.canChangeAmount, b.billing.canRemove], [true, false], 'on the approved invoice with nothing billed: re-amountable, but it stays');

    const input = asInput(body);
    // Re-amount a billed line (and balance the SOV line with another): refused, naming the invoice.
    const reamount = input.map((l) => (l.id === a.id ? { ...l, amountCents: 5_000_00 } : l.id === b.id ? { ...l, amountCents: 4_000_00 } : l));
    let res = await s.admin.put(ssovPath(s, c), { version: body.version, lines: reamount });
    assertError(res, 422, 'ssov_line_billed', 'lines.0.amountCents');
    assert.match(res.body.error.message, /Supplier A — rebar/);
    assert.match(res.body.error.message, /approved invoice PA-1/);
    assert.match(res.body.error.message, /rewrite the approved invoice/);
    // Remove it: refused.
    res = await s.admin.put(ssovPath(s, c), { version: body.version, lines: input.filter((l) => l.id !== a.id) });
    assertError(res, 422, 'ssov_line_billed', 'lines');
    assert.deepEqual(res.body.error.details.map((d: any) => [d.path, d.lineId]), [['lines', a.id]], 'the removed line is not in the request: named by id');
    // Move it to the other SOV line: refused.
    res = await s.admin.put(ssovPath(s, c), { version: body.version, lines: input.map((l) => (l.id === a.id ? { ...l, sovLineId: line2 } : l)) });
    assertError(res, 422, 'ssov_line_billed', 'lines.0.sovLineId');
    // Approved, it must stay fully allocated.
    res = await s.admin.put(ssovPath(s, c), { version: body.version, lines: input.map((l) => (l.id === b.id ? { ...l, amountCents: 1 } : l)) });
    assertError(res, 422, 'ssov_not_allocated', 'lines');
    assert.equal((await readSsov(s, c)).version, body.version, 'nothing was saved');

    // What is allowed: renaming, and re-balancing lines nothing was billed on — on the contact's behalf, no email.
    const before = await emailsTo(s.contact.id);
    const allowed = input.map((l) =>
      l.id === a.id ? { ...l, description: 'Supplier A — rebar & mesh' } : l.id === b.id ? { ...l, amountCents: 2_500_00 } : l.description === 'Supplier C — ties' ? { ...l, amountCents: 1_500_00 } : l,
    );
    res = await s.admin.put(ssovPath(s, c), { version: body.version, lines: allowed });
    assertOk(res);
    assert.equal(res.body.status, 'approved');
    assert.equal(await emailsTo(s.contact.id), before);
    const open = (await s.admin.get(`${s.p}/invoices`)).body.data.find((i: any) => i.number === 'PA-2');
    const draft = await s.admin.get(`${s.p}/invoices/${open.id}`);
    assert.deepEqual(
      draft.body.lines.slice(0, 3).map((l: any) => [l.description, l.scheduledValueCents]),
      [
        ['Supplier A — rebar & mesh', 6_000_00],
        ['Supplier B — forms', 2_500_00],
        ['Supplier C — ties', 1_500_00],
      ],
      'the invoice not yet approved follows',
    );
    const approved = await s.admin.get(`${s.p}/invoices/${firstInvoice.invoice.id}`);
    assert.deepEqual(approved.body.lines[0].description, 'Supplier A — rebar', 'the approved one keeps what it showed');
    assert.deepEqual(approved.body.lines[1].scheduledValueCents, 3_000_00);
  });

  test('the SSOV cannot be turned off (or on) once the commitment has invoices', async () => {
    const current = await s.admin.get(`${s.p}/commitments/${c.id}`);
    const res = await s.admin.patch(`${s.p}/commitments/${c.id}`, { version: current.body.commitment.version, ssovEnabled: false });
    assertError(res, 422, 'rule_violation', 'ssovEnabled');
    assert.match(res.body.error.message, /before the first invoice/);
  });

  test('a changed SOV waits for the SSOV to balance again before billing; a new detail line joins the open invoice', async () => {
    assertOk(await s.admin.patch(`${s.p}/commitments/${c.id}/sov/lines/${line2}`, { scheduledValueCents: 6_000_00 }));
    body = await readSsov(s, c);
    assert.deepEqual([body.status, body.isApprovedForBilling, body.sovLines[1]?.remainingToAllocateCents], ['approved', false, 1_000_00]);
    assert.equal((await s.admin.get(`${s.p}/billing-board`)).body.rows.find((r: any) => r.commitmentId === c.id).billingStatus, 'draft', 'the board shows the open invoice');
    const res = await s.admin.put(ssovPath(s, c), { version: body.version, lines: [...asInput(body), { sovLineId: line2, description: 'Extra crew', amountCents: 1_000_00 }] });
    assertOk(res);
    assert.equal(res.body.isApprovedForBilling, true);
    const open = (await s.admin.get(`${s.p}/invoices`)).body.data.find((i: any) => i.number === 'PA-2');
    const draft = await s.admin.get(`${s.p}/invoices/${open.id}`);
    assert.equal(draft.body.lines.length, 6);
    assert.equal(draft.body.summary.originalContractSumCents, 16_000_00);
  });

  test('every write left an audit entry, in order', async () => {
    const res = await s.admin.get(`${s.p}/audit?entityType=ssov&entityId=${c.id}&limit=100`);
    assertOk(res);
    const entries = [...res.body.data].reverse();
    assert.deepEqual(
      entries.map((e: any) => e.action),
      ['request', 'save_lines', 'save_lines', 'submit', 'send_back', 'save_lines', 'submit', 'approve', 'save_lines', 'save_lines'],
    );
    const sendBack = entries.find((e: any) => e.action === 'send_back');
    assert.equal(sendBack.actorUserId, s.adminUser.id);
    assert.deepEqual([sendBack.before.status, sendBack.after.status, sendBack.after.reason], ['under_review', 'revise_and_resubmit', 'Split the crew line into labor and equipment.']);
    const firstSave = entries.find((e: any) => e.action === 'save_lines');
    assert.equal(firstSave.actorUserId, s.contact.id);
    assert.equal(firstSave.after.lines.length, 3);
    const enabled = (await s.admin.get(`${s.p}/audit?entityType=commitment&entityId=${c.id}&limit=100`)).body.data.find((e: any) => e.action === 'update' && e.after?.ssovEnabled === true);
    assert.ok(enabled, 'enabling is audited on the commitment');
  });
});

describe('who may see and change it', () => {
  let s: BillingSetup;
  let c: Commitment;
  let publicOne: Commitment;
  let otherContact: Client;
  let reader: Client;
  let nobody: Client;

  before(async () => {
    s = await billingProject(t, seen);
    c = await approvedCommitment(t, s, { ssovEnabled: true });
    const colleague = await makeUser(t.db, s.sub, { name: 'Other Contact' });
    await addToProject(t.db, s.project, colleague, 'read_only');
    await approvedCommitment(t, { ...s, contact: colleague });
    otherContact = track(await t.as(colleague.id), seen);
    publicOne = await approvedCommitment(t, s, { ssovEnabled: true, isPrivate: false });
    const readOnly = await makeUser(t.db, s.sub, { name: 'Read Only' });
    await addToProject(t.db, s.project, readOnly, 'read_only');
    reader = track(await t.as(readOnly.id), seen);
    const none = await makeUser(t.db, s.sub, { name: 'No Access' });
    await addToProject(t.db, s.project, none, 'none');
    nobody = track(await t.as(none.id), seen);
  });

  test('a contact of another commitment, or someone with None, gets 404 — as if it did not exist', async () => {
    for (const api of [otherContact, nobody]) {
      assertError(await api.get(ssovPath(s, c)), 404, 'not_found');
      assertError(await api.put(ssovPath(s, c), { version: 1, lines: [] }), 404, 'not_found');
      assertError(await api.post(ssovPath(s, c, '/submit'), { version: 1 }), 404, 'not_found');
    }
    assertError(await s.admin.get(`${s.p}/commitments/${randomUUID()}/ssov`), 404, 'not_found');
    assertError(await s.admin.get(`${s.p}/commitments/not-a-uuid/ssov`), 404, 'not_found');
  });

  test('read-only people who may see a commitment see its SSOV but cannot change it', async () => {
    const seenByReader = await readSsov(s, publicOne, reader);
    assert.deepEqual(seenByReader.you, { role: 'viewer', canEditLines: false, allowedActions: [], canRequest: false, mustStayFullyAllocated: false });
    const sovLineId = seenByReader.sovLines[0]?.sovLineId as string;
    assertError(await reader.put(ssovPath(s, publicOne), { version: seenByReader.version, lines: [{ sovLineId, description: 'x', amountCents: 1 }] }), 403, 'forbidden');
    assertError(await reader.post(ssovPath(s, publicOne, '/submit'), { version: seenByReader.version }), 403, 'forbidden');
    assertError(await reader.get(ssovPath(s, c)), 404, 'not_found', undefined);
  });

  test('only administrators ask the contacts, approve and send back; contacts cannot', async () => {
    const b = await readSsov(s, c, s.contactApi);
    assertError(await s.contactApi.post(ssovPath(s, c, '/request'), {}), 403, 'forbidden');
    assertError(await s.contactApi.post(ssovPath(s, c, '/approve'), { version: b.version }), 403, 'forbidden');
    assertError(await s.contactApi.post(ssovPath(s, c, '/send-back'), { version: b.version, reason: 'no' }), 403, 'forbidden');
  });
});

describe('refusals: stable codes and fields, never a 5xx', () => {
  let s: BillingSetup;
  let c: Commitment;
  let body: SsovBody;

  before(async () => {
    s = await billingProject(t, seen);
    c = await approvedCommitment(t, s, { ssovEnabled: true });
    body = await readSsov(s, c);
  });

  test('invalid bodies answer 400 naming the field', async () => {
    const sovLineId = body.sovLines[0]?.sovLineId as string;
    const cases: [unknown, string][] = [
      [{ version: body.version, lines: [{ sovLineId, description: 'x', amountCents: -1 }] }, 'lines.0.amountCents'],
      [{ version: body.version, lines: [{ sovLineId, description: 'x', amountCents: 1.5 }] }, 'lines.0.amountCents'],
      [{ version: body.version, lines: [{ sovLineId, description: '', amountCents: 1 }] }, 'lines.0.description'],
      [{ version: body.version, lines: [{ description: 'x', amountCents: 1 }] }, 'lines.0.sovLineId'],
      [{ version: body.version, lines: [{ sovLineId: randomUUID(), description: 'x', amountCents: 1 }] }, 'lines.0.sovLineId'],
      [{ version: body.version, lines: [{ id: randomUUID(), sovLineId, description: 'x', amountCents: 1 }] }, 'lines.0.id'],
      [{ version: body.version, lines: [{ id: 'nope', sovLineId, description: 'x', amountCents: 1 }] }, 'lines.0.id'],
      [{ version: body.version, lines: 'all of them' }, 'lines'],
    ];
    for (const [payload, field] of cases) assertError(await s.contactApi.put(ssovPath(s, c), payload), 400, 'validation_failed', field);
    assertError(await s.admin.post(ssovPath(s, c, '/request'), { message: 'x'.repeat(2001) }), 400, 'validation_failed', 'message');
  });

  test('versions: missing 428, stale 409 (body) or 412 (If-Match)', async () => {
    assertError(await s.contactApi.put(ssovPath(s, c), { lines: [] }), 428, 'precondition_required', 'version');
    assertError(await s.contactApi.post(ssovPath(s, c, '/submit'), {}), 428, 'precondition_required', 'version');
    assertError(await s.contactApi.put(ssovPath(s, c), { version: body.version + 5, lines: [] }), 409, 'version_conflict', 'version');
    assertError(await s.contactApi.put(ssovPath(s, c), { lines: [] }, { 'if-match': `"${body.version + 5}"` }), 412, 'precondition_failed', 'If-Match');
    const ok = await s.contactApi.put(ssovPath(s, c), { lines: [] }, { 'if-match': `"${body.version}"` });
    assertOk(ok);
    body = ok.body;
  });

  test('status actions that do not apply are refused with invalid_transition', async () => {
    assertError(await s.admin.post(ssovPath(s, c, '/send-back'), { version: body.version, reason: 'x' }), 422, 'invalid_transition', 'action');
    assertError(await s.admin.post(ssovPath(s, c, '/approve'), { version: body.version }), 422, 'ssov_not_allocated', 'lines');
  });

  test('an administrator may fill it in and approve it on the contacts\' behalf — no email to them', async () => {
    const before = await emailsTo(s.contact.id);
    const lines = body.sovLines.map((g) => ({ sovLineId: g.sovLineId, description: `All of ${g.itemNumber}`, amountCents: g.scheduledValueCents }));
    const saved = await s.admin.put(ssovPath(s, c), { version: body.version, lines });
    assertOk(saved);
    const approved = await s.admin.post(ssovPath(s, c, '/approve'), { version: saved.body.version });
    assertOk(approved);
    assert.equal(approved.body.status, 'approved');
    assert.equal(await emailsTo(s.contact.id), before);
    assertError(await s.admin.post(ssovPath(s, c, '/approve'), { version: approved.body.version }), 422, 'invalid_transition', 'action');
    assertError(await s.admin.post(ssovPath(s, c, '/request'), {}), 422, 'invalid_state', 'status');
    assertError(await s.contactApi.put(ssovPath(s, c), { version: approved.body.version, lines }), 422, 'invalid_state', 'status');
  });

  test('asking a commitment without invoice contacts is refused', async () => {
    const lonely = await approvedCommitment(t, s, { ssovEnabled: true, invoiceContactIds: [] });
    const res = await s.admin.post(ssovPath(s, lonely, '/request'), {});
    assertError(res, 422, 'rule_violation', 'commitmentId');
    assert.deepEqual(res.body.error.details, { reason: 'no_invoice_contacts' });
  });

  test('the SSOV is for amount-based commitments only', async () => {
    const res = await s.admin.post(`${s.p}/commitments`, { kind: 'subcontract', number: `UQ-${randomUUID().slice(0, 6)}`, title: 'Units', accountingMethod: 'unit_quantity', ssovEnabled: true });
    assertError(res, 422, 'rule_violation', 'ssovEnabled');
  });
});

describe('the project default', () => {
  test('new amount-based commitments follow "enable Subcontractor SOV by default" unless their creator says otherwise', async () => {
    const s = await billingProject(t, seen);
    const settings = await s.admin.get(`${s.p}/invoicing-settings`);
    assertOk(settings);
    assert.equal(settings.body.ssovEnabledByDefault, false, 'off unless an administrator turns it on');
    const updated = await s.admin.patch(`${s.p}/invoicing-settings`, { version: settings.body.version, ssovEnabledByDefault: true });
    assertOk(updated);
    assert.equal(updated.body.ssovEnabledByDefault, true);
    const create = async (extra: Record<string, unknown>) => {
      const res = await s.admin.post(`${s.p}/commitments`, { kind: 'subcontract', number: `D-${randomUUID().slice(0, 6)}`, title: 'Default', ...extra });
      assertOk(res, 201);
      return res.body.commitment.ssovEnabled as boolean;
    };
    assert.equal(await create({}), true);
    assert.equal(await create({ ssovEnabled: false }), false);
    assert.equal(await create({ accountingMethod: 'unit_quantity' }), false, 'never on a unit/quantity commitment');
  });
});
