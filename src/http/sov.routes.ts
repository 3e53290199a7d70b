/** A commitment's schedule of values and change orders (SOV items: subject to SOV visibility). */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { assertCanSeeSovItems } from '../domain/permissions.ts';
import { getVisibleCommitment } from '../db/commitments.queries.ts';
import { getProjectAccess } from '../db/projects.queries.ts';
import { getChangeOrder, listChangeOrders, listSovLines } from '../db/sov.queries.ts';
import { createChangeOrder, updateChangeOrder } from '../services/commitments/change-orders.ts';
import {
  createSovLine,
  deleteSovLine,
  replaceSovLines,
  updateSovLine,
} from '../services/commitments/schedule-of-values.ts';
import { sumCents } from '../domain/money.ts';
import {
  ChangeOrderSchema,
  CreateChangeOrderBody,
  CreateSovLineBody,
  ReplaceSovBody,
  SovLineSchema,
  SovSchema,
  UpdateChangeOrderBody,
  UpdateSovLineBody,
} from './commitments.schemas.ts';
import { CommitmentParams, errors, Id, NoContent } from './common.schemas.ts';
import { requireViewer, type Env } from './context.ts';
import { presentChangeOrder, presentSovLine } from './presenters.ts';
import { createRouter } from './router.ts';
import { etagFor, requiredVersion, withVersion } from './versioning.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const writeErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422] };
const readErrors = { 401: errors[401], 403: errors[403], 404: errors[404] };
const LineParams = CommitmentParams.extend({ lineId: Id });
const ChangeOrderParams = CommitmentParams.extend({ changeOrderId: Id });

/**
 * SOV items of a commitment the viewer can see but whose items are private to them answer 403:
 * the commitment's existence is already known to them, so saying why is not a leak.
 */
async function assertSovVisible(c: Context<Env>, projectId: string, commitmentId: string) {
  const { db } = c.get('deps');
  const access = await getProjectAccess(db, requireViewer(c), projectId);
  const visible = await getVisibleCommitment(db, access, commitmentId);
  assertCanSeeSovItems(access, visible.facts);
  return { commitment: visible.commitment, tenantId: access.tenantId };
}

async function sovBody(c: Context<Env>, projectId: string, commitmentId: string) {
  const { commitment, tenantId } = await assertSovVisible(c, projectId, commitmentId);
  const lines = await listSovLines(c.get('deps').db, tenantId, commitmentId);
  c.header('ETag', etagFor(commitment.version));
  return {
    version: commitment.version,
    lines: lines.map(presentSovLine),
    totalCents: sumCents(lines.map((l) => l.scheduledValueCents)),
  };
}

