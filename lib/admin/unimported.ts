/**
 * Eligible orders the app has not imported yet, for the top of the activity table: the store's orders in the
 * import statuses modified in the last days (one BigCommerce page per import status), minus those with a sync
 * record. The sweep imports them eventually; the merchant can import them now.
 */
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { Result } from '@/lib/errors';
import { snapshotOf } from '@/lib/sync/pipeline';
import type { SyncSettings } from '@/lib/sync/settings';
import { bcFailureText } from './connections';

export interface UnimportedOrder {
  orderId: number;
  orderStatusId: number;
  orderDate: string | null;
  total: string;
  currency: string;
  customer: string;
}

export interface UnimportedDeps {
  settings: SyncSettings;
  ordersPage(filter: { statusId: number; minDateModified: Date; sort: 'date_modified:asc'; limit: number }, page: number): Promise<Result<{ orders: BcOrder[]; more: boolean }, BcFailure>>;
  /** Orders among these that already have a sync record. */
  known(orderIds: number[]): Promise<Set<number>>;
  now?: () => Date;
  days?: number;
  limit?: number;
}

export async function unimportedOrders(deps: UnimportedDeps): Promise<{ orders: UnimportedOrder[]; error: string | null }> {
  const since = new Date((deps.now?.() ?? new Date()).getTime() - (deps.days ?? 7) * 86_400_000);
  const from = deps.settings.orders.ordersFromDate;
  const found: BcOrder[] = [];
  let error: string | null = null;
  for (const statusId of deps.settings.orders.importStatusIds) {
    const page = await deps.ordersPage({ statusId, minDateModified: since, sort: 'date_modified:asc', limit: deps.limit ?? 100 }, 1);
    if (!page.ok) {
      error = bcFailureText(page.error);
      break;
    }
    found.push(...page.value.orders.filter((o) => !from || (snapshotOf(o).dateCreated?.toISOString().slice(0, 10) ?? '') >= from));
  }
  const known = await deps.known(found.map((o) => o.id));
  const orders = found
    .filter((o) => !known.has(o.id))
    .map((o) => {
      const s = snapshotOf(o);
      return { orderId: o.id, orderStatusId: s.statusId, orderDate: s.dateCreated?.toISOString() ?? null, total: s.total, currency: s.currency, customer: s.customerName };
    })
    .sort((a, b) => b.orderId - a.orderId);
  return { orders, error };
}
