/**
 * Where people start, on the demo: the invoice administrator signs in and lands on "Needs your
 * attention", with every kind of item waiting across her projects, and follows one to the page
 * where it is handled; the invoice contact signs in and lands on My work, where each to-do is a
 * link to the page where it is done.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.ts';
import { loadDemo } from '../../src/demo/load-demo.ts';
import { browserUnavailable, hasText, openBrowser, screenshot, signIn, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';
import { everyTenant } from '../support/tenants.ts';

const skip = browserUnavailable();
const LAPTOP = { width: 1366, height: 900 };

describe('where administrators and contacts start', { skip: skip ?? false }, () => {
  let server: BrowserServer;
  let browser: BrowserSession;
  const ids = { project: '', underReview: '', rosaCommitment: '', ssovCommitment: '' };

  before(async () => {
    server = await startBrowserServer();
    const db = server.database.db;
    [browser] = await Promise.all([openBrowser({ viewport: LAPTOP }), loadDemo(db, new Date())]);
    const project = await db.selectFrom('projects').select('id').where('name', '=', 'Riverside Medical Office Building').modifyEnd(everyTenant).executeTakeFirstOrThrow();
    ids.project = project.id;
    ids.underReview = (await db.selectFrom('invoices').select('id').where('projectId', '=', project.id).where('status', '=', 'under_review').modifyEnd(everyTenant).executeTakeFirstOrThrow()).id;
    const commitment = (number: string) => db.selectFrom('commitments').select('id').where('projectId', '=', project.id).where('number', '=', number).modifyEnd(everyTenant).executeTakeFirstOrThrow();
    ids.rosaCommitment = (await commitment('SC-003')).id;
    ids.ssovCommitment = (await commitment('SC-006')).id;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the administrator lands on her queue and follows an item to its page', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await signIn(page, 'priya.raman@northwind.example', DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/attention`);
    await page.getByRole('heading', { level: 1, name: 'Needs your attention' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Needs attention' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My work' }).count(), 0, 'she bills nothing herself');

    // One section per kind, in order, each with its count.
    const groups = page.locator('section.attention-group h2');
    await groups.first().waitFor();
    const titles = (await groups.allTextContents()).map((t) => t.replace(/ \(\d+\)$/, ''));
    assert.deepEqual(titles, ['Invoices to review', 'Subcontractor SOVs to review', 'Sent back, not resubmitted', 'Invites without an answer', 'Approved, not fully paid']);
    const toReview = page.getByRole('region', { name: /^Invoices to review/ });
    const row = toReview.getByRole('row').filter({ hasText: 'SC-001' });
    await hasText(row.locator('td').first(), 'Riverside Medical Office Building', 'the project');
    await hasText(row.locator('td').nth(2), 'Under Review Invoice GF-2231 is waiting for your review.', 'what is waiting');
    const unpaid = page.getByRole('region', { name: /^Approved, not fully paid/ }).getByRole('row').filter({ hasText: 'SC-002' });
    await hasText(unpaid.locator('.attention-note').last(), /^Paid \$[\d,]+\.\d\d of \$[\d,]+\.\d\d due$/, 'what was paid of what is due');
    const ssov = page.getByRole('region', { name: /^Subcontractor SOVs to review/ });
    assert.equal(await ssov.getByRole('link', { name: /^Review the Subcontractor SOV of SC-006/ }).getAttribute('href'), `/projects/${ids.project}/commitments/${ids.ssovCommitment}/ssov`);
    await screenshot(page, 'attention-queue');

    await row.getByRole('link', { name: /^Review invoice GF-2231/ }).click();
    await page.waitForURL(`${server.url}/projects/${ids.project}/invoices/${ids.underReview}`);
    await page.getByRole('heading', { level: 1, name: /Invoice GF-2231/ }).waitFor();
  });

  test("the contact lands on My work, where each to-do is a link to where it is done", async () => {
    const context = await browser.browser.newContext({ viewport: LAPTOP });
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await signIn(page, 'rosa.delgado@cascadedrywall.example', DEMO_PASSWORD);
      await page.waitForURL(`${server.url}/work`);
      await page.getByRole('heading', { level: 1, name: 'My work' }).waitFor();
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Needs attention' }).count(), 0);
      const todo = page.getByRole('link', { name: 'Answer the invite to bill for SC-003' });
      assert.equal(await todo.getAttribute('href'), `/projects/${ids.project}/commitments/${ids.rosaCommitment}`);
      // Every to-do on the page is a link (none is plain text any more).
      assert.equal(await page.locator('.todo:not(a)').count(), 0);
      assert.ok((await page.locator('a.todo').count()) >= 1);
      await todo.click();
      await page.waitForURL(`${server.url}/projects/${ids.project}/commitments/${ids.rosaCommitment}`);
      await page.getByRole('group', { name: /Do you want to bill/ }).getByRole('button', { name: /Yes/ }).waitFor();
    } finally {
      await context.close();
    }
  });
});
