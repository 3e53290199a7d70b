/**
 * Overbilling visible end to end (issue 10, item 7), in the browser. On a project that allows it,
 * the contact is told the rule before typing; a line typed over 100% is flagged with the amount
 * over, and keeps its flag once saved and after a reload; the submit dialog says "1 line over
 * 100%"; the billing board marks the invoice; the reviewer sees a banner naming the lines, goes to
 * one, and can show only them. On a project that refuses it, the contact reads that before typing.
 * Invoices are set up through the services (the cycle itself is monthly-cycle.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { addDays, todayIn } from '../../src/domain/calendar.ts';
import { getProjectSettings } from '../../src/db/settings.queries.ts';
import { createBillingPeriod } from '../../src/services/billing/billing-periods.ts';
import { createInvoice } from '../../src/services/billing/create-invoice.ts';
import { respondToInvite, sendInvites } from '../../src/services/billing/invites.ts';
import { updateProjectSettings } from '../../src/services/billing/save-settings.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, unique, viewerOf } from '../support/factories.ts';
import { browserUnavailable, describeViolations, eventually, hasText, openBrowser, screenshot, seriousA11yViolations, signIn, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';
import { everyTenant } from '../support/tenants.ts';

const skip = browserUnavailable();
const PASSWORD = 'correct horse battery';
const LAPTOP = { width: 1366, height: 900 };

const g703 = (page: Page) => page.locator('table[data-testid="g703"]');
const row = (page: Page, item: string) => g703(page).locator('tbody tr[data-line-id]').filter({ has: page.locator('th', { hasText: new RegExp(`^${item}$`) }) });

describe('overbilling is visible end to end', { skip: skip ?? false }, () => {
  let server: BrowserServer;
  let browser: BrowserSession;
  before(async () => {
    [server, browser] = await Promise.all([startBrowserServer(), openBrowser({ viewport: LAPTOP })]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A project (overbilling allowed or not) with an administrator, a contact invited and an invoice to bill. */
  async function setUp(allowOverbilling: boolean) {
    const db = server.database.db;
    const now = new Date();
    const project = await makeProject(db, { name: unique('Harbor Point') });
    const { gc } = await systemAdminOf(db);
    const admin = await makeUser(db, gc, { name: 'Ivy Admin', password: PASSWORD });
    await addToProject(db, project, admin, 'admin');
    const settings = await getProjectSettings(db, project.tenantId, project.id);
    await updateProjectSettings(db, viewerOf(admin), project.id, { version: settings.version, allowOverbilling }, now);
    const sub = await makeCompany(db, 'subcontractor', unique('Coastal Framing'));
    const contact = await makeUser(db, sub, { name: 'Rae Contact', password: PASSWORD });
    await addToProject(db, project, contact, 'read_only');
    const commitment = await makeCommitment(db, project, {
      contractCompanyId: sub.id,
      invoiceContactIds: [contact.id],
      status: 'approved',
      retainageWorkBp: 1000,
      number: 'SC-310',
      title: 'Framing',
      sov: [10_000_00, 20_000_00, 5_000_00],
    });
    const today = todayIn(project.timeZone, now);
    await createBillingPeriod(db, viewerOf(admin), project.id, { startsOn: addDays(today, -5), endsOn: addDays(today, 20), dueOn: addDays(today, 10) }, now);
    await sendInvites(db, viewerOf(admin), project.id, { commitmentIds: [commitment.id], invoiceType: 'work_and_materials' }, now);
    await respondToInvite(db, viewerOf(contact), project.id, commitment.id, 'accepted', now);
    const invoice = await createInvoice(db, viewerOf(contact), project.id, commitment.id, {}, now);
    return { project, admin, contact, commitment, invoiceId: invoice.id, url: `${server.url}/projects/${project.id}/invoices/${invoice.id}` };
  }

  test('allowed: told before typing, flagged while typing and after saving, counted at submit, marked on the board and for the reviewer', async () => {
    const { project, admin, contact, invoiceId, url } = await setUp(true);
    const context = await browser.browser.newContext({ viewport: LAPTOP });
    let page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(url);
    await signIn(page, contact.email, PASSWORD);
    await page.waitForURL(url);
    await g703(page).waitFor();

    // The rule, above the grid, before anything is typed; nothing is flagged yet.
    await hasText(page.getByTestId('overbilling-rule'), 'Lines over 100% of their scheduled value are allowed on this project, but flagged for review.', 'the rule');
    assert.equal(await g703(page).locator('tr[data-over-100]').count(), 0);

    // Line 1 (10,000.00) billed 12,000.00: flagged at once, with the amount over.
    await row(page, '1').getByLabel('E this period, line 1', { exact: true }).fill('12000');
    await row(page, '1').getByLabel('E this period, line 1', { exact: true }).press('Tab');
    await hasText(row(page, '1').getByTestId('over-100'), '⚑ Over 100% by $2,000.00 — flagged for the reviewer', 'line 1’s flag while typing');
    assert.equal(await row(page, '1').getAttribute('data-over-100'), 'true');
    await row(page, '2').getByLabel('E this period, line 2', { exact: true }).fill('5000');
    await page.keyboard.press('Control+s');
    await page.getByRole('region', { name: 'Invoice actions' }).getByText('All changes saved').waitFor();
    // Saved, the line keeps its flag — and after a reload, from what the server says.
    await hasText(row(page, '1').getByTestId('over-100'), '⚑ Over 100% by $2,000.00 — flagged for the reviewer', 'line 1’s flag once saved');
    await page.reload();
    await g703(page).waitFor();
    await hasText(row(page, '1').getByTestId('over-100'), '⚑ Over 100% by $2,000.00 — flagged for the reviewer', 'line 1’s flag after a reload');
    assert.equal(await g703(page).locator('tr[data-over-100]').count(), 1, 'only line 1 is flagged');
    assert.equal(await row(page, '1').locator('td.cell-over').count() > 0, true, 'its % complete is marked');
    await screenshot(page, 'overbilling-01-contact-flagged');

    // The submit dialog counts it.
    await page.getByRole('region', { name: 'Invoice actions' }).getByRole('button', { name: 'Submit for review' }).click();
    const dialog = page.getByRole('dialog', { name: 'Submit this invoice for review?' });
    await hasText(dialog.getByTestId('dialog-over-100').locator('p'), '1 line over 100% of its scheduled value, flagged for review:', 'the dialog’s count');
    await hasText(dialog.getByTestId('dialog-over-100').locator('li'), 'line 1 Line 1 — over by $2,000.00', 'the line it names');
    await screenshot(page, 'overbilling-02-submit-dialog');
    await dialog.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText(/^Submitted for review\./).waitFor();
    // Submitted, the grid is read-only and shows the server's figures: the flag is the server's own.
    assert.equal(await g703(page).locator('input').count(), 0);
    await hasText(row(page, '1').getByTestId('over-100'), '⚑ Over 100% by $2,000.00 — flagged for the reviewer', 'line 1’s flag, read-only');
    await context.close();

    // The administrator: the board marks the invoice.
    const adminContext = await browser.browser.newContext({ viewport: LAPTOP });
    page = await adminContext.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/projects/${project.id}/invoicing`);
    await signIn(page, admin.email, PASSWORD);
    await page.goto(`${server.url}/projects/${project.id}/invoicing`);
    const boardRow = page.getByRole('region', { name: 'Billing board' }).getByRole('row').filter({ hasText: 'SC-310' });
    await hasText(boardRow.getByTestId('over-100-badge'), '⚑ 1 line over 100%', 'the board’s mark');
    await screenshot(page, 'overbilling-03-board');

    // The review: a banner names the line; "go to" focuses it; "show only" filters the grid.
    await page.goto(url);
    await g703(page).waitFor();
    const banner = page.getByRole('region', { name: 'Lines over 100%' });
    await hasText(banner.locator('p').first(), /^⚑ 1 line is billed over 100% \(\$2,000\.00 over the scheduled value\)\. This project allows it; check them before you approve\.$/, 'the banner');
    await banner.getByRole('button', { name: 'Go to line 1' }).click();
    await eventually('line 1 to have the focus', async () => (await page.evaluate("document.activeElement?.getAttribute('aria-label')")) === 'E this period certified, line 1');
    assert.equal(await g703(page).locator('tbody tr[data-line-id]').count(), 3);
    await banner.getByRole('button', { name: 'Show only this line' }).click();
    await eventually('the grid to show only line 1', async () => (await g703(page).locator('tbody tr[data-line-id]').count()) === 1);
    await hasText(page.locator('.grid-filter-note'), 'Showing 1 of 3 lines: those billed over 100%. Show all lines', 'the filter note');
    assert.equal(await row(page, '1').getAttribute('data-over-100'), 'true');
    assert.equal(describeViolations(await seriousA11yViolations(page)), '');
    await screenshot(page, 'overbilling-04-review-filtered');
    await banner.getByRole('button', { name: 'Show all lines' }).click();
    await eventually('every line back', async () => (await g703(page).locator('tbody tr[data-line-id]').count()) === 3);

    // The contact's invoice as the server says it: one line over, by 2,000.00.
    const stored = await server.database.db.selectFrom('invoiceLines').select(['claimedWorkCents']).where('invoiceId', '=', invoiceId).modifyEnd(everyTenant).execute();
    assert.ok(stored.some((l) => Number(l.claimedWorkCents) === 12_000_00));
    await adminContext.close();
  });

  test('refused: the contact reads the rule before typing, and a line over 100% is refused on the line', async () => {
    const { contact, url } = await setUp(false);
    const context = await browser.browser.newContext({ viewport: LAPTOP });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(url);
    await signIn(page, contact.email, PASSWORD);
    await page.waitForURL(url);
    await g703(page).waitFor();
    await hasText(page.getByTestId('overbilling-rule'), 'Lines may not go over 100% of their scheduled value on this project.', 'the rule');
    await row(page, '3').getByLabel('E this period, line 3', { exact: true }).fill('6000');
    await row(page, '3').getByLabel('E this period, line 3', { exact: true }).press('Tab');
    await hasText(row(page, '3').locator('.note-error'), /^This line is billed over 100%: \$6,000\.00 completed and stored against a scheduled value of \$5,000\.00\.$/, 'the refusal on the line');
    assert.equal(await row(page, '3').getByTestId('over-100').count(), 0, 'a refusal, not a flag');
    await context.close();
  });
});
