'use client';

import { Badge, Box, Button, Flex, Grid, InlineMessage, Panel, Switch, Text } from '@bigcommerce/big-design';
import { Table } from './_components/table';
import { useRouter } from 'next/navigation';
import { AppLink } from './_components/app-link';
import { useState } from 'react';
import { ConnectionCard } from './_components/connection-card';
import { dateTime, STATE_LABELS } from './_components/format';
import { useMutation } from './_components/hooks';
import { Empty, LoadError, Loading } from './_components/page-state';
import { ReauthorizePanel } from './_components/reauthorize';
import { useApi } from './_components/session';
import type { Counts, OverviewView, StoreOrderCounts } from '@/lib/admin/overview';
import type { MeView } from '@/lib/admin/permissions';
import type { ReconciliationView } from '@/lib/admin/reconciliation';

type Overview = OverviewView;
interface Audit {
  entries: Array<{ action: string; actorUserId: number | null; at: string }>;
}

const actionLabels: Record<string, string> = {
  'store.installed': 'App installed',
  'store.reinstalled': 'App reinstalled',
  'store.uninstalled': 'App uninstalled',
  'user.added': 'User added',
  'user.removed': 'User removed',
  'onboarding.completed': 'Setup completed',
  'settings.saved': 'Settings saved',
  'sync.enabled': 'Automatic sync turned on',
  'sync.disabled': 'Automatic sync turned off',
  'backfill.started': 'Backfill started',
  'backfill.cancelled': 'Backfill cancelled',
  'stock.adjusted': 'Stock adjusted',
};

const BUCKETS: Array<{ key: keyof Counts; label: string; colour: string }> = [
  { key: 'posted', label: 'Posted', colour: '#208831' },
  { key: 'pending', label: 'Pending', colour: '#3C64F4' },
  { key: 'failed', label: 'Failed', colour: '#DB3643' },
  { key: 'skipped', label: 'Skipped', colour: '#8C93AD' },
];

/** A small stacked bar chart of the last 30 days, described for screen readers by its table twin. */
function DailyChart({ daily }: { daily: Overview['daily'] }) {
  const max = Math.max(1, ...daily.map((d) => d.posted + d.pending + d.failed + d.skipped));
  const summary = daily.map((d) => `${d.date}: ${d.posted} posted, ${d.failed} failed`).slice(-7).join('; ');
  return (
    <Box>
      <div role="img" aria-label={`Orders per day over the last 30 days. Last 7 days: ${summary}`} style={{ display: 'flex', alignItems: 'flex-end', gap: 3, height: 96 }}>
        {daily.map((d) => (
          <div key={d.date} title={`${d.date}: ${d.posted} posted, ${d.pending} pending, ${d.failed} failed, ${d.skipped} skipped`} style={{ flex: 1, display: 'flex', flexDirection: 'column-reverse', height: '100%' }}>
            {BUCKETS.map((b) => (
              <div key={b.key} style={{ height: `${(d[b.key] / max) * 100}%`, background: b.colour }} />
            ))}
          </div>
        ))}
      </div>
      <Flex flexGap="1rem" marginTop="xSmall">
        {BUCKETS.map((b) => (
          <Text key={b.key} marginBottom="none" color="secondary70">
            <span aria-hidden style={{ display: 'inline-block', width: 10, height: 10, background: b.colour, marginRight: 4 }} />
            {b.label}
          </Text>
        ))}
      </Flex>
    </Box>
  );
}

function CountTiles({ overview }: { overview: Overview }) {
  return (
    <Table
      columns={[
        { header: 'Orders', hash: 'label', render: ({ label }) => label },
        { header: 'Today', hash: 'today', align: 'right', render: ({ today }) => <span data-testid={`today-${today.key}`}>{today.n}</span> },
        { header: 'Last 30 days', hash: 'month', align: 'right', render: ({ month }) => month },
      ]}
      items={BUCKETS.map((b) => ({ id: b.key, label: b.label, today: { key: b.key, n: overview.today[b.key] }, month: overview.last30Days[b.key] }))}
    />
  );
}

