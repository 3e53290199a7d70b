/**
 * Payments issued: an invoice administrator records what was paid against an approved invoice
 * (the money moves outside payapp), voids a payment with a reason, attaches the remittance; the
 * invoice's contacts see what has been paid. Roll-ups per commitment and per project.
 */
import { assertAttachment, safeFilename } from '../../domain/attachments.ts';
import { revisedContractSum } from '../../domain/commitment.ts';
import { assertDatesInWindow } from '../../domain/calendar.ts';
import { DomainError } from '../../domain/errors.ts';
import { isApproved } from '../../domain/invoice-status.ts';
import { sumCents } from '../../domain/money.ts';
import {
  assertPaymentAllowed,
  assertVoidAllowed,
  paidStatus,
  paidToDate,
  rollup,
  sumRollups,
  type PaidStatus,
  type PaymentMethod,
  type PaymentRollup,
} from '../../domain/payment.ts';
import { isInvoiceAdministrator, type Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import { listCommitments } from '../../db/commitments.queries.ts';
import type { Db, DbOrTrx } from '../../db/database.ts';
import {
  getPayment,
  getPaymentAttachment,
  insertPayment,
  insertPaymentAttachment,
  listPaymentsOfInvoices,
  markPaymentVoided,
  sumPaidByInvoice,
  type PaymentWithNames,
} from '../../db/payments.queries.ts';
import { getProjectAccess } from '../../db/projects.queries.ts';
import { getProjectSettings } from '../../db/settings.queries.ts';
import { invoiceAmounts, loadInvoiceContext, type InvoiceContext } from './invoice-context.ts';
import { listInvoicesWithSummaries, type InvoiceWithSummary } from './invoice-summaries.ts';

export type RecordPaymentInput = {
  amountCents: number;
  paidOn: string;
  method: PaymentMethod;
  paymentNumber?: string | undefined;
  reference?: string | undefined;
  notes?: string | undefined;
};

/** Where an invoice stands with payments: payable only once approved, against G702 line 8. */
export type InvoicePayments = {
  payable: boolean;
  status: PaidStatus | null;
  dueCents: number;
  paidCents: number;
  remainingCents: number;
  payments: PaymentWithNames[];
  canRecord: boolean;
  /** Administrators void payments of approved invoices. */
  canVoid: boolean;
  /** Why this person cannot record a payment here, in words (null when they can). */
  cannotRecordReason: string | null;
};

function assertAdministrator(ctx: InvoiceContext, action: string): void {
  if (ctx.actor !== 'admin') throw new DomainError('forbidden', `Only an Admin on this project's Commitments tool can ${action}.`);
}

function describe(ctx: InvoiceContext, payments: PaymentWithNames[], twoPersonRule: boolean, viewer: Viewer): InvoicePayments {
  const payable = isApproved(ctx.invoice.status);
  const dueCents = invoiceAmounts(ctx).summary.currentPaymentDueCents;
  const paidCents = paidToDate(payments);
  const remainingCents = payable ? Math.max(dueCents - paidCents, 0) : 0;
  let cannotRecordReason: string | null = null;
  if (ctx.actor !== 'admin') cannotRecordReason = 'Payments are recorded by the general contractor.';
  else if (!payable) cannotRecordReason = 'Payments are recorded against approved invoices only.';
  else if (twoPersonRule && ctx.invoice.approvedBy === viewer.userId) cannotRecordReason = 'You approved this invoice: on this project another administrator records its payment.';
  else if (remainingCents <= 0) cannotRecordReason = 'This invoice is paid in full.';
  return {
    payable,
    status: payable ? paidStatus(dueCents, paidCents) : null,
    dueCents,
    paidCents,
    remainingCents,
    payments,
    canRecord: cannotRecordReason === null,
    canVoid: ctx.actor === 'admin' && payable,
    cannotRecordReason,
  };
}

/** The invoice's payments as its administrators and contacts see them. */
export async function getInvoicePayments(db: Db, viewer: Viewer, projectId: string, invoiceId: string, now: Date): Promise<InvoicePayments> {
  const ctx = await loadInvoiceContext(db, viewer, projectId, invoiceId, now);
  return describeInvoicePayments(db, ctx, viewer);
}

export async function describeInvoicePayments(db: DbOrTrx, ctx: InvoiceContext, viewer: Viewer): Promise<InvoicePayments> {
  const { tenantId } = ctx.access;
  const [payments, settings] = await Promise.all([listPaymentsOfInvoices(db, tenantId, [ctx.invoice.id]), getProjectSettings(db, tenantId, ctx.project.id)]);
  return describe(ctx, payments, settings.twoPersonPaymentRule, viewer);
}

export async function recordPayment(db: Db, viewer: Viewer, projectId: string, invoiceId: string, input: RecordPaymentInput, now: Date): Promise<InvoicePayments> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true });
    assertAdministrator(ctx, 'record payments');
    assertDatesInWindow({ paidOn: input.paidOn }, ctx.today);
    const { tenantId } = ctx.access;
    const settings = await getProjectSettings(trx, tenantId, projectId);
    const before = await listPaymentsOfInvoices(trx, tenantId, [invoiceId]);
    assertPaymentAllowed({
      invoiceStatus: ctx.invoice.status,
      approvedBy: ctx.invoice.approvedBy,
      recorderUserId: viewer.userId,
      twoPersonRule: settings.twoPersonPaymentRule,
      dueCents: invoiceAmounts(ctx).summary.currentPaymentDueCents,
      paidCents: paidToDate(before),
      amountCents: input.amountCents,
    });
    const payment = await insertPayment(trx, {
      tenantId,
      projectId,
      commitmentId: ctx.invoice.commitmentId,
      invoiceId,
      paymentNumber: input.paymentNumber?.trim() ?? '',
      amountCents: input.amountCents,
      paidOn: input.paidOn,
      method: input.method,
      reference: input.reference?.trim() ?? '',
      notes: input.notes?.trim() ?? '',
      recordedBy: viewer.userId,
      recordedAt: now,
    });
    await recordAudit(trx, { occurredAt: now, actorUserId: viewer.userId, projectId, entityType: 'invoice', entityId: invoiceId, action: 'record_payment', after: payment });
    return describe(ctx, await listPaymentsOfInvoices(trx, tenantId, [invoiceId]), settings.twoPersonPaymentRule, viewer);
  });
}

