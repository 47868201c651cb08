'use client';

import { Box, Flex, H2, InlineMessage, Text } from '@bigcommerce/big-design';
import { Checkbox } from './checkbox';
import { Input } from './input';
import type { OnboardingState } from './onboarding-wizard';
import { Select } from './select';
import { STATUS_EXPLANATIONS } from './status-explanations';
import type { StatusOption } from './statuses';

// The onboarding wizard's "Order rules" and "Past orders" steps, fetched when the merchant reaches them (the wizard's
// first screen does not carry their checkboxes, inputs and texts; issue 16's JavaScript budget).

type Orders = OnboardingState['orders'];
type Fields = Record<string, string>;

export function OrderRulesStep({ orders, setOrders, statuses, fields }: { orders: Orders; setOrders: (orders: Orders) => void; statuses: StatusOption[]; fields: Fields }) {
  const statusOptions = statuses.map((s) => ({ value: s.id, content: s.label }));
  const toggleImport = (id: number, on: boolean) =>
    setOrders({
      ...orders,
      importStatusIds: on ? [...orders.importStatusIds, id].sort((a, b) => a - b) : orders.importStatusIds.filter((x) => x !== id),
      ignoredStatusIds: on ? orders.ignoredStatusIds.filter((x) => x !== id) : orders.ignoredStatusIds,
    });
  return (
    <Box>
      <H2 marginBottom="small">Which orders are sales?</H2>
      <Text>Orders reaching a ticked status are posted. The others are never posted (cancelled and refunded ones void or credit a posted document).</Text>
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="sr-only" style={{ position: 'absolute', left: -9999 }}>Statuses to post</legend>
        {statuses.map((s) => (
          <Box key={s.id} marginBottom="xSmall">
            <Checkbox
              label={s.label}
              description={STATUS_EXPLANATIONS[s.id] ?? ''}
              checked={orders.importStatusIds.includes(s.id)}
              onChange={(e) => toggleImport(s.id, e.target.checked)}
            />
          </Box>
        ))}
      </fieldset>
      {fields['orders.importStatusIds'] ? <InlineMessage type="error" messages={[{ text: fields['orders.importStatusIds'] }]} /> : null}
      <Flex flexGap="1.5rem" marginTop="medium" flexWrap="wrap">
        <Box style={{ minWidth: 280 }}>
          <Select
            label="Status after posting"
            description="Written back to the order once it is in your books."
            options={[{ value: -1, content: 'Leave the status unchanged' }, ...statusOptions]}
            value={orders.statusAfterImport ?? -1}
            error={fields['orders.statusAfterImport']}
            onOptionChange={(v) => setOrders({ ...orders, statusAfterImport: v === undefined || v < 0 ? null : v })}
          />
        </Box>
        <Box style={{ minWidth: 280 }}>
          <Select
            label="Status when an order cannot be posted"
            description="So you can find it in the order list."
            options={[{ value: -1, content: 'Leave the status unchanged' }, ...statusOptions]}
            value={orders.statusOnError ?? -1}
            error={fields['orders.statusOnError']}
            onOptionChange={(v) => setOrders({ ...orders, statusOnError: v === undefined || v < 0 ? null : v })}
          />
        </Box>
      </Flex>
    </Box>
  );
}

export function PastOrdersStep({
  backfill,
  setBackfill,
  backfillFrom,
  setBackfillFrom,
  fields,
}: {
  backfill: boolean;
  setBackfill: (on: boolean) => void;
  backfillFrom: string;
  setBackfillFrom: (date: string) => void;
  fields: Fields;
}) {
  return (
    <Box>
      <H2 marginBottom="small">Past orders</H2>
      <Text>New orders are posted from now on. You can also post the orders you already have, from a date.</Text>
      <Checkbox label="Post past orders too" checked={backfill} onChange={(e) => setBackfill(e.target.checked)} />
      {backfill ? (
        <Box marginTop="small" style={{ maxWidth: 280 }}>
          <Input
            label="Post orders placed since"
            type="date"
            value={backfillFrom}
            error={fields.backfillFrom}
            onChange={(e) => setBackfillFrom(e.target.value)}
            required
          />
        </Box>
      ) : null}
    </Box>
  );
}
