/**
 * The tenant check (src/db/tenant-check.ts, decision 025): which statements it refuses and which
 * it lets through, and that a real query without a tenant filter fails — the whole test suite runs
 * with the check on (scripts/test.ts), so every test reaching such a query fails the same way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { crossTenant, findTenantViolations, TENANT_OWNED_TABLES, tenantCheckEnabled, TenantFilterError } from '../../src/db/tenant-check.ts';
import { makeCommitment, makeProject, systemAdminOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

const refused = (text: string) => findTenantViolations(text).map((v) => `${v.table} ${v.alias}`);

describe('statements the check refuses', () => {
  const cases: [string, string, string[]][] = [
    ['a Kysely select by id only', 'select * from "invoices" where "id" = $1', ['invoices invoices']],
    ['an aliased select filtered by project', 'select "c".* from "commitments" as "c" where "c"."project_id" = $1', ['commitments c']],
    ['a join whose second table is not tied to the tenant', 'select * from "invoices" as "i" inner join "invoice_lines" as "l" on "l"."invoice_id" = "i"."id" where "i"."tenant_id" = $1', ['invoice_lines l']],
    ['tables tied to each other but to no value', 'select * from projects p join project_users pu on pu.tenant_id = p.tenant_id where p.id = $1', ['projects p', 'project_users pu']],
    ['an update without it', 'update "invoices" set "status" = $1 where "id" = $2', ['invoices invoices']],
    ['a delete without it', 'delete from "invoice_lines" where "sov_line_id" in ($1, $2)', ['invoice_lines invoice_lines']],
    ['an insert without the column', 'insert into "invoice_lines" ("invoice_id", "source") values ($1, $2)', ['invoice_lines invoice_lines']],
    ['an insert … select whose source is unfiltered', 'insert into invoice_submission_lines (tenant_id, submission_id) select $1, l.id from invoice_lines l where l.invoice_id = $2', ['invoice_lines l']],
    ['a subquery left unfiltered', 'select * from "commitments" as "c" where "c"."tenant_id" = $1 and exists (select "k"."user_id" from "commitment_invoice_contacts" as "k" where "k"."commitment_id" = "c"."id")', ['commitment_invoice_contacts k']],
    ['tenant_id only selected, never compared', 'select "p"."tenant_id" from "projects" as "p" where "p"."id" = $1', ['projects p']],
    ['a schema-qualified name', 'select count(*) from "public"."invoices" r', ['invoices r']],
    ['a comment that is not the marker', 'select * from invoices /* tenant: later */ where id = $1', ['invoices invoices']],
    ['the marker inside a string literal', "select * from invoices where id = $1 and note = '/* cross-tenant: no */'", ['invoices invoices']],
  ];
  for (const [what, text, expected] of cases) test(what, () => assert.deepEqual(refused(text), expected));
});

describe('statements the check lets through', () => {
  const cases: [string, string][] = [
    ['an unqualified filter on one table', 'select * from "invoices" where "tenant_id" = $1 and "id" = $2'],
    ['an unqualified filter on one aliased table', 'select * from "invoices" as "i" where "tenant_id" = $1 and "i"."id" = $2'],
    ['joins tied to a filtered table', 'select * from "invoices" as "i" inner join "invoice_lines" as "l" on "l"."tenant_id" = "i"."tenant_id" and "l"."invoice_id" = "i"."id" where "i"."tenant_id" = $1'],
    ['a value on the left', 'select * from invoices i where $1 = i.tenant_id'],
    ['= any of a list', 'select * from projects p where p.tenant_id = any($1::uuid[])'],
    ['in a list', 'select * from projects p where p.tenant_id in ($1, $2)'],
    ['an insert naming the column', 'insert into "invoice_lines" ("tenant_id", "invoice_id") values ($1, $2)'],
    ['an upsert', 'insert into invoice_summaries (tenant_id, invoice_id) select $1, t.invoice_id from unnest($2::uuid[]) t(invoice_id) on conflict (tenant_id, invoice_id) do update set is_stale = invoice_summaries.is_stale'],
    ['an update … from a recordset', 'update invoice_lines il set review_status = v.status from jsonb_to_recordset($1::jsonb) as v(id uuid, status text) where il.id = v.id and il.tenant_id = $2 and il.invoice_id = $3'],
    ['a filtered subquery', 'select * from "commitments" as "c" where "c"."tenant_id" = $1 and exists (select 1 from "commitment_invoice_contacts" as "k" where "k"."tenant_id" = "c"."tenant_id")'],
    ['the cross-tenant marker', 'select id from email_messages m join projects p on p.id = m.project_id /* cross-tenant: the outbox */'],
    ['global tables only', 'select * from "users" as "u" inner join "companies" as "c" on "c"."id" = "u"."company_id" where "u"."id" = $1'],
    ['a table name inside a string', "select * from users where name = 'from invoices i'"],
    ['DDL (migrations)', 'alter table invoices add column tenant_id uuid'],
    ['transaction control', 'savepoint nested_1'],
  ];
  for (const [what, text] of cases) test(what, () => assert.deepEqual(refused(text), []));
});

