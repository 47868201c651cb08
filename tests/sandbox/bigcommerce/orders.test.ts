import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toUnits } from './money';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';

let sandbox: BigCommerceSandbox;

/** The fields of a V2 order these tests read (money as 4-decimal strings). */
interface V2Order {
  id: number;
  status_id: number;
  status: string;
  customer_id: number;
  currency_code: string;
  is_tax_inclusive_pricing: boolean;
  date_modified: string;
  items_shipped: number;
  subtotal_ex_tax: string;
  subtotal_inc_tax: string;
  subtotal_tax: string;
  total_ex_tax: string;
  total_inc_tax: string;
  total_tax: string;
  discount_amount: string;
  coupon_discount: string;
  shipping_cost_ex_tax: string;
  shipping_cost_inc_tax: string;
  handling_cost_ex_tax: string;
  wrapping_cost_ex_tax: string;
  billing_address: { email: string };
  /** Embedded with include=consignments.line_items&consignment_structure=object. */
  consignments: { shipping: Array<{ line_items: unknown[] }> };
  /** Embedded with include=fees; a resource link otherwise. */
  fees: V2OrderFee[] | { url: string; resource: string };
}

interface V2OrderFee {
  cost_ex_tax?: string;
  cost_exc_tax?: string;
}

interface AppliedDiscount {
  id: string;
  amount: string;
  target: string;
}

/** A line of GET /v2/orders/{id}/products. */
interface V2OrderLine {
  id: number;
  quantity: number;
  base_price: string;
  price_inc_tax: string;
  price_tax: string;
  total_inc_tax: string;
  discounted_total_inc_tax: string;
  applied_discounts: AppliedDiscount[];
}

/** A V3 catalog product with its variants. */
interface CatalogProduct {
  id: number;
  sku: string;
  inventory_tracking: string;
  variants: Array<{ id: number; sku: string; calculated_price: number }>;
}

beforeAll(async () => {
  sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }] });
});
afterAll(async () => {
  await sandbox?.close();
});

