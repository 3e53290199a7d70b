/**
 * The whole monthly billing cycle, clicked and typed in a real browser (issue: "End-to-end").
 * An invoice administrator creates a commitment (contract company, invoice contact, SOV) and
 * approves it, opens a billing period and sends the invite; the contact follows the email link
 * from the mailbox, confirms Yes on the page it opens, signs in and fills the G703 with the
 * keyboard; the administrator rejects a line with a reason; the contact fixes it and resubmits;
 * the administrator approves.
 * Only the directory (project, companies, people) is set up in the database beforehand.
 * Screenshots of each main page go to test-artifacts/screenshots/cycle-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { addDays, dayOfMonth, todayIn } from '../../src/domain/calendar.ts';
import { formatDay, formatDayRange } from '../../src/domain/format.ts';
import { addToProject, makeCompany, makeProject, makeUser } from '../support/factories.ts';
import { browserUnavailable, eventually, hasText, hasValue, openBrowser, screenshot, signIn, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';
import { everyTenant } from '../support/tenants.ts';

const skip = browserUnavailable();

/** The accessible label of the focused element (a string, so the Node type-check needs no DOM types). */
async function focusedLabel(page: Page): Promise<string | null> {
  return (await page.evaluate("document.activeElement?.getAttribute('aria-label') ?? null")) as string | null;
}

/** The billing board's row of a commitment. */
const boardRow = (page: Page, number: string) => page.getByRole('region', { name: 'Billing board' }).getByRole('row').filter({ hasText: number });

const g703 = (page: Page) => page.locator('table[data-testid="g703"]');

/** A G703 row by its item number. */
const g703Row = (page: Page, item: string) => g703(page).locator('tbody tr[data-line-id]').filter({ has: page.locator('th', { hasText: new RegExp(`^${item}$`) }) });

/** The invoice's status badge, beside its title. */
const invoiceStatus = (page: Page) => page.locator('.invoice-header h1 .badge');

