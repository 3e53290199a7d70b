/**
 * The Subcontractor SOV and payments, clicked and typed in a real browser (issue: "Screens: the
 * contact's breakdown editor … and the administrator's review; the contact's 'needs your action'
 * list includes an SSOV to fill"). The directory, an approved commitment with a two-line SOV and
 * the SSOV turned on, and an open billing period are set up in the database; then:
 * the administrator opens the commitment, goes to its SSOV and asks the contact to fill it in; the
 * contact finds it on My work, breaks the lines down with the keyboard, cannot submit while a line
 * has something left to allocate (the lines are named), completes it and submits; the administrator
 * sends it back with a reason; the contact reads the reason, fixes and resubmits; the administrator
 * approves. Then the contact invoices the detail lines (G703 rows 1.1, 1.2, 2.1 …), the
 * administrator approves the invoice and records two payments (Partially paid, then Paid), and the
 * contact sees it paid, on the invoice and on the commitment's Payments card.
 * Screenshots go to test-artifacts/screenshots/ssov-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createBillingPeriod } from '../../src/services/billing/billing-periods.ts';
import { replaceSovLines } from '../../src/services/commitments/schedule-of-values.ts';
import { saveSsovLines } from '../../src/services/ssov/save-ssov-lines.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, viewerOf } from '../support/factories.ts';
import { everyTenant } from '../support/tenants.ts';
import {
  browserUnavailable,
  describeViolations,
  eventually,
  hasText,
  hasValue,
  openBrowser,
  screenshot,
  seriousA11yViolations,
  signIn,
  startBrowserServer,
  type BrowserServer,
  type BrowserSession,
} from './support/browser.ts';

const skip = browserUnavailable();

/** The accessible label (or text) of the focused element (a string, so the Node type-check needs no DOM types). */
async function focused(page: Page): Promise<string | null> {
  return (await page.evaluate("document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? null")) as string | null;
}

async function assertAccessible(page: Page, what: string): Promise<void> {
  assert.equal(describeViolations(await seriousA11yViolations(page)), '', `no serious or critical axe violations on ${what}`);
}

const ssovGrid = (page: Page) => page.locator('table.ssov-grid');
const remaining = (page: Page, item: string) => ssovGrid(page).locator(`td[data-testid="remaining-${item}"]`);
const ssovStatus = (page: Page) => page.getByTestId('ssov-status');
const ssovActions = (page: Page) => page.getByRole('group', { name: 'Subcontractor SOV actions' });
const g703 = (page: Page) => page.locator('table[data-testid="g703"]');
const invoiceStatus = (page: Page) => page.locator('.invoice-header h1 .badge');

