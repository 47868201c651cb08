'use client';

import { Badge, Box, Button, Flex, Form, InlineMessage, Input, Panel, Select, Table, Tabs, Text } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { useDownload, useMutation } from '../_components/hooks';
import { ImportItemsPanel, StockPanel } from '../_components/items-stock-panel';
import { Pager } from '../_components/pager';
import { Empty, LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';

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
interface TrialBalance {
  rows: Array<{ accountCode: string; accountName: string; accountType: string; currency: string; debit: string; credit: string; balance: string }>;
  balanced: boolean;
}
interface Customers {
  total: number;
  page: number;
  customers: Array<{ id: number; name: string; email: string | null; company: string; bcCustomerId: number | null }>;
}
interface Items {
  total: number;
  page: number;
  items: Array<{
    id: number;
    sku: string;
    name: string;
    description: string;
    unitPrice: string | null;
    salesAccount: string | null;
    trackStock: boolean;
    onHand: string;
  }>;
}

function query(values: Record<string, string | number>) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (String(v).trim()) params.set(k, String(v).trim());
  return params.toString();
}

function Journal() {
  const [draft, setDraft] = useState({ from: '', to: '', account: '', kind: '', search: '' });
  const [filters, setFilters] = useState(draft);
  const [page, setPage] = useState(1);
  const data = useApi<JournalPage>(`/api/admin/ledger/journal?${query({ ...filters, page, pageSize: 25 })}`);
  const errors = data.error?.fields ?? {};
  return (
    <>
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setFilters(draft);
        }}
      >
        <Flex flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
          <Box style={{ width: 170 }}>
            <Input label="From" type="date" value={draft.from} error={errors.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
          </Box>
          <Box style={{ width: 170 }}>
            <Input label="To" type="date" value={draft.to} error={errors.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
          </Box>
          <Box style={{ width: 140 }}>
            <Input label="Account code" value={draft.account} onChange={(e) => setDraft({ ...draft, account: e.target.value })} />
          </Box>
          <Box style={{ width: 200 }}>
            <Select
              label="Kind"
              options={[
                { value: '', content: 'All kinds' },
                ...['invoice', 'sales_receipt', 'sales_order', 'payment', 'void', 'credit_note', 'adjustment'].map((k) => ({ value: k, content: k.replace('_', ' ') })),
              ]}
              value={draft.kind}
              onOptionChange={(v) => setDraft({ ...draft, kind: v ?? '' })}
            />
          </Box>
          <Box style={{ width: 200 }}>
            <Input label="Number or order id" value={draft.search} onChange={(e) => setDraft({ ...draft, search: e.target.value })} />
          </Box>
        </Flex>
        <Box marginTop="medium">
          <Button type="submit">Apply filters</Button>
        </Box>
      </Form>
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
              { header: 'Number', hash: 'number', render: ({ number, status }) => <>{number} {status !== 'posted' ? <Badge label={status} variant="secondary" /> : null}</> },
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

function TrialBalanceView() {
  const [range, setRange] = useState({ from: '', to: '' });
  const [applied, setApplied] = useState(range);
  const data = useApi<TrialBalance>(`/api/admin/ledger/trial-balance?${query(applied)}`);
  return (
    <>
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(range);
        }}
      >
        <Flex flexGap="1rem" alignItems="flex-end">
          <Box style={{ width: 170 }}>
            <Input label="From" type="date" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} />
          </Box>
          <Box style={{ width: 170 }}>
            <Input label="To" type="date" value={range.to} error={data.error?.fields.to} onChange={(e) => setRange({ ...range, to: e.target.value })} />
          </Box>
          <Button type="submit">Show</Button>
        </Flex>
      </Form>
      <Box marginTop="medium">
        {data.error && !data.error.fields.to ? <LoadError what="the trial balance" error={data.error} onRetry={data.reload} /> : null}
        {!data.data ? (
          <Loading label="Loading the trial balance…" minHeight={300} />
        ) : data.data.rows.length === 0 ? (
          <Empty>Nothing posted in this period.</Empty>
        ) : (
          <>
            <Badge label={data.data.balanced ? 'Balanced' : 'Not balanced'} variant={data.data.balanced ? 'success' : 'danger'} />
            <Table
              columns={[
                { header: 'Account', hash: 'accountCode', render: ({ accountCode, accountName }) => `${accountCode} ${accountName}` },
                { header: 'Type', hash: 'accountType', render: ({ accountType }) => accountType },
                { header: 'Currency', hash: 'currency', render: ({ currency }) => currency },
                { header: 'Debit', hash: 'debit', align: 'right', render: ({ debit }) => debit },
                { header: 'Credit', hash: 'credit', align: 'right', render: ({ credit }) => credit },
                { header: 'Balance', hash: 'balance', align: 'right', render: ({ balance }) => balance },
              ]}
              items={data.data.rows.map((r) => ({ ...r, id: `${r.accountCode}-${r.currency}` }))}
            />
          </>
        )}
      </Box>
    </>
  );
}

