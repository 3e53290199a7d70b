/** Subcontractor invoices and their lines. */
import { sql } from 'kysely';
import type { InvoiceType } from '../domain/invite-to-bill.ts';
import type { Invoice, InvoiceLine, InvoiceSnapshot, LineReview } from '../domain/invoice.ts';
import type { InvoiceActor, InvoiceStatus } from '../domain/invoice-status.ts';
import type { LineEntry } from '../domain/pay-application.ts';
import type { SlidingScale } from '../domain/sliding-scale.ts';
import { detailItemNumber } from '../domain/ssov.ts';
import { notFound } from '../domain/errors.ts';
import type { DbOrTrx, Trx } from './database.ts';
import { isUuid } from './ids.ts';
import type { InvoiceLineRow, InvoiceRow } from './tables.ts';

export function invoiceFromRow(row: InvoiceRow): Invoice {
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
  projectId: string,
  invoiceId: string,
  options: { forUpdate?: boolean } = {},
): Promise<Invoice> {
  if (!isUuid(invoiceId)) throw notFound('The invoice');
  let q = db.selectFrom('invoices').selectAll().where('projectId', '=', projectId).where('id', '=', invoiceId);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('The invoice');
  return invoiceFromRow(row);
}

/** Every invoice of a commitment, in sequence order. */
export async function listCommitmentInvoices(db: DbOrTrx, commitmentId: string): Promise<Invoice[]> {
  const rows = await db.selectFrom('invoices').selectAll().where('commitmentId', '=', commitmentId).orderBy('sequence').execute();
  return rows.map(invoiceFromRow);
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
export async function listInvoiceLines(db: DbOrTrx, invoiceIds: string[]): Promise<Map<string, InvoiceLine[]>> {
  const result = new Map<string, InvoiceLine[]>(invoiceIds.map((id) => [id, []]));
  if (invoiceIds.length === 0) return result;
  const rows = await db
    .selectFrom('invoiceLines as il')
    .leftJoin('sovLines as s', 's.id', 'il.sovLineId')
    .leftJoin('ssovLines as d', 'd.id', 'il.ssovLineId')
    .leftJoin('changeOrderLines as col', 'col.id', 'il.changeOrderLineId')
    .leftJoin('changeOrders as co', 'co.id', 'col.changeOrderId')
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
export async function addMissingInvoiceLines(db: DbOrTrx, commitmentId: string, onlyInvoiceId?: string): Promise<void> {
  const invoiceFilter = onlyInvoiceId ? sql`and i.id = ${onlyInvoiceId}` : sql``;
  // One statement for the three kinds of line (SOV, SSOV detail, approved change order).
  await sql`
    insert into invoice_lines (invoice_id, source, sov_line_id, ssov_line_id, change_order_line_id, claimed_work_cents, certified_work_cents, work_retainage_bp, materials_retainage_bp)
    select i.id, 'sov', s.id, null::uuid, null::uuid, 0, 0, c.retainage_work_bp, c.retainage_materials_bp
      from invoices i
      join commitments c on c.id = i.commitment_id
      join sov_lines s on s.commitment_id = i.commitment_id
     where i.commitment_id = ${commitmentId} and i.status not in ('approved','approved_as_noted') ${invoiceFilter}
       and not c.ssov_enabled
       and not exists (select 1 from invoice_lines x where x.invoice_id = i.id and x.sov_line_id = s.id)
    union all
    select i.id, 'sov', d.sov_line_id, d.id, null::uuid, 0, 0, c.retainage_work_bp, c.retainage_materials_bp
      from invoices i
      join commitments c on c.id = i.commitment_id and c.ssov_enabled
      join ssovs v on v.commitment_id = i.commitment_id and v.status = 'approved'
      join ssov_lines d on d.commitment_id = i.commitment_id
     where i.commitment_id = ${commitmentId} and i.status not in ('approved','approved_as_noted') ${invoiceFilter}
       and not exists (select 1 from invoice_lines x where x.invoice_id = i.id and x.ssov_line_id = d.id)
    union all
    select i.id, 'change_order', null::uuid, null::uuid, l.id, 0, 0, c.retainage_work_bp, c.retainage_materials_bp
      from invoices i
      join commitments c on c.id = i.commitment_id
      join change_orders co on co.commitment_id = i.commitment_id and co.status = 'approved'
      join change_order_lines l on l.change_order_id = co.id
     where i.commitment_id = ${commitmentId} and i.status not in ('approved','approved_as_noted') ${invoiceFilter}
       and not exists (select 1 from invoice_lines x where x.invoice_id = i.id and x.change_order_line_id = l.id)
  `.execute(db);
}

/** SOV lines an invoice has billed (non-zero entries, or any approved invoice): they cannot be deleted. */
export async function findBilledSovLineIds(db: DbOrTrx, sovLineIds: string[]): Promise<string[]> {
  if (sovLineIds.length === 0) return [];
  const rows = await db
    .selectFrom('invoiceLines as il')
    .innerJoin('invoices as i', 'i.id', 'il.invoiceId')
    .select('il.sovLineId')
    .distinct()
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
export async function deleteUnbilledInvoiceLines(db: DbOrTrx, sovLineIds: string[]): Promise<void> {
  if (sovLineIds.length === 0) return;
  await db.deleteFrom('invoiceLines').where('sovLineId', 'in', sovLineIds).execute();
}

export async function hasInvoiceLinesForChangeOrder(db: DbOrTrx, changeOrderId: string): Promise<boolean> {
  const row = await db
    .selectFrom('invoiceLines as il')
    .innerJoin('changeOrderLines as l', 'l.id', 'il.changeOrderLineId')
    .innerJoin('invoices as i', 'i.id', 'il.invoiceId')
    .select('il.id')
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
export async function countInvoiceAttachments(db: DbOrTrx, invoiceId: string): Promise<number> {
  const row = await db
    .selectFrom('invoiceAttachments')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
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
export async function updateInvoiceLineEntries(trx: Trx, invoiceId: string, lines: InvoiceLine[]): Promise<void> {
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
    where il.id = v.id and il.invoice_id = ${invoiceId}
  `.execute(trx);
}

/** Records line review decisions of one invoice in ONE statement, however many lines (decision 022). */
/** Line review decisions as one UPDATE, however many lines, not yet sent: for `executeWritesTogether`. */
export function invoiceLineReviewsWrite(invoiceId: string, reviews: { lineId: string; review: LineReview }[]) {
  const rows = reviews.map((r) => ({ id: r.lineId, status: r.review.status, reason: r.review.reason }));
  return sql`
    update invoice_lines il set review_status = v.status, review_reason = v.reason
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, status text, reason text)
    where il.id = v.id and il.invoice_id = ${invoiceId}
  `;
}
