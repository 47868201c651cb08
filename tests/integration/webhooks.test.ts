import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookDeliveries, webhookRefusals } from '@/db/schema';
import { WEBHOOK_SCOPES, WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import { createStoreRepo } from '@/lib/repos/stores';
import type { StoreHash } from '@/lib/ids';
import { signedWebhookHeaders } from '@/tests/support/webhook-signature';
import { CLIENT_SECRET, ENCRYPTION_KEY, startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';

let world: LifecycleWorld;
/** A world of its own for the enclosing describe block (one at a time: they share process.env and the database). */
function useWorld(webhookEdge: 'route' | 'server' = 'route') {
  beforeAll(async () => {
    world = await startLifecycleWorld({ webhookEdge });
  });
  afterAll(async () => world?.stop());
}
const billing = {
  first_name: 'Jane',
  last_name: 'Doe',
  street_1: '1 Main St',
  city: 'Austin',
  state: 'Texas',
  zip: '78701',
  country: 'United States',
  country_iso2: 'US',
  email: 'jane@example.com',
};

interface Hook {
  id: number;
  scope: string;
  destination: string;
  is_active: boolean;
  headers: Record<string, string>;
}

async function hooksOf(hash: string, token: string): Promise<Hook[]> {
  const response = await fetch(`${world.sandbox.url}/stores/${hash}/v3/hooks`, { headers: { 'x-auth-token': token } });
  return ((await response.json()) as { data: Hook[] }).data;
}

async function createOrder(hash: string, token: string): Promise<number> {
  const response = await fetch(`${world.sandbox.url}/stores/${hash}/v2/orders`, {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({
      customer_id: 0,
      status_id: 11,
      billing_address: billing,
      products: [{ name: 'Mug', sku: 'MUG-1', quantity: 2, price_ex_tax: '10.00', price_inc_tax: '10.00' }],
    }),
  });
  expect(response.status).toBeLessThan(300);
  return ((await response.json()) as { id: number }).id;
}

async function deliveriesFor(hash: string) {
  return world.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.storeHash, hash));
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const secretOf = (hash: string) =>
  createStoreRepo({ db: world.database.db, encryptionKey: ENCRYPTION_KEY }).webhookSecret(hash as StoreHash);

describe('webhook registration', () => {
  useWorld();
  it('registers one active hook per scope at install, pointing at the receiver with the store secret', async () => {
    const { hash, accessToken } = await world.installedStore();
    const hooks = await hooksOf(hash, accessToken);
    expect(hooks.map((h) => h.scope).sort()).toEqual([...WEBHOOK_SCOPES].sort());
    const secret = await secretOf(hash);
    expect(secret).toBeTruthy();
    for (const hook of hooks) {
      expect(hook.destination).toBe(`${world.app.url}/api/webhooks/bigcommerce`);
      expect(hook.is_active).toBe(true);
      expect(hook.headers[WEBHOOK_SECRET_HEADER]).toBe(secret);
    }
  });

  it('repairs a deactivated hook when the app is loaded', async () => {
    const { hash, accessToken } = await world.installedStore();
    const [first] = await hooksOf(hash, accessToken);
    await fetch(`${world.sandbox.url}/stores/${hash}/v3/hooks/${first!.id}`, {
      method: 'PUT',
      headers: { 'x-auth-token': accessToken, 'content-type': 'application/json' },
      body: JSON.stringify({ is_active: false }),
    });
    expect((await hooksOf(hash, accessToken)).find((h) => h.id === first!.id)?.is_active).toBe(false);
    const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, {});
    expect((await fetch(load.body.url, { redirect: 'manual' })).status).toBe(303);
    const hooks = await hooksOf(hash, accessToken);
    expect(hooks.every((h) => h.is_active)).toBe(true);
    expect(hooks).toHaveLength(WEBHOOK_SCOPES.length);
  });
});

