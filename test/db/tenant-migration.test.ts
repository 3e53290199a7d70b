/**
 * The migration that makes the tenant explicit (2026_12_10_0101, decision 025) on a database with
 * data: every row of every tenant-owned table gets the installation's general contractor — the
 * GC company whose people are company admins, not merely the first GC of the directory — the
 * column is NOT NULL without a default afterwards, and the company-wide setting becomes that GC's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrateToLatest, migrations } from '../../src/db/migrate.ts';
import { TENANT_OWNED_TABLES } from '../../src/db/tenant-check.ts';
import { testDatabaseUrl } from '../support/test-db.ts';
import { everyTenant } from '../support/tenants.ts';

const BEFORE_TENANTS = '2026_12_09_0202_action_link_secret';

async function openBlankDatabase(): Promise<DatabaseHandle> {
  const url = testDatabaseUrl();
  if (!url) return openDatabase({ dataDir: 'memory://' });
  const name = `payapp_test_tenant_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
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

test('existing rows get the installation GC; the column is required from then on; the company setting is that GC’s', async () => {
  const database = await openBlankDatabase();
  try {
    const { db } = database;
    const migrated = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(BEFORE_TENANTS);
    assert.equal(migrated.error, undefined);
    // A GC listed first by name with no company admin, the installation's GC, a subcontractor; a project billed once.
    await sql`
      with other as (insert into companies (name, kind) values ('Aardvark GC', 'general_contractor') returning id),
           gc as (insert into companies (name, kind) values ('Zenith Builders', 'general_contractor') returning id),
           sub as (insert into companies (name, kind) values ('Drywall Co', 'subcontractor') returning id),
           admin as (insert into users (company_id, name, email, is_company_admin) select id, 'Ada Admin', 'ada@zenith.test', true from gc returning id),
           p as (insert into projects (name, currency, locale, time_zone) values ('Tower', 'USD', 'en-US', 'UTC') returning id),
           s as (insert into project_settings (project_id) select id from p returning project_id),
           pc as (insert into project_companies (project_id, company_id) select p.id, sub.id from p, sub returning project_id),
           c as (insert into commitments (project_id, kind, number, contract_company_id) select p.id, 'subcontract', 'SC-1', sub.id from p, sub returning id, project_id),
           l as (insert into sov_lines (commitment_id, position, description, scheduled_value_cents) select id, 1, 'Walls', 100000 from c returning id, commitment_id),
           bp as (insert into billing_periods (project_id, starts_on, ends_on, due_on, status) select id, '2026-11-01', '2026-11-30', '2026-12-05', 'open' from p returning id),
           i as (insert into invoices (project_id, commitment_id, billing_period_id, sequence, invoice_type, billing_date, period_start, period_end, created_by, created_by_role)
                 select c.project_id, c.id, bp.id, 1, 'work_and_materials', '2026-11-30', '2026-11-01', '2026-11-30', admin.id, 'admin' from c, bp, admin returning id)
      insert into invoice_lines (invoice_id, source, sov_line_id, claimed_work_cents, certified_work_cents, work_retainage_bp, materials_retainage_bp)
      select i.id, 'sov', l.id, 500, 500, 1000, 0 from i, l
      /* cross-tenant: rows written before the tenant column existed */`.execute(db);
    await sql`update company_settings set prevent_overbilling_all_projects = true /* cross-tenant: before the tenant column existed */`.execute(db);

    await migrateToLatest(db);

    const gc = (await db.selectFrom('companies').select('id').where('name', '=', 'Zenith Builders').executeTakeFirstOrThrow()).id;
    for (const table of TENANT_OWNED_TABLES) {
      const { rows } = await sql<{ tenantId: string; n: number }>`
        select tenant_id as "tenantId", count(*)::int as n from ${sql.table(table)} group by tenant_id ${everyTenant}`.execute(db);
      for (const row of rows) assert.equal(row.tenantId, gc, `${table}: the installation's GC`);
    }
    const filled = await db.selectFrom('invoiceLines').select('tenantId').modifyEnd(everyTenant).execute();
    assert.equal(filled.length, 1);
    const { rows: columns } = await sql<{ table: string; nullable: string; fallback: string | null }>`
      select table_name as "table", is_nullable as nullable, column_default as fallback
        from information_schema.columns where table_schema = current_schema() and column_name = 'tenant_id'`.execute(db);
    assert.deepEqual(columns.filter((c) => c.nullable !== 'NO' || c.fallback !== null), [], 'required, with no default left behind');
    assert.deepEqual(await db.selectFrom('companySettings').select(['tenantId', 'preventOverbillingAllProjects']).modifyEnd(everyTenant).execute(), [
      { tenantId: gc, preventOverbillingAllProjects: true },
    ]);
    await assert.rejects(
      sql`insert into projects (name, currency, locale, time_zone) values ('No owner', 'USD', 'en-US', 'UTC') /* cross-tenant: a test of the constraint */`.execute(db),
      /tenant_id/,
      'a project without its tenant is refused',
    );
  } finally {
    await database.close();
  }
});