export async function voidPayment(db: Db, viewer: Viewer, projectId: string, invoiceId: string, paymentId: string, reason: string, now: Date): Promise<InvoicePayments> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true });
    assertAdministrator(ctx, 'void payments');
    const { tenantId } = ctx.access;
    const payment = await getPayment(trx, tenantId, invoiceId, paymentId, { forUpdate: true });
    assertVoidAllowed(payment, reason);
    await markPaymentVoided(trx, tenantId, paymentId, viewer.userId, now, reason.trim());
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'invoice',
      entityId: invoiceId,
      action: 'void_payment',
      before: payment,
      after: { paymentId, voidReason: reason.trim() },
    });
    const settings = await getProjectSettings(trx, tenantId, projectId);
    return describe(ctx, await listPaymentsOfInvoices(trx, tenantId, [invoiceId]), settings.twoPersonPaymentRule, viewer);
  });
}

/** The remittance or check image of a payment. A new file replaces the shown one; earlier files are kept. */
export async function attachToPayment(
  db: Db,
  viewer: Viewer,
  projectId: string,
  invoiceId: string,
  paymentId: string,
  file: { filename: string; contentType: string; content: Buffer },
  now: Date,
): Promise<{ id: string; filename: string; contentType: string; sizeBytes: number }> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true });
    assertAdministrator(ctx, 'attach files to payments');
    const { tenantId } = ctx.access;
    await getPayment(trx, tenantId, invoiceId, paymentId);
    const filename = safeFilename(file.filename);
    const contentType = file.contentType.split(';')[0]?.trim().toLowerCase() ?? 'application/octet-stream';
    assertAttachment({ filename, contentType, sizeBytes: file.content.length }, 0);
    const saved = await insertPaymentAttachment(trx, { tenantId, paymentId, filename, contentType, sizeBytes: file.content.length, content: file.content, uploadedBy: viewer.userId, createdAt: now });
    await recordAudit(trx, { occurredAt: now, actorUserId: viewer.userId, projectId, entityType: 'invoice', entityId: invoiceId, action: 'attach_to_payment', after: { paymentId, ...saved } });
    return saved;
  });
}

