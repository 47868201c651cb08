'use client';

import NextLink from 'next/link';
import type { ReactNode } from 'react';

/** Client-side navigation inside the iframe, styled like BigDesign's Link. */
export function AppLink({ href, children, testId }: { href: string; children: ReactNode; testId?: string }) {
  return (
    <NextLink href={href} data-testid={testId} style={{ color: '#3C64F4', textDecoration: 'underline' }}>
      {children}
    </NextLink>
  );
}
