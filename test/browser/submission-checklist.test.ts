/**
 * The submission checklist in the browser (issue 10, item 12; decision 012). An administrator
 * sends two invites asking for attachments, with a note of what to attach. One contact reads it on
 * the commitment, answers Yes, bills stored materials, and the submit dialog lists both missing
 * items; she attaches a file right there, the list updates, and she submits as before. The other
 * goes on knowingly ("Submit without them"): the submission is recorded with what was missing, and
 * the reviewer reads it in the invoice's history. An administrator submitting on a contact's behalf
 * from the billing board is refused until they, too, say they go on without the backup.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { addDays, todayIn } from '../../src/domain/calendar.ts';
import { createBillingPeriod } from '../../src/services/billing/billing-periods.ts';
import { createInvoice } from '../../src/services/billing/create-invoice.ts';
import { respondToInvite } from '../../src/services/billing/invites.ts';
import { saveInvoiceLines } from '../../src/services/billing/save-invoice-lines.ts';
import { listInvoiceLines } from '../../src/db/invoices.queries.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, unique, viewerOf } from '../support/factories.ts';
import { browserUnavailable, describeViolations, eventually, hasText, openBrowser, screenshot, seriousA11yViolations, signIn, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';
import { everyTenant } from '../support/tenants.ts';

const skip = browserUnavailable();
const PASSWORD = 'correct horse battery';
const LAPTOP = { width: 1366, height: 900 };
const NOTE = 'Conditional lien waiver and the delivery tickets';
const PDF = { name: 'waiver-and-tickets.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% lien waiver and delivery tickets\n%%EOF\n') };

/** A checklist item's words (its ✓ or ! mark aside). */
const item = (page: Page, code: string) => page.getByRole('dialog').locator(`li[data-code="${code}"] .checklist-text`);

