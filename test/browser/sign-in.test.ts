import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser } from '../support/factories.ts';
import { browserUnavailable, describeViolations, openBrowser, screenshot, seriousA11yViolations, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';

const skip = browserUnavailable();

describe('signing in, and what a contact can reach', { skip: skip ?? false }, () => {
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

  test('a link opened signed out lands on its page after sign-in; another company’s commitment is not found even by URL', async () => {
    const db = server.database.db;
    const project = await makeProject(db);
    const sub = await makeCompany(db);
    const other = await makeCompany(db);
    const contact = await makeUser(db, sub, { name: 'Dana Contact', password: 'correct horse battery' });
    await addToProject(db, project, contact, 'read_only');
    await addToProject(db, project, await makeUser(db, other), 'read_only');
    const own = await makeCommitment(db, project, { contractCompanyId: sub.id, invoiceContactIds: [contact.id], number: 'SC-100', title: 'Drywall' });
    const foreign = await makeCommitment(db, project, { contractCompanyId: other.id, number: 'SC-200', title: 'Elevators' });
    const { page } = browser;

    await page.goto(`${server.url}/projects/${project.id}/commitments/${own.id}`);
    await page.waitForURL(/\/sign-in\?next=/);
    assert.deepEqual(describeViolations(await seriousA11yViolations(page)), '');
    await screenshot(page, 'sign-in');
    await page.getByLabel('Email').fill(contact.email);
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor();
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/projects/${project.id}/commitments/${own.id}`);

    await page.goto(`${server.url}/projects/${project.id}/commitments/${foreign.id}`);
    await page.getByText('This page does not exist, or you do not have access to it.').waitFor();
    assert.equal(await page.getByText('Elevators').count(), 0);
  });
});
