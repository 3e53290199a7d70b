import { sql } from 'kysely';
import type { ChainedAuditEntry } from '../domain/audit-chain.ts';
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

/**
 * Every write records who changed what, when, before and after — in the same transaction. The
 * database links the entry into its chain (docs/decisions/016-audit-chain.md) and refuses any later
 * change to it: there is no update or delete of audit entries anywhere.
 */
export async function recordAudit(trx: Trx, entry: AuditEntry): Promise<void> {
  await auditEntriesQuery(trx, [entry]).execute();
}

/** Many entries in one statement; the chain trigger links them in the order given. */
export async function recordAudits(trx: Trx, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await auditEntriesQuery(trx, entries).execute();
}

/** The INSERT of some entries (at least one), not yet sent: for `executeWritesTogether`. */
export function auditEntriesQuery(trx: Trx, entries: readonly AuditEntry[]) {
  return trx.insertInto('auditLog').values(
    entries.map((entry) => ({
      occurredAt: entry.occurredAt,
      actorUserId: entry.actorUserId,
      projectId: entry.projectId,
      entityType: entry.entityType,
      entityId: entry.entityId,
      action: entry.action,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })),
  );
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

/** The UTC instant with microseconds, as the chain hashes it. */
const canonicalInstant = sql<string>`to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * One page of audit entries in chain order, every hashed field as PostgreSQL prints it, after the
 * given position (keyset paging on the audit_log_chain_idx index).
 */
export async function readAuditChainPage(
  db: DbOrTrx,
  after: { chainKey: string; chainSeq: string } | null,
  limit: number,
): Promise<ChainedAuditEntry[]> {
  let q = db
    .selectFrom('auditLog')
    .select([
      sql<string>`id::text`.as('id'),
      'chainKey',
      sql<string>`chain_seq::text`.as('chainSeq'),
      'prevHash',
      'hash',
      canonicalInstant.as('occurredAt'),
      sql<string | null>`actor_user_id::text`.as('actorUserId'),
      sql<string | null>`project_id::text`.as('projectId'),
      'entityType',
      'entityId',
      'action',
      sql<string | null>`before::text`.as('before'),
      sql<string | null>`after::text`.as('after'),
    ]);
  if (after) q = q.where(sql<boolean>`(chain_key, chain_seq) > (${after.chainKey}, ${after.chainSeq}::bigint)`);
  // Qualified: the bare name would sort by the text alias ("10" before "2").
  return q.orderBy('auditLog.chainKey').orderBy('auditLog.chainSeq').limit(limit).execute();
}
