import type { StoreHash } from '@/lib/ids';
import { prepareBackfill, runBackfillPage } from '../backfill';
import { importItems } from '../items';
import { inngest } from '../client';
import { storeContext } from '@/lib/context';
import { storeBackfill, storeBackfillCancelled, storeUninstalled } from '../events';
import { translateFailures } from './retry';

/**
 * A backfill from a date: one step per page of 250 orders (lib/jobs/backfill.ts does the page's work, the same code
 * `ledgerbridge sync` runs in-process). The page cursor and the counters live on the backfill row, so a crashed or
 * restarted backfill resumes at its page, and the CLI can resume one the app started (and the other way round).
 */
export const storeBackfillFunction = inngest.createFunction(
  {
    id: 'store-backfill',
    triggers: [storeBackfill],
    // One backfill per store; and at most two stores' pages at once across the app: a page posts up to 250 orders in
    // one go, and ten stores starting at once (a fleet's onboarding day) took the CPU their new orders needed (the
    // fleet benchmark: live orders queued behind the pages for the first half minute). History can wait; live orders
    // should not.
    concurrency: [{ key: 'event.data.storeHash', limit: 1 }, { limit: 2 }],
    retries: 5,
    cancelOn: [
      { event: storeUninstalled, match: 'data.storeHash' },
      { event: storeBackfillCancelled, match: 'data.backfillId' },
    ],
    onFailure: async ({ event, error, step }) => {
      const { storeHash, backfillId } = event.data.event.data;
      await step.run('mark-failed', async () => {
        const { storeSync } = await storeContext(storeHash as StoreHash);
        await storeSync.finishBackfill(storeHash as StoreHash, backfillId, 'failed', error.message);
      });
    },
  },
  async ({ event, step }) => {
    const store = event.data.storeHash as StoreHash;
    const { backfillId } = event.data;
    const writeBack = event.data.writeBack ?? false;

    const start = await step.run('count-orders', () =>
      translateFailures(async () => {
        const ctx = await storeContext(store);
        return prepareBackfill({ ...ctx, importItems: () => importItems(ctx, { dryRun: false, updateDetails: false }) }, backfillId);
      }),
    );
    if (!start.running) return { status: 'not running' };

    for (let page = start.nextPage; ; page += 1) {
      const outcome = await step.run(`page-${page}`, () =>
        translateFailures(async () => runBackfillPage(await storeContext(store), backfillId, page, { writeBack })),
      );
      if (outcome.stop === 'cancelled') return { status: 'cancelled', lastPage: page };
      if (!outcome.more) break;
    }

    await step.run('finish', async () => {
      const { storeSync } = await storeContext(store);
      await storeSync.finishBackfill(store, backfillId, 'completed');
    });
    return { status: 'completed' };
  },
);
