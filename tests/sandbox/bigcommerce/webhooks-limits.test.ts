import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';

let sandbox: BigCommerceSandbox;
let receiver: Server;
let receiverUrl = '';
const received: Array<{ headers: Record<string, unknown>; body: { scope: string; hash: string; created_at: number } }> = [];
/** Status the receiver answers with (to simulate a failing endpoint). */
let answer = 200;

beforeAll(async () => {
  // 60 s of platform time = 10 ms; the full retry schedule is checked on a faster sandbox below.
  sandbox = await startBigCommerceSandbox({
    port: 0,
    timeScale: 6000,
    rateLimitWindowMs: 30_000,
    apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }],
  });
  receiver = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(data) });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
});
afterAll(async () => {
  await sandbox?.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

async function setup(plan: 'standard' | 'pro' = 'standard') {
  const store = sandbox.platform.createStore({ plan });
  const account = (await (
    await fetch(`${sandbox.url}/__sandbox/stores/${store.hash}/api-accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scopes: ['store_v2_orders', 'store_inventory', 'store_v2_products'] }),
    })
  ).json()) as { access_token: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${sandbox.url}/stores/${store.hash}${path}`, {
      method,
      headers: { 'x-auth-token': account.access_token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, headers: r.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const admin = (path: string, body: unknown) =>
    fetch(`${sandbox.url}/__sandbox/stores/${store.hash}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { store, call, admin };
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const billing = { first_name: 'A', last_name: 'B', zip: '78701', email: 'a@example.com' };

describe('webhooks', () => {
  it('delivers the spec payload with custom headers for our own writes', async () => {
    const { store, call } = await setup();
    const hook = await call('POST', '/v3/hooks', { scope: 'store/order/*', destination: receiverUrl, is_active: true, headers: { 'x-ledgerbridge-secret': 'abc' } });
    expect(hook.status).toBe(200);
    received.length = 0;
    const order = (await call('POST', '/v2/orders', { billing_address: billing, status_id: 1, products: [{ name: 'X', quantity: 1, price_ex_tax: 1, price_inc_tax: 1 }] })).body as { id: number };
    await call('PUT', `/v2/orders/${order.id}`, { status_id: 11 });
    await until(() => received.length >= 3);
    const scopes = received.map((r) => r.body.scope).sort();
    expect(scopes).toEqual(['store/order/created', 'store/order/statusUpdated', 'store/order/updated']);
    const status = received.find((r) => r.body.scope === 'store/order/statusUpdated')!;
    expect(status.headers['x-ledgerbridge-secret']).toBe('abc');
    expect(status.body).toMatchObject({
      producer: `stores/${store.hash}`,
      store_id: String(store.store_id),
      data: { type: 'order', id: order.id, status: { previous_status_id: 1, new_status_id: 11 } },
    });
    expect(status.body.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof status.body.created_at).toBe('number');
  });

  it('retries a failing endpoint with the same hash, then deactivates the hook after the last retry', async () => {
    const { call } = await setup();
    await call('POST', '/v3/hooks', { scope: 'store/order/created', destination: receiverUrl });
    received.length = 0;
    answer = 500;
    try {
      await call('POST', '/v2/orders', { billing_address: billing, products: [{ name: 'X', quantity: 1, price_ex_tax: 1, price_inc_tax: 1 }] });
      // 1 attempt + 11 retries; the schedule (183,960 s) at timeScale 6000 is ~31 s, so check the first few.
      await until(() => received.length >= 4, 5000);
      expect(new Set(received.map((r) => r.body.hash)).size).toBe(1);
    } finally {
      answer = 200;
    }
  });

  it('deactivates after the last retry (fast clock)', async () => {
    const fast = await startBigCommerceSandbox({ port: 0, timeScale: 1_000_000, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }] });
    try {
      const store = fast.platform.createStore({});
      const { access_token } = (await (await fetch(`${fast.url}/__sandbox/stores/${store.hash}/api-accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scopes: 'store_v2_orders' }) })).json()) as { access_token: string };
      const h = { 'x-auth-token': access_token, 'content-type': 'application/json' };
      await fetch(`${fast.url}/stores/${store.hash}/v3/hooks`, { method: 'POST', headers: h, body: JSON.stringify({ scope: 'store/order/created', destination: 'http://127.0.0.1:1/nope' }) });
      await fetch(`${fast.url}/stores/${store.hash}/v2/orders`, { method: 'POST', headers: h, body: JSON.stringify({ billing_address: billing, products: [{ name: 'X', quantity: 1, price_ex_tax: 1, price_inc_tax: 1 }] }) });
      await until(() => fast.webhooks.deliveries.length >= 12, 8000);
      const after = (await (await fetch(`${fast.url}/stores/${store.hash}/v3/hooks`, { headers: h })).json()) as { data: Array<{ is_active: boolean }> };
      expect(after.data[0]!.is_active).toBe(false);
      expect(fast.webhooks.deliveries.map((d) => d.attempt)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    } finally {
      await fast.close();
    }
  });

  it('faults: duplicates share the hash; dropped events never arrive', async () => {
    const { call, admin } = await setup();
    await call('POST', '/v3/hooks', { scope: 'store/order/created', destination: receiverUrl });
    await admin('/faults', { webhooks: { duplicate: 1 } });
    received.length = 0;
    await call('POST', '/v2/orders', { billing_address: billing, products: [{ name: 'X', quantity: 1, price_ex_tax: 1, price_inc_tax: 1 }] });
    await until(() => received.length >= 2);
    expect(received[0]!.body.hash).toBe(received[1]!.body.hash);
    await admin('/faults', { webhooks: { drop: 1 } });
    received.length = 0;
    await call('POST', '/v2/orders', { billing_address: billing, products: [{ name: 'X', quantity: 1, price_ex_tax: 1, price_inc_tax: 1 }] });
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(0);
    await admin('/faults', {});
  });

  it('hooks are private to the token that made them', async () => {
    const { store, call } = await setup();
    await call('POST', '/v3/hooks', { scope: 'store/order/updated', destination: receiverUrl });
    const other = (await (await fetch(`${sandbox.url}/__sandbox/stores/${store.hash}/api-accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scopes: 'store_v2_orders' }) })).json()) as { access_token: string };
    const list = (await (await fetch(`${sandbox.url}/stores/${store.hash}/v3/hooks`, { headers: { 'x-auth-token': other.access_token } })).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(0);
  });
});

describe('rate limits and faults', () => {
  it('standard plan: 150 per window with all headers, then 429 with X-Retry-After', async () => {
    const { call } = await setup('standard');
    let last = await call('GET', '/v2/orders');
    expect(last.headers.get('x-rate-limit-requests-quota')).toBe('150');
    expect(last.headers.get('x-rate-limit-time-window-ms')).toBe('30000');
    expect(last.headers.get('x-rate-limit-requests-left')).toBe('149');
    expect(Number(last.headers.get('x-rate-limit-time-reset-ms'))).toBeGreaterThan(0);
    for (let i = 0; i < 149; i++) last = await call('GET', '/v2/orders');
    expect(last.headers.get('x-rate-limit-requests-left')).toBe('0');
    const limited = await call('GET', '/v2/orders');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('x-retry-after'))).toBeGreaterThan(0);
  });

  it('pro plan has 450, and the window is settable per store', async () => {
    const { call, admin } = await setup('pro');
    expect((await call('GET', '/v2/orders')).headers.get('x-rate-limit-requests-quota')).toBe('450');
    await admin('/rate-limit', { quota: 2, window_ms: 200 });
    await call('GET', '/v2/orders');
    await call('GET', '/v2/orders');
    expect((await call('GET', '/v2/orders')).status).toBe(429);
    await new Promise((r) => setTimeout(r, 220));
    expect((await call('GET', '/v2/orders')).status).toBe(204);
  });

  it('injects 500s and 429s per route pattern, and {} clears them', async () => {
    const { call, admin } = await setup('pro');
    await admin('/faults', { rules: [{ route: 'GET /v2/orders*', error500: 1 }] });
    expect((await call('GET', '/v2/orders')).status).toBe(500);
    expect((await call('GET', '/v2/orders/count')).status).toBe(500);
    expect((await call('GET', '/v2/order_statuses')).status).toBe(200);
    await admin('/faults', { rules: [{ route: '*', error429: 1 }] });
    const limited = await call('GET', '/v2/order_statuses');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-retry-after')).toBeTruthy();
    await admin('/rate-limit', { window_ms: 1 }); // the spent window (next test) is over at once
    await admin('/faults', { rules: [{ route: '*', drop: 1 }] });
    await expect(call('GET', '/v2/order_statuses')).rejects.toThrow();
    await admin('/faults', {});
    expect((await call('GET', '/v2/order_statuses')).status).toBe(200);
  });

  it('a checkout places the order of POST /v2/orders with its webhook, outside the API quota and its faults', async () => {
    const { call, admin } = await setup('standard');
    await call('POST', '/v3/hooks', { scope: 'store/order/created', destination: receiverUrl });
    await admin('/rate-limit', { quota: 3 });
    await admin('/faults', { rules: [{ route: '*', error500: 1 }] });
    received.length = 0;
    const body = { billing_address: billing, status_id: 11, products: [{ name: 'X', sku: 'X-1', quantity: 2, price_ex_tax: '4.50', price_inc_tax: '4.50' }] };
    const placed = await admin('/checkout', body);
    expect(placed.status).toBe(201);
    const { id } = (await placed.json()) as { id: number };
    await until(() => received.some((r) => r.body.scope === 'store/order/created'));
    await admin('/faults', {});
    const read = await call('GET', `/v2/orders/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, status_id: 11, items_total: 2, total_inc_tax: '9.0000' });
    // The checkout spent none of the quota of 3: the hook's POST and the GET above did.
    expect(read.headers.get('x-rate-limit-requests-left')).toBe('1');
    expect((await admin('/checkout', { products: 'none' })).status).toBe(400);
    expect((await fetch(`${sandbox.url}/__sandbox/stores/nosuchstore/checkout`, { method: 'POST', body: JSON.stringify(body) })).status).toBe(404);
    expect(received.filter((r) => r.body.scope === 'store/order/created' && r.body.hash).length).toBe(1);
  });

  // An injected 429 is the store's quota spent by other clients (they share it): the platform refuses every later
  // call until the window resets (developer.bigcommerce.com/docs/start/best-practices/api-rate-limits).
  it('an injected 429 spends the store window: every call is refused until it resets, with the reset time', async () => {
    const { call, admin } = await setup('standard');
    await admin('/rate-limit', { window_ms: 1_500 });
    expect((await call('GET', '/v2/orders')).status).toBe(204);
    await admin('/faults', { rules: [{ route: 'PUT *', error429: 1 }] });
    const limited = await call('PUT', '/v2/orders/1', { status_id: 2 });
    expect(limited.status).toBe(429);
    await admin('/faults', {});
    const after = await call('GET', '/v2/order_statuses'); // another route, no fault rule any more
    expect(after.status).toBe(429);
    expect(after.headers.get('x-rate-limit-requests-left')).toBe('0');
    const resetMs = Number(after.headers.get('x-rate-limit-time-reset-ms'));
    expect(resetMs).toBeGreaterThan(0);
    expect(resetMs).toBeLessThanOrEqual(1_500);
    await new Promise((r) => setTimeout(r, resetMs + 50));
    const next = await call('GET', '/v2/order_statuses');
    expect(next.status).toBe(200);
    expect(next.headers.get('x-rate-limit-requests-left')).toBe('149');
  });
});
