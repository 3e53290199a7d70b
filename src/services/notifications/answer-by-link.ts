/**
 * One-click Yes / No from the Invite to Bill email: no password needed to answer (anything more
 * needs signing in). Opening the link (GET, or a mail scanner's HEAD) only shows what it would
 * record — `inspectAnswerLink` reads and changes nothing; the answer is recorded by the POST from
 * that page — `answerInviteByLink`. The link must be genuine (signature), unused, unexpired, and
 * its person still an active invoice contact of the commitment; otherwise nothing changes and the
 * page says why. A used link says what it recorded, when and as whom.
 */
import { DomainError } from '../../domain/errors.ts';
import { INVOICE_TYPE_LABELS, type InviteResponse } from '../../domain/invite-to-bill.ts';
import { paths } from '../../domain/links.ts';
import { findActionToken, markActionTokenUsed, type ActionToken } from '../../db/action-tokens.queries.ts';
import { isInvoiceContact } from '../../db/contacts.queries.ts';
import type { Db, DbOrTrx } from '../../db/database.ts';
import { findUser } from '../../db/directory.queries.ts';
import { findInviteDetails, type InviteDetails } from '../../db/invites.queries.ts';
import { answerInvite } from '../billing/invites.ts';
import { verifySignedToken } from './link-signing.ts';

export type LinkRefusal = 'tampered' | 'unknown' | 'expired' | 'no_longer_contact' | 'invoice_exists' | 'inactive' | 'answer_mismatch';

/** What a page about the link names. */
export type AnswerLinkFacts = {
  /** The answer this link records. */
  response: InviteResponse;
  /** The person the link answers as. */
  personName: string;
  projectName: string;
  locale: string;
  timeZone: string;
  commitmentLabel: string;
  commitmentPath: string;
  invoiceTypeLabel: string;
  period: { startsOn: string; endsOn: string; dueOn: string };
  /** The invite's answer as it stands (it may have changed since this link was used). */
  current: { response: InviteResponse; at: Date; byName: string } | null;
  /** An invoice exists for the period: the answer can no longer change. */
  hasInvoice: boolean;
};

export type LinkState =
  | { state: 'ready'; facts: AnswerLinkFacts }
  | { state: 'used'; facts: AnswerLinkFacts; usedAt: Date }
  | { state: 'refused'; reason: LinkRefusal };

export type LinkAnswer = LinkState | { state: 'answered'; facts: AnswerLinkFacts; at: Date };

function factsOf(token: ActionToken, invite: InviteDetails, personName: string): AnswerLinkFacts {
  return {
    response: token.response,
    personName,
    projectName: invite.project.name,
    locale: invite.project.locale,
    timeZone: invite.project.timeZone,
    commitmentLabel: `${invite.commitment.number} – ${invite.commitment.title}`,
    commitmentPath: paths.commitment(invite.projectId, invite.commitmentId),
    invoiceTypeLabel: INVOICE_TYPE_LABELS[invite.invoiceType],
    period: invite.period,
    current:
      invite.response && invite.respondedAt ? { response: invite.response, at: invite.respondedAt, byName: invite.respondedByName ?? 'someone' } : null,
    hasInvoice: invite.hasInvoice,
  };
}

type Checked = { link: LinkState; ready?: { token: ActionToken; invite: InviteDetails } };

/** The checks shared by the page and the answer, in the order a person would want to hear them. */
async function check(db: DbOrTrx, tokenId: string, now: Date, options: { forUpdate: boolean }): Promise<Checked> {
  const refused = (reason: LinkRefusal): Checked => ({ link: { state: 'refused', reason } });
  const token = await findActionToken(db, tokenId, options);
  if (!token) return refused('unknown');
  const invite = await findInviteDetails(db, token.inviteId);
  const user = await findUser(db, token.userId);
  if (!invite || !user) return refused('unknown');
  const facts = factsOf(token, invite, user.name);
  if (token.usedAt) return { link: { state: 'used', facts, usedAt: token.usedAt } };
  if (token.expiresAt <= now) return refused('expired');
  if (!user.isActive) return refused('inactive');
  if (!(await isInvoiceContact(db, invite.tenantId, invite.commitmentId, token.userId))) return refused('no_longer_contact');
  if (invite.hasInvoice) return refused('invoice_exists');
  return { link: { state: 'ready', facts }, ready: { token, invite } };
}

/** What the link would record, for the page it opens. Reads only: a GET or HEAD changes nothing. */
export async function inspectAnswerLink(db: Db, signed: string, now: Date): Promise<LinkState> {
  const tokenId = await verifySignedToken(db, signed);
  if (!tokenId) return { state: 'refused', reason: 'tampered' };
  return (await check(db, tokenId, now, { forUpdate: false })).link;
}

/**
 * Records the link's answer (the POST from the page), once; the token is spent in the same
 * transaction. `posted` is the answer the page showed: a form that does not match the link changes nothing.
 */
export async function answerInviteByLink(db: Db, signed: string, posted: InviteResponse, now: Date): Promise<LinkAnswer> {
  const tokenId = await verifySignedToken(db, signed);
  if (!tokenId) return { state: 'refused', reason: 'tampered' };
  return db.transaction().execute(async (trx): Promise<LinkAnswer> => {
    const checked = await check(trx, tokenId, now, { forUpdate: true });
    if (checked.link.state !== 'ready' || !checked.ready) return checked.link;
    const { token, invite } = checked.ready;
    const facts = checked.link.facts;
    if (token.response !== posted) return { state: 'refused', reason: 'answer_mismatch' };
    try {
      await answerInvite(
        trx,
        { tenantId: invite.tenantId, inviteId: invite.id, projectId: invite.projectId, commitmentId: invite.commitmentId, billingPeriodId: invite.billingPeriodId, userId: token.userId, response: token.response },
        now,
      );
    } catch (error) {
      // An invoice created between the check and the commitment lock.
      if (error instanceof DomainError && error.code === 'invalid_state') return { state: 'refused', reason: 'invoice_exists' };
      throw error;
    }
    await markActionTokenUsed(trx, token.id, now);
    return {
      state: 'answered',
      at: now,
      facts: { ...facts, current: { response: token.response, at: now, byName: facts.personName } },
    };
  });
}
