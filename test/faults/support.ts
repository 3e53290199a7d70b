/**
 * Fault tests run the real `payapp serve` as a child process against a database of their own, load
 * it over HTTP, break something (kill it, drop its database connections) and check what survived.
 *
 * PostgreSQL (TEST_DATABASE_URL): a fresh database from the run's template, open beside the
 * server. PGlite: a data directory only one process may open — the test's own handle is closed
 * while a server runs and reopened to inspect.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openTestDatabase, testDatabaseUrl } from '../support/test-db.ts';

export type FaultDatabase = {
  kind: 'postgres' | 'pglite';
  /** The postgres database name (pg_stat_activity.datname), or the PGlite data dir. */
  name: string;
  /** Environment for `payapp serve` to use this database. */
  env: Record<string, string>;
  /** An open handle for seeding and inspecting (reopened on PGlite after `release`). */
  open: () => Promise<DatabaseHandle>;
  /** Lets a server have the database (closes the test's PGlite handle; nothing on PostgreSQL). */
  release: () => Promise<void>;
  dispose: () => Promise<void>;
};

export async function openFaultDatabase(): Promise<FaultDatabase> {
  const url = testDatabaseUrl();
  if (url) {
    const database = await openTestDatabase();
    const u = new URL(url);
    u.pathname = `/${database.name}`;
    return {
      kind: 'postgres',
      name: database.name,
      env: { DATABASE_URL: u.toString() },
      open: async () => database,
      release: async () => undefined,
      dispose: () => database.close(),
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'payapp-faults-'));
  const pgDir = join(dataDir, 'pg');
  const template = process.env.PAYAPP_TEST_PGLITE_TEMPLATE;
  if (template) cpSync(template, pgDir, { recursive: true });
  let handle: DatabaseHandle | undefined;
  const open = async () => {
    if (!handle) {
      handle = await openDatabase({ dataDir: pgDir });
      if (!template) await migrateToLatest(handle.db);
    }
    return handle;
  };
  const release = async () => {
    await handle?.close();
    handle = undefined;
  };
  return {
    kind: 'pglite',
    name: pgDir,
    env: { DATA_DIR: dataDir },
    open,
    release,
    dispose: async () => {
      await release();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Served = {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr. */
  output: () => string;
  /** True while the process runs. */
  alive: () => boolean;
  kill: () => Promise<void>;
  stop: () => Promise<void>;
};

/** Starts `payapp serve` on a free port and waits until it says where it serves. */
export async function serve(database: FaultDatabase, env: Record<string, string> = {}): Promise<Served> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', WORKER: 'off', WEB_ROOT: '/nonexistent-web-root', ...database.env, ...env };
  delete childEnv.TEST_DATABASE_URL;
  if (database.kind === 'pglite') delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ['bin/payapp.js', 'serve'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`payapp serve did not start in 60 s:\n${output}`)), 60_000);
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
  return {
    url,
    child,
    output: () => output,
    alive: () => !exited,
    kill: async () => {
      if (!exited) child.kill('SIGKILL');
      await exit;
    },
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

export type WorkerProcess = {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has exited (at once if it already has). */
  exited: () => Promise<number | null>;
  kill: () => Promise<void>;
};

/** Starts `payapp worker` and waits until it says it runs. */
export async function startWorkerProcess(database: FaultDatabase, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...database.env, ...env };
  delete childEnv.TEST_DATABASE_URL;
  if (database.kind === 'pglite') delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ['bin/payapp.js', 'worker'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`payapp worker did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('payapp worker is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`payapp worker exited before running:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    exited: () => exit,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}

/** The exit code of a child process once it has exited, or 'timeout'. */
export async function exitCode(child: ChildProcess, timeoutMs: number): Promise<number | null | 'timeout'> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  let timer: NodeJS.Timeout | undefined;
  const answer = await Promise.race([
    new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  return answer;
}

export type Answer = { status: number; body: any; replayed: boolean; retryAfter: string | null };

/** One HTTP request; a connection that breaks (the server died) is `undefined`, never a throw. */
export async function send(url: string, path: string, token: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer | undefined> {
  try {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text, and the assertions say so
    }
    return { status: res.status, body: parsed, replayed: res.headers.get('idempotent-replayed') === 'true', retryAfter: res.headers.get('retry-after') };
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fisher–Yates with a fixed seed, so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
