/**
 * The subcontractor billing board: for one billing period (the open one by default), one row per
 * commitment the viewer may see, with its billing status, invite, latest invoice and amounts.
 */
import type { BillingPeriod } from '../../domain/billing-period.ts';
import { revisedContractSum } from '../../domain/commitment.ts';
import { invoiceLabel } from '../../domain/invoice.ts';
import { billingStatus, type BillingStatus } from '../../domain/invite-to-bill.ts';
import { assertInvoiceAdministrator, type ProjectAccess, type Viewer } from '../../domain/permissions.ts';
import { listCommitmentBillingFacts } from '../../db/billing-board.queries.ts';
import { findOpenBillingPeriod, getBillingPeriod } from '../../db/billing-periods.queries.ts';
import { listCommitments, type CommitmentSummary } from '../../db/commitments.queries.ts';
import type { Db, DbOrTrx } from '../../db/database.ts';
import { listInvitesOfPeriod, type Invite } from '../../db/invites.queries.ts';
import { getProjectAccess } from '../../db/projects.queries.ts';
import { listInvoicesWithSummaries, type InvoiceWithSummary } from './invoice-summaries.ts';
import { commitmentRollup } from './payments.ts';
import type { PaymentRollup } from '../../domain/payment.ts';
import { sumPaidByInvoice } from '../../db/payments.queries.ts';

export type BillingBoardRow = {
  commitment: CommitmentSummary;
  billingStatus: BillingStatus;
  invite: Invite | null;
  latestInvoice: InvoiceWithSummary | null;
  latestInvoiceLabel: string | null;
  invoicesInPeriod: number;
  contractSumToDateCents: number;
  /** G702 line 4 of the latest invoice of the commitment (any period): completed and stored to date. */
  billedToDateCents: number;
  /** What was paid on the latest invoice of the period (approved invoices only). */
  latestInvoicePaidCents: number;
  payments: PaymentRollup;
};

export async function getBillingBoard(
  db: Db,
  viewer: Viewer,
  projectId: string,
  filter: { billingPeriodId?: string | undefined; statuses?: BillingStatus[] | undefined; search?: string | undefined },
): Promise<{ period: BillingPeriod | null; rows: BillingBoardRow[] }> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertInvoiceAdministrator(access, 'see the billing board');
  return buildBillingBoard(db, access, filter);
}

/** The board as an administrator sees it (the weekly digest builds on it too). */
export async function buildBillingBoard(
  db: DbOrTrx,
  access: ProjectAccess,
  filter: { billingPeriodId?: string | undefined; statuses?: BillingStatus[] | undefined; search?: string | undefined },
): Promise<{ period: BillingPeriod | null; rows: BillingBoardRow[] }> {
  const { projectId, tenantId } = access;
  const period = filter.billingPeriodId
    ? await getBillingPeriod(db, tenantId, projectId, filter.billingPeriodId)
    : ((await findOpenBillingPeriod(db, tenantId, projectId)) ?? null);
  const { items } = await listCommitments(db, access, { sort: 'number', page: 1, perPage: 10_000, ...(filter.search && { search: filter.search }) });
  // Void commitments are never billed again; every other commitment has a row.
  const commitments = items.filter((c) => c.status !== 'void');
  const ids = commitments.map((c) => c.id);
  const facts = await listCommitmentBillingFacts(db, tenantId, ids);
  const invoices = await listInvoicesWithSummaries(db, tenantId, projectId, ids);
  const invites = period ? await listInvitesOfPeriod(db, tenantId, period.id) : [];
  const paid = await sumPaidByInvoice(db, tenantId, ids);
  const inviteByCommitment = new Map(invites.map((i) => [i.commitmentId, i]));
  const rows = commitments.map((commitment): BillingBoardRow => {
    const own = invoices.filter((i) => i.commitmentId === commitment.id);
    const inPeriod = period ? own.filter((i) => i.billingPeriodId === period.id) : [];
    const latestInPeriod = inPeriod[inPeriod.length - 1] ?? null;
    const latestOverall = own[own.length - 1];
    const fact = facts.get(commitment.id);
    const invite = inviteByCommitment.get(commitment.id) ?? null;
    return {
      commitment,
      billingStatus: billingStatus({
        invoiceContactCount: fact?.invoiceContactCount ?? 0,
        ssovEnabled: fact?.ssovEnabled ?? false,
        ssovApproved: fact?.ssovApproved ?? true,
        latestInvoiceStatus: latestInPeriod?.status ?? null,
        invite: invite ? { response: invite.response } : null,
      }),
      invite,
      latestInvoice: latestInPeriod,
      latestInvoiceLabel: latestInPeriod ? invoiceLabel(latestInPeriod) : null,
      invoicesInPeriod: inPeriod.length,
      contractSumToDateCents: revisedContractSum(commitment.originalContractSumCents, commitment.approvedChangeOrdersCents),
      billedToDateCents: latestOverall?.summary.totalCompletedAndStoredCents ?? 0,
      latestInvoicePaidCents: latestInPeriod ? (paid.get(latestInPeriod.id) ?? 0) : 0,
      payments: commitmentRollup(commitment, own, paid),
    };
  });
  const wanted = filter.statuses && filter.statuses.length > 0 ? new Set(filter.statuses) : null;
  return { period, rows: wanted ? rows.filter((r) => wanted.has(r.billingStatus)) : rows };
}
