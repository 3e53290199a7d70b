import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DomainError } from '../../src/domain/errors.ts';
import { permissionAtLeast, type CommitmentsPermission } from '../../src/domain/permissions.ts';
import { signIn } from '../../src/services/auth/sign-in.ts';
import { demoSovLines } from '../../src/demo/build-sov.ts';
import { demoAccountRows } from '../../src/demo/demo-accounts.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, emailOf, findPerson, PROJECTS } from '../../src/demo/demo-data.ts';
import { isDatabaseEmpty, loadDemo, printDemoAccounts } from '../../src/demo/load-demo.ts';
import { listAttention } from '../../src/services/billing/attention.ts';
import { getBillingBoard } from '../../src/services/billing/billing-board.ts';
import { getInvoiceView } from '../../src/services/billing/invoice-view.ts';
import { countOverbilledLines, overbilledByCents } from '../../src/domain/pay-application.ts';
import { everyTenant } from '../support/tenants.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

const NOW = new Date('2026-11-20T15:00:00Z');

let database: TestDatabase;
before(async () => {
  database = await openTestDatabase();
  assert.equal(await isDatabaseEmpty(database.db), true);
  await loadDemo(database.db, NOW);
});
after(() => database.close());

// How long the demo takes to load is measured in bench/demo-load.ts, not asserted here.
test('the demo loads and the database is no longer empty', async () => {
  assert.equal(await isDatabaseEmpty(database.db), false);
});

test('one project is mid-cycle: last period approved, this one open with an invoice under review and one sent back', async () => {
  const statuses = await database.db.selectFrom('invoices').select('status').modifyEnd(everyTenant).execute();
  const count = (s: string) => statuses.filter((r) => r.status === s).length;
  assert.deepEqual([count('approved'), count('under_review'), count('revise_and_resubmit')], [2, 1, 1]);
  const open = await database.db.selectFrom('billingPeriods').select(['dueOn']).where('status', '=', 'open').modifyEnd(everyTenant).execute();
  assert.equal(open.length, 1);
  const emails = await database.db.selectFrom('emailMessages').select('kind').execute();
  assert.ok(emails.some((e) => e.kind === 'invite_to_bill'), 'the invites are in the mailbox');
});

test("the demo administrator's queue has something of every kind waiting", async () => {
  const priya = await database.db.selectFrom('users').select(['id', 'companyId', 'isCompanyAdmin']).where('email', '=', 'priya.raman@northwind.example').executeTakeFirstOrThrow();
  const { projectCount, items } = await listAttention(database.db, { userId: priya.id, companyId: priya.companyId, isCompanyAdmin: priya.isCompanyAdmin }, NOW);
  assert.equal(projectCount, 3);
  const kinds = (kind: string) => items.filter((i) => i.kind === kind).map((i) => i.commitmentNumber);
  assert.deepEqual(kinds('invoice_to_review'), ['SC-001']);
  assert.deepEqual(kinds('ssov_to_review'), ['SC-006']);
  assert.deepEqual(kinds('invoice_sent_back'), ['SC-002']);
  assert.ok(kinds('invite_unanswered').includes('SC-003'), "Rosa's invite waits for her answer");
  assert.deepEqual(kinds('invoice_unpaid'), ['SC-002'], "last month's invoice, half paid");
});

