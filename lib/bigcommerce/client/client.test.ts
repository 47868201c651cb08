import { describe, expect, it } from 'vitest';
import type { BcOrderInput } from '@/lib/bigcommerce/schemas/orders';
import { createBigCommerceClient, formatDateFilter } from './client';
import { BigCommerceContractError } from './failures';
import { RateLimiter } from './rate-limiter';
import { fakeFetch, jsonResponse, VirtualClock, type RecordedRequest } from '@/tests/support/bigcommerce-client-fakes';

function order(id: number, extra: Partial<BcOrderInput> = {}): BcOrderInput {
  return {
    id,
    customer_id: 0,
    date_created: 'Tue, 05 Mar 2024 10:00:00 +0000',
    date_modified: 'Tue, 05 Mar 2024 10:00:00 +0000',
    status_id: 11,
    subtotal_ex_tax: '10.0000',
    subtotal_inc_tax: '11.0000',
    shipping_cost_ex_tax: '0.0000',
    shipping_cost_inc_tax: '0.0000',
    total_ex_tax: '10.0000',
    total_inc_tax: '11.0000',
    total_tax: '1.0000',
    default_currency_code: 'USD',
    billing_address: { first_name: 'Ava', email: 'ava@example.com' },
    ...extra,
  };
}

function v3(data: unknown[], page = 1, totalPages = 1) {
  return { data, meta: { pagination: { total: data.length, count: data.length, per_page: 250, current_page: page, total_pages: totalPages } } };
}

