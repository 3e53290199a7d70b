import { z } from '@hono/zod-openapi';
import { AUTOMATIC_FREQUENCIES } from '../domain/billing-period.ts';
import { INVOICE_STATUSES } from '../domain/invoice-status.ts';
import { INVOICE_TYPES } from '../domain/invite-to-bill.ts';
import { CONTACT_INVOICE_TYPES, PDF_PAGE_SIZES } from '../domain/project-settings.ts';
import { Cents, csv, Day, Id, SearchText, strictObject, strictQuery, Version } from './common.schemas.ts';
import { PaymentRollupSchema } from './payments.schemas.ts';

const day = Day;
const dayOfMonth = z.number().int().min(1).max(31);

export const ProjectSettingsSchema = z
  .object({
    periodStartDay: dayOfMonth,
    periodEndDay: dayOfMonth.openapi({ description: '31 means the last day of the month.' }),
    periodDueDay: dayOfMonth,
    automaticFrequency: z.enum(AUTOMATIC_FREQUENCIES),
    automaticStartsOn: day.nullable(),
    contactsMayBillWithoutInvite: z.boolean(),
    contactDefaultInvoiceType: z.enum(CONTACT_INVOICE_TYPES),
    inviteMessage: z.string(),
    allowOverbilling: z.boolean().openapi({ description: 'The project setting.' }),
    overbillingLockedByCompany: z.boolean().openapi({ description: 'True when a company setting prevents overbilling on all projects.' }),
    effectiveAllowOverbilling: z.boolean(),
    remindersEnabled: z.boolean().openapi({ description: 'Remind invited contacts to bill (default off).' }),
    reminderFrequencyDays: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    digestEnabled: z.boolean().openapi({ description: 'Weekly digest on Monday to the invoice distribution list (default off).' }),
    approvalNoticesEnabled: z.boolean().openapi({ description: 'Email contacts when their invoice is approved (default off).' }),
    twoPersonPaymentRule: z.boolean().openapi({ description: 'Two-person rule: whoever approved an invoice cannot record its payment (default off).' }),
    ssovEnabledByDefault: z.boolean().openapi({ description: 'New amount-based commitments get a Subcontractor SOV unless their creator says otherwise (default off).' }),
    pdfPageSize: z.enum(PDF_PAGE_SIZES).openapi({ description: 'The paper pay application PDFs print on: US Letter or A4 (default letter).' }),
    invoiceDistribution: z.array(z.object({ userId: z.string(), name: z.string(), email: z.string() })),
    invoiceDistributionFollowsAdministrators: z.boolean().openapi({
      description: "True until someone sets the list: it follows the project's Admins on Commitments (a new project starts with them on it).",
    }),
    version: z.number().int(),
  })
  .openapi('InvoicingSettings');

export const UpdateProjectSettingsBody = strictObject({
  version: Version,
  periodStartDay: dayOfMonth.optional(),
  periodEndDay: dayOfMonth.optional(),
  periodDueDay: dayOfMonth.optional(),
  automaticFrequency: z.enum(AUTOMATIC_FREQUENCIES).optional(),
  automaticStartsOn: day.nullable().optional(),
  contactsMayBillWithoutInvite: z.boolean().optional(),
  contactDefaultInvoiceType: z.enum(CONTACT_INVOICE_TYPES).optional(),
  inviteMessage: z.string().max(2000).optional(),
  allowOverbilling: z.boolean().optional(),
  remindersEnabled: z.boolean().optional(),
  reminderFrequencyDays: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  digestEnabled: z.boolean().optional(),
  approvalNoticesEnabled: z.boolean().optional(),
  twoPersonPaymentRule: z.boolean().optional(),
  ssovEnabledByDefault: z.boolean().optional(),
  pdfPageSize: z.enum(PDF_PAGE_SIZES).optional(),
}).openapi('UpdateInvoicingSettings');

export const BillingPeriodSchema = z
  .object({
    id: z.string(),
    startsOn: day,
    endsOn: day,
    dueOn: day,
    status: z.enum(['open', 'closed']),
    origin: z.enum(['manual', 'automatic']),
    version: z.number().int(),
    invoiceCount: z.number().int().optional(),
  })
  .openapi('BillingPeriod');

