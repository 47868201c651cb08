import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import type { RunSummary } from '@/tests/sandbox/inngest/server';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { createOrder, documentEntriesPerOrder, orderStatus, syncRecordsOf, until, type StoreApi } from './support/sync-helpers';

/**
 * Webhooks make sync fast, the sweep makes it complete: the echo of our own status writes never posts again, and
 * with every webhook lost the sweep alone brings every order in.
 */
let world: LifecycleWorld;
beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true });
});
afterAll(async () => world?.stop());

const IMPORTED = 9;

async function storeWithSettings(): Promise<StoreApi> {
  const { hash, accessToken } = await world.installedStore();
  const saved = await createSettingsRepo({ db: world.database.db }).save(hash as StoreHash, { orders: { statusAfterImport: IMPORTED } }, { expectedVersion: 0 });
  expect(saved.ok).toBe(true);
  return { baseUrl: world.sandbox.url, hash, token: accessToken };
}

const orderRuns = (hash: string, orderIds: Set<number>): RunSummary[] =>
  world.inngest!.runs().filter((r) => {
    const data = r.event.data as { storeHash?: string; orderId?: number };
    return r.functionId === 'ledgerbridge-order-changed' && data.storeHash === hash && orderIds.has(data.orderId ?? -1);
  });

async function allPostedAndWritten(store: StoreApi, orderIds: number[], timeoutMs: number) {
  return until(
    () => syncRecordsOf(world.database.db, store.hash, orderIds),
    (rows) => rows.length === orderIds.length && rows.every((r) => r.state === 'posted' && r.writtenStatusId === IMPORTED),
    timeoutMs,
  );
}

