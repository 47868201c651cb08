'use client';

import { Badge, Box, Flex, Panel } from '@bigcommerce/big-design';
import { Checkbox } from '../_components/checkbox';
import { FormGroup } from '../_components/form-group';
import { Input } from '../_components/input';
import { Select } from '../_components/select';
import { PlainTable } from '../_components/plain-table';
import { Empty, Loading } from '../_components/page-state';
import { Setting } from '../_components/setting';
import type { MappingsView } from '@/lib/admin/mappings';
import type { SettingsForm } from '@/lib/admin/settings-form';

/**
 * The tax rates seen in the store's orders and the tax code each is posted with (`tax.*`). Loaded when the merchant
 * scrolls near it (page.tsx), with its checkbox and inputs: not on the page's first screen (issue 16's JavaScript budget).
 */
export function TaxRatesPanel(props: {
  form: SettingsForm;
  update: (next: SettingsForm) => void;
  fields: Record<string, string>;
  /** The store's recent orders are still being read. */
  seenPending: boolean;
  taxRates: MappingsView['taxRates'];
  chart: MappingsView['chart'];
}) {
  const { form, update, fields: f, seenPending, taxRates, chart } = props;
  const taxIndex = (name: string, rate: string) =>
    form.tax.mappings.findIndex((m) => (m.name ?? '').toLowerCase() === name.toLowerCase() && (m.rate === undefined || Number(m.rate) === Number(rate)));
  const setTax = (name: string, rate: string, taxCode: string) => {
    const i = taxIndex(name, rate);
    const rest = form.tax.mappings.filter((_, j) => j !== i);
    update({ ...form, tax: { ...form.tax, mappings: taxCode.trim() === '' ? rest : [...rest, { name, rate, taxCode }] } });
  };
  const taxError = (name: string, rate: string) => {
    const i = taxIndex(name, rate);
    return i >= 0 ? (f[`tax.mappings.${i}.taxCode`] ?? f[`tax.mappings.${i}.name`]) : undefined;
  };

  return (
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
      ) : taxRates.length === 0 ? (
        <Empty>No taxed orders seen yet.</Empty>
      ) : (
        <Setting path="tax.mappings">
          <PlainTable
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
                  return chart.usesTaxCodes ? (
                    <Select
                      aria-label={`Tax code for ${name} ${rate}%`}
                      options={[{ value: '', content: 'Not mapped' }, ...chart.taxCodes.map((t) => ({ value: t.code, content: `${t.code} ${t.name}` }))]}
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
            items={taxRates.map((t) => ({ ...t, id: `${t.name}|${t.rate}` }))}
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
  );
}