describe('the Subcontractor SOV and payments, end to end in the browser', { skip: skip ?? false }, () => {
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

  test('request → keyboard breakdown → refused while unallocated → submitted → sent back → fixed → approved → invoice of detail lines → paid in two payments', async () => {
    const started = Date.now();
    const db = server.database.db;
    const now = new Date();
    // ---- Set up in the database: the directory, the commitment (SSOV on), an open period ------
    const project = await makeProject(db, { name: 'Harbor View Apartments' });
    const gc = await makeCompany(db, 'general_contractor', 'Summit Builders');
    const sub = await makeCompany(db, 'subcontractor', 'Acme Drywall Inc.');
    const admin = await makeUser(db, gc, { name: 'Alex Admin', password: 'admin password 1', isCompanyAdmin: true });
    const contact = await makeUser(db, sub, { name: 'Dana Contact', password: 'contact password 1' });
    await addToProject(db, project, admin, 'admin');
    await addToProject(db, project, contact, 'read_only');
    const number = 'SC-401';
    const title = 'Framing and drywall';
    const commitment = await makeCommitment(db, project, {
      number,
      title,
      contractCompanyId: sub.id,
      invoiceContactIds: [contact.id],
      status: 'approved',
      retainageWorkBp: 1000,
      ssovEnabled: true,
    });
    await replaceSovLines(
      db,
      viewerOf(admin),
      project.id,
      commitment.id,
      {
        version: commitment.version,
        lines: [
          { itemNumber: '1', description: 'Metal stud framing', scheduledValueCents: 10_000_00 },
          { itemNumber: '2', description: 'Drywall hang and finish', scheduledValueCents: 5_000_00 },
        ],
      },
      now,
    );
    await createBillingPeriod(db, viewerOf(admin), project.id, {}, now);

    const commitmentUrl = `${server.url}/projects/${project.id}/commitments/${commitment.id}`;
    const ssovUrl = `${commitmentUrl}/ssov`;
    const adminPage = browser.page;
    adminPage.setDefaultTimeout(10_000);
    const contactContext = await browser.browser.newContext({ viewport: { width: 1366, height: 900 } });
    const contactPage = await contactContext.newPage();
    contactPage.setDefaultTimeout(10_000);

    // ---- Administrator: from the commitment to its SSOV; asks the contact to fill it in ----------
    let page = adminPage;
    await page.goto(commitmentUrl);
    await signIn(page, admin.email, 'admin password 1');
    await page.waitForURL(commitmentUrl);
    const card = page.getByRole('region', { name: 'Subcontractor SOV' });
    await hasText(card.getByTestId('ssov-card-status'), 'Draft', 'the SSOV status on the commitment');
    await card.getByText('Invoices of this commitment wait until the Subcontractor SOV is approved.').waitFor();
    await card.getByRole('link', { name: 'Open the Subcontractor SOV' }).click();
    await page.waitForURL(ssovUrl);
    await page.getByRole('heading', { level: 1, name: 'Subcontractor SOV' }).waitFor();
    await hasText(ssovStatus(page), 'Draft', 'the SSOV status');
    await hasText(remaining(page, '1'), '$10,000.00', 'item 1 remaining to allocate');
    await page.getByRole('button', { name: 'Ask the invoice contacts to fill it in…' }).click();
    const ask = page.getByRole('dialog', { name: 'Ask the invoice contacts to fill it in' });
    await ask.getByLabel('Message (optional, added to the email)').fill('Please split the framing between material and labor.');
    await ask.getByRole('button', { name: 'Send the request' }).click();
    await page.getByText('The request was emailed to 1 invoice contact.').waitFor();
    await page.getByRole('region', { name: 'History' }).getByText(/by Alex Admin/).waitFor();
    await screenshot(page, 'ssov-01-admin-requested');

    // ---- Contact: My work asks for the breakdown --------------------------------------------------
    page = contactPage;
    await page.goto(`${server.url}/work`);
    await signIn(page, contact.email, 'contact password 1');
    await page.waitForURL(`${server.url}/work`);
    const workRow = page.getByRole('row').filter({ hasText: `${number} – ${title}` });
    await page.getByRole('region', { name: '1 need your action' }).waitFor();
    await hasText(workRow.locator('.badge'), 'SSOV Not Approved', 'the billing status on My work');
    await screenshot(page, 'ssov-02-my-work');
    await workRow.getByRole('link', { name: `Break down the schedule of values for ${number}` }).click();
    await page.waitForURL(ssovUrl);
    await hasText(ssovStatus(page), 'Draft', 'the SSOV status');
    const grid = ssovGrid(page);

    // ---- Breaks the lines down with the keyboard; the remaining to allocate follows live --------
    await grid.getByRole('button', { name: 'Add line to item 1 (Metal stud framing)' }).click();
    await eventually('the new line to take the focus', async () => (await focused(page)) === 'Description, line 1.1');
    await page.keyboard.type('Studs and track');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'Cost code, line 1.1');
    await page.keyboard.type('05-400');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'Amount, line 1.1');
    await page.keyboard.type('6,000');
    await hasText(remaining(page, '1'), '$4,000.00', 'item 1 remaining, live');
    assert.match((await remaining(page, '1').getAttribute('class')) ?? '', /\bssov-open\b/, 'a line with something left is highlighted');
    await page.keyboard.press('Tab'); // Remove line 1.1
    await page.keyboard.press('Tab'); // + Add line to item 1
    assert.match((await focused(page)) ?? '', /Add line to item 1/);
    await page.keyboard.press('Enter');
    await eventually('the second line to take the focus', async () => (await focused(page)) === 'Description, line 1.2');
    await page.keyboard.type('Framing labor');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('3000');
    await hasText(remaining(page, '1'), '$1,000.00', 'item 1 remaining, live');
    // Up and down move between lines in the same column; leaving an amount tidies it.
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(page), 'Amount, line 1.1');
    await hasValue(grid.getByLabel('Amount, line 1.2'), '3,000.00', 'Amount, line 1.2');
    await page.keyboard.press('Enter');
    assert.equal(await focused(page), 'Amount, line 1.2');
    await hasValue(grid.getByLabel('Amount, line 1.1'), '6,000.00', 'Amount, line 1.1');

    await grid.getByRole('button', { name: 'Add line to item 2 (Drywall hang and finish)' }).click();
    await eventually('the line of item 2 to take the focus', async () => (await focused(page)) === 'Description, line 2.1');
    await page.keyboard.type('Hang and finish');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('5000');
    await page.keyboard.press('Enter');
    await hasText(remaining(page, '2'), '$0.00', 'item 2 remaining');
    assert.doesNotMatch((await remaining(page, '2').getAttribute('class')) ?? '', /\bssov-open\b/);
    await hasText(page.getByTestId('ssov-total-remaining'), '$1,000.00', 'the total remaining');

    // ---- Cannot submit while item 1 has something left: the line is named -----------------------
    const actions = ssovActions(page);
    const submit = actions.getByRole('button', { name: 'Submit for review' });
    assert.equal(await submit.isDisabled(), true, 'submitting waits for a full allocation');
    await hasText(
      actions.locator('.ssov-blocked'),
      'To submit, every SOV line must be fully allocated: Item 1 (Metal stud framing) has $1,000.00 remaining to allocate.',
      'why it cannot be submitted',
    );
    assert.equal(await submit.getAttribute('aria-describedby'), 'ssov-blocked');
    await page.getByText('Unsaved changes').waitFor();
    // Leaving with unsaved changes asks first; staying keeps them.
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole('link', { name: `← ${number}: ${title}` }).click();
    assert.equal(asked, 'You have unsaved changes. Leave this page and lose them?');
    assert.equal(page.url(), ssovUrl);
    await assertAccessible(page, 'the SSOV editor (contact)');
    await screenshot(page, 'ssov-03-contact-unallocated');
    await actions.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Subcontractor SOV saved.').waitFor();
    await actions.getByText('All changes saved').waitFor();

    // ---- Completes the allocation and submits --------------------------------------------------
    await grid.getByLabel('Amount, line 1.2').fill('4000');
    await hasText(remaining(page, '1'), '$0.00', 'item 1 remaining');
    await eventually('the submit button to be enabled', async () => !(await submit.isDisabled()));
    assert.equal(await actions.locator('.ssov-blocked').count(), 0);
    await submit.click();
    await page.getByText('Submitted for review. The invoice administrators have been notified.').waitFor();
    await hasText(ssovStatus(page), 'Under Review', 'the SSOV status');
    assert.equal(await grid.locator('input').count(), 0, 'under review it is read-only for the contact');
    await page.getByText('It is with the invoice administrators for review.', { exact: false }).waitFor();

    // ---- Administrator: sends it back with a reason (a reason is required) ----------------------
    page = adminPage;
    await page.reload();
    await hasText(ssovStatus(page), 'Under Review', 'the SSOV status');
    await assertAccessible(page, 'the SSOV review (administrator)');
    await screenshot(page, 'ssov-04-admin-review');
    await ssovActions(page).getByRole('button', { name: 'Send back…' }).click();
    const sendBack = page.getByRole('dialog', { name: 'Send the Subcontractor SOV back?' });
    await sendBack.getByRole('button', { name: 'Send back' }).click();
    await sendBack.getByText('Say why it goes back, so they know what to change.').waitFor();
    const reason = 'Show the cleanup of item 2 on its own line (500.00).';
    await sendBack.getByLabel('Reason (emailed to them)').fill(reason);
    await sendBack.getByRole('button', { name: 'Send back' }).click();
    await page.getByText('Sent back for revision. The invoice contacts have been emailed your reason.').waitFor();
    await hasText(ssovStatus(page), 'Revise & Resubmit', 'the SSOV status');

    // ---- Contact: sees the reason, fixes, resubmits -------------------------------------------
    page = contactPage;
    await page.goto(`${server.url}/work`);
    await workRow.getByRole('link', { name: `Fix and resubmit the schedule of values breakdown for ${number}` }).click();
    await page.waitForURL(ssovUrl);
    await hasText(page.getByTestId('sent-back-reason').locator('blockquote'), reason, 'the reason it was sent back');
    await page.getByTestId('sent-back-reason').getByText(/^Sent back for revision by Alex Admin on /).waitFor();
    await hasText(ssovStatus(page), 'Revise & Resubmit', 'the SSOV status');
    await screenshot(page, 'ssov-05-contact-sent-back');
    await grid.getByLabel('Amount, line 2.1').fill('4500');
    await hasText(remaining(page, '2'), '$500.00', 'item 2 remaining');

    // Meanwhile the administrator renames a line: the contact's save is refused as a conflict, and
    // nothing is overwritten; reloading shows their version.
    const version = (await db.selectFrom('ssovs').select('version').where('commitmentId', '=', commitment.id).modifyEnd(everyTenant).executeTakeFirstOrThrow()).version;
    const storedLines = await db
      .selectFrom('ssovLines as d')
      .innerJoin('sovLines as s', 's.id', 'd.sovLineId')
      .select(['d.id', 'd.sovLineId', 'd.description', 'd.costCode', 'd.amountCents'])
      .where('d.commitmentId', '=', commitment.id)
      .orderBy('s.position')
      .orderBy('d.position')
      .modifyEnd(everyTenant)
      .execute();
    await saveSsovLines(
      db,
      viewerOf(admin),
      project.id,
      commitment.id,
      { version, lines: storedLines.map((l) => ({ ...l, description: l.description === 'Studs and track' ? 'Studs, track and headers' : l.description })) },
      new Date(),
    );
    await ssovActions(page).getByRole('button', { name: 'Save draft' }).click();
    const conflict = page.getByRole('alert').filter({ hasText: 'Someone else changed this Subcontractor SOV while you were editing' });
    await conflict.waitFor();
    assert.equal(await ssovActions(page).getByRole('button', { name: 'Resubmit for review' }).isDisabled(), true, 'no submitting over their version');
    await conflict.getByRole('button', { name: 'Reload their version' }).click();
    await conflict.waitFor({ state: 'detached' });
    await hasValue(grid.getByLabel('Description, line 1.1'), 'Studs, track and headers', 'Description, line 1.1');
    await hasValue(grid.getByLabel('Amount, line 2.1'), '5,000.00', 'Amount, line 2.1');

    await grid.getByLabel('Amount, line 2.1').fill('4500');
    await grid.getByRole('button', { name: 'Add line to item 2 (Drywall hang and finish)' }).click();
    await eventually('the new line to take the focus', async () => (await focused(page)) === 'Description, line 2.2');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('500');
    await hasText(remaining(page, '2'), '$0.00', 'item 2 remaining');
    // A line without a description is refused on its row, and the focus goes there.
    await ssovActions(page).getByRole('button', { name: 'Resubmit for review' }).click();
    await page.getByText('Some detail lines need a fix before saving: see the marked cells.').waitFor();
    await grid.locator('tr[data-item="2.2"]').getByText('Enter a description.').waitFor();
    await eventually('the focus to reach the line to fix', async () => (await focused(page)) === 'Description, line 2.2');
    assert.equal(await grid.getByLabel('Description, line 2.2').getAttribute('aria-invalid'), 'true');
    await page.keyboard.type('Cleanup');
    await ssovActions(page).getByRole('button', { name: 'Resubmit for review' }).click();
    await page.getByText('Submitted for review. The invoice administrators have been notified.').waitFor();
    await hasText(ssovStatus(page), 'Under Review', 'the SSOV status');

    // ---- Administrator: approves ------------------------------------------------------------------
    page = adminPage;
    await page.reload();
    await hasText(ssovStatus(page), 'Under Review', 'the SSOV status');
    assert.deepEqual(
      await ssovGrid(page).locator('tr.ssov-line th').allInnerTexts(),
      ['1.1', '1.2', '2.1', '2.2'],
      'the administrator sees the contact’s four detail lines',
    );
    await ssovActions(page).getByRole('button', { name: 'Approve…' }).click();
    const approve = page.getByRole('dialog', { name: 'Approve the Subcontractor SOV?' });
    await approve.getByText('New invoices of this commitment will bill its 4 detail lines', { exact: false }).waitFor();
    await approve.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText('Approved. New invoices of this commitment bill its detail lines.').waitFor();
    await hasText(ssovStatus(page), 'Approved', 'the SSOV status');
    await screenshot(page, 'ssov-06-admin-approved');

    // ---- Contact: creates the invoice; the G703 lists the detail lines -------------------------
    page = contactPage;
    await page.goto(commitmentUrl);
    await hasText(page.getByRole('region', { name: 'Subcontractor SOV' }).getByTestId('ssov-card-status'), 'Approved', 'the SSOV status on the commitment');
    await page.getByRole('region', { name: 'Invoicing this period' }).getByRole('button', { name: 'Create invoice' }).click();
    await page.waitForURL(new RegExp(`/projects/${project.id}/invoices/[0-9a-f-]{36}$`));
    const invoiceUrl = page.url();
    let sheet = g703(page);
    await sheet.waitFor();
    assert.equal(await sheet.getAttribute('data-line-count'), '4');
    assert.deepEqual(await sheet.locator('tbody tr[data-line-id] th').allInnerTexts(), ['1.1', '1.2', '2.1', '2.2']);
    await sheet.getByLabel('E this period, line 1.1').click();
    await page.keyboard.type('3000');
    await page.keyboard.press('Enter');
    assert.equal(await focused(page), 'E this period, line 1.2');
    await page.keyboard.type('2000');
    await page.keyboard.press('Enter');
    assert.equal(await focused(page), 'E this period, line 2.1');
    await page.keyboard.type('1000');
    await page.keyboard.press('Enter');
    await hasText(page.getByTestId('payment-due-live'), '$5,400.00', 'the live payment due'); // 6,000.00 − 10 % retainage
    await page.keyboard.press('Control+s');
    await page.getByText('All changes saved').waitFor();
    await screenshot(page, 'ssov-07-invoice-detail-lines');
    await page.getByRole('region', { name: 'Invoice actions' }).getByRole('button', { name: 'Submit for review' }).click();
    const submitInvoice = page.getByRole('dialog', { name: 'Submit this invoice for review?' });
    await submitInvoice.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText(/^Submitted for review\./).waitFor();
    await hasText(invoiceStatus(page), 'Under Review', 'the invoice status');

    // ---- Administrator: approves the invoice, then records two payments -------------------------
    page = adminPage;
    await page.goto(invoiceUrl);
    sheet = g703(page);
    await sheet.waitFor();
    await hasText(invoiceStatus(page), 'Under Review', 'the invoice status');
    for (const item of ['1.1', '1.2', '2.1', '2.2']) await sheet.getByRole('button', { name: `Approve line ${item}` }).click();
    await page.getByRole('region', { name: 'Invoice actions' }).getByRole('button', { name: 'Approve…' }).click();
    const approveInvoice = page.getByRole('dialog', { name: 'Approve this invoice?' });
    await approveInvoice.getByText('current payment due of $5,400.00').waitFor();
    await approveInvoice.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText('Approved. This invoice is now final.').waitFor();
    await hasText(invoiceStatus(page), 'Approved', 'the invoice status');

    const payments = page.getByRole('region', { name: 'Payments' });
    await hasText(payments.getByTestId('paid-status'), 'Unpaid', 'the paid status');
    await payments.getByRole('button', { name: 'Record payment' }).click();
    let record = page.getByRole('dialog', { name: 'Record payment' });
    // The amount proposed is what is left to pay, written as people write it (thousands separators);
    // typed without them it is read the same, and tidied on leaving the field.
    await hasValue(record.getByLabel('Amount'), '5,400.00', 'the amount proposed (what is left to pay)');
    await record.getByLabel('Amount').fill('2000');
    await record.getByLabel('Amount').press('Tab');
    await hasValue(record.getByLabel('Amount'), '2,000.00', 'the amount typed, tidied');
    await record.getByLabel('Check number or reference').fill('CHK-1001');
    await record.getByRole('button', { name: 'Record payment' }).click();
    await hasText(payments.getByTestId('paid-status'), 'Partially paid', 'the paid status');
    await hasText(payments.getByTestId('paid-amount'), '$2,000.00', 'paid');
    await hasText(payments.getByTestId('left-to-pay'), '$3,400.00', 'left to pay');
    await payments.getByRole('button', { name: 'Record payment' }).click();
    record = page.getByRole('dialog', { name: 'Record payment' });
    await hasValue(record.getByLabel('Amount'), '3,400.00', 'the amount proposed (the rest), recorded as proposed');
    await record.getByLabel('Check number or reference').fill('CHK-1002');
    await record.getByRole('button', { name: 'Record payment' }).click();
    await hasText(payments.getByTestId('paid-status'), 'Paid', 'the paid status');
    await hasText(payments.getByTestId('left-to-pay'), '$0.00', 'left to pay');
    await screenshot(page, 'ssov-08-invoice-paid-admin');

    // ---- Contact: sees it paid, on the invoice and on the commitment ---------------------------
    page = contactPage;
    await page.goto(invoiceUrl);
    await hasText(page.getByRole('region', { name: 'Payments' }).getByTestId('paid-status'), 'Paid', 'the paid status the contact sees');
    await page.goto(commitmentUrl);
    const rollup = page.getByTestId('payment-rollup');
    await hasText(rollup.locator('div').filter({ hasText: 'Paid to date' }).locator('dd'), /^\$5,400\.00 \(36(\.00)?\s?%\)$/, 'paid to date (of the 15,000.00 contract sum)');
    await screenshot(page, 'ssov-09-commitment-payments-contact');

    // ---- And the database agrees ----------------------------------------------------------------
    const ssov = await db.selectFrom('ssovs').selectAll().where('commitmentId', '=', commitment.id).modifyEnd(everyTenant).executeTakeFirstOrThrow();
    assert.equal(ssov.status, 'approved');
    assert.equal(ssov.submittedBy, contact.id);
    assert.equal(ssov.approvedBy, admin.id);
    assert.equal(ssov.sentBackReason, reason);
    const details = await db.selectFrom('ssovLines').selectAll().where('commitmentId', '=', commitment.id).orderBy('position').modifyEnd(everyTenant).execute();
    assert.deepEqual(
      details.map((d) => [d.description, d.costCode, d.amountCents]).sort(),
      [
        ['Cleanup', '', 500_00],
        ['Framing labor', '', 4_000_00],
        ['Hang and finish', '', 4_500_00],
        ['Studs, track and headers', '05-400', 6_000_00],
      ],
    );
    const invoice = await db.selectFrom('invoices').selectAll().where('commitmentId', '=', commitment.id).modifyEnd(everyTenant).executeTakeFirstOrThrow();
    assert.equal(invoiceUrl.endsWith(`/invoices/${invoice.id}`), true);
    assert.equal(invoice.status, 'approved');
    assert.equal(invoice.createdBy, contact.id);
    const lines = await db.selectFrom('invoiceLines').selectAll().where('invoiceId', '=', invoice.id).modifyEnd(everyTenant).execute();
    assert.equal(lines.length, 4);
    assert.deepEqual(new Set(lines.map((l) => l.ssovLineId)), new Set(details.map((d) => d.id)), 'every invoice line is a detail line');
    const paid = await db.selectFrom('payments').selectAll().where('invoiceId', '=', invoice.id).orderBy('recordedAt').modifyEnd(everyTenant).execute();
    assert.deepEqual(
      paid.map((p) => [p.amountCents, p.reference, p.recordedBy]),
      [
        [2_000_00, 'CHK-1001', admin.id],
        [3_400_00, 'CHK-1002', admin.id],
      ],
    );
    const audit = await db.selectFrom('auditLog').select(['entityType', 'action', 'actorUserId']).where('projectId', '=', project.id).orderBy('id').execute();
    const ssovActionsLogged = audit.filter((a) => a.entityType === 'ssov').map((a) => [a.action, a.actorUserId === admin.id ? 'admin' : a.actorUserId === contact.id ? 'contact' : '?']);
    assert.deepEqual(ssovActionsLogged, [
      ['request', 'admin'],
      ['save_lines', 'contact'],
      ['save_lines', 'contact'],
      ['submit', 'contact'],
      ['send_back', 'admin'],
      ['save_lines', 'admin'],
      ['save_lines', 'contact'],
      ['submit', 'contact'],
      ['approve', 'admin'],
    ]);
    assert.equal(audit.filter((a) => a.action === 'record_payment' && a.actorUserId === admin.id).length, 2);
    const requested = await db.selectFrom('emailMessages').select(['toUserId']).where('kind', '=', 'ssov_request').where('toUserId', '=', contact.id).execute();
    assert.equal(requested.length, 1, 'the contact was emailed the request');

    await contactContext.close();
    console.log(`# ssov-and-payment: the browser story took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});
