/**
 * The billing board on a 1366×900 laptop, on the demo: the default columns fit without sideways
 * scrolling; the invite is not a column beside the billing status; a column hidden with the
 * column chooser stays hidden after a reload and in a fresh browser (the choice is kept on the
 * server); focus rings are not the error colour. And on the billing periods page, a period with
 * invoices offers no Delete button but says why.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.ts';
import { loadDemo } from '../../src/demo/load-demo.ts';
import { browserUnavailable, eventually, hasText, nothingLoading, openBrowser, screenshot, signIn, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';
import { everyTenant } from '../support/tenants.ts';

const skip = browserUnavailable();
const LAPTOP = { width: 1366, height: 900 };
const PRIYA = 'priya.raman@northwind.example';

const DEFAULT_HEADERS = ['Commitment', 'Contract company', 'Billing status', 'Latest invoice', 'Current payment due', 'Contract sum to date', 'Billed to date', 'Paid to date', 'Remaining balance'];

/** The board's column headers as read (the selection checkbox's header has no text). */
async function headers(page: Page): Promise<string[]> {
  const texts = await page.getByRole('region', { name: 'Billing board' }).locator('thead th').allTextContents();
  return texts.map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

async function boardLoaded(page: Page): Promise<void> {
  await page.getByRole('region', { name: 'Billing board' }).getByRole('row').filter({ hasText: 'SC-001' }).waitFor();
  await nothingLoading(page);
}

describe('the billing board on a laptop', { skip: skip ?? false }, () => {
  let server: BrowserServer;
  let browser: BrowserSession;
  let board = '';
  let periods = '';
  let priyaId = '';

  before(async () => {
    server = await startBrowserServer();
    const db = server.database.db;
    [browser] = await Promise.all([openBrowser({ viewport: LAPTOP }), loadDemo(db, new Date())]);
    const project = await db.selectFrom('projects').select('id').where('name', '=', 'Riverside Medical Office Building').modifyEnd(everyTenant).executeTakeFirstOrThrow();
    board = `${server.url}/projects/${project.id}/invoicing`;
    periods = `${server.url}/projects/${project.id}/billing-periods`;
    priyaId = (await db.selectFrom('users').select('id').where('email', '=', PRIYA).executeTakeFirstOrThrow()).id;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the default columns fit 1366 px: no sideways scrolling, and no invite column beside the status', async () => {
    const { page } = browser;
    await page.goto(board);
    await signIn(page, PRIYA, DEMO_PASSWORD);
    await page.goto(board);
    await boardLoaded(page);
    assert.deepEqual(await headers(page), DEFAULT_HEADERS);
    await screenshot(page, 'board-1366-default');
    const widths = (await page.evaluate(`(() => {
      const region = document.querySelector('[role=region][aria-label="Billing board"]');
      return { page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth, board: region.scrollWidth, boardBox: region.clientWidth };
    })()`)) as { page: number; viewport: number; board: number; boardBox: number };
    assert.ok(widths.page <= widths.viewport, `the page scrolls sideways: ${widths.page}px in ${widths.viewport}px`);
    assert.ok(widths.board <= widths.boardBox, `the board scrolls sideways: ${widths.board}px in ${widths.boardBox}px`);
    // The invite's answer is the status badge; its type and date are a note under it.
    const invited = page.getByRole('region', { name: 'Billing board' }).getByRole('row').filter({ hasText: 'SC-005' });
    await hasText(invited.locator('.badge'), 'Invited', 'SC-005’s billing status');
    await hasText(invited.locator('.inv-status-note'), /^Work and Materials · invited \w{3} \d{1,2}$/, 'the invite note');
  });

  test('focus rings are not the error colour', async () => {
    const { page } = browser;
    await page.getByLabel('Search').focus();
    await page.keyboard.press('Shift+Tab');
    const ring = (await page.evaluate(`(() => {
      const style = getComputedStyle(document.activeElement);
      const root = getComputedStyle(document.documentElement);
      const probe = document.createElement('span');
      document.body.append(probe);
      const rgb = (v) => { probe.style.color = v; return getComputedStyle(probe).color; };
      const out = { tag: document.activeElement.tagName, color: style.outlineColor, style: style.outlineStyle, width: style.outlineWidth,
        danger: rgb(root.getPropertyValue('--danger')), warning: rgb(root.getPropertyValue('--warning')) };
      probe.remove();
      return out;
    })()`)) as { tag: string; color: string; style: string; width: string; danger: string; warning: string };
    assert.equal(ring.style, 'solid', `${ring.tag} shows a focus ring`);
    assert.equal(ring.width, '3px');
    assert.notEqual(ring.color, ring.danger, 'the focus ring is not the error colour');
    assert.notEqual(ring.color, ring.warning, 'the focus ring is not the warning colour');
    assert.equal(ring.color, 'rgb(109, 40, 217)');
  });

  test('a hidden column stays hidden after a reload and in a fresh browser, until the defaults are asked for', async () => {
    const { page } = browser;
    const chooser = page.locator('details.column-chooser');
    await chooser.locator('summary').click();
    await hasText(chooser.locator('summary'), 'Columns 8 of 9', 'the chooser’s count');
    await chooser.getByRole('checkbox', { name: 'Paid to date' }).uncheck();
    assert.deepEqual(await headers(page), DEFAULT_HEADERS.filter((h) => h !== 'Paid to date'));
    // The totals row still lines up: its amounts sit under the amount columns left.
    assert.equal(await page.locator('tfoot td.num').count(), 4);
    await page.keyboard.press('Escape');
    await eventually('the choice saved on the server', async () => {
      const row = await server.database.db.selectFrom('userPreferences').select('value').where('userId', '=', priyaId).where('key', '=', 'billing-board.columns').executeTakeFirst();
      return row && isDeepStrictEqual(row.value, { hidden: ['paid'], shown: [] });
    });

    await page.reload();
    await boardLoaded(page);
    assert.deepEqual(await headers(page), DEFAULT_HEADERS.filter((h) => h !== 'Paid to date'), 'after a reload');

    // Another browser: nothing shared with the first but the account.
    const context = await browser.browser.newContext({ viewport: LAPTOP });
    try {
      const other = await context.newPage();
      await other.goto(board);
      await signIn(other, PRIYA, DEMO_PASSWORD);
      await other.goto(board);
      await boardLoaded(other);
      assert.deepEqual(await headers(other), DEFAULT_HEADERS.filter((h) => h !== 'Paid to date'), 'in a fresh browser');
      // Showing a column that starts hidden, from there, and back to the defaults.
      const otherChooser = other.locator('details.column-chooser');
      await otherChooser.locator('summary').click();
      await otherChooser.getByRole('checkbox', { name: 'Due date' }).check();
      assert.deepEqual(await headers(other), [...DEFAULT_HEADERS.filter((h) => h !== 'Paid to date'), 'Due date']);
      await otherChooser.getByRole('button', { name: 'Show the default columns' }).click();
      assert.deepEqual(await headers(other), DEFAULT_HEADERS);
      await eventually('the defaults saved', async () => {
        const row = await server.database.db.selectFrom('userPreferences').select('value').where('userId', '=', priyaId).executeTakeFirst();
        return row && isDeepStrictEqual(row.value, { hidden: [], shown: [] });
      });
    } finally {
      await context.close();
    }
    await page.reload();
    await boardLoaded(page);
    assert.deepEqual(await headers(page), DEFAULT_HEADERS, 'the first browser follows after a reload');
  });

  test('a billing period with invoices offers no Delete button, and says why', async () => {
    const { page } = browser;
    await page.goto(periods);
    const table = page.getByRole('region', { name: 'Billing periods' });
    await table.getByRole('row').nth(2).waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 2, 'this month (open) and last month (closed)');
    const open = rows.filter({ has: page.locator('.badge', { hasText: /^Open$/ }) });
    const closed = rows.filter({ has: page.locator('.badge', { hasText: /^Closed$/ }) });
    await hasText(closed.locator('.inv-kept-note'), 'Cannot be deleted: it has 2 invoices.', 'why the closed period stays');
    await hasText(open.locator('.inv-kept-note'), 'Cannot be deleted: it has 2 invoices. Close it instead.', 'why the open period stays');
    assert.equal(await table.getByRole('button', { name: /^Delete / }).count(), 0, 'no Delete button on either');
    await screenshot(page, 'billing-periods-kept');
  });
});
