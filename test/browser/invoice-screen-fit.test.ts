/**
 * The invoice on the screens people use (issue 10, items 10 and 11). On a phone (390×844) an
 * invoice contact bills an invoice end to end: each G703 line is a card with its inputs and
 * totals, the page never scrolls sideways, amounts are entered, saved and submitted. On a laptop
 * (1366×900) the action bar that sticks to the bottom of the window never covers the field that
 * has the focus: not while entering down a long (windowed) invoice, not while tabbing through a
 * line to reject it and type the reason — and on a phone, where the bar is taller, neither.
 * Invoices are set up through the services; the cycle itself is monthly-cycle.test.ts.
 * Screenshots go to test-artifacts/screenshots/phone-*.png and action-bar-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { addDays, todayIn } from '../../src/domain/calendar.ts';
import { createBillingPeriod } from '../../src/services/billing/billing-periods.ts';
import { createInvoice } from '../../src/services/billing/create-invoice.ts';
import { respondToInvite, sendInvites } from '../../src/services/billing/invites.ts';
import { replaceSovLines } from '../../src/services/commitments/schedule-of-values.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, unique, viewerOf } from '../support/factories.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, browserUnavailable, eventually, hasText, hasValue, openBrowser, screenshot, signIn, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';
import { everyTenant } from '../support/tenants.ts';

const skip = browserUnavailable();

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 900 };
const PASSWORD = 'correct horse battery';

const g703 = (page: Page) => page.locator('table[data-testid="g703"]');
/** A G703 line (a row, or a card on a phone) by its item number. */
const line = (page: Page, item: string) => g703(page).locator('tbody tr[data-line-id]').filter({ has: page.locator('th', { hasText: new RegExp(`^${item}$`) }) });
const actions = (page: Page) => page.getByRole('region', { name: 'Invoice actions' });

/** What the window shows now (the page as a person sees it on a phone), beside the full-page shots. */
async function windowShot(page: Page, name: string): Promise<void> {
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  mkdirSync(join(ARTIFACTS, 'screenshots'), { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'screenshots', `${name}.png`) });
}

/** The accessible label of the focused element (strings, so the Node type-check needs no DOM types). */
async function focusedLabel(page: Page): Promise<string | null> {
  return (await page.evaluate("document.activeElement?.getAttribute('aria-label') ?? null")) as string | null;
}

/** Why the page scrolls sideways (the widest elements past the right edge), or '' when it does not. */
async function sidewaysScroll(page: Page): Promise<string> {
  return (await page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width + 1) return '';
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && out.length < 5) out.push(el.tagName.toLowerCase() + '.' + String(el.className).split(' ').join('.') + ' (right edge ' + Math.round(r.right) + 'px)');
    }
    return 'the page is ' + document.documentElement.scrollWidth + 'px wide in a ' + width + 'px window: ' + out.join(', ');
  })()`)) as string;
}

/**
 * Where the focused element is, against what could hide it: the sticky action bar at the bottom
 * of the window, the window itself, and the grid's frame (with its sticky header and totals row).
 * '' when it is in full view; otherwise what hides it.
 */
async function hiddenFocus(page: Page): Promise<string> {
  // Let the scrolling the focus caused settle (smooth or not, it is done after two frames).
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  return (await page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'nothing has the focus';
    const name = el.getAttribute('aria-label') || el.textContent || el.tagName;
    const r = el.getBoundingClientRect();
    const problems = [];
    const bar = document.querySelector('.invoice-actions');
    if (bar && !bar.contains(el)) {
      const b = bar.getBoundingClientRect();
      if (r.bottom > b.top + 0.5 && r.top < b.bottom) problems.push('under the action bar (field ' + Math.round(r.top) + '–' + Math.round(r.bottom) + 'px, bar from ' + Math.round(b.top) + 'px)');
    }
    if (r.top < -0.5 || r.bottom > document.documentElement.clientHeight + 0.5) problems.push('outside the window (' + Math.round(r.top) + '–' + Math.round(r.bottom) + 'px)');
    const frame = el.closest('.grid-frame');
    if (frame && getComputedStyle(frame).overflowY !== 'visible') {
      const f = frame.getBoundingClientRect();
      // The header and totals rows stick to the frame's top and bottom (their cells are sticky).
      const sticky = (cell) => cell && cell.getClientRects().length > 0 && getComputedStyle(cell).position === 'sticky';
      const head = frame.querySelector('thead th');
      const foot = frame.querySelector('tfoot td');
      const top = Math.max(f.top, sticky(head) ? head.getBoundingClientRect().bottom : f.top);
      const bottom = Math.min(f.bottom, sticky(foot) ? foot.getBoundingClientRect().top : f.bottom);
      if (r.top < top - 0.5 || r.bottom > bottom + 0.5) problems.push('hidden in the grid (field ' + Math.round(r.top) + '–' + Math.round(r.bottom) + 'px, visible ' + Math.round(top) + '–' + Math.round(bottom) + 'px)');
    }
    return problems.length ? name + ': ' + problems.join('; ') : '';
  })()`)) as string;
}

