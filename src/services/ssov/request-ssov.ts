/**
 * An administrator asks the commitment's invoice contacts to break down its schedule of values:
 * each contact gets the request email with a link straight into the SSOV editor (reference §10 E3).
 * Only while the SSOV is the contacts' to fill in (Draft or Revise & Resubmit). It changes no line,
 * so it does not move the version (a contact editing meanwhile is not interrupted).
 */
import { DomainError } from '../../domain/errors.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { assertCanRequest, type Ssov } from '../../domain/ssov.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { listInvoiceContactIds } from '../../db/recipients.queries.ts';
import { updateSsov } from '../../db/ssov.queries.ts';
import { emailSsovRequest } from '../notifications/billing-emails.ts';
import type { EnqueueResult } from '../notifications/enqueue-email.ts';
import { loadSsovForWrite } from './ssov-context.ts';

export async function requestSsov(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  input: { message?: string | undefined },
  now: Date,
): Promise<{ ssov: Ssov; emails: EnqueueResult }> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadSsovForWrite(trx, viewer, projectId, commitmentId, now);
    if (ctx.actor !== 'admin') {
      throw new DomainError('forbidden', "Only an Admin on this project's Commitments tool can ask the invoice contacts for the Subcontractor SOV.");
    }
    assertCanRequest(ctx.ssov.status);
    if ((await listInvoiceContactIds(trx, ctx.tenantId, commitmentId)).length === 0) {
      throw new DomainError('rule_violation', 'The commitment has no invoice contact to ask. Add one first.', {
        field: 'commitmentId',
        details: { reason: 'no_invoice_contacts' },
      });
    }
    const message = input.message?.trim() || null;
    const ssov = await updateSsov(trx, ctx.tenantId, commitmentId, { version: ctx.ssov.version, requestedAt: now, requestedBy: viewer.userId, updatedAt: now });
    const emails = await emailSsovRequest(trx, { project: ctx.project, commitment: ctx.commitment, requesterUserId: viewer.userId, message }, now);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'ssov',
      entityId: commitmentId,
      action: 'request',
      after: { status: ssov.status, message, emailed: emails.queued, skipped: emails.skipped },
    });
    return { ssov, emails };
  });
}
