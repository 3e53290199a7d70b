/**
 * Issue 13, in the browser: on a commitment's SOV, "Import from spreadsheet" — a file with errors
 * lists them by row and column and changes nothing; a good file shows its preview, and Import
 * replaces the schedule of values in the editor.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listSovLines } from '../../src/db/sov.queries.ts';
import { addToProject, makeCommitment, makeProject, makeUser, systemAdminOf, unique } from '../support/factories.ts';
import { browserUnavailable, hasText, openBrowser, screenshot, signIn, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';

const skip = browserUnavailable();
const PASSWORD = 'correct horse battery';

describe('importing an SOV from a spreadsheet', { skip: skip ?? false }, () => {
  let server: BrowserServer;
  let browser: BrowserSession;
  before(async () => {
    [server, browser] = await Promise.all([startBrowserServer(), openBrowser({ viewport: { width: 1366, height: 900 } })]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('errors by row, nothing written; then a preview and Import', async () => {
    const db = server.database.db;
    const project = await makeProject(db, { name: unique('Harbor Point') });
    const { gc } = await systemAdminOf(db);
    const admin = await makeUser(db, gc, { name: 'Ivy Admin', password: PASSWORD });
    await addToProject(db, project, admin, 'admin');
    const commitment = await makeCommitment(db, project, { number: 'SC-410', title: 'Electrical', sov: [1_000_00] });
    const page = await browser.browser.newPage();
    page.setDefaultTimeout(10_000);
    const url = `${server.url}/projects/${project.id}/commitments/${commitment.id}`;
    await page.goto(url);
    await signIn(page, admin.email, PASSWORD);
    await page.waitForURL(url);

    await page.getByRole('button', { name: 'Import from spreadsheet' }).click();
    const section = page.getByRole('region', { name: 'Import the schedule of values from a spreadsheet' });
    const bad = 'Item,Description,Scheduled Value\n1,Conduit,"1,000.00"\n2,,500\n3,Panels,12.345\n';
    await section.getByLabel('File').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    const problems = section.getByRole('table', { name: 'Rows to fix in bad.csv' });
    await hasText(problems.locator('tbody tr').nth(0), /^3\s*Description\s*Enter a description\.$/, 'the first problem');
    await hasText(problems.locator('tbody tr').nth(1), /^4\s*Scheduled Value\s*"12\.345" has more than two decimals/, 'the second problem');
    assert.equal(await section.getByRole('button', { name: /^Import/ }).isDisabled(), true);
    await screenshot(page, 'sov-import-errors');

    const good = 'Item,Description,Cost Code,Scheduled Value\n1,Conduit,26-050,"$1,500.00"\n2,Panels,26-240,"2,250.50"\n3,Fixtures,26-510,900\n';
    await section.getByLabel('File').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await hasText(section.getByRole('status').first(), /^3 lines, total \$4,650\.50\./, 'the preview summary');
    assert.equal((await listSovLines(db, project.tenantId, commitment.id)).length, 1, 'a preview writes nothing');
    await screenshot(page, 'sov-import-preview');
    await section.getByRole('button', { name: 'Import 3 lines' }).click();
    await hasText(page.getByText(/^Schedule of values imported/), 'Schedule of values imported: 3 lines.', 'the confirmation');
    const saved = await listSovLines(db, project.tenantId, commitment.id);
    assert.deepEqual(
      saved.map((l) => [l.itemNumber, l.description, l.scheduledValueCents]),
      [
        ['1', 'Conduit', 1_500_00],
        ['2', 'Panels', 2_250_50],
        ['3', 'Fixtures', 900_00],
      ],
    );
    await page.close();
  });
});
