import { sql, type Kysely } from 'kysely';

/** Directory, projects, commitments with SOV and change orders, audit log, authentication. */
const up = [
  `create table companies (
    id uuid primary key default gen_random_uuid(),
    name text not null check (length(trim(name)) > 0),
    kind text not null check (kind in ('general_contractor','subcontractor','supplier','owner')),
    address text not null default '',
    default_invoice_contact_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create table users (
    id uuid primary key default gen_random_uuid(),
    company_id uuid not null references companies(id),
    name text not null check (length(trim(name)) > 0),
    email text not null,
    is_active boolean not null default true,
    email_enabled boolean not null default true,
    is_company_admin boolean not null default false,
    password_hash text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create unique index users_email_lower_key on users (lower(email))`,
  `create index users_company_idx on users (company_id)`,
  `alter table companies add constraint companies_default_invoice_contact_fk
     foreign key (default_invoice_contact_id) references users(id)`,
  `create table projects (
    id uuid primary key default gen_random_uuid(),
    name text not null check (length(trim(name)) > 0),
    number text not null default '',
    address text not null default '',
    currency text not null check (currency in ('USD','CAD')),
    locale text not null check (locale in ('en-US','en-CA')),
    time_zone text not null,
    terminology text not null default 'general_contractor'
      check (terminology in ('general_contractor','owner','specialty_contractor')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create table project_companies (
    project_id uuid not null references projects(id) on delete cascade,
    company_id uuid not null references companies(id),
    created_at timestamptz not null default now(),
    primary key (project_id, company_id)
  )`,
  `create table project_users (
    project_id uuid not null references projects(id) on delete cascade,
    user_id uuid not null references users(id),
    commitments_permission text not null check (commitments_permission in ('none','read_only','standard','admin')),
    created_at timestamptz not null default now(),
    primary key (project_id, user_id)
  )`,
  `create index project_users_user_idx on project_users (user_id)`,
  `create table commitments (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references projects(id) on delete cascade,
    kind text not null check (kind in ('subcontract','purchase_order')),
    number text not null check (length(trim(number)) > 0),
    title text not null default '',
    description text not null default '',
    status text not null default 'draft'
      check (status in ('draft','out_for_signature','approved','complete','terminated','void')),
    contract_company_id uuid references companies(id),
    is_private boolean not null default true,
    private_sov_visible boolean not null default false,
    accounting_method text not null default 'amount' check (accounting_method in ('amount','unit_quantity')),
    retainage_work_bp integer not null default 0 check (retainage_work_bp between 0 and 10000),
    retainage_materials_bp integer not null default 0 check (retainage_materials_bp between 0 and 10000),
    ssov_enabled boolean not null default false,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (project_id, number)
  )`,
  `create index commitments_company_idx on commitments (contract_company_id)`,
  `create table commitment_private_users (
    commitment_id uuid not null references commitments(id) on delete cascade,
    user_id uuid not null references users(id),
    created_at timestamptz not null default now(),
    primary key (commitment_id, user_id)
  )`,
  `create index commitment_private_users_user_idx on commitment_private_users (user_id)`,
  `create table commitment_invoice_contacts (
    commitment_id uuid not null references commitments(id) on delete cascade,
    user_id uuid not null references users(id),
    created_at timestamptz not null default now(),
    primary key (commitment_id, user_id)
  )`,
  `create index commitment_invoice_contacts_user_idx on commitment_invoice_contacts (user_id)`,
  `create table sov_lines (
    id uuid primary key default gen_random_uuid(),
    commitment_id uuid not null references commitments(id) on delete cascade,
    position integer not null,
    item_number text not null default '',
    cost_code text not null default '',
    description text not null,
    scheduled_value_cents bigint not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index sov_lines_commitment_idx on sov_lines (commitment_id, position)`,
  `create table change_orders (
    id uuid primary key default gen_random_uuid(),
    commitment_id uuid not null references commitments(id) on delete cascade,
    number text not null check (length(trim(number)) > 0),
    title text not null default '',
    status text not null default 'draft' check (status in ('draft','pending','approved','void')),
    approved_at timestamptz,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (commitment_id, number)
  )`,
  `create table change_order_lines (
    id uuid primary key default gen_random_uuid(),
    change_order_id uuid not null references change_orders(id) on delete cascade,
    position integer not null,
    item_number text not null default '',
    cost_code text not null default '',
    description text not null,
    amount_cents bigint not null
  )`,
  `create index change_order_lines_co_idx on change_order_lines (change_order_id, position)`,
  `create table audit_log (
    id bigserial primary key,
    occurred_at timestamptz not null,
    actor_user_id uuid references users(id),
    project_id uuid references projects(id) on delete cascade,
    entity_type text not null,
    entity_id text not null,
    action text not null,
    before jsonb,
    after jsonb
  )`,
  `create index audit_log_entity_idx on audit_log (entity_type, entity_id, id)`,
  `create index audit_log_project_idx on audit_log (project_id, id)`,
  `create table sessions (
    id text primary key,
    user_id uuid not null references users(id) on delete cascade,
    csrf_token text not null,
    created_at timestamptz not null,
    last_seen_at timestamptz not null,
    expires_at timestamptz not null
  )`,
  `create index sessions_user_idx on sessions (user_id)`,
  `create table api_tokens (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references users(id) on delete cascade,
    name text not null,
    token_hash text not null unique,
    token_prefix text not null,
    created_at timestamptz not null,
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  `create table sign_in_attempts (
    id bigserial primary key,
    email_lower text not null,
    ip text not null,
    succeeded boolean not null,
    attempted_at timestamptz not null
  )`,
  `create index sign_in_attempts_email_idx on sign_in_attempts (email_lower, attempted_at)`,
  `create index sign_in_attempts_ip_idx on sign_in_attempts (ip, attempted_at)`,
  `create table user_links (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references users(id) on delete cascade,
    purpose text not null check (purpose in ('invitation','password_reset')),
    token_hash text not null unique,
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null
  )`,
];

export async function runStatements(db: Kysely<unknown>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export const foundation = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) =>
    runStatements(db, [
      'drop table if exists user_links, sign_in_attempts, api_tokens, sessions, audit_log, change_order_lines, change_orders, sov_lines, commitment_invoice_contacts, commitment_private_users, commitments, project_users, project_companies, projects cascade',
      'alter table companies drop constraint if exists companies_default_invoice_contact_fk',
      'drop table if exists users, companies cascade',
    ]),
};
