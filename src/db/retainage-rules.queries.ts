/** A commitment's sliding-scale retention rules (absent: the flat rates on its lines apply). */
import type { SlidingScale, SlidingScaleRule } from '../domain/sliding-scale.ts';
import type { DbOrTrx } from './database.ts';

export type StoredSlidingScale = SlidingScale & { version: number; updatedAt: Date | null; updatedByName: string | null };

export async function getSlidingScale(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<StoredSlidingScale | null> {
  const row = await db
    .selectFrom('commitmentRetainageRules as r')
    .leftJoin('users as u', 'u.id', 'r.updatedBy')
    .select(['r.rules', 'r.afterRateBp', 'r.version', 'r.updatedAt', 'u.name as updatedByName'])
    .where('r.tenantId', '=', tenantId)
    .where('r.commitmentId', '=', commitmentId)
    .executeTakeFirst();
  if (!row) return null;
  return { rules: row.rules as SlidingScaleRule[], afterRateBp: row.afterRateBp, version: row.version, updatedAt: row.updatedAt, updatedByName: row.updatedByName };
}

/** The commitment's rules as an invoice stores them (no version or author), or null: flat rates. */
export async function getCurrentSlidingScale(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<SlidingScale | null> {
  const stored = await getSlidingScale(db, tenantId, commitmentId);
  return stored ? { rules: stored.rules, afterRateBp: stored.afterRateBp } : null;
}

/** The rules to store on an invoice: JSON for the jsonb column, null for flat rates. */
export function retainageRulesColumn(scale: SlidingScale | null): string | null {
  return scale ? JSON.stringify({ rules: scale.rules, afterRateBp: scale.afterRateBp }) : null;
}

export async function saveSlidingScale(db: DbOrTrx, tenantId: string, commitmentId: string, scale: SlidingScale, version: number, by: string, at: Date): Promise<void> {
  await db
    .insertInto('commitmentRetainageRules')
    .values({ tenantId, commitmentId, rules: JSON.stringify(scale.rules), afterRateBp: scale.afterRateBp, version, updatedBy: by, updatedAt: at })
    .onConflict((oc) => oc.columns(['tenantId', 'commitmentId']).doUpdateSet({ rules: JSON.stringify(scale.rules), afterRateBp: scale.afterRateBp, version, updatedBy: by, updatedAt: at }))
    .execute();
}

export async function deleteSlidingScale(db: DbOrTrx, tenantId: string, commitmentId: string): Promise<void> {
  await db.deleteFrom('commitmentRetainageRules').where('tenantId', '=', tenantId).where('commitmentId', '=', commitmentId).execute();
}
