import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerProvider } from '@/lib/accounting/ledger';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStockRepo } from '@/lib/repos/stock';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { storeJson } from './support/sync-helpers';

let world: LifecycleWorld;

interface Variant {
  id: number;
  sku: string;
  product_id: number;
}
interface Product {
  id: number;
  sku: string;
  name: string;
  inventory_tracking: 'none' | 'product' | 'variant';
  variants: Variant[];
}

beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true, timeScale: 0.1 });
});
afterAll(async () => {
  // Let the last pushes (debounced per store) finish before the database goes: a connection opened by a run after
  // the drop was reset, an unhandled rejection in CI.
  await world?.inngest?.waitForIdle(30_000).catch(() => undefined);
  await world?.stop();
}, 60_000);

const api = <T>(hash: string, token: string, method: string, path: string, body?: unknown): Promise<T> =>
  storeJson<T>({ baseUrl: world.sandbox.url, hash, token }, method, path, body);

async function catalog(hash: string, token: string): Promise<Product[]> {
  const products: Product[] = [];
  for (let page = 1; ; page++) {
    const body = await api<{ data: Product[]; meta: { pagination: { total_pages: number } } }>(
      hash,
      token,
      'GET',
      `/v3/catalog/products?include=variants&limit=250&page=${page}`,
    );
    products.push(...body.data);
    if (page >= body.meta.pagination.total_pages) return products;
  }
}

async function levelAt(hash: string, token: string, sku: string): Promise<number | null> {
  const body = await api<{ data: Array<{ identity: { sku: string }; locations: Array<{ location_id: number; total_inventory_onhand: number }> }> }>(
    hash,
    token,
    'GET',
    `/v3/inventory/items?sku:in=${encodeURIComponent(sku)}&location_id:in=1`,
  );
  return body.data[0]?.locations.find((l) => l.location_id === 1)?.total_inventory_onhand ?? null;
}

const stockRuns = (hash: string) =>
  world.inngest!.runs().filter((r) => r.functionId === 'ledgerbridge-stock-push' && (r.event.data as { storeHash?: string }).storeHash === hash);

/**
 * Asks for a push and waits until it ran. The scheduler may start pushes of its own meanwhile, so the result adds
 * up every push of this store that ran since the call.
 */
async function pushNow(hash: string, idleTimeoutMs = 30_000) {
  const before = stockRuns(hash).length;
  await world.inngest!.sendEvent({ name: 'stock/push', data: { storeHash: hash, reason: 'manual' } });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && stockRuns(hash).length === before) await new Promise((r) => setTimeout(r, 20));
  await world.inngest!.waitForIdle(idleTimeoutMs);
  const runs = stockRuns(hash).slice(before);
  const outputs = runs.map((r) => r.output as { sent: number; unchanged: number; failed: number; skipped: number; requests: number; enabled: boolean });
  return {
    status: runs.every((r) => r.status === 'Completed') ? 'Completed' : 'Failed',
    output: {
      enabled: outputs.every((o) => o.enabled),
      sent: outputs.reduce((a, o) => a + o.sent, 0),
      failed: outputs.reduce((a, o) => a + o.failed, 0),
      requests: outputs.reduce((a, o) => a + o.requests, 0),
      // Of the last run: what it found unchanged and skipped.
      unchanged: outputs.at(-1)!.unchanged,
      skipped: outputs.at(-1)!.skipped,
    },
  };
}

async function storeWithStock(products: number) {
  const { hash, accessToken } = await world.installedStore();
  await world.admin(`/__sandbox/stores/${hash}/seed`, { products, customers: 0, orders: 0, seed: 7 });
  await createSettingsRepo({ db: world.database.db }).save(hash as StoreHash, { stock: { enabled: true, intervalMinutes: 1440 } }, { expectedVersion: 0 });
  // The scheduler would start a push of its own at once; the tests push when they mean to.
  await createStoreSyncRepo({ db: world.database.db }).recordStockPush(hash as StoreHash);
  const ledger = createLedgerProvider({ db: world.database.db, storeHash: hash as StoreHash });
  await ledger.ensureChart();
  return { hash, accessToken, ledger, items: await catalog(hash, accessToken) };
}

