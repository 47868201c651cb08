/**
 * The stock push use case: levels from the books → BigCommerce inventory. Dependencies arrive as ports (no
 * framework, database or HTTP imports). A batch BigCommerce refuses (422: one item in the wrong tracking mode)
 * is split in halves until the refused items are isolated, so one bad SKU never stops the other 1,999.
 */
import type { AdjustmentBatchOutcome } from '@/lib/bigcommerce/client/client';
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import type { AbsoluteAdjustmentItem, BcVariant } from '@/lib/bigcommerce/client/model';
import type { AccountingProvider } from '@/lib/sync/provider';
import { TransientFailure, type Result } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import type { StockSettingsValue } from './settings';
import { isOwnStockEcho, planStockPush, type CatalogEntry, type PlannedLevel, type SkippedSku } from './stock';

export interface StockStorePort {
  variantsBySkus(skus: readonly string[]): Promise<Result<BcVariant[], BcFailure>>;
  /** The whole catalog (250 products a call): cheaper than asking by SKU when many SKUs are unknown. */
  catalogVariants(): Promise<Result<BcVariant[], BcFailure>>;
  adjustInventoryAbsolute(input: { reason?: string; items: readonly AbsoluteAdjustmentItem[] }): Promise<AdjustmentBatchOutcome[]>;
}

export interface StockRecordPort {
  catalog(storeHash: StoreHash, skus: readonly string[]): Promise<Map<string, CatalogEntry>>;
  saveCatalog(storeHash: StoreHash, entries: readonly CatalogEntry[]): Promise<void>;
  lastPushed(storeHash: StoreHash): Promise<Map<string, number>>;
  lastPushedOne(storeHash: StoreHash, sku: string, locationId: number): Promise<number | undefined>;
  recordPushed(storeHash: StoreHash, levels: ReadonlyArray<{ sku: string; locationId: number; quantity: number }>): Promise<void>;
  addEvent(storeHash: StoreHash, event: { sku: string | null; kind: string; message: string; detail?: Record<string, unknown> }): Promise<void>;
}

/**
 * Above this many unknown SKUs, reading the whole catalog (250 products a call) beats asking by SKU (50 SKUs a
 * call, plus their products' tracking modes).
 */
export const CATALOG_LIST_THRESHOLD = 500;

/** A SKU missing from the BigCommerce catalog is asked about again after this long. */
export const MISSING_RECHECK_MS = 24 * 3600_000;

export interface StockPushDeps {
  storeHash: StoreHash;
  now?: () => Date;
  provider: Pick<AccountingProvider, 'describe' | 'stockLevels'>;
  store: StockStorePort;
  records: StockRecordPort;
  settings: StockSettingsValue;
}

export interface StockPushResult {
  enabled: boolean;
  sent: number;
  unchanged: number;
  skipped: SkippedSku[];
  failed: Array<{ sku: string; message: string }>;
  /** BigCommerce inventory requests made (batches, plus splits of refused batches). */
  requests: number;
  dryRun: boolean;
  planned: PlannedLevel[];
}

function unavailable(failure: BcFailure, what: string): never {
  if (failure.kind === 'RateLimited') throw new TransientFailure(`BigCommerce rate limit while ${what}`, failure.resetMs);
  throw new TransientFailure(`BigCommerce ${failure.kind} while ${what}: ${failure.message}`);
}

const toCatalog = (v: BcVariant): CatalogEntry => ({
  sku: v.sku,
  productId: v.productId,
  variantId: v.id,
  isBaseVariant: v.isBaseVariant,
  tracking: v.inventoryTracking,
});

const toItem = (level: PlannedLevel): AbsoluteAdjustmentItem =>
  'variantId' in level.address
    ? { locationId: level.locationId, quantity: level.quantity, variantId: level.address.variantId }
    : { locationId: level.locationId, quantity: level.quantity, productId: level.address.productId };

