/**
 * What an order has paid and into which account: one rule for the document builder (the payments it books) and for
 * reconciliation (the payments the books should hold). Gift certificates and store credit first, then the gateway's
 * share when the payment status says the money was taken. Amounts in integer minor units of the order's currency.
 */
import type { PaymentKind } from './sales-document';
import type { SyncSettings } from './settings';

export interface OrderPaymentFacts {
  /** BigCommerce `total_inc_tax`, `store_credit_amount`, `gift_certificate_amount` in minor units. */
  total: bigint;
  storeCredit: bigint;
  giftCertificates: bigint;
  /** BigCommerce `payment_status` and `payment_method`. */
  paymentStatus: string;
  paymentMethod: string;
}

export interface OrderPayment {
  kind: PaymentKind;
  method: string;
  account: string;
  amount: bigint;
}

export function orderPayments(order: OrderPaymentFacts, rules: SyncSettings['payments']): { payments: OrderPayment[]; authorizedNotCaptured: boolean } {
  const payments: OrderPayment[] = [];
  if (order.giftCertificates > 0n) payments.push({ kind: 'gift_certificate', method: 'Gift Certificate', account: rules.giftCertificateAccount, amount: order.giftCertificates });
  if (order.storeCredit > 0n) payments.push({ kind: 'store_credit', method: 'Store Credit', account: rules.storeCreditAccount, amount: order.storeCredit });
  const status = order.paymentStatus.trim().toLowerCase();
  const paidStatuses = rules.paidStatuses.map((s) => s.toLowerCase());
  // A refunded payment was taken first: BigCommerce's "refunded" and "partially refunded" mean the money came in.
  const paid = paidStatuses.includes(status) || status === 'refunded' || status === 'partially refunded' || (rules.authorizedIsPaid && status === 'authorized');
  const gatewayAmount = order.total - order.storeCredit - order.giftCertificates;
  if (paid && gatewayAmount > 0n) {
    const method = order.paymentMethod.trim() || 'Unknown';
    payments.push({ kind: 'gateway', method, account: paymentAccountOf(method, rules), amount: gatewayAmount });
  }
  return { payments, authorizedNotCaptured: status === 'authorized' && !paid };
}

/** The clearing account of a BigCommerce payment method: its mapping (case-insensitive), else the default account. */
export function paymentAccountOf(method: string, rules: Pick<SyncSettings['payments'], 'mappings' | 'defaultAccount'>): string {
  return rules.mappings.find((m) => m.method.toLowerCase() === method.trim().toLowerCase())?.account ?? rules.defaultAccount;
}
