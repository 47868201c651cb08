/**
 * Bulk actions from the activity page: "import selected" (any orders, by id) and "retry failed" (the selected
 * failed or held orders, or all of them). Each order becomes one `order/changed` event with trigger "manual" and
 * a dedupe key of its own, so a click always runs (Inngest would otherwise collapse it with an earlier run), while
 * the sync record's idempotency key still makes a second post impossible.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { StoreHash } from '@/lib/ids';

export const MAX_BULK = 500;

export const importSelectedSchema = z.object({
  orderIds: z
    .array(z.number().int().positive('Order ids are positive whole numbers'))
    .min(1, 'Select at least one order')
    .max(MAX_BULK, `Select at most ${MAX_BULK} orders at a time`),
});

export const retryFailedSchema = z.object({
  /** Omitted: every failed or held order (up to MAX_BULK, most recent first). */
  orderIds: z.array(z.number().int().positive()).max(MAX_BULK).optional(),
});

export interface ManualEvent {
  storeHash: StoreHash;
  orderId: number;
  trigger: 'manual';
  dedupeKey: string;
}

export interface BulkDeps {
  storeHash: StoreHash;
  send(events: ManualEvent[]): Promise<boolean>;
  /** Failed or held orders of the store among `orderIds` (all when undefined). */
  failedOrders(orderIds?: readonly number[]): Promise<number[]>;
  /** Timeline entry so the order page shows who asked. */
  note(orderId: number, message: string): Promise<void>;
  userId: number | null;
}

export type BulkResult = { ok: true; queued: number[] } | { ok: false; message: string };

function events(storeHash: StoreHash, orderIds: readonly number[]): ManualEvent[] {
  const batch = randomUUID();
  return orderIds.map((orderId) => ({ storeHash, orderId, trigger: 'manual', dedupeKey: `manual-${batch}-${orderId}` }));
}

async function queue(deps: BulkDeps, orderIds: number[], what: string): Promise<BulkResult> {
  if (orderIds.length === 0) return { ok: true, queued: [] };
  if (!(await deps.send(events(deps.storeHash, orderIds)))) {
    return { ok: false, message: 'The background job service is unreachable; nothing was queued. Try again in a minute.' };
  }
  for (const orderId of orderIds) await deps.note(orderId, `${what} requested${deps.userId ? ` by user ${deps.userId}` : ''}.`);
  return { ok: true, queued: orderIds };
}

export function importSelected(deps: BulkDeps, input: z.infer<typeof importSelectedSchema>): Promise<BulkResult> {
  return queue(deps, [...new Set(input.orderIds)], 'Import');
}

export async function retryFailed(deps: BulkDeps, input: z.infer<typeof retryFailedSchema>): Promise<BulkResult> {
  const failed = await deps.failedOrders(input.orderIds);
  return queue(deps, failed, 'Retry');
}
