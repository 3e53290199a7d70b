/** Subcontractor invoices and their lines. */
import { sql } from 'kysely';
import type { InvoiceType } from '../domain/invite-to-bill.ts';
import type { Invoice, InvoiceLine, InvoiceSnapshot, LineReview } from '../domain/invoice.ts';
import type { InvoiceActor, InvoiceStatus } from '../domain/invoice-status.ts';
import type { LineEntry } from '../domain/pay-application.ts';
import type { SlidingScale } from '../domain/sliding-scale.ts';
import { detailItemNumber } from '../domain/ssov.ts';
import { notFound } from '../domain/errors.ts';
import type { BillingPeriod, BillingPeriodStatus } from '../domain/billing-period.ts';
import type { DbOrTrx, Trx } from './database.ts';
import { isUuid } from './ids.ts';
import type { InvoiceLineRow, InvoiceRow } from './tables.ts';

export function invoiceFromRow(row: Omit<InvoiceRow, 'tenantId'>): Invoice {
  return {
    id: row.id,
    projectId: row.projectId,
    commitmentId: row.commitmentId,
    billingPeriodId: row.billingPeriodId,
    sequence: row.sequence,
    number: row.number,
    invoiceType: row.invoiceType as InvoiceType,
    status: row.status as InvoiceStatus,
    billingDate: row.billingDate,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    comments: row.comments,
    createdBy: row.createdBy,
    createdByRole: row.createdByRole as InvoiceActor,
    submittedAt: row.submittedAt,
    approvedAt: row.approvedAt,
    approvedBy: row.approvedBy,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    snapshot: (row.snapshot as InvoiceSnapshot | null) ?? null,
    retainageRules: (row.retainageRules as SlidingScale | null) ?? null,
  };
}

export async function getInvoice(
  db: DbOrTrx,
  tenantId: string,
  projectId: string,
  invoiceId: string,
  options: { forUpdate?: boolean } = {},
): Promise<Invoice> {
  if (!isUuid(invoiceId)) throw notFound('The invoice');
  let q = db.selectFrom('invoices').selectAll().where('tenantId', '=', tenantId).where('projectId', '=', projectId).where('id', '=', invoiceId);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('The invoice');
  return invoiceFromRow(row);
}

/**
 * One invoice with its billing period and the overbilling settings that apply to it, in one
 * statement (locking only the invoice row when `forUpdate`): the start of every invoice request
 * (decision 022). A project without a settings row reads as allowing overbilling, its default.
 */
export async function getInvoiceWithPeriod(
  db: DbOrTrx,
  tenantId: string,
  projectId: string,
  invoiceId: string,
  options: { forUpdate?: boolean } = {},
): Promise<{ invoice: Invoice; period: BillingPeriod; allowOverbilling: boolean; preventOverbillingAllProjects: boolean }> {
  if (!isUuid(invoiceId)) throw notFound('The invoice');
  let q = db
    .selectFrom('invoices as i')
    .innerJoin('billingPeriods as bp', (join) => join.onRef('bp.tenantId', '=', 'i.tenantId').onRef('bp.id', '=', 'i.billingPeriodId'))
    .leftJoin('projectSettings as ps', (join) => join.onRef('ps.tenantId', '=', 'i.tenantId').onRef('ps.projectId', '=', 'i.projectId'))
    .selectAll('i')
    .select([
      'bp.startsOn as periodStartsOn',
      'bp.endsOn as periodEndsOn',
      'bp.dueOn as periodDueOn',
      'bp.status as periodStatus',
      'bp.origin as periodOrigin',
      'bp.version as periodVersion',
      sql<boolean>`coalesce(ps.allow_overbilling, true)`.as('allowOverbillingSetting'),
      sql<boolean>`coalesce((select cs.prevent_overbilling_all_projects from company_settings cs where cs.tenant_id = i.tenant_id), false)`.as(
        'preventOverbillingAllProjects',
      ),
    ])
    .where('i.tenantId', '=', tenantId)
    .where('i.projectId', '=', projectId)
    .where('i.id', '=', invoiceId);
  if (options.forUpdate) q = q.forUpdate(['i']);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('The invoice');
  return {
    invoice: invoiceFromRow(row),
    period: {
      id: row.billingPeriodId,
      projectId: row.projectId,
      startsOn: row.periodStartsOn,
      endsOn: row.periodEndsOn,
      dueOn: row.periodDueOn,
      status: row.periodStatus as BillingPeriodStatus,
      origin: row.periodOrigin as BillingPeriod['origin'],
      version: row.periodVersion,
    },
    allowOverbilling: row.allowOverbillingSetting,
    preventOverbillingAllProjects: row.preventOverbillingAllProjects,
  };
}

