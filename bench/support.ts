/**
 * What the benchmarks share: a database of their own (a fresh PostgreSQL database on the server
 * DATABASE_URL names, or a fresh PGlite data directory), the real `payapp serve` as a child process
 * whose CPU, memory and SQL statements can be read (bench/server-probe.mjs and /proc), HTTP calls,
 * and figures printed beside their targets. Benchmarks assert nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const envNumber = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

// ---- the database ---------------------------------------------------------------------------------

export type BenchDatabase = {
  kind: 'postgres' | 'pglite';
  /** PostgreSQL: the connection string of the bench's own database. PGlite: undefined. */
  url: string | undefined;
  /** PostgreSQL: the database name. PGlite: the data directory (DATA_DIR). */
  name: string;
  /** Environment for `payapp serve` to use this database. */
  env: Record<string, string>;
  /** A handle for seeding and reading (on PGlite, only while no server holds the data directory). */
  open: () => Promise<DatabaseHandle>;
  /** Closes the bench's own handle (PGlite: a server may then open the data directory). */
  release: () => Promise<void>;
  dispose: () => Promise<void>;
};

/**
 * A fresh, migrated database. With DATABASE_URL: a new database `payapp_bench_<label>_<random>` on
 * that server (dropped at the end unless BENCH_KEEP_DB=1). Otherwise a PGlite data directory in
 * the temporary folder.
 */
export async function benchDatabase(label: string): Promise<BenchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `payapp_bench_${label}_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    const url = u.toString();
    let handle: DatabaseHandle | undefined;
    const open = async () => {
      if (!handle) {
        handle = await openDatabase({ url });
        await migrateToLatest(handle.db);
      }
      return handle;
    };
    const release = async () => {
      await handle?.close();
      handle = undefined;
    };
    return {
      kind: 'postgres',
      url,
      name,
      env: { DATABASE_URL: url },
      open,
      release,
      dispose: async () => {
        await release();
        if (process.env.BENCH_KEEP_DB === '1') {
          console.log(`  (kept the database ${name})`);
          return;
        }
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), `payapp-bench-${label}-`));
  let handle: DatabaseHandle | undefined;
  const open = async () => {
    if (!handle) {
      handle = await openDatabase({ dataDir: join(dataDir, 'pg') });
      await migrateToLatest(handle.db);
    }
    return handle;
  };
  const release = async () => {
    await handle?.close();
    handle = undefined;
  };
  return {
    kind: 'pglite',
    url: undefined,
    name: dataDir,
    env: { DATA_DIR: dataDir },
    open,
    release,
    dispose: async () => {
      await release();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const databaseLabel = (db: BenchDatabase) =>
  db.kind === 'postgres' ? `PostgreSQL (${new URL(db.url ?? '').host}, database ${db.name})` : 'PGlite (embedded, in the server process)';

// ---- the server -------------------------------------------------------------------------------------

export type ProbeStats = { statements: number; cpuMs: number; rss: number; heapUsed: number };

export type Server = {
  url: string;
  pid: number;
  child: ChildProcess;
  output: () => string;
  /** The process's own count of SQL statements sent, CPU time and memory (bench/server-probe.mjs). */
  stats: () => Promise<ProbeStats>;
  stop: () => Promise<void>;
};

/**
 * Starts `payapp serve` (bin/payapp.js, as a user would) on a free port with the probe loaded.
 * WORKER=off unless `env` says otherwise; no built UI (WEB_ROOT points nowhere) unless given.
 */
export async function startServer(
  database: BenchDatabase,
  env: Record<string, string> = {},
  options: { args?: string[]; probe?: boolean } = {},
): Promise<Server & { startedInMs: number }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', WORKER: 'off', WEB_ROOT: '/nonexistent-web-root', ...database.env, ...env };
  if (database.kind === 'pglite') delete childEnv.DATABASE_URL;
  const started = performance.now();
  const probe = options.probe ?? true;
  const child = spawn(process.execPath, [...(probe ? ['--import', './bench/server-probe.mjs'] : []), 'bin/payapp.js', 'serve', ...(options.args ?? [])], {
    cwd: ROOT,
    env: childEnv,
    stdio: probe ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`payapp serve did not start in 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /payapp is serving on (http:\/\/\S+?) /.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`payapp serve exited before serving:\n${output}`));
    });
  });
  const startedInMs = performance.now() - started;
  const stats = () =>
    new Promise<ProbeStats>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server probe did not answer')), 10_000);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve(m as ProbeStats);
      });
      child.send('stats');
    });
  return {
    url,
    pid: child.pid ?? 0,
    child,
    output: () => output,
    stats,
    startedInMs,
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

// ---- /proc ----------------------------------------------------------------------------------------

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time (user + system) of a process so far, in ms, or null when it cannot be read. */
export function procCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** Peak (VmHWM) and current (VmRSS) resident memory of a process, in bytes. */
export function procMemory(pid: number): { peak: number; now: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { peak: kb('VmHWM'), now: kb('VmRSS') };
  } catch {
    return null;
  }
}

/**
 * The CPU time of the PostgreSQL backends serving one database (pg_stat_activity → /proc), when
 * PostgreSQL runs on this machine and /proc is readable; backends that ended are not counted.
 */
