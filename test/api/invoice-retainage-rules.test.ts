/**
 * Issue 10, items 5 and 6, through the API: an invoice keeps the sliding-scale rules in force when
 * it was created (a rule change reaches invoices created later, and the chain of earlier invoices
 * computes each with its own rules); an administrator puts the current rules on an open invoice
 * with an explicit, versioned and audited action; invoices that existed before the rules were
 * stored on invoices took their commitment's rules then. Item 6: each sliding-scale line carries
 * the rate applied this period and the rule(s) that set it.
 */
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { after, afterEach, before, describe, test } from 'node:test';
import { retainageRulesOnInvoice } from '../../src/db/migrations/2026_12_07_0302_retainage_rules_on_invoice.ts';
import type { Commitment } from '../../src/domain/commitment.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertError, assertNo5xx, assertOk, billingProject, type BillingSetup, type Seen } from '../support/billing.ts';
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

type Invoice = { invoice: { id: string; version: number; status: string }; lines: any[]; summary: Record<string, number>; retentionRules: any; retentionRulesMatchCommitment: boolean | null; you: any };

const rulesPath = (s: BillingSetup, c: Commitment) => `${s.p}/commitments/${c.id}/retainage-rules`;
const invoicePath = (s: BillingSetup, id: string, rest = '') => `${s.p}/invoices/${id}${rest}`;
const TEN_UNTIL_FIVE_PERCENT = [{ kind: 'until_percent_of_original', rateBp: 1000, thresholdBp: 500 }];
const FIVE_UNTIL_100K = [{ kind: 'until_amount', rateBp: 500, capCents: 100_000_00 }];

async function nextPeriod(s: BillingSetup, startsOn: string, endsOn: string, dueOn: string): Promise<void> {
  t.clock.set(`${startsOn}T15:00:00Z`);
  const periods = await s.admin.get(`${s.p}/billing-periods`);
  for (const p of (periods.body.data ?? periods.body) as { id: string; status: string; version: number }[]) {
    if (p.status === 'open') assertOk(await s.admin.patch(`${s.p}/billing-periods/${p.id}`, { version: p.version, status: 'closed' }));
  }
  assertOk(await s.admin.post(`${s.p}/billing-periods`, { startsOn, endsOn, dueOn }), 201);
}

async function setRules(s: BillingSetup, c: Commitment, rules: unknown[] | null, afterRateBp = 0) {
  const current = await s.admin.get(rulesPath(s, c));
  const res = await s.admin.put(rulesPath(s, c), { version: current.body.version, rules, afterRateBp });
  assertOk(res);
  return res.body;
}

/** A contact's invoice for the open period with `work` per SOV line, submitted. */
async function submitted(s: BillingSetup, c: Commitment, work: number[]): Promise<Invoice> {
  const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
  assertOk(created, 201);
  const inv: Invoice = created.body;
  const saved = await s.contactApi.put(invoicePath(s, inv.invoice.id, '/lines?view=full'), {
    version: inv.invoice.version,
    lines: work.map((w, i) => ({ lineId: inv.lines[i].id, workCompletedThisPeriodCents: w })),
  });
  assertOk(saved);
  const res = await s.contactApi.post(invoicePath(s, inv.invoice.id, '/transitions?view=full'), { action: 'submit', version: saved.body.invoice.version });
  assertOk(res);
  return res.body;
}

const workRetainage = (inv: Invoice) => inv.lines.map((l) => l.workRetainageThisPeriodCents);

