import { createLedgerProvider } from '@/lib/accounting/ledger';
import type { BcProduct, BcVariant } from '@/lib/bigcommerce/client';
import { TransientFailure } from '@/lib/errors';
import { planItemsImport, type CatalogItem, type ItemsPlan } from '@/lib/sync/items-import';
import type { buildStoreContext } from './context';

type StoreCtx = Awaited<ReturnType<typeof buildStoreContext>>;

/** The store's catalog as importable items: a product without options is one item, else one per variant. */
export function catalogItems(products: ReadonlyArray<{ product: BcProduct; variants: BcVariant[] }>): CatalogItem[] {
  return products.flatMap(({ product, variants }) => {
    const options = variants.filter((v) => !v.isBaseVariant);
    if (options.length === 0) {
      return [{ sku: product.sku, name: product.name, price: product.price, tracked: product.inventoryTracking !== 'none', source: `product ${product.id}` }];
    }
    return options.map((v) => ({
      sku: v.sku,
      name: `${product.name} (${v.sku})`,
      price: product.price,
      tracked: product.inventoryTracking !== 'none',
      source: `variant ${v.id} of product ${product.id}`,
    }));
  });
}

export interface ItemsImportResult {
  plan: ItemsPlan;
  created: number;
  updated: number;
  dryRun: boolean;
}

/**
 * "Import items": every BigCommerce SKU without an item in the books is created there (and, when asked, existing
 * items get the catalog's name). Matching is by exact SKU; a second run creates nothing.
 */
export async function importItems(ctx: StoreCtx, options: { dryRun: boolean; updateDetails: boolean }): Promise<ItemsImportResult> {
  const products = await ctx.client.catalogProducts();
  if (!products.ok) throw new TransientFailure(`Reading the BigCommerce catalog failed: ${products.error.message}`);
  const catalog = catalogItems(products.value);
  const existing = await ctx.provider.findItemsBySku(catalog.map((c) => c.sku).filter(Boolean));
  if (!existing.ok) throw new TransientFailure(`Reading the items of ${ctx.provider.displayName} failed: ${existing.error.message}`);
  const plan = planItemsImport({ catalog, existing: existing.value, updateDetails: options.updateDetails });
  if (options.dryRun || (plan.create.length === 0 && plan.update.length === 0)) return { plan, created: 0, updated: 0, dryRun: options.dryRun };
  if (ctx.providerId !== 'ledger') {
    throw new TransientFailure(`Importing items into ${ctx.provider.displayName} is not available yet; create them there, then the SKUs match.`);
  }
  const ledger = createLedgerProvider({ db: ctx.db, storeHash: ctx.pipeline.storeHash });
  for (const item of [...plan.create, ...plan.update]) await ledger.upsertItem({ sku: item.sku, name: item.name });
  return { plan, created: plan.create.length, updated: plan.update.length, dryRun: false };
}