/** Every invoice of a commitment, in sequence order. */
export async function listCommitmentInvoices(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<Invoice[]> {
  const rows = await db.selectFrom('invoices').selectAll().where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId).orderBy('sequence').execute();
  return rows.map(invoiceFromRow);
}

export async function nextInvoiceSequence(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<number> {
  const row = await db
    .selectFrom('invoices')
    .select((eb) => eb.fn.max('sequence').as('max'))
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .executeTakeFirst();
  return (row?.max ?? 0) + 1;
}

function entry(row: InvoiceLineRow, which: 'claimed' | 'certified'): LineEntry {
  return which === 'claimed'
    ? {
        workCompletedThisPeriodCents: row.claimedWorkCents,
        percentCompleteToDateBp: row.claimedWorkCents === null ? row.claimedPercentBp : null,
        materialsStoredNewCents: row.claimedMaterialsNewCents,
        materialsInstalledCents: row.claimedMaterialsInstalledCents,
        retainageReleasedCents: row.claimedRetainageReleasedCents,
      }
    : {
        workCompletedThisPeriodCents: row.certifiedWorkCents,
        percentCompleteToDateBp: row.certifiedWorkCents === null ? row.certifiedPercentBp : null,
        materialsStoredNewCents: row.certifiedMaterialsNewCents,
        materialsInstalledCents: row.certifiedMaterialsInstalledCents,
        retainageReleasedCents: row.certifiedRetainageReleasedCents,
      };
}

/**
 * The lines of some invoices with what they bill against: the SOV line, Subcontractor SOV detail
 * line or approved change-order line (item, description, cost code, scheduled value), in SOV order
 * (detail lines under their SOV line) then change-order order.
 */
export async function listInvoiceLines(db: DbOrTrx, tenantId: string, invoiceIds: string[]): Promise<Map<string, InvoiceLine[]>> {
  const result = new Map<string, InvoiceLine[]>(invoiceIds.map((id) => [id, []]));
  if (invoiceIds.length === 0) return result;
  const rows = await db
    .selectFrom('invoiceLines as il')
    .leftJoin('sovLines as s', (join) => join.onRef('s.tenantId', '=', 'il.tenantId').onRef('s.id', '=', 'il.sovLineId'))
    .leftJoin('ssovLines as d', (join) => join.onRef('d.tenantId', '=', 'il.tenantId').onRef('d.id', '=', 'il.ssovLineId'))
    .leftJoin('changeOrderLines as col', (join) => join.onRef('col.tenantId', '=', 'il.tenantId').onRef('col.id', '=', 'il.changeOrderLineId'))
    .leftJoin('changeOrders as co', (join) => join.onRef('co.tenantId', '=', 'col.tenantId').onRef('co.id', '=', 'col.changeOrderId'))
    .selectAll('il')
    .select([
      sql<string>`coalesce(s.item_number, case when col.item_number <> '' then col.item_number else co.number || '.' || col.position end)`.as('itemNumber'),
      sql<string>`coalesce(d.description, s.description, col.description)`.as('description'),
      sql<string>`coalesce(d.cost_code, s.cost_code, col.cost_code)`.as('costCode'),
      sql<number>`coalesce(d.amount_cents, s.scheduled_value_cents, col.amount_cents)`.as('scheduledValueCents'),
      sql<number>`case when il.source = 'sov' then 0 else 1 end`.as('sourceOrder'),
      sql<number>`coalesce(s.position, 0)`.as('sovPosition'),
      sql<string | null>`s.item_number`.as('sovItemNumber'),
      sql<string | null>`s.description`.as('sovDescription'),
      sql<number>`coalesce(d.position, 0)`.as('detailPosition'),
      sql<Date | null>`co.approved_at`.as('coApprovedAt'),
      sql<number>`coalesce(col.position, 0)`.as('coLinePosition'),
    ])
    .where('il.tenantId', '=', tenantId)
    .where('il.invoiceId', 'in', invoiceIds)
    .orderBy('sourceOrder')
    .orderBy('sovPosition')
    .orderBy('il.sovLineId')
    .orderBy('detailPosition')
    .orderBy('coApprovedAt')
    .orderBy('coLinePosition')
    .orderBy('il.id')
    .execute();
  for (const row of rows) {
    const isDetail = row.ssovLineId !== null;
    const line: InvoiceLine = {
      id: row.id,
      key: isDetail ? `ssov:${row.ssovLineId}` : row.source === 'sov' ? `sov:${row.sovLineId}` : `co:${row.changeOrderLineId}`,
      source: row.source as InvoiceLine['source'],
      ...(isDetail && {
        parent: { key: `sov:${row.sovLineId}`, itemNumber: row.sovItemNumber ?? '', description: row.sovDescription ?? '' },
      }),
      itemNumber: isDetail ? detailItemNumber({ itemNumber: row.sovItemNumber ?? '', position: Number(row.sovPosition) }, Number(row.detailPosition)) : row.itemNumber,
      description: row.description,
      costCode: row.costCode,
      scheduledValueCents: Number(row.scheduledValueCents),
      claimed: entry(row, 'claimed'),
      certified: entry(row, 'certified'),
      isCertifiedAdjusted: row.isCertifiedAdjusted,
      differenceReason: row.differenceReason,
      rates: { workBp: row.workRetainageBp, materialsBp: row.materialsRetainageBp },
      isRateOverridden: row.isRateOverridden,
      review: { status: row.reviewStatus as LineReview['status'], reason: row.reviewReason },
      retainageOverride:
        row.workRetainageOverrideCents !== null ? { workRetainageThisPeriodCents: row.workRetainageOverrideCents, reason: row.workRetainageOverrideReason ?? '' } : null,
    };
    result.get(row.invoiceId)?.push(line);
  }
  return result;
}

/**
 * Adds a line (all zero) to every not-yet-approved invoice of the commitment for each SOV line and
 * approved change-order line it lacks, at the commitment's current retainage rates. With the
 * Subcontractor SOV enabled, the SOV part is its detail lines instead — once the SSOV is approved —
 * each carrying the SOV line it rolls up to. Run when an invoice is created, an SOV line is added,
 * a change order is approved, or an approved SSOV gains lines.
 */
export async function addMissingInvoiceLines(db: DbOrTrx, tenantId: string, commitmentId: string, onlyInvoiceId?: string): Promise<void> {
  const invoiceFilter = onlyInvoiceId ? sql`and i.id = ${onlyInvoiceId}` : sql``;
  // One statement for the three kinds of line (SOV, SSOV detail, approved change order).
  await sql`
    insert into invoice_lines (tenant_id, invoice_id, source, sov_line_id, ssov_line_id, change_order_line_id, claimed_work_cents, certified_work_cents, work_retainage_bp, materials_retainage_bp)
    select i.tenant_id, i.id, 'sov', s.id, null::uuid, null::uuid, 0, 0, c.retainage_work_bp, c.retainage_materials_bp
      from invoices i
      join commitments c on c.tenant_id = i.tenant_id and c.id = i.commitment_id
      join sov_lines s on s.tenant_id = i.tenant_id and s.commitment_id = i.commitment_id
     where i.tenant_id = ${tenantId} and i.commitment_id = ${commitmentId} and i.status not in ('approved','approved_as_noted') ${invoiceFilter}
       and not c.ssov_enabled
       and not exists (select 1 from invoice_lines x where x.tenant_id = i.tenant_id and x.invoice_id = i.id and x.sov_line_id = s.id)
    union all
    select i.tenant_id, i.id, 'sov', d.sov_line_id, d.id, null::uuid, 0, 0, c.retainage_work_bp, c.retainage_materials_bp
      from invoices i
      join commitments c on c.tenant_id = i.tenant_id and c.id = i.commitment_id and c.ssov_enabled
      join ssovs v on v.tenant_id = i.tenant_id and v.commitment_id = i.commitment_id and v.status = 'approved'
      join ssov_lines d on d.tenant_id = i.tenant_id and d.commitment_id = i.commitment_id
     where i.tenant_id = ${tenantId} and i.commitment_id = ${commitmentId} and i.status not in ('approved','approved_as_noted') ${invoiceFilter}
       and not exists (select 1 from invoice_lines x where x.tenant_id = i.tenant_id and x.invoice_id = i.id and x.ssov_line_id = d.id)
    union all
    select i.tenant_id, i.id, 'change_order', null::uuid, null::uuid, l.id, 0, 0, c.retainage_work_bp, c.retainage_materials_bp
      from invoices i
      join commitments c on c.tenant_id = i.tenant_id and c.id = i.commitment_id
      join change_orders co on co.tenant_id = i.tenant_id and co.commitment_id = i.commitment_id and co.status = 'approved'
      join change_order_lines l on l.tenant_id = co.tenant_id and l.change_order_id = co.id
     where i.tenant_id = ${tenantId} and i.commitment_id = ${commitmentId} and i.status not in ('approved','approved_as_noted') ${invoiceFilter}
       and not exists (select 1 from invoice_lines x where x.tenant_id = i.tenant_id and x.invoice_id = i.id and x.change_order_line_id = l.id)
  `.execute(db);
}

/** SOV lines an invoice has billed (non-zero entries, or any approved invoice): they cannot be deleted. */
export async function findBilledSovLineIds(db: DbOrTrx, tenantId: string, sovLineIds: string[]): Promise<string[]> {
  if (sovLineIds.length === 0) return [];
  const rows = await db
    .selectFrom('invoiceLines as il')
    .innerJoin('invoices as i', (join) => join.onRef('i.tenantId', '=', 'il.tenantId').onRef('i.id', '=', 'il.invoiceId'))
    .select('il.sovLineId')
    .distinct()
    .where('il.tenantId', '=', tenantId)
    .where('il.sovLineId', 'in', sovLineIds)
    .where((eb) =>
      eb.or([
        eb('i.status', 'in', ['approved', 'approved_as_noted']),
        eb('il.claimedWorkCents', '<>', 0),
        eb('il.claimedPercentBp', 'is not', null),
        eb('il.claimedMaterialsNewCents', '<>', 0),
        eb('il.claimedRetainageReleasedCents', '<>', 0),
        eb('il.certifiedWorkCents', '<>', 0),
        eb('il.certifiedPercentBp', 'is not', null),
        eb('il.certifiedMaterialsNewCents', '<>', 0),
      ]),
    )
    .execute();
  return rows.map((r) => r.sovLineId).filter((id): id is string => id !== null);
}

/** Removes not-yet-billed invoice lines of SOV lines about to be deleted. */
export async function deleteUnbilledInvoiceLines(db: DbOrTrx, tenantId: string, sovLineIds: string[]): Promise<void> {
  if (sovLineIds.length === 0) return;
  await db.deleteFrom('invoiceLines').where('tenantId', '=', tenantId).where('sovLineId', 'in', sovLineIds).execute();
}

export async function hasInvoiceLinesForChangeOrder(db: DbOrTrx, tenantId: string, changeOrderId: string): Promise<boolean> {
  const row = await db
    .selectFrom('invoiceLines as il')
    .innerJoin('changeOrderLines as l', (join) => join.onRef('l.tenantId', '=', 'il.tenantId').onRef('l.id', '=', 'il.changeOrderLineId'))
    .innerJoin('invoices as i', (join) => join.onRef('i.tenantId', '=', 'il.tenantId').onRef('i.id', '=', 'il.invoiceId'))
    .select('il.id')
    .where('il.tenantId', '=', tenantId)
    .where('l.changeOrderId', '=', changeOrderId)
    .where((eb) =>
      eb.or([
        eb('i.status', 'in', ['approved', 'approved_as_noted']),
        eb('il.claimedWorkCents', '<>', 0),
        eb('il.claimedPercentBp', 'is not', null),
        eb('il.certifiedWorkCents', '<>', 0),
        eb('il.certifiedPercentBp', 'is not', null),
        eb('il.claimedMaterialsNewCents', '<>', 0),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}

/** Attachments on an invoice (not removed). */
export async function countInvoiceAttachments(db: DbOrTrx, tenantId: string, invoiceId: string): Promise<number> {
  const row = await db
    .selectFrom('invoiceAttachments')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('invoiceId', '=', invoiceId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Writes the entries, rates and overrides of many lines of one invoice in ONE statement
 * (`UPDATE … FROM jsonb_to_recordset`), however many lines changed: a save's round trips do not
 * grow with its lines (issue 12, decision 022).
 */
export async function updateInvoiceLineEntries(trx: Trx, tenantId: string, invoiceId: string, lines: InvoiceLine[]): Promise<void> {
  if (lines.length === 0) return;
  const rows = lines.map((l) => ({
    id: l.id,
    cw: l.claimed.workCompletedThisPeriodCents,
    cp: l.claimed.percentCompleteToDateBp,
    cm: l.claimed.materialsStoredNewCents,
    ci: l.claimed.materialsInstalledCents,
    cr: l.claimed.retainageReleasedCents,
    kw: l.certified.workCompletedThisPeriodCents,
    kp: l.certified.percentCompleteToDateBp,
    km: l.certified.materialsStoredNewCents,
    ki: l.certified.materialsInstalledCents,
    kr: l.certified.retainageReleasedCents,
    adj: l.isCertifiedAdjusted,
    reason: l.differenceReason,
    wbp: l.rates.workBp,
    mbp: l.rates.materialsBp,
    ovr: l.isRateOverridden,
    oc: l.retainageOverride?.workRetainageThisPeriodCents ?? null,
    oreason: l.retainageOverride ? l.retainageOverride.reason : null,
  }));
  await sql`
    update invoice_lines il set
      claimed_work_cents = v.cw, claimed_percent_bp = v.cp, claimed_materials_new_cents = v.cm,
      claimed_materials_installed_cents = v.ci, claimed_retainage_released_cents = v.cr,
      certified_work_cents = v.kw, certified_percent_bp = v.kp, certified_materials_new_cents = v.km,
      certified_materials_installed_cents = v.ki, certified_retainage_released_cents = v.kr,
      is_certified_adjusted = v.adj, difference_reason = v.reason,
      work_retainage_bp = v.wbp, materials_retainage_bp = v.mbp, is_rate_overridden = v.ovr,
      work_retainage_override_cents = v.oc, work_retainage_override_reason = v.oreason
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
      id uuid, cw bigint, cp int, cm bigint, ci bigint, cr bigint, kw bigint, kp int, km bigint, ki bigint, kr bigint,
      adj boolean, reason text, wbp int, mbp int, ovr boolean, oc bigint, oreason text)
    where il.id = v.id and il.tenant_id = ${tenantId} and il.invoice_id = ${invoiceId}
  `.execute(trx);
}

/** Records line review decisions of one invoice in ONE statement, however many lines (decision 022). */
export async function updateInvoiceLineReviews(trx: Trx, tenantId: string, invoiceId: string, reviews: { lineId: string; review: LineReview }[]): Promise<void> {
  if (reviews.length === 0) return;
  const rows = reviews.map((r) => ({ id: r.lineId, status: r.review.status, reason: r.review.reason }));
  await sql`
    update invoice_lines il set review_status = v.status, review_reason = v.reason
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, status text, reason text)
    where il.id = v.id and il.tenant_id = ${tenantId} and il.invoice_id = ${invoiceId}
  `.execute(trx);
}
