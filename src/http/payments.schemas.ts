import { z } from '@hono/zod-openapi';
import { PAYMENT_METHODS } from '../domain/payment.ts';
import { Cents, Day, MAX_LINE_AMOUNT_CENTS, strictObject } from './common.schemas.ts';

const day = Day;

export const RecordPaymentBody = strictObject({
  amountCents: Cents.min(1, 'A payment is an amount greater than zero.').max(MAX_LINE_AMOUNT_CENTS, 'At most 10,000,000,000.00 in one payment.'),
  paidOn: day.openapi({ description: 'The date the payment was issued.' }),
  method: z.enum(PAYMENT_METHODS).openapi({ description: 'Check, electronic transfer, card or other.' }),
  paymentNumber: z.string().max(60).optional().openapi({ description: 'Your own payment number.' }),
  reference: z.string().max(120).optional().openapi({ description: 'Check number or transfer reference.' }),
  notes: z.string().max(2000).optional(),
}).openapi('RecordPaymentBody');

export const VoidPaymentBody = strictObject({ reason: z.string().trim().min(1, 'Say why the payment is voided.').max(500) }).openapi('VoidPaymentBody');

const Attachment = z.object({ id: z.string(), filename: z.string(), contentType: z.string(), sizeBytes: z.number().int() });

export const PaymentSchema = z
  .object({
    id: z.string(),
    invoiceId: z.string(),
    paymentNumber: z.string(),
    amountCents: Cents,
    paidOn: z.string(),
    method: z.enum(PAYMENT_METHODS),
    methodLabel: z.string(),
    reference: z.string(),
    notes: z.string(),
    recordedAt: z.string(),
    recordedByName: z.string().nullable(),
    voided: z.boolean(),
    voidedAt: z.string().nullable(),
    voidedByName: z.string().nullable(),
    voidReason: z.string().nullable(),
    attachment: Attachment.nullable(),
  })
  .openapi('Payment');

export const InvoicePaymentsSchema = z
  .object({
    payable: z.boolean().openapi({ description: 'Payments are recorded against approved invoices only.' }),
    status: z.enum(['unpaid', 'partially_paid', 'paid']).nullable().openapi({ description: 'Null until the invoice is approved.' }),
    statusLabel: z.string().nullable(),
    dueCents: Cents.openapi({ description: 'G702 line 8, current payment due (certified).' }),
    paidCents: Cents,
    remainingCents: Cents,
    canRecord: z.boolean(),
    canVoid: z.boolean(),
    cannotRecordReason: z.string().nullable(),
    payments: z.array(PaymentSchema),
  })
  .openapi('InvoicePayments');

export const PaymentRollupSchema = z
  .object({
    contractSumToDateCents: Cents,
    invoicedToDateCents: Cents.openapi({ description: 'Σ current payment due (line 8) of approved invoices.' }),
    paidToDateCents: Cents,
    percentPaidBp: z.number().int().openapi({ description: 'Paid to date as basis points of the contract sum to date.' }),
    retainageHeldCents: Cents,
    unpaidInvoicedCents: Cents,
    remainingBalanceCents: Cents.openapi({ description: 'Contract sum to date − paid to date.' }),
  })
  .openapi('PaymentRollup');

export const PaymentRollupsSchema = z
  .object({
    project: PaymentRollupSchema,
    commitments: z.array(
      PaymentRollupSchema.extend({ commitmentId: z.string(), number: z.string(), title: z.string(), contractCompanyName: z.string().nullable() }),
    ),
  })
  .openapi('PaymentRollups');
