/**
 * Each invoice's G702 summary as stored in `invoice_summaries` (decision 023): read beside the
 * invoice headers for the lists, written in one statement for many invoices.
 */
import { sql } from 'kysely';
import type { Invoice } from '../domain/invoice.ts';
import type { G702 } from '../domain/pay-application.ts';
import type { DbOrTrx } from './database.ts';
import { invoiceFromRow } from './invoices.queries.ts';

/** An invoice without its snapshot and rules (the heavy JSON the lists do not need). */
export type InvoiceHeader = Omit<Invoice, 'snapshot' | 'retainageRules'>;

export type StoredInvoiceSummary = { summary: G702; overbilledLineCount: number };

export type InvoiceSummaryToStore = StoredInvoiceSummary & { invoiceId: string };

/** Columns of `invoice_summaries` in G702 order, by the domain's field names. */
const G702_COLUMNS: readonly [keyof G702, string][] = [
  ['originalContractSumCents', 'original_contract_sum_cents'],
  ['netChangeByChangeOrdersCents', 'net_change_by_change_orders_cents'],
  ['contractSumToDateCents', 'contract_sum_to_date_cents'],
  ['totalCompletedAndStoredCents', 'total_completed_and_stored_cents'],
  ['retainageOnCompletedWorkCents', 'retainage_on_completed_work_cents'],
  ['retainageOnStoredMaterialsCents', 'retainage_on_stored_materials_cents'],
  ['totalRetainageCents', 'total_retainage_cents'],
  ['totalEarnedLessRetainageCents', 'total_earned_less_retainage_cents'],
  ['lessPreviousCertificatesCents', 'less_previous_certificates_cents'],
  ['currentPaymentDueCents', 'current_payment_due_cents'],
  ['balanceToFinishInclRetainageCents', 'balance_to_finish_incl_retainage_cents'],
];

export type InvoiceHeaderWithStoredSummary = {
  invoice: InvoiceHeader;
  /** null: never computed, or stale — compute it and store it with `fillInvoiceSummaries`. */
  stored: StoredInvoiceSummary | null;
  /** The row's generation when read (0 when there is no row): what `fillInvoiceSummaries` expects. */
  generation: number;
};

/** The invoices of some commitments in sequence order, each with its stored summary when current. */
export async function listInvoiceHeadersWithSummaries(db: DbOrTrx, tenantId: string, projectId: string, commitmentIds: readonly string[]): Promise<InvoiceHeaderWithStoredSummary[]> {
  if (commitmentIds.length === 0) return [];
  const rows = await db
    .selectFrom('invoices as i')
    .leftJoin('invoiceSummaries as s', (join) => join.onRef('s.tenantId', '=', 'i.tenantId').onRef('s.invoiceId', '=', 'i.id'))
    .select([
      'i.id',
      'i.projectId',
      'i.commitmentId',
      'i.billingPeriodId',
      'i.sequence',
      'i.number',
      'i.invoiceType',
      'i.status',
      'i.billingDate',
      'i.periodStart',
      'i.periodEnd',
      'i.comments',
      'i.createdBy',
      'i.createdByRole',
      'i.submittedAt',
      'i.submittedBy',
      'i.approvedAt',
      'i.approvedBy',
      'i.version',
      'i.createdAt',
      'i.updatedAt',
      's.isStale',
      's.generation',
      's.originalContractSumCents',
      's.netChangeByChangeOrdersCents',
      's.contractSumToDateCents',
      's.totalCompletedAndStoredCents',
      's.retainageOnCompletedWorkCents',
      's.retainageOnStoredMaterialsCents',
      's.totalRetainageCents',
      's.totalEarnedLessRetainageCents',
      's.lessPreviousCertificatesCents',
      's.currentPaymentDueCents',
      's.balanceToFinishInclRetainageCents',
      's.overbilledLineCount',
    ])
    .where('i.tenantId', '=', tenantId)
    .where('i.projectId', '=', projectId)
    .where('i.commitmentId', 'in', [...commitmentIds])
    .orderBy('i.commitmentId')
    .orderBy('i.sequence')
    .execute();
  return rows.map((row) => {
    const { snapshot: _s, retainageRules: _r, ...invoice } = invoiceFromRow({ ...row, snapshot: null, retainageRules: null });
    const isCurrent = row.isStale === false;
    return {
      invoice,
      stored: isCurrent
        ? {
            summary: Object.fromEntries(G702_COLUMNS.map(([field]) => [field, Number(row[field])])) as G702,
            overbilledLineCount: Number(row.overbilledLineCount),
          }
        : null,
      generation: row.generation === null ? 0 : Number(row.generation),
    };
  });
}

