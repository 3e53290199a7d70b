/**
 * The submission checklist of one invoice (src/domain/submission-checklist.ts) from what is stored:
 * the invite of its commitment and period, its attachments, and the materials stored that its
 * lines claim this period. Read by the invoice view and checked when the invoice is submitted.
 */
import { submissionChecklist, type SubmissionChecklist } from '../../domain/submission-checklist.ts';
import type { DbOrTrx } from '../../db/database.ts';
import { findInvite } from '../../db/invites.queries.ts';
import { countInvoiceAttachments } from '../../db/invoices.queries.ts';
import type { InvoiceContext } from './invoice-context.ts';

/**
 * `attachmentCount`: when the caller has counted them already (the view lists them). A context
 * loaded `forSubmission` has the invite and the count already: nothing is read.
 */
export async function loadSubmissionChecklist(db: DbOrTrx, ctx: Pick<InvoiceContext, 'access' | 'invoice' | 'lines' | 'submission'>, attachmentCount?: number): Promise<SubmissionChecklist> {
  const { tenantId } = ctx.access;
  if (ctx.submission) {
    return submissionChecklist({
      invite: ctx.submission.invite,
      attachmentCount: ctx.submission.attachmentCount,
      lines: ctx.lines.map((l) => ({ lineId: l.id, itemNumber: l.itemNumber, description: l.description, materialsStoredNewCents: l.claimed.materialsStoredNewCents })),
    });
  }
  const invite = await findInvite(db, tenantId, ctx.invoice.billingPeriodId, ctx.invoice.commitmentId);
  return submissionChecklist({
    invite: invite ? { requestAttachments: invite.requestAttachments, attachmentsNote: invite.attachmentsNote } : null,
    attachmentCount: attachmentCount ?? (await countInvoiceAttachments(db, tenantId, ctx.invoice.id)),
    // The claim is what a submission submits (the contact's entries; certified amounts follow review).
    lines: ctx.lines.map((l) => ({ lineId: l.id, itemNumber: l.itemNumber, description: l.description, materialsStoredNewCents: l.claimed.materialsStoredNewCents })),
  });
}
