/**
 * Sliding-scale retention in the browser: an invoice administrator sets the rules on the
 * commitment page; on an invoice past the cap, the "Retention by rule" card names the rule of each
 * line and the split of the last of the room; the administrator overrides a line with a reason;
 * the G702 follows. In the grid (and on a phone's card), each line shows the rate applied this
 * period and the rule that set it, live while typing and the same as the server says once saved
 * (issue 10, item 6); when the commitment's rules change, an administrator is told and can apply
 * them to the invoice, one audited step. Invoices are set up through the services (the cycle
 * itself is monthly-cycle.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays, todayIn } from '../../src/domain/calendar.ts';
import { createBillingPeriod } from '../../src/services/billing/billing-periods.ts';
import { changeInvoiceStatus } from '../../src/services/billing/change-invoice-status.ts';
import { createInvoice } from '../../src/services/billing/create-invoice.ts';
import { saveInvoiceLines } from '../../src/services/billing/save-invoice-lines.ts';
import { setRetainageRules } from '../../src/services/commitments/retainage-rules.ts';
import { getInvoice, listInvoiceLines } from '../../src/db/invoices.queries.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, unique, viewerOf } from '../support/factories.ts';
import { browserUnavailable, describeViolations, eventually, hasText, openBrowser, screenshot, seriousA11yViolations, signIn, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';

const skip = browserUnavailable();

describe('sliding-scale retention in the browser', { skip: skip ?? false }, () => {
  let server: BrowserServer;
  let browser: BrowserSession;
  before(async () => {
    [server, browser] = await Promise.all([startBrowserServer(), openBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('rules set on the commitment; each invoice line names its rule; an override is recorded and counted', async () => {
    const db = server.database.db;
    const now = new Date();
    const project = await makeProject(db);
    const { gc } = await systemAdminOf(db);
    const admin = await makeUser(db, gc, { name: 'Ivy Admin', password: 'correct horse battery' });
    await addToProject(db, project, admin, 'admin');
    const sub = await makeCompany(db, 'subcontractor', 'Summit Steel');
    const contact = await makeUser(db, sub, { name: 'Sam Contact' });
    await addToProject(db, project, contact, 'read_only');
    const commitment = await makeCommitment(db, project, {
      contractCompanyId: sub.id,
      invoiceContactIds: [contact.id],
      status: 'approved',
      retainageWorkBp: 1000,
      number: 'SC-700',
      title: 'Structural steel',
      sov: [10_000_00, 5_000_00],
    });
    const adminViewer = viewerOf(admin);
    const today = todayIn(project.timeZone, now);
    await createBillingPeriod(db, adminViewer, project.id, { startsOn: addDays(today, -5), endsOn: addDays(today, 20), dueOn: addDays(today, 10) }, now);
    const { page } = browser;

    // The administrator sets "10% until 5% of the original value is held, then 0%".
    await page.goto(`${server.url}/projects/${project.id}/commitments/${commitment.id}`);
    await signIn(page, admin.email, 'correct horse battery');
    await page.getByRole('button', { name: 'Add sliding scale' }).click();
    await page.getByLabel('Hold %', { exact: true }).fill('10');
    await page.getByLabel('Until').selectOption('until_percent_of_original');
    await page.getByLabel('% of original value').fill('5');
    await page.getByLabel('Then hold % on further work').fill('0');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByTestId('retainage-rules').getByText('10% until 5% of the original commitment value is held').waitFor();
    await screenshot(page, 'sliding-scale-commitment');

    // Two invoices: the first holds 500.00 of the 750.00 cap; the second only has 250.00 of room.
    const bill = async (work: number[]) => {
      const invoice = await createInvoice(db, adminViewer, project.id, commitment.id, {}, now);
      const lines = (await listInvoiceLines(db, project.tenantId, [invoice.id])).get(invoice.id) ?? [];
      await saveInvoiceLines(
        db,
        adminViewer,
        project.id,
        invoice.id,
        { version: invoice.version, mode: 'claim', lines: work.map((w, i) => ({ lineId: lines[i]!.id, workCompletedThisPeriodCents: w })) },
        now,
      );
      await changeInvoiceStatus(db, adminViewer, project.id, invoice.id, { action: 'submit', version: (await getInvoice(db, project.tenantId, project.id, invoice.id)).version }, now);
      return invoice.id;
    };
    const first = await bill([5_000_00, 0]);
    await changeInvoiceStatus(db, adminViewer, project.id, first, { action: 'approve', version: (await getInvoice(db, project.tenantId, project.id, first)).version }, now);
    const second = await bill([3_000_00, 2_000_00]);

    await page.goto(`${server.url}/projects/${project.id}/invoices/${second}`);
    const card = page.getByTestId('retention-by-rule');
    await card.waitFor();
    const rowText = async (n: number) => ((await card.locator('tbody tr').nth(n).textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(await rowText(0), /\$3,000\.00\s*\$150\.00.*Rule 1: 10% until 5% of the original commitment value \(750\.00\) is held/);
    assert.match(await rowText(1), /\$2,000\.00\s*\$100\.00.*Rule 1/);
    assert.equal(await page.locator('td[data-g702="retainageOnCompletedWorkCents"]').first().textContent().then((t) => t?.includes('750.00')), true, 'G702 5a stops at the cap');
    assert.equal(describeViolations(await seriousA11yViolations(page)), '');
    await screenshot(page, 'sliding-scale-invoice');

    // Override line 2 with a reason: shown beside what the rules would hold, and counted in 5a.
    const form = page.locator('form.retention-override');
    await form.getByLabel('Line').selectOption({ index: 1 });
    await form.getByLabel('Retainage this period').fill('40');
    await form.getByRole('button', { name: 'Override retainage' }).click();
    await form.getByText('Say why the rules are overridden on this line.').waitFor();
    await form.getByLabel('Reason').fill('Punch list still open');
    await form.getByRole('button', { name: 'Override retainage' }).click();
    await card.getByText(/Override by administrator: Punch list still open/).waitFor();
    assert.match(await rowText(1), /\$40\.00\s*rules: \$/);
    const saved = (await listInvoiceLines(db, project.tenantId, [second])).get(second)?.[1];
    assert.deepEqual(saved?.retainageOverride, { workRetainageThisPeriodCents: 40_00, reason: 'Punch list still open' });
  });
  test('the grid shows the rate applied this period and its rule, live and as the server says; changed rules can be applied, audited', async () => {
    const db = server.database.db;
    const now = new Date();
    const project = await makeProject(db, { name: unique('Sliding Pier') });
    const { gc } = await systemAdminOf(db);
    const admin = await makeUser(db, gc, { name: 'Ivy Admin', password: 'correct horse battery' });
    await addToProject(db, project, admin, 'admin');
    const sub = await makeCompany(db, 'subcontractor', unique('Pier Steel'));
    const contact = await makeUser(db, sub, { name: 'Rae Contact', password: 'correct horse battery' });
    await addToProject(db, project, contact, 'read_only');
    const commitment = await makeCommitment(db, project, {
      contractCompanyId: sub.id,
      invoiceContactIds: [contact.id],
      status: 'approved',
      retainageWorkBp: 1000,
      number: 'SC-720',
      title: 'Pier steel',
      sov: [10_000_00, 5_000_00],
    });
    const adminViewer = viewerOf(admin);
    const today = todayIn(project.timeZone, now);
    await createBillingPeriod(db, adminViewer, project.id, { startsOn: addDays(today, -5), endsOn: addDays(today, 20), dueOn: addDays(today, 10) }, now);
    // 10% until 700.00 is held, then 5% until 1,000.00, then nothing.
    const rules = await setRetainageRules(
      db,
      adminViewer,
      project.id,
      commitment.id,
      { version: 0, scale: { rules: [{ kind: 'until_amount', rateBp: 1000, capCents: 700_00 }, { kind: 'until_amount', rateBp: 500, capCents: 1_000_00 }], afterRateBp: 0 } },
      now,
    );
    // A first invoice, approved, holds 700.00: the first rule's cap is reached.
    const first = await createInvoice(db, adminViewer, project.id, commitment.id, {}, now);
    const firstLines = (await listInvoiceLines(db, project.tenantId, [first.id])).get(first.id) ?? [];
    await saveInvoiceLines(db, adminViewer, project.id, first.id, { version: first.version, mode: 'claim', lines: [{ lineId: firstLines[0]!.id, workCompletedThisPeriodCents: 7_000_00 }] }, now);
    await changeInvoiceStatus(db, adminViewer, project.id, first.id, { action: 'submit', version: (await getInvoice(db, project.tenantId, project.id, first.id)).version }, now);
    await changeInvoiceStatus(db, adminViewer, project.id, first.id, { action: 'approve', version: (await getInvoice(db, project.tenantId, project.id, first.id)).version }, now);
    // The second, this period's, entered by the administrator on the contact's behalf.
    const second = await createInvoice(db, adminViewer, project.id, commitment.id, {}, now);
    const url = `${server.url}/projects/${project.id}/invoices/${second.id}`;

    const context = await browser.browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(url);
    await signIn(page, admin.email, 'correct horse battery');
    await page.waitForURL(url);
    const grid = page.locator('table[data-testid="g703"]');
    await grid.waitFor();
    const applied = (n: number) => grid.locator(`tbody tr[data-row-index="${n - 1}"] td.applied-rate`);
    await hasText(applied(1), 'No work this period', 'line 1 before typing');

    // Line 2: 2,000.00 of work, all under the second rule — not the commitment's flat 10%.
    await grid.getByLabel('E this period, line 2', { exact: true }).fill('2000');
    await hasText(applied(2), '5% · Rule 2: Rule 2: 5% until $1,000.00 is held', 'line 2 while typing (with the rule in words for screen readers)');
    assert.equal(await applied(2).locator('.applied-rule').textContent(), ' · Rule 2');
    assert.match((await applied(2).getAttribute('title')) ?? '', /^Rule 2: 5% until \$1,000\.00 is held/, 'the rule in full on hover');
    // Line 1: 3,000.00 more; then line 2 to 5,000.00 crosses the second cap: a blended rate on both.
    await grid.getByLabel('E this period, line 1', { exact: true }).fill('3000');
    await grid.getByLabel('E this period, line 2', { exact: true }).fill('5000');
    await grid.getByLabel('E this period, line 2', { exact: true }).press('Tab');
    await hasText(applied(2).locator('.applied-rule'), '· Rule 2 + After the last rule', 'line 2 across the cap');
    const shown = async (n: number) => `${await applied(n).locator('.applied-rate-value').textContent()}${await applied(n).locator('.applied-rule').textContent()}`;
    const live = [await shown(1), await shown(2)];
    await applied(2).scrollIntoViewIfNeeded();
    await screenshot(page, 'sliding-scale-applied-rate');
    assert.equal(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth'), true, 'the page does not scroll sideways');

    // Saved: the server computes the same rates and rules the grid showed while typing.
    await page.keyboard.press('Control+s');
    await page.getByRole('region', { name: 'Invoice actions' }).getByText('All changes saved').waitFor();
    const fromServer = (await page.evaluate(`fetch('/api/v1/projects/${project.id}/invoices/${second.id}').then((r) => r.json())`)) as {
      lines: { workRetainageEffectiveRateBp: number | null; workRetainageRateBp: number; workRetainageRulesApplied: { label: string }[] }[];
    };
    const says = fromServer.lines.map((l) => `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format((l.workRetainageEffectiveRateBp ?? 0) / 100)}% · ${l.workRetainageRulesApplied.map((r) => r.label).join(' + ')}`);
    assert.deepEqual(live, says, 'the rates and rules shown while typing are the server’s');
    assert.deepEqual(fromServer.lines.map((l) => l.workRetainageRateBp), [1000, 1000], 'the stored flat rate is not what is shown');
    assert.ok(fromServer.lines.every((l) => l.workRetainageEffectiveRateBp !== null && l.workRetainageEffectiveRateBp < 1000));
    // On a phone each line is a card: the rate applied and its rule are a labelled field of it.
    await page.setViewportSize({ width: 390, height: 844 });
    await applied(2).scrollIntoViewIfNeeded();
    assert.equal(await applied(2).isVisible(), true);
    assert.equal(await applied(2).getAttribute('data-label'), 'Retainage rate this period');
    assert.equal(await shown(2), live[1]);
    await screenshot(page, 'sliding-scale-applied-rate-phone');
    assert.equal(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth'), true, 'the phone’s page does not scroll sideways');
    await page.setViewportSize({ width: 1366, height: 900 });

    // The commitment's rules change: the invoice keeps its own; an administrator is told and applies them.
    await setRetainageRules(db, adminViewer, project.id, commitment.id, { version: rules.version, scale: { rules: [{ kind: 'until_amount', rateBp: 1000, capCents: 700_00 }], afterRateBp: 200 } }, now);
    await page.reload();
    const notice = page.getByRole('region', { name: 'Retainage rules changed' });
    await hasText(notice.locator('p strong'), 'The commitment’s retainage rules changed since this invoice was created.', 'the notice');
    await notice.getByRole('button', { name: 'Apply the current rules…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Apply the commitment’s current retainage rules?' });
    assert.equal(describeViolations(await seriousA11yViolations(page)), '');
    await screenshot(page, 'sliding-scale-apply-rules-dialog');
    await dialog.getByRole('button', { name: 'Apply the current rules' }).click();
    await page.getByText('The commitment’s current retainage rules now apply to this invoice. The change is in its history.').waitFor();
    assert.equal(await notice.count(), 0, 'the notice is gone');
    await hasText(page.locator('table[data-testid="g703"] tbody tr[data-row-index="1"] td.applied-rate .applied-rule'), '· After the last rule', 'line 2 under the new rules');
    const audit = await db.selectFrom('auditLog').select(['action', 'actorUserId']).where('entityId', '=', second.id).where('action', '=', 'apply_current_retainage_rules').execute();
    assert.deepEqual(audit, [{ action: 'apply_current_retainage_rules', actorUserId: admin.id }]);

    // Changed again, then back before the click: the refusal (422 retainage_rules_unchanged) is said in the dialog.
    const again = await setRetainageRules(db, adminViewer, project.id, commitment.id, { version: rules.version + 1, scale: { rules: [{ kind: 'until_amount', rateBp: 1000, capCents: 800_00 }], afterRateBp: 200 } }, now);
    await page.reload();
    await notice.getByRole('button', { name: 'Apply the current rules…' }).click();
    await setRetainageRules(db, adminViewer, project.id, commitment.id, { version: again.version, scale: { rules: [{ kind: 'until_amount', rateBp: 1000, capCents: 700_00 }], afterRateBp: 200 } }, now);
    await dialog.getByRole('button', { name: 'Apply the current rules' }).click();
    await hasText(dialog.getByRole('alert'), /already/i, 'the refusal in words');
    assert.doesNotMatch((await dialog.getByRole('alert').textContent()) ?? '', /retainage_rules_unchanged|422/, 'no error code shown to people');
    await screenshot(page, 'sliding-scale-apply-rules-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await eventually('the notice to go once the invoice is reloaded', async () => (await notice.count()) === 0);
    await context.close();
  });
});
