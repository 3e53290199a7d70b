/**
 * A commitment's Subcontractor SOV: read it, save the breakdown, submit / approve / send back, and
 * ask the invoice contacts to fill it in. Every write names the version it was based on (body
 * `version` or If-Match) and answers the SSOV as the caller now sees it.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { sumCents } from '../domain/money.ts';
import { detailItemNumber, detailLineFreedom, isSsovApprovedForBilling, SSOV_STATUS_LABELS } from '../domain/ssov.ts';
import { changeSsovStatus } from '../services/ssov/change-ssov-status.ts';
import { getSsovView, type SsovView } from '../services/ssov/get-ssov.ts';
import { requestSsov } from '../services/ssov/request-ssov.ts';
import { saveSsovLines } from '../services/ssov/save-ssov-lines.ts';
import { CommitmentParams, errors } from './common.schemas.ts';
import { requireViewer, type Env } from './context.ts';
import { idempotency } from './idempotency.middleware.ts';
import { createRouter } from './router.ts';
import { SaveSsovBody, SsovRequestBody, SsovRequestResultSchema, SsovSchema, SsovSendBackBody, SsovVersionBody } from './ssov.schemas.ts';
import { etagFor, requiredVersion, withVersion } from './versioning.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const readErrors = { 401: errors[401], 403: errors[403], 404: errors[404] };
const writeErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 412: errors[412], 422: errors[422] };
const PATH = '/projects/{projectId}/commitments/{commitmentId}/ssov';
const ssovResponse = { description: 'The Subcontractor SOV as you may see it (ETag: its version).', ...json(SsovSchema) };

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentSsov(view: SsovView) {
  const { ssov, allocations } = view;
  const person = (id: string | null) => (id ? { userId: id, name: view.names.get(id) ?? '' } : null);
  const scheduledValueCents = sumCents(allocations.map((a) => a.sovLine.scheduledValueCents));
  const allocatedCents = sumCents(allocations.map((a) => a.allocatedCents));
  return {
    commitmentId: view.commitment.id,
    enabled: view.commitment.ssovEnabled,
    status: ssov.status,
    statusLabel: SSOV_STATUS_LABELS[ssov.status],
    version: ssov.version,
    submittedAt: iso(ssov.submittedAt),
    submittedBy: person(ssov.submittedBy),
    approvedAt: iso(ssov.approvedAt),
    approvedBy: person(ssov.approvedBy),
    sentBackAt: iso(ssov.sentBackAt),
    sentBackBy: person(ssov.sentBackBy),
    sentBackReason: ssov.sentBackReason,
    requestedAt: iso(ssov.requestedAt),
    requestedBy: person(ssov.requestedBy),
    isFullyAllocated: view.isFullyAllocated,
    isApprovedForBilling:
      view.commitment.ssovEnabled &&
      isSsovApprovedForBilling({ status: ssov.status, unallocatedSovLineCount: allocations.filter((a) => !a.isFullyAllocated).length }),
    totals: { scheduledValueCents, allocatedCents, remainingToAllocateCents: scheduledValueCents - allocatedCents },
    sovLines: allocations.map((a) => ({
      sovLineId: a.sovLine.id,
      position: a.sovLine.position,
      itemNumber: a.sovLine.itemNumber,
      description: a.sovLine.description,
      costCode: a.sovLine.costCode,
      scheduledValueCents: a.sovLine.scheduledValueCents,
      allocatedCents: a.allocatedCents,
      remainingToAllocateCents: a.remainingCents,
      isFullyAllocated: a.isFullyAllocated,
      lines: a.lines.map((l) => {
        const uses = view.uses.get(l.id) ?? [];
        const freedom = detailLineFreedom(uses);
        return {
          id: l.id,
          sovLineId: l.sovLineId,
          position: l.position,
          itemNumber: detailItemNumber(a.sovLine, l.position),
          description: l.description,
          costCode: l.costCode,
          amountCents: l.amountCents,
          billing: {
            invoices: uses.map((u) => ({ label: u.invoiceLabel, isApproved: u.isApproved, hasAmounts: u.hasAmounts })),
            canChangeAmount: freedom.canChangeAmount,
            canChangeSovLine: freedom.canChangeSovLine,
            canRemove: freedom.canRemove,
          },
        };
      }),
    })),
    you: view.you,
  };
}

async function respondWithSsov(c: Context<Env>, projectId: string, commitmentId: string) {
  const { db, clock } = c.get('deps');
  const view = await getSsovView(db, requireViewer(c), projectId, commitmentId, clock());
  c.header('ETag', etagFor(view.ssov.version));
  return presentSsov(view);
}

function transitionRoute(path: 'submit' | 'approve', summary: string, description: string) {
  return createRoute({
    method: 'post',
    path: `${PATH}/${path}`,
    tags: ['Subcontractor SOV'],
    summary,
    description,
    request: { params: CommitmentParams, body: { required: true, ...json(SsovVersionBody) } },
    responses: { 200: ssovResponse, ...writeErrors },
  });
}

export const ssovRoutes = createRouter();
// Retried requests neither email twice nor answer with a version conflict.
for (const path of ['submit', 'approve', 'send-back', 'request']) {
  ssovRoutes.use(`/projects/:projectId/commitments/:commitmentId/ssov/${path}`, idempotency);
}

ssovRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: PATH,
      tags: ['Subcontractor SOV'],
      summary: "A commitment's Subcontractor SOV: detail lines by SOV line, with the remaining to allocate",
      description:
        'Visible to whoever may see the SOV items (invoice administrators, invoice contacts, …); a commitment you cannot see answers 404, private SOV items 403. `you` says what you may do.',
      request: { params: CommitmentParams },
      responses: { 200: ssovResponse, ...readErrors },
    }),
    async (c) => {
      const { projectId, commitmentId } = c.req.valid('param');
      return c.json(await respondWithSsov(c, projectId, commitmentId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: PATH,
      tags: ['Subcontractor SOV'],
      summary: 'Save the whole breakdown',
      description:
        'Invoice contacts in Draft and Revise & Resubmit; administrators at any time (no email to the contacts), but Under Review or Approved every SOV line must stay fully allocated (`ssov_not_allocated`). ' +
        'A detail line billed on an approved invoice keeps its amount and SOV line and cannot be removed; one with amounts on an invoice not yet approved cannot be removed (`ssov_line_billed`, naming the invoice).',
      request: { params: CommitmentParams, body: { required: true, ...json(SaveSsovBody) } },
      responses: { 200: ssovResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const body = c.req.valid('json');
      await withVersion(requiredVersion(c, body.version), (version) =>
        saveSsovLines(db, requireViewer(c), projectId, commitmentId, { version, lines: body.lines }, clock()),
      );
      return c.json(await respondWithSsov(c, projectId, commitmentId), 200);
    },
  )
  .openapi(
    transitionRoute(
      'submit',
      'Submit the Subcontractor SOV for review',
      'Draft or Revise & Resubmit → Under Review, by a contact or an administrator on their behalf. Refused (`ssov_not_allocated`, naming each SOV line and its remaining amount) until every SOV line is fully allocated. Emails the invoice distribution list.',
    ),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      await withVersion(requiredVersion(c, c.req.valid('json').version), (version) =>
        changeSsovStatus(db, requireViewer(c), projectId, commitmentId, { action: 'submit', version }, clock()),
      );
      return c.json(await respondWithSsov(c, projectId, commitmentId), 200);
    },
  )
  .openapi(
    transitionRoute(
      'approve',
      'Approve the Subcontractor SOV (administrators)',
      'Draft, Under Review or Revise & Resubmit → Approved; every SOV line must be fully allocated. From then on new invoices bill the detail lines. No email.',
    ),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      await withVersion(requiredVersion(c, c.req.valid('json').version), (version) =>
        changeSsovStatus(db, requireViewer(c), projectId, commitmentId, { action: 'approve', version }, clock()),
      );
      return c.json(await respondWithSsov(c, projectId, commitmentId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: `${PATH}/send-back`,
      tags: ['Subcontractor SOV'],
      summary: 'Send the Subcontractor SOV back to the contacts, with the reason (administrators)',
      description: 'Under Review or Approved → Revise & Resubmit. Emails the invoice contacts the reason. While not approved, the commitment cannot be invited to bill or invoiced.',
      request: { params: CommitmentParams, body: { required: true, ...json(SsovSendBackBody) } },
      responses: { 200: ssovResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const body = c.req.valid('json');
      await withVersion(requiredVersion(c, body.version), (version) =>
        changeSsovStatus(db, requireViewer(c), projectId, commitmentId, { action: 'send_back', version, reason: body.reason }, clock()),
      );
      return c.json(await respondWithSsov(c, projectId, commitmentId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: `${PATH}/request`,
      tags: ['Subcontractor SOV'],
      summary: 'Ask the invoice contacts to break down the schedule of values (administrators)',
      description:
        'In Draft or Revise & Resubmit. Emails each invoice contact "[Name] invites you to break down your Schedule of Values for this commitment." with a link to /projects/{projectId}/commitments/{commitmentId}/ssov. Needs no version (it changes no line).',
      request: { params: CommitmentParams, body: { required: false, ...json(SsovRequestBody) } },
      responses: { 200: { description: 'Asked.', ...json(SsovRequestResultSchema) }, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const { emails } = await requestSsov(db, requireViewer(c), projectId, commitmentId, c.req.valid('json') ?? {}, clock());
      return c.json({ ssov: await respondWithSsov(c, projectId, commitmentId), emailed: emails.queued, skipped: emails.skipped }, 200);
    },
  );