describe('the monthly billing cycle, end to end in the browser', { skip: skip ?? false }, () => {
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

  test('commitment → period → invite → Yes by email → keyboard G703 → line rejected → fixed → approved', async () => {
    const db = server.database.db;
    // The directory, which is not part of the story: a project, the GC's invoice administrator,
    // the subcontractor with the person who will bill and a colleague who will not.
    const project = await makeProject(db, { name: 'Riverside Medical Office' });
    const gc = await makeCompany(db, 'general_contractor', 'Summit Builders');
    const sub = await makeCompany(db, 'subcontractor', 'Acme Drywall Inc.');
    const admin = await makeUser(db, gc, { name: 'Alex Admin', password: 'admin password 1', isCompanyAdmin: true });
    const contact = await makeUser(db, sub, { name: 'Dana Contact', password: 'contact password 1' });
    const colleague = await makeUser(db, sub, { name: 'Sam Estimator' });
    await addToProject(db, project, admin, 'admin');
    await addToProject(db, project, contact, 'read_only');
    await addToProject(db, project, colleague, 'read_only');

    const base = `${server.url}/projects/${project.id}`;
    const locale = project.locale;
    const today = todayIn(project.timeZone, new Date());
    const period = { startsOn: dayOfMonth(today, 1), endsOn: dayOfMonth(today, 31), dueOn: addDays(today, 10) };
    const number = 'SC-301';
    const title = 'Drywall and framing';

    const { page: adminPage } = browser;
    adminPage.setDefaultTimeout(10_000);
    const contactContext = await browser.browser.newContext({ viewport: { width: 1366, height: 900 } });
    const contactPage = await contactContext.newPage();
    contactPage.setDefaultTimeout(10_000);

    // ---- Administrator: signs in, opens the project -------------------------------------------
    let page = adminPage;
    await page.goto(`${server.url}/`);
    await signIn(page, admin.email, 'admin password 1');
    // Administrators land on what waits on them: nothing yet on a new project.
    await page.getByRole('heading', { name: 'Needs your attention' }).waitFor();
    await page.getByText('Nothing needs you right now.').waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.getByRole('link', { name: /Riverside Medical Office/ }).click();
    await page.waitForURL(`${base}/invoicing`);
    await page.getByText('This project has no commitments to bill yet.').waitFor();
    const projectTabs = page.getByRole('navigation', { name: 'Project' });
    await projectTabs.getByRole('link', { name: 'Commitments' }).click();
    await page.getByText('No commitments on this project yet.').waitFor();

    // ---- Creates the commitment, choosing the invoice contact in the picker -------------------
    await page.getByRole('button', { name: 'New commitment' }).first().click();
    const create = page.getByRole('dialog', { name: 'New commitment' });
    await create.getByLabel('Number').fill(number);
    await create.getByLabel('Title').fill(title);
    await create.getByLabel('Contract company').selectOption({ label: 'Acme Drywall Inc.' });
    const danaBox = create.getByRole('checkbox', { name: `Dana Contact (${contact.email})` });
    await danaBox.waitFor();
    await create.getByRole('checkbox', { name: `Sam Estimator (${colleague.email})` }).waitFor();
    await danaBox.check();
    assert.equal(await create.getByRole('checkbox', { name: `Sam Estimator (${colleague.email})` }).isChecked(), false);
    await create.getByRole('button', { name: 'Create commitment' }).click();
    await page.waitForURL(new RegExp(`/projects/${project.id}/commitments/[0-9a-f-]{36}$`));
    const commitmentUrl = page.url();
    await page.getByText(`Commitment ${number} was created.`).waitFor();
    await page.getByRole('heading', { level: 1, name: `${number}: ${title}` }).waitFor();
    const contactsCard = page.getByRole('region', { name: 'Invoice contacts' });
    await contactsCard.getByRole('list', { name: 'Current invoice contacts' }).getByText('Dana Contact').waitFor();

    // ---- Enters the schedule of values ---------------------------------------------------------
    const sov = page.getByRole('region', { name: 'Schedule of values' });
    const sovLines: [string, string][] = [
      ['Mobilization', '10000'],
      ['Metal stud framing', '50000'],
      ['Drywall hang and finish', '40000'],
    ];
    for (const [n, [description, amount]] of sovLines.entries()) {
      await sov.getByRole('button', { name: 'Add line' }).click();
      const descriptionCell = sov.getByLabel(`Description, line ${n + 1}`);
      await descriptionCell.fill(description);
      await sov.getByLabel(`Scheduled value, line ${n + 1}`).fill(amount);
    }
    await hasText(sov.locator('tfoot'), /Total \(3 lines\)\s*\$100,000\.00/, 'the SOV total');
    await sov.getByRole('button', { name: 'Save schedule of values' }).click();
    await sov.getByText('Schedule of values saved.').waitFor();
    const contractSum = page.locator('dl[aria-label="Contract amounts"] > div').filter({ hasText: 'Contract sum to date' }).getByRole('definition');
    await hasText(contractSum, '$100,000.00', 'the contract sum to date');

    // ---- Approves the commitment (invoices are created only on an approved one) ---------------
    const details = page.getByRole('form', { name: 'Commitment details' });
    await details.getByLabel('Status').selectOption({ label: 'Approved' });
    await details.getByRole('button', { name: 'Save details' }).click();
    await details.getByText('Saved.').waitFor();
    await hasText(page.locator('.cm-subtitle .badge').first(), 'Approved', 'the commitment status');
    const billingCard = page.getByRole('region', { name: 'Invoicing this period' });
    await billingCard.getByText('No open billing period yet', { exact: true }).waitFor();
    await screenshot(page, 'cycle-01-commitment-detail');

    // ---- The commitments list shows it -----------------------------------------------------------
    await page.getByRole('link', { name: '← All commitments' }).click();
    const listRow = page.getByRole('row').filter({ hasText: number });
    await listRow.waitFor();
    const cells = (await listRow.getByRole('cell').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(cells.slice(2), ['Approved', 'Acme Drywall Inc. 1 invoice contact', '$100,000.00', '$0.00', '$100,000.00']);
    assert.match(cells[0] ?? '', new RegExp(`^${number}\\s*Subcontract$`));
    assert.match(cells[1] ?? '', new RegExp(`^${title}\\s*Private$`));
    await screenshot(page, 'cycle-02-commitments-list');

    // ---- Opens a billing period -------------------------------------------------------------------
    await projectTabs.getByRole('link', { name: 'Billing periods' }).click();
    await page.getByText('No billing period yet.').waitFor();
    await page.getByRole('button', { name: 'Open the first billing period…' }).click();
    const openPeriod = page.getByRole('dialog', { name: 'Open a new billing period' });
    await openPeriod.getByLabel('From').fill(period.startsOn);
    await openPeriod.getByLabel('To', { exact: true }).fill(period.endsOn);
    await openPeriod.getByLabel('Due date').fill(period.dueOn);
    await openPeriod.getByRole('button', { name: 'Open this period' }).click();
    const periodName = formatDayRange(period.startsOn, period.endsOn, locale);
    await page.getByText(`The billing period ${periodName} is open, due ${formatDay(period.dueOn, locale)}.`).waitFor();
    const periodRow = page.getByRole('region', { name: 'Billing periods' }).getByRole('row').filter({ hasText: periodName });
    await hasText(periodRow.locator('.badge'), 'Open', 'the period status');
    await hasText(periodRow.locator('.inv-cell-note'), /^(9|10) days left$/, 'the time left'); // 9 only if midnight passes in New York
    await screenshot(page, 'cycle-03-billing-periods');

    // ---- Selects the commitment on the billing board and sends the invite -------------------------
    await projectTabs.getByRole('link', { name: 'Invoicing' }).click();
    const periodSummary = page.getByRole('region', { name: 'Open billing period' });
    await periodSummary.getByText(periodName).waitFor();
    const row = boardRow(page, number);
    await hasText(row.locator('.badge'), 'Not Invited', 'the billing status');
    await row.getByRole('checkbox', { name: `Select ${number}` }).check();
    await page.getByText('1 selected').waitFor();
    await page.getByRole('button', { name: 'Send invites…' }).click();
    const invite = page.getByRole('dialog', { name: 'Send invites to bill' });
    await invite.getByLabel('Message').waitFor(); // the project's message is loaded
    await invite.getByRole('radio', { name: 'Work and Materials' }).waitFor();
    assert.equal(await invite.getByRole('radio', { name: 'Work and Materials' }).isChecked(), true);
    await invite.getByRole('button', { name: 'Send 1 invite' }).click();
    const results = page.getByRole('dialog', { name: 'Invites to bill: results' });
    await results.getByText('Invite sent for 1 commitment.').waitFor();
    await results.getByText(`${number} ${title} — invite sent`).waitFor();
    await results.getByRole('button', { name: 'Done' }).click();
    await hasText(row.locator('.badge'), 'Invited', 'the billing status');
    // The badge says it is not answered yet; the note under it, what was asked for and when.
    await hasText(row.locator('.inv-status-note'), /^Work and Materials · invited \w{3} \d{1,2}$/, 'the invite');
    await screenshot(page, 'cycle-04-billing-board');

    // ---- Contact: the invite in the mailbox, answered Yes from the email ------------------------
    page = contactPage;
    const subject = `${project.name}: Alex Admin has invited you to bill`;
    const mailRow = page.getByRole('row').filter({ hasText: contact.email }).filter({ hasText: subject });
    await eventually('the invite email in the mailbox', async () => {
      await page.goto(`${server.url}/dev/mailbox`);
      return (await mailRow.count()) === 1;
    });
    await screenshot(page, 'cycle-05-mailbox');
    await mailRow.getByRole('link', { name: subject }).click();
    await page.getByRole('heading', { name: 'Alex Admin has invited you to bill' }).waitFor();
    await page.getByText('Do you want to bill this period?').waitFor();
    await page.getByRole('link', { name: 'Yes', exact: true }).click();
    // The link only opens a page saying what the answer is about (mail scanners open every link);
    // its one button records the answer.
    await page.getByRole('heading', { name: 'Answer Yes to the invite to bill?' }).waitFor();
    const confirmation = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
    for (const fact of [
      `Project ${project.name}`,
      `Commitment ${number} – ${title}`,
      `Billing period ${periodName}`,
      `Due date ${formatDay(period.dueOn, locale)}`,
      'Your answer: Yes — you will bill this period.',
    ]) {
      assert.ok(confirmation.includes(fact), `the confirmation page says "${fact}": ${confirmation}`);
    }
    assert.equal(await page.getByRole('button').count(), 1, 'one button');
    await screenshot(page, 'cycle-05b-answer-page');
    const unanswered = await db.selectFrom('billingInvites').select(['response']).where('projectId', '=', project.id).modifyEnd(everyTenant).execute();
    assert.deepEqual(unanswered, [{ response: null }], 'opening the link answered nothing');
    await page.getByRole('button', { name: 'Yes, I will bill this period' }).click();
    await page.getByRole('heading', { name: 'Thank you, Dana Contact' }).waitFor();
    assert.match((await page.locator('body').innerText()).replace(/\s+/g, ' '), new RegExp(`We recorded your answer Yes for ${number}`));
    await page.getByRole('link', { name: 'Sign in to create your invoice' }).click();
    await signIn(page, contact.email, 'contact password 1');
    assert.equal(page.url(), commitmentUrl);

    // ---- Creates the invoice and fills the G703 with the keyboard -----------------------------
    const contactBilling = page.getByRole('region', { name: 'Invoicing this period' });
    await contactBilling.getByText(/^You answered Yes on /).waitFor();
    await hasText(contactBilling.locator('.badge').first(), 'Accepted', 'the billing status');
    await contactBilling.getByRole('button', { name: 'Create invoice' }).click();
    await page.waitForURL(new RegExp(`/projects/${project.id}/invoices/[0-9a-f-]{36}$`));
    const invoiceUrl = page.url();
    let grid = g703(page);
    await grid.waitFor();
    assert.equal(await grid.getAttribute('data-line-count'), '3');
    await hasText(invoiceStatus(page), 'Draft', 'the invoice status');
    await page.getByRole('heading', { level: 1, name: /Invoice #1/ }).waitFor();

    await grid.getByLabel('E this period, line 1').click();
    await page.keyboard.type('10000');
    await page.keyboard.press('Enter'); // commits and moves down
    assert.equal(await focusedLabel(page), 'E this period, line 2');
    await page.keyboard.type('20000');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // line 3: from E to % complete to date
    assert.equal(await focusedLabel(page), '% complete to date, line 3');
    await page.keyboard.type('12.5');
    await page.keyboard.press('Enter');
    await hasValue(grid.getByLabel('E this period, line 1'), '10,000.00', 'E this period, line 1');
    await hasValue(grid.getByLabel('E this period, line 2'), '20,000.00', 'E this period, line 2');
    await hasValue(grid.getByLabel('E this period, line 3'), '5,000.00', 'E this period, line 3'); // 12.5 % of 40,000.00
    await hasText(page.getByTestId('payment-due-live'), '$31,500.00', 'the live payment due');
    await hasText(page.locator('td[data-g702="totalCompletedAndStoredCents"]'), '$35,000.00', 'G702 line 4');
    await hasText(page.locator('td[data-g702="totalRetainageCents"]'), '$3,500.00', 'G702 line 5');
    await hasText(page.locator('td[data-g702="currentPaymentDueCents"]'), '$31,500.00', 'G702 line 8');
    await page.getByText('Unsaved changes on 3 lines').waitFor();
    await page.keyboard.press('Control+s');
    await page.getByText(/^Saved at /).waitFor();
    await page.getByText('All changes saved').waitFor();
    await screenshot(page, 'cycle-06-invoice-grid-contact');

    await page.getByRole('region', { name: 'Invoice actions' }).getByRole('button', { name: 'Submit for review' }).click();
    const submit = page.getByRole('dialog', { name: 'Submit this invoice for review?' });
    await submit.getByText('current payment due of $31,500.00').waitFor();
    await submit.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText(/^Submitted for review\. The invoice administrators have been notified/).waitFor();
    await hasText(invoiceStatus(page), 'Under Review', 'the invoice status');
    assert.equal(await grid.locator('input').count(), 0, 'a submitted invoice is read-only for the contact');

    // ---- Administrator: reviews and rejects line 2 with a reason --------------------------------
    page = adminPage;
    grid = g703(page);
    await page.goto(`${base}/invoicing`);
    await hasText(row.locator('.badge'), 'Under Review', 'the billing status');
    await hasText(row.locator('td.num').first(), '$31,500.00', 'the payment due on the board');
    await row.getByRole('link', { name: `Invoice #1 of ${number}` }).click();
    await page.waitForURL(invoiceUrl);
    await grid.waitFor();
    await hasText(invoiceStatus(page), 'Under Review', 'the invoice status');
    const toolbar = page.getByRole('group', { name: 'Line review' });
    await hasText(toolbar.locator('.review-counts'), '0 approved · 0 rejected · 3 not decided', 'the review counts');
    await grid.getByRole('button', { name: 'Approve line 1' }).click();
    await grid.getByRole('button', { name: 'Approve line 3' }).click();
    await grid.getByRole('button', { name: 'Reject line 2' }).click();
    const reason = 'Framing is about a third done on site, not 40%: bill 15,000.00.';
    await grid.getByLabel('Reason for rejecting line 2').fill(reason);
    await hasText(toolbar.locator('.review-counts'), '2 approved · 1 rejected · 0 not decided · 3 decisions not saved', 'the review counts');
    await screenshot(page, 'cycle-07-invoice-review-admin');
    await toolbar.getByRole('button', { name: 'Send back with 1 rejected line…' }).click();
    const sendBack = page.getByRole('dialog', { name: 'Send this invoice back with rejected lines?' });
    await sendBack.getByText(`“${reason}”`).waitFor();
    await sendBack.getByLabel('Note to the invoice contact (optional)').fill('Please fix line 2 and resubmit.');
    await sendBack.getByRole('button', { name: 'Send back' }).click();
    await page.getByText('Sent back for revision with 1 rejected line. The invoice contacts have been notified.').waitFor();
    await hasText(invoiceStatus(page), 'Revise & Resubmit', 'the invoice status');

    // ---- Contact: My work says what to do; the rejected line is highlighted with its reason ----
    page = contactPage;
    grid = g703(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My work' }).click();
    const workRow = page.getByRole('row').filter({ hasText: `${number} – ${title}` });
    await hasText(workRow.locator('.badge'), 'Revise & Resubmit', 'the status on My work');
    await workRow.getByText('Revise and resubmit your invoice').waitFor();
    await page.getByRole('region', { name: '1 need your action' }).waitFor();
    await screenshot(page, 'cycle-08-my-work');
    await workRow.getByRole('link', { name: '#1: $31,500.00' }).click();
    await page.waitForURL(invoiceUrl);
    await grid.waitFor();
    await hasText(invoiceStatus(page), 'Revise & Resubmit', 'the invoice status');
    const rejected = g703Row(page, '2');
    assert.match((await rejected.getAttribute('class')) ?? '', /\bline-rejected\b/);
    await hasText(rejected.locator('.note-rejected'), `Rejected: ${reason}`, 'the rejected line');
    for (const item of ['1', '3']) assert.doesNotMatch((await g703Row(page, item).getAttribute('class')) ?? '', /line-rejected/);
    await page.getByRole('region', { name: 'Rejected lines' }).getByText(`— “${reason}”`).waitFor();
    await hasText(page.getByTestId('next-step'), /^Fix the 1 rejected line, then Resubmit for review by /, 'the next step');

    await grid.getByLabel('E this period, line 2').click();
    await page.keyboard.type('15000');
    await page.keyboard.press('Enter');
    await hasValue(grid.getByLabel('E this period, line 2'), '15,000.00', 'E this period, line 2');
    await hasText(page.getByTestId('payment-due-live'), '$27,000.00', 'the live payment due');
    await page.getByRole('region', { name: 'Invoice actions' }).getByRole('button', { name: 'Resubmit for review' }).click();
    const resubmit = page.getByRole('dialog', { name: 'Submit this invoice for review?' });
    await resubmit.getByText('current payment due of $27,000.00').waitFor();
    await resubmit.getByText('Your changes on 1 line are saved first.', { exact: false }).waitFor();
    await resubmit.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText(/^Submitted for review\./).waitFor();
    await hasText(invoiceStatus(page), 'Under Review', 'the invoice status');
    assert.equal(await page.locator('tr.line-rejected').count(), 0, 'resubmitting clears the answered rejection');

    // ---- Administrator: approves the resubmitted invoice --------------------------------------
    page = adminPage;
    grid = g703(page);
    await page.goto(`${base}/invoicing`);
    await hasText(row.locator('.badge'), 'Under Review', 'the billing status');
    await hasText(row.locator('td.num').first(), '$27,000.00', 'the payment due on the board');
    await row.getByRole('link', { name: `Invoice #1 of ${number}` }).click();
    await page.waitForURL(invoiceUrl);
    await grid.waitFor();
    await hasText(toolbar.locator('.review-counts'), '2 approved · 0 rejected · 1 not decided', 'the review counts');
    await hasText(page.locator('td[data-g702="currentPaymentDueCents"]').last(), '$27,000.00', 'the certified payment due');
    await grid.getByRole('button', { name: 'Approve line 2' }).click();
    await page.getByRole('region', { name: 'Invoice actions' }).getByRole('button', { name: 'Approve…' }).click();
    const approve = page.getByRole('dialog', { name: 'Approve this invoice?' });
    await approve.getByText('current payment due of $27,000.00').waitFor();
    await approve.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText('Approved. This invoice is now final.').waitFor();
    await hasText(invoiceStatus(page), 'Approved', 'the invoice status');
    await page.getByText(/^Approved on .* — this is what was certified\. It is read-only\.$/).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Invoice actions' }).count(), 0);
    await hasText(page.getByTestId('payment-due'), '$27,000.00', 'the payment due');
    await screenshot(page, 'cycle-09-invoice-approved');

    await page.goto(`${base}/invoicing`);
    await hasText(row.locator('.badge'), 'Approved', 'the billing status');
    await hasText(row.locator('td.num').nth(2), '$30,000.00', 'billed to date');

    // ---- The contact sees it approved too -----------------------------------------------------
    page = contactPage;
    grid = g703(page);
    await page.goto(`${server.url}/work`);
    await hasText(workRow.locator('.badge'), 'Approved', 'the status on My work');
    await page.getByRole('region', { name: 'Nothing needs you right now' }).waitFor();

    // ---- And the database agrees ----------------------------------------------------------------
    const commitment = await db.selectFrom('commitments').selectAll().where('projectId', '=', project.id).where('number', '=', number).modifyEnd(everyTenant).executeTakeFirstOrThrow();
    assert.equal(commitment.status, 'approved');
    assert.equal(commitment.contractCompanyId, sub.id);
    const contacts = await db.selectFrom('commitmentInvoiceContacts').select('userId').where('commitmentId', '=', commitment.id).modifyEnd(everyTenant).execute();
    assert.deepEqual(contacts.map((c) => c.userId), [contact.id]);
    const inviteRow = await db.selectFrom('billingInvites').selectAll().where('commitmentId', '=', commitment.id).modifyEnd(everyTenant).executeTakeFirstOrThrow();
    assert.equal(inviteRow.response, 'accepted');
    assert.equal(inviteRow.respondedBy, contact.id);
    const invoices = await db.selectFrom('invoices').selectAll().where('commitmentId', '=', commitment.id).modifyEnd(everyTenant).execute();
    assert.equal(invoices.length, 1);
    const invoice = invoices[0]!;
    assert.equal(invoiceUrl.endsWith(`/invoices/${invoice.id}`), true);
    assert.equal(invoice.billingPeriodId, inviteRow.billingPeriodId);
    assert.equal(invoice.status, 'approved');
    assert.equal(invoice.createdBy, contact.id);
    assert.equal(invoice.submittedBy, contact.id);
    assert.equal(invoice.approvedBy, admin.id);
    assert.equal(invoice.invoiceType, 'work_and_materials');
    const snapshot = (typeof invoice.snapshot === 'string' ? JSON.parse(invoice.snapshot) : invoice.snapshot) as {
      summary: Record<string, number>;
      lines: { itemNumber: string; workCompletedThisPeriodCents: number }[];
    };
    assert.deepEqual(
      snapshot.lines.map((l) => [l.itemNumber, l.workCompletedThisPeriodCents]),
      [
        ['1', 1_000_000],
        ['2', 1_500_000],
        ['3', 500_000],
      ],
    );
    assert.equal(snapshot.summary.contractSumToDateCents, 10_000_000);
    assert.equal(snapshot.summary.totalCompletedAndStoredCents, 3_000_000);
    assert.equal(snapshot.summary.totalRetainageCents, 300_000);
    assert.equal(snapshot.summary.currentPaymentDueCents, 2_700_000);
    const lines = await db.selectFrom('invoiceLines').selectAll().where('invoiceId', '=', invoice.id).modifyEnd(everyTenant).execute();
    assert.deepEqual(lines.map((l) => l.reviewStatus).sort(), ['approved', 'approved', 'approved']);

    await contactContext.close();
  });
});
