import type { StoreHash } from '@/lib/ids';
import { handleStoreStockChange, runStockPush } from '@/lib/sync/stock-push';
import { inngest } from '../client';
import { pushProductDetails } from '../items';
import { stockChangedInStore, stockPush, storeUninstalled } from '../events';
import { stockContext } from '../stock-context';
import { translateFailures } from './retry';

/**
 * Levels from the books → BigCommerce inventory: only what changed since the last push, in batches of 2,000 per
 * location. One push at a time per store; bursts (many orders posted at once) collapse into one push.
 */
export const stockPushFunction = inngest.createFunction(
  {
    id: 'stock-push',
    triggers: [stockPush],
    concurrency: [{ key: 'event.data.storeHash', limit: 1 }],
    debounce: { key: 'event.data.storeHash', period: '5s' },
    retries: 5,
    cancelOn: [{ event: storeUninstalled, match: 'data.storeHash' }],
  },
  async ({ event, step }) => {
    const store = event.data.storeHash as StoreHash;
    const result = await step.run('push-levels', () =>
      translateFailures(async () => {
        const ctx = await stockContext(store);
        const pushed = await runStockPush(ctx.stockDeps, { force: event.data.force ?? false });
        if (pushed.enabled) await ctx.storeSync.recordStockPush(store);
        return { ...pushed, pushDetails: ctx.settings.items.pushProductDetails };
      }),
    );
    // Product details (setting `items.pushProductDetails`, off by default) ride along with the scheduled push and
    // "Push stock now"; the pushes a posted order or a stock count asks for stay about quantities only.
    const details =
      result.pushDetails && (event.data.reason === 'schedule' || event.data.reason === 'manual')
        ? await step.run('push-product-details', () =>
            translateFailures(async () => {
              const ctx = await stockContext(store);
              const pushed = await pushProductDetails(ctx, { dryRun: false });
              for (const failed of pushed.failed) await ctx.stock.addEvent(store, { sku: failed.sku, kind: 'details_failed', message: failed.message });
              if (pushed.products + pushed.variants > 0) {
                await ctx.stock.addEvent(store, {
                  sku: null,
                  kind: 'details_pushed',
                  message: `Sent the books' details of ${pushed.products} product(s) and ${pushed.variants} variant(s) to BigCommerce.`,
                  detail: { products: pushed.products, variants: pushed.variants, failed: pushed.failed.length, requests: pushed.requests },
                });
              }
              return { products: pushed.products, variants: pushed.variants, failed: pushed.failed.length, requests: pushed.requests };
            }),
          )
        : null;
    return {
      enabled: result.enabled, sent: result.sent, unchanged: result.unchanged, skipped: result.skipped.length, failed: result.failed.length, requests: result.requests,
      ...(details ? { details } : {}),
    };
  },
);

/** An inventory webhook: ignore the echo of our own push; report (or let the next push overwrite) anyone else's change. */
export const stockChangedInStoreFunction = inngest.createFunction(
  { id: 'stock-changed-in-store', triggers: [stockChangedInStore], retries: 3 },
  async ({ event, step }) => {
    const store = event.data.storeHash as StoreHash;
    return step.run('compare-with-books', async () => {
      const { stock, settings } = await stockContext(store);
      if (!settings.stock.enabled) return { outcome: 'stock sync off' };
      const outcome = await handleStoreStockChange(
        { storeHash: store, records: stock, settings: settings.stock, forget: stock.forget, skuOf: stock.skuOf },
        {
          productId: event.data.productId,
          variantId: event.data.variantId,
          locationId: event.data.locationId,
          method: event.data.method,
          level: event.data.level,
        },
      );
      return { outcome };
    });
  },
);
