import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecordedDelivery } from '@/lib/bigcommerce/webhooks';
import type { StoreHash } from '@/lib/ids';
import { fakeProvider, fakeStoreContext, fixtureOrder, memoryRecords, scriptedStore, settingsWith, STORE } from '@/tests/integration/support/sync-job-fakes';

/**
 * The dispatcher drops the plain echo of our own status write (no run at all) and sends every other status change
 * on, the echo that must restore a status the merchant had just set among them. storeContext is replaced by fakes;
 * the Inngest client's send is recorded.
 */
const context = vi.hoisted(() => ({ current: null as unknown, fail: false }));
vi.mock('@/lib/context', () => ({
  storeContext: vi.fn(async () => {
    if (context.fail) throw new Error('database unreachable');
    return context.current;
  }),
}));
const sent = vi.hoisted(() => ({ events: [] as unknown[] }));
vi.mock('./client', () => ({
  inngest: { send: vi.fn(async (events: unknown) => void sent.events.push(...(Array.isArray(events) ? events : [events]))) },
  jobsConfigured: () => true,
}));
vi.mock('@/lib/logger', () => {
  const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, child: () => silent };
  return { logger: () => silent };
});

const { dispatchDelivery } = await import('./dispatch');

const IMPORTED = 9;
const AWAITING_FULFILLMENT = 11;
const CANCELLED = 5;

function delivery(orderId: number, scope: string, status?: { previous: number; next: number }, at = new Date()): RecordedDelivery {
  const data = { type: 'order' as const, id: orderId, ...(status ? { status: { previous_status_id: status.previous, new_status_id: status.next } } : {}) };
  const hash = `${scope}-${orderId}-${status?.previous ?? ''}-${status?.next ?? ''}`;
  return {
    storeHash: STORE as StoreHash,
    scope,
    resourceId: orderId,
    hash,
    eventCreatedAt: at,
    event: { scope, store_id: '1', data, hash, created_at: Math.floor(at.getTime() / 1000), producer: `stores/${STORE}` } as unknown as RecordedDelivery['event'],
    raw: {},
  };
}

describe('dispatchDelivery: the echo of our own status write', () => {
  let records: ReturnType<typeof memoryRecords>;
  let orderId: number;
  beforeEach(async () => {
    sent.events.length = 0;
    context.fail = false;
    const order = fixtureOrder();
    orderId = order.id;
    records = memoryRecords();
    context.current = fakeStoreContext({ store: scriptedStore(order), records, provider: fakeProvider().provider, settings: settingsWith({ statusAfterImport: IMPORTED }) });
    // We wrote the imported status a moment ago.
    await records.port.recordStatusWritten({ storeHash: STORE as StoreHash, orderId, provider: 'ledger' }, IMPORTED);
  });

  it('starts no run for the plain echo (our write replaced the import status it re-read)', async () => {
    await dispatchDelivery(delivery(orderId, 'store/order/statusUpdated', { previous: AWAITING_FULFILLMENT, next: IMPORTED }));
    expect(sent.events).toEqual([]);
  });

  it('sends on the echo of a write that replaced a status the merchant had just set: the run puts it back', async () => {
    await dispatchDelivery(delivery(orderId, 'store/order/statusUpdated', { previous: CANCELLED, next: IMPORTED }));
    expect(sent.events).toHaveLength(1);
    expect(sent.events[0]).toMatchObject({ data: { orderId, statusChange: { newStatusId: IMPORTED, previousStatusId: CANCELLED } } });
  });

  it('sends on a change to another status, the same status long after our write, and the `updated` webhook', async () => {
    await dispatchDelivery(delivery(orderId, 'store/order/statusUpdated', { previous: IMPORTED, next: CANCELLED }));
    await dispatchDelivery(delivery(orderId, 'store/order/statusUpdated', { previous: AWAITING_FULFILLMENT, next: IMPORTED }, new Date(Date.now() + 11 * 60_000)));
    await dispatchDelivery(delivery(orderId, 'store/order/updated'));
    expect(sent.events).toHaveLength(3);
  });

  it('sends on an order whose status we never wrote, and anything it cannot check', async () => {
    await dispatchDelivery(delivery(orderId + 1, 'store/order/statusUpdated', { previous: AWAITING_FULFILLMENT, next: IMPORTED }));
    context.fail = true;
    await dispatchDelivery(delivery(orderId, 'store/order/statusUpdated', { previous: AWAITING_FULFILLMENT, next: IMPORTED }));
    expect(sent.events).toHaveLength(2);
  });
});
