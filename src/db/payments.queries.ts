/** Payments issued against invoices, and their attachments. Payments are voided, never deleted. */
import type { Payment, PaymentMethod } from '../domain/payment.ts';
import { notFound } from '../domain/errors.ts';
import type { DbOrTrx } from './database.ts';
import { isUuid } from './ids.ts';
import type { PaymentTable } from './tables.ts';
import type { Selectable } from 'kysely';

export type PaymentWithNames = Payment & {
  commitmentId: string;
  recordedByName: string | null;
  voidedByName: string | null;
  attachment: { id: string; filename: string; contentType: string; sizeBytes: number } | null;
};

function paymentFromRow(row: Selectable<PaymentTable>): Payment & { commitmentId: string } {
  return {
    id: row.id,
    invoiceId: row.invoiceId,
    commitmentId: row.commitmentId,
    paymentNumber: row.paymentNumber,
    amountCents: row.amountCents,
    paidOn: row.paidOn,
    method: row.method as PaymentMethod,
    reference: row.reference,
    notes: row.notes,
    recordedBy: row.recordedBy,
    recordedAt: row.recordedAt,
    voidedAt: row.voidedAt,
    voidedBy: row.voidedBy,
    voidReason: row.voidReason,
  };
}

export async function insertPayment(
  db: DbOrTrx,
  values: { tenantId: string; projectId: string; commitmentId: string; invoiceId: string; paymentNumber: string; amountCents: number; paidOn: string; method: PaymentMethod; reference: string; notes: string; recordedBy: string; recordedAt: Date },
): Promise<Payment & { commitmentId: string }> {
  const row = await db.insertInto('payments').values(values).returningAll().executeTakeFirstOrThrow();
  return paymentFromRow(row);
}

/** One payment of an invoice (locked for update when asked); not_found when it is not on that invoice. */
export async function getPayment(db: DbOrTrx, tenantId: string, invoiceId: string, paymentId: string, options: { forUpdate?: boolean } = {}): Promise<Payment & { commitmentId: string }> {
  if (!isUuid(paymentId)) throw notFound('The payment');
  let q = db.selectFrom('payments').selectAll().where('tenantId', '=', tenantId).where('id', '=', paymentId).where('invoiceId', '=', invoiceId);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('The payment');
  return paymentFromRow(row);
}

export async function markPaymentVoided(db: DbOrTrx, tenantId: string, paymentId: string, by: string, at: Date, reason: string): Promise<void> {
  await db.updateTable('payments').set({ voidedAt: at, voidedBy: by, voidReason: reason }).where('tenantId', '=', tenantId).where('id', '=', paymentId).where('voidedAt', 'is', null).execute();
}

/** Every payment (voided too) of the given invoices, oldest first, with who recorded and voided it. */
export async function listPaymentsOfInvoices(db: DbOrTrx, tenantId: string, invoiceIds: string[]): Promise<PaymentWithNames[]> {
  if (invoiceIds.length === 0) return [];
  const rows = await db
    .selectFrom('payments as p')
    .leftJoin('users as r', 'r.id', 'p.recordedBy')
    .leftJoin('users as v', 'v.id', 'p.voidedBy')
    .selectAll('p')
    .select(['r.name as recordedByName', 'v.name as voidedByName'])
    .where('p.tenantId', '=', tenantId)
    .where('p.invoiceId', 'in', invoiceIds)
    .orderBy('p.paidOn')
    .orderBy('p.recordedAt')
    .execute();
  const attachments = rows.length
    ? await db
        .selectFrom('paymentAttachments')
        .select(['id', 'paymentId', 'filename', 'contentType', 'sizeBytes'])
        .where('tenantId', '=', tenantId)
        .where(
          'paymentId',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('createdAt')
        .execute()
    : [];
  const byPayment = new Map(attachments.map((a) => [a.paymentId, { id: a.id, filename: a.filename, contentType: a.contentType, sizeBytes: a.sizeBytes }]));
  return rows.map((row) => ({
    ...paymentFromRow(row),
    recordedByName: row.recordedByName,
    voidedByName: row.voidedByName,
    attachment: byPayment.get(row.id) ?? null,
  }));
}

/** Paid to date (voided payments excluded) per invoice, for the given commitments. */
export async function sumPaidByInvoice(db: DbOrTrx, tenantId: string, commitmentIds: string[]): Promise<Map<string, number>> {
  if (commitmentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('payments')
    .select(['invoiceId', (eb) => eb.fn.sum<string>('amountCents').as('paid')])
    .where('tenantId', '=', tenantId)
    .where('commitmentId', 'in', commitmentIds)
    .where('voidedAt', 'is', null)
    .groupBy('invoiceId')
    .execute();
  return new Map(rows.map((r) => [r.invoiceId, Number(r.paid)]));
}

/** One attachment per payment: replacing it keeps the earlier file (nothing saved is lost). */
export async function insertPaymentAttachment(
  db: DbOrTrx,
  values: { tenantId: string; paymentId: string; filename: string; contentType: string; sizeBytes: number; content: Buffer; uploadedBy: string; createdAt: Date },
): Promise<{ id: string; filename: string; contentType: string; sizeBytes: number }> {
  return db.insertInto('paymentAttachments').values(values).returning(['id', 'filename', 'contentType', 'sizeBytes']).executeTakeFirstOrThrow();
}

export async function getPaymentAttachment(db: DbOrTrx, tenantId: string, paymentId: string, attachmentId: string): Promise<{ filename: string; contentType: string; content: Buffer } | undefined> {
  if (!isUuid(attachmentId)) return undefined;
  return db
    .selectFrom('paymentAttachments')
    .select(['filename', 'contentType', 'content'])
    .where('tenantId', '=', tenantId)
    .where('id', '=', attachmentId)
    .where('paymentId', '=', paymentId)
    .executeTakeFirst();
}
