/** What readiness (GET /readyz) asks of the database: reachable, and every migration applied. */
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { migrations } from './migrate.ts';

export type DatabaseReadiness = { reachable: true; pendingMigrations: number } | { reachable: false };

/**
 * One round trip: the names of the migrations applied (Kysely's table), compared with this build's
 * list. A database that cannot answer within `timeoutMs` counts as unreachable. Migrations a newer
 * build applied (a rolling upgrade) do not make this one unready.
 */
export async function checkDatabaseReadiness(db: Db, timeoutMs: number): Promise<DatabaseReadiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const query = sql<{ name: string }>`select name from kysely_migration`
    .execute(db)
    .then((r): DatabaseReadiness => {
      const applied = new Set(r.rows.map((row) => row.name));
      return { reachable: true, pendingMigrations: Object.keys(migrations).filter((name) => !applied.has(name)).length };
    })
    .catch((error: unknown): DatabaseReadiness => {
      // 42P01: no migration table yet — reachable, nothing applied.
      if ((error as { code?: unknown }).code === '42P01') return { reachable: true, pendingMigrations: Object.keys(migrations).length };
      return { reachable: false };
    });
  try {
    const answer = await Promise.race([query, timeout]);
    return answer === 'timeout' ? { reachable: false } : answer;
  } finally {
    clearTimeout(timer);
  }
}
