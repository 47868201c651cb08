import type { AccountingProvider, ItemWrite, ProviderFailure } from '@/lib/sync/provider';
import type { BcFailure, BcProduct, BcVariant } from '@/lib/bigcommerce/client';
import type { BigCommerceClient, CatalogBatchOutcome, ProductDetailsUpdate, VariantPriceUpdate } from '@/lib/bigcommerce/client/client';
import { TransientFailure } from '@/lib/errors';
import {
  htmlToText,
  planDetailsPush,
  planItemsImport,
  textToHtml,
  type CatalogItem,
  type DetailsPushPlan,
  type ItemsPlan,
} from '@/lib/sync/items-import';
import type { SyncSettings } from '@/lib/sync/settings';

/** What the items use cases need of a store context (`buildStoreContext`); tests pass their own. */
export interface ItemsDeps {
  client: Pick<BigCommerceClient, 'catalogProducts' | 'updateProducts' | 'updateVariants'>;
  provider: AccountingProvider;
  settings: SyncSettings;
}

/**
 * The store's catalog as items: a product without options is one item, else one per variant (its own price, or its
 * product's). Variants share their product's name (with the SKU) and description.
 */
export function catalogItems(products: ReadonlyArray<{ product: BcProduct; variants: BcVariant[] }>): CatalogItem[] {
  return products.flatMap(({ product, variants }): CatalogItem[] => {
    const options = variants.filter((v) => !v.isBaseVariant);
    const description = htmlToText(product.description);
    const tracked = product.inventoryTracking !== 'none';
    if (options.length === 0) {
      return [{ sku: product.sku, name: product.name, description, price: product.price, tracked, source: `product ${product.id}`, target: { kind: 'product' as const, productId: product.id } }];
    }
    return options.map((v) => ({
      sku: v.sku,
      name: `${product.name} (${v.sku})`,
      description,
      price: v.price ?? product.price,
      tracked,
      source: `variant ${v.id} of product ${product.id}`,
      target: { kind: 'variant', productId: product.id, variantId: v.id },
    }));
  });
}

async function readCatalog(deps: ItemsDeps): Promise<CatalogItem[]> {
  const products = await deps.client.catalogProducts();
  if (!products.ok) throw bcUnavailable(products.error, 'Reading the BigCommerce catalog');
  return catalogItems(products.value);
}

function bcUnavailable(failure: BcFailure, what: string): TransientFailure {
  return new TransientFailure(`${what} failed: ${failure.message}`, failure.kind === 'RateLimited' ? failure.resetMs : undefined);
}

const transient = (f: ProviderFailure) => f.kind === 'rate_limited' || f.kind === 'unavailable' || f.kind === 'auth_revoked';

export interface ItemsImportResult {
  plan: ItemsPlan;
  created: number;
  updated: number;
  /** SKUs found in the books at write time (created meanwhile): left alone. */
  existed: number;
  /** Items the accounting system refused, with its reason. */
  failed: Array<{ sku: string; message: string }>;
  dryRun: boolean;
  /** "Xero", "the built-in ledger". */
  system: string;
}

/**
 * "Import items": every BigCommerce SKU without an item in the books is created there with its name, description,
 * price, tracked flag and the store's sales account (and, when asked, existing items get the catalog's details:
 * only the fields that differ). Matching is by exact SKU; a second run creates nothing. Refused items are reported
 * and do not stop the others; a rate limit, an outage or a revoked connection throws after the rest was written
 * (run again: what was written is matched, not written twice).
 */
export async function importItems(deps: ItemsDeps, options: { dryRun: boolean; updateDetails: boolean }): Promise<ItemsImportResult> {
  const { provider, settings } = deps;
  const catalog = await readCatalog(deps);
  const existing = await provider.findItemsBySku(catalog.map((c) => c.sku.trim()).filter(Boolean));
  if (!existing.ok) throw new TransientFailure(`Reading the items of ${provider.displayName} failed: ${existing.error.message}`);
  const { inventoryAssetAccount, costOfGoodsSoldAccount } = settings.items;
  const plan = planItemsImport({
    catalog,
    existing: existing.value,
    updateDetails: options.updateDetails,
    salesAccount: settings.accounts.sales,
    ...(provider.itemRules ? { limits: provider.itemRules } : {}),
    inventoryAccounts: inventoryAssetAccount && costOfGoodsSoldAccount ? { assetAccount: inventoryAssetAccount, costOfGoodsSoldAccount } : null,
    systemName: provider.displayName,
  });
  const result: ItemsImportResult = { plan, created: 0, updated: 0, existed: 0, failed: [], dryRun: options.dryRun, system: provider.displayName };
  if (options.dryRun || (plan.create.length === 0 && plan.update.length === 0)) return result;
  if (!provider.upsertItems) {
    throw new TransientFailure(`${provider.displayName} cannot take items from Ledgerbridge; create them there, then the SKUs match.`);
  }
  const writes: ItemWrite[] = [
    ...plan.create.map((c): ItemWrite => ({
      kind: 'create', sku: c.sku, name: c.name, description: c.description, unitPrice: c.unitPrice, salesAccount: c.salesAccount, tracked: c.tracked, inventoryAccounts: c.inventoryAccounts,
    })),
    ...plan.update.map((u): ItemWrite => {
      const to = (field: string) => u.changes.find((c) => c.field === field)?.to;
      return { kind: 'update', id: u.id, sku: u.sku, name: to('name'), description: to('description'), unitPrice: to('price') };
    }),
  ];
  const outcomes = await provider.upsertItems(writes);
  const stops: ProviderFailure[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    const write = writes[i]!;
    if (outcome.ok) {
      if (write.kind === 'update') result.updated += 1;
      else if (outcome.value.created) result.created += 1;
      else result.existed += 1;
    } else if (transient(outcome.error)) stops.push(outcome.error);
    else result.failed.push({ sku: write.sku, message: outcome.error.message });
  }
  const failure = stops[0];
  if (failure) {
    throw new TransientFailure(
      `${failure.message} (${result.created} created, ${result.updated} updated before it stopped; run the import again for the rest)`,
      failure.kind === 'rate_limited' ? failure.retryAfterMs : undefined,
    );
  }
  return result;
}

