/**
 * The signed-in person's screen preferences (GET/PUT /api/v1/me/preferences/{key}), kept on the
 * server so they follow the person to any browser. Read once per page load and key, cached for
 * the session; saved optimistically, in order (a quick second change never lands before the first).
 */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, call, type Schemas } from '../api/client.ts';
import { useUser } from './session.tsx';

export type ColumnsPreference = Schemas['ColumnsPreference'];

type Entry = { value: ColumnsPreference | null; loaded: Promise<void> | null; ready: boolean; listeners: Set<() => void>; writes: Promise<unknown> };

// Per person and key: someone else signing in in this tab starts from their own.
const entries = new Map<string, Entry>();

function entryFor(userId: string, key: string): Entry {
  const id = `${userId}|${key}`;
  let entry = entries.get(id);
  if (!entry) {
    entry = { value: null, loaded: null, ready: false, listeners: new Set(), writes: Promise.resolve() };
    entries.set(id, entry);
  }
  return entry;
}

function publish(entry: Entry): void {
  for (const l of entry.listeners) l();
}

export type PreferenceState = {
  /** Null until the person chooses (or while loading): the screen's defaults apply. */
  value: ColumnsPreference | null;
  /** False until the stored value was read (or could not be: then the defaults apply). */
  ready: boolean;
  /** The last save that failed (the value was put back), or null. */
  error: ApiError | null;
  save: (value: ColumnsPreference) => Promise<void>;
};

export function useColumnsPreference(key: string): PreferenceState {
  const user = useUser();
  const entry = entryFor(user.id, key);
  const [, rerender] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    const listener = () => rerender((n) => n + 1);
    entry.listeners.add(listener);
    if (!entry.loaded) {
      entry.loaded = call(api.GET('/api/v1/me/preferences/{key}', { params: { path: { key } } }))
        .then((p) => {
          entry.value = (p.value as ColumnsPreference | null) ?? null;
        })
        // Unreadable preferences never block the screen: it shows its defaults.
        .catch(() => undefined)
        .finally(() => {
          entry.ready = true;
          publish(entry);
        });
    }
    return () => {
      entry.listeners.delete(listener);
    };
  }, [entry, key]);

  const save = useCallback(
    async (value: ColumnsPreference) => {
      const before = entry.value;
      entry.value = value;
      setError(null);
      publish(entry);
      const write = entry.writes.then(() => call(api.PUT('/api/v1/me/preferences/{key}', { params: { path: { key } }, body: { value } })));
      entry.writes = write.catch(() => undefined);
      try {
        await write;
      } catch (e) {
        // Put back what was shown before, unless a later change already replaced it.
        if (entry.value === value) {
          entry.value = before;
          publish(entry);
        }
        setError(e instanceof ApiError ? e : new ApiError(0, undefined));
      }
    },
    [entry, key],
  );

  return { value: entry.value, ready: entry.ready, error, save };
}
