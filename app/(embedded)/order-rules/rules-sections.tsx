'use client';

import { Badge, Box, Button, Flex, InlineMessage, Panel, ProgressBar, Radio, Text } from '@bigcommerce/big-design';
import { Checkbox } from '../_components/checkbox';
import { FormGroup } from '../_components/form-group';
import { Input } from '../_components/input';
import { MultiSelect } from '../_components/multi-select';
import { Select } from '../_components/select';
import { useState } from 'react';
import { dateTime } from '../_components/format';
import { useMutation } from '../_components/hooks';
import { usePoll } from '../_components/use-poll';
import { LoadError } from '../_components/page-state';
import { Setting } from '../_components/setting';
import { TemplateFields } from './templates-fields';
import { CustomerFields } from './customer-fields';
import { PostingModePanel } from './posting-mode';
import { StockSettingsPanel } from './stock-settings';
import { PAYMENT_STATUSES } from '@/lib/admin/settings-controls';
import type { OnCancel, SettingsForm } from '@/lib/admin/settings-form';
import type { BackfillView as Backfill } from '@/lib/admin/backfill';

/*
 * The order rules below the status table, and the backfill: loaded when the merchant scrolls near them (page.tsx, with
 * _components/deferred.tsx), not with the page. Their radios, checkboxes, inputs, multi-select and progress bar are
 * about 10 KB brotli that the page's first screen does not show (issue 16's JavaScript budget; README, Performance).
 */

