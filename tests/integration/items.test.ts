import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerItems } from '@/db/schema';
import { createLedgerProvider } from '@/lib/accounting/ledger';
import { createXeroProvider, staticXeroToken, xeroUrls } from '@/lib/accounting/xero';
import { XERO_TEST_SETTINGS } from '@/tests/support/xero-fixtures';
import { createBigCommerceClient } from '@/lib/bigcommerce/client';
import type { StoreHash } from '@/lib/ids';
import { importItems, pushProductDetails, type ItemsDeps } from '@/lib/jobs/items';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStockRepo } from '@/lib/repos/stock';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { htmlToText } from '@/lib/sync/items-import';
import { syncSettingsSchema, type SyncSettingsInput } from '@/lib/sync/settings';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { storeJson } from './support/sync-helpers';

/**
 * Items between the BigCommerce sandbox's catalog and the books: the import into the built-in ledger and into the
 * Xero sandbox (batched), "update details", and the reverse "push product details", also as part of the stock job.
 */
let world: LifecycleWorld;

interface Variant {
  id: number;
  sku: string;
  price: number | null;
  calculated_price: number;
}
interface Product {
  id: number;
  sku: string;
  name: string;
  price: number;
  description: string;
  inventory_tracking: 'none' | 'product' | 'variant';
  date_modified?: string;
  variants: Variant[];
}

beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true, xero: true, timeScale: 0.1 });
});
afterAll(async () => world?.stop());

const bc = <T>(hash: string, token: string, method: string, path: string, body?: unknown): Promise<T> =>
  storeJson<T>({ baseUrl: world.sandbox.url, hash, token }, method, path, body);

async function catalog(hash: string, token: string): Promise<Product[]> {
  const body = await bc<{ data: Product[] }>(hash, token, 'GET', '/v3/catalog/products?include=variants&limit=250');
  return body.data;
}

/** A product's fields a merchant sees, without the timestamp a write moves. */
const visible = (p: Product) => ({ ...p, date_modified: undefined });

/** The catalog as SKU → {name, price (4 places), product}: a product without options, or each of its variants. */
function skusOf(products: Product[]) {
  const out = new Map<string, { name: string; price: string; product: Product; variant: Variant | null }>();
  const four = (n: number) => n.toFixed(4);
  for (const p of products) {
    const options = p.variants.filter((v) => v.sku !== p.sku);
    if (options.length === 0) out.set(p.sku, { name: p.name, price: four(p.price), product: p, variant: null });
    for (const v of options) out.set(v.sku, { name: `${p.name} (${v.sku})`, price: four(v.calculated_price), product: p, variant: v });
  }
  return out;
}

async function storeWithCatalog(products: number, seed: number) {
  const { hash, accessToken } = await world.installedStore();
  await world.admin(`/__sandbox/stores/${hash}/seed`, { products, customers: 0, orders: 0, seed });
  const client = createBigCommerceClient({ fetch, apiUrl: world.sandbox.url, storeHash: hash, accessToken });
  return { hash: hash as StoreHash, accessToken, client, products: await catalog(hash, accessToken) };
}

const settingsWith = (input: SyncSettingsInput) => syncSettingsSchema.parse(input);

async function ledgerRows(hash: string) {
  const rows = await world.database.db.select().from(ledgerItems).where(eq(ledgerItems.storeHash, hash));
  return new Map(rows.map((r) => [r.sku, r]));
}

