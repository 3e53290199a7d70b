/** A commitment's sliding-scale retention rules (absent: the flat rates on its lines apply). */
import type { SlidingScale, SlidingScaleRule } from '../domain/sliding-scale.ts';
import type { DbOrTrx } from './database.ts';

export type StoredSlidingScale = SlidingScale & { version: number; updatedAt: Date | null; updatedByName: string | null };

export async function getSlidingScale(db: DbOrTrx, commitmentId: string): Promise<StoredSlidingScale | null> {
  const row = await db
    .selectFrom('commitmentRetainageRules as r')
    .leftJoin('users as u', 'u.id', 'r.updatedBy')
    .select(['r.rules', 'r.afterRateBp', 'r.version', 'r.updatedAt', 'u.name as updatedByName'])
    .where('r.commitmentId', '=', commitmentId)
    .executeTakeFirst();
  if (!row) return null;
  return { rules: row.rules as SlidingScaleRule[], afterRateBp: row.afterRateBp, version: row.version, updatedAt: row.updatedAt, updatedByName: row.updatedByName };
}

/** The sliding scales of many commitments at once (lists, the billing board). */
export async function listSlidingScales(db: DbOrTrx, commitmentIds: string[]): Promise<Map<string, SlidingScale>> {
  if (commitmentIds.length === 0) return new Map();
  const rows = await db.selectFrom('commitmentRetainageRules').select(['commitmentId', 'rules', 'afterRateBp']).where('commitmentId', 'in', commitmentIds).execute();
  return new Map(rows.map((r) => [r.commitmentId, { rules: r.rules as SlidingScaleRule[], afterRateBp: r.afterRateBp }]));
}

export async function saveSlidingScale(db: DbOrTrx, commitmentId: string, scale: SlidingScale, version: number, by: string, at: Date): Promise<void> {
  await db
    .insertInto('commitmentRetainageRules')
    .values({ commitmentId, rules: JSON.stringify(scale.rules), afterRateBp: scale.afterRateBp, version, updatedBy: by, updatedAt: at })
    .onConflict((oc) => oc.column('commitmentId').doUpdateSet({ rules: JSON.stringify(scale.rules), afterRateBp: scale.afterRateBp, version, updatedBy: by, updatedAt: at }))
    .execute();
}

export async function deleteSlidingScale(db: DbOrTrx, commitmentId: string): Promise<void> {
  await db.deleteFrom('commitmentRetainageRules').where('commitmentId', '=', commitmentId).execute();
}
