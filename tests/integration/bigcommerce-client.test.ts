// The BigCommerce client against the BigCommerce sandbox over real HTTP: pagination over 1,000 orders, every
// operation, typed scope errors, recovery from injected 500s/429s/timeouts/dropped connections, and every request
// body the client sends validated against the official OpenAPI request schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBigCommerceClient, ensureWebhooks, RateLimiter, type BigCommerceClientDeps } from '@/lib/bigcommerce/client';
import { embeddedLineItems, type BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { SpecValidator, specsAvailable, SPECS_DIR } from '@/tests/sandbox/bigcommerce/openapi';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '@/tests/sandbox/bigcommerce/server';

const ALL_SCOPES = [
  'store_v2_orders',
  'store_v2_information_read_only',
  'store_v2_products',
  'store_v2_customers_read_only',
  'store_inventory',
  'store_v2_transactions',
];

let sandbox: BigCommerceSandbox;
/** Every request body the client sent, for the conformance check at the end. */
const sentBodies: Array<{ method: string; path: string; body: unknown }> = [];

beforeAll(async () => {
  sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'client-tests', clientSecret: 'secret', appUrl: 'http://127.0.0.1:1' }] });
});
afterAll(async () => {
  await sandbox?.close();
});

async function admin<T = unknown>(path: string, body: unknown): Promise<T> {
  const r = await fetch(`${sandbox.url}/__sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`admin ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** A recording fetch: counts calls and statuses and keeps every JSON body the client sends. */
function recordingFetch(onError?: (error: unknown) => Promise<void>) {
  const stats = { calls: 0, statuses: new Map<number, number>(), errors: 0 };
  const f = (async (input, init) => {
    stats.calls += 1;
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (typeof init?.body === 'string') sentBodies.push({ method: init.method ?? 'GET', path: url.pathname.replace(/^\/stores\/[^/]+/, ''), body: JSON.parse(init.body) });
    try {
      const response = await fetch(input, init);
      stats.statuses.set(response.status, (stats.statuses.get(response.status) ?? 0) + 1);
      return response;
    } catch (error) {
      stats.errors += 1;
      await onError?.(error);
      throw error;
    }
  }) satisfies typeof fetch;
  return { fetch: f, stats };
}

async function newStore(options: { plan?: string; scopes?: string[]; seed?: { products?: number; customers?: number; orders?: number; seed?: number } } = {}) {
  const { hash } = await admin<{ hash: string }>('/stores', { plan: options.plan ?? 'enterprise' });
  const account = await admin<{ access_token: string }>(`/stores/${hash}/api-accounts`, { scopes: options.scopes ?? ALL_SCOPES });
  const seeded = options.seed ? await admin<{ order_ids: number[]; customer_ids: number[]; product_ids: number[] }>(`/stores/${hash}/seed`, options.seed) : null;
  const recorder = recordingFetch();
  const client = (extra: Partial<BigCommerceClientDeps> = {}) =>
    createBigCommerceClient({ fetch: recorder.fetch, apiUrl: sandbox.url, storeHash: hash, accessToken: account.access_token, rateLimiter: new RateLimiter(), ...extra });
  return { hash, token: account.access_token, seeded, client, stats: recorder.stats };
}

async function allOrders(iterable: AsyncIterable<{ ok: true; value: BcOrder[] } | { ok: false; error: unknown }>) {
  const orders: BcOrder[] = [];
  let pages = 0;
  for await (const page of iterable) {
    if (!page.ok) throw new Error(`page failed: ${JSON.stringify(page.error)}`);
    pages += 1;
    orders.push(...page.value);
  }
  return { orders, pages };
}

describe('pagination', () => {
  it('lists 1,000 seeded orders, 250 per call, each with its line items embedded, in date_modified order', async () => {
    const store = await newStore({ seed: { products: 20, customers: 50, orders: 1_000, seed: 3 } });
    const { orders, pages } = await allOrders(store.client().listOrders());
    expect(orders).toHaveLength(1_000);
    expect(new Set(orders.map((o) => o.id))).toEqual(new Set(store.seeded!.order_ids));
    expect(pages).toBe(4);
    // 4 full pages, then the 204 that proves the list ended.
    expect(store.stats.calls).toBe(5);
    expect(store.stats.statuses.get(204)).toBe(1);
    for (const o of orders) {
      const lines = embeddedLineItems(o);
      expect(lines, `order ${o.id} has embedded line items`).not.toBeNull();
      expect(lines!.length).toBeGreaterThan(0);
    }
    const modified = orders.map((o) => Date.parse(o.date_modified));
    expect(modified).toEqual([...modified].sort((a, b) => a - b));
  });

  it('filters by status (one listing per status) and by date_modified watermark', async () => {
    const store = await newStore({ seed: { products: 10, customers: 20, orders: 300, seed: 5 } });
    const client = store.client();
    const { orders: all } = await allOrders(client.listOrders());
    const wanted = all.filter((o) => o.status_id === 11 || o.status_id === 10);
    const { orders: byStatus } = await allOrders(client.listOrders({ statusIds: [11, 10] }));
    expect(byStatus.map((o) => o.id).sort()).toEqual(wanted.map((o) => o.id).sort());
    const middle = all[150]!;
    const watermark = new Date(Date.parse(middle.date_modified));
    const { orders: since } = await allOrders(client.listOrders({ minDateModified: watermark }));
    expect(since.map((o) => o.id).sort()).toEqual(all.filter((o) => Date.parse(o.date_modified) >= watermark.getTime()).map((o) => o.id).sort());
  });
});

describe('operations', () => {
  it('store info, order statuses with custom labels, one order, and a status write-back', async () => {
    const store = await newStore({ seed: { products: 10, customers: 10, orders: 5, seed: 11 } });
    const client = store.client();
    const info = await client.storeInfo();
    expect(info).toMatchObject({ ok: true, value: { hash: store.hash, currency: expect.any(String), planLevel: 'Enterprise' } });

    await admin(`/stores/${store.hash}/order-statuses`, { id: 10, custom_label: 'Posted to the books' });
    const statuses = await client.orderStatuses();
    expect(statuses.ok && statuses.value.find((s) => s.id === 10)).toEqual({ id: 10, name: 'Completed', label: 'Posted to the books' });
    expect(statuses.ok && statuses.value).toHaveLength(15);

    const id = store.seeded!.order_ids[0]!;
    const before = await client.getOrder(id);
    expect(before.ok && embeddedLineItems(before.value)?.length).toBeGreaterThan(0);
    const target = before.ok && before.value.status_id === 10 ? 11 : 10;
    const updated = await client.setOrderStatus(id, target);
    expect(updated).toMatchObject({ ok: true, value: { id, status_id: target } });
    const after = await client.getOrder(id);
    expect(after).toMatchObject({ ok: true, value: { status_id: target } });
    // Only the status changed: the totals and line discounts are untouched.
    expect(after.ok && before.ok && after.value.total_inc_tax).toBe(before.ok ? before.value.total_inc_tax : null);
    expect(after.ok && embeddedLineItems(after.value)).toEqual(before.ok ? embeddedLineItems(before.value) : null);

    expect(await client.getOrder(999_999)).toMatchObject({ ok: false, error: { kind: 'NotFound' } });
  });

  it('customers by ids and emails, products and variants by SKU, inventory levels, locations', async () => {
    const store = await newStore({ seed: { products: 15, customers: 120, orders: 0, seed: 13 } });
    const client = store.client();
    const ids = store.seeded!.customer_ids;
    const byId = await client.customersByIds(ids);
    expect(byId.ok && byId.value.map((c) => c.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    const emails = byId.ok ? byId.value.slice(0, 60).map((c) => c.email.toUpperCase()) : [];
    const byEmail = await client.customersByEmails(emails);
    expect(byEmail.ok && byEmail.value).toHaveLength(60);

    const products = await client.productsBySkus(['NOPE-1']);
    expect(products).toEqual({ ok: true, value: [] });
    const variantsRes = await fetch(`${sandbox.url}/stores/${store.hash}/v3/catalog/variants?limit=250`, { headers: { 'x-auth-token': store.token } });
    const allSkus = ((await variantsRes.json()) as { data: Array<{ sku: string }> }).data.map((v) => v.sku);
    const variants = await client.variantsBySkus(allSkus);
    expect(variants.ok && variants.value.map((v) => v.sku).sort()).toEqual([...allSkus].sort());
    const trackings = new Set(variants.ok ? variants.value.map((v) => v.inventoryTracking) : []);
    expect(trackings).toEqual(new Set(['none', 'product', 'variant']));
    const productSkus = variants.ok ? variants.value.filter((v) => v.isBaseVariant).map((v) => v.sku) : [];
    const productsFound = await client.productsBySkus(productSkus);
    expect(productsFound.ok && productsFound.value).toHaveLength(15);

    const locations = await client.inventoryLocations();
    expect(locations).toMatchObject({ ok: true, value: [{ id: 1, enabled: true }] });
  });

  it('categories and brand of products by id, 50 ids a call, each product read once per client (revenue rules)', async () => {
    const store = await newStore({ seed: { products: 60, customers: 0, orders: 0, seed: 41 } });
    const client = store.client();
    const ids = store.seeded!.product_ids;
    const before = store.stats.calls;
    const first = await client.productClassifications([...ids, 999_999]);
    expect(store.stats.calls - before).toBe(2);
    expect(first.ok && first.value.size).toBe(60);
    // Seeded products are in one of categories 18–21, without a brand (BigCommerce's brand_id 0).
    expect(first.ok && [...first.value.values()].every((p) => p.categories.length === 1 && p.categories[0]! >= 18 && p.categories[0]! <= 21 && p.brandId === null)).toBe(true);
    expect(first.ok && first.value.has(999_999)).toBe(false);
    const again = await client.productClassifications(ids.slice(0, 10));
    expect(store.stats.calls - before).toBe(2);
    expect(again.ok && again.value.size).toBe(10);
  });

  it('absolute inventory adjustments land, and one refused by tracking mode is a Validation failure', async () => {
    const store = await newStore({ seed: { products: 15, customers: 0, orders: 0, seed: 17 } });
    const client = store.client();
    const variantsRes = await fetch(`${sandbox.url}/stores/${store.hash}/v3/catalog/variants?limit=250`, { headers: { 'x-auth-token': store.token } });
    const allSkus = ((await variantsRes.json()) as { data: Array<{ sku: string }> }).data.map((v) => v.sku);
    const variants = await client.variantsBySkus(allSkus);
    if (!variants.ok) throw new Error('variants');
    const adjustable = variants.value.filter((v) => (v.inventoryTracking === 'product' && v.isBaseVariant) || (v.inventoryTracking === 'variant' && !v.isBaseVariant));
    const untracked = variants.value.find((v) => v.inventoryTracking === 'none')!;
    const items = adjustable.map((v, i) => ({ locationId: 1, sku: v.sku, quantity: 10 + i }));
    const outcomes = await client.adjustInventoryAbsolute({ reason: 'Ledgerbridge stock sync', items });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.result).toMatchObject({ ok: true, value: { transactionId: expect.any(String) } });
    const levels = await client.inventoryItems({ skus: adjustable.map((v) => v.sku), locationIds: [1] });
    if (!levels.ok) throw new Error('levels');
    const bySku = new Map(levels.value.map((l) => [l.sku, l.locations[0]?.onHand]));
    for (const item of items) expect(bySku.get(item.sku), item.sku).toBe(item.quantity);

    const refused = await client.adjustInventoryAbsolute({ items: [{ locationId: 1, sku: untracked.sku, quantity: 3 }] });
    expect(refused[0]!.result).toMatchObject({ ok: false, error: { kind: 'Validation', status: 422 } });
  });

  it('refunds and transactions of an order', async () => {
    const store = await newStore({ seed: { products: 10, customers: 10, orders: 60, seed: 19 } });
    const client = store.client();
    // The seed refunds some orders (status 4 Refunded, 14 Partially Refunded) through the V3 refunds API.
    const { orders } = await allOrders(client.listOrders({ statusIds: [4, 14] }));
    expect(orders.length).toBeGreaterThan(0);
    const refunded = orders[0]!;
    const refunds = await client.refunds(refunded.id);
    expect(refunds.ok && refunds.value.length).toBeGreaterThan(0);
    expect(refunds.ok && refunds.value[0]).toMatchObject({ orderId: refunded.id, totalAmount: expect.stringMatching(/^\d+(\.\d+)?$/) });
    const transactions = await client.orderTransactions(refunded.id);
    expect(transactions.ok).toBe(true);
    expect(await client.refunds(999_999)).toMatchObject({ ok: false, error: { kind: 'NotFound' } });
  });

  it('ensureWebhooks registers, is idempotent, and repairs a deactivated hook', async () => {
    const store = await newStore();
    const client = store.client();
    const input = { destination: 'https://app.example.com/api/webhooks/bigcommerce', scopes: ['store/order/created', 'store/order/updated', 'store/sku/inventory/updated'], secretHeader: { name: 'x-ledgerbridge-secret', value: 'per-store-secret' } };
    expect(await ensureWebhooks(client, input)).toMatchObject({ ok: true, value: { created: input.scopes } });
    expect(await ensureWebhooks(client, input)).toMatchObject({ ok: true, value: { created: [], unchanged: input.scopes } });
    const hooks = await client.listHooks();
    if (!hooks.ok) throw new Error('hooks');
    expect(hooks.value.every((h) => h.headers['x-ledgerbridge-secret'] === 'per-store-secret' && h.isActive)).toBe(true);
    const victim = hooks.value[1]!;
    await client.updateHook(victim.id, { isActive: false });
    expect(await ensureWebhooks(client, input)).toMatchObject({ ok: true, value: { reactivated: [victim.scope] } });
    await client.updateHook(hooks.value[0]!.id, { destination: 'https://old.example.com/wh' });
    expect(await ensureWebhooks(client, input)).toMatchObject({ ok: true, value: { repaired: [hooks.value[0]!.scope] } });
    const deleted = await client.deleteHook(victim.id);
    expect(deleted).toMatchObject({ ok: true, value: { id: victim.id } });
    expect(await client.deleteHook(victim.id)).toMatchObject({ ok: false, error: { kind: 'NotFound' } });
  });
});

describe('typed failures', () => {
  it('a token without a scope gets Forbidden naming the missing scope; a bad token gets Unauthorized', async () => {
    const store = await newStore({ scopes: ['store_v2_orders_read_only'], seed: { products: 5, customers: 5, orders: 3, seed: 23 } });
    const client = store.client();
    expect((await client.getOrder(store.seeded!.order_ids[0]!)).ok).toBe(true);
    expect(await client.setOrderStatus(store.seeded!.order_ids[0]!, 10)).toMatchObject({ ok: false, error: { kind: 'Forbidden', missingScope: 'store_v2_orders' } });
    expect(await client.customersByIds([1])).toMatchObject({ ok: false, error: { kind: 'Forbidden', missingScope: 'store_v2_customers_read_only' } });
    expect(await client.inventoryLocations()).toMatchObject({ ok: false, error: { kind: 'Forbidden', missingScope: 'store_inventory_read_only' } });
    const outcomes = await client.adjustInventoryAbsolute({ items: [{ locationId: 1, sku: 'X', quantity: 1 }] });
    expect(outcomes[0]!.result).toMatchObject({ ok: false, error: { kind: 'Forbidden', missingScope: 'store_inventory' } });
    const revoked = store.client({ accessToken: 'not-a-real-token' });
    expect(await revoked.storeInfo()).toMatchObject({ ok: false, error: { kind: 'Unauthorized' } });
    const pages = revoked.listOrders()[Symbol.asyncIterator]();
    expect((await pages.next()).value).toMatchObject({ ok: false, error: { kind: 'Unauthorized' } });
    expect((await pages.next()).done).toBe(true);
  });
});

describe('recovery from injected faults', () => {
  it('lists every order while 20% of calls answer 500 and 20% answer 429', async () => {
    const store = await newStore({ seed: { products: 10, customers: 20, orders: 1_000, seed: 29 } });
    // A short window so the injected 429s (which report the real reset time) are waited out quickly.
    await admin(`/stores/${store.hash}/rate-limit`, { window_ms: 500 });
    await admin(`/stores/${store.hash}/faults`, { rules: [{ route: 'GET /v2/orders*', error500: 0.2, error429: 0.2 }] });
    const client = store.client({ retry: { baseDelayMs: 20, maxRetries: 8, maxRateLimitRetries: 10 } });
    const faults = () => (store.stats.statuses.get(500) ?? 0) + (store.stats.statuses.get(429) ?? 0);
    // One listing is only 4 pages, which all succeed first time now and then (0.6⁴ ≈ 13 %): list again until the
    // faults have bitten (at most 10 listings; none biting in 40 calls has a probability of about 1e-9). Every
    // listing must bring every order.
    for (let listing = 0; listing < 10 && (listing === 0 || faults() === 0); listing++) {
      const { orders } = await allOrders(client.listOrders());
      expect(new Set(orders.map((o) => o.id)).size).toBe(1_000);
    }
    await admin(`/stores/${store.hash}/faults`, {});
    expect(faults()).toBeGreaterThan(0);
  });

  it('retries a GET that timed out, and one whose connection was dropped', async () => {
    const store = await newStore({ seed: { products: 5, customers: 5, orders: 3, seed: 31 } });
    const id = store.seeded!.order_ids[0]!;
    await admin(`/stores/${store.hash}/faults`, { rules: [{ route: 'GET /v2/orders/*', delayMs: 1_000 }] });
    let cleared = false;
    const slow = recordingFetch(async () => {
      if (!cleared) {
        cleared = true;
        await admin(`/stores/${store.hash}/faults`, {});
      }
    });
    const client = createBigCommerceClient({ fetch: slow.fetch, apiUrl: sandbox.url, storeHash: store.hash, accessToken: store.token, rateLimiter: new RateLimiter(), timeoutMs: 250, retry: { baseDelayMs: 10 } });
    expect(await client.getOrder(id)).toMatchObject({ ok: true, value: { id } });
    expect(slow.stats.errors).toBe(1);

    await admin(`/stores/${store.hash}/faults`, { rules: [{ route: 'GET /v2/store', drop: 0.5 }] });
    const dropping = recordingFetch();
    // Each attempt is dropped with probability 1/2: with 10 retries, 20 calls failed about once in a hundred runs (CI
    // saw it); with 30, about once in 10^8.
    const client2 = createBigCommerceClient({ fetch: dropping.fetch, apiUrl: sandbox.url, storeHash: store.hash, accessToken: store.token, rateLimiter: new RateLimiter(), retry: { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 30 } });
    for (let i = 0; i < 20; i++) expect((await client2.storeInfo()).ok).toBe(true);
    expect(dropping.stats.errors).toBeGreaterThan(0);
    await admin(`/stores/${store.hash}/faults`, {});
  });

  it('does not repeat a POST that failed with a 500 (no duplicate hook), and reports Unavailable', async () => {
    const store = await newStore();
    await admin(`/stores/${store.hash}/faults`, { rules: [{ route: 'POST /v3/hooks', error500: 1 }] });
    const client = store.client({ retry: { baseDelayMs: 5 } });
    const before = store.stats.calls;
    const r = await client.createHook({ scope: 'store/order/created', destination: 'https://app.example.com/wh' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'Unavailable', status: 500 } });
    expect(store.stats.calls - before).toBe(1);
    await admin(`/stores/${store.hash}/faults`, {});
  });
});

describe('conformance of request bodies', () => {
  it('every body the client sent validates against the official OpenAPI request schema', (ctx) => {
    if (!specsAvailable) {
      console.warn(`skipping request-body conformance: ${SPECS_DIR} is absent`);
      ctx.skip();
      return;
    }
    const validator = new SpecValidator();
    const routes: Array<{ match: RegExp; method: string; file: string; specPath: string }> = [
      { method: 'PUT', match: /^\/v2\/orders\/\d+$/, file: 'orders.v2.oas2.yml', specPath: '/orders/{order_id}' },
      { method: 'PUT', match: /^\/v3\/inventory\/adjustments\/absolute$/, file: 'inventory.v3.yml', specPath: '/inventory/adjustments/absolute' },
      { method: 'POST', match: /^\/v3\/hooks$/, file: 'webhooks.v3.yml', specPath: '/hooks' },
      { method: 'PUT', match: /^\/v3\/hooks\/\d+$/, file: 'webhooks.v3.yml', specPath: '/hooks/{webhook_id}' },
    ];
    const seen = new Set<string>();
    for (const sent of sentBodies) {
      const route = routes.find((r) => r.method === sent.method && r.match.test(sent.path));
      if (!route) throw new Error(`no spec route for a body sent to ${sent.method} ${sent.path}`);
      seen.add(`${route.method} ${route.specPath}`);
      expect(validator.validateRequest(route.file, route.specPath, route.method, sent.body), `${sent.method} ${sent.path} ${JSON.stringify(sent.body).slice(0, 200)}`).toEqual([]);
    }
    // The status PUT, the absolute adjustment and hook create/update were all exercised above.
    expect([...seen].sort()).toEqual(routes.map((r) => `${r.method} ${r.specPath}`).sort());
    // The status write-back carries nothing but the status.
    for (const s of sentBodies.filter((b) => b.method === 'PUT' && b.path.startsWith('/v2/orders/'))) expect(Object.keys(s.body as object)).toEqual(['status_id']);
  });
});
