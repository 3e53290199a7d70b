/**
 * The pay application as a PDF (issue 13, docs/decisions/027), for anyone who may see the invoice
 * (its administrators and its contacts; anyone else gets not_found, as for GET invoice). Read-only:
 * the invoice's context as every invoice request loads it, its G702/G703 — from the snapshot once
 * approved — and one statement of print facts; src/pdf draws it.
 *
 * An approved invoice prints from its snapshot and is dated with its approval, so its PDF is the
 * same bytes every time; any other invoice is dated when printed and watermarked DRAFT.
 */
import type { Viewer } from '../../domain/permissions.ts';
import { buildPayApplicationDocument, payApplicationFileName, type LineFacts } from '../../domain/pay-application-document.ts';
import type { DbOrTrx } from '../../db/database.ts';
import { getPayApplicationPrintFacts } from '../../db/pay-application-pdf.queries.ts';
import { renderPayApplicationPdf } from '../../pdf/pay-application.pdf.ts';
import { invoiceAmounts, loadInvoiceContext } from './invoice-context.ts';
import { lineMetaMap } from './invoice-view.ts';

export type InvoicePdf = { filename: string; content: Buffer };

export async function renderInvoicePdf(db: DbOrTrx, viewer: Viewer, projectId: string, invoiceId: string, now: Date): Promise<InvoicePdf> {
  const ctx = await loadInvoiceContext(db, viewer, projectId, invoiceId, now);
  const amounts = invoiceAmounts(ctx);
  const facts = await getPayApplicationPrintFacts(db, {
    tenantId: ctx.access.tenantId,
    projectId,
    commitmentId: ctx.commitment.id,
    contractCompanyId: ctx.commitment.contractCompanyId,
    approvedBy: ctx.invoice.approvedBy,
  });
  const lineFacts = new Map<string, LineFacts>([...lineMetaMap(ctx)].map(([key, m]) => [key, { differenceReason: m.differenceReason, review: m.review }]));
  const doc = buildPayApplicationDocument({
    project: ctx.project,
    commitment: { number: ctx.commitment.number, title: ctx.commitment.title },
    contractCompany: facts.contractCompany,
    generalContractor: facts.generalContractor,
    invoice: ctx.invoice,
    approverName: facts.approverName,
    amounts,
    lineFacts,
    changeOrders: facts.changeOrders,
  });
  const documentDate = doc.isFinal && ctx.invoice.approvedAt ? ctx.invoice.approvedAt : now;
  const content = await renderPayApplicationPdf(doc, { pageSize: facts.pageSize, project: ctx.project, documentDate });
  return { filename: payApplicationFileName(doc), content };
}
