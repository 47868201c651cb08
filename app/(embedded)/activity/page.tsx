'use client';

import { Badge, Box, Button, Flex, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { SelectableTable } from '../_components/selectable-table';
import { lazy, Suspense, useEffect, useState } from 'react';
import { AppLink } from '../_components/app-link';
import { Pager } from '../_components/pager';
import { dateOnly, dateTime, STATE_LABELS } from '../_components/format';
import { money } from '../_components/money';
import { statusLabel } from '../_components/statuses';
import { useMutation } from '../_components/hooks';
import { useStatuses } from '../_components/use-statuses';
import { Empty, LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';
import type { ActivityPage as ActivityPageView, ActivityRow } from '@/lib/admin/activity';
import type { UnimportedOrder } from '@/lib/admin/unimported';
import type { Filters } from './filters';

// The filters: six inputs and two Selects (with their form parts: about 4 KB brotli) are fetched when the merchant
// opens them, not with the page (issue 16's budget of 150 KB per page; README, Performance), as the ledger's are.
const ActivityFilters = lazy(() => import('./filters'));

type Row = ActivityRow;
interface Unimported {
  orders: UnimportedOrder[];
  error: string | null;
}

const EMPTY: Filters = { state: '', refunded: '', from: '', to: '', orderId: '', customer: '', minAmount: '', maxAmount: '' };

function toQuery(filters: Filters, page: number, pageSize: number): string {
  const params = new URLSearchParams({ page: String(page), pageSize: String(pageSize) });
  for (const [key, value] of Object.entries(filters)) if (value.trim()) params.set(key, value.trim());
  return params.toString();
}

/** Asks BigCommerce, so it loads after the table (the table is the page's main content). */
function UnimportedPanel({ onQueued, enabled }: { onQueued: (ids: number[]) => void; enabled: boolean }) {
  const list = useApi<Unimported>(enabled ? '/api/admin/activity/unimported' : null);
  const importer = useMutation<{ orderIds: number[] }, { queued: number[] }>('POST', '/api/admin/activity/import');
  const [selected, setSelected] = useState<Array<{ orderId: number }>>([]);
  const { statuses } = useStatuses(enabled);
  const orders = list.data?.orders ?? [];
  if (list.data && orders.length === 0 && !list.data.error) return null;
  return (
    <Panel header="Eligible orders not imported yet" description="Orders of the last 7 days in a status you post, without a sync. The periodic check would post them; you can post them now.">
      {list.error ? <LoadError what="the orders not imported" error={list.error} onRetry={list.reload} /> : null}
      {list.data?.error ? <InlineMessage type="warning" messages={[{ text: list.data.error }]} /> : null}
      {!list.data ? (
        <Loading label="Asking the store…" minHeight={120} />
      ) : (
        <SelectableTable
          columns={[
            { header: 'Order', hash: 'orderId', render: ({ orderId }) => `Order ${orderId}` },
            { header: 'Date', hash: 'orderDate', render: ({ orderDate }) => dateOnly(orderDate) },
            { header: 'Customer', hash: 'customer', render: ({ customer }) => customer },
            { header: 'Amount', hash: 'total', align: 'right', render: ({ total, currency }) => money(total, currency) },
            { header: 'Store status', hash: 'orderStatusId', render: ({ orderStatusId }) => statusLabel(statuses, orderStatusId) },
          ]}
          items={orders.map((o) => ({ ...o, id: o.orderId }))}
          selectable={{ selectedItems: selected as never[], onSelectionChange: (items) => setSelected(items as Array<{ orderId: number }>) }}
          actions={
            <Button
              variant="secondary"
              disabled={selected.length === 0}
              isLoading={importer.pending}
              onClick={async () => {
                const done = await importer.run({ orderIds: selected.map((s) => s.orderId) });
                if (done) {
                  setSelected([]);
                  onQueued(done.queued);
                  setTimeout(list.reload, 1500);
                }
              }}
            >
              Import selected
            </Button>
          }
        />
      )}
      {importer.error ? <InlineMessage type="error" messages={[{ text: importer.error.message }]} /> : null}
    </Panel>
  );
}

export default function ActivityPage() {
  // A deep link such as /activity?state=problems or ?refunded=true presets the filter. (The page only renders in the
  // browser, after the session is read, so reading the address here cannot differ from a server render.)
  const [initial] = useState<Filters>(() => {
    const params = typeof window === 'undefined' ? null : new URLSearchParams(window.location.search);
    return { ...EMPTY, state: params?.get('state') ?? '', refunded: params?.get('refunded') ?? '' };
  });
  const [draft, setDraft] = useState<Filters>(initial);
  const [filters, setFilters] = useState<Filters>(initial);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [selected, setSelected] = useState<Row[]>([]);
  const [notice, setNotice] = useState<string | null>(null);

  const activity = useApi<ActivityPageView>(`/api/admin/activity?${toQuery(filters, page, pageSize)}`);
  // Store status labels come from BigCommerce: asked once the table is on screen (BigCommerce's names until then).
  const { statuses } = useStatuses(activity.data !== undefined);
  const importer = useMutation<{ orderIds: number[] }, { queued: number[] }>('POST', '/api/admin/activity/import');
  const retry = useMutation<{ orderIds?: number[] }, { queued: number[] }>('POST', '/api/admin/activity/retry');
  const queryErrors = activity.error?.fields ?? {};
  // The filters open when asked for, at once when the address set one (so the merchant sees what narrows the list),
  // and stay open while a value is refused.
  const [filtersOpen, setFiltersOpen] = useState(() => Object.values(initial).some((value) => value !== ''));
  if (Object.keys(queryErrors).length > 0 && !filtersOpen) setFiltersOpen(true);
  const active = Object.values(filters).filter((value) => value.trim() !== '').length;
  const clear = () => {
    setDraft(EMPTY);
    setFilters(EMPTY);
    setPage(1);
  };
  // New orders show up on their own: the table refreshes quietly every few seconds (the last page stays visible).
  const { reload } = activity;
  useEffect(() => {
    const timer = setInterval(reload, 4000);
    return () => clearInterval(timer);
  }, [reload]);

  const afterQueue = (what: string, ids: number[]) => {
    setNotice(ids.length === 0 ? `Nothing to ${what.toLowerCase()}.` : `${what}: ${ids.length} order${ids.length === 1 ? '' : 's'} queued. This table refreshes in a moment.`);
    setSelected([]);
    setTimeout(activity.reload, 1500);
    setTimeout(activity.reload, 5000);
  };

  return (
    <>
      <PageHeader
        title="Activity"
        actions={
          <>
            <Button
              variant="secondary"
              disabled={selected.length === 0}
              isLoading={importer.pending}
              onClick={async () => {
                const done = await importer.run({ orderIds: selected.map((r) => r.orderId) });
                if (done) afterQueue('Import', done.queued);
              }}
            >
              Import selected
            </Button>
            <Button
              isLoading={retry.pending}
              onClick={async () => {
                const ids = selected.filter((r) => r.state === 'failed' || r.state === 'held').map((r) => r.orderId);
                const done = await retry.run(selected.length > 0 ? { orderIds: ids } : {});
                if (done) afterQueue('Retry', done.queued);
              }}
            >
              {selected.length > 0 ? 'Retry selected failed' : 'Retry failed'}
            </Button>
          </>
        }
      >
        <Text color="secondary60">Every order and its sync state, with a timeline per order and a retry for failed ones.</Text>
      </PageHeader>

      <div role="status" aria-live="polite">
        {notice ? (
          <Box marginBottom="medium">
            <InlineMessage type="success" messages={[{ text: notice }]} onClose={() => setNotice(null)} />
          </Box>
        ) : null}
      </div>
      {importer.error || retry.error ? <InlineMessage type="error" messages={[{ text: (importer.error ?? retry.error)!.message }]} /> : null}

      <UnimportedPanel enabled={activity.data !== undefined} onQueued={(ids) => afterQueue('Import', ids)} />

      <Panel header="Orders">
        <Flex alignItems="center" flexGap="1rem" flexWrap="wrap" marginBottom="medium">
          <Button type="button" variant="secondary" aria-expanded={filtersOpen} aria-controls={filtersOpen ? 'activity-filters' : undefined} onClick={() => setFiltersOpen(!filtersOpen)}>
            {filtersOpen ? 'Hide filters' : 'Filter orders'}
          </Button>
          {active > 0 ? (
            <>
              <Text marginBottom="none" color="secondary60" data-testid="activity-filters-active">
                {active} filter{active === 1 ? '' : 's'} applied
              </Text>
              {filtersOpen ? null : (
                <Button type="button" variant="subtle" onClick={clear}>
                  Clear filters
                </Button>
              )}
            </>
          ) : null}
        </Flex>
        {filtersOpen ? (
          <Box marginBottom="medium">
            <Suspense fallback={<Loading label="Loading the filters" minHeight={120} />}>
              <ActivityFilters
                draft={draft}
                errors={queryErrors}
                onChange={setDraft}
                onApply={() => {
                  setPage(1);
                  setFilters(draft);
                }}
                onClear={clear}
              />
            </Suspense>
          </Box>
        ) : null}
        {activity.error && Object.keys(queryErrors).length === 0 ? <LoadError what="the activity" error={activity.error} onRetry={activity.reload} /> : null}
        {!activity.data ? (
          <Loading label="Loading the activity…" minHeight={520} />
        ) : activity.data.total === 0 ? (
          <Empty>{Object.values(filters).some(Boolean) ? 'No order matches these filters.' : 'No orders synced yet. New orders appear here within seconds of being placed.'}</Empty>
        ) : (
          <SelectableTable
            data-testid="activity-table"
            columns={[
              { header: 'Order', hash: 'orderId', render: ({ orderId }) => <AppLink href={`/activity/${orderId}`} testId={`order-link-${orderId}`}>Order {orderId}</AppLink> },
              {
                header: 'State',
                hash: 'state',
                render: ({ state, orderId, refunded }) => (
                  <Flex flexGap="0.25rem" flexWrap="wrap">
                    <span data-testid={`state-${orderId}`} data-state={state}>
                      <Badge label={STATE_LABELS[state]?.label ?? state} variant={STATE_LABELS[state]?.variant ?? 'secondary'} />
                    </span>
                    {refunded ? (
                      <span data-testid={`refunded-${orderId}`}>
                        <Badge label="Refunded" variant="warning" />
                      </span>
                    ) : null}
                  </Flex>
                ),
              },
              { header: 'Date', hash: 'orderDate', render: ({ orderDate }) => dateOnly(orderDate) },
              { header: 'Customer', hash: 'customer', render: ({ customer }) => customer ?? '—' },
              { header: 'Amount', hash: 'total', align: 'right', render: ({ total, currency }) => money(total, currency) },
              { header: 'Store status', hash: 'orderStatusId', render: ({ orderStatusId }) => statusLabel(statuses, orderStatusId) },
              {
                header: 'Document / reason',
                hash: 'message',
                // A voided or credited order keeps its document; the message says what the cancellation did.
                render: ({ documentNumber, message, state }) =>
                  state === 'posted' ? (documentNumber ?? '') : state === 'voided' || state === 'credited' ? [documentNumber, message].filter(Boolean).join(' — ') : (message ?? ''),
              },
              { header: 'Last change', hash: 'updatedAt', render: ({ updatedAt }) => dateTime(updatedAt) },
            ]}
            items={activity.data.rows.map((r) => ({ ...r, id: r.orderId }))}
            selectable={{ selectedItems: selected as never[], onSelectionChange: (items) => setSelected(items as Row[]) }}
            itemName="orders"
          />
        )}
        {activity.data && activity.data.total > 0 ? (
          <Pager
            page={activity.data.page}
            pages={activity.data.pages}
            total={activity.data.total}
            exact={activity.data.totalIsExact}
            pageSize={pageSize}
            itemName="orders"
            onPage={setPage}
            onPageSize={(n) => {
              setPageSize(n);
              setPage(1);
            }}
          />
        ) : null}
      </Panel>
    </>
  );
}
