/** Who is signed in, for the whole app; sign-in sends people back to where they were going. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, call, setCsrfToken, setUnauthenticatedHandler, type Schemas } from '../api/client.ts';
import { navigate } from './router.tsx';

type SessionState =
  | { status: 'loading' }
  | { status: 'signedOut' }
  | { status: 'signedIn'; user: Schemas['User']; roles: Roles };

/** Where the person starts and what the main navigation offers them (from the session). */
export type Roles = { isInvoiceAdministrator: boolean; isInvoiceContact: boolean };

const rolesOf = (session: Schemas['Session']): Roles => ({ isInvoiceAdministrator: session.isInvoiceAdministrator, isInvoiceContact: session.isInvoiceContact });

type SessionApi = {
  state: SessionState;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  refresh: () => Promise<void>;
};

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const session = await call(api.GET('/api/v1/session'));
      setCsrfToken(session.csrfToken);
      setState({ status: 'signedIn', user: session.user, roles: rolesOf(session) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(null);
        setState({ status: 'signedOut' });
      } else throw error;
    }
  }, []);

  useEffect(() => {
    void refresh().catch(() => setState({ status: 'signedOut' }));
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setState({ status: 'signedOut' });
    });
  }, [refresh]);

  const signIn = useCallback(async (email: string, password: string) => {
    const session = await call(api.POST('/api/v1/session', { body: { email, password } }));
    setCsrfToken(session.csrfToken);
    setState({ status: 'signedIn', user: session.user, roles: rolesOf(session) });
  }, []);

  const signOut = useCallback(async () => {
    await call(api.DELETE('/api/v1/session')).catch(() => undefined);
    setCsrfToken(null);
    setState({ status: 'signedOut' });
    navigate('/sign-in', { force: true });
  }, []);

  const value = useMemo(() => ({ state, signIn, signOut, refresh }), [state, signIn, signOut, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user (only inside pages that require signing in). */
export function useUser(): Schemas['User'] {
  const { state } = useSession();
  if (state.status !== 'signedIn') throw new Error('useUser needs a signed-in user');
  return state.user;
}

/** The signed-in person's roles (only inside pages that require signing in). */
export function useRoles(): Roles {
  const { state } = useSession();
  if (state.status !== 'signedIn') throw new Error('useRoles needs a signed-in user');
  return state.roles;
}
