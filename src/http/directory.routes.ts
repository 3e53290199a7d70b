/** The company directory: companies and people. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { COMPANY_KINDS } from '../domain/directory.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { canReadWholeDirectory, type Viewer } from '../domain/permissions.ts';
import type { DbOrTrx } from '../db/database.ts';
import { getCompany, getUser, listCompanies, listUsers } from '../db/directory.queries.ts';
import { isUuid } from '../db/ids.ts';
import { isAdminOnAnyProject } from '../db/projects.queries.ts';
import { createCompany, updateCompany } from '../services/directory/save-company.ts';
import { createUser, updateUser } from '../services/directory/save-user.ts';
import { issueInvitation } from '../services/directory/issue-invitation.ts';
import { errors, Id, PageQuery, SearchText } from './common.schemas.ts';
import { requireViewer, type Env } from './context.ts';
import {
  CompanyPage,
  CompanySchema,
  CreateCompanyBody,
  CreateUserBody,
  UpdateCompanyBody,
  UpdateUserBody,
  UserPage,
  UserSchema,
} from './directory.schemas.ts';
import { presentCompany, presentUser } from './presenters.ts';
import { createRouter } from './router.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const CompanyParams = z.object({ companyId: Id });
const UserParams = z.object({ userId: Id });

async function directoryScope(db: DbOrTrx, viewer: Viewer): Promise<{ whole: boolean }> {
  return { whole: canReadWholeDirectory(viewer, await isAdminOnAnyProject(db, viewer.userId)) };
}

function paginate<T>(items: T[], page: number, perPage: number) {
  return { data: items.slice((page - 1) * perPage, page * perPage), page, perPage, total: items.length };
}

function deps(c: Context<Env>) {
  return c.get('deps');
}

export const directoryRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/companies',
      tags: ['Directory'],
      summary: 'List companies in the directory',
      request: { query: PageQuery.extend({ kind: z.enum(COMPANY_KINDS).optional(), search: SearchText.optional() }) },
      responses: { 200: { description: 'Companies.', ...json(CompanyPage) }, 401: errors[401] },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { db } = deps(c);
      const q = c.req.valid('query');
      const scope = await directoryScope(db, viewer);
      const companies = await listCompanies(db, {
        ...(q.kind && { kind: q.kind }),
        ...(q.search && { search: q.search }),
        ...(!scope.whole && { ids: [viewer.companyId] }),
      });
      return c.json(paginate(companies.map(presentCompany), q.page, q.perPage), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/companies',
      tags: ['Directory'],
      summary: 'Add a company (company admins)',
      request: { body: { required: true, ...json(CreateCompanyBody) } },
      responses: { 201: { description: 'Created.', ...json(CompanySchema) }, 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const { db, clock } = deps(c);
      const company = await createCompany(db, requireViewer(c), c.req.valid('json'), clock());
      return c.json(presentCompany(company), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/companies/{companyId}',
      tags: ['Directory'],
      summary: 'One company',
      request: { params: CompanyParams },
      responses: { 200: { description: 'The company.', ...json(CompanySchema) }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { db } = deps(c);
      const { companyId } = c.req.valid('param');
      const scope = await directoryScope(db, viewer);
      if (!isUuid(companyId) || (!scope.whole && companyId !== viewer.companyId)) throw notFound('The company');
      return c.json(presentCompany(await getCompany(db, companyId)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/companies/{companyId}',
      tags: ['Directory'],
      summary: 'Change a company (company admins)',
      description: 'Set `defaultInvoiceContactId` to pre-fill the invoice contacts of new commitments for this company.',
      request: { params: CompanyParams, body: { required: true, ...json(UpdateCompanyBody) } },
      responses: {
        200: { description: 'Updated.', ...json(CompanySchema) },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        422: errors[422],
      },
    }),
    async (c) => {
      const { db, clock } = deps(c);
      const { companyId } = c.req.valid('param');
      if (!isUuid(companyId)) throw notFound('The company');
      const company = await updateCompany(db, requireViewer(c), companyId, c.req.valid('json'), clock());
      return c.json(presentCompany(company), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags: ['Directory'],
      summary: 'List people in the directory',
      request: { query: PageQuery.extend({ companyId: Id.optional(), search: SearchText.optional() }) },
      responses: { 200: { description: 'People.', ...json(UserPage) }, 401: errors[401] },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { db } = deps(c);
      const q = c.req.valid('query');
      const scope = await directoryScope(db, viewer);
      const companyId = scope.whole ? q.companyId : viewer.companyId;
      if (companyId !== undefined && !isUuid(companyId)) return c.json(paginate([], q.page, q.perPage), 200);
      const users = await listUsers(db, { ...(companyId && { companyId }), ...(q.search && { search: q.search }) });
      return c.json(paginate(users.map(presentUser), q.page, q.perPage), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags: ['Directory'],
      summary: 'Add a person to a company (company admins)',
      description: 'Without a password, the person is emailed a single-use link to choose one (unless `sendInvitation` is false).',
      request: { body: { required: true, ...json(CreateUserBody) } },
      responses: {
        201: { description: 'Created.', ...json(UserSchema) },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        409: errors[409],
        422: errors[422],
      },
    }),
    async (c) => {
      const { db, clock, config } = deps(c);
      const { sendInvitation, ...input } = c.req.valid('json');
      const viewer = requireViewer(c);
      const user = await createUser(db, viewer, input, clock());
      if (input.password === undefined && sendInvitation !== false) await issueInvitation(db, viewer, user.id, clock(), config.baseUrl);
      return c.json(presentUser(user), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/users/{userId}',
      tags: ['Directory'],
      summary: 'One person',
      request: { params: UserParams },
      responses: { 200: { description: 'The person.', ...json(UserSchema) }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const viewer = requireViewer(c);
      const { db } = deps(c);
      const { userId } = c.req.valid('param');
      if (!isUuid(userId)) throw notFound('The person');
      const user = await getUser(db, userId);
      const scope = await directoryScope(db, viewer);
      if (!scope.whole && user.companyId !== viewer.companyId) throw notFound('The person');
      return c.json(presentUser(user), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/users/{userId}',
      tags: ['Directory'],
      summary: 'Change a person (company admins)',
      request: { params: UserParams, body: { required: true, ...json(UpdateUserBody) } },
      responses: {
        200: { description: 'Updated.', ...json(UserSchema) },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const { db, clock } = deps(c);
      const user = await updateUser(db, requireViewer(c), c.req.valid('param').userId, c.req.valid('json'), clock());
      return c.json(presentUser(user), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/users/{userId}/invitation',
      tags: ['Directory'],
      summary: 'Email a person a (new) single-use first-sign-in link (company admins)',
      request: { params: UserParams },
      responses: {
        202: { description: 'The invitation email is on its way.', ...json(z.object({ expiresAt: z.string() })) },
        401: errors[401],
        403: errors[403],
        404: errors[404],
        422: errors[422],
      },
    }),
    async (c) => {
      const { db, clock, config } = deps(c);
      const { userId } = c.req.valid('param');
      if (!isUuid(userId)) throw notFound('The person');
      const link = await issueInvitation(db, requireViewer(c), userId, clock(), config.baseUrl);
      if (!link) throw new DomainError('invalid_state', 'This account is inactive; reactivate it before inviting.');
      return c.json({ expiresAt: link.expiresAt.toISOString() }, 202);
    },
  );
