/**
 * scripts/citus-distribute.sql (docs/deployment.md, decision 025) on plain PostgreSQL, with the
 * three Citus functions it calls stubbed to record their calls: every tenant-owned table is
 * distributed by tenant_id and co-located, every other table is a reference or coordinator-local
 * table, every unique key of a distributed table holds tenant_id and every foreign key between
 * them is led by it — and payapp runs a billing cycle on the result through the API, with the
 * tenant check on. (Citus itself is not available here: what only Citus can show is in
 * docs/deployment.md.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, test } from 'node:test';
import { sql } from 'kysely';
import { TENANT_OWNED_TABLES } from '../../src/db/tenant-check.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertNo5xx, assertOk, billingProject, type Seen } from '../support/billing.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
const seen: Seen = [];
let calls: { fn: string; relation: string; columnName: string | null; colocateWith: string | null }[];

before(async () => {
  database = await openTestDatabase();
  const db = database.db;
  await sql`create table citus_calls (n serial, fn text, relation text, column_name text, colocate_with text)`.execute(db);
  await sql`create function create_reference_table(r regclass) returns void language sql
    as $$ insert into citus_calls (fn, relation) values ('reference', r::text) $$`.execute(db);
  await sql`create function citus_add_local_table_to_metadata(r regclass) returns void language sql
    as $$ insert into citus_calls (fn, relation) values ('local', r::text) $$`.execute(db);
  await sql`create function create_distributed_table(r regclass, c text, colocate_with text default 'default') returns void language sql
    as $$ insert into citus_calls (fn, relation, column_name, colocate_with) values ('distributed', r::text, c, colocate_with) $$`.execute(db);
  await sql.raw(readFileSync('scripts/citus-distribute.sql', 'utf8')).execute(db);
  calls = (
    await sql<{ fn: string; relation: string; columnName: string | null; colocateWith: string | null }>`
      select fn, relation, column_name as "columnName", colocate_with as "colocateWith" from citus_calls order by n`.execute(db)
  ).rows;
  t = createTestApp(db);
});
after(() => database.close());
afterEach(() => assertNo5xx(seen));

test('every tenant-owned table is distributed by tenant_id, co-located with projects, parents first', () => {
  const distributed = calls.filter((c) => c.fn === 'distributed');
  assert.deepEqual(distributed.map((c) => c.relation).sort(), [...TENANT_OWNED_TABLES].sort());
  assert.ok(distributed.every((c) => c.columnName === 'tenant_id'));
  assert.equal(distributed[0]?.relation, 'projects');
  assert.ok(distributed.slice(1).every((c) => c.colocateWith === 'projects'));
});

test('every other table is a reference table or a coordinator-local one (the migration bookkeeping stays as it is)', async () => {
  const { rows } = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(database.db);
  const placed = new Map(calls.map((c) => [c.relation, c.fn]));
  const unplaced = rows.map((r) => r.name).filter((name) => !placed.has(name) && !['kysely_migration', 'kysely_migration_lock', 'citus_calls'].includes(name));
  assert.deepEqual(unplaced, []);
  assert.deepEqual(calls.filter((c) => c.fn === 'reference').map((c) => c.relation).sort(), ['app_secrets', 'companies', 'user_preferences', 'users']);
});

test('every unique key of a distributed table holds tenant_id; every foreign key between them is led by it', async () => {
  const tables = [...TENANT_OWNED_TABLES];
  const { rows: keys } = await sql<{ name: string; relation: string }>`
    select i.indexrelid::regclass::text as name, i.indrelid::regclass::text as relation
      from pg_index i
     where i.indisunique and i.indrelid::regclass::text = any(${tables})
       and not exists (select 1 from pg_attribute a where a.attrelid = i.indrelid and a.attnum = any(i.indkey) and a.attname = 'tenant_id')`.execute(database.db);
  assert.deepEqual(keys, [], 'unique keys without tenant_id');
  const { rows: fks } = await sql<{ name: string; first: string; parent: string }>`
    select c.conname as name, a.attname as first, c.confrelid::regclass::text as parent
      from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
     where c.contype = 'f' and c.conrelid::regclass::text = any(${tables})`.execute(database.db);
  const between = fks.filter((fk) => tables.includes(fk.parent));
  assert.ok(between.length >= 30, `${between.length} foreign keys between tenant-owned tables`);
  assert.deepEqual(between.filter((fk) => fk.first !== 'tenant_id'), []);
  const { rows: inbound } = await sql<{ name: string }>`
    select c.conname as name from pg_constraint c
     where c.contype = 'f' and c.confrelid::regclass::text = any(${tables}) and not (c.conrelid::regclass::text = any(${tables}))`.execute(database.db);
  assert.deepEqual(inbound, [], 'no foreign key from a global table to a distributed one');
});

test('payapp runs a billing cycle on the distributed layout', async () => {
  const s = await billingProject(t, seen);
  const c = await approvedCommitment(t, s);
  assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
  assertOk(await s.admin.post(`${s.p}/invites`, { commitmentIds: [c.id] }));
  const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices`, {});
  assertOk(created, 201);
  const inv = `${s.p}/invoices/${created.body.invoice.id}`;
  const lines = (await s.contactApi.get(inv)).body.lines as { id: string }[];
  const saved = await s.contactApi.put(`${inv}/lines`, { version: created.body.invoice.version, lines: lines.map((l) => ({ lineId: l.id, workCompletedThisPeriodCents: 1_000_00 })) });
  assertOk(saved);
  const submitted = await s.contactApi.post(`${inv}/transitions`, { action: 'submit', version: saved.body.invoice.version });
  assertOk(submitted);
  const approved = await s.admin.post(`${inv}/transitions`, { action: 'approve', version: submitted.body.invoice.version });
  assertOk(approved);
  assertOk(await s.admin.post(`${inv}/payments`, { amountCents: 1_00, paidOn: '2026-11-02', method: 'check' }), 201);
  const board = await s.admin.get(`${s.p}/billing-board`);
  assertOk(board);
  assert.equal(board.body.rows.find((r: { commitmentId: string }) => r.commitmentId === c.id)?.latestInvoice?.status, 'approved');
});
