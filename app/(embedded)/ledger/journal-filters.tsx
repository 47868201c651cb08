'use client';

import { Box, Button, Flex } from '@bigcommerce/big-design';
import { Input } from '../_components/input';
import { Form } from '../_components/form';
import { Select } from '../_components/select';

export interface JournalFilterValues {
  from: string;
  to: string;
  account: string;
  kind: string;
  search: string;
}

const KINDS = ['invoice', 'sales_receipt', 'sales_order', 'payment', 'void', 'credit_note', 'adjustment'];

/** The journal's filters (page.tsx loads them when the merchant opens them, with BigDesign's inputs behind them). */
export default function JournalFilters({
  draft,
  errors,
  onChange,
  onApply,
}: {
  draft: JournalFilterValues;
  errors: Record<string, string>;
  onChange: (next: JournalFilterValues) => void;
  onApply: () => void;
}) {
  return (
    <Form
      id="journal-filters"
      onSubmit={(e) => {
        e.preventDefault();
        onApply();
      }}
    >
      <Flex flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
        <Box style={{ width: 170 }}>
          <Input label="From" type="date" value={draft.from} error={errors.from} onChange={(e) => onChange({ ...draft, from: e.target.value })} />
        </Box>
        <Box style={{ width: 170 }}>
          <Input label="To" type="date" value={draft.to} error={errors.to} onChange={(e) => onChange({ ...draft, to: e.target.value })} />
        </Box>
        <Box style={{ width: 140 }}>
          <Input label="Account code" value={draft.account} onChange={(e) => onChange({ ...draft, account: e.target.value })} />
        </Box>
        <Box style={{ width: 200 }}>
          <Select
            label="Kind"
            options={[{ value: '', content: 'All kinds' }, ...KINDS.map((k) => ({ value: k, content: k.replace('_', ' ') }))]}
            value={draft.kind}
            onOptionChange={(v) => onChange({ ...draft, kind: v ?? '' })}
          />
        </Box>
        <Box style={{ width: 200 }}>
          <Input label="Number or order id" value={draft.search} onChange={(e) => onChange({ ...draft, search: e.target.value })} />
        </Box>
      </Flex>
      <Box marginTop="medium">
        <Button type="submit">Apply filters</Button>
      </Box>
    </Form>
  );
}
