// Refund quotes and refunds as a merchant or accountant would check them: what is paid back, how much of it is tax,
// and what the order has left to refund.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';

let sandbox: BigCommerceSandbox;
beforeAll(async () => {
  sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }] });
});
afterAll(async () => {
  await sandbox?.close();
});

const ALL_SCOPES = 'store_v2_orders store_v2_transactions store_v2_customers store_v2_products';

async function store(opts: { tax_inclusive?: boolean; currency?: string } = {}) {
  const s = sandbox.platform.createStore({ tax_inclusive: opts.tax_inclusive, currency: opts.currency });
  const accounts = new Map<string, string>();
  const tokenFor = async (scopes: string) => {
    let token = accounts.get(scopes);
    if (!token) {
      const res = await fetch(`${sandbox.url}/__sandbox/stores/${s.hash}/api-accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scopes }) });
      token = ((await res.json()) as { access_token: string }).access_token;
      accounts.set(scopes, token);
    }
    return token;
  };
  const call = async <T = unknown>(method: string, path: string, body?: unknown, scopes = ALL_SCOPES) => {
    const res = await fetch(`${sandbox.url}/stores/${s.hash}${path}`, {
      method,
      headers: { 'x-auth-token': await tokenFor(scopes), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const customer = async () => {
    await fetch(`${sandbox.url}/__sandbox/stores/${s.hash}/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ products: 0, customers: 1, orders: 0, seed: 1 }) });
    return 1;
  };
  return { hash: s.hash, call, customer };
}

const billing = { first_name: 'Jane', last_name: 'Doe', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'jane@example.com' };

interface Order {
  id: number;
  status_id: number;
  payment_status: string;
  total_inc_tax: string;
  total_tax: string;
}
interface Line {
  id: number;
  order_address_id: number;
  quantity: number;
  quantity_refunded: number;
  total_tax: string;
}
interface Quote {
  order_id: number;
  total_refund_amount: number;
  total_refund_tax_amount: number;
  order_level_refund_amount: number;
  rounding: number;
  adjustment: number;
  tax_inclusive: boolean;
  refund_methods: Array<Array<{ provider_id: string; amount: number; offline: boolean; offline_provider: boolean }>>;
}
interface Refund {
  id: number;
  total_amount: number;
  total_tax: number;
  uses_merchant_override_values: boolean;
  created: string;
  items: Array<{ item_type: string; item_id: number; quantity?: number; requested_amount?: number }>;
  payments: Array<{ provider_id: string; amount: number; offline: boolean; transaction_id?: string }>;
}
interface RefundError {
  data: Array<{ status: number; title: string; type: string; errors?: Record<string, string> }>;
}

type Store = Awaited<ReturnType<typeof store>>;

/** A paid order of 3 mugs at 10.00 ex tax (8.25 % → 10.83) with 7.00 shipping, paid by card. */
async function paidOrder(s: Store, extra: Record<string, unknown> = {}) {
  const created = await s.call<Order>('POST', '/v2/orders', {
    billing_address: billing,
    status_id: 11,
    payment_method: 'Credit Card',
    products: [{ name: 'Mug', sku: 'MUG', quantity: 3, price_ex_tax: 10, price_inc_tax: 10.83 }],
    base_shipping_cost: '7.00',
    ...extra,
  });
  expect(created.status).toBe(200);
  const line = (await s.call<Line[]>('GET', `/v2/orders/${created.body.id}/products`)).body[0]!;
  return { order: created.body, line };
}

