/**
 * Saving one of the signed-in person's screen preferences. Only their own: there is no way to
 * name another person. The route has validated the key and the value's shape.
 */
import type { Viewer } from '../../domain/permissions.ts';
import type { ColumnsPreference } from '../../domain/preferences.ts';
import type { Db } from '../../db/database.ts';
import { upsertPreference, type StoredPreference } from '../../db/preferences.queries.ts';

export async function savePreference(db: Db, viewer: Viewer, key: string, value: ColumnsPreference, now: Date): Promise<StoredPreference> {
  // Each id once, in the order given: the stored value stays small and stable.
  const tidy: ColumnsPreference = { hidden: [...new Set(value.hidden)], shown: [...new Set(value.shown)] };
  return upsertPreference(db, viewer.userId, key, tidy, now);
}
