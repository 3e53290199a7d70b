import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * The Subcontractor SOV: one per commitment (status and review trail, a version for optimistic
 * concurrency), its detail lines (each part of one SOV line), the project's "enable SSOV on new
 * commitments" default, and the link from an invoice line to the detail line it bills. A detail
 * line's invoice line keeps `sov_line_id` = the SOV line it rolls up to, so everything that asks
 * "has this SOV line been billed?" still sees it; `ssov_line_id` says which detail line it is.
 */
const up = [
  // Procore's default is ON; payapp starts OFF so that existing projects and every commitment
  // created without saying otherwise keep billing by SOV line (an administrator turns it on).
  `alter table project_settings add column ssov_enabled_by_default boolean not null default false`,
  `create table ssovs (
    commitment_id uuid primary key references commitments(id) on delete cascade,
    status text not null default 'draft' check (status in ('draft','under_review','approved','revise_and_resubmit')),
    version integer not null default 1,
    submitted_at timestamptz,
    submitted_by uuid references users(id),
    approved_at timestamptz,
    approved_by uuid references users(id),
    sent_back_at timestamptz,
    sent_back_by uuid references users(id),
    sent_back_reason text,
    requested_at timestamptz,
    requested_by uuid references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `insert into ssovs (commitment_id) select id from commitments where ssov_enabled`,
  `create table ssov_lines (
    id uuid primary key default gen_random_uuid(),
    commitment_id uuid not null references commitments(id) on delete cascade,
    sov_line_id uuid not null references sov_lines(id) on delete cascade,
    position integer not null check (position >= 1),
    description text not null check (length(trim(description)) > 0),
    cost_code text not null default '',
    amount_cents bigint not null check (amount_cents >= 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index ssov_lines_commitment_idx on ssov_lines (commitment_id, sov_line_id, position)`,
  `create index ssov_lines_sov_line_idx on ssov_lines (sov_line_id)`,
  `alter table invoice_lines add column ssov_line_id uuid references ssov_lines(id)`,
  `alter table invoice_lines add constraint invoice_lines_ssov_is_sov check (ssov_line_id is null or source = 'sov')`,
  // One line per SOV line per invoice — or, with an SSOV, one per detail line (several per SOV line).
  `drop index invoice_lines_sov_key`,
  `create unique index invoice_lines_sov_key on invoice_lines (invoice_id, sov_line_id) where sov_line_id is not null and ssov_line_id is null`,
  `create unique index invoice_lines_ssov_key on invoice_lines (invoice_id, ssov_line_id) where ssov_line_id is not null`,
  `create index invoice_lines_ssov_idx on invoice_lines (ssov_line_id)`,
];

export const ssov = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) =>
    runStatements(db, [
      'delete from invoice_lines where ssov_line_id is not null',
      'drop index if exists invoice_lines_ssov_idx',
      'drop index if exists invoice_lines_ssov_key',
      'drop index if exists invoice_lines_sov_key',
      'create unique index invoice_lines_sov_key on invoice_lines (invoice_id, sov_line_id) where sov_line_id is not null',
      'alter table invoice_lines drop constraint if exists invoice_lines_ssov_is_sov',
      'alter table invoice_lines drop column if exists ssov_line_id',
      'drop table if exists ssov_lines, ssovs cascade',
      'alter table project_settings drop column if exists ssov_enabled_by_default',
    ]),
};
