import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Issue 12: what PostgreSQL spent per invoice in the month-end spike, measured with
 * pg_stat_statements and EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL 15:
 *
 * - Every invoice request reads its lines by invoice, and nothing indexed `invoice_lines` by
 *   `invoice_id` alone: the unique keys (invoice_id, sov_line_id) … are partial, one kind of line
 *   each, so the planner scanned the whole table (every line of every invoice) for each read, and
 *   again for the anti-join that adds an invoice's missing lines.
 * - Each line inserted wrote an entry for NULL in the single-column indexes on the ids it does
 *   not have (a SOV line has no change-order line nor detail line): those indexes serve only
 *   lookups by a given id (foreign-key checks, billed-line checks), which never look for NULL,
 *   so they keep only the lines that have one — two index entries fewer per SOV line inserted.
 * - Almost no update of `invoice_lines` was HOT: lines are inserted 200 or 2,000 at a time into
 *   full pages, so a save that rewrites them found no room on their page and wrote a new entry in
 *   each of the table's seven indexes for every line (1,434 WAL records for 200 lines instead of
 *   200; 230 of 12,800 updates HOT in a spike). No indexed column is ever updated, so with room on the page every update is HOT:
 *   fillfactor 45 leaves enough for a whole invoice to be rewritten in place once, and the page is
 *   pruned before the next. It applies to pages written from now on; lines already stored keep
 *   their packing (rewriting the table would lock it).
 * - The summary-staleness functions were `language sql`: PostgreSQL plans such a function's
 *   statement on every call (~0.6 ms of planning per statement on invoice_lines). As plpgsql, the
 *   plan is prepared once per connection.
 * - The staleness trigger on `invoices` captured the old and new rows of every update in
 *   transition tables and called the function for every write (each bumps the version), only to
 *   find that no status, rules or snapshot had changed. It is now a row trigger that compares
 *   them and marks only when one changed (invoices are updated one row at a time, by id).
 *
 * It runs after 2026_12_10_0101_tenant_ids: the staleness functions keep that migration's
 * signatures (the tenants, then the ids) and tenant-keyed upsert.
 */
const markStale = `
  on conflict (tenant_id, invoice_id) do update set is_stale = true, generation = invoice_summaries.generation + 1`;

const markInvoicesSql = `
    insert into invoice_summaries (tenant_id, invoice_id, is_stale, generation)
    select distinct i.tenant_id, i.id, true, 1
      from invoices a
      join invoices i on i.tenant_id = a.tenant_id and i.commitment_id = a.commitment_id
       and (i.id = a.id or (i.sequence > a.sequence and i.status not in ('approved','approved_as_noted')))
     where a.tenant_id = any(tenant_ids) and a.id = any(invoice_ids)
     order by i.id
    ${markStale}`;

const markCommitmentsSql = `
    insert into invoice_summaries (tenant_id, invoice_id, is_stale, generation)
    select i.tenant_id, i.id, true, 1
      from invoices i
     where i.tenant_id = any(tenant_ids) and i.commitment_id = any(commitment_ids) and i.status not in ('approved','approved_as_noted')
     order by i.id
    ${markStale}`;

const up = [
  `create index invoice_lines_invoice_idx on invoice_lines (invoice_id)`,
  `alter table invoice_lines set (fillfactor = 45)`,
  ...['sov_line', 'change_order_line', 'ssov_line'].flatMap((ref) => {
    const index = `invoice_lines_${ref === 'change_order_line' ? 'co' : ref.replace('_line', '')}_idx`;
    return [`drop index ${index}`, `create index ${index} on invoice_lines (${ref}_id) where ${ref}_id is not null`];
  }),
  `create or replace function invoice_summaries_mark_stale(tenant_ids uuid[], invoice_ids uuid[]) returns void language plpgsql as $$
  begin
    if cardinality(invoice_ids) = 0 then
      return;
    end if;
    ${markInvoicesSql};
  end $$`,
  `create or replace function invoice_summaries_mark_commitments_stale(tenant_ids uuid[], commitment_ids uuid[]) returns void language plpgsql as $$
  begin
    if cardinality(commitment_ids) = 0 then
      return;
    end if;
    ${markCommitmentsSql};
  end $$`,
  `drop trigger invoices_summaries_update on invoices`,
  // Row level, the columns compared in the body rather than in WHEN / UPDATE OF: a trigger that
  // names columns would pin them (earlier migrations' down/up drop and re-add retainage_rules).
  `create function invoice_summaries_invoice_changed() returns trigger language plpgsql as $$
  begin
    if new.status is distinct from old.status
       or new.retainage_rules is distinct from old.retainage_rules
       or (new.snapshot is null) <> (old.snapshot is null) then
      perform invoice_summaries_mark_stale(array[new.tenant_id], array[new.id]);
    end if;
    return null;
  end $$`,
  `create trigger invoices_summaries_update after update on invoices
     for each row execute function invoice_summaries_invoice_changed()`,
];

const down = [
  `drop trigger if exists invoices_summaries_update on invoices`,
  `drop function if exists invoice_summaries_invoice_changed()`,
  `create trigger invoices_summaries_update after update on invoices
     referencing old table as old_rows new table as new_rows for each statement execute function invoices_summaries_stale()`,
  `create or replace function invoice_summaries_mark_stale(tenant_ids uuid[], invoice_ids uuid[]) returns void language sql as $$${markInvoicesSql}
  $$`,
  `create or replace function invoice_summaries_mark_commitments_stale(tenant_ids uuid[], commitment_ids uuid[]) returns void language sql as $$${markCommitmentsSql}
  $$`,
  ...['sov_line', 'change_order_line', 'ssov_line'].flatMap((ref) => {
    const index = `invoice_lines_${ref === 'change_order_line' ? 'co' : ref.replace('_line', '')}_idx`;
    return [`drop index ${index}`, `create index ${index} on invoice_lines (${ref}_id)`];
  }),
  `alter table invoice_lines reset (fillfactor)`,
  `drop index if exists invoice_lines_invoice_idx`,
];

export const invoiceLinesWritePaths = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
