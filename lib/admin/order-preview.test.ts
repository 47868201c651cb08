import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import { orderSchema } from '@/lib/bigcommerce/schemas/orders';
import type { PipelineDeps, RecordPort, StorePort } from '@/lib/sync/pipeline/ports';
import type { AccountingProvider } from '@/lib/sync/provider';
import { parseSettings } from '@/lib/sync/settings';
import { previewOrder } from './order-detail';

const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../tests/fixtures/orders/cases/03-many-lines.json'), 'utf8')) as { order: unknown };
const order = orderSchema.parse(fixture.order);

describe('Preview with revenue account rules', () => {
  it('shows the account of each product line and the rule that chose it, reading the catalog once, writing nothing', async () => {
    const parsed = parseSettings({ accounts: { revenueRules: [{ when: { brand: 7 }, account: '4010' }] } });
    if (!parsed.ok) throw new Error('settings');
    const catalogCalls: number[][] = [];
    const store = {
      getOrder: async () => ok(order),
      setOrderStatus: async () => {
        throw new Error('Preview writes nothing');
      },
      productClassifications: async (ids: readonly number[]) => {
        catalogCalls.push([...ids]);
        return ok(new Map([[101, { categories: [18], brandId: 7 }]]));
      },
    } satisfies StorePort;
    const records = new Proxy({} as RecordPort, {
      // Reads answer (no record, no postings, no daily summaries); anything else would be a write.
      get: (_, name) => (name === 'get' ? async () => null : name === 'postings' ? async () => [] : name === 'summaryDay' ? async () => ({ kept: false, posted: false, closed: false }) : () => {
        throw new Error(`Preview writes nothing (${String(name)})`);
      }),
    });
    const provider = {
      displayName: 'the built-in ledger',
      limits: { documentNumberMaxLength: 64 },
      findItemsBySku: async () => ok([]),
      findCustomer: async () => ok([]),
    } as unknown as AccountingProvider;
    const pipeline: PipelineDeps = { storeHash: 'abc123' as StoreHash, providerId: 'ledger', provider, store, records, settings: parsed.settings };
    const preview = await previewOrder({ pipeline }, order.id);
    if (!preview.ok || !preview.document) throw new Error(JSON.stringify(preview));
    const products = preview.document.lines.filter((l) => l.kind === 'product');
    expect(products.map((l) => [l.sourceId, l.account, l.revenueRule?.label ?? null])).toEqual([
      ['product:1000', '4000', null],
      ['product:1001', '4010', 'Rule 1 (brand 7)'],
      ['product:1002', '4000', null],
      ['product:1003', '4000', null],
      ['product:1004', '4000', null],
    ]);
    // Two plans, one catalog read each, for the order's five products.
    expect(catalogCalls.every((ids) => ids.length === 5)).toBe(true);
  });
});
