import { toMoneyString } from '@/lib/money';

/** BigCommerce's default order status names (the store's own labels replace them once loaded). */
export const DEFAULT_STATUS_NAMES: Record<number, string> = {
  0: 'Incomplete',
  1: 'Pending',
  2: 'Shipped',
  3: 'Partially Shipped',
  4: 'Refunded',
  5: 'Cancelled',
  6: 'Declined',
  7: 'Awaiting Payment',
  8: 'Awaiting Pickup',
  9: 'Awaiting Shipment',
  10: 'Completed',
  11: 'Awaiting Fulfillment',
  12: 'Manual Verification Required',
  13: 'Disputed',
  14: 'Partially Refunded',
};

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

/** "12.3400" + "USD" → "12.34 USD"; exact (decimal strings, never floats). */
export function money(amount: string | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  if (!currency) return amount;
  try {
    return `${toMoneyString(amount, currency)} ${currency}`;
  } catch {
    return `${amount} ${currency}`;
  }
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
}

export function dateOnly(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.slice(0, 10);
}

export const STATE_LABELS: Record<string, { label: string; variant: 'success' | 'danger' | 'warning' | 'secondary' | 'primary' }> = {
  posted: { label: 'Posted', variant: 'success' },
  pending: { label: 'Posting', variant: 'primary' },
  failed: { label: 'Failed', variant: 'danger' },
  held: { label: 'Needs attention', variant: 'warning' },
  skipped: { label: 'Skipped', variant: 'secondary' },
  /** The document was voided: the order was cancelled before it was paid, or deleted. */
  voided: { label: 'Voided', variant: 'secondary' },
  /** Cancelled after it was paid: a credit note reversed the sale (refunds are shown apart, on a posted order). */
  credited: { label: 'Cancelled, credited', variant: 'secondary' },
  not_imported: { label: 'Not imported', variant: 'primary' },
};