export const sovRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/commitments/{commitmentId}/sov',
      tags: ['Schedule of values'],
      summary: "A commitment's schedule of values",
      description: 'On a private commitment, non-admins see the SOV items only as invoice contacts or when "see SOV items" is on.',
      request: { params: CommitmentParams },
      responses: { 200: { description: 'SOV lines in order, with the commitment version.', ...json(SovSchema) }, ...readErrors },
    }),
    async (c) => {
      const { projectId, commitmentId } = c.req.valid('param');
      return c.json(await sovBody(c, projectId, commitmentId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/projects/{projectId}/commitments/{commitmentId}/sov',
      tags: ['Schedule of values'],
      summary: 'Save the whole schedule of values',
      description: 'Lines with an `id` are updated, lines without are added, missing lines are deleted; order is the array order. Needs the commitment version.',
      request: { params: CommitmentParams, body: { required: true, ...json(ReplaceSovBody) } },
      responses: { 200: { description: 'Saved.', ...json(SovSchema) }, ...writeErrors, 412: errors[412] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const body = c.req.valid('json');
      await withVersion(requiredVersion(c, body.version), (version) =>
        replaceSovLines(db, requireViewer(c), projectId, commitmentId, { ...body, version }, clock()),
      );
      return c.json(await sovBody(c, projectId, commitmentId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/commitments/{commitmentId}/sov/lines',
      tags: ['Schedule of values'],
      summary: 'Add an SOV line',
      request: { params: CommitmentParams, body: { required: true, ...json(CreateSovLineBody) } },
      responses: { 201: { description: 'Added.', ...json(SovLineSchema) }, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const line = await createSovLine(db, requireViewer(c), projectId, commitmentId, c.req.valid('json'), clock());
      return c.json(presentSovLine(line), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{projectId}/commitments/{commitmentId}/sov/lines/{lineId}',
      tags: ['Schedule of values'],
      summary: 'Change an SOV line',
      request: { params: LineParams, body: { required: true, ...json(UpdateSovLineBody) } },
      responses: { 200: { description: 'Changed.', ...json(SovLineSchema) }, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId, lineId } = c.req.valid('param');
      const line = await updateSovLine(db, requireViewer(c), projectId, commitmentId, lineId, c.req.valid('json'), clock());
      return c.json(presentSovLine(line), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/projects/{projectId}/commitments/{commitmentId}/sov/lines/{lineId}',
      tags: ['Schedule of values'],
      summary: 'Delete an SOV line',
      request: { params: LineParams },
      responses: { 204: NoContent, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId, lineId } = c.req.valid('param');
      await deleteSovLine(db, requireViewer(c), projectId, commitmentId, lineId, clock());
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/commitments/{commitmentId}/change-orders',
      tags: ['Change orders'],
      summary: "A commitment's change orders",
      request: { params: CommitmentParams },
      responses: { 200: { description: 'Change orders with their lines.', ...json(z.object({ data: z.array(ChangeOrderSchema) })) }, ...readErrors },
    }),
    async (c) => {
      const { projectId, commitmentId } = c.req.valid('param');
      const { tenantId } = await assertSovVisible(c, projectId, commitmentId);
      const changeOrders = await listChangeOrders(c.get('deps').db, tenantId, commitmentId);
      return c.json({ data: changeOrders.map(presentChangeOrder) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/commitments/{commitmentId}/change-orders',
      tags: ['Change orders'],
      summary: 'Create a change order',
      request: { params: CommitmentParams, body: { required: true, ...json(CreateChangeOrderBody) } },
      responses: { 201: { description: 'Created.', ...json(ChangeOrderSchema) }, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const changeOrder = await createChangeOrder(db, requireViewer(c), projectId, commitmentId, c.req.valid('json'), clock());
      return c.json(presentChangeOrder(changeOrder), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}',
      tags: ['Change orders'],
      summary: 'One change order',
      request: { params: ChangeOrderParams },
      responses: { 200: { description: 'The change order.', ...json(ChangeOrderSchema) }, ...readErrors },
    }),
    async (c) => {
      const { projectId, commitmentId, changeOrderId } = c.req.valid('param');
      const { tenantId } = await assertSovVisible(c, projectId, commitmentId);
      const changeOrder = await getChangeOrder(c.get('deps').db, tenantId, commitmentId, changeOrderId);
      c.header('ETag', etagFor(changeOrder.version));
      return c.json(presentChangeOrder(changeOrder), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}',
      tags: ['Change orders'],
      summary: 'Change a change order, or move it through draft → pending → approved / void',
      description: 'Lines can change only while draft or pending. Approved lines join the SOV for billing. Needs the current version.',
      request: { params: ChangeOrderParams, body: { required: true, ...json(UpdateChangeOrderBody) } },
      responses: { 200: { description: 'Changed.', ...json(ChangeOrderSchema) }, ...writeErrors, 412: errors[412] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId, changeOrderId } = c.req.valid('param');
      const { version: bodyVersion, ...changes } = c.req.valid('json');
      const changeOrder = await withVersion(requiredVersion(c, bodyVersion), (version) =>
        updateChangeOrder(db, requireViewer(c), projectId, commitmentId, changeOrderId, { ...changes, version }, clock()),
      );
      c.header('ETag', etagFor(changeOrder.version));
      return c.json(presentChangeOrder(changeOrder), 200);
    },
  );
