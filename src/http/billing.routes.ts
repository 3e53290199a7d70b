/** Invoicing settings, billing periods, Invite to Bill and the billing board. */
import { createRoute, z } from '@hono/zod-openapi';
import type { BillingPeriod } from '../domain/billing-period.ts';
import { BILLING_STATUS_LABELS } from '../domain/invite-to-bill.ts';
import { isApproved } from '../domain/invoice-status.ts';
import { paidStatus } from '../domain/payment.ts';
import { assertInvoiceAdministrator } from '../domain/permissions.ts';
import { effectiveAllowOverbilling, type ProjectSettings } from '../domain/project-settings.ts';
import { listBillingPeriods } from '../db/billing-periods.queries.ts';
import type { Invite } from '../db/invites.queries.ts';
import { getProjectAccess } from '../db/projects.queries.ts';
import { getCompanySettings, getProjectSettings } from '../db/settings.queries.ts';
import { distributionFollowsAdministrators } from '../db/recipients.queries.ts';
import { getBillingBoard } from '../services/billing/billing-board.ts';
import { createBillingPeriod, deleteBillingPeriod, updateBillingPeriod } from '../services/billing/billing-periods.ts';
import { respondToInvite, sendInvites } from '../services/billing/invites.ts';
import { setInvoiceDistribution, updateCompanySettings, updateProjectSettings } from '../services/billing/save-settings.ts';
import type { DbOrTrx } from '../db/database.ts';
import {
  BillingBoardQuery,
  BillingBoardSchema,
  BillingPeriodSchema,
  CreateBillingPeriodBody,
  InviteResultSchema,
  ProjectSettingsSchema,
  SendInvitesBody,
  UpdateBillingPeriodBody,
  UpdateProjectSettingsBody,
} from './billing.schemas.ts';
import { CommitmentParams, errors, Id, NoContent, ProjectParams, strictObject } from './common.schemas.ts';
import { requireViewer } from './context.ts';
import { createRouter } from './router.ts';
import { etagFor, requiredVersion, withVersion } from './versioning.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const writeErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422] };
const PeriodParams = ProjectParams.extend({ periodId: Id });

async function settingsBody(db: DbOrTrx, settings: ProjectSettings) {
  const company = await getCompanySettings(db, settings.tenantId);
  const distribution = await db
    .selectFrom('projectInvoiceDistribution as d')
    .innerJoin('users as u', 'u.id', 'd.userId')
    .select(['u.id as userId', 'u.name', 'u.email'])
    .where('d.tenantId', '=', settings.tenantId)
    .where('d.projectId', '=', settings.projectId)
    .orderBy('u.name')
    .execute();
  return {
    ...presentSettings(settings, company.preventOverbillingAllProjects),
    invoiceDistribution: distribution,
    invoiceDistributionFollowsAdministrators: await distributionFollowsAdministrators(db, settings.tenantId, settings.projectId),
  };
}

function presentSettings(s: ProjectSettings, companyPrevents: boolean) {
  return {
    periodStartDay: s.periodDefaults.startDay,
    periodEndDay: s.periodDefaults.endDay,
    periodDueDay: s.periodDefaults.dueDay,
    automaticFrequency: s.automatic.frequency,
    automaticStartsOn: s.automatic.startsOn,
    contactsMayBillWithoutInvite: s.contactsMayBillWithoutInvite,
    contactDefaultInvoiceType: s.contactDefaultInvoiceType,
    inviteMessage: s.inviteMessage,
    allowOverbilling: s.allowOverbilling,
    overbillingLockedByCompany: companyPrevents,
    effectiveAllowOverbilling: effectiveAllowOverbilling(s.allowOverbilling, companyPrevents),
    remindersEnabled: s.remindersEnabled,
    reminderFrequencyDays: s.reminderFrequencyDays,
    digestEnabled: s.digestEnabled,
    approvalNoticesEnabled: s.approvalNoticesEnabled,
    twoPersonPaymentRule: s.twoPersonPaymentRule,
    ssovEnabledByDefault: s.ssovEnabledByDefault,
    pdfPageSize: s.pdfPageSize,
    version: s.version,
  };
}

export function presentPeriod(p: BillingPeriod & { invoiceCount?: number }) {
  return {
    id: p.id,
    startsOn: p.startsOn,
    endsOn: p.endsOn,
    dueOn: p.dueOn,
    status: p.status,
    origin: p.origin,
    version: p.version,
    ...(p.invoiceCount !== undefined && { invoiceCount: p.invoiceCount }),
  };
}