describe('the submission checklist', { skip: skip ?? false }, () => {
  let server: BrowserServer;
  let browser: BrowserSession;
  before(async () => {
    [server, browser] = await Promise.all([startBrowserServer(), openBrowser({ viewport: LAPTOP })]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('invites ask for attachments; the contact attaches from the submit dialog, or submits knowingly without them', async () => {
    const db = server.database.db;
    const now = new Date();
    const project = await makeProject(db, { name: unique('Quarry Hill') });
    const { gc } = await systemAdminOf(db);
    const admin = await makeUser(db, gc, { name: 'Ivy Admin', password: PASSWORD });
    await addToProject(db, project, admin, 'admin');
    const make = async (number: string, name: string) => {
      const sub = await makeCompany(db, 'subcontractor', unique(`${name} Co`));
      const contact = await makeUser(db, sub, { name, password: PASSWORD });
      await addToProject(db, project, contact, 'read_only');
      const commitment = await makeCommitment(db, project, {
        contractCompanyId: sub.id,
        invoiceContactIds: [contact.id],
        status: 'approved',
        retainageWorkBp: 1000,
        retainageMaterialsBp: 500,
        number,
        title: `${name}'s work`,
        sov: [20_000_00, 10_000_00],
      });
      return { contact, commitment };
    };
    const rae = await make('SC-410', 'Rae Contact');
    const omar = await make('SC-411', 'Omar Contact');
    const lena = await make('SC-412', 'Lena Contact');
    const today = todayIn(project.timeZone, now);
    await createBillingPeriod(db, viewerOf(admin), project.id, { startsOn: addDays(today, -5), endsOn: addDays(today, 20), dueOn: addDays(today, 10) }, now);

    // ---- The administrator invites both, asking for attachments -----------------------------------
    const adminContext = await browser.browser.newContext({ viewport: LAPTOP });
    let page = await adminContext.newPage();
    page.setDefaultTimeout(10_000);
    const board = `${server.url}/projects/${project.id}/invoicing`;
    await page.goto(board);
    await signIn(page, admin.email, PASSWORD);
    await page.goto(board);
    await page.getByRole('region', { name: 'Billing board' }).getByRole('row').filter({ hasText: 'SC-412' }).waitFor();
    await page.getByLabel('Select SC-410').check();
    await page.getByLabel('Select SC-411').check();
    await page.getByRole('button', { name: 'Send invites…' }).click();
    const invite = page.getByRole('dialog', { name: 'Send invites to bill' });
    await invite.getByLabel('Message').waitFor();
    assert.equal(await invite.getByLabel('What to attach (optional)').count(), 0, 'the note is offered once attachments are asked for');
    await invite.getByLabel('Ask for attachments').check();
    await invite.getByLabel('What to attach (optional)').fill(NOTE);
    assert.equal(describeViolations(await seriousA11yViolations(page)), '');
    await screenshot(page, 'checklist-01-invite-asks');
    await invite.getByRole('button', { name: 'Send 2 invites' }).click();
    const results = page.getByRole('dialog', { name: 'Invites to bill: results' });
    await results.getByText('Invites sent for 2 commitments.', { exact: false }).waitFor();
    await results.getByRole('button', { name: 'Done' }).click();
    const invites = await db.selectFrom('billingInvites').select(['commitmentId', 'requestAttachments', 'attachmentsNote']).modifyEnd(everyTenant).execute();
    assert.deepEqual(
      invites.map((i) => [i.commitmentId, i.requestAttachments, i.attachmentsNote]).sort(),
      [
        [rae.commitment.id, true, NOTE],
        [omar.commitment.id, true, NOTE],
      ].sort(),
    );
    await hasText(page.getByRole('region', { name: 'Billing board' }).getByRole('row').filter({ hasText: 'SC-410' }).locator('.inv-status-note'), /· attachments asked$/, 'the board says the invite asks');

    // ---- Rae: reads what to attach, answers Yes, bills stored materials ---------------------------
    const raeContext = await browser.browser.newContext({ viewport: LAPTOP });
    page = await raeContext.newPage();
    page.setDefaultTimeout(10_000);
    const commitmentUrl = `${server.url}/projects/${project.id}/commitments/${rae.commitment.id}`;
    await page.goto(commitmentUrl);
    await signIn(page, rae.contact.email, PASSWORD);
    await page.waitForURL(commitmentUrl);
    await hasText(page.locator('.cm-invite-attach'), `Attach to your invoice: ${NOTE}`, 'what to attach, on the commitment');
    // The project's overbilling rule, before any invoice exists (a new project allows it, flagged).
    await hasText(page.getByTestId('overbilling-rule'), 'On this project a line may be billed over 100% of its scheduled value; it is flagged for review.', 'the rule, on the commitment');
    await page.getByRole('button', { name: 'Yes', exact: true }).click();
    await page.getByRole('button', { name: 'Create invoice' }).click();
    await page.waitForURL(/\/invoices\//);
    const grid = page.locator('table[data-testid="g703"]');
    await grid.getByLabel('E this period, line 1', { exact: true }).fill('5000');
    await grid.getByLabel('New materials stored, line 2', { exact: true }).fill('2500');
    await grid.getByLabel('New materials stored, line 2', { exact: true }).press('Tab');
    // Submit: the entries are not saved yet, and the checklist already counts the stored materials.
    await page.getByRole('region', { name: 'Invoice actions' }).getByRole('button', { name: 'Submit for review' }).click();
    const dialog = page.getByRole('dialog', { name: 'Submit this invoice for review?' });
    await hasText(dialog.getByTestId('submit-checklist').locator('h3'), 'Missing before you submit (2)', 'the checklist heading');
    await hasText(item(page, 'attachments_requested'), `Attachments asked for by the invite (missing): The Invite to Bill asks for attachments (${NOTE}), and none is attached.`, 'the invite’s item');
    await hasText(item(page, 'stored_materials_backup'), /^Backup for stored materials \(missing\): Materials stored this period \(\$2,500\.00\) are billed without an attachment/, 'the stored materials item');
    assert.equal(await dialog.getByRole('button', { name: 'Submit without them' }).count(), 1, 'going on without them is a deliberate choice');
    assert.equal(describeViolations(await seriousA11yViolations(page)), '');
    await screenshot(page, 'checklist-02-missing');

    // She attaches one file right there: both items are met, and submitting is as before.
    await dialog.getByLabel('Attach them now').setInputFiles(PDF);
    await eventually('both items met', async () => (await dialog.locator('li[data-met="true"]').count()) === 2);
    await hasText(dialog.getByTestId('submit-checklist').locator('h3'), 'Before you submit', 'the checklist once met');
    await hasText(item(page, 'attachments_requested'), `Attachments asked for by the invite (attached): ${NOTE}`, 'the invite’s item, met');
    assert.equal(await dialog.getByTestId('submit-without').count(), 0);
    await screenshot(page, 'checklist-03-attached');
    await dialog.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText(/^Submitted for review\./).waitFor();
    const raeInvoice = await db.selectFrom('invoices').select(['id', 'status']).where('commitmentId', '=', rae.commitment.id).modifyEnd(everyTenant).executeTakeFirstOrThrow();
    assert.equal(raeInvoice.status, 'under_review');
    const files = await db.selectFrom('invoiceAttachments').select('filename').where('invoiceId', '=', raeInvoice.id).modifyEnd(everyTenant).execute();
    assert.deepEqual(files, [{ filename: PDF.name }]);
    const raeSubmit = await db.selectFrom('auditLog').select('after').where('entityId', '=', raeInvoice.id).where('action', '=', 'status_under_review').executeTakeFirstOrThrow();
    assert.equal((raeSubmit.after as Record<string, unknown>).acknowledgedMissing, undefined, 'nothing was missing');
    await raeContext.close();

    // ---- Omar: stored materials, no attachment, submits knowingly ---------------------------------
    await respondToInvite(db, viewerOf(omar.contact), project.id, omar.commitment.id, 'accepted', now);
    const omarInvoice = await createInvoice(db, viewerOf(omar.contact), project.id, omar.commitment.id, {}, now);
    const lines = (await listInvoiceLines(db, project.tenantId, [omarInvoice.id])).get(omarInvoice.id) ?? [];
    await saveInvoiceLines(db, viewerOf(omar.contact), project.id, omarInvoice.id, { version: omarInvoice.version, mode: 'claim', lines: [{ lineId: lines[0]!.id, materialsStoredNewCents: 4_000_00 }] }, now);
    const omarContext = await browser.browser.newContext({ viewport: LAPTOP });
    page = await omarContext.newPage();
    page.setDefaultTimeout(10_000);
    const omarUrl = `${server.url}/projects/${project.id}/invoices/${omarInvoice.id}`;
    await page.goto(omarUrl);
    await signIn(page, omar.contact.email, PASSWORD);
    await page.waitForURL(omarUrl);
    await page.getByRole('region', { name: 'Invoice actions' }).getByRole('button', { name: 'Submit for review' }).click();
    const omarDialog = page.getByRole('dialog', { name: 'Submit this invoice for review?' });
    assert.equal(await omarDialog.locator('li[data-met="false"]').count(), 2);
    await omarDialog.getByRole('button', { name: 'Submit without them' }).click();
    await page.getByText(/^Submitted for review\./).waitFor();
    const omarSubmit = await db.selectFrom('auditLog').select(['after', 'actorUserId']).where('entityId', '=', omarInvoice.id).where('action', '=', 'status_under_review').executeTakeFirstOrThrow();
    assert.deepEqual((omarSubmit.after as Record<string, unknown>).acknowledgedMissing, ['attachments_requested', 'stored_materials_backup']);
    assert.equal(omarSubmit.actorUserId, omar.contact.id);
    await omarContext.close();

    // ---- The reviewer reads it in the invoice's history --------------------------------------------
    page = await adminContext.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(omarUrl);
    await page.locator('details.history > summary').click();
    await hasText(
      page.locator('.history-list li').filter({ hasText: 'submitted the invoice' }),
      /Omar Contact submitted the invoice for review, knowingly without the attachments the invite asked for and backup for the stored materials\.$/,
      'the history entry',
    );

    // ---- Bulk, on Lena's behalf: refused while the backup is missing, then submitted knowingly --------
    const lenaInvoice = await createInvoice(db, viewerOf(admin), project.id, lena.commitment.id, {}, now);
    const lenaLines = (await listInvoiceLines(db, project.tenantId, [lenaInvoice.id])).get(lenaInvoice.id) ?? [];
    await saveInvoiceLines(db, viewerOf(admin), project.id, lenaInvoice.id, { version: lenaInvoice.version, mode: 'claim', lines: [{ lineId: lenaLines[1]!.id, materialsStoredNewCents: 1_200_00 }] }, now);
    const bulk = async (acknowledge: boolean) => {
      await page.goto(board);
      await page.getByLabel('Select SC-412').check();
      await page.getByRole('button', { name: 'Change status…' }).click();
      const change = page.getByRole('dialog', { name: 'Change invoice status' });
      await change.getByLabel('Submit for review').check();
      if (acknowledge) await change.getByLabel('Submit even when attachments are missing').check();
      await change.getByRole('button', { name: 'Submit for review: 1 invoice' }).click();
      const outcome = page.getByRole('dialog', { name: 'Status change: results' });
      const text = ((await outcome.locator('.inv-result-list li').textContent()) ?? '').replace(/\s+/g, ' ');
      await outcome.getByRole('button', { name: 'Done' }).click();
      return text;
    };
    assert.match(await bulk(false), /not changedMaterials stored this period \(\$1,200\.00\) are billed without an attachment to back them \(delivery tickets, supplier invoices, insurance\)\. Attach it on the invoice, or submit again with “Submit even when attachments are missing”\.$/);
    assert.equal((await db.selectFrom('invoices').select('status').where('id', '=', lenaInvoice.id).modifyEnd(everyTenant).executeTakeFirstOrThrow()).status, 'draft');
    assert.match(await bulk(true), /now Under Review/);
    const lenaSubmit = await db.selectFrom('auditLog').select(['after', 'actorUserId']).where('entityId', '=', lenaInvoice.id).where('action', '=', 'status_under_review').executeTakeFirstOrThrow();
    assert.deepEqual([(lenaSubmit.after as Record<string, unknown>).acknowledgedMissing, lenaSubmit.actorUserId], [['stored_materials_backup'], admin.id]);
    await adminContext.close();
  });
});
