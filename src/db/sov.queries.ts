/** Schedule of values lines and commitment change orders. */
import type { ChangeOrder, ChangeOrderLine, ChangeOrderStatus } from '../domain/change-order.ts';
import type { SovLine } from '../domain/commitment.ts';
import { notFound } from '../domain/errors.ts';
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
