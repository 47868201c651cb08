import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreHash } from '@/lib/ids';
import type { NotificationsView } from '@/lib/admin/notifications';
import { createNotificationRepo } from '@/lib/repos/notifications';
import { createStockRepo } from '@/lib/repos/stock';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';

let world: LifecycleWorld;
let storeA: StoreHash;
let storeB: StoreHash;
let tokenA: string;
let tokenB: string;

async function sessionFor(hash: string): Promise<string> {
  const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, {});
  const location = (await fetch(load.body.url, { redirect: 'manual' })).headers.get('location')!;
  return decodeURIComponent(location.split('#session=')[1]!);
}

const call = async <T>(path: string, token: string, body?: unknown) => {
  const response = await fetch(`${world.app.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
};

beforeAll(async () => {
  world = await startLifecycleWorld();
  storeA = (await world.installedStore()).hash as StoreHash;
  storeB = (await world.installedStore()).hash as StoreHash;
  tokenA = await sessionFor(storeA);
  tokenB = await sessionFor(storeB);
});
afterAll(async () => world?.stop());

describe('notifications are recorded where things happen', () => {
  it('a held order, a revoked connection, a finished backfill and a refused stock level each become one notification', async () => {
    const db = world.database.db;
    const records = createSyncRecordRepo({ db });
    await records.markFailed({ storeHash: storeA, orderId: 120, provider: 'ledger' }, { state: 'held', reason: 'missing_sku', message: 'Unable to find product with SKU ABC-1.' });
    // The same failure again (a retry) is the same notification.
    await records.markFailed({ storeHash: storeA, orderId: 120, provider: 'ledger' }, { state: 'held', reason: 'missing_sku', message: 'Unable to find product with SKU ABC-1.' });
    await records.markFailed({ storeHash: storeA, orderId: 121, provider: 'ledger' }, { state: 'held', reason: 'auth_revoked', message: 'Reconnect your accounting system: the grant was revoked.' });
    await records.markFailed({ storeHash: storeA, orderId: 122, provider: 'ledger' }, { state: 'held', reason: 'auth_revoked', message: 'Reconnect your accounting system: the grant was revoked.' });
    const storeSync = createStoreSyncRepo({ db });
    const { backfill } = await storeSync.startBackfill(storeA, '2026-01-01', null);
    await storeSync.finishBackfill(storeA, backfill.id, 'completed');
    await createStockRepo({ db }).addEvent(storeA, { sku: 'SKU-9', kind: 'stock_failed', message: 'BigCommerce refused the stock level of SKU SKU-9: tracking is off.' });
    // Store B's failure, which A must never see.
    await records.markFailed({ storeHash: storeB, orderId: 900, provider: 'ledger' }, { state: 'failed', reason: 'unmapped_tax', message: 'Order #900 uses tax rate "B-only VAT", not mapped.' });

    const list = await call<NotificationsView>('/api/admin/notifications', tokenA);
    expect(list.status).toBe(200);
    expect(list.body.notifications.map((n) => n.kind).sort()).toEqual(['backfill_finished', 'connection_lost', 'needs_attention', 'stock_refused']);
    expect(list.body.unread).toBe(4);
    const held = list.body.notifications.find((n) => n.kind === 'needs_attention')!;
    expect(held).toMatchObject({ orderId: 120, href: '/activity/120', read: false });
    expect(held.message).toContain('SKU ABC-1');
  });
});

describe('the notification centre is the session store’s only', () => {
  it('lists, counts and marks read only the session store’s notifications, whatever the request names', async () => {
    const a = await call<NotificationsView>(`/api/admin/notifications?store_hash=${storeB}`, tokenA);
    expect(JSON.stringify(a.body)).not.toContain('B-only');
    expect(a.body.notifications.every((n) => n.orderId !== 900)).toBe(true);
    const b = await call<NotificationsView>('/api/admin/notifications', tokenB);
    expect(b.body.notifications).toHaveLength(1);
    const bId = b.body.notifications[0]!.id;

    // A marks B's id read: nothing changes for B.
    const marked = await call<{ marked: number; unread: number }>('/api/admin/notifications/read', tokenA, { ids: [bId] });
    expect(marked.status).toBe(200);
    expect(marked.body.marked).toBe(0);
    expect((await call<{ unread: number }>('/api/admin/notifications/count', tokenB)).body.unread).toBe(1);

    // A marks one of its own read, then all.
    const own = a.body.notifications[0]!.id;
    expect((await call<{ marked: number; unread: number }>('/api/admin/notifications/read', tokenA, { ids: [own] })).body).toEqual({ marked: 1, unread: 3 });
    expect((await call<{ unread: number }>('/api/admin/notifications/count', tokenA)).body.unread).toBe(3);
    expect((await call<{ marked: number; unread: number }>('/api/admin/notifications/read', tokenA, { all: true })).body).toEqual({ marked: 3, unread: 0 });
    expect((await call<{ unread: number }>('/api/admin/notifications/count', tokenB)).body.unread).toBe(1);
  });

  it('refuses a request without a session and a malformed body', async () => {
    expect((await fetch(`${world.app.url}/api/admin/notifications`)).status).toBe(401);
    expect((await call('/api/admin/notifications/read', tokenA, { ids: [] })).status).toBe(400);
    expect((await call('/api/admin/notifications/read', tokenA, { all: false })).status).toBe(400);
  });

  it('a failure that happens again after it was read is unread again; while unread it stays one', async () => {
    const repo = createNotificationRepo({ db: world.database.db });
    const records = createSyncRecordRepo({ db: world.database.db });
    expect(await repo.unreadCount(storeA)).toBe(0);
    await records.markFailed({ storeHash: storeA, orderId: 120, provider: 'ledger' }, { state: 'held', reason: 'missing_sku', message: 'Unable to find product with SKU ABC-1 (again).' });
    expect(await repo.unreadCount(storeA)).toBe(1);
    await records.markFailed({ storeHash: storeA, orderId: 120, provider: 'ledger' }, { state: 'held', reason: 'missing_sku', message: 'Unable to find product with SKU ABC-1 (again).' });
    expect(await repo.unreadCount(storeA)).toBe(1);
    const [reopened] = await repo.list(storeA, { unreadOnly: true });
    expect(reopened).toMatchObject({ orderId: 120, message: 'Unable to find product with SKU ABC-1 (again).' });
  });
});
