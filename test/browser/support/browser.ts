/**
 * Browser tests: Debian's Chromium driven by playwright-core against a real payapp server (the
 * built UI, a fresh database, the worker delivering email to the built-in mailbox).
 * Without Chromium they say so and are skipped — except in CI, where they must run.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { loadConfig } from '../../../src/config.ts';
import { createApp } from '../../../src/http/app.ts';
import { DEFAULT_WEB_ROOT } from '../../../src/http/web-ui.ts';
import { startWorker, type RunningWorker } from '../../../src/worker/scheduler.ts';
import { openTestDatabase, type TestDatabase } from '../../support/test-db.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

/** Why browser tests cannot run here, or null when they can. In CI a missing browser is a failure. */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium); browser tests skipped.`;
  if (process.env.CI) throw new Error(`${reason} In CI they must run.`);
  console.log(`# ${reason}`);
  return reason;
}

export type BrowserServer = { url: string; database: TestDatabase; stop: () => Promise<void> };

export async function startBrowserServer(): Promise<BrowserServer> {
  const webRoot = process.env.PAYAPP_TEST_WEB_ROOT ?? DEFAULT_WEB_ROOT;
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`No built UI in ${webRoot}: run npm run build:web (npm test builds it for browser tests).`);
  const database = await openTestDatabase();
  let worker: RunningWorker | undefined = undefined;
  const server = await new Promise<ServerType>((resolve) => {
    const s: ServerType = serve({ fetch: (req) => app.fetch(req), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', BASE_URL: url });
  const app = createApp({ db: database.db, clock: () => new Date(), config }, { webRoot });
  worker = startWorker(database.db, config, { log: () => {} });
  return {
    url,
    database,
    stop: async () => {
      await worker?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

export type BrowserSession = {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** What the Content-Security-Policy refused so far, in any page of the session. */
  cspViolations: string[];
  /** Closes the browser; fails when the CSP refused anything meanwhile (the UI must work under it). */
  close: () => Promise<void>;
};

/** Chromium reports every refusal on the console ("Refused to … because it violates the following Content Security Policy directive …"). */
const CSP_REFUSAL = /Content Security Policy/i;

export async function openBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1366, height: 900 } });
  const cspViolations: string[] = [];
  context.on('console', (message) => {
    if (CSP_REFUSAL.test(message.text())) cspViolations.push(`${message.page()?.url() ?? '?'}: ${message.text()}`);
  });
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    cspViolations,
    close: async () => {
      await browser.close();
      if (cspViolations.length > 0) throw new Error(`The Content-Security-Policy refused ${cspViolations.length} thing(s):\n${cspViolations.join('\n')}`);
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(ARTIFACTS, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[]; html: string }[] };

/** axe-core's scan of the page as it is: the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern; a <script> tag
  // (addScriptTag) would be an inline script, which the CSP refuses.
  await page.evaluate(AXE_SOURCE);
  // A string, so the Node type-check needs no DOM types.
  const violations = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)")) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
}

export function scratchDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Waits until nothing on the page is loading. A function, not a string: Playwright polls a string
 * predicate with eval inside the page, which payapp's Content-Security-Policy refuses.
 */
export async function nothingLoading(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('.loading, .spinner, [aria-busy="true"]').length === 0);
}

/** Asks until the answer is truthy (for what arrives on its own: a render, email from the worker). */
export async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const squash = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

/** The locator's text once it reads `expected` (React renders after the event that caused it). */
export async function hasText(locator: Locator, expected: string | RegExp, what: string): Promise<void> {
  let last = '';
  try {
    await eventually(
      `${what} to read ${String(expected)}`,
      async () => {
        last = squash(await locator.textContent({ timeout: 5_000 }).catch(() => null));
        return typeof expected === 'string' ? last === expected : expected.test(last);
      },
      10_000,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} It reads: "${last}"`);
  }
}

/** An input's value once it is `expected` (a cell is tidied when it is left). */
export async function hasValue(locator: Locator, expected: string, what: string): Promise<void> {
  await eventually(`${what} to hold ${expected}`, async () => (await locator.inputValue({ timeout: 5_000 }).catch(() => null)) === expected, 10_000);
}

/** Signs in on the sign-in page the app redirected to, and waits to leave it. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}
