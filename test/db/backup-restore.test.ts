/**
 * Issue 11, backup and restore: `payapp backup` then `payapp restore` into a fresh database gives
 * back every table exactly (row counts and a checksum of the contents), the audit log still
 * verifies, and the restored database takes new writes. A restore never overwrites a database
 * that holds data unless told to (--force). Runs on the backend the suite runs on: the embedded
 * PGlite (its data-dir dump), or PostgreSQL with TEST_DATABASE_URL (pg_dump / pg_restore).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { backupCommand, restoreCommand, type Output } from '../../src/cli/data-commands.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type DatabaseHandle, type Db } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadDemo } from '../../src/demo/load-demo.ts';
import { verifyAuditLog } from '../../src/services/audit/verify-audit-log.ts';
import { fingerprint, type Fingerprint } from '../support/db-fingerprint.ts';
import { testDatabaseUrl } from '../support/test-db.ts';
import { everyTenant } from '../support/tenants.ts';

const NOW = new Date('2026-11-20T15:00:00Z');
const url = testDatabaseUrl();
const scratch = mkdtempSync(join(tmpdir(), 'payapp-backup-test-'));
const backupFile = join(scratch, url ? 'payapp.pgdump' : 'payapp.tar.gz');
const createdDatabases: string[] = [];

/** Where each database lives, as `payapp` is configured for it. */
type Place = { env: Record<string, string>; open: () => Promise<DatabaseHandle> };

function withDatabase(name: string): string {
  const u = new URL(url ?? '');
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase('postgres') });
  await client.connect();
  await client.query(text).finally(() => client.end());
}

/** A new place: an empty PostgreSQL database, or an empty DATA_DIR. */
async function emptyPlace(label: string): Promise<Place> {
  if (url) {
    const name = `payapp_test_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(`create database ${name}`);
    createdDatabases.push(name);
    return { env: { DATABASE_URL: withDatabase(name) }, open: () => openDatabase({ url: withDatabase(name), poolSize: 2 }) };
  }
  const dataDir = join(scratch, label);
  return { env: { DATA_DIR: dataDir }, open: () => openDatabase({ dataDir: join(dataDir, 'pg') }) };
}

function captured(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

const configOf = (place: Place) => loadConfig({ ...place.env });

let source: Place;
let original: Fingerprint;
let auditEntries: number;

before(async () => {
  source = await emptyPlace('source');
  const template = process.env.PAYAPP_TEST_PGLITE_TEMPLATE;
  if (!url && template) cpSync(template, join(source.env.DATA_DIR ?? '', 'pg'), { recursive: true });
  const handle = await source.open();
  try {
    await migrateToLatest(handle.db);
    await loadDemo(handle.db, NOW);
    await addBinaryAttachment(handle.db);
    original = await fingerprint(handle.db);
    auditEntries = (await verifyAuditLog(handle.db)).entries;
  } finally {
    await handle.close();
  }
});

after(async () => {
  for (const name of createdDatabases) await adminQuery(`drop database if exists ${name} with (force)`);
  rmSync(scratch, { recursive: true, force: true });
});

/** The demo has no attachments: one with every byte value, so binary content makes the trip too. */
async function addBinaryAttachment(db: Db): Promise<void> {
  const invoice = await db.selectFrom('invoices').select(['id', 'tenantId', 'createdBy']).orderBy('createdAt').modifyEnd(everyTenant).executeTakeFirstOrThrow();
  const content = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));
  await db
    .insertInto('invoiceAttachments')
    .values({ tenantId: invoice.tenantId, invoiceId: invoice.id, filename: 'reçu.pdf', contentType: 'application/pdf', sizeBytes: content.length, content, uploadedBy: invoice.createdBy, createdAt: NOW })
    .execute();
}

function assertSameContents(restored: Fingerprint): void {
  assert.deepEqual(Object.keys(restored.tables), Object.keys(original.tables), 'the same tables');
  for (const [table, expected] of Object.entries(original.tables)) {
    assert.deepEqual(restored.tables[table], expected, `${table}: the same rows`);
  }
  assert.ok(Object.values(original.tables).some((t) => t.rows > 0));
  for (const [sequence, value] of Object.entries(original.sequences)) {
    // PGlite's copy may have advanced a sequence (it logs values ahead); never behind, so no id is reused.
    assert.ok((restored.sequences[sequence] ?? 0) >= (value ?? 0), `${sequence}: ${restored.sequences[sequence]} ≥ ${value}`);
  }
}

test('a backup restored into a fresh database gives back every table, row for row', async () => {
  const io = captured();
  assert.equal(await backupCommand(configOf(source), backupFile, io), 0, io.lines.join('\n'));
  const tables = Object.keys(original.tables).length;
  const rows = Object.values(original.tables).reduce((sum, t) => sum + t.rows, 0);
  assert.match(io.lines.join('\n'), new RegExp(`Backed up .* \\(${tables} tables, ${rows.toLocaleString('en-US')} rows\\) to ${backupFile}`));
  console.log(`# backup: ${tables} tables, ${rows} rows, ${auditEntries} audit entries`);

  const target = await emptyPlace('target');
  const restoreIo = captured();
  assert.equal(await restoreCommand(configOf(target), backupFile, { force: false }, restoreIo), 0, restoreIo.lines.join('\n'));
  const handle = await target.open();
  try {
    assertSameContents(await fingerprint(handle.db));
    const report = await verifyAuditLog(handle.db);
    assert.deepEqual(report.breaks, []);
    assert.equal(report.entries, auditEntries);

    // The restored database takes writes: ids do not collide and the audit chains carry on.
    const project = await handle.db.selectFrom('projects').select('id').orderBy('name').modifyEnd(everyTenant).executeTakeFirstOrThrow();
    await sql`insert into audit_log (occurred_at, project_id, entity_type, entity_id, action) values (now(), ${project.id}::uuid, 'note', 'restored', 'after_restore')`.execute(handle.db);
    await sql`insert into sign_in_attempts (email_lower, ip, succeeded, attempted_at) values ('x@example.test', 'local', false, now())`.execute(handle.db);
    assert.deepEqual(await verifyAuditLog(handle.db), { entries: auditEntries + 1, chains: report.chains, breaks: [] });
  } finally {
    await handle.close();
  }
});

