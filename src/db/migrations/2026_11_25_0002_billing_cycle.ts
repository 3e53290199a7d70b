import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/** Billing periods, Invite to Bill, subcontractor invoices and their lines, attachments, idempotency, outbox. */
const up = [
  `create table company_settings (
    id boolean primary key default true check (id),
    prevent_overbilling_all_projects boolean not null default false,
    updated_at timestamptz not null default now()
  )`,
  `insert into company_settings default values`,
  `create table project_settings (
    project_id uuid primary key references projects(id) on delete cascade,
    period_start_day integer not null default 1 check (period_start_day between 1 and 31),
    period_end_day integer not null default 31 check (period_end_day between 1 and 31),
    period_due_day integer not null default 25 check (period_due_day between 1 and 31),
    automatic_frequency text not null default 'never' check (automatic_frequency in ('never','monthly','weekly')),
    automatic_starts_on date,
    contacts_may_bill_without_invite boolean not null default true,
    contact_default_invoice_type text not null default 'work_and_materials'
      check (contact_default_invoice_type in ('work_and_materials','work_materials_retainage')),
    invite_message text not null default '',
    allow_overbilling boolean not null default true,
    version integer not null default 1,
    updated_at timestamptz not null default now()
  )`,
  `insert into project_settings (project_id) select id from projects`,
  `create table billing_periods (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references projects(id) on delete cascade,
    starts_on date not null,
    ends_on date not null,
    due_on date not null,
    status text not null check (status in ('open','closed')),
    origin text not null default 'manual' check (origin in ('manual','automatic')),
    version integer not null default 1,
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (starts_on <= ends_on),
    unique (project_id, starts_on)
  )`,
  `create unique index billing_periods_one_open_key on billing_periods (project_id) where status = 'open'`,
  `create table billing_invites (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references projects(id) on delete cascade,
    billing_period_id uuid not null references billing_periods(id),
    commitment_id uuid not null references commitments(id) on delete cascade,
    invoice_type text not null check (invoice_type in ('work_and_materials','retainage_release','work_materials_retainage')),
    message text not null default '',
    invited_by uuid not null references users(id),
    invited_at timestamptz not null,
    response text check (response in ('accepted','declined')),
    responded_by uuid references users(id),
    responded_at timestamptz,
    unique (billing_period_id, commitment_id)
  )`,
  `create table invoices (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references projects(id) on delete cascade,
    commitment_id uuid not null references commitments(id) on delete cascade,
    billing_period_id uuid not null references billing_periods(id),
    sequence integer not null,
    number text,
    invoice_type text not null check (invoice_type in ('work_and_materials','retainage_release','work_materials_retainage')),
    status text not null default 'draft'
      check (status in ('draft','under_review','revise_and_resubmit','pending_owner_approval','approved','approved_as_noted')),
    billing_date date not null,
    period_start date not null,
    period_end date not null,
    comments text not null default '',
    created_by uuid not null references users(id),
    created_by_role text not null check (created_by_role in ('contact','admin')),
    submitted_at timestamptz,
    submitted_by uuid references users(id),
    approved_at timestamptz,
    approved_by uuid references users(id),
    snapshot jsonb,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (commitment_id, sequence)
  )`,
  `create index invoices_period_idx on invoices (billing_period_id, commitment_id)`,
  `create index invoices_project_idx on invoices (project_id, status)`,
  `create table invoice_lines (
    id uuid primary key default gen_random_uuid(),
    invoice_id uuid not null references invoices(id) on delete cascade,
    source text not null check (source in ('sov','change_order')),
    sov_line_id uuid references sov_lines(id),
    change_order_line_id uuid references change_order_lines(id),
    claimed_work_cents bigint,
    claimed_percent_bp integer,
    claimed_materials_new_cents bigint not null default 0,
    claimed_materials_installed_cents bigint not null default 0,
    claimed_retainage_released_cents bigint not null default 0,
    certified_work_cents bigint,
    certified_percent_bp integer,
    certified_materials_new_cents bigint not null default 0,
    certified_materials_installed_cents bigint not null default 0,
    certified_retainage_released_cents bigint not null default 0,
    is_certified_adjusted boolean not null default false,
    difference_reason text,
    work_retainage_bp integer not null check (work_retainage_bp between 0 and 10000),
    materials_retainage_bp integer not null check (materials_retainage_bp between 0 and 10000),
    is_rate_overridden boolean not null default false,
    review_status text check (review_status in ('approved','rejected')),
    review_reason text,
    check ((source = 'sov') = (sov_line_id is not null)),
    check ((source = 'change_order') = (change_order_line_id is not null)),
    check (claimed_work_cents is not null or claimed_percent_bp is not null),
    check (certified_work_cents is not null or certified_percent_bp is not null)
  )`,
  `create unique index invoice_lines_sov_key on invoice_lines (invoice_id, sov_line_id) where sov_line_id is not null`,
  `create unique index invoice_lines_co_key on invoice_lines (invoice_id, change_order_line_id) where change_order_line_id is not null`,
  `create index invoice_lines_sov_idx on invoice_lines (sov_line_id)`,
  `create index invoice_lines_co_idx on invoice_lines (change_order_line_id)`,
  `create table invoice_attachments (
    id uuid primary key default gen_random_uuid(),
    invoice_id uuid not null references invoices(id) on delete cascade,
    filename text not null,
    content_type text not null,
    size_bytes integer not null,
    content bytea not null,
    uploaded_by uuid not null references users(id),
    created_at timestamptz not null default now(),
    deleted_at timestamptz
  )`,
  `create index invoice_attachments_invoice_idx on invoice_attachments (invoice_id)`,
  `create table idempotency_keys (
    user_id uuid not null references users(id) on delete cascade,
    key text not null,
    method text not null,
    path text not null,
    request_hash text not null,
    status text not null check (status in ('in_progress','done')),
    response_status integer,
    response_body text,
    created_at timestamptz not null,
    primary key (user_id, key)
  )`,
  `create table outbox (
    id bigserial primary key,
    topic text not null,
    payload jsonb not null,
    created_at timestamptz not null
  )`,
];

export const billingCycle = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) =>
    runStatements(db, [
      'drop table if exists outbox, idempotency_keys, invoice_attachments, invoice_lines, invoices, billing_invites, billing_periods, project_settings, company_settings cascade',
    ]),
};
