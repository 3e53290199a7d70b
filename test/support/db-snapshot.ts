/**
 * A fingerprint of every table (row count + a checksum of the rows), so a test can prove that a
 * refused request wrote nothing: compare the fingerprint before and after.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

/**
 * What a refused request may change by design, left out of the comparison:
 * - sign_in_attempts: a refused sign-in is counted (that is the throttle);
 * - idempotency_keys: a 4xx answer to a request with a key is stored, so its retry gets the same answer;
 * - api_tokens.last_used_at, sessions.last_seen_at: authenticating a request touches them;
 * - the migration bookkeeping.
 */
const SKIPPED_TABLES = new Set(['sign_in_attempts', 'idempotency_keys', 'kysely_migration', 'kysely_migration_lock']);
const SKIPPED_COLUMNS: Record<string, string[]> = { api_tokens: ['last_used_at'], sessions: ['last_seen_at'] };

export type Snapshot = Record<string, { rows: number; sum: string }>;

let statement: string | undefined;

async function snapshotSql(db: Db): Promise<string> {
  if (statement) return statement;
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const parts = tables.rows
    .map((t) => t.name)
    .filter((name) => !SKIPPED_TABLES.has(name))
    .map((name) => {
      const row = `(to_jsonb(r)${(SKIPPED_COLUMNS[name] ?? []).map((c) => ` - '${c}'`).join('')})::text`;
      return `select '${name}' as name, count(*)::int as rows, md5(coalesce(string_agg(${row}, '|' order by ${row}), '')) as sum from "${name}" r`;
    });
  statement = parts.join(' union all ');
  return statement;
}

export async function snapshot(db: Db): Promise<Snapshot> {
  const result = await sql.raw<{ name: string; rows: number; sum: string }>(await snapshotSql(db)).execute(db);
  return Object.fromEntries(result.rows.map((r) => [r.name, { rows: Number(r.rows), sum: r.sum }]));
}

/** The tables whose rows differ between two snapshots. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  return Object.keys({ ...before, ...after }).filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
}
