/** Invoice attachments: stored in PostgreSQL with the invoice, so every process sees them. */
import { assertAttachment, safeFilename } from '../../domain/attachments.ts';
import { DomainError } from '../../domain/errors.ts';
import { assertCanEdit } from '../../domain/invoice-rules.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { isUuid } from '../../db/ids.ts';
import { loadInvoiceContext } from './invoice-context.ts';

export async function addInvoiceAttachment(
  db: Db,
  viewer: Viewer,
  projectId: string,
  invoiceId: string,
  file: { filename: string; contentType: string; content: Buffer },
  now: Date,
): Promise<{ id: string; filename: string; contentType: string; sizeBytes: number }> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true });
    assertCanEdit({ actor: ctx.actor, status: ctx.invoice.status, isLatestInPeriod: ctx.isLatestInPeriod }, 'details');
    const existing = await trx
      .selectFrom('invoiceAttachments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenantId', '=', ctx.access.tenantId)
      .where('invoiceId', '=', invoiceId)
      .where('deletedAt', 'is', null)
      .executeTakeFirstOrThrow();
    const filename = safeFilename(file.filename);
    const contentType = file.contentType.split(';')[0]?.trim().toLowerCase() ?? 'application/octet-stream';
    assertAttachment({ filename, contentType, sizeBytes: file.content.length }, Number(existing.n));
    const row = await trx
      .insertInto('invoiceAttachments')
      .values({ tenantId: ctx.access.tenantId, invoiceId, filename, contentType, sizeBytes: file.content.length, content: file.content, uploadedBy: viewer.userId, createdAt: now })
      .returning(['id', 'filename', 'contentType', 'sizeBytes'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'invoice',
      entityId: invoiceId,
      action: 'add_attachment',
      after: row,
    });
    return row;
  });
}

/** Attachments are removed from the invoice but kept (soft delete): nothing a user saved is lost. */
export async function removeInvoiceAttachment(db: Db, viewer: Viewer, projectId: string, invoiceId: string, attachmentId: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true });
    assertCanEdit({ actor: ctx.actor, status: ctx.invoice.status, isLatestInPeriod: ctx.isLatestInPeriod }, 'details');
    const result = isUuid(attachmentId)
      ? await trx
          .updateTable('invoiceAttachments')
          .set({ deletedAt: now })
          .where('tenantId', '=', ctx.access.tenantId)
          .where('id', '=', attachmentId)
          .where('invoiceId', '=', invoiceId)
          .where('deletedAt', 'is', null)
          .executeTakeFirst()
      : undefined;
    if (!result || Number(result.numUpdatedRows) === 0) throw new DomainError('not_found', 'The attachment was not found.');
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'invoice',
      entityId: invoiceId,
      action: 'remove_attachment',
      before: { attachmentId },
    });
  });
}
