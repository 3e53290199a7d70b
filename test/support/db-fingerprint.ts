/**
 * What a database holds, table by table, to compare two databases (a backup's round trip): every
 * table's row count and a checksum of its rows' contents (order-independent), and every sequence.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

export type Fingerprint = {
  tables: Record<string, { rows: number; checksum: string }>;
  sequences: Record<string, number | null>;
};

export async function fingerprint(db: Db): Promise<Fingerprint> {
  const { rows: tables } = await sql<{ name: string }>`
    select quote_ident(schemaname) || '.' || quote_ident(tablename) as name from pg_tables
     where schemaname not in ('pg_catalog', 'information_schema') order by 1`.execute(db);
  const result: Fingerprint = { tables: {}, sequences: {} };
  for (const { name } of tables) {
    // Each row as PostgreSQL prints it (bytea as hex, jsonb canonical), hashed, sorted, hashed again.
    const { rows } = await sql<{ rows: number; checksum: string }>`
      select count(*)::int as rows, coalesce(md5(string_agg(md5(t::text), '' order by md5(t::text))), '') as checksum
        from ${sql.raw(name)} t`.execute(db);
    result.tables[name] = rows[0] ?? { rows: 0, checksum: '' };
  }
  const { rows: sequences } = await sql<{ name: string; lastValue: number | null }>`
    select schemaname || '.' || sequencename as name, last_value from pg_sequences order by 1`.execute(db);
  for (const s of sequences) result.sequences[s.name] = s.lastValue;
  return result;
}
