/**
 * What waits on an invoice administrator, across every project they administer (company admins:
 * all of their company's). Each kind of item is one set-based query whatever the number of projects,
 * commitments or invoices; the projects are never listed one by one. Cross-tenant by design: a
 * person may administer projects of several general contractors (decision 025).
 */
import { sql, type ExpressionBuilder } from 'kysely';
import type { InvoiceStatus } from '../domain/invoice-status.ts';
import type { Viewer } from '../domain/permissions.ts';
import type { SsovStatus } from '../domain/ssov.ts';
import type { DbOrTrx } from './database.ts';
import type { Database } from './tables.ts';
import { crossTenant } from './tenant-check.ts';

const ACROSS_TENANTS = crossTenant("an administrator's queue, across the general contractors whose projects they administer");

/** The projects the viewer is Admin on in their directories, as a sub-select. */
function administeredProjectIds(db: DbOrTrx, viewer: Viewer) {
  return db.selectFrom('projectUsers as pu').select('pu.projectId').where('pu.userId', '=', viewer.userId).where('pu.commitmentsPermission', '=', 'admin');
}

/** The projects the viewer administers: their directories' and — a company admin — every project of their company. */
function whereAdministered(db: DbOrTrx, viewer: Viewer) {
  return (eb: ExpressionBuilder<Database & { p: Database['projects'] }, 'p'>) =>
    viewer.isCompanyAdmin
      ? eb.or([eb('p.tenantId', '=', viewer.companyId), eb('p.id', 'in', administeredProjectIds(db, viewer))])
      : eb('p.id', 'in', administeredProjectIds(db, viewer));
}

