'use client';

import { Button, Flex, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { FormGroup } from '../_components/form-group';
import { Input } from '../_components/input';
import { Select } from '../_components/select';
import { Table } from '../_components/table';
import { Setting } from '../_components/setting';
import type { SettingsForm } from '@/lib/admin/settings-form';

type Rule = SettingsForm['accounts']['revenueRules'][number];
type Condition = keyof Rule['when'];

const CONDITIONS: Array<{ key: Condition; label: string; hint: string }> = [
  { key: 'category', label: 'Category id', hint: 'Products › Product Categories: the id in the category’s address' },
  { key: 'brand', label: 'Brand id', hint: 'Products › Brands' },
  { key: 'channel', label: 'Channel id', hint: 'Channel Manager (1 is your storefront)' },
];

/**
 * Revenue accounts by category, brand or channel (`accounts.revenueRules`): product lines go to the account of the
 * first rule whose every condition holds, the rest to the product sales account. Ids as BigCommerce shows them.
 */
export function RevenueRulesPanel(props: {
  form: SettingsForm;
  update: (next: SettingsForm) => void;
  fields: Record<string, string>;
  accountOptions: Array<{ value: string; content: string }>;
}) {
  const { form, update, fields: f, accountOptions } = props;
  const rules = form.accounts.revenueRules;
  const setRules = (next: Rule[]) => update({ ...form, accounts: { ...form.accounts, revenueRules: next } });
  const setRule = (i: number, next: Rule) => setRules(rules.map((r, j) => (j === i ? next : r)));
  const setCondition = (i: number, key: Condition, text: string) => {
    const rule = rules[i]!;
    const value = Number(text.trim());
    const when = { ...rule.when };
    if (text.trim() === '' || !Number.isInteger(value) || value <= 0) delete when[key];
    else when[key] = value;
    setRule(i, { ...rule, when });
  };
  const sales = accountOptions.find((a) => a.value === form.accounts.sales)?.content ?? form.accounts.sales;

  return (
    <Panel
      header="Revenue accounts by category, brand or channel"
      description={`Product lines go to the account of the first rule that matches (every id given must match); the rest go to ${sales}. Categories and brands are read from your catalog when an order is posted.`}
    >
      <Setting path="accounts.revenueRules">
        {rules.length === 0 ? <Text color="secondary60">No rules: every product line goes to {sales}.</Text> : null}
        {rules.length > 0 ? (
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
        ) : null}
        {f['accounts.revenueRules'] ? <InlineMessage type="error" messages={[{ text: f['accounts.revenueRules'] }]} /> : null}
        <FormGroup>
          <Flex marginTop="small">
            <Button type="button" variant="secondary" onClick={() => setRules([...rules, { when: {}, account: form.accounts.sales }])}>
              Add a rule
            </Button>
          </Flex>
        </FormGroup>
      </Setting>
    </Panel>
  );
}
