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

/**
 * Who an email is addressed to: people by id, or a list read in the same statement as their facts
 * (the project's invoice distribution list, a commitment's invoice contacts) — one round trip.
 */
export type Audience = readonly string[] | { distributionOf: string } | { contactsOf: string };

export async function listRecipientFacts(
  db: DbOrTrx,
  tenantId: string | null,
  projectId: string | null,
  commitmentId: string | null,
  audience: Audience,
): Promise<RecipientRow[]> {
  if (Array.isArray(audience) && audience.length === 0) return [];
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('projectUsers as pu', (join) =>
      join
        .onRef('pu.userId', '=', 'u.id')
        .on('pu.tenantId', '=', tenantId ?? '00000000-0000-0000-0000-000000000000')
        .on('pu.projectId', '=', projectId ?? '00000000-0000-0000-0000-000000000000'),
    )
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
            .where('p.tenantId', '=', tenantId ?? '00000000-0000-0000-0000-000000000000')
            .where('p.commitmentId', '=', commitmentId ?? '00000000-0000-0000-0000-000000000000'),
        )
        .as('isListed'),
      eb
        .exists(
          eb
            .selectFrom('commitmentInvoiceContacts as k')
            .select('k.userId')
            .whereRef('k.userId', '=', 'u.id')
            .where('k.tenantId', '=', tenantId ?? '00000000-0000-0000-0000-000000000000')
            .where('k.commitmentId', '=', commitmentId ?? '00000000-0000-0000-0000-000000000000'),
        )
        .as('isContact'),
    ])
    .where((eb) =>
      'distributionOf' in audience
        ? eb(
            'u.id',
            'in',
            eb
              .selectFrom('projectInvoiceDistribution as dl')
              .select('dl.userId')
              .where('dl.tenantId', '=', tenantId ?? '00000000-0000-0000-0000-000000000000')
              .where('dl.projectId', '=', audience.distributionOf),
          )
        : 'contactsOf' in audience
          ? eb(
              'u.id',
              'in',
              eb
                .selectFrom('commitmentInvoiceContacts as ic')
                .select('ic.userId')
                .where('ic.tenantId', '=', tenantId ?? '00000000-0000-0000-0000-000000000000')
                .where('ic.commitmentId', '=', audience.contactsOf),
            )
          : eb('u.id', 'in', [...(audience as readonly string[])]),
    )
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

export async function listInvoiceContactIds(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<string[]> {
  const rows = await db.selectFrom('commitmentInvoiceContacts').select('userId').where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId).execute();
  return rows.map((r) => r.userId);
}

/** Everyone on the project's invoice distribution list (whether still an administrator is the enqueue's to judge). */
export async function listDistributionUserIds(db: DbOrTrx, tenantId: string, projectId: string): Promise<string[]> {
  const rows = await db.selectFrom('projectInvoiceDistribution').select('userId').where('tenantId', '=', tenantId).where('projectId', '=', projectId).execute();
  return rows.map((r) => r.userId);
}

/**
 * Who gets the distribution list's emails when nobody on it can: first the project's Admins on
 * Commitments (its invoice administrators in its directory), then — for a project without one —
 * the company admins of its company (the tenant), who are invoice administrators of its every project.
 */
export async function listInvoiceAdministratorGroups(db: DbOrTrx, tenantId: string, projectId: string): Promise<string[][]> {
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('projectUsers as pu', (join) => join.onRef('pu.userId', '=', 'u.id').on('pu.tenantId', '=', tenantId).on('pu.projectId', '=', projectId))
    .select(['u.id', 'pu.commitmentsPermission', 'u.isCompanyAdmin'])
    .where((eb) => eb.or([eb('pu.commitmentsPermission', '=', 'admin'), eb.and([eb('u.isCompanyAdmin', '=', true), eb('u.companyId', '=', tenantId)])]))
    .orderBy('u.name')
    .orderBy('u.id')
    .execute();
  const inProject = rows.filter((r) => r.commitmentsPermission === 'admin').map((r) => r.id);
  const companyAdmins = rows.filter((r) => r.commitmentsPermission !== 'admin').map((r) => r.id);
  return [inProject, companyAdmins];
}

