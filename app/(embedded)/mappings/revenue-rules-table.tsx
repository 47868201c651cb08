'use client';

import { Button } from '@bigcommerce/big-design';
import { FormGroup } from '../_components/form-group';
import { Input } from '../_components/input';
import { Select } from '../_components/select';
import { Table } from '../_components/table';
import type { SettingsForm } from '@/lib/admin/settings-form';

type Rule = SettingsForm['accounts']['revenueRules'][number];
type Condition = keyof Rule['when'];

const CONDITIONS: Array<{ key: Condition; label: string; hint: string }> = [
  { key: 'category', label: 'Category id', hint: 'Products › Product Categories: the id in the category’s address' },
  { key: 'brand', label: 'Brand id', hint: 'Products › Brands' },
  { key: 'channel', label: 'Channel id', hint: 'Channel Manager (1 is your storefront)' },
];

/**
 * The revenue rules' table (./revenue-rules-panel.tsx): loaded once the store has a rule or the merchant adds one, so
 * the mappings page of a store without rules does not carry it (issue 16's JavaScript budget).
 */
export function RevenueRulesTable(props: {
  rules: Rule[];
  setRules: (next: Rule[]) => void;
  fields: Record<string, string>;
  accountOptions: Array<{ value: string; content: string }>;
}) {
  const { rules, setRules, fields: f, accountOptions } = props;
  const setRule = (i: number, next: Rule) => setRules(rules.map((r, j) => (j === i ? next : r)));
  const setCondition = (i: number, key: Condition, text: string) => {
    const rule = rules[i]!;
    const value = Number(text.trim());
    const when = { ...rule.when };
    if (text.trim() === '' || !Number.isInteger(value) || value <= 0) delete when[key];
    else when[key] = value;
    setRule(i, { ...rule, when });
  };
  return (
    <Table
      columns={[
        { header: '#', hash: 'n', width: 40, render: ({ n }) => n },
        ...CONDITIONS.map(({ key, label, hint }) => ({
          header: label,
          hash: key,
          render: ({ n }: { n: number }) => {
            const rule = rules[n - 1]!;
            // The control shows its own error (_components/input.tsx, select.tsx); the FormGroup keeps BigDesign's spacing.
            return (
              <FormGroup>
                <Input
                  aria-label={`${label} of rule ${n}`}
                  type="number"
                  min={1}
                  placeholder="any"
                  title={hint}
                  value={rule.when[key] === undefined ? '' : String(rule.when[key])}
                  error={key === 'category' ? f[`accounts.revenueRules.${n - 1}.when`] : f[`accounts.revenueRules.${n - 1}.when.${key}`]}
                  onChange={(e) => setCondition(n - 1, key, e.target.value)}
                />
              </FormGroup>
            );
          },
        })),
        {
          header: 'Account',
          hash: 'account',
          width: 300,
          render: ({ n }: { n: number }) => (
            <FormGroup>
              <Select
                aria-label={`Account of rule ${n}`}
                options={accountOptions}
                value={rules[n - 1]!.account}
                error={f[`accounts.revenueRules.${n - 1}.account`]}
                onOptionChange={(value) => value && setRule(n - 1, { ...rules[n - 1]!, account: value })}
              />
            </FormGroup>
          ),
        },
        {
          header: '',
          hash: 'remove',
          width: 100,
          render: ({ n }: { n: number }) => (
            <Button type="button" variant="subtle" onClick={() => setRules(rules.filter((_, j) => j !== n - 1))}>
              Remove
            </Button>
          ),
        },
      ]}
      items={rules.map((_, i) => ({ id: i, n: i + 1 }))}
    />
  );
}