async function assertInView(page: Page, what: string): Promise<void> {
  assert.equal(await hiddenFocus(page), '', `the focused field is in full view: ${what}`);
}

describe('the invoice fits the screen: a phone bills end to end; the action bar never hides the focus', { skip: skip ?? false }, () => {
  let server: BrowserServer;
  let browser: BrowserSession;
  before(async () => {
    [server, browser] = await Promise.all([startBrowserServer(), openBrowser({ viewport: LAPTOP })]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A project with an administrator, an approved commitment with this SOV, its contact invited and billing: the invoice's id. */
  async function invoiceToBill(sov: { description: string; cents: number }[]) {
    const db = server.database.db;
    const now = new Date();
    const project = await makeProject(db, { name: unique('Harbor Point') });
    const { gc } = await systemAdminOf(db);
    const admin = await makeUser(db, gc, { name: 'Ivy Admin', password: PASSWORD });
    await addToProject(db, project, admin, 'admin');
    const sub = await makeCompany(db, 'subcontractor', unique('Coastal Framing'));
    const contact = await makeUser(db, sub, { name: 'Rae Contact', password: PASSWORD });
    await addToProject(db, project, contact, 'read_only');
    const commitment = await makeCommitment(db, project, {
      contractCompanyId: sub.id,
      invoiceContactIds: [contact.id],
      status: 'approved',
      retainageWorkBp: 1000,
      retainageMaterialsBp: 1000,
      number: 'SC-210',
      title: 'Framing and drywall',
    });
    await replaceSovLines(
      db,
      viewerOf(admin),
      project.id,
      commitment.id,
      { version: commitment.version, lines: sov.map((l, i) => ({ itemNumber: String(i + 1), description: l.description, scheduledValueCents: l.cents })) },
      now,
    );
    const today = todayIn(project.timeZone, now);
    await createBillingPeriod(db, viewerOf(admin), project.id, { startsOn: addDays(today, -5), endsOn: addDays(today, 20), dueOn: addDays(today, 10) }, now);
    await sendInvites(db, viewerOf(admin), project.id, { commitmentIds: [commitment.id], invoiceType: 'work_and_materials' }, now);
    await respondToInvite(db, viewerOf(contact), project.id, commitment.id, 'accepted', now);
    const invoice = await createInvoice(db, viewerOf(contact), project.id, commitment.id, {}, now);
    return { url: `${server.url}/projects/${project.id}/invoices/${invoice.id}`, invoiceId: invoice.id, admin, contact };
  }

  test('on a phone (390×844) a contact enters this period, saves and submits; each line is a card and nothing scrolls sideways', async () => {
    const { url, invoiceId, contact } = await invoiceToBill([
      { description: 'Metal stud framing, levels 1–3', cents: 40_000_00 },
      { description: 'Drywall hang and finish', cents: 50_000_00 },
      { description: 'Cleanup', cents: 10_000_00 },
    ]);
    const context = await browser.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(url);
    await signIn(page, contact.email, PASSWORD);
    await page.waitForURL(url);
    await g703(page).waitFor();
    await page.getByText('All changes saved').waitFor();
    assert.equal(await sidewaysScroll(page), '', 'the invoice does not scroll sideways on a phone');

    // Each line is a card inside the screen: its item, description, inputs and totals, labelled.
    const first = line(page, '1');
    await first.getByText('Metal stud framing, levels 1–3').waitFor();
    const cells = (await first.locator('th, td').evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { label: e.getAttribute('data-label') ?? e.textContent, left: r.left, right: r.right, width: r.width }; }))) as { label: string; left: number; right: number; width: number }[];
    const outside = cells.filter((c) => c.width > 0 && (c.left < 0 || c.right > PHONE.width));
    assert.deepEqual(outside, [], 'every field of the card is on the screen');
    for (const label of ['E This period', 'or % complete to date', 'New materials stored', 'G Completed & stored to date', 'G ÷ C %', 'H Balance to finish', 'Retainage held']) {
      assert.equal(await first.locator(`td[data-label="${label}"]`).isVisible(), true, `the card shows ${label}`);
    }

    // Typing, as on the laptop: Enter moves to the same field of the next line.
    await first.getByLabel('E this period, line 1', { exact: true }).tap();
    await page.keyboard.type('10000');
    await page.keyboard.press('Enter');
    assert.equal(await focusedLabel(page), 'E this period, line 2');
    await assertInView(page, 'E this period, line 2 after Enter on a phone');
    await page.keyboard.type('20000');
    await page.keyboard.press('Enter');
    await line(page, '3').getByLabel('% complete to date, line 3', { exact: true }).tap();
    await page.keyboard.type('12.5');
    await first.getByLabel('New materials stored, line 1', { exact: true }).tap();
    await assertInView(page, 'New materials stored, line 1');
    await page.keyboard.type('2500');
    await page.keyboard.press('Enter');
    await hasValue(first.getByLabel('E this period, line 1', { exact: true }), '10,000.00', 'E this period, line 1');
    await hasValue(line(page, '3').getByLabel('E this period, line 3', { exact: true }), '1,250.00', 'E this period, line 3'); // 12.5 % of 10,000.00
    // The line's totals, on its card.
    await hasText(first.locator('td[data-label="F Materials presently stored"]'), '2,500.00', 'F on the card of line 1');
    await hasText(first.locator('td[data-label="G Completed & stored to date"]'), '12,500.00', 'G on the card of line 1');
    await hasText(first.locator('td[data-label="G ÷ C %"]'), '31.25%', 'G ÷ C on the card of line 1');
    await hasText(first.locator('td[data-label="H Balance to finish"]'), '27,500.00', 'H on the card of line 1');
    await hasText(first.locator('td[data-label="Retainage held"]'), '1,250.00', 'retainage on the card of line 1');
    // 33,750.00 completed and stored, less 10 % retainage.
    await hasText(page.getByTestId('payment-due-live'), '$30,375.00', 'the live payment due');
    await page.getByText('Unsaved changes on 3 lines').waitFor();
    assert.equal(await sidewaysScroll(page), '', 'typing does not make the page scroll sideways');
    await first.getByLabel('New materials stored, line 1', { exact: true }).focus();
    await windowShot(page, 'phone-01-invoice-entering');

    await actions(page).getByRole('button', { name: 'Save draft' }).tap();
    await page.getByText(/^Saved at /).waitFor();
    await actions(page).getByText('All changes saved').waitFor();
    await screenshot(page, 'phone-02-invoice-saved');

    await actions(page).getByRole('button', { name: 'Submit for review' }).tap();
    const dialog = page.getByRole('dialog', { name: 'Submit this invoice for review?' });
    await dialog.getByText('current payment due of $30,375.00').waitFor();
    // Stored materials billed without an attachment: the checklist says so, and the contact goes on knowingly.
    await hasText(dialog.locator('li[data-code="stored_materials_backup"] strong'), 'Backup for stored materials', 'the missing backup');
    assert.equal(await sidewaysScroll(page), '', 'the submit dialog fits the phone');
    await windowShot(page, 'phone-03a-submit-checklist');
    await dialog.getByRole('button', { name: 'Submit without it' }).tap();
    await page.getByText(/^Submitted for review\./).waitFor();
    await hasText(page.locator('.invoice-header h1 .badge'), 'Under Review', 'the invoice status');
    assert.equal(await g703(page).locator('input').count(), 0, 'a submitted invoice is read-only for the contact');
    await hasText(line(page, '1').locator('td[data-label="G Completed & stored to date"]'), '12,500.00', 'G on the read-only card');
    assert.equal(await sidewaysScroll(page), '', 'the submitted invoice does not scroll sideways');
    await screenshot(page, 'phone-03-invoice-submitted');

    const db = server.database.db;
    const invoice = await db.selectFrom('invoices').select(['status', 'submittedBy']).where('id', '=', invoiceId).modifyEnd(everyTenant).executeTakeFirstOrThrow();
    assert.deepEqual(invoice, { status: 'under_review', submittedBy: contact.id });
    const saved = await db
      .selectFrom('invoiceLines as l')
      .innerJoin('sovLines as s', 's.id', 'l.sovLineId')
      .select(['s.itemNumber', 'l.claimedWorkCents', 'l.claimedPercentBp', 'l.claimedMaterialsNewCents'])
      .where('l.invoiceId', '=', invoiceId)
      .orderBy('s.position')
      .modifyEnd(everyTenant)
      .execute();
    assert.deepEqual(
      saved.map((l) => [l.itemNumber, l.claimedWorkCents === null ? null : Number(l.claimedWorkCents), l.claimedPercentBp === null ? null : Number(l.claimedPercentBp), Number(l.claimedMaterialsNewCents)]),
      [
        ['1', 10_000_00, null, 2_500_00],
        ['2', 20_000_00, null, 0],
        ['3', null, 12_50, 0], // entered as 12.5 % complete to date
      ],
    );
    await context.close();
  });

  test('at 1366×900 the action bar never covers the focused field: Enter down a long invoice, Tab to a rejection reason; on a phone too', async () => {
    const count = 45; // over the 40 lines above which the grid draws only the lines near the view
    const { url, contact, admin } = await invoiceToBill(Array.from({ length: count }, (_, i) => ({ description: `Level ${Math.floor(i / 5) + 1}, area ${(i % 5) + 1}`, cents: 10_000_00 })));

    // ---- The contact enters every line with Enter, from the first to the last --------------------
    const contactContext = await browser.browser.newContext({ viewport: LAPTOP });
    let page = await contactContext.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(url);
    await signIn(page, contact.email, PASSWORD);
    await page.waitForURL(url);
    await g703(page).waitFor();
    assert.equal(await g703(page).getAttribute('data-line-count'), String(count));
    await g703(page).getByLabel('E this period, line 1', { exact: true }).click();
    for (let n = 1; n <= count; n += 1) {
      assert.equal(await focusedLabel(page), `E this period, line ${n}`);
      await assertInView(page, `E this period, line ${n}`);
      await page.keyboard.type('1000');
      await page.keyboard.press('Enter');
    }
    assert.equal(await focusedLabel(page), `E this period, line ${count}`, 'Enter on the last line stays there');
    // Across the last line with Tab, then back up with Shift+Enter.
    for (const label of [`% complete to date, line ${count}`, `New materials stored, line ${count}`, `Materials moved into work, line ${count}`]) {
      await page.keyboard.press('Tab');
      assert.equal(await focusedLabel(page), label);
      await assertInView(page, label);
    }
    await page.keyboard.press('Shift+Enter');
    assert.equal(await focusedLabel(page), `Materials moved into work, line ${count - 1}`);
    await assertInView(page, `Materials moved into work, line ${count - 1}`);
    await hasText(page.getByTestId('payment-due-live'), '$40,500.00', 'the live payment due'); // 45 × 1,000.00 less 10 %
    await windowShot(page, 'action-bar-01-contact-last-line');
    await page.keyboard.press('Control+s');
    await actions(page).getByText('All changes saved').waitFor();
    await actions(page).getByRole('button', { name: 'Submit for review' }).click();
    await page.getByRole('dialog', { name: 'Submit this invoice for review?' }).getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText(/^Submitted for review\./).waitFor();

    // ---- The administrator tabs through the last line to reject it, and types the reason ----------
    const adminContext = await browser.browser.newContext({ viewport: LAPTOP });
    page = await adminContext.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(url);
    await signIn(page, admin.email, PASSWORD);
    await page.waitForURL(url);
    await g703(page).waitFor();
    await page.getByRole('group', { name: 'Line review' }).waitFor();
    // "Go to line", as the banners' links do: the line is not drawn yet, the grid scrolls to it.
    // (A reviewer's grid starts without the materials columns when nothing is stored: E certified is the line's last input.)
    await g703(page).evaluate((table, row) => table.dispatchEvent(new CustomEvent('g703-focus', { detail: { row, column: 'work' } })), count - 1);
    await eventually('the last line to take the focus', async () => (await focusedLabel(page)) === `E this period certified, line ${count}`);
    await assertInView(page, `E this period certified, line ${count}`);
    let label = '';
    for (let step = 0; step < 10 && label !== `Reject line ${count}`; step += 1) {
      await page.keyboard.press('Tab');
      label = (await focusedLabel(page)) ?? '';
      await assertInView(page, label);
    }
    assert.equal(label, `Reject line ${count}`, 'Tab reaches the line’s Reject button');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), `Reason for rejecting line ${count}`);
    await assertInView(page, `Reason for rejecting line ${count}`);
    await page.keyboard.type('Area 5 of level 9 is not hung yet.');
    await assertInView(page, `Reason for rejecting line ${count}, typing`);
    await hasText(page.getByRole('group', { name: 'Line review' }).locator('.review-counts'), `0 approved · 1 rejected · ${count - 1} not decided · 1 decision not saved`, 'the review counts');
    await windowShot(page, 'action-bar-02-admin-rejection-reason');

    // ---- On a phone the bar is taller (its buttons wrap): the focus still stays clear of it -------
    await adminContext.close();
    const phoneContext = await browser.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    page = await phoneContext.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(url);
    await signIn(page, admin.email, PASSWORD);
    await page.waitForURL(url);
    await g703(page).waitFor();
    assert.equal(await sidewaysScroll(page), '', 'the long invoice does not scroll sideways on a phone');
    await g703(page).getByLabel('E this period certified, line 1', { exact: true }).tap();
    for (let n = 1; n <= 8; n += 1) {
      assert.equal(await focusedLabel(page), `E this period certified, line ${n}`);
      await assertInView(page, `E this period certified, line ${n} on a phone`);
      await page.keyboard.press('Enter');
    }
    await windowShot(page, 'phone-04-long-invoice-review');
    await phoneContext.close();
    await contactContext.close();
  });
});
