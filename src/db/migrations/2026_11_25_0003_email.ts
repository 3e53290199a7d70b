import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Email: one row per message per recipient, written in the transaction of the change that causes
 * it and delivered by the worker; notification settings and the invoice distribution list; the
 * single-use tokens behind one-click answers; a signing secret shared by every process.
 */
const up = [
  `create table email_messages (
    id bigserial primary key,
    kind text not null,
    project_id uuid references projects(id) on delete cascade,
    to_user_id uuid references users(id) on delete set null,
    to_address text not null,
    payload jsonb not null,
    status text not null default 'pending' check (status in ('pending','sending','sent','failed','skipped')),
    skip_reason text,
    dedupe_key text unique,
    message_id text not null unique,
    attempts integer not null default 0,
    next_attempt_at timestamptz not null,
    lease_until timestamptz,
    last_error text,
    transport text,
    subject text,
    html text,
    text text,
    created_at timestamptz not null,
    sent_at timestamptz
  )`,
  `create index email_messages_due_idx on email_messages (next_attempt_at) where status = 'pending'`,
  `create index email_messages_project_idx on email_messages (project_id, id)`,
  `create index email_messages_status_idx on email_messages (status, id)`,
  `alter table project_settings add column reminders_enabled boolean not null default false`,
  `alter table project_settings add column reminder_frequency_days integer not null default 1 check (reminder_frequency_days in (1, 2, 3))`,
  `alter table project_settings add column digest_enabled boolean not null default false`,
  `alter table project_settings add column approval_notices_enabled boolean not null default false`,
  `create table project_invoice_distribution (
    project_id uuid not null references projects(id) on delete cascade,
    user_id uuid not null references users(id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (project_id, user_id)
  )`,
  `create table action_tokens (
    id uuid primary key default gen_random_uuid(),
    purpose text not null check (purpose in ('invite_response')),
    invite_id uuid not null references billing_invites(id) on delete cascade,
    user_id uuid not null references users(id) on delete cascade,
    response text not null check (response in ('accepted','declined')),
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null
  )`,
  `create table app_secrets (
    name text primary key,
    value text not null,
    created_at timestamptz not null default now()
  )`,
  `drop table outbox`,
];

export const email = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) =>
    runStatements(db, [
      'create table outbox (id bigserial primary key, topic text not null, payload jsonb not null, created_at timestamptz not null)',
      'drop table if exists app_secrets, action_tokens, project_invoice_distribution, email_messages cascade',
      'alter table project_settings drop column reminders_enabled, drop column reminder_frequency_days, drop column digest_enabled, drop column approval_notices_enabled',
    ]),
};
