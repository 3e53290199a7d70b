import { sql, type Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Issue 12, scale-out: the tenant — the general contractor's company — becomes explicit
 * (docs/decisions/025-tenant-id.md). Every tenant-owned table gets `tenant_id uuid not null
 * references companies(id)`; every unique key of those tables (primary keys of the link tables
 * included) gains it as its first column, as a distributed PostgreSQL (Citus, distributing by
 * tenant_id) requires, and the ON CONFLICT targets follow; the invoice-summary triggers carry the
 * tenant; `company_settings` becomes one row per tenant.
 *
 * Backfill: today an installation serves one GC, so every existing row belongs to it — the general
 * contractor company whose people are company admins (else the oldest one). It is written as the
 * column's default while the column is added (no table is rewritten, however many invoice lines),
 * then the default is dropped: new rows must name their tenant. A database with projects but no
 * general contractor company gets one, named "General Contractor".
 *
 * Surrogate primary keys (`id`) and the foreign keys between tenant-owned tables stay as they
 * were here: ids are unique across tenants, and the plain indexes that serve the foreign keys'
 * own checks (a deleted SOV line, billing period or change-order line looks its referencing rows up
 * by that column alone) are kept as they are. The Citus layout — primary keys (tenant_id, id) and
 * composite foreign keys — is docs/deployment.md's distribution script.
 */
export const TENANT_TABLES = [
  'projects',
  'project_companies',
  'project_users',
  'project_settings',
  'project_invoice_distribution',
  'commitments',
  'commitment_private_users',
  'commitment_invoice_contacts',
  'commitment_retainage_rules',
  'sov_lines',
  'change_orders',
  'change_order_lines',
  'ssovs',
  'ssov_lines',
  'billing_periods',
  'billing_invites',
  'invoices',
  'invoice_lines',
  'invoice_summaries',
  'invoice_attachments',
  'invoice_submissions',
  'invoice_submission_lines',
  'payments',
  'payment_attachments',
] as const;

/** [table, constraint or index to replace, its new definition] — the same keys, tenant_id first. */
const KEYS: [string, string, string][] = [
  ['project_companies', 'constraint project_companies_pkey', 'primary key (tenant_id, project_id, company_id)'],
  ['project_users', 'constraint project_users_pkey', 'primary key (tenant_id, project_id, user_id)'],
  ['project_settings', 'constraint project_settings_pkey', 'primary key (tenant_id, project_id)'],
  ['project_invoice_distribution', 'constraint project_invoice_distribution_pkey', 'primary key (tenant_id, project_id, user_id)'],
  ['commitments', 'constraint commitments_project_id_number_key', 'unique (tenant_id, project_id, number)'],
  ['commitment_private_users', 'constraint commitment_private_users_pkey', 'primary key (tenant_id, commitment_id, user_id)'],
  ['commitment_invoice_contacts', 'constraint commitment_invoice_contacts_pkey', 'primary key (tenant_id, commitment_id, user_id)'],
  ['commitment_retainage_rules', 'constraint commitment_retainage_rules_pkey', 'primary key (tenant_id, commitment_id)'],
  ['change_orders', 'constraint change_orders_commitment_id_number_key', 'unique (tenant_id, commitment_id, number)'],
  ['ssovs', 'constraint ssovs_pkey', 'primary key (tenant_id, commitment_id)'],
  ['billing_periods', 'constraint billing_periods_project_id_starts_on_key', 'unique (tenant_id, project_id, starts_on)'],
  ['billing_invites', 'constraint billing_invites_billing_period_id_commitment_id_key', 'unique (tenant_id, billing_period_id, commitment_id)'],
  ['invoices', 'constraint invoices_commitment_id_sequence_key', 'unique (tenant_id, commitment_id, sequence)'],
  ['invoice_summaries', 'constraint invoice_summaries_pkey', 'primary key (tenant_id, invoice_id)'],
  ['invoice_submissions', 'constraint invoice_submissions_invoice_id_revision_key', 'unique (tenant_id, invoice_id, revision)'],
  ['invoice_submission_lines', 'constraint invoice_submission_lines_pkey', 'primary key (tenant_id, submission_id, invoice_line_id)'],
];

/** Unique indexes (not constraints), rebuilt under the same names. */
const UNIQUE_INDEXES: [string, string, string][] = [
  ['billing_periods_one_open_key', 'billing_periods (project_id) where status = \'open\'', 'billing_periods (tenant_id, project_id) where status = \'open\''],
  ['invoice_lines_sov_key', 'invoice_lines (invoice_id, sov_line_id) where sov_line_id is not null and ssov_line_id is null', 'invoice_lines (tenant_id, invoice_id, sov_line_id) where sov_line_id is not null and ssov_line_id is null'],
  ['invoice_lines_co_key', 'invoice_lines (invoice_id, change_order_line_id) where change_order_line_id is not null', 'invoice_lines (tenant_id, invoice_id, change_order_line_id) where change_order_line_id is not null'],
  ['invoice_lines_ssov_key', 'invoice_lines (invoice_id, ssov_line_id) where ssov_line_id is not null', 'invoice_lines (tenant_id, invoice_id, ssov_line_id) where ssov_line_id is not null'],
];

const markStale = `
  on conflict (tenant_id, invoice_id) do update set is_stale = true, generation = invoice_summaries.generation + 1`;

/** The invoice-summary functions of 2026_12_09_0201, each given the tenants of the rows it is about. */
const SUMMARY_FUNCTIONS = [
  `create function invoice_summaries_mark_stale(tenant_ids uuid[], invoice_ids uuid[]) returns void language sql as $$
    insert into invoice_summaries (tenant_id, invoice_id, is_stale, generation)
    select distinct i.tenant_id, i.id, true, 1
      from invoices a
      join invoices i on i.tenant_id = a.tenant_id and i.commitment_id = a.commitment_id
       and (i.id = a.id or (i.sequence > a.sequence and i.status not in ('approved','approved_as_noted')))
     where a.tenant_id = any(tenant_ids) and a.id = any(invoice_ids)
     order by i.id
    ${markStale}
  $$`,
  `create function invoice_summaries_mark_commitments_stale(tenant_ids uuid[], commitment_ids uuid[]) returns void language sql as $$
    insert into invoice_summaries (tenant_id, invoice_id, is_stale, generation)
    select i.tenant_id, i.id, true, 1
      from invoices i
     where i.tenant_id = any(tenant_ids) and i.commitment_id = any(commitment_ids) and i.status not in ('approved','approved_as_noted')
     order by i.id
    ${markStale}
  $$`,
  `create or replace function invoice_lines_summaries_stale() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' then
      perform invoice_summaries_mark_stale(array(select distinct tenant_id from old_rows), array(select distinct invoice_id from old_rows));
    else
      perform invoice_summaries_mark_stale(array(select distinct tenant_id from new_rows), array(select distinct invoice_id from new_rows));
    end if;
    return null;
  end $$`,
  `create or replace function invoices_summaries_stale() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' then
      perform invoice_summaries_mark_commitments_stale(array(select distinct tenant_id from old_rows), array(select distinct commitment_id from old_rows));
    else
      perform invoice_summaries_mark_stale(array(select distinct tenant_id from new_rows), array(
        select n.id from new_rows n join old_rows o on o.id = n.id
         where n.status is distinct from o.status
            or n.retainage_rules is distinct from o.retainage_rules
            or (n.snapshot is null) <> (o.snapshot is null)));
    end if;
    return null;
  end $$`,
  `create or replace function commitment_lines_summaries_stale() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' then
      perform invoice_summaries_mark_commitments_stale(array(select distinct tenant_id from old_rows), array(select distinct commitment_id from old_rows));
    else
      perform invoice_summaries_mark_commitments_stale(array(select distinct tenant_id from new_rows), array(select distinct commitment_id from new_rows));
    end if;
    return null;
  end $$`,
  `create or replace function change_order_lines_summaries_stale() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' then
      perform invoice_summaries_mark_commitments_stale(array(select distinct tenant_id from old_rows), array(
        select distinct co.commitment_id from old_rows r join change_orders co on co.tenant_id = r.tenant_id and co.id = r.change_order_id));
    else
      perform invoice_summaries_mark_commitments_stale(array(select distinct tenant_id from new_rows), array(
        select distinct co.commitment_id from new_rows r join change_orders co on co.tenant_id = r.tenant_id and co.id = r.change_order_id));
    end if;
    return null;
  end $$`,
  'drop function invoice_summaries_mark_stale(uuid[])',
  'drop function invoice_summaries_mark_commitments_stale(uuid[])',
];

/** The installation's general contractor (created when projects exist without one), or null for an empty database. */
async function installationTenant(db: Kysely<unknown>): Promise<string | null> {
  const found = await sql<{ id: string }>`
    select c.id from companies c
     where c.kind = 'general_contractor'
     order by exists (select 1 from users u where u.company_id = c.id and u.is_company_admin) desc, c.created_at, c.id
     limit 1`.execute(db);
  if (found.rows[0]) return found.rows[0].id;
  const projects = await sql`select 1 from projects limit 1`.execute(db);
  if (projects.rows.length === 0) return null;
  const created = await sql<{ id: string }>`
    insert into companies (name, kind) values ('General Contractor', 'general_contractor') returning id`.execute(db);
  return created.rows[0]!.id;
}

function uuidLiteral(id: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error(`not a uuid: ${id}`);
  return `'${id}'::uuid`;
}

async function up(db: Kysely<unknown>): Promise<void> {
  const tenant = await installationTenant(db);
  const columns = TENANT_TABLES.flatMap((table) =>
    tenant
      ? [
          `alter table ${table} add column tenant_id uuid not null default ${uuidLiteral(tenant)} references companies(id)`,
          `alter table ${table} alter column tenant_id drop default`,
        ]
      : [`alter table ${table} add column tenant_id uuid not null references companies(id)`],
  );
  const companySettings = [
    'alter table company_settings add column tenant_id uuid references companies(id)',
    tenant ? `update company_settings set tenant_id = ${uuidLiteral(tenant)}` : 'delete from company_settings',
    'alter table company_settings drop constraint company_settings_pkey',
    'alter table company_settings drop column id',
    'alter table company_settings alter column tenant_id set not null',
    'alter table company_settings add primary key (tenant_id)',
  ];
  const keys = KEYS.flatMap(([table, old, definition]) => [`alter table ${table} drop ${old}, add ${definition}`]);
  const uniqueIndexes = UNIQUE_INDEXES.flatMap(([name, , definition]) => [`drop index ${name}`, `create unique index ${name} on ${definition}`]);
  await runStatements(db, [
    ...columns,
    ...companySettings,
    ...keys,
    ...uniqueIndexes,
    // The one query that filters by the tenant alone: an administrator's projects, by name.
    'create index projects_tenant_idx on projects (tenant_id, name)',
    ...SUMMARY_FUNCTIONS,
  ]);
}

async function down(db: Kysely<unknown>): Promise<void> {
  const oldKey = (definition: string) => definition.replace('(tenant_id, ', '(');
  await runStatements(db, [
    'drop function if exists invoice_summaries_mark_stale(uuid[], uuid[]) cascade',
    'drop function if exists invoice_summaries_mark_commitments_stale(uuid[], uuid[]) cascade',
    'drop index if exists projects_tenant_idx',
    ...UNIQUE_INDEXES.flatMap(([name, definition]) => [`drop index ${name}`, `create unique index ${name} on ${definition}`]),
    ...KEYS.map(([table, old, definition]) => {
      const current = definition.startsWith('primary key') ? `constraint ${table}_pkey` : `constraint ${table}_tenant_id_${definition.slice('unique ('.length, -1).replace('tenant_id, ', '').replace(/, /g, '_')}_key`;
      const restored = old.replace('constraint ', '');
      return `alter table ${table} drop ${current}, add constraint ${restored} ${oldKey(definition)}`;
    }),
    'alter table company_settings drop constraint company_settings_pkey',
    'delete from company_settings where tenant_id <> (select tenant_id from company_settings order by tenant_id limit 1)',
    'alter table company_settings add column id boolean primary key default true check (id)',
    'alter table company_settings drop column tenant_id',
    'insert into company_settings default values on conflict do nothing',
    ...TENANT_TABLES.map((table) => `alter table ${table} drop column tenant_id`),
  ]);
  // The functions of 2026_12_09_0201, by id only.
  const { invoiceSummaries } = await import('./2026_12_09_0201_invoice_summaries.ts');
  await invoiceSummaries.down(db);
  await invoiceSummaries.up(db);
}

export const tenantIds = { up, down };
