/** Account invitation and password reset emails, with their single-use links. */
import { paths } from '../../domain/links.ts';
import type { Trx } from '../../db/database.ts';
import { findCompany, findUser, listCompanies } from '../../db/directory.queries.ts';
import { findLatestProjectOf } from '../../db/projects.queries.ts';
import { enqueueEmail, type EnqueueResult } from './enqueue-email.ts';

/**
 * The invitation names who invites the person — the general contractor (the inviter's company, or
 * the directory's general contractor when the system invites) and the project they were added to
 * (the one they joined last) — so it does not read as if it came from their own company.
 */
export async function emailAccountInvitation(
  trx: Trx,
  input: { userId: string; token: string; expiresAt: Date; inviterUserId: string | null },
  now: Date,
): Promise<EnqueueResult> {
  const user = await findUser(trx, input.userId);
  const company = user ? await findCompany(trx, user.companyId) : undefined;
  const inviter = input.inviterUserId ? await findUser(trx, input.inviterUserId) : undefined;
  const inviterCompany = inviter ? await findCompany(trx, inviter.companyId) : undefined;
  const generalContractor =
    inviterCompany?.kind === 'general_contractor' ? inviterCompany : (await listCompanies(trx, { kind: 'general_contractor' }))[0];
  const project = await findLatestProjectOf(trx, input.userId);
  return enqueueEmail(
    trx,
    {
      kind: 'account_invitation',
      tenantId: null,
      projectId: null,
      commitment: null,
      userIds: [input.userId],
      payload: (r) => ({
        recipientName: r.name,
        inviterName: inviter?.name ?? null,
        companyName: company?.name ?? 'your company',
        generalContractorName: generalContractor?.name ?? null,
        projectName: project?.name ?? null,
        locale: project?.locale ?? 'en-US',
        timeZone: project?.timeZone ?? 'UTC',
        url: paths.welcome(input.token),
        expiresAt: input.expiresAt.toISOString(),
      }),
    },
    now,
  );
}

export async function emailPasswordReset(trx: Trx, input: { userId: string; token: string; expiresAt: Date }, now: Date): Promise<EnqueueResult> {
  return enqueueEmail(
    trx,
    {
      kind: 'password_reset',
      tenantId: null,
      projectId: null,
      commitment: null,
      userIds: [input.userId],
      payload: (r) => ({ recipientName: r.name, url: paths.resetPassword(input.token), expiresAt: input.expiresAt.toISOString() }),
    },
    now,
  );
}