// The Next route (`next dev`, `next start`) and the production server's direct path (`npm start`) must answer alike.
describe.each(['route', 'server'] as const)('webhook receiver (%s edge)', (edge) => {
  useWorld(edge);
  it('records a real delivery from the sandbox once, even when it arrives three times', async () => {
    const { hash, accessToken } = await world.installedStore();
    await world.admin(`/__sandbox/stores/${hash}/faults`, { webhooks: { duplicate: 1 } });
    const orderId = await createOrder(hash, accessToken);
    const sandboxLog = await until(
      async () => (await world.admin<{ deliveries: Array<{ scope: string; status: number }> }>(`/__sandbox/stores/${hash}/webhook-deliveries`)).body.deliveries,
      (d) => d.filter((x) => x.scope === 'store/order/created').length >= 2,
    );
    const created = sandboxLog.filter((d) => d.scope === 'store/order/created');
    expect(created.length).toBe(2); // the sandbox delivered it twice...
    expect(created.every((d) => d.status === 200)).toBe(true);
    const rows = (await deliveriesFor(hash)).filter((r) => r.scope === 'store/order/created');
    expect(rows).toHaveLength(1); // ...and it was recorded once
    expect(rows[0]?.resourceId).toBe(orderId);

    // A third delivery of the same payload (BigCommerce retrying, signed anew) is accepted and still recorded once.
    const again = JSON.stringify(rows[0]!.payload);
    const replay = await fetch(`${world.app.url}/api/webhooks/bigcommerce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [WEBHOOK_SECRET_HEADER]: (await secretOf(hash))!, ...signedWebhookHeaders(again, CLIENT_SECRET) },
      body: again,
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ received: true, duplicate: true });
    expect((await deliveriesFor(hash)).filter((r) => r.scope === 'store/order/created')).toHaveLength(1);
  });

  const payload = (hash: string, overrides: Record<string, unknown> = {}) => ({
    scope: 'store/order/created',
    store_id: '1001',
    data: { type: 'order', id: 77 },
    hash: `h-${Math.random().toString(36).slice(2)}`,
    created_at: Math.floor(Date.now() / 1000),
    producer: `stores/${hash}`,
    ...overrides,
  });
  /** Signed as BigCommerce signs (the app's client secret) unless `signature` says otherwise. */
  const post = (body: string, secret?: string, signature: Record<string, string> = signedWebhookHeaders(body, CLIENT_SECRET)) =>
    fetch(`${world.app.url}/api/webhooks/bigcommerce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signature, ...(secret ? { [WEBHOOK_SECRET_HEADER]: secret } : {}) },
      body,
    });

  it('checks the Standard Webhooks signature made with the client secret: a valid one is accepted; a tampered body, timestamp or signature, a missing one or a replay after 5 minutes gets the 401 of a bad secret', async () => {
    const { hash } = await world.installedStore();
    const secret = (await secretOf(hash))!;
    const body = JSON.stringify(payload(hash, { hash: 'signed-1' }));
    const good = signedWebhookHeaders(body, CLIENT_SECRET, { id: 'msg_signed_1' });
    expect((await post(body, secret, good)).status).toBe(200);

    const refusals: Array<[string, Response]> = [];
    const tamperedBody = JSON.stringify(payload(hash, { hash: 'signed-2', data: { type: 'order', id: 78 } }));
    refusals.push(['tampered body', await post(tamperedBody, secret, signedWebhookHeaders(body, CLIENT_SECRET, { id: 'msg_x' }))]);
    refusals.push(['tampered timestamp', await post(body, secret, { ...good, 'webhook-timestamp': String(Number(good['webhook-timestamp']) + 1) })]);
    const flipped = Buffer.from(good['webhook-signature'].slice(3), 'base64');
    flipped[0] = flipped[0]! ^ 1;
    refusals.push(['tampered signature', await post(body, secret, { ...good, 'webhook-signature': `v1,${flipped.toString('base64')}` })]);
    refusals.push(['another app’s secret', await post(body, secret, signedWebhookHeaders(body, 'some-other-app-secret'))]);
    refusals.push(['unsigned', await post(body, secret, {})]);
    const { 'webhook-signature': _dropped, ...withoutSignature } = good;
    refusals.push(['no webhook-signature', await post(body, secret, withoutSignature)]);
    // A delivery captured and replayed more than 5 minutes later, or dated ahead, is refused however well signed.
    const nowS = Math.floor(Date.now() / 1000);
    refusals.push(['replayed after 6 minutes', await post(body, secret, signedWebhookHeaders(body, CLIENT_SECRET, { timestampS: nowS - 360 }))]);
    refusals.push(['dated 6 minutes ahead', await post(body, secret, signedWebhookHeaders(body, CLIENT_SECRET, { timestampS: nowS + 360 }))]);
    // The signature is in addition to the store's secret, not instead of it.
    refusals.push(['signed, bad secret', await post(body, 'wrong-secret')]);
    for (const [what, response] of refusals) {
      expect(response.status, what).toBe(401);
      expect(((await response.json()) as { error: { kind: string } }).error.kind, what).toBe('Unauthorized');
    }
    expect((await deliveriesFor(hash)).map((d) => d.hash)).toEqual(['signed-1']);
    // Each refusal is counted against the store under its reason (written within 250 ms).
    const counted = await until(
      async () => world.database.db.select().from(webhookRefusals).where(eq(webhookRefusals.storeHash, hash)),
      (rows) => rows.reduce((n, r) => n + r.count, 0) === refusals.length,
    );
    expect(Object.fromEntries(counted.map((r) => [r.reason, r.count]))).toEqual({ bad_signature: 4, unsigned: 2, stale_signature: 2, bad_secret: 1 });
  });

  it('refuses a bad or missing secret with 401 and records nothing', async () => {
    const { hash } = await world.installedStore();
    expect((await post(JSON.stringify(payload(hash)), 'wrong-secret')).status).toBe(401);
    expect((await post(JSON.stringify(payload(hash)))).status).toBe(401);
    // Another store's (valid) secret does not open this store.
    const other = await world.installedStore();
    expect((await post(JSON.stringify(payload(hash)), (await secretOf(other.hash))!)).status).toBe(401);
    expect(await deliveriesFor(hash)).toHaveLength(0);
  });

  it('refuses malformed JSON and malformed payloads with 400, never a 500', async () => {
    const { hash } = await world.installedStore();
    const secret = (await secretOf(hash))!;
    for (const body of ['{not json', '[]', JSON.stringify({ scope: 'store/order/created' }), JSON.stringify(payload(hash, { producer: 'nope' }))]) {
      const response = await post(body, secret);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { kind: string } }).error.kind).toBe('BadRequest');
    }
    const tooLarge = await post('x'.repeat(70_000), secret);
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { kind: string } }).error.kind).toBe('TooLarge');
    // Without a content-length (chunked), the size is found while reading.
    const chunks = [JSON.stringify(payload(hash)).slice(0, -1), `,"pad":"${'x'.repeat(70_000)}"}`];
    const streamed = await fetch(`${world.app.url}/api/webhooks/bigcommerce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [WEBHOOK_SECRET_HEADER]: secret },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await deliveriesFor(hash)).toHaveLength(0);
  });

  it("refuses an uninstalled store's deliveries", async () => {
    const { hash } = await world.installedStore();
    const secret = (await secretOf(hash))!;
    expect((await post(JSON.stringify(payload(hash)), secret)).status).toBe(200);
    await world.admin(`/__sandbox/stores/${hash}/uninstall`, {});
    expect((await post(JSON.stringify(payload(hash)), secret)).status).toBe(401);
    expect(await deliveriesFor(hash)).toHaveLength(1);
  });
});
