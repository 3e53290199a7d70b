/**
 * The invoice administrator's "needs your attention" queue (GET /me/attention): each kind of item
 * appears when something starts waiting and disappears once it is handled — an invite answered, an
 * invoice reviewed, sent back and resubmitted, approved and paid, a Subcontractor SOV approved.
 * Only projects the person administers count; company admins see every project. It is built with
 * the same number of queries whether there is one project or many.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Commitment } from '../../src/domain/commitment.ts';
import { listAttention } from '../../src/services/billing/attention.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertNo5xx, assertOk, billingProject, track, type BillingSetup, type Client, type Seen } from '../support/billing.ts';
import { addToProject, makeUser, systemAdminOf, viewerOf } from '../support/factories.ts';
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

type Item = {
  kind: string;
  projectId: string;
  commitmentId: string;
  commitmentNumber: string;
  invoice: { id: string; label: string; status: string } | null;
  waiting: string;
  since: string | null;
  dueOn: string | null;
  isOverdue: boolean;
  payment: { dueCents: number; paidCents: number } | null;
  path: string;
};

async function queue(api: Client): Promise<{ projectCount: number; items: Item[] }> {
  const res = await api.get('/api/v1/me/attention');
  assertOk(res);
  return res.body;
}

/** The queue's items about one commitment, as [kind, invoice status or null]. */
async function about(api: Client, c: Commitment): Promise<[string, string | null][]> {
  return (await queue(api)).items.filter((i) => i.commitmentId === c.id).map((i) => [i.kind, i.invoice?.status ?? null]);
}

