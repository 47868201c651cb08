'use client';

import { Badge, Box, Button, Flex, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { Checkbox } from '../_components/checkbox';
import { FormGroup } from '../_components/form-group';
import { Input } from '../_components/input';
import { Form } from '../_components/form';
import { Select } from '../_components/select';
import { Table } from '../_components/table';
import { AppLink } from '../_components/app-link';
import { Empty, LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';
import { Setting } from '../_components/setting';
import { RevenueRulesPanel } from './revenue-rules-panel';
import { lazy, Suspense } from 'react';
import { useStoreSettings } from '../_components/use-store-settings';
import type { ChartView, MappingsView, SeenView } from '@/lib/admin/mappings';
import type { PostingOptionsView } from '@/lib/admin/posting-options';
import type { SettingsForm } from '@/lib/admin/settings-form';

const ACCOUNT_ROWS: Array<{ key: Exclude<keyof SettingsForm['accounts'], 'revenueRules'>; label: string }> = [
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

// Shown only for a store on a connected remote system: fetched then, not with the page.
const PostingPanel = lazy(() => import('./posting-panel').then((m) => ({ default: m.PostingPanel })));
const ImportItemsPanel = lazy(() => import('../_components/items-stock-panel').then((m) => ({ default: m.ImportItemsPanel })));
const StockPanel = lazy(() => import('../_components/items-stock-panel').then((m) => ({ default: m.StockPanel })));


export default function MappingsPage() {
  const chartData = useApi<ChartView>('/api/admin/mappings');
  // What the store's orders use comes from BigCommerce: it fills in after the form is on screen.
  const seen = useApi<SeenView>('/api/admin/mappings/seen');
  // The system's posting choices and tracking categories, read live; the section shows only where it has them.
  const postingView = useApi<PostingOptionsView>('/api/admin/mappings/posting');
  const settings = useStoreSettings();
  const { form, update, fields: f } = settings;

  const error = chartData.error ?? settings.loadError;
  if (error && (!chartData.data || !form)) return <LoadError what="the mappings" error={error} onRetry={() => { chartData.reload(); settings.reload(); }} />;
  if (!chartData.data || !form) return <Loading label="Loading the mappings…" minHeight={900} />;
  const v: MappingsView = { ...chartData.data, ...(seen.data ?? { paymentMethods: [], taxRates: [], heldOrders: [], storeError: null }) };
  const seenPending = !seen.data && !seen.error;
  const accountOptions = v.chart.accounts.map((a) => ({ value: a.code, content: `${a.code} ${a.name}` }));
  // A warning is about the saved value: once another account is chosen it no longer applies.
  const savedSettings = settings.stored;
  const warningFor = (path: string, value: string, savedValue: string | undefined) => (value === savedValue ? v.fieldWarnings[path] : undefined);

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
          if (await settings.submit()) {
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
            <Setting path="payments.mappings">
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
            </Setting>
          )}
          <Box marginTop="medium" style={{ maxWidth: 420 }} data-setting="payments.defaultAccount">
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
            <Box style={{ minWidth: 280, maxWidth: 420, flex: 1 }} data-setting="payments.storeCreditAccount">
              <Select
                label="Store credit account"
                description="The liability used up when an order is paid with store credit."
                options={accountOptions}
                value={form.payments.storeCreditAccount}
                error={f['payments.storeCreditAccount'] ?? warningFor('payments.storeCreditAccount', form.payments.storeCreditAccount, savedSettings?.payments.storeCreditAccount)}
                onOptionChange={(value) => value && update({ ...form, payments: { ...form.payments, storeCreditAccount: value } })}
              />
            </Box>
            <Box style={{ minWidth: 280, maxWidth: 420, flex: 1 }} data-setting="payments.giftCertificateAccount">
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
          <Setting path="tax.requireMapping">
            <FormGroup>
              <Checkbox
                label="Hold orders whose tax rate has no tax code"
                description="On: an unmapped rate holds the order until you map it. Off: the default tax code is used."
                checked={form.tax.requireMapping}
                onChange={(e) => update({ ...form, tax: { ...form.tax, requireMapping: e.target.checked } })}
              />
            </FormGroup>
          </Setting>
          {seenPending ? (
            <Loading label="Reading the taxes of recent orders…" minHeight={120} />
          ) : v.taxRates.length === 0 ? (
            <Empty>No taxed orders seen yet.</Empty>
          ) : (
            <Setting path="tax.mappings">
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
            </Setting>
          )}
          <Flex flexGap="1.5rem" flexWrap="wrap" marginTop="medium">
            <Box style={{ minWidth: 280, maxWidth: 420, flex: 1 }} data-setting="tax.defaultTaxCode">
              <Input
                label="Default tax code"
                description="For taxed lines without a mapping (when orders are not held)."
                value={form.tax.defaultTaxCode ?? ''}
                error={f['tax.defaultTaxCode']}
                onChange={(e) => update({ ...form, tax: { ...form.tax, defaultTaxCode: e.target.value.trim() || null } })}
              />
            </Box>
            <Box style={{ minWidth: 280, maxWidth: 420, flex: 1 }} data-setting="tax.zeroTaxCode">
              <Input
                label="Tax code for untaxed lines"
                description="For lines that carry no tax (zero-rated or exempt). Leave empty for none (the default)."
                value={form.tax.zeroTaxCode ?? ''}
                error={f['tax.zeroTaxCode']}
                onChange={(e) => update({ ...form, tax: { ...form.tax, zeroTaxCode: e.target.value.trim() || null } })}
              />
            </Box>
          </Flex>
        </Panel>

        <Panel header="Shipping, handling, wrapping, fees and discounts" description="Income accounts for each kind of order line.">
          {ACCOUNT_ROWS.map((row) => (
            <Setting path={`accounts.${row.key}`} key={row.key}>
              <FormGroup>
                <Select
                  label={row.label}
                  options={accountOptions}
                  value={form.accounts[row.key]}
                  error={f[`accounts.${row.key}`] ?? warningFor(`accounts.${row.key}`, form.accounts[row.key], savedSettings?.accounts[row.key])}
                  onOptionChange={(value) => value && update({ ...form, accounts: { ...form.accounts, [row.key]: value } })}
                />
              </FormGroup>
            </Setting>
          ))}
        </Panel>

        <RevenueRulesPanel form={form} update={update} fields={f} accountOptions={accountOptions} />

        {postingView.data?.applies ? (
          <Suspense fallback={<Loading label="Loading the posting options" />}>
            <PostingPanel form={form} update={update} view={postingView.data} fields={f} onRetry={postingView.reload} accounts={v.chart.accounts} />
          </Suspense>
        ) : null}

        <Flex alignItems="center" flexGap="1rem" marginBottom="large">
          <Button type="submit" isLoading={settings.saving}>
            Save mappings
          </Button>
          <div role="status" aria-live="polite">
            {settings.saved ? (
              <Text marginBottom="none" data-testid="saved">
                Saved (version {settings.version}). {v.heldOrders.length > 0 ? <AppLink href="/activity?state=problems">Retry the held orders</AppLink> : null}
              </Text>
            ) : null}
          </div>
        </Flex>
        {settings.saveError ? (
          <Box marginBottom="large">
            <InlineMessage
              type="error"
              header="The mappings were not saved"
              messages={[{ text: settings.saveError.message }, ...Object.values(settings.saveError.fields).map((text) => ({ text }))]}
            />
          </Box>
        ) : null}
      </Form>
      {/* A store on the built-in ledger finds these on the ledger page; on a connected system, here beside the item mappings. */}
      {postingView.data?.applies ? (
        <Box data-testid="remote-items-stock">
          <Suspense fallback={<Loading label="Loading items and stock" />}>
            <ImportItemsPanel />
            <StockPanel />
          </Suspense>
        </Box>
      ) : null}
    </>
  );
}
