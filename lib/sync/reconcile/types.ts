/**
 * Reconciliation (issue 17): for each day in the store's time zone and currency, the store's side (read from
 * BigCommerce) against the books' side (read back from the accounting system itself through the provider port), and
 * every difference classed. Our own sync records never stand in for the books: they only say why an order is not
 * there yet (pending, failed, held, skipped by a rule).
 */

/** The classes of a difference, exactly as the CLI's JSON contract names them. */
export const DIFFERENCE_CLASSES = [
  'pending',
  'failed',
  'held',
  'skipped',
  'refund_not_credited',
  'changed_in_books',
  'voided_in_books',
  'missing_in_books',
  'duplicate_in_books',
] as const;
export type DifferenceClass = (typeof DIFFERENCE_CLASSES)[number];

export interface Difference {
  orderId: number;
  class: DifferenceClass;
  /** Decimal string in the day's currency: what the books lack (positive) or hold too much (negative for changed). */
  amount: string;
  reason: string;
}

/** One order as the store has it (BigCommerce), reduced to what reconciliation compares. Money as decimal strings. */
export interface StoreOrderFact {
  orderId: number;
  /** When the order was placed (ISO instant). */
  createdAt: string;
  statusId: number;
  currency: string;
  total: string;
  tax: string;
  shipping: string;
  discount: string;
  paymentMethod: string;
  /** BigCommerce `payment_status`, `store_credit_amount` and `gift_certificate_amount`: what was paid (lib/sync/order-payments). */
  paymentStatus: string;
  storeCredit: string;
  giftCertificates: string;
}

export interface StoreRefundFact {
  refundId: number;
  orderId: number;
  createdAt: string;
  amount: string;
}

/** What our own sync record says of an order: only used to say why an order is not (yet) in the books. */
export interface RecordFact {
  orderId: number;
  /** `summarised`: daily summary mode (lib/sync/summary); `remoteNumber` is the summary once it is posted. */
  state: 'pending' | 'posted' | 'failed' | 'held' | 'skipped' | 'voided' | 'credited' | 'summarised';
  message: string | null;
  remoteId: string | null;
  remoteNumber: string | null;
  currency: string | null;
  /** The refund credits our records posted for the order (sync postings of kind `credit`): which document credits which refund. */
  credits?: Array<{ refundId: number; remoteId: string | null; number: string | null }>;
}

export interface DaySide {
  total: string;
  tax: string;
  refunds: string;
}

export interface DayResult {
  /** YYYY-MM-DD in the store's time zone (document.timeZone). */
  date: string;
  currency: string;
  store: DaySide & {
    orders: number;
    shipping: string;
    discounts: string;
    /**
     * Money received by payment method (gift certificates, store credit, and the gateway's share once the payment
     * status says it was taken), keyed by `paymentLabel`: the methods that pay into one account.
     */
    payments: Record<string, string>;
  };
  /** `payments`: the payments the books hold for the day's orders (and unlinked ones dated that day), by the same labels. */
  books: DaySide & { documents: number; payments: Record<string, string> };
  differences: Difference[];
}

/** The CLI's JSON contract for one day: exactly these keys (`payments` by method added to both sides, issue 17). */
export interface DayResultJson {
  date: string;
  currency: string;
  store: { orders: number; total: string; tax: string; refunds: string; payments: Record<string, string> };
  books: { documents: number; total: string; tax: string; refunds: string; payments: Record<string, string> };
  differences: Array<{ orderId: number; class: DifferenceClass; amount: string; reason: string }>;
}

export function dayResultJson(day: DayResult): DayResultJson {
  return {
    date: day.date,
    currency: day.currency,
    store: { orders: day.store.orders, total: day.store.total, tax: day.store.tax, refunds: day.store.refunds, payments: day.store.payments },
    books: { documents: day.books.documents, total: day.books.total, tax: day.books.tax, refunds: day.books.refunds, payments: day.books.payments },
    differences: day.differences.map((d) => ({ orderId: d.orderId, class: d.class, amount: d.amount, reason: d.reason })),
  };
}