describe('refund quotes', () => {
  it('one unit of a taxed line: its price and its share of the line tax, paid back with tax on a tax-exclusive store', async () => {
    const s = await store();
    const { order, line } = await paidOrder(s);
    expect(line.total_tax).toBe('2.4900');
    const q = await s.call<{ data: Quote; meta: object }>('POST', `/v3/orders/${order.id}/payment_actions/refund_quotes`, { items: [{ item_type: 'PRODUCT', item_id: line.id, quantity: 1 }] });
    expect(q.status).toBe(201);
    expect(q.body.data).toMatchObject({ order_id: order.id, total_refund_amount: 10.83, total_refund_tax_amount: 0.83, order_level_refund_amount: 0, rounding: 0, adjustment: 0, tax_inclusive: false });
    // The card the order was paid with, store credit is not offered to a guest, and "custom" (marked as refunded offline).
    expect(q.body.data.refund_methods).toEqual([
      [{ provider_id: 'braintree', provider_description: 'PayPal powered by Braintree', amount: 10.83, offline: false, offline_provider: false, offline_reason: '' }],
      [{ provider_id: 'custom', provider_description: 'Custom', amount: 10.83, offline: true, offline_provider: true, offline_reason: 'This is an offline payment provider.' }],
    ]);
  });

  it('tax-inclusive prices: the unit is paid back at its inc-tax price, which holds the tax', async () => {
    const s = await store({ tax_inclusive: true, currency: 'GBP' });
    const created = await s.call<Order>('POST', '/v2/orders', { billing_address: billing, status_id: 11, payment_method: 'Credit Card', products: [{ name: 'Tea', quantity: 2, price_ex_tax: 10, price_inc_tax: 12 }] });
    const line = (await s.call<Line[]>('GET', `/v2/orders/${created.body.id}/products`)).body[0]!;
    const q = await s.call<{ data: Quote }>('POST', `/v3/orders/${created.body.id}/payment_actions/refund_quotes`, { items: [{ item_type: 'PRODUCT', item_id: line.id, quantity: 1 }] });
    expect(q.body.data).toMatchObject({ total_refund_amount: 12, total_refund_tax_amount: 2, tax_inclusive: true });
  });

  it('a customer can take store credit; an ORDER amount carries no tax; more than is left is cut back with a negative adjustment', async () => {
    const s = await store();
    const customerId = await s.customer();
    const { order } = await paidOrder(s, { customer_id: customerId });
    const total = Number(order.total_inc_tax); // 3 × 10.83 + 7.58 = 40.07
    expect(total).toBe(40.07);
    const q = await s.call<{ data: Quote }>('POST', `/v3/orders/${order.id}/payment_actions/refund_quotes`, { items: [{ item_type: 'ORDER', item_id: order.id, amount: 5 }] });
    expect(q.body.data).toMatchObject({ total_refund_amount: 5, total_refund_tax_amount: 0, order_level_refund_amount: 5 });
    expect(q.body.data.refund_methods.map((m) => m.map((o) => o.provider_id))).toEqual([['braintree'], ['storecredit'], ['custom']]);
    const over = await s.call<{ data: Quote }>('POST', `/v3/orders/${order.id}/payment_actions/refund_quotes`, { items: [{ item_type: 'ORDER', item_id: order.id, amount: 50 }] });
    expect(over.body.data).toMatchObject({ total_refund_amount: 40.07, adjustment: -9.93 });
  });

  it('answers 422 (ErrorResponse) for an order not paid yet and for an unknown line', async () => {
    const s = await store();
    const pending = await s.call<Order>('POST', '/v2/orders', { billing_address: billing, status_id: 7, products: [{ name: 'Mug', quantity: 1, price_ex_tax: 10, price_inc_tax: 10.83 }] });
    expect(pending.body.payment_status).toBe('pending');
    const q = await s.call<{ status: number; title: string; errors: Record<string, string> }>('POST', `/v3/orders/${pending.body.id}/payment_actions/refund_quotes`, { items: [{ item_type: 'ORDER', item_id: pending.body.id, amount: 1 }] });
    expect(q.status).toBe(422);
    expect(q.body).toMatchObject({ status: 422, title: 'The order has no captured payment to refund.' });
    const { order } = await paidOrder(s);
    const unknown = await s.call<{ errors: Record<string, string> }>('POST', `/v3/orders/${order.id}/payment_actions/refund_quotes`, { items: [{ item_type: 'PRODUCT', item_id: 999_999, quantity: 1 }] });
    expect(unknown.status).toBe(422);
    expect(Object.keys(unknown.body.errors)).toEqual(['items.0.item_id']);
  });
});

