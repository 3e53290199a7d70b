/**
 * A PostgreSQL server that closes an idle connection (a restart, a terminated backend) must not
 * take payapp down: the connection is dropped from the pool and the next query gets a new one.
 * Only PostgreSQL has server-side connections to lose; on PGlite the test says so and is skipped.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.ts';
import { openTestDatabase, testDatabaseUrl } from '../support/test-db.ts';

const url = testDatabaseUrl();

test('an idle connection closed by the server is replaced; the process keeps running', { skip: url ? false : 'PostgreSQL only (set TEST_DATABASE_URL): PGlite has no server connections to lose.' }, async () => {
  const database = await openTestDatabase();
  const admin = await openDatabase({ url: url ?? '' });
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  process.on('uncaughtException', onCrash);
  try {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(database.db);
    const pid = rows[0]?.pid;
    assert.ok(pid);
    await sql`select pg_terminate_backend(${pid})`.execute(admin.db);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const again = await sql<{ ok: number }>`select 1 as ok`.execute(database.db);
    assert.equal(again.rows[0]?.ok, 1);
    assert.deepEqual(crashes, []);
  } finally {
    process.off('uncaughtException', onCrash);
    await admin.close();
    await database.close();
  }
});