describe('needs your attention', () => {
  let s: BillingSetup;
  let c: Commitment;
  let invoiceId = '';
  let version = 0;
  const inv = (rest = '') => `${s.p}/invoices/${invoiceId}${rest}`;

  before(async () => {
    t.clock.set('2026-11-02T15:00:00Z');
    s = await billingProject(t, seen);
    c = await approvedCommitment(t, s, { number: 'SC-ATT' });
  });

  test('a contact who administers nothing has no queue', async () => {
    assert.deepEqual(await queue(s.contactApi), { projectCount: 0, items: [] });
  });

  test('an invite without an answer waits until the contact answers', async () => {
    assert.deepEqual(await queue(s.admin), { projectCount: 1, items: [] });
    const period = await s.admin.post(`${s.p}/billing-periods`, {});
    assertOk(period, 201);
    t.clock.set('2026-11-03T16:00:00Z');
    assertOk(await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id], invoiceType: 'work_and_materials' }));
    const [item, ...rest] = (await queue(s.admin)).items;
    assert.deepEqual(rest, []);
    assert.deepEqual(
      item && [item.kind, item.commitmentNumber, item.invoice, item.since, item.dueOn, item.isOverdue, item.path],
      ['invite_unanswered', 'SC-ATT', null, '2026-11-03T16:00:00.000Z', period.body.dueOn, false, `/projects/${s.project.id}/commitments/${c.id}`],
    );
    assert.equal(item?.waiting, 'Invited to bill; the contact has not answered.');

    // Past the due date it is marked overdue (in the project's time zone).
    t.clock.set(`${period.body.dueOn}T23:00:00Z`);
    assert.equal((await queue(s.admin)).items[0]?.isOverdue, false, 'still the due day in New York');
    t.clock.set('2026-11-26T15:00:00Z');
    assert.equal((await queue(s.admin)).items[0]?.isOverdue, true);
    t.clock.set('2026-11-04T15:00:00Z');

    assertOk(await s.contactApi.post(`${s.p}/commitments/${c.id}/invite-response`, { response: 'accepted' }));
    assert.deepEqual(await about(s.admin, c), [], 'answered: nothing waits');
  });

  test('a submitted invoice waits for review; sent back it waits on the contact; resubmitted, for review again', async () => {
    const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, { number: 'ATT-1' });
    assertOk(created, 201);
    invoiceId = created.body.invoice.id;
    const lines = created.body.lines.map((l: { id: string }) => l.id) as string[];
    let res = await s.contactApi.put(inv('/lines?view=full'), { version: created.body.invoice.version, lines: lines.map((lineId) => ({ lineId, workCompletedThisPeriodCents: 1_000_00 })) });
    assertOk(res);
    assert.deepEqual(await about(s.admin, c), [], 'a draft waits on nobody but its author');

    t.clock.set('2026-11-05T15:00:00Z');
    res = await s.contactApi.post(inv('/transitions?view=full'), { action: 'submit', version: res.body.invoice.version });
    assertOk(res);
    let items = (await queue(s.admin)).items.filter((i) => i.commitmentId === c.id);
    assert.deepEqual(
      items.map((i) => [i.kind, i.invoice?.label, i.invoice?.status, i.since, i.dueOn, i.path]),
      [['invoice_to_review', 'ATT-1', 'under_review', '2026-11-05T15:00:00.000Z', null, `/projects/${s.project.id}/invoices/${invoiceId}`]],
    );
    assert.equal(items[0]?.waiting, 'Invoice ATT-1 is waiting for your review.');

    t.clock.set('2026-11-06T15:00:00Z');
    res = await s.admin.post(inv('/review?view=full'), { version: res.body.invoice.version, lines: [{ lineId: lines[0], decision: 'rejected', reason: 'Not on site yet.' }] });
    assertOk(res);
    assert.equal(res.body.invoice.status, 'revise_and_resubmit');
    items = (await queue(s.admin)).items.filter((i) => i.commitmentId === c.id);
    assert.deepEqual(
      items.map((i) => [i.kind, i.invoice?.status, i.since, i.dueOn]),
      [['invoice_sent_back', 'revise_and_resubmit', '2026-11-06T15:00:00.000Z', '2026-11-25']],
      'since it was sent back; due when the period is',
    );

    // The contact fixing the line is not resubmitting: it still waits on them.
    t.clock.set('2026-11-07T15:00:00Z');
    res = await s.contactApi.put(inv('/lines?view=full'), { version: res.body.invoice.version, lines: [{ lineId: lines[0], workCompletedThisPeriodCents: 500_00 }] });
    assertOk(res);
    assert.deepEqual(await about(s.admin, c), [['invoice_sent_back', 'revise_and_resubmit']]);
    assert.equal((await queue(s.admin)).items[0]?.since, '2026-11-06T15:00:00.000Z');

    t.clock.set('2026-11-08T15:00:00Z');
    res = await s.contactApi.post(inv('/transitions?view=full'), { action: 'submit', version: res.body.invoice.version });
    assertOk(res);
    assert.deepEqual(await about(s.admin, c), [['invoice_to_review', 'under_review']]);
    assert.equal((await queue(s.admin)).items[0]?.since, '2026-11-08T15:00:00.000Z', 'since the resubmission');
    version = res.body.invoice.version;
  });

  test('an approved invoice waits until it is paid in full; a voided payment brings it back', async () => {
    let res = await s.admin.post(inv('/transitions?view=full'), { action: 'approve', version });
    assertOk(res);
    const due = res.body.summary.currentPaymentDueCents as number;
    assert.ok(due > 0);
    let items = (await queue(s.admin)).items.filter((i) => i.commitmentId === c.id);
    assert.deepEqual(items.map((i) => [i.kind, i.invoice?.status, i.payment]), [['invoice_unpaid', 'approved', { dueCents: due, paidCents: 0 }]]);
    assert.equal(items[0]?.waiting, 'Invoice ATT-1 is Approved and not paid yet.');

    res = await s.admin.post(inv('/payments'), { amountCents: 100_00, paidOn: '2026-11-20', method: 'check' });
    assertOk(res, 201);
    items = (await queue(s.admin)).items.filter((i) => i.commitmentId === c.id);
    assert.deepEqual(items.map((i) => i.payment), [{ dueCents: due, paidCents: 100_00 }]);
    assert.equal(items[0]?.waiting, 'Invoice ATT-1 is Approved and partly paid.');

    const rest = await s.admin.post(inv('/payments'), { amountCents: due - 100_00, paidOn: '2026-11-21', method: 'electronic' });
    assertOk(rest, 201);
    assert.deepEqual(await about(s.admin, c), [], 'paid in full: nothing waits');

    const paymentId = (await s.admin.get(inv('/payments'))).body.payments.find((p: { amountCents: number }) => p.amountCents === due - 100_00).id;
    assertOk(await s.admin.post(inv(`/payments/${paymentId}/void`), { reason: 'Check bounced.' }));
    assert.deepEqual(await about(s.admin, c), [['invoice_unpaid', 'approved']]);
  });

  test('a Subcontractor SOV under review waits for the administrator until approved', async () => {
    const withSsov = await approvedCommitment(t, s, { number: 'SC-SSOV', ssovEnabled: true });
    const path = `${s.p}/commitments/${withSsov.id}/ssov`;
    const body = (await s.contactApi.get(path)).body;
    const saved = await s.contactApi.put(path, {
      version: body.version,
      lines: body.sovLines.map((g: { sovLineId: string; scheduledValueCents: number }) => ({ sovLineId: g.sovLineId, description: 'All of it', amountCents: g.scheduledValueCents })),
    });
    assertOk(saved);
    assert.deepEqual(await about(s.admin, withSsov), [], 'a draft breakdown waits on the contact');
    t.clock.set('2026-11-09T15:00:00Z');
    const submitted = await s.contactApi.post(`${path}/submit`, { version: saved.body.version });
    assertOk(submitted);
    const item = (await queue(s.admin)).items.find((i) => i.commitmentId === withSsov.id);
    assert.deepEqual(item && [item.kind, item.since, item.path], ['ssov_to_review', '2026-11-09T15:00:00.000Z', `/projects/${s.project.id}/commitments/${withSsov.id}/ssov`]);
    assertOk(await s.admin.post(`${path}/approve`, { version: submitted.body.version }));
    assert.deepEqual(await about(s.admin, withSsov), []);
  });

  test('kinds come in a fixed order — reviews first, then what waits on contacts, then payments — longest waiting first', async () => {
    const submitted = async (number: string, at: string) => {
      const commitment = await approvedCommitment(t, s, { number });
      t.clock.set(at);
      const created = await s.contactApi.post(`${s.p}/commitments/${commitment.id}/invoices?view=full`, {});
      assertOk(created, 201);
      const res = await s.contactApi.post(`${s.p}/invoices/${created.body.invoice.id}/transitions?view=full`, { action: 'submit', version: created.body.invoice.version });
      assertOk(res);
      return res.body;
    };
    await submitted('SC-LATER', '2026-11-12T15:00:00Z');
    await submitted('SC-EARLIER', '2026-11-10T15:00:00Z');
    const back = await submitted('SC-BACK', '2026-11-11T15:00:00Z');
    assertOk(await s.admin.post(`${s.p}/invoices/${back.invoice.id}/transitions?view=full`, { action: 'request_revision', version: back.invoice.version, note: 'Attach the lien waiver.' }));
    const invited = await approvedCommitment(t, s, { number: 'SC-QUIET' });
    assertOk(await s.admin.post(`${s.p}/invites`, { commitmentIds: [invited.id] }));
    const items = (await queue(s.admin)).items;
    assert.deepEqual(
      items.map((i) => [i.kind, i.commitmentNumber]),
      [
        ['invoice_to_review', 'SC-EARLIER'],
        ['invoice_to_review', 'SC-LATER'],
        ['invoice_sent_back', 'SC-BACK'],
        ['invite_unanswered', 'SC-QUIET'],
        ['invoice_unpaid', 'SC-ATT'],
      ],
    );
  });

  test('a project where the person is not an administrator contributes nothing; a company admin sees every project', async () => {
    // Another project with the same people, but there the administrator has Standard only.
    const other = await billingProject(t, seen);
    await addToProject(t.db, other.project, s.adminUser, 'standard');
    const foreign = await approvedCommitment(t, other, { number: 'SC-FOREIGN' });
    assertOk(await other.admin.post(`${other.p}/billing-periods`, {}), 201);
    assertOk(await other.admin.post(`${other.p}/invites`, { commitmentIds: [foreign.id] }));
    const created = await other.contactApi.post(`${other.p}/commitments/${foreign.id}/invoices?view=full`, {});
    assertOk(created, 201);
    assertOk(await other.contactApi.post(`${other.p}/invoices/${created.body.invoice.id}/transitions?view=full`, { action: 'submit', version: created.body.invoice.version }));

    const mine = await queue(s.admin);
    assert.equal(mine.projectCount, 1);
    assert.ok(!mine.items.some((i) => i.projectId === other.project.id), 'nothing from the project she does not administer');
    assert.deepEqual(await about(other.admin, foreign), [['invoice_to_review', 'under_review']], "it is its own administrator's");

    const { admin: companyAdmin } = await systemAdminOf(t.db);
    const everyone = track(await t.as(companyAdmin.id), seen);
    const all = await queue(everyone);
    assert.ok(all.projectCount >= 2);
    assert.ok(all.items.some((i) => i.projectId === s.project.id) && all.items.some((i) => i.projectId === other.project.id), 'a company admin sees both projects');
  });

  test('the same few queries whatever the number of projects and items', async () => {
    const admin = await makeUser(t.db, (await systemAdminOf(t.db)).gc, { name: 'Many Projects Admin' });
    const counts: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      // One more project administered each round, each with a commitment invited and an invoice under review.
      const p = await billingProject(t, seen);
      await addToProject(t.db, p.project, admin, 'admin');
      const one = await approvedCommitment(t, p, { number: `SC-R${round}-1` });
      const two = await approvedCommitment(t, p, { number: `SC-R${round}-2` });
      assertOk(await p.admin.post(`${p.p}/billing-periods`, {}), 201);
      assertOk(await p.admin.post(`${p.p}/invites`, { commitmentIds: [one.id, two.id] }));
      const created = await p.contactApi.post(`${p.p}/commitments/${one.id}/invoices?view=full`, {});
      assertOk(created, 201);
      assertOk(await p.contactApi.post(`${p.p}/invoices/${created.body.invoice.id}/transitions?view=full`, { action: 'submit', version: created.body.invoice.version }));

      // One result per statement sent to the database (sub-selects are part of their statement).
      let queries = 0;
      const counter: KyselyPlugin = {
        transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => args.node,
        transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => {
          queries += 1;
          return args.result;
        },
      };
      const result = await listAttention(t.db.withPlugin(counter), viewerOf(admin), t.clock.now());
      assert.equal(result.projectCount, round + 1);
      assert.equal(result.items.filter((i) => i.kind === 'invoice_to_review').length, round + 1);
      assert.equal(result.items.filter((i) => i.kind === 'invite_unanswered').length, round + 1, 'the invite overtaken by an invoice no longer waits');
      counts.push(queries);
    }
    assert.deepEqual(counts, [counts[0], counts[0], counts[0]], `queries per round: ${counts.join(', ')}`);
    assert.ok((counts[0] ?? 99) <= 5, `${counts[0]} queries`);
  });
});
