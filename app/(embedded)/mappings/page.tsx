'use client';

import { Badge, Box, Button, Flex, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { FormGroup } from '../_components/form-group';
import { Form } from '../_components/form';
import { Select } from '../_components/select';
import { PlainTable } from '../_components/plain-table';
import { AppLink } from '../_components/app-link';
import { Deferred, type DeferredPanel } from '../_components/deferred';
import { Empty, LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';
import { Setting } from '../_components/setting';
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

// The first screen holds the payment methods and the income accounts; the revenue rules and the tax rates below
// them load when scrolled near (issue 16's budget of 150 KB of JavaScript per page; README, Performance).
const RevenueRulesPanel = lazy(() => import('./revenue-rules-panel').then((m) => ({ default: m.RevenueRulesPanel })));
const TaxRatesPanel = lazy(() => import('./tax-rates-panel').then((m) => ({ default: m.TaxRatesPanel })));
const LOWER_PANELS: DeferredPanel[] = [
  { header: 'Revenue accounts by category, brand or channel', height: 110 },
  { header: 'Tax rates', height: 330 },
];

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
  const paymentError = (method: string) => {
    const i = paymentIndex(method);
    return i >= 0 ? (f[`payments.mappings.${i}.account`] ?? f[`payments.mappings.${i}.method`]) : undefined;
  };
  // A save refused for a field below shows that field at once (its message is drawn at it).
  const refused = Object.keys(f).length > 0;

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
              <PlainTable
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

        <Deferred panels={LOWER_PANELS} now={refused}>
          <RevenueRulesPanel form={form} update={update} fields={f} accountOptions={accountOptions} />
          <TaxRatesPanel form={form} update={update} fields={f} seenPending={seenPending} taxRates={v.taxRates} chart={v.chart} />
          {postingView.data?.applies ? (
            <Suspense fallback={<Loading label="Loading the posting options" />}>
              <PostingPanel form={form} update={update} view={postingView.data} fields={f} onRetry={postingView.reload} accounts={v.chart.accounts} />
            </Suspense>
          ) : null}
        </Deferred>

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
