/**
 * Issue 6, sliding-scale retention through the API: rules set by invoice administrators (at most
 * five, validated, versioned, audited), read by whoever sees the commitment; retention on invoices
 * follows them — tiered and capped across several invoices, never retroactively, never above the
 * cap — with the rule that produced each line's retainage, and an administrator's recorded override.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Commitment } from '../../src/domain/commitment.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertError, assertNo5xx, assertOk, billingProject, track, type BillingSetup, type Seen } from '../support/billing.ts';
import { addToProject, makeUser, systemAdminOf } from '../support/factories.ts';
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

const rulesPath = (s: BillingSetup, c: Commitment) => `${s.p}/commitments/${c.id}/retainage-rules`;

async function nextPeriod(s: BillingSetup, startsOn: string, endsOn: string, dueOn: string): Promise<void> {
  t.clock.set(`${startsOn}T15:00:00Z`);
  const periods = await s.admin.get(`${s.p}/billing-periods`);
  for (const p of (periods.body.data ?? periods.body) as { id: string; status: string; version: number }[]) {
    if (p.status === 'open') assertOk(await s.admin.patch(`${s.p}/billing-periods/${p.id}`, { version: p.version, status: 'closed' }));
  }
  assertOk(await s.admin.post(`${s.p}/billing-periods`, { startsOn, endsOn, dueOn }), 201);
}

describe('setting the rules', () => {
  let s: BillingSetup;
  let c: Commitment;
  before(async () => {
    t.clock.set('2026-11-10T15:00:00Z');
    s = await billingProject(t, seen);
    c = await approvedCommitment(t, s);
  });

  test('none at first; an administrator sets up to five, in order, described in words; a contact reads them but cannot change them', async () => {
    const empty = await s.contactApi.get(rulesPath(s, c));
    assertOk(empty);
    assert.deepEqual([empty.body.enabled, empty.body.rules, empty.body.version], [false, [], 0]);

    const saved = await s.admin.put(rulesPath(s, c), {
      version: 0,
      rules: [
        { kind: 'until_percent_of_original', rateBp: 1000, thresholdBp: 500 },
        { kind: 'until_amount', rateBp: 500, capCents: 2_000_00 },
      ],
      afterRateBp: 0,
    });
    assertOk(saved);
    assert.equal(saved.body.enabled, true);
    assert.equal(saved.body.version, 1);
    assert.deepEqual(saved.body.rules.map((r: any) => r.description), ['Rule 1: 10% until 5% of the original commitment value is held', 'Rule 2: 5% until 2,000.00 is held']);
    assert.equal(saved.body.updatedByName, 'Invoice Admin');

    assertError(await s.contactApi.put(rulesPath(s, c), { version: 1, rules: null }), 403, 'forbidden');
    assertError(await s.admin.put(rulesPath(s, c), { version: 0, rules: null }), 409, 'version_conflict', 'version');
    const six = Array.from({ length: 6 }, (_, i) => ({ kind: 'until_amount', rateBp: 1000, capCents: (i + 1) * 1_000_00 }));
    assertError(await s.admin.put(rulesPath(s, c), { version: 1, rules: six }), 400, 'validation_failed', 'rules');
    assertError(await s.admin.put(rulesPath(s, c), { version: 1, rules: [{ kind: 'until_amount', rateBp: 10_001, capCents: 1 }] }), 400, 'validation_failed', 'rules.0.rateBp');
    assertError(await s.admin.put(rulesPath(s, c), { version: 1, rules: [{ kind: 'hold_forever', rateBp: 1000 }] }), 400, 'validation_failed');
    const useless = await s.admin.put(rulesPath(s, c), {
      version: 1,
      rules: [
        { kind: 'until_amount', rateBp: 1000, capCents: 5_000_00 },
        { kind: 'until_amount', rateBp: 500, capCents: 4_000_00 },
      ],
    });
    assertError(useless, 400, 'validation_failed', 'rules.1.capCents');
    assert.match(useless.body.error.message, /never apply/);

    const audit = await t.db.selectFrom('auditLog').select(['action']).where('entityId', '=', c.id).where('action', '=', 'set_retainage_rules').execute();
    assert.equal(audit.length, 1, 'refused changes write nothing');
    const removed = await s.admin.put(rulesPath(s, c), { version: 1, rules: null });
    assertOk(removed);
    assert.equal(removed.body.enabled, false);
  });
});

describe('who reads the rules: their amounts follow the SOV\'s visibility (issue 11, defect 7)', () => {
  test('someone who sees a private commitment but not its SOV gets 403 for its rules, like its SOV; with "see SOV items" on, or on a non-private commitment, they read them', async () => {
    t.clock.set('2026-11-10T15:00:00Z');
    const s = await billingProject(t, seen);
    const { gc } = await systemAdminOf(t.db);
    const listed = await makeUser(t.db, gc, { name: 'Listed Estimator' });
    await addToProject(t.db, s.project, listed, 'standard');
    const listedApi = track(await t.as(listed.id), seen);
    const outsiderUser = await makeUser(t.db, gc, { name: 'Unlisted Estimator' });
    await addToProject(t.db, s.project, outsiderUser, 'standard');
    const unlistedApi = track(await t.as(outsiderUser.id), seen);

    const secret = await approvedCommitment(t, s, { isPrivate: true, privateSovVisible: false });
    const open = await approvedCommitment(t, s, { isPrivate: false });
    const rules = [
      { kind: 'until_amount', rateBp: 1000, capCents: 123_456_78 },
      { kind: 'until_percent_of_original', rateBp: 500, thresholdBp: 1000 },
    ];
    for (const c of [secret, open]) assertOk(await s.admin.put(rulesPath(s, c), { version: 0, rules, afterRateBp: 0 }));
    assertOk(await s.admin.post(`${s.p}/commitments/${secret.id}/private-list`, { userId: listed.id }));

    // They see the commitment, without its amounts ...
    const detail = await listedApi.get(`${s.p}/commitments/${secret.id}`);
    assertOk(detail);
    assert.equal(detail.body.you.canSeeSovItems, false);
    assertError(await listedApi.get(`${s.p}/commitments/${secret.id}/sov`), 403, 'forbidden');
    // ... and the rules answer as the SOV does: no cap, in cents or in words.
    const hidden = await listedApi.get(rulesPath(s, secret));
    assertError(hidden, 403, 'forbidden');
    const text = JSON.stringify(hidden.body);
    for (const leak of ['capCents', '12345678', '123,456.78', 'Rule 1']) assert.equal(text.includes(leak), false, `the answer must not contain ${leak}: ${text}`);
    // Someone who does not see the commitment at all: 404, as if missing.
    assertError(await unlistedApi.get(rulesPath(s, secret)), 404, 'not_found');

    // The contact and the administrators read them.
    for (const api of [s.contactApi, s.admin]) assert.equal((await api.get(rulesPath(s, secret))).body.rules[0].capCents, 123_456_78);
    // A non-private commitment shows its SOV, and so its rules, to Standard.
    const opened = await unlistedApi.get(rulesPath(s, open));
    assertOk(opened);
    assert.equal(opened.body.rules[0].capCents, 123_456_78);
    assert.equal(opened.body.openInvoicesWithOtherRules, null, 'administrators only');

    // "See SOV items" on: the listed person reads the rules; off again: hidden again.
    const current = (await s.admin.get(`${s.p}/commitments/${secret.id}`)).body.commitment;
    const on = await s.admin.patch(`${s.p}/commitments/${secret.id}`, { version: current.version, privateSovVisible: true });
    assertOk(on);
    assert.equal((await listedApi.get(rulesPath(s, secret))).body.rules[0].capCents, 123_456_78);
    assertOk(await s.admin.patch(`${s.p}/commitments/${secret.id}`, { version: on.body.commitment.version, privateSovVisible: false }));
    assertError(await listedApi.get(rulesPath(s, secret)), 403, 'forbidden');
  });
});

type Invoice = { invoice: { id: string; version: number; status: string }; lines: any[]; summary: Record<string, number>; slidingScale: boolean };

/** An invoice for the open period with `work` per SOV line, submitted by the contact; approved unless told otherwise. */
async function billed(s: BillingSetup, c: Commitment, work: number[], approve = true): Promise<Invoice> {
  const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
  assertOk(created, 201);
  let inv: Invoice = created.body;
  const saved = await s.contactApi.put(`${s.p}/invoices/${inv.invoice.id}/lines?view=full`, {
    version: inv.invoice.version,
    lines: work.map((w, i) => ({ lineId: inv.lines[i].id, workCompletedThisPeriodCents: w })),
  });
  assertOk(saved);
  inv = saved.body;
  const submitted = await s.contactApi.post(`${s.p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'submit', version: inv.invoice.version });
  assertOk(submitted);
  inv = submitted.body;
  if (!approve) return inv;
  const approved = await s.admin.post(`${s.p}/invoices/${inv.invoice.id}/transitions?view=full`, { action: 'approve', version: inv.invoice.version });
  assertOk(approved);
  return approved.body;
}

describe('retention on invoices', () => {
  test('held by the rules across several invoices, split across lines at the cap, then nothing more; the rule is named on each line', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-09-01', '2026-09-30', '2026-09-25');
    // 10,000.00 + 5,000.00; lines at a flat 10% that the sliding scale replaces.
    const c = await approvedCommitment(t, s);
    assertOk(await s.admin.put(rulesPath(s, c), { version: 0, rules: [{ kind: 'until_percent_of_original', rateBp: 1000, thresholdBp: 500 }], afterRateBp: 0 }));

    const sep = await billed(s, c, [5_000_00, 0]);
    assert.equal(sep.slidingScale, true);
    assert.equal(sep.lines[0].workRetainageThisPeriodCents, 500_00);
    assert.match(sep.lines[0].workRetainageRule, /Rule 1: 10% until 5% of the original commitment value \(750\.00\) is held/);
    assert.equal(sep.summary.currentPaymentDueCents, 4_500_00);

    // October would hold 500.00 at 10%, but only 250.00 of room is left: split 3:2 across the lines.
    await nextPeriod(s, '2026-10-01', '2026-10-31', '2026-10-25');
    const oct = await billed(s, c, [3_000_00, 2_000_00]);
    assert.deepEqual(oct.lines.map((l) => l.workRetainageThisPeriodCents), [150_00, 100_00]);
    assert.equal(oct.summary.totalRetainageCents, 750_00, 'stops exactly at the cap');
    assert.equal(oct.summary.currentPaymentDueCents, 5_000_00 - 250_00);

    await nextPeriod(s, '2026-11-01', '2026-11-30', '2026-11-25');
    const nov = await billed(s, c, [1_000_00, 1_000_00], false);
    assert.deepEqual(nov.lines.map((l) => l.workRetainageThisPeriodCents), [0, 0], 'nothing more once the cap is held');
    assert.equal(nov.summary.totalRetainageCents, 750_00);
    assert.equal(nov.summary.currentPaymentDueCents, 2_000_00);

    // An administrator overrides line 2 with a reason: recorded, shown, counted.
    const refused = await s.admin.put(`${s.p}/invoices/${nov.invoice.id}/lines?view=full`, {
      version: nov.invoice.version,
      lines: [{ lineId: nov.lines[1].id, retainageOverride: { workRetainageThisPeriodCents: 50_00, reason: ' ' } }],
    });
    assertError(refused, 400, 'validation_failed', 'lines.0.retainageOverride.reason');
    assertError(
      await s.contactApi.put(`${s.p}/invoices/${nov.invoice.id}/lines?view=full`, { version: nov.invoice.version, lines: [{ lineId: nov.lines[1].id, retainageOverride: { workRetainageThisPeriodCents: 1, reason: 'x' } }] }),
      403,
      'forbidden',
    );
    const overridden = await s.admin.put(`${s.p}/invoices/${nov.invoice.id}/lines?view=full`, {
      version: nov.invoice.version,
      lines: [{ lineId: nov.lines[1].id, retainageOverride: { workRetainageThisPeriodCents: 50_00, reason: 'Punch list open' } }],
    });
    assertOk(overridden);
    const line2 = overridden.body.lines[1];
    assert.deepEqual([line2.workRetainageThisPeriodCents, line2.workRetainageOverridden, line2.workRetainageByRulesCents], [50_00, true, 0]);
    assert.match(line2.workRetainageRule, /Punch list open/);
    assert.deepEqual(line2.retainageOverride, { workRetainageThisPeriodCents: 50_00, reason: 'Punch list open' });
    assert.equal(overridden.body.summary.totalRetainageCents, 800_00);

    // Changing the rules never rewrites an invoice: the approved one keeps its snapshot, the open
    // one its own rules (decision 008), until an administrator applies the new rules to it.
    const rules = await s.admin.get(rulesPath(s, c));
    const changed = await s.admin.put(rulesPath(s, c), { version: rules.body.version, rules: [{ kind: 'until_amount', rateBp: 500, capCents: 5_000_00 }], afterRateBp: 0 });
    assertOk(changed);
    assert.deepEqual(changed.body.openInvoicesWithOtherRules.map((i: any) => i.id), [nov.invoice.id]);
    const sepAgain = await s.admin.get(`${s.p}/invoices/${sep.invoice.id}`);
    assert.equal(sepAgain.body.lines[0].workRetainageThisPeriodCents, 500_00);
    assert.equal(sepAgain.body.summary.currentPaymentDueCents, 4_500_00);
    const novAgain = await s.admin.get(`${s.p}/invoices/${nov.invoice.id}`);
    assert.deepEqual(novAgain.body.lines.map((l: any) => l.workRetainageThisPeriodCents), [0, 50_00], 'the cap it was created with is still reached');
    assert.equal(novAgain.body.retentionRulesMatchCommitment, false);
    const applied = await s.admin.post(`${s.p}/invoices/${nov.invoice.id}/apply-current-retainage-rules?view=full`, { version: novAgain.body.invoice.version });
    assertOk(applied);
    assert.deepEqual(applied.body.lines.map((l: any) => l.workRetainageThisPeriodCents), [50_00, 50_00], '5% on line 1; line 2 keeps its override');

    const audit = await s.admin.get(`${s.p}/invoices/${nov.invoice.id}/audit`);
    const save = (audit.body.data as any[]).find((e) => e.action === 'save_lines' && JSON.stringify(e.after).includes('Punch list open'));
    assert.ok(save, 'the override is in the audit log');
  });

  test('without rules, an override is refused: the flat rate applies', async () => {
    const s = await billingProject(t, seen);
    await nextPeriod(s, '2026-11-01', '2026-11-30', '2026-11-25');
    const c = await approvedCommitment(t, s);
    const inv = await billed(s, c, [1_000_00, 0], false);
    assert.equal(inv.slidingScale, false);
    assert.equal(inv.lines[0].workRetainageRule, null);
    assertError(
      await s.admin.put(`${s.p}/invoices/${inv.invoice.id}/lines?view=full`, { version: inv.invoice.version, lines: [{ lineId: inv.lines[0].id, retainageOverride: { workRetainageThisPeriodCents: 1, reason: 'x' } }] }),
      422,
      'invalid_state',
      'lines.0.retainageOverride',
    );
  });
});
