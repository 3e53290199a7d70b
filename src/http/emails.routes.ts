/** Outgoing email as administrators see it: what failed (and retrying it), what was skipped and why. */
import { createRoute, z } from '@hono/zod-openapi';
import { assertInvoiceAdministrator, assertCompanyAdmin } from '../domain/permissions.ts';
import { SKIP_REASON_LABELS, type SkipReason } from '../domain/notifications.ts';
import { listEmails, type EmailRecord } from '../db/email.queries.ts';
import { getProjectAccess } from '../db/projects.queries.ts';
import { retryFailedEmail } from '../services/notifications/retry-email.ts';
import { csv, errors, NoContent, ProjectParams, SerialId, strictQuery } from './common.schemas.ts';
import { requireViewer } from './context.ts';
import { createRouter } from './router.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;

const EmailSchema = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    toUserId: z.string().nullable(),
    toAddress: z.string(),
    status: z.enum(STATUSES),
    skipReason: z.string().nullable(),
    skipReasonLabel: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    subject: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    nextAttemptAt: z.string(),
  })
  .openapi('Email');

const ListQuery = strictQuery({
  status: csv(z.enum(STATUSES)).optional().openapi({ example: 'failed,skipped' }),
  before: SerialId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function present(e: EmailRecord) {
  return {
    id: e.id,
    kind: e.kind,
    toUserId: e.toUserId,
    toAddress: e.toAddress,
    status: e.status,
    skipReason: e.skipReason,
    skipReasonLabel: e.skipReason ? (SKIP_REASON_LABELS[e.skipReason as SkipReason] ?? e.skipReason) : null,
    attempts: e.attempts,
    lastError: e.lastError,
    subject: e.subject,
    createdAt: e.createdAt.toISOString(),
    sentAt: e.sentAt?.toISOString() ?? null,
    nextAttemptAt: e.nextAttemptAt.toISOString(),
  };
}

export const emailRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/emails',
      tags: ['Email'],
      summary: "The project's outgoing email (invoice administrators): failed, skipped, pending, sent",
      request: { params: ProjectParams, query: ListQuery },
      responses: { 200: { description: 'Newest first.', ...json(z.object({ data: z.array(EmailSchema) })) }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const access = await getProjectAccess(db, requireViewer(c), c.req.valid('param').projectId);
      assertInvoiceAdministrator(access, "see the project's email");
      const q = c.req.valid('query');
      const rows = await listEmails(db, { projectId: access.projectId, limit: q.limit, ...(q.status && { statuses: q.status }), ...(q.before && { beforeId: q.before }) });
      return c.json({ data: rows.map(present) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/emails/{emailId}/retry',
      tags: ['Email'],
      summary: 'Send a failed email again',
      request: { params: ProjectParams.extend({ emailId: SerialId }) },
      responses: { 204: NoContent, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, emailId } = c.req.valid('param');
      await retryFailedEmail(db, requireViewer(c), projectId, emailId, clock());
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/emails',
      tags: ['Email'],
      summary: 'All outgoing email, including account invitations and password resets (company admins)',
      request: { query: ListQuery },
      responses: { 200: { description: 'Newest first.', ...json(z.object({ data: z.array(EmailSchema) })) }, 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      assertCompanyAdmin(viewer, 'see all outgoing email');
      const q = c.req.valid('query');
      // A company admin's own company's projects (its tenant), and the messages about no project.
      const rows = await listEmails(c.get('deps').db, { tenantId: viewer.companyId, limit: q.limit, ...(q.status && { statuses: q.status }), ...(q.before && { beforeId: q.before }) });
      return c.json({ data: rows.map(present) }, 200);
    },
  );
