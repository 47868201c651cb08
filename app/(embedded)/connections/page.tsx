'use client';

import { Badge, Box, Flex, Grid, Panel, Text } from '@bigcommerce/big-design';
import { ConnectionCard, XeroConnectionCard } from '../_components/connection-card';
import { LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';

interface Connections {
  current: string;
  providers: Array<{ id: string; name: string; description: string; status: 'connected' | 'available' | 'coming_soon' }>;
}

export default function ConnectionsPage() {
  const data = useApi<Connections>('/api/admin/connections');
  if (data.error && !data.data) return <LoadError what="the connections" error={data.error} onRetry={data.reload} />;
  if (!data.data) return <Loading label="Loading the connections…" minHeight={500} />;
  const { current, providers } = data.data;
  const xeroOffered = providers.some((p) => p.id === 'xero' && p.status !== 'coming_soon');
  return (
    <>
      <PageHeader title="Connections">
        <Text color="secondary60">Connect the built-in ledger, Xero or QuickBooks Online, and test each connection.</Text>
      </PageHeader>
      <Grid gridColumns="repeat(auto-fit, minmax(320px, 1fr))" gridGap="1.5rem">
        <ConnectionCard target="store" title="BigCommerce store" autoTest={false} />
        {/* "Test connection" tests the system the store posts to: the Xero card has its own while Xero is in use. */}
        {current === 'xero' ? null : <ConnectionCard target="accounting" title="Built-in ledger" autoTest={false} />}
        {/* Connecting or disconnecting changes where the store posts: the list below is read again. */}
        {xeroOffered ? <XeroConnectionCard onChange={data.reload} /> : null}
      </Grid>
      <Panel header="Accounting systems">
        {providers.map((p) => (
          <Box key={p.id} marginBottom="medium" data-testid={`provider-${p.id}`}>
            <Flex alignItems="center" flexGap="0.5rem">
              <Text bold marginBottom="none">{p.name}</Text>
              <Badge
                label={p.status === 'connected' ? 'Connected' : p.status === 'available' ? 'Available' : 'Coming soon'}
                variant={p.status === 'connected' ? 'success' : p.status === 'available' ? 'primary' : 'secondary'}
              />
            </Flex>
            <Text color="secondary60">{p.description}</Text>
          </Box>
        ))}
      </Panel>
    </>
  );
}
