'use client';

import { Box, Button, Flex, InlineMessage, Panel, Radio, Text } from '@bigcommerce/big-design';
import { Checkbox } from '../_components/checkbox';
import { FormGroup } from '../_components/form-group';
import { Input } from '../_components/input';
import { Select } from '../_components/select';
import { lazy, Suspense, useState } from 'react';
import { Setting } from '../_components/setting';
import { useApi } from '../_components/session';
import type { StockLocationsView } from '@/lib/admin/items-stock';
import type { SettingsForm } from '@/lib/admin/settings-form';

type Stock = SettingsForm['stock'];

// Shown only for "Only these SKUs": loaded then, not with the page (issue 16's JavaScript budget).
const Textarea = lazy(() => import('../_components/textarea').then((m) => ({ default: m.Textarea })));

const skuList = (text: string) => text.split(/[\s,]+/).filter((sku) => sku !== '');

/**
 * The stock settings (`stock` in lib/sync/settings.ts), on the order rules page so that a store on any accounting
 * system finds them; "Push stock now" and the stock log stay beside the items (ledger page, or mappings page).
 */
export function StockSettingsPanel({ stock, fields: f, onChange }: { stock: Stock; fields: Record<string, string>; onChange: (change: Partial<Stock>) => void }) {
  const locations = useApi<StockLocationsView>('/api/admin/stock/locations');
  const [skuText, setSkuText] = useState(stock.skus === 'all' ? '' : stock.skus.join('\n'));
  const v = locations.data;
  const system = v?.system ?? 'your books';
  // A saved id the lists do not hold (yet, or any more) stays choosable so the form never changes it silently.
  const bookOptions = [...(v?.books ?? []), ...stock.locations.filter((l) => !v?.books.some((b) => b.id === l.from)).map((l) => ({ id: l.from, name: `Location ${l.from}` }))]
    .filter((l, i, all) => all.findIndex((x) => x.id === l.id) === i)
    .map((l) => ({ value: l.id, content: `${l.name} (${l.id})` }));
  const storeOptions = [
    ...(v?.store ?? []).map((l) => ({ value: l.id, content: `${l.label} (${l.id})${l.enabled ? '' : ', disabled'}` })),
    ...stock.locations.filter((l) => !v?.store.some((s) => s.id === l.to)).map((l) => ({ value: l.to, content: `Location ${l.to}${v && !v.storeError ? ' (not in your store)' : ''}` })),
  ].filter((o, i, all) => all.findIndex((x) => x.value === o.value) === i);
  const setRow = (i: number, change: Partial<Stock['locations'][number]>) => onChange({ locations: stock.locations.map((l, j) => (j === i ? { ...l, ...change } : l)) });
  const unmappedBook = v?.books.find((b) => !stock.locations.some((l) => l.from === b.id));
  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

  return (
    <Panel header="Stock to BigCommerce" description="Your books can be the source of truth for BigCommerce quantities: levels go to BigCommerce inventory on a schedule and after each posted order or stock count.">
      <div id="stock" />
      <Setting path="stock.enabled">
        <FormGroup>
          <Checkbox
            label="Send stock levels from your books to BigCommerce"
            description="Off by default: once on, BigCommerce shows what your books hold, and books that hold no stock yet publish zeros."
            checked={stock.enabled}
            onChange={(e) => onChange({ enabled: e.target.checked })}
          />
        </FormGroup>
      </Setting>
      <Setting path="stock.locations">
        <FormGroup>
          <Text bold marginBottom="xxSmall">
            Locations
          </Text>
          <Text color="secondary60">Where each stock location of {system} is published in BigCommerce. Default: location 1 to BigCommerce’s default location (1).</Text>
          {locations.error ? <InlineMessage type="warning" marginBottom="small" messages={[{ text: `Your store’s locations could not be read: ${locations.error.message}` }]} /> : null}
          {v?.storeError ? <InlineMessage type="warning" marginBottom="small" messages={[{ text: `Your store’s locations could not be read: ${v.storeError}` }]} /> : null}
          {stock.locations.map((row, i) => (
            <Flex key={i} flexGap="1rem" alignItems="flex-end" flexWrap="wrap" marginBottom="small">
              <Box style={{ minWidth: 240 }}>
                <Select
                  label={`Location in ${system}`}
                  options={bookOptions}
                  value={row.from}
                  error={f[`stock.locations.${i}.from`]}
                  onOptionChange={(value) => value !== undefined && setRow(i, { from: value })}
                />
              </Box>
              <Box style={{ minWidth: 280 }}>
                <Select
                  label="BigCommerce location"
                  options={storeOptions}
                  value={row.to}
                  error={f[`stock.locations.${i}.to`]}
                  onOptionChange={(value) => value !== undefined && setRow(i, { to: value })}
                />
              </Box>
              {stock.locations.length > 1 ? (
                <Button type="button" variant="subtle" onClick={() => onChange({ locations: stock.locations.filter((_, j) => j !== i) })}>
                  Remove
                </Button>
              ) : null}
            </Flex>
          ))}
          {unmappedBook ? (
            <Button type="button" variant="secondary" onClick={() => onChange({ locations: [...stock.locations, { from: unmappedBook.id, to: v?.store[0]?.id ?? 1 }] })}>
              Map another location
            </Button>
          ) : null}
          {f['stock.locations'] ? <Text color="danger">{f['stock.locations']}</Text> : null}
        </FormGroup>
      </Setting>
      <Setting path="stock.skus">
        <FormGroup>
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <legend style={{ fontWeight: 600, marginBottom: 8 }}>Items whose stock is sent</legend>
            <Radio label="Every item your books track (default)" name="stock-skus" checked={stock.skus === 'all'} onChange={() => onChange({ skus: 'all' })} />
            <Radio label="Only these SKUs" name="stock-skus" checked={stock.skus !== 'all'} onChange={() => onChange({ skus: skuList(skuText) })} />
          </fieldset>
          {stock.skus !== 'all' ? (
            <Suspense fallback={null}>
              <Textarea
                label="SKUs"
                description="One per line, or separated by commas."
                rows={3}
                value={skuText}
                error={f['stock.skus'] ?? Object.entries(f).find(([path]) => path.startsWith('stock.skus.'))?.[1]}
                onChange={(e) => {
                  setSkuText(e.target.value);
                  onChange({ skus: skuList(e.target.value) });
                }}
              />
            </Suspense>
          ) : null}
        </FormGroup>
      </Setting>
      <Flex flexGap="1.5rem" flexWrap="wrap">
        <Box style={{ minWidth: 280 }}>
          <Setting path="stock.intervalMinutes">
            <FormGroup>
              <Input
                label="Send changed levels every (minutes)"
                description="From 5 to 1440; default 15. Posted orders and stock counts send at once."
                type="number"
                value={Number.isNaN(stock.intervalMinutes) ? '' : String(stock.intervalMinutes)}
                error={f['stock.intervalMinutes']}
                onChange={(e) => onChange({ intervalMinutes: number(e.target.value) })}
              />
            </FormGroup>
          </Setting>
        </Box>
        <Box style={{ minWidth: 280 }}>
          <Setting path="stock.safetyBuffer">
            <FormGroup>
              <Input
                label="Safety buffer (units)"
                description="Publish on hand minus this many, never below zero. Default 0."
                type="number"
                value={Number.isNaN(stock.safetyBuffer) ? '' : String(stock.safetyBuffer)}
                error={f['stock.safetyBuffer']}
                onChange={(e) => onChange({ safetyBuffer: number(e.target.value) })}
              />
            </FormGroup>
          </Setting>
        </Box>
      </Flex>
      <Setting path="stock.onExternalChange">
        <FormGroup>
          <Select
            label="When someone changes a quantity in BigCommerce"
            options={[
              { value: 'report' as const, content: 'Report it on the activity page (default)' },
              { value: 'overwrite' as const, content: 'Let the next push overwrite it' },
            ]}
            value={stock.onExternalChange}
            error={f['stock.onExternalChange']}
            onOptionChange={(value) => value && onChange({ onExternalChange: value })}
          />
        </FormGroup>
      </Setting>
    </Panel>
  );
}
