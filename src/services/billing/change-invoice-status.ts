/**
 * Moving an invoice through its statuses. The decision is `transitionInvoice` (src/domain); here it
 * is loaded, guarded, written, snapshotted on approval, audited and announced by email (written in the same transaction),
 * all in one transaction.
 */
import { assertVersion } from '../../domain/commitment.ts';
import { DomainError } from '../../domain/errors.ts';
import { withSavepoint } from '../../db/joined-transaction.ts';
import { snapshotOf } from '../../domain/invoice.ts';
import { adjustedLines } from '../../domain/invoice-notices.ts';
import { isApproved, transitionInvoice, type InvoiceAction, type InvoiceStatus } from '../../domain/invoice-status.ts';
import { acknowledgeChecklist } from '../../domain/submission-checklist.ts';
import { assertInvoiceAdministrator, type Viewer } from '../../domain/permissions.ts';
import { getProjectAccess } from '../../db/projects.queries.ts';
import { auditEntriesQuery, type AuditEntry } from '../../db/audit.queries.ts';
import { executeWritesTogether, type Write } from '../../db/combined-writes.ts';
import { insertEmailsQuery, type NewEmail } from '../../db/email.queries.ts';
import type { Db, Trx } from '../../db/database.ts';
import { planInvoiceApprovedEmail, planInvoiceSentBackEmail, planInvoiceSubmittedEmail } from '../notifications/billing-emails.ts';
import { invoiceAmounts, loadInvoiceContext, type InvoiceContext, type InvoiceWritten } from './invoice-context.ts';
import { loadSubmissionChecklist } from './submission-checklist.ts';
import { planInvoiceSubmission } from './invoice-submissions.ts';
import { invoiceSummariesWrite } from './invoice-summaries.ts';

/**
 * What a caller wrote before the action and sends with it (line reviews that send the invoice
 * back): `writes` go with the invoice's own, `audits` before its status entry.
 */
export type CarriedWrites = { writes?: readonly Write[]; audits?: readonly AuditEntry[] };

/**
 * Applies one action inside the caller's transaction (shared by the single and bulk endpoints), in
 * a fixed number of statements: the emails' recipients (one read), the invoice and its records
 * (one statement), then — after the triggers that mark its summary stale — the summary, the emails
 * and the audit entries (one statement).
 */
