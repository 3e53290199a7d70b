/**
 * G702 summaries of many invoices at once (the billing board, invoice lists): every invoice of the
 * given commitments is loaded in two queries and computed in memory, chain by chain, each invoice
 * with the retainage rules stored on it.
 */
import { computeInvoice, invoiceLabel, type EarlierInvoice, type Invoice } from '../../domain/invoice.ts';
import { countOverbilledLines, type G702 } from '../../domain/pay-application.ts';
import { effectiveAllowOverbilling } from '../../domain/project-settings.ts';
import type { DbOrTrx } from '../../db/database.ts';
import { invoiceFromRow, listInvoiceLines } from '../../db/invoices.queries.ts';
import { getCompanySettings, getProjectSettings } from '../../db/settings.queries.ts';

export type InvoiceWithSummary = Invoice & {
  summary: G702;
  lineIssueCount: number;
  /** Lines whose certified amounts bill them over 100% (the project may allow it; the count shows it either way). */
  overbilledLineCount: number;
};

export async function listInvoicesWithSummaries(db: DbOrTrx, projectId: string, commitmentIds: string[]): Promise<InvoiceWithSummary[]> {
  if (commitmentIds.length === 0) return [];
  const rows = await db
    .selectFrom('invoices')
    .selectAll()
    .where('projectId', '=', projectId)
    .where('commitmentId', 'in', commitmentIds)
    .orderBy('commitmentId')
    .orderBy('sequence')
    .execute();
  const invoices = rows.map(invoiceFromRow);
  const lines = await listInvoiceLines(db, invoices.filter((i) => !i.snapshot).map((i) => i.id));
  const settings = await getProjectSettings(db, projectId);
  const company = await getCompanySettings(db);
  const allowOverbilling = effectiveAllowOverbilling(settings.allowOverbilling, company.preventOverbillingAllProjects);
  const result: InvoiceWithSummary[] = [];
  const earlierByCommitment = new Map<string, EarlierInvoice[]>();
  for (const invoice of invoices) {
    const earlier = earlierByCommitment.get(invoice.commitmentId) ?? [];
    const own = lines.get(invoice.id) ?? [];
    if (invoice.snapshot) {
      result.push({ ...invoice, summary: invoice.snapshot.summary, lineIssueCount: 0, overbilledLineCount: countOverbilledLines(invoice.snapshot.lines) });
    } else {
      const computed = computeInvoice(own, earlier, allowOverbilling, invoice.retainageRules);
      result.push({ ...invoice, summary: computed.summary, lineIssueCount: computed.issues.length, overbilledLineCount: countOverbilledLines(computed.lines) });
    }
    earlier.push({ sequence: invoice.sequence, status: invoice.status, snapshot: invoice.snapshot, lines: own, label: invoiceLabel(invoice), retainageRules: invoice.retainageRules });
    earlierByCommitment.set(invoice.commitmentId, earlier);
  }
  return result;
}
