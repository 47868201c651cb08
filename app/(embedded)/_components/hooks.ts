'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, useApiFetch, useSession } from './session';

/** A JSON write (POST/PUT) with its pending state and the last error (with field messages). */
export function useMutation<TBody, TResult>(method: 'POST' | 'PUT', path: string) {
  const apiFetch = useApiFetch();
  const [state, setState] = useState<{ pending: boolean; error: ApiError | null; data?: TResult }>({ pending: false, error: null });
  const run = useCallback(
    async (body: TBody): Promise<TResult | null> => {
      setState((s) => ({ ...s, pending: true, error: null }));
      try {
        const result = await apiFetch<TResult>(path, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        setState({ pending: false, error: null, data: result });
        return result;
      } catch (error) {
        setState((s) => ({ ...s, pending: false, error: error instanceof ApiError ? error : new ApiError(0, String(error)) }));
        return null;
      }
    },
    [apiFetch, method, path],
  );
  const reset = useCallback(() => setState({ pending: false, error: null }), []);
  return { ...state, run, reset };
}

/** Polls a JSON route every `intervalMs` while `active`; keeps the last data (no flicker). */
export function usePoll<T>(path: string, intervalMs: number, active: (data: T | undefined) => boolean) {
  const apiFetch = useApiFetch();
  const session = useSession();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  const activeRef = useRef(active);
  activeRef.current = active;
  useEffect(() => {
    if (session.status !== 'ready') return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const next = await apiFetch<T>(path);
        if (cancelled) return;
        setData(next);
        setError(null);
        if (activeRef.current(next)) timer = setTimeout(load, intervalMs);
      } catch (e) {
        if (!cancelled) setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
      }
    };
    void load();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [apiFetch, path, intervalMs, session.status, tick]);
  return { data, error, loading: data === undefined && error === null, refresh: () => setTick((n) => n + 1) };
}

/** Downloads a file from an API route with the session attached (a link cannot carry the bearer token). */
export function useDownload() {
  const session = useSession();
  return useCallback(
    async (path: string, fallbackName: string) => {
      if (session.status !== 'ready') throw new ApiError(401, 'No session');
      const response = await fetch(path, { headers: { authorization: `Bearer ${session.token}` } });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new ApiError(response.status, body?.error?.message ?? `Download failed (${response.status})`);
      }
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
    [session],
  );
}
