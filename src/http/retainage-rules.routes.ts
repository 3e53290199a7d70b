/** Sliding-scale retention rules of a commitment. */
import { createRoute, z } from '@hono/zod-openapi';
import { INVOICE_STATUSES } from '../domain/invoice-status.ts';
import { MAX_SLIDING_SCALE_RULES } from '../domain/sliding-scale.ts';
import { getRetainageRules, setRetainageRules, type RetainageRulesView } from '../services/commitments/retainage-rules.ts';
import { BasisPoints, CommitmentParams, errors, MAX_INT4, strictObject } from './common.schemas.ts';
import { RetainageRuleSchema as Rule } from './retainage-rules.schemas.ts';
import { requireViewer } from './context.ts';
import { createRouter } from './router.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

export const RetainageRulesSchema = z
  .object({
    enabled: z.boolean().openapi({ description: 'False: the flat retainage rates of the lines apply.' }),
    rules: z.array(z.intersection(Rule, z.object({ description: z.string() }))),
    afterRateBp: BasisPoints.openapi({ description: 'The rate after the last rule (often 0).' }),
    version: z.number().int().openapi({ description: '0 until rules are first saved.' }),
    updatedAt: z.string().nullable(),
    updatedByName: z.string().nullable(),
    openInvoicesWithOtherRules: z
      .array(z.object({ id: z.string(), label: z.string(), status: z.enum(INVOICE_STATUSES) }))
      .nullable()
      .openapi({
        description:
          "Invoice administrators: this commitment's invoices not yet approved that keep other rules (each invoice keeps the rules in force when it was created; `POST /projects/{projectId}/invoices/{invoiceId}/apply-current-retainage-rules` puts these on one). Null for anyone else.",
      }),
  })
  .openapi('RetainageRules');

const SaveRulesBody = strictObject({
  version: z.number().int().min(0).max(MAX_INT4).openapi({ description: 'The version you read (0 when there were no rules).' }),
  rules: z.array(Rule).max(MAX_SLIDING_SCALE_RULES, `At most ${MAX_SLIDING_SCALE_RULES} rules per commitment.`).nullable().openapi({ description: 'In order; null removes the sliding scale.' }),
  afterRateBp: BasisPoints.optional(),
}).openapi('SaveRetainageRules');

function present(v: RetainageRulesView) {
  return { ...v, updatedAt: v.updatedAt?.toISOString() ?? null };
}

export const retainageRuleRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/commitments/{commitmentId}/retainage-rules',
      tags: ['Commitments'],
      summary: "A commitment's sliding-scale retention rules",
      description:
        'Read by whoever may see the commitment\'s SOV items: a cap is an amount ("until 50,000.00 is held"), so someone who sees a private commitment without its SOV items gets 403, as for its SOV.',
      request: { params: CommitmentParams },
      responses: { 200: { description: 'The rules in order.', ...json(RetainageRulesSchema) }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      return c.json(present(await getRetainageRules(db, requireViewer(c), projectId, commitmentId)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/projects/{projectId}/commitments/{commitmentId}/retainage-rules',
      tags: ['Commitments'],
      summary: 'Set (or remove) the sliding-scale retention rules (invoice administrators)',
      description:
        'Up to five rules, applied in order. Invoices created from now on take them; every existing invoice keeps the rules it was created with (approved ones their snapshot), until an administrator applies the current rules to an open one (`POST /projects/{projectId}/invoices/{invoiceId}/apply-current-retainage-rules`). `openInvoicesWithOtherRules` lists the open invoices that keep other rules.',
      request: { params: CommitmentParams, body: { required: true, ...json(SaveRulesBody) } },
      responses: {
        200: { description: 'Saved.', ...json(RetainageRulesSchema) },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
        422: errors[422],
      },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const body = c.req.valid('json');
      const scale = body.rules === null ? null : { rules: body.rules, afterRateBp: body.afterRateBp ?? 0 };
      return c.json(present(await setRetainageRules(db, requireViewer(c), projectId, commitmentId, { version: body.version, scale }, clock())), 200);
    },
  );
