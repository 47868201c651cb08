'use client';

import { Badge, Panel, Text } from '@bigcommerce/big-design';
import { Table } from '../_components/table';
import { AppLink } from '../_components/app-link';
import { money } from '../_components/money';
import { Empty, LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';
import type { SummaryListItem } from '@/lib/admin/summaries';

/** The store's daily summaries, newest day first; each leads to its page. */
export default function SummariesPage() {
  const view = useApi<{ summaries: SummaryListItem[] }>('/api/admin/summaries');
  if (view.error && !view.data) return <LoadError what="the daily summaries" error={view.error} onRetry={view.reload} />;
  if (!view.data) return <Loading label="Loading the daily summaries…" minHeight={300} />;
  const rows = view.data.summaries.map((s) => ({ ...s, id: s.number }));
  return (
    <>
      <PageHeader title="Daily summaries" actions={<AppLink href="/order-rules">Posting mode</AppLink>}>
        <Text color="secondary60">In daily summary mode, one document per day, currency and payment method; each lists its orders and their shares.</Text>
      </PageHeader>
      <Panel header="Latest summaries">
        {rows.length === 0 ? (
          <Empty>No daily summary yet. Summaries are posted once a day ends, when Order rules › Posting mode is “A daily summary”.</Empty>
        ) : (
          <Table
            data-testid="summaries"
            columns={[
              { header: 'Summary', hash: 'number', render: (s) => <AppLink href={s.path}>{s.number}</AppLink> },
              { header: 'Day', hash: 'day', render: (s) => s.day },
              { header: 'Method', hash: 'method', render: (s) => `${s.currency} · ${s.method}` },
              { header: 'Orders', hash: 'orders', align: 'right', render: (s) => `${s.orders}${s.refunds ? ` (+${s.refunds} refunds)` : ''}${s.edits ? ` (+${s.edits} changes)` : ''}` },
              { header: 'Sales', hash: 'total', align: 'right', render: (s) => (s.total === null ? '—' : money(s.total, s.currency)) },
              {
                header: 'State', hash: 'state',
                render: (s) => <Badge label={s.state === 'posted' ? (s.closed ? 'Closed' : 'Open') : s.state === 'failed' ? 'Failed' : 'Being posted'} variant={s.state === 'failed' ? 'danger' : s.state === 'posted' ? (s.closed ? 'success' : 'secondary') : 'primary'} />,
              },
            ]}
            items={rows}
          />
        )}
      </Panel>
    </>
  );
}