export async function downloadPaymentAttachment(db: Db, viewer: Viewer, projectId: string, invoiceId: string, paymentId: string, attachmentId: string, now: Date) {
  const { tenantId } = (await loadInvoiceContext(db, viewer, projectId, invoiceId, now)).access;
  await getPayment(db, tenantId, invoiceId, paymentId);
  const file = await getPaymentAttachment(db, tenantId, paymentId, attachmentId);
  if (!file) throw new DomainError('not_found', 'The attachment was not found.');
  return file;
}

export type CommitmentPaymentRollup = PaymentRollup & { commitmentId: string; number: string; title: string; contractCompanyName: string | null };

/**
 * Roll-ups for every commitment the viewer may bill or administer, and the project total:
 * invoiced to date = Σ line 8 of approved invoices (what was certified for payment), paid to date,
 * % paid of the contract sum to date, retainage held (line 5 of the latest approved invoice), and
 * the remaining balance outstanding = contract sum to date − paid.
 */
export async function getPaymentRollups(
  db: Db,
  viewer: Viewer,
  projectId: string,
  filter: { commitmentId?: string | undefined } = {},
): Promise<{ project: PaymentRollup; commitments: CommitmentPaymentRollup[] }> {
  const access = await getProjectAccess(db, viewer, projectId);
  const { items } = await listCommitments(db, access, {
    sort: 'number',
    page: 1,
    perPage: 10_000,
    ...(!isInvoiceAdministrator(access) && { contactUserId: viewer.userId }),
  });
  return buildRollups(db, access.tenantId, projectId, filter.commitmentId ? items.filter((c) => c.id === filter.commitmentId) : items);
}

export async function buildRollups(
  db: DbOrTrx,
  tenantId: string,
  projectId: string,
  commitments: readonly { id: string; number: string; title: string; contractCompanyName: string | null; originalContractSumCents: number; approvedChangeOrdersCents: number }[],
): Promise<{ project: PaymentRollup; commitments: CommitmentPaymentRollup[] }> {
  const ids = commitments.map((c) => c.id);
  const [invoices, paid] = await Promise.all([listInvoicesWithSummaries(db, tenantId, projectId, ids), sumPaidByInvoice(db, tenantId, ids)]);
  const rows = commitments.map(
    (c): CommitmentPaymentRollup => ({
      commitmentId: c.id,
      number: c.number,
      title: c.title,
      contractCompanyName: c.contractCompanyName,
      ...commitmentRollup(
        c,
        invoices.filter((i) => i.commitmentId === c.id),
        paid,
      ),
    }),
  );
  return { project: sumRollups(rows), commitments: rows };
}

/** One commitment's roll-up from its invoices (in sequence order) and what was paid per invoice. */
export function commitmentRollup(
  commitment: { originalContractSumCents: number; approvedChangeOrdersCents: number },
  invoices: readonly InvoiceWithSummary[],
  paidByInvoiceId: ReadonlyMap<string, number>,
): PaymentRollup {
  const approved = invoices.filter((i) => isApproved(i.status));
  const latest = approved[approved.length - 1];
  return rollup({
    contractSumToDateCents: revisedContractSum(commitment.originalContractSumCents, commitment.approvedChangeOrdersCents),
    invoicedToDateCents: sumCents(approved.map((i) => i.summary.currentPaymentDueCents)),
    paidToDateCents: sumCents(approved.map((i) => paidByInvoiceId.get(i.id) ?? 0)),
    retainageHeldCents: latest?.summary.totalRetainageCents ?? 0,
  });
}