test('a restore into a database that holds data is refused unless --force', async () => {
  const io = captured();
  assert.equal(await restoreCommand(configOf(source), backupFile, { force: false }, io), 1);
  assert.match(io.lines.join('\n'), url ? /is not empty \(\d+ tables\).*--force/ : /already holds a database.*--force/);
  const handle = await source.open();
  const unchanged = await fingerprint(handle.db).finally(() => handle.close());
  assert.deepEqual(unchanged.tables, original.tables, 'the refused restore changed nothing');

  if (!url) {
    // An embedded database another process has open (postmaster.pid) is neither copied nor replaced.
    const pid = join(source.env.DATA_DIR ?? '', 'pg', 'postmaster.pid');
    writeFileSync(pid, '-42\n');
    const open = captured();
    assert.equal(await backupCommand(configOf(source), join(scratch, 'while-open.tar.gz'), open), 1);
    assert.equal(await restoreCommand(configOf(source), backupFile, { force: true }, open), 1);
    assert.match(open.lines.join('\n'), /is open \(postmaster\.pid\): stop payapp first[^]*is open \(postmaster\.pid\)/);
    assert.equal(existsSync(join(scratch, 'while-open.tar.gz')), false);
    rmSync(pid);
  }

  // With --force the backup replaces it (the embedded database moves aside, kept).
  const forced = captured();
  assert.equal(await restoreCommand(configOf(source), backupFile, { force: true }, forced), 0, forced.lines.join('\n'));
  if (!url) {
    const aside = /kept in (\S+);/.exec(forced.lines.join('\n'))?.[1];
    assert.ok(aside && existsSync(join(aside, 'PG_VERSION')), 'the replaced data directory is kept');
  }
  const again = await source.open();
  try {
    assertSameContents(await fingerprint(again.db));
  } finally {
    await again.close();
  }
});