/**
 * Until someone edits a project's invoice distribution list, it follows the project's Admins on
 * Commitments: this keeps one person's place on it in step with their level (`isAdmin`), and does
 * nothing once the list has been edited.
 */
export async function followAdministratorsOnDistribution(db: DbOrTrx, tenantId: string, projectId: string, userId: string, isAdmin: boolean, now: Date): Promise<void> {
  const settings = await db.selectFrom('projectSettings').select('invoiceDistributionFollowsAdmins').where('tenantId', '=', tenantId).where('projectId', '=', projectId).executeTakeFirst();
  if (!settings?.invoiceDistributionFollowsAdmins) return;
  if (isAdmin) {
    await db.insertInto('projectInvoiceDistribution').values({ tenantId, projectId, userId, createdAt: now }).onConflict((oc) => oc.doNothing()).execute();
  } else {
    await db.deleteFrom('projectInvoiceDistribution').where('tenantId', '=', tenantId).where('projectId', '=', projectId).where('userId', '=', userId).execute();
  }
}

/** Whether the list still follows the project's Admins on Commitments (nobody has edited it). */
export async function distributionFollowsAdministrators(db: DbOrTrx, tenantId: string, projectId: string): Promise<boolean> {
  const settings = await db.selectFrom('projectSettings').select('invoiceDistributionFollowsAdmins').where('tenantId', '=', tenantId).where('projectId', '=', projectId).executeTakeFirst();
  return settings?.invoiceDistributionFollowsAdmins ?? false;
}

export async function stopFollowingAdministrators(db: DbOrTrx, tenantId: string, projectId: string): Promise<void> {
  await db.updateTable('projectSettings').set({ invoiceDistributionFollowsAdmins: false }).where('tenantId', '=', tenantId).where('projectId', '=', projectId).execute();
}

/**
 * The invoice contacts of many commitments with the facts `listRecipientFacts` gives (each is a
 * contact of the commitment by definition), in one query: commitment id → its contacts by name.
 */
export async function listInvoiceContactRecipients(db: DbOrTrx, tenantId: string, projectId: string, commitmentIds: readonly string[]): Promise<Map<string, RecipientRow[]>> {
  const result = new Map<string, RecipientRow[]>(commitmentIds.map((id) => [id, []]));
  if (commitmentIds.length === 0) return result;
  const rows = await db
    .selectFrom('commitmentInvoiceContacts as k')
    .innerJoin('users as u', 'u.id', 'k.userId')
    .leftJoin('projectUsers as pu', (join) => join.onRef('pu.userId', '=', 'u.id').on('pu.tenantId', '=', tenantId).on('pu.projectId', '=', projectId))
    .select((eb) => [
      'k.commitmentId',
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
            .whereRef('p.tenantId', '=', 'k.tenantId')
            .whereRef('p.commitmentId', '=', 'k.commitmentId'),
        )
        .as('isListed'),
    ])
    .where('k.tenantId', '=', tenantId)
    .where('k.commitmentId', 'in', [...commitmentIds])
    .orderBy('k.commitmentId')
    .orderBy('u.name')
    .execute();
  for (const r of rows) {
    result.get(r.commitmentId)?.push({
      userId: r.userId,
      companyId: r.companyId,
      name: r.name,
      email: r.email,
      isActive: r.isActive,
      emailEnabled: r.emailEnabled,
      isCompanyAdmin: r.isCompanyAdmin,
      directoryPermission: (r.commitmentsPermission as CommitmentsPermission | null) ?? null,
      isListed: Boolean(r.isListed),
      isContact: true,
    });
  }
  return result;
}
