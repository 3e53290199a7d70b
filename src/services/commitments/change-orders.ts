/**
 * Commitment change orders. Approving one adds its lines to the commitment's schedule of values for
 * billing (they become invoice lines); its lines are then frozen.
 */
import {
  assertChangeOrderLinesEditable,
  transitionChangeOrder,
  type ChangeOrder,
  type ChangeOrderStatus,
} from '../../domain/change-order.ts';
import { assertVersion } from '../../domain/commitment.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db, Trx } from '../../db/database.ts';
import { getChangeOrder, isChangeOrderNumberTaken } from '../../db/sov.queries.ts';
import { addMissingInvoiceLines, hasInvoiceLinesForChangeOrder } from '../../db/invoices.queries.ts';
import { loadCommitmentForWrite } from './load-for-write.ts';

export type ChangeOrderLineInput = {
  itemNumber?: string | undefined;
  costCode?: string | undefined;
  description: string;
  amountCents: number;
};

function assertLines(lines: ChangeOrderLineInput[]): void {
  lines.forEach((line, index) => {
    if (line.description.trim().length === 0) {
      throw new DomainError('validation_failed', 'Every change order line needs a description.', {
        field: `lines.${index}.description`,
      });
    }
    if (!Number.isSafeInteger(line.amountCents)) {
      throw new DomainError('validation_failed', 'An amount must be in whole cents.', { field: `lines.${index}.amountCents` });
    }
  });
}

async function writeLines(trx: Trx, tenantId: string, changeOrderId: string, lines: ChangeOrderLineInput[]): Promise<void> {
  await trx.deleteFrom('changeOrderLines').where('tenantId', '=', tenantId).where('changeOrderId', '=', changeOrderId).execute();
  if (lines.length === 0) return;
  await trx
    .insertInto('changeOrderLines')
    .values(
      lines.map((line, index) => ({
        tenantId,
        changeOrderId,
        position: index + 1,
        itemNumber: line.itemNumber ?? '',
        costCode: line.costCode ?? '',
        description: line.description.trim(),
        amountCents: line.amountCents,
      })),
    )
    .execute();
}

/** Whether an invoice has billed this change order's lines (then it can no longer be voided). */
function isChangeOrderBilled(trx: Trx, tenantId: string, changeOrderId: string): Promise<boolean> {
  return hasInvoiceLinesForChangeOrder(trx, tenantId, changeOrderId);
}

/** Approved lines join the open invoices of the commitment; voided ones leave them (unbilled only). */
async function syncInvoiceLines(trx: Trx, tenantId: string, commitmentId: string, changeOrderId: string, status: ChangeOrderStatus): Promise<void> {
  if (status === 'approved') await addMissingInvoiceLines(trx, tenantId, commitmentId);
  if (status === 'void') {
    await trx
      .deleteFrom('invoiceLines')
      .where('tenantId', '=', tenantId)
      .where('changeOrderLineId', 'in', (eb) =>
        eb.selectFrom('changeOrderLines').select('id').where('tenantId', '=', tenantId).where('changeOrderId', '=', changeOrderId),
      )
      .execute();
  }
}

export type CreateChangeOrderInput = {
  number: string;
  title: string;
  status?: ChangeOrderStatus | undefined;
  lines: ChangeOrderLineInput[];
};

export async function createChangeOrder(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  input: CreateChangeOrderInput,
  now: Date,
): Promise<ChangeOrder> {
  assertLines(input.lines);
  return db.transaction().execute(async (trx) => {
    const { tenantId } = (await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, 'create change orders')).access;
    const number = input.number.trim();
    if (await isChangeOrderNumberTaken(trx, tenantId, commitmentId, number)) {
      throw new DomainError('duplicate_number', `Change order ${number} already exists on this commitment.`, {
        field: 'number',
      });
    }
    const status = transitionChangeOrder('draft', input.status ?? 'draft', false);
    const row = await trx
      .insertInto('changeOrders')
      .values({
        tenantId,
        commitmentId,
        number,
        title: input.title.trim(),
        status,
        approvedAt: status === 'approved' ? now : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeLines(trx, tenantId, row.id, input.lines);
    await syncInvoiceLines(trx, tenantId, commitmentId, row.id, status);
    const changeOrder = await getChangeOrder(trx, tenantId, commitmentId, row.id);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'change_order',
      entityId: row.id,
      action: 'create',
      after: changeOrder,
    });
    return changeOrder;
  });
}

export type UpdateChangeOrderInput = {
  version: number;
  number?: string | undefined;
  title?: string | undefined;
  status?: ChangeOrderStatus | undefined;
  lines?: ChangeOrderLineInput[] | undefined;
};

export async function updateChangeOrder(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  changeOrderId: string,
  input: UpdateChangeOrderInput,
  now: Date,
): Promise<ChangeOrder> {
  if (input.lines) assertLines(input.lines);
  return db.transaction().execute(async (trx) => {
    const { tenantId } = (await loadCommitmentForWrite(trx, viewer, projectId, commitmentId, 'edit change orders')).access;
    const before = await getChangeOrder(trx, tenantId, commitmentId, changeOrderId, { forUpdate: true });
    assertVersion(before.version, input.version, 'change order');
    // Lines change under the status the change order has before this save (draft or pending).
    if (input.lines) assertChangeOrderLinesEditable(before.status);
    const status =
      input.status === undefined
        ? before.status
        : transitionChangeOrder(before.status, input.status, await isChangeOrderBilled(trx, tenantId, changeOrderId));
    const number = input.number?.trim();
    if (number !== undefined && number !== before.number && (await isChangeOrderNumberTaken(trx, tenantId, commitmentId, number, changeOrderId))) {
      throw new DomainError('duplicate_number', `Change order ${number} already exists on this commitment.`, {
        field: 'number',
      });
    }
    if ((number !== undefined || input.title !== undefined) && (before.status === 'approved' || before.status === 'void')) {
      if ((number !== undefined && number !== before.number) || (input.title !== undefined && input.title.trim() !== before.title)) {
        throw new DomainError('change_order_locked', `A ${before.status} change order cannot be renamed.`, { field: 'number' });
      }
    }
    if (input.lines) await writeLines(trx, tenantId, changeOrderId, input.lines);
    await trx
      .updateTable('changeOrders')
      .set({
        ...(number !== undefined && { number }),
        ...(input.title !== undefined && { title: input.title.trim() }),
        status,
        approvedAt: status === 'approved' ? (before.approvedAt ?? now) : null,
        version: before.version + 1,
        updatedAt: now,
      })
      .where('tenantId', '=', tenantId)
      .where('id', '=', changeOrderId)
      .execute();
    if (status !== before.status) await syncInvoiceLines(trx, tenantId, commitmentId, changeOrderId, status);
    const after = await getChangeOrder(trx, tenantId, commitmentId, changeOrderId);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'change_order',
      entityId: changeOrderId,
      action: before.status !== after.status ? `status_${after.status}` : 'update',
      before,
      after,
    });
    return after;
  });
}
