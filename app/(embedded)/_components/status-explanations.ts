// What each order status means, in a module of its own: the pages that only name statuses (activity, order detail) do
// not carry these sentences (issue 16's JavaScript budget).

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
