/**
 * The project directory: which companies and people belong to a project, and each person's level on
 * the Commitments tool. Changes that would leave an invoice contact ineligible are refused.
 */
import { DomainError } from '../../domain/errors.ts';
import { endSentence } from '../../domain/format.ts';
import {
  assertCanManageProjectDirectory,
  isTenantAdmin,
  permissionAtLeast,
  type CommitmentsPermission,
  type Viewer,
} from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db, Trx } from '../../db/database.ts';
import { findCompany, findUser } from '../../db/directory.queries.ts';
import { isUuid } from '../../db/ids.ts';
import { getProjectAccess, isCompanyInProject } from '../../db/projects.queries.ts';
import { followAdministratorsOnDistribution } from '../../db/recipients.queries.ts';

export async function addProjectCompany(
  db: Db,
  viewer: Viewer,
  projectId: string,
  companyId: string,
  now: Date,
): Promise<void> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertCanManageProjectDirectory(access);
  const { tenantId } = access;
  await db.transaction().execute(async (trx) => {
    const company = isUuid(companyId) ? await findCompany(trx, companyId) : undefined;
    if (!company) throw new DomainError('company_not_found', 'Choose a company from the directory.', { field: 'companyId' });
    const inserted = await trx
      .insertInto('projectCompanies')
      .values({ tenantId, projectId, companyId, createdAt: now })
      .onConflict((oc) => oc.doNothing())
      .returning('companyId')
      .executeTakeFirst();
    if (inserted) {
      await recordAudit(trx, {
        occurredAt: now,
        actorUserId: viewer.userId,
        projectId,
        entityType: 'project_company',
        entityId: companyId,
        action: 'add',
        after: { companyId, name: company.name },
      });
    }
  });
}

export async function removeProjectCompany(
  db: Db,
  viewer: Viewer,
  projectId: string,
  companyId: string,
  now: Date,
): Promise<void> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertCanManageProjectDirectory(access);
  const { tenantId } = access;
  await db.transaction().execute(async (trx) => {
    if (!isUuid(companyId) || !(await isCompanyInProject(trx, tenantId, projectId, companyId))) {
      throw new DomainError('not_found', 'That company is not in this project directory.');
    }
    const people = await trx
      .selectFrom('projectUsers as pu')
      .innerJoin('users as u', 'u.id', 'pu.userId')
      .select('u.id')
      .where('pu.tenantId', '=', tenantId)
      .where('pu.projectId', '=', projectId)
      .where('u.companyId', '=', companyId)
      .execute();
    if (people.length > 0) {
      throw new DomainError(
        'company_in_use',
        `Remove this company's ${people.length} people from the project directory first.`,
        { field: 'companyId' },
      );
    }
    const commitment = await trx
      .selectFrom('commitments')
      .select('number')
      .where('tenantId', '=', tenantId)
      .where('projectId', '=', projectId)
      .where('contractCompanyId', '=', companyId)
      .executeTakeFirst();
    if (commitment) {
      throw new DomainError(
        'company_in_use',
        endSentence(`This company is the contract company of commitment ${commitment.number}`),
        { field: 'companyId' },
      );
    }
    await trx.deleteFrom('projectCompanies').where('tenantId', '=', tenantId).where('projectId', '=', projectId).where('companyId', '=', companyId).execute();
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'project_company',
      entityId: companyId,
      action: 'remove',
    });
  });
}

/** Invoice contacts need at least Read Only: lowering or removing a contact is refused, naming the commitments. */
async function assertNotNeededAsContact(
  trx: Trx,
  tenantId: string,
  projectId: string,
  userId: string,
  next: CommitmentsPermission | null,
): Promise<void> {
  if (next !== null && permissionAtLeast(next, 'read_only')) return;
  const commitments = await trx
    .selectFrom('commitmentInvoiceContacts as cic')
    .innerJoin('commitments as c', (join) => join.onRef('c.tenantId', '=', 'cic.tenantId').onRef('c.id', '=', 'cic.commitmentId'))
    .select('c.number')
    .where('c.tenantId', '=', tenantId)
    .where('c.projectId', '=', projectId)
    .where('cic.userId', '=', userId)
    .orderBy('c.number')
    .execute();
  if (commitments.length > 0) {
    throw new DomainError(
      'rule_violation',
      `This person is an invoice contact on ${commitments.map((c) => c.number).join(', ')} and needs at least Read Only. Remove them as invoice contact first.`,
      { field: 'commitmentsPermission' },
    );
  }
}

