'use client';

import { useCallback } from 'react';
import { ApiError, useSession } from './session';

// A module of its own (not hooks.ts): only the pages with a download button carry it.
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