export async function runStockPush(deps: StockPushDeps, options: { dryRun?: boolean; force?: boolean } = {}): Promise<StockPushResult> {
  const dryRun = options.dryRun ?? false;
  const empty = { sent: 0, unchanged: 0, skipped: [], failed: [], requests: 0, dryRun, planned: [] };
  if (!deps.settings.enabled && !options.force) return { enabled: false, ...empty };

  const chart = await deps.provider.describe();
  if (!chart.ok) throw new TransientFailure(`Reading the items of the books failed: ${chart.error.message}`);
  const skus = deps.settings.skus === 'all' ? chart.value.items.map((i) => i.sku) : deps.settings.skus;
  const levels = await deps.provider.stockLevels(skus);
  if (!levels.ok) throw new TransientFailure(`Reading stock levels failed: ${levels.error.message}`);

  // Resolve how each SKU is addressed in BigCommerce, asking only for SKUs we have not seen before (or that were
  // missing from the catalog more than a day ago: the merchant may have added the product since).
  const catalog = await deps.records.catalog(deps.storeHash, skus);
  const now = deps.now?.() ?? new Date();
  const stale = (entry: CatalogEntry | undefined) =>
    !entry || (entry.tracking === 'missing' && (!entry.refreshedAt || now.getTime() - entry.refreshedAt.getTime() > MISSING_RECHECK_MS));
  const unknown = [...new Set(levels.value.map((l) => l.sku))].filter((sku) => stale(catalog.get(sku)));
  if (unknown.length > 0) {
    const wanted = new Set(unknown);
    const variants = unknown.length > CATALOG_LIST_THRESHOLD ? await deps.store.catalogVariants() : await deps.store.variantsBySkus(unknown);
    if (!variants.ok) unavailable(variants.error, 'reading the catalog');
    const found = variants.value.filter((v) => v.sku && wanted.has(v.sku)).map(toCatalog);
    const foundSkus = new Set(found.map((e) => e.sku));
    const missing: CatalogEntry[] = unknown
      .filter((sku) => !foundSkus.has(sku))
      .map((sku) => ({ sku, productId: 0, variantId: 0, isBaseVariant: false, tracking: 'missing', refreshedAt: now }));
    const entries = [...found, ...missing];
    if (!dryRun) await deps.records.saveCatalog(deps.storeHash, entries);
    for (const entry of entries) catalog.set(entry.sku, entry);
  }

  const lastPushed = options.force ? new Map<string, number>() : await deps.records.lastPushed(deps.storeHash);
  const plan = planStockPush({ levels: levels.value, catalog, lastPushed, settings: deps.settings });
  const result: StockPushResult = { enabled: true, ...empty, unchanged: plan.unchanged, skipped: plan.skipped, planned: plan.batches.flat() };
  if (dryRun) return result;

  for (const skipped of plan.skipped) {
    await deps.records.addEvent(deps.storeHash, { sku: skipped.sku, kind: 'stock_skipped', message: skipped.message, detail: { reason: skipped.reason } });
  }
  for (const batch of plan.batches) await sendBatch(deps, batch, result);
  if (result.sent > 0 || result.failed.length > 0) {
    await deps.records.addEvent(deps.storeHash, {
      sku: null,
      kind: 'stock_pushed',
      message: `Sent ${result.sent} stock level(s) to BigCommerce${result.failed.length ? `; ${result.failed.length} refused` : ''}.`,
      detail: { sent: result.sent, failed: result.failed.length, unchanged: result.unchanged, requests: result.requests },
    });
  }
  return result;
}

async function sendBatch(deps: StockPushDeps, batch: PlannedLevel[], result: StockPushResult): Promise<void> {
  const [outcome] = await deps.store.adjustInventoryAbsolute({ reason: 'Ledgerbridge: stock from the books', items: batch.map(toItem) });
  result.requests += 1;
  if (!outcome) throw new Error('no outcome for a stock batch');
  if (outcome.result.ok) {
    await deps.records.recordPushed(deps.storeHash, batch.map((l) => ({ sku: l.sku, locationId: l.locationId, quantity: l.quantity })));
    result.sent += batch.length;
    return;
  }
  const failure = outcome.result.error;
  if (failure.kind !== 'Validation') unavailable(failure, 'sending stock levels');
  if (batch.length === 1) {
    const level = batch[0]!;
    const message = `BigCommerce refused the stock level of SKU ${level.sku}: ${failure.message}`;
    result.failed.push({ sku: level.sku, message });
    await deps.records.addEvent(deps.storeHash, { sku: level.sku, kind: 'stock_failed', message, detail: { fields: failure.fields } });
    return;
  }
  const middle = Math.ceil(batch.length / 2);
  await sendBatch(deps, batch.slice(0, middle), result);
  await sendBatch(deps, batch.slice(middle), result);
}

/**
 * An inventory webhook from BigCommerce: our own push coming back, or a change someone made in the store?
 * Someone else's change is reported, or (setting) forgotten so that the next push overwrites it.
 */
export async function handleStoreStockChange(
  deps: Pick<StockPushDeps, 'storeHash' | 'records' | 'settings'> & {
    forget(storeHash: StoreHash, sku: string, locationId: number): Promise<void>;
    skuOf(storeHash: StoreHash, ids: { productId: number; variantId: number | null }): Promise<string | null>;
  },
  change: { productId: number; variantId: number | null; locationId: number; method: 'absolute' | 'relative'; level: number },
): Promise<'echo' | 'reported' | 'overwrite' | 'unknown_sku'> {
  const sku = await deps.skuOf(deps.storeHash, change);
  if (!sku) return 'unknown_sku';
  const last = await deps.records.lastPushedOne(deps.storeHash, sku, change.locationId);
  // Our pushes are absolute: only an absolute change to exactly the level we sent can be our own.
  if (change.method === 'absolute' && isOwnStockEcho(last, change.level)) return 'echo';
  if (deps.settings.onExternalChange === 'overwrite') {
    await deps.forget(deps.storeHash, sku, change.locationId);
    return 'overwrite';
  }
  await deps.records.addEvent(deps.storeHash, {
    sku,
    kind: 'stock_changed_in_store',
    message:
      change.method === 'absolute'
        ? `The stock of SKU ${sku} was changed in BigCommerce to ${change.level}${last !== undefined ? ` (the books say ${last})` : ''}; the books stay the source of truth.`
        : `The stock of SKU ${sku} was changed in BigCommerce by ${change.level}; the books stay the source of truth.`,
    detail: { method: change.method, level: change.level, pushed: last ?? null, locationId: change.locationId },
  });
  return 'reported';
}
