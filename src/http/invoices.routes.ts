/** Subcontractor invoices: create, read, enter amounts, review, move through statuses, attachments. */
import { createRoute, z } from '@hono/zod-openapi';
import { DomainError, notFound } from '../domain/errors.ts';
import { invoiceLabel } from '../domain/invoice.ts';
import { STATUS_LABELS } from '../domain/invoice-status.ts';
import { isInvoiceAdministrator } from '../domain/permissions.ts';
import { listAudit } from '../db/audit.queries.ts';
import { listCommitments } from '../db/commitments.queries.ts';
import { isUuid } from '../db/ids.ts';
import { getProjectAccess } from '../db/projects.queries.ts';
import { applyCurrentRetainageRules } from '../services/billing/apply-retainage-rules.ts';
import { bulkChangeInvoiceStatus, changeInvoiceStatus } from '../services/billing/change-invoice-status.ts';
import { createInvoice } from '../services/billing/create-invoice.ts';
import { addInvoiceAttachment, removeInvoiceAttachment } from '../services/billing/invoice-attachments.ts';
import { loadInvoiceContext } from '../services/billing/invoice-context.ts';
import { listInvoicesWithSummaries } from '../services/billing/invoice-summaries.ts';
import { reviewInvoice } from '../services/billing/review-invoice.ts';
import { saveInvoiceLines } from '../services/billing/save-invoice-lines.ts';
import { updateInvoice } from '../services/billing/update-invoice.ts';
import { CommitmentParams, errors, Id, NoContent, ProjectParams } from './common.schemas.ts';
import { requireViewer } from './context.ts';
import { idempotency } from './idempotency.middleware.ts';
import { respondToInvoiceWrite, respondWithInvoice } from './invoice-presenter.ts';
import {
  ApplyRetainageRulesBody,
  BulkTransitionBody,
  CreateInvoiceBody,
  InvoiceListItemSchema,
  InvoiceListQuery,
  InvoiceChangesSchema,
  InvoiceSchema,
  InvoiceWriteQuery,
  ReviewBody,
  SaveLinesBody,
  TransitionBody,
  UpdateInvoiceBody,
} from './invoices.schemas.ts';
import { AuditEntrySchema } from './projects.schemas.ts';
import { createRouter } from './router.ts';
import { fileResponse, readUploadedFile, requireMultipart, uploadBody, uploadLimit, uploadResponses } from './uploads.ts';
import { requiredVersion, withVersion } from './versioning.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const writeErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422] };
const InvoiceParams = ProjectParams.extend({ invoiceId: Id });
const invoiceResponse = { description: 'The invoice as you may see it.', ...json(InvoiceSchema) };
/** Writes answer with what changed, or the whole invoice with `?view=full` (decision 022). */
const writeResponse = {
  description: 'What the write changed (`view: "changes"`: header with the new version, G702, changed lines), or the whole invoice with `?view=full`.',
  ...json(z.union([InvoiceChangesSchema, InvoiceSchema])),
};

export const invoiceRoutes = createRouter();
invoiceRoutes.use('/projects/:projectId/commitments/:commitmentId/invoices', idempotency);
invoiceRoutes.use('/projects/:projectId/invoices/:invoiceId/transitions', idempotency);
invoiceRoutes.use('/projects/:projectId/invoices/:invoiceId/attachments', requireMultipart, uploadLimit);

invoiceRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/invoices',
      tags: ['Invoices'],
      summary: 'Invoices you can see: all of them for administrators, your commitments’ for invoice contacts',
      request: { params: ProjectParams, query: InvoiceListQuery },
      responses: { 200: { description: 'Invoices with their G702 amounts.', ...json(z.object({ data: z.array(InvoiceListItemSchema) })) }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const viewer = requireViewer(c);
      const access = await getProjectAccess(db, viewer, c.req.valid('param').projectId);
      const q = c.req.valid('query');
      const { items } = await listCommitments(db, access, {
        sort: 'number',
        page: 1,
        perPage: 10_000,
        ...(!isInvoiceAdministrator(access) && { contactUserId: viewer.userId }),
      });
      const numbers = new Map(items.map((i) => [i.id, i.number]));
      const ids = q.commitmentId ? items.filter((i) => i.id === q.commitmentId).map((i) => i.id) : items.map((i) => i.id);
      const invoices = (await listInvoicesWithSummaries(db, access.tenantId, access.projectId, ids)).filter(
        (i) => (!q.billingPeriodId || i.billingPeriodId === q.billingPeriodId) && (!q.status || q.status.includes(i.status)),
      );
      return c.json(
        {
          data: invoices.map((i) => ({
            id: i.id,
            projectId: i.projectId,
            commitmentId: i.commitmentId,
            commitmentNumber: numbers.get(i.commitmentId) ?? '',
            billingPeriodId: i.billingPeriodId,
            sequence: i.sequence,
            number: i.number,
            label: invoiceLabel(i),
            invoiceType: i.invoiceType,
            status: i.status,
            statusLabel: STATUS_LABELS[i.status],
            billingDate: i.billingDate,
            periodStart: i.periodStart,
            periodEnd: i.periodEnd,
            comments: i.comments,
            createdByRole: i.createdByRole,
            submittedAt: i.submittedAt?.toISOString() ?? null,
            approvedAt: i.approvedAt?.toISOString() ?? null,
            version: i.version,
            currentPaymentDueCents: i.summary.currentPaymentDueCents,
            totalCompletedAndStoredCents: i.summary.totalCompletedAndStoredCents,
            overbilledLineCount: i.overbilledLineCount,
          })),
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/commitments/{commitmentId}/invoices',
      tags: ['Invoices'],
      summary: 'Create an invoice (a contact for the open period; an administrator on their behalf, any period)',
      description:
        'Send an `Idempotency-Key` header so a retried request never creates a second invoice. Contacts: one invoice per commitment per period, on or before the due date.',
      request: { params: CommitmentParams, query: InvoiceWriteQuery, body: { required: true, ...json(CreateInvoiceBody) } },
      responses: { 201: writeResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const { written } = await createInvoice(db, requireViewer(c), projectId, commitmentId, c.req.valid('json'), clock());
      return c.json(await respondToInvoiceWrite(c, written, c.req.valid('query').view), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/invoices/{invoiceId}',
      tags: ['Invoices'],
      summary: 'One invoice: G703 lines (certified beside claimed) and the G702 summary',
      request: { params: InvoiceParams },
      responses: { 200: invoiceResponse, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { projectId, invoiceId } = c.req.valid('param');
      return c.json(await respondWithInvoice(c, projectId, invoiceId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{projectId}/invoices/{invoiceId}',
      tags: ['Invoices'],
      summary: "Change the invoice's number, dates or comments",
      request: { params: InvoiceParams, query: InvoiceWriteQuery, body: { required: true, ...json(UpdateInvoiceBody) } },
      responses: { 200: writeResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId } = c.req.valid('param');
      const { written } = await updateInvoice(db, requireViewer(c), projectId, invoiceId, c.req.valid('json'), clock());
      return c.json(await respondToInvoiceWrite(c, written, c.req.valid('query').view), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/projects/{projectId}/invoices/{invoiceId}/lines',
      tags: ['Invoices'],
      summary: 'Enter amounts on lines (claim), or certify different amounts (administrators)',
      description:
        'Per line: work completed this period as an amount OR a percent complete to date, new materials stored, materials moved into work, retainage released; administrators may also set the line’s retainage rates. A change that overbills a line (when not allowed), installs more materials than stored or releases more retainage than held is refused naming the line.',
      request: { params: InvoiceParams, query: InvoiceWriteQuery, body: { required: true, ...json(SaveLinesBody) } },
      responses: { 200: writeResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId } = c.req.valid('param');
      const { written } = await saveInvoiceLines(db, requireViewer(c), projectId, invoiceId, c.req.valid('json'), clock());
      return c.json(await respondToInvoiceWrite(c, written, c.req.valid('query').view), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/invoices/{invoiceId}/review',
      tags: ['Invoices'],
      summary: 'Approve or reject lines, with reasons (administrators); any rejected line sends the invoice back',
      request: { params: InvoiceParams, query: InvoiceWriteQuery, body: { required: true, ...json(ReviewBody) } },
      responses: { 200: writeResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId } = c.req.valid('param');
      const { written } = await reviewInvoice(db, requireViewer(c), projectId, invoiceId, c.req.valid('json'), clock());
      return c.json(await respondToInvoiceWrite(c, written, c.req.valid('query').view), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/invoices/{invoiceId}/transitions',
      tags: ['Invoices'],
      summary: 'Submit, send back, approve, approve as noted, or send to the owner',
      description: 'Needs the current version: of two administrators approving at once, one wins and the other gets 409. Accepts `Idempotency-Key`.',
      request: { params: InvoiceParams, query: InvoiceWriteQuery, body: { required: true, ...json(TransitionBody) } },
      responses: { 200: writeResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId } = c.req.valid('param');
      const { written } = await changeInvoiceStatus(db, requireViewer(c), projectId, invoiceId, c.req.valid('json'), clock());
      return c.json(await respondToInvoiceWrite(c, written, c.req.valid('query').view), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/invoices/{invoiceId}/apply-current-retainage-rules',
      tags: ['Invoices'],
      summary: "Put the commitment's current sliding-scale rules on an invoice not yet approved (administrators)",
      description:
        "An invoice keeps the retainage rules in force when it was created; a change to the commitment's rules reaches invoices created afterwards only. This applies the commitment's current rules (or flat rates, when it has none any more — which also clears the line overrides) to this invoice, and records the rules and the retainage before and after in the invoice's history. Needs the current version (If-Match or `version`). Refused on an approved invoice (`invalid_state`), when the invoice already has the current rules (`retainage_rules_unchanged`), and when the new rules would leave a line with a new problem (`rule_violation`, naming the lines).",
      request: { params: InvoiceParams, query: InvoiceWriteQuery, body: { required: false, ...json(ApplyRetainageRulesBody) } },
      responses: { 200: writeResponse, ...writeErrors, 412: errors[412] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId } = c.req.valid('param');
      const body = c.req.valid('json') as { version?: number } | undefined;
      const { written } = await withVersion(requiredVersion(c, body?.version), (version) => applyCurrentRetainageRules(db, requireViewer(c), projectId, invoiceId, { version }, clock()));
      return c.json(await respondToInvoiceWrite(c, written, c.req.valid('query').view), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/invoices/bulk-transitions',
      tags: ['Invoices'],
      summary: 'Change the status of many invoices (administrators); each is checked and reported',
      request: { params: ProjectParams, body: { required: true, ...json(BulkTransitionBody) } },
      responses: {
        200: {
          description: 'Per-invoice results.',
          ...json(
            z.object({
              results: z.array(
                z.object({
                  invoiceId: z.string(),
                  ok: z.boolean(),
                  status: z.string().optional(),
                  error: z.object({ code: z.string(), message: z.string() }).optional(),
                }),
              ),
            }),
          ),
        },
        ...writeErrors,
      },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const body = c.req.valid('json');
      const results = await bulkChangeInvoiceStatus(db, requireViewer(c), c.req.valid('param').projectId, body, clock());
      return c.json({ results }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/invoices/{invoiceId}/audit',
      tags: ['Invoices'],
      summary: "An invoice's history (administrators)",
      request: { params: InvoiceParams },
      responses: { 200: { description: 'Newest first.', ...json(z.object({ data: z.array(AuditEntrySchema) })) }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId } = c.req.valid('param');
      const ctx = await loadInvoiceContext(db, requireViewer(c), projectId, invoiceId, clock());
      if (ctx.actor !== 'admin') throw new DomainError('forbidden', "Only an invoice administrator can see an invoice's history.");
      const entries = await listAudit(db, { projectId, entityType: 'invoice', entityId: invoiceId, limit: 500 });
      return c.json({ data: entries.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/invoices/{invoiceId}/attachments',
      tags: ['Invoices'],
      summary: 'Attach a file (PDF, image, CSV, text, Word, Excel; at most 10 MB)',
      request: { params: InvoiceParams, body: uploadBody },
      responses: { ...uploadResponses, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId } = c.req.valid('param');
      const saved = await addInvoiceAttachment(db, requireViewer(c), projectId, invoiceId, await readUploadedFile(c), clock());
      return c.json(saved, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId}',
      tags: ['Invoices'],
      summary: 'Download an attachment',
      request: { params: InvoiceParams.extend({ attachmentId: Id }) },
      responses: { 200: { description: 'The file.' }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId, attachmentId } = c.req.valid('param');
      const { tenantId } = (await loadInvoiceContext(db, requireViewer(c), projectId, invoiceId, clock())).access;
      const file = isUuid(attachmentId)
        ? await db
            .selectFrom('invoiceAttachments')
            .select(['filename', 'contentType', 'content'])
            .where('tenantId', '=', tenantId)
            .where('id', '=', attachmentId)
            .where('invoiceId', '=', invoiceId)
            .where('deletedAt', 'is', null)
            .executeTakeFirst()
        : undefined;
      if (!file) throw notFound('The attachment');
      return fileResponse(file) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId}',
      tags: ['Invoices'],
      summary: 'Remove an attachment',
      request: { params: InvoiceParams.extend({ attachmentId: Id }) },
      responses: { 204: NoContent, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId, attachmentId } = c.req.valid('param');
      await removeInvoiceAttachment(db, requireViewer(c), projectId, invoiceId, attachmentId, clock());
      return c.body(null, 204);
    },
  );
