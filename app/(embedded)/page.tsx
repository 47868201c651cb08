'use client';

import { Box, Button, InlineMessage, Panel, ProgressCircle, Table, Text } from '@bigcommerce/big-design';
import { useApi } from './_components/session';

interface Me {
  store: { hash: string; name: string | null; plan: string | null; currency: string | null; installedAt: string } | null;
}
interface Audit {
  entries: Array<{ action: string; actorUserId: number | null; at: string }>;
}

const actionLabels: Record<string, string> = {
  'store.installed': 'App installed',
  'store.reinstalled': 'App reinstalled',
  'store.uninstalled': 'App uninstalled',
  'user.added': 'User added',
  'user.removed': 'User removed',
};

export default function OverviewPage() {
  const me = useApi<Me>('/api/me');
  const audit = useApi<Audit>('/api/audit');
  const error = me.error ?? audit.error;
  if (error) {
    return (
      <InlineMessage
        type="error"
        header="Could not load the overview"
        messages={[{ text: error.message }]}
        actions={[{ text: 'Try again', onClick: () => { me.reload(); audit.reload(); } }]}
      />
    );
  }
  if (me.loading || audit.loading || !me.data) return <ProgressCircle size="large" />;
  const store = me.data.store;
  return (
    <>
      <Panel header="Store" description="The BigCommerce store this app is installed on.">
        <Text data-testid="store-summary">
          {store?.name ?? store?.hash} · plan {store?.plan ?? 'unknown'} · currency {store?.currency ?? 'unknown'}
        </Text>
        <Text color="secondary60">Installed {store ? new Date(store.installedAt).toLocaleString() : ''}</Text>
      </Panel>
      <Panel header="Recent activity">
        {audit.data && audit.data.entries.length > 0 ? (
          <Table
            columns={[
              { header: 'When', hash: 'at', render: ({ at }) => new Date(at).toLocaleString() },
              { header: 'What', hash: 'action', render: ({ action }) => actionLabels[action] ?? action },
              { header: 'User', hash: 'actorUserId', render: ({ actorUserId }) => actorUserId ?? 'BigCommerce' },
            ]}
            items={audit.data.entries}
            stickyHeader
          />
        ) : (
          <Text>No activity yet.</Text>
        )}
        <Box marginTop="medium">
          <Button variant="subtle" onClick={() => audit.reload()}>
            Refresh
          </Button>
        </Box>
      </Panel>
    </>
  );
}
