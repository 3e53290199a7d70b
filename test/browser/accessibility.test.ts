/**
 * Accessibility and tablet use of every main page, on the demo data set: each page is opened as
 * the person who uses it, left to finish loading, then scanned with axe-core at laptop size
 * (1366×900) and at tablet size (820×1180) — no serious or critical violations allowed — and
 * photographed into test-artifacts/screenshots. At tablet size the page must not scroll
 * sideways: wide content (the G703 grid, long tables) scrolls inside its own region instead.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.ts';
import { loadDemo } from '../../src/demo/load-demo.ts';
import { createInvoice } from '../../src/services/billing/create-invoice.ts';
import { respondToInvite } from '../../src/services/billing/invites.ts';
import { requestPasswordReset } from '../../src/services/auth/request-password-reset.ts';
import { setRetainageRules } from '../../src/services/commitments/retainage-rules.ts';
import { browserUnavailable, describeViolations, nothingLoading, openBrowser, screenshot, seriousA11yViolations, startBrowserServer, type BrowserServer, type BrowserSession } from './support/browser.ts';
import { everyTenant } from '../support/tenants.ts';

const skip = browserUnavailable();

const LAPTOP = { width: 1366, height: 900 };
const TABLET = { width: 820, height: 1180 };

const ACCOUNTS = {
  admin: 'dana.whitfield@northwind.example', // company admin
  accountant: 'priya.raman@northwind.example', // Admin on Commitments (project admin)
  contact: 'rosa.delgado@cascadedrywall.example', // invoice contact at a subcontractor
} as const;
type Role = keyof typeof ACCOUNTS;

/** Waits until a page has its heading and data, and nothing is loading any more. */
async function settled(page: Page, heading: string | RegExp, data?: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).first().waitFor();
  if (data !== undefined) await page.getByText(data).filter({ visible: true }).first().waitFor();
  await nothingLoading(page);
  // A string, so the Node type-check needs no DOM types.
  await page.evaluate('document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))');
}

/**
 * Elements sticking out past the right edge of the viewport, outside any region that scrolls by
 * itself (those are meant to be scrolled sideways): what makes the page scroll horizontally.
 */
const OVERFLOW_CULPRITS = `(() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { const s = getComputedStyle(el); return /(auto|scroll|hidden|clip)/.test(s.overflowX) && el !== document.documentElement && el !== document.body; };
  const inScroller = (el) => { for (let p = el.parentElement; p; p = p.parentElement) if (scrolls(p)) return true; return false; };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1 || inScroller(el)) continue;
    if (el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1 && !scrolls(el.parentElement)) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    out.push(name + ' (right edge ' + Math.round(r.right) + 'px)');
    if (out.length >= 5) break;
  }
  return { scrollWidth: document.documentElement.scrollWidth, clientWidth: width, culprits: out };
})()`;

/** The focused element, as a person hears it: "input: Email", "a: Skip to content". */
async function focused(page: Page): Promise<string> {
  return (await page.evaluate(`(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'body';
    const name = e.getAttribute('aria-label') || (e.labels && e.labels[0] ? e.labels[0].textContent : '') || e.textContent || '';
    return e.tagName.toLowerCase() + (e.id === 'main' ? '#main' : '') + ': ' + name.trim().slice(0, 40);
  })()`)) as string;
}

/** Presses Tab and says what has focus. */
async function tab(page: Page): Promise<string> {
  await page.keyboard.press('Tab');
  return focused(page);
}

/** What is wrong with the page at this size: axe's serious/critical findings, sideways scrolling on a tablet. */
async function problemsAt(page: Page, name: string, size: 'laptop' | 'tablet'): Promise<string> {
  await page.setViewportSize(size === 'laptop' ? LAPTOP : TABLET);
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  const problems: string[] = [];
  const violations = describeViolations(await seriousA11yViolations(page));
  if (violations) problems.push(violations);
  if (size === 'tablet') {
    const o = (await page.evaluate(OVERFLOW_CULPRITS)) as { scrollWidth: number; clientWidth: number; culprits: string[] };
    if (o.scrollWidth > o.clientWidth + 1) problems.push(`the page scrolls sideways: ${o.scrollWidth}px wide in a ${o.clientWidth}px viewport; ${o.culprits.join(', ') || 'no single element found'}`);
  }
  await screenshot(page, `a11y-${name}-${size}`);
  return problems.length === 0 ? '' : `${name} at ${size} size:\n${problems.join('\n')}`;
}