function upsertSource(items: readonly (InvoiceSummaryToStore & { generation: number })[]) {
  const ordered = [...items].sort((a, b) => (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0));
  return sql`select t.* from unnest(
      ${ordered.map((i) => i.invoiceId)}::uuid[],
      ${ordered.map((i) => i.generation)}::bigint[],
      ${sql.join(G702_COLUMNS.map(([field]) => sql`${ordered.map((i) => i.summary[field])}::bigint[]`))},
      ${ordered.map((i) => i.overbilledLineCount)}::int[]
    ) as t(invoice_id, generation, ${sql.join(G702_COLUMNS.map(([, column]) => sql.ref(column)))}, overbilled_line_count)`;
}

const COLUMN_LIST = sql.join([...G702_COLUMNS.map(([, column]) => sql.ref(column)), sql.ref('overbilled_line_count')]);
const SET_FROM_EXCLUDED = sql.join([...G702_COLUMNS.map(([, column]) => column), 'overbilled_line_count'].map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`));

/**
 * Stores freshly computed summaries of invoices the caller has just written, in its transaction:
 * one statement for any number of invoices; each row becomes current and its generation moves on.
 */
export async function storeInvoiceSummaryRows(db: DbOrTrx, tenantId: string, items: readonly InvoiceSummaryToStore[]): Promise<void> {
  if (items.length === 0) return;
  await storeInvoiceSummaryRowsQuery(tenantId, items).execute(db);
}

/**
 * The upsert `storeInvoiceSummaryRows` sends (at least one item), not yet sent: for
 * `executeWritesTogether`, in a statement AFTER the writes whose triggers mark these rows stale.
 */
export function storeInvoiceSummaryRowsQuery(tenantId: string, items: readonly InvoiceSummaryToStore[]) {
  return sql`
    insert into invoice_summaries (tenant_id, invoice_id, is_stale, generation, ${COLUMN_LIST})
    select ${tenantId}::uuid, t.invoice_id, false, t.generation, ${COLUMN_LIST} from (${upsertSource(items.map((i) => ({ ...i, generation: 1 })))}) t
    on conflict (tenant_id, invoice_id) do update set is_stale = false, generation = invoice_summaries.generation + 1, ${SET_FROM_EXCLUDED}
  `;
}

/**
 * Stores summaries computed on read for rows that were missing or stale, each only if its row is
 * still at the generation read (0: no row): a write that happened meanwhile has already stored or
 * invalidated it, and wins.
 */
export async function fillInvoiceSummaryRows(db: DbOrTrx, tenantId: string, items: readonly (InvoiceSummaryToStore & { generation: number })[]): Promise<void> {
  if (items.length === 0) return;
  await sql`
    insert into invoice_summaries (tenant_id, invoice_id, is_stale, generation, ${COLUMN_LIST})
    select ${tenantId}::uuid, t.invoice_id, false, t.generation, ${COLUMN_LIST} from (${upsertSource(items)}) t
    on conflict (tenant_id, invoice_id) do update set is_stale = false, ${SET_FROM_EXCLUDED}
      where invoice_summaries.is_stale and invoice_summaries.generation = excluded.generation
  `.execute(db);
}
