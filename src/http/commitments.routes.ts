/** Commitments, their invoice contacts and private lists. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { revisedContractSum, type Commitment } from '../domain/commitment.ts';
import { checkContactEligibility } from '../domain/invoice-contacts.ts';
import {
  assertInvoiceAdministrator,
  canSeeSovLines,
  isInvoiceAdministrator,
  type CommitmentPrivacyFacts,
  type ProjectAccess,
} from '../domain/permissions.ts';
import {
  getCommitmentTotals,
  getVisibleCommitment,
  listCommitments,
  listInvoiceContacts,
  listPrivateList,
} from '../db/commitments.queries.ts';
import { listCompanyCandidates } from '../db/contacts.queries.ts';
import { findCompany, findUser } from '../db/directory.queries.ts';
import { getProjectAccess } from '../db/projects.queries.ts';
import { createCommitment } from '../services/commitments/create-commitment.ts';
import {
  addInvoiceContact,
  addPrivateListUser,
  removeInvoiceContact,
  removePrivateListUser,
} from '../services/commitments/invoice-contacts.ts';
import { updateCommitment } from '../services/commitments/update-commitment.ts';
import {
  CommitmentDetailSchema,
  CommitmentListQuery,
  CommitmentPage,
  CreateCommitmentBody,
  EligibleContactSchema,
  UpdateCommitmentBody,
  UserIdBody,
} from './commitments.schemas.ts';
import { CommitmentParams, errors, Id, ProjectParams } from './common.schemas.ts';
import { requireViewer, type Env } from './context.ts';
import { presentCommitment } from './presenters.ts';
import { createRouter } from './router.ts';
import { etagFor, requiredVersion, withVersion } from './versioning.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const detailResponse = { description: 'The commitment, as you may see it.', ...json(CommitmentDetailSchema) };

/** The detail view: what the viewer may see of one commitment, and what they may do with it. */
async function commitmentDetail(
  c: Context<Env>,
  access: ProjectAccess,
  commitment: Commitment,
  facts: CommitmentPrivacyFacts,
  warnings?: string[],
) {
  const { db } = c.get('deps');
  const isAdmin = isInvoiceAdministrator(access);
  const canSeeSovItems = canSeeSovLines(access, facts);
  const company = commitment.contractCompanyId ? await findCompany(db, commitment.contractCompanyId) : undefined;
  const totals = canSeeSovItems ? await getCommitmentTotals(db, access.tenantId, commitment.id) : null;
  c.header('ETag', etagFor(commitment.version));
  return {
    commitment: presentCommitment(commitment),
    contractCompany: company ? { id: company.id, name: company.name } : null,
    invoiceContacts: await listInvoiceContacts(db, access.tenantId, commitment.id),
    privateList: isAdmin ? await listPrivateList(db, access.tenantId, commitment.id) : null,
    totals: totals && {
      ...totals,
      revisedContractSumCents: revisedContractSum(totals.originalContractSumCents, totals.approvedChangeOrdersCents),
    },
    you: { canEdit: isAdmin, canSeeSovItems, isInvoiceContact: facts.viewerIsInvoiceContact },
    ...(warnings && warnings.length > 0 && { warnings }),
  };
}

async function reloadDetail(c: Context<Env>, projectId: string, commitmentId: string, warnings?: string[]) {
  const { db } = c.get('deps');
  const access = await getProjectAccess(db, requireViewer(c), projectId);
  const { commitment, facts } = await getVisibleCommitment(db, access, commitmentId);
  return commitmentDetail(c, access, commitment, facts, warnings);
}

const writeErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422] };

