/** What the people who bill see first: a commitment's billing this period, and an invoice contact's work list. */
import { createRoute, z } from '@hono/zod-openapi';
import { BILLING_STATUS_LABELS } from '../domain/invite-to-bill.ts';
import { STATUS_LABELS } from '../domain/invoice-status.ts';
import { getCommitmentBilling, type CommitmentBilling } from '../services/billing/commitment-billing.ts';
import { listMyWork } from '../services/billing/my-work.ts';
import { BILLING_STATUSES, BillingPeriodSchema, InviteSchema } from './billing.schemas.ts';
import { presentInvite, presentPeriod } from './billing.routes.ts';
import { Cents, CommitmentParams, errors } from './common.schemas.ts';
import { requireViewer } from './context.ts';
import { createRouter } from './router.ts';
import { INVOICE_STATUSES } from '../domain/invoice-status.ts';
import { SSOV_STATUSES } from '../domain/ssov.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

const CommitmentBillingSchema = z
  .object({
    role: z.enum(['contact', 'admin']),
    period: z.union([BillingPeriodSchema, z.null()]),
    billingStatus: z.enum(BILLING_STATUSES),
    billingStatusLabel: z.string(),
    invite: z.union([InviteSchema, z.null()]),
    canAnswerInvite: z.boolean(),
    invoices: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        status: z.enum(INVOICE_STATUSES),
        statusLabel: z.string(),
        billingPeriodId: z.string(),
        currentPaymentDueCents: Cents,
        totalCompletedAndStoredCents: Cents,
        submittedAt: z.string().nullable(),
        approvedAt: z.string().nullable(),
        overbilledLineCount: z.number().int().openapi({ description: 'Lines billed over 100% (certified amounts).' }),
      }),
    ),
    canCreateInvoice: z.boolean(),
    createInvoiceRefusal: z.string().nullable(),
    allowOverbilling: z.boolean().openapi({
      description:
        "The project's rule, to tell the contact before they type: true, a line may be billed over 100% (it saves, flagged); false, a save that takes a line over 100% is refused. The company-wide lock is included. The invoice view has the same in `you.allowOverbilling`.",
    }),
  })
  .openapi('CommitmentBilling');

function presentBilling(b: CommitmentBilling) {
  return {
    role: b.actor,
    period: b.period ? presentPeriod(b.period) : null,
    billingStatus: b.billingStatus,
    billingStatusLabel: BILLING_STATUS_LABELS[b.billingStatus],
    invite: b.invite ? presentInvite(b.invite) : null,
    canAnswerInvite: b.canAnswerInvite,
    invoices: b.invoices.map((i) => ({
      id: i.id,
      label: i.label,
      status: i.status,
      statusLabel: STATUS_LABELS[i.status],
      billingPeriodId: i.billingPeriodId,
      currentPaymentDueCents: i.summary.currentPaymentDueCents,
      totalCompletedAndStoredCents: i.summary.totalCompletedAndStoredCents,
      submittedAt: i.submittedAt?.toISOString() ?? null,
      approvedAt: i.approvedAt?.toISOString() ?? null,
      overbilledLineCount: i.overbilledLineCount,
    })),
    canCreateInvoice: b.canCreateInvoice,
    createInvoiceRefusal: b.createInvoiceRefusal,
    allowOverbilling: b.allowOverbilling,
  };
}

export const workRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/commitments/{commitmentId}/billing',
      tags: ['Invoicing'],
      summary: "A commitment's billing this period (its invoice administrators and invoice contacts)",
      description: 'The billing status, the invite and whether it can still be answered, the invoices, and whether you can create an invoice now — or why not.',
      request: { params: CommitmentParams },
      responses: { 200: { description: 'Billing.', ...json(CommitmentBillingSchema) }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      return c.json(presentBilling(await getCommitmentBilling(db, requireViewer(c), projectId, commitmentId, clock())), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/work',
      tags: ['Invoicing'],
      summary: 'Your commitments as invoice contact, what needs your action first',
      responses: {
        200: {
          description: 'Commitments needing action first, soonest due first.',
          ...json(
            z.object({
              data: z.array(
                z.object({
                  projectId: z.string(),
                  projectName: z.string(),
                  commitmentId: z.string(),
                  commitmentNumber: z.string(),
                  commitmentTitle: z.string(),
                  actions: z.array(z.enum(['fill_ssov', 'fix_ssov', 'answer_invite', 'fix_invoice', 'submit_invoice', 'create_invoice'])).openapi({
                    description:
                      'fill_ssov: the Subcontractor SOV is enabled and in Draft — break down the schedule of values (/projects/{projectId}/commitments/{commitmentId}/ssov); fix_ssov: it was sent back (Revise & Resubmit). Then the billing actions.',
                  }),
                  ssov: z
                    .object({ status: z.enum(SSOV_STATUSES), statusLabel: z.string() })
                    .nullable()
                    .openapi({ description: 'The commitment\'s Subcontractor SOV, when it uses one.' }),
                  billing: CommitmentBillingSchema,
                }),
              ),
            }).openapi('MyWork'),
          ),
        },
        401: errors[401],
      },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const items = await listMyWork(db, requireViewer(c), clock());
      return c.json({ data: items.map((i) => ({ ...i, billing: presentBilling(i.billing) })) }, 200);
    },
  );
