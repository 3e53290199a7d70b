/**
 * What creating an invoice reads and writes, in as few statements as the rules allow (issue 12):
 * - `lockCommitmentForInvoicing`: the commitment as the viewer may see it, LOCKED (invoice creation
 *   is serialised per commitment: "one per period" and the sequence hold under concurrency), with
 *   its billing facts, the billing period asked for (or the open one), the project's settings, the
 *   invite for that period and the sliding-scale rules in force — one statement;
 * - `listCommitmentInvoicesWithPeriodStarts`: the commitment's invoices, read under that lock;
 * - `insertInvoiceWithLines`: the invoice and its lines (all zero), one statement.
 */
import { sql } from 'kysely';
import type { BillingPeriod } from '../domain/billing-period.ts';
import type { Commitment } from '../domain/commitment.ts';
import { notFound } from '../domain/errors.ts';
import type { Invoice } from '../domain/invoice.ts';
import type { InvoiceType } from '../domain/invite-to-bill.ts';
import { commitmentVisibility, type CommitmentPrivacyFacts, type ProjectAccess } from '../domain/permissions.ts';
import type { ProjectSettings } from '../domain/project-settings.ts';
import type { SlidingScale, SlidingScaleRule } from '../domain/sliding-scale.ts';
import { billingFactsColumns, billingFactsFromRow, type CommitmentBillingFacts } from './billing-board.queries.ts';
import { billingPeriodFromRow } from './billing-periods.queries.ts';
import { commitmentFromRow } from './commitments.queries.ts';
import type { DbOrTrx, Trx } from './database.ts';
import { isUuid } from './ids.ts';
import { invoiceFromRow } from './invoices.queries.ts';
import { projectSettingsFromRow } from './settings.queries.ts';
import type { BillingPeriodRow, InvoiceRow, ProjectSettingsRow } from './tables.ts';

export type InvoicingFacts = {
  commitment: Commitment;
  privacy: CommitmentPrivacyFacts;
  billing: CommitmentBillingFacts;
  /** The period asked for, or the open one; null when there is no open period. */
  period: BillingPeriod | null;
  /** Null only when the project's settings row was lost (the caller recreates it). */
  settings: ProjectSettings | null;
  preventOverbillingAllProjects: boolean;
  inviteInvoiceType: InvoiceType | null;
  slidingScale: SlidingScale | null;
  contractCompanyName: string | null;
  viewerName: string;
};

/**
 * The commitment locked FOR UPDATE with everything creating an invoice on it decides with. Not
 * found when the viewer may not see it (same policy as `getVisibleCommitment`); a period asked for
 * that is not the project's is not found either.
 */