test('every tenant-owned table has a tenant_id column, and no other table has one', async () => {
  const database = await openTestDatabase();
  try {
    const rows = await sql<{ tableName: string; isNullable: string; dataType: string }>`
      select table_name as "tableName", is_nullable as "isNullable", data_type as "dataType"
        from information_schema.columns where table_schema = current_schema() and column_name = 'tenant_id'`.execute(database.db);
    assert.deepEqual(rows.rows.map((r) => r.tableName).sort(), [...TENANT_OWNED_TABLES].sort());
    for (const r of rows.rows) assert.deepEqual([r.tableName, r.isNullable, r.dataType], [r.tableName, 'NO', 'uuid']);
  } finally {
    await database.close();
  }
});

/** A query on a tenant-owned table without a tenant filter: what the check must refuse. */
async function listCommitmentsUnfiltered(db: Db, projectId: string) {
  return db.selectFrom('commitments').select('id').where('projectId', '=', projectId).execute();
}

describe('against the database, with the check on', { skip: !tenantCheckEnabled && 'PAYAPP_TENANT_CHECK is not on (run through npm test)' }, () => {
  let database: TestDatabase;
  let tenantId: string;
  let projectId: string;
  before(async () => {
    database = await openTestDatabase();
    tenantId = (await systemAdminOf(database.db)).gc.id;
    const project = await makeProject(database.db);
    projectId = project.id;
    await makeCommitment(database.db, project, { sov: [100_00] });
  });
  after(() => database.close());

  test('a statement without a tenant filter fails before it is sent, naming the statement and the code that sent it', async () => {
    await assert.rejects(listCommitmentsUnfiltered(database.db, projectId), (error: unknown) => {
      assert.ok(error instanceof TenantFilterError, String(error));
      assert.match(error.message, /without a tenant filter on commitments/);
      assert.match(error.message, /select "id" from "commitments" where "project_id" = \$1/);
      // The nearest awaiting frame outside the database plumbing (here the test, as the helper does not await).
      assert.match(error.message, /sent at .*tenant-filter\.test\.ts:\d+/);
      return true;
    });
    await assert.rejects(sql`update invoices set comments = '' where project_id = ${projectId}`.execute(database.db), TenantFilterError);
  });

  test('the same statements filtered by tenant, or marked cross-tenant, run', async () => {
    const filtered = await database.db.selectFrom('commitments').select('id').where('tenantId', '=', tenantId).where('projectId', '=', projectId).execute();
    assert.equal(filtered.length, 1);
    const marked = await database.db.selectFrom('commitments').select('id').where('projectId', '=', projectId).modifyEnd(crossTenant('a test of the marker')).execute();
    assert.equal(marked.length, 1);
    await sql`update invoices set comments = '' where tenant_id = ${tenantId} and project_id = ${projectId}`.execute(database.db);
  });
});
