/**
 * Opens the database: a real PostgreSQL server when a connection string is given, otherwise the
 * embedded PGlite behind the same `pg` driver, so one dialect, one set of migrations and one set of
 * type parsers serve both (docs/decisions/003-databases.md).
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { CamelCasePlugin, Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { instrumentPool } from './statement-counter.ts';
import type { Database } from './tables.ts';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Query functions take either the pool-backed `Db` or a transaction. */
export type DbOrTrx = Db | Trx;

/** int8 → number, refusing values a JS number cannot hold exactly (money must never drift). */
function parseSafeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is outside the safe integer range`);
  return n;
}

let parsersInstalled = false;
function installTypeParsers(): void {
  if (parsersInstalled) return;
  pg.types.setTypeParser(pg.types.builtins.INT8, parseSafeInteger);
  // `date` stays an ISO 'YYYY-MM-DD' string: billing dates are calendar days, not instants.
  pg.types.setTypeParser(pg.types.builtins.DATE, (text: string) => text);
  parsersInstalled = true;
}

export type DatabaseHandle = {
  db: Db;
  kind: 'postgres' | 'pglite';
  close: () => Promise<void>;
};

export type OpenDatabaseOptions =
  | { url: string; poolSize?: number }
  | { dataDir: string }
  | { pglite: PGlite };

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  installTypeParsers();
  if ('url' in options) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    const db = createKysely(pool);
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  let pglite: PGlite;
  let ownsPglite = true;
  if ('pglite' in options) {
    pglite = options.pglite;
    ownsPglite = false;
  } else {
    if (!options.dataDir.startsWith('memory://')) mkdirSync(options.dataDir, { recursive: true });
    pglite = await PGlite.create(options.dataDir);
  }
  const pool = new pg.Pool(createPgConfig(pglite));
  const db = createKysely(pool);
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      // PGlite must be closed explicitly or the process may hang and leave the data dir unclean.
      if (ownsPglite && !pglite.closed) await pglite.close();
    },
  };
}

/**
 * A connection the server closes (a restart, a failover, a pooler timeout, `pg_terminate_backend`)
 * makes its client emit 'error'; an 'error' event nobody listens to ends the process. pg-pool
 * listens only while a connection is idle in the pool, so every connection gets its own listener
 * the moment it is made: while a request or a job is using it, the query in flight fails
 * (src/db/connection-errors.ts), pg-pool drops the broken client when it is released, and the next
 * query gets a new connection.
 */
function listenForLostConnections(pool: pg.Pool): void {
  pool.on('error', (error) => console.error(`payapp: an idle database connection was closed (${error.message}); it will be replaced.`));
  const inUse = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => inUse.add(client));
  pool.on('release', (_error, client) => inUse.delete(client));
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      // An idle one is reported by the pool's own listener above.
      if (inUse.has(client)) console.error(`payapp: a database connection in use was closed (${error.message}); what was running on it fails and can be retried.`);
    });
  });
}

function createKysely(pool: pg.Pool): Db {
  listenForLostConnections(pool);
  instrumentPool(pool);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
}