async function storeWithToken(opts: { tax_inclusive?: boolean; currency?: string; scopes?: string } = {}) {
  const p = sandbox.platform;
  const store = p.createStore({ tax_inclusive: opts.tax_inclusive, currency: opts.currency });
  const res = await fetch(`${sandbox.url}/__sandbox/stores/${store.hash}/api-accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scopes: opts.scopes ?? 'store_v2_orders store_v2_products store_v2_customers store_inventory store_v2_transactions store_v2_information' }),
  });
  const account = (await res.json()) as { access_token: string; credentials_text: string; api_path: string };
  const call = async <T = unknown>(method: string, path: string, body?: unknown) => {
    const r = await fetch(`${sandbox.url}/stores/${store.hash}${path}`, {
      method,
      headers: { 'x-auth-token': account.access_token, 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, headers: r.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return { store, account, call };
}

const billing = { first_name: 'Jane', last_name: 'Doe', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'jane@example.com' };

/** Sum of 4-decimal strings in units. */
const u = (s: string) => toUnits(s);

describe('POST /v2/orders computes every total consistently', () => {
  it('tax-exclusive store: a 3-line order with a manual discount ties to the cent', async () => {
    const { call } = await storeWithToken();
    const res = await call<V2Order>('POST', '/v2/orders', {
      customer_id: 0,
      status_id: 11,
      billing_address: billing,
      products: [
        { name: 'Mug', sku: 'MUG-1', quantity: 2, price_ex_tax: 10, price_inc_tax: 10.83 },
        { name: 'Poster', sku: 'POS-1', quantity: 1, price_ex_tax: '19.99', price_inc_tax: '21.64' },
        { name: 'Sticker', sku: 'STK-1', quantity: 3, price_ex_tax: 1.5, price_inc_tax: 1.62 },
      ],
      base_shipping_cost: '7.00',
      discount_amount: '5.00',
    });
    expect(res.status).toBe(200);
    const o = res.body;
    expect(o.is_tax_inclusive_pricing).toBe(false);
    expect(o.subtotal_ex_tax).toBe('44.4900');
    expect(o.subtotal_inc_tax).toBe('48.1600');
    expect(o.discount_amount).toBe('5.0000');
    expect(o.shipping_cost_ex_tax).toBe('7.0000');
    expect(o.shipping_cost_inc_tax).toBe('7.5800'); // 8.25% of 7.00 = 0.5775 → 0.58
    // total_inc = total_ex + total_tax, and the money strings have 4 decimals.
    for (const k of ['total_ex_tax', 'total_inc_tax', 'total_tax', 'subtotal_tax'] as const) expect(o[k]).toMatch(/^-?\d+\.\d{4}$/);
    expect(u(o.total_inc_tax)).toBe(u(o.total_ex_tax) + u(o.total_tax));
    expect(u(o.total_ex_tax)).toBe(u(o.subtotal_ex_tax) - u('5') + u(o.shipping_cost_ex_tax));

    const lines = (await call('GET', `/v2/orders/${o.id}/products`)).body as V2OrderLine[];
    expect(lines).toHaveLength(3);
    // The discount is spread by price share and its parts sum exactly.
    const discountParts = lines.flatMap((l) => l.applied_discounts).reduce((s: number, d: AppliedDiscount) => s + u(d.amount), 0);
    expect(discountParts).toBe(u('5'));
    expect(lines.every((l) => l.applied_discounts.every((d: AppliedDiscount) => d.target === 'order' && d.id === 'manual-discount'))).toBe(true);
    const discountedInc = lines.reduce((s, l) => s + u(l.discounted_total_inc_tax), 0);
    expect(discountedInc + u(o.shipping_cost_inc_tax)).toBe(u(o.total_inc_tax));
    for (const l of lines) expect(u(l.total_inc_tax)).toBe(u(l.price_inc_tax) * l.quantity);

    const taxes = (await call('GET', `/v2/orders/${o.id}/taxes`)).body as Array<{ line_amount: string }>;
    expect(taxes.reduce((s, t) => s + u(t.line_amount), 0)).toBe(u(o.total_tax));
  });

  it('tax-inclusive store: catalog prices are inc-tax and tax is extracted', async () => {
    const { store, call } = await storeWithToken({ tax_inclusive: true, currency: 'GBP' });
    await fetch(`${sandbox.url}/__sandbox/stores/${store.hash}/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ products: 3, customers: 1, orders: 0, seed: 7 }),
    });
    const products = (await call<{ data: CatalogProduct[] }>('GET', '/v3/catalog/products?include=variants')).body.data;
    const product = products[0]!;
    const res = await call<V2Order>('POST', '/v2/orders', {
      customer_id: 0,
      billing_address: billing,
      products: [{ product_id: product.id, variant_id: product.variants.at(-1)!.id, quantity: 2 }],
    });
    expect(res.status).toBe(200);
    const o = res.body;
    expect(o.is_tax_inclusive_pricing).toBe(true);
    expect(o.currency_code).toBe('GBP');
    const line = (await call<V2OrderLine[]>('GET', `/v2/orders/${o.id}/products`)).body[0]!;
    expect(u(line.price_inc_tax)).toBe(u(String(product.variants.at(-1)!.calculated_price)));
    // VAT 20% inclusive: tax = inc × 20/120, rounded to the penny.
    const inc = u(line.price_inc_tax);
    expect(u(line.price_tax)).toBe(Math.round((inc * 2000) / 12000 / 100) * 100);
    expect(u(o.total_inc_tax)).toBe(u(o.total_ex_tax) + u(o.total_tax));
    expect(line.base_price).toBe(line.price_inc_tax);
  });

  it('rejects a custom product without both prices with a V2 error array', async () => {
    const { call } = await storeWithToken();
    const res = await call<Array<{ status: number }>>('POST', '/v2/orders', { billing_address: billing, products: [{ name: 'X', quantity: 1, price_ex_tax: 1 }] });
    expect(res.status).toBe(400);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body[0]!.status).toBe(400);
  });
});

