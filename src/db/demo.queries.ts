/** The few queries of the demo data set (src/demo): emptiness, shared password, the sign-in table. */
import type { CompanyKind } from '../domain/directory.ts';
import type { CommitmentsPermission } from '../domain/permissions.ts';
import type { DbOrTrx } from './database.ts';
import { crossTenant } from './tenant-check.ts';

/** The demo's account list names every project a person is on, whichever general contractor's. */
const ACROSS_TENANTS = crossTenant("the demo's accounts and the projects they are on");

export async function hasAnyUser(db: DbOrTrx): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Gives these people one precomputed password hash, where they have none yet. The demo hashes its
 * shared password once instead of once per person (argon2 is deliberately slow).
 */
export async function setMissingPasswordHashes(
  db: DbOrTrx,
  userIds: string[],
  passwordHash: string,
  now: Date,
): Promise<number> {
  if (userIds.length === 0) return 0;
  const result = await db
    .updateTable('users')
    .set({ passwordHash, updatedAt: now })
    .where('id', 'in', userIds)
    .where('passwordHash', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export type DemoAccountFacts = {
  userId: string;
  name: string;
  email: string;
  isActive: boolean;
  isCompanyAdmin: boolean;
  companyName: string;
  companyKind: CompanyKind;
  isDefaultInvoiceContact: boolean;
  projects: { projectName: string; permission: CommitmentsPermission }[];
  contactOn: { projectName: string; number: string }[];
  privateListOn: { projectName: string; number: string; privateSovVisible: boolean }[];
};

/** What the sign-in table says about each of these people (matched by email, case-insensitively). */
export async function findDemoAccountFacts(db: DbOrTrx, emails: string[]): Promise<DemoAccountFacts[]> {
  if (emails.length === 0) return [];
  const users = await db
    .selectFrom('users as u')
    .innerJoin('companies as c', 'c.id', 'u.companyId')
    .select([
      'u.id',
      'u.name',
      'u.email',
      'u.isActive',
      'u.isCompanyAdmin',
      'c.name as companyName',
      'c.kind as companyKind',
      'c.defaultInvoiceContactId',
    ])
    .where((eb) => eb(eb.fn('lower', ['u.email']), 'in', emails.map((e) => e.trim().toLowerCase())))
    .execute();
  if (users.length === 0) return [];
  const ids = users.map((u) => u.id);
  const projects = await db
    .selectFrom('projectUsers as pu')
    .innerJoin('projects as p', (join) => join.onRef('p.tenantId', '=', 'pu.tenantId').onRef('p.id', '=', 'pu.projectId'))
    .select(['pu.userId', 'p.name', 'pu.commitmentsPermission'])
    .where('pu.userId', 'in', ids)
    .orderBy('p.name')
    .modifyEnd(ACROSS_TENANTS)
    .execute();
  const contacts = await db
    .selectFrom('commitmentInvoiceContacts as cic')
    .innerJoin('commitments as cm', (join) => join.onRef('cm.tenantId', '=', 'cic.tenantId').onRef('cm.id', '=', 'cic.commitmentId'))
    .innerJoin('projects as p', (join) => join.onRef('p.tenantId', '=', 'cm.tenantId').onRef('p.id', '=', 'cm.projectId'))
    .select(['cic.userId', 'p.name', 'cm.number'])
    .where('cic.userId', 'in', ids)
    .orderBy('p.name')
    .orderBy('cm.number')
    .modifyEnd(ACROSS_TENANTS)
    .execute();
  const listed = await db
    .selectFrom('commitmentPrivateUsers as cpu')
    .innerJoin('commitments as cm', (join) => join.onRef('cm.tenantId', '=', 'cpu.tenantId').onRef('cm.id', '=', 'cpu.commitmentId'))
    .innerJoin('projects as p', (join) => join.onRef('p.tenantId', '=', 'cm.tenantId').onRef('p.id', '=', 'cm.projectId'))
    .select(['cpu.userId', 'p.name', 'cm.number', 'cm.privateSovVisible'])
    .where('cpu.userId', 'in', ids)
    .orderBy('p.name')
    .orderBy('cm.number')
    .modifyEnd(ACROSS_TENANTS)
    .execute();
  return users.map((u) => ({
    userId: u.id,
    name: u.name,
    email: u.email,
    isActive: u.isActive,
    isCompanyAdmin: u.isCompanyAdmin,
    companyName: u.companyName,
    companyKind: u.companyKind as CompanyKind,
    isDefaultInvoiceContact: u.defaultInvoiceContactId === u.id,
    projects: projects
      .filter((p) => p.userId === u.id)
      .map((p) => ({ projectName: p.name, permission: p.commitmentsPermission as CommitmentsPermission })),
    contactOn: contacts.filter((c) => c.userId === u.id).map((c) => ({ projectName: c.name, number: c.number })),
    privateListOn: listed
      .filter((l) => l.userId === u.id)
      .map((l) => ({ projectName: l.name, number: l.number, privateSovVisible: l.privateSovVisible })),
  }));
}
