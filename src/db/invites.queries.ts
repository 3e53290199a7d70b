/** Invite to Bill records: one per commitment per billing period. */
import type { InviteResponse, InvoiceType } from '../domain/invite-to-bill.ts';
import type { DbOrTrx } from './database.ts';
import { crossTenant } from './tenant-check.ts';

export type Invite = {
  id: string;
  tenantId: string;
  projectId: string;
  billingPeriodId: string;
  commitmentId: string;
  invoiceType: InvoiceType;
  message: string;
  /** The invite asks the contact to attach documents to the invoice (the submission checklist reads it). */
  requestAttachments: boolean;
  /** What to attach, in the administrator's words; null without a note (or without the request). */
  attachmentsNote: string | null;
  invitedBy: string;
  /** The inviter's name as it is now (for "Invited by …"). */
  invitedByName: string;
  invitedAt: Date;
  response: InviteResponse | null;
  respondedBy: string | null;
  respondedAt: Date | null;
};

function invites(db: DbOrTrx) {
  return db
    .selectFrom('billingInvites as i')
    .innerJoin('users as u', 'u.id', 'i.invitedBy')
    .selectAll('i')
    .select('u.name as invitedByName');
}

type InviteRow = Omit<Invite, 'invoiceType' | 'response'> & { invoiceType: string; response: string | null };

function inviteFromRow(row: InviteRow): Invite {
  return { ...row, invoiceType: row.invoiceType as InvoiceType, response: row.response as InviteResponse | null };
}

export async function findInvite(db: DbOrTrx, tenantId: string, billingPeriodId: string, commitmentId: string, options: { forUpdate?: boolean } = {}): Promise<Invite | undefined> {
  let q = invites(db).where('i.tenantId', '=', tenantId).where('i.billingPeriodId', '=', billingPeriodId).where('i.commitmentId', '=', commitmentId);
  if (options.forUpdate) q = q.forUpdate('i');
  const row = await q.executeTakeFirst();
  return row && inviteFromRow(row);
}

export async function findInviteById(db: DbOrTrx, tenantId: string, inviteId: string): Promise<Invite | undefined> {
  const row = await invites(db).where('i.tenantId', '=', tenantId).where('i.id', '=', inviteId).executeTakeFirst();
  return row && inviteFromRow(row);
}

