/** The Subcontractor SOV of a commitment and its detail lines. */
import { sql } from 'kysely';
import type { InvoiceStatus } from '../domain/invoice-status.ts';
import { invoiceLabel } from '../domain/invoice.ts';
import type { DetailLineUse, Ssov, SsovLine, SsovSavePlan, SsovStatus } from '../domain/ssov.ts';
import type { DbOrTrx, Trx } from './database.ts';
import type { SsovLineRow, SsovRow } from './tables.ts';

export function ssovFromRow(row: SsovRow): Ssov {
  return {
    commitmentId: row.commitmentId,
    status: row.status as SsovStatus,
    version: row.version,
    submittedAt: row.submittedAt,
    submittedBy: row.submittedBy,
    approvedAt: row.approvedAt,
    approvedBy: row.approvedBy,
    sentBackAt: row.sentBackAt,
    sentBackBy: row.sentBackBy,
    sentBackReason: row.sentBackReason,
    requestedAt: row.requestedAt,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function ssovLineFromRow(row: SsovLineRow): SsovLine {
  return {
    id: row.id,
    commitmentId: row.commitmentId,
    sovLineId: row.sovLineId,
    position: row.position,
    description: row.description,
    costCode: row.costCode,
    amountCents: row.amountCents,
  };
}

/** What a commitment whose SSOV was never written has: an empty Draft at version 1. */
function emptySsov(commitmentId: string, now: Date): Ssov {
  return {
    commitmentId,
    status: 'draft',
    version: 1,
    submittedAt: null,
    submittedBy: null,
    approvedAt: null,
    approvedBy: null,
    sentBackAt: null,
    sentBackBy: null,
    sentBackReason: null,
    requestedAt: null,
    requestedBy: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** The SSOV as stored, or an empty Draft (version 1) when none was written yet. */
export async function getSsov(db: DbOrTrx, tenantId: string, commitmentId: string, now: Date): Promise<Ssov> {
  const row = await db.selectFrom('ssovs').selectAll().where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId).executeTakeFirst();
  return row ? ssovFromRow(row) : emptySsov(commitmentId, now);
}

/** Creates the SSOV row if missing and row-locks it (SELECT … FOR UPDATE). */
export async function lockSsov(trx: Trx, tenantId: string, commitmentId: string, now: Date): Promise<Ssov> {
  await trx
    .insertInto('ssovs')
    .values({ tenantId, commitmentId, createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.columns(['tenantId', 'commitmentId']).doNothing())
    .execute();
  const row = await trx.selectFrom('ssovs').selectAll().where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId).forUpdate().executeTakeFirstOrThrow();
  return ssovFromRow(row);
}

/** Writes a status change (and its trail) and moves the version on. */
export async function updateSsov(
  trx: Trx,
  tenantId: string,
  commitmentId: string,
  changes: Partial<Omit<Ssov, 'commitmentId' | 'createdAt' | 'updatedAt' | 'version'>> & { version: number; updatedAt: Date },
): Promise<Ssov> {
  const row = await trx.updateTable('ssovs').set(changes).where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId).returningAll().executeTakeFirstOrThrow();
  return ssovFromRow(row);
}

/** Turning the SSOV (back) on starts it over as a Draft; its lines stay. */
export async function resetSsovToDraft(trx: Trx, tenantId: string, commitmentId: string, now: Date): Promise<void> {
  await trx
    .updateTable('ssovs')
    .set((eb) => ({ status: 'draft', version: eb('version', '+', 1), updatedAt: now }))
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .execute();
}

/** The detail lines of a commitment, in SOV order and then in their order under each SOV line. */
export async function listSsovLines(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<SsovLine[]> {
  const rows = await db
    .selectFrom('ssovLines as d')
    .innerJoin('sovLines as s', (join) => join.onRef('s.tenantId', '=', 'd.tenantId').onRef('s.id', '=', 'd.sovLineId'))
    .selectAll('d')
    .where('d.tenantId', '=', tenantId)
    .where('d.commitmentId', '=', commitmentId)
    .orderBy('s.position')
    .orderBy('s.id')
    .orderBy('d.position')
    .orderBy('d.id')
    .execute();
  return rows.map(ssovLineFromRow);
}

/**
 * Every invoice each detail line of the commitment is on: its label, whether it is approved, and
 * whether any amount is entered on the line there.
 */
export async function listDetailLineUses(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<Map<string, DetailLineUse[]>> {
  const rows = await db
    .selectFrom('invoiceLines as il')
    .innerJoin('invoices as i', (join) => join.onRef('i.tenantId', '=', 'il.tenantId').onRef('i.id', '=', 'il.invoiceId'))
    .select([
      'il.ssovLineId',
      'i.number',
      'i.sequence',
      'i.status',
      sql<boolean>`(il.claimed_work_cents <> 0 or il.claimed_percent_bp is not null or il.claimed_materials_new_cents <> 0
        or il.claimed_materials_installed_cents <> 0 or il.claimed_retainage_released_cents <> 0
        or il.certified_work_cents <> 0 or il.certified_percent_bp is not null or il.certified_materials_new_cents <> 0
        or il.certified_materials_installed_cents <> 0 or il.certified_retainage_released_cents <> 0)`.as('hasAmounts'),
    ])
    .where('i.tenantId', '=', tenantId)
    .where('i.commitmentId', '=', commitmentId)
    .where('il.ssovLineId', 'is not', null)
    .orderBy('i.sequence')
    .execute();
  const uses = new Map<string, DetailLineUse[]>();
  for (const row of rows) {
    if (!row.ssovLineId) continue;
    const status = row.status as InvoiceStatus;
    const list = uses.get(row.ssovLineId) ?? [];
    list.push({
      invoiceLabel: invoiceLabel(row),
      isApproved: status === 'approved' || status === 'approved_as_noted',
      hasAmounts: Boolean(row.hasAmounts),
    });
    uses.set(row.ssovLineId, list);
  }
  return uses;
}

/**
 * Writes a planned save: removes the lines the save leaves out (and their invoice lines, which the
 * plan guarantees are empty and on invoices not yet approved), updates kept lines, adds new ones.
 */
export async function writeSsovLines(trx: Trx, tenantId: string, commitmentId: string, plan: SsovSavePlan, now: Date): Promise<void> {
  if (plan.removedIds.length > 0) {
    await trx.deleteFrom('invoiceLines').where('tenantId', '=', tenantId).where('ssovLineId', 'in', plan.removedIds).execute();
    await trx.deleteFrom('ssovLines').where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId).where('id', 'in', plan.removedIds).execute();
  }
  const inserts = [];
  for (const line of plan.lines) {
    const values = {
      sovLineId: line.sovLineId,
      position: line.position,
      description: line.description,
      costCode: line.costCode ?? '',
      amountCents: line.amountCents,
      updatedAt: now,
    };
    if (line.id) await trx.updateTable('ssovLines').set(values).where('tenantId', '=', tenantId).where('id', '=', line.id).where('commitmentId', '=', commitmentId).execute();
    else inserts.push({ ...values, tenantId, commitmentId, createdAt: now });
  }
  // One multi-row insert per 500 new lines: a breakdown of hundreds of lines saves in a few statements.
  for (let i = 0; i < inserts.length; i += 500) {
    await trx.insertInto('ssovLines').values(inserts.slice(i, i + 500)).execute();
  }
}

/** Locks the commitment's invoices, so none is approved while its lines' amounts are being changed. */
export async function lockCommitmentInvoices(trx: Trx, tenantId: string, commitmentId: string): Promise<number> {
  const rows = await trx.selectFrom('invoices').select('id').where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId).orderBy('id').forUpdate().execute();
  return rows.length;
}

export async function countCommitmentInvoices(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<number> {
  const row = await db
    .selectFrom('invoices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