export default function OverviewPage() {
  const overview = useApi<Overview>('/api/admin/overview');
  // Secondary panels load once the main numbers are on screen, so they never compete with them.
  const shown = overview.data !== undefined;
  const me = useApi<MeView>('/api/me');
  const storeCounts = useApi<StoreOrderCounts>(shown ? '/api/admin/overview/store-counts' : null);
  const audit = useApi<Audit>(shown ? '/api/audit' : null);
  const reconciliation = useApi<ReconciliationView>(shown ? '/api/admin/reconciliation' : null);
  const autoSync = useMutation<{ enabled: boolean }, { autoSync: boolean }>('PUT', '/api/admin/auto-sync');
  const [autoSyncValue, setAutoSyncValue] = useState<boolean | null>(null);
  const router = useRouter();

  if (overview.error && !overview.data) return <LoadError what="the overview" error={overview.error} onRetry={overview.reload} />;
  if (!overview.data) return <Loading label="Loading the overview…" minHeight={600} />;
  const o = overview.data;
  const syncOn = autoSyncValue ?? o.autoSync;
  const store = me.data?.store;

  return (
    <>
      {!o.onboardedAt ? (
        <Box marginBottom="medium">
          <InlineMessage
            type="info"
            header="Finish setting up Ledgerbridge"
            messages={[{ text: 'Choose your accounting system and confirm which orders are posted. It takes a minute.' }]}
            actions={[{ text: 'Start setup', onClick: () => router.push('/onboarding') }]}
          />
        </Box>
      ) : null}
      {store ? <ReauthorizePanel permissions={store.permissions} /> : null}
      <Panel header="Store" description="The BigCommerce store this app is installed on.">
        <Text data-testid="store-summary">
          {store?.name ?? store?.hash ?? '…'} · plan {store?.plan ?? 'unknown'} · currency {store?.currency ?? 'unknown'}
        </Text>
        <Text color="secondary60">Installed {store ? dateTime(store.installedAt) : ''}</Text>
        <Flex alignItems="center" flexGap="0.75rem" data-setting="orders.autoSync">
          <Switch
            id="auto-sync"
            aria-label="Automatic sync"
            checked={syncOn}
            disabled={autoSync.pending}
            aria-describedby="auto-sync-help"
            onChange={async (event) => {
              const enabled = event.target.checked;
              setAutoSyncValue(enabled);
              const result = await autoSync.run({ enabled });
              if (!result) setAutoSyncValue(!enabled);
            }}
          />
          <label htmlFor="auto-sync">Automatic sync {syncOn ? 'on' : 'off'}</label>
        </Flex>
        <Text id="auto-sync-help" color="secondary60" marginTop="xSmall">
          {syncOn ? 'New and changed orders are posted within seconds.' : 'Orders are only posted when you import them from the Activity page.'}
        </Text>
        {autoSync.error ? <InlineMessage type="error" messages={[{ text: autoSync.error.message }]} /> : null}
        <Box marginTop="small">
          <AppLink href="/onboarding">Run setup again</AppLink>
        </Box>
      </Panel>

      <Grid gridColumns="repeat(auto-fit, minmax(320px, 1fr))" gridGap="1.5rem">
        <ConnectionCard target="store" title="BigCommerce store" />
        <ConnectionCard target="accounting" title={`Accounting: ${o.provider.name}`} />
      </Grid>

      <Panel header="Webhook deliveries" description="Deliveries naming this store that Ledgerbridge refused, by reason (their content is not kept).">
        {o.webhookRefusals.length === 0 ? (
          <Empty>None refused. Every webhook delivered for this store was accepted.</Empty>
        ) : (
          <Table
            data-testid="webhook-refusals"
            columns={[
              { header: 'Reason', hash: 'label', render: ({ label }) => label },
              { header: 'Refused', hash: 'count', render: ({ count }) => count },
              { header: 'Last', hash: 'lastAt', render: ({ lastAt }) => dateTime(lastAt) },
            ]}
            items={o.webhookRefusals.map((r) => ({ ...r, id: r.reason }))}
          />
        )}
      </Panel>

      <Panel header="Orders" description="By the day each order’s sync last changed (UTC).">
        <Grid gridColumns="repeat(auto-fit, minmax(280px, 1fr))" gridGap="1.5rem" data-testid="order-counts">
          <CountTiles overview={o} />
          <DailyChart daily={o.daily} />
        </Grid>
        <Flex flexGap="2rem" marginTop="medium">
          {(['toFulfil', 'toShip'] as const).map((key) => {
            const c = storeCounts.data?.[key];
            return (
              <Text key={key} marginBottom="none" data-testid={key === 'toFulfil' ? 'to-fulfil' : 'to-ship'}>
                {key === 'toFulfil' ? 'To fulfil' : 'To ship'}: <strong>{c ? (c.count ?? '—') : '…'}</strong>
                {c?.error ? ` (${c.error})` : ''}
                {storeCounts.error ? ` (${storeCounts.error.message})` : ''}
              </Text>
            );
          })}
        </Flex>
      </Panel>

      <Panel header="Reconciliation" description="Yesterday, the store against the books.">
        <Box data-testid="overview-reconciliation">
          {reconciliation.error ? (
            <Text>{reconciliation.error.message}</Text>
          ) : !reconciliation.data ? (
            <Text color="secondary60">…</Text>
          ) : reconciliation.data.days.length === 0 ? (
            <Text>{reconciliation.data.date} has not been reconciled yet.</Text>
          ) : reconciliation.data.days.every((d) => d.agrees) ? (
            <Text>
              <Badge label="Agrees" variant="success" /> {reconciliation.data.date}: the store and the books agree
              {reconciliation.data.days.map((d) => ` (${d.currency}: ${d.store.orders} orders, ${d.store.total})`).join('')}.
            </Text>
          ) : (
            <Text>
              <Badge label="Differences" variant="danger" /> {reconciliation.data.date}:{' '}
              {reconciliation.data.days.reduce((n, d) => n + d.differences.length, 0)} difference(s) between the store and the books.
            </Text>
          )}
          <AppLink href="/reconciliation">Open reconciliation</AppLink>
        </Box>
      </Panel>

      <Panel header="Last problems" description="Orders that could not be posted, most recent first.">
        {o.problems.length === 0 ? (
          <Empty>No problems. Every order that should be in your books is there.</Empty>
        ) : (
          <Table
            columns={[
              {
                header: 'Order',
                hash: 'orderId',
                render: ({ orderId }) => (
                  <AppLink href={`/activity/${orderId}`}>Order {orderId}</AppLink>
                ),
              },
              { header: 'State', hash: 'state', render: ({ state }) => <Badge label={STATE_LABELS[state]?.label ?? state} variant={STATE_LABELS[state]?.variant ?? 'secondary'} /> },
              { header: 'Reason', hash: 'message', render: ({ message }) => message ?? '' },
              { header: 'When', hash: 'at', render: ({ at }) => dateTime(at) },
            ]}
            items={o.problems.map((p) => ({ ...p, id: p.orderId }))}
          />
        )}
      </Panel>

      {audit.error ? <LoadError what="the audit trail" error={audit.error} onRetry={audit.reload} /> : null}
      {audit.data && me.data ? (
        <Panel header="Recent activity" description="Installs, users, settings and other changes to this store’s setup.">
          {audit.data.entries.length > 0 ? (
            <Table
              columns={[
                { header: 'When', hash: 'at', render: ({ at }) => dateTime(at) },
                { header: 'What', hash: 'action', render: ({ action }) => actionLabels[action] ?? action },
                { header: 'User', hash: 'actorUserId', render: ({ actorUserId }) => actorUserId ?? 'BigCommerce' },
              ]}
              items={audit.data.entries.slice(0, 10).map((e, i) => ({ ...e, id: i }))}
            />
          ) : (
            <Empty>No activity yet.</Empty>
          )}
          <Box marginTop="medium">
            <Button variant="subtle" onClick={() => { audit.reload(); overview.reload(); }}>
              Refresh
            </Button>
          </Box>
        </Panel>
      ) : audit.error ? null : (
        <Loading label="Loading the audit trail…" minHeight={200} />
      )}
    </>
  );
}
