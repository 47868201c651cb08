/**
 * Step `load-order`: the order (one call, line items and fees embedded) and, when it may have any, its refunds
 * (BigCommerce's V3 refunds: the V2 `refunded_amount` is not a reliable source).
 */
import type { BcRefund } from '@/lib/bigcommerce/client/model';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { ORDER_STATUS, type SyncSettings } from '../settings';
import { fromStore } from './failures';
import { keyOf, type PipelineDeps, type SyncRecord } from './ports';

export type LoadedOrder =
  | {
      found: true;
      order: BcOrder;
      /** The order's refunds by id ascending; null when they were not read (none can exist, or reading was refused). */
      refunds: BcRefund[] | null;
      /** Why the refunds could not be read (a permission the store has not granted): said on the timeline. */
      refundsUnreadable?: string;
      /** Had a status been written back for this order already (the record says so; it is never unwritten)? */
      statusWritten?: boolean;
    }
  | { found: false };

/**
 * Could the order have refunds (or do its refunds matter)? Any refund moves BigCommerce's `refunded_amount` or its
 * status to (Partially) Refunded; a posted order is read every time, since a refund to book may be why we are here.
 */
export function mayHaveRefunds(order: BcOrder, settings: SyncSettings, posted: boolean): boolean {
  const refundStatuses = new Set<number>([ORDER_STATUS.refunded, ORDER_STATUS.partiallyRefunded, ...settings.orders.refundStatusIds]);
  const refunded = order.refunded_amount !== undefined && order.refunded_amount !== null && !/^0*(\.0*)?$/.test(String(order.refunded_amount));
  return posted || refunded || refundStatuses.has(order.status_id) || /refund/i.test(order.payment_status ?? '');
}

type LoadDeps = Pick<PipelineDeps, 'store' | 'records' | 'settings' | 'storeHash' | 'providerId'>;

export async function loadOrder(deps: LoadDeps, orderId: number, options: { refunds?: boolean } = {}): Promise<LoadedOrder> {
  return (await loadOrderAndRecord(deps, orderId, options)).loaded;
}

/**
 * loadOrder, and the order's record as read while loading it: a step that plans right after (the built-in ledger's
 * `load-order`) hands it to the plan (OrderToPlan.record) instead of reading it again. Not for a step's result: the
 * record holds the whole document booked.
 */
export async function loadOrderAndRecord(deps: LoadDeps, orderId: number, options: { refunds?: boolean } = {}): Promise<{ loaded: LoadedOrder; record: SyncRecord | null }> {
  const result = await deps.store.getOrder(orderId);
  if (!result.ok) {
    if (result.error.kind === 'NotFound') return { loaded: { found: false }, record: null };
    return fromStore(result.error, `loading order ${orderId}`);
  }
  const order = result.value;
  const record = await deps.records.get(keyOf(deps, orderId));
  const statusWritten = record?.writtenStatusId != null;
  if (!options.refunds && !mayHaveRefunds(order, deps.settings, record?.remoteId != null)) return { loaded: { found: true, order, refunds: null, statusWritten }, record };
  return { loaded: { found: true, order, ...(await loadRefunds(deps, orderId)), statusWritten }, record };
}

export async function loadRefunds(deps: Pick<PipelineDeps, 'store'>, orderId: number): Promise<{ refunds: BcRefund[] | null; refundsUnreadable?: string }> {
  if (!deps.store.refunds) return { refunds: null };
  const refunds = await deps.store.refunds(orderId);
  if (refunds.ok) return { refunds: [...refunds.value].sort((a, b) => a.id - b.id) };
  if (refunds.error.kind === 'NotFound') return { refunds: [] };
  if (refunds.error.kind === 'Forbidden') {
    // Nothing is lost: the sweep lists refunds again once the store grants the permission (re-authorize the app).
    return {
      refunds: null,
      refundsUnreadable: `BigCommerce did not let the app read this order's refunds (permission ${refunds.error.missingScope ?? 'to read transactions'}); re-authorize the app to book refunds.`,
    };
  }
  return fromStore(refunds.error, `loading the refunds of order ${orderId}`);
}
