// Checking a token's scopes (lib/bigcommerce/client/scopes.ts) against the BigCommerce sandbox over real HTTP: every
// probe is let through for a token holding its scope and answered 403 for one without it (the sandbox's gateway checks
// each route's scope per token, as BigCommerce's does), a modify probe is refused to the read-only scope, an unknown
// token is a failure, and no probe changes the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBigCommerceClient, SCOPE_PROBES } from '@/lib/bigcommerce/client';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '@/tests/sandbox/bigcommerce/server';

let sandbox: BigCommerceSandbox;
let hash: string;

beforeAll(async () => {
  sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'scope-tests', clientSecret: 'secret', appUrl: 'http://127.0.0.1:1' }] });
  hash = (await admin<{ hash: string }>('/stores', { name: 'Scope store', currency: 'USD' })).hash;
  await admin(`/stores/${hash}/seed`, { products: 3, customers: 2, orders: 5, seed: 1 });
});

afterAll(async () => {
  await sandbox?.close();
});

async function admin<T>(path: string, body: unknown): Promise<T> {
  const r = await fetch(`${sandbox.url}/__sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function clientWith(scopes: string[]) {
  const account = await admin<{ access_token: string }>(`/stores/${hash}/api-accounts`, { scopes });
  return createBigCommerceClient({ fetch, apiUrl: sandbox.url, storeHash: hash, accessToken: account.access_token, retry: { maxRetries: 0 } });
}

const SCOPES = Object.keys(SCOPE_PROBES);

describe('checking a token’s scopes', () => {
  it.each(SCOPES)('%s: granted when the token has it, missing when it has only another', async (scope) => {
    expect(await (await clientWith([scope])).checkScopes([scope])).toEqual({ ok: true, value: { missing: [], unchecked: [] } });
    const other = scope === 'store_v2_information_read_only' ? 'store_v2_content' : 'store_v2_information_read_only';
    expect(await (await clientWith([other])).checkScopes([scope])).toEqual({ ok: true, value: { missing: [scope], unchecked: [] } });
  });

  it('a modify scope is missing for a token with its read-only twin; the read-only scope is granted by the modify one', async () => {
    const readOnly = await clientWith(['store_v2_orders_read_only', 'store_v2_products_read_only', 'store_inventory_read_only']);
    expect(await readOnly.checkScopes(['store_v2_orders', 'store_v2_products', 'store_inventory'])).toEqual({
      ok: true,
      value: { missing: ['store_v2_orders', 'store_v2_products', 'store_inventory'], unchecked: [] },
    });
    const modify = await clientWith(['store_v2_orders', 'store_v2_products', 'store_inventory']);
    expect(await modify.checkScopes(['store_v2_orders_read_only', 'store_v2_products_read_only', 'store_inventory_read_only'])).toMatchObject({ ok: true, value: { missing: [] } });
  });

  it('an Information-only token lacks every other scope the app needs; a scope without a probe is reported unchecked', async () => {
    const info = await clientWith(['store_v2_information_read_only']);
    const required = ['store_v2_orders', 'store_v2_information_read_only', 'store_v2_products', 'store_v2_customers_read_only', 'store_inventory', 'store_v2_transactions_read_only'];
    expect(await info.checkScopes([...required, 'store_v2_marketing'])).toEqual({
      ok: true,
      value: { missing: required.filter((s) => s !== 'store_v2_information_read_only'), unchecked: ['store_v2_marketing'] },
    });
  });

  it('an unknown token is Unauthorized, not a list of missing scopes', async () => {
    const client = createBigCommerceClient({ fetch, apiUrl: sandbox.url, storeHash: hash, accessToken: 'no-such-token-0000000000', retry: { maxRetries: 0 } });
    expect(await client.checkScopes(SCOPES)).toMatchObject({ ok: false, error: { kind: 'Unauthorized' } });
  });

  it('the probes change nothing in the store', async () => {
    const all = await clientWith(SCOPES);
    const snapshot = () => JSON.stringify(sandbox.platform.state.stores[hash]);
    const before = snapshot();
    expect(await all.checkScopes(SCOPES)).toMatchObject({ ok: true, value: { missing: [] } });
    expect(snapshot()).toBe(before);
  });
});
