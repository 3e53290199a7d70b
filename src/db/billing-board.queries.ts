/** Facts about commitments in one billing period that the invoicing screens and rules need. */
import { sql } from 'kysely';
import type { DbOrTrx } from './database.ts';

export type CommitmentBillingFacts = {
  commitmentId: string;
  invoiceContactCount: number;
  ssovEnabled: boolean;
  /** TODO(issue #6): the Subcontractor SOV's approval; until it exists nothing is approved. */
  ssovApproved: boolean;
};

export async function listCommitmentBillingFacts(db: DbOrTrx, commitmentIds: string[]): Promise<Map<string, CommitmentBillingFacts>> {
  if (commitmentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('commitments as c')
    .select((eb) => [
      'c.id',
      'c.ssovEnabled',
      eb
        .selectFrom('commitmentInvoiceContacts as k')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('k.commitmentId', '=', 'c.id')
        .as('contactCount'),
    ])
    .where('c.id', 'in', commitmentIds)
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      { commitmentId: r.id, invoiceContactCount: Number(r.contactCount ?? 0), ssovEnabled: r.ssovEnabled, ssovApproved: !r.ssovEnabled },
    ]),
  );
}
