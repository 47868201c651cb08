import type { RecordedDelivery } from '@/lib/bigcommerce/webhooks';
import { getDb } from '@/db';
import type { StoreHash } from '@/lib/ids';
import { logger } from '@/lib/logger';
import { createStockRepo } from '@/lib/repos/stock';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import { storeContext } from '@/lib/context';
import { classifyStatusChange } from '@/lib/sync/pipeline';
import { isOwnStockEcho } from '@/lib/sync/stock';
import { inngest, jobsConfigured } from './client';
import { orderChanged, stockChangedInStore, storeInstalled, storeUninstalled } from './events';

const ORDER_SCOPES = new Set(['store/order/created', 'store/order/updated', 'store/order/statusUpdated', 'store/order/refund/created']);

const INVENTORY_SCOPES = new Set(['store/product/inventory/updated', 'store/sku/inventory/updated']);
/** BigCommerce's inventory webhooks do not name a location: they concern the default location. */
const DEFAULT_BC_LOCATION = 1;

/** The event a webhook delivery becomes. */
export function eventForDelivery(delivery: RecordedDelivery) {
  const inventory = delivery.event.data.inventory;
  if (INVENTORY_SCOPES.has(delivery.scope) && inventory) {
    return stockChangedInStore.create(
      {
        storeHash: delivery.storeHash,
        productId: inventory.product_id,
        variantId: inventory.variant_id ?? null,
        method: inventory.method === 'relative' ? 'relative' : 'absolute',
        level: inventory.value,
        locationId: DEFAULT_BC_LOCATION,
      },
      { id: `wh-${delivery.storeHash}-${delivery.hash}` },
    );
  }
  if (!ORDER_SCOPES.has(delivery.scope)) return null;
  const status = delivery.event.data.status;
  const refund = delivery.scope === 'store/order/refund/created' ? delivery.event.data.refund : undefined;
  return orderChanged.create(
    {
      storeHash: delivery.storeHash,
      orderId: delivery.resourceId,
      trigger: 'webhook',
      // A refund's deliveries (duplicated, retried) collapse into one run per refund id.
      dedupeKey: refund ? `refund-${refund.refund_id}` : `wh-${delivery.hash}`,
      ...(refund ? { refundId: refund.refund_id } : {}),
      ...(status && delivery.scope === 'store/order/statusUpdated'
        ? { statusChange: { newStatusId: status.new_status_id, previousStatusId: status.previous_status_id, at: delivery.eventCreatedAt.toISOString() } }
        : {}),
    },
    { id: `wh-${delivery.storeHash}-${delivery.hash}` },
  );
}

/** Sends events, or logs why it cannot; never throws (the sweep recovers anything not sent). */
export async function sendJobEvents(events: Array<Parameters<typeof inngest.send>[0]>, context: Record<string, unknown>): Promise<boolean> {
  if (!jobsConfigured()) {
    logger().warn(context, 'jobs: Inngest is not configured (INNGEST_DEV or INNGEST_EVENT_KEY); event not sent');
    return false;
  }
  try {
    for (const event of events) await inngest.send(event);
    return true;
  } catch (error) {
    logger().error({ ...context, error: String(error) }, 'jobs: sending the event failed; the sweep will catch up');
    return false;
  }
}

/**
 * BigCommerce sends one inventory webhook per SKU our push changed: recognise those echoes here (one query) rather
 * than start a job for each. Anything else goes to the stock-changed-in-store function.
 */
async function isStockEcho(delivery: RecordedDelivery): Promise<boolean> {
  const inventory = delivery.event.data.inventory;
  if (!INVENTORY_SCOPES.has(delivery.scope) || !inventory || inventory.method === 'relative') return false;
  const stock = createStockRepo({ db: await getDb() });
  const sku = await stock.skuOf(delivery.storeHash, { productId: inventory.product_id, variantId: inventory.variant_id ?? null });
  if (!sku) return false;
  return isOwnStockEcho(await stock.lastPushedOne(delivery.storeHash, sku, DEFAULT_BC_LOCATION), inventory.value);
}

