import type { StoreHash } from '@/lib/ids';
import { classifyStatusChange, loadOrderAndRecord, mayWriteBack, movesStock, planAndNote, restoreOverwrittenStatus, snapshotOf, writeBackAfter, writeErrorStatusAfterFailure, type PlanOutcome } from '@/lib/sync/pipeline';
import { orderFingerprint, unchangedSinceOurWrite } from '@/lib/sync/pipeline/order-fingerprint';
import { inngest } from '../client';
import { storeContext } from '@/lib/context';
import { orderChanged, stockPush, storeUninstalled } from '../events';
import { contextPerCall, planAndAct, type Acted } from './accounting-steps';
import { postingFunctions } from './post-remote';
import { translateFailures } from './retry';

/**
 * One run per order change (a webhook, the sweep, a retry): check-echo (→ restore-status) → load-order → the
 * accounting steps (plan and each write it lists: lib/sync/pipeline/act.ts) → write-back-status. For the built-in
 * ledger `load-order` plans too (one call of this function fewer per run). For a remote accounting system the accounting
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
    // The steps one call runs (load, post, payments, status write) report to Inngest together, with the call's
    // answer, instead of one checkpoint request each: four requests fewer per order. A process that dies in the call
    // loses those reports and Inngest calls again: each step is safe to run again (the ledger finds a document by its
    // key, the status write reads the status first), as after any crash mid-step. A call that runs long reports what
    // it has every 2 s; a step that fails, waits or invokes reports first.
    checkpointing: { bufferedSteps: 8, maxInterval: '2s' },
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
          return writeErrorStatusAfterFailure(pipeline, orderId);
        }),
      );
    },
  },
  async ({ event, step }) => {
    const { storeHash, orderId, trigger, statusChange, refundId } = event.data;
    const store = storeHash as StoreHash;
    // One store context for the steps this call runs (one query for the store's state instead of one per step).
    const context = contextPerCall(store);

    if (statusChange) {
      // Most echoes never get here (the dispatcher drops a plain echo); this one arrived before our write was
      // recorded, or it needs a restore.
      const echo = await step.run('check-echo', async () => {
        const { pipeline } = await context();
        return classifyStatusChange(pipeline, orderId, { ...statusChange, at: new Date(statusChange.at) });
      });
      if (echo.echo && echo.restore !== null) {
        const restore = echo.restore;
        // Our write replaced a status set a moment before it: put that back; its webhook is then processed as the
        // merchant's change.
        const restored = await step.run('restore-status', () =>
          translateFailures(async () => {
            const { pipeline } = await context();
            return restoreOverwrittenStatus(pipeline, { orderId, ours: statusChange.newStatusId, restore });
          }),
        );
        return { orderId, result: 'skipped', reason: `echo of our own status write; ${restored.reason}` };
      }
      if (echo.echo) return { orderId, result: 'skipped', reason: 'echo of our own status write' };
    }

    const loaded = await step.run('load-order', () =>
      translateFailures(async () => {
        const ctx = await context();
        const { loaded: read, record } = await loadOrderAndRecord(ctx.pipeline, orderId, { refunds: refundId !== undefined });
        // The `updated` webhook of our own status write (or a repeat of it): the order is as posted but for that
        // status, so there is nothing to plan (order-fingerprint.ts). A refund's run always plans.
        if (read.found && refundId === undefined && unchangedSinceOurWrite(record, read.order, ctx.pipeline.settings)) {
          return { found: true as const, unchangedSinceOurWrite: true as const };
        }
        const tenant = ctx.accountingTenant ?? null;
        // What the order looked like when planned, for the status write after a post (computed on the order as read,
        // as the check above is).
        const fingerprint = read.found ? orderFingerprint(read.order, ctx.pipeline.settings) : null;
        if (!read.found || (tenant && postingFunctions.has(ctx.providerId))) return { ...read, tenant, providerId: ctx.providerId, fingerprint };
        // Posted in this run (the built-in ledger): planned in the same step. Each step is a call of this function
        // by Inngest; planning only reads (the order just loaded, what is booked), so a retry of the two together
        // is as harmless as a retry of either.
        const { order, refunds } = read;
        const refundsUnreadable = 'refundsUnreadable' in read ? read.refundsUnreadable : undefined;
        const plan = await planAndNote(ctx.pipeline, { order, refunds, record, ...(refundsUnreadable ? { refundsUnreadable } : {}) }, trigger);
        return { ...read, tenant, providerId: ctx.providerId, fingerprint, plan };
      }),
    );
    if ('unchangedSinceOurWrite' in loaded) return { orderId, result: 'skipped', reason: 'unchanged since our status write' };
    if (!loaded.found) {
      await step.run('record-missing', async () => {
        const { records } = await context();
        await records.addEvent(store, orderId, 'skipped', 'The order no longer exists in BigCommerce.');
      });
      return { orderId, result: 'skipped', reason: 'order not found' };
    }
    const { order, refunds } = loaded;
    const refundsUnreadable = 'refundsUnreadable' in loaded ? loaded.refundsUnreadable : undefined;

    // A remote system's calls all pass its tenant-keyed throttle and concurrency (post-remote.ts); the ledger's
    // run here, in this run.
    const remote = loaded.tenant ? postingFunctions.get(loaded.providerId) : undefined;
    const planned = 'plan' in loaded ? (loaded.plan as PlanOutcome) : undefined;
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
      : await planAndAct(step, { storeHash: store, order, refunds, ...(refundsUnreadable ? { refundsUnreadable } : {}), trigger, plan: planned }, context);

    // Nothing to write and no stock moved (the `updated` echo of our own status write, planned and skipped as
    // unchanged): no step, so no further call of this function.
    if (!movesStock(acted) && !mayWriteBack(acted, { statusWritten: loaded.statusWritten === true })) {
      return { orderId, result: acted.result, reason: acted.reason };
    }
    const stockOn = await step.run('write-back-status', () =>
      translateFailures(async () => {
        const { pipeline, settings } = await context();
        await writeBackAfter(pipeline, order, acted, { recheck: true, ...(loaded.fingerprint ? { orderFingerprint: loaded.fingerprint } : {}) });
        // A posting moved stock in the books: the new levels go out when stock sync is on.
        return movesStock(acted) && settings.stock.enabled;
      }),
    );
    if (stockOn) await step.sendEvent('push-stock', stockPush.create({ storeHash: store, reason: 'order_posted' }));
    if (acted.result === 'posted') return { orderId, result: 'posted', number: acted.number, snapshot: snapshotOf(order).total };
    return { orderId, result: acted.result, reason: acted.reason };
  },
);