describe('refunds', () => {
  it('a one-unit refund of a taxed line records the tax of that unit and the amount paid back', async () => {
    const s = await store();
    const { order, line } = await paidOrder(s);
    const res = await s.call<{ data: Refund }>('POST', `/v3/orders/${order.id}/payment_actions/refunds`, {
      items: [{ item_type: 'PRODUCT', item_id: line.id, quantity: 1, reason: 'Chipped' }],
      payments: [{ provider_id: 'braintree', amount: 10.83, offline: false }],
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ total_amount: 10.83, total_tax: 0.83, uses_merchant_override_values: false });
    expect(res.body.data.items).toEqual([{ item_type: 'PRODUCT', item_id: line.id, quantity: 1, requested_amount: 10, reason: 'Chipped' }]);
    expect(res.body.data.payments[0]).toMatchObject({ provider_id: 'braintree', amount: 10.83, offline: false });
    const after = (await s.call<Order>('GET', `/v2/orders/${order.id}`)).body;
    expect(after).toMatchObject({ status_id: 14, payment_status: 'partially refunded' });
    expect((await s.call<Line[]>('GET', `/v2/orders/${order.id}/products`)).body[0]!.quantity_refunded).toBe(1);
  });

  it('shipping only: the amount is ex tax on a tax-exclusive store and its tax share is added; more than is left is refused', async () => {
    const s = await store();
    const { order, line } = await paidOrder(s);
    const shipping = { item_type: 'SHIPPING', item_id: line.order_address_id };
    // 7.00 shipping carries 0.58 tax (8.25 %): half of it is 3.50 + 0.29.
    const half = await s.call<{ data: Refund }>('POST', `/v3/orders/${order.id}/payment_actions/refunds`, { items: [{ ...shipping, amount: 3.5 }], payments: [{ provider_id: 'braintree', amount: 3.79 }] });
    expect(half.status).toBe(201);
    expect(half.body.data).toMatchObject({ total_amount: 3.79, total_tax: 0.29 });
    // The rest takes the rest of the tax (0.29), whatever the rounding of the first part.
    const rest = await s.call<{ data: Quote }>('POST', `/v3/orders/${order.id}/payment_actions/refund_quotes`, { items: [{ ...shipping, amount: 3.5 }] });
    expect(rest.body.data).toMatchObject({ total_refund_amount: 3.79, total_refund_tax_amount: 0.29 });
    const tooMuch = await s.call<RefundError>('POST', `/v3/orders/${order.id}/payment_actions/refunds`, { items: [{ ...shipping, amount: 3.51 }], payments: [{ provider_id: 'braintree', amount: 3.8 }] });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.data[0]).toMatchObject({ status: 422, title: 'Refund amount is greater than remaining amount' });
    expect(tooMuch.body.data[0]!.errors?.['items.0.amount']).toContain('3.50');
  });

  it('shipping on a tax-inclusive order: the amount includes its tax', async () => {
    const s = await store({ tax_inclusive: true, currency: 'GBP' });
    const created = await s.call<Order>('POST', '/v2/orders', { billing_address: billing, status_id: 11, payment_method: 'Credit Card', products: [{ name: 'Tea', quantity: 1, price_ex_tax: 10, price_inc_tax: 12 }], base_shipping_cost: '6.00' });
    const line = (await s.call<Line[]>('GET', `/v2/orders/${created.body.id}/products`)).body[0]!;
    const res = await s.call<{ data: Refund }>('POST', `/v3/orders/${created.body.id}/payment_actions/refunds`, { items: [{ item_type: 'SHIPPING', item_id: line.order_address_id, amount: 6 }], payments: [{ provider_id: 'braintree', amount: 6 }] });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ total_amount: 6, total_tax: 1 });
  });

  it('two refunds take a line up to its quantity, with tax that adds up to the line tax; a third is refused', async () => {
    const s = await store();
    const { order, line } = await paidOrder(s);
    const refund = (quantity: number, amount: number) =>
      s.call<{ data: Refund } & RefundError>('POST', `/v3/orders/${order.id}/payment_actions/refunds`, {
        items: [{ item_type: 'PRODUCT', item_id: line.id, quantity }],
        payments: [{ provider_id: 'braintree', amount }],
      });
    const first = await refund(2, 21.66);
    expect(first.status).toBe(201);
    const second = await refund(1, 10.83);
    expect(second.status).toBe(201);
    expect(first.body.data.total_tax + second.body.data.total_tax).toBeCloseTo(2.49, 10);
    const third = await refund(1, 10.83);
    expect(third.status).toBe(422);
    expect(third.body.data[0]!.title).toBe('Refund quantity is greater than the quantity left to refund');
    expect(third.body.data[0]!.errors?.['items.0.quantity']).toContain('0 of 3');
    expect((await s.call<Line[]>('GET', `/v2/orders/${order.id}/products`)).body[0]!.quantity_refunded).toBe(3);
  });

  it('payments that do not match the refund are refused, unless merchant_calculated_override gives the amount and tax', async () => {
    const s = await store();
    const { order, line } = await paidOrder(s);
    const item = { item_type: 'PRODUCT', item_id: line.id, quantity: 1 };
    const mismatch = await s.call<RefundError>('POST', `/v3/orders/${order.id}/payment_actions/refunds`, { items: [item], payments: [{ provider_id: 'braintree', amount: 10 }] });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.data[0]).toMatchObject({ status: 422, title: 'The payments do not match the refund amount' });
    expect((await s.call<{ data: Refund[] }>('GET', `/v3/orders/${order.id}/payment_actions/refunds`)).body.data).toEqual([]);
    const override = await s.call<{ data: Refund }>('POST', `/v3/orders/${order.id}/payment_actions/refunds`, {
      items: [item],
      payments: [{ provider_id: 'braintree', amount: 10 }],
      merchant_calculated_override: { total_amount: 10, total_tax: 0.77 },
    });
    expect(override.status).toBe(201);
    expect(override.body.data).toMatchObject({ total_amount: 10, total_tax: 0.77, uses_merchant_override_values: true });
    // The override pays what it says, and the payments still have to add up to it.
    const wrong = await s.call<RefundError>('POST', `/v3/orders/${order.id}/payment_actions/refunds`, {
      items: [item],
      payments: [{ provider_id: 'braintree', amount: 10.83 }],
      merchant_calculated_override: { total_amount: 10, total_tax: 0.77 },
    });
    expect(wrong.status).toBe(422);
  });

  it('refuses store credit for a guest, an unknown provider, and an order whose payment is not captured', async () => {
    const s = await store();
    const { order } = await paidOrder(s);
    const item = { item_type: 'ORDER', item_id: order.id, amount: 1 };
    const credit = await s.call<RefundError>('POST', `/v3/orders/${order.id}/payment_actions/refunds`, { items: [item], payments: [{ provider_id: 'storecredit', amount: 1 }] });
    expect(credit.status).toBe(422);
    expect(credit.body.data[0]!.title).toBe('Unable to provide store credit for a guest customer.');
    const other = await s.call<RefundError>('POST', `/v3/orders/${order.id}/payment_actions/refunds`, { items: [item], payments: [{ provider_id: 'stripe', amount: 1 }] });
    expect(other.status).toBe(422);
    const unpaid = await s.call<Order>('POST', '/v2/orders', { billing_address: billing, status_id: 1, products: [{ name: 'Mug', quantity: 1, price_ex_tax: 10, price_inc_tax: 10.83 }] });
    const refused = await s.call<RefundError>('POST', `/v3/orders/${unpaid.body.id}/payment_actions/refunds`, { items: [{ ...item, item_id: unpaid.body.id }], payments: [{ provider_id: 'custom', amount: 1, offline: true }] });
    expect(refused.status).toBe(422);
    expect(refused.body.data[0]!.title).toBe('The order has no captured payment to refund.');
  });

  it('the whole order paid back makes it Refunded, and the payment history shows each refund', async () => {
    const s = await store();
    const { order, line } = await paidOrder(s);
    const q = (await s.call<{ data: Quote }>('POST', `/v3/orders/${order.id}/payment_actions/refund_quotes`, {
      items: [{ item_type: 'PRODUCT', item_id: line.id, quantity: 3 }, { item_type: 'SHIPPING', item_id: line.order_address_id, amount: 7 }],
    })).body.data;
    expect(q).toMatchObject({ total_refund_amount: 40.07, total_refund_tax_amount: 3.07 });
    const res = await s.call<{ data: Refund }>('POST', `/v3/orders/${order.id}/payment_actions/refunds`, {
      items: [{ item_type: 'PRODUCT', item_id: line.id, quantity: 3 }, { item_type: 'SHIPPING', item_id: line.order_address_id, amount: 7 }],
      payments: [{ provider_id: 'braintree', amount: 40.07 }],
    });
    expect(res.status).toBe(201);
    expect((await s.call<Order>('GET', `/v2/orders/${order.id}`)).body).toMatchObject({ status_id: 4, payment_status: 'refunded' });
    const transactions = (await s.call<{ data: Array<{ id: number; event: string; amount: number; gateway: string }> }>('GET', `/v3/orders/${order.id}/transactions`)).body.data;
    expect(transactions.map((t) => [t.event, t.amount, t.gateway])).toEqual([['purchase', 40.07, 'braintree'], ['refund', 40.07, 'braintree']]);
    expect(res.body.data.payments[0]!.transaction_id).toBe(String(transactions[1]!.id));
    const byTransaction = await s.call<{ data: Refund[] }>('GET', `/v3/orders/payment_actions/refunds?transaction_id=${transactions[1]!.id}`);
    expect(byTransaction.body.data.map((r) => r.id)).toEqual([res.body.data.id]);
    const nothingLeft = await s.call<RefundError>('POST', `/v3/orders/${order.id}/payment_actions/refunds`, { items: [{ item_type: 'ORDER', item_id: order.id, amount: 1 }], payments: [{ provider_id: 'custom', amount: 1 }] });
    expect(nothingLeft.status).toBe(422);
  });
});

