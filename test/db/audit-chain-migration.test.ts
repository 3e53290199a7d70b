/**
 * Issue 11, tamper-evident audit: entries written before the chain existed are linked by the
 * migration that introduces it, in the order they were written, one chain per project (per entity
 * outside projects) — and the log verifies afterwards.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrateToLatest, migrations } from '../../src/db/migrate.ts';
import { verifyAuditLog } from '../../src/services/audit/verify-audit-log.ts';
import { testDatabaseUrl } from '../support/test-db.ts';

const BEFORE_CHAIN = '2026_12_07_0304_invoice_submissions_and_distribution';

/** A database with no migrations at all (the template copies are already migrated). */
async function openBlankDatabase(): Promise<DatabaseHandle> {
  const url = testDatabaseUrl();
  if (!url) return openDatabase({ dataDir: 'memory://' });
  const name = `payapp_test_chain_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(text).finally(() => client.end());
  };
  await admin(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const handle = await openDatabase({ url: u.toString(), poolSize: 2 });
  return { ...handle, close: async () => (await handle.close(), await admin(`drop database if exists ${name} with (force)`)) };
}

test('entries written before the chain existed are linked in the order they were written', async () => {
  const database = await openBlankDatabase();
  try {
    const { db } = database;
    const result = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(BEFORE_CHAIN);
    assert.equal(result.error, undefined);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from information_schema.columns where table_name = 'audit_log' and column_name = 'hash'`.execute(db)).rows[0]?.n, 0);

    const { rows: projects } = await sql<{ id: string }>`
      insert into projects (name, currency, locale, time_zone) values ('A', 'USD', 'en-US', 'UTC'), ('B', 'USD', 'en-US', 'UTC') returning id
      /* cross-tenant: projects written before the tenant column existed */`.execute(db);
    const [a, b] = projects.map((p) => p.id);
    // 12 entries in project A interleaved with B's and with entries outside any project.
    await sql`
      insert into audit_log (occurred_at, project_id, entity_type, entity_id, action, before, after)
      select timestamptz '2026-11-01 12:00:00.123456+00' + g * interval '1 minute',
             case when g % 3 = 0 then ${b}::uuid when g % 5 = 0 then null else ${a}::uuid end,
             case when g % 5 = 0 and g % 3 <> 0 then 'company' else 'commitment' end,
             'e' || (g % 2),
             'update',
             jsonb_build_object('title', 'before ' || g, 'amountCents', g * 100),
             jsonb_build_object('title', 'after ' || g || ' — é', 'amountCents', g * 100 + 1)
        from generate_series(1, 22) g`.execute(db);

    await migrateToLatest(db);

    const entries = await db.selectFrom('auditLog').select(['id', 'chainKey', 'chainSeq', 'prevHash', 'hash']).orderBy('id').execute();
    assert.equal(entries.length, 22);
    const byChain = new Map<string, typeof entries>();
    for (const e of entries) byChain.set(e.chainKey, [...(byChain.get(e.chainKey) ?? []), e]);
    assert.deepEqual([...byChain.keys()].sort(), [`entity:company:e0`, `entity:company:e1`, `project:${a}`, `project:${b}`].sort());
    const chainA = byChain.get(`project:${a}`) ?? [];
    assert.ok(chainA.length >= 10, 'a chain long enough to reach position 10');
    for (const chain of byChain.values()) {
      assert.deepEqual(chain.map((e) => e.chainSeq), chain.map((_, i) => i + 1), 'in id order, positions 1, 2, 3…');
      assert.equal(chain[0]?.prevHash, '0'.repeat(64));
      for (let i = 1; i < chain.length; i++) assert.equal(chain[i]?.prevHash, chain[i - 1]?.hash);
    }
    assert.deepEqual(await verifyAuditLog(db), { entries: 22, chains: 4, breaks: [] });

    // New entries continue the migrated chains.
    await sql`insert into audit_log (occurred_at, project_id, entity_type, entity_id, action) values (now(), ${a}::uuid, 'note', 'n', 'later')`.execute(db);
    const last = await db.selectFrom('auditLog').select(['chainSeq', 'prevHash']).where('action', '=', 'later').executeTakeFirstOrThrow();
    assert.deepEqual(last, { chainSeq: chainA.length + 1, prevHash: chainA.at(-1)?.hash });
    assert.deepEqual((await verifyAuditLog(db)).breaks, []);
  } finally {
    await database.close();
  }
});