describe('items import into the built-in ledger', () => {
  it('creates exactly the missing SKUs with description, price, tracked flag and the sales account; a second run creates nothing', async () => {
    const store = await storeWithCatalog(12, 21);
    const ledger = createLedgerProvider({ db: world.database.db, storeHash: store.hash });
    const skus = skusOf(store.products);
    const [handMade] = [...skus.keys()];
    await ledger.upsertItem({ sku: handMade!, name: 'Hand made' });
    const deps: ItemsDeps = { client: store.client, provider: ledger, settings: settingsWith({ accounts: { sales: '4000' } }) };

    const preview = await importItems(deps, { dryRun: true, updateDetails: false });
    expect(preview.plan.create.map((c) => c.sku).sort()).toEqual([...skus.keys()].filter((s) => s !== handMade).sort());
    expect((await ledgerRows(store.hash)).size).toBe(1);

    const run = await importItems(deps, { dryRun: false, updateDetails: false });
    expect(run).toMatchObject({ created: skus.size - 1, updated: 0, failed: [] });
    const rows = await ledgerRows(store.hash);
    expect(rows.size).toBe(skus.size);
    for (const [sku, expected] of skus) {
      const row = rows.get(sku)!;
      if (sku === handMade) {
        expect(row).toMatchObject({ name: 'Hand made', description: '', unitPrice: null, salesAccountCode: null });
        continue;
      }
      expect(row).toMatchObject({
        name: expected.name,
        description: htmlToText(expected.product.description),
        unitPrice: expected.price,
        salesAccountCode: '4000',
        trackStock: expected.product.inventory_tracking !== 'none',
      });
    }
    // A variant with a price of its own (the seed's L sizes cost 5.00 more) keeps it.
    const large = [...skus.values()].find((s) => s.variant?.price != null)!;
    expect(rows.get(large.variant!.sku)!.unitPrice).toBe((large.product.price + 5).toFixed(4));
    expect(rows.get(large.variant!.sku)!.description).toMatch(/^Our .+, made to last\.\n\nCare: wipe clean & keep dry\.$/);

    const again = await importItems(deps, { dryRun: false, updateDetails: false });
    expect(again).toMatchObject({ created: 0, updated: 0 });
    expect(again.plan).toMatchObject({ create: [], update: [], unchanged: skus.size });
  });

  it('"update details" changes only the fields that differ, on the items whose details differ', async () => {
    const store = await storeWithCatalog(8, 22);
    const ledger = createLedgerProvider({ db: world.database.db, storeHash: store.hash });
    const deps: ItemsDeps = { client: store.client, provider: ledger, settings: settingsWith({}) };
    await importItems(deps, { dryRun: false, updateDetails: false });
    // Cost and stock live in the books only; an update must not touch them.
    const simple = store.products.filter((p) => p.variants.length === 1);
    const [repriced, renamedInBooks] = simple;
    await ledger.upsertItem({ sku: repriced!.sku, name: repriced!.name, unitCost: '3.2500' });
    await world.database.db.update(ledgerItems).set({ name: 'Typed by hand' }).where(and(eq(ledgerItems.storeHash, store.hash), eq(ledgerItems.sku, renamedInBooks!.sku)));
    await bc(store.hash, store.accessToken, 'PUT', '/v3/catalog/products', [{ id: repriced!.id, price: 77.5 }]);
    const before = await ledgerRows(store.hash);

    const untouched = await importItems(deps, { dryRun: false, updateDetails: false });
    expect(untouched.updated).toBe(0);
    expect(await ledgerRows(store.hash)).toEqual(before);

    const updated = await importItems(deps, { dryRun: false, updateDetails: true });
    expect(updated.plan.update).toEqual([
      expect.objectContaining({ sku: renamedInBooks!.sku, changes: [{ field: 'name', from: 'Typed by hand', to: renamedInBooks!.name }] }),
      expect.objectContaining({ sku: repriced!.sku, changes: [{ field: 'price', from: before.get(repriced!.sku)!.unitPrice, to: '77.5000' }] }),
    ].sort((a, b) => (a.sku < b.sku ? -1 : 1)));
    expect(updated).toMatchObject({ created: 0, updated: 2, failed: [] });
    const after = await ledgerRows(store.hash);
    for (const [sku, row] of after) {
      if (sku === repriced!.sku) expect(row).toEqual({ ...before.get(sku), unitPrice: '77.5000' });
      else if (sku === renamedInBooks!.sku) expect(row).toEqual({ ...before.get(sku), name: renamedInBooks!.name });
      else expect(row).toEqual(before.get(sku));
    }
  });
});

