/** Payments issued against approved invoices, and the paid roll-ups of commitments and the project. */
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { MAX_ATTACHMENT_BYTES } from '../domain/attachments.ts';
import { DomainError } from '../domain/errors.ts';
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
import { ErrorResponse, errors, ProjectParams } from './common.schemas.ts';
import { requireViewer } from './context.ts';
import { idempotency } from './idempotency.middleware.ts';
import { InvoicePaymentsSchema, PaymentRollupsSchema, RecordPaymentBody, VoidPaymentBody } from './payments.schemas.ts';
import { createRouter } from './router.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const writeErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422] };
const InvoiceParams = ProjectParams.extend({ invoiceId: z.string() });
const PaymentParams = InvoiceParams.extend({ paymentId: z.string() });
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
paymentRoutes.use('/projects/:projectId/invoices/:invoiceId/payments/:paymentId/attachments', async (c, next) => {
  if (c.req.method === 'POST' && !(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new DomainError('unsupported_media_type', 'Send the file as multipart/form-data in a field named "file".', { field: 'file' });
  }
  await next();
});
paymentRoutes.use(
  '/projects/:projectId/invoices/:invoiceId/payments/:paymentId/attachments',
  bodyLimit({
    maxSize: MAX_ATTACHMENT_BYTES + 64 * 1024,
    onError: () => {
      throw new DomainError('payload_too_large', 'Attachments can be at most 10 MB.', { field: 'file' });
    },
  }),
);

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
      request: {
        params: PaymentParams,
        body: { required: true, content: { 'multipart/form-data': { schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }) }) } } },
      },
      responses: {
        201: { description: 'Attached.', ...json(z.object({ id: z.string(), filename: z.string(), contentType: z.string(), sizeBytes: z.number().int() })) },
        ...writeErrors,
        413: { description: 'Too large.', ...json(ErrorResponse) },
        415: { description: 'Type not accepted.', ...json(ErrorResponse) },
      },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId, paymentId } = c.req.valid('param');
      const form = await c.req.parseBody().catch(() => {
        throw new DomainError('validation_failed', 'Send the file as multipart/form-data in a field named "file".', { field: 'file' });
      });
      const file = form.file;
      if (!(file instanceof File)) throw new DomainError('validation_failed', 'Send the file as multipart/form-data in a field named "file".', { field: 'file' });
      const saved = await attachToPayment(
        db,
        requireViewer(c),
        projectId,
        invoiceId,
        paymentId,
        { filename: file.name, contentType: file.type || 'application/octet-stream', content: Buffer.from(await file.arrayBuffer()) },
        clock(),
      );
      return c.json(saved, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/attachments/{attachmentId}',
      tags: ['Payments'],
      summary: 'Download a payment’s attachment',
      request: { params: PaymentParams.extend({ attachmentId: z.string() }) },
      responses: { 200: { description: 'The file.' }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId, paymentId, attachmentId } = c.req.valid('param');
      const file = await downloadPaymentAttachment(db, requireViewer(c), projectId, invoiceId, paymentId, attachmentId, clock());
      return new Response(new Uint8Array(file.content), {
        status: 200,
        headers: {
          'content-type': file.contentType,
          'content-disposition': `attachment; filename="${file.filename.replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
          'x-content-type-options': 'nosniff',
        },
      }) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/payment-rollups',
      tags: ['Payments'],
      summary: 'Invoiced, paid, % paid, retainage held and remaining balance per commitment and for the project',
      description: 'Administrators see every commitment; an invoice contact sees only the commitments they bill.',
      request: { params: ProjectParams, query: z.object({ commitmentId: z.string().optional().openapi({ description: 'Only this commitment (the project figures are then its own).' }) }) },
      responses: { 200: { description: 'Roll-ups.', ...json(PaymentRollupsSchema) }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      return c.json(await getPaymentRollups(db, requireViewer(c), c.req.valid('param').projectId, { commitmentId: c.req.valid('query').commitmentId }), 200);
    },
  );
