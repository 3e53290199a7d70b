/** Payments issued against approved invoices, and the paid roll-ups of commitments and the project. */
import type { z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import { PAID_STATUS_LABELS, PAYMENT_METHOD_LABELS } from '../domain/payment.ts';
import type { PaymentWithNames } from '../db/payments.queries.ts';
import {
  attachToPayment,
  downloadPaymentAttachment,
  getInvoicePayments,
  getPaymentRollups,
  recordPayment,
  voidPayment,
  type InvoicePayments,
} from '../services/billing/payments.ts';
import { errors, Id, ProjectParams, strictQuery } from './common.schemas.ts';
import { requireViewer } from './context.ts';
import { idempotency } from './idempotency.middleware.ts';
import { InvoicePaymentsSchema, PaymentRollupsSchema, RecordPaymentBody, VoidPaymentBody } from './payments.schemas.ts';
import { createRouter } from './router.ts';
import { fileResponse, readUploadedFile, requireMultipart, uploadBody, uploadLimit, uploadResponses } from './uploads.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const writeErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422] };
const InvoiceParams = ProjectParams.extend({ invoiceId: Id });
const PaymentParams = InvoiceParams.extend({ paymentId: Id });
const paymentsResponse = { description: 'The invoice’s payments and paid status.', ...json(InvoicePaymentsSchema) };

function presentPayment(p: PaymentWithNames) {
  return {
    id: p.id,
    invoiceId: p.invoiceId,
    paymentNumber: p.paymentNumber,
    amountCents: p.amountCents,
    paidOn: p.paidOn,
    method: p.method,
    methodLabel: PAYMENT_METHOD_LABELS[p.method],
    reference: p.reference,
    notes: p.notes,
    recordedAt: p.recordedAt.toISOString(),
    recordedByName: p.recordedByName,
    voided: p.voidedAt !== null,
    voidedAt: p.voidedAt?.toISOString() ?? null,
    voidedByName: p.voidedByName,
    voidReason: p.voidReason,
    attachment: p.attachment,
  };
}

export function presentInvoicePayments(p: InvoicePayments) {
  return {
    payable: p.payable,
    status: p.status,
    statusLabel: p.status ? PAID_STATUS_LABELS[p.status] : null,
    dueCents: p.dueCents,
    paidCents: p.paidCents,
    remainingCents: p.remainingCents,
    canRecord: p.canRecord,
    canVoid: p.canVoid,
    cannotRecordReason: p.cannotRecordReason,
    payments: p.payments.map(presentPayment),
  };
}

export const paymentRoutes = createRouter();
paymentRoutes.use('/projects/:projectId/invoices/:invoiceId/payments', idempotency);
paymentRoutes.use('/projects/:projectId/invoices/:invoiceId/payments/:paymentId/attachments', requireMultipart, uploadLimit);

paymentRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/invoices/{invoiceId}/payments',
      tags: ['Payments'],
      summary: 'Payments of an invoice and its paid status (administrators and the invoice’s contacts)',
      request: { params: InvoiceParams },
      responses: { 200: paymentsResponse, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId } = c.req.valid('param');
      return c.json(presentInvoicePayments(await getInvoicePayments(db, requireViewer(c), projectId, invoiceId, clock())), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/invoices/{invoiceId}/payments',
      tags: ['Payments'],
      summary: 'Record a payment against an approved invoice (invoice administrators)',
      description:
        'Refused when the invoice is not approved, when it would overpay the current payment due (`overpayment`), or — with the project’s two-person rule — when you approved the invoice (`two_person_rule`). Send an `Idempotency-Key` so a retry never records it twice.',
      request: { params: InvoiceParams, body: { required: true, ...json(RecordPaymentBody) } },
      responses: { 201: paymentsResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId } = c.req.valid('param');
      return c.json(presentInvoicePayments(await recordPayment(db, requireViewer(c), projectId, invoiceId, c.req.valid('json'), clock())), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/void',
      tags: ['Payments'],
      summary: 'Void a payment with a reason (it is kept, marked void; never deleted)',
      request: { params: PaymentParams, body: { required: true, ...json(VoidPaymentBody) } },
      responses: { 200: paymentsResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId, paymentId } = c.req.valid('param');
      return c.json(presentInvoicePayments(await voidPayment(db, requireViewer(c), projectId, invoiceId, paymentId, c.req.valid('json').reason, clock())), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/attachments',
      tags: ['Payments'],
      summary: 'Attach the remittance or check image to a payment (at most 10 MB)',
      request: { params: PaymentParams, body: uploadBody },
      responses: { ...uploadResponses, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId, paymentId } = c.req.valid('param');
      const saved = await attachToPayment(db, requireViewer(c), projectId, invoiceId, paymentId, await readUploadedFile(c), clock());
      return c.json(saved, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/attachments/{attachmentId}',
      tags: ['Payments'],
      summary: 'Download a payment’s attachment',
      request: { params: PaymentParams.extend({ attachmentId: Id }) },
      responses: { 200: { description: 'The file.' }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId, paymentId, attachmentId } = c.req.valid('param');
      const file = await downloadPaymentAttachment(db, requireViewer(c), projectId, invoiceId, paymentId, attachmentId, clock());
      return fileResponse(file) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/payment-rollups',
      tags: ['Payments'],
      summary: 'Invoiced, paid, % paid, retainage held and remaining balance per commitment and for the project',
      description: 'Administrators see every commitment; an invoice contact sees only the commitments they bill.',
      request: { params: ProjectParams, query: strictQuery({ commitmentId: Id.optional().openapi({ description: 'Only this commitment (the project figures are then its own).' }) }) },
      responses: { 200: { description: 'Roll-ups.', ...json(PaymentRollupsSchema) }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      return c.json(await getPaymentRollups(db, requireViewer(c), c.req.valid('param').projectId, { commitmentId: c.req.valid('query').commitmentId }), 200);
    },
  );
