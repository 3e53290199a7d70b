/** Facts about commitments in one billing period that the invoicing screens and rules need. */
import { sql, type ExpressionBuilder } from 'kysely';
import { isSsovApprovedForBilling, type SsovStatus } from '../domain/ssov.ts';
import type { DbOrTrx } from './database.ts';
import type { Database } from './tables.ts';

export type CommitmentBillingFacts = {
  commitmentId: string;
  invoiceContactCount: number;
  ssovEnabled: boolean;
  /** Its Subcontractor SOV's status (null when none was written yet). */
  ssovStatus: SsovStatus | null;
  /**
   * True when the commitment may be billed as far as the Subcontractor SOV goes: it is disabled,
   * or it is approved and still fully allocated against the current SOV (src/domain/ssov.ts).
   */
  ssovApproved: boolean;
};

/** The billing facts of commitment `c` (joined with its Subcontractor SOV as `v`), as select expressions. */
export function billingFactsColumns(eb: ExpressionBuilder<Database & { c: Database['commitments']; v: Database['ssovs'] }, 'c' | 'v'>) {
  return [
    eb
      .selectFrom('commitmentInvoiceContacts as k')
      .select(sql<number>`count(*)::int`.as('n'))
      .whereRef('k.tenantId', '=', 'c.tenantId')
      .whereRef('k.commitmentId', '=', 'c.id')
      .as('contactCount'),
    // SOV lines whose detail lines do not add up to the scheduled value (remaining to allocate ≠ 0).
    // Only a commitment with the Subcontractor SOV has detail lines to add up; its detail lines are
    // summed in one pass per commitment (a lookup per SOV line cost ~250 ms for 200 × 200 lines).
    sql<number>`case when c.ssov_enabled then (select count(*)::int from sov_lines s
      left join (select d.sov_line_id, sum(d.amount_cents) as allocated from ssov_lines d
                  where d.tenant_id = c.tenant_id and d.commitment_id = c.id group by d.sov_line_id) a
        on a.sov_line_id = s.id
      where s.tenant_id = c.tenant_id and s.commitment_id = c.id
        and s.scheduled_value_cents <> coalesce(a.allocated, 0)) else 0 end`.as('unallocatedCount'),
  ] as const;
}

export function billingFactsFromRow(r: { id: string; ssovEnabled: boolean; ssovStatus: string | null; contactCount: number | null; unallocatedCount: number | null }): CommitmentBillingFacts {
  const ssovStatus = (r.ssovStatus as SsovStatus | null) ?? null;
  return {
    commitmentId: r.id,
    invoiceContactCount: Number(r.contactCount ?? 0),
    ssovEnabled: r.ssovEnabled,
    ssovStatus,
    ssovApproved: !r.ssovEnabled || isSsovApprovedForBilling({ status: ssovStatus, unallocatedSovLineCount: Number(r.unallocatedCount ?? 0) }),
  };
}

export async function listCommitmentBillingFacts(db: DbOrTrx, tenantId: string, commitmentIds: string[]): Promise<Map<string, CommitmentBillingFacts>> {
  if (commitmentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('commitments as c')
    .leftJoin('ssovs as v', (join) => join.onRef('v.tenantId', '=', 'c.tenantId').onRef('v.commitmentId', '=', 'c.id'))
    .select((eb) => ['c.id', 'c.ssovEnabled', 'v.status as ssovStatus', ...billingFactsColumns(eb)])
    .where('c.tenantId', '=', tenantId)
    .where('c.id', 'in', commitmentIds)
    .execute();
  return new Map(rows.map((r) => [r.id, billingFactsFromRow(r)]));
}
