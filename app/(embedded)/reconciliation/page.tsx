'use client';

import { Badge, Box, Button, Flex, Grid, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { Table } from '../_components/table';
import { useEffect, useState } from 'react';
import type { DifferenceClass, ReconciliationChartDay, ReconciliationDayView, ReconciliationView } from '@/lib/admin/reconciliation';
import { AppLink } from '../_components/app-link';
import { dateTime } from '../_components/format';
import { useMutation } from '../_components/hooks';
import { useDownload } from '../_components/download';
import { Empty, LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';

type View = ReconciliationView & { timeZone: string };

const CLASS_LABELS: Record<DifferenceClass, { label: string; variant: 'success' | 'warning' | 'danger' | 'secondary' | 'primary' }> = {
  pending: { label: 'Being posted', variant: 'primary' },
  failed: { label: 'Failed', variant: 'danger' },
  held: { label: 'Held', variant: 'warning' },
  skipped: { label: 'Skipped by a rule', variant: 'secondary' },
  refund_not_credited: { label: 'Refund not credited', variant: 'warning' },
  changed_in_books: { label: 'Changed in the books', variant: 'warning' },
  voided_in_books: { label: 'Voided or deleted in the books', variant: 'danger' },
  missing_in_books: { label: 'Missing from the books', variant: 'danger' },
  duplicate_in_books: { label: 'Two documents for one order', variant: 'danger' },
};

const COLOURS: Record<ReconciliationChartDay['status'], string> = { agrees: '#208831', differs: '#DB3643', not_reconciled: '#D9DCE9' };
const STATUS_TEXT: Record<ReconciliationChartDay['status'], string> = { agrees: 'agrees', differs: 'has differences', not_reconciled: 'not reconciled yet' };

/** 30 bars, one per day: green agrees, red differs (taller with more differences), grey not reconciled. Each is a button. */
function Chart({ chart, selected, onSelect }: { chart: ReconciliationChartDay[]; selected: string; onSelect: (date: string) => void }) {
  const max = Math.max(1, ...chart.map((d) => d.differences));
  const agreeing = chart.filter((d) => d.status === 'agrees').length;
  const differing = chart.filter((d) => d.status === 'differs').length;
  return (
    <Box>
      <Text color="secondary70" data-testid="chart-summary">
        Last 30 days: {agreeing} agree, {differing} with differences, {chart.length - agreeing - differing} not reconciled yet.
      </Text>
      <div role="group" aria-label="Days of the last 30; choose one to see it" data-testid="reconciliation-chart" style={{ display: 'flex', alignItems: 'flex-end', gap: 3, height: 110 }}>
        {chart.map((d) => {
          const height = d.status === 'differs' ? 30 + (70 * d.differences) / max : d.status === 'agrees' ? 30 : 12;
          return (
            <button
              key={d.date}
              type="button"
              data-date={d.date}
              data-status={d.status}
              aria-pressed={d.date === selected}
              aria-label={`${d.date}: ${STATUS_TEXT[d.status]}${d.status === 'differs' ? ` (${d.differences})` : ''}`}
              title={`${d.date}: ${STATUS_TEXT[d.status]}${d.status === 'differs' ? ` (${d.differences})` : ''}`}
              onClick={() => onSelect(d.date)}
              style={{
                flex: 1, height: `${height}%`, minWidth: 6, padding: 0, cursor: 'pointer', background: COLOURS[d.status],
                border: d.date === selected ? '2px solid #313440' : '1px solid transparent', borderRadius: 2,
              }}
            />
          );
        })}
      </div>
      <Flex flexGap="1rem" marginTop="xSmall">
        {(['agrees', 'differs', 'not_reconciled'] as const).map((s) => (
          <Text key={s} marginBottom="none" color="secondary70">
            <span aria-hidden style={{ display: 'inline-block', width: 10, height: 10, background: COLOURS[s], marginRight: 4 }} />
            {s === 'agrees' ? 'Agrees' : s === 'differs' ? 'Differences' : 'Not reconciled'}
          </Text>
        ))}
      </Flex>
    </Box>
  );
}

/** The day's two columns side by side: what the store says and what the books hold. */
function Columns({ day }: { day: ReconciliationDayView }) {
  const methods = [...new Set([...Object.keys(day.store.payments), ...Object.keys(day.books.payments)])].sort((a, b) => a.localeCompare(b));
  const rows = [
    { id: 'count', what: 'Orders / documents', store: String(day.store.orders), books: String(day.books.documents) },
    { id: 'total', what: 'Total', store: day.store.total, books: day.books.total },
    { id: 'tax', what: 'Tax', store: day.store.tax, books: day.books.tax },
    { id: 'refunds', what: 'Refunds / credits', store: day.store.refunds, books: day.books.refunds },
    { id: 'shipping', what: 'Shipping', store: day.store.shipping, books: '' },
    { id: 'discounts', what: 'Discounts', store: day.store.discounts, books: '' },
    ...methods.map((method) => ({ id: `pay-${method}`, what: `Paid by ${method}`, store: day.store.payments[method] ?? '—', books: day.books.payments[method] ?? '—' })),
  ];
  return (
    <Table
      data-testid={`columns-${day.currency}`}
      columns={[
        { header: day.currency, hash: 'what', render: ({ what }) => what },
        { header: 'Store (BigCommerce)', hash: 'store', align: 'right', render: ({ store }) => store },
        { header: 'Books', hash: 'books', align: 'right', render: ({ books }) => books },
      ]}
      items={rows}
    />
  );
}

function Differences({ day }: { day: ReconciliationDayView }) {
  if (day.differences.length === 0) return <Empty>The store and the books agree on {day.date} ({day.currency}).</Empty>;
  return (
    <Table
      data-testid={`differences-${day.currency}`}
      columns={[
        { header: 'Order', hash: 'orderId', render: ({ orderId, orderPath }) => <AppLink href={orderPath}>Order {orderId}</AppLink> },
        { header: 'Class', hash: 'class', render: ({ class: cls }) => <span data-class={cls}><Badge label={CLASS_LABELS[cls].label} variant={CLASS_LABELS[cls].variant} /></span> },
        { header: 'Amount', hash: 'amount', align: 'right', render: ({ amount }) => amount },
        { header: 'Why', hash: 'reason', render: ({ reason }) => reason },
        { header: 'Repair', hash: 'repairable', render: ({ repairable }) => (repairable ? 'The app can repair this' : 'Needs you') },
      ]}
      items={day.differences.map((d) => ({ ...d, id: `${d.orderId}-${d.class}` }))}
    />
  );
}

export default function ReconciliationPage() {
  const [date, setDate] = useState<string | null>(null);
  const view = useApi<View>(`/api/admin/reconciliation${date ? `?date=${date}` : ''}`);
  const reconcile = useMutation<{ from: string; to: string }, { queued: boolean }>('POST', '/api/admin/reconciliation');
  const repair = useMutation<{ date: string }, { queued: boolean }>('POST', '/api/admin/reconciliation/repair');
  const download = useDownload();
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(0);
  // After "reconcile" or "repair" the work runs in the background: look again every 2 s for a while.
  const { reload } = view;
  useEffect(() => {
    if (waiting <= 0) return;
    const timer = setTimeout(() => {
      reload();
      setWaiting((n) => n - 1);
    }, 2000);
    return () => clearTimeout(timer);
  }, [waiting, reload]);

  if (view.error && !view.data) return <LoadError what="the reconciliation" error={view.error} onRetry={view.reload} />;
  if (!view.data) return <Loading label="Loading the reconciliation…" minHeight={500} />;
  const v = view.data;
  const repairable = v.days.some((d) => d.differences.some((x) => x.repairable));
  return (
    <>
      <PageHeader
        title="Reconciliation"
        actions={
          <>
            <Button variant="secondary" isLoading={reconcile.pending} onClick={async () => (await reconcile.run({ from: v.date, to: v.date })) && setWaiting(8)}>
              Reconcile {v.date} now
            </Button>
            <Button
              variant="secondary"
              onClick={async () => {
                setDownloadError(null);
                try {
                  await download(`/api/admin/reconciliation/csv?date=${v.date}`, `reconciliation-${v.date}.csv`);
                } catch (error) {
                  setDownloadError((error as Error).message);
                }
              }}
            >
              Export CSV
            </Button>
            <Button disabled={!repairable} isLoading={repair.pending} onClick={async () => (await repair.run({ date: v.date })) && setWaiting(8)}>
              Repair
            </Button>
          </>
        }
      >
        <Text color="secondary60">Each day (time zone {v.timeZone}) the store’s orders and refunds, read from BigCommerce, against the documents read back from your books.</Text>
      </PageHeader>
      {[reconcile.error, repair.error].map((e, i) => (e ? <InlineMessage key={i} type="error" messages={[{ text: e.message }]} /> : null))}
      {downloadError ? <InlineMessage type="error" messages={[{ text: downloadError }]} /> : null}
      {waiting > 0 ? <InlineMessage type="info" messages={[{ text: 'Working on it in the background; this page updates when it is done.' }]} /> : null}
      <Panel header="Last 30 days">
        <Chart chart={v.chart} selected={v.date} onSelect={setDate} />
      </Panel>
      <Panel header={`${v.date}`} description={v.days[0] ? `Reconciled ${dateTime(v.days[0].reconciledAt)}` : undefined}>
        <Box data-testid="day-detail">
          {v.days.length === 0 ? (
            <Empty>{v.date} has not been reconciled yet. The nightly run reconciles each day after it ends; “Reconcile now” does it at once.</Empty>
          ) : (
            v.days.map((day) => (
              <Box key={day.currency} marginBottom="large">
                <Grid gridColumns="repeat(auto-fit, minmax(320px, 1fr))" gridGap="1.5rem">
                  <Columns day={day} />
                  <Differences day={day} />
                </Grid>
              </Box>
            ))
          )}
        </Box>
      </Panel>
    </>
  );
}
