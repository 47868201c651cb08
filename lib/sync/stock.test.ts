import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOwnStockEcho, planStockPush, publishedQuantity, pushedKey, STOCK_BATCH_SIZE, type CatalogEntry } from './stock';

const settings = { locations: [{ from: 1, to: 1 }], skus: 'all' as const, safetyBuffer: 0 };
const variant = (sku: string, over: Partial<CatalogEntry> = {}): CatalogEntry => ({
  sku,
  productId: 10,
  variantId: 100,
  isBaseVariant: false,
  tracking: 'variant',
  ...over,
});

describe('stock push planning', () => {
  it('addresses variant-tracked SKUs by variant, product-tracked by product, and skips untracked with a reason', () => {
    const catalog = new Map([
      ['V-1', variant('V-1', { variantId: 101 })],
      ['P-1', variant('P-1', { productId: 20, variantId: 200, isBaseVariant: true, tracking: 'product' })],
      ['P-1-RED', variant('P-1-RED', { productId: 20, variantId: 201, tracking: 'product' })],
      ['U-1', variant('U-1', { tracking: 'none' })],
    ]);
    const plan = planStockPush({
      levels: ['V-1', 'P-1', 'P-1-RED', 'U-1', 'GONE'].map((sku) => ({ sku, locationId: 1, quantity: '7' })),
      catalog,
      lastPushed: new Map(),
      settings,
    });
    expect(plan.batches.flat().map((l) => [l.sku, l.address])).toEqual([
      ['P-1', { productId: 20 }],
      ['V-1', { variantId: 101 }],
    ]);
    expect(plan.skipped.map((s) => [s.sku, s.reason])).toEqual([
      ['P-1-RED', 'tracked_at_product_level'],
      ['U-1', 'untracked'],
      ['GONE', 'not_in_store'],
    ]);
  });

  it('sends nothing for an unchanged level', () => {
    const plan = planStockPush({
      levels: [{ sku: 'V-1', locationId: 1, quantity: '5' }],
      catalog: new Map([['V-1', variant('V-1')]]),
      lastPushed: new Map([[pushedKey('V-1', 1), 5]]),
      settings,
    });
    expect(plan.batches).toEqual([]);
    expect(plan.unchanged).toBe(1);
  });

  it('cuts 5,000 changed SKUs into 3 batches of at most 2,000, one location per batch', () => {
    const skus = Array.from({ length: 5000 }, (_, i) => `S-${String(i).padStart(5, '0')}`);
    const plan = planStockPush({
      levels: skus.map((sku, i) => ({ sku, locationId: i % 2 === 0 ? 1 : 2, quantity: '3' })),
      catalog: new Map(skus.map((sku, i) => [sku, variant(sku, { variantId: i + 1 })])),
      lastPushed: new Map(),
      settings: { ...settings, locations: [{ from: 1, to: 1 }, { from: 2, to: 5 }] },
    });
    expect(plan.batches.map((b) => b.length)).toEqual([2000, 500, 2000, 500]);
    for (const batch of plan.batches) expect(new Set(batch.map((l) => l.locationId)).size).toBe(1);
    const single = planStockPush({
      levels: skus.map((sku) => ({ sku, locationId: 1, quantity: '3' })),
      catalog: new Map(skus.map((sku, i) => [sku, variant(sku, { variantId: i + 1 })])),
      lastPushed: new Map(),
      settings,
    });
    expect(single.batches.map((b) => b.length)).toEqual([2000, 2000, 1000]);
  });

  it('publishes on-hand minus the safety buffer, whole units, never below zero', () => {
    expect(publishedQuantity('10', 3)).toBe(7);
    expect(publishedQuantity('2', 5)).toBe(0);
    expect(publishedQuantity('4.75', 0)).toBe(4);
    expect(publishedQuantity('-1.5', 0)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 100000 }), fc.integer({ min: 0, max: 50 }), (onHand, buffer) => {
        const q = publishedQuantity(String(onHand), buffer);
        return q >= 0 && q === Math.max(0, onHand - buffer) && q <= STOCK_BATCH_SIZE * 100;
      }),
    );
  });

  it('recognises the echo of its own push', () => {
    expect(isOwnStockEcho(5, 5)).toBe(true);
    expect(isOwnStockEcho(5, 4)).toBe(false);
    expect(isOwnStockEcho(undefined, 4)).toBe(false);
  });
});
