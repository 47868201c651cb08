// Conformance of webhook deliveries: every scope the sandbox emits is triggered through the store API, delivered
// over real HTTP to a local receiver, and each body is checked against BigCommerce's callback documents
// (specs/bigcommerce/webhook-callbacks/) and the callback schemas in webhooks.v3.yml; the headers are checked against
// what the webhooks docs promise (the hook's custom headers, a Standard Webhooks signature with the client secret).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpecValidator, SPECS_DIR, specsAvailable } from './openapi';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';

if (!specsAvailable) console.warn(`[webhooks-conformance] skipped: ${SPECS_DIR} is absent (needs /work/shared)`);

/** What the sandbox emits. The test fails if a trigger below makes it emit a scope missing here. */
const SCOPES = [
  'store/order/created',
  'store/order/updated',
  'store/order/statusUpdated',
  'store/order/archived',
  'store/order/refund/created',
  'store/shipment/created',
  'store/product/inventory/updated',
  'store/sku/inventory/updated',
] as const;

/** A delivered body: the fields every scope carries, and the `data` fields of the scopes checked below. */
interface WebhookBody {
  scope: string;
  store_id: string;
  producer: string;
  hash: string;
  created_at: number;
  data: { type: string; id: number; status?: { previous_status_id: number; new_status_id: number }; inventory?: Record<string, unknown> };
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: WebhookBody;
}

