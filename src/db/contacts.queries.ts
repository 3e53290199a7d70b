/** Who can be an invoice contact: the facts about a person the eligibility rule needs. */
import type { ContactCandidate } from '../domain/invoice-contacts.ts';
import type { CommitmentsPermission } from '../domain/permissions.ts';
import type { DbOrTrx } from './database.ts';
import { isUuid } from './ids.ts';
import { crossTenant } from './tenant-check.ts';

export async function findContactCandidate(
  db: DbOrTrx,
  tenantId: string,
  projectId: string,
  userId: string,
): Promise<ContactCandidate | undefined> {
  if (!isUuid(userId)) return undefined;
  const row = await db
    .selectFrom('users as u')
    .leftJoin('projectUsers as pu', (join) => join.onRef('pu.userId', '=', 'u.id').on('pu.tenantId', '=', tenantId).on('pu.projectId', '=', projectId))
    .select(['u.id', 'u.name', 'u.companyId', 'u.isActive', 'pu.commitmentsPermission'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  return (
    row && {
      userId: row.id,
      name: row.name,
      companyId: row.companyId,
      isActive: row.isActive,
      directoryPermission: (row.commitmentsPermission as CommitmentsPermission | null) ?? null,
    }
  );
}

/** Every employee of a company, with their standing on the project (for the contact picker). */
export async function listCompanyCandidates(
  db: DbOrTrx,
  tenantId: string,
  projectId: string,
  companyId: string,
): Promise<(ContactCandidate & { email: string })[]> {
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('projectUsers as pu', (join) => join.onRef('pu.userId', '=', 'u.id').on('pu.tenantId', '=', tenantId).on('pu.projectId', '=', projectId))
    .select(['u.id', 'u.name', 'u.email', 'u.companyId', 'u.isActive', 'pu.commitmentsPermission'])
    .where('u.companyId', '=', companyId)
    .orderBy('u.name')
    .execute();
  return rows.map((row) => ({
    userId: row.id,
    name: row.name,
    email: row.email,
    companyId: row.companyId,
    isActive: row.isActive,
    directoryPermission: (row.commitmentsPermission as CommitmentsPermission | null) ?? null,
  }));
}

export async function insertInvoiceContact(db: DbOrTrx, tenantId: string, commitmentId: string, userId: string, now: Date): Promise<boolean> {
  const row = await db
    .insertInto('commitmentInvoiceContacts')
    .values({ tenantId, commitmentId, userId, createdAt: now })
    .onConflict((oc) => oc.doNothing())
    .returning('userId')
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteInvoiceContact(db: DbOrTrx, tenantId: string, commitmentId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('commitmentInvoiceContacts')
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listContactsWithCompany(
  db: DbOrTrx,
  tenantId: string,
  commitmentId: string,
): Promise<{ userId: string; companyId: string }[]> {
  return db
    .selectFrom('commitmentInvoiceContacts as cic')
    .innerJoin('users as u', 'u.id', 'cic.userId')
    .select(['u.id as userId', 'u.companyId'])
    .where('cic.tenantId', '=', tenantId)
    .where('cic.commitmentId', '=', commitmentId)
    .execute();
}

export async function insertPrivateUser(db: DbOrTrx, tenantId: string, commitmentId: string, userId: string, now: Date): Promise<boolean> {
  const row = await db
    .insertInto('commitmentPrivateUsers')
    .values({ tenantId, commitmentId, userId, createdAt: now })
    .onConflict((oc) => oc.doNothing())
    .returning('userId')
    .executeTakeFirst();
  return row !== undefined;
}

export async function deletePrivateUser(db: DbOrTrx, tenantId: string, commitmentId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('commitmentPrivateUsers')
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function isInvoiceContact(db: DbOrTrx, tenantId: string, commitmentId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('commitmentInvoiceContacts')
    .select('userId')
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the person is an invoice contact on any commitment still billed (not void), anywhere. */
export async function isInvoiceContactAnywhere(db: DbOrTrx, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('commitmentInvoiceContacts as k')
    .innerJoin('commitments as c', (join) => join.onRef('c.tenantId', '=', 'k.tenantId').onRef('c.id', '=', 'k.commitmentId'))
    .select('k.commitmentId')
    .where('k.userId', '=', userId)
    .where('c.status', '<>', 'void')
    .limit(1)
    .modifyEnd(crossTenant("whether a person is an invoice contact for any general contractor (the session's roles)"))
    .executeTakeFirst();
  return row !== undefined;
}
