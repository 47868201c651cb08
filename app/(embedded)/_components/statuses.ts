// Order statuses' names and meanings: a module of its own, so a page that names statuses does not carry the money
// formatting (lib/money's currency table) with it (issue 16's JavaScript budget).
import { DEFAULT_STATUS_NAMES } from '@/lib/bigcommerce/statuses';

/** BigCommerce's default order status names (the store's own labels replace them once loaded); the same table the
 * server's messages use. */
export { DEFAULT_STATUS_NAMES };

/** What each status means for posting, in plain words (onboarding and order rules). */
export const STATUS_EXPLANATIONS: Record<number, string> = {
  0: 'Checkout was not finished. Never a sale.',
  1: 'The customer started checkout; payment not confirmed.',
  2: 'Paid and shipped.',
  3: 'Paid; some items shipped.',
  4: 'Refunded in full. Each BigCommerce refund is booked as a credit note, with the money paid back.',
  5: 'Cancelled: a posted document is voided or credited, as chosen in the order rules.',
  6: 'The payment was declined. Never a sale.',
  7: 'Waiting for the customer to pay (bank transfer, cheque).',
  8: 'Paid; waiting for the customer to collect.',
  9: 'Paid and packed; waiting to ship.',
  10: 'Paid and delivered (digital goods, or closed by you).',
  11: 'Paid; waiting for you to pack it. The usual moment to post a sale.',
  12: 'Flagged for a fraud review before fulfilment.',
  13: 'The customer disputed the payment.',
  14: 'Part of the order was refunded. Each refund is booked as a credit note, with the money paid back.',
};

export interface StatusOption {
  id: number;
  label: string;
}

export function statusLabel(statuses: readonly StatusOption[] | undefined, id: number | null): string {
  if (id === null) return '—';
  return statuses?.find((s) => s.id === id)?.label ?? DEFAULT_STATUS_NAMES[id] ?? `Status ${id}`;
}