describe('stock levels → BigCommerce', () => {
  it('sends a ledger adjustment to the right location, addressing variant- and product-tracked items, skipping untracked', async () => {
    const { hash, accessToken, ledger, items } = await storeWithStock(10);
    const byVariant = items.find((p) => p.inventory_tracking === 'variant')!;
    const variantSku = byVariant.variants.find((v) => v.sku !== byVariant.sku)!.sku;
    const byProduct = items.find((p) => p.inventory_tracking === 'product')!;
    const untracked = items.find((p) => p.inventory_tracking === 'none')!;
    for (const [sku, qty] of [[variantSku, '17'], [byProduct.sku, '42'], [untracked.sku, '5'], ['NOT-IN-STORE', '3']] as const) {
      await ledger.upsertItem({ sku, name: sku });
      expect((await ledger.setStock(sku, qty, 1)).ok).toBe(true);
    }
    const run = await pushNow(hash);
    expect(run.status).toBe('Completed');
    expect(run.output).toMatchObject({ enabled: true, sent: 2, failed: 0, requests: 1 });
    expect(await levelAt(hash, accessToken, variantSku)).toBe(17);
    expect(await levelAt(hash, accessToken, byProduct.sku)).toBe(42);
    const events = await createStockRepo({ db: world.database.db }).recentEvents(hash as StoreHash);
    expect(events.filter((e) => e.kind === 'stock_skipped').map((e) => e.sku).sort()).toEqual(['NOT-IN-STORE', untracked.sku].sort());
    expect(events.find((e) => e.sku === untracked.sku)?.message).toMatch(/tracking is off/);

    // Unchanged levels send nothing; the echo webhooks of our own push cause no loop and no report.
    const again = await pushNow(hash);
    expect(again.output).toMatchObject({ sent: 0, unchanged: 2, requests: 0 });
    // Our own pushes came back as inventory webhooks, and were recognised without starting a job.
    const delivered = (await world.admin<{ deliveries: Array<{ scope: string; status: number }> }>(`/__sandbox/stores/${hash}/webhook-deliveries`)).body.deliveries;
    expect(delivered.filter((d) => d.scope.includes('inventory') && d.status === 200).length).toBeGreaterThanOrEqual(2);
    const echoes = world.inngest!.runs().filter((r) => r.functionId === 'ledgerbridge-stock-changed-in-store' && (r.event.data as { storeHash?: string }).storeHash === hash);
    expect(echoes).toHaveLength(0);
    expect((await createStockRepo({ db: world.database.db }).recentEvents(hash as StoreHash)).some((e) => e.kind === 'stock_changed_in_store')).toBe(false);

    // A change in the books goes out on the next push.
    await ledger.setStock(byProduct.sku, '40', 1);
    const third = await pushNow(hash);
    expect(third.output).toMatchObject({ sent: 1, unchanged: 1 });
    expect(await levelAt(hash, accessToken, byProduct.sku)).toBe(40);
  });

  it('an order posted to the ledger lowers its on-hand, and the new level is pushed to BigCommerce', async () => {
    const { hash, accessToken, ledger, items } = await storeWithStock(5);
    const product = items.find((p) => p.inventory_tracking === 'product')!;
    await ledger.upsertItem({ sku: product.sku, name: product.name });
    await ledger.setStock(product.sku, '10', 1);
    await pushNow(hash);
    expect(await levelAt(hash, accessToken, product.sku)).toBe(10);
    const billing = { first_name: 'Stock', last_name: 'Buyer', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'buyer@example.com' };
    await api(hash, accessToken, 'POST', '/v2/orders', {
      customer_id: 0,
      status_id: 11,
      billing_address: billing,
      products: [{ product_id: product.id, quantity: 2 }],
    });
    // The order is posted by its webhook run, which asks for a push; the books say 8 now, and so does the store.
    const deadline = Date.now() + 20_000;
    let level = await levelAt(hash, accessToken, product.sku);
    while (level !== 8 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      level = await levelAt(hash, accessToken, product.sku);
    }
    expect(level).toBe(8);
    const books = await ledger.stockLevels([product.sku]);
    expect(books.ok && Number(books.value[0]?.quantity)).toBe(8);
  });

  it("reports someone else's change in BigCommerce, the books staying the source of truth", async () => {
    const { hash, accessToken, ledger, items } = await storeWithStock(5);
    const product = items.find((p) => p.inventory_tracking === 'product')!;
    await ledger.upsertItem({ sku: product.sku, name: product.name });
    await ledger.setStock(product.sku, '9', 1);
    await pushNow(hash);
    await api(hash, accessToken, 'PUT', '/v3/inventory/adjustments/absolute', {
      reason: 'stock count',
      items: [{ location_id: 1, product_id: product.id, quantity: 3 }],
    });
    const deadline = Date.now() + 10_000;
    let reported = false;
    while (!reported && Date.now() < deadline) {
      reported = (await createStockRepo({ db: world.database.db }).recentEvents(hash as StoreHash)).some(
        (e) => e.kind === 'stock_changed_in_store' && e.sku === product.sku,
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(reported).toBe(true);
  });

  it('sends 5,000 changed SKUs in 3 requests of at most 2,000', async () => {
    const { hash, ledger, items } = await storeWithStock(5000);
    // Stock lives on the variants of a variant-tracked product, on the product itself otherwise.
    const skus = items
      .flatMap((p) =>
        p.inventory_tracking === 'variant'
          ? p.variants.filter((v) => v.sku !== p.sku).map((v) => v.sku)
          : p.inventory_tracking === 'product'
            ? [p.sku]
            : [],
      )
      .slice(0, 5000);
    expect(skus.length).toBe(5000);
    for (let i = 0; i < skus.length; i += 50) {
      await Promise.all(
        skus.slice(i, i + 50).map(async (sku) => {
          await ledger.upsertItem({ sku, name: sku });
          await ledger.setStock(sku, '11', 1);
        }),
      );
    }
    const started = Date.now();
    const run = await pushNow(hash, 150_000);
    console.info(`5,000 SKU push: ${Date.now() - started} ms`);
    expect(run.output).toMatchObject({ sent: 5000, requests: 3, failed: 0 });
  }, 180_000);
});