describe('item 5: the rules in force when an invoice is created stay with it', () => {
  test('a rule change leaves a submitted invoice alone and reaches the next one; the explicit action applies it, audited', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-09-01', '2026-09-30', '2026-09-25');
    // 10,000.00 + 5,000.00: "10% until 5% of the original value (750.00) is held".
    const c = await approvedCommitment(t, s);
    await setRules(s, c, TEN_UNTIL_FIVE_PERCENT);
    const sep = await submitted(s, c, [5_000_00, 0]);
    assert.deepEqual(workRetainage(sep), [500_00, 0]);
    assert.deepEqual(sep.retentionRules, { rules: TEN_UNTIL_FIVE_PERCENT, afterRateBp: 0 });
    assert.equal(sep.retentionRulesMatchCommitment, true);
    assert.equal(sep.you.canApplyCurrentRetainageRules, false, 'the contact never can');

    // The commitment moves to 5%: the submitted invoice keeps 10% (view, list and board alike).
    const changed = await setRules(s, c, FIVE_UNTIL_100K);
    assert.deepEqual(changed.openInvoicesWithOtherRules, [{ id: sep.invoice.id, label: '#1', status: 'under_review' }]);
    const kept: Invoice = (await s.admin.get(invoicePath(s, sep.invoice.id))).body;
    assert.deepEqual(workRetainage(kept), [500_00, 0]);
    assert.equal(kept.summary.currentPaymentDueCents, 4_500_00);
    assert.deepEqual(kept.retentionRules, { rules: TEN_UNTIL_FIVE_PERCENT, afterRateBp: 0 });
    assert.equal(kept.retentionRulesMatchCommitment, false);
    assert.equal(kept.you.canApplyCurrentRetainageRules, true);
    assert.equal((await s.contactApi.get(invoicePath(s, sep.invoice.id))).body.you.canApplyCurrentRetainageRules, false);
    const list = await s.admin.get(`${s.p}/invoices?commitmentId=${c.id}`);
    assert.equal(list.body.data[0].currentPaymentDueCents, 4_500_00);
    const board = await s.admin.get(`${s.p}/billing-board`);
    assert.equal(board.body.rows.find((r: any) => r.commitmentId === c.id).latestInvoice.currentPaymentDueCents, 4_500_00);

    // October's invoice is created under the new rules. The September invoice it builds on is not
    // approved yet, so it is carried with ITS rules: line 1 holds 500.00 before (not 250.00), and
    // this period holds 5% (not the 10% the old cap would still allow).
    await nextPeriod(s, '2026-10-01', '2026-10-31', '2026-10-25');
    const oct = await submitted(s, c, [1_000_00, 1_000_00]);
    assert.deepEqual(oct.retentionRules, { rules: FIVE_UNTIL_100K, afterRateBp: 0 });
    assert.deepEqual(oct.lines.map((l) => l.workRetainagePreviousCents), [500_00, 0]);
    assert.deepEqual(workRetainage(oct), [50_00, 50_00]);
    assert.equal(oct.summary.totalRetainageCents, 600_00);

    // The explicit action: administrators only, versioned (If-Match or body), audited.
    const apply = invoicePath(s, sep.invoice.id, '/apply-current-retainage-rules?view=full');
    assertError(await s.contactApi.post(apply, { version: kept.invoice.version }), 403, 'forbidden');
    assertError(await s.admin.post(apply, {}), 428, 'precondition_required', 'version');
    assertError(await s.admin.post(apply, {}, { 'if-match': `"${kept.invoice.version - 1}"` }), 412, 'precondition_failed', 'If-Match');
    assertError(await s.admin.post(apply, { version: kept.invoice.version, note: 'x' }), 400, 'validation_failed');
    assert.deepEqual(workRetainage((await s.admin.get(invoicePath(s, sep.invoice.id))).body), [500_00, 0], 'refused attempts change nothing');
    // A bodiless POST with If-Match, as the ETag of the GET.
    const applied = await t.request('POST', apply, { headers: { authorization: `Bearer ${s.admin.token}`, 'if-match': `"${kept.invoice.version}"` } });
    seen.push({ what: `POST ${apply}`, status: applied.status });
    assertOk(applied);
    const now: Invoice = applied.body;
    assert.deepEqual(workRetainage(now), [250_00, 0]);
    assert.equal(now.summary.currentPaymentDueCents, 4_750_00);
    assert.equal(now.invoice.version, kept.invoice.version + 1);
    assert.equal(now.retentionRulesMatchCommitment, true);
    assert.equal(now.you.canApplyCurrentRetainageRules, false);
    assertError(await s.admin.post(apply, { version: now.invoice.version }), 422, 'retainage_rules_unchanged');
    // The next invoice builds on the September invoice as it now stands.
    const octAfter: Invoice = (await s.admin.get(invoicePath(s, oct.invoice.id))).body;
    assert.deepEqual(octAfter.lines.map((l) => l.workRetainagePreviousCents), [250_00, 0]);

    const audit = await s.admin.get(invoicePath(s, sep.invoice.id, '/audit'));
    const entries = (audit.body.data as any[]).filter((e) => e.action === 'apply_current_retainage_rules');
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0].before, { retainageRules: { rules: TEN_UNTIL_FIVE_PERCENT, afterRateBp: 0 }, totalRetainageCents: 500_00, currentPaymentDueCents: 4_500_00 });
    assert.deepEqual(entries[0].after, { retainageRules: { rules: FIVE_UNTIL_100K, afterRateBp: 0 }, totalRetainageCents: 250_00, currentPaymentDueCents: 4_750_00 });
    assert.equal(entries[0].actorUserId, s.adminUser.id);

    // Approved invoices are final: a later rule change cannot be applied to them.
    const approved = await s.admin.post(invoicePath(s, sep.invoice.id, '/transitions?view=full'), { action: 'approve', version: now.invoice.version });
    assertOk(approved);
    await setRules(s, c, TEN_UNTIL_FIVE_PERCENT);
    const refused = await s.admin.post(apply, { version: approved.body.invoice.version });
    assertError(refused, 422, 'invalid_state');
    assert.equal(approved.body.retentionRulesMatchCommitment, null);
    assert.deepEqual(workRetainage((await s.admin.get(invoicePath(s, sep.invoice.id))).body), [250_00, 0]);
  });

  test('removing the rules: open invoices keep theirs; applying "no rules" brings back the flat rates and clears the overrides', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-11-01', '2026-11-30', '2026-11-25');
    const c = await approvedCommitment(t, s, { retainageWorkBp: 200 });
    await setRules(s, c, TEN_UNTIL_FIVE_PERCENT);
    const nov = await submitted(s, c, [1_000_00, 1_000_00]);
    const overridden = await s.admin.put(invoicePath(s, nov.invoice.id, '/lines?view=full'), {
      version: nov.invoice.version,
      lines: [{ lineId: nov.lines[1].id, retainageOverride: { workRetainageThisPeriodCents: 10_00, reason: 'Agreed with the sub' } }],
    });
    assertOk(overridden);
    assert.deepEqual(workRetainage(overridden.body), [100_00, 10_00]);
    await setRules(s, c, null);
    assert.deepEqual(workRetainage((await s.admin.get(invoicePath(s, nov.invoice.id))).body), [100_00, 10_00], 'still on its sliding scale');
    const applied = await s.admin.post(invoicePath(s, nov.invoice.id, '/apply-current-retainage-rules?view=full'), { version: overridden.body.invoice.version });
    assertOk(applied);
    assert.equal(applied.body.slidingScale, false);
    assert.equal(applied.body.retentionRules, null);
    assert.deepEqual(workRetainage(applied.body), [20_00, 20_00], 'the 2% flat rate of the lines');
    assert.deepEqual(applied.body.lines.map((l: any) => l.retainageOverride), [null, null]);
    const audit = await s.admin.get(invoicePath(s, nov.invoice.id, '/audit'));
    const entry = (audit.body.data as any[]).find((e) => e.action === 'apply_current_retainage_rules');
    assert.deepEqual(entry.before.retainageOverrides, [{ lineId: nov.lines[1].id, workRetainageThisPeriodCents: 10_00, reason: 'Agreed with the sub' }]);
    assert.equal(entry.after.retainageRules, null);
  });

  test('refused when the new rules would leave a line with a new problem (a release above what it now holds)', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-08-01', '2026-08-31', '2026-08-25');
    const c = await approvedCommitment(t, s);
    await setRules(s, c, TEN_UNTIL_FIVE_PERCENT);
    const aug = await submitted(s, c, [1_000_00, 0]);
    // The administrator certifies a release of the 100.00 held this period.
    const certified = await s.admin.put(invoicePath(s, aug.invoice.id, '/lines?view=full'), {
      version: aug.invoice.version,
      mode: 'certify',
      lines: [{ lineId: aug.lines[0].id, retainageReleasedCents: 100_00, differenceReason: 'Release agreed' }],
    });
    assertOk(certified);
    await setRules(s, c, FIVE_UNTIL_100K);
    const refused = await s.admin.post(invoicePath(s, aug.invoice.id, '/apply-current-retainage-rules?view=full'), { version: certified.body.invoice.version });
    assertError(refused, 422, 'rule_violation', 'lines');
    assert.deepEqual(
      (refused.body.error.details as { path: string; lineId: string; code: string }[]).map((d) => [d.path, d.lineId]),
      [['lines', aug.lines[0].id]],
      'the line is named by id beside the path: the request named no lines',
    );
    assert.deepEqual((await s.admin.get(invoicePath(s, aug.invoice.id))).body.retentionRules, { rules: TEN_UNTIL_FIVE_PERCENT, afterRateBp: 0 });
  });
});