test('the invoice under review bills a line over 100% on a project that allows it: flagged on the board and in the review', async () => {
  const db = database.db;
  const priya = await db.selectFrom('users').select(['id', 'companyId', 'isCompanyAdmin']).where('email', '=', 'priya.raman@northwind.example').executeTakeFirstOrThrow();
  const viewer = { userId: priya.id, companyId: priya.companyId, isCompanyAdmin: priya.isCompanyAdmin };
  const project = await db.selectFrom('projects').select('id').where('name', '=', 'Riverside Medical Office Building').modifyEnd(everyTenant).executeTakeFirstOrThrow();
  const board = await getBillingBoard(db, viewer, project.id, {});
  const flagged = board.rows.filter((r) => (r.latestInvoice?.overbilledLineCount ?? 0) > 0).map((r) => [r.commitment.number, r.latestInvoice?.overbilledLineCount]);
  assert.deepEqual(flagged, [['SC-001', 1]], 'only SC-001’s invoice is marked, with one line');
  const invoice = board.rows.find((r) => r.commitment.number === 'SC-001')?.latestInvoice;
  assert.equal(invoice?.status, 'under_review');
  const view = await getInvoiceView(db, viewer, project.id, invoice?.id ?? '', NOW);
  assert.equal(view.you.allowOverbilling, true, 'the project allows overbilling');
  assert.equal(countOverbilledLines(view.amounts.lines), 1);
  const over = view.amounts.lines.filter((l) => overbilledByCents(l) > 0);
  assert.equal(over[0]?.percentCompleteBp, 10_600, 'billed at 106%');
  assert.deepEqual(view.amounts.issues, [], 'allowed: a flag, not a problem to fix');
});

test('three projects, one of them Canadian', async () => {
  const projects = await database.db.selectFrom('projects').selectAll().orderBy('number').modifyEnd(everyTenant).execute();
  assert.equal(projects.length, 3);
  const canadian = projects.filter((p) => p.currency === 'CAD');
  assert.equal(canadian.length, 1);
  assert.equal(canadian[0]?.locale, 'en-CA');
  assert.equal(canadian[0]?.timeZone, 'America/Toronto');
  for (const p of projects.filter((p) => p.currency === 'USD')) {
    assert.equal(p.locale, 'en-US');
    assert.match(p.timeZone, /^America\/(Los_Angeles|Denver|Chicago|New_York|Phoenix)$/);
  }
});

test('one GC with a company admin and 2–3 other employees; a dozen subcontractors and suppliers of 2–4 people', async () => {
  const companies = await database.db.selectFrom('companies').selectAll().execute();
  const users = await database.db.selectFrom('users').selectAll().execute();
  const gcs = companies.filter((c) => c.kind === 'general_contractor');
  assert.equal(gcs.length, 1);
  const gcPeople = users.filter((u) => u.companyId === gcs[0]?.id);
  assert.equal(gcPeople.filter((u) => u.isCompanyAdmin).length, 1);
  assert.ok(gcPeople.length - 1 >= 2 && gcPeople.length - 1 <= 3, `${gcPeople.length} GC people`);
  const trades = companies.filter((c) => c.kind === 'subcontractor' || c.kind === 'supplier');
  assert.ok(trades.length >= 12, `${trades.length} subcontractors and suppliers`);
  assert.ok(trades.some((c) => c.kind === 'supplier'));
  for (const company of trades) {
    const n = users.filter((u) => u.companyId === company.id).length;
    assert.ok(n >= 2 && n <= 4, `${company.name} has ${n} people`);
  }
  for (const user of users) {
    assert.match(user.email, /@[a-z0-9-]+\.example$/, `${user.email} uses an .example domain`);
    assert.notEqual(user.passwordHash, null, `${user.email} has a password`);
  }
  assert.equal(users.filter((u) => !u.isActive).length, 1);
  const withDefault = companies.filter((c) => c.defaultInvoiceContactId !== null);
  assert.ok(withDefault.length >= 1);
  for (const company of withDefault) {
    const contact = users.find((u) => u.id === company.defaultInvoiceContactId);
    assert.equal(contact?.companyId, company.id);
    assert.equal(contact?.isActive, true);
  }
});