export async function lockCommitmentForInvoicing(db: Trx, access: ProjectAccess, commitmentId: string, billingPeriodId: string | undefined): Promise<InvoicingFacts> {
  if (!isUuid(commitmentId)) throw notFound('The commitment');
  if (billingPeriodId !== undefined && !isUuid(billingPeriodId)) throw notFound('The billing period');
  const { projectId, tenantId } = access;
  const userId = access.viewer.userId;
  const periodWhere = billingPeriodId
    ? sql`bp.tenant_id = ${tenantId} and bp.project_id = ${projectId} and bp.id = ${billingPeriodId}`
    : sql`bp.tenant_id = ${tenantId} and bp.project_id = ${projectId} and bp.status = 'open'`;
  const policy = commitmentVisibility(access);
  let q = db
    .selectFrom('commitments as c')
    .leftJoin('ssovs as v', (join) => join.onRef('v.tenantId', '=', 'c.tenantId').onRef('v.commitmentId', '=', 'c.id'))
    .selectAll('c')
    .select((eb) => [
      'v.status as ssovStatus',
      ...billingFactsColumns(eb),
      eb
        .exists(
          eb
            .selectFrom('commitmentPrivateUsers as cpu')
            .select('cpu.userId')
            .whereRef('cpu.tenantId', '=', 'c.tenantId')
            .whereRef('cpu.commitmentId', '=', 'c.id')
            .where('cpu.userId', '=', userId),
        )
        .as('viewerIsExplicitlyListed'),
      eb
        .exists(
          eb
            .selectFrom('commitmentInvoiceContacts as cic')
            .select('cic.userId')
            .whereRef('cic.tenantId', '=', 'c.tenantId')
            .whereRef('cic.commitmentId', '=', 'c.id')
            .where('cic.userId', '=', userId),
        )
        .as('viewerIsInvoiceContact'),
      sql<BillingPeriodRow | null>`(select to_jsonb(bp) from billing_periods bp where ${periodWhere})`.as('period'),
      sql<ProjectSettingsRow | null>`(select to_jsonb(ps) from project_settings ps where ps.tenant_id = ${tenantId} and ps.project_id = ${projectId})`.as('settings'),
      sql<string | null>`(select cc.name from companies cc where cc.id = c.contract_company_id)`.as('contractCompanyName'),
      sql<string | null>`(select u.name from users u where u.id = ${userId})`.as('viewerName'),
      sql<boolean>`coalesce((select cs.prevent_overbilling_all_projects from company_settings cs where cs.tenant_id = ${tenantId}), false)`.as('preventOverbillingAllProjects'),
      sql<string | null>`(select bi.invoice_type from billing_invites bi
          where bi.tenant_id = c.tenant_id and bi.commitment_id = c.id and bi.billing_period_id = (select bp.id from billing_periods bp where ${periodWhere}))`.as('inviteInvoiceType'),
      sql<{ rules: SlidingScaleRule[]; afterRateBp: number } | null>`(select jsonb_build_object('rules', r.rules, 'afterRateBp', r.after_rate_bp)
          from commitment_retainage_rules r where r.tenant_id = c.tenant_id and r.commitment_id = c.id)`.as('slidingScale'),
    ])
    .where('c.tenantId', '=', tenantId)
    .where('c.projectId', '=', projectId)
    .where('c.id', '=', commitmentId);
  if (policy.kind === 'none') q = q.where(sql<boolean>`false`);
  const row = await q.forUpdate(['c']).executeTakeFirst();
  if (!row) throw notFound('The commitment');
  const commitment = commitmentFromRow(row);
  const privacy: CommitmentPrivacyFacts = {
    isPrivate: commitment.isPrivate,
    privateSovVisible: commitment.privateSovVisible,
    viewerIsExplicitlyListed: Boolean(row.viewerIsExplicitlyListed),
    viewerIsInvoiceContact: Boolean(row.viewerIsInvoiceContact),
  };
  // Visibility for viewers who see public commitments and those they are listed on (the SQL only refused "none").
  if (policy.kind === 'public_or_listed' && commitment.isPrivate && !privacy.viewerIsExplicitlyListed && !privacy.viewerIsInvoiceContact) {
    throw notFound('The commitment');
  }
  if (billingPeriodId && !row.period) throw notFound('The billing period');
  return {
    commitment,
    privacy,
    billing: billingFactsFromRow({ ...row, ssovStatus: row.ssovStatus ?? null }),
    period: row.period ? billingPeriodFromRow(row.period) : null,
    settings: row.settings ? projectSettingsFromRow(row.settings) : null,
    preventOverbillingAllProjects: row.preventOverbillingAllProjects,
    inviteInvoiceType: (row.inviteInvoiceType as InvoiceType | null) ?? null,
    slidingScale: row.slidingScale ? { rules: row.slidingScale.rules, afterRateBp: row.slidingScale.afterRateBp } : null,
    contractCompanyName: row.contractCompanyName ?? null,
    viewerName: row.viewerName ?? 'payapp',
  };
}