export const CreateBillingPeriodBody = strictObject({ startsOn: day.optional(), endsOn: day.optional(), dueOn: day.optional() })
  .openapi('CreateBillingPeriod', { description: 'Omitted dates come from the project defaults for the current month.' });

export const UpdateBillingPeriodBody = strictObject({ version: Version.optional(), startsOn: day.optional(), endsOn: day.optional(), dueOn: day.optional(), status: z.enum(['open', 'closed']).optional() })
  .openapi('UpdateBillingPeriod');

export const SendInvitesBody = strictObject({
  commitmentIds: z.array(Id).min(1, 'Choose at least one commitment.').max(1000),
  invoiceType: z.enum(INVOICE_TYPES).default('work_and_materials'),
  message: z.string().max(2000).optional().openapi({ description: "Defaults to the project's invitation message." }),
  requestAttachments: z.boolean().optional().openapi({
    description:
      'Ask the invoice contacts to attach documents to their invoice (default false). The Invite to Bill email says so, and the invoice’s `submissionChecklist` lists it until something is attached.',
  }),
  attachmentsNote: z.string().max(500).optional().openapi({
    description: 'What to attach, shown in the email and the checklist (e.g. "Conditional lien waiver and certified payroll"). Only with `requestAttachments: true`.',
  }),
}).openapi('SendInvites');

export const InviteResultSchema = z
  .object({
    commitmentId: z.string(),
    number: z.string().nullable(),
    sent: z.boolean(),
    inviteId: z.string().optional(),
    refusals: z.array(z.object({ code: z.string(), reason: z.string() })).optional(),
  })
  .openapi('InviteResult');

export const InviteSchema = z
  .object({
    id: z.string(),
    invoiceType: z.enum(INVOICE_TYPES),
    message: z.string(),
    requestAttachments: z.boolean().openapi({ description: 'The invite asks for attachments with the invoice.' }),
    attachmentsNote: z.string().nullable().openapi({ description: 'What to attach, in the administrator’s words; null without a note.' }),
    invitedBy: z.string(),
    invitedByName: z.string(),
    invitedAt: z.string(),
    response: z.enum(['accepted', 'declined']).nullable(),
    respondedAt: z.string().nullable(),
  })
  .openapi('Invite');

export const BILLING_STATUSES = ['no_invoice_contacts', 'ssov_not_approved', 'not_invited', 'invited', 'accepted', 'declined', ...INVOICE_STATUSES] as const;

export const BillingBoardQuery = strictQuery({
  billingPeriodId: Id.optional().openapi({ description: 'Defaults to the open period.' }),
  status: csv(z.enum(BILLING_STATUSES)).optional().openapi({ description: 'Comma-separated billing statuses.', example: 'not_invited,invited' }),
  search: SearchText.optional(),
});

export const BillingBoardSchema = z
  .object({
    period: z.union([BillingPeriodSchema, z.null()]),
    rows: z.array(
      z.object({
        commitmentId: z.string(),
        number: z.string(),
        title: z.string(),
        kind: z.string(),
        commitmentStatus: z.string(),
        contractCompanyName: z.string().nullable(),
        invoiceContactCount: z.number().int(),
        billingStatus: z.enum(BILLING_STATUSES),
        billingStatusLabel: z.string(),
        invite: z.union([InviteSchema, z.null()]),
        latestInvoice: z
          .object({
            id: z.string(),
            label: z.string(),
            status: z.enum(INVOICE_STATUSES),
            currentPaymentDueCents: Cents,
            totalCompletedAndStoredCents: Cents,
            submittedAt: z.string().nullable(),
            version: z.number().int(),
            paidCents: Cents,
            paidStatus: z.enum(['unpaid', 'partially_paid', 'paid']).nullable().openapi({ description: 'Null until the invoice is approved.' }),
            overbilledLineCount: z.number().int().openapi({
              description: 'Lines of this invoice billed over 100% (certified amounts), whether or not the project allows it: mark the row when above 0.',
            }),
          })
          .nullable(),
        payments: PaymentRollupSchema,
        invoicesInPeriod: z.number().int(),
        contractSumToDateCents: Cents,
        billedToDateCents: Cents,
        dueOn: day.nullable(),
      }),
    ),
  })
  .openapi('BillingBoard');
