import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Issue 12: each invoice's G702 summary is kept in `invoice_summaries` so the billing board and the
 * invoice lists read one row per invoice instead of recomputing every line of every invoice
 * (docs/decisions/023-invoice-summaries-and-bulk-invites.md).
 *
 * The services that compute an invoice store its summary in their transaction. Triggers are the
 * safety net for everything else that moves the figures: a write to an invoice's lines, its status,
 * snapshot or retainage rules marks it — and the later unapproved invoices of its commitment, which
 * build on it — stale; a change to an SOV line, a Subcontractor SOV detail line or a change-order
 * line marks every unapproved invoice of that commitment stale. A stale or missing row is computed
 * on read with the domain code and stored only if no write bumped its generation meanwhile.
 * Existing invoices are backfilled that way, lazily: the table starts empty.
 */
const figures = [
  'original_contract_sum_cents',
  'net_change_by_change_orders_cents',
  'contract_sum_to_date_cents',
  'total_completed_and_stored_cents',
  'retainage_on_completed_work_cents',
  'retainage_on_stored_materials_cents',
  'total_retainage_cents',
  'total_earned_less_retainage_cents',
  'less_previous_certificates_cents',
  'current_payment_due_cents',
  'balance_to_finish_incl_retainage_cents',
];

const markStale = `
  on conflict (invoice_id) do update set is_stale = true, generation = invoice_summaries.generation + 1`;

const up = [
  `create table invoice_summaries (
    invoice_id uuid primary key references invoices(id) on delete cascade,
    is_stale boolean not null,
    generation bigint not null,
    ${figures.map((f) => `${f} bigint`).join(',\n    ')},
    overbilled_line_count integer,
    check (is_stale or (${[...figures, 'overbilled_line_count'].map((f) => `${f} is not null`).join(' and ')}))
  )`,
  // The invoices given, and the unapproved invoices after them in their commitment's chain.
  `create function invoice_summaries_mark_stale(invoice_ids uuid[]) returns void language sql as $$
    insert into invoice_summaries (invoice_id, is_stale, generation)
    select distinct i.id, true, 1
      from invoices a
      join invoices i on i.commitment_id = a.commitment_id
       and (i.id = a.id or (i.sequence > a.sequence and i.status not in ('approved','approved_as_noted')))
     where a.id = any(invoice_ids)
     order by i.id
    ${markStale}
  $$`,
  // Every unapproved invoice of the commitments given.
  `create function invoice_summaries_mark_commitments_stale(commitment_ids uuid[]) returns void language sql as $$
    insert into invoice_summaries (invoice_id, is_stale, generation)
    select i.id, true, 1
      from invoices i
     where i.commitment_id = any(commitment_ids) and i.status not in ('approved','approved_as_noted')
     order by i.id
    ${markStale}
  $$`,
  `create function invoice_lines_summaries_stale() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' then
      perform invoice_summaries_mark_stale(array(select distinct invoice_id from old_rows));
    else
      perform invoice_summaries_mark_stale(array(select distinct invoice_id from new_rows));
    end if;
    return null;
  end $$`,
  `create trigger invoice_lines_summaries_insert after insert on invoice_lines
     referencing new table as new_rows for each statement execute function invoice_lines_summaries_stale()`,
  `create trigger invoice_lines_summaries_update after update on invoice_lines
     referencing new table as new_rows for each statement execute function invoice_lines_summaries_stale()`,
  `create trigger invoice_lines_summaries_delete after delete on invoice_lines
     referencing old table as old_rows for each statement execute function invoice_lines_summaries_stale()`,
  // Only what the figures depend on: the status (approval anchors the chain), the snapshot, the rules.
  `create function invoices_summaries_stale() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' then
      perform invoice_summaries_mark_commitments_stale(array(select distinct commitment_id from old_rows));
    else
      perform invoice_summaries_mark_stale(array(
        select n.id from new_rows n join old_rows o on o.id = n.id
         where n.status is distinct from o.status
            or n.retainage_rules is distinct from o.retainage_rules
            or (n.snapshot is null) <> (o.snapshot is null)));
    end if;
    return null;
  end $$`,
  `create trigger invoices_summaries_update after update on invoices
     referencing old table as old_rows new table as new_rows for each statement execute function invoices_summaries_stale()`,
  `create trigger invoices_summaries_delete after delete on invoices
     referencing old table as old_rows for each statement execute function invoices_summaries_stale()`,
  // What the invoice lines bill against (scheduled values, which lines exist): their commitment's open invoices.
  `create function commitment_lines_summaries_stale() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' then
      perform invoice_summaries_mark_commitments_stale(array(select distinct commitment_id from old_rows));
    else
      perform invoice_summaries_mark_commitments_stale(array(select distinct commitment_id from new_rows));
    end if;
    return null;
  end $$`,
  `create function change_order_lines_summaries_stale() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' then
      perform invoice_summaries_mark_commitments_stale(array(
        select distinct co.commitment_id from old_rows r join change_orders co on co.id = r.change_order_id));
    else
      perform invoice_summaries_mark_commitments_stale(array(
        select distinct co.commitment_id from new_rows r join change_orders co on co.id = r.change_order_id));
    end if;
    return null;
  end $$`,
  ...['sov_lines', 'ssov_lines', 'change_order_lines'].flatMap((table) => {
    const fn = table === 'change_order_lines' ? 'change_order_lines_summaries_stale' : 'commitment_lines_summaries_stale';
    return [
      `create trigger ${table}_summaries_insert after insert on ${table}
         referencing new table as new_rows for each statement execute function ${fn}()`,
      `create trigger ${table}_summaries_update after update on ${table}
         referencing new table as new_rows for each statement execute function ${fn}()`,
      `create trigger ${table}_summaries_delete after delete on ${table}
         referencing old table as old_rows for each statement execute function ${fn}()`,
    ];
  }),
];

const down = [
  ...['sov_lines', 'ssov_lines', 'change_order_lines', 'invoice_lines'].flatMap((table) =>
    ['insert', 'update', 'delete'].map((op) => `drop trigger if exists ${table}_summaries_${op} on ${table}`),
  ),
  'drop trigger if exists invoices_summaries_update on invoices',
  'drop trigger if exists invoices_summaries_delete on invoices',
  'drop function if exists change_order_lines_summaries_stale()',
  'drop function if exists commitment_lines_summaries_stale()',
  'drop function if exists invoices_summaries_stale()',
  'drop function if exists invoice_lines_summaries_stale()',
  'drop function if exists invoice_summaries_mark_commitments_stale(uuid[])',
  'drop function if exists invoice_summaries_mark_stale(uuid[])',
  'drop table if exists invoice_summaries',
];

export const invoiceSummaries = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