describe('items import into Xero', () => {
  async function xeroOrganisation(name: string) {
    const tenant = world.xero!.createTenant({ name, currency: 'USD' });
    await fetch(`${world.sandbox.url}/__sandbox/xero/tenants/${tenant.tenantId}/limits`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ minute: 10_000 }),
    });
    const calls: Array<{ method: string; path: string; items: number; query: string }> = [];
    const recording: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { Items?: unknown[] }) : null;
      calls.push({ method: init?.method ?? 'GET', path: url.pathname.replace(/^.*\/api\.xro\/2\.0/, ''), items: body?.Items?.length ?? 0, query: url.search });
      return fetch(input, init);
    };
    const provider = createXeroProvider({
      tenantId: tenant.tenantId,
      tokens: staticXeroToken(world.xero!.tokenFor(tenant.tenantId)),
      urls: xeroUrls(`${world.sandbox.url}/xero`),
      fetch: recording,
      retryDelayMs: 5,
    });
    const items = async () =>
      (await (await fetch(`${world.sandbox.url}/__sandbox/xero/tenants/${tenant.tenantId}/items`)).json()) as Array<{
        Code: string;
        Name: string;
        Description?: string;
        IsTrackedAsInventory: boolean;
        SalesDetails: { UnitPrice?: number; AccountCode?: string };
      }>;
    return { tenantId: tenant.tenantId, provider, calls, items };
  }

  it('creates the missing items in batches of 50 with price and sales account, untracked without inventory accounts; idempotent', async () => {
    const store = await storeWithCatalog(60, 23);
    const skus = skusOf(store.products);
    expect(skus.size).toBeGreaterThan(50);
    const org = await xeroOrganisation('Catalog Trading');
    const deps: ItemsDeps = { client: store.client, provider: org.provider, settings: settingsWith(XERO_TEST_SETTINGS) };

    const run = await importItems(deps, { dryRun: false, updateDetails: false });
    expect(run).toMatchObject({ created: skus.size, failed: [], system: 'Xero' });
    expect(run.plan.notes.join(' ')).toMatch(/created untracked in Xero/);
    const creates = org.calls.filter((c) => c.method === 'PUT' && c.path === '/Items');
    expect(creates.map((c) => c.items)).toEqual([50, skus.size - 50]);
    expect(creates.every((c) => /summarizeErrors=false/.test(c.query) && /unitdp=4/.test(c.query))).toBe(true);

    const inXero = new Map((await org.items()).map((i) => [i.Code, i]));
    expect(inXero.size).toBe(skus.size);
    for (const [sku, expected] of skus) {
      const item = inXero.get(sku)!;
      expect(item.SalesDetails).toEqual({ UnitPrice: Number(expected.price), AccountCode: '200' });
      expect(item.Description).toBe(htmlToText(expected.product.description));
      expect(item.IsTrackedAsInventory).toBe(false);
      // Xero names are at most 50 characters: a longer one is shortened, never refused.
      expect(item.Name).toBe(expected.name.length <= 50 ? expected.name : `${expected.name.slice(0, 49).trimEnd()}…`);
    }

    org.calls.length = 0;
    const again = await importItems(deps, { dryRun: false, updateDetails: false });
    expect(again).toMatchObject({ created: 0, updated: 0 });
    expect(org.calls.filter((c) => c.method !== 'GET')).toEqual([]);

    // A price changed in BigCommerce: "update details" posts that item only, keeping its sales account.
    const product = store.products.find((p) => p.variants.length === 1)!;
    await bc(store.hash, store.accessToken, 'PUT', '/v3/catalog/products', [{ id: product.id, price: 42.1234 }]);
    org.calls.length = 0;
    const updated = await importItems(deps, { dryRun: false, updateDetails: true });
    expect(updated).toMatchObject({ created: 0, updated: 1, failed: [] });
    expect(org.calls.filter((c) => c.method === 'POST').map((c) => [c.path, c.items])).toEqual([['/Items', 1]]);
    expect((await org.items()).find((i) => i.Code === product.sku)!.SalesDetails).toEqual({ UnitPrice: 42.1234, AccountCode: '200' });
  });

  it('never writes an item twice: a Code created meanwhile is left alone, a lost answer is looked up before a resend', async () => {
    const org = await xeroOrganisation('Careful Imports');
    const create = (sku: string) => ({ kind: 'create' as const, sku, name: `Item ${sku}`, description: '', unitPrice: '5.0000', salesAccount: '200', tracked: false, inventoryAccounts: null });
    await org.provider.upsertItems!([{ ...create('TAKEN'), name: 'Made in Xero' }]);
    const raced = await org.provider.upsertItems!([create('TAKEN'), create('FRESH')]);
    expect(raced.map((r) => r.ok && r.value.created)).toEqual([false, true]);
    expect((await org.items()).find((i) => i.Code === 'TAKEN')!.Name).toBe('Made in Xero');

    // Xero creates the items, then the connection drops before the answer arrives.
    await fetch(`${world.sandbox.url}/__sandbox/xero/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'drop-after', method: 'PUT', path: '/Items', tenantId: org.tenantId, times: 1 }),
    });
    org.calls.length = 0;
    const lost = await org.provider.upsertItems!([create('LOST-1'), create('LOST-2')]);
    expect(lost.every((r) => r.ok && r.value.created)).toBe(true);
    expect(org.calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
    expect((await org.items()).filter((i) => i.Code.startsWith('LOST-')).length).toBe(2);
  });

  it('tracks stock in Xero when the inventory asset and cost-of-goods-sold accounts are mapped', async () => {
    const store = await storeWithCatalog(6, 24);
    const org = await xeroOrganisation('Tracked Goods');
    const settings = settingsWith({ ...XERO_TEST_SETTINGS, items: { inventoryAssetAccount: '630', costOfGoodsSoldAccount: '310' } });
    const run = await importItems({ client: store.client, provider: org.provider, settings }, { dryRun: false, updateDetails: false });
    expect(run.failed).toEqual([]);
    const tracked = new Map((await org.items()).map((i) => [i.Code, i.IsTrackedAsInventory]));
    for (const [sku, s] of skusOf(store.products)) expect(tracked.get(sku)).toBe(s.product.inventory_tracking !== 'none');
  });
});

describe('push product details to BigCommerce', () => {
  it('sends only the fields that differ; a refused product (duplicate name) does not hold back the others', async () => {
    const store = await storeWithCatalog(10, 25);
    const ledger = createLedgerProvider({ db: world.database.db, storeHash: store.hash });
    const deps: ItemsDeps = { client: store.client, provider: ledger, settings: settingsWith({ items: { pushProductDetails: true } }) };
    await importItems(deps, { dryRun: false, updateDetails: false });
    const simple = store.products.filter((p) => p.variants.length === 1);
    const [renamed, described, clashing] = simple;
    const withOptions = store.products.find((p) => p.variants.length > 1)!;
    const variant = withOptions.variants.find((v) => v.sku !== withOptions.sku)!;
    const set = (sku: string, values: Partial<typeof ledgerItems.$inferInsert>) =>
      world.database.db.update(ledgerItems).set(values).where(and(eq(ledgerItems.storeHash, store.hash), eq(ledgerItems.sku, sku)));
    await set(renamed!.sku, { name: 'Name from the books', unitPrice: '99.9900' });
    await set(described!.sku, { description: 'Written in the books.\n\nSecond paragraph & more' });
    await set(clashing!.sku, { name: simple[3]!.name });
    await set(variant.sku, { unitPrice: '1.2500', name: 'A variant name is not pushed' });
    const before = await catalog(store.hash, store.accessToken);

    const preview = await pushProductDetails(deps, { dryRun: true });
    expect(preview.plan.products.map((p) => [p.sku, p.changes.map((c) => c.field)])).toEqual(
      [
        [renamed!.sku, ['name', 'price']],
        [described!.sku, ['description']],
        [clashing!.sku, ['name']],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    expect(preview.plan.variants.map((v) => [v.sku, v.change.to])).toEqual([[variant.sku, '1.2500']]);
    expect(await catalog(store.hash, store.accessToken)).toEqual(before);

    const pushed = await pushProductDetails(deps, { dryRun: false });
    expect(pushed).toMatchObject({ products: 2, variants: 1 });
    expect(pushed.failed).toEqual([{ sku: clashing!.sku, message: expect.stringMatching(/duplicate/) }]);
    // One batch of three refused, split into [2] (taken) and [1] (refused), then one variant batch.
    expect(pushed.requests).toBe(4);

    const after = new Map((await catalog(store.hash, store.accessToken)).map((p) => [p.id, p]));
    for (const p of before) {
      const now = after.get(p.id)!;
      if (p.id === renamed!.id) {
        // What follows from the price (calculated prices) and the name (the sandbox derives the URL) moves too.
        const calculated = { calculated_price: 99.99, variants: p.variants.map((v) => ({ ...v, calculated_price: 99.99 })) };
        expect(visible(now)).toEqual(visible({ ...p, ...calculated, name: 'Name from the books', price: 99.99, custom_url: (now as { custom_url?: unknown }).custom_url } as Product));
      }
      else if (p.id === described!.id) {
        expect(visible(now)).toEqual(visible({ ...p, description: '<p>Written in the books.</p><p>Second paragraph &amp; more</p>' }));
      } else if (p.id === withOptions.id) {
        expect(visible(now)).toEqual(
          visible({ ...p, variants: p.variants.map((v) => (v.id === variant.id ? { ...v, price: 1.25, calculated_price: 1.25 } : v)) as Product['variants'] }),
        );
      } else expect(visible(now)).toEqual(visible(p));
    }

    const again = await pushProductDetails(deps, { dryRun: true });
    expect(again.plan.products.map((p) => p.sku)).toEqual([clashing!.sku]);
    expect(again.plan.variants).toEqual([]);
  });

  it('rides along with "Push stock now" when the setting is on', async () => {
    const store = await storeWithCatalog(4, 26);
    const settingsRepo = createSettingsRepo({ db: world.database.db });
    await settingsRepo.save(store.hash, { stock: { enabled: true, intervalMinutes: 1440 }, items: { pushProductDetails: true } }, { expectedVersion: 0 });
    await createStoreSyncRepo({ db: world.database.db }).recordStockPush(store.hash);
    const ledger = createLedgerProvider({ db: world.database.db, storeHash: store.hash });
    const product = store.products.find((p) => p.variants.length === 1)!;
    await ledger.upsertItem({ sku: product.sku, name: product.name, unitPrice: '12.3400' });

    await world.inngest!.sendEvent({ name: 'stock/push', data: { storeHash: store.hash, reason: 'manual' } });
    const deadline = Date.now() + 30_000;
    let price = product.price;
    while (price !== 12.34 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      price = (await catalog(store.hash, store.accessToken)).find((p) => p.id === product.id)!.price;
    }
    expect(price).toBe(12.34);
    const events = await createStockRepo({ db: world.database.db }).recentEvents(store.hash);
    expect(events.find((e) => e.kind === 'details_pushed')?.message).toMatch(/1 product\(s\) and 0 variant\(s\)/);

    // Off: the next push leaves the store's details alone.
    const current = await settingsRepo.current(store.hash);
    await settingsRepo.save(store.hash, { ...current.settings, items: { ...current.settings.items, pushProductDetails: false } }, { expectedVersion: current.version });
    await ledger.upsertItem({ sku: product.sku, name: product.name, unitPrice: '15.0000' });
    const runs = () => world.inngest!.runs().filter((r) => r.functionId === 'ledgerbridge-stock-push' && (r.event.data as { storeHash?: string }).storeHash === store.hash);
    const ran = runs().length;
    await world.inngest!.sendEvent({ name: 'stock/push', data: { storeHash: store.hash, reason: 'manual' } });
    const until = Date.now() + 20_000;
    while (runs().length === ran && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await world.inngest!.waitForIdle(30_000);
    expect(runs().at(-1)).toMatchObject({ status: 'Completed' });
    expect(runs().at(-1)!.output).not.toHaveProperty('details');
    expect((await catalog(store.hash, store.accessToken)).find((p) => p.id === product.id)!.price).toBe(12.34);
  });
});
