import type { StoreHash } from '@/lib/ids';
import {
  closeOrderDocument,
  isOwnStatusEcho,
  loadOrder,
  planOrder,
  postOrderDocument,
  recordDecision,
  snapshotOf,
  writeBackStatus,
  type PlanOutcome,
} from '@/lib/sync/pipeline';
import { inngest } from '../client';
import { storeContext } from '../context';
import { orderChanged, stockPush, storeUninstalled } from '../events';
import { translateFailures } from './retry';

/**
 * One run per order change: load-order → plan → post-document (or close-document / record-decision) →
 * write-back-status. Rules live in lib/sync/pipeline.ts; this file only orders the steps.
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
      translateFailures(async () => loadOrder((await storeContext(store)).pipeline, orderId)),
    );
    if (!loaded.found) {
      await step.run('record-missing', async () => {
        const { records } = await storeContext(store);
        await records.addEvent(store, orderId, 'skipped', 'The order no longer exists in BigCommerce.');
      });
      return { orderId, result: 'skipped', reason: 'order not found' };
    }
    const order = loaded.order;

    const plan = await step.run('plan', () =>
      translateFailures(async () => {
        const { pipeline, records } = await storeContext(store);
        const planned = await planOrder(pipeline, order, trigger);
        if (planned.action !== 'skip' || planned.reason !== 'already_posted_unchanged') {
          await records.addEvent(store, orderId, 'planned', planned.message, { action: planned.action, reason: planned.reason, trigger });
        }
        return planned;
      }),
    );

    if (plan.action === 'skip' || plan.action === 'hold') {
      await step.run('record-decision', async () => recordDecision((await storeContext(store)).pipeline, order, plan));
      if (plan.action === 'skip') return { orderId, result: 'skipped', reason: plan.reason };
      await step.run('write-back-status', () =>
        translateFailures(async () =>
          writeBackStatus((await storeContext(store)).pipeline, { orderId, currentStatusId: order.status_id, outcome: 'error' }),
        ),
      );
      return { orderId, result: 'held', reason: plan.reason };
    }

    if (plan.action === 'void' || plan.action === 'credit') {
      const closed = await step.run('close-document', () =>
        translateFailures(async () => closeOrderDocument((await storeContext(store)).pipeline, { orderId, plan })),
      );
      return { orderId, result: closed.ok ? plan.action : 'failed' };
    }

    if (!('contentHash' in plan)) throw new Error(`unexpected plan ${plan.action}`);
    const toPost = plan as Extract<PlanOutcome, { action: 'create' | 'update' }>;
    const posted = await step.run('post-document', () =>
      translateFailures(async () => postOrderDocument((await storeContext(store)).pipeline, { order, plan: toPost })),
    );
    await step.run('write-back-status', () =>
      translateFailures(async () =>
        writeBackStatus((await storeContext(store)).pipeline, {
          orderId,
          currentStatusId: order.status_id,
          outcome: posted.ok ? 'imported' : 'error',
        }),
      ),
    );
    if (posted.ok) {
      // The posting moved stock in the books: push the new levels (a no-op when stock sync is off).
      const stockOn = await step.run('stock-sync-enabled', async () => (await storeContext(store)).settings.stock.enabled);
      if (stockOn) await step.sendEvent('push-stock', stockPush.create({ storeHash: store, reason: 'order_posted' }));
    }
    return posted.ok
      ? { orderId, result: 'posted', number: posted.number, snapshot: snapshotOf(order).total }
      : { orderId, result: 'failed', reason: posted.reason };
  },
);
