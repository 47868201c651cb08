'use client';

import { Box, Button, Flex } from '@bigcommerce/big-design';
import { Input } from '../_components/input';
import { Form } from '../_components/form';
import { Select } from '../_components/select';
import { STATE_LABELS } from '../_components/format';

export interface Filters {
  state: string;
  /** '' (all), 'true' (with a refund), 'false' (without). */
  refunded: string;
  from: string;
  to: string;
  orderId: string;
  customer: string;
  minAmount: string;
  maxAmount: string;
}

/**
 * The activity's filters (page.tsx loads them when the merchant opens them, or at once when the address or a refused
 * value sets one, with BigDesign's inputs behind them), as the ledger's journal filters are.
 */
export default function ActivityFilters({
  draft,
  errors,
  onChange,
  onApply,
  onClear,
}: {
  draft: Filters;
  errors: Record<string, string>;
  onChange: (next: Filters) => void;
  onApply: () => void;
  onClear: () => void;
}) {
  return (
    <Form
      id="activity-filters"
      onSubmit={(event) => {
        event.preventDefault();
        onApply();
      }}
    >
      <Flex flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
        <Box style={{ width: 200 }}>
          <Select
            label="State"
            options={[
              { value: '', content: 'All states' },
              { value: 'problems', content: 'Failed or needs attention' },
              ...['posted', 'pending', 'failed', 'held', 'skipped', 'voided', 'credited'].map((s) => ({ value: s, content: STATE_LABELS[s]!.label })),
            ]}
            value={draft.state}
            onOptionChange={(value) => onChange({ ...draft, state: value ?? '' })}
          />
        </Box>
        <Box style={{ width: 200 }}>
          <Select
            label="Refunds"
            options={[
              { value: '', content: 'All orders' },
              { value: 'true', content: 'Refunded orders' },
              { value: 'false', content: 'Orders without refunds' },
            ]}
            value={draft.refunded}
            error={errors.refunded}
            onOptionChange={(value) => onChange({ ...draft, refunded: value ?? '' })}
          />
        </Box>
        <Box style={{ width: 170 }}>
          <Input label="Order date from" type="date" value={draft.from} error={errors.from} onChange={(e) => onChange({ ...draft, from: e.target.value })} />
        </Box>
        <Box style={{ width: 170 }}>
          <Input label="Order date to" type="date" value={draft.to} error={errors.to} onChange={(e) => onChange({ ...draft, to: e.target.value })} />
        </Box>
        <Box style={{ width: 130 }}>
          <Input label="Order id" inputMode="numeric" value={draft.orderId} error={errors.orderId} onChange={(e) => onChange({ ...draft, orderId: e.target.value })} />
        </Box>
        <Box style={{ width: 200 }}>
          <Input label="Customer" value={draft.customer} onChange={(e) => onChange({ ...draft, customer: e.target.value })} />
        </Box>
        <Box style={{ width: 120 }}>
          <Input label="Amount from" inputMode="decimal" value={draft.minAmount} error={errors.minAmount} onChange={(e) => onChange({ ...draft, minAmount: e.target.value })} />
        </Box>
        <Box style={{ width: 120 }}>
          <Input label="Amount to" inputMode="decimal" value={draft.maxAmount} error={errors.maxAmount} onChange={(e) => onChange({ ...draft, maxAmount: e.target.value })} />
        </Box>
      </Flex>
      <Flex flexGap="0.5rem" marginTop="medium">
        <Button type="submit">Apply filters</Button>
        <Button type="button" variant="subtle" onClick={onClear}>
          Clear
        </Button>
      </Flex>
    </Form>
  );
}