/**
 * Every status we write back comes back as a store/order/statusUpdated webhook. Recognised here (one query for the
 * store, one for the order's record: classifyStatusChange, the rule the order's run applies in `check-echo`), a
 * plain echo starts no run. Sent on as before: a change that is not ours, an echo whose write replaced a status the
 * merchant had just set (the run puts that status back), an echo that arrives before our write was recorded, and
 * anything when the check cannot be made (the run decides then).
 */
async function isPlainStatusEcho(delivery: RecordedDelivery): Promise<boolean> {
  const status = delivery.event.data.status;
  if (delivery.scope !== 'store/order/statusUpdated' || !status) return false;
  try {
    const { pipeline } = await storeContext(delivery.storeHash);
    const change = { newStatusId: status.new_status_id, previousStatusId: status.previous_status_id, at: delivery.eventCreatedAt };
    const echo = await classifyStatusChange(pipeline, delivery.resourceId, change);
    return echo.echo && echo.restore === null;
  } catch (error) {
    logger().warn({ storeHash: delivery.storeHash, orderId: delivery.resourceId, error: String(error) }, 'jobs: could not check for a status echo; the run will');
    return false;
  }
}

type JobEvent = NonNullable<ReturnType<typeof eventForDelivery>>;
interface Batch {
  events: JobEvent[];
  done: Promise<boolean>;
  flush: () => void;
}

/** Events waiting to go out together (on globalThis: Next may load this module once per route bundle). */
const batching = globalThis as unknown as { __lbEventBatch?: Batch | null };

/** Deliveries arriving within this window share one request to Inngest (at most MAX_BATCH events). */
const BATCH_WINDOW_MS = 15;
const MAX_BATCH = 200;

/**
 * Queues an event for the next batch; resolves once that batch was sent. One request per burst instead of one per
 * webhook keeps the receiver's cost per delivery low; a batch lost to a crash is recovered by the sweep.
 */
function sendBatched(event: JobEvent, context: Record<string, unknown>): Promise<boolean> {
  let batch = batching.__lbEventBatch;
  if (!batch) {
    let release!: () => void;
    const ready = new Promise<void>((resolve) => (release = resolve));
    const created: Batch = {
      events: [],
      done: ready.then(() => sendJobEvents([created.events], { ...context, batch: created.events.length })),
      flush: () => {
        if (batching.__lbEventBatch === created) batching.__lbEventBatch = null;
        clearTimeout(timer);
        release();
      },
    };
    const timer = setTimeout(() => created.flush(), BATCH_WINDOW_MS);
    batching.__lbEventBatch = batch = created;
  }
  batch.events.push(event);
  if (batch.events.length >= MAX_BATCH) batch.flush();
  return batch.done;
}

export const dispatchDelivery = async (delivery: RecordedDelivery) => {
  const event = eventForDelivery(delivery);
  if (!event || (await isStockEcho(delivery)) || (await isPlainStatusEcho(delivery))) return;
  await sendBatched(event, { storeHash: delivery.storeHash, scope: delivery.scope });
};

export const dispatchInstalled = (storeHash: string) =>
  sendJobEvents([storeInstalled.create({ storeHash })], { storeHash, event: 'store/installed' });

export const dispatchUninstalled = (storeHash: string) =>
  sendJobEvents([storeUninstalled.create({ storeHash })], { storeHash, event: 'store/uninstalled' });

/**
 * Enqueues every order of the store that is held or failed (after a reconnection, or a fixed mapping): each runs the
 * pipeline again under its idempotency key, so an order that did reach the books is not posted twice.
 */
export async function retryUnposted(storeHash: string): Promise<number> {
  const ids = await createSyncRecordRepo({ db: await getDb() }).unpostedOrderIds(storeHash as StoreHash);
  const nonce = Date.now().toString(36);
  const events = ids.map((orderId) =>
    orderChanged.create({ storeHash, orderId, trigger: 'manual', dedupeKey: `retry-${nonce}` }),
  );
  for (let i = 0; i < events.length; i += 500) await sendJobEvents([events.slice(i, i + 500)], { storeHash, retry: ids.length });
  return ids.length;
}
