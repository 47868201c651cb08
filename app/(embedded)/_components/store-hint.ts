'use client';

import { usePathname } from 'next/navigation';
import { useEffect } from 'react';
import { STORE_HINT_PARAM } from '@/lib/http/security-headers';

/**
 * Keeps `?store=<hash>` in the frame's address while the merchant moves between pages, so a reload inside the
 * frame still names the store whose control panel may frame it (lib/http/security-headers.ts, frameAncestors).
 * The callbacks put it on the first page; client navigation drops it, and this puts it back without a navigation.
 */
export function useKeepStoreHint(storeHash: string | undefined): void {
  const pathname = usePathname();
  useEffect(() => {
    if (!storeHash) return;
    const url = new URL(window.location.href);
    if (url.searchParams.get(STORE_HINT_PARAM) === storeHash) return;
    url.searchParams.set(STORE_HINT_PARAM, storeHash);
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }, [pathname, storeHash]);
}
