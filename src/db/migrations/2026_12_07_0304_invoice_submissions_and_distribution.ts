import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Email that always reaches someone and says what changed (issue 10, items 2 and 4):
 * - the invoice distribution list follows the project's Admins on Commitments until someone edits
 *   it (a new project starts with its administrators on it). Existing projects whose list was never
 *   set follow from now on, starting with their current administrators;
 * - each submission of an invoice is recorded with what the contact claimed on each line, so a
 *   resubmission can say it is revision N and which lines changed. Invoices submitted before this
 *   migration get one record for their latest submission (its revision counted from the audit
 *   trail); its lines are known only when the invoice could not have changed since (not in Draft or
 *   Revise & Resubmit).
 */
const up = [
  `alter table project_settings add column invoice_distribution_follows_admins boolean not null default true`,
  `update project_settings s set invoice_distribution_follows_admins = false
    where exists (select 1 from project_invoice_distribution d where d.project_id = s.project_id)
       or exists (select 1 from audit_log a where a.project_id = s.project_id and a.action = 'set_invoice_distribution')`,
  `insert into project_invoice_distribution (project_id, user_id, created_at)
   select pu.project_id, pu.user_id, now()
     from project_users pu
     join project_settings s on s.project_id = pu.project_id and s.invoice_distribution_follows_admins
    where pu.commitments_permission = 'admin'
   on conflict do nothing`,
  `create table invoice_submissions (
    id uuid primary key default gen_random_uuid(),
    invoice_id uuid not null references invoices(id) on delete cascade,
    revision integer not null check (revision >= 0),
    submitted_at timestamptz not null,
    submitted_by uuid references users(id),
    lines_recorded boolean not null default true,
    unique (invoice_id, revision)
  )`,
  `create table invoice_submission_lines (
    submission_id uuid not null references invoice_submissions(id) on delete cascade,
    invoice_line_id uuid not null references invoice_lines(id) on delete cascade,
    claimed_work_cents bigint,
    claimed_percent_bp integer,
    claimed_materials_new_cents bigint not null,
    claimed_materials_installed_cents bigint not null,
    claimed_retainage_released_cents bigint not null,
    primary key (submission_id, invoice_line_id)
  )`,
  `insert into invoice_submissions (invoice_id, revision, submitted_at, submitted_by, lines_recorded)
   select i.id,
          greatest(0, (select count(*) from audit_log a
                        where a.entity_type = 'invoice' and a.entity_id = i.id::text and a.action = 'status_under_review') - 1),
          i.submitted_at,
          i.submitted_by,
          i.status not in ('draft', 'revise_and_resubmit')
     from invoices i
    where i.submitted_at is not null`,
  `insert into invoice_submission_lines (submission_id, invoice_line_id, claimed_work_cents, claimed_percent_bp,
                                        claimed_materials_new_cents, claimed_materials_installed_cents, claimed_retainage_released_cents)
   select s.id, l.id, l.claimed_work_cents, l.claimed_percent_bp, l.claimed_materials_new_cents, l.claimed_materials_installed_cents, l.claimed_retainage_released_cents
     from invoice_submissions s
     join invoice_lines l on l.invoice_id = s.invoice_id
    where s.lines_recorded`,
];

export const emailNotices = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) =>
    runStatements(db, [
      'drop table if exists invoice_submission_lines, invoice_submissions',
      'alter table project_settings drop column if exists invoice_distribution_follows_admins',
    ]),
};
