import type { StoreHash } from '@/lib/ids';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { createSettingsRepo } from '@/lib/repos/settings';
import { getDb } from '@/db';
import { TransientFailure } from '@/lib/errors';
import { applyBooksStatus, finalBooksStatusIds, fromBooksOn } from '@/lib/sync/pipeline';
import { nextWatermark, refundsSweepFrom, sweepFrom, sweepStatuses, sweepVerdict, type SweptOrder } from '@/lib/sync/sweep';
import { inngest } from '../client';
import { storeContext } from '@/lib/context';
import { orderChanged, stockPush, storeSweep, storeUninstalled } from '../events';
import { translateFailures } from './retry';

/** statuses.fromBooks: documents read per sweep, and how far back (webhooks carry the rest). */
const BOOKS_CHECKS_PER_SWEEP = 5;
const BOOKS_CHECK_DAYS = 30;

/** Every minute: fan out a sweep (and a stock push) to each installed store whose interval is due. */
export const sweepSchedulerFunction = inngest.createFunction(
  { id: 'sweep-scheduler', triggers: [{ cron: '* * * * *' }], retries: 1 },
  async ({ step }) => {
    const due = await step.run('find-due-stores', async () => {
      const db = await getDb();
      const settingsRepo = createSettingsRepo({ db });
      const now = Date.now();
      const elapsed = (at: Date | string | null, minutes: number) => !at || now - new Date(at).getTime() >= minutes * 60_000 - 5_000;
      const sweeps: string[] = [];
      const stock: string[] = [];
      for (const store of await createStoreSyncRepo({ db }).installedStores()) {
        const { settings } = await settingsRepo.current(store.storeHash);
        if (settings.orders.autoSync && elapsed(store.lastSweepAt, settings.orders.sweepIntervalMinutes)) sweeps.push(store.storeHash);
        if (settings.stock.enabled && elapsed(store.lastStockPushAt, settings.stock.intervalMinutes)) stock.push(store.storeHash);
      }
      return { sweeps, stock };
    });
    if (due.sweeps.length > 0) await step.sendEvent('fan-out', due.sweeps.map((storeHash) => storeSweep.create({ storeHash })));
    if (due.stock.length > 0) {
      await step.sendEvent('fan-out-stock', due.stock.map((storeHash) => stockPush.create({ storeHash, reason: 'schedule' })));
    }
    return { swept: due.sweeps.length, stockPushes: due.stock.length };
  },
);

/**
 * One store's sweep: list the orders modified since the watermark (minus an overlap) in the statuses that matter,
 * compare with the sync records, and enqueue what they do not account for. The watermark advances only past
 * pages fully handled.
 */
export const storeSweepFunction = inngest.createFunction(
  {
    id: 'store-sweep',
    triggers: [storeSweep],
    concurrency: [{ key: 'event.data.storeHash', limit: 1 }],
    retries: 3,
    cancelOn: [{ event: storeUninstalled, match: 'data.storeHash' }],
  },
  async ({ event, step }) => {
    const store = event.data.storeHash as StoreHash;
    const found = await step.run('list-missing-orders', () =>
      translateFailures(async () => {
        const { client, records, settings, storeSync, sync, providerId } = await storeContext(store);
        const now = new Date();
        const from = sweepFrom(sync.watermark ? new Date(sync.watermark) : null, settings, now);
        const missing: Array<{ id: number; modified: string }> = [];
        const seen: SweptOrder[] = [];
        for await (const page of client.listOrders({ minDateModified: from ?? undefined, statusIds: sweepStatuses(settings) })) {
          if (!page.ok) break; // the watermark only covers what was seen
          const orders = page.value.map((o) => ({ id: o.id, statusId: o.status_id, dateModified: new Date(o.date_modified) }));
          const known = await records.statesOf(store, providerId, orders.map((o) => o.id));
          for (const order of orders) {
            if (sweepVerdict(order, known.get(order.id), settings, now) === 'enqueue') {
              missing.push({ id: order.id, modified: order.dateModified.toISOString() });
            }
          }
          seen.push(...orders);
        }
        // Refunds by date as well: a lost refund webhook on an order whose status is no longer swept is found here.
        const refundsFrom = refundsSweepFrom(sync.refundsWatermark ? new Date(sync.refundsWatermark) : null, from);
        const refunds = await client.listRefunds(refundsFrom ? { createdMin: refundsFrom.toISOString() } : {});
        let refundsSeen: number | string = 'unreadable';
        if (refunds.ok) {
          const booked = await records.bookedRefundIds(store, providerId, refunds.value.map((r) => r.id));
          for (const refund of refunds.value) {
            if (!booked.has(refund.id) && !missing.some((m) => m.id === refund.orderId)) missing.push({ id: refund.orderId, modified: `refund-${refund.id}` });
          }
          refundsSeen = refunds.value.length;
          // Every refund created before the listing began was in it (the next listing re-reads an overlap before this).
          await storeSync.recordRefundsSweep(store, now);
        } else if (refunds.error.kind === 'RateLimited' || refunds.error.kind === 'Unavailable') {
          throw new TransientFailure(refunds.error.message, refunds.error.kind === 'RateLimited' ? refunds.error.resetMs : undefined);
        }
        const stale = await records.stalePending(store, new Date(now.getTime() - 15 * 60_000));
        for (const id of stale) if (!missing.some((m) => m.id === id)) missing.push({ id, modified: `stale-${now.toISOString()}` });
        const watermark = nextWatermark(sync.watermark ? new Date(sync.watermark) : null, seen);
        await storeSync.recordSweep(store, watermark, { seen: seen.length, refunds: refundsSeen, missing: missing.length, at: now.toISOString() });
        return { missing, seen: seen.length, booksCheck: fromBooksOn(settings) };
      }),
    );
    for (let i = 0; i < found.missing.length; i += 500) {
      const batch = found.missing.slice(i, i + 500);
      await step.sendEvent(
        `enqueue-${i / 500}`,
        batch.map((m) =>
          orderChanged.create({
            storeHash: store, orderId: m.id, trigger: 'sweep',
            // A refund found here and its (late) webhook collapse into one run: the same key as dispatch.ts gives it.
            dedupeKey: m.modified.startsWith('refund-') ? m.modified : `sweep-${m.modified}`,
            ...(m.modified.startsWith('refund-') ? { refundId: Number(m.modified.slice('refund-'.length)) } : {}),
          }),
        ),
      );
    }
    if (!found.booksCheck) return { seen: found.seen, enqueued: found.missing.length };
    // What webhooks miss (a delivery lost, a system without webhooks configured): a few recently posted documents are
    // read each sweep, through the provider's pacer (at a 15-minute interval, under 500 reads a day of Xero's 5,000).
    const books = await step.run('check-books-statuses', () =>
      translateFailures(async () => {
        const { pipeline, records, providerId, settings } = await storeContext(store);
        if (!pipeline.provider.documentStatus) return { checked: 0, written: 0 };
        const since = new Date(Date.now() - BOOKS_CHECK_DAYS * 86_400_000);
        const ids = await records.postedForBooksCheck(store, providerId, { since, finalStatusIds: finalBooksStatusIds(settings), limit: BOOKS_CHECKS_PER_SWEEP });
        let written = 0;
        for (const id of ids) if ((await applyBooksStatus(pipeline, id)).written !== null) written += 1;
        return { checked: ids.length, written };
      }),
    );
    return { seen: found.seen, enqueued: found.missing.length, booksChecked: books.checked, booksWritten: books.written };
  },
);