export function presentInvite(i: Invite) {
  return {
    id: i.id,
    invoiceType: i.invoiceType,
    message: i.message,
    requestAttachments: i.requestAttachments,
    attachmentsNote: i.attachmentsNote,
    invitedBy: i.invitedBy,
    invitedByName: i.invitedByName,
    invitedAt: i.invitedAt.toISOString(),
    response: i.response,
    respondedAt: i.respondedAt?.toISOString() ?? null,
  };
}

export const billingRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/invoicing-settings',
      tags: ['Invoicing'],
      summary: "The project's invoicing settings (Admins on Commitments)",
      request: { params: ProjectParams },
      responses: { 200: { description: 'Settings.', ...json(ProjectSettingsSchema) }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const access = await getProjectAccess(db, requireViewer(c), c.req.valid('param').projectId);
      assertInvoiceAdministrator(access, "see the project's invoicing settings");
      const settings = await getProjectSettings(db, access.tenantId, access.projectId);
      c.header('ETag', etagFor(settings.version));
      return c.json(await settingsBody(db, settings), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{projectId}/invoicing-settings',
      tags: ['Invoicing'],
      summary: "Change the project's invoicing settings",
      request: { params: ProjectParams, body: { required: true, ...json(UpdateProjectSettingsBody) } },
      responses: { 200: { description: 'Saved.', ...json(ProjectSettingsSchema) }, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId } = c.req.valid('param');
      const settings = await updateProjectSettings(db, requireViewer(c), projectId, c.req.valid('json'), clock());
      return c.json(await settingsBody(db, settings), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/projects/{projectId}/invoicing-settings/distribution',
      tags: ['Invoicing'],
      summary: 'Set the invoice distribution list (who gets "invoice submitted" emails and the weekly digest)',
      description: 'Only invoice administrators (Admin on Commitments) of the project can be on it.',
      request: { params: ProjectParams, body: { required: true, ...json(strictObject({ userIds: z.array(Id).max(200) }).openapi('InvoiceDistribution')) } },
      responses: { 200: { description: 'Saved.', ...json(ProjectSettingsSchema) }, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId } = c.req.valid('param');
      const settings = await setInvoiceDistribution(db, requireViewer(c), projectId, c.req.valid('json').userIds, clock());
      return c.json(await settingsBody(db, settings), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/company-settings',
      tags: ['Invoicing'],
      summary: 'Company-wide settings',
      responses: { 200: { description: 'Settings.', ...json(z.object({ preventOverbillingAllProjects: z.boolean() })) }, 401: errors[401] },
    }),
    async (c) => {
      // A general contractor's people read their company's settings; anyone else, the defaults.
      return c.json(await getCompanySettings(c.get('deps').db, requireViewer(c).companyId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/company-settings',
      tags: ['Invoicing'],
      summary: 'Company-wide settings (company admins): prevent overbilling on all projects',
      request: { body: { required: true, ...json(strictObject({ preventOverbillingAllProjects: z.boolean() }).openapi('CompanySettings')) } },
      responses: { 200: { description: 'Saved.', ...json(z.object({ preventOverbillingAllProjects: z.boolean() })) }, 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const viewer = requireViewer(c);
      await updateCompanySettings(db, viewer, c.req.valid('json'), clock());
      return c.json(await getCompanySettings(db, viewer.companyId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/billing-periods',
      tags: ['Billing periods'],
      summary: 'Billing periods, newest first',
      request: { params: ProjectParams },
      responses: { 200: { description: 'Periods.', ...json(z.object({ data: z.array(BillingPeriodSchema) })) }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const access = await getProjectAccess(db, requireViewer(c), c.req.valid('param').projectId);
      const periods = await listBillingPeriods(db, access.tenantId, access.projectId);
      return c.json({ data: periods.map(presentPeriod) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/billing-periods',
      tags: ['Billing periods'],
      summary: 'Open a new billing period (the open one closes)',
      description: 'Dates default from the project settings (e.g. 1st to last day, due on the 25th). Ranges never overlap.',
      request: { params: ProjectParams, body: { required: true, ...json(CreateBillingPeriodBody) } },
      responses: { 201: { description: 'Created and open.', ...json(BillingPeriodSchema) }, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const period = await createBillingPeriod(db, requireViewer(c), c.req.valid('param').projectId, c.req.valid('json'), clock());
      return c.json(presentPeriod(period), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{projectId}/billing-periods/{periodId}',
      tags: ['Billing periods'],
      summary: 'Change dates, close, or reopen a billing period',
      description: 'Reopening a closed period closes the open one: exactly one period is open. Needs the current version.',
      request: { params: PeriodParams, body: { required: true, ...json(UpdateBillingPeriodBody) } },
      responses: { 200: { description: 'Saved.', ...json(BillingPeriodSchema) }, ...writeErrors, 412: errors[412] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, periodId } = c.req.valid('param');
      const { version: bodyVersion, ...changes } = c.req.valid('json');
      const period = await withVersion(requiredVersion(c, bodyVersion), (version) =>
        updateBillingPeriod(db, requireViewer(c), projectId, periodId, { ...changes, version }, clock()),
      );
      return c.json(presentPeriod(period), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/projects/{projectId}/billing-periods/{periodId}',
      tags: ['Billing periods'],
      summary: 'Delete a billing period without invoices',
      request: { params: PeriodParams },
      responses: { 204: NoContent, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, periodId } = c.req.valid('param');
      await deleteBillingPeriod(db, requireViewer(c), projectId, periodId, clock());
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/invites',
      tags: ['Invite to Bill'],
      summary: 'Send Invites to Bill for the open period',
      description:
        'Per commitment, the prerequisites are checked (an invoice contact, SSOV approved when enabled, the period open, not past its due date); the result says for each what was sent and what was refused and why.',
      request: { params: ProjectParams, body: { required: true, ...json(SendInvitesBody) } },
      responses: { 200: { description: 'Per-commitment results.', ...json(z.object({ results: z.array(InviteResultSchema), sent: z.number().int(), refused: z.number().int() })) }, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const results = await sendInvites(db, requireViewer(c), c.req.valid('param').projectId, c.req.valid('json'), clock());
      return c.json({ results, sent: results.filter((r) => r.sent).length, refused: results.filter((r) => !r.sent).length }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/commitments/{commitmentId}/invite-response',
      tags: ['Invite to Bill'],
      summary: 'Answer the invite to bill: Yes (accepted) or No (declined)',
      description: 'Answering is optional; the answer can change until an invoice exists for the period.',
      request: { params: CommitmentParams, body: { required: true, ...json(strictObject({ response: z.enum(['accepted', 'declined']) }).openapi('InviteResponse')) } },
      responses: { 200: { description: 'Recorded.', ...json(z.object({ inviteId: z.string(), response: z.enum(['accepted', 'declined']) })) }, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const result = await respondToInvite(db, requireViewer(c), projectId, commitmentId, c.req.valid('json').response, clock());
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/billing-board',
      tags: ['Invoicing'],
      summary: 'The subcontractor billing board (Admins on Commitments)',
      description: 'One row per commitment for a billing period (default: the open one) with its billing status, invite, latest invoice and amounts; filter by billing status.',
      request: { params: ProjectParams, query: BillingBoardQuery },
      responses: { 200: { description: 'The board.', ...json(BillingBoardSchema) }, 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const q = c.req.valid('query');
      const { period, rows } = await getBillingBoard(db, requireViewer(c), c.req.valid('param').projectId, {
        billingPeriodId: q.billingPeriodId,
        statuses: q.status,
        search: q.search,
      });
      return c.json(
        {
          period: period ? presentPeriod(period) : null,
          rows: rows.map((r) => ({
            commitmentId: r.commitment.id,
            number: r.commitment.number,
            title: r.commitment.title,
            kind: r.commitment.kind,
            commitmentStatus: r.commitment.status,
            contractCompanyName: r.commitment.contractCompanyName,
            invoiceContactCount: r.commitment.invoiceContactCount,
            billingStatus: r.billingStatus,
            billingStatusLabel: BILLING_STATUS_LABELS[r.billingStatus],
            invite: r.invite ? presentInvite(r.invite) : null,
            latestInvoice: r.latestInvoice && {
              id: r.latestInvoice.id,
              label: r.latestInvoiceLabel ?? '',
              status: r.latestInvoice.status,
              currentPaymentDueCents: r.latestInvoice.summary.currentPaymentDueCents,
              totalCompletedAndStoredCents: r.latestInvoice.summary.totalCompletedAndStoredCents,
              submittedAt: r.latestInvoice.submittedAt?.toISOString() ?? null,
              version: r.latestInvoice.version,
              paidCents: r.latestInvoicePaidCents,
              paidStatus: isApproved(r.latestInvoice.status) ? paidStatus(r.latestInvoice.summary.currentPaymentDueCents, r.latestInvoicePaidCents) : null,
              overbilledLineCount: r.latestInvoice.overbilledLineCount,
            },
            payments: r.payments,
            invoicesInPeriod: r.invoicesInPeriod,
            contractSumToDateCents: r.contractSumToDateCents,
            billedToDateCents: r.billedToDateCents,
            dueOn: period?.dueOn ?? null,
          })),
        },
        200,
      );
    },
  );
