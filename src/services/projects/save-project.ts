import { DomainError } from '../../domain/errors.ts';
import { assertCompanyAdmin, assertInvoiceAdministrator, type Viewer } from '../../domain/permissions.ts';
import { isValidTimeZone, type Currency, type Locale, type Project, type Terminology } from '../../domain/project.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { getProjectAccess, projectFromRow } from '../../db/projects.queries.ts';
import { followAdministratorsOnDistribution } from '../../db/recipients.queries.ts';

export type CreateProjectInput = {
  name: string;
  number?: string | undefined;
  address?: string | undefined;
  currency: Currency;
  locale: Locale;
  timeZone: string;
  terminology?: Terminology | undefined;
};

function assertTimeZone(timeZone: string | undefined): void {
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    throw new DomainError('validation_failed', `"${timeZone}" is not a time zone (try America/Toronto).`, {
      field: 'timeZone',
    });
  }
}

/** A project belongs to the company of the company admin who creates it: that general contractor is its tenant (decision 025). */
export async function createProject(db: Db, viewer: Viewer, input: CreateProjectInput, now: Date): Promise<Project> {
  assertCompanyAdmin(viewer, 'create projects');
  assertTimeZone(input.timeZone);
  const tenantId = viewer.companyId;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('projects')
      .values({
        tenantId,
        name: input.name.trim(),
        number: input.number ?? '',
        address: input.address ?? '',
        currency: input.currency,
        locale: input.locale,
        timeZone: input.timeZone,
        terminology: input.terminology ?? 'general_contractor',
        createdAt: now,
        updatedAt: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const project = projectFromRow(row);
    await trx.insertInto('projectSettings').values({ tenantId, projectId: project.id, updatedAt: now }).execute();
    // The creator's company joins the directory so the project is never orphaned.
    await trx.insertInto('projectCompanies').values({ tenantId, projectId: project.id, companyId: viewer.companyId, createdAt: now }).execute();
    await trx
      .insertInto('projectUsers')
      .values({ tenantId, projectId: project.id, userId: viewer.userId, commitmentsPermission: 'admin', createdAt: now })
      .execute();
    // A new project's invoice distribution list starts with (and, until edited, follows) its
    // Admins on Commitments — so far the creator — so a submitted invoice always reaches someone.
    await followAdministratorsOnDistribution(trx, tenantId, project.id, viewer.userId, true, now);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId: project.id,
      entityType: 'project',
      entityId: project.id,
      action: 'create',
      after: project,
    });
    return project;
  });
}

export type UpdateProjectInput = Partial<CreateProjectInput>;

export async function updateProject(
  db: Db,
  viewer: Viewer,
  projectId: string,
  input: UpdateProjectInput,
  now: Date,
): Promise<Project> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertInvoiceAdministrator(access, "change the project's details");
  assertTimeZone(input.timeZone);
  return db.transaction().execute(async (trx) => {
    const beforeRow = await trx.selectFrom('projects').selectAll().where('tenantId', '=', access.tenantId).where('id', '=', projectId).forUpdate().executeTakeFirstOrThrow();
    const row = await trx
      .updateTable('projects')
      .set({
        ...(input.name !== undefined && { name: input.name.trim() }),
        ...(input.number !== undefined && { number: input.number }),
        ...(input.address !== undefined && { address: input.address }),
        ...(input.currency !== undefined && { currency: input.currency }),
        ...(input.locale !== undefined && { locale: input.locale }),
        ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
        ...(input.terminology !== undefined && { terminology: input.terminology }),
        updatedAt: now,
      })
      .where('tenantId', '=', access.tenantId)
      .where('id', '=', projectId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const project = projectFromRow(row);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'project',
      entityId: projectId,
      action: 'update',
      before: projectFromRow(beforeRow),
      after: project,
    });
    return project;
  });
}
