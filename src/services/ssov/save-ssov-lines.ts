/**
 * Saving the whole breakdown at once (the SSOV editor's save): lines with an `id` are kept and
 * changed, lines without are added, stored lines left out are removed; the order under each SOV
 * line is the array order. Contacts save in Draft and Revise & Resubmit; administrators at any
 * time — on the contacts' behalf, with no email — but under review or approved every SOV line must
 * stay fully allocated. Nothing that would rewrite an approved invoice is allowed.
 */
import { assertVersion } from '../../domain/commitment.ts';
import type { Viewer } from '../../domain/permissions.ts';
import {
  allocationsOf,
  assertCanEditLines,
  assertFullyAllocated,
  mustStayFullyAllocated,
  planSsovSave,
  SSOV_STATUS_LABELS,
  type Ssov,
  type SsovLineInput,
} from '../../domain/ssov.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { addMissingInvoiceLines } from '../../db/invoices.queries.ts';
import { listDetailLineUses, listSsovLines, lockCommitmentInvoices, updateSsov, writeSsovLines } from '../../db/ssov.queries.ts';
import { loadSsovForWrite } from './ssov-context.ts';

export type SaveSsovLinesInput = { version: number; lines: SsovLineInput[] };

export async function saveSsovLines(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  input: SaveSsovLinesInput,
  now: Date,
): Promise<Ssov> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadSsovForWrite(trx, viewer, projectId, commitmentId, now);
    assertVersion(ctx.ssov.version, input.version, 'Subcontractor SOV');
    assertCanEditLines(ctx.ssov.status, ctx.actor);
    // No invoice of the commitment is approved while this save decides what its lines may become.
    await lockCommitmentInvoices(trx, ctx.tenantId, commitmentId);
    const plan = planSsovSave({
      sovLineIds: new Set(ctx.sovLines.map((l) => l.id)),
      current: ctx.lines,
      next: input.lines,
      uses: await listDetailLineUses(trx, ctx.tenantId, commitmentId),
    });
    if (mustStayFullyAllocated(ctx.ssov.status)) {
      assertFullyAllocated(allocationsOf(ctx.sovLines, plan.lines), `while the Subcontractor SOV is ${SSOV_STATUS_LABELS[ctx.ssov.status]}`);
    }
    await writeSsovLines(trx, ctx.tenantId, commitmentId, plan, now);
    // New detail lines of an approved SSOV join the invoices not yet approved.
    if (ctx.ssov.status === 'approved') await addMissingInvoiceLines(trx, ctx.tenantId, commitmentId);
    const ssov = await updateSsov(trx, ctx.tenantId, commitmentId, { version: ctx.ssov.version + 1, updatedAt: now });
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'ssov',
      entityId: commitmentId,
      action: 'save_lines',
      before: { status: ctx.ssov.status, version: ctx.ssov.version, lines: ctx.lines },
      after: { status: ssov.status, version: ssov.version, lines: await listSsovLines(trx, ctx.tenantId, commitmentId), actor: ctx.actor },
    });
    return ssov;
  });
}
