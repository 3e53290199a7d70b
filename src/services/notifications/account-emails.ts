/** Account invitation and password reset emails, with their single-use links. */
import { paths } from '../../domain/links.ts';
import type { Trx } from '../../db/database.ts';
import { findCompany, findUser } from '../../db/directory.queries.ts';
import { enqueueEmail, type EnqueueResult } from './enqueue-email.ts';

export async function emailAccountInvitation(
  trx: Trx,
  input: { userId: string; token: string; expiresAt: Date; inviterUserId: string | null },
  now: Date,
): Promise<EnqueueResult> {
  const user = await findUser(trx, input.userId);
  const company = user ? await findCompany(trx, user.companyId) : undefined;
  const inviter = input.inviterUserId ? await findUser(trx, input.inviterUserId) : undefined;
  return enqueueEmail(
    trx,
    {
      kind: 'account_invitation',
      projectId: null,
      commitment: null,
      userIds: [input.userId],
      payload: (r) => ({
        recipientName: r.name,
        inviterName: inviter?.name ?? null,
        companyName: company?.name ?? 'your company',
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
      projectId: null,
      commitment: null,
      userIds: [input.userId],
      payload: (r) => ({ recipientName: r.name, url: paths.resetPassword(input.token), expiresAt: input.expiresAt.toISOString() }),
    },
    now,
  );
}
