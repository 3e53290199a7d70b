/**
 * What people see first: a commitment's billing this period, an invoice contact's work list, and
 * an invoice administrator's "needs your attention" queue across their projects.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { BILLING_STATUS_LABELS } from '../domain/invite-to-bill.ts';
import { STATUS_LABELS } from '../domain/invoice-status.ts';
import { getCommitmentBilling, type CommitmentBilling } from '../services/billing/commitment-billing.ts';
import { listMyWork } from '../services/billing/my-work.ts';
import { ATTENTION_KIND_LABELS, ATTENTION_KINDS, listAttention } from '../services/billing/attention.ts';
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

const AttentionSchema = z
  .object({
    projectCount: z.number().int().openapi({ description: 'How many projects you are an invoice administrator on (company admins: all). 0: the queue does not apply to you.' }),
    items: z.array(
      z.object({
        kind: z.enum(ATTENTION_KINDS).openapi({
          description:
            'invoice_to_review: Under Review or Pending Owner Approval; ssov_to_review: a Subcontractor SOV Under Review; invoice_sent_back: Revise & Resubmit, not resubmitted; invite_unanswered: an invite to bill of the open period with no answer and no invoice; invoice_unpaid: approved, paid less than its current payment due (line 8).',
        }),
        kindLabel: z.string(),
        projectId: z.string(),
        projectName: z.string(),
        commitmentId: z.string(),
        commitmentNumber: z.string(),
        commitmentTitle: z.string(),
        contractCompanyName: z.string().nullable(),
        invoice: z.object({ id: z.string(), label: z.string(), status: z.enum(INVOICE_STATUSES), statusLabel: z.string() }).nullable(),
        waiting: z.string().openapi({ description: 'What is waiting, in a sentence.' }),
        since: z.string().nullable().openapi({ description: 'Since when it has been waiting (an instant).' }),
        dueOn: z.string().nullable().openapi({ description: "The contact's due date (the billing period's), where one applies." }),
        isOverdue: z.boolean(),
        payment: z.object({ dueCents: Cents, paidCents: Cents }).nullable().openapi({ description: 'Approved invoices: certified due (line 8) and paid so far.' }),
        path: z.string().openapi({ description: 'The web page where it is handled.', example: '/projects/…/invoices/…' }),
      }),
    ),
  })
  .openapi('Attention');

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
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/attention',
      tags: ['Invoicing'],
      summary: 'What needs you as an invoice administrator, across your projects',
      description:
        'Invoices to review, Subcontractor SOVs to review, invoices sent back and not resubmitted, invites without an answer, and approved invoices not fully paid — on every project where you are Admin on Commitments (company admins: every project). By kind, longest waiting first.',
      responses: { 200: { description: 'The queue.', ...json(AttentionSchema) }, 401: errors[401] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectCount, items } = await listAttention(db, requireViewer(c), clock());
      return c.json(
        {
          projectCount,
          items: items.map((i) => ({
            ...i,
            kindLabel: ATTENTION_KIND_LABELS[i.kind],
            invoice: i.invoice && { ...i.invoice, statusLabel: STATUS_LABELS[i.invoice.status] },
            since: i.since?.toISOString() ?? null,
          })),
        },
        200,
      );
    },
  );
