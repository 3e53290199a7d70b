/**
 * The spreadsheet exports (issue 13, docs/decisions/028), each with the visibility of reading the
 * thing itself: a commitment's SOV as GET sov (403 when its items are private to the viewer), an
 * invoice's lines as GET invoice (its administrators and contacts; anyone else not_found), the
 * project's invoice register for invoice administrators only (as the billing board). Read-only:
 * the figures are the ones the API answers with — the invoice's context and amounts, the stored
 * G702 summaries, the payments' sums.
 */
import { assertCanSeeSovItems, assertInvoiceAdministrator, type Viewer } from '../../domain/permissions.ts';
import { isApproved } from '../../domain/invoice-status.ts';
import { invoiceLabel } from '../../domain/invoice.ts';
import {
  exportFileName,
  invoiceLinesSheet,
  invoiceRegisterSheet,
  sovSheet,
  type ExportFormat,
  type Sheet,
} from '../../domain/spreadsheet-exports.ts';
import { getVisibleCommitment, listCommitments } from '../../db/commitments.queries.ts';
import type { DbOrTrx } from '../../db/database.ts';
import { sumPaidByInvoice } from '../../db/payments.queries.ts';
import { getProjectAccess, getProjectWithAccess } from '../../db/projects.queries.ts';
import { listSovLines } from '../../db/sov.queries.ts';
import { writeSheet } from '../../exports/spreadsheet.ts';
import { invoiceAmounts, loadInvoiceContext } from './invoice-context.ts';
import { listInvoicesWithSummaries } from './invoice-summaries.ts';

export type SpreadsheetFile = { filename: string; content: Buffer; format: ExportFormat };

type Named = { sheet: Sheet; nameParts: (string | null | undefined)[] };

export async function sovExportSheet(db: DbOrTrx, viewer: Viewer, projectId: string, commitmentId: string): Promise<Named> {
  const access = await getProjectAccess(db, viewer, projectId);
  const { commitment, facts } = await getVisibleCommitment(db, access, commitmentId);
  assertCanSeeSovItems(access, facts);
  const lines = await listSovLines(db, access.tenantId, commitmentId);
  return { sheet: sovSheet(lines), nameParts: ['SOV', commitment.number] };
}

export async function invoiceExportSheet(db: DbOrTrx, viewer: Viewer, projectId: string, invoiceId: string, now: Date): Promise<Named> {
  const ctx = await loadInvoiceContext(db, viewer, projectId, invoiceId, now);
  const amounts = invoiceAmounts(ctx);
  return {
    sheet: invoiceLinesSheet(amounts),
    nameParts: [`Invoice ${invoiceLabel(ctx.invoice).replace(/^#/, '')}`, ctx.commitment.number, ctx.contractCompanyName],
  };
}

export async function registerExportSheet(db: DbOrTrx, viewer: Viewer, projectId: string): Promise<Named> {
  const { access, project } = await getProjectWithAccess(db, viewer, projectId);
  assertInvoiceAdministrator(access, 'export the invoice register');
  const { items } = await listCommitments(db, access, { sort: 'number', page: 1, perPage: 10_000 });
  const ids = items.map((c) => c.id);
  const invoices = await listInvoicesWithSummaries(db, access.tenantId, projectId, ids);
  const paid = await sumPaidByInvoice(db, access.tenantId, ids);
  const byId = new Map(items.map((c) => [c.id, c]));
  // Commitments in number order, each one's invoices in sequence order.
  const order = new Map(items.map((c, i) => [c.id, i]));
  const sorted = [...invoices].sort((a, b) => (order.get(a.commitmentId) ?? 0) - (order.get(b.commitmentId) ?? 0) || a.sequence - b.sequence);
  const sheet = invoiceRegisterSheet(
    sorted.map((i) => ({
      invoice: i,
      commitmentNumber: byId.get(i.commitmentId)?.number ?? '',
      commitmentTitle: byId.get(i.commitmentId)?.title ?? '',
      summary: i.summary,
      paidCents: paid.get(i.id) ?? 0,
      isPayable: isApproved(i.status),
    })),
  );
  return { sheet, nameParts: ['Invoice register', project.name] };
}

export async function toSpreadsheetFile(named: Named, format: ExportFormat): Promise<SpreadsheetFile> {
  return { filename: exportFileName(named.nameParts, format), content: await writeSheet(named.sheet, format), format };
}
