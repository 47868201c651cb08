'use client';

import { Badge, Box, Button, Grid, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { Table } from '../../_components/table';
import { useParams } from 'next/navigation';
import { useState } from 'react';
import { AppLink } from '../../_components/app-link';
import { dateTime } from '../../_components/format';
import { money } from '../../_components/money';
import { useDownload } from '../../_components/download';
import { Empty, LoadError, Loading, PageHeader } from '../../_components/page-state';
import { useApi } from '../../_components/session';
import type { SummaryPageView, SummaryShareRow } from '@/lib/admin/summaries';

const SHARE_LABELS: Record<SummaryShareRow['type'], { label: string; variant: 'secondary' | 'warning' | 'primary' }> = {
  order: { label: 'Order', variant: 'secondary' },
  refund: { label: 'Refund', variant: 'warning' },
  change: { label: 'Later change', variant: 'primary' },
};

function stateBadge(v: SummaryPageView) {
  if (v.state === 'failed') return <Badge label="Failed" variant="danger" />;
  if (v.state === 'posting') return <Badge label="Being posted" variant="primary" />;
  return v.closed ? <Badge label="Posted, day closed" variant="success" /> : <Badge label="Posted, refreshed until the day closes" variant="secondary" />;
}

/** One daily summary: what it books (lines, money) and, per order, its share; a CSV of its orders. */
export default function SummaryPage() {
  const { number } = useParams<{ number: string }>();
  const decoded = decodeURIComponent(number);
  const view = useApi<SummaryPageView>(`/api/admin/summaries/${encodeURIComponent(decoded)}`);
  const download = useDownload();
  const [downloadError, setDownloadError] = useState<string | null>(null);

  if (view.error && !view.data) {
    if (view.error.status === 404) {
      return (
        <Panel header={`Summary ${decoded}`}>
          <Empty>This store has no daily summary {decoded}.</Empty>
          <Box marginTop="medium"><AppLink href="/summaries">All daily summaries</AppLink></Box>
        </Panel>
      );
    }
    return <LoadError what={`summary ${decoded}`} error={view.error} onRetry={view.reload} />;
  }
  if (!view.data) return <Loading label={`Loading summary ${decoded}…`} minHeight={500} />;
  const v = view.data;
  const m = (amount: string | null) => (amount === null ? '—' : money(amount, v.currency));
  const lines = [
    ...v.sales.map((l, i) => ({ id: `s${i}`, section: l.edit ? 'Changes to earlier orders' : 'Sales', ...l })),
    ...v.credits.map((l, i) => ({ id: `c${i}`, section: 'Refunds', ...l })),
  ];
  return (
    <>
      <PageHeader
        title={`Daily summary ${v.number}`}
        actions={
          <>
            <AppLink href="/summaries">All daily summaries</AppLink>
            <Button
              variant="secondary"
              onClick={async () => {
                setDownloadError(null);
                try {
                  await download(`/api/admin/summaries/${encodeURIComponent(v.number)}/csv`, `${v.number}.csv`);
                } catch (error) {
                  setDownloadError((error as Error).message);
                }
              }}
            >
              Export orders (CSV)
            </Button>
          </>
        }
      >
        <Text color="secondary60">
          {v.day} · {v.currency} · {v.method}: one document in your books for the day’s orders paid this way, their refunds and later changes to orders of closed days.
        </Text>
      </PageHeader>
      {downloadError ? <InlineMessage type="error" messages={[{ text: downloadError }]} /> : null}

      <Panel header="In the books">
        <Grid gridColumns="repeat(auto-fit, minmax(200px, 1fr))" gridGap="1rem">
          <Box>
            <Text marginBottom="xSmall" color="secondary60">State</Text>
            <span data-testid="summary-state" data-state={v.state} data-closed={String(v.closed)}>{stateBadge(v)}</span>
          </Box>
          <Box>
            <Text marginBottom="xSmall" color="secondary60">Document</Text>
            <Text data-testid="summary-number">{v.remoteNumber ?? v.number} (version {v.version})</Text>
          </Box>
          <Box>
            <Text marginBottom="xSmall" color="secondary60">Sales (total, tax)</Text>
            <Text data-testid="summary-sales">{v.totals ? `${m(v.totals.sales.gross)} (tax ${m(v.totals.sales.tax)})` : '—'}</Text>
          </Box>
          <Box>
            <Text marginBottom="xSmall" color="secondary60">Refunds</Text>
            <Text>{v.totals ? `${m(v.totals.credits.gross)} (tax ${m(v.totals.credits.tax)})` : '—'}</Text>
          </Box>
          <Box>
            <Text marginBottom="xSmall" color="secondary60">Received, owing</Text>
            <Text>{v.totals ? `${m(v.totals.received)}, ${m(v.totals.due)}` : '—'}</Text>
          </Box>
        </Grid>
        {v.message ? <Box marginTop="medium"><Text color="secondary70">{v.message}{v.postedAt ? ` (${dateTime(v.postedAt)})` : ''}</Text></Box> : null}
      </Panel>

      <Panel header="Orders and their shares" description="Each order’s share of this summary: its total, tax and what it paid. Refunds and later changes are shares of their own.">
        {v.shares.length === 0 ? (
          <Empty>This summary holds no orders.</Empty>
        ) : (
          <Table
            data-testid="summary-orders"
            columns={[
              { header: 'Order', hash: 'orderId', render: (r) => <AppLink href={r.orderPath}>{r.orderNumber ?? `Order ${r.orderId}`}</AppLink> },
              {
                header: 'What', hash: 'type',
                render: (r) => (
                  <span data-type={r.type}>
                    <Badge label={SHARE_LABELS[r.type].label} variant={SHARE_LABELS[r.type].variant} />
                    {r.type === 'refund' ? ` ${r.refundId}` : r.type === 'change' ? ` of ${r.orderDate}` : ''}
                  </span>
                ),
              },
              { header: 'Total', hash: 'total', align: 'right', render: (r) => m(r.total) },
              { header: 'Tax', hash: 'tax', align: 'right', render: (r) => m(r.tax) },
              { header: 'Payment', hash: 'payment', align: 'right', render: (r) => m(r.payment) },
            ]}
            items={v.shares}
          />
        )}
      </Panel>

      <Panel header="Lines" description="Sales by account and tax rate, as the document in your books holds them.">
        {lines.length === 0 ? (
          <Empty>No lines.</Empty>
        ) : (
          <Table
            data-testid="summary-lines"
            columns={[
              { header: 'Part', hash: 'section', render: (l) => l.section },
              { header: 'Line', hash: 'description', render: (l) => l.description },
              { header: 'Net', hash: 'net', align: 'right', render: (l) => m(l.net) },
              { header: 'Tax', hash: 'tax', align: 'right', render: (l) => m(l.tax) },
              { header: 'Gross', hash: 'gross', align: 'right', render: (l) => m(l.gross) },
            ]}
            items={lines}
          />
        )}
        {v.payments.length + v.payouts.length > 0 ? (
          <Box marginTop="medium">
            <Table
              data-testid="summary-money"
              columns={[
                { header: 'Money', hash: 'what', render: (p) => p.what },
                { header: 'Account', hash: 'account', render: (p) => p.account },
                { header: 'Amount', hash: 'amount', align: 'right', render: (p) => m(p.amount) },
              ]}
              items={[
                ...v.payments.map((p, i) => ({ id: `p${i}`, what: `Received: ${p.method}`, account: p.account, amount: p.amount })),
                ...v.payouts.map((p, i) => ({ id: `o${i}`, what: `Paid back: ${p.method}`, account: p.account, amount: p.amount })),
              ]}
            />
          </Box>
        ) : null}
      </Panel>
    </>
  );
}
