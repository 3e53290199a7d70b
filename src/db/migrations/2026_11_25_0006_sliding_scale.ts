import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Sliding-scale retention: a commitment's rules (at most five, and the rate after the last),
 * and an administrator's override of a line's work retainage this period, with its reason.
 */
const up = [
  `create table commitment_retainage_rules (
    commitment_id uuid primary key references commitments(id) on delete cascade,
    rules jsonb not null,
    after_rate_bp integer not null check (after_rate_bp between 0 and 10000),
    version integer not null default 1,
    updated_by uuid references users(id),
    updated_at timestamptz not null
  )`,
  `alter table invoice_lines add column work_retainage_override_cents bigint`,
  `alter table invoice_lines add column work_retainage_override_reason text`,
  `alter table invoice_lines add constraint invoice_lines_override_reason check ((work_retainage_override_cents is null) = (work_retainage_override_reason is null))`,
];

export const slidingScale = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) =>
    runStatements(db, [
      'alter table invoice_lines drop constraint if exists invoice_lines_override_reason',
      'alter table invoice_lines drop column if exists work_retainage_override_reason',
      'alter table invoice_lines drop column if exists work_retainage_override_cents',
      'drop table if exists commitment_retainage_rules',
    ]),
};
