/**
 * Line-by-line review by an invoice administrator: each line approved or rejected, with an
 * optional reason. Rejecting does not change amounts; any rejected line sends the invoice back to
 * the contacts (Revise & Resubmit), who see which lines and why.
 */
import { assertVersion } from '../../domain/commitment.ts';
import { DomainError } from '../../domain/errors.ts';
import type { InvoiceStatus } from '../../domain/invoice-status.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { applyInvoiceAction } from './change-invoice-status.ts';
import { invoiceAmounts, loadInvoiceContext } from './invoice-context.ts';
import { storeInvoiceSummaries } from './invoice-summaries.ts';

export type LineDecision = { lineId: string; decision: 'approved' | 'rejected' | null; reason?: string | undefined };

export async function reviewInvoice(
  db: Db,
  viewer: Viewer,
  projectId: string,
  invoiceId: string,
  input: { version: number; lines: LineDecision[]; note?: string | undefined },
  now: Date,
): Promise<{ status: InvoiceStatus; version: number }> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true });
    if (ctx.actor !== 'admin') throw new DomainError('forbidden', 'Only an invoice administrator reviews invoices.');
    assertVersion(ctx.invoice.version, input.version, 'invoice');
    if (ctx.invoice.status !== 'under_review' && ctx.invoice.status !== 'pending_owner_approval') {
      throw new DomainError('invalid_state', 'Only an invoice under review can be reviewed line by line.', { field: 'status' });
    }
    const byId = new Map(ctx.lines.map((l) => [l.id, l]));
    for (const [index, d] of input.lines.entries()) {
      const line = byId.get(d.lineId);
      if (!line) throw new DomainError('validation_failed', 'That line is not on this invoice.', { field: `lines.${index}.lineId` });
      const reason = d.reason?.trim() || null;
      await trx.updateTable('invoiceLines').set({ reviewStatus: d.decision, reviewReason: d.decision ? reason : null }).where('id', '=', d.lineId).execute();
      byId.set(d.lineId, { ...line, review: { status: d.decision, reason: d.decision ? reason : null } });
    }
    const lines = ctx.lines.map((l) => byId.get(l.id) ?? l);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'invoice',
      entityId: invoiceId,
      action: 'review_lines',
      after: input.lines.map((d) => ({ lineId: d.lineId, decision: d.decision, reason: d.reason ?? null })),
    });
    if (lines.some((l) => l.review.status === 'rejected')) {
      return applyInvoiceAction(trx, { ...ctx, lines }, viewer, 'request_revision', now, input.note);
    }
    const version = ctx.invoice.version + 1;
    await trx.updateTable('invoices').set({ version, updatedAt: now }).where('id', '=', invoiceId).execute();
    await storeInvoiceSummaries(trx, [{ invoiceId, amounts: invoiceAmounts({ ...ctx, lines }) }]);
    return { status: ctx.invoice.status, version };
  });
}
