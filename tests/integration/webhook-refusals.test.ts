import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookRefusals } from '@/db/schema';
import { WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import type { OverviewView } from '@/lib/admin/overview';
import type { StoreHash } from '@/lib/ids';
import { createStoreRepo } from '@/lib/repos/stores';
import { signedWebhookHeaders } from '@/tests/support/webhook-signature';
import { CLIENT_SECRET, ENCRYPTION_KEY, startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { rawRequest } from './support/raw-http';

/**
 * Refused webhook deliveries leave a trace (issue 15, finding 5): counted per store and reason, never their body, and
 * shown on the overview's webhook health. On both receiver edges.
 */
let world: LifecycleWorld;

const payload = (producer: string, hash: string) =>
  JSON.stringify({ scope: 'store/order/created', store_id: '1', data: { type: 'order', id: 7 }, hash, created_at: 1_700_000_000, producer });

/** Correctly signed (the app's client secret), so what refuses these is the per-store secret or the payload. */
const deliver = (body: string, secret?: string) =>
  fetch(`${world.app.url}/api/webhooks/bigcommerce`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signedWebhookHeaders(body, CLIENT_SECRET),
      ...(secret === undefined ? {} : { [WEBHOOK_SECRET_HEADER]: secret }),
    },
    body,
  });

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(['route', 'server'] as const)('refused webhook deliveries are counted (%s edge)', (edge) => {
  beforeAll(async () => {
    world = await startLifecycleWorld({ webhookEdge: edge });
  });
  afterAll(async () => world?.stop());

  it('per store and reason, without the body, and shown on the store’s overview', async () => {
    const { hash } = await world.installedStore();
    const other = await world.installedStore();
    const secret = (await createStoreRepo({ db: world.database.db, encryptionKey: ENCRYPTION_KEY }).webhookSecret(hash as StoreHash))!;
    const otherSecret = (await createStoreRepo({ db: world.database.db, encryptionKey: ENCRYPTION_KEY }).webhookSecret(other.hash as StoreHash))!;

    // Naming the store: a forged secret twice, no secret, the other store's secret, and a payload of the wrong shape.
    expect((await deliver(payload(`stores/${hash}`, 'forged-1'), 'not-the-secret')).status).toBe(401);
    expect((await deliver(payload(`stores/${hash}`, 'forged-2'), 'not-the-secret')).status).toBe(401);
    expect((await deliver(payload(`stores/${hash}`, 'no-secret'))).status).toBe(401);
    expect((await deliver(payload(`stores/${hash}`, 'cross-store'), otherSecret)).status).toBe(401);
    expect((await deliver(JSON.stringify({ producer: `stores/${hash}`, scope: 'nope', secretCard: '4111 1111 1111 1111' }), secret)).status).toBe(400);
    // Naming no store that can be told: not JSON, an invented store, too large (declared and chunked).
    expect((await deliver('{"producer": "stores/' + hash, secret)).status).toBe(400);
    expect((await deliver(payload('stores/invented1', 'invented'), 'x')).status).toBe(401);
    expect((await deliver('x'.repeat(65 * 1024), secret)).status).toBe(413);
    const chunked = await rawRequest({ url: world.app.url, path: '/api/webhooks/bigcommerce', headers: { [WEBHOOK_SECRET_HEADER]: secret }, flood: { total: 1024 * 1024, chunk: 16 * 1024 } });
    expect(chunked.status).toBe(413);
    // An accepted delivery is not a refusal.
    expect((await deliver(payload(`stores/${hash}`, 'genuine'), secret)).status).toBe(200);

    const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, {});
    const location = (await fetch(load.body.url, { redirect: 'manual' })).headers.get('location') ?? '';
    const session = decodeURIComponent(/#session=([^&]+)/.exec(location)?.[1] ?? '');
    const overview = await until(
      async () => (await (await fetch(`${world.app.url}/api/admin/overview`, { headers: { authorization: `Bearer ${session}` } })).json()) as OverviewView,
      (o) => o.webhookRefusals?.reduce((n, r) => n + r.count, 0) === 5,
    );
    expect(overview.webhookRefusals.map(({ reason, count }) => ({ reason, count }))).toEqual([
      { reason: 'bad_secret', count: 4 },
      { reason: 'malformed', count: 1 },
    ]);
    expect(overview.webhookRefusals[0]!.label).toMatch(/Wrong or missing webhook secret/);

    const rows = await until(
      () => world.database.db.select().from(webhookRefusals),
      (r) => r.filter((x) => x.storeHash === '').reduce((n, x) => n + x.count, 0) === 4,
    );
    const counts = Object.fromEntries(rows.map((r) => [`${r.storeHash || '(unknown)'}:${r.reason}`, r.count]));
    expect(counts).toEqual({ [`${hash}:bad_secret`]: 4, [`${hash}:malformed`]: 1, '(unknown):malformed': 1, '(unknown):bad_secret': 1, '(unknown):too_large': 2 });
    // The other store saw nothing refused in its name, and no body was kept anywhere in the table.
    expect(JSON.stringify(rows)).not.toContain('4111');
    expect(rows.some((r) => r.storeHash === other.hash)).toBe(false);
  });
});
