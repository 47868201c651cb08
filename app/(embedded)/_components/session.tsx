'use client';

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';

/**
 * The app session inside the iframe (see lib/session.ts for why a bearer token and not a cookie). The load
 * callback puts the token in the URL fragment; we take it from there, drop it from the address bar, and keep it
 * in memory, mirrored to this tab's sessionStorage so an in-frame reload does not sign the user out.
 */
const STORAGE_KEY = 'ledgerbridge.session';

type SessionState = { status: 'loading' } | { status: 'none' } | { status: 'ready'; token: string };

const SessionContext = createContext<SessionState>({ status: 'loading' });

function readToken(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fromHash = fragment.get('session');
  if (fromHash) {
    fragment.delete('session');
    const rest = fragment.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
    try {
      window.sessionStorage.setItem(STORAGE_KEY, fromHash);
    } catch {
      // Storage can be blocked in third-party frames; memory is enough for this page's life.
    }
    return fromHash;
  }
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  useEffect(() => {
    const token = readToken();
    setState(token ? { status: 'ready', token } : { status: 'none' });
  }, []);
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Field-level messages of a 400 Validation answer: `{ "payments.mappings.0.account": "..." }`. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** fetch() for the app's own API routes, with the session attached. */
export function useApiFetch() {
  const session = useSession();
  return useCallback(
    async <T,>(path: string, init?: RequestInit): Promise<T> => {
      if (session.status !== 'ready') throw new ApiError(401, 'No session');
      const response = await fetch(path, {
        ...init,
        headers: { ...init?.headers, authorization: `Bearer ${session.token}`, accept: 'application/json' },
      });
      const body = (await response.json().catch(() => null)) as { error?: { message?: string; fields?: Record<string, string> } } | null;
      if (!response.ok) {
        throw new ApiError(response.status, body?.error?.message ?? `Request failed (${response.status})`, body?.error?.fields ?? {});
      }
      return body as T;
    },
    [session],
  );
}

/** Loads JSON from an API route once the session is ready; `reload` fetches again. */
export function useApi<T>(path: string | null) {
  const apiFetch = useApiFetch();
  const session = useSession();
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (session.status !== 'ready' || path === null) return;
    let cancelled = false;
    setState((s) => ({ ...s, loading: true }));
    apiFetch<T>(path)
      .then((data) => !cancelled && setState({ data, loading: false }))
      .catch((error: unknown) => {
        if (cancelled) return;
        setState({ loading: false, error: error instanceof ApiError ? error : new ApiError(0, String(error)) });
      });
    return () => {
      cancelled = true;
    };
  }, [apiFetch, path, session.status, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
