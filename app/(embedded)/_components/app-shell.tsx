'use client';

import { Box, Flex, H1, Link, ProgressCircle, Tabs, Text } from '@bigcommerce/big-design';
import { usePathname, useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import type { MeView } from '@/lib/admin/permissions';
import { NotificationBell } from './notification-bell';
import { StatusMessage } from './lazy';
import { ReauthorizeBanner } from './reauthorize';
import { SessionProvider, useApi, useSession } from './session';
import { useKeepStoreHint } from './store-hint';

export const NAV = [
  { id: 'tab-overview', path: '/', title: 'Overview' },
  { id: 'tab-connections', path: '/connections', title: 'Connections' },
  { id: 'tab-order-rules', path: '/order-rules', title: 'Order rules' },
  { id: 'tab-mappings', path: '/mappings', title: 'Mappings' },
  { id: 'tab-activity', path: '/activity', title: 'Activity' },
  { id: 'tab-reconciliation', path: '/reconciliation', title: 'Reconciliation' },
  { id: 'tab-ledger', path: '/ledger', title: 'Ledger' },
  { id: 'tab-notifications', path: '/notifications', title: 'Notifications' },
] as const;

function Header({ me }: { me: MeView | undefined }) {
  const pathname = usePathname();
  const router = useRouter();
  // A daily summary's pages sit under Activity (they list orders), whatever the system the summaries went to.
  const active = pathname.startsWith('/summaries') ? 'tab-activity' : (NAV.find((item) => item.path !== '/' && pathname.startsWith(item.path))?.id ?? 'tab-overview');
  const storeLabel = me?.store ? (me.store.name ?? me.store.hash) : '';
  return (
    <Box backgroundColor="white" paddingHorizontal="xLarge" paddingTop="large" shadow="raised">
      <Flex justifyContent="space-between" alignItems="center">
        <H1 marginBottom="none">Ledgerbridge</H1>
        <Flex alignItems="center">
          <Text color="secondary60" marginBottom="none" data-testid="store-label">
            {storeLabel}
          </Text>
          <NotificationBell />
        </Flex>
      </Flex>
      <nav aria-label="Ledgerbridge sections">
        <Tabs
          activeTab={active}
          items={NAV.map((item) => ({ id: item.id, title: item.title, ariaControls: 'main' }))}
          onTabClick={(id) => router.push(NAV.find((item) => item.id === id)?.path ?? '/')}
        />
      </nav>
    </Box>
  );
}

function Gate({ children }: { children: ReactNode }) {
  const session = useSession();
  const me = useApi<MeView>(session.status === 'ready' ? '/api/me' : null);
  const pathname = usePathname();
  useKeepStoreHint(me.data?.store?.hash);
  if (session.status === 'loading') {
    return (
      <Flex justifyContent="center" padding="xxLarge">
        <ProgressCircle size="large" />
      </Flex>
    );
  }
  if (session.status === 'none') {
    return (
      <Box padding="xxLarge">
        <StatusMessage
          variant="unauthorized"
          heading="Open Ledgerbridge from your control panel"
          message="This page only works inside your BigCommerce control panel. Go to Apps › My Apps and open Ledgerbridge."
        />
      </Box>
    );
  }
  return (
    <>
      <Header me={me.data} />
      <Box as="main" id="main" padding="xLarge">
        {/* Permissions the store still has to grant; the overview explains them in full. */}
        {me.data?.store && pathname !== '/' ? <ReauthorizeBanner permissions={me.data.store.permissions} /> : null}
        {children}
      </Box>
    </>
  );
}

/** On every page, onboarding and the signed-out notice included (SUPPORT_URL, lib/env.ts). */
function SupportFooter({ supportUrl }: { supportUrl: string }) {
  return (
    <Box as="footer" paddingHorizontal="xLarge" paddingBottom="xLarge">
      <Text color="secondary60" marginBottom="none">
        Questions, or an order that will not post?{' '}
        {/* Underlined: a link inside text must not be told apart by colour alone (axe link-in-text-block). */}
        <Link href={supportUrl} target="_blank" rel="noopener noreferrer" data-testid="support-link" style={{ textDecoration: 'underline' }}>
          Get help from Ledgerbridge support
        </Link>
        . Each order's history on the Activity page shows what happened to it.
      </Text>
    </Box>
  );
}

export function AppShell({ children, supportUrl }: { children: ReactNode; supportUrl: string }) {
  return (
    <SessionProvider>
      <Gate>{children}</Gate>
      <SupportFooter supportUrl={supportUrl} />
    </SessionProvider>
  );
}
