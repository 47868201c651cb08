'use client';

import { Badge, Box, Flex, Grid, Panel, Text } from '@bigcommerce/big-design';
import { ConnectionCard } from '../_components/connection-card';
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
  return (
    <>
      <PageHeader title="Connections">
        <Text color="secondary60">Connect the built-in ledger, Xero or QuickBooks Online, and test each connection.</Text>
      </PageHeader>
      <Grid gridColumns="repeat(auto-fit, minmax(320px, 1fr))" gridGap="1.5rem">
        <ConnectionCard target="store" title="BigCommerce store" autoTest={false} />
        <ConnectionCard target="accounting" title="Built-in ledger" autoTest={false} />
      </Grid>
      <Panel header="Accounting systems">
        {data.data.providers.map((p) => (
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
