import { assertPasswordStrength, normalizeEmail, type User } from '../../domain/directory.ts';
import { DomainError } from '../../domain/errors.ts';
import { assertCompanyAdmin, type Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import { deleteSessionsOfUser } from '../../db/auth.queries.ts';
import type { Db, DbOrTrx } from '../../db/database.ts';
import { findCompany, findUserByEmail, getUser, userFromRow } from '../../db/directory.queries.ts';
import { isUuid } from '../../db/ids.ts';
import { hashPassword } from '../auth/secrets.ts';

export type CreateUserInput = {
  companyId: string;
  name: string;
  email: string;
  isCompanyAdmin?: boolean | undefined;
  emailEnabled?: boolean | undefined;
  /** Optional: without one, the person sets it through an invitation link. */
  password?: string | undefined;
};

async function assertEmailFree(db: DbOrTrx, email: string, exceptUserId?: string): Promise<void> {
  const existing = await findUserByEmail(db, email);
  if (existing && existing.id !== exceptUserId) {
    throw new DomainError('email_taken', `Someone already uses ${email.trim()}.`, { field: 'email' });
  }
}

/**
 * Two simultaneous saves of one email both pass assertEmailFree; the unique index on lower(email)
 * then refuses the second, which must read as email_taken (409), not as a 500.
 */
function emailRaceToDomainError(email: string): (error: unknown) => never {
  return (error) => {
    if ((error as { code?: unknown } | null)?.code === '23505') {
      throw new DomainError('email_taken', `Someone already uses ${email.trim()}.`, { field: 'email' });
    }
    throw error;
  };
}

/** Adds a person to a company. `viewer` null means the system itself (CLI bootstrap, demo loader). */
export async function createUser(db: Db, viewer: Viewer | null, input: CreateUserInput, now: Date): Promise<User> {
  if (viewer) assertCompanyAdmin(viewer, 'add people to the directory');
  if (input.password !== undefined) assertPasswordStrength(input.password);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const company = isUuid(input.companyId) ? await findCompany(trx, input.companyId) : undefined;
    if (!company) {
      throw new DomainError('company_not_found', 'Choose a company from the directory.', { field: 'companyId' });
    }
    await assertEmailFree(trx, input.email);
    const row = await trx
      .insertInto('users')
      .values({
        companyId: company.id,
        name: input.name.trim(),
        email: input.email.trim(),
        isCompanyAdmin: input.isCompanyAdmin ?? false,
        emailEnabled: input.emailEnabled ?? true,
        passwordHash,
        createdAt: now,
        updatedAt: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(emailRaceToDomainError(input.email));
    const user = userFromRow(row);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer?.userId ?? null,
      projectId: null,
      entityType: 'user',
      entityId: user.id,
      action: 'create',
      after: user,
    });
    return user;
  });
}

export type UpdateUserInput = {
  name?: string | undefined;
  email?: string | undefined;
  isActive?: boolean | undefined;
  emailEnabled?: boolean | undefined;
  isCompanyAdmin?: boolean | undefined;
};

/**
 * Company admins change anyone; people change their own name and email preference. Deactivating
 * someone ends their sessions at once.
 */
export async function updateUser(
  db: Db,
  viewer: Viewer,
  userId: string,
  input: UpdateUserInput,
  now: Date,
): Promise<User> {
  const isSelf = viewer.userId === userId;
  const adminOnly = input.email !== undefined || input.isActive !== undefined || input.isCompanyAdmin !== undefined;
  if (!isSelf || adminOnly) assertCompanyAdmin(viewer, "change other people's accounts");
  if (isSelf && input.isActive === false) {
    throw new DomainError('rule_violation', 'You cannot deactivate your own account.', { field: 'isActive' });
  }
  if (isSelf && input.isCompanyAdmin === false) {
    throw new DomainError('rule_violation', 'You cannot remove your own company admin role.', { field: 'isCompanyAdmin' });
  }
  return db.transaction().execute(async (trx) => {
    if (!isUuid(userId)) throw new DomainError('not_found', 'The person was not found.');
    const before = await getUser(trx, userId);
    if (input.email !== undefined && normalizeEmail(input.email) !== normalizeEmail(before.email)) {
      await assertEmailFree(trx, input.email, userId);
    }
    const row = await trx
      .updateTable('users')
      .set({
        ...(input.name !== undefined && { name: input.name.trim() }),
        ...(input.email !== undefined && { email: input.email.trim() }),
        ...(input.isActive !== undefined && { isActive: input.isActive }),
        ...(input.emailEnabled !== undefined && { emailEnabled: input.emailEnabled }),
        ...(input.isCompanyAdmin !== undefined && { isCompanyAdmin: input.isCompanyAdmin }),
        updatedAt: now,
      })
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(emailRaceToDomainError(input.email ?? ''));
    const after = userFromRow(row);
    if (before.isActive && !after.isActive) await deleteSessionsOfUser(trx, userId);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId: null,
      entityType: 'user',
      entityId: userId,
      action: 'update',
      before,
      after,
    });
    return after;
  });
}
