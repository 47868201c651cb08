'use client';

import { Box, Flex, H1, ProgressCircle, StatusMessage, Tabs, Text } from '@bigcommerce/big-design';
import { usePathname, useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import type { MeView } from '@/lib/admin/permissions';
import { ReauthorizeBanner } from './reauthorize';
import { SessionProvider, useApi, useSession } from './session';

export const NAV = [
  { id: 'tab-overview', path: '/', title: 'Overview' },
  { id: 'tab-connections', path: '/connections', title: 'Connections' },
  { id: 'tab-order-rules', path: '/order-rules', title: 'Order rules' },
  { id: 'tab-mappings', path: '/mappings', title: 'Mappings' },
  { id: 'tab-activity', path: '/activity', title: 'Activity' },
  { id: 'tab-ledger', path: '/ledger', title: 'Ledger' },
] as const;

function Header({ me }: { me: MeView | undefined }) {
  const pathname = usePathname();
  const router = useRouter();
  const active = NAV.find((item) => item.path !== '/' && pathname.startsWith(item.path))?.id ?? 'tab-overview';
  const storeLabel = me?.store ? (me.store.name ?? me.store.hash) : '';
  return (
    <Box backgroundColor="white" paddingHorizontal="xLarge" paddingTop="large" shadow="raised">
      <Flex justifyContent="space-between" alignItems="center">
        <H1 marginBottom="none">Ledgerbridge</H1>
        <Text color="secondary60" marginBottom="none" data-testid="store-label">
          {storeLabel}
        </Text>
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

export function AppShell({ children }: { children: ReactNode }) {
  return (
    <SessionProvider>
      <Gate>{children}</Gate>
    </SessionProvider>
  );
}
