import { getDb } from '@/db';
import { storeContext } from '@/lib/context';
import { TransientFailure } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import { createReconciliationRepo } from '@/lib/repos/reconciliation';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { inngest } from '../client';
import { storeReconcile, storeUninstalled } from '../events';
import { nightlyRange, notifyDifferences, reconcileAndStore, repairAndStore } from '../reconcile';
import { translateFailures } from './retry';

/**
 * Every hour: each installed store whose yesterday (in its own time zone) has no stored result yet is reconciled for
 * the last three days. One event per store; the stores' runs are paced by the reconcile function's concurrency.
 */
export const reconcileSchedulerFunction = inngest.createFunction(
  { id: 'reconcile-scheduler', triggers: [{ cron: '20 * * * *' }], retries: 1 },
  async ({ step }) => {
    const due = await step.run('find-stores-to-reconcile', async () => {
      const db = await getDb();
      const settingsRepo = createSettingsRepo({ db });
      const results = createReconciliationRepo({ db });
      const out: Array<{ storeHash: string; from: string; to: string }> = [];
      for (const store of await createStoreSyncRepo({ db }).installedStores()) {
        const { settings } = await settingsRepo.current(store.storeHash);
        const range = nightlyRange(settings.document.timeZone);
        const stored = await results.days(store.storeHash, range.to, range.to);
        if (stored.length === 0) out.push({ storeHash: store.storeHash, ...range });
      }
      return out;
    });
    if (due.length > 0) {
      await step.sendEvent('fan-out', due.map((d) => storeReconcile.create({ ...d, trigger: 'schedule' }, { id: `reconcile-${d.storeHash}-${d.to}` })));
    }
    return { stores: due.length };
  },
);

/**
 * One store's reconciliation (or Repair of one day): reads the store and the books (the provider's reads go through
 * its pacer, within its limits), classes the differences and stores each day. One run per store at a time, and two
 * stores at a time across the app, so the nightly fan-out never bursts a provider's or BigCommerce's limits.
 */
export const storeReconcileFunction = inngest.createFunction(
  {
    id: 'store-reconcile',
    triggers: [storeReconcile],
    concurrency: [{ key: 'event.data.storeHash', limit: 1 }, { limit: 2 }],
    retries: 3,
    cancelOn: [{ event: storeUninstalled, match: 'data.storeHash' }],
  },
  async ({ event, step }) => {
    const { storeHash, from, to, repair } = event.data;
    return step.run(repair ? `repair-${repair.date}` : `reconcile-${from}-${to}`, () =>
      translateFailures(async () => {
        const ctx = await storeContext(storeHash as StoreHash);
        const results = createReconciliationRepo({ db: ctx.db });
        const outcome = repair ? await repairAndStore(ctx, results, repair.date, repair.orderIds) : await reconcileAndStore(ctx, results, { from, to });
        if (!outcome.ok) {
          if (outcome.retryAfterMs !== undefined) throw new TransientFailure(outcome.message, outcome.retryAfterMs);
          return { ok: false, message: outcome.message };
        }
        await notifyDifferences(ctx.db, storeHash as StoreHash, 'repaired' in outcome ? outcome.after : outcome.days);
        return 'repaired' in outcome
          ? { ok: true, repaired: outcome.repaired.length, differences: outcome.after.reduce((n, d) => n + d.differences.length, 0) }
          : { ok: true, days: outcome.days.length, differences: outcome.days.reduce((n, d) => n + d.differences.length, 0) };
      }),
    );
  },
);
