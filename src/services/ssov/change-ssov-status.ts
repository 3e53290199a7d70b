/**
 * Moving the Subcontractor SOV through its statuses: submit (contacts, or an administrator on their
 * behalf), approve and send back (administrators). The decision is `transitionSsov`; here it is
 * loaded, written, audited and announced in one transaction: submitted → the invoice distribution
 * list; sent back → the contacts, with the reason; approved → nobody (no email to the contacts when
 * an administrator acts on their behalf). Approval adds the detail lines to any invoice of the
 * commitment that is not yet approved.
 */
import { assertVersion } from '../../domain/commitment.ts';
import { sumCents } from '../../domain/money.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { allocationsOf, transitionSsov, type Ssov, type SsovAction } from '../../domain/ssov.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { addMissingInvoiceLines } from '../../db/invoices.queries.ts';
import { updateSsov } from '../../db/ssov.queries.ts';
import { emailSsovSentBack, emailSsovSubmitted } from '../notifications/billing-emails.ts';
import { loadSsovForWrite } from './ssov-context.ts';

export type ChangeSsovStatusInput = { action: SsovAction; version: number; reason?: string | undefined };

export async function changeSsovStatus(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  input: ChangeSsovStatusInput,
  now: Date,
): Promise<Ssov> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadSsovForWrite(trx, viewer, projectId, commitmentId, now);
    assertVersion(ctx.ssov.version, input.version, 'Subcontractor SOV');
    const allocations = allocationsOf(ctx.sovLines, ctx.lines);
    const next = transitionSsov(ctx.ssov.status, input.action, ctx.actor, { allocations, reason: input.reason });
    const reason = input.reason?.trim() ?? '';
    const ssov = await updateSsov(trx, ctx.tenantId, commitmentId, {
      status: next,
      version: ctx.ssov.version + 1,
      updatedAt: now,
      ...(input.action === 'submit' && { submittedAt: now, submittedBy: viewer.userId }),
      ...(input.action === 'approve' && { approvedAt: now, approvedBy: viewer.userId }),
      ...(input.action === 'send_back' && { sentBackAt: now, sentBackBy: viewer.userId, sentBackReason: reason }),
    });
    const totalCents = sumCents(ctx.lines.map((l) => l.amountCents));
    if (input.action === 'approve') await addMissingInvoiceLines(trx, ctx.tenantId, commitmentId);
    if (input.action === 'submit') {
      await emailSsovSubmitted(
        trx,
        { project: ctx.project, commitment: ctx.commitment, submitterUserId: viewer.userId, totalCents, detailLineCount: ctx.lines.length },
        now,
      );
    }
    if (input.action === 'send_back') {
      await emailSsovSentBack(trx, { project: ctx.project, commitment: ctx.commitment, reviewerUserId: viewer.userId, reason }, now);
    }
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'ssov',
      entityId: commitmentId,
      action: input.action,
      before: { status: ctx.ssov.status, version: ctx.ssov.version },
      after: { status: next, version: ssov.version, actor: ctx.actor, totalCents, ...(input.action === 'send_back' && { reason }) },
    });
    return ssov;
  });
}