function setup(handler: (req: RecordedRequest) => Response | Promise<Response>) {
  const clock = new VirtualClock();
  const fake = fakeFetch(handler);
  const client = createBigCommerceClient({
    fetch: fake.fetch,
    apiUrl: 'https://api.example.test',
    storeHash: 'store1',
    accessToken: 'tok',
    clock,
    rateLimiter: new RateLimiter(),
  });
  const run = <T>(p: Promise<T>) => clock.run(p);
  const pathOf = (r: RecordedRequest) => r.url.pathname.replace('/stores/store1', '');
  return { client, clock, requests: fake.requests, run, pathOf };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

describe('listOrders', () => {
  it('pages 250 at a time with embedded line items and stops on a short page', async () => {
    const all = Array.from({ length: 612 }, (_, i) => order(i + 1));
    const { client, requests, run } = setup((req) => {
      const page = Number(req.url.searchParams.get('page'));
      const limit = Number(req.url.searchParams.get('limit'));
      return jsonResponse(200, all.slice((page - 1) * limit, page * limit));
    });
    const pages = await run(collect(client.listOrders({ minDateModified: new Date('2024-03-01T12:00:00.250Z') })));
    expect(pages.map((p) => (p.ok ? p.value.length : -1))).toEqual([250, 250, 112]);
    expect(requests).toHaveLength(3);
    const q = requests[0]!.url.searchParams;
    expect(q.get('include')).toBe('consignments.line_items,fees');
    expect(q.get('consignment_structure')).toBe('object');
    expect(q.get('sort')).toBe('date_modified:asc');
    expect(q.get('limit')).toBe('250');
    expect(q.get('min_date_modified')).toBe('2024-03-01T12:00:00+00:00');
  });

  it('stops on a 204 (V2 empty page) after an exactly full page', async () => {
    const all = Array.from({ length: 500 }, (_, i) => order(i + 1));
    const { client, requests, run } = setup((req) => {
      const page = Number(req.url.searchParams.get('page'));
      const slice = all.slice((page - 1) * 250, page * 250);
      return slice.length ? jsonResponse(200, slice) : new Response(null, { status: 204 });
    });
    const pages = await run(collect(client.listOrders()));
    expect(pages).toHaveLength(2);
    expect(requests).toHaveLength(3);
  });

  it('requests the next page while the consumer works on a full one, and stops reading when the consumer stops', async () => {
    const all = Array.from({ length: 1_000 }, (_, i) => order(i + 1));
    const { client, clock, requests, run } = setup((req) => {
      const page = Number(req.url.searchParams.get('page'));
      return jsonResponse(200, all.slice((page - 1) * 250, page * 250));
    });
    const seenWhileConsuming: number[] = [];
    await run(
      (async () => {
        for await (const page of client.listOrders()) {
          expect(page.ok).toBe(true);
          await clock.sleep(5); // the consumer posts the page's orders
          seenWhileConsuming.push(requests.length);
          if (seenWhileConsuming.length === 2) break;
        }
      })(),
    );
    expect(seenWhileConsuming).toEqual([2, 3]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(requests).toHaveLength(3);
  });

  it('lists each status in turn (V2 filters one status per request)', async () => {
    const { client, requests, run } = setup((req) => jsonResponse(200, [order(Number(req.url.searchParams.get('status_id')) * 100)]));
    const pages = await run(collect(client.listOrders({ statusIds: [11, 2, 11], minId: 5 })));
    expect(pages.flatMap((p) => (p.ok ? p.value.map((o) => o.id) : []))).toEqual([1100, 200]);
    expect(requests.map((r) => r.url.searchParams.get('status_id'))).toEqual(['11', '2']);
    expect(requests[0]!.url.searchParams.get('min_id')).toBe('5');
  });

  it('yields the failure and stops', async () => {
    const { client, run } = setup((req) =>
      req.url.searchParams.get('page') === '1' ? jsonResponse(200, Array.from({ length: 250 }, (_, i) => order(i + 1))) : jsonResponse(401, { title: 'No valid credential was found.' }),
    );
    const pages = await run(collect(client.listOrders()));
    expect(pages).toHaveLength(2);
    expect(pages[1]).toMatchObject({ ok: false, error: { kind: 'Unauthorized' } });
  });

  it('throws BigCommerceContractError on an order our schema rejects (a bug, not an expected failure)', async () => {
    const { client, run } = setup(() => jsonResponse(200, [{ id: 'not-a-number' }]));
    await expect(run(collect(client.listOrders()))).rejects.toBeInstanceOf(BigCommerceContractError);
  });
});

describe('orders', () => {
  it('getOrder embeds consignments and fees', async () => {
    const { client, requests, run } = setup(() => jsonResponse(200, order(42)));
    const r = await run(client.getOrder(42));
    expect(r).toMatchObject({ ok: true, value: { id: 42, total_inc_tax: '11.0000' } });
    expect(requests[0]!.url.search).toBe('?include=consignments.line_items,fees&consignment_structure=object');
  });

  it('setOrderStatus sends only {"status_id": N}', async () => {
    const { client, requests, run, pathOf } = setup(() => jsonResponse(200, order(42, { status_id: 10 })));
    const r = await run(client.setOrderStatus(42, 10));
    expect(r).toMatchObject({ ok: true, value: { status_id: 10 } });
    expect(requests[0]!.method).toBe('PUT');
    expect(pathOf(requests[0]!)).toBe('/v2/orders/42');
    expect(requests[0]!.body).toEqual({ status_id: 10 });
  });

  it('orderStatuses uses the custom label when the merchant set one', async () => {
    const { client, run } = setup(() =>
      jsonResponse(200, [
        { id: 10, name: 'Completed', system_label: 'Completed', custom_label: 'Posted to Xero', system_description: '', order: 1 },
        { id: 11, name: 'Awaiting Fulfillment', system_label: 'Awaiting Fulfillment', custom_label: '', system_description: '', order: 2 },
      ]),
    );
    expect(await run(client.orderStatuses())).toEqual({
      ok: true,
      value: [
        { id: 10, name: 'Completed', label: 'Posted to Xero' },
        { id: 11, name: 'Awaiting Fulfillment', label: 'Awaiting Fulfillment' },
      ],
    });
  });
});

describe('V3 lookups', () => {
  const customer = (id: number) => ({ id, email: `c${id}@example.com`, first_name: 'C', last_name: String(id), company: '', phone: '', customer_group_id: 0 });

  it('customersByIds chunks 50 ids per id:in request and follows meta.pagination', async () => {
    const { client, requests, run } = setup((req) => {
      const ids = req.url.searchParams.get('id:in')!.split(',').map(Number);
      return jsonResponse(200, v3(ids.map(customer)));
    });
    const ids = Array.from({ length: 120 }, (_, i) => i + 1);
    const r = await run(client.customersByIds([...ids, 1, 2, 0]));
    expect(r.ok && r.value.map((c) => c.id)).toEqual(ids);
    expect(requests.map((q) => q.url.searchParams.get('id:in')!.split(',').length)).toEqual([50, 50, 20]);
  });

  it('follows V3 pagination to the last page', async () => {
    const { client, requests, run } = setup((req) => {
      const page = Number(req.url.searchParams.get('page'));
      return jsonResponse(200, v3([customer(page)], page, 3));
    });
    const r = await run(client.customersByEmails(['A@x.com', 'a@x.com', 'b@x.com']));
    expect(r.ok && r.value.map((c) => c.id)).toEqual([1, 2, 3]);
    expect(requests.map((q) => q.url.searchParams.get('page'))).toEqual(['1', '2', '3']);
    expect(requests[0]!.url.searchParams.get('email:in')).toBe('A@x.com,b@x.com');
  });

  it('variantsBySkus attaches each product inventory tracking; a SKU with a comma is asked alone', async () => {
    const variants = [
      { id: 1, product_id: 10, sku: 'TENT', inventory_level: 4 },
      { id: 2, product_id: 11, sku: 'MUG-S', inventory_level: 7 },
      { id: 3, product_id: 12, sku: 'ODD,SKU', inventory_level: 1 },
    ];
    const products = [
      { id: 10, inventory_tracking: 'product', base_variant_id: 1 },
      { id: 11, inventory_tracking: 'variant', base_variant_id: 99 },
      { id: 12, inventory_tracking: 'none', base_variant_id: 3 },
    ];
    const { client, requests, run, pathOf } = setup((req) => {
      if (pathOf(req) === '/v3/catalog/variants') {
        const skus = req.url.searchParams.get('sku:in')?.split(',') ?? [req.url.searchParams.get('sku')];
        return jsonResponse(200, v3(variants.filter((v) => skus.includes(v.sku))));
      }
      const ids = req.url.searchParams.get('id:in')!.split(',').map(Number);
      return jsonResponse(200, v3(products.filter((p) => ids.includes(p.id))));
    });
    const r = await run(client.variantsBySkus(['TENT', 'MUG-S', 'ODD,SKU', 'MISSING']));
    expect(r).toEqual({
      ok: true,
      value: [
        { id: 1, productId: 10, sku: 'TENT', inventoryTracking: 'product', inventoryLevel: 4, isBaseVariant: true, price: null },
        { id: 2, productId: 11, sku: 'MUG-S', inventoryTracking: 'variant', inventoryLevel: 7, isBaseVariant: false, price: null },
        { id: 3, productId: 12, sku: 'ODD,SKU', inventoryTracking: 'none', inventoryLevel: 1, isBaseVariant: true, price: null },
      ],
    });
    expect(requests.map((q) => q.url.search)).toEqual([
      '?sku:in=TENT,MUG-S,MISSING&page=1&limit=250',
      '?sku=ODD%2CSKU&page=1&limit=250',
      '?id:in=10,11,12&include_fields=id,inventory_tracking,base_variant_id&page=1&limit=250',
    ]);
  });

  it('refunds keep money as decimal strings', async () => {
    const { client, run } = setup(() =>
      jsonResponse(200, v3([{ id: 5, order_id: 9, created: '2024-03-05T10:00:00+00:00', reason: 'damaged', total_amount: 12.1, total_tax: 1.1, items: [{ item_type: 'PRODUCT', item_id: 3, quantity: 1 }], payments: [{ id: 901, provider_id: 'storecredit', amount: 12.1, offline: true, is_declined: false, declined_message: '' }] }])),
    );
    const r = await run(client.refunds(9));
    expect(r.ok && r.value[0]).toMatchObject({ totalAmount: '12.1', totalTax: '1.1', payments: [{ amount: '12.1', providerId: 'storecredit' }] });
  });
});

describe('adjustInventoryAbsolute', () => {
  const items = (n: number) => Array.from({ length: n }, (_, i) => ({ locationId: 1, sku: `SKU-${i}`, quantity: i % 7 }));

  it('sends batches of at most 2,000 items and reports each batch', async () => {
    let n = 0;
    const { client, requests, run } = setup(() => jsonResponse(200, { transaction_id: `tx-${++n}` }));
    const outcomes = await run(client.adjustInventoryAbsolute({ reason: 'Xero stock sync', items: items(4_500) }));
    expect(requests.map((r) => (r.body as { items: unknown[] }).items.length)).toEqual([2_000, 2_000, 500]);
    expect((requests[0]!.body as { reason: string }).reason).toBe('Xero stock sync');
    expect((requests[1]!.body as { items: unknown[] }).items[0]).toEqual({ location_id: 1, sku: 'SKU-2000', quantity: 2000 % 7 });
    expect(outcomes.map((o) => o.result)).toEqual([
      { ok: true, value: { transactionId: 'tx-1' } },
      { ok: true, value: { transactionId: 'tx-2' } },
      { ok: true, value: { transactionId: 'tx-3' } },
    ]);
  });

  it('a 422 batch does not stop the next one; a 403 stops the rest unsent', async () => {
    const answers = [jsonResponse(422, { title: 'Inventory tracking mismatch', errors: { 'items.3': 'tracked by product' } }), jsonResponse(200, { transaction_id: 't' })];
    const first = setup(() => answers.shift()!);
    const o1 = await first.run(first.client.adjustInventoryAbsolute({ items: items(2_001) }));
    expect(o1.map((o) => [o.attempted, o.result.ok])).toEqual([[true, false], [true, true]]);
    expect(o1[0]!.result).toMatchObject({ error: { kind: 'Validation', fields: { 'items.3': 'tracked by product' } } });
    expect(first.requests[0]!.body).not.toHaveProperty('reason');

    const second = setup(() => jsonResponse(403, { title: "You don't have a required scope" }));
    const o2 = await second.run(second.client.adjustInventoryAbsolute({ items: items(4_001) }));
    expect(second.requests).toHaveLength(1);
    expect(o2.map((o) => o.attempted)).toEqual([true, false, false]);
    expect(o2[2]!.result).toMatchObject({ ok: false, error: { kind: 'Forbidden', missingScope: 'store_inventory' } });
  });

  it('refuses a negative or fractional level (a bug in the caller)', async () => {
    const { client, run } = setup(() => jsonResponse(200, { transaction_id: 't' }));
    await expect(run(client.adjustInventoryAbsolute({ items: [{ locationId: 1, sku: 'A', quantity: -1 }] }))).rejects.toThrow(/whole number/);
  });
});

describe('catalog updates', () => {
  const product = (id: number) => ({ id, name: `P${id}`, sku: `P-${id}`, inventory_tracking: 'none', price: 1 });

  it('sends product details 10 a request and variant prices 50 a request, prices as exact JSON numbers', async () => {
    const { client, requests, run, pathOf } = setup((req) =>
      jsonResponse(200, { data: pathOf(req) === '/v3/catalog/products' ? (req.body as Array<{ id: number }>).map((p) => product(p.id)) : [], meta: {} }),
    );
    const products = Array.from({ length: 23 }, (_, i) => ({ productId: i + 1, price: '12.3400', ...(i === 0 ? { name: 'Renamed', description: '<p>x</p>' } : {}) }));
    const outcomes = await run(client.updateProducts(products));
    expect(requests.map((r) => (r.body as unknown[]).length)).toEqual([10, 10, 3]);
    expect(requests[0]!.method).toBe('PUT');
    expect((requests[0]!.body as unknown[])[0]).toEqual({ id: 1, name: 'Renamed', price: 12.34, description: '<p>x</p>' });
    expect((requests[0]!.body as unknown[])[1]).toEqual({ id: 2, price: 12.34 });
    expect(outcomes.every((o) => o.attempted && o.result.ok)).toBe(true);

    const v = setup(() => jsonResponse(200, { data: [], meta: {} }));
    await v.run(v.client.updateVariants(Array.from({ length: 51 }, (_, i) => ({ variantId: i + 100, price: '0.1000' }))));
    expect(v.requests.map((r) => [v.pathOf(r), (r.body as unknown[]).length])).toEqual([['/v3/catalog/variants', 50], ['/v3/catalog/variants', 1]]);
    expect((v.requests[0]!.body as unknown[])[0]).toEqual({ id: 100, price: 0.1 });
  });

  it('a refused batch (409 duplicate name) does not stop the next one; a 403 stops the rest unsent', async () => {
    const answers = [jsonResponse(409, { title: 'Conflict', errors: { name: 'duplicate' } }), jsonResponse(200, { data: [], meta: {} })];
    const first = setup(() => answers.shift()!);
    const o1 = await first.run(first.client.updateProducts(Array.from({ length: 11 }, (_, i) => ({ productId: i + 1, name: `N${i}` }))));
    expect(o1.map((o) => [o.attempted, o.result.ok])).toEqual([[true, false], [true, true]]);
    expect(o1[0]!.result).toMatchObject({ error: { kind: 'Validation', fields: { name: 'duplicate' } } });

    const second = setup(() => jsonResponse(403, { title: "You don't have a required scope" }));
    const o2 = await second.run(second.client.updateProducts(Array.from({ length: 21 }, (_, i) => ({ productId: i + 1, price: '1' }))));
    expect(second.requests).toHaveLength(1);
    expect(o2.map((o) => o.attempted)).toEqual([true, false, false]);
    expect(o2[1]!.result).toMatchObject({ ok: false, error: { kind: 'Forbidden', missingScope: 'store_v2_products' } });
  });

  it('refuses a price a JSON number cannot carry exactly (a bug in the caller)', async () => {
    const { client, run } = setup(() => jsonResponse(200, { data: [], meta: {} }));
    await expect(run(client.updateVariants([{ variantId: 1, price: '12345678901234.5678' }]))).rejects.toThrow(/exactly/);
  });
});

describe('hooks', () => {
  it('create sends webhook_Base with headers; update sends only the given fields; delete returns the hook', async () => {
    const hook = { id: 7, client_id: 'c', store_hash: 'store1', scope: 'store/order/created', destination: 'https://app.test/wh', is_active: true, headers: { 'x-lb-secret': 's' }, created_at: 1, updated_at: 1 };
    const { client, requests, run } = setup(() => jsonResponse(200, { data: hook, meta: {} }));
    const created = await run(client.createHook({ scope: 'store/order/created', destination: 'https://app.test/wh', headers: { 'x-lb-secret': 's' } }));
    expect(created).toEqual({ ok: true, value: { id: 7, scope: 'store/order/created', destination: 'https://app.test/wh', isActive: true, headers: { 'x-lb-secret': 's' } } });
    await run(client.updateHook(7, { isActive: true }));
    await run(client.deleteHook(7));
    expect(requests.map((r) => [r.method, r.body])).toEqual([
      ['POST', { scope: 'store/order/created', destination: 'https://app.test/wh', is_active: true, headers: { 'x-lb-secret': 's' } }],
      ['PUT', { is_active: true }],
      ['DELETE', undefined],
    ]);
  });
});

describe('formatDateFilter', () => {
  it('rounds the lower bound down and the upper bound up to whole seconds', () => {
    const d = new Date('2024-03-01T12:00:00.250Z');
    expect(formatDateFilter(d, 'min')).toBe('2024-03-01T12:00:00+00:00');
    expect(formatDateFilter(d, 'max')).toBe('2024-03-01T12:00:01+00:00');
  });
});