export const commitmentRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/commitments',
      tags: ['Commitments'],
      summary: 'Commitments you can see on a project',
      description:
        'Admins on Commitments see every commitment; Read Only and Standard see non-private ones and the private ones whose private list they are on (invoice contacts always are); None sees none.',
      request: { params: ProjectParams, query: CommitmentListQuery },
      responses: { 200: { description: 'A page of commitments.', ...json(CommitmentPage) }, 400: errors[400], 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const access = await getProjectAccess(db, requireViewer(c), c.req.valid('param').projectId);
      const q = c.req.valid('query');
      const { items, total } = await listCommitments(db, access, {
        sort: q.sort,
        page: q.page,
        perPage: q.perPage,
        ...(q.status && { statuses: q.status }),
        ...(q.kind && { kind: q.kind }),
        ...(q.contractCompanyId && { contractCompanyId: q.contractCompanyId }),
        ...(q.contactUserId && { contactUserId: q.contactUserId }),
        ...(q.search && { search: q.search }),
      });
      const data = items.map((item) => {
        // Amounts show only to those who may see the SOV items they add up.
        const showAmounts = canSeeSovLines(access, item.facts);
        return {
          ...presentCommitment(item),
          contractCompanyName: item.contractCompanyName,
          invoiceContactCount: item.invoiceContactCount,
          originalContractSumCents: showAmounts ? item.originalContractSumCents : null,
          approvedChangeOrdersCents: showAmounts ? item.approvedChangeOrdersCents : null,
          revisedContractSumCents: showAmounts
            ? revisedContractSum(item.originalContractSumCents, item.approvedChangeOrdersCents)
            : null,
        };
      });
      return c.json({ data, page: q.page, perPage: q.perPage, total }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/commitments',
      tags: ['Commitments'],
      summary: 'Create a commitment (Admins on Commitments)',
      description: "Private by default. Without `invoiceContactIds`, the contract company's default invoice contact is added when eligible.",
      request: { params: ProjectParams, body: { required: true, ...json(CreateCommitmentBody) } },
      responses: { 201: detailResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId } = c.req.valid('param');
      const { commitment, warnings } = await createCommitment(db, requireViewer(c), projectId, c.req.valid('json'), clock());
      return c.json(await reloadDetail(c, projectId, commitment.id, warnings), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/commitments/{commitmentId}',
      tags: ['Commitments'],
      summary: 'One commitment',
      description: 'A commitment you may not see answers 404, exactly like a missing one. The ETag is the version for If-Match.',
      request: { params: CommitmentParams },
      responses: { 200: detailResponse, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { projectId, commitmentId } = c.req.valid('param');
      return c.json(await reloadDetail(c, projectId, commitmentId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{projectId}/commitments/{commitmentId}',
      tags: ['Commitments'],
      summary: 'Change a commitment (Admins on Commitments)',
      description:
        'Needs the current version (If-Match or `version`). Changing the contract company while invoice contacts of the old one remain is refused unless `removeMismatchedContacts` is true; the contacts removed that way are named in `warnings`.',
      request: { params: CommitmentParams, body: { required: true, ...json(UpdateCommitmentBody) } },
      responses: { 200: detailResponse, ...writeErrors, 412: errors[412] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const { version: bodyVersion, ...changes } = c.req.valid('json');
      const { removedContactIds } = await withVersion(requiredVersion(c, bodyVersion), (version) =>
        updateCommitment(db, requireViewer(c), projectId, commitmentId, { ...changes, version }, clock()),
      );
      // Never a silent change: say which invoice contacts went with the old contract company.
      const warnings: string[] = [];
      for (const userId of removedContactIds) {
        const name = (await findUser(db, userId))?.name ?? 'A person';
        warnings.push(`${name} was removed as invoice contact: they do not work for the new contract company.`);
      }
      return c.json(await reloadDetail(c, projectId, commitmentId, warnings), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/commitments/{commitmentId}/eligible-contacts',
      tags: ['Commitments'],
      summary: 'Who can be an invoice contact (Admins on Commitments)',
      description:
        'Every employee of the contract company, each with whether they can be designated and, if not, why: inactive, not in the project directory, or below Read Only on Commitments.',
      request: { params: CommitmentParams },
      responses: { 200: { description: 'Candidates.', ...json(z.object({ data: z.array(EligibleContactSchema) })) }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const access = await getProjectAccess(db, requireViewer(c), projectId);
      const { commitment } = await getVisibleCommitment(db, access, commitmentId);
      assertInvoiceAdministrator(access, 'designate invoice contacts');
      if (!commitment.contractCompanyId) return c.json({ data: [] }, 200);
      const current = new Set((await listInvoiceContacts(db, access.tenantId, commitmentId)).map((p) => p.userId));
      const candidates = await listCompanyCandidates(db, access.tenantId, projectId, commitment.contractCompanyId);
      const data = candidates.map((candidate) => {
        const result = checkContactEligibility(commitment.contractCompanyId, candidate);
        return {
          userId: candidate.userId,
          name: candidate.name,
          email: candidate.email,
          eligible: result.eligible,
          reason: result.eligible ? null : result.reason,
          reasonCode: result.eligible ? null : result.code,
          isInvoiceContact: current.has(candidate.userId),
        };
      });
      return c.json({ data }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/commitments/{commitmentId}/invoice-contacts',
      tags: ['Commitments'],
      summary: 'Designate an invoice contact',
      description:
        'The person must be an active employee of the contract company, in the project directory with at least Read Only on Commitments. They join the private list automatically.',
      request: { params: CommitmentParams, body: { required: true, ...json(UserIdBody) } },
      responses: { 200: detailResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      await addInvoiceContact(db, requireViewer(c), projectId, commitmentId, c.req.valid('json').userId, clock());
      return c.json(await reloadDetail(c, projectId, commitmentId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/projects/{projectId}/commitments/{commitmentId}/invoice-contacts/{userId}',
      tags: ['Commitments'],
      summary: 'Remove an invoice contact',
      description: 'Their automatic private-list entry goes too; an explicit private-list entry for them stays.',
      request: { params: CommitmentParams.extend({ userId: Id }) },
      responses: { 200: detailResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId, userId } = c.req.valid('param');
      await removeInvoiceContact(db, requireViewer(c), projectId, commitmentId, userId, clock());
      return c.json(await reloadDetail(c, projectId, commitmentId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{projectId}/commitments/{commitmentId}/private-list',
      tags: ['Commitments'],
      summary: 'Add a person to the private list',
      request: { params: CommitmentParams, body: { required: true, ...json(UserIdBody) } },
      responses: { 200: detailResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      await addPrivateListUser(db, requireViewer(c), projectId, commitmentId, c.req.valid('json').userId, clock());
      return c.json(await reloadDetail(c, projectId, commitmentId), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/projects/{projectId}/commitments/{commitmentId}/private-list/{userId}',
      tags: ['Commitments'],
      summary: 'Remove an explicit private-list entry',
      description: 'Invoice contacts stay on the list while they are contacts (422 private_list_contact).',
      request: { params: CommitmentParams.extend({ userId: Id }) },
      responses: { 200: detailResponse, ...writeErrors },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, commitmentId, userId } = c.req.valid('param');
      await removePrivateListUser(db, requireViewer(c), projectId, commitmentId, userId, clock());
      return c.json(await reloadDetail(c, projectId, commitmentId), 200);
    },
  );
