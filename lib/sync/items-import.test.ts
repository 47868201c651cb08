import { describe, expect, it } from 'vitest';
import { planItemsImport, type CatalogItem } from './items-import';

const item = (sku: string, name = sku, source = `product ${sku}`): CatalogItem => ({ sku, name, price: '10.00', tracked: true, source });

describe('items import planning', () => {
  it('creates exactly the missing SKUs and leaves existing ones alone', () => {
    const plan = planItemsImport({ catalog: [item('A'), item('B'), item('C')], existing: [{ sku: 'B', name: 'B' }], updateDetails: false });
    expect(plan.create.map((i) => i.sku)).toEqual(['A', 'C']);
    expect(plan.update).toEqual([]);
    expect(plan.unchanged).toBe(1);
  });

  it('is idempotent: a second run creates nothing', () => {
    const first = planItemsImport({ catalog: [item('A'), item('B')], existing: [], updateDetails: false });
    const second = planItemsImport({ catalog: [item('A'), item('B')], existing: first.create.map((i) => ({ sku: i.sku, name: i.name })), updateDetails: false });
    expect(second.create).toEqual([]);
    expect(second.unchanged).toBe(2);
  });

  it('updates details only when asked', () => {
    const catalog = [item('A', 'New name')];
    const existing = [{ sku: 'A', name: 'Old name' }];
    expect(planItemsImport({ catalog, existing, updateDetails: false }).update).toEqual([]);
    expect(planItemsImport({ catalog, existing, updateDetails: true }).update.map((i) => i.name)).toEqual(['New name']);
  });

  it('reports empty and duplicate SKUs instead of guessing', () => {
    const plan = planItemsImport({
      catalog: [item('', 'No SKU', 'product 1'), item('DUP', 'One', 'product 2'), item('DUP', 'Two', 'variant 9 of product 3'), item('OK')],
      existing: [],
      updateDetails: false,
    });
    expect(plan.create.map((i) => i.sku)).toEqual(['OK']);
    expect(plan.problems.map((p) => p.sku)).toEqual([null, 'DUP']);
    expect(plan.problems[1]!.message).toMatch(/product 2 and variant 9 of product 3/);
  });
});
