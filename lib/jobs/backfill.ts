/**
 * The work of a backfill, page by page. One implementation for both runners: the `store/backfill` Inngest function
 * (one step per page) and the command line (`ledgerbridge sync`, pages in-process). The page cursor and the counters
 * live on the backfill row, so either runner can resume what the other (or a crashed run) left off; orders of a page
 * that ran twice are recognised by their sync records and idempotency keys, never posted twice.
 */
import type { BigCommerceClient } from '@/lib/bigcommerce/client';
import { TransientFailure } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import type { BackfillRow, StoreSyncRepo } from '@/lib/repos/store-sync';
import type { BcRefund } from '@/lib/bigcommerce/client/model';
import { mayHaveRefunds, processLoadedOrders, type OrderResult, type OrderToPlan, type PipelineDeps } from '@/lib/sync/pipeline';

/** What a backfill page needs: the store's BigCommerce client, the backfill rows, and the order pipeline. */
export interface BackfillDeps {
  client: Pick<BigCommerceClient, 'ordersPage' | 'ordersCount' | 'listRefunds'>;
  storeSync: Pick<StoreSyncRepo, 'backfill' | 'setBackfillTotal' | 'recordBackfillPage'>;
  pipeline: PipelineDeps;
  /** Creates the store's products as items in the books (setting `items.importBeforeFirstBackfill`). */
  importItems?: () => Promise<unknown>;
}

export interface BackfillCounts {
  seen: number;
  posted: number;
  skipped: number;
  failed: number;
}

export type BackfillStart =
  | { running: false }
  | { running: true; fromDate: string; nextPage: number; total: number | null };

export type BackfillPageOutcome =
  /** The backfill was cancelled (or finished) elsewhere: stop paging. */
  | { stop: 'cancelled'; more: false }
  /** Another run already recorded this page; go on with the next one. */
  | { stop: null; more: true; skippedPage: true }
  | { stop: null; more: boolean; counts: BackfillCounts };

/** The first ISO instant of the backfill's date, as the orders filter takes it. */
const fromInstant = (backfill: Pick<BackfillRow, 'fromDate'>) => `${backfill.fromDate}T00:00:00Z`;

/**
 * Reads the backfill and, the first time, counts the orders it will page through (for progress and ETA).
 * A failed count is not fatal: the progress shows no total.
 */
export async function prepareBackfill(deps: BackfillDeps, backfillId: number): Promise<BackfillStart> {
  const store = deps.pipeline.storeHash;
  const backfill = await deps.storeSync.backfill(store, backfillId);
  if (!backfill || backfill.status !== 'running') return { running: false };
  // Before the first page, so the orders' SKUs find their items (idempotent: a resumed backfill repeats it harmlessly).
  if (backfill.nextPage === 1 && deps.pipeline.settings.items.importBeforeFirstBackfill && deps.importItems) await deps.importItems();
  let total = backfill.total;
  if (total === null) {
    const counted = await deps.client.ordersCount({ minDateCreated: fromInstant(backfill) });
    if (counted.ok) {
      total = counted.value;
      await deps.storeSync.setBackfillTotal(store, backfillId, total);
    }
  }
  return { running: true, fromDate: backfill.fromDate, nextPage: backfill.nextPage, total };
}

/** Orders of a page processed at once (never more than the provider's declared concurrency). */
export const PAGE_CONCURRENCY = 8;

/** How an order's pipeline result counts in a backfill's progress. */
export function countResult(counts: BackfillCounts, result: OrderResult): void {
  counts.seen += 1;
  if (result === 'posted' || result === 'voided' || result === 'credited' || result === 'updated' || result === 'paid' || result === 'refunded') counts.posted += 1;
  else if (result === 'skipped') counts.skipped += 1;
  else counts.failed += 1;
}

/**
 * Lists one page (250 orders with line items embedded: 10,000 orders cost 40 calls), runs the pipeline on each
 * order, and records the page on the backfill row (cursor + counters, only if the cursor was still at this page).
 * Rate limits and outages throw TransientFailure (the caller retries the page); other listing failures throw.
 */
export async function runBackfillPage(
  deps: BackfillDeps,
  backfillId: number,
  page: number,
  options: { writeBack: boolean },
): Promise<BackfillPageOutcome> {
  const store: StoreHash = deps.pipeline.storeHash;
  const backfill = await deps.storeSync.backfill(store, backfillId);
  if (!backfill || backfill.status !== 'running') return { stop: 'cancelled', more: false };
  // Another run of this backfill (a restart, or the CLI and the app at once) may have moved past this page already.
  if (backfill.nextPage > page) return { stop: null, more: true, skippedPage: true };
  const listed = await deps.client.ordersPage({ minDateCreated: fromInstant(backfill), sort: 'id:asc' }, page);
  if (!listed.ok) {
    if (listed.error.kind === 'RateLimited' || listed.error.kind === 'Unavailable') {
      throw new TransientFailure(listed.error.message, listed.error.kind === 'RateLimited' ? listed.error.resetMs : undefined);
    }
    throw new Error(`listing page ${page}: ${listed.error.kind} ${listed.error.message}`);
  }
  const counts: BackfillCounts = { seen: 0, posted: 0, skipped: 0, failed: 0 };
  // Several orders at once (each order's work is independent and idempotent), within what the accounting system
  // allows at once; where it takes documents in batches (Xero: 50 invoices a request) the page's new documents go
  // out that way, so a 10,000-order backfill costs a few hundred calls instead of tens of thousands.
  const workers = Math.max(1, Math.min(PAGE_CONCURRENCY, deps.pipeline.provider.limits.concurrency));
  const orders = await withRefunds(deps, listed.value.orders);
  const processed = await processLoadedOrders(deps.pipeline, orders, { trigger: 'backfill', writeBack: options.writeBack, workers });
  for (const { result } of processed) countResult(counts, result);
  await deps.storeSync.recordBackfillPage(store, backfillId, page, counts);
  return { stop: null, more: listed.value.more, counts };
}

/**
 * The refunds of a page's orders that may have any (refunded amount or status), in one listing (`order_id:in`), so a
 * historical refund is credited as the order is posted. Refunds that cannot be read (a permission not granted) are
 * left to the sweep, which lists them once it is granted.
 */
async function withRefunds(deps: BackfillDeps, orders: OrderToPlan['order'][]): Promise<OrderToPlan[]> {
  const refunded = orders.filter((o) => mayHaveRefunds(o, deps.pipeline.settings, false)).map((o) => o.id);
  if (refunded.length === 0) return orders.map((order) => ({ order, refunds: null }));
  const listed = await deps.client.listRefunds({ orderIds: refunded });
  if (!listed.ok) {
    if (listed.error.kind === 'RateLimited' || listed.error.kind === 'Unavailable') {
      throw new TransientFailure(listed.error.message, listed.error.kind === 'RateLimited' ? listed.error.resetMs : undefined);
    }
    const why = `BigCommerce did not let the app read refunds (${listed.error.message}); re-authorize the app to book them.`;
    return orders.map((order) => (refunded.includes(order.id) ? { order, refunds: null, refundsUnreadable: why } : { order, refunds: null }));
  }
  const byOrder = new Map<number, BcRefund[]>();
  for (const refund of listed.value) byOrder.set(refund.orderId, [...(byOrder.get(refund.orderId) ?? []), refund]);
  return orders.map((order) => ({ order, refunds: refunded.includes(order.id) ? (byOrder.get(order.id) ?? []) : null }));
}
