/**
 * Backup and restore of either database (`payapp backup <file>` / `payapp restore <file>`):
 * - PostgreSQL: pg_dump's custom format, restored by pg_restore in one transaction. The PostgreSQL
 *   client programs must be installed, at least the server's major version.
 * - Embedded PGlite: PGlite's own dump of its data directory (a .tar.gz), loaded into a fresh
 *   directory. payapp must be stopped: one process at a time may open the directory.
 * Either way a backup is restored only into an empty database, or with `force`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from './tables.ts';
import { crossTenant } from './tenant-check.ts';

/** A refusal or failure to tell the person at the command line, as is. */
export class BackupError extends Error {}

export type BackupFileKind = 'postgres' | 'pglite' | 'unknown';

/** pg_dump's custom format starts with "PGDMP"; PGlite's dump is a gzip stream. */
export function backupFileKind(file: string): BackupFileKind {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(5);
    const read = readSync(fd, head, 0, 5, 0);
    if (read === 5 && head.toString('latin1') === 'PGDMP') return 'postgres';
    if (read >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
    return 'unknown';
  } finally {
    closeSync(fd);
  }
}

function assertReadableBackup(file: string, expected: Exclude<BackupFileKind, 'unknown'>): void {
  if (!existsSync(file) || !statSync(file).isFile()) throw new BackupError(`There is no backup file at ${file}.`);
  const kind = backupFileKind(file);
  if (kind === expected) return;
  if (kind === 'unknown') throw new BackupError(`${file} is not a payapp backup (neither a pg_dump archive nor an embedded-database dump).`);
  throw new BackupError(
    kind === 'postgres'
      ? `${file} is a PostgreSQL backup (pg_dump); set DATABASE_URL to restore it into PostgreSQL.`
      : `${file} is a backup of the embedded database; unset DATABASE_URL (and set DATA_DIR) to restore it there.`,
  );
}

/** Writes next to the destination first, so an interrupted backup never leaves a half file under its name. */
function partialPath(file: string): string {
  return `${file}.partial-${process.pid}`;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

type Tool = 'pg_dump' | 'pg_restore';

/** The URL without its password (which goes to the tools through PGPASSWORD, out of `ps`). */
function toolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (u.password) {
    env.PGPASSWORD = decodeURIComponent(u.password);
    u.password = '';
  }
  return { dbname: u.toString(), env };
}

function run(tool: Tool, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new BackupError(`${tool} was not found on PATH. Install the PostgreSQL client programs (e.g. apt-get install postgresql-client-15), at least the server's major version.`)
          : error,
      );
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function toolMajorVersion(tool: Tool): Promise<number> {
  const { code, stdout } = await run(tool, ['--version']);
  const match = /PostgreSQL\)\s+(\d+)/.exec(stdout);
  if (code !== 0 || !match) throw new BackupError(`${tool} --version did not say its version (${stdout.trim() || `exit ${code}`}).`);
  return Number(match[1]);
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function serverMajorVersion(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ v: string }>(`select current_setting('server_version_num') as v`);
  return Math.floor(Number(rows[0]?.v) / 10_000);
}

/** Tables outside PostgreSQL's own schemas: 0 means nothing would be overwritten. */
async function countUserTables(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string | number }>(
    `select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'`,
  );
  return Number(rows[0]?.n ?? 0);
}

