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
import type { InvoiceRow } from './tables.ts';

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

/** Every invoice of a commitment, in sequence order. */
export async function listCommitmentInvoices(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<Invoice[]> {
  const rows = await db.selectFrom('invoices').selectAll().where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId).orderBy('sequence').execute();
  return rows.map(invoiceFromRow);
}

/**
 * One line as `listInvoiceLines` receives it: a JSON array, in this order. int8 columns arrive as
 * JSON numbers; `safeCents` refuses any a JS number cannot hold exactly, as the driver's int8
 * parser does for ordinary columns (money must never drift).
 */
type LineTuple = [
  id: string,
  source: string,
  sovLineId: string | null,
  ssovLineId: string | null,
  changeOrderLineId: string | null,
  itemNumber: string,
  description: string,
  costCode: string,
  scheduledValueCents: number,
  sovItemNumber: string | null,
  sovDescription: string | null,
  sovPosition: number,
  detailPosition: number,
  claimedWorkCents: number | null,
  claimedPercentBp: number | null,
  claimedMaterialsNewCents: number,
  claimedMaterialsInstalledCents: number,
  claimedRetainageReleasedCents: number,
  certifiedWorkCents: number | null,
  certifiedPercentBp: number | null,
  certifiedMaterialsNewCents: number,
  certifiedMaterialsInstalledCents: number,
  certifiedRetainageReleasedCents: number,
  isCertifiedAdjusted: boolean,
  differenceReason: string | null,
  workRetainageBp: number,
  materialsRetainageBp: number,
  isRateOverridden: boolean,
  reviewStatus: string | null,
  reviewReason: string | null,
  workRetainageOverrideCents: number | null,
  workRetainageOverrideReason: string | null,
];

