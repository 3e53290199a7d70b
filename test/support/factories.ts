/**
 * Builders for test data, through the real services (so the data obeys the same rules). Every
 * name and email is unique, so tests in one database never collide.
 */
import { randomUUID } from 'node:crypto';
import type { Commitment } from '../../src/domain/commitment.ts';
import type { Company, CompanyKind, User } from '../../src/domain/directory.ts';
import type { CommitmentsPermission, Viewer } from '../../src/domain/permissions.ts';
import type { Project } from '../../src/domain/project.ts';
import type { Db } from '../../src/db/database.ts';
import { createCommitment, type CreateCommitmentInput } from '../../src/services/commitments/create-commitment.ts';
import { replaceSovLines } from '../../src/services/commitments/schedule-of-values.ts';
import { createCompany } from '../../src/services/directory/save-company.ts';
import { createUser } from '../../src/services/directory/save-user.ts';
import { setProjectUser } from '../../src/services/projects/project-directory.ts';
import { createProject } from '../../src/services/projects/save-project.ts';

const NOW = new Date('2026-11-01T12:00:00Z');
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export function viewerOf(user: User): Viewer {
  return { userId: user.id, companyId: user.companyId, isCompanyAdmin: user.isCompanyAdmin };
}

let systemAdmin: Promise<{ admin: User; gc: Company }> | undefined;
let systemDb: Db | undefined;

/** A GC company with a company admin, created once per database. */
export function systemAdminOf(db: Db): Promise<{ admin: User; gc: Company }> {
  if (systemDb !== db) {
    systemDb = db;
    systemAdmin = (async () => {
      const row = await db
        .insertInto('companies')
        .values({ name: unique('GC'), kind: 'general_contractor' })
        .returningAll()
        .executeTakeFirstOrThrow();
      const gc: Company = { id: row.id, name: row.name, kind: 'general_contractor', address: '', defaultInvoiceContactId: null };
      const admin = await createUser(db, null, { companyId: gc.id, name: 'System Admin', email: `${unique('admin')}@gc.test`, isCompanyAdmin: true }, NOW);
      return { admin, gc };
    })();
  }
  return systemAdmin as Promise<{ admin: User; gc: Company }>;
}

export async function makeCompany(db: Db, kind: CompanyKind = 'subcontractor', name = unique('Company')): Promise<Company> {
  const { admin } = await systemAdminOf(db);
  return createCompany(db, viewerOf(admin), { name, kind }, NOW);
}

export async function makeUser(
  db: Db,
  company: Company,
  options: { name?: string; isCompanyAdmin?: boolean; password?: string; emailEnabled?: boolean } = {},
): Promise<User> {
  const name = options.name ?? unique('Person');
  return createUser(
    db,
    null,
    {
      companyId: company.id,
      name,
      email: `${unique(name.toLowerCase().replace(/[^a-z]+/g, '.'))}@example.test`,
      isCompanyAdmin: options.isCompanyAdmin ?? false,
      ...(options.password !== undefined && { password: options.password }),
      ...(options.emailEnabled !== undefined && { emailEnabled: options.emailEnabled }),
    },
    NOW,
  );
}

export async function makeProject(db: Db, overrides: Partial<Parameters<typeof createProject>[2]> = {}): Promise<Project> {
  const { admin } = await systemAdminOf(db);
  return createProject(
    db,
    viewerOf(admin),
    { name: unique('Project'), currency: 'USD', locale: 'en-US', timeZone: 'America/New_York', ...overrides },
    NOW,
  );
}

export async function addToProject(db: Db, project: Project, user: User, permission: CommitmentsPermission): Promise<void> {
  const { admin } = await systemAdminOf(db);
  await setProjectUser(db, viewerOf(admin), project.id, user.id, permission, NOW);
}

export async function makeCommitment(
  db: Db,
  project: Project,
  input: Partial<CreateCommitmentInput> & { sov?: number[] } = {},
): Promise<Commitment> {
  const { admin } = await systemAdminOf(db);
  const { sov, ...rest } = input;
  const { commitment } = await createCommitment(
    db,
    viewerOf(admin),
    project.id,
    { kind: 'subcontract', number: unique('SC'), title: 'Test subcontract', ...rest },
    NOW,
  );
  if (sov && sov.length > 0) {
    await replaceSovLines(
      db,
      viewerOf(admin),
      project.id,
      commitment.id,
      {
        version: commitment.version,
        lines: sov.map((cents, i) => ({ itemNumber: String(i + 1), description: `Line ${i + 1}`, scheduledValueCents: cents })),
      },
      NOW,
    );
  }
  return commitment;
}
