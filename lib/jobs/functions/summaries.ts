import { getDb } from '@/db';
import type { StoreHash } from '@/lib/ids';
import { storeContext } from '@/lib/context';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { createSettingsRepo } from '@/lib/repos/settings';
import { inngest } from '../client';
import { storeSummaries, storeUninstalled } from '../events';
import { postEndedDays } from '../summaries';
import { translateFailures } from './retry';

/**
 * Every 15 minutes: each store in daily summary mode gets a pass that posts the days that have ended in its time zone,
 * refreshes open days whose orders changed, and closes days `posting.summaryCloseHours` after they ended.
 */
export const summariesSchedulerFunction = inngest.createFunction(
  { id: 'summaries-scheduler', triggers: [{ cron: '*/15 * * * *' }], retries: 1 },
  async ({ step }) => {
    const due = await step.run('find-summary-stores', async () => {
      const db = await getDb();
      const settingsRepo = createSettingsRepo({ db });
      const stores: string[] = [];
      for (const store of await createStoreSyncRepo({ db }).installedStores()) {
        if ((await settingsRepo.current(store.storeHash)).settings.posting.mode === 'daily_summary') stores.push(store.storeHash);
      }
      return stores;
    });
    if (due.length > 0) await step.sendEvent('fan-out', due.map((storeHash) => storeSummaries.create({ storeHash })));
    return { stores: due.length };
  },
);

/** One store's pass (one at a time per store: two passes at once would only meet each other's rows). */
export const storeSummariesFunction = inngest.createFunction(
  {
    id: 'store-summaries',
    triggers: [storeSummaries],
    concurrency: [{ key: 'event.data.storeHash', limit: 1 }],
    retries: 3,
    cancelOn: [{ event: storeUninstalled, match: 'data.storeHash' }],
  },
  async ({ event, step }) => {
    const store = event.data.storeHash as StoreHash;
    return step.run('post-ended-days', () =>
      translateFailures(async () => {
        const ctx = await storeContext(store);
        const days = await postEndedDays({ ...ctx, storeHash: store });
        return days.map((d) => ({ date: d.date, summaries: d.summaries.map((s) => ({ number: s.number, result: s.result, orders: s.orders, refunds: s.refunds })) }));
      }),
    );
  },
);
