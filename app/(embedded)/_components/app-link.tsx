'use client';

import { useRouter } from 'next/navigation';
import type { MouseEvent, ReactNode } from 'react';

/**
 * Client-side navigation inside the iframe, styled like BigDesign's Link. A plain anchor whose click goes through the
 * App Router (already on every page for the section tabs) instead of next/link, which brings 3 KB brotli of its own
 * to each page that shows a link (issue 16's budget; README, Performance). A click with a modifier key, another
 * button or a target other than the frame's own is left to the browser; the route is prefetched when the pointer
 * comes over the link or it gets focus, as next/link does when a link shows.
 */
export function AppLink({ href, children, testId, onClick }: { href: string; children: ReactNode; testId?: string; onClick?: () => void }) {
  const router = useRouter();
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.();
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    router.push(href);
  };
  const prefetch = () => router.prefetch(href);
  return (
    <a href={href} data-testid={testId} onClick={follow} onPointerEnter={prefetch} onFocus={prefetch} style={{ color: '#3C64F4', textDecoration: 'underline' }}>
      {children}
    </a>
  );
}
