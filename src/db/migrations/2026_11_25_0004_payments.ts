import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Payments issued against approved invoices (recorded here, paid outside payapp). A payment is
 * never deleted: voiding keeps the row with who, when and why. Optional two-person rule per project.
 */
const up = [
  `alter table project_settings add column two_person_payment_rule boolean not null default false`,
  `create table payments (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references projects(id) on delete cascade,
    commitment_id uuid not null references commitments(id) on delete cascade,
    invoice_id uuid not null references invoices(id) on delete cascade,
    payment_number text not null default '',
    amount_cents bigint not null check (amount_cents > 0),
    paid_on date not null,
    method text not null check (method in ('check','electronic','card','other')),
    reference text not null default '',
    notes text not null default '',
    recorded_by uuid not null references users(id),
    recorded_at timestamptz not null,
    voided_at timestamptz,
    voided_by uuid references users(id),
    void_reason text,
    check ((voided_at is null) = (voided_by is null) and (voided_at is null) = (void_reason is null))
  )`,
  `create index payments_invoice_idx on payments (invoice_id)`,
  `create index payments_commitment_idx on payments (commitment_id)`,
  `create table payment_attachments (
    id uuid primary key default gen_random_uuid(),
    payment_id uuid not null references payments(id) on delete cascade,
    filename text not null,
    content_type text not null,
    size_bytes integer not null,
    content bytea not null,
    uploaded_by uuid not null references users(id),
    created_at timestamptz not null default now()
  )`,
  `create index payment_attachments_payment_idx on payment_attachments (payment_id)`,
];

export const payments = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) =>
    runStatements(db, ['drop table if exists payment_attachments, payments cascade', 'alter table project_settings drop column if exists two_person_payment_rule']),
};
