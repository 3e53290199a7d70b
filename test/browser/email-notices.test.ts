/**
 * Issue 10, items 2 and 13, on screen: the invoicing settings say the new project's invoice
 * distribution list holds its administrator and follows its Admins on Commitments until edited;
 * an invoice submitted when nobody at all can receive the email shows on the project's Email tab
 * as skipped, with the reason and what it was about; and a company name ending in "Inc." closes a
 * sentence with one full stop (the contract-company warning on the commitment page).
 * The directory, the commitment, the period and the submission are set up in the database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createBillingPeriod } from '../../src/services/billing/billing-periods.ts';
import { changeInvoiceStatus } from '../../src/services/billing/change-invoice-status.ts';
import { createInvoice } from '../../src/services/billing/create-invoice.ts';
import { saveInvoiceLines } from '../../src/services/billing/save-invoice-lines.ts';
import { setInvoiceDistribution } from '../../src/services/billing/save-settings.ts';
import { listInvoiceLines } from '../../src/db/invoices.queries.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, viewerOf } from '../support/factories.ts';
import { browserUnavailable, hasText, openBrowser, screenshot, signIn, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';

const skip = browserUnavailable();

describe('email notices on screen', { skip: skip ?? false }, () => {
  let server: BrowserServer;
  let browser: BrowserSession;
  before(async () => {
    server = await startBrowserServer();
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the list follows the Admins until edited; an email nobody could receive is on the Email tab; "Inc." ends a sentence once', async () => {
    const db = server.database.db;
    const now = new Date();
    const project = await makeProject(db, { name: 'Lakeside Library' });
    const gc = await makeCompany(db, 'general_contractor', 'Summit Builders');
    const sub = await makeCompany(db, 'subcontractor', 'Cascade Drywall Inc.');
    const other = await makeCompany(db, 'subcontractor', 'Bayside Framing');
    const admin = await makeUser(db, gc, { name: 'Alex Admin', password: 'admin password 1' });
    const contact = await makeUser(db, sub, { name: 'Dana Contact', password: 'contact password 1' });
    const framer = await makeUser(db, other, { name: 'Bo Framer' });
    await addToProject(db, project, admin, 'admin');
    await addToProject(db, project, contact, 'read_only');
    await addToProject(db, project, framer, 'read_only');
    const commitment = await makeCommitment(db, project, {
      number: 'SC-501',
      title: 'Drywall',
      contractCompanyId: sub.id,
      invoiceContactIds: [contact.id],
      status: 'approved',
      sov: [10_000_00],
    });
    const base = `${server.url}/projects/${project.id}`;
    const { page } = browser;
    page.setDefaultTimeout(10_000);

    // ---- The settings: the administrator is on the list, which follows the Admins ------------------
    await page.goto(`${server.url}/`);
    await signIn(page, admin.email, 'admin password 1');
    await page.goto(`${base}/settings`);
    const card = page.getByRole('form', { name: 'Invoice distribution list' });
    await card.getByRole('checkbox', { name: `Alex Admin (${admin.email})` }).waitFor();
    assert.equal(await card.getByRole('checkbox', { name: `Alex Admin (${admin.email})` }).isChecked(), true, 'the project’s Admin is on the list');
    await hasText(card.getByTestId('distribution-follows'), /follows the project’s Admins on Commitments/, 'the list follows the Admins');
    await card.getByText('If nobody on the list can receive email, the project’s invoice administrators get them instead.', { exact: false }).waitFor();
    await screenshot(page, 'notices-01-distribution');

    // ---- Nobody can receive "invoice submitted": the list is emptied, every administrator turned email off
    await setInvoiceDistribution(db, viewerOf(admin), project.id, [], now);
    await db.updateTable('users').set({ emailEnabled: false }).where((eb) => eb.or([eb('isCompanyAdmin', '=', true), eb('id', '=', admin.id)])).execute();
    await createBillingPeriod(db, viewerOf(admin), project.id, {}, now);
    const invoice = await createInvoice(db, viewerOf(contact), project.id, commitment.id, {}, now);
    const [line] = (await listInvoiceLines(db, project.tenantId, [invoice.id])).get(invoice.id) ?? [];
    assert.ok(line);
    const saved = await saveInvoiceLines(db, viewerOf(contact), project.id, invoice.id, { version: invoice.version, mode: 'claim', lines: [{ lineId: line.id, workCompletedThisPeriodCents: 1_000_00 }] }, now);
    await changeInvoiceStatus(db, viewerOf(contact), project.id, invoice.id, { action: 'submit', version: saved.version }, now);

    await page.reload();
    await card.getByRole('checkbox', { name: `Alex Admin (${admin.email})` }).waitFor();
    assert.equal(await card.getByRole('checkbox', { name: `Alex Admin (${admin.email})` }).isChecked(), false);
    assert.equal(await card.getByTestId('distribution-follows').count(), 0, 'edited: it no longer follows the Admins');

    // ---- The Email tab shows the record, with the reason ---------------------------------------------
    await page.goto(`${base}/emails?status=skipped`);
    const row = page.getByRole('region', { name: 'Email, newest first' }).getByRole('row').filter({ hasText: 'Invoice submitted' });
    await row.waitFor();
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    assert.ok(text.includes('Invoice #1 for SC-501 – Drywall submitted for review'), text);
    assert.ok(text.includes('Nobody'), text);
    assert.ok(
      text.includes(
        'Not sent: nobody could receive it: nobody on the invoice distribution list can, and neither can any invoice administrator of the project (Admin on Commitments) or company admin.',
      ),
      text,
    );
    await screenshot(page, 'notices-02-email-tab-skipped');

    // ---- "Inc." closes the contract-company warning once --------------------------------------------
    await page.goto(`${base}/commitments/${commitment.id}`);
    const details = page.getByRole('form', { name: 'Commitment details' });
    await details.getByLabel('Contract company').selectOption({ label: 'Bayside Framing' });
    await details.getByRole('button', { name: 'Save details' }).click();
    const warning = page.locator('.cm-mismatch').getByRole('strong');
    await hasText(warning, 'Dana Contact is an invoice contact from Cascade Drywall Inc.', 'the warning');
    assert.doesNotMatch(await warning.innerText(), /Inc\.\./);
  });
});
