/**
 * What a merchant (or a shopper) does to an order in the store, through BigCommerce's own API (the sandbox): place it,
 * refund part of it after asking for a quote, edit it, capture or void its payment, cancel it. Shared by the
 * lifecycle tests and the property test of the books.
 */
import { BILLING, storeCall, storeJson, type StoreApi } from './sync-helpers';

export interface LineInput {
  sku: string;
  quantity: number;
  price: string;
}

/** An order paid by card (a gateway that only authorizes while the store captures later), with shipping. */
export async function placeOrder(store: StoreApi, lines: readonly LineInput[], options: { statusId?: number; shipping?: string } = {}): Promise<number> {
  const shipping = options.shipping ?? '6.00';
  const created = await storeJson<{ id: number }>(store, 'POST', '/v2/orders', {
    customer_id: 0,
    status_id: options.statusId ?? 11,
    payment_method: 'Credit Card',
    billing_address: BILLING,
    shipping_cost_ex_tax: shipping,
    shipping_cost_inc_tax: shipping,
    products: lines.map((l) => ({ name: `Product ${l.sku}`, sku: l.sku, quantity: l.quantity, price_ex_tax: l.price, price_inc_tax: l.price })),
  });
  return created.id;
}

export function orderProducts(store: StoreApi, orderId: number) {
  return storeJson<Array<{ id: number; sku: string; quantity: number; quantity_refunded: number }>>(store, 'GET', `/v2/orders/${orderId}/products`);
}

export async function shippingAddressId(store: StoreApi, orderId: number): Promise<number> {
  const addresses = await storeJson<Array<{ id: number }>>(store, 'GET', `/v2/orders/${orderId}/shipping_addresses`);
  return addresses[0]!.id;
}

/**
 * A refund as a merchant makes it: a quote, then the refund of the quoted amount through the order's own gateway.
 * Returns the refund id, or the store's refusal (status and body) when BigCommerce will not refund that.
 */
export async function refund(store: StoreApi, orderId: number, items: ReadonlyArray<Record<string, unknown>>): Promise<{ id: number } | { refused: number; body: unknown }> {
  const quote = await storeCall<{ data: { total_refund_amount: number; refund_methods: Array<Array<{ provider_id: string; amount: number; offline: boolean }>> } }>(
    store, 'POST', `/v3/orders/${orderId}/payment_actions/refund_quotes`, { items },
  );
  if (quote.status !== 201) return { refused: quote.status, body: quote.body };
  const options = quote.body.data.refund_methods.flat();
  const method = options.find((o) => o.provider_id !== 'storecredit' && o.provider_id !== 'custom') ?? options[0];
  if (!method || quote.body.data.total_refund_amount <= 0) return { refused: 422, body: quote.body };
  const made = await storeCall<{ data: { id: number } }>(store, 'POST', `/v3/orders/${orderId}/payment_actions/refunds`, {
    items,
    payments: [{ provider_id: method.provider_id, amount: quote.body.data.total_refund_amount, offline: method.offline }],
  });
  if (made.status !== 201) return { refused: made.status, body: made.body };
  return { id: made.body.data.id };
}

export async function refundOrFail(store: StoreApi, orderId: number, items: ReadonlyArray<Record<string, unknown>>): Promise<number> {
  const made = await refund(store, orderId, items);
  if ('refused' in made) throw new Error(`refund of order ${orderId} refused: ${made.refused} ${JSON.stringify(made.body)}`);
  return made.id;
}

export const setCaptureMode = async (adminUrl: string, hash: string, capture: 'authorize_only' | 'authorize_and_capture') =>
  fetch(`${adminUrl}/__sandbox/stores/${hash}/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ capture }) });
