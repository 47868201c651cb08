import { eventType } from 'inngest';
import { z } from 'zod';

/**
 * The events that drive background work. Names are a contract with Inngest's stored history: never rename.
 * `dedupeKey` feeds the order function's idempotency (store + order + what changed), so duplicate webhooks,
 * a sweep that finds an order a webhook already brought, and replays collapse into one run within 24 h.
 */
const storeHash = z.string().regex(/^[a-z0-9]{1,32}$/);

export const orderChanged = eventType('order/changed', {
  schema: z.object({
    storeHash,
    orderId: z.number().int().positive(),
    trigger: z.enum(['webhook', 'sweep', 'backfill', 'manual']),
    dedupeKey: z.string().min(1).max(200),
    /**
     * From a statusUpdated webhook: lets the function recognise the echo of its own status write, and (from the
     * status it replaced) a status the merchant set between our re-read and our write.
     */
    statusChange: z.object({ newStatusId: z.number().int(), previousStatusId: z.number().int().optional(), at: z.string() }).optional(),
    /** From a refund/created webhook (or the sweep's refund listing): the refunds are read even if nothing else says so. */
    refundId: z.number().int().positive().optional(),
  }),
});

const remotePostingSchema = z.object({
  storeHash,
  orderId: z.number().int().positive(),
  /** `<provider id>:<tenant id>`: the key of the throttle and concurrency limit. */
  tenant: z.string().min(1),
  trigger: z.enum(['webhook', 'sweep', 'backfill', 'manual']),
  /** The order as the order function loaded it (one BigCommerce call, not repeated here). */
  order: z.record(z.string(), z.unknown()),
  /** Its refunds as loaded (null when they were not read). */
  refunds: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
  refundsUnreadable: z.string().optional(),
});

/**
 * Plan and post one order change in a remote accounting system (`accounting/<provider id>.post`), run by that
 * provider's own function so that every call to one accounting tenant passes one throttle and one concurrency
 * limit keyed by the tenant. The order function invokes it (`step.invoke`) with the order it loaded.
 */
export function remotePosting(providerId: string) {
  return eventType(`accounting/${providerId}.post`, { schema: remotePostingSchema });
}

/**
 * The books say a document changed (a verified webhook from a remote system): its orders' statuses are checked
 * against `statuses.fromBooks`. `provider` is a registry id; tenant and document ids as the system names them.
 */
export const booksDocumentChanged = eventType('accounting/document.changed', {
  schema: z.object({ provider: z.string().min(1).max(40), tenantId: z.string().min(1).max(100), documentId: z.string().min(1).max(100) }),
});

export const storeSweep = eventType('store/sweep', { schema: z.object({ storeHash }) });

/** Daily summary mode: post, refresh or close the store's ended days (lib/jobs/summaries.ts). */
export const storeSummaries = eventType('store/summaries', { schema: z.object({ storeHash }) });

export const storeBackfill = eventType('store/backfill', {
  schema: z.object({ storeHash, backfillId: z.number().int().positive(), writeBack: z.boolean().optional() }),
});

export const storeBackfillCancelled = eventType('store/backfill.cancelled', {
  schema: z.object({ storeHash, backfillId: z.number().int().positive() }),
});

export const storeInstalled = eventType('store/installed', { schema: z.object({ storeHash }) });
export const storeUninstalled = eventType('store/uninstalled', { schema: z.object({ storeHash }) });

/** Push stock levels from the books to BigCommerce now (schedule, after a posting or an adjustment, or on request). */
export const stockPush = eventType('stock/push', {
  schema: z.object({ storeHash, reason: z.enum(['schedule', 'order_posted', 'adjustment', 'manual']), force: z.boolean().optional() }),
});

/** An inventory webhook: BigCommerce's level of a product or variant changed (maybe by our own push). */
export const stockChangedInStore = eventType('stock/changed-in-store', {
  schema: z.object({
    storeHash,
    productId: z.number().int(),
    variantId: z.number().int().nullable(),
    /** `absolute`: `level` is the new level; `relative`: `level` is the change. */
    method: z.enum(['absolute', 'relative']),
    level: z.number(),
    locationId: z.number().int().positive(),
  }),
});

/**
 * Reconcile a store's days (the nightly scheduler, or "reconcile now" on the page), or with `repair` run Repair on one
 * day (only `orderIds` when given). Results are stored per day (reconciliation_days).
 */
export const storeReconcile = eventType('store/reconcile', {
  schema: z.object({
    storeHash,
    from: z.iso.date(),
    to: z.iso.date(),
    trigger: z.enum(['schedule', 'manual']),
    repair: z.object({ date: z.iso.date(), orderIds: z.array(z.number().int().positive()).max(500).optional() }).optional(),
  }),
});

/** A store has notifications of a kind waiting for an alert email (issue 17). */
export const notifyAlertsDue = eventType('notify/alerts.due', {
  schema: z.object({ storeHash, kind: z.enum(['needs_attention', 'reconciliation_differences', 'connection_lost', 'backfill_finished', 'stock_refused']) }),
});

/** A store's daily digest of `date` (YYYY-MM-DD, a day in the store's time zone) is due. */
export const notifyDigestDue = eventType('notify/digest.due', {
  schema: z.object({ storeHash, date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
});
