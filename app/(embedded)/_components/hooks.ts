'use client';

import { useCallback, useState } from 'react';
import { ApiError, useApiFetch } from './session';

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
