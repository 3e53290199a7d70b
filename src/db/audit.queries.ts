import type { DbOrTrx, Trx } from './database.ts';

export type AuditEntry = {
  occurredAt: Date;
  actorUserId: string | null;
  projectId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  before?: unknown;
  after?: unknown;
};

/** Every write records who changed what, when, before and after — in the same transaction. */
export async function recordAudit(trx: Trx, entry: AuditEntry): Promise<void> {
  await trx
    .insertInto('auditLog')
    .values({
      occurredAt: entry.occurredAt,
      actorUserId: entry.actorUserId,
      projectId: entry.projectId,
      entityType: entry.entityType,
      entityId: entry.entityId,
      action: entry.action,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}

export type AuditRecord = {
  id: number;
  occurredAt: Date;
  actorUserId: string | null;
  actorName: string | null;
  entityType: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
};

export async function listAudit(
  db: DbOrTrx,
  filter: { projectId?: string; entityType?: string; entityId?: string; limit: number; beforeId?: number },
): Promise<AuditRecord[]> {
  let q = db
    .selectFrom('auditLog as a')
    .leftJoin('users as u', 'u.id', 'a.actorUserId')
    .select([
      'a.id',
      'a.occurredAt',
      'a.actorUserId',
      'u.name as actorName',
      'a.entityType',
      'a.entityId',
      'a.action',
      'a.before',
      'a.after',
    ]);
  if (filter.projectId) q = q.where('a.projectId', '=', filter.projectId);
  if (filter.entityType) q = q.where('a.entityType', '=', filter.entityType);
  if (filter.entityId) q = q.where('a.entityId', '=', filter.entityId);
  if (filter.beforeId) q = q.where('a.id', '<', filter.beforeId);
  return q.orderBy('a.id', 'desc').limit(filter.limit).execute();
}
