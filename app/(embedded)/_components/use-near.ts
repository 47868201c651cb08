'use client';

import { useEffect, useState, type RefObject } from 'react';

/** How far below the visible part of the page a deferred part starts loading (before it scrolls into view). */
const AHEAD = '0px 0px 200px 0px';

/**
 * Whether the element has come within 200 px of the visible part of the page (and stays true from then on), for parts
 * of a page whose code is fetched when the merchant comes near them (deferred.tsx, pager.tsx's page size). `already`
 * makes it true at once; `show` makes it true from an event (a focus, a refused save).
 */
export function useNear(ref: RefObject<Element | null>, already = false): [boolean, () => void] {
  const [near, setNear] = useState(already);
  useEffect(() => {
    if (near) return;
    const element = ref.current;
    if (!element || typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) setNear(true);
    }, { rootMargin: AHEAD });
    observer.observe(element);
    return () => observer.disconnect();
  }, [near, ref]);
  return [near, () => setNear(true)];
}
