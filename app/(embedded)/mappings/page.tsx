'use client';

import { Badge, Box, Button, Checkbox, Flex, Form, FormGroup, InlineMessage, Input, Panel, Select, Table, Text } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { AppLink } from '../_components/app-link';
import { ImportItemsPanel, StockPanel } from '../_components/items-stock-panel';
import { useMutation } from '../_components/hooks';
import { Empty, LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';
import type { PostingOptionsView } from '@/lib/admin/posting-options';
import type { PostingSettings, SavedSettingsView, SaveSettingsBody, SettingsForm, StoredSettingsView } from '@/lib/admin/settings-form';

interface Account {
  code: string;
  name: string;
  type: string;
  isPaymentAccount: boolean;
}
interface MappingsView {
  chart: { accounts: Account[]; paymentAccounts: Account[]; taxCodes: Array<{ code: string; name: string; rate: string }>; usesTaxCodes: boolean };
  paymentMethods: Array<{ method: string; orders: number; eligibleOrders: number; mappedTo: string | null; warning: string | null }>;
  taxRates: Array<{ name: string; rate: string; orders: number; mappedTo: string | null; warning: string | null }>;
  fieldWarnings: Record<string, string>;
  heldOrders: number[];
  storeError: string | null;
}

const ACCOUNT_ROWS: Array<{ key: keyof SettingsForm['accounts']; label: string }> = [
  { key: 'sales', label: 'Product sales' },
  { key: 'shipping', label: 'Shipping' },
  { key: 'handling', label: 'Handling' },
  { key: 'wrapping', label: 'Gift wrapping' },
  { key: 'fees', label: 'Fees' },
  { key: 'discounts', label: 'Discounts' },
  { key: 'rounding', label: 'Rounding' },
  { key: 'giftCertificatesSold', label: 'Gift certificates sold' },
];

const NO_MAPPING = '__default__';

type FormSettings = SettingsForm;
const NO_TRACKING = '__none__';
const NO_ACCOUNT = '__none__';

export default function MappingsPage() {
  const chartData = useApi<Pick<MappingsView, 'chart' | 'fieldWarnings'>>('/api/admin/mappings');
  // What the store's orders use comes from BigCommerce: it fills in after the form is on screen.
  const seen = useApi<Omit<MappingsView, 'chart' | 'fieldWarnings'>>('/api/admin/mappings/seen');
  // The system's posting choices and tracking categories, read live; the section shows only where it has them.
  const postingView = useApi<PostingOptionsView>('/api/admin/mappings/posting');
  const stored = useApi<StoredSettingsView>('/api/admin/settings');
  const save = useMutation<SaveSettingsBody, SavedSettingsView>('PUT', '/api/admin/settings');
  const [form, setForm] = useState<FormSettings | null>(null);
  const [version, setVersion] = useState(0);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (stored.data) {
      setForm(stored.data.settings);
      setVersion(stored.data.version);
    }
  }, [stored.data]);

  const error = chartData.error ?? stored.error;
  if (error && (!chartData.data || !stored.data)) return <LoadError what="the mappings" error={error} onRetry={() => { chartData.reload(); stored.reload(); }} />;
  if (!chartData.data || !form) return <Loading label="Loading the mappings…" minHeight={900} />;
  const v: MappingsView = { ...chartData.data, ...(seen.data ?? { paymentMethods: [], taxRates: [], heldOrders: [], storeError: null }) };
  const seenPending = !seen.data && !seen.error;
  const f = save.error?.fields ?? {};
  const accountOptions = v.chart.accounts.map((a) => ({ value: a.code, content: `${a.code} ${a.name}` }));
  // A warning is about the saved value: once another account is chosen it no longer applies.
  const savedSettings = stored.data?.settings;
  const warningFor = (path: string, value: string, savedValue: string | undefined) => (value === savedValue ? v.fieldWarnings[path] : undefined);
  const update = (next: FormSettings) => {
    setSaved(false);
    setForm(next);
  };

  const paymentIndex = (method: string) => form.payments.mappings.findIndex((m) => m.method.trim().toLowerCase() === method.toLowerCase());
  const setPayment = (method: string, account: string) => {
    const rest = form.payments.mappings.filter((m) => m.method.trim().toLowerCase() !== method.toLowerCase());
    update({ ...form, payments: { ...form.payments, mappings: account === NO_MAPPING ? rest : [...rest, { method, account }] } });
  };
  const taxIndex = (name: string, rate: string) =>
    form.tax.mappings.findIndex((m) => (m.name ?? '').toLowerCase() === name.toLowerCase() && (m.rate === undefined || Number(m.rate) === Number(rate)));
  const setTax = (name: string, rate: string, taxCode: string) => {
    const i = taxIndex(name, rate);
    const rest = form.tax.mappings.filter((_, j) => j !== i);
    update({ ...form, tax: { ...form.tax, mappings: taxCode.trim() === '' ? rest : [...rest, { name, rate, taxCode }] } });
  };
  const paymentError = (method: string) => {
    const i = paymentIndex(method);
    return i >= 0 ? (f[`payments.mappings.${i}.account`] ?? f[`payments.mappings.${i}.method`]) : undefined;
  };
  const taxError = (name: string, rate: string) => {
    const i = taxIndex(name, rate);
    return i >= 0 ? (f[`tax.mappings.${i}.taxCode`] ?? f[`tax.mappings.${i}.name`]) : undefined;
  };

  return (
    <>
      <PageHeader title="Mappings">
        <Text color="secondary60">Where each part of an order goes in your books. Checked against your chart of accounts when you save.</Text>
      </PageHeader>
      {v.storeError ? <InlineMessage type="warning" header="Some store data could not be read" messages={[{ text: v.storeError }]} actions={[{ text: 'Try again', onClick: seen.reload }]} /> : null}
      {seen.error ? <LoadError what="the payment methods and tax rates in your orders" error={seen.error} onRetry={seen.reload} /> : null}
      {v.heldOrders.length > 0 ? (
        <Box marginBottom="medium">
          <InlineMessage
            type="warning"
            header={`${v.heldOrders.length} order${v.heldOrders.length === 1 ? ' is' : 's are'} waiting for a mapping`}
            messages={[{ text: 'Add the mappings marked below, save, then retry them from the Activity page.' }]}
          />
        </Box>
      ) : null}
      <Form
        fullWidth
        onSubmit={async (event) => {
          event.preventDefault();
          const result = await save.run({ expectedVersion: version, settings: form });
          if (result) {
            setVersion(result.version);
            setForm(result.settings);
            setSaved(true);
            chartData.reload();
            seen.reload();
            postingView.reload();
          }
        }}
      >
        <Panel header="Payment methods" description="The payment methods your store’s recent orders used, and the account each payment is received in.">
          {seenPending ? (
            <Loading label="Reading your store’s recent orders…" minHeight={120} />
          ) : v.paymentMethods.length === 0 ? (
            <Empty>No payments in the last 30 days yet. Payments go to the default account below.</Empty>
          ) : (
            <Table
              columns={[
                {
                  header: 'Payment method',
                  hash: 'method',
                  render: ({ method, warning }) => (
                    <>
                      <span data-testid={`method-${method}`}>{method}</span> {warning ? <Badge label="Not mapped" variant="warning" title={warning} /> : null}
                    </>
                  ),
                },
                { header: 'Orders (30 days)', hash: 'orders', align: 'right', render: ({ orders }) => orders },
                {
                  header: 'Account',
                  hash: 'account',
                  width: 360,
                  render: ({ method }) => {
                    const i = paymentIndex(method);
                    return (
                      <Select
                        aria-label={`Account for ${method}`}
                        options={[{ value: NO_MAPPING, content: `Default (${form.payments.defaultAccount})` }, ...accountOptions]}
                        value={i >= 0 ? form.payments.mappings[i]!.account : NO_MAPPING}
                        error={paymentError(method)}
                        onOptionChange={(value) => value && setPayment(method, value)}
                        data-testid={`payment-${method}`}
                      />
                    );
                  },
                },
              ]}
              items={v.paymentMethods.map((m) => ({ ...m, id: m.method }))}
            />
          )}
          <Box marginTop="medium" style={{ maxWidth: 420 }}>
            <Select
              label="Default account for payments"
              description="Payments by a method without its own mapping."
              options={accountOptions}
              value={form.payments.defaultAccount}
              error={f['payments.defaultAccount'] ?? warningFor('payments.defaultAccount', form.payments.defaultAccount, savedSettings?.payments.defaultAccount)}
              onOptionChange={(value) => value && update({ ...form, payments: { ...form.payments, defaultAccount: value } })}
            />
          </Box>
          {/* Checked against the chart like the others: a system with its own chart needs them chosen here. */}
          <Flex flexGap="1.5rem" flexWrap="wrap" marginTop="medium">
            <Box style={{ minWidth: 280, maxWidth: 420, flex: 1 }}>
              <Select
                label="Store credit account"
                description="The liability used up when an order is paid with store credit."
                options={accountOptions}
                value={form.payments.storeCreditAccount}
                error={f['payments.storeCreditAccount'] ?? warningFor('payments.storeCreditAccount', form.payments.storeCreditAccount, savedSettings?.payments.storeCreditAccount)}
                onOptionChange={(value) => value && update({ ...form, payments: { ...form.payments, storeCreditAccount: value } })}
              />
            </Box>
            <Box style={{ minWidth: 280, maxWidth: 420, flex: 1 }}>
              <Select
                label="Gift certificate account"
                description="The liability used up when an order is paid with a gift certificate."
                options={accountOptions}
                value={form.payments.giftCertificateAccount}
                error={f['payments.giftCertificateAccount'] ?? warningFor('payments.giftCertificateAccount', form.payments.giftCertificateAccount, savedSettings?.payments.giftCertificateAccount)}
                onOptionChange={(value) => value && update({ ...form, payments: { ...form.payments, giftCertificateAccount: value } })}
              />
            </Box>
          </Flex>
        </Panel>

        <Panel header="Tax rates" description="BigCommerce tax rates seen in your orders, and the tax code each is posted with.">
          <FormGroup>
            <Checkbox
              label="Hold orders whose tax rate has no tax code"
              description="On: an unmapped rate holds the order until you map it. Off: the default tax code is used."
              checked={form.tax.requireMapping}
              onChange={(e) => update({ ...form, tax: { ...form.tax, requireMapping: e.target.checked } })}
            />
          </FormGroup>
          {seenPending ? (
            <Loading label="Reading the taxes of recent orders…" minHeight={120} />
          ) : v.taxRates.length === 0 ? (
            <Empty>No taxed orders seen yet.</Empty>
          ) : (
            <Table
              columns={[
                {
                  header: 'Tax rate',
                  hash: 'name',
                  render: ({ name, rate, warning }) => (
                    <>
                      {name} ({rate}%) {warning ? <Badge label="Not mapped" variant="warning" title={warning} /> : null}
                    </>
                  ),
                },
                { header: 'Orders', hash: 'orders', align: 'right', render: ({ orders }) => orders },
                {
                  header: 'Tax code',
                  hash: 'code',
                  width: 320,
                  render: ({ name, rate }) => {
                    const i = taxIndex(name, rate);
                    const value = i >= 0 ? form.tax.mappings[i]!.taxCode : '';
                    return v.chart.usesTaxCodes ? (
                      <Select
                        aria-label={`Tax code for ${name} ${rate}%`}
                        options={[{ value: '', content: 'Not mapped' }, ...v.chart.taxCodes.map((t) => ({ value: t.code, content: `${t.code} ${t.name}` }))]}
                        value={value}
                        error={taxError(name, rate)}
                        onOptionChange={(code) => setTax(name, rate, code ?? '')}
                      />
                    ) : (
                      <Input
                        aria-label={`Tax code for ${name} ${rate}%`}
                        value={value}
                        placeholder="e.g. CA-7.25"
                        error={taxError(name, rate)}
                        onChange={(e) => setTax(name, rate, e.target.value)}
                      />
                    );
                  },
                },
              ]}
              items={v.taxRates.map((t) => ({ ...t, id: `${t.name}|${t.rate}` }))}
            />
          )}
          <Box marginTop="medium" style={{ maxWidth: 420 }}>
            <Input
              label="Default tax code"
              description="For taxed lines without a mapping (when orders are not held)."
              value={form.tax.defaultTaxCode ?? ''}
              error={f['tax.defaultTaxCode']}
              onChange={(e) => update({ ...form, tax: { ...form.tax, defaultTaxCode: e.target.value.trim() || null } })}
            />
          </Box>
        </Panel>

        <Panel header="Shipping, handling, wrapping, fees and discounts" description="Income accounts for each kind of order line.">
          {ACCOUNT_ROWS.map((row) => (
            <FormGroup key={row.key}>
              <Select
                label={row.label}
                options={accountOptions}
                value={form.accounts[row.key]}
                error={f[`accounts.${row.key}`] ?? warningFor(`accounts.${row.key}`, form.accounts[row.key], savedSettings?.accounts[row.key])}
                onOptionChange={(value) => value && update({ ...form, accounts: { ...form.accounts, [row.key]: value } })}
              />
            </FormGroup>
          ))}
        </Panel>

        {postingView.data?.applies ? (
          <PostingPanel form={form} update={update} view={postingView.data} fields={f} onRetry={postingView.reload} accounts={v.chart.accounts} />
        ) : null}

        <Flex alignItems="center" flexGap="1rem" marginBottom="large">
          <Button type="submit" isLoading={save.pending}>
            Save mappings
          </Button>
          <div role="status" aria-live="polite">
            {saved ? (
              <Text marginBottom="none" data-testid="saved">
                Saved (version {version}). {v.heldOrders.length > 0 ? <AppLink href="/activity?state=problems">Retry the held orders</AppLink> : null}
              </Text>
            ) : null}
          </div>
        </Flex>
        {save.error ? (
          <Box marginBottom="large">
            <InlineMessage
              type="error"
              header="The mappings were not saved"
              messages={[{ text: save.error.message }, ...Object.values(save.error.fields).map((text) => ({ text }))]}
            />
          </Box>
        ) : null}
      </Form>
      {/* A store on the built-in ledger finds these on the ledger page; on a connected system, here beside the item mappings. */}
      {postingView.data?.applies ? (
        <Box data-testid="remote-items-stock">
          <ImportItemsPanel />
          <StockPanel />
        </Box>
      ) : null}
    </>
  );
}

