import '@fontsource/source-sans-3/400.css';
import '@fontsource/source-sans-3/600.css';
import '@fontsource/source-sans-3/700.css';
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from './_components/providers';
import { StyledComponentsRegistry } from './_components/styled-registry';

// Every page renders per request: the CSP's script nonce (proxy.ts) is new each time, and a page prerendered at
// build time would carry none, so its scripts would be blocked.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'Ledgerbridge',
  description: 'Every BigCommerce order in your books, exactly once.',
  referrer: 'no-referrer',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <StyledComponentsRegistry>
          <Providers>{children}</Providers>
        </StyledComponentsRegistry>
      </body>
    </html>
  );
}
