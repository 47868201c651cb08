/**
 * Items from the BigCommerce catalog into the accounting system, so SKU matching does not depend on the merchant
 * typing every product twice. Pure planning: which SKUs to create, which to update (only when asked), and the
 * catalog problems to report rather than guess (empty SKUs, one SKU on two products).
 */
export interface CatalogItem {
  sku: string;
  name: string;
  /** Decimal string in the store's currency, or null when BigCommerce gave none. */
  price: string | null;
  tracked: boolean;
  /** Where the SKU lives in BigCommerce, for messages: "product 12" or "variant 40 of product 12". */
  source: string;
}

export interface ExistingItem {
  sku: string;
  name: string;
}

export interface ItemsPlan {
  create: CatalogItem[];
  update: CatalogItem[];
  unchanged: number;
  problems: Array<{ sku: string | null; message: string }>;
}

export function planItemsImport(input: { catalog: readonly CatalogItem[]; existing: readonly ExistingItem[]; updateDetails: boolean }): ItemsPlan {
  const problems: ItemsPlan['problems'] = [];
  const bySku = new Map<string, CatalogItem[]>();
  for (const item of input.catalog) {
    const sku = item.sku.trim();
    if (!sku) {
      problems.push({ sku: null, message: `${item.name} (${item.source}) has no SKU, so it cannot be matched to an item; give it a SKU in BigCommerce.` });
      continue;
    }
    bySku.set(sku, [...(bySku.get(sku) ?? []), { ...item, sku }]);
  }
  const existing = new Map(input.existing.map((e) => [e.sku, e]));
  const plan: ItemsPlan = { create: [], update: [], unchanged: 0, problems };
  for (const [sku, items] of [...bySku].sort(([a], [b]) => a.localeCompare(b))) {
    if (items.length > 1) {
      problems.push({ sku, message: `SKU ${sku} is used by ${items.map((i) => i.source).join(' and ')}; make it unique in BigCommerce. It was not imported.` });
      continue;
    }
    const item = items[0]!;
    const current = existing.get(sku);
    if (!current) plan.create.push(item);
    else if (input.updateDetails && current.name !== item.name) plan.update.push(item);
    else plan.unchanged += 1;
  }
  return plan;
}