describe('GET /v2/orders', () => {
  it('filters, sorts, pages (limit ≤ 250) and embeds consignments with line items and fees', async () => {
    const { store, call } = await storeWithToken();
    const seeded = await (
      await fetch(`${sandbox.url}/__sandbox/stores/${store.hash}/seed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ products: 10, customers: 5, orders: 300, seed: 3 }),
      })
    ).json() as { orders: number };
    expect(seeded.orders).toBe(300);
    const page1 = await call<V2Order[]>('GET', '/v2/orders?limit=500&sort=date_modified:asc&include=consignments.line_items,fees&consignment_structure=object');
    expect(page1.body).toHaveLength(250);
    const dates = page1.body.map((o) => Date.parse(o.date_modified));
    expect([...dates].sort((a, b) => a - b)).toEqual(dates);
    const first = page1.body[0]!;
    expect(first.consignments.shipping[0]!.line_items[0]).toHaveProperty('applied_discounts');
    expect(Array.isArray(first.fees)).toBe(true);
    const page2 = await call<V2Order[]>('GET', '/v2/orders?limit=250&page=2');
    expect(page2.body).toHaveLength(50);
    const page3 = await call('GET', '/v2/orders?limit=250&page=3');
    expect(page3.status).toBe(204);

    const count = await call<{ count: number; statuses: Array<{ id: number; count: number }> }>('GET', '/v2/orders/count');
    expect(count.body.count).toBe(300);
    const shipped = count.body.statuses.find((s) => s.id === 2)!.count;
    const byStatus = await call<V2Order[]>('GET', '/v2/orders?status_id=2&limit=250');
    expect(byStatus.status === 204 ? 0 : byStatus.body.length).toBe(shipped);

    const since = dates[100]!;
    const modified = await call<V2Order[]>('GET', `/v2/orders?limit=250&min_date_modified=${encodeURIComponent(new Date(since).toUTCString())}`);
    expect(modified.body.every((o) => Date.parse(o.date_modified) >= since)).toBe(true);
    const guests = await call<V2Order[]>('GET', '/v2/orders?limit=250&customer_id=0');
    expect(guests.body.length).toBeGreaterThan(0);
    expect(guests.body.every((o) => o.customer_id === 0)).toBe(true);
    // The seed spans tax modes and currencies.
    const all = [...page1.body, ...page2.body];
    expect(new Set(all.map((o) => o.is_tax_inclusive_pricing)).size).toBe(2);
    expect(new Set(all.map((o) => o.currency_code)).size).toBeGreaterThan(1);
    expect(all.some((o) => o.coupon_discount !== '0.0000')).toBe(true);
    for (const o of all) expect(u(o.total_inc_tax)).toBe(u(o.total_ex_tax) + u(o.total_tax));
    // discount_amount and coupon_discount are separate and add up (as in the spec's example order).
    for (const o of all.filter((x) => x.coupon_discount !== '0.0000')) {
      const charges = u(o.shipping_cost_ex_tax) + u(o.handling_cost_ex_tax) + u(o.wrapping_cost_ex_tax);
      const fees = (Array.isArray(o.fees) ? o.fees : []).reduce((s: number, f: V2OrderFee) => s + u(f.cost_ex_tax ?? f.cost_exc_tax ?? '0'), 0);
      if (!o.is_tax_inclusive_pricing) {
        expect(u(o.total_ex_tax)).toBe(u(o.subtotal_ex_tax) + charges + fees - u(o.discount_amount) - u(o.coupon_discount));
      }
    }
  });

  it('the seed is deterministic', async () => {
    const a = await storeWithToken();
    const b = await storeWithToken();
    for (const s of [a, b]) {
      await fetch(`${sandbox.url}/__sandbox/stores/${s.store.hash}/seed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ products: 5, customers: 3, orders: 20, seed: 42 }),
      });
    }
    const strip = (o: V2Order) => ({ total: o.total_inc_tax, status: o.status_id, currency: o.currency_code, email: o.billing_address.email });
    const la = (await a.call<V2Order[]>('GET', '/v2/orders?limit=250')).body.map(strip);
    const lb = (await b.call<V2Order[]>('GET', '/v2/orders?limit=250')).body.map(strip);
    expect(la).toEqual(lb);
  });
});

