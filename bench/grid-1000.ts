/**
 * How responsive the invoice grid (G703) is with 1,000 lines (run by hand:
 * `npx tsx bench/grid-1000.ts`). Builds the UI into a temporary folder (or uses the one in
 * PAYAPP_BENCH_WEB_ROOT), starts payapp on a fresh in-memory PGlite, sets up a project, an approved
 * commitment with 1,000 SOV lines, an open billing period and the invoice contact's draft invoice,
 * signs in as the contact in Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) driven by
 * playwright-core, and measures:
 *
 * - time to editable: from the start of the navigation to the invoice page (the page's own
 *   performance.now(), HTTP cache cleared) until the grid has data-line-count=1000 and its first
 *   cell input is enabled, polled once per animation frame; LOADS navigations (default 3);
 * - delay per keystroke: a digit typed into an "E this period" cell, from the keydown's event
 *   timestamp until the live "Current payment due" changed and the frame showing it was painted
 *   (a MutationObserver, then requestAnimationFrame, then a task); KEYS digits (default 50), three
 *   per cell, on lines at the top, a quarter, half and three quarters down and at the end of the
 *   grid, moving down with Enter or ArrowDown (timed too: keydown until the next cell has focus
 *   and a frame was painted), KEY_GAP_MS (default 80) between keys. Chromium's Event Timing
 *   (input to next paint, what INP uses) and long tasks are reported beside them;
 * - the JS heap used after load and after typing (CDP, after a forced GC), the DOM size and the
 *   compositor's layer count.
 *
 * LINES=n runs the same with n lines. TRACE=file.json also records a Chromium trace of the typing
 * (open it in DevTools > Performance) and prints the main thread's work per keystroke by kind;
 * VERBOSE=1 prints each keystroke; BENCH_CSS='...' adds a style sheet after load (to try a CSS
 * change without rebuilding). Prints the figures; asserts nothing, but fails loudly when it cannot
 * run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { loadConfig } from '../src/config.ts';
import { addDays, todayIn } from '../src/domain/calendar.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createApp } from '../src/http/app.ts';
import { createBillingPeriod } from '../src/services/billing/billing-periods.ts';
import { createInvoice } from '../src/services/billing/create-invoice.ts';
import { CHROMIUM, openBrowser } from '../test/browser/support/browser.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf, viewerOf } from '../test/support/factories.ts';

const LINES = Number(process.env.LINES ?? 1000);
const LOADS = Number(process.env.LOADS ?? 3);
const KEYS = Number(process.env.KEYS ?? 50);
/** The pause between the end of one keystroke (painted) and the next key: a fast typist's pace. */
const KEY_GAP_MS = Number(process.env.KEY_GAP_MS ?? 80);
const PASSWORD = 'bench password 1000';
/** TRACE=file.json: also write a Chromium trace of the typing (DevTools › Performance › Load profile). */
const TRACE = process.env.TRACE;
/** VERBOSE=1: print every keystroke's figure as it is measured. */
const VERBOSE = !!process.env.VERBOSE;
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'blink.user_timing', 'loading'];

const ms = (n: number | null | undefined) => (n === null || n === undefined ? 'n/a' : `${n.toFixed(1)} ms`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}
function stats(values: readonly number[]): string {
  const s = [...values].sort((a, b) => a - b);
  return `median ${ms(quantile(s, 0.5))}, p95 ${ms(quantile(s, 0.95))}, max ${ms(s[s.length - 1])} (n=${s.length})`;
}

// A hung browser or server must not hang the bench forever.
setTimeout(() => {
  console.error('bench/grid-1000.ts: no result after 10 minutes; giving up.');
  process.exit(1);
}, 600_000).unref();