/** Every invoice of a commitment in sequence order, each with the first day of its billing period. */
export async function listCommitmentInvoicesWithPeriodStarts(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<(Invoice & { periodStartsOn: string })[]> {
  const rows = await db
    .selectFrom('invoices as i')
    .innerJoin('billingPeriods as bp', (join) => join.onRef('bp.tenantId', '=', 'i.tenantId').onRef('bp.id', '=', 'i.billingPeriodId'))
    .selectAll('i')
    .select('bp.startsOn as periodStartsOn')
    .where('i.tenantId', '=', tenantId)
    .where('i.commitmentId', '=', commitmentId)
    .orderBy('i.sequence')
    .execute();
  return rows.map((row) => ({ ...invoiceFromRow(row), periodStartsOn: row.periodStartsOn }));
}

export type NewInvoice = Pick<
  InvoiceRow,
  | 'tenantId'
  | 'projectId'
  | 'commitmentId'
  | 'billingPeriodId'
  | 'sequence'
  | 'number'
  | 'invoiceType'
  | 'billingDate'
  | 'periodStart'
  | 'periodEnd'
  | 'comments'
  | 'createdBy'
  | 'createdByRole'
  | 'createdAt'
  | 'updatedAt'
> & { retainageRules: string | null };

/**
 * Inserts a draft invoice and, in the same statement, one line (all zero, at the commitment's
 * current retainage rates) per SOV line — or per Subcontractor SOV detail line once that is
 * approved — and per approved change-order line; the same lines `addMissingInvoiceLines` adds.
 */
export async function insertInvoiceWithLines(db: Trx, invoice: NewInvoice): Promise<Invoice> {
  const { rows } = await sql<InvoiceRow>`
    with inv as (
      insert into invoices (tenant_id, project_id, commitment_id, billing_period_id, sequence, number, invoice_type, status, billing_date,
                            period_start, period_end, comments, retainage_rules, created_by, created_by_role, created_at, updated_at)
      values (${invoice.tenantId}, ${invoice.projectId}, ${invoice.commitmentId}, ${invoice.billingPeriodId}, ${invoice.sequence}, ${invoice.number}, ${invoice.invoiceType},
              'draft', ${invoice.billingDate}, ${invoice.periodStart}, ${invoice.periodEnd}, ${invoice.comments}, ${invoice.retainageRules}::jsonb,
              ${invoice.createdBy}, ${invoice.createdByRole}, ${invoice.createdAt}, ${invoice.updatedAt})
      returning *
    ),
    lines as (
      insert into invoice_lines (tenant_id, invoice_id, source, sov_line_id, ssov_line_id, change_order_line_id, claimed_work_cents, certified_work_cents, work_retainage_bp, materials_retainage_bp)
      select inv.tenant_id, inv.id, 'sov', s.id, null::uuid, null::uuid, 0, 0, c.retainage_work_bp, c.retainage_materials_bp
        from inv join commitments c on c.tenant_id = ${invoice.tenantId} and c.id = inv.commitment_id and not c.ssov_enabled
        join sov_lines s on s.tenant_id = ${invoice.tenantId} and s.commitment_id = inv.commitment_id
      union all
      select inv.tenant_id, inv.id, 'sov', d.sov_line_id, d.id, null::uuid, 0, 0, c.retainage_work_bp, c.retainage_materials_bp
        from inv join commitments c on c.tenant_id = ${invoice.tenantId} and c.id = inv.commitment_id and c.ssov_enabled
        join ssovs v on v.tenant_id = ${invoice.tenantId} and v.commitment_id = inv.commitment_id and v.status = 'approved'
        join ssov_lines d on d.tenant_id = ${invoice.tenantId} and d.commitment_id = inv.commitment_id
      union all
      select inv.tenant_id, inv.id, 'change_order', null::uuid, null::uuid, l.id, 0, 0, c.retainage_work_bp, c.retainage_materials_bp
        from inv join commitments c on c.tenant_id = ${invoice.tenantId} and c.id = inv.commitment_id
        join change_orders co on co.tenant_id = ${invoice.tenantId} and co.commitment_id = inv.commitment_id and co.status = 'approved'
        join change_order_lines l on l.tenant_id = ${invoice.tenantId} and l.change_order_id = co.id
    )
    select * from inv`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('The invoice was not inserted.');
  return invoiceFromRow(row);
}