test('a backup of the other kind of database, or no backup at all, is refused with the reason', async () => {
  const target = await emptyPlace('wrong_kind');
  const notABackup = join(scratch, 'notes.txt');
  cpSync(new URL(import.meta.url).pathname, notABackup);
  const io = captured();
  assert.equal(await restoreCommand(configOf(target), notABackup, { force: false }, io), 1);
  assert.match(io.lines.join('\n'), /is not a payapp backup/);
  // The other kind: a pg_dump archive where the embedded database is configured, or the reverse.
  const otherKind = join(scratch, 'other-kind.backup');
  writeFileSync(otherKind, url ? Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]) : Buffer.from('PGDMP\x01\x0e\x00', 'latin1'));
  const wrong = captured();
  assert.equal(await restoreCommand(configOf(target), otherKind, { force: false }, wrong), 1);
  assert.match(wrong.lines.join('\n'), url ? /is a backup of the embedded database; unset DATABASE_URL/ : /is a PostgreSQL backup \(pg_dump\); set DATABASE_URL/);
  const missing = captured();
  assert.equal(await restoreCommand(configOf(target), join(scratch, 'nowhere.tar.gz'), { force: false }, missing), 1);
  assert.match(missing.lines.join('\n'), /There is no backup file/);
});

test('payapp audit verify, run on a tampered copy, names the entry and exits 1', async () => {
  const copy = await emptyPlace('tampered');
  assert.equal(await restoreCommand(configOf(copy), backupFile, { force: false }, captured()), 0);
  const handle = await copy.open();
  let target: { id: number; chainKey: string; chainSeq: number };
  try {
    target = await handle.db.selectFrom('auditLog').select(['id', 'chainKey', 'chainSeq']).where('chainSeq', '=', 3).orderBy('chainKey').executeTakeFirstOrThrow();
    await handle.db.transaction().execute(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
      await sql`update audit_log set action = action || ' (edited)' where id = ${target.id}`.execute(trx);
      await sql`alter table audit_log enable always trigger audit_log_no_update`.execute(trx);
    });
  } finally {
    await handle.close();
  }
  const cli = spawnSync(process.execPath, ['bin/payapp.js', 'audit', 'verify'], { env: { ...process.env, ...copy.env }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(cli.status, 1, cli.stdout + cli.stderr);
  assert.match(cli.stderr, new RegExp(`BROKEN entry ${target.id} \\(${target.chainKey}, position 3\\): its contents hash to [0-9a-f]{64}, but [0-9a-f]{64} is recorded`));
  assert.match(cli.stderr, /1 of \d+ chains are broken/);

  const clean = spawnSync(process.execPath, ['bin/payapp.js', 'audit', 'verify'], { env: { ...process.env, ...source.env }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, new RegExp(`^${auditEntries} entries in \\d+ chains verified\\.$`, 'm'));
});

test(
  'without pg_dump, or with one older than the server, a backup says what to install and writes nothing',
  { skip: url ? false : 'PostgreSQL only (set TEST_DATABASE_URL): the embedded database needs no client programs.' },
  async () => {
    const bin = join(scratch, 'old-bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 11.22"\n', { mode: 0o755 });
    const path = process.env.PATH;
    const file = join(scratch, 'never.pgdump');
    try {
      process.env.PATH = bin;
      const old = captured();
      assert.equal(await backupCommand(configOf(source), file, old), 1);
      assert.match(old.lines.join('\n'), /pg_dump 11 cannot dump a PostgreSQL \d+ server: install the PostgreSQL \d+ client programs/);
      process.env.PATH = join(scratch, 'empty-bin');
      const none = captured();
      assert.equal(await backupCommand(configOf(source), file, none), 1);
      assert.match(none.lines.join('\n'), /pg_dump was not found on PATH/);
    } finally {
      process.env.PATH = path;
    }
    assert.equal(existsSync(file), false);
  },
);
