/**
 * G702 summaries of many invoices at once (the billing board, invoice lists, my work, roll-ups):
 * read from `invoice_summaries`, which the invoice services keep current in their transactions
 * (decision 023). A summary that is missing (an invoice from before the table) or stale (something
 * it depends on changed outside an invoice service: an SOV line, a change order, an earlier
 * invoice) is computed here with the domain code, chain by chain, and stored for the next read.
 */
import { computeInvoice, invoiceLabel, type EarlierInvoice, type InvoiceComputation } from '../../domain/invoice.ts';
import { countOverbilledLines, type G702 } from '../../domain/pay-application.ts';
import type { DbOrTrx } from '../../db/database.ts';
import {
  fillInvoiceSummaryRows,
  listInvoiceHeadersWithSummaries,
  storeInvoiceSummaryRows,
  storeInvoiceSummaryRowsQuery,
  type InvoiceHeader,
  type StoredInvoiceSummary,
} from '../../db/invoice-summaries.queries.ts';
import { invoiceFromRow, listInvoiceLines } from '../../db/invoices.queries.ts';

export type InvoiceWithSummary = InvoiceHeader & {
  summary: G702;
  /** Lines whose certified amounts bill them over 100% (the project may allow it; the count shows it either way). */
  overbilledLineCount: number;
};

export async function listInvoicesWithSummaries(db: DbOrTrx, tenantId: string, projectId: string, commitmentIds: string[]): Promise<InvoiceWithSummary[]> {
  const rows = await listInvoiceHeadersWithSummaries(db, tenantId, projectId, commitmentIds);
  const missing = rows.filter((r) => r.stored === null);
  let computed = new Map<string, StoredInvoiceSummary>();
  if (missing.length > 0) {
    computed = await computeInvoiceSummaries(db, tenantId, projectId, [...new Set(missing.map((r) => r.invoice.commitmentId))]);
    await fillInvoiceSummaryRows(
      db,
      tenantId,
      missing.flatMap((r) => {
        const c = computed.get(r.invoice.id);
        return c ? [{ invoiceId: r.invoice.id, ...c, generation: r.generation }] : [];
      }),
    );
  }
  return rows.flatMap((r) => {
    const summary = r.stored ?? computed.get(r.invoice.id);
    // An invoice created after the first read, by a concurrent request, is left for the next one.
    return summary ? [{ ...r.invoice, ...summary }] : [];
  });
}

/** The stored form of an invoice's figures: its G702 and how many lines it bills over 100%. */
export function summaryOf(amounts: Pick<InvoiceComputation, 'summary' | 'lines'>): StoredInvoiceSummary {
  return { summary: amounts.summary, overbilledLineCount: countOverbilledLines(amounts.lines) };
}

/**
 * Called by an invoice service after its writes, with the figures it computed (the approval snapshot
 * once approved): stores them in the same transaction, one statement for all the invoices given.
 */
export async function storeInvoiceSummaries(
  trx: DbOrTrx,
  tenantId: string,
  invoices: readonly { invoiceId: string; amounts: Pick<InvoiceComputation, 'summary' | 'lines'> }[],
): Promise<void> {
  await storeInvoiceSummaryRows(
    trx,
    tenantId,
    invoices.map((i) => ({ invoiceId: i.invoiceId, ...summaryOf(i.amounts) })),
  );
}

/** `storeInvoiceSummaries` as a write to send with others (`executeWritesTogether`). */
export function invoiceSummariesWrite(tenantId: string, invoices: readonly { invoiceId: string; amounts: Pick<InvoiceComputation, 'summary' | 'lines'> }[]) {
  return storeInvoiceSummaryRowsQuery(tenantId, invoices.map((i) => ({ invoiceId: i.invoiceId, ...summaryOf(i.amounts) })));
}

/** For a service that wrote invoices without computing them (creation): computes their chains and stores them. */
export async function refreshInvoiceSummaries(trx: DbOrTrx, tenantId: string, projectId: string, invoices: readonly { id: string; commitmentId: string }[]): Promise<void> {
  if (invoices.length === 0) return;
  const computed = await computeInvoiceSummaries(trx, tenantId, projectId, [...new Set(invoices.map((i) => i.commitmentId))]);
  await storeInvoiceSummaryRows(
    trx,
    tenantId,
    invoices.flatMap((i) => {
      const c = computed.get(i.id);
      return c ? [{ invoiceId: i.id, ...c }] : [];
    }),
  );
}

/**
 * Every invoice of the commitments computed from its lines, chain by chain, each with the retainage
 * rules stored on it; an approved invoice is its snapshot. This is what a stored summary must equal.
 */
export async function computeInvoiceSummaries(db: DbOrTrx, tenantId: string, projectId: string, commitmentIds: readonly string[]): Promise<Map<string, StoredInvoiceSummary>> {
  const result = new Map<string, StoredInvoiceSummary>();
  if (commitmentIds.length === 0) return result;
  const rows = await db
    .selectFrom('invoices')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('projectId', '=', projectId)
    .where('commitmentId', 'in', [...commitmentIds])
    .orderBy('commitmentId')
    .orderBy('sequence')
    .execute();
  const invoices = rows.map(invoiceFromRow);
  const lines = await listInvoiceLines(
    db,
    tenantId,
    invoices.filter((i) => !i.snapshot).map((i) => i.id),
  );
  // The overbilling rule only adds issues, which a summary does not keep: the figures are the same either way.
  const allowOverbilling = true;
  const earlierByCommitment = new Map<string, EarlierInvoice[]>();
  for (const invoice of invoices) {
    const earlier = earlierByCommitment.get(invoice.commitmentId) ?? [];
    const own = lines.get(invoice.id) ?? [];
    if (invoice.snapshot) {
      result.set(invoice.id, { summary: invoice.snapshot.summary, overbilledLineCount: countOverbilledLines(invoice.snapshot.lines) });
    } else {
      result.set(invoice.id, summaryOf(computeInvoice(own, earlier, allowOverbilling, invoice.retainageRules)));
    }
    earlier.push({ sequence: invoice.sequence, status: invoice.status, snapshot: invoice.snapshot, lines: own, label: invoiceLabel(invoice), retainageRules: invoice.retainageRules });
    earlierByCommitment.set(invoice.commitmentId, earlier);
  }
  return result;
}
