/**
 * What a database holds, table by table: each table's row count and an order-independent checksum
 * of its rows. Two uses:
 * - `fingerprint`: every table and sequence, to compare two databases (a backup's round trip);
 * - `snapshot` / `changedTables`: the tables a refused request may not touch, to prove it wrote
 *   nothing (compare before and after).
 */
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

export type TableChecksums = Record<string, { rows: number; checksum: string }>;

type Exclusions = { tables?: ReadonlySet<string>; columns?: Readonly<Record<string, string[]>> };

/** One statement over every user table (schema-qualified names), minus the exclusions. */
async function checksumSql(db: Db, exclusions: Exclusions): Promise<string> {
  const { rows: tables } = await sql<{ schema: string; table: string }>`
    select schemaname as schema, tablename as table from pg_tables
     where schemaname not in ('pg_catalog', 'information_schema') order by 1, 2`.execute(db);
  const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
  return tables
    .filter((t) => !exclusions.tables?.has(t.table))
    .map((t) => {
      const name = `${ident(t.schema)}.${ident(t.table)}`;
      // Each row as jsonb text (canonical), minus excluded columns, hashed, sorted, hashed again.
      const row = `md5((to_jsonb(r)${(exclusions.columns?.[t.table] ?? []).map((c) => ` - ${literal(c)}`).join('')})::text)`;
      return `select ${literal(name)} as name, count(*)::int as rows, md5(coalesce(string_agg(${row}, '' order by ${row}), '')) as checksum from ${name} r`;
    })
    .join(' union all ')
    .concat(' /* cross-tenant: a test compares whole databases */');
}

async function checksums(db: Db, statement: string): Promise<TableChecksums> {
  const { rows } = await sql.raw<{ name: string; rows: number; checksum: string }>(statement).execute(db);
  return Object.fromEntries(rows.map((r) => [r.name, { rows: Number(r.rows), checksum: r.checksum }]));
}

export type Fingerprint = { tables: TableChecksums; sequences: Record<string, number | null> };

/** Every table and every sequence: two databases with the same fingerprint hold the same data. */
export async function fingerprint(db: Db): Promise<Fingerprint> {
  const tables = await checksums(db, await checksumSql(db, {}));
  const { rows } = await sql<{ name: string; lastValue: number | null }>`
    select schemaname || '.' || sequencename as name, last_value from pg_sequences order by 1`.execute(db);
  return { tables, sequences: Object.fromEntries(rows.map((s) => [s.name, s.lastValue])) };
}

/**
 * What a refused request may change by design, left out of `snapshot`:
 * - sign_in_attempts: a refused sign-in is counted (that is the throttle);
 * - api_tokens.last_used_at, sessions.last_seen_at: authenticating a request touches them;
 * - the migration bookkeeping.
 */
const REFUSAL_MAY_TOUCH: Exclusions = {
  tables: new Set(['sign_in_attempts', 'kysely_migration', 'kysely_migration_lock']),
  columns: { api_tokens: ['last_used_at'], sessions: ['last_seen_at'] },
};

export type Snapshot = TableChecksums;

let snapshotStatement: string | undefined;

/** The tables a refused request must leave alone (the schema is the same in every test database). */
export async function snapshot(db: Db): Promise<Snapshot> {
  snapshotStatement ??= await checksumSql(db, REFUSAL_MAY_TOUCH);
  return checksums(db, snapshotStatement);
}

/** The tables whose rows differ between two snapshots. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  return Object.keys({ ...before, ...after }).filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
}