const componentName = (scope: string) => scope.replace(/\//g, '_');

describe.skipIf(!specsAvailable)('webhook deliveries conform to specs/bigcommerce', () => {
  const specs = new SpecValidator();
  let sandbox: BigCommerceSandbox;
  let receiver: Server;
  let receiverUrl = '';
  const received: Received[] = [];
  const emitted = new Set<string>();
  let hash = '';
  let storeId = 0;
  let account: { access_token: string; client_secret: string };

  beforeAll(async () => {
    sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }] });
    sandbox.platform.onEvent.push((_store, scope) => emitted.add(scope));
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, raw, body: JSON.parse(raw) as WebhookBody });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    const store = sandbox.platform.createStore({ plan: 'pro' });
    hash = store.hash;
    storeId = store.store_id;
    account = (await admin('/api-accounts', { scopes: ['store_v2_orders', 'store_v2_products', 'store_inventory', 'store_v2_transactions'] })) as typeof account;
    await admin('/seed', { products: 8, customers: 1, orders: 0, seed: 5 });
  });
  afterAll(async () => {
    await sandbox?.close();
    await new Promise<void>((r) => receiver?.close(() => r()));
  });

  async function admin(p: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${sandbox.url}/__sandbox/stores/${hash}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return res.json();
  }

  async function call(method: string, p: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${sandbox.url}/stores/${hash}${p}`, {
      method,
      headers: { 'x-auth-token': account.access_token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${p}`).toBeLessThan(300);
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  }

  it('delivers every emitted scope with a body and headers that match the documents', async () => {
    for (const scope of SCOPES) {
      await call('POST', '/v3/hooks', { scope, destination: `${receiverUrl}/hooks/${componentName(scope)}`, is_active: true, headers: { 'x-ledgerbridge-check': 'conformance' } });
    }

    const billing = { first_name: 'Ada', last_name: 'Lovelace', street_1: '1 Main', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'ada@example.com' };
    const order = (await call('POST', '/v2/orders', { billing_address: billing, status_id: 1, products: [{ name: 'Mug', quantity: 2, price_ex_tax: 12, price_inc_tax: 12.99 }] })) as { id: number };
    await call('PUT', `/v2/orders/${order.id}`, { status_id: 11 });
    const [line] = (await call('GET', `/v2/orders/${order.id}/products`)) as Array<{ id: number; order_address_id: number }>;
    await call('POST', `/v2/orders/${order.id}/shipments`, { order_address_id: line!.order_address_id, tracking_number: 'TRK1', items: [{ order_product_id: line!.id, quantity: 2 }] });
    await call('POST', `/v3/orders/${order.id}/payment_actions/refunds`, {
      items: [{ item_type: 'ORDER', item_id: order.id, amount: 1 }],
      payments: [{ provider_id: 'custom', amount: 1, offline: true }],
    });

    const products = ((await call('GET', '/v3/catalog/products?include=variants&limit=250')) as { data: Array<{ id: number; base_variant_id: number | null; inventory_tracking: string; inventory_level: number; variants: Array<{ id: number; inventory_level: number }> }> }).data;
    const byProduct = products.find((p) => p.inventory_tracking === 'product');
    const byVariant = products.find((p) => p.inventory_tracking === 'variant' && p.variants.length > 1);
    expect(byProduct, 'the seed has a product tracked by product').toBeDefined();
    expect(byVariant, 'the seed has a product tracked by variant').toBeDefined();
    // A product with options keeps its stock on the option variants, not on the base variant.
    const variant = byVariant!.variants.find((v) => v.id !== byVariant!.base_variant_id)!;
    await call('PUT', '/v3/inventory/adjustments/absolute', {
      reason: 'count',
      items: [
        { location_id: 1, product_id: byProduct!.id, quantity: byProduct!.inventory_level + 7 },
        { location_id: 1, variant_id: variant.id, quantity: variant.inventory_level + 3 },
      ],
    });
    await call('DELETE', `/v2/orders/${order.id}`);

    const deadline = Date.now() + 5000;
    while (!SCOPES.every((s) => received.some((r) => r.body.scope === s)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect([...new Set(received.map((r) => r.body.scope as string))].sort()).toEqual([...SCOPES].sort());
    // Every scope the triggers made the sandbox emit is covered above (a new one would need adding to SCOPES).
    expect([...emitted].sort()).toEqual([...SCOPES].sort());

    const undocumented = new Set<string>();
    for (const r of received) {
      const scope = r.body.scope as string;
      const where = `${scope} ${r.raw}`;
      expect(r.path, where).toBe(`/hooks/${componentName(scope)}`);
      if (specs.hasWebhookCallback(scope)) expect(specs.validateWebhookCallback(scope, r.body), where).toEqual([]);
      else undocumented.add(scope);
      expect(specs.validateComponent('webhooks.v3.yml', componentName(scope), r.body), where).toEqual([]);
      expect(r.body.producer, where).toBe(`stores/${hash}`);
      expect(r.body.store_id, where).toBe(String(storeId));

      expect(r.headers['content-type'], where).toBe('application/json');
      expect(r.headers['x-ledgerbridge-check'], where).toBe('conformance');
      // Standard Webhooks: id and timestamp are signed with the body; the id stays the same on redeliveries.
      const id = r.headers['webhook-id'] as string;
      const timestamp = r.headers['webhook-timestamp'] as string;
      expect(id, where).toBe(r.body.hash);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000), where).toBeLessThan(300);
      const expected = createHmac('sha256', account.client_secret).update(`${id}.${timestamp}.${r.raw}`).digest();
      const signatures = String(r.headers['webhook-signature']).split(' ').filter((s) => s.startsWith('v1,'));
      expect(signatures.some((s) => { const given = Buffer.from(s.slice(3), 'base64'); return given.length === expected.length && timingSafeEqual(given, expected); }), where).toBe(true);
    }
    // The one scope without a callback document upstream; its webhooks.v3.yml schema was checked above.
    expect([...undocumented]).toEqual(['store/shipment/created']);

    const status = received.find((r) => r.body.scope === 'store/order/statusUpdated' && r.body.data.status!.new_status_id === 11)!;
    expect(status.body.data).toEqual({ type: 'order', id: order.id, status: { previous_status_id: 1, new_status_id: 11 } });
    const sku = received.find((r) => r.body.scope === 'store/sku/inventory/updated')!;
    expect(sku.body.data.inventory).toEqual({ product_id: byVariant!.id, method: 'absolute', value: variant.inventory_level + 3, variant_id: variant.id });
  });

  it("reads the callback documents as BigCommerce's own examples do, and catches payloads that differ", () => {
    const dir = path.join(SPECS_DIR, 'webhook-callbacks');
    const examples = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(examples.length).toBeGreaterThan(0);
    for (const file of examples) {
      const example = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { scope: string };
      expect(specs.validateWebhookCallback(example.scope, example), file).toEqual([]);
    }
    const good = { scope: 'store/order/created', store_id: '1000500', data: { type: 'order', id: 1 }, hash: 'a'.repeat(40), created_at: 1_700_000_000, producer: 'stores/abc' };
    expect(specs.validateWebhookCallback('store/order/created', good)).toEqual([]);
    expect(specs.validateWebhookCallback('store/order/created', { ...good, store_id: 1000500 })).not.toEqual([]);
    expect(specs.validateWebhookCallback('store/order/created', { ...good, data: { ...good.data, orderId: 1 } })).not.toEqual([]);
    const { hash: _dropped, ...withoutHash } = good;
    expect(specs.validateWebhookCallback('store/order/created', withoutHash)).not.toEqual([]);
    // Read literally (nothing required), the document would let a payload without its hash through.
    expect(specs.validateWebhookCallback('store/order/created', withoutHash, { closed: false })).toEqual([]);
  });
});
