/** The people an email may go to, with the facts that decide whether it may. */
import type { CommitmentsPermission } from '../domain/permissions.ts';
import type { DbOrTrx } from './database.ts';

export type RecipientRow = {
  userId: string;
  companyId: string;
  name: string;
  email: string;
  isActive: boolean;
  emailEnabled: boolean;
  isCompanyAdmin: boolean;
  directoryPermission: CommitmentsPermission | null;
  isListed: boolean;
  isContact: boolean;
};

export async function listRecipientFacts(
  db: DbOrTrx,
  projectId: string | null,
  commitmentId: string | null,
  userIds: string[],
): Promise<RecipientRow[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('projectUsers as pu', (join) => join.onRef('pu.userId', '=', 'u.id').on('pu.projectId', '=', projectId ?? '00000000-0000-0000-0000-000000000000'))
    .select((eb) => [
      'u.id as userId',
      'u.companyId',
      'u.name',
      'u.email',
      'u.isActive',
      'u.emailEnabled',
      'u.isCompanyAdmin',
      'pu.commitmentsPermission',
      eb
        .exists(
          eb
            .selectFrom('commitmentPrivateUsers as p')
            .select('p.userId')
            .whereRef('p.userId', '=', 'u.id')
            .where('p.commitmentId', '=', commitmentId ?? '00000000-0000-0000-0000-000000000000'),
        )
        .as('isListed'),
      eb
        .exists(
          eb
            .selectFrom('commitmentInvoiceContacts as k')
            .select('k.userId')
            .whereRef('k.userId', '=', 'u.id')
            .where('k.commitmentId', '=', commitmentId ?? '00000000-0000-0000-0000-000000000000'),
        )
        .as('isContact'),
    ])
    .where('u.id', 'in', userIds)
    .orderBy('u.name')
    .execute();
  return rows.map((r) => ({
    userId: r.userId,
    companyId: r.companyId,
    name: r.name,
    email: r.email,
    isActive: r.isActive,
    emailEnabled: r.emailEnabled,
    isCompanyAdmin: r.isCompanyAdmin,
    directoryPermission: (r.commitmentsPermission as CommitmentsPermission | null) ?? null,
    isListed: Boolean(r.isListed),
    isContact: Boolean(r.isContact),
  }));
}

export async function listInvoiceContactIds(db: DbOrTrx, commitmentId: string): Promise<string[]> {
  const rows = await db.selectFrom('commitmentInvoiceContacts').select('userId').where('commitmentId', '=', commitmentId).execute();
  return rows.map((r) => r.userId);
}

/** Everyone on the project's invoice distribution list (whether still an administrator is the enqueue's to judge). */
export async function listDistributionUserIds(db: DbOrTrx, projectId: string): Promise<string[]> {
  const rows = await db.selectFrom('projectInvoiceDistribution').select('userId').where('projectId', '=', projectId).execute();
  return rows.map((r) => r.userId);
}