export async function applyInvoiceAction(
  trx: Trx,
  ctx: InvoiceContext,
  viewer: Viewer,
  action: InvoiceAction,
  now: Date,
  note?: string,
  acknowledgeMissing = false,
  carried: CarriedWrites = {},
): Promise<{ status: InvoiceStatus; version: number; written: InvoiceWritten }> {
  if (ctx.actor === 'contact' && !ctx.isLatestInPeriod) {
    throw new DomainError('invalid_state', 'Only the latest invoice of this commitment in this billing period can be submitted.', {
      field: 'invoiceId',
    });
  }
  const amounts = invoiceAmounts(ctx);
  const rejected = ctx.lines.filter((l) => l.review.status === 'rejected');
  const next = transitionInvoice(ctx.invoice.status, action, ctx.actor, {
    rejectedLineCount: rejected.length,
    earlierUnapprovedNumbers: amounts.unapprovedEarlierLabels,
    lineIssueCount: amounts.issues.length + (ctx.actor === 'contact' ? amounts.claimedIssues.length : 0),
  });
  // Issue 10, item 12: submitting with checklist items missing needs acknowledgeMissing (recorded below).
  const acknowledgedMissing = action === 'submit' ? acknowledgeChecklist(await loadSubmissionChecklist(trx, ctx), acknowledgeMissing) : [];
  const version = ctx.invoice.version + 1;
  const approving = isApproved(next);
  const snapshot = approving ? snapshotOf(ctx.lines, amounts) : null;
  // Resubmitting clears the rejections the contact has answered; the administrator reviews again.
  const resubmitted = action === 'submit' && ctx.invoice.status === 'revise_and_resubmit';
  const writes: Write[] = [
    ...(carried.writes ?? []),
    trx
      .updateTable('invoices')
      .set({
        status: next,
        version,
        updatedAt: now,
        ...(action === 'submit' && { submittedAt: now, submittedBy: viewer.userId }),
        ...(approving && {
          approvedAt: now,
          approvedBy: viewer.userId,
          snapshot: JSON.stringify(snapshot),
        }),
      })
      .where('tenantId', '=', ctx.access.tenantId)
      .where('id', '=', ctx.invoice.id),
  ];
  if (resubmitted) {
    writes.push(
      trx
        .updateTable('invoiceLines')
        .set({ reviewStatus: null, reviewReason: null })
        .where('tenantId', '=', ctx.access.tenantId)
        .where('invoiceId', '=', ctx.invoice.id)
        .where('reviewStatus', '=', 'rejected'),
    );
  }
  const email = { project: ctx.project, commitment: ctx.commitment, invoice: ctx.invoice, currentPaymentDueCents: amounts.summary.currentPaymentDueCents };
  let emails: NewEmail[] = [];
  if (next === 'under_review') {
    const submission = await planInvoiceSubmission(trx, ctx, viewer.userId, now);
    writes.push(...submission.writes);
    emails = await planInvoiceSubmittedEmail(
      trx,
      { ...email, period: ctx.period, submitterName: ctx.viewerName, contractCompanyName: ctx.contractCompanyName, revision: submission.revision, changedLines: submission.changedLines },
      now,
    );
  }
  if (next === 'revise_and_resubmit') {
    emails = await planInvoiceSentBackEmail(
      trx,
      {
        ...email,
        reviewerName: ctx.viewerName,
        note: note ?? null,
        rejectedLines: rejected.map((l) => ({ itemNumber: l.itemNumber, description: l.description, reason: l.review.reason })),
      },
      now,
    );
  }
  if (next === 'approved' || next === 'approved_as_noted') {
    emails = await planInvoiceApprovedEmail(
      trx,
      {
        ...email,
        period: ctx.period,
        approvalNoticesEnabled: ctx.approvalNoticesEnabled,
        status: next,
        approverName: ctx.viewerName,
        note: note?.trim() || null,
        claimedPaymentDueCents: amounts.claimedSummary.currentPaymentDueCents,
        adjustedLines: adjustedLines(ctx.lines, amounts.lines, amounts.claimedLines),
      },
      now,
    );
  }
  await executeWritesTogether(trx, writes);
  // The invoice as it stands now, for the answer (decision 022): nothing is loaded again.
  const invoice = {
    ...ctx.invoice,
    status: next,
    version,
    updatedAt: now,
    ...(action === 'submit' && { submittedAt: now }),
    ...(approving && { approvedAt: now, approvedBy: viewer.userId, snapshot }),
  };
  const lines = resubmitted ? ctx.lines.map((l) => (l.review.status === 'rejected' ? { ...l, review: { status: null, reason: null } } : l)) : ctx.lines;
  const after: InvoiceContext = { ...ctx, invoice, lines };
  await executeWritesTogether(trx, [
    invoiceSummariesWrite(ctx.access.tenantId, [{ invoiceId: ctx.invoice.id, amounts }]),
    emails.length > 0 && insertEmailsQuery(trx, emails),
    auditEntriesQuery(trx, [
      ...(carried.audits ?? []),
      {
        occurredAt: now,
        actorUserId: viewer.userId,
        projectId: ctx.invoice.projectId,
        entityType: 'invoice',
        entityId: ctx.invoice.id,
        action: `status_${next}`,
        before: { status: ctx.invoice.status },
        after: { status: next, ...(note && { note }), ...(approving && { certified: amounts.summary }), ...(acknowledgedMissing.length > 0 && { acknowledgedMissing }) },
      },
    ]),
  ]);
  const changed = new Set(resubmitted ? rejected.map((l) => l.key) : []);
  return { status: next, version, written: { ctx: after, amounts: approving ? invoiceAmounts(after) : amounts, changedLineKeys: changed } };
}

export async function changeInvoiceStatus(
  db: Db,
  viewer: Viewer,
  projectId: string,
  invoiceId: string,
  input: { action: InvoiceAction; version: number; note?: string | undefined; acknowledgeMissing?: boolean | undefined },
  now: Date,
): Promise<{ status: InvoiceStatus; version: number; written: InvoiceWritten }> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true, forSubmission: input.action === 'submit' });
    assertVersion(ctx.invoice.version, input.version, 'invoice');
    return applyInvoiceAction(trx, ctx, viewer, input.action, now, input.note, input.acknowledgeMissing);
  });
}

export type BulkResult =
  | { invoiceId: string; ok: true; status: InvoiceStatus }
  | { invoiceId: string; ok: false; error: { code: string; message: string } };

/** Administrators change many invoices at once; each is checked on its own and reported. */
export async function bulkChangeInvoiceStatus(
  db: Db,
  viewer: Viewer,
  projectId: string,
  input: { invoiceIds: string[]; action: InvoiceAction; note?: string | undefined; acknowledgeMissing?: boolean | undefined },
  now: Date,
): Promise<BulkResult[]> {
  assertInvoiceAdministrator(await getProjectAccess(db, viewer, projectId), 'change invoices in bulk');
  const results: BulkResult[] = [];
  for (const invoiceId of [...new Set(input.invoiceIds)]) {
    try {
      const { status } = await withSavepoint(db, async (trx) => {
        const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true, forSubmission: input.action === 'submit' });
        if (ctx.actor !== 'admin') throw new DomainError('forbidden', 'Only an invoice administrator can change invoices in bulk.');
        return applyInvoiceAction(trx, ctx, viewer, input.action, now, input.note, input.acknowledgeMissing);
      });
      results.push({ invoiceId, ok: true, status });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      results.push({ invoiceId, ok: false, error: { code: error.code, message: error.message } });
    }
  }
  return results;
}
