'use client';

import { Badge, Box, Flex, Grid, Panel, Text } from '@bigcommerce/big-design';
import type { ProviderListing } from '@/lib/admin/connections';
import { ConnectionCard } from '../_components/connection-card';
import { RemoteConnectionCard } from '../_components/remote-connection-card';
import { LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';

interface Connections {
  current: string;
  providers: ProviderListing[];
}

export default function ConnectionsPage() {
  const data = useApi<Connections>('/api/admin/connections');
  if (data.error && !data.data) return <LoadError what="the connections" error={data.error} onRetry={data.reload} />;
  if (!data.data) return <Loading label="Loading the connections…" minHeight={500} />;
  const { current, providers } = data.data;
  const remotes = providers.filter((p) => p.remote && p.status !== 'not_configured');
  const currentSystem = providers.find((p) => p.id === current);
  return (
    <>
      <PageHeader title="Connections">
        <Text color="secondary60">Connect {providers.map((p) => p.name).join(', ')}, and test each connection.</Text>
      </PageHeader>
      <Grid gridColumns="repeat(auto-fit, minmax(320px, 1fr))" gridGap="1.5rem">
        <ConnectionCard target="store" title="BigCommerce store" autoTest={false} />
        {/* "Test connection" tests the system the store posts to: a remote system's card has its own while it is in use. */}
        {currentSystem?.remote ? null : <ConnectionCard target="accounting" title={currentSystem?.name ?? 'Built-in ledger'} autoTest={false} />}
        {/* Connecting or disconnecting changes where the store posts: the list below is read again. */}
        {remotes.map((p) => (
          <RemoteConnectionCard key={p.id} system={p} onChange={data.reload} />
        ))}
      </Grid>
      <Panel header="Accounting systems">
        {providers.map((p) => (
          <Box key={p.id} marginBottom="medium" data-testid={`provider-${p.id}`}>
            <Flex alignItems="center" flexGap="0.5rem">
              <Text bold marginBottom="none">{p.name}</Text>
              <Badge
                label={{ connected: 'Connected', reconnect: 'Reconnect needed', available: 'Available', not_configured: 'Not set up' }[p.status]}
                variant={({ connected: 'success', reconnect: 'danger', available: 'primary', not_configured: 'secondary' } as const)[p.status]}
              />
            </Flex>
            <Text color="secondary60">
              {p.description}
              {p.status === 'not_configured' ? ` To offer it on this installation, set ${p.needs.join(' and ')}.` : ''}
            </Text>
          </Box>
        ))}
      </Panel>
    </>
  );
}
