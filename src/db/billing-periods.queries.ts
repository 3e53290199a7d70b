/** Billing periods of a project. */
import type { BillingPeriod, BillingPeriodStatus } from '../domain/billing-period.ts';
import { notFound } from '../domain/errors.ts';
import type { DbOrTrx } from './database.ts';
import { isUuid } from './ids.ts';
import { crossTenant } from './tenant-check.ts';
import type { BillingPeriodRow } from './tables.ts';

export function billingPeriodFromRow(row: BillingPeriodRow): BillingPeriod {
  return {
    id: row.id,
    projectId: row.projectId,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    dueOn: row.dueOn,
    status: row.status as BillingPeriodStatus,
    origin: row.origin as BillingPeriod['origin'],
    version: row.version,
  };
}

export async function listBillingPeriods(db: DbOrTrx, tenantId: string, projectId: string): Promise<(BillingPeriod & { invoiceCount: number })[]> {
  const rows = await db
    .selectFrom('billingPeriods as bp')
    .selectAll('bp')
    .select((eb) =>
      eb
        .selectFrom('invoices as i')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('i.tenantId', '=', 'bp.tenantId')
        .whereRef('i.billingPeriodId', '=', 'bp.id')
        .as('invoiceCount'),
    )
    .where('bp.tenantId', '=', tenantId)
    .where('bp.projectId', '=', projectId)
    .orderBy('bp.startsOn', 'desc')
    .execute();
  return rows.map((r) => ({ ...billingPeriodFromRow(r), invoiceCount: Number(r.invoiceCount ?? 0) }));
}

export async function findBillingPeriod(db: DbOrTrx, tenantId: string, projectId: string, periodId: string): Promise<BillingPeriod | undefined> {
  if (!isUuid(periodId)) return undefined;
  const row = await db
    .selectFrom('billingPeriods')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('projectId', '=', projectId)
    .where('id', '=', periodId)
    .executeTakeFirst();
  return row && billingPeriodFromRow(row);
}

export async function getBillingPeriod(db: DbOrTrx, tenantId: string, projectId: string, periodId: string, options: { forUpdate?: boolean } = {}): Promise<BillingPeriod> {
  if (!isUuid(periodId)) throw notFound('The billing period');
  let q = db.selectFrom('billingPeriods').selectAll().where('tenantId', '=', tenantId).where('projectId', '=', projectId).where('id', '=', periodId);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('The billing period');
  return billingPeriodFromRow(row);
}

export async function findOpenBillingPeriod(db: DbOrTrx, tenantId: string, projectId: string): Promise<BillingPeriod | undefined> {
  const row = await db
    .selectFrom('billingPeriods')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('projectId', '=', projectId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return row && billingPeriodFromRow(row);
}

export async function countInvoicesInPeriod(db: DbOrTrx, tenantId: string, periodId: string): Promise<number> {
  const row = await db
    .selectFrom('invoices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('billingPeriodId', '=', periodId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Serialises period changes of one project (row lock on the project): with one open period and
 * no overlaps checked under this lock, concurrent creations cannot both succeed.
 */
export async function lockProjectForPeriods(db: DbOrTrx, tenantId: string, projectId: string): Promise<void> {
  await db.selectFrom('projects').select('id').where('tenantId', '=', tenantId).where('id', '=', projectId).forUpdate().executeTakeFirst();
}

export async function closeOpenPeriods(db: DbOrTrx, tenantId: string, projectId: string, now: Date): Promise<string[]> {
  const rows = await db
    .updateTable('billingPeriods')
    .set((eb) => ({ status: 'closed', version: eb('version', '+', 1), updatedAt: now }))
    .where('tenantId', '=', tenantId)
    .where('projectId', '=', projectId)
    .where('status', '=', 'open')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Projects whose automatic schedule is on, of every tenant (the worker visits them). */
export async function listAutomaticSchedules(db: DbOrTrx): Promise<{ tenantId: string; projectId: string; timeZone: string }[]> {
  return db
    .selectFrom('projectSettings as s')
    .innerJoin('projects as p', (join) => join.onRef('p.tenantId', '=', 's.tenantId').onRef('p.id', '=', 's.projectId'))
    .select(['s.tenantId', 's.projectId', 'p.timeZone'])
    .where('s.automaticFrequency', '<>', 'never')
    .where('s.automaticStartsOn', 'is not', null)
    .modifyEnd(crossTenant('the worker finds the automatic schedules of every tenant'))
    .execute();
}
