import { TransientFailure } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import { processLoadedOrder, type OrderResult } from '@/lib/sync/pipeline';
import { inngest } from '../client';
import { storeContext } from '../context';
import { storeBackfill, storeBackfillCancelled, storeUninstalled } from '../events';
import { translateFailures } from './retry';

/**
 * A backfill from a date: pages through the store's orders (250 a call, line items embedded, so 10,000 orders
 * cost 40 calls) and runs the pipeline on each order of the page inside one step. The page cursor and the
 * counters live on the backfill row, so a crashed or restarted backfill resumes at its page; orders of a page
 * that ran twice are recognised by their sync records and idempotency keys, never posted twice.
 */
export const storeBackfillFunction = inngest.createFunction(
  {
    id: 'store-backfill',
    triggers: [storeBackfill],
    concurrency: [{ key: 'event.data.storeHash', limit: 1 }],
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
        const { client, storeSync } = await storeContext(store);
        const backfill = await storeSync.backfill(store, backfillId);
        if (!backfill || backfill.status !== 'running') return { running: false as const };
        if (backfill.total === null) {
          const total = await client.ordersCount({ minDateCreated: `${backfill.fromDate}T00:00:00Z` });
          if (total.ok) await storeSync.setBackfillTotal(store, backfillId, total.value);
        }
        return { running: true as const, fromDate: backfill.fromDate, nextPage: backfill.nextPage };
      }),
    );
    if (!start.running) return { status: 'not running' };

    for (let page = start.nextPage; ; page += 1) {
      const outcome = await step.run(`page-${page}`, () =>
        translateFailures(async () => {
          const ctx = await storeContext(store);
          const backfill = await ctx.storeSync.backfill(store, backfillId);
          if (!backfill || backfill.status !== 'running') return { stop: 'cancelled' as const, more: false };
          // Another run of this backfill (a restart) may have moved past this page already.
          if (backfill.nextPage > page) return { stop: null, more: true, skippedPage: true };
          const listed = await ctx.client.ordersPage({ minDateCreated: `${start.fromDate}T00:00:00Z`, sort: 'id:asc' }, page);
          if (!listed.ok) {
            if (listed.error.kind === 'RateLimited' || listed.error.kind === 'Unavailable') {
              throw new TransientFailure(listed.error.message, listed.error.kind === 'RateLimited' ? listed.error.resetMs : undefined);
            }
            throw new Error(`listing page ${page}: ${listed.error.kind} ${listed.error.message}`);
          }
          const counts = { seen: 0, posted: 0, skipped: 0, failed: 0 };
          const tally = (result: OrderResult) => {
            counts.seen += 1;
            if (result === 'posted' || result === 'voided' || result === 'credited') counts.posted += 1;
            else if (result === 'skipped') counts.skipped += 1;
            else counts.failed += 1;
          };
          for (const order of listed.value.orders) {
            const { result } = await processLoadedOrder(ctx.pipeline, order, { trigger: 'backfill', writeBack });
            tally(result);
          }
          await ctx.storeSync.recordBackfillPage(store, backfillId, page, counts);
          return { stop: null, more: listed.value.more, counts };
        }),
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