describe('webhook echoes and lost webhooks', () => {
  it('the echo of our own status write never posts again, for many orders at once', async () => {
    const store = await storeWithSettings();
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => createOrder(store, { lines: [{ sku: `SKU-${i % 5}`, quantity: 1 + (i % 3), price: '9.99' }] })));
    const records = await allPostedAndWritten(store, ids, 60_000);
    expect(records.filter((r) => r.state === 'posted' && r.writtenStatusId === IMPORTED)).toHaveLength(ids.length);

    // Every status write comes back as statusUpdated (+ updated): wait until each has been delivered and run. The
    // dispatcher drops a plain statusUpdated echo (no run: lib/jobs/dispatch.ts); one that arrives before our write
    // is recorded still starts a run, which recognises it in `check-echo`.
    const idSet = new Set(ids);
    const deliveriesNow = async () =>
      (await world.admin<{ deliveries: Array<{ scope: string; status: number | null; hash: string }> }>(`/__sandbox/stores/${store.hash}/webhook-deliveries`)).body.deliveries;
    const echoDeliveries = (all: Array<{ scope: string; status: number | null }>, scope: string) => all.filter((d) => d.scope === scope && d.status === 200).length;
    await until(deliveriesNow, (all) => echoDeliveries(all, 'store/order/statusUpdated') >= ids.length && echoDeliveries(all, 'store/order/updated') >= ids.length, 45_000);
    await world.inngest!.waitForIdle(60_000);
    const deliveries = await deliveriesNow();

    const runs = orderRuns(store.hash, idSet);
    expect(runs.filter((r) => r.status !== 'Completed')).toEqual([]);
    // Which webhook started each run (the delivery log maps a payload hash to its scope).
    const scopeByHash = new Map(deliveries.map((d) => [d.hash, d.scope]));
    const scopeOf = (run: RunSummary) => scopeByHash.get((run.event.data as { dedupeKey: string }).dedupeKey.replace(/^wh-/, ''));
    const updatedEchoes = runs.filter((r) => scopeOf(r) === 'store/order/updated');
    const statusEchoes = runs.filter((r) => scopeOf(r) === 'store/order/statusUpdated');
    expect(updatedEchoes.length).toBeGreaterThanOrEqual(ids.length);
    expect(statusEchoes.length).toBeLessThanOrEqual(echoDeliveries(deliveries, 'store/order/statusUpdated'));
    for (const id of ids) {
      const mine = runs.filter((r) => (r.event.data as { orderId: number }).orderId === id);
      // Posted by the created webhook (and perhaps by the install's first sweep racing it: the ledger dedupes that).
      expect(mine.some((r) => (r.output as { result?: string }).result === 'posted'), `order ${id} posted`).toBe(true);
    }
    // No echo ever reaches the post step. A statusUpdated echo that got a run is recognised from the record alone: no
    // BigCommerce call, no plan. The plain `updated` echo carries no status: its run loads the order, finds it as
    // posted but for our status (the fingerprint our write recorded) and plans nothing; one that loads the record
    // before our write is recorded is planned and skipped as unchanged.
    for (const run of statusEchoes) {
      expect(run.output).toMatchObject({ result: 'skipped', reason: 'echo of our own status write' });
      expect(run.steps.map((s) => s.name)).toEqual(['check-echo']);
    }
    const unplanned = updatedEchoes.filter((r) => (r.output as { reason?: string }).reason === 'unchanged since our status write');
    for (const run of updatedEchoes) {
      expect(run.steps.map((s) => s.name)).not.toContain('post-document');
      expect(run.output).toMatchObject({ result: 'skipped' });
      expect(['unchanged since our status write', 'already_posted_unchanged']).toContain((run.output as { reason?: string }).reason);
    }
    for (const run of unplanned) expect(run.steps.map((s) => s.name)).toEqual(['load-order']);
    expect(unplanned.length).toBeGreaterThan(updatedEchoes.length / 2);
    // The store status the activity page shows is the one we wrote, whether or not an echo ran.
    for (const row of await syncRecordsOf(world.database.db, store.hash, ids)) expect(row.orderStatusId).toBe(IMPORTED);
    const entries = await documentEntriesPerOrder(world.database.db, store.hash);
    for (const id of ids) expect(entries.get(id), `ledger entries of order ${id}`).toBe(1);
    for (const id of ids.slice(0, 5)) expect(await orderStatus(store, id)).toBe(IMPORTED);
    // About 50 s on a busy two-core machine (90 runs); the waits above bound each phase.
  }, 180_000);

  it('with every webhook lost, the sweep alone brings every order in', async () => {
    const store = await storeWithSettings();
    const faults = await world.admin(`/__sandbox/stores/${store.hash}/faults`, { rules: [], webhooks: { drop: 1 } });
    expect(faults.status).toBe(200);
    await world.inngest!.waitForIdle(20_000);
    // The sandbox's delivery log can include other stores' deliveries (hook ids repeat across stores): compare counts.
    const orderDeliveries = async () =>
      (await world.admin<{ deliveries: Array<{ scope: string }> }>(`/__sandbox/stores/${store.hash}/webhook-deliveries`)).body.deliveries.filter((d) =>
        d.scope.startsWith('store/order/'),
      ).length;
    const deliveredBefore = await orderDeliveries();
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push(await createOrder(store, { lines: [{ sku: `LOST-${i}`, quantity: 1, price: '4.50' }] }));
    await world.inngest!.waitForIdle(10_000);

    // Nothing arrived: no delivery was attempted and no order is known.
    expect(await orderDeliveries()).toBe(deliveredBefore);
    expect(await syncRecordsOf(world.database.db, store.hash, ids)).toEqual([]);

    await world.inngest!.sendEvent({ name: 'store/sweep', data: { storeHash: store.hash } });
    const records = await allPostedAndWritten(store, ids, 30_000);
    expect(records.filter((r) => r.state === 'posted' && r.writtenStatusId === IMPORTED)).toHaveLength(ids.length);
    await world.inngest!.waitForIdle(20_000);

    const entries = await documentEntriesPerOrder(world.database.db, store.hash);
    for (const id of ids) expect(entries.get(id), `ledger entries of order ${id}`).toBe(1);
    for (const id of ids) expect(await orderStatus(store, id)).toBe(IMPORTED);
    const runs = orderRuns(store.hash, new Set(ids));
    expect(runs.every((r) => (r.event.data as { trigger: string }).trigger === 'sweep')).toBe(true);
    expect(runs.filter((r) => r.status !== 'Completed')).toEqual([]);

    // A second sweep finds nothing missing.
    await world.inngest!.sendEvent({ name: 'store/sweep', data: { storeHash: store.hash } });
    await world.inngest!.waitForIdle(20_000);
    const sweeps = world.inngest!.runs().filter((r) => r.functionId === 'ledgerbridge-store-sweep' && (r.event.data as { storeHash?: string }).storeHash === store.hash);
    expect(sweeps.at(-1)?.output).toMatchObject({ enqueued: 0 });
    expect(orderRuns(store.hash, new Set(ids))).toHaveLength(runs.length);
  });
});
