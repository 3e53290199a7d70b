/** Invite to Bill records: one per commitment per billing period. */
import type { InviteResponse, InvoiceType } from '../domain/invite-to-bill.ts';
import type { DbOrTrx } from './database.ts';

export type Invite = {
  id: string;
  projectId: string;
  billingPeriodId: string;
  commitmentId: string;
  invoiceType: InvoiceType;
  message: string;
  invitedBy: string;
  invitedAt: Date;
  response: InviteResponse | null;
  respondedBy: string | null;
  respondedAt: Date | null;
};

export async function findInvite(db: DbOrTrx, billingPeriodId: string, commitmentId: string, options: { forUpdate?: boolean } = {}): Promise<Invite | undefined> {
  let q = db
    .selectFrom('billingInvites')
    .selectAll()
    .where('billingPeriodId', '=', billingPeriodId)
    .where('commitmentId', '=', commitmentId);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && { ...row, invoiceType: row.invoiceType as InvoiceType, response: row.response as InviteResponse | null };
}

export async function findInviteById(db: DbOrTrx, inviteId: string): Promise<Invite | undefined> {
  const row = await db.selectFrom('billingInvites').selectAll().where('id', '=', inviteId).executeTakeFirst();
  return row && { ...row, invoiceType: row.invoiceType as InvoiceType, response: row.response as InviteResponse | null };
}

/** Sends (or re-sends) an invite; a re-sent invite asks again, so an earlier answer is cleared. */
export async function upsertInvite(
  db: DbOrTrx,
  invite: { projectId: string; billingPeriodId: string; commitmentId: string; invoiceType: InvoiceType; message: string; invitedBy: string; invitedAt: Date },
): Promise<Invite> {
  const row = await db
    .insertInto('billingInvites')
    .values(invite)
    .onConflict((oc) =>
      oc.columns(['billingPeriodId', 'commitmentId']).doUpdateSet({
        invoiceType: invite.invoiceType,
        message: invite.message,
        invitedBy: invite.invitedBy,
        invitedAt: invite.invitedAt,
        response: null,
        respondedBy: null,
        respondedAt: null,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...row, invoiceType: row.invoiceType as InvoiceType, response: row.response as InviteResponse | null };
}

export async function setInviteResponse(db: DbOrTrx, inviteId: string, response: InviteResponse, userId: string, at: Date): Promise<void> {
  await db
    .updateTable('billingInvites')
    .set({ response, respondedBy: userId, respondedAt: at })
    .where('id', '=', inviteId)
    .execute();
}

export async function listInvitesOfPeriod(db: DbOrTrx, billingPeriodId: string): Promise<Invite[]> {
  const rows = await db.selectFrom('billingInvites').selectAll().where('billingPeriodId', '=', billingPeriodId).execute();
  return rows.map((row) => ({ ...row, invoiceType: row.invoiceType as InvoiceType, response: row.response as InviteResponse | null }));
}
