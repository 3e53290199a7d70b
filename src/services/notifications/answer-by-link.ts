/**
 * One-click Yes / No from the Invite to Bill email: no password needed to answer (anything more
 * needs signing in). The link must be genuine (signature), unused, unexpired, and its person still
 * an invoice contact of the commitment; otherwise nothing changes and the page says why.
 */
import { DomainError } from '../../domain/errors.ts';
import type { InviteResponse } from '../../domain/invite-to-bill.ts';
import { paths } from '../../domain/links.ts';
import { lockActionToken, markActionTokenUsed } from '../../db/action-tokens.queries.ts';
import { isInvoiceContact } from '../../db/contacts.queries.ts';
import type { Db } from '../../db/database.ts';
import { findUser } from '../../db/directory.queries.ts';
import { findInviteById } from '../../db/invites.queries.ts';
import { answerInvite } from '../billing/invites.ts';
import { verifySignedToken } from './link-signing.ts';

export type LinkAnswer =
  | { ok: true; response: InviteResponse; commitmentPath: string; projectName: string; commitmentLabel: string; personName: string }
  | { ok: false; reason: 'tampered' | 'unknown' | 'used' | 'expired' | 'no_longer_contact' | 'invoice_exists' | 'inactive' };

export async function answerInviteByLink(db: Db, token: string, now: Date): Promise<LinkAnswer> {
  const tokenId = await verifySignedToken(db, token);
  if (!tokenId) return { ok: false, reason: 'tampered' };
  return db.transaction().execute(async (trx): Promise<LinkAnswer> => {
    const action = await lockActionToken(trx, tokenId);
    if (!action) return { ok: false, reason: 'unknown' };
    if (action.usedAt) return { ok: false, reason: 'used' };
    if (action.expiresAt <= now) return { ok: false, reason: 'expired' };
    const invite = await findInviteById(trx, action.inviteId);
    const user = await findUser(trx, action.userId);
    if (!invite || !user) return { ok: false, reason: 'unknown' };
    if (!user.isActive) return { ok: false, reason: 'inactive' };
    if (!(await isInvoiceContact(trx, invite.commitmentId, action.userId))) return { ok: false, reason: 'no_longer_contact' };
    try {
      await answerInvite(
        trx,
        { inviteId: invite.id, projectId: invite.projectId, commitmentId: invite.commitmentId, billingPeriodId: invite.billingPeriodId, userId: action.userId, response: action.response },
        now,
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid_state') return { ok: false, reason: 'invoice_exists' };
      throw error;
    }
    await markActionTokenUsed(trx, action.id, now);
    const commitment = await trx.selectFrom('commitments').select(['number', 'title']).where('id', '=', invite.commitmentId).executeTakeFirstOrThrow();
    const project = await trx.selectFrom('projects').select('name').where('id', '=', invite.projectId).executeTakeFirstOrThrow();
    return {
      ok: true,
      response: action.response,
      commitmentPath: paths.commitment(invite.projectId, invite.commitmentId),
      projectName: project.name,
      commitmentLabel: `${commitment.number} – ${commitment.title}`,
      personName: user.name,
    };
  });
}