function CustomersView() {
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [page, setPage] = useState(1);
  const data = useApi<Customers>(`/api/admin/ledger/customers?${query({ search: applied, page, pageSize: 25 })}`);
  return (
    <>
      <Form onSubmit={(e) => { e.preventDefault(); setPage(1); setApplied(search); }}>
        <Flex flexGap="1rem" alignItems="flex-end">
          <Box style={{ width: 260 }}>
            <Input label="Search customers" value={search} onChange={(e) => setSearch(e.target.value)} />
          </Box>
          <Button type="submit">Search</Button>
        </Flex>
      </Form>
      <Box marginTop="medium">
        {data.error ? <LoadError what="the customers" error={data.error} onRetry={data.reload} /> : null}
        {!data.data ? (
          <Loading label="Loading customers…" minHeight={300} />
        ) : data.data.total === 0 ? (
          <Empty>No customers yet. They are created as orders are posted.</Empty>
        ) : (
          <><Table
            columns={[
              { header: 'Name', hash: 'name', render: ({ name }) => name },
              { header: 'Email', hash: 'email', render: ({ email }) => email ?? '—' },
              { header: 'Company', hash: 'company', render: ({ company }) => company || '—' },
              { header: 'BigCommerce customer', hash: 'bcCustomerId', render: ({ bcCustomerId }) => bcCustomerId ?? 'Guest' },
            ]}
            items={data.data.customers}
            itemName="customers"
          />
          <Pager page={data.data.page} pages={Math.max(1, Math.ceil(data.data.total / 25))} total={data.data.total} pageSize={25} itemName="customers" onPage={setPage} /></>
        )}
      </Box>
    </>
  );
}

function ItemsView() {
  const [page, setPage] = useState(1);
  const data = useApi<Items>(`/api/admin/ledger/items?${query({ page, pageSize: 25 })}`);
  const adjust = useMutation<{ sku: string; quantity: string; name?: string }, { level: { sku: string; quantity: string } }>('POST', '/api/admin/ledger/stock');
  const [form, setForm] = useState({ sku: '', quantity: '', name: '' });
  const [done, setDone] = useState<string | null>(null);
  const f = adjust.error?.fields ?? {};
  return (
    <>
      <ImportItemsPanel onImported={data.reload} />
      <StockPanel />
      <Panel header="Adjust stock" description="Set the quantity on hand after a count or a delivery. The new level is what BigCommerce will be given.">
        <Form
          onSubmit={async (e) => {
            e.preventDefault();
            setDone(null);
            const result = await adjust.run({ sku: form.sku, quantity: form.quantity, ...(form.name.trim() ? { name: form.name } : {}) });
            if (result) {
              setDone(`${result.level.sku} now has ${result.level.quantity} on hand.`);
              setForm({ sku: '', quantity: '', name: '' });
              data.reload();
            }
          }}
        >
          <Flex flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
            <Box style={{ width: 200 }}>
              <Input label="SKU" value={form.sku} error={f.sku} required onChange={(e) => setForm({ ...form, sku: e.target.value })} />
            </Box>
            <Box style={{ width: 160 }}>
              <Input label="Quantity on hand" inputMode="decimal" value={form.quantity} error={f.quantity} required onChange={(e) => setForm({ ...form, quantity: e.target.value })} />
            </Box>
            <Box style={{ width: 260 }}>
              <Input label="Name (to create a new item)" value={form.name} error={f.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </Box>
          </Flex>
          <Box marginTop="medium">
            <Button type="submit" isLoading={adjust.pending}>Save stock level</Button>
          </Box>
        </Form>
        <div role="status" aria-live="polite">{done ? <Text marginTop="small">{done}</Text> : null}</div>
        {adjust.error && Object.keys(f).length === 0 ? <InlineMessage type="error" messages={[{ text: adjust.error.message }]} /> : null}
      </Panel>
      {data.error ? <LoadError what="the items" error={data.error} onRetry={data.reload} /> : null}
      {!data.data ? (
        <Loading label="Loading items…" minHeight={300} />
      ) : data.data.total === 0 ? (
        <Empty>No items yet. Add one above with a SKU, a quantity and a name.</Empty>
      ) : (
        <><Table
          columns={[
            { header: 'SKU', hash: 'sku', render: ({ sku }) => sku },
            { header: 'Name', hash: 'name', render: ({ name, description }) => <span title={description || undefined}>{name}</span> },
            { header: 'Unit price', hash: 'unitPrice', align: 'right', render: ({ unitPrice }) => unitPrice ?? '—' },
            { header: 'Sales account', hash: 'salesAccount', render: ({ salesAccount }) => salesAccount ?? 'default' },
            { header: 'On hand', hash: 'onHand', align: 'right', render: ({ onHand, trackStock }) => (trackStock ? onHand : 'not tracked') },
          ]}
          items={data.data.items}
          itemName="items"
        />
        <Pager page={data.data.page} pages={Math.max(1, Math.ceil(data.data.total / 25))} total={data.data.total} pageSize={25} itemName="items" onPage={setPage} /></>
      )}
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
        {tab === 'trial-balance' ? <TrialBalanceView /> : null}
        {tab === 'customers' ? <CustomersView /> : null}
        {tab === 'items' ? <ItemsView /> : null}
      </Box>
    </>
  );
}
