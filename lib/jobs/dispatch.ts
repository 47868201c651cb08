import type { RecordedDelivery } from '@/lib/bigcommerce/webhooks';
import { logger } from '@/lib/logger';
import { inngest, jobsConfigured } from './client';
import { orderChanged, storeInstalled, storeUninstalled } from './events';

const ORDER_SCOPES = new Set(['store/order/created', 'store/order/updated', 'store/order/statusUpdated', 'store/order/refund/created']);

/** The event a webhook delivery becomes (inventory scopes are handled by the stock job). */
export function eventForDelivery(delivery: RecordedDelivery) {
  if (!ORDER_SCOPES.has(delivery.scope)) return null;
  const status = delivery.event.data.status;
  return orderChanged.create(
    {
      storeHash: delivery.storeHash,
      orderId: delivery.resourceId,
      trigger: 'webhook',
      dedupeKey: `wh-${delivery.hash}`,
      ...(status && delivery.scope === 'store/order/statusUpdated'
        ? { statusChange: { newStatusId: status.new_status_id, at: delivery.eventCreatedAt.toISOString() } }
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

export const dispatchDelivery = async (delivery: RecordedDelivery) => {
  const event = eventForDelivery(delivery);
  if (event) await sendJobEvents([event], { storeHash: delivery.storeHash, scope: delivery.scope });
};

export const dispatchInstalled = (storeHash: string) =>
  sendJobEvents([storeInstalled.create({ storeHash })], { storeHash, event: 'store/installed' });

export const dispatchUninstalled = (storeHash: string) =>
  sendJobEvents([storeUninstalled.create({ storeHash })], { storeHash, event: 'store/uninstalled' });