describe('item 6: a sliding-scale line shows the rate applied this period and the rule that set it', () => {
  test('the flat rate stays the flat rate; the rate applied and the rules are the ones that held, live and once approved', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-05-01', '2026-05-31', '2026-05-25');
    // Lines at a flat 2% that the sliding scale replaces: 10% until 750.00 is held, then 5%.
    const c = await approvedCommitment(t, s, { retainageWorkBp: 200 });
    await setRules(s, c, TEN_UNTIL_FIVE_PERCENT, 500);
    const may = await submitted(s, c, [6_000_00, 0]);
    // 600.00 held at 10% on line 1; line 2 has no work, so no rate applied.
    assert.deepEqual(
      may.lines.map((l) => [l.workRetainageRateBp, l.workRetainageEffectiveRateBp, l.workRetainageRulesApplied.map((r: any) => r.label)]),
      [
        [200, 1000, ['Rule 1']],
        [200, null, []],
      ],
    );
    assert.deepEqual(may.lines[0].workRetainageRulesApplied[0], {
      index: 0,
      kind: 'until_percent_of_original',
      label: 'Rule 1',
      description: 'Rule 1: 10% until 5% of the original commitment value (750.00) is held',
      rateBp: 1000,
      workCents: 6_000_00,
      retainageCents: 600_00,
      capped: false,
    });
    assertOk(await s.admin.post(invoicePath(s, may.invoice.id, '/transitions?view=full'), { action: 'approve', version: may.invoice.version }));

    // June crosses the cap: 150.00 of room at 10% on 1,500.00 of work, the other 1,500.00 at 5%
    // (75.00): 225.00 on 3,000.00 = 7.5%, split 2:1 across the lines by their demand.
    await nextPeriod(s, '2026-06-01', '2026-06-30', '2026-06-25');
    const jun = await submitted(s, c, [2_000_00, 1_000_00]);
    assert.deepEqual(workRetainage(jun), [150_00, 75_00]);
    const [l1, l2] = jun.lines;
    assert.deepEqual([l1.workRetainageEffectiveRateBp, l2.workRetainageEffectiveRateBp], [750, 750]);
    assert.deepEqual(
      l1.workRetainageRulesApplied.map((r: any) => [r.label, r.rateBp, r.workCents, r.retainageCents, r.capped]),
      [
        ['Rule 1', 1000, 1_000_00, 100_00, true],
        ['After the last rule', 500, 1_000_00, 50_00, false],
      ],
    );
    const approved = await s.admin.post(invoicePath(s, jun.invoice.id, '/transitions?view=full'), { action: 'approve', version: jun.invoice.version });
    assertOk(approved);
    assert.deepEqual(
      approved.body.lines.map((l: any) => [l.workRetainageEffectiveRateBp, l.workRetainageRulesApplied.length]),
      [
        [750, 2],
        [750, 2],
      ],
      'kept in the snapshot',
    );

    // Flat-rate invoices read the line's rate, with or without work.
    const flat = await approvedCommitment(t, s);
    const flatInvoice = await submitted(s, flat, [1_000_00, 0]);
    assert.deepEqual(
      flatInvoice.lines.map((l) => [l.workRetainageRateBp, l.workRetainageEffectiveRateBp, l.workRetainageRulesApplied]),
      [
        [1000, 1000, []],
        [1000, 1000, []],
      ],
    );
  });
});

