// Who is signed in, and the user's sticky UI dev mode. `GET /x-overlook/ui/me` decides on load;
// the dev-mode switch is `PATCH /api/4.0/session`, which the server stores on the user.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthorized, type Me } from './api.ts';
import { messageOf } from './load.ts';

export type SessionState =
  | { status: 'loading' }
  /** `expired`: the session ended while the user was working (an API call answered 401). */
  | { status: 'signed-out'; expired?: boolean }
  | { status: 'error'; message: string }
  | { status: 'signed-in'; me: Me };

export interface Session {
  state: SessionState;
  /** Bumped whenever the workspace changes: pages keyed on it load their data again. */
  dataVersion: number;
  refresh: () => Promise<void>;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  setDevMode: (dev: boolean) => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

async function fetchMe(): Promise<SessionState> {
  try {
    return { status: 'signed-in', me: await api<Me>('GET', '/x-overlook/ui/me') };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return { status: 'signed-out' };
    return { status: 'error', message: messageOf(e) };
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [dataVersion, setDataVersion] = useState(0);

  useEffect(() => {
    let live = true;
    void fetchMe().then((s) => { if (live) setState(s); });
    return () => { live = false; };
  }, []);

  // Mid-use expiry: drop to signed-out, so the app sends the user to sign in and back here.
  useEffect(() => onUnauthorized(() => {
    setState((prev) => (prev.status === 'signed-in' ? { status: 'signed-out', expired: true } : prev));
  }), []);

  const refresh = useCallback(async () => { setState(await fetchMe()); }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    await api('POST', '/x-overlook/ui/login', { email, password });
    setState(await fetchMe());
    setDataVersion((v) => v + 1);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('POST', '/x-overlook/ui/logout');
    } finally {
      setState({ status: 'signed-out' });
    }
  }, []);

  const setDevMode = useCallback(async (dev: boolean) => {
    await api('PATCH', '/session', { workspace_id: dev ? 'dev' : 'production' });
    setState(await fetchMe());
    setDataVersion((v) => v + 1);
  }, []);

  const value = useMemo<Session>(() => ({ state, dataVersion, refresh, signIn, signOut, setDevMode }), [state, dataVersion, refresh, signIn, signOut, setDevMode]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (s === null) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user, or null (render/embed frames may have no UI session). */
export function useMe(): Me | null {
  const { state } = useSession();
  return state.status === 'signed-in' ? state.me : null;
}

export function can(me: Me | null, permission: string): boolean {
  return me?.permissions.includes(permission) === true;
}