export async function backupPostgres(url: string, file: string): Promise<void> {
  const tool = await toolMajorVersion('pg_dump');
  const server = await withClient(url, serverMajorVersion);
  if (tool < server) {
    throw new BackupError(`pg_dump ${tool} cannot dump a PostgreSQL ${server} server: install the PostgreSQL ${server} client programs (or newer).`);
  }
  mkdirSync(dirname(file), { recursive: true });
  const partial = partialPath(file);
  const { dbname, env } = toolConnection(url);
  // Custom format: compressed, and pg_restore recreates the schema with the data before the
  // triggers, so restored audit entries keep their hashes exactly.
  const result = await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`, `--dbname=${dbname}`], env);
  if (result.code !== 0) {
    rmSync(partial, { force: true });
    throw new BackupError(`pg_dump failed (exit ${result.code}):\n${result.stderr.trim()}`);
  }
  renameSync(partial, file);
}

export async function restorePostgres(url: string, file: string, options: { force: boolean }): Promise<void> {
  assertReadableBackup(file, 'postgres');
  await toolMajorVersion('pg_restore');
  const existing = await withClient(url, countUserTables);
  if (existing > 0 && !options.force) {
    throw new BackupError(
      `The database at DATABASE_URL is not empty (${existing} tables). Restore into an empty database, or pass --force to replace what the backup contains.`,
    );
  }
  const { dbname, env } = toolConnection(url);
  const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${dbname}`];
  if (existing > 0) args.push('--clean', '--if-exists');
  const result = await run('pg_restore', [...args, file], env);
  if (result.code !== 0) throw new BackupError(`pg_restore failed (exit ${result.code}); nothing was restored:\n${result.stderr.trim()}`);
}

// ---------------------------------------------------------------------------------------------
// Embedded PGlite

function assertNotInUse(dataDir: string): void {
  if (existsSync(join(dataDir, 'postmaster.pid'))) {
    throw new BackupError(
      `The embedded database in ${dataDir} is open (postmaster.pid): stop payapp first. If payapp is not running, it was not shut down cleanly: start and stop it once.`,
    );
  }
}

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

export async function backupPglite(dataDir: string, file: string): Promise<void> {
  if (isEmptyDir(dataDir)) throw new BackupError(`There is no embedded database in ${dataDir} to back up.`);
  assertNotInUse(dataDir);
  const pglite = await PGlite.create(dataDir);
  let dump: Blob;
  try {
    dump = await pglite.dumpDataDir('gzip');
  } finally {
    await pglite.close();
  }
  mkdirSync(dirname(file), { recursive: true });
  const partial = partialPath(file);
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, file);
}

/**
 * Loads the dump into a new directory beside the target, checks it opens as a payapp database, and
 * only then puts it in place. With `force`, a non-empty target is moved aside (its path returned),
 * never deleted.
 */
export async function restorePglite(dataDir: string, file: string, options: { force: boolean }): Promise<{ movedAside: string | null }> {
  assertReadableBackup(file, 'pglite');
  const occupied = !isEmptyDir(dataDir);
  if (occupied && !options.force) {
    throw new BackupError(`${dataDir} already holds a database. Restore into an empty DATA_DIR, or pass --force (the current one is kept beside it).`);
  }
  if (occupied) assertNotInUse(dataDir);
  const staging = `${dataDir}.restoring-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const pglite = await PGlite.create({ dataDir: staging, loadDataDir: new Blob([readFileSync(file)]) });
    try {
      const { rows } = await pglite.query<{ found: boolean }>(`select to_regclass('kysely_migration') is not null as found`);
      if (!rows[0]?.found) throw new BackupError(`${file} holds a database, but not a payapp one (it has no migrations table).`);
    } finally {
      await pglite.close();
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  let movedAside: string | null = null;
  if (occupied) {
    movedAside = `${dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dataDir, movedAside);
  } else {
    rmSync(dataDir, { recursive: true, force: true });
  }
  renameSync(staging, dataDir);
  return { movedAside };
}

/** Every table of the database with its row count, for the summary a backup and a restore print. */
export async function tableRowCounts(db: Kysely<Database>): Promise<{ table: string; rows: number }[]> {
  const tables = await sql<{ schema: string; name: string }>`
    select schemaname as schema, tablename as name from pg_tables
     where schemaname not in ('pg_catalog', 'information_schema') order by 1, 2`.execute(db);
  const counts: { table: string; rows: number }[] = [];
  for (const t of tables.rows) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(`${t.schema}.${t.name}`)} ${crossTenant('a backup counts the rows of every tenant')}`.execute(db);
    counts.push({ table: `${t.schema}.${t.name}`, rows: rows[0]?.n ?? 0 });
  }
  return counts;
}