function safeCents(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${value} is outside the safe integer range`);
  return value;
}

function safeCentsOrNull(value: number | null): number | null {
  return value === null ? null : safeCents(value);
}

function entry(work: number | null, percent: number | null, materialsNew: number, installed: number, released: number): LineEntry {
  return {
    workCompletedThisPeriodCents: safeCentsOrNull(work),
    percentCompleteToDateBp: work === null ? percent : null,
    materialsStoredNewCents: safeCents(materialsNew),
    materialsInstalledCents: safeCents(installed),
    retainageReleasedCents: safeCents(released),
  };
}

function lineFromTuple(t: LineTuple): InvoiceLine {
  const [id, source, sovLineId, ssovLineId, changeOrderLineId, itemNumber, description, costCode, scheduledValueCents] = t;
  const [sovItemNumber, sovDescription, sovPosition, detailPosition] = [t[9], t[10], t[11], t[12]];
  const isDetail = ssovLineId !== null;
  return {
    id,
    key: isDetail ? `ssov:${ssovLineId}` : source === 'sov' ? `sov:${sovLineId}` : `co:${changeOrderLineId}`,
    source: source as InvoiceLine['source'],
    ...(isDetail && {
      parent: { key: `sov:${sovLineId}`, itemNumber: sovItemNumber ?? '', description: sovDescription ?? '' },
    }),
    itemNumber: isDetail ? detailItemNumber({ itemNumber: sovItemNumber ?? '', position: sovPosition }, detailPosition) : itemNumber,
    description,
    costCode,
    scheduledValueCents: safeCents(scheduledValueCents),
    claimed: entry(t[13], t[14], t[15], t[16], t[17]),
    certified: entry(t[18], t[19], t[20], t[21], t[22]),
    isCertifiedAdjusted: t[23],
    differenceReason: t[24],
    rates: { workBp: t[25], materialsBp: t[26] },
    isRateOverridden: t[27],
    review: { status: t[28] as LineReview['status'], reason: t[29] },
    retainageOverride: t[30] !== null ? { workRetainageThisPeriodCents: safeCents(t[30]), reason: t[31] ?? '' } : null,
  };
}

/**
 * The lines of some invoices with what they bill against: the SOV line, Subcontractor SOV detail
 * line or approved change-order line (item, description, cost code, scheduled value), in SOV order
 * (detail lines under their SOV line) then change-order order.
 *
 * Each invoice's lines come back as ONE JSON array (a row per invoice, not per line): for 2,000
 * lines, parsing 2,000 rows of 36 text columns in the driver and renaming their keys took most of
 * the time of every invoice request (PGlite: ~60 of ~65 ms; PostgreSQL: ~13 of ~17 ms), where
 * JSON.parse of the array takes a few milliseconds (measured for issue 12). An invoice's lines bill
 * against its own commitment's SOV and SSOV lines (`addMissingInvoiceLines`): naming the
 * commitment in the joins lets PostgreSQL read just those through their index rather than hash
 * every SOV line of the database.
 */
export async function listInvoiceLines(db: DbOrTrx, tenantId: string, invoiceIds: string[]): Promise<Map<string, InvoiceLine[]>> {
  const result = new Map<string, InvoiceLine[]>(invoiceIds.map((id) => [id, []]));
  if (invoiceIds.length === 0) return result;
  const { rows } = await sql<{ invoiceId: string; lines: LineTuple[] }>`
    select il.invoice_id, json_agg(json_build_array(
        il.id, il.source, il.sov_line_id, il.ssov_line_id, il.change_order_line_id,
        coalesce(s.item_number, case when col.item_number <> '' then col.item_number else co.number || '.' || col.position end),
        coalesce(d.description, s.description, col.description),
        coalesce(d.cost_code, s.cost_code, col.cost_code),
        coalesce(d.amount_cents, s.scheduled_value_cents, col.amount_cents),
        s.item_number, s.description, coalesce(s.position, 0), coalesce(d.position, 0),
        il.claimed_work_cents, il.claimed_percent_bp, il.claimed_materials_new_cents, il.claimed_materials_installed_cents,
        il.claimed_retainage_released_cents,
        il.certified_work_cents, il.certified_percent_bp, il.certified_materials_new_cents, il.certified_materials_installed_cents,
        il.certified_retainage_released_cents,
        il.is_certified_adjusted, il.difference_reason, il.work_retainage_bp, il.materials_retainage_bp, il.is_rate_overridden,
        il.review_status, il.review_reason, il.work_retainage_override_cents, il.work_retainage_override_reason)
      order by case when il.source = 'sov' then 0 else 1 end, coalesce(s.position, 0), il.sov_line_id, coalesce(d.position, 0),
               co.approved_at, coalesce(col.position, 0), il.id) as lines
    from invoice_lines il
    left join sov_lines s on s.tenant_id = il.tenant_id and s.id = il.sov_line_id
      and s.commitment_id in (select i.commitment_id from invoices i where i.tenant_id = ${tenantId} and i.id = any(${invoiceIds}::uuid[]))
    left join ssov_lines d on d.tenant_id = il.tenant_id and d.id = il.ssov_line_id
      and d.commitment_id in (select i.commitment_id from invoices i where i.tenant_id = ${tenantId} and i.id = any(${invoiceIds}::uuid[]))
    left join change_order_lines col on col.tenant_id = il.tenant_id and col.id = il.change_order_line_id
    left join change_orders co on co.tenant_id = col.tenant_id and co.id = col.change_order_id
    where il.tenant_id = ${tenantId} and il.invoice_id = any(${invoiceIds}::uuid[])
    group by il.invoice_id
  `.execute(db);
  for (const row of rows) if (result.has(row.invoiceId)) result.set(row.invoiceId, row.lines.map(lineFromTuple));
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

/** Line review decisions as one UPDATE, however many lines, not yet sent: for `executeWritesTogether`. */
export function invoiceLineReviewsWrite(tenantId: string, invoiceId: string, reviews: { lineId: string; review: LineReview }[]) {
  const rows = reviews.map((r) => ({ id: r.lineId, status: r.review.status, reason: r.review.reason }));
  return sql`
    update invoice_lines il set review_status = v.status, review_reason = v.reason
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, status text, reason text)
    where il.id = v.id and il.tenant_id = ${tenantId} and il.invoice_id = ${invoiceId}
  `;
}
