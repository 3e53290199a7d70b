/**
 * Sliding-scale retention in the browser: an invoice administrator sets the rules on the
 * commitment page; on an invoice past the cap, the "Retention by rule" card names the rule of each
 * line and the split of the last of the room; the administrator overrides a line with a reason;
 * the G702 follows. Invoices are set up through the services (the cycle itself is monthly-cycle.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays, todayIn } from '../../src/domain/calendar.ts';
import { createBillingPeriod } from '../../src/services/billing/billing-periods.ts';
import { changeInvoiceStatus } from '../../src/services/billing/change-invoice-status.ts';
import { createInvoice } from '../../src/services/billing/create-invoice.ts';
import { saveInvoiceLines } from '../../src/services/billing/save-invoice-lines.ts';
import { getInvoice, listInvoiceLines } from '../../src/db/invoices.queries.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, viewerOf } from '../support/factories.ts';
import { browserUnavailable, describeViolations, openBrowser, screenshot, seriousA11yViolations, signIn, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';

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
      const lines = (await listInvoiceLines(db, [invoice.id])).get(invoice.id) ?? [];
      await saveInvoiceLines(
        db,
        adminViewer,
        project.id,
        invoice.id,
        { version: invoice.version, mode: 'claim', lines: work.map((w, i) => ({ lineId: lines[i]!.id, workCompletedThisPeriodCents: w })) },
        now,
      );
      await changeInvoiceStatus(db, adminViewer, project.id, invoice.id, { action: 'submit', version: (await getInvoice(db, project.id, invoice.id)).version }, now);
      return invoice.id;
    };
    const first = await bill([5_000_00, 0]);
    await changeInvoiceStatus(db, adminViewer, project.id, first, { action: 'approve', version: (await getInvoice(db, project.id, first)).version }, now);
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
    const saved = (await listInvoiceLines(db, [second])).get(second)?.[1];
    assert.deepEqual(saved?.retainageOverride, { workRetainageThisPeriodCents: 40_00, reason: 'Punch list still open' });
  });
});
