'use client';

import { Badge, Box, Button, Checkbox, Flex, Form, FormGroup, InlineMessage, Input, MultiSelect, Panel, ProgressBar, Radio, Select, Text } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { dateTime, STATUS_EXPLANATIONS } from '../_components/format';
import { useMutation, usePoll, useStatuses } from '../_components/hooks';
import { LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';
import type { OnCancel, SavedSettingsView, SaveSettingsBody, SettingsForm, StoredSettingsView } from '@/lib/admin/settings-form';

interface Backfill {
  id: number;
  fromDate: string;
  status: 'running' | 'completed' | 'cancelled' | 'failed';
  total: number | null;
  seen: number;
  posted: number;
  skipped: number;
  failed: number;
  percent: number | null;
  etaSeconds: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

function eta(seconds: number | null): string {
  if (seconds === null) return 'estimating…';
  if (seconds < 60) return `about ${seconds} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}

function BackfillPanel({ defaultFrom }: { defaultFrom: string | null }) {
  const poll = usePoll<{ backfill: Backfill | null }>('/api/admin/backfill', 1000, (d) => d?.backfill?.status === 'running');
  const start = useMutation<{ fromDate: string; writeBack: boolean }, { backfill: Backfill }>('POST', '/api/admin/backfill');
  const cancel = useMutation<Record<string, never>, { backfill: Backfill | null }>('POST', '/api/admin/backfill/cancel');
  const [from, setFrom] = useState(defaultFrom ?? '');
  const b = poll.data?.backfill ?? null;
  const running = b?.status === 'running';
  return (
    <Panel header="Post past orders (backfill)" description="Posts the orders placed since a date, following the rules above. Orders already posted are never posted twice.">
      {poll.error ? <LoadError what="the backfill" error={poll.error} onRetry={poll.refresh} /> : null}
      <Flex alignItems="flex-end" flexGap="1rem" flexWrap="wrap">
        <Box style={{ width: 260 }}>
          <Input label="Orders placed since" type="date" value={from} onChange={(e) => setFrom(e.target.value)} error={start.error?.fields.fromDate} />
        </Box>
        <Button
          disabled={!from || running}
          isLoading={start.pending}
          onClick={async () => {
            if (await start.run({ fromDate: from, writeBack: false })) poll.refresh();
          }}
        >
          Start backfill
        </Button>
        {running ? (
          <Button
            variant="secondary"
            actionType="destructive"
            isLoading={cancel.pending}
            onClick={async () => {
              await cancel.run({});
              poll.refresh();
            }}
          >
            Cancel backfill
          </Button>
        ) : null}
      </Flex>
      {start.error && !start.error.fields.fromDate ? <InlineMessage type="error" messages={[{ text: start.error.message }]} /> : null}
      <Box marginTop="medium" style={{ minHeight: 88 }} data-testid="backfill-progress" data-status={b?.status ?? 'none'} data-percent={b?.percent ?? ''}>
        {b ? (
          <>
            <Flex justifyContent="space-between">
              <Text marginBottom="xSmall">
                Since {b.fromDate}: <Badge label={b.status} variant={b.status === 'completed' ? 'success' : b.status === 'running' ? 'primary' : b.status === 'failed' ? 'danger' : 'secondary'} />
              </Text>
              <Text marginBottom="xSmall">
                {b.percent === null ? 'counting orders…' : `${b.percent}%`}
                {running ? ` · ${eta(b.etaSeconds)}` : ''}
              </Text>
            </Flex>
            <div role="progressbar" aria-label="Backfill progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={b.percent ?? 0}>
              <ProgressBar percent={b.percent ?? 0} />
            </div>
            <Text marginTop="xSmall" data-testid="backfill-counts">
              Seen {b.seen}
              {b.total !== null ? ` of ${b.total}` : ''} · posted {b.posted} · skipped {b.skipped} · failed {b.failed}
            </Text>
            {b.error ? <Text color="danger">{b.error}</Text> : null}
            {b.finishedAt ? <Text color="secondary60">Finished {dateTime(b.finishedAt)}</Text> : null}
          </>
        ) : (
          <Text color="secondary60">No backfill has run yet.</Text>
        )}
      </Box>
    </Panel>
  );
}

/** What a cancellation does to a posted document (`orders.onCancel`): the "allow cancelling orders" choice of other connectors. */
const ON_CANCEL: Array<{ value: OnCancel; label: string; description: string }> = [
  {
    value: 'void',
    label: 'Void the document (recommended)',
    description: 'An unpaid document is voided. A paid one gets a credit note, and the money stays owed to the shopper until you refund it in BigCommerce.',
  },
  {
    value: 'credit',
    label: 'Post a credit note',
    description: 'The document stays as posted and a credit note reverses it, so your books show both.',
  },
  {
    value: 'leave',
    label: 'Leave the document alone',
    description: 'Cancelling changes nothing in your books (the order’s timeline says so). For stores that handle cancellations in the accounting system.',
  },
];

export default function OrderRulesPage() {
  const stored = useApi<StoredSettingsView>('/api/admin/settings');
  const { statuses } = useStatuses();
  const save = useMutation<SaveSettingsBody, SavedSettingsView>('PUT', '/api/admin/settings');
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [version, setVersion] = useState(0);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (stored.data) {
      setForm(stored.data.settings);
      setVersion(stored.data.version);
    }
  }, [stored.data]);

  if (stored.error && !stored.data) return <LoadError what="the order rules" error={stored.error} onRetry={stored.reload} />;
  if (!form) return <Loading label="Loading the order rules…" minHeight={900} />;
  const f = save.error?.fields ?? {};
  const o = form.orders;
  const setOrders = (patch: Partial<SettingsForm['orders']>) => {
    setSaved(false);
    setForm({ ...form, orders: { ...o, ...patch } });
  };
  const setDocument = (patch: Partial<SettingsForm['document']>) => {
    setSaved(false);
    setForm({ ...form, document: { ...form.document, ...patch } });
  };
  const statusOptions = statuses.map((s) => ({ value: s.id, content: s.label, description: STATUS_EXPLANATIONS[s.id] }));
  const optional = [{ value: -1, content: 'Leave the status unchanged' }, ...statuses.map((s) => ({ value: s.id, content: s.label }))];
  const example = `Order 1042 → ${form.document.numberPrefix}1042`;

  return (
    <>
      <PageHeader title="Order rules">
        <Text color="secondary60">Which orders are posted, as what, and what is written back to the store.</Text>
      </PageHeader>
      <Form
        fullWidth
        onSubmit={async (event) => {
          event.preventDefault();
          const result = await save.run({ expectedVersion: version, settings: form });
          if (result) {
            setVersion(result.version);
            setForm(result.settings);
            setSaved(true);
          }
        }}
      >
        <Panel header="Statuses">
          <FormGroup>
            <MultiSelect
              label="Post orders in these statuses"
              description="Your store’s own status names."
              options={statusOptions}
              value={o.importStatusIds}
              error={f['orders.importStatusIds']}
              onOptionsChange={(v) => setOrders({ importStatusIds: v })}
              data-testid="import-statuses"
            />
          </FormGroup>
          <FormGroup>
            <MultiSelect
              label="Never post orders in these statuses"
              options={statusOptions}
              value={o.ignoredStatusIds}
              error={f['orders.ignoredStatusIds']}
              onOptionsChange={(v) => setOrders({ ignoredStatusIds: v })}
            />
          </FormGroup>
          <FormGroup>
            <Select
              label="Status after posting"
              options={optional}
              value={o.statusAfterImport ?? -1}
              error={f['orders.statusAfterImport']}
              onOptionChange={(v) => setOrders({ statusAfterImport: v === undefined || v < 0 ? null : v })}
            />
          </FormGroup>
          <FormGroup>
            <Select
              label="Status when an order cannot be posted"
              options={optional}
              value={o.statusOnError ?? -1}
              error={f['orders.statusOnError']}
              onOptionChange={(v) => setOrders({ statusOnError: v === undefined || v < 0 ? null : v })}
            />
          </FormGroup>
        </Panel>

        <Panel
          header="Cancellations, refunds and closed periods"
          description="Refunds are booked from BigCommerce’s refunds themselves: each becomes a credit note, with the money paid back out of the account it came into."
        >
          <FormGroup>
            <fieldset style={{ border: 0, padding: 0, margin: 0 }} aria-describedby={f['orders.onCancel'] ? 'on-cancel-error' : undefined} data-testid="on-cancel">
              <legend style={{ fontWeight: 600, marginBottom: 4 }}>When a posted order is cancelled</legend>
              <Text color="secondary60" marginBottom="small">
                Other connectors call this “allow cancelling orders”.
              </Text>
              {ON_CANCEL.map((choice) => (
                <Radio
                  key={choice.value}
                  label={choice.label}
                  description={choice.description}
                  name="on-cancel"
                  value={choice.value}
                  checked={o.onCancel === choice.value}
                  onChange={() => setOrders({ onCancel: choice.value })}
                />
              ))}
            </fieldset>
            {f['orders.onCancel'] ? (
              <Text id="on-cancel-error" color="danger" marginTop="xSmall">
                {f['orders.onCancel']}
              </Text>
            ) : null}
          </FormGroup>
          <FormGroup>
            <Input
              label="Books closed up to (lock date)"
              description="Optional. Documents dated on or before this day are never changed: later edits, refunds and cancellations of their orders are booked as new documents dated after it. Leave empty if you do not close periods."
              type="date"
              value={form.document.lockDate ?? ''}
              error={f['document.lockDate']}
              onChange={(e) => setDocument({ lockDate: e.target.value || null })}
            />
          </FormGroup>
        </Panel>

        <Panel header="Documents">
          <FormGroup>
            <Select
              label="Post each order as"
              options={[
                { value: 'invoice', content: 'Invoice (with its payment)' },
                { value: 'sales_receipt', content: 'Sales receipt (paid orders)' },
                { value: 'sales_order', content: 'Sales order (not in the balances)' },
                { value: 'auto', content: 'Automatic: sales receipt when paid, invoice otherwise' },
              ]}
              value={form.document.kind}
              error={f['document.kind']}
              onOptionChange={(v) => v && setDocument({ kind: v as SettingsForm['document']['kind'] })}
            />
          </FormGroup>
          <FormGroup>
            <Input
              label="Document number prefix"
              description="Letters, digits and # / _ . - (up to 20)."
              value={form.document.numberPrefix}
              error={f['document.numberPrefix']}
              onChange={(e) => setDocument({ numberPrefix: e.target.value })}
              maxLength={20}
            />
            <Text marginTop="xSmall" data-testid="prefix-example" aria-live="polite">
              {example}
            </Text>
          </FormGroup>
        </Panel>

        <Panel header="Customers and items">
          <FormGroup>
            <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
              <legend style={{ fontWeight: 600, marginBottom: 8 }}>Guest orders</legend>
              <Radio
                label={`One shared customer (“${form.customers.sharedGuestName}”)`}
                name="guests"
                checked={form.customers.guests === 'shared'}
                onChange={() => setForm({ ...form, customers: { ...form.customers, guests: 'shared' } })}
              />
              <Radio
                label="One customer per email address"
                name="guests"
                checked={form.customers.guests === 'per_email'}
                onChange={() => setForm({ ...form, customers: { ...form.customers, guests: 'per_email' } })}
              />
            </fieldset>
          </FormGroup>
          <FormGroup>
            <Checkbox
              label="Match customers by email address"
              description="Use an existing customer with the same email instead of creating a new one."
              checked={form.customers.matchByEmail}
              onChange={(e) => setForm({ ...form, customers: { ...form.customers, matchByEmail: e.target.checked } })}
            />
          </FormGroup>
          <FormGroup>
            <Select
              label="When a SKU has no item in the accounting system"
              options={[
                { value: 'post_without_item', content: 'Post the line to the sales account without an item' },
                { value: 'fail', content: 'Hold the order until the item exists' },
              ]}
              value={form.items.missingSku}
              onOptionChange={(v) => v && setForm({ ...form, items: { ...form.items, missingSku: v as SettingsForm['items']['missingSku'] } })}
            />
          </FormGroup>
        </Panel>

        <Panel header="Timing">
          <FormGroup>
            <Input
              label="Check for missed orders every (minutes)"
              description="Webhooks post orders within seconds; this sweep catches anything they missed."
              type="number"
              min={5}
              max={1440}
              value={String(o.sweepIntervalMinutes)}
              error={f['orders.sweepIntervalMinutes']}
              onChange={(e) => setOrders({ sweepIntervalMinutes: Number.parseInt(e.target.value || '0', 10) })}
            />
          </FormGroup>
          <FormGroup>
            <Input
              label="Only post orders placed on or after"
              description="Leave empty to post every eligible order."
              type="date"
              value={o.ordersFromDate ?? ''}
              error={f['orders.ordersFromDate']}
              onChange={(e) => setOrders({ ordersFromDate: e.target.value || null })}
            />
          </FormGroup>
        </Panel>

        <Flex alignItems="center" flexGap="1rem" marginBottom="large">
          <Button type="submit" isLoading={save.pending}>
            Save order rules
          </Button>
          <div role="status" aria-live="polite">
            {saved ? <Text marginBottom="none" data-testid="saved">Saved (version {version}).</Text> : null}
          </div>
        </Flex>
        {save.error ? (
          <Box marginBottom="large">
            <InlineMessage type="error" header="The order rules were not saved" messages={[{ text: save.error.message }]} />
          </Box>
        ) : null}
      </Form>
      <BackfillPanel defaultFrom={o.ordersFromDate} />
    </>
  );
}