export interface DetailsPushResult {
  plan: DetailsPushPlan;
  dryRun: boolean;
  /** Products and variants BigCommerce took. */
  products: number;
  variants: number;
  failed: Array<{ sku: string; message: string }>;
  /** BigCommerce catalog requests made (batches, plus splits of refused batches). */
  requests: number;
}

/**
 * "Push product details" (off by default): the books' name, price and description of every matched SKU to
 * BigCommerce, only the fields that differ. A batch BigCommerce refuses (a duplicate product name, 409) is split
 * until the refused product is isolated, so one bad item never holds back the other nine.
 */
export async function pushProductDetails(deps: ItemsDeps, options: { dryRun: boolean }): Promise<DetailsPushResult> {
  const catalog = await readCatalog(deps);
  const books = await deps.provider.findItemsBySku(catalog.map((c) => c.sku.trim()).filter(Boolean));
  if (!books.ok) throw new TransientFailure(`Reading the items of ${deps.provider.displayName} failed: ${books.error.message}`);
  const plan = planDetailsPush({ catalog, books: books.value, ...(deps.provider.itemRules ? { limits: deps.provider.itemRules } : {}) });
  const result: DetailsPushResult = { plan, dryRun: options.dryRun, products: 0, variants: 0, failed: [], requests: 0 };
  if (options.dryRun) return result;

  const skuOfProduct = new Map(plan.products.map((p) => [p.productId, p.sku]));
  const productUpdates: ProductDetailsUpdate[] = plan.products.map((p) => {
    const to = (field: string) => p.changes.find((c) => c.field === field)?.to;
    const description = to('description');
    return {
      productId: p.productId,
      ...(to('name') !== undefined ? { name: to('name') } : {}),
      ...(to('price') !== undefined ? { price: to('price') } : {}),
      ...(description !== undefined ? { description: textToHtml(description) } : {}),
    };
  });
  result.products = await sendIsolating(productUpdates, (items) => deps.client.updateProducts(items), (u) => skuOfProduct.get(u.productId) ?? `product ${u.productId}`, result);
  const skuOfVariant = new Map(plan.variants.map((v) => [v.variantId, v.sku]));
  const variantUpdates: VariantPriceUpdate[] = plan.variants.map((v) => ({ variantId: v.variantId, price: v.change.to }));
  result.variants = await sendIsolating(variantUpdates, (items) => deps.client.updateVariants(items), (u) => skuOfVariant.get(u.variantId) ?? `variant ${u.variantId}`, result);
  return result;
}

/** Sends in batches; a refused batch is halved until each refused item stands alone. Returns how many were taken. */
async function sendIsolating<T>(
  items: readonly T[],
  send: (items: readonly T[]) => Promise<CatalogBatchOutcome<T>[]>,
  skuOf: (item: T) => string,
  result: Pick<DetailsPushResult, 'failed' | 'requests'>,
): Promise<number> {
  if (items.length === 0) return 0;
  let taken = 0;
  for (const outcome of await send(items)) {
    if (outcome.attempted) result.requests += 1;
    if (outcome.result.ok) {
      taken += outcome.items.length;
      continue;
    }
    const failure = outcome.result.error;
    if (failure.kind !== 'Validation' && failure.kind !== 'NotFound') throw bcUnavailable(failure, 'Updating the BigCommerce catalog');
    if (outcome.items.length === 1) {
      const fields = failure.kind === 'Validation' ? Object.values(failure.fields).join(' ') : '';
      result.failed.push({ sku: skuOf(outcome.items[0]!), message: `BigCommerce refused the update: ${fields || failure.message}` });
      continue;
    }
    const middle = Math.ceil(outcome.items.length / 2);
    taken += await sendIsolating(outcome.items.slice(0, middle), send, skuOf, result);
    taken += await sendIsolating(outcome.items.slice(middle), send, skuOf, result);
  }
  return taken;
}