/** Sends (or re-sends) an invite; a re-sent invite asks again, so an earlier answer is cleared. */
export async function upsertInvite(
  db: DbOrTrx,
  invite: {
    tenantId: string;
    projectId: string;
    billingPeriodId: string;
    commitmentId: string;
    invoiceType: InvoiceType;
    message: string;
    requestAttachments: boolean;
    attachmentsNote: string | null;
    invitedBy: string;
    invitedAt: Date;
  },
): Promise<Invite> {
  const row = await db
    .insertInto('billingInvites')
    .values(invite)
    .onConflict((oc) =>
      oc.columns(['tenantId', 'billingPeriodId', 'commitmentId']).doUpdateSet({
        invoiceType: invite.invoiceType,
        message: invite.message,
        requestAttachments: invite.requestAttachments,
        attachmentsNote: invite.attachmentsNote,
        invitedBy: invite.invitedBy,
        invitedAt: invite.invitedAt,
        response: null,
        respondedBy: null,
        respondedAt: null,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  const saved = await findInviteById(db, invite.tenantId, row.id);
  if (!saved) throw new Error('invite vanished after saving');
  return saved;
}

export async function setInviteResponse(db: DbOrTrx, tenantId: string, inviteId: string, response: InviteResponse, userId: string, at: Date): Promise<void> {
  await db
    .updateTable('billingInvites')
    .set({ response, respondedBy: userId, respondedAt: at })
    .where('tenantId', '=', tenantId)
    .where('id', '=', inviteId)
    .execute();
}

export async function listInvitesOfPeriod(db: DbOrTrx, tenantId: string, billingPeriodId: string): Promise<Invite[]> {
  const rows = await invites(db).where('i.tenantId', '=', tenantId).where('i.billingPeriodId', '=', billingPeriodId).execute();
  return rows.map(inviteFromRow);
}

/** An invite with what a page about it names: the project, the commitment, the period, who answered. */
export type InviteDetails = Invite & {
  project: { name: string; locale: string; timeZone: string };
  commitment: { number: string; title: string };
  period: { startsOn: string; endsOn: string; dueOn: string };
  respondedByName: string | null;
  /** Whether the commitment already has an invoice for the invite's period (the answer is then final). */
  hasInvoice: boolean;
};

/** An invite found by its id alone — what a one-click link's token names — with its tenant. */
export async function findInviteDetails(db: DbOrTrx, inviteId: string): Promise<InviteDetails | undefined> {
  const row = await invites(db)
    .innerJoin('projects as p', (join) => join.onRef('p.tenantId', '=', 'i.tenantId').onRef('p.id', '=', 'i.projectId'))
    .innerJoin('commitments as c', (join) => join.onRef('c.tenantId', '=', 'i.tenantId').onRef('c.id', '=', 'i.commitmentId'))
    .innerJoin('billingPeriods as bp', (join) => join.onRef('bp.tenantId', '=', 'i.tenantId').onRef('bp.id', '=', 'i.billingPeriodId'))
    .leftJoin('users as r', 'r.id', 'i.respondedBy')
    .select((eb) => [
      'p.name as projectName',
      'p.locale as projectLocale',
      'p.timeZone as projectTimeZone',
      'c.number as commitmentNumber',
      'c.title as commitmentTitle',
      'bp.startsOn as periodStartsOn',
      'bp.endsOn as periodEndsOn',
      'bp.dueOn as periodDueOn',
      'r.name as respondedByName',
      eb
        .exists(
          eb
            .selectFrom('invoices as v')
            .select('v.id')
            .whereRef('v.tenantId', '=', 'i.tenantId')
            .whereRef('v.commitmentId', '=', 'i.commitmentId')
            .whereRef('v.billingPeriodId', '=', 'i.billingPeriodId'),
        )
        .as('hasInvoice'),
    ])
    .where('i.id', '=', inviteId)
    .modifyEnd(crossTenant("resolves a one-click link's invite and its tenant from the invite's id"))
    .executeTakeFirst();
  if (!row) return undefined;
  const {
    projectName,
    projectLocale,
    projectTimeZone,
    commitmentNumber,
    commitmentTitle,
    periodStartsOn,
    periodEndsOn,
    periodDueOn,
    respondedByName,
    hasInvoice,
    ...invite
  } = row;
  return {
    ...inviteFromRow(invite),
    project: { name: projectName, locale: projectLocale, timeZone: projectTimeZone },
    commitment: { number: commitmentNumber, title: commitmentTitle },
    period: { startsOn: String(periodStartsOn), endsOn: String(periodEndsOn), dueOn: String(periodDueOn) },
    respondedByName: respondedByName ?? null,
    hasInvoice: Boolean(hasInvoice),
  };
}

/**
 * `upsertInvite` for many commitments of one period in one statement (Invite to Bill sent to many
 * commitments at once); answers the invites as saved, in the order given.
 */
export async function upsertInvites(
  db: DbOrTrx,
  common: { tenantId: string; projectId: string; billingPeriodId: string; invoiceType: InvoiceType; message: string; requestAttachments: boolean; attachmentsNote: string | null; invitedBy: string; invitedAt: Date },
  commitmentIds: readonly string[],
): Promise<Invite[]> {
  if (commitmentIds.length === 0) return [];
  const rows = await db
    .with('saved', (qb) =>
      qb
        .insertInto('billingInvites')
        .values(commitmentIds.map((commitmentId) => ({ ...common, commitmentId })))
        .onConflict((oc) =>
          oc.columns(['tenantId', 'billingPeriodId', 'commitmentId']).doUpdateSet({
            invoiceType: common.invoiceType,
            message: common.message,
            requestAttachments: common.requestAttachments,
            attachmentsNote: common.attachmentsNote,
            invitedBy: common.invitedBy,
            invitedAt: common.invitedAt,
            response: null,
            respondedBy: null,
            respondedAt: null,
          }),
        )
        .returningAll(),
    )
    .selectFrom('saved as i')
    .innerJoin('users as u', 'u.id', 'i.invitedBy')
    .selectAll('i')
    .select('u.name as invitedByName')
    .execute();
  const byCommitment = new Map(rows.map((r) => [r.commitmentId, inviteFromRow(r)]));
  return commitmentIds.map((id) => {
    const invite = byCommitment.get(id);
    if (!invite) throw new Error('invite vanished after saving');
    return invite;
  });
}
