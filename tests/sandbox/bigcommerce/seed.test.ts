import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toUnits } from './money';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';

let sandbox: BigCommerceSandbox;
beforeAll(async () => {
  sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }] });
});
afterAll(async () => {
  await sandbox?.close();
});

async function store() {
  const p = sandbox.platform;
  const s = p.createStore({ plan: 'standard' });
  const token = p.issueAppToken(p.mintCode(s, p.app(), 'store_v2_orders', s.owner_id)).token.token;
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}/stores/${s.hash}${path}`, {
      method,
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const admin = (path: string, body: unknown) =>
    fetch(`${sandbox.url}/__sandbox/stores/${s.hash}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { call, admin };
}

const billing = { first_name: 'Jane', last_name: 'Doe', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'jane@example.com' };

interface V2Order {
  id: number;
  subtotal_ex_tax: string;
  discount_amount: string;
  coupon_discount: string;
  total_inc_tax: string;
}

describe('no order total is negative (orders.v2.oas2.yml: "The value can\'t be negative")', () => {
  it('the backfill benchmark store (seed 42, 10,000 orders): order 3687 keeps its coupon and a manual discount capped to what is left', async () => {
    const { call, admin } = await store();
    expect((await admin('/seed', { products: 60, customers: 1000, orders: 10_000, seed: 42 })).status).toBe(201);
    await admin('/rate-limit', { quota: 1000 });
    const order = (await call<V2Order>('GET', '/v2/orders/3687')).body;
    // One 4.00 line, SAVE10 takes 0.40 and the drawn manual discount was 5.00: it may take only the 3.60 left.
    expect(order.subtotal_ex_tax).toBe('4.0000');
    expect(order.coupon_discount).toBe('0.4000');
    expect(order.discount_amount).toBe('3.6000');
    expect(order.total_inc_tax).toBe('0.0000');
    // max_total filters on total_inc_tax: nothing in the whole store is below zero.
    expect((await call('GET', '/v2/orders?max_total=-0.0001&limit=250')).status).toBe(204);
    const lines = (await call<Array<{ discounted_total_inc_tax: string }>>('GET', '/v2/orders/3687/products')).body;
    expect(lines.every((l) => toUnits(l.discounted_total_inc_tax) >= 0)).toBe(true);
  }, 60_000);

  it('POST and PUT refuse a discount_amount larger than what the products come to, and a refused PUT changes nothing', async () => {
    const { call } = await store();
    const tooBig = await call<Array<{ status: number; message: string }>>('POST', '/v2/orders', {
      billing_address: billing,
      products: [{ name: 'Mug', quantity: 1, price_ex_tax: 4, price_inc_tax: 4.33 }],
      discount_amount: 5,
    });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body[0]!.message).toContain('discount_amount');
    const created = await call<V2Order & { status_id: number }>('POST', '/v2/orders', {
      billing_address: billing,
      status_id: 11,
      products: [{ name: 'Mug', quantity: 1, price_ex_tax: 4, price_inc_tax: 4.33 }],
      discount_amount: 4,
    });
    expect(created.status).toBe(200);
    expect(created.body.total_inc_tax).toBe('0.0000');
    const put = await call('PUT', `/v2/orders/${created.body.id}`, { status_id: 9, discount_amount: '4.01' });
    expect(put.status).toBe(400);
    const after = (await call<V2Order & { status_id: number }>('GET', `/v2/orders/${created.body.id}`)).body;
    expect(after.status_id).toBe(11);
    expect(after.discount_amount).toBe('4.0000');
  });
});