describe('order changes', () => {
  it('PUT status_id changes date_modified and the status; a shipment moves it to Shipped', async () => {
    const { call } = await storeWithToken();
    const created = (await call<V2Order>('POST', '/v2/orders', { billing_address: billing, status_id: 11, products: [{ name: 'Mug', quantity: 2, price_ex_tax: 10, price_inc_tax: 10.83 }] })).body;
    await new Promise((r) => setTimeout(r, 1100));
    const put = await call<V2Order>('PUT', `/v2/orders/${created.id}`, { status_id: 9 });
    expect(put.body.status_id).toBe(9);
    expect(put.body.status).toBe('Awaiting Shipment');
    expect(Date.parse(put.body.date_modified)).toBeGreaterThan(Date.parse(created.date_modified));
    const line = (await call<V2OrderLine[]>('GET', `/v2/orders/${created.id}/products`)).body[0]!;
    const addr = (await call<Array<{ id: number }>>('GET', `/v2/orders/${created.id}/shipping_addresses`)).body[0]!;
    const partial = await call('POST', `/v2/orders/${created.id}/shipments`, { order_address_id: addr.id, tracking_number: 'T1', items: [{ order_product_id: line.id, quantity: 1 }] });
    expect(partial.status).toBe(201);
    expect((await call<V2Order>('GET', `/v2/orders/${created.id}`)).body.status_id).toBe(3);
    await call('POST', `/v2/orders/${created.id}/shipments`, { order_address_id: addr.id, items: [{ order_product_id: line.id, quantity: 1 }] });
    const after = (await call<V2Order>('GET', `/v2/orders/${created.id}`)).body;
    expect(after.status_id).toBe(2);
    expect(after.items_shipped).toBe(2);
    const tooMany = await call('POST', `/v2/orders/${created.id}/shipments`, { order_address_id: addr.id, items: [{ order_product_id: line.id, quantity: 1 }] });
    expect(tooMany.status).toBe(400);
  });

  it('custom status labels show in order_statuses', async () => {
    const { store, call } = await storeWithToken();
    await fetch(`${sandbox.url}/__sandbox/stores/${store.hash}/order-statuses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 10, custom_label: 'Posted to books' }),
    });
    const statuses = (await call('GET', '/v2/order_statuses')).body as Array<{ id: number; custom_label: string }>;
    expect(statuses.find((s) => s.id === 10)!.custom_label).toBe('Posted to books');
    expect(statuses.find((s) => s.id === 11)!.custom_label).toBe('Awaiting Fulfillment');
  });

  it('a refund moves the order to Partially Refunded / Refunded', async () => {
    const { call } = await storeWithToken();
    const o = (await call<V2Order>('POST', '/v2/orders', { billing_address: billing, status_id: 10, products: [{ name: 'Mug', quantity: 1, price_ex_tax: 10, price_inc_tax: 10 }] })).body;
    const half = await call('POST', `/v3/orders/${o.id}/payment_actions/refunds`, { items: [{ item_type: 'ORDER', item_id: o.id, amount: 4 }], payments: [{ provider_id: 'custom', amount: 4, offline: true }] });
    expect(half.status).toBe(201);
    expect((await call<V2Order>('GET', `/v2/orders/${o.id}`)).body.status_id).toBe(14);
    const over = await call('POST', `/v3/orders/${o.id}/payment_actions/refunds`, { items: [{ item_type: 'ORDER', item_id: o.id, amount: 7 }], payments: [{ provider_id: 'custom', amount: 7 }] });
    expect(over.status).toBe(422);
    await call('POST', `/v3/orders/${o.id}/payment_actions/refunds`, { items: [{ item_type: 'ORDER', item_id: o.id, amount: 6 }], payments: [{ provider_id: 'custom', amount: 6 }] });
    expect((await call<V2Order>('GET', `/v2/orders/${o.id}`)).body.status_id).toBe(4);
    const refunds = (await call<{ data: unknown[] }>('GET', `/v3/orders/payment_actions/refunds?order_id:in=${o.id}`)).body.data;
    expect(refunds).toHaveLength(2);
  });
});

describe('API accounts and scopes', () => {
  it('returns a credentials file in BigCommerce’s format and enforces the scopes', async () => {
    const { account, call } = await storeWithToken({ scopes: 'store_v2_orders_read_only' });
    expect(account.credentials_text.split('\n').map((l) => l.split(':')[0])).toEqual([
      'ACCESS TOKEN', 'CLIENT NAME', 'CLIENT ID', 'CLIENT SECRET', 'NAME', 'API PATH', '',
    ]);
    expect(account.credentials_text).toContain(`ACCESS TOKEN: ${account.access_token}`);
    expect((await call('GET', '/v2/orders')).status).toBe(204);
    const write = await call('PUT', '/v2/orders/100', { status_id: 1 });
    expect(write.status).toBe(403);
    expect((await call('GET', '/v3/catalog/products')).status).toBe(403);
  });
});

describe('inventory', () => {
  it('absolute adjustments: tracked items change, wrong tracking mode is 422, >2000 items refused', async () => {
    const { store, call } = await storeWithToken();
    await fetch(`${sandbox.url}/__sandbox/stores/${store.hash}/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ products: 10, customers: 0, orders: 0, seed: 5 }),
    });
    const products = (await call<{ data: CatalogProduct[] }>('GET', '/v3/catalog/products?include=variants&limit=250')).body.data;
    const simple = products.find((p) => p.inventory_tracking === 'product')!;
    const untracked = products.find((p) => p.inventory_tracking === 'none')!;
    const withVariants = products.find((p) => p.inventory_tracking === 'variant')!;
    const ok = await call<{ transaction_id: string }>('PUT', '/v3/inventory/adjustments/absolute', {
      reason: 'sync',
      items: [
        { location_id: 1, sku: simple.sku, quantity: 17 },
        { location_id: 1, variant_id: withVariants.variants[1]!.id, quantity: 4 },
      ],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.transaction_id).toBeTruthy();
    const items = (await call<{ data: Array<{ locations: Array<{ total_inventory_onhand: number }> }> }>('GET', `/v3/inventory/items?sku:in=${simple.sku},${withVariants.variants[1]!.sku}`)).body.data;
    expect(items.map((i) => i.locations[0]!.total_inventory_onhand).sort()).toEqual([17, 4].sort());
    const wrong = await call('PUT', '/v3/inventory/adjustments/absolute', { items: [{ location_id: 1, sku: untracked.sku, quantity: 1 }] });
    expect(wrong.status).toBe(422);
    const wrongLevel = await call('PUT', '/v3/inventory/adjustments/absolute', { items: [{ location_id: 1, product_id: withVariants.id, quantity: 1 }] });
    expect(wrongLevel.status).toBe(422);
    const many = Array.from({ length: 2001 }, () => ({ location_id: 1, sku: simple.sku, quantity: 1 }));
    expect((await call('PUT', '/v3/inventory/adjustments/absolute', { items: many })).status).toBe(413);
    const variants = (await call<{ data: Array<{ inventory_level: number }> }>('GET', `/v3/catalog/variants?sku:in=${withVariants.variants[1]!.sku}`)).body.data;
    expect(variants[0]!.inventory_level).toBe(4);
  });
});
