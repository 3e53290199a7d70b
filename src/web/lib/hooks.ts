/** Data loading and the unsaved-changes guard, shared by every page. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { setNavigationGuard } from './router.tsx';

export type Loaded<T> = {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (data: T) => void;
};

/** Loads data when the deps change; keeps showing the last data while reloading. */
export function useLoad<T>(loader: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const current = useRef(0);
  const load = useCallback(loader, deps);
  const reload = useCallback(async () => {
    const ticket = ++current.current;
    setLoading(true);
    try {
      const value = await load();
      if (ticket === current.current) {
        setData(value);
        setError(undefined);
      }
    } catch (e) {
      if (ticket === current.current) setError(e instanceof ApiError ? e : new ApiError(0, { error: { message: String(e) } }));
    } finally {
      if (ticket === current.current) setLoading(false);
    }
  }, [load]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload, setData };
}

const LEAVE_MESSAGE = 'You have unsaved changes. Leave this page and lose them?';

/** While `dirty`, leaving the page (links, back, closing the tab) asks first. */
export function useUnsavedChangesGuard(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = LEAVE_MESSAGE;
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    setNavigationGuard(() => window.confirm(LEAVE_MESSAGE));
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      setNavigationGuard(null);
    };
  }, [dirty]);
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · payapp` : 'payapp';
  }, [title]);
}
