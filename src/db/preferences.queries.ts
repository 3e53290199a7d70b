/** A person's screen preferences (src/domain/preferences.ts), one JSON value per key. */
import type { DbOrTrx } from './database.ts';

export type StoredPreference = { key: string; value: unknown; updatedAt: Date };

const parsed = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

export async function findPreference(db: DbOrTrx, userId: string, key: string): Promise<StoredPreference | undefined> {
  const row = await db.selectFrom('userPreferences').select(['key', 'value', 'updatedAt']).where('userId', '=', userId).where('key', '=', key).executeTakeFirst();
  return row && { key: row.key, value: parsed(row.value), updatedAt: row.updatedAt };
}

export async function upsertPreference(db: DbOrTrx, userId: string, key: string, value: unknown, now: Date): Promise<StoredPreference> {
  const json = JSON.stringify(value);
  const row = await db
    .insertInto('userPreferences')
    .values({ userId, key, value: json, updatedAt: now })
    .onConflict((oc) => oc.columns(['userId', 'key']).doUpdateSet({ value: json, updatedAt: now }))
    .returning(['key', 'value', 'updatedAt'])
    .executeTakeFirstOrThrow();
  return { key: row.key, value: parsed(row.value), updatedAt: row.updatedAt };
}