if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`);

// ---- the built UI ---------------------------------------------------------------------------------
let webRoot = process.env.PAYAPP_BENCH_WEB_ROOT;
if (!webRoot) {
  const dir = mkdtempSync(join(tmpdir(), 'payapp-bench-web-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const started = performance.now();
  const root = fileURLToPath(new URL('..', import.meta.url));
  const build = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error(`vite build failed (exit ${build.status ?? build.signal})`);
  console.log(`built the UI in ${Math.round(performance.now() - started)} ms`);
  webRoot = dir;
}
if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`No built UI in ${webRoot} (index.html missing).`);

// ---- the server and the data ------------------------------------------------------------------------
const handle = await openDatabase({ dataDir: 'memory://' });
await migrateToLatest(handle.db);
const db = handle.db;
const server = await new Promise<ServerType>((resolve) => {
  const s: ServerType = serve({ fetch: (req) => app.fetch(req), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', BASE_URL: url });
const app = createApp({ db, clock: () => new Date(), config }, { webRoot });

const setupStarted = performance.now();
const { admin } = await systemAdminOf(db);
const project = await makeProject(db);
const sub = await makeCompany(db, 'subcontractor', 'Bench Drywall Inc.');
const contact = await makeUser(db, sub, { name: 'Bench Contact', password: PASSWORD });
await addToProject(db, project, contact, 'read_only');
// makeCommitment saves the SOV in one replace (multi-row inserts, then the invoice lines in one go).
const commitment = await makeCommitment(db, project, {
  contractCompanyId: sub.id,
  invoiceContactIds: [contact.id],
  status: 'approved',
  retainageWorkBp: 1000,
  retainageMaterialsBp: 500,
  sov: Array.from({ length: LINES }, (_, i) => 250_000_00 + ((i * 7919) % 500) * 1_000_00),
});
const today = todayIn(project.timeZone, new Date());
await createBillingPeriod(db, viewerOf(admin), project.id, { startsOn: addDays(today, -10), endsOn: addDays(today, 20), dueOn: addDays(today, 20) }, new Date());
const invoice = await createInvoice(db, viewerOf(contact), project.id, commitment.id, {}, new Date());
const lineCount = await db.selectFrom('invoiceLines').select((eb) => eb.fn.countAll<number>().as('n')).where('invoiceId', '=', invoice.id).executeTakeFirstOrThrow();
if (Number(lineCount.n) !== LINES) throw new Error(`expected ${LINES} invoice lines, the invoice has ${lineCount.n}`);
console.log(`set up a ${LINES}-line draft invoice in ${Math.round(performance.now() - setupStarted)} ms`);
const invoiceUrl = `${url}/projects/${project.id}/invoices/${invoice.id}`;

type TraceEvent = { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; id?: string | number; id2?: { local?: string }; args?: { name?: string } };

/**
 * Writes the trace and sums what the renderer's main thread did during the digits (between the
 * harness's `bench:total` measures: keydown → repainted), per digit, by kind of work.
 */
function summarizeTrace(buffer: Buffer, path: string, digits: number): string {
  writeFileSync(path, buffer);
  const events = (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const windows: [number, number][] = [];
  const open = new Map<string, number>();
  for (const e of events) {
    if (e.name !== 'bench:total') continue;
    const id = String(e.id2?.local ?? e.id);
    if (e.ph === 'b') open.set(id, e.ts);
    else if (e.ph === 'e' && open.has(id)) windows.push([open.get(id) ?? 0, e.ts]);
  }
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const byName = new Map<string, [number, number]>();
  const outerEnd = new Map<string, number>(); // an event inside another of its name is counted once
  const complete = events.filter((e) => e.ph === 'X' && e.dur !== undefined && mains.has(`${e.pid}:${e.tid}`)).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  for (const e of complete) {
    const start = e.ts;
    const end = e.ts + (e.dur ?? 0);
    const key = `${e.pid}:${e.tid}:${e.name}`;
    if (start < (outerEnd.get(key) ?? -1)) continue;
    outerEnd.set(key, end);
    const inside = windows.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, end) - Math.max(a, start)), 0);
    // Thread time (tdur) rather than wall time: a busy machine does not inflate it.
    if (inside > 0) {
      const [wall, cpu] = byName.get(e.name) ?? [0, 0];
      byName.set(e.name, [wall + inside / 1000, cpu + ((e.tdur ?? e.dur ?? 0) * inside) / (e.dur || 1) / 1000]);
    }
  }
  const top = [...byName.entries()].filter(([name]) => !name.startsWith('V8.') && name !== 'RunTask' && name !== 'ThreadControllerImpl::RunTask').sort((a, b) => b[1][1] - a[1][1]).slice(0, 14);
  const per = Math.max(1, Math.min(digits, windows.length));
  return (
    `  trace written to ${path}; main thread during the ${windows.length} digit keystrokes, mean per keystroke, thread time (wall)\n` +
    `  (kinds nest: a FunctionCall is inside its EventDispatch):\n` +
    `    ${'all tasks'.padEnd(22)} ${ms((byName.get('RunTask')?.[1] ?? 0) / per).padStart(9)}  (${ms((byName.get('RunTask')?.[0] ?? 0) / per)})\n` +
    top.map(([name, [wall, cpu]]) => `    ${name.padEnd(22)} ${ms(cpu / per).padStart(9)}  (${ms(wall / per)})`).join('\n')
  );
}

// ---- in the page ---------------------------------------------------------------------------------
// Plain JavaScript strings: the Node type-check has no DOM types, and functions compiled by tsx
// may carry helpers that do not exist in the page.

/** Resolves (with the page's performance.now()) once the grid is editable; polled per frame. */
/**
 * The grid is editable: the instant (performance.now) once it is. Functions, not strings, for
 * waitForFunction: Playwright polls a string with eval, which payapp's Content-Security-Policy refuses.
 */
const gridEditable = (lines: number) => {
  const t = (globalThis as any).document.querySelector('table[data-testid="g703"]');
  if (!t || t.getAttribute('data-line-count') !== String(lines)) return false;
  const input = t.querySelector('tbody input[data-column="work"]');
  return input && !input.disabled ? (globalThis as any).performance.now() : false;
};

/** Timing harness: arm('total' | 'focus'), then press a key, then wait(). */
const HARNESS = `(() => {
  if (window.__bench) return;
  const longTasks = [];
  const events = [];
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true }); } catch {}
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) events.push({ name: e.name, start: e.startTime, duration: e.duration, processing: e.processingEnd - e.processingStart, interactionId: e.interactionId }); }).observe({ type: 'event', durationThreshold: 16, buffered: true }); } catch {}
  const total = () => document.querySelector('[data-testid="payment-due-live"]')?.textContent ?? null;
  const afterPaint = (cb) => requestAnimationFrame(() => { const ch = new MessageChannel(); ch.port1.onmessage = () => cb(performance.now()); ch.port2.postMessage(0); });
  let current = null;
  document.addEventListener('keydown', (e) => { if (current && current.t0 === null) current.t0 = e.timeStamp; }, true);
  const settle = (c, result) => { if (c.done) return; c.done = true; c.cleanup(); c.resolve(result); };
  const check = (c) => {
    if (c.done || c.changed) return;
    const changed = c.kind === 'total' ? total() !== c.before : document.activeElement !== c.before && document.activeElement instanceof HTMLInputElement;
    if (!changed) return;
    c.changed = true;
    const seenAt = performance.now();
    afterPaint((t1) => {
      // A user-timing measure marks the keystroke in a TRACE.
      if (c.t0 !== null) performance.measure('bench:' + c.kind, { start: c.t0, end: t1 });
      settle(c, { ms: c.t0 === null ? null : t1 - c.t0, toChange: c.t0 === null ? null : seenAt - c.t0, total: total(), label: document.activeElement?.getAttribute('aria-label') ?? null });
    });
  };
  window.__bench = {
    longTasks, events,
    arm(kind) {
      const c = { kind, t0: null, done: false, changed: false, before: kind === 'total' ? total() : document.activeElement };
      c.promise = new Promise((resolve) => { c.resolve = resolve; });
      const timer = setTimeout(() => settle(c, { ms: null, timedOut: true, total: total(), label: document.activeElement?.getAttribute('aria-label') ?? null }), 5000);
      let observer = null;
      const onFocus = () => check(c);
      if (kind === 'total') {
        observer = new MutationObserver(() => check(c));
        const el = document.querySelector('[data-testid="payment-due-live"]');
        if (!el) throw new Error('no [data-testid=payment-due-live] on the page');
        observer.observe(el.parentElement ?? el, { subtree: true, childList: true, characterData: true });
      } else {
        document.addEventListener('focusin', onFocus, true);
      }
      c.cleanup = () => { clearTimeout(timer); observer?.disconnect(); document.removeEventListener('focusin', onFocus, true); };
      current = c;
      return true;
    },
    wait() { return current.promise; },
  };
})()`;

type KeyResult = { ms: number | null; toChange?: number | null; timedOut?: boolean; total: string | null; label: string | null };

async function timedPress(page: Page, kind: 'total' | 'focus', key: string): Promise<KeyResult> {
  await page.evaluate(`window.__bench.arm(${JSON.stringify(kind)})`);
  const done = page.evaluate('window.__bench.wait()') as Promise<KeyResult>;
  await page.keyboard.press(key);
  const result = await done;
  if (result.ms === null) throw new Error(`${key}: nothing changed within 5 s (${kind}; focus: ${result.label}; total ${result.total})`);
  return result;
}

async function focusRow(page: Page, row: number): Promise<void> {
  await page.evaluate(
    `document.querySelector('table[data-testid="g703"]').dispatchEvent(new CustomEvent('g703-focus', { detail: { row: ${row}, column: 'work' } }))`,
  );
  const focusedOn = (r: number) => {
    const active = (globalThis as any).document.activeElement;
    return active?.getAttribute('data-row') === String(r) && active?.getAttribute('data-column') === 'work';
  };
  await page.waitForFunction(focusedOn, row, { polling: 'raf', timeout: 5000 });
}

// ---- the browser ---------------------------------------------------------------------------------
const session = await openBrowser();
try {
  const { page, context } = session;
  const cdp = await context.newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };

  // Signing in: the invoice link leads through the sign-in page and back.
  await page.goto(invoiceUrl);
  await page.waitForURL(/\/sign-in\?next=/);
  await page.getByLabel('Email').fill(contact.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(invoiceUrl);
  await page.waitForFunction(gridEditable, LINES, { polling: 'raf', timeout: 60_000 });

  // (a) time to editable: LOADS fresh navigations, HTTP cache cleared (signed in, as after a link).
  const editable: number[] = [];
  const apiTimes: { start: number; end: number; wait: number }[] = [];
  const wall: number[] = [];
  for (let n = 0; n < LOADS; n += 1) {
    await cdp.send('Network.clearBrowserCache');
    const started = performance.now();
    await page.goto(invoiceUrl, { waitUntil: 'commit' });
    const at = (await (await page.waitForFunction(gridEditable, LINES, { polling: 'raf', timeout: 60_000 })).jsonValue()) as number;
    wall.push(performance.now() - started);
    editable.push(at);
    const api = (await page.evaluate(
      `performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/invoices/${invoice.id}')).map((e) => ({ start: e.startTime, end: e.responseEnd, wait: e.responseStart - e.requestStart }))[0] ?? null`,
    )) as { start: number; end: number; wait: number } | null;
    if (api) apiTimes.push(api);
  }
  if (process.env.BENCH_CSS) await page.addStyleTag({ content: process.env.BENCH_CSS });
  await page.waitForTimeout(500); // let the grid measure its rows
  const dom = (await page.evaluate(
    `({ nodes: document.getElementsByTagName('*').length, rows: document.querySelectorAll('table[data-testid="g703"] tbody tr[data-row-index]').length, inputs: document.querySelectorAll('table[data-testid="g703"] tbody input').length })`,
  )) as { nodes: number; rows: number; inputs: number };
  const heapAfterLoad = await heap();
  // The compositor's layers: LayerTree reports them when the tree changes, so nudge the page.
  const layers = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 3000);
    cdp.on('LayerTree.layerTreeDidChange', (e) => {
      if (!e.layers) return;
      clearTimeout(timer);
      resolve(e.layers.length);
    });
    void cdp.send('LayerTree.enable').then(() => page.evaluate(`document.body.style.setProperty('--bench-nudge', String(Math.random()))`));
  });
  await cdp.send('LayerTree.disable');

  // (b) typing: segments at the top, ¼, ½ and ¾ down and at the end; in each, three digits into E
  // of a line, then Enter or ArrowDown to the next line.
  await page.evaluate(HARNESS);
  if (TRACE) await session.browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const digitTimes: number[] = [];
  const toChangeTimes: number[] = [];
  const moveTimes: { key: string; ms: number }[] = [];
  const starts = [...new Set([0, 0.25, 0.5, 0.75].map((f) => Math.floor(f * LINES)).concat(Math.max(0, LINES - 12)))].sort((a, b) => a - b);
  const perSegment = Math.ceil(KEYS / starts.length);
  let typed = 0;
  let totalShown = '';
  for (const [s, start] of starts.entries()) {
    if (typed >= KEYS) break;
    await focusRow(page, start);
    await page.waitForTimeout(250); // as a person would: the grid measures the rows it just rendered
    let inCell = 0;
    for (let k = 0; k < perSegment && typed < KEYS; k += 1) {
      const digit = String(((typed * 7) % 9) + 1); // 1–9: every digit changes the amount
      await page.waitForTimeout(KEY_GAP_MS);
      const r = await timedPress(page, 'total', digit);
      digitTimes.push(r.ms ?? NaN);
      if (VERBOSE) console.log(`  ${digit} in ${r.label}: ${ms(r.ms)} (DOM changed at ${ms(r.toChange)})`);
      if (r.toChange !== null && r.toChange !== undefined) toChangeTimes.push(r.toChange);
      totalShown = r.total ?? '';
      typed += 1;
      inCell += 1;
      if (inCell === 3 && typed < KEYS) {
        // Three digits a cell, then down a line: Enter (commits) in even segments, ArrowDown in odd ones.
        const key = s % 2 === 0 ? 'Enter' : 'ArrowDown';
        await page.waitForTimeout(KEY_GAP_MS);
        const m = await timedPress(page, 'focus', key);
        moveTimes.push({ key, ms: m.ms ?? NaN });
        if (VERBOSE) console.log(`  ${key} to ${m.label}: ${ms(m.ms)}`);
        inCell = 0;
      }
    }
  }
  const browserStats = (await page.evaluate(
    `({ longTasks: window.__bench.longTasks, events: window.__bench.events.filter((e) => ['keydown', 'keypress', 'keyup', 'input', 'beforeinput'].includes(e.name)) })`,
  )) as { longTasks: { start: number; duration: number }[]; events: { name: string; duration: number; processing: number; interactionId: number }[] };
  const heapAfterTyping = await heap();
  const traceSummary = TRACE ? summarizeTrace(await session.browser.stopTracing(), TRACE, digitTimes.length) : null;

  // Chromium's Event Timing groups the events of one key press into an interaction: its latency is
  // the longest of them (input → next paint, in 8 ms steps); only those of 16 ms or more are reported.
  const interactions = new Map<number, number>();
  for (const e of browserStats.events) if (e.interactionId) interactions.set(e.interactionId, Math.max(interactions.get(e.interactionId) ?? 0, e.duration));
  const slowest = [...interactions.values()].sort((a, b) => b - a);
  const longest = browserStats.longTasks.map((t) => t.duration).sort((a, b) => b - a);

  console.log('');
  console.log(`invoice grid, ${LINES} lines, Chromium ${session.browser.version()} headless, viewport 1366×900`);
  console.log(`  time to editable (navigation start → ${LINES}-line grid with an enabled first cell), ${LOADS} loads:`);
  console.log(`    ${stats(editable)}`);
  console.log(`    wall clock from page.goto: ${stats(wall)}`);
  if (apiTimes.length > 0) {
    console.log(`    GET the invoice: requested at ${stats(apiTimes.map((a) => a.start))}`);
    console.log(`                     answered at  ${stats(apiTimes.map((a) => a.end))}; server time ${stats(apiTimes.map((a) => a.wait))}`);
  }
  console.log(`    rendered: ${dom.rows} of ${LINES} rows, ${dom.inputs} cell inputs, ${dom.nodes} DOM elements, ${layers ?? 'n/a'} composited layers`);
  console.log(`  delay per keystroke (keydown → live payment due repainted), ${digitTimes.length} digits on lines from 1 to ${LINES}:`);
  console.log(`    ${stats(digitTimes)}`);
  console.log(`    keydown → payment due changed in the DOM (before paint): ${stats(toChangeTimes)}`);
  for (const key of ['Enter', 'ArrowDown']) {
    const t = moveTimes.filter((m) => m.key === key).map((m) => m.ms);
    if (t.length > 0) console.log(`  ${key} to the next line (keydown → next cell focused and painted): ${stats(t)}`);
  }
  console.log(
    `  Chromium Event Timing while typing: ${slowest.length} of ${digitTimes.length + moveTimes.length} key presses took ≥16 ms to the next paint` +
      (slowest.length > 0 ? `, slowest ${ms(slowest[0])}` : ''),
  );
  console.log(`  long tasks (>50 ms) since typing began: ${longest.length}${longest.length > 0 ? `, longest ${ms(longest[0])}` : ''}`);
  console.log(`  JS heap used (after GC): ${mb(heapAfterLoad)} after load, ${mb(heapAfterTyping)} after typing`);
  console.log(`  live payment due at the end: ${totalShown}`);
  if (traceSummary) console.log(traceSummary);
} finally {
  await session.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await handle.close();
}
