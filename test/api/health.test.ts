/**
 * GET /healthz and GET /readyz (issue 12, docs/deployment.md): no authentication, nothing secret in
 * the body, outside the OpenAPI document; readiness is 503 while draining, while the database does
 * not answer, and while a migration this build knows is not applied.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/http/app.ts';
import type { Db } from '../../src/db/database.ts';
import { createTestApp } from '../support/api.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.close());

const config = loadConfig({ PORT: '3000', HOST: '127.0.0.1', BASE_URL: 'http://payapp.test' });
async function get(db: Db, path: string, draining = false) {
  const app = createApp({ db, clock: () => new Date(), config }, { webRoot: '/nonexistent-web-root', lifecycle: { draining: () => draining } });
  const res = await app.request(path);
  return { status: res.status, body: await res.json(), cacheControl: res.headers.get('cache-control') };
}

test('liveness and readiness answer without authentication, not cached', async () => {
  assert.deepEqual(await get(database.db, '/healthz'), { status: 200, body: { status: 'ok' }, cacheControl: 'no-store' });
  assert.deepEqual(await get(database.db, '/readyz'), { status: 200, body: { status: 'ready', database: 'ok', migrations: 'current' }, cacheControl: 'no-store' });
});

test('readiness is 503 while draining, even with the database fine', async () => {
  assert.deepEqual((await get(database.db, '/readyz', true)).body, { status: 'draining' });
  assert.equal((await get(database.db, '/readyz', true)).status, 503);
  assert.equal((await get(database.db, '/healthz', true)).status, 200, 'still alive while draining');
});

test('readiness is 503 when the database does not answer, and says nothing about why', async () => {
  // Every query fails as a lost connection would (the message holds what must never be shown).
  const failing = new Proxy(database.db, {
    get(target, prop, receiver) {
      if (prop === 'getExecutor') {
        return () => {
          throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password=secret');
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  const answer = await get(failing, '/readyz');
  assert.deepEqual([answer.status, answer.body], [503, { status: 'unavailable', database: 'unreachable' }]);
});

test('readiness is 503 while a migration is pending', async () => {
  await database.db.transaction().execute(async (trx) => {
    const last = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(trx);
    await sql`delete from kysely_migration where name = ${last.rows[0]?.name}`.execute(trx);
    const answer = await get(trx as unknown as Db, '/readyz');
    assert.deepEqual([answer.status, answer.body], [503, { status: 'unavailable', database: 'ok', migrations: 'pending', pendingMigrations: 1 }]);
    throw new Error('rolled back'); // the migration row comes back
  }).catch((error: Error) => assert.equal(error.message, 'rolled back'));
  assert.equal((await get(database.db, '/readyz')).status, 200);
});

test('they are outside the OpenAPI document', async () => {
  const doc = (await createTestApp(database.db).request('GET', '/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
  assert.ok(Object.keys(doc.paths).length > 10);
  assert.deepEqual(Object.keys(doc.paths).filter((p) => /healthz|readyz/.test(p)), []);
});
