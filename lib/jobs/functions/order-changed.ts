import type { StoreHash } from '@/lib/ids';
import { isOwnStatusEcho, loadOrder, snapshotOf, writeBackStatus } from '@/lib/sync/pipeline';
import { inngest } from '../client';
import { storeContext } from '../context';
import { orderChanged, stockPush, storeUninstalled } from '../events';
import { planAndAct, type Acted } from './accounting-steps';
import { postToXeroFunction } from './post-remote';
import { translateFailures } from './retry';

/**
 * One run per order change: load-order → plan → post-document (or close-document / record-decision) →
 * write-back-status. For a remote accounting system plan and post run in its posting function (invoked), behind
 * the tenant's throttle. Rules live in lib/sync/pipeline.ts; this file only orders the steps.
 */
export const orderChangedFunction = inngest.createFunction(
  {
    id: 'order-changed',
    triggers: [orderChanged],
    // One order at a time per store and order; a few orders at once per store (the store's API quota is shared).
    concurrency: [
      { key: 'event.data.storeHash + "-" + string(event.data.orderId)', limit: 1 },
      { key: 'event.data.storeHash', limit: 5 },
    ],
    idempotency: 'event.data.storeHash + "-" + string(event.data.orderId) + "-" + event.data.dedupeKey',
    retries: 5,
    cancelOn: [{ event: storeUninstalled, match: 'data.storeHash' }],
    onFailure: async ({ event, error, step }) => {
      const { storeHash, orderId } = event.data.event.data;
      await step.run('record-failure', async () => {
        const { pipeline, records } = await storeContext(storeHash as StoreHash);
        const key = { storeHash: storeHash as StoreHash, orderId, provider: pipeline.providerId };
        await records.markFailed(key, { state: 'failed', reason: 'job_failed', message: `Could not sync this order: ${error.message}` });
        await records.addEvent(storeHash as StoreHash, orderId, 'failed', `Gave up after retries: ${error.message}`);
      });
      await step.run('set-error-status', () =>
        translateFailures(async () => {
          const { pipeline } = await storeContext(storeHash as StoreHash);
          return writeBackStatus(pipeline, { orderId, currentStatusId: -1, outcome: 'error' });
        }),
      );
    },
  },
  async ({ event, step }) => {
    const { storeHash, orderId, trigger, statusChange } = event.data;
    const store = storeHash as StoreHash;

    if (statusChange) {
      const echo = await step.run('check-echo', async () => {
        const { records, providerId } = await storeContext(store);
        const record = await records.get({ storeHash: store, orderId, provider: providerId });
        return isOwnStatusEcho(record, { newStatusId: statusChange.newStatusId, at: new Date(statusChange.at) });
      });
      if (echo) return { orderId, result: 'skipped', reason: 'echo of our own status write' };
    }

    const loaded = await step.run('load-order', () =>
      translateFailures(async () => {
        const ctx = await storeContext(store);
        return { ...(await loadOrder(ctx.pipeline, orderId)), tenant: ctx.accountingTenant ?? null };
      }),
    );
    if (!loaded.found) {
      await step.run('record-missing', async () => {
        const { records } = await storeContext(store);
        await records.addEvent(store, orderId, 'skipped', 'The order no longer exists in BigCommerce.');
      });
      return { orderId, result: 'skipped', reason: 'order not found' };
    }
    const order = loaded.order;

    // A remote system's calls all pass its tenant-keyed throttle and concurrency (post-remote.ts); the ledger's
    // run here, in this run.
    const acted: Acted = loaded.tenant
      ? ((await step.invoke('post-to-accounting', {
          function: postToXeroFunction,
          data: { storeHash, orderId, tenant: loaded.tenant, trigger, order: order as unknown as Record<string, unknown> },
        })) as Acted)
      : await planAndAct(step, { storeHash: store, order, trigger });

    if (acted.result === 'skipped') return { orderId, result: 'skipped', reason: acted.reason };
    if ('closing' in acted) return { orderId, result: acted.result };

    const imported = acted.result === 'posted';
    const stockOn = await step.run('write-back-status', () =>
      translateFailures(async () => {
        const { pipeline, settings } = await storeContext(store);
        await writeBackStatus(pipeline, { orderId, currentStatusId: order.status_id, outcome: imported ? 'imported' : 'error' });
        // The posting moved stock in the books: the new levels go out when stock sync is on.
        return imported && settings.stock.enabled;
      }),
    );
    if (stockOn) await step.sendEvent('push-stock', stockPush.create({ storeHash: store, reason: 'order_posted' }));
    if (acted.result === 'posted') return { orderId, result: 'posted', number: acted.number, snapshot: snapshotOf(order).total };
    return { orderId, result: acted.result, reason: acted.reason };
  },
);