test('every commitment has 10–80 SOV lines in whole cents, exactly the catalogue (deterministic)', async () => {
  const commitments = await database.db
    .selectFrom('commitments as c')
    .innerJoin('projects as p', 'p.id', 'c.projectId')
    .select(['c.id', 'c.number', 'c.kind', 'p.number as projectNumber'])
    .modifyEnd(everyTenant)
    .execute();
  assert.equal(commitments.length, PROJECTS.reduce((n, p) => n + p.commitments.length, 0));
  assert.ok(commitments.some((c) => c.kind === 'purchase_order'));
  for (const c of commitments) {
    const lines = await database.db
      .selectFrom('sovLines')
      .select(['itemNumber', 'costCode', 'description', 'scheduledValueCents'])
      .where('commitmentId', '=', c.id)
      .orderBy('position')
      .modifyEnd(everyTenant)
      .execute();
    const label = `${c.projectNumber} ${c.number}`;
    assert.ok(lines.length >= 10 && lines.length <= 80, `${label} has ${lines.length} lines`);
    for (const line of lines) {
      assert.ok(Number.isSafeInteger(line.scheduledValueCents) && line.scheduledValueCents > 0, `${label}: ${line.description}`);
      assert.match(line.costCode, /^\d{2}-\d{4}$/);
    }
    const project = PROJECTS.find((p) => p.number === c.projectNumber);
    const entry = project?.commitments.find((e) => e.number === c.number);
    assert.ok(project && entry, label);
    assert.deepEqual(lines, demoSovLines(project, entry), `${label} matches a fresh build`);
    if (entry.contractDollars !== undefined) {
      assert.equal(lines.reduce((sum, l) => sum + l.scheduledValueCents, 0), entry.contractDollars * 100, label);
    }
  }
});

test('every invoice contact is an active employee of the contract company with at least Read Only', async () => {
  const rows = await database.db
    .selectFrom('commitmentInvoiceContacts as cic')
    .innerJoin('commitments as c', 'c.id', 'cic.commitmentId')
    .innerJoin('users as u', 'u.id', 'cic.userId')
    .leftJoin('projectUsers as pu', (join) => join.onRef('pu.userId', '=', 'u.id').onRef('pu.projectId', '=', 'c.projectId'))
    .select(['c.number', 'c.contractCompanyId', 'u.email', 'u.companyId', 'u.isActive', 'pu.commitmentsPermission'])
    .modifyEnd(everyTenant)
    .execute();
  assert.ok(rows.length >= 30, `${rows.length} invoice contacts`);
  for (const row of rows) {
    const label = `${row.email} on ${row.number}`;
    assert.equal(row.companyId, row.contractCompanyId, label);
    assert.equal(row.isActive, true, label);
    assert.ok(permissionAtLeast((row.commitmentsPermission as CommitmentsPermission | null) ?? null, 'read_only'), label);
  }
});

test('privacy, directory levels, retainage and change orders cover the promised cases', async () => {
  const db = database.db;
  const commitments = await db.selectFrom('commitments').selectAll().modifyEnd(everyTenant).execute();
  assert.ok(commitments.some((c) => !c.isPrivate), 'a non-private commitment');
  const sovVisible = commitments.filter((c) => c.isPrivate && c.privateSovVisible);
  assert.ok(sovVisible.length >= 1);
  const explicit = await db
    .selectFrom('commitmentPrivateUsers')
    .select('userId')
    .where('commitmentId', 'in', sovVisible.map((c) => c.id))
    .modifyEnd(everyTenant)
    .execute();
  assert.ok(explicit.length >= 1, 'an explicit private-list user where the SOV is visible');
  assert.ok(commitments.some((c) => c.retainageWorkBp === 1000 && c.retainageMaterialsBp === 500));
  assert.ok(commitments.some((c) => c.retainageWorkBp === 1000 && c.retainageMaterialsBp === 0));

  const directory = await db
    .selectFrom('projectUsers as pu')
    .innerJoin('users as u', 'u.id', 'pu.userId')
    .innerJoin('companies as c', 'c.id', 'u.companyId')
    .select(['c.kind', 'u.isCompanyAdmin', 'pu.commitmentsPermission'])
    .modifyEnd(everyTenant)
    .execute();
  const gcStaff = directory.filter((d) => d.kind === 'general_contractor' && !d.isCompanyAdmin);
  assert.ok(gcStaff.filter((d) => d.commitmentsPermission === 'admin').length >= 3);
  assert.ok(gcStaff.some((d) => d.commitmentsPermission === 'standard' || d.commitmentsPermission === 'read_only'));
  const trades = directory.filter((d) => d.kind === 'subcontractor' || d.kind === 'supplier');
  assert.ok(trades.filter((d) => d.commitmentsPermission === 'read_only').length >= 30);
  assert.ok(trades.some((d) => d.commitmentsPermission === 'none'));
  assert.ok(!trades.some((d) => d.commitmentsPermission === 'admin'));

  const changeOrders = await db.selectFrom('changeOrders').selectAll().modifyEnd(everyTenant).execute();
  assert.ok(changeOrders.some((co) => co.status === 'approved' && co.approvedAt !== null));
  assert.ok(changeOrders.some((co) => co.status === 'pending'));
  const negative = await db.selectFrom('changeOrderLines').select('amountCents').where('amountCents', '<', 0).modifyEnd(everyTenant).execute();
  assert.ok(negative.length >= 1, 'a deduction line');
});

