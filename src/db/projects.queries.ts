/** Projects and their directories (which companies and people belong, at which Commitments level). */
import { notFound } from '../domain/errors.ts';
import type { CommitmentsPermission, ProjectAccess, Viewer } from '../domain/permissions.ts';
import { canSeeProject, isTenantAdmin } from '../domain/permissions.ts';
import type { Currency, Locale, Project, Terminology } from '../domain/project.ts';
import type { DbOrTrx } from './database.ts';
import { isUuid } from './ids.ts';
import { crossTenant } from './tenant-check.ts';
import type { ProjectRow } from './tables.ts';

export function projectFromRow(row: ProjectRow): Project {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    number: row.number,
    address: row.address,
    currency: row.currency as Currency,
    locale: row.locale as Locale,
    timeZone: row.timeZone,
    terminology: row.terminology as Terminology,
  };
}

export async function findProject(db: DbOrTrx, tenantId: string, id: string): Promise<Project | undefined> {
  const row = await db.selectFrom('projects').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return row && projectFromRow(row);
}

export async function findDirectoryPermission(
  db: DbOrTrx,
  tenantId: string,
  projectId: string,
  userId: string,
): Promise<CommitmentsPermission | null> {
  const row = await db
    .selectFrom('projectUsers')
    .select('commitmentsPermission')
    .where('tenantId', '=', tenantId)
    .where('projectId', '=', projectId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return (row?.commitmentsPermission as CommitmentsPermission | undefined) ?? null;
}

/** Where every request on a project learns its tenant: the project is found by its id alone (decision 025). */
const RESOLVES_TENANT = crossTenant("resolves the project's tenant from its id, once per request");

/**
 * The viewer's standing on a project, and the project's tenant — which every later statement of
 * the request filters by. A project the viewer may not see answers not_found, exactly like a
 * missing one, so its existence never leaks (another GC's project included).
 */
export async function getProjectAccess(db: DbOrTrx, viewer: Viewer, projectId: string): Promise<ProjectAccess> {
  if (!isUuid(projectId)) throw notFound('The project');
  const row = await db
    .selectFrom('projects as p')
    .leftJoin('projectUsers as pu', (join) =>
      join.onRef('pu.tenantId', '=', 'p.tenantId').onRef('pu.projectId', '=', 'p.id').on('pu.userId', '=', viewer.userId),
    )
    .select(['p.id', 'p.tenantId', 'pu.commitmentsPermission'])
    .where('p.id', '=', projectId)
    .modifyEnd(RESOLVES_TENANT)
    .executeTakeFirst();
  if (!row) throw notFound('The project');
  const access: ProjectAccess = {
    viewer,
    projectId,
    tenantId: row.tenantId,
    directoryPermission: (row.commitmentsPermission as CommitmentsPermission | null) ?? null,
  };
  if (!canSeeProject(access)) throw notFound('The project');
  return access;
}

/**
 * The viewer's access to a project and the project itself, in one statement (what every invoice
 * request starts with; decision 022). Same refusals as `getProjectAccess`.
 */
export async function getProjectWithAccess(db: DbOrTrx, viewer: Viewer, projectId: string): Promise<{ access: ProjectAccess; project: Project }> {
  if (!isUuid(projectId)) throw notFound('The project');
  const row = await db
    .selectFrom('projects as p')
    .leftJoin('projectUsers as pu', (join) =>
      join.onRef('pu.tenantId', '=', 'p.tenantId').onRef('pu.projectId', '=', 'p.id').on('pu.userId', '=', viewer.userId),
    )
    .selectAll('p')
    .select('pu.commitmentsPermission')
    .where('p.id', '=', projectId)
    .modifyEnd(RESOLVES_TENANT)
    .executeTakeFirst();
  if (!row) throw notFound('The project');
  const access: ProjectAccess = {
    viewer,
    projectId,
    tenantId: row.tenantId,
    directoryPermission: (row.commitmentsPermission as CommitmentsPermission | null) ?? null,
  };
  if (!canSeeProject(access)) throw notFound('The project');
  return { access, project: projectFromRow(row) };
}

/**
 * The projects a person may open: a company admin's, those of their company (their tenant);
 * anyone's, those whose directory they are in — across general contractors.
 */
export async function listVisibleProjects(
  db: DbOrTrx,
  viewer: Viewer,
): Promise<(Project & { commitmentsPermission: CommitmentsPermission })[]> {
  const rows = await db
    .selectFrom('projects as p')
    .leftJoin('projectUsers as pu', (join) =>
      join.onRef('pu.tenantId', '=', 'p.tenantId').onRef('pu.projectId', '=', 'p.id').on('pu.userId', '=', viewer.userId),
    )
    .selectAll('p')
    .select('pu.commitmentsPermission')
    .where((eb) => (viewer.isCompanyAdmin ? eb.or([eb('p.tenantId', '=', viewer.companyId), eb('pu.userId', 'is not', null)]) : eb('pu.userId', 'is not', null)))
    .orderBy('p.name')
    .orderBy('p.id')
    .modifyEnd(crossTenant("a person's projects, across the general contractors whose directories they are in"))
    .execute();
  return rows.map((row) => ({
    ...projectFromRow(row),
    commitmentsPermission: isTenantAdmin(viewer, row.tenantId)
      ? 'admin'
      : ((row.commitmentsPermission as CommitmentsPermission | null) ?? 'none'),
  }));
}

export type DirectoryEntry = {
  userId: string;
  name: string;
  email: string;
  companyId: string;
  companyName: string;
  isActive: boolean;
  commitmentsPermission: CommitmentsPermission;
};

export async function listProjectUsers(db: DbOrTrx, tenantId: string, projectId: string): Promise<DirectoryEntry[]> {
  const rows = await db
    .selectFrom('projectUsers as pu')
    .innerJoin('users as u', 'u.id', 'pu.userId')
    .innerJoin('companies as c', 'c.id', 'u.companyId')
    .select([
      'u.id as userId',
      'u.name',
      'u.email',
      'u.companyId',
      'c.name as companyName',
      'u.isActive',
      'pu.commitmentsPermission',
    ])
    .where('pu.tenantId', '=', tenantId)
    .where('pu.projectId', '=', projectId)
    .orderBy('c.name')
    .orderBy('u.name')
    .execute();
  return rows.map((r) => ({ ...r, commitmentsPermission: r.commitmentsPermission as CommitmentsPermission }));
}

export async function listProjectCompanyIds(db: DbOrTrx, tenantId: string, projectId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('projectCompanies')
    .select('companyId')
    .where('tenantId', '=', tenantId)
    .where('projectId', '=', projectId)
    .execute();
  return rows.map((r) => r.companyId);
}

export async function isCompanyInProject(db: DbOrTrx, tenantId: string, projectId: string, companyId: string): Promise<boolean> {
  const row = await db
    .selectFrom('projectCompanies')
    .select('companyId')
    .where('tenantId', '=', tenantId)
    .where('projectId', '=', projectId)
    .where('companyId', '=', companyId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function isAdminOnAnyProject(db: DbOrTrx, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('projectUsers')
    .select('projectId')
    .where('userId', '=', userId)
    .where('commitmentsPermission', '=', 'admin')
    .modifyEnd(crossTenant("whether a person administers a project of any general contractor (the session's roles)"))
    .executeTakeFirst();
  return row !== undefined;
}

/** The project a person joined most recently (what an account invitation names), if any. */
export async function findLatestProjectOf(db: DbOrTrx, userId: string): Promise<Project | undefined> {
  const row = await db
    .selectFrom('projectUsers as pu')
    .innerJoin('projects as p', (join) => join.onRef('p.tenantId', '=', 'pu.tenantId').onRef('p.id', '=', 'pu.projectId'))
    .selectAll('p')
    .where('pu.userId', '=', userId)
    .orderBy('pu.createdAt', 'desc')
    .orderBy('p.name')
    .limit(1)
    .modifyEnd(crossTenant('the project an account invitation names, whichever general contractor it belongs to'))
    .executeTakeFirst();
  return row && projectFromRow(row);
}
