/**
 * Line-by-line review by an invoice administrator: each line approved or rejected, with an
 * optional reason. Rejecting does not change amounts; any rejected line sends the invoice back to
 * the contacts (Revise & Resubmit), who see which lines and why.
 */
import { assertVersion } from '../../domain/commitment.ts';
import { DomainError } from '../../domain/errors.ts';
import type { InvoiceStatus } from '../../domain/invoice-status.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { auditEntriesQuery, type AuditEntry } from '../../db/audit.queries.ts';
import { executeWritesTogether } from '../../db/combined-writes.ts';
import type { Db } from '../../db/database.ts';
import { applyInvoiceAction } from './change-invoice-status.ts';
import { invoiceLineReviewsWrite } from '../../db/invoices.queries.ts';
import type { LineReview } from '../../domain/invoice.ts';
import { invoiceAmounts, loadInvoiceContext, type InvoiceWritten } from './invoice-context.ts';
import { invoiceSummariesWrite } from './invoice-summaries.ts';

export type LineDecision = { lineId: string; decision: 'approved' | 'rejected' | null; reason?: string | undefined };

export async function reviewInvoice(
  db: Db,
  viewer: Viewer,
  projectId: string,
  invoiceId: string,
  input: { version: number; lines: LineDecision[]; note?: string | undefined },
  now: Date,
): Promise<{ status: InvoiceStatus; version: number; written: InvoiceWritten }> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true });
    if (ctx.actor !== 'admin') throw new DomainError('forbidden', 'Only an invoice administrator reviews invoices.');
    assertVersion(ctx.invoice.version, input.version, 'invoice');
    if (ctx.invoice.status !== 'under_review' && ctx.invoice.status !== 'pending_owner_approval') {
      throw new DomainError('invalid_state', 'Only an invoice under review can be reviewed line by line.', { field: 'status' });
    }
    const byId = new Map(ctx.lines.map((l) => [l.id, l]));
    const reviewed = new Map<string, LineReview>();
    for (const [index, d] of input.lines.entries()) {
      const line = byId.get(d.lineId);
      if (!line) throw new DomainError('validation_failed', 'That line is not on this invoice.', { field: `lines.${index}.lineId` });
      const reason = d.reason?.trim() || null;
      const review: LineReview = { status: d.decision, reason: d.decision ? reason : null };
      reviewed.set(d.lineId, review);
      byId.set(d.lineId, { ...line, review });
    }
    const lines = ctx.lines.map((l) => byId.get(l.id) ?? l);
    const changed = new Set(lines.filter((l) => reviewed.has(l.id)).map((l) => l.key));
    // One statement for every decision, however many lines (decision 022), sent with the invoice's own writes.
    const reviews = reviewed.size > 0 ? [invoiceLineReviewsWrite(ctx.access.tenantId, invoiceId, [...reviewed].map(([lineId, review]) => ({ lineId, review })))] : [];
    const audit: AuditEntry = {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'invoice',
      entityId: invoiceId,
      action: 'review_lines',
      after: input.lines.map((d) => ({ lineId: d.lineId, decision: d.decision, reason: d.reason ?? null })),
    };
    if (lines.some((l) => l.review.status === 'rejected')) {
      const sentBack = await applyInvoiceAction(trx, { ...ctx, lines }, viewer, 'request_revision', now, input.note, false, { writes: reviews, audits: [audit] });
      return { ...sentBack, written: { ...sentBack.written, changedLineKeys: changed } };
    }
    const version = ctx.invoice.version + 1;
    await executeWritesTogether(trx, [...reviews, trx.updateTable('invoices').set({ version, updatedAt: now }).where('tenantId', '=', ctx.access.tenantId).where('id', '=', invoiceId)]);
    const after = { ...ctx, invoice: { ...ctx.invoice, version, updatedAt: now }, lines };
    const amounts = invoiceAmounts(after);
    // After the line triggers marked the summary stale: the summary and the audit entry.
    await executeWritesTogether(trx, [invoiceSummariesWrite(ctx.access.tenantId, [{ invoiceId, amounts }]), auditEntriesQuery(trx, [audit])]);
    return { status: ctx.invoice.status, version, written: { ctx: after, amounts, changedLineKeys: changed } };
  });
}
