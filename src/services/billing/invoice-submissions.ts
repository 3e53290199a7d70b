/**
 * Every submission of an invoice is recorded with what was claimed on each line, so a resubmission
 * can say which revision it is and which lines changed since the previous one.
 */
import { changedClaims, type ClaimChange } from '../../domain/invoice-notices.ts';
import type { Trx } from '../../db/database.ts';
import { findLatestSubmission, insertSubmission } from '../../db/invoice-submissions.queries.ts';
import type { InvoiceContext } from './invoice-context.ts';

export async function recordInvoiceSubmission(
  trx: Trx,
  ctx: Pick<InvoiceContext, 'access' | 'invoice' | 'lines'>,
  submittedBy: string,
  now: Date,
): Promise<{ revision: number; changedLines: ClaimChange[] | null }> {
  const { tenantId } = ctx.access;
  const previous = await findLatestSubmission(trx, tenantId, ctx.invoice.id);
  const revision = previous ? previous.revision + 1 : 0;
  await insertSubmission(trx, { tenantId, invoiceId: ctx.invoice.id, revision, submittedAt: now, submittedBy });
  if (!previous) return { revision, changedLines: [] };
  return { revision, changedLines: previous.claimed ? changedClaims(previous.claimed, ctx.lines) : null };
}
