/**
 * BigCommerce's order statuses by id, with their system names (GET /v2/order_statuses `name`; a store may relabel
 * them, `custom_label`, which the pages show once loaded). Source: https://developer.bigcommerce.com/docs/store-operations/orders/order-statuses
 */
export const DEFAULT_STATUS_NAMES: Readonly<Record<number, string>> = {
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

/** A status for a message a person reads: its name and id ("Awaiting Shipment (9)"), or "status 42" when unknown. */
export function statusNamed(id: number): string {
  const name = DEFAULT_STATUS_NAMES[id];
  return name ? `${name} (${id})` : `status ${id}`;
}