/**
 * How documents are posted where the system has the choice: approved or draft, and one tracking option on every
 * line, chosen from the categories the system has now. Saved with the rest of the mappings.
 */
function PostingPanel({
  form,
  update,
  view,
  fields,
  onRetry,
  accounts,
}: {
  form: FormSettings;
  update: (next: FormSettings) => void;
  view: PostingOptionsView;
  fields: Record<string, string>;
  onRetry: () => void;
  accounts: Array<{ code: string; name: string; type: string }>;
}) {
  const { name, drafts, trackingNoun } = view.system;
  const posting = form.posting;
  const setPosting = (next: Partial<PostingSettings>) => update({ ...form, posting: { ...posting, ...next } });
  const chosen = posting.tracking;
  const category = chosen ? view.trackingCategories.find((c) => c.name.toLowerCase() === chosen.category.toLowerCase()) : undefined;
  const notThere = `(not in ${name})`;
  // A saved choice the system no longer has stays visible (and is warned about) until the merchant changes it.
  const categoryOptions = [
    { value: NO_TRACKING, content: 'No tracking' },
    ...view.trackingCategories.map((c) => ({ value: c.name, content: c.name })),
    ...(chosen && !category ? [{ value: chosen.category, content: `${chosen.category} ${notThere}` }] : []),
  ];
  const optionOptions = [
    ...(category?.options ?? []).map((o) => ({ value: o.name, content: o.name })),
    ...(chosen && !category?.options.some((o) => o.name.toLowerCase() === chosen.option.toLowerCase()) ? [{ value: chosen.option, content: `${chosen.option} ${notThere}` }] : []),
  ];
  const trackingProblem = fields['posting.tracking.category'] ?? fields['posting.tracking.option'] ?? fields['posting.tracking'] ?? view.fieldWarnings['posting.tracking'];
  const trackingLabel = trackingNoun ? trackingNoun.charAt(0).toUpperCase() + trackingNoun.slice(1) : '';
  return (
    <Panel header={name} description={`How orders become documents in your ${name} ${view.system.tenantNoun}.`}>
      {drafts ? (
        <Box style={{ maxWidth: 420 }}>
          <FormGroup>
            <Select
              label="Document status"
              description={`Approved documents are in your books at once; drafts wait for you to review and approve them in ${name}.`}
              options={[
                { value: 'approved' as const, content: 'Approved' },
                { value: 'draft' as const, content: 'Draft' },
              ]}
              value={posting.approval}
              error={fields['posting.approval']}
              onOptionChange={(value) => value && setPosting({ approval: value })}
            />
          </FormGroup>
        </Box>
      ) : null}
      {drafts && posting.approval === 'draft' ? (
        <Box marginBottom="medium">
          <InlineMessage
            type="info"
            header="Payments are not recorded on drafts"
            messages={[
              {
                text: `${name} accepts payments only on approved invoices, so a paid order’s payment is not sent while its invoice is a draft. Approve the invoice in ${name} and apply the payment there.`,
              },
            ]}
          />
        </Box>
      ) : null}
      {trackingNoun && view.error ? (
        <Box marginBottom="medium">
          <InlineMessage type="warning" header="Tracking categories unavailable" messages={[{ text: view.error }]} actions={[{ text: 'Try again', onClick: onRetry }]} />
        </Box>
      ) : null}
      {trackingNoun ? (
        <Flex flexGap="1.5rem" flexWrap="wrap">
          <Box style={{ minWidth: 280 }}>
            <Select
              label={trackingLabel}
              description={view.trackingCategories.length === 0 && !view.error ? `${name} has no ${trackingNoun} to choose.` : 'Every line of every document is tracked.'}
              options={categoryOptions}
              value={chosen ? (category?.name ?? chosen.category) : NO_TRACKING}
              error={trackingProblem}
              onOptionChange={(value) => {
                if (!value || value === NO_TRACKING) return setPosting({ tracking: null });
                const next = view.trackingCategories.find((c) => c.name === value);
                const first = next?.options[0]?.name;
                setPosting({ tracking: first ? { category: value, option: first } : null });
              }}
            />
          </Box>
          {chosen ? (
            <Box style={{ minWidth: 280 }}>
              <Select
                label="Tracking option"
                description="The option those lines get."
                options={optionOptions}
                value={category?.options.find((o) => o.name.toLowerCase() === chosen.option.toLowerCase())?.name ?? chosen.option}
                onOptionChange={(value) => value && setPosting({ tracking: { category: chosen.category, option: value } })}
              />
            </Box>
          ) : null}
        </Flex>
      ) : null}
      <Text bold marginTop="large" marginBottom="xxSmall">
        Items imported as tracked inventory
      </Text>
      <Text color="secondary60">
        {name} tracks an item&apos;s stock only with an inventory asset account and a cost-of-goods-sold account. With both
        chosen, &quot;Import items&quot; creates the products BigCommerce tracks as tracked items; without them it
        creates them untracked and says so.
      </Text>
      <Flex flexGap="1.5rem" flexWrap="wrap">
        {(
          [
            ['inventoryAssetAccount', 'Inventory asset account', 'asset'],
            ['costOfGoodsSoldAccount', 'Cost of goods sold account', 'expense'],
          ] as const
        ).map(([key, label, type]) => (
          <Box key={key} style={{ minWidth: 280 }}>
            <Select
              label={label}
              options={[
                { value: NO_ACCOUNT, content: 'None (import items untracked)' },
                ...accounts.filter((a) => a.type === type).map((a) => ({ value: a.code, content: `${a.code} ${a.name}` })),
              ]}
              value={form.items[key] ?? NO_ACCOUNT}
              error={fields[`items.${key}`]}
              onOptionChange={(value) => update({ ...form, items: { ...form.items, [key]: !value || value === NO_ACCOUNT ? null : value } })}
            />
          </Box>
        ))}
      </Flex>
    </Panel>
  );
}
