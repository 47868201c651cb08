import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerItems } from '@/db/schema';
import { createLedgerProvider } from '@/lib/accounting/ledger';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { issueSessionToken } from '@/lib/session';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';

/**
 * "Import items" and "Push stock now" through the admin API routes (Request in, Response out), against the
 * BigCommerce sandbox, the Inngest stand-in running the stock job, and a fresh database. Every route takes the store
 * from the session only.
 */
let world: LifecycleWorld;
const SECRET = 'integration-session-secret-0123456789abcdef';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (request: Request, context: { params: Promise<any> }) => Promise<Response>;

async function call(handler: Handler, token: string | null, path: string, init: { method?: string; body?: unknown } = {}) {
  const request = new Request(`http://app.test${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const response = await handler(request, { params: Promise.resolve({}) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are inspected field by field below
  return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, any> };
}

async function sessionFor(hash: string): Promise<string> {
  const store = await world.admin<{ owner: { id: number } }>(`/__sandbox/stores/${hash}`);
  return issueSessionToken({ storeHash: hash as StoreHash, userId: store.body.owner.id, generation: 0 }, SECRET);
}

const routes = {
  importItems: () => import('@/app/api/admin/items/import/route'),
  itemSettings: () => import('@/app/api/admin/items/settings/route'),
  stock: () => import('@/app/api/admin/stock/route'),
  push: () => import('@/app/api/admin/stock/push/route'),
  ledgerItems: () => import('@/app/api/admin/ledger/items/route'),
};

let storeA: { hash: string; accessToken: string };
let storeB: { hash: string; accessToken: string };
let tokenA: string;
let tokenB: string;

const itemsOf = async (hash: string) => world.database.db.select().from(ledgerItems).where(eq(ledgerItems.storeHash, hash));

beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true, timeScale: 0.1 });
  storeA = await world.installedStore();
  storeB = await world.installedStore();
  for (const s of [storeA, storeB]) await world.admin(`/__sandbox/stores/${s.hash}/seed`, { products: 6, customers: 0, orders: 0, seed: 31 });
  tokenA = await sessionFor(storeA.hash);
  tokenB = await sessionFor(storeB.hash);
});
afterAll(async () => world?.stop());

describe('admin API: import items', () => {
  it('refuses a request without a session, and a body that is not a choice', async () => {
    const { POST } = await routes.importItems();
    expect((await call(POST, null, '/api/admin/items/import', { method: 'POST', body: { dryRun: true } })).status).toBe(401);
    const bad = await call(POST, tokenA, '/api/admin/items/import', { method: 'POST', body: { dryRun: 'yes' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(['dryRun']);
  });

  it('previews what would be created, writes nothing, then imports exactly that into the session’s store only', async () => {
    const { POST } = await routes.importItems();
    const preview = await call(POST, tokenA, '/api/admin/items/import', { method: 'POST', body: { dryRun: true } });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ system: 'the built-in ledger', dryRun: true, update: { total: 0 }, unchanged: 0, created: 0 });
    const planned = preview.body.create.rows.map((r: { sku: string }) => r.sku).sort();
    expect(planned.length).toBe(preview.body.create.total);
    expect(preview.body.create.rows[0]).toMatchObject({ salesAccount: '4000', unitPrice: expect.stringMatching(/^\d+\.\d{4}$/) });
    expect(await itemsOf(storeA.hash)).toEqual([]);

    const done = await call(POST, tokenA, '/api/admin/items/import', { method: 'POST', body: { dryRun: false } });
    expect(done.body).toMatchObject({ dryRun: false, created: planned.length, failed: [] });
    expect((await itemsOf(storeA.hash)).map((i) => i.sku).sort()).toEqual(planned);
    expect(await itemsOf(storeB.hash)).toEqual([]);
    // The ledger page's items table shows what was imported: price with two places or more, the sales account.
    const listed = await call((await routes.ledgerItems()).GET, tokenA, '/api/admin/ledger/items?page=1&pageSize=100');
    const first = listed.body.items.find((i: { sku: string }) => i.sku === preview.body.create.rows[0].sku);
    expect(first).toMatchObject({ salesAccount: '4000', unitPrice: expect.stringMatching(/^\d+\.\d{2,4}$/), description: expect.any(String) });
    expect(Number(first.unitPrice)).toBe(Number(preview.body.create.rows[0].unitPrice));

    const again = await call(POST, tokenA, '/api/admin/items/import', { method: 'POST', body: { dryRun: true } });
    expect(again.body).toMatchObject({ create: { total: 0, rows: [] }, unchanged: planned.length });
  });
});

describe('admin API: item settings', () => {
  it('turns "push product details" on, and refuses inventory accounts that are not in the chart or of the wrong kind', async () => {
    const { PUT } = await routes.itemSettings();
    const on = await call(PUT, tokenB, '/api/admin/items/settings', { method: 'PUT', body: { pushProductDetails: true } });
    expect(on.body.items).toMatchObject({ pushProductDetails: true });
    expect((await createSettingsRepo({ db: world.database.db }).current(storeB.hash as StoreHash)).settings.items.pushProductDetails).toBe(true);
    expect((await createSettingsRepo({ db: world.database.db }).current(storeA.hash as StoreHash)).settings.items.pushProductDetails).toBe(false);
    const bad = await call(PUT, tokenB, '/api/admin/items/settings', { method: 'PUT', body: { inventoryAssetAccount: '9999', costOfGoodsSoldAccount: '4000' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ inventoryAssetAccount: expect.stringMatching(/not in the chart/), costOfGoodsSoldAccount: expect.stringMatching(/not an expense account/) });
    const good = await call(PUT, tokenB, '/api/admin/items/settings', { method: 'PUT', body: { inventoryAssetAccount: '1300', costOfGoodsSoldAccount: '5000' } });
    expect(good.body.items).toEqual({ pushProductDetails: true, inventoryAssetAccount: '1300', costOfGoodsSoldAccount: '5000' });
  });
});

describe('admin API: push stock now', () => {
  it('says stock sync is off; once on, queues a push whose time and result the status then shows', async () => {
    const stock = await routes.stock();
    const push = await routes.push();
    expect((await call(push.POST, null, '/api/admin/stock/push', { method: 'POST' })).status).toBe(401);
    const status = await call(stock.GET, tokenA, '/api/admin/stock');
    expect(status.body).toMatchObject({ enabled: false, lastPushAt: null, lastResult: null });
    const off = await call(push.POST, tokenA, '/api/admin/stock/push', { method: 'POST' });
    expect(off.status).toBe(409);
    expect(off.body.error.message).toMatch(/Stock sync is off/);

    const settings = createSettingsRepo({ db: world.database.db });
    const current = await settings.current(storeA.hash as StoreHash);
    await settings.save(storeA.hash as StoreHash, { ...current.settings, stock: { ...current.settings.stock, enabled: true, intervalMinutes: 1440 } }, { expectedVersion: current.version });
    const products = (await (await fetch(`${world.sandbox.url}/stores/${storeA.hash}/v3/catalog/products?include=variants`, { headers: { 'x-auth-token': storeA.accessToken } })).json()) as {
      data: Array<{ sku: string; inventory_tracking: string; variants: unknown[] }>;
    };
    const tracked = products.data.find((p) => p.inventory_tracking === 'product' && p.variants.length === 1)!;
    await createLedgerProvider({ db: world.database.db, storeHash: storeA.hash as StoreHash }).setStock(tracked.sku, '31', 1);

    const queued = await call(push.POST, tokenA, '/api/admin/stock/push', { method: 'POST' });
    expect(queued.status).toBe(202);
    const deadline = Date.now() + 20_000;
    let seen = await call(stock.GET, tokenA, '/api/admin/stock');
    while (!seen.body.lastResult && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await call(stock.GET, tokenA, '/api/admin/stock');
    }
    expect(seen.body).toMatchObject({ enabled: true, lastPushAt: expect.any(String), lastResult: { kind: 'stock_pushed', message: expect.stringMatching(/Sent 1 stock level/) } });
    const level = await fetch(`${world.sandbox.url}/stores/${storeA.hash}/v3/inventory/items?sku:in=${encodeURIComponent(tracked.sku)}&location_id:in=1`, {
      headers: { 'x-auth-token': storeA.accessToken },
    });
    expect(((await level.json()) as { data: Array<{ locations: Array<{ total_inventory_onhand: number }> }> }).data[0]!.locations[0]!.total_inventory_onhand).toBe(31);

    // Store B sees neither A's push nor its log.
    expect((await call(stock.GET, tokenB, '/api/admin/stock')).body).toMatchObject({ enabled: false, lastPushAt: null, lastResult: null, recent: [] });
  });
});
