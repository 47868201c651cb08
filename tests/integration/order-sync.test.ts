import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerEntries, syncRecords } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';

let world: LifecycleWorld;
const billing = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  street_1: '1 Main St',
  city: 'Austin',
  state: 'Texas',
  zip: '78701',
  country: 'United States',
  country_iso2: 'US',
  email: 'ada@example.com',
};

beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true });
});
afterAll(async () => world?.stop());

async function api(hash: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${world.sandbox.url}/stores/${hash}${path}`, {
    method,
    headers: { 'x-auth-token': token, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const entriesFor = (hash: string, orderId: number) =>
  world.database.db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.storeHash, hash), eq(ledgerEntries.orderId, orderId)));
const recordFor = async (hash: string, orderId: number) =>
  (
    await world.database.db
      .select()
      .from(syncRecords)
      .where(and(eq(syncRecords.storeHash, hash), eq(syncRecords.orderId, orderId)))
  )[0];

describe('automatic sync', () => {
  it('posts an order placed in the store once, writes its status back, and ignores the echo', async () => {
    const { hash, accessToken } = await world.installedStore();
    await createSettingsRepo({ db: world.database.db }).save(
      hash as StoreHash,
      { orders: { statusAfterImport: 9 } },
      { expectedVersion: 0 },
    );
    const created = await api(hash, accessToken, 'POST', '/v2/orders', {
      customer_id: 0,
      status_id: 11,
      billing_address: billing,
      products: [{ name: 'Mug', sku: 'MUG-1', quantity: 2, price_ex_tax: '12.50', price_inc_tax: '12.50' }],
    });
    expect(created.status).toBeLessThan(300);
    const orderId = created.body.id as number;

    const record = await until(() => recordFor(hash, orderId), (r) => r?.state === 'posted' && r.writtenStatusId === 9);
    expect(record?.state).toBe('posted');
    expect(record?.remoteNumber).toBe(`BC-${orderId}`);
    const order = await api(hash, accessToken, 'GET', `/v2/orders/${orderId}`);
    expect(order.body.status_id).toBe(9);

    // The status write comes back as statusUpdated and updated webhooks: wait for their runs.
    await until(
      async () => world.inngest!.runs().filter((r) => (r.event.data as { orderId?: number }).orderId === orderId).length,
      (n) => n >= 2,
    );
    await world.inngest!.waitForIdle(15_000);
    const deliveries = (await world.admin<{ deliveries: Array<{ scope: string }> }>(`/__sandbox/stores/${hash}/webhook-deliveries`)).body.deliveries;
    expect(deliveries.map((d) => d.scope)).toEqual(expect.arrayContaining(['store/order/created', 'store/order/statusUpdated']));
    const entries = await entriesFor(hash, orderId);
    expect(entries.filter((e) => e.kind !== 'payment')).toHaveLength(1);
    const runs = world.inngest!.runs().filter((r) => r.functionId === 'ledgerbridge-order-changed' && (r.event.data as { orderId?: number }).orderId === orderId);
    // created + statusUpdated/updated echoes: every run after the first one ends without posting.
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.filter((r) => (r.output as { result?: string } | undefined)?.result === 'posted')).toHaveLength(1);
    expect(runs.every((r) => r.status === 'Completed')).toBe(true);

    // The activity page's timeline tells the story in order: webhook received, planned, posted, status written.
    const { createSyncRecordRepo } = await import('@/lib/repos/sync-records');
    const timeline = (await createSyncRecordRepo({ db: world.database.db }).timeline(hash as StoreHash, orderId)).map((t) => t.kind);
    expect(timeline[0]).toBe('webhook_received');
    const order2 = ['planned', 'posted', 'status_written'].map((k) => timeline.indexOf(k));
    expect(order2.every((i) => i > 0)).toBe(true);
    expect([...order2].sort((a, b) => a - b)).toEqual(order2);
  });
});
