'use client';

import { useEffect, useRef, useState } from 'react';
import { ApiError, useApiFetch, useSession } from './session';

// A module of its own (not hooks.ts): only the backfill and the stock panels poll.
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