function eta(seconds: number | null): string {
  if (seconds === null) return 'estimating…';
  if (seconds < 60) return `about ${seconds} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}

export function BackfillPanel({ defaultFrom }: { defaultFrom: string | null }) {
  const poll = usePoll<{ backfill: Backfill | null }>('/api/admin/backfill', 1000, (d) => d?.backfill?.status === 'running');
  const start = useMutation<{ fromDate: string; writeBack: boolean }, { backfill: Backfill }>('POST', '/api/admin/backfill');
  const cancel = useMutation<Record<string, never>, { backfill: Backfill | null }>('POST', '/api/admin/backfill/cancel');
  const [from, setFrom] = useState(defaultFrom ?? '');
  const b = poll.data?.backfill ?? null;
  const running = b?.status === 'running';
  return (
    <Panel id="backfill" header="Post past orders (backfill)" description="Posts the orders placed since a date, following the rules above. Orders already posted are never posted twice.">
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

/** Cancellations, documents, payments, customers, items, timing, posting mode and stock: one settings form with the status table. */
export function RulesSections(props: {
  form: SettingsForm;
  fields: Record<string, string>;
  patch: <K extends keyof SettingsForm>(key: K, change: Partial<SettingsForm[K]>) => void;
  update: (next: SettingsForm) => void;
}) {
  const { form, fields: f, patch, update } = props;
  const o = form.orders;
  const setOrders = (change: Partial<SettingsForm['orders']>) => patch('orders', change);
  const setDocument = (change: Partial<SettingsForm['document']>) => patch('document', change);
  const example = `Order 1042 → ${form.document.numberPrefix}1042`;
  // A status saved earlier that BigCommerce's list no longer has stays choosable (and visible) until it is removed.
  const paymentStatusOptions = [...new Set([...PAYMENT_STATUSES, ...form.payments.paidStatuses])].map((value) => ({ value, content: value }));
  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

  return (
    <>
  <Panel
    header="Cancellations, refunds and closed periods"
    description="Refunds are booked from BigCommerce’s refunds themselves: each becomes a credit note, with the money paid back out of the account it came into."
  >
    <Setting path="orders.onCancel">
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
    </Setting>
    <Setting path="document.lockDate">
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
    </Setting>
  </Panel>

  <Panel header="Documents">
    <Setting path="document.kind">
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
    </Setting>
    <Setting path="document.numberPrefix">
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
    </Setting>
    <TemplateFields form={form} update={update} />
    <Setting path="document.dueDays">
      <FormGroup>
        <Input
          label="Invoice due after (days)"
          description="Days from the order date to the invoice’s due date. Default 0: due on the order date."
          type="number"
          value={Number.isNaN(form.document.dueDays) ? '' : String(form.document.dueDays)}
          error={f['document.dueDays']}
          onChange={(e) => setDocument({ dueDays: number(e.target.value) })}
        />
      </FormGroup>
    </Setting>
    <Setting path="document.timeZone">
      <FormGroup>
        <Input
          label="Time zone of document dates"
          description="An order placed just before midnight is dated by this zone’s calendar, e.g. America/New_York. Default: UTC."
          value={form.document.timeZone}
          list="time-zones"
          error={f['document.timeZone']}
          onChange={(e) => setDocument({ timeZone: e.target.value })}
        />
        <TimeZones />
      </FormGroup>
    </Setting>
    <Setting path="lines.discounts">
      <FormGroup>
        <Select
          label="Discounts"
          description="How an order’s coupons and discounts appear on the document."
          options={[
            { value: 'allocate' as const, content: 'Spread over the lines they apply to (default)' },
            { value: 'single_line' as const, content: 'One discount line, to the discounts account' },
          ]}
          value={form.lines.discounts}
          error={f['lines.discounts']}
          onOptionChange={(v) => v && patch('lines', { discounts: v })}
        />
      </FormGroup>
    </Setting>
    <Setting path="lines.combineShippingHandlingWrapping">
      <FormGroup>
        <Checkbox
          label="Put handling and gift wrapping into the shipping line"
          description="Off (default): handling and wrapping get lines of their own, to their own accounts."
          checked={form.lines.combineShippingHandlingWrapping}
          onChange={(e) => patch('lines', { combineShippingHandlingWrapping: e.target.checked })}
        />
      </FormGroup>
    </Setting>
  </Panel>

  <Panel header="Payments" description="When an order counts as paid: a paid order’s document is posted with its payment.">
    <Setting path="payments.paidStatuses">
      <FormGroup>
        <MultiSelect
          label="These payment statuses mean the money was taken"
          description="BigCommerce’s payment status of the order. Default: captured, paid, partially refunded."
          options={paymentStatusOptions}
          value={form.payments.paidStatuses}
          error={f['payments.paidStatuses']}
          onOptionsChange={(v) => patch('payments', { paidStatuses: v })}
        />
      </FormGroup>
    </Setting>
    <Setting path="payments.authorizedIsPaid">
      <FormGroup>
        <Checkbox
          label="Treat authorized payments as paid"
          description="Off (default): an authorized order stays unpaid in your books until the payment is captured."
          checked={form.payments.authorizedIsPaid}
          onChange={(e) => patch('payments', { authorizedIsPaid: e.target.checked })}
        />
      </FormGroup>
    </Setting>
  </Panel>

  <Panel header="Customers" description="Who each order is posted to in your books.">
    <Setting path="customers.mode">
      <FormGroup>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend style={{ fontWeight: 600, marginBottom: 8 }}>The customer in your books</legend>
          <Radio
            label="The buyer"
            description="Each shopper is a customer of their own (default)."
            name="customerMode"
            checked={form.customers.mode === 'buyer'}
            onChange={() => patch('customers', { mode: 'buyer' })}
          />
          <Radio
            label="The company"
            description="The billing company when the order has one, shared by everyone who buys for it; otherwise the buyer."
            name="customerMode"
            checked={form.customers.mode === 'company'}
            onChange={() => patch('customers', { mode: 'company' })}
          />
          <Radio
            label={`One customer for all orders (“${form.customers.singleName}”)`}
            description="Many accountants prefer it, and busy stores use it: the orders stay apart as documents of their own."
            name="customerMode"
            checked={form.customers.mode === 'single'}
            onChange={() => patch('customers', { mode: 'single' })}
          />
        </fieldset>
      </FormGroup>
    </Setting>
    <Setting path="customers.singleName">
      <FormGroup>
        <Input
          label="Name of the customer for all orders"
          description="Used when every order is posted to one customer. Default: Online Sales."
          value={form.customers.singleName}
          maxLength={100}
          disabled={form.customers.mode !== 'single'}
          error={f['customers.singleName']}
          onChange={(e) => patch('customers', { singleName: e.target.value })}
        />
      </FormGroup>
    </Setting>
    <Setting path="customers.referencePrefix">
      <FormGroup>
        <Input
          label="Customer reference prefix"
          description="Put before a registered shopper’s BigCommerce id to make their reference (account number) in your books. Letters, digits and # / _ . - (up to 20)."
          value={form.customers.referencePrefix}
          error={f['customers.referencePrefix']}
          onChange={(e) => patch('customers', { referencePrefix: e.target.value })}
          maxLength={20}
        />
        <Text marginTop="xSmall" data-testid="customer-reference-example" aria-live="polite">
          {`Customer 1042 → ${form.customers.referencePrefix}1042. Guest orders (customer id 0, such as eBay’s) have no reference.`}
        </Text>
      </FormGroup>
    </Setting>
    <Setting path="customers.guests">
      <FormGroup>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend style={{ fontWeight: 600, marginBottom: 8 }}>Guest orders</legend>
          <Radio
            label={`One shared customer (“${form.customers.sharedGuestName}”)`}
            name="guests"
            checked={form.customers.guests === 'shared'}
            onChange={() => patch('customers', { guests: 'shared' })}
          />
          <Radio
            label="One customer per email address"
            name="guests"
            checked={form.customers.guests === 'per_email'}
            onChange={() => patch('customers', { guests: 'per_email' })}
          />
        </fieldset>
      </FormGroup>
    </Setting>
    <Setting path="customers.sharedGuestName">
      <FormGroup>
        <Input
          label="Name of the shared guest customer"
          description="The customer guest orders are posted to when they share one. Default: Web Sales."
          value={form.customers.sharedGuestName}
          maxLength={100}
          error={f['customers.sharedGuestName']}
          onChange={(e) => patch('customers', { sharedGuestName: e.target.value })}
        />
      </FormGroup>
    </Setting>
    <Setting path="customers.matchByEmail">
      <FormGroup>
        <Checkbox
          label="Match customers by email address"
          description="Use an existing customer with the same email instead of creating a new one."
          checked={form.customers.matchByEmail}
          onChange={(e) => patch('customers', { matchByEmail: e.target.checked })}
        />
      </FormGroup>
    </Setting>
    <CustomerFields form={form} fields={f} patch={(change) => patch('customers', change)} />
  </Panel>

  <Panel header="Items">
    <Setting path="items.missingSku">
      <FormGroup>
        <Select
          label="When a SKU has no item in the accounting system"
          options={[
            { value: 'post_without_item', content: 'Post the line to the sales account without an item' },
            { value: 'fail', content: 'Hold the order until the item exists' },
          ]}
          value={form.items.missingSku}
          onOptionChange={(v) => v && patch('items', { missingSku: v as SettingsForm['items']['missingSku'] })}
        />
      </FormGroup>
    </Setting>
    <Setting path="items.importBeforeFirstBackfill">
      <FormGroup>
        <Checkbox
          label="Import the store’s products as items before the first backfill"
          description="Off (default): past orders are posted without creating items first."
          checked={form.items.importBeforeFirstBackfill}
          onChange={(e) => patch('items', { importBeforeFirstBackfill: e.target.checked })}
        />
      </FormGroup>
    </Setting>
  </Panel>

  <Panel header="Timing">
    <Setting path="orders.sweepIntervalMinutes">
      <FormGroup>
        <Input
          label="Check for missed orders every (minutes)"
          description="Webhooks post orders within seconds; this sweep catches anything they missed. From 5 to 1440; default 15."
          type="number"
          value={Number.isNaN(o.sweepIntervalMinutes) ? '' : String(o.sweepIntervalMinutes)}
          error={f['orders.sweepIntervalMinutes']}
          onChange={(e) => setOrders({ sweepIntervalMinutes: number(e.target.value) })}
        />
      </FormGroup>
    </Setting>
    <Setting path="orders.ordersFromDate">
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
    </Setting>
  </Panel>

  <PostingModePanel posting={form.posting} fields={f} onChange={(change) => patch('posting', change)} />

  <StockSettingsPanel stock={form.stock} fields={f} onChange={(change) => patch('stock', change)} />
    </>
  );
}

/** The runtime's time zones as suggestions (typing another is allowed, and refused on save with a field message). */
function TimeZones() {
  const [zones] = useState(() => {
    try {
      return ['UTC', ...Intl.supportedValuesOf('timeZone')];
    } catch {
      return ['UTC'];
    }
  });
  return (
    <datalist id="time-zones">
      {zones.map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
}
