// Catalog writes: product details 10 a request, variant prices 50 a request, with the rules the catalog specs state
// (unique names, prices ≥ 0, required ids, batch limits); requests and answers validated against the specs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpecValidator, specsAvailable } from './openapi';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';

interface ProductJson {
  id: number;
  name: string;
  price: number;
  description: string;
  variants?: Array<{ id: number; price: number | null; calculated_price: number; sku: string }>;
}

let sandbox: BigCommerceSandbox;
let token: string;
let hash: string;
const specs = specsAvailable ? new SpecValidator() : null;

beforeAll(async () => {
  sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }] });
  const p = sandbox.platform;
  const store = p.createStore({ plan: 'plus', currency: 'USD' });
  hash = store.hash;
  token = p.issueAppToken(p.mintCode(store, p.app(), 'store_v2_products store_v2_orders', store.owner_id)).token.token;
  await fetch(`${sandbox.url}/__sandbox/stores/${hash}/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ products: 12, customers: 0, orders: 0, seed: 5 }) });
});
afterAll(async () => {
  await sandbox?.close();
});

async function call(method: string, path: string, body?: unknown, auth = token) {
  const res = await fetch(`${sandbox.url}/stores/${hash}${path}`, {
    method,
    headers: { 'x-auth-token': auth, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are inspected field by field
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}
const products = async (): Promise<ProductJson[]> => (await call('GET', '/v3/catalog/products?include=variants&limit=250')).body.data;

describe('PUT /v3/catalog/products', () => {
  it('changes only the fields sent, and the catalog reads them back', async () => {
    const [a, b] = await products();
    const body = [{ id: a!.id, name: 'Renamed mug', price: 19.95 }, { id: b!.id, description: '<p>New text</p>' }];
    if (specs) expect(specs.validateRequest('products_catalog.v3.yml', '/catalog/products', 'put', body)).toEqual([]);
    const res = await call('PUT', '/v3/catalog/products', body);
    expect(res.status).toBe(200);
    if (specs) expect(specs.validateResponse('products_catalog.v3.yml', '/catalog/products', 'put', 200, res.body)).toEqual([]);
    const after = await products();
    expect(after.find((p) => p.id === a!.id)).toMatchObject({ name: 'Renamed mug', price: 19.95, description: a!.description });
    expect(after.find((p) => p.id === b!.id)).toMatchObject({ name: b!.name, price: b!.price, description: '<p>New text</p>' });
  });

  it('refuses a duplicate name (409), more than 10 products (413), bad input (422) and an unknown id (404), changing nothing', async () => {
    const before = await products();
    const [a, b] = before;
    const conflict = await call('PUT', '/v3/catalog/products', [{ id: a!.id, price: 1 }, { id: b!.id, name: a!.name.toUpperCase() }]);
    expect(conflict.status).toBe(409);
    expect(conflict.body.errors.name).toMatch(/duplicate/);
    if (specs) expect(specs.validateResponse('products_catalog.v3.yml', '/catalog/products', 'put', 409, conflict.body)).toEqual([]);
    expect((await call('PUT', '/v3/catalog/products', before.slice(0, 11).map((p) => ({ id: p.id, price: 1 })))).status).toBe(413);
    expect((await call('PUT', '/v3/catalog/products', [{ id: a!.id, price: -1 }])).status).toBe(422);
    expect((await call('PUT', '/v3/catalog/products', [{ name: 'No id' }])).status).toBe(422);
    expect((await call('PUT', '/v3/catalog/products', [{ id: 999_999, price: 1 }])).status).toBe(404);
    expect(await products()).toEqual(before);
  });

  it('needs the products scope with modify access', async () => {
    const account = await fetch(`${sandbox.url}/__sandbox/stores/${hash}/api-accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scopes: ['store_v2_products_read_only'] }),
    });
    const readOnly = ((await account.json()) as { access_token: string }).access_token;
    expect((await call('GET', '/v3/catalog/products', undefined, readOnly)).status).toBe(200);
    expect((await call('PUT', '/v3/catalog/products', [{ id: 1, price: 1 }], readOnly)).status).toBe(403);
  });
});

describe('PUT /v3/catalog/variants', () => {
  it('sets a variant’s own price, and null gives it its product’s again', async () => {
    const product = (await products()).find((p) => (p.variants?.length ?? 0) > 1)!;
    const variant = product.variants!.find((v) => v.price === null)!;
    const set = await call('PUT', '/v3/catalog/variants', [{ id: variant.id, price: 7.5 }]);
    expect(set.status).toBe(200);
    if (specs) expect(specs.validateResponse('product-variants_catalog.v3.yml', '/catalog/variants', 'put', 200, set.body)).toEqual([]);
    const read = async () => (await products()).find((p) => p.id === product.id)!.variants!.find((v) => v.id === variant.id)!;
    expect(await read()).toMatchObject({ price: 7.5, calculated_price: 7.5 });
    await call('PUT', '/v3/catalog/variants', [{ id: variant.id, price: null }]);
    expect(await read()).toMatchObject({ price: null, calculated_price: product.price });
    expect((await call('PUT', '/v3/catalog/variants', Array.from({ length: 51 }, () => ({ id: variant.id, price: 1 })))).status).toBe(413);
    expect((await call('PUT', '/v3/catalog/variants', [{ id: 987_654, price: 1 }])).status).toBe(422);
  });
});
