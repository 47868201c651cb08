import type { StoreHash } from '@/lib/ids';
import { isOwnStatusEcho, loadOrder, movesStock, snapshotOf, writeBackAfter, writeBackStatus } from '@/lib/sync/pipeline';
import { inngest } from '../client';
import { storeContext } from '@/lib/context';
import { orderChanged, stockPush, storeUninstalled } from '../events';
import { planAndAct, type Acted } from './accounting-steps';
import { postingFunctions } from './post-remote';
import { translateFailures } from './retry';

/**
 * One run per order change (a webhook, the sweep, a retry): check-echo → load-order → the accounting steps (plan and
 * each write it lists: lib/sync/pipeline/act.ts) → write-back-status. For a remote accounting system the accounting
 * steps run in its posting function (invoked), behind the tenant's throttle. Rules live in lib/sync/pipeline; this
 * file only orders the steps.
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
    const { storeHash, orderId, trigger, statusChange, refundId } = event.data;
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
        return { ...(await loadOrder(ctx.pipeline, orderId, { refunds: refundId !== undefined })), tenant: ctx.accountingTenant ?? null, providerId: ctx.providerId };
      }),
    );
    if (!loaded.found) {
      await step.run('record-missing', async () => {
        const { records } = await storeContext(store);
        await records.addEvent(store, orderId, 'skipped', 'The order no longer exists in BigCommerce.');
      });
      return { orderId, result: 'skipped', reason: 'order not found' };
    }
    const { order, refunds } = loaded;
    const refundsUnreadable = 'refundsUnreadable' in loaded ? loaded.refundsUnreadable : undefined;

    // A remote system's calls all pass its tenant-keyed throttle and concurrency (post-remote.ts); the ledger's
    // run here, in this run.
    const remote = loaded.tenant ? postingFunctions.get(loaded.providerId) : undefined;
    const acted: Acted = remote && loaded.tenant
      ? ((await step.invoke('post-to-accounting', {
          function: remote,
          data: {
            storeHash, orderId, tenant: loaded.tenant, trigger,
            order: order as unknown as Record<string, unknown>,
            refunds: refunds as unknown as Array<Record<string, unknown>> | null,
            ...(refundsUnreadable ? { refundsUnreadable } : {}),
          },
        })) as Acted)
      : await planAndAct(step, { storeHash: store, order, refunds, ...(refundsUnreadable ? { refundsUnreadable } : {}), trigger });

    const stockOn = await step.run('write-back-status', () =>
      translateFailures(async () => {
        const { pipeline, settings } = await storeContext(store);
        await writeBackAfter(pipeline, order, acted, { recheck: true });
        // A posting moved stock in the books: the new levels go out when stock sync is on.
        return movesStock(acted) && settings.stock.enabled;
      }),
    );
    if (stockOn) await step.sendEvent('push-stock', stockPush.create({ storeHash: store, reason: 'order_posted' }));
    if (acted.result === 'posted') return { orderId, result: 'posted', number: acted.number, snapshot: snapshotOf(order).total };
    return { orderId, result: acted.result, reason: acted.reason };
  },
);
