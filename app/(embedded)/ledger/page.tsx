'use client';

import { Badge, Box, Button, Flex, InlineMessage, Tabs, Text } from '@bigcommerce/big-design';
import { Table } from '../_components/table';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useDownload } from '../_components/download';
import { Pager } from '../_components/pager';
import { AppLink } from '../_components/app-link';
import { Empty, LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';
import { query } from './query';
import type { JournalFilterValues } from './journal-filters';

// The journal's filters: BigDesign's inputs and a Select (with its form parts: 6 KB brotli) are fetched when the
// merchant opens them, not with the page (issue 16's budget of 150 KB per page; README, Performance).
const JournalFilters = lazy(() => import('./journal-filters'));
const TrialBalanceView = lazy(() => import('./views').then((m) => ({ default: m.TrialBalanceView })));
const CustomersView = lazy(() => import('./views').then((m) => ({ default: m.CustomersView })));
const ItemsView = lazy(() => import('./views').then((m) => ({ default: m.ItemsView })));

interface JournalPage {
  total: number;
  page: number;
  pageSize: number;
  entries: Array<{
    id: number;
    date: string;
    number: string;
    kind: string;
    status: string;
    orderId: number | null;
    currency: string;
    customer: string | null;
    lines: Array<{ accountCode: string; accountName: string; debit: string; credit: string; description: string }>;
  }>;
}
function Journal() {
  const [draft, setDraft] = useState<JournalFilterValues>({ from: '', to: '', account: '', kind: '', search: '' });
  const [filters, setFilters] = useState(draft);
  const [page, setPage] = useState(1);
  const data = useApi<JournalPage>(`/api/admin/ledger/journal?${query({ ...filters, page, pageSize: 25 })}`);
  const errors = data.error?.fields ?? {};
  // The filters open when asked for (their inputs' code is fetched then), and stay open while one is refused.
  const [filtersOpen, setFiltersOpen] = useState(false);
  if (Object.keys(errors).length > 0 && !filtersOpen) setFiltersOpen(true);
  const active = Object.values(filters).filter((value) => value.trim() !== '').length;
  return (
    <>
      <Flex alignItems="center" flexGap="1rem" flexWrap="wrap">
        <Button type="button" variant="secondary" aria-expanded={filtersOpen} aria-controls={filtersOpen ? 'journal-filters' : undefined} onClick={() => setFiltersOpen(!filtersOpen)}>
          {filtersOpen ? 'Hide filters' : 'Filter entries'}
        </Button>
        {active > 0 ? (
          <Text marginBottom="none" color="secondary60" data-testid="journal-filters-active">
            {active} filter{active === 1 ? '' : 's'} applied
          </Text>
        ) : null}
      </Flex>
      {filtersOpen ? (
        <Box marginTop="medium">
          <Suspense fallback={<Loading label="Loading the filters" minHeight={120} />}>
            <JournalFilters
              draft={draft}
              errors={errors}
              onChange={setDraft}
              onApply={() => {
                setPage(1);
                setFilters(draft);
              }}
            />
          </Suspense>
        </Box>
      ) : null}
      <Box marginTop="medium">
        {data.error && Object.keys(errors).length === 0 ? <LoadError what="the journal" error={data.error} onRetry={data.reload} /> : null}
        {!data.data ? (
          <Loading label="Loading the journal…" minHeight={400} />
        ) : data.data.total === 0 ? (
          <Empty>No journal entries for these filters.</Empty>
        ) : (
          <><Table
            columns={[
              { header: 'Date', hash: 'date', render: ({ date }) => date },
              {
                header: 'Number',
                hash: 'number',
                // A daily summary's entry leads to the summary's page (its orders and their shares).
                render: ({ number, status, kind }) => (
                  <>
                    {kind === 'summary' ? <AppLink href={`/summaries/${encodeURIComponent(number)}`}>{number}</AppLink> : number}{' '}
                    {status !== 'posted' ? <Badge label={status} variant="secondary" /> : null}
                  </>
                ),
              },
              { header: 'Kind', hash: 'kind', render: ({ kind }) => kind.replace('_', ' ') },
              { header: 'Customer', hash: 'customer', render: ({ customer }) => customer ?? '—' },
              {
                header: 'Lines (debit / credit)',
                hash: 'lines',
                render: ({ lines, currency }) => (
                  <ul style={{ margin: 0, paddingLeft: '1rem' }}>
                    {lines.map((l, i) => (
                      <li key={i}>
                        {l.accountCode} {l.accountName}: {l.debit ? `Dr ${l.debit}` : `Cr ${l.credit}`} {currency}
                      </li>
                    ))}
                  </ul>
                ),
              },
            ]}
            items={data.data.entries}
            itemName="entries"
          />
          <Pager page={data.data.page} pages={Math.max(1, Math.ceil(data.data.total / 25))} total={data.data.total} pageSize={25} itemName="entries" onPage={setPage} /></>
        )}
      </Box>
    </>
  );
}

const TABS = [
  { id: 'journal', title: 'Journal', ariaControls: 'ledger-view' },
  { id: 'trial-balance', title: 'Trial balance', ariaControls: 'ledger-view' },
  { id: 'customers', title: 'Customers', ariaControls: 'ledger-view' },
  { id: 'items', title: 'Items and stock', ariaControls: 'ledger-view' },
];

export default function LedgerPage() {
  const [tab, setTab] = useState('journal');
  // `?tab=items` opens "Items and stock" directly (where "Import items" and "Push stock now" live); read after
  // mounting, so the server's first render and the browser's agree.
  useEffect(() => {
    const wanted = new URLSearchParams(window.location.search).get('tab');
    if (wanted && TABS.some((t) => t.id === wanted)) setTab(wanted);
  }, []);
  const download = useDownload();
  const [exportError, setExportError] = useState<string | null>(null);
  const exportAs = async (format: 'hledger' | 'beancount' | 'csv') => {
    setExportError(null);
    try {
      await download(`/api/admin/ledger/export?format=${format}`, `ledger.${format}`);
    } catch (error) {
      setExportError((error as Error).message);
    }
  };
  return (
    <>
      <PageHeader
        title="Ledger"
        actions={
          <>
            <AppLink href="/summaries">Daily summaries</AppLink>
            <Button variant="secondary" onClick={() => void exportAs('hledger')}>Export hledger</Button>
            <Button variant="secondary" onClick={() => void exportAs('beancount')}>Export beancount</Button>
            <Button variant="secondary" onClick={() => void exportAs('csv')}>Export CSV</Button>
          </>
        }
      >
        <Text color="secondary60">The built-in double-entry ledger your orders are posted to.</Text>
      </PageHeader>
      {exportError ? <InlineMessage type="error" messages={[{ text: exportError }]} /> : null}
      <Tabs activeTab={tab} items={TABS} onTabClick={setTab} aria-label="Ledger views" />
      <Box marginTop="medium" id="ledger-view" role="tabpanel" aria-label={TABS.find((t) => t.id === tab)?.title}>
        {tab === 'journal' ? <Journal /> : null}
        <Suspense fallback={<Loading label="Loading the view" />}>
          {tab === 'trial-balance' ? <TrialBalanceView /> : null}
          {tab === 'customers' ? <CustomersView /> : null}
          {tab === 'items' ? <ItemsView /> : null}
        </Suspense>
      </Box>
    </>
  );
}