test('the printed accounts come from the database and sign in with the demo password', async (t) => {
  const rows = await demoAccountRows(database.db);
  assert.equal(rows.length, DEMO_ACCOUNTS.length);
  const printed: string[] = [];
  t.mock.method(console, 'log', (...args: unknown[]) => printed.push(args.join(' ')));
  await printDemoAccounts(database.db);
  t.mock.restoreAll();
  const output = printed.join('\n');
  assert.equal(output.split(DEMO_PASSWORD).length - 1, 1, 'the password is printed once');
  for (const [email] of rows) assert.ok(output.includes(email), email);
  assert.match(output, /company admin \(GC/);
  assert.match(output, /invoice contact at .* on SC-\d{3}/);
  assert.match(output, /Read Only employee of .* who is not a contact/);

  const { company, person } = findPerson('mapleleaf.fatima');
  const session = await signIn(database.db, { email: emailOf(company, person), password: DEMO_PASSWORD, ip: '127.0.0.1' }, NOW);
  assert.equal(session.user.name, 'Fatima Siddiqui');
  const inactive = findPerson('truecoat.brandon');
  await assert.rejects(
    signIn(database.db, { email: emailOf(inactive.company, inactive.person), password: DEMO_PASSWORD, ip: '127.0.0.1' }, NOW),
    (error: unknown) => error instanceof DomainError && error.code === 'account_inactive',
  );
});

test('an empty database prints a note instead of accounts', async (t) => {
  const empty = await openTestDatabase();
  try {
    const printed: string[] = [];
    t.mock.method(console, 'log', (...args: unknown[]) => printed.push(args.join(' ')));
    await printDemoAccounts(empty.db);
    t.mock.restoreAll();
    assert.match(printed.join('\n'), /none of the demo accounts/);
  } finally {
    await empty.close();
  }
});

test('the demo shows the features of issue 6: paid invoices, a sliding scale, and a Subcontractor SOV asked for', async () => {
  const payments = await database.db.selectFrom('payments').select(['amountCents', 'voidedAt']).modifyEnd(everyTenant).execute();
  assert.equal(payments.length, 2);
  assert.ok(payments.every((p) => p.voidedAt === null && p.amountCents > 0));
  const rules = await database.db.selectFrom('commitmentRetainageRules').select('commitmentId').modifyEnd(everyTenant).execute();
  assert.equal(rules.length, 1);
  // SC-004's was asked for and waits on its contact; SC-006's was submitted and waits for review (issue 10).
  const ssov = await database.db
    .selectFrom('ssovs as v')
    .innerJoin('commitments as c', 'c.id', 'v.commitmentId')
    .select(['c.number', 'v.status', 'v.requestedAt'])
    .orderBy('c.number')
    .modifyEnd(everyTenant)
    .execute();
  assert.deepEqual(ssov.map((v) => [v.number, v.status, v.requestedAt !== null]), [['SC-004', 'draft', true], ['SC-006', 'under_review', false]]);
  const emails = await database.db.selectFrom('emailMessages').select('kind').where('kind', '=', 'ssov_request').execute();
  assert.ok(emails.length >= 1, 'the request is in the mailbox');
});
