'use client';

import { Button, Flex, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { lazy, Suspense } from 'react';
import { FormGroup } from '../_components/form-group';
import { Loading } from '../_components/page-state';
import { Setting } from '../_components/setting';
import type { SettingsForm } from '@/lib/admin/settings-form';

type Rule = SettingsForm['accounts']['revenueRules'][number];

// The table, with its inputs and selects, loads when there is a rule to show (./revenue-rules-table.tsx).
const RevenueRulesTable = lazy(() => import('./revenue-rules-table').then((m) => ({ default: m.RevenueRulesTable })));

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
  const sales = accountOptions.find((a) => a.value === form.accounts.sales)?.content ?? form.accounts.sales;

  return (
    <Panel
      header="Revenue accounts by category, brand or channel"
      description={`Product lines go to the account of the first rule that matches (every id given must match); the rest go to ${sales}. Categories and brands are read from your catalog when an order is posted.`}
    >
      <Setting path="accounts.revenueRules">
        {rules.length === 0 ? <Text color="secondary60">No rules: every product line goes to {sales}.</Text> : null}
        {rules.length > 0 ? (
          <Suspense fallback={<Loading label="Loading the rules…" minHeight={120} />}>
            <RevenueRulesTable rules={rules} setRules={setRules} fields={f} accountOptions={accountOptions} />
          </Suspense>
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
