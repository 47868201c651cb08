'use client';

import { Badge, Box, Button, Flex, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { Input } from '../_components/input';
import { Form } from '../_components/form';
import { Table } from '../_components/table';
import { useState } from 'react';
import { useMutation } from '../_components/hooks';
import { ImportItemsPanel, StockPanel } from '../_components/items-stock-panel';
import { Pager } from '../_components/pager';
import { Empty, LoadError, Loading } from '../_components/page-state';
import { useApi } from '../_components/session';
import { query } from './query';

// The ledger's Trial balance, Customers and Items and stock tabs, fetched when one is opened (the page opens on the
// journal; issue 16's JavaScript budget).

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

export function TrialBalanceView() {
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

export function CustomersView() {
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

export function ItemsView() {
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