export async function backendCpu(url: string, database: string): Promise<Map<number, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
    const out = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = procCpuMs(pid);
      if (ms !== null) out.set(pid, ms);
    }
    return out;
  } finally {
    await c.end();
  }
}

export function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

// ---- HTTP -----------------------------------------------------------------------------------------

export type Reply = { status: number; body: any; ms: number; bytes: number };

/** A browser-like client signed in with a session: the cookie, and the CSRF token on writes. */
export class Client {
  cookie = '';
  csrf = '';
  constructor(readonly url: string) {}

  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    const started = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.url}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      text = await res.text();
    } catch (error) {
      // A connection reset or refused: an error the figures count (status 0), not the end of the bench.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { status: 0, body: `network error: ${cause?.code ?? cause?.message ?? (error as Error).message}`, ms: performance.now() - started, bytes: 0 };
    }
    const ms = performance.now() - started;
    const setCookie = res.headers.get('set-cookie');
    const match = setCookie ? /payapp_session=([^;]*)/.exec(setCookie) : null;
    if (match) this.cookie = match[1] ? `payapp_session=${match[1]}` : '';
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body: parsed, ms, bytes: Buffer.byteLength(text) };
  }

  async signIn(email: string, password: string): Promise<void> {
    const r = await this.send('POST', '/api/v1/session', { email, password });
    if (r.status !== 200) throw new Error(`sign-in as ${email} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
    this.csrf = (r.body as { csrfToken: string }).csrfToken;
  }
}

/** The invoice version a write answered with: a compact answer's `version`, or the whole invoice's. */
export function versionOf(body: any): number | undefined {
  const v = body?.version ?? body?.invoice?.version;
  return typeof v === 'number' ? v : undefined;
}

// ---- figures --------------------------------------------------------------------------------------

export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}
export const ms = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(1) : Math.round(n)} ms` : 'n/a');
export const mb = (bytes: number) => (Number.isFinite(bytes) ? `${Math.round(bytes / 1024 / 1024)} MB` : 'n/a');
export const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

/** "✓" when the figure meets its target, "✗" when not. */
export const mark = (met: boolean) => (met ? 'met' : 'MISSED');

/** A figure beside its target: `  name: 42 ms (target ≤ 100 ms: met)`. */
export function figure(name: string, value: string, target?: { text: string; met: boolean }): void {
  console.log(`  ${name}: ${value}${target ? `  (target ${target.text}: ${mark(target.met)})` : ''}`);
}

/** Runs `work` with at most `concurrency` in flight, over `items`. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async (_, worker) => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await work(item, worker);
      }
    }),
  );
}

/** A bench must not hang forever. */
export function giveUpAfter(minutes: number, name: string): void {
  setTimeout(() => {
    console.error(`bench/${name}: no result after ${minutes} minutes; giving up.`);
    process.exit(1);
  }, minutes * 60_000).unref();
}

export function machineNote(): string {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return `node ${process.version}, ${readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length} cores, load average ${load}`;
}

// ---- the invoice page's requests ----------------------------------------------------------------

export type InvoiceRequestKind = 'create' | 'get' | 'save' | 'submit';
const EXPECTED: Record<InvoiceRequestKind, number> = { create: 201, get: 200, save: 200, submit: 200 };

/**
 * What the invoice page sends for one commitment: create the invoice (Idempotency-Key), save work
 * on every line (one PUT), submit (Idempotency-Key). If the create answer carries no lines (a
 * compact answer), the invoice is read once (GET) for its line ids, as the page does after
 * navigating to it. `onReply` sees every answer (after it arrived); the flow stops at the first
 * unexpected status. Returns the invoice id when every request succeeded.
 */
export async function fileInvoice(
  client: Client,
  p: string,
  commitmentId: string,
  options: { submit: boolean; onReply?: (kind: InvoiceRequestKind, reply: Reply, ok: boolean) => Promise<void> | void },
): Promise<string | undefined> {
  const step = async (kind: InvoiceRequestKind, reply: Reply) => {
    const ok = reply.status === EXPECTED[kind];
    await options.onReply?.(kind, reply, ok);
    return ok;
  };
  const created = await client.send('POST', `${p}/commitments/${commitmentId}/invoices`, {}, { 'idempotency-key': randomUUID() });
  if (!(await step('create', created))) return undefined;
  const invoiceId: string = created.body?.invoice?.id ?? created.body?.id;
  let lines: { id: string }[] | undefined = created.body?.lines;
  let version = versionOf(created.body);
  if (!Array.isArray(lines) || lines.length === 0) {
    const read = await client.send('GET', `${p}/invoices/${invoiceId}`);
    if (!(await step('get', read))) return undefined;
    lines = read.body?.lines as { id: string }[];
    version = versionOf(read.body);
  }
  const saved = await client.send('PUT', `${p}/invoices/${invoiceId}/lines`, {
    version,
    lines: lines.map((l, i) => ({ lineId: l.id, workCompletedThisPeriodCents: 1_000_00 + i })),
  });
  if (!(await step('save', saved))) return undefined;
  if (options.submit) {
    const submitted = await client.send('POST', `${p}/invoices/${invoiceId}/transitions`, { action: 'submit', version: versionOf(saved.body) }, { 'idempotency-key': randomUUID() });
    if (!(await step('submit', submitted))) return undefined;
  }
  return invoiceId;
}