/** Scans the page as it is now at laptop size, then at tablet size; one readable report of everything found. */
async function assertAccessible(page: Page, name: string): Promise<void> {
  const report = [await problemsAt(page, name, 'laptop'), await problemsAt(page, name, 'tablet')].filter(Boolean).join('\n');
  await page.setViewportSize(LAPTOP);
  assert.equal(report, '');
}

describe('accessibility of every main page, on a laptop and a tablet', { skip: skip ?? false }, () => {
  let server: BrowserServer;
  let browser: BrowserSession;
  const pages = new Map<Role, Page>();
  const ids = { project: '', underReview: '', underReviewInvoice: '', rosaCommitment: '', rosaInvoice: '', resetUrl: '' };

  async function signedIn(role: Role): Promise<Page> {
    const open = pages.get(role);
    if (open) return open;
    const context: BrowserContext = await browser.browser.newContext({ viewport: LAPTOP });
    const page = await context.newPage();
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Email').fill(ACCOUNTS[role]);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname !== '/sign-in');
    pages.set(role, page);
    return page;
  }

  before(async () => {
    server = await startBrowserServer();
    const db = server.database.db;
    const now = new Date();
    [browser] = await Promise.all([openBrowser({ viewport: LAPTOP }), loadDemo(db, now)]);
    const project = await db.selectFrom('projects').select('id').where('name', '=', 'Riverside Medical Office Building').modifyEnd(everyTenant).executeTakeFirstOrThrow();
    ids.project = project.id;
    // The demo's invoice under review (SC-001's GF-2231), for the reviewer.
    const underReview = await db
      .selectFrom('invoices as i')
      .innerJoin('commitments as c', 'c.id', 'i.commitmentId')
      .select(['i.id', 'c.id as commitmentId'])
      .where('c.projectId', '=', project.id)
      .where('i.status', '=', 'under_review')
      .modifyEnd(everyTenant)
      .executeTakeFirstOrThrow();
    ids.underReview = underReview.commitmentId;
    ids.underReviewInvoice = underReview.id;

    // Rosa answers her invite with Yes and starts her invoice, so she has a grid to fill in.
    const rosa = await db.selectFrom('users').select(['id', 'companyId', 'isCompanyAdmin']).where('email', '=', ACCOUNTS.contact).executeTakeFirstOrThrow();
    const rosaViewer = { userId: rosa.id, companyId: rosa.companyId, isCompanyAdmin: rosa.isCompanyAdmin };
    const commitment = await db
      .selectFrom('commitments as c')
      .innerJoin('commitmentInvoiceContacts as k', 'k.commitmentId', 'c.id')
      .select('c.id')
      .where('c.projectId', '=', project.id)
      .where('k.userId', '=', rosa.id)
      .modifyEnd(everyTenant)
      .executeTakeFirstOrThrow();
    ids.rosaCommitment = commitment.id;
    await respondToInvite(db, rosaViewer, project.id, commitment.id, 'accepted', now);
    ids.rosaInvoice = (await createInvoice(db, rosaViewer, project.id, commitment.id, {}, now)).id;
    // Then SC-003's sliding-scale rules change: her invoice keeps its own, and an administrator is told.
    const priya = await db.selectFrom('users').select(['id', 'companyId', 'isCompanyAdmin']).where('email', '=', ACCOUNTS.accountant).executeTakeFirstOrThrow();
    const rules = await db.selectFrom('commitmentRetainageRules').select('version').where('commitmentId', '=', commitment.id).modifyEnd(everyTenant).executeTakeFirstOrThrow();
    await setRetainageRules(
      db,
      { userId: priya.id, companyId: priya.companyId, isCompanyAdmin: priya.isCompanyAdmin },
      project.id,
      commitment.id,
      { version: rules.version, scale: { rules: [{ kind: 'until_percent_of_original', rateBp: 1000, thresholdBp: 500 }], afterRateBp: 250 } },
      now,
    );

    const marcus = await db.selectFrom('users').select('id').where('email', '=', 'marcus.bell@northwind.example').executeTakeFirstOrThrow();
    const reset = await requestPasswordReset(db, { userId: marcus.id, actorUserId: null, baseUrl: server.url }, now);
    assert.ok(reset);
    ids.resetUrl = reset.url;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  describe('signed out', () => {
    test('sign in', async () => {
      const { page } = browser;
      await page.goto(`${server.url}/sign-in`);
      await settled(page, 'Sign in');
      await assertAccessible(page, 'sign-in');
      // Focus starts in the first field and Tab follows the form.
      assert.equal(await focused(page), 'input: Email');
      assert.deepEqual([await tab(page), await tab(page), await tab(page)], ['input: Password', 'button: Sign in', 'a: Forgot your password?']);
    });

    test('forgot password', async () => {
      const { page } = browser;
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await settled(page, 'Reset your password');
      await assertAccessible(page, 'forgot-password');
    });

    test('choosing a new password from a reset link', async () => {
      const { page } = browser;
      await page.goto(ids.resetUrl);
      await settled(page, 'Choose a new password', 'marcus.bell@northwind.example');
      await assertAccessible(page, 'reset-password');
    });
  });

  describe('company admin', () => {
    test('projects', async () => {
      const page = await signedIn('admin');
      await page.goto(`${server.url}/projects`);
      await settled(page, 'Projects', 'Riverside Medical Office Building');
      await assertAccessible(page, 'projects');
    });

    test('project directory', async () => {
      const page = await signedIn('admin');
      await page.goto(`${server.url}/projects/${ids.project}/directory`);
      await settled(page, 'Project directory', 'Cascade Drywall');
      await assertAccessible(page, 'directory');
    });

    test('project settings', async () => {
      const page = await signedIn('admin');
      await page.goto(`${server.url}/projects/${ids.project}/settings`);
      await settled(page, 'Settings');
      await assertAccessible(page, 'settings');
    });

    test('commitments', async () => {
      const page = await signedIn('admin');
      await page.goto(`${server.url}/projects/${ids.project}/commitments`);
      await settled(page, 'Commitments', 'SC-001');
      await assertAccessible(page, 'commitments');
    });

    test('a commitment', async () => {
      const page = await signedIn('admin');
      await page.goto(`${server.url}/projects/${ids.project}/commitments/${ids.underReview}`);
      await settled(page, /SC-001/);
      await assertAccessible(page, 'commitment');
    });
  });

  describe('project admin', () => {
    test('needs your attention (where she lands)', async () => {
      const page = await signedIn('accountant');
      await page.goto(`${server.url}/attention`);
      await settled(page, 'Needs your attention', /Invoices to review/);
      await assertAccessible(page, 'attention');
    });

    test('billing periods', async () => {
      const page = await signedIn('accountant');
      await page.goto(`${server.url}/projects/${ids.project}/billing-periods`);
      await settled(page, 'Billing periods');
      await assertAccessible(page, 'billing-periods');
    });

    test('billing board', async () => {
      const page = await signedIn('accountant');
      await page.goto(`${server.url}/projects/${ids.project}/invoicing`);
      await settled(page, 'Invoicing', 'SC-001');
      await assertAccessible(page, 'billing-board');
    });

    test('sending invites to bill (dialog)', async () => {
      const page = await signedIn('accountant');
      await page.getByLabel('Select SC-008').check();
      await page.getByRole('button', { name: 'Send invites…' }).click();
      await page.getByRole('dialog', { name: 'Send invites to bill' }).waitFor();
      await page.getByRole('dialog').getByLabel('Ask for attachments').check();
      await page.getByRole('dialog').getByLabel('What to attach (optional)').fill('Conditional lien waiver');
      await settled(page, 'Invoicing', 'Invoice type');
      await assertAccessible(page, 'send-invites-dialog');
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Discard changes' }).click();
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
    });

    test('reviewing an invoice', async () => {
      const page = await signedIn('accountant');
      await page.goto(`${server.url}/projects/${ids.project}/invoices/${ids.underReviewInvoice}`);
      await settled(page, /Invoice GF-2231/);
      // Mid-review: one line approved, one rejected with its reason being typed.
      await page.getByRole('button', { name: /^Approve / }).first().click();
      await page.getByRole('button', { name: /^Reject / }).nth(1).click();
      await page.getByRole('textbox', { name: /^Reason for rejecting / }).first().fill('Not on site yet.');
      // The demo's line over 100% is flagged, with the banner that names it.
      await page.getByRole('region', { name: 'Lines over 100%' }).waitFor();
      await assertAccessible(page, 'invoice-review');
    });

    test('choosing the review grid’s columns (open chooser)', async () => {
      const page = await signedIn('accountant');
      await page.locator('.grid-card details.column-chooser > summary').click();
      await page.getByRole('group', { name: 'Columns of the G703 grid' }).waitFor();
      await assertAccessible(page, 'invoice-review-columns');
      await page.keyboard.press('Escape');
    });

    test('an invoice whose commitment’s retainage rules changed (apply dialog)', async () => {
      const page = await signedIn('accountant');
      await page.goto(`${server.url}/projects/${ids.project}/invoices/${ids.rosaInvoice}`);
      await settled(page, /Invoice/);
      await page.getByRole('region', { name: 'Retainage rules changed' }).getByRole('button', { name: 'Apply the current rules…' }).click();
      await page.getByRole('dialog', { name: 'Apply the commitment’s current retainage rules?' }).waitFor();
      await assertAccessible(page, 'invoice-apply-rules');
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    });

    test('email', async () => {
      const page = await signedIn('accountant');
      await page.goto(`${server.url}/projects/${ids.project}/emails`);
      await settled(page, 'Email', /Invite to bill/i);
      await assertAccessible(page, 'emails');
    });

    test('the built-in mailbox (server-rendered)', async () => {
      const page = await signedIn('accountant');
      // The worker delivers the demo's emails every two seconds.
      for (let i = 0; i < 30; i += 1) {
        await page.goto(`${server.url}/dev/mailbox`);
        if ((await page.locator('tbody tr').count()) > 0) break;
        await page.waitForTimeout(500);
      }
      await settled(page, 'Mailbox', /invited you to bill/);
      await assertAccessible(page, 'mailbox');
    });
  });

  describe('invoice contact', () => {
    test('my work', async () => {
      const page = await signedIn('contact');
      await page.goto(`${server.url}/work`);
      await settled(page, 'My work', /need your action|Nothing needs you/);
      await assertAccessible(page, 'my-work');
    });

    test('commitments', async () => {
      const page = await signedIn('contact');
      await page.goto(`${server.url}/projects/${ids.project}/commitments`);
      await settled(page, 'Commitments');
      await assertAccessible(page, 'contact-commitments');
    });

    test('her commitment', async () => {
      const page = await signedIn('contact');
      await page.goto(`${server.url}/projects/${ids.project}/commitments/${ids.rosaCommitment}`);
      await settled(page, /SC-003/, /Schedule of values/i);
      await assertAccessible(page, 'contact-commitment');
    });

    test('keyboard: the skip link leads to the content, and so does following a link', async () => {
      const page = await signedIn('contact');
      await page.goto(`${server.url}/work`);
      await settled(page, 'My work', /need your action|Nothing needs you/);
      assert.equal(await tab(page), 'a: Skip to content');
      await page.keyboard.press('Enter');
      assert.match(await focused(page), /^main#main/);
      assert.match(await tab(page), /^a: SC-003/, 'the next Tab reaches the first link of the page, not the header');
      await page.keyboard.press('Enter');
      await settled(page, /SC-003/);
      assert.match(await focused(page), /^main#main/, 'after following a link, focus is at the new page, not left behind');
    });

    test('filling in her invoice', async () => {
      const page = await signedIn('contact');
      await page.goto(`${server.url}/projects/${ids.project}/invoices/${ids.rosaInvoice}`);
      await settled(page, /Invoice/);
      const percent = page.locator('input[data-column="percent"]').first();
      await percent.fill('20');
      await percent.press('Tab');
      await assertAccessible(page, 'invoice-editing');
    });

    test('submitting with stored materials and no attachment (checklist in the dialog)', async () => {
      const page = await signedIn('contact');
      const stored = page.locator('input[data-column="storedNew"]').first();
      await stored.fill('1500');
      await stored.press('Tab');
      await page.getByRole('region', { name: 'Invoice actions' }).getByRole('button', { name: 'Submit for review' }).click();
      await page.getByRole('dialog', { name: 'Submit this invoice for review?' }).getByTestId('submit-checklist').waitFor();
      await assertAccessible(page, 'invoice-submit-checklist');
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    });
  });
});