/** Adds a person to the project directory (their company joins too) or changes their level. */
export async function setProjectUser(
  db: Db,
  viewer: Viewer,
  projectId: string,
  userId: string,
  permission: CommitmentsPermission,
  now: Date,
): Promise<void> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertCanManageProjectDirectory(access);
  const { tenantId } = access;
  await db.transaction().execute(async (trx) => {
    const user = isUuid(userId) ? await findUser(trx, userId) : undefined;
    if (!user) throw new DomainError('not_found', 'The person was not found.', { field: 'userId' });
    const current = await trx
      .selectFrom('projectUsers')
      .select('commitmentsPermission')
      .where('tenantId', '=', tenantId)
      .where('projectId', '=', projectId)
      .where('userId', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (current?.commitmentsPermission === permission) return;
    await assertNotNeededAsContact(trx, tenantId, projectId, userId, permission);
    const companyJoined = await trx
      .insertInto('projectCompanies')
      .values({ tenantId, projectId, companyId: user.companyId, createdAt: now })
      .onConflict((oc) => oc.doNothing())
      .returning('companyId')
      .executeTakeFirst();
    if (companyJoined) {
      await recordAudit(trx, {
        occurredAt: now,
        actorUserId: viewer.userId,
        projectId,
        entityType: 'project_company',
        entityId: user.companyId,
        action: 'add',
        after: { companyId: user.companyId, name: (await findCompany(trx, user.companyId))?.name, viaUserId: userId },
      });
    }
    await trx
      .insertInto('projectUsers')
      .values({ tenantId, projectId, userId, commitmentsPermission: permission, createdAt: now })
      .onConflict((oc) => oc.columns(['tenantId', 'projectId', 'userId']).doUpdateSet({ commitmentsPermission: permission }))
      .execute();
    await followAdministratorsOnDistribution(trx, tenantId, projectId, userId, permission === 'admin', now);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'project_user',
      entityId: userId,
      action: current ? 'change_permission' : 'add',
      before: current ? { commitmentsPermission: current.commitmentsPermission } : undefined,
      after: { commitmentsPermission: permission },
    });
  });
}

export async function removeProjectUser(
  db: Db,
  viewer: Viewer,
  projectId: string,
  userId: string,
  now: Date,
): Promise<void> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertCanManageProjectDirectory(access);
  const { tenantId } = access;
  if (userId === viewer.userId && !isTenantAdmin(viewer, tenantId)) {
    throw new DomainError('rule_violation', 'You cannot remove yourself from the project directory.', { field: 'userId' });
  }
  await db.transaction().execute(async (trx) => {
    const current = isUuid(userId)
      ? await trx
          .selectFrom('projectUsers')
          .select('commitmentsPermission')
          .where('tenantId', '=', tenantId)
          .where('projectId', '=', projectId)
          .where('userId', '=', userId)
          .forUpdate()
          .executeTakeFirst()
      : undefined;
    if (!current) throw new DomainError('not_found', 'That person is not in this project directory.');
    await assertNotNeededAsContact(trx, tenantId, projectId, userId, null);
    await trx.deleteFrom('projectUsers').where('tenantId', '=', tenantId).where('projectId', '=', projectId).where('userId', '=', userId).execute();
    await followAdministratorsOnDistribution(trx, tenantId, projectId, userId, false, now);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'project_user',
      entityId: userId,
      action: 'remove',
      before: { commitmentsPermission: current.commitmentsPermission },
    });
  });
}
