// payment_status follows what happens to the money (creation, capture, void, refunds), never the order status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_ACTION_DELAY_MS } from './resources/payments';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';

let sandbox: BigCommerceSandbox;
/** Store events as the webhook dispatcher sees them: [hash, scope, data]. */
const events: Array<[string, string, Record<string, unknown>]> = [];
beforeAll(async () => {
  sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }] });
  sandbox.platform.onEvent.push((store, scope, data) => events.push([store.hash, scope, data]));
});
afterAll(async () => {
  await sandbox?.close();
});

async function admin(path: string, body: unknown) {
  const res = await fetch(`${sandbox.url}/__sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function store(capture?: 'authorize_only' | 'authorize_and_capture') {
  const s = sandbox.platform.createStore({});
  if (capture) expect((await admin(`/stores/${s.hash}/payments`, { capture })).body).toEqual({ capture });
  const account = (await admin(`/stores/${s.hash}/api-accounts`, { scopes: 'store_v2_orders store_v2_transactions' })).body as { access_token: string };
  const call = async <T = unknown>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}/stores/${s.hash}${path}`, {
      method,
      headers: { 'x-auth-token': account.access_token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  /** This store's events after `mark` (an earlier `events.length`), with a status change's ids. */
  const eventsSince = (mark: number) => events.slice(mark).filter(([h]) => h === s.hash).map(([, scope, data]) => `${scope}${data.status ? ` ${JSON.stringify(data.status)}` : ''}`);
  return { hash: s.hash, call, eventsSince };
}

const billing = { first_name: 'Jane', last_name: 'Doe', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'jane@example.com' };
const mug = [{ name: 'Mug', quantity: 2, price_ex_tax: 10, price_inc_tax: 10.83 }];

interface Order {
  id: number;
  status_id: number;
  payment_status: string;
  date_modified: string;
  total_inc_tax: string;
}
interface Transaction {
  id: number;
  event: string;
  amount: number;
  gateway: string;
  method: string;
  reference_transaction_id?: number;
}

const advance = (ms: number) => admin('/clock/advance', { ms });

describe('payment_status', () => {
  it('a cancelled paid order keeps its captured payment, and a PUT to Refunded invents no refund', async () => {
    const s = await store();
    const order = (await s.call<Order>('POST', '/v2/orders', { billing_address: billing, status_id: 11, payment_method: 'Credit Card', products: mug })).body;
    expect(order.payment_status).toBe('captured');
    const cancelled = await s.call<Order>('PUT', `/v2/orders/${order.id}`, { status_id: 5 });
    expect(cancelled.body).toMatchObject({ status_id: 5, payment_status: 'captured' });
    const refunded = await s.call<Order>('PUT', `/v2/orders/${order.id}`, { status_id: 4 });
    expect(refunded.body).toMatchObject({ status_id: 4, payment_status: 'captured' });
    expect((await s.call<{ data: unknown[] }>('GET', `/v3/orders/${order.id}/payment_actions/refunds`)).body.data).toEqual([]);
    const transactions = (await s.call<{ data: Transaction[] }>('GET', `/v3/orders/${order.id}/transactions`)).body.data;
    expect(transactions.map((t) => [t.event, t.amount, t.gateway, t.method])).toEqual([['purchase', 21.66, 'braintree', 'credit_card']]);
    // The money is still there to give back.
    const quote = await s.call<{ data: { total_refund_amount: number } }>('POST', `/v3/orders/${order.id}/payment_actions/refund_quotes`, { items: [{ item_type: 'ORDER', item_id: order.id, amount: 21.66 }] });
    expect(quote.body.data.total_refund_amount).toBe(21.66);
  });

  it('an unpaid order moved to a paid status by PUT is captured then (the sandbox simplification); an offline payment is recorded as offline', async () => {
    const s = await store();
    const order = (await s.call<Order>('POST', '/v2/orders', { billing_address: billing, status_id: 1, payment_method: 'Bank Deposit', products: mug })).body;
    expect(order.payment_status).toBe('pending');
    expect((await s.call<{ data: Transaction[] }>('GET', `/v3/orders/${order.id}/transactions`)).body.data).toEqual([]);
    expect((await s.call<Order>('PUT', `/v2/orders/${order.id}`, { status_id: 11 })).body.payment_status).toBe('captured');
    const [purchase] = (await s.call<{ data: Transaction[] }>('GET', `/v3/orders/${order.id}/transactions`)).body.data;
    expect(purchase).toMatchObject({ event: 'purchase', amount: 21.66, gateway: 'bankdeposit', method: 'offline' });
  });

  it('created Declined is declined and Cancelled is void (an authorization voided before capture)', async () => {
    const s = await store();
    const declined = (await s.call<Order>('POST', '/v2/orders', { billing_address: billing, status_id: 6, products: mug })).body;
    expect(declined.payment_status).toBe('declined');
    const cancelled = (await s.call<Order>('POST', '/v2/orders', { billing_address: billing, status_id: 5, payment_method: 'Credit Card', products: mug })).body;
    expect(cancelled.payment_status).toBe('void');
    const transactions = (await s.call<{ data: Transaction[] }>('GET', `/v3/orders/${cancelled.id}/transactions`)).body.data;
    expect(transactions.map((t) => t.event)).toEqual(['authorization', 'void']);
  });
});

describe('authorize only', () => {
  it('an authorized order cannot be refunded; a capture is pending, then captured on the platform clock with store/order/updated', async () => {
    const s = await store('authorize_only');
    const order = (await s.call<Order>('POST', '/v2/orders', { billing_address: billing, status_id: 11, payment_method: 'Credit Card', products: mug })).body;
    expect(order.payment_status).toBe('authorized');
    const refund = await s.call('POST', `/v3/orders/${order.id}/payment_actions/refunds`, { items: [{ item_type: 'ORDER', item_id: order.id, amount: 1 }], payments: [{ provider_id: 'braintree', amount: 1 }] });
    expect(refund.status).toBe(422);

    const before = events.length;
    const capture = await s.call('POST', `/v3/orders/${order.id}/payment_actions/capture`);
    expect(capture).toEqual({ status: 201, body: {} });
    const pending = (await s.call<Order>('GET', `/v2/orders/${order.id}`)).body;
    expect(pending.payment_status).toBe('capture pending');
    expect(pending.date_modified).toBe(order.date_modified);
    expect((await s.call('POST', `/v3/orders/${order.id}/payment_actions/capture`)).status).toBe(422);
    expect(s.eventsSince(before)).toEqual([]);

    await advance(PAYMENT_ACTION_DELAY_MS);
    const captured = (await s.call<Order>('GET', `/v2/orders/${order.id}`)).body;
    expect(captured).toMatchObject({ payment_status: 'captured', status_id: 11 });
    expect(Date.parse(captured.date_modified)).toBeGreaterThan(Date.parse(order.date_modified));
    expect(s.eventsSince(before)).toEqual(['store/order/updated']);
    expect(events.at(-1)![2]).toEqual({ type: 'order', id: order.id });
    const transactions = (await s.call<{ data: Transaction[] }>('GET', `/v3/orders/${order.id}/transactions`)).body.data;
    expect(transactions.map((t) => [t.event, t.amount])).toEqual([['authorization', 21.66], ['capture', 21.66]]);
    expect(transactions[1]!.reference_transaction_id).toBe(transactions[0]!.id);
    // Captured money can be refunded.
    const after = await s.call('POST', `/v3/orders/${order.id}/payment_actions/refunds`, { items: [{ item_type: 'ORDER', item_id: order.id, amount: 1 }], payments: [{ provider_id: 'braintree', amount: 1 }] });
    expect(after.status).toBe(201);
  });

  it('a void is pending, then void, and the order is Cancelled', async () => {
    const s = await store('authorize_only');
    const order = (await s.call<Order>('POST', '/v2/orders', { billing_address: billing, status_id: 7, payment_method: 'PayPal', products: mug })).body;
    expect(order.payment_status).toBe('authorized');
    expect((await s.call('POST', `/v3/orders/${order.id}/payment_actions/void`)).status).toBe(201);
    expect((await s.call<Order>('GET', `/v2/orders/${order.id}`)).body.payment_status).toBe('void pending');
    const before = events.length;
    await advance(PAYMENT_ACTION_DELAY_MS);
    const voided = (await s.call<Order>('GET', `/v2/orders/${order.id}`)).body;
    expect(voided).toMatchObject({ payment_status: 'void', status_id: 5 });
    expect(s.eventsSince(before)).toEqual(['store/order/updated', 'store/order/statusUpdated {"previous_status_id":7,"new_status_id":5}']);
    expect((await s.call('POST', `/v3/orders/${order.id}/payment_actions/capture`)).status).toBe(422);
  });

  it('offline methods take no authorization; a captured order cannot be voided', async () => {
    const s = await store('authorize_only');
    const order = (await s.call<Order>('POST', '/v2/orders', { billing_address: billing, status_id: 11, payment_method: 'Cash on Delivery', products: mug })).body;
    expect(order.payment_status).toBe('captured');
    const refused = await s.call<{ status: number; title: string }>('POST', `/v3/orders/${order.id}/payment_actions/void`);
    expect(refused.status).toBe(422);
    expect(refused.body.title).toBe('The payment of this order cannot be voided.');
  });
});

describe('the capture completes by itself', () => {
  it('without any further call, once its time has come (timeScale 1000: 2 ms)', async () => {
    const fast = await startBigCommerceSandbox({ port: 0, timeScale: 1000, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }] });
    try {
      const seen: string[] = [];
      fast.platform.onEvent.push((_store, scope) => seen.push(scope));
      const s = fast.platform.createStore({});
      await fetch(`${fast.url}/__sandbox/stores/${s.hash}/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ capture: 'authorize_only' }) });
      const token = fast.platform.issueAppToken(fast.platform.mintCode(s, fast.platform.app(), 'store_v2_orders', s.owner_id)).token.token;
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`${fast.url}/stores/${s.hash}${path}`, { method, headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const order = (await (await call('POST', '/v2/orders', { billing_address: billing, status_id: 11, payment_method: 'Credit Card', products: mug })).json()) as Order;
      expect((await call('POST', `/v3/orders/${order.id}/payment_actions/capture`)).status).toBe(201);
      const deadline = Date.now() + 2_000;
      while (!seen.includes('store/order/updated') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toContain('store/order/updated');
      expect(((await (await call('GET', `/v2/orders/${order.id}`)).json()) as Order).payment_status).toBe('captured');
    } finally {
      await fast.close();
    }
  });
});
