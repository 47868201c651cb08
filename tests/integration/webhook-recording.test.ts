import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedDelivery } from '@/lib/bigcommerce/webhooks';
import type { StoreHash } from '@/lib/ids';
import { createStoreRepo } from '@/lib/repos/stores';
import { createWebhookRepo } from '@/lib/repos/webhooks';
import { freshDatabase, type TestDatabase } from './support/db';

/**
 * The receiver's write: deliveries arriving together are written by one statement (group commit), and each caller
 * still learns what happened to its own delivery: recorded, a redelivery, or refused because the store's secret is
 * no longer the one it was checked against.
 */
let database: TestDatabase;
const KEY = 'ab'.repeat(32);
let sealed: Record<string, string>;

function delivery(storeHash: string, hash: string, orderId = 1): RecordedDelivery {
  const raw = { scope: 'store/order/created', store_id: '1', data: { type: 'order', id: orderId }, hash, created_at: 1_700_000_000, producer: `stores/${storeHash}` };
  return {
    storeHash: storeHash as StoreHash,
    scope: raw.scope,
    resourceId: orderId,
    hash,
    eventCreatedAt: new Date(raw.created_at * 1000),
    event: raw as unknown as RecordedDelivery['event'],
    raw,
  };
}

beforeAll(async () => {
  database = await freshDatabase('webhook_rec');
  const stores = createStoreRepo({ db: database.db, encryptionKey: KEY });
  sealed = {};
  for (const hash of ['storea', 'storeb']) {
    await stores.recordInstall({
      storeHash: hash as StoreHash,
      accessToken: `token-${hash}`,
      scope: 'store_v2_orders',
      accountUuid: null,
      owner: { id: 1, email: 'owner@example.com' },
      installer: { id: 1, email: 'owner@example.com' },
    });
    sealed[hash] = (await stores.webhookSecretSealed(hash as StoreHash))!.sealed;
  }
});
afterAll(async () => database?.dispose());

describe('recording webhook deliveries', () => {
  it('200 deliveries at once are all recorded, each once, and tell their callers so', async () => {
    const repo = createWebhookRepo({ db: database.db });
    const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => repo.recordDelivery(delivery('storea', `burst-${i}`, i + 1), sealed.storea!)));
    expect(outcomes).toEqual(Array(200).fill('recorded'));
    const rows = await database.db.execute(`select count(*)::int as n from webhook_deliveries where store_hash = 'storea' and hash like 'burst-%'`);
    expect(Number((Array.isArray(rows) ? rows : (rows as { rows: Array<{ n: number }> }).rows)[0]!.n)).toBe(200);
  });

  it('in one group: a copy of a delivery is a duplicate, a stale secret is refused, the others are recorded', async () => {
    const repo = createWebhookRepo({ db: database.db });
    const outcomes = await Promise.all([
      repo.recordDelivery(delivery('storeb', 'same'), sealed.storeb!),
      repo.recordDelivery(delivery('storeb', 'same'), sealed.storeb!),
      repo.recordDelivery(delivery('storeb', 'other'), 'not-the-current-secret'),
      repo.recordDelivery(delivery('storea', 'fine'), sealed.storea!),
      repo.recordDelivery(delivery('storea', 'burst-7'), sealed.storea!), // recorded by the test above
    ]);
    expect(outcomes).toEqual(['recorded', 'duplicate', 'stale', 'recorded', 'duplicate']);
  });

  it('a redelivery later is a duplicate; two copies for a store whose secret changed are both refused', async () => {
    const repo = createWebhookRepo({ db: database.db });
    expect(await repo.recordDelivery(delivery('storeb', 'same'), sealed.storeb!)).toBe('duplicate');
    const refused = await Promise.all([
      repo.recordDelivery(delivery('storeb', 'gone'), 'old-secret'),
      repo.recordDelivery(delivery('storeb', 'gone'), 'old-secret'),
    ]);
    expect(refused).toEqual(['stale', 'stale']);
  });
});