export async function countAdministeredProjects(db: DbOrTrx, viewer: Viewer): Promise<number> {
  const row = await db.selectFrom('projects as p').select(sql<number>`count(*)::int`.as('n')).where(whereAdministered(db, viewer)).modifyEnd(ACROSS_TENANTS).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Where an item is: its project and commitment, as people name them. */
export type AttentionPlace = {
  projectId: string;
  projectName: string;
  timeZone: string;
  commitmentId: string;
  commitmentNumber: string;
  commitmentTitle: string;
  contractCompanyName: string | null;
};

export type AttentionInvoiceRow = AttentionPlace & {
  invoiceId: string;
  sequence: number;
  number: string | null;
  status: InvoiceStatus;
  /** When it entered its current status (the audit trail), else when it was last submitted or changed. */
  statusSince: Date;
  periodDueOn: string;
};

export type UnpaidInvoiceRow = AttentionInvoiceRow & { dueCents: number; paidCents: number };

export type UnansweredInviteRow = AttentionPlace & { inviteId: string; invitedAt: Date; periodDueOn: string };

export type SsovUnderReviewRow = AttentionPlace & { status: SsovStatus; submittedAt: Date | null };

/** Invoices and commitments of the administered projects (void commitments are never billed again). */
function placeQuery(db: DbOrTrx, viewer: Viewer) {
  return db
    .selectFrom('commitments as c')
    .innerJoin('projects as p', (join) => join.onRef('p.tenantId', '=', 'c.tenantId').onRef('p.id', '=', 'c.projectId'))
    .leftJoin('companies as co', 'co.id', 'c.contractCompanyId')
    .select(['p.id as projectId', 'p.name as projectName', 'p.timeZone', 'c.id as commitmentId', 'c.number as commitmentNumber', 'c.title as commitmentTitle', 'co.name as contractCompanyName'])
    .where('c.status', '<>', 'void')
    .where(whereAdministered(db, viewer))
    .modifyEnd(ACROSS_TENANTS);
}

/** Latest move into the invoice's current status, from the audit trail (status changes are always audited). */
const statusSince = sql<Date>`coalesce(
  (select max(a.occurred_at) from audit_log a where a.entity_type = 'invoice' and a.entity_id = i.id::text and a.action = 'status_' || i.status),
  i.submitted_at, i.updated_at)`;

/** Invoices waiting on an administrator (Under Review, Pending Owner Approval) or on their contact (Revise & Resubmit). */
export async function listOpenInvoicesForAttention(db: DbOrTrx, viewer: Viewer): Promise<AttentionInvoiceRow[]> {
  const rows = await placeQuery(db, viewer)
    .innerJoin('invoices as i', (join) => join.onRef('i.tenantId', '=', 'c.tenantId').onRef('i.commitmentId', '=', 'c.id'))
    .innerJoin('billingPeriods as bp', (join) => join.onRef('bp.tenantId', '=', 'i.tenantId').onRef('bp.id', '=', 'i.billingPeriodId'))
    .select(['i.id as invoiceId', 'i.sequence', 'i.number', 'i.status', 'bp.dueOn as periodDueOn', statusSince.as('statusSince')])
    .where('i.status', 'in', ['under_review', 'pending_owner_approval', 'revise_and_resubmit'])
    .execute();
  return rows.map((r) => ({ ...r, status: r.status as InvoiceStatus, statusSince: new Date(r.statusSince) }));
}

/**
 * Approved invoices paid less than what was certified due (G702 line 8, frozen in the snapshot at
 * approval), counting payments not voided.
 */
export async function listUnpaidApprovedInvoices(db: DbOrTrx, viewer: Viewer): Promise<UnpaidInvoiceRow[]> {
  const due = sql<number>`(i.snapshot -> 'summary' ->> 'currentPaymentDueCents')::bigint`;
  const paid = sql<number>`coalesce((select sum(pay.amount_cents) from payments pay where pay.tenant_id = i.tenant_id and pay.invoice_id = i.id and pay.voided_at is null), 0)::bigint`;
  const rows = await placeQuery(db, viewer)
    .innerJoin('invoices as i', (join) => join.onRef('i.tenantId', '=', 'c.tenantId').onRef('i.commitmentId', '=', 'c.id'))
    .innerJoin('billingPeriods as bp', (join) => join.onRef('bp.tenantId', '=', 'i.tenantId').onRef('bp.id', '=', 'i.billingPeriodId'))
    .select(['i.id as invoiceId', 'i.sequence', 'i.number', 'i.status', 'bp.dueOn as periodDueOn', sql<Date>`coalesce(i.approved_at, i.updated_at)`.as('statusSince'), due.as('dueCents'), paid.as('paidCents')])
    .where('i.status', 'in', ['approved', 'approved_as_noted'])
    .where(sql<boolean>`${due} > ${paid}`)
    .execute();
  return rows.map((r) => ({ ...r, status: r.status as InvoiceStatus, statusSince: new Date(r.statusSince), dueCents: Number(r.dueCents), paidCents: Number(r.paidCents) }));
}

/**
 * Invites to bill of an open period that nobody answered and that no invoice overtook (once the
 * commitment has an invoice in the period, the invite can no longer be answered).
 */
export async function listUnansweredInvites(db: DbOrTrx, viewer: Viewer): Promise<UnansweredInviteRow[]> {
  return placeQuery(db, viewer)
    .innerJoin('billingInvites as bi', (join) => join.onRef('bi.tenantId', '=', 'c.tenantId').onRef('bi.commitmentId', '=', 'c.id'))
    .innerJoin('billingPeriods as bp', (join) => join.onRef('bp.tenantId', '=', 'bi.tenantId').onRef('bp.id', '=', 'bi.billingPeriodId'))
    .select(['bi.id as inviteId', 'bi.invitedAt', 'bp.dueOn as periodDueOn'])
    .where('bp.status', '=', 'open')
    .where('bi.response', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('invoices as x')
            .select('x.id')
            .whereRef('x.tenantId', '=', 'bi.tenantId')
            .whereRef('x.commitmentId', '=', 'bi.commitmentId')
            .whereRef('x.billingPeriodId', '=', 'bi.billingPeriodId'),
        ),
      ),
    )
    .execute();
}

/** Subcontractor SOVs submitted for review, on commitments that still use one. */
export async function listSsovsUnderReview(db: DbOrTrx, viewer: Viewer): Promise<SsovUnderReviewRow[]> {
  const rows = await placeQuery(db, viewer)
    .innerJoin('ssovs as v', (join) => join.onRef('v.tenantId', '=', 'c.tenantId').onRef('v.commitmentId', '=', 'c.id'))
    .select(['v.status', 'v.submittedAt'])
    .where('c.ssovEnabled', '=', true)
    .where('v.status', '=', 'under_review')
    .execute();
  return rows.map((r) => ({ ...r, status: r.status as SsovStatus }));
}
