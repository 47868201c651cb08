/**
 * The sweep's rules (ARCHITECTURE invariant 2: nothing is lost). Webhooks make sync fast; the sweep makes it
 * complete: it lists the orders modified since the watermark minus an overlap and enqueues every one the sync
 * records do not account for. Pure.
 */
import { refundStatuses } from './plan-sync';
import type { SyncSettings } from './settings';

/** Re-read this much before the watermark: BigCommerce's date filters have 1 s granularity and clocks drift. */
export const SWEEP_OVERLAP_MS = 10 * 60_000;
/** A record stuck in `pending` this long is a crash mid-post: enqueue it again (its idempotency key makes that safe). */
export const STALE_PENDING_MS = 15 * 60_000;

export interface SweptOrder {
  id: number;
  statusId: number;
  dateModified: Date;
}

export interface KnownRecord {
  state: string;
  orderDateModified: Date | null;
}

/** Statuses the sweep lists: the ones posted, and the ones that change a posted document. */
export function sweepStatuses(settings: SyncSettings): number[] {
  const o = settings.orders;
  return [...new Set([...o.importStatusIds, ...o.voidStatusIds, ...refundStatuses(settings)])];
}

export function sweepFrom(watermark: Date | null, settings: SyncSettings, now: Date): Date | null {
  if (watermark) return new Date(watermark.getTime() - SWEEP_OVERLAP_MS);
  // First sweep: from the orders-from date if set, else the last day (a backfill brings older history).
  if (settings.orders.ordersFromDate) return new Date(`${settings.orders.ordersFromDate}T00:00:00Z`);
  return new Date(now.getTime() - 24 * 3600_000);
}

export type SweepVerdict = 'enqueue' | 'known';

/** Is this order accounted for by its sync record? */
export function sweepVerdict(order: SweptOrder, record: KnownRecord | undefined, settings: SyncSettings, now: Date, recordUpdatedAt?: Date | null): SweepVerdict {
  const o = settings.orders;
  if (!record) {
    // Never seen: only an order that should be posted is missing (or one refunded before it was posted: it is posted
    // with its refunds); a cancelled one with no document needs nothing.
    return o.importStatusIds.includes(order.statusId) || refundStatuses(settings).has(order.statusId) ? 'enqueue' : 'known';
  }
  if (record.state === 'pending') {
    const since = recordUpdatedAt ?? record.orderDateModified;
    return since && now.getTime() - since.getTime() > STALE_PENDING_MS ? 'enqueue' : 'known';
  }
  // Changed since we last looked at it (a webhook for that change was lost).
  if (!record.orderDateModified || record.orderDateModified.getTime() < order.dateModified.getTime()) return 'enqueue';
  return 'known';
}

/** Where the refunds listing starts: its own watermark minus the overlap, or where the orders listing starts. */
export function refundsSweepFrom(refundsWatermark: Date | null, ordersFrom: Date | null): Date | null {
  return refundsWatermark ? new Date(refundsWatermark.getTime() - SWEEP_OVERLAP_MS) : ordersFrom;
}

/** The watermark after a sweep: the latest modification seen, never earlier than where it was. */
export function nextWatermark(previous: Date | null, seen: readonly SweptOrder[]): Date | null {
  let latest = previous;
  for (const order of seen) if (!latest || order.dateModified > latest) latest = order.dateModified;
  return latest;
}
