-- payapp on a distributed PostgreSQL (Citus): run once on the coordinator, after `payapp migrate`,
-- before the application starts (docs/deployment.md, "On a distributed PostgreSQL (Citus)";
-- docs/decisions/025-tenant-id.md).
--
--   psql "$DIRECT_URL" -v ON_ERROR_STOP=1 -f scripts/citus-distribute.sql
--
-- 1. The tenant-owned tables take the layout Citus needs for co-location: primary keys
--    (tenant_id, id), and every foreign key between them led by tenant_id. Foreign keys from global
--    tables to tenant-owned ones (audit_log, email_messages → projects; action_tokens →
--    billing_invites) are dropped: Citus has none from a reference or coordinator-local table to a
--    distributed one; the columns stay.
-- 2. Global tables become reference tables (read everywhere, written rarely) or coordinator-local
--    tables (written often, never joined with tenant rows on a worker).
-- 3. The tenant-owned tables are distributed by tenant_id, co-located with projects.
--
-- test/db/citus-layout.test.ts runs steps 1–3 on plain PostgreSQL with the three Citus functions
-- stubbed, then a billing cycle through the API on the result.

begin;

-- The invoice-summary triggers (decision 023) fire on shards and read co-located tables.
set local citus.enable_unsafe_triggers to on;
set local citus.multi_shard_modify_mode to 'sequential';

-- The tables that carry tenant_id (src/db/tenant-check.ts TENANT_OWNED_TABLES), parents first.
create temporary table payapp_tenant_tables (position int, name text) on commit drop;
insert into payapp_tenant_tables values
  (1, 'projects'), (2, 'project_companies'), (3, 'project_users'), (4, 'project_settings'),
  (5, 'project_invoice_distribution'), (6, 'company_settings'), (7, 'commitments'),
  (8, 'commitment_private_users'), (9, 'commitment_invoice_contacts'), (10, 'commitment_retainage_rules'),
  (11, 'sov_lines'), (12, 'change_orders'), (13, 'change_order_lines'), (14, 'ssovs'), (15, 'ssov_lines'),
  (16, 'billing_periods'), (17, 'billing_invites'), (18, 'invoices'), (19, 'invoice_lines'),
  (20, 'invoice_summaries'), (21, 'invoice_attachments'), (22, 'invoice_submissions'),
  (23, 'invoice_submission_lines'), (24, 'payments'), (25, 'payment_attachments');

do $$
declare
  fk record;
  t record;
  missing text;
begin
  select string_agg(name, ', ') into missing from payapp_tenant_tables tt
   where not exists (select 1 from information_schema.columns c
                      where c.table_schema = current_schema() and c.table_name = tt.name and c.column_name = 'tenant_id');
  if missing is not null then
    raise exception 'run payapp migrate first: no tenant_id on %', missing;
  end if;

  -- Foreign keys between tenant-owned tables, remembered and dropped; they come back led by tenant_id.
  create temporary table payapp_tenant_fks on commit drop as
  select c.conname, c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
         a.attname as child_column, pa.attname as parent_column,
         case c.confdeltype when 'c' then 'on delete cascade' when 'n' then 'on delete set null' else '' end as on_delete
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    join pg_attribute pa on pa.attrelid = c.confrelid and pa.attnum = c.confkey[1]
   where c.contype = 'f' and array_length(c.conkey, 1) = 1
     and c.conrelid::regclass::text in (select name from payapp_tenant_tables)
     and c.confrelid::regclass::text in (select name from payapp_tenant_tables);
  for fk in select * from payapp_tenant_fks loop
    execute format('alter table %I drop constraint %I', fk.child, fk.conname);
  end loop;

  -- Global → tenant-owned: dropped (the column keeps its value; nothing deletes projects or invoices).
  for fk in
    select c.conname, c.conrelid::regclass::text as child from pg_constraint c
     where c.contype = 'f'
       and c.conrelid::regclass::text not in (select name from payapp_tenant_tables)
       and c.confrelid::regclass::text in (select name from payapp_tenant_tables)
  loop
    execute format('alter table %I drop constraint %I', fk.child, fk.conname);
  end loop;

  -- Primary keys on id alone become (tenant_id, id); lookups by id alone keep an index.
  for t in
    select tt.name, c.conname from payapp_tenant_tables tt
      join pg_constraint c on c.conrelid = tt.name::regclass and c.contype = 'p'
     where (select array_agg(a.attname order by a.attnum) from pg_attribute a
             where a.attrelid = c.conrelid and a.attnum = any(c.conkey)) = array['id']::name[]
  loop
    execute format('alter table %I drop constraint %I, add primary key (tenant_id, id)', t.name, t.conname);
  end loop;
  -- The project a request names (getProjectAccess) and the invite a one-click link names are found by id alone.
  create index if not exists projects_id_idx on projects (id);
  create index if not exists billing_invites_id_idx on billing_invites (id);

  for fk in select * from payapp_tenant_fks loop
    execute format('alter table %I add constraint %I foreign key (tenant_id, %I) references %I (tenant_id, %I) %s',
                   fk.child, fk.conname, fk.child_column, fk.parent, fk.parent_column, fk.on_delete);
  end loop;
end $$;

-- Reference tables: the directory and what every node reads.
select create_reference_table('companies');
select create_reference_table('users');
select create_reference_table('app_secrets');
select create_reference_table('user_preferences');

-- Coordinator-local tables: written on every sign-in, request with a key, email or audited change.
-- Joined only with reference tables, or read on their own (the outbox claim, audit verify).
select citus_add_local_table_to_metadata('sessions');
select citus_add_local_table_to_metadata('api_tokens');
select citus_add_local_table_to_metadata('user_links');
select citus_add_local_table_to_metadata('sign_in_attempts');
select citus_add_local_table_to_metadata('password_reset_requests');
select citus_add_local_table_to_metadata('idempotency_keys');
select citus_add_local_table_to_metadata('email_messages');
select citus_add_local_table_to_metadata('action_tokens');
select citus_add_local_table_to_metadata('audit_log');

-- Distributed by tenant, every tenant's rows of every table on the same node.
select create_distributed_table('projects', 'tenant_id');
select create_distributed_table(name::regclass, 'tenant_id', colocate_with => 'projects')
  from payapp_tenant_tables where name <> 'projects' order by position;

commit;
