'use client';

import { Box, Button, Flex, InlineMessage, Text } from '@bigcommerce/big-design';
import { Form } from '../_components/form';
import { lazy } from 'react';
import { Deferred, type DeferredPanel } from '../_components/deferred';
import { useStatuses } from '../_components/use-statuses';
import { LoadError, Loading, PageHeader } from '../_components/page-state';
import { StatusTable } from './status-table';
import { useStoreSettings } from '../_components/use-store-settings';

// The status table fills the first screen; the rules below it and the backfill load when scrolled near
// (./rules-sections.tsx; issue 16's budget of 150 KB of JavaScript per page, README Performance).
const RulesSections = lazy(() => import('./rules-sections').then((m) => ({ default: m.RulesSections })));
const BackfillPanel = lazy(() => import('./rules-sections').then((m) => ({ default: m.BackfillPanel })));

/** The panels of ./rules-sections.tsx, with about the height of each (store defaults, 1400 px wide), drawn until it arrives. */
const RULES_PANELS: DeferredPanel[] = [
  { header: 'Cancellations, refunds and closed periods', height: 330 },
  { header: 'Documents', height: 680 },
  { header: 'Payments', height: 150 },
  { header: 'Customers', height: 790 },
  { header: 'Items', height: 110 },
  { header: 'Timing', height: 190 },
  { header: 'Posting mode', height: 710 },
  { header: 'Stock to BigCommerce', height: 500 },
];

export default function OrderRulesPage() {
  const settings = useStoreSettings();
  const { statuses } = useStatuses();
  const { form, fields: f, patch } = settings;

  if (settings.loadError && !form) return <LoadError what="the order rules" error={settings.loadError} onRetry={settings.reload} />;
  if (!form) return <Loading label="Loading the order rules…" minHeight={900} />;
  // A save refused for a field below shows that field at once (its message is drawn at it).
  const refused = Object.keys(f).length > 0;

  return (
    <>
      <PageHeader title="Order rules">
        <Text color="secondary60">Which orders are posted, as what, and what is written back to the store.</Text>
      </PageHeader>
      <Form
        fullWidth
        onSubmit={async (event) => {
          event.preventDefault();
          await settings.submit();
        }}
      >
        <StatusTable form={form} fields={f} statuses={statuses} update={settings.update} />

        <Deferred panels={RULES_PANELS} now={refused} anchors={['stock']}>
          <RulesSections form={form} fields={f} patch={patch} update={settings.update} />
        </Deferred>

        <Flex alignItems="center" flexGap="1rem" marginBottom="large">
          <Button type="submit" isLoading={settings.saving}>
            Save order rules
          </Button>
          <div role="status" aria-live="polite">
            {settings.saved ? <Text marginBottom="none" data-testid="saved">Saved (version {settings.version}).</Text> : null}
          </div>
        </Flex>
        {settings.saveError ? (
          <Box marginBottom="large">
            <InlineMessage type="error" header="The order rules were not saved" messages={[{ text: settings.saveError.message }]} />
          </Box>
        ) : null}
      </Form>
      <Deferred panels={[{ header: 'Post past orders (backfill)', height: 200 }]} anchors={['backfill']}>
        <BackfillPanel defaultFrom={form.orders.ordersFromDate} />
      </Deferred>
    </>
  );
}

