import type { User } from '../../domain/directory.ts';
import type { Db } from '../../db/database.ts';
import { listCompanies } from '../../db/directory.queries.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import { companyFromRow } from '../../db/directory.queries.ts';
import { createUser } from './save-user.ts';
import { issueInvitation } from './issue-invitation.ts';

/**
 * Bootstraps a company admin from the command line: the GC company is found (the first general
 * contractor in the directory) or created, then the admin, with a password or an invitation link.
 */
export async function createAdmin(
  db: Db,
  input: { email: string; name: string; password?: string | undefined; companyName?: string | undefined },
  now: Date,
  baseUrl: string,
): Promise<{ user: User; invitationUrl: string | null }> {
  const existing = (await listCompanies(db, { kind: 'general_contractor' }))[0];
  const company =
    existing ??
    (await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('companies')
        .values({ name: input.companyName ?? 'General Contractor', kind: 'general_contractor', createdAt: now, updatedAt: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      const created = companyFromRow(row);
      await recordAudit(trx, {
        occurredAt: now,
        actorUserId: null,
        projectId: null,
        entityType: 'company',
        entityId: created.id,
        action: 'create',
        after: created,
      });
      return created;
    }));
  const user = await createUser(
    db,
    null,
    { companyId: company.id, name: input.name, email: input.email, isCompanyAdmin: true, password: input.password },
    now,
  );
  if (input.password) return { user, invitationUrl: null };
  const link = await issueInvitation(db, null, user.id, now, baseUrl);
  return { user, invitationUrl: link?.url ?? null };
}