describe('GET refunds', () => {
  it('filters by created:min / created:max (RFC 3339), order_id:in and id:in, sorted by id', async () => {
    const s = await store();
    const a = (await paidOrder(s)).order;
    const b = (await paidOrder(s)).order;
    const refund = async (orderId: number) =>
      (await s.call<{ data: Refund }>('POST', `/v3/orders/${orderId}/payment_actions/refunds`, { items: [{ item_type: 'ORDER', item_id: orderId, amount: 1 }], payments: [{ provider_id: 'custom', amount: 1, offline: true }] })).body.data;
    const early = await refund(a.id);
    await fetch(`${sandbox.url}/__sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 86_400_000 }) });
    const late = await refund(b.id);
    const lateAgain = await refund(a.id);
    const since = encodeURIComponent(late.created.replace('Z', '+00:00'));
    const list = async (query: string) => (await s.call<{ data: Refund[] }>('GET', `/v3/orders/payment_actions/refunds?${query}`)).body.data.map((r) => r.id);
    expect(await list(`created:min=${since}`)).toEqual([late.id, lateAgain.id]);
    expect(await list(`created:max=${encodeURIComponent(early.created)}`)).toEqual([early.id]);
    expect(await list(`order_id:in=${a.id}`)).toEqual([early.id, lateAgain.id]);
    expect(await list(`id:in=${lateAgain.id},${early.id}`)).toEqual([early.id, lateAgain.id]);
    expect(await list(`order_id:in=${a.id},${b.id}&limit=2&page=2`)).toEqual([lateAgain.id]);
    // "Must be in url-encoded RFC 3339 format": a raw "+" arrives as a space.
    const raw = await s.call<{ status: number; errors: Record<string, string> }>('GET', `/v3/orders/payment_actions/refunds?created:min=${late.created.replace('Z', '+00:00')}`);
    expect(raw.status).toBe(422);
    expect((await s.call('GET', '/v3/orders/payment_actions/refunds?created:min=yesterday')).status).toBe(422);
  });

  it('checks the scopes each operation lists', async () => {
    const s = await store();
    const { order, line } = await paidOrder(s);
    const quote = { items: [{ item_type: 'PRODUCT', item_id: line.id, quantity: 1 }] };
    // GET refunds: any of store_v2_transactions(_read_only), store_v2_orders(_read_only).
    for (const scope of ['store_v2_orders_read_only', 'store_v2_transactions_read_only', 'store_v2_orders', 'store_v2_transactions']) {
      expect((await s.call('GET', '/v3/orders/payment_actions/refunds', undefined, scope)).status, scope).toBe(200);
      expect((await s.call('GET', `/v3/orders/${order.id}/payment_actions/refunds`, undefined, scope)).status, scope).toBe(200);
    }
    expect((await s.call('GET', '/v3/orders/payment_actions/refunds', undefined, 'store_v2_products')).status).toBe(403);
    // Quotes and refunds: store_v2_orders or store_v2_transactions; read-only scopes do not do.
    expect((await s.call('POST', `/v3/orders/${order.id}/payment_actions/refund_quotes`, quote, 'store_v2_transactions')).status).toBe(201);
    expect((await s.call('POST', `/v3/orders/${order.id}/payment_actions/refund_quotes`, quote, 'store_v2_orders')).status).toBe(201);
    expect((await s.call('POST', `/v3/orders/${order.id}/payment_actions/refund_quotes`, quote, 'store_v2_orders_read_only store_v2_transactions_read_only')).status).toBe(403);
    expect((await s.call('POST', `/v3/orders/${order.id}/payment_actions/refunds`, { ...quote, payments: [{ provider_id: 'braintree', amount: 10.83 }] }, 'store_v2_transactions_read_only')).status).toBe(403);
    // Transactions: store_v2_transactions(_read_only) only.
    expect((await s.call('GET', `/v3/orders/${order.id}/transactions`, undefined, 'store_v2_orders')).status).toBe(403);
    expect((await s.call('GET', `/v3/orders/${order.id}/transactions`, undefined, 'store_v2_transactions_read_only')).status).toBe(200);
  });
});
