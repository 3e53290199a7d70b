/**
 * An administrator puts the commitment's current sliding-scale rules on an invoice that is not yet
 * approved. Invoices keep the rules they were created with (decision 008), so this is the one way a
 * rule change reaches an open invoice: explicit, versioned and audited with the rules and the
 * retainage before and after. Refused on approved invoices (their snapshot is final) and when the
 * invoice already has the commitment's rules; refused too when the new rules would leave a line
 * with a problem it did not have (a release above what the line now holds, say).
 */
import { assertVersion } from '../../domain/commitment.ts';
import { DomainError, type ErrorDetail } from '../../domain/errors.ts';
import { computeInvoice, type InvoiceLine } from '../../domain/invoice.ts';
import { isApproved } from '../../domain/invoice-status.ts';
import type { LineIssue } from '../../domain/pay-application.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { sameSlidingScale } from '../../domain/sliding-scale.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { getCurrentSlidingScale, retainageRulesColumn } from '../../db/retainage-rules.queries.ts';
import { invoiceAmounts, loadInvoiceContext, type InvoiceWritten } from './invoice-context.ts';
import { storeInvoiceSummaries } from './invoice-summaries.ts';

const issueId = (i: LineIssue) => `${i.key}|${i.field}|${i.code}`;

export async function applyCurrentRetainageRules(
  db: Db,
  viewer: Viewer,
  projectId: string,
  invoiceId: string,
  input: { version: number },
  now: Date,
): Promise<{ version: number; written: InvoiceWritten }> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true });
    if (ctx.actor !== 'admin') throw new DomainError('forbidden', "Only an invoice administrator can change an invoice's retainage rules.");
    assertVersion(ctx.invoice.version, input.version, 'invoice');
    if (isApproved(ctx.invoice.status)) {
      throw new DomainError('invalid_state', 'An approved invoice keeps the retainage it was approved with; the current rules apply to later invoices.', {
        field: 'invoiceId',
      });
    }
    const { tenantId } = ctx.access;
    const current = await getCurrentSlidingScale(trx, tenantId, ctx.invoice.commitmentId);
    if (sameSlidingScale(ctx.slidingScale, current)) {
      throw new DomainError('retainage_rules_unchanged', "This invoice already has the commitment's current retainage rules.", { field: 'invoiceId' });
    }
    // Overrides belong to sliding-scale rules: with flat rates again there is nothing left to override.
    const overridden = current === null ? ctx.lines.filter((l) => l.retainageOverride) : [];
    const lines: InvoiceLine[] = current === null ? ctx.lines.map((l) => ({ ...l, retainageOverride: null })) : ctx.lines;
    const before = invoiceAmounts(ctx);
    const after = computeInvoice(lines, ctx.earlier, ctx.allowOverbilling, current);
    const known = new Set([...before.issues, ...before.claimedIssues].map(issueId));
    const added = [...after.issues, ...after.claimedIssues].filter((i, n, all) => !known.has(issueId(i)) && all.findIndex((j) => issueId(j) === issueId(i)) === n);
    if (added.length > 0) {
      const lineIdOf = new Map(lines.map((l) => [l.key, l.id]));
      // The request names no lines, so each detail's path is the array and its id says which line (decision 004).
      const details: ErrorDetail[] = added.map((i) => ({ path: 'lines', message: i.message, code: i.code, lineId: lineIdOf.get(i.key) ?? '' }));
      throw new DomainError('rule_violation', `With the current rules: ${added.map((i) => i.message).join(' ')}`, { field: details[0]?.path ?? 'lines', details });
    }
    const version = ctx.invoice.version + 1;
    await trx
      .updateTable('invoices')
      .set({ retainageRules: retainageRulesColumn(current), version, updatedAt: now })
      .where('tenantId', '=', tenantId)
      .where('id', '=', invoiceId)
      .execute();
    if (overridden.length > 0) {
      await trx
        .updateTable('invoiceLines')
        .set({ workRetainageOverrideCents: null, workRetainageOverrideReason: null })
        .where('tenantId', '=', tenantId)
        .where('invoiceId', '=', invoiceId)
        .execute();
    }
    await storeInvoiceSummaries(trx, tenantId, [{ invoiceId, amounts: after }]);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'invoice',
      entityId: invoiceId,
      action: 'apply_current_retainage_rules',
      before: {
        retainageRules: ctx.slidingScale,
        totalRetainageCents: before.summary.totalRetainageCents,
        currentPaymentDueCents: before.summary.currentPaymentDueCents,
        ...(overridden.length > 0 && { retainageOverrides: overridden.map((l) => ({ lineId: l.id, ...l.retainageOverride })) }),
      },
      after: {
        retainageRules: current,
        totalRetainageCents: after.summary.totalRetainageCents,
        currentPaymentDueCents: after.summary.currentPaymentDueCents,
      },
    });
    const written = { ...ctx, invoice: { ...ctx.invoice, version, updatedAt: now, retainageRules: current }, slidingScale: current, lines };
    // New rules move the retainage of every line: all of them are in the answer.
    return { version, written: { ctx: written, amounts: after, changedLineKeys: new Set(lines.map((l) => l.key)) } };
  });
}
