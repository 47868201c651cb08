/**
 * Reads both sides of a date range and reconciles them: the store's orders and refunds from BigCommerce (orders
 * placed in the range with `min/max_date_created`, 250 a page; refunds with `created:min`), the books' documents and
 * payments from the accounting system through the provider port (`listDocuments`, `listPayments`, paged and paced by
 * the provider; from the range's first day to today, for what was booked later), and our sync records only to say why
 * an order is not in the books and which credit our pipeline posted for which refund.
 */
import type { BigCommerceClient } from '@/lib/bigcommerce/client';
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import type { StoreHash } from '@/lib/ids';
import { formatUnits, parseUnits } from '@/lib/money';
import type { AccountingProvider, BooksPayment, ProviderFailure } from '../provider';
import type { SyncSettings } from '../settings';
import { reconcile } from './classify';
import type { BooksRead } from './repair';
import type { DayResult, RecordFact, StoreOrderFact, StoreRefundFact } from './types';

export interface ReconcileRecordPort {
  /** Our sync records of these orders for the store's provider (any state). */
  facts(storeHash: StoreHash, provider: string, orderIds: readonly number[]): Promise<RecordFact[]>;
}

export interface ReconcileDeps {
  storeHash: StoreHash;
  providerId: string;
  provider: Pick<AccountingProvider, 'listDocuments' | 'listPayments' | 'displayName'>;
  store: Pick<BigCommerceClient, 'listOrders' | 'listRefunds'>;
  records: ReconcileRecordPort;
  settings: SyncSettings;
  storeCurrency: string | null;
  /** The clock (tests): documents and payments are read up to today, for the ones booked after the range. */
  now?: () => Date;
}

export type ReconcileOutcome =
  | {
      ok: true; days: DayResult[]; read: { orders: number; refunds: number; documents: number; payments: number };
      /** The books' documents as read (for Repair: which credits the books still hold); never part of the CLI's JSON. */
      books: BooksRead;
    }
  | { ok: false; side: 'store' | 'books'; message: string; retryAfterMs?: number };

const shiftDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d;
};

export async function reconcileRange(deps: ReconcileDeps, range: { from: string; to: string }): Promise<ReconcileOutcome> {
  if (!deps.provider.listDocuments) {
    return { ok: false, side: 'books', message: `Reconciliation cannot read documents back from ${deps.provider.displayName} yet.` };
  }
  // A day in any time zone lies within a day either side of the same UTC day (offsets are at most 14 hours).
  const orders: StoreOrderFact[] = [];
  for await (const page of deps.store.listOrders({ minDateCreated: shiftDays(range.from, -1), maxDateCreated: shiftDays(range.to, 2), sort: 'id:asc' })) {
    if (!page.ok) return { ok: false, side: 'store', message: `Reading the store's orders: ${page.error.message}`, ...retryOf(page.error) };
    for (const o of page.value) {
      orders.push({
        orderId: o.id,
        createdAt: new Date(o.date_created).toISOString(),
        statusId: o.status_id,
        currency: o.currency_code ?? o.default_currency_code,
        total: String(o.total_inc_tax),
        tax: String(o.total_tax),
        shipping: String(o.shipping_cost_inc_tax),
        discount: formatUnits(parseUnits(String(o.discount_amount), 4) + parseUnits(String(o.coupon_discount), 4), 4),
        paymentMethod: o.payment_method ?? '',
        paymentStatus: o.payment_status,
        storeCredit: String(o.store_credit_amount),
        giftCertificates: String(o.gift_certificate_amount),
      });
    }
  }
  const refundsRead = await deps.store.listRefunds({ createdMin: shiftDays(range.from, -1).toISOString() });
  if (!refundsRead.ok) return { ok: false, side: 'store', message: `Reading the store's refunds: ${refundsRead.error.message}`, ...retryOf(refundsRead.error) };
  const until = shiftDays(range.to, 2).getTime();
  const refunds: StoreRefundFact[] = refundsRead.value
    .filter((r) => Date.parse(r.createdAt) < until)
    .map((r) => ({ refundId: r.id, orderId: r.orderId, createdAt: new Date(r.createdAt).toISOString(), amount: r.totalAmount }));

  // The books are read past the range, up to today (at most 92 days past it): an adjustment or a refund's credit booked
  // in a later open period (after a lock date), and a payment captured later, are compared with their order or refund.
  const today = shiftDays((deps.now?.() ?? new Date()).toISOString().slice(0, 10), 1);
  const cap = shiftDays(range.to, 92);
  const readTo = (today > cap ? cap : today).toISOString().slice(0, 10);
  const window = { from: range.from, to: readTo > range.to ? readTo : range.to };
  const documents = await deps.provider.listDocuments(window);
  if (!documents.ok) return booksFailure(documents.error);
  let payments: BooksPayment[] | null = null;
  if (deps.provider.listPayments) {
    const read = await deps.provider.listPayments(window);
    if (!read.ok) return booksFailure(read.error);
    payments = read.value;
  }
  const orderIds = [...new Set([...orders.map((o) => o.orderId), ...refunds.map((r) => r.orderId)])];
  const records = await deps.records.facts(deps.storeHash, deps.providerId, orderIds);
  const s = deps.settings;
  const days = reconcile({
    from: range.from,
    to: range.to,
    timeZone: s.document.timeZone,
    numberPrefix: s.document.numberPrefix,
    referenceTemplate: s.document.referenceTemplate,
    paymentRules: s.payments,
    rules: {
      importStatusIds: s.orders.importStatusIds,
      refundStatusIds: s.orders.refundStatusIds,
      ignoredStatusIds: s.orders.ignoredStatusIds,
      voidStatusIds: s.orders.voidStatusIds,
      ordersFromDate: s.orders.ordersFromDate,
    },
    storeCurrency: deps.storeCurrency ?? orders[0]?.currency ?? 'USD',
    orders,
    refunds,
    documents: documents.value,
    payments,
    records,
  });
  return {
    ok: true, days, read: { orders: orders.length, refunds: refunds.length, documents: documents.value.length, payments: payments?.length ?? 0 },
    books: { documents: documents.value, window },
  };
}

function booksFailure(e: ProviderFailure): ReconcileOutcome {
  return { ok: false, side: 'books', message: `Reading the books: ${e.message}`, ...('retryAfterMs' in e && e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}) };
}

function retryOf(error: BcFailure): { retryAfterMs?: number } {
  return error.kind === 'RateLimited' ? { retryAfterMs: error.resetMs } : {};
}
