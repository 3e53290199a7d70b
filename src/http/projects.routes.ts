/** Projects, their directories and their audit history. */
import { createRoute, z } from '@hono/zod-openapi';
import { assertInvoiceAdministrator, effectivePermission } from '../domain/permissions.ts';
import { listAudit } from '../db/audit.queries.ts';
import { listCompanies } from '../db/directory.queries.ts';
import {
  findProject,
  getProjectAccess,
  listProjectCompanyIds,
  listProjectUsers,
  listVisibleProjects,
} from '../db/projects.queries.ts';
import {
  addProjectCompany,
  removeProjectCompany,
  removeProjectUser,
  setProjectUser,
} from '../services/projects/project-directory.ts';
import { createProject, updateProject } from '../services/projects/save-project.ts';
import { errors, Id, NoContent, ProjectParams, SerialId, strictQuery } from './common.schemas.ts';
import { requireViewer } from './context.ts';
import { presentProject } from './presenters.ts';
import {
  AuditEntrySchema,
  CreateProjectBody,
  ProjectDirectorySchema,
  ProjectSchema,
  ProjectWithAccessSchema,
  SetProjectUserBody,
  UpdateProjectBody,
} from './projects.schemas.ts';
import { createRouter } from './router.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

export const projectRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects',
      tags: ['Projects'],
      summary: 'Projects you can see',
      responses: { 200: { description: 'Projects, with your Commitments level on each.', ...json(z.object({ data: z.array(ProjectWithAccessSchema) })) }, 401: errors[401] },
    }),
    async (c) => {
      const projects = await listVisibleProjects(c.get('deps').db, requireViewer(c));
      return c.json({ data: projects.map((p) => ({ ...presentProject(p), commitmentsPermission: p.commitmentsPermission })) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects',
      tags: ['Projects'],
      summary: 'Create a project (company admins)',
      request: { body: { required: true, ...json(CreateProjectBody) } },
      responses: { 201: { description: 'Created.', ...json(ProjectSchema) }, 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const project = await createProject(db, requireViewer(c), c.req.valid('json'), clock());
      return c.json(presentProject(project), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}',
      tags: ['Projects'],
      summary: 'One project',
      request: { params: ProjectParams },
      responses: { 200: { description: 'The project.', ...json(ProjectWithAccessSchema) }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const viewer = requireViewer(c);
      const access = await getProjectAccess(db, viewer, c.req.valid('param').projectId);
      const project = await findProject(db, access.tenantId, access.projectId);
      if (!project) throw new Error('project vanished');
      const level = effectivePermission(access);
      return c.json({ ...presentProject(project), commitmentsPermission: level }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{projectId}',
      tags: ['Projects'],
      summary: "Change a project's details (Admins on Commitments)",
      request: { params: ProjectParams, body: { required: true, ...json(UpdateProjectBody) } },
      responses: {
        200: { description: 'Updated.', ...json(ProjectSchema) },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const project = await updateProject(db, requireViewer(c), c.req.valid('param').projectId, c.req.valid('json'), clock());
      return c.json(presentProject(project), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/directory',
      tags: ['Projects'],
      summary: "The project directory (Admins on Commitments)",
      request: { params: ProjectParams },
      responses: {
        200: { description: 'Companies and people on the project, with Commitments levels.', ...json(ProjectDirectorySchema) },
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const access = await getProjectAccess(db, requireViewer(c), c.req.valid('param').projectId);
      assertInvoiceAdministrator(access, "see the project's directory");
      const companies = await listCompanies(db, { ids: await listProjectCompanyIds(db, access.tenantId, access.projectId) });
      const users = await listProjectUsers(db, access.tenantId, access.projectId);
      return c.json({ companies: companies.map((co) => ({ id: co.id, name: co.name, kind: co.kind })), users }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/projects/{projectId}/directory/companies/{companyId}',
      tags: ['Projects'],
      summary: 'Add a company to the project directory',
      request: { params: ProjectParams.extend({ companyId: Id }) },
      responses: { 204: NoContent, 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, companyId } = c.req.valid('param');
      await addProjectCompany(db, requireViewer(c), projectId, companyId, clock());
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/projects/{projectId}/directory/companies/{companyId}',
      tags: ['Projects'],
      summary: 'Remove a company from the project directory',
      request: { params: ProjectParams.extend({ companyId: Id }) },
      responses: { 204: NoContent, 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, companyId } = c.req.valid('param');
      await removeProjectCompany(db, requireViewer(c), projectId, companyId, clock());
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/projects/{projectId}/directory/users/{userId}',
      tags: ['Projects'],
      summary: "Add a person to the project directory or change their Commitments level",
      description: "Their company joins the project directory too. Lowering an invoice contact below Read Only is refused.",
      request: { params: ProjectParams.extend({ userId: Id }), body: { required: true, ...json(SetProjectUserBody) } },
      responses: { 204: NoContent, 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, userId } = c.req.valid('param');
      await setProjectUser(db, requireViewer(c), projectId, userId, c.req.valid('json').commitmentsPermission, clock());
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/projects/{projectId}/directory/users/{userId}',
      tags: ['Projects'],
      summary: 'Remove a person from the project directory',
      request: { params: ProjectParams.extend({ userId: Id }) },
      responses: { 204: NoContent, 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, userId } = c.req.valid('param');
      await removeProjectUser(db, requireViewer(c), projectId, userId, clock());
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/audit',
      tags: ['Projects'],
      summary: "The project's audit history (Admins on Commitments)",
      description: 'Newest first. Page backwards with `before` = the smallest id you have.',
      request: {
        params: ProjectParams,
        query: strictQuery({
          entityType: z.string().max(100).optional(),
          entityId: z.string().max(200).optional(),
          before: SerialId.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
      responses: { 200: { description: 'Audit entries.', ...json(z.object({ data: z.array(AuditEntrySchema) })) }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const access = await getProjectAccess(db, requireViewer(c), c.req.valid('param').projectId);
      assertInvoiceAdministrator(access, "see the project's audit history");
      const q = c.req.valid('query');
      const entries = await listAudit(db, {
        projectId: access.projectId,
        limit: q.limit,
        ...(q.entityType && { entityType: q.entityType }),
        ...(q.entityId && { entityId: q.entityId }),
        ...(q.before && { beforeId: q.before }),
      });
      return c.json({ data: entries.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })) }, 200);
    },
  );
