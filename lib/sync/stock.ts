/**
 * Stock levels flow from the books to BigCommerce (the accounting system is the source of truth for quantities).
 * Pure planning: which absolute levels to send, addressed the way each product tracks inventory, in batches of at
 * most 2,000 per request, skipping what has not changed since the last push and saying why anything is skipped.
 */

/** BigCommerce accepts at most 2,000 items per absolute adjustment. */
export const STOCK_BATCH_SIZE = 2_000;

export interface StockSettings {
  enabled: boolean;
  /** Accounting location → BigCommerce inventory location. */
  locations: Array<{ from: number; to: number }>;
  /** 'all' tracked items, or only these SKUs. */
  skus: 'all' | string[];
  intervalMinutes: number;
  /** Publish on-hand minus this, never below 0. */
  safetyBuffer: number;
  /** A change made in BigCommerce by someone else: report it, or let the next push overwrite it silently. */
  onExternalChange: 'report' | 'overwrite';
}

export interface CatalogEntry {
  sku: string;
  productId: number;
  variantId: number;
  isBaseVariant: boolean;
  /** BigCommerce's inventory_tracking; 'missing' records that the SKU was not in the catalog when last asked. */
  tracking: 'none' | 'product' | 'variant' | 'missing';
  refreshedAt?: Date;
}

export interface LevelInBooks {
  sku: string;
  /** Accounting location id. */
  locationId: number;
  /** Decimal string. */
  quantity: string;
}

export type StockAddress = { variantId: number } | { productId: number };

export interface PlannedLevel {
  sku: string;
  /** BigCommerce location id. */
  locationId: number;
  quantity: number;
  address: StockAddress;
}

export interface SkippedSku {
  sku: string;
  reason: 'not_in_store' | 'untracked' | 'tracked_at_product_level' | 'no_location_mapping';
  message: string;
}

export interface StockPlan {
  batches: PlannedLevel[][];
  unchanged: number;
  skipped: SkippedSku[];
}

export const pushedKey = (sku: string, bcLocationId: number) => `${sku}\u0000${bcLocationId}`;

/** Whole units to publish: on-hand minus the buffer, rounded down, never negative. */
export function publishedQuantity(onHand: string, buffer: number): number {
  const [whole = '0'] = onHand.trim().split('.');
  const units = Number.parseInt(whole, 10);
  if (!Number.isFinite(units)) throw new Error(`stock quantity is not a number: ${onHand}`);
  const floor = onHand.trim().startsWith('-') && /\.\d*[1-9]/.test(onHand) ? units - 1 : units;
  return Math.max(0, floor - buffer);
}

function address(entry: CatalogEntry): StockAddress | SkippedSku {
  if (entry.tracking === 'variant') return { variantId: entry.variantId };
  if (entry.tracking === 'product') {
    if (entry.isBaseVariant) return { productId: entry.productId };
    return {
      sku: entry.sku,
      reason: 'tracked_at_product_level',
      message: `SKU ${entry.sku} is a variant of a product that tracks stock for the product as a whole; set the product to track by variant in BigCommerce.`,
    };
  }
  return {
    sku: entry.sku,
    reason: 'untracked',
    message: `Inventory tracking is off for SKU ${entry.sku} in BigCommerce, so its stock is not sent.`,
  };
}

export function planStockPush(input: {
  levels: readonly LevelInBooks[];
  catalog: ReadonlyMap<string, CatalogEntry>;
  /** Last level pushed per pushedKey(sku, bcLocation). */
  lastPushed: ReadonlyMap<string, number>;
  settings: Pick<StockSettings, 'locations' | 'skus' | 'safetyBuffer'>;
}): StockPlan {
  const { settings } = input;
  const wanted = settings.skus === 'all' ? null : new Set(settings.skus);
  const locationOf = new Map(settings.locations.map((l) => [l.from, l.to]));
  const planned: PlannedLevel[] = [];
  const skipped = new Map<string, SkippedSku>();
  let unchanged = 0;
  for (const level of input.levels) {
    if (wanted && !wanted.has(level.sku)) continue;
    const bcLocation = locationOf.get(level.locationId);
    if (bcLocation === undefined) {
      skipped.set(`${level.sku}@${level.locationId}`, {
        sku: level.sku,
        reason: 'no_location_mapping',
        message: `Accounting location ${level.locationId} is not mapped to a BigCommerce location.`,
      });
      continue;
    }
    const entry = input.catalog.get(level.sku);
    if (!entry || entry.tracking === 'missing') {
      skipped.set(level.sku, { sku: level.sku, reason: 'not_in_store', message: `SKU ${level.sku} is not in the BigCommerce catalog.` });
      continue;
    }
    const target = address(entry);
    if ('reason' in target) {
      skipped.set(level.sku, target);
      continue;
    }
    const quantity = publishedQuantity(level.quantity, settings.safetyBuffer);
    if (input.lastPushed.get(pushedKey(level.sku, bcLocation)) === quantity) {
      unchanged += 1;
      continue;
    }
    planned.push({ sku: level.sku, locationId: bcLocation, quantity, address: target });
  }
  // Group by location so each request concerns one location, then cut into batches of 2,000.
  planned.sort((a, b) => a.locationId - b.locationId || a.sku.localeCompare(b.sku));
  const batches: PlannedLevel[][] = [];
  let current: PlannedLevel[] = [];
  for (const level of planned) {
    if (current.length === STOCK_BATCH_SIZE || (current.length > 0 && current[0]!.locationId !== level.locationId)) {
      batches.push(current);
      current = [];
    }
    current.push(level);
  }
  if (current.length > 0) batches.push(current);
  return { batches, unchanged, skipped: [...skipped.values()] };
}

/**
 * An inventory webhook: our own push coming back (same level we last pushed), or someone else's change?
 */
export function isOwnStockEcho(lastPushed: number | undefined, reportedLevel: number): boolean {
  return lastPushed !== undefined && lastPushed === reportedLevel;
}
