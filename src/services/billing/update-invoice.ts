/** The invoice's general information: the contact's number, dates and comments. */
import { assertDatesInWindow, isCalendarDate, type CalendarDate } from '../../domain/calendar.ts';
import { assertVersion } from '../../domain/commitment.ts';
import { DomainError } from '../../domain/errors.ts';
import { assertCanEdit } from '../../domain/invoice-rules.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { invoiceAmounts, loadInvoiceContext, type InvoiceWritten } from './invoice-context.ts';

export type UpdateInvoiceInput = {
  version: number;
  number?: string | null | undefined;
  billingDate?: CalendarDate | undefined;
  periodStart?: CalendarDate | undefined;
  periodEnd?: CalendarDate | undefined;
  comments?: string | undefined;
};

export async function updateInvoice(
  db: Db,
  viewer: Viewer,
  projectId: string,
  invoiceId: string,
  input: UpdateInvoiceInput,
  now: Date,
): Promise<{ version: number; written: InvoiceWritten }> {
  for (const field of ['billingDate', 'periodStart', 'periodEnd'] as const) {
    const value = input[field];
    if (value !== undefined && !isCalendarDate(value)) {
      throw new DomainError('validation_failed', 'Dates are calendar days like 2026-11-30.', { field });
    }
  }
  return db.transaction().execute(async (trx) => {
    const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true });
    assertVersion(ctx.invoice.version, input.version, 'invoice');
    assertDatesInWindow({ billingDate: input.billingDate, periodStart: input.periodStart, periodEnd: input.periodEnd }, ctx.today);
    assertCanEdit({ actor: ctx.actor, status: ctx.invoice.status, isLatestInPeriod: ctx.isLatestInPeriod }, 'details');
    const periodStart = input.periodStart ?? ctx.invoice.periodStart;
    const periodEnd = input.periodEnd ?? ctx.invoice.periodEnd;
    if (periodStart > periodEnd) {
      throw new DomainError('validation_failed', 'The period must end on or after the day it starts.', { field: 'periodEnd' });
    }
    const version = ctx.invoice.version + 1;
    const changes = {
      ...(input.number !== undefined && { number: input.number?.trim() || null }),
      ...(input.billingDate !== undefined && { billingDate: input.billingDate }),
      ...(input.periodStart !== undefined && { periodStart: input.periodStart }),
      ...(input.periodEnd !== undefined && { periodEnd: input.periodEnd }),
      ...(input.comments !== undefined && { comments: input.comments }),
    };
    await trx.updateTable('invoices').set({ ...changes, version, updatedAt: now }).where('tenantId', '=', ctx.access.tenantId).where('id', '=', invoiceId).execute();
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'invoice',
      entityId: invoiceId,
      action: 'update',
      before: {
        number: ctx.invoice.number,
        billingDate: ctx.invoice.billingDate,
        periodStart: ctx.invoice.periodStart,
        periodEnd: ctx.invoice.periodEnd,
        comments: ctx.invoice.comments,
      },
      after: changes,
    });
    const after = { ...ctx, invoice: { ...ctx.invoice, ...changes, version, updatedAt: now } };
    return { version, written: { ctx: after, amounts: invoiceAmounts(after), changedLineKeys: new Set<string>() } };
  });
}