describe('item 5: invoices that existed before rules were stored on invoices', () => {
  test('the migration gives invoices not yet approved their commitment’s rules, so nothing changes for them; approved ones stay on their snapshot', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-06-01', '2026-06-30', '2026-06-25');
    const c = await approvedCommitment(t, s);
    await setRules(s, c, TEN_UNTIL_FIVE_PERCENT);
    const jun = await submitted(s, c, [2_000_00, 0]);
    assertOk(await s.admin.post(invoicePath(s, jun.invoice.id, '/transitions?view=full'), { action: 'approve', version: jun.invoice.version }));
    await nextPeriod(s, '2026-07-01', '2026-07-31', '2026-07-25');
    const jul = await submitted(s, c, [1_000_00, 1_000_00]);
    const flat = await approvedCommitment(t, s);
    const flatInvoice = await submitted(s, flat, [1_000_00, 0]);

    const db = t.db as unknown as Kysely<unknown>;
    await retainageRulesOnInvoice.down(db);
    await retainageRulesOnInvoice.up(db);

    const stored = await t.db.selectFrom('invoices').select(['id', 'retainageRules']).where('tenantId', '=', s.project.tenantId).where('id', 'in', [jun.invoice.id, jul.invoice.id, flatInvoice.invoice.id]).execute();
    const rulesOf = new Map(stored.map((r) => [r.id, r.retainageRules]));
    assert.deepEqual(rulesOf.get(jul.invoice.id), { rules: TEN_UNTIL_FIVE_PERCENT, afterRateBp: 0 });
    assert.equal(rulesOf.get(jun.invoice.id), null, 'approved: read from its snapshot');
    assert.equal(rulesOf.get(flatInvoice.invoice.id), null, 'no rules: flat rates');
    const julAfter: Invoice = (await s.admin.get(invoicePath(s, jul.invoice.id))).body;
    assert.deepEqual(workRetainage(julAfter), workRetainage(jul));
    assert.deepEqual(julAfter.summary, jul.summary);
    const junAfter: Invoice = (await s.admin.get(invoicePath(s, jun.invoice.id))).body;
    assert.deepEqual(workRetainage(junAfter), [200_00, 0]);
  });
});
