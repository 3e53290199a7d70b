/**
 * Every submission of an invoice is recorded with what was claimed on each line, so a resubmission
 * can say which revision it is and which lines changed since the previous one.
 */
import { randomUUID } from 'node:crypto';
import { changedClaims, type ClaimChange } from '../../domain/invoice-notices.ts';
import type { Trx } from '../../db/database.ts';
import { findLatestSubmission, submissionWrites } from '../../db/invoice-submissions.queries.ts';
import type { InvoiceContext } from './invoice-context.ts';

/**
 * The next submission of the invoice: its revision, the lines whose claim changed since the
 * previous one, and the writes that record it (sent by the caller with its others). The previous
 * submission comes with a context loaded `forSubmission`, else it is read.
 */
export async function planInvoiceSubmission(
  trx: Trx,
  ctx: Pick<InvoiceContext, 'access' | 'invoice' | 'lines' | 'submission'>,
  submittedBy: string,
  now: Date,
): Promise<{ revision: number; changedLines: ClaimChange[] | null; writes: ReturnType<typeof submissionWrites> }> {
  const previous = ctx.submission ? ctx.submission.latest : ((await findLatestSubmission(trx, ctx.access.tenantId, ctx.invoice.id)) ?? null);
  const revision = previous ? previous.revision + 1 : 0;
  const writes = submissionWrites(trx, { tenantId: ctx.access.tenantId, id: randomUUID(), invoiceId: ctx.invoice.id, revision, submittedAt: now, submittedBy });
  if (!previous) return { revision, changedLines: [], writes };
  return { revision, changedLines: previous.claimed ? changedClaims(previous.claimed, ctx.lines) : null, writes };
}
