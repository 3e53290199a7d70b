/**
 * `payapp backup <file>`, `payapp restore <file> [--force]` and `payapp audit verify`: the commands
 * that look after the data itself. Each returns its exit code; output goes to `out` / `err`.
 */
import { join } from 'node:path';
import { statSync } from 'node:fs';
import type { AppConfig } from '../config.ts';
import { backupPglite, backupPostgres, BackupError, restorePglite, restorePostgres, tableRowCounts } from '../db/backup.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { openConfiguredDatabase } from '../db/open-configured.ts';
import { describeAuditReport, verifyAuditLog } from '../services/audit/verify-audit-log.ts';

export type Output = { out: (line: string) => void; err: (line: string) => void };
const consoleOutput: Output = { out: (l) => console.log(l), err: (l) => console.error(l) };

const pgliteDir = (config: AppConfig) => join(config.dataDir, 'pg');
const where = (config: AppConfig) => (config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${pgliteDir(config)}`);

async function summary(config: AppConfig): Promise<string> {
  const database = await openConfiguredDatabase(config);
  try {
    const counts = await tableRowCounts(database.db);
    const rows = counts.reduce((sum, c) => sum + c.rows, 0);
    return `${counts.length} tables, ${rows.toLocaleString('en-US')} rows`;
  } finally {
    await database.close();
  }
}

export async function backupCommand(config: AppConfig, file: string | undefined, io: Output = consoleOutput): Promise<number> {
  if (!file) {
    io.err('usage: payapp backup <file>');
    return 1;
  }
  try {
    // The backup first: for the embedded database it also checks that nobody else has it open.
    if (config.databaseUrl) await backupPostgres(config.databaseUrl, file);
    else await backupPglite(pgliteDir(config), file);
    io.out(`Backed up ${where(config)} (${await summary(config)}) to ${file} (${(statSync(file).size / 1024 / 1024).toFixed(1)} MB).`);
    return 0;
  } catch (error) {
    if (error instanceof BackupError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

export async function restoreCommand(config: AppConfig, file: string | undefined, options: { force: boolean }, io: Output = consoleOutput): Promise<number> {
  if (!file) {
    io.err('usage: payapp restore <file> [--force]');
    return 1;
  }
  try {
    if (config.databaseUrl) {
      await restorePostgres(config.databaseUrl, file, options);
    } else {
      const { movedAside } = await restorePglite(pgliteDir(config), file, options);
      if (movedAside) io.out(`The database that was there is kept in ${movedAside}; delete it once you are satisfied.`);
    }
  } catch (error) {
    if (error instanceof BackupError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
  io.out(`Restored ${file} into ${where(config)} (${await summary(config)}).`);
  io.out('`payapp serve` brings it up to date with this version (migrations), and `payapp audit verify` checks its audit log.');
  return 0;
}

export async function auditCommand(config: AppConfig, subcommand: string | undefined, io: Output = consoleOutput): Promise<number> {
  if (subcommand !== 'verify') {
    io.err('usage: payapp audit verify');
    return 1;
  }
  const database = await openConfiguredDatabase(config);
  try {
    await migrateToLatest(database.db);
    const { ok, lines } = describeAuditReport(await verifyAuditLog(database.db));
    for (const line of lines) (ok ? io.out : io.err)(line);
    return ok ? 0 : 1;
  } finally {
    await database.close();
  }
}
