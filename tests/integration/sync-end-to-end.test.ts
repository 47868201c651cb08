import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerProvider } from '@/lib/accounting/ledger/ledger-provider';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { createOrder, documentEntriesPerOrder, orderStatus, syncRecordOf, until, type StoreApi } from './support/sync-helpers';

/**
 * Installing the app is enough: orders placed with the standard API are posted to the built-in ledger once each
 * and get the "imported" status; an order with an unknown SKU is held with the reason on its record and the error
 * status, and a retry after the item is created posts it.
 */
let world: LifecycleWorld;
beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true });
});
afterAll(async () => world?.stop());

const IMPORTED = 9; // Awaiting Shipment
const ON_ERROR = 12; // Manual Verification Required

describe('automatic sync, end to end', () => {
  it('posts each order once with its status written back; a missing SKU is held, then posted after a retry', async () => {
    const { hash, accessToken } = await world.installedStore();
    const store: StoreApi = { baseUrl: world.sandbox.url, hash, token: accessToken };
    const db = world.database.db;
    const saved = await createSettingsRepo({ db }).save(
      hash as StoreHash,
      { orders: { statusAfterImport: IMPORTED, statusOnError: ON_ERROR }, items: { missingSku: 'fail' } },
      { expectedVersion: 0 },
    );
    expect(saved.ok).toBe(true);
    const ledger = createLedgerProvider({ db, storeHash: hash });
    for (const sku of ['MUG-1', 'TEE-M', 'CAP-1']) await ledger.upsertItem({ sku, name: `Item ${sku}` });

    const good = [
      await createOrder(store, { lines: [{ sku: 'MUG-1', quantity: 2, price: '12.50' }] }),
      await createOrder(store, { lines: [{ sku: 'TEE-M', quantity: 1, price: '20.00' }, { sku: 'CAP-1', quantity: 3, price: '7.25' }] }),
      await createOrder(store, { lines: [{ sku: 'CAP-1', quantity: 1, price: '7.25' }] }),
    ];
    const missing = await createOrder(store, { lines: [{ sku: 'MUG-1', quantity: 1, price: '12.50' }, { sku: 'GHOST-9', quantity: 1, price: '5.00' }] });

    for (const orderId of good) {
      const record = await until(() => syncRecordOf(db, hash, orderId), (r) => r?.state === 'posted' && r.writtenStatusId === IMPORTED);
      expect(record?.state).toBe('posted');
      expect(record?.remoteNumber).toBe(`BC-${orderId}`);
      expect(await orderStatus(store, orderId)).toBe(IMPORTED);
    }
    const held = await until(() => syncRecordOf(db, hash, missing), (r) => r?.state === 'held' && r.writtenStatusId === ON_ERROR);
    expect(held?.state).toBe('held');
    expect(held?.reason).toBe('missing_sku');
    expect(held?.message).toContain('GHOST-9');
    expect(await orderStatus(store, missing)).toBe(ON_ERROR);

    // The status writes come back as webhooks; once their runs are done nothing may have changed.
    await world.inngest!.waitForIdle(20_000);
    const afterEchoes = await syncRecordOf(db, hash, missing);
    expect(afterEchoes?.state).toBe('held');
    expect(afterEchoes?.reason).toBe('missing_sku');
    let entries = await documentEntriesPerOrder(db, hash);
    for (const orderId of good) expect(entries.get(orderId)).toBe(1);
    expect(entries.get(missing)).toBeUndefined();

    // The merchant creates the item, then retries the order from the activity page.
    await ledger.upsertItem({ sku: 'GHOST-9', name: 'Ghost item' });
    await world.inngest!.sendEvent({
      name: 'order/changed',
      data: { storeHash: hash, orderId: missing, trigger: 'manual', dedupeKey: `manual-${Date.now()}` },
    });
    const retried = await until(() => syncRecordOf(db, hash, missing), (r) => r?.state === 'posted' && r.writtenStatusId === IMPORTED);
    expect(retried?.state).toBe('posted');
    expect(retried?.remoteNumber).toBe(`BC-${missing}`);
    expect(await orderStatus(store, missing)).toBe(IMPORTED);

    await world.inngest!.waitForIdle(20_000);
    entries = await documentEntriesPerOrder(db, hash);
    for (const orderId of [...good, missing]) expect(entries.get(orderId)).toBe(1);
    const runs = world.inngest!.runs().filter((r) => r.functionId === 'ledgerbridge-order-changed');
    expect(runs.filter((r) => r.status !== 'Completed')).toEqual([]);
  });
});
