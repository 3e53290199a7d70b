/** Schedule of values lines and commitment change orders. */
import type { ChangeOrder, ChangeOrderLine, ChangeOrderStatus } from '../domain/change-order.ts';
import type { SovLine } from '../domain/commitment.ts';
import { notFound } from '../domain/errors.ts';
import { sql } from 'kysely';
import type { DbOrTrx } from './database.ts';
import { isUuid } from './ids.ts';
import type { ChangeOrderLineRow, ChangeOrderRow, SovLineRow } from './tables.ts';

export function sovLineFromRow(row: SovLineRow): SovLine {
  return {
    id: row.id,
    commitmentId: row.commitmentId,
    position: row.position,
    itemNumber: row.itemNumber,
    costCode: row.costCode,
    description: row.description,
    scheduledValueCents: row.scheduledValueCents,
  };
}

export async function listSovLines(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<SovLine[]> {
  const rows = await db
    .selectFrom('sovLines')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map(sovLineFromRow);
}

export async function countSovLines(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<number> {
  const row = await db
    .selectFrom('sovLines')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getSovLine(db: DbOrTrx, tenantId: string, commitmentId: string, lineId: string): Promise<SovLine> {
  if (!isUuid(lineId)) throw notFound('The SOV line');
  const row = await db
    .selectFrom('sovLines')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .where('id', '=', lineId)
    .executeTakeFirst();
  if (!row) throw notFound('The SOV line');
  return sovLineFromRow(row);
}

export async function nextSovPosition(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<number> {
  const row = await db
    .selectFrom('sovLines')
    .select((eb) => eb.fn.max('position').as('max'))
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .executeTakeFirst();
  return (row?.max ?? 0) + 1;
}

function changeOrderLineFromRow(row: ChangeOrderLineRow): ChangeOrderLine {
  return {
    id: row.id,
    changeOrderId: row.changeOrderId,
    position: row.position,
    itemNumber: row.itemNumber,
    costCode: row.costCode,
    description: row.description,
    amountCents: row.amountCents,
  };
}

function changeOrderFromRow(row: ChangeOrderRow, lines: ChangeOrderLine[]): ChangeOrder {
  return {
    id: row.id,
    commitmentId: row.commitmentId,
    number: row.number,
    title: row.title,
    status: row.status as ChangeOrderStatus,
    approvedAt: row.approvedAt,
    version: row.version,
    lines,
  };
}

export async function listChangeOrders(
  db: DbOrTrx,
  tenantId: string,
  commitmentId: string,
  filter: { statuses?: ChangeOrderStatus[] } = {},
): Promise<ChangeOrder[]> {
  let q = db.selectFrom('changeOrders').selectAll().where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId);
  if (filter.statuses) q = q.where('status', 'in', filter.statuses);
  const rows = await q.orderBy('createdAt').orderBy('id').execute();
  if (rows.length === 0) return [];
  const lineRows = await db
    .selectFrom('changeOrderLines')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where(
      'changeOrderId',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map((row) =>
    changeOrderFromRow(
      row,
      lineRows.filter((l) => l.changeOrderId === row.id).map(changeOrderLineFromRow),
    ),
  );
}

export async function getChangeOrder(
  db: DbOrTrx,
  tenantId: string,
  commitmentId: string,
  changeOrderId: string,
  options: { forUpdate?: boolean } = {},
): Promise<ChangeOrder> {
  if (!isUuid(changeOrderId)) throw notFound('The change order');
  let q = db
    .selectFrom('changeOrders')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .where('id', '=', changeOrderId);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('The change order');
  const lines = await db
    .selectFrom('changeOrderLines')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('changeOrderId', '=', changeOrderId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return changeOrderFromRow(row, lines.map(changeOrderLineFromRow));
}

export async function isChangeOrderNumberTaken(
  db: DbOrTrx,
  tenantId: string,
  commitmentId: string,
  number: string,
  exceptId?: string,
): Promise<boolean> {
  let q = db
    .selectFrom('changeOrders')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('commitmentId', '=', commitmentId)
    .where('number', '=', number);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export type SovLineUpdate = { id: string; position: number; itemNumber: string; costCode: string; description: string; scheduledValueCents: number };

/**
 * Sets every given line of one commitment's SOV (position, texts, amount) in one UPDATE per 2,000
 * lines: a whole-SOV save or an import that keeps 10,000 lines must not be 10,000 statements.
 * The commitment is compared through each row, not as a constant: with a constant, lines inserted
 * in the same transaction (no statistics yet) made the planner expect one line and loop over the
 * whole JSON for each of 10,000 — 3 s per 2,000 lines instead of 30 ms. Keyed by id, it looks
 * each line up by its primary key.
 */
export async function updateSovLines(db: DbOrTrx, tenantId: string, commitmentId: string, lines: readonly SovLineUpdate[], now: Date): Promise<void> {
  for (let i = 0; i < lines.length; i += 2000) {
    const rows = lines.slice(i, i + 2000).map((l) => ({ id: l.id, cid: commitmentId, p: l.position, i: l.itemNumber, c: l.costCode, d: l.description, v: l.scheduledValueCents }));
    await sql`
      update sov_lines s set position = v.p, item_number = v.i, cost_code = v.c, description = v.d, scheduled_value_cents = v.v, updated_at = ${now}
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, cid uuid, p int, i text, c text, d text, v bigint)
      where s.id = v.id and s.tenant_id = ${tenantId} and s.commitment_id = v.cid
    `.execute(db);
  }
}
