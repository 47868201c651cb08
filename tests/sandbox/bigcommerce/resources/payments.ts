// Order payments: the gateway an order was paid through, its payment history (GET /v3/orders/{id}/transactions),
// `payment_status`, and the capture and void payment actions (orders.v3.yml). payment_status follows what happened to
// the money, never the order status: "Cancelling an order will not refund the order" (BigCommerce's help on order
// statuses, Cancelled), so a cancelled paid order stays `captured` until a refund is made.
import type { AnyOfScopes, ApiContext, ApiGateway, GatewayStage } from '../api';
import { ok } from '../api';
import { type Units, toNumber } from '../money';
import type { StoreState } from '../state';
import { type OrderRecord, type OrderTransaction, iso, nextId, resources } from './model';
import type { OrdersModule } from './orders';
import { orderAmounts } from './pricing';
import { collection, v3Error } from './v3';

/** "Requires at least one of the following scopes: store_v2_orders, store_v2_transactions" (capture, void, refunds, quotes). */
export const ORDERS_OR_TRANSACTIONS: AnyOfScopes = { anyOf: ['store_v2_orders', 'store_v2_transactions'] };

export interface Gateway {
  /** `provider_id` in refund quotes and refunds, `gateway` in transactions (orders.v3.yml Transaction gateway enum). */
  id: string;
  description: string;
  /** Transaction `method` enum value. */
  method: string;
  /** Strictly offline providers (cash on delivery, bank deposit...): refunds through them are recorded, not sent. */
  offline: boolean;
  /** Online gateways honour the store's "Authorize only" transaction type; offline ones take no authorization. */
  authorizes: boolean;
}

export const CUSTOM: Gateway = { id: 'custom', description: 'Custom', method: 'custom', offline: true, authorizes: false };

/** The gateway behind an order's `payment_method` (the names the seed and the control panel's manual orders use). */
const GATEWAYS: Record<string, Gateway> = {
  'credit card': { id: 'braintree', description: 'PayPal powered by Braintree', method: 'credit_card', offline: false, authorizes: true },
  paypal: { id: 'paypalexpress', description: 'PayPal Express Checkout', method: 'electronic_wallet', offline: false, authorizes: true },
  'test payment gateway': { id: 'testgateway', description: 'Test Payment Gateway', method: 'credit_card', offline: false, authorizes: true },
  'cash on delivery': { id: 'cod', description: 'Cash on Delivery', method: 'offline', offline: true, authorizes: false },
  'bank deposit': { id: 'bankdeposit', description: 'Bank Deposit', method: 'offline', offline: true, authorizes: false },
  cheque: { id: 'cheque', description: 'Check', method: 'offline', offline: true, authorizes: false },
  check: { id: 'cheque', description: 'Check', method: 'offline', offline: true, authorizes: false },
  'money order': { id: 'moneyorder', description: 'Money Order', method: 'offline', offline: true, authorizes: false },
  'pay in store': { id: 'instore', description: 'Pay in Store', method: 'offline', offline: true, authorizes: false },
};

export const STORE_CREDIT: Gateway = { id: 'storecredit', description: 'Store Credit', method: 'store_credit', offline: false, authorizes: false };

/** Anything else (a manual order's "Manual", or a free-text method) is a custom payment. */
export function gatewayOf(order: OrderRecord): Gateway {
  return GATEWAYS[order.payment_method.trim().toLowerCase()] ?? CUSTOM;
}

/** Statuses an order can only reach once paid (the sandbox reads them as "the payment was taken"). */
export const PAID_STATUSES: ReadonlySet<number> = new Set([2, 3, 8, 9, 10, 11, 12, 13]);

export function captureMode(store: StoreState): 'authorize_only' | 'authorize_and_capture' {
  return resources(store).payment_capture ?? 'authorize_and_capture';
}

/**
 * payment_status of a new order, from its status and the store's transaction type. BigCommerce's help on statuses:
 * Awaiting Payment — "Authorize only transactions that are not yet captured have this status"; Cancelled — "triggered
 * automatically when an order using an authorize-only payment gateway is voided ... before capturing payment";
 * Declined — "Seller has marked the order as declined for lack of manual payment". Created Refunded / Partially
 * Refunded orders are the seed's (it records their refunds).
 */
export function initialPaymentStatus(store: StoreState, order: OrderRecord): string {
  const authorizeOnly = captureMode(store) === 'authorize_only' && gatewayOf(order).authorizes;
  const status = order.status_id;
  if (status === 7) return authorizeOnly ? 'authorized' : 'pending';
  if (status === 0 || status === 1) return 'pending';
  if (status === 5) return 'void';
  if (status === 6) return 'declined';
  if (status === 4) return 'refunded';
  if (status === 14) return 'partially refunded';
  return authorizeOnly ? 'authorized' : 'captured';
}

/**
 * The order's payment history, fixed the first time it is asked for (at creation; for orders from older state files,
 * on first use, from their payment_status and refunds).
 */
export function ledger(store: StoreState, order: OrderRecord): OrderTransaction[] {
  if (order.transactions) return order.transactions;
  const r = resources(store);
  const gateway = gatewayOf(order);
  const list: OrderTransaction[] = [];
  const add = (event: OrderTransaction['event'], amount: Units, reference: number | null) => {
    const t: OrderTransaction = { id: nextId(r, 'transaction', 1), event, amount, gateway: gateway.id, method: gateway.method, created: order.date_created, reference_transaction_id: reference };
    list.push(t);
    return t;
  };
  const total = orderAmounts(order).total_inc;
  const status = order.payment_status;
  if (['captured', 'paid', 'refunded', 'partially refunded'].includes(status)) {
    const purchase = add('purchase', total, null);
    for (const refund of r.refunds.filter((x) => x.order_id === order.id)) {
      for (const p of refund.payments) {
        const t = refundTransaction(store, order, p.provider_id, p.amount, refund.created, purchase.id);
        list.push(t);
        p.transaction_id = t.id;
      }
    }
  } else if (['authorized', 'capture pending', 'void pending'].includes(status)) {
    add('authorization', total, null);
  } else if (status === 'void') {
    const authorization = add('authorization', total, null);
    add('void', total, authorization.id);
  }
  order.transactions = list;
  return list;
}

/** A `refund` transaction for one refund payment (not yet added to the ledger). */
export function refundTransaction(store: StoreState, order: OrderRecord, providerId: string, amount: Units, at: number, reference: number | null): OrderTransaction {
  const gateway = gatewayOf(order);
  const via = providerId === STORE_CREDIT.id ? STORE_CREDIT : providerId === CUSTOM.id ? CUSTOM : gateway;
  return { id: nextId(resources(store), 'transaction', 1), event: 'refund', amount, gateway: via.id, method: via.method, created: at, reference_transaction_id: reference };
}

/** The money taken: purchases and captures. */
export function paidAmount(store: StoreState, order: OrderRecord): Units {
  return ledger(store, order).filter((t) => t.event === 'purchase' || t.event === 'capture').reduce((s, t) => s + t.amount, 0);
}

/** The transaction a refund or capture refers to: the purchase, or the capture of an authorization. */
export function paymentTransaction(store: StoreState, order: OrderRecord): OrderTransaction | undefined {
  return ledger(store, order).find((t) => t.event === 'purchase' || t.event === 'capture');
}

/**
 * A status change never touches a payment that exists: a cancel keeps `captured`, a PUT to Refunded (4) or Partially
 * Refunded (14) makes no refund. One deliberate simplification (README): an unpaid order ('' or 'pending') moved to a
 * paid status is taken as paid then, captured (or authorized, when the store authorizes only), as if the shopper had
 * paid at that moment.
 */
export function paymentOnStatusChange(store: StoreState, order: OrderRecord, at: number): void {
  if (!['', 'pending'].includes(order.payment_status) || !PAID_STATUSES.has(order.status_id)) return;
  const list = ledger(store, order);
  const gateway = gatewayOf(order);
  const authorizeOnly = captureMode(store) === 'authorize_only' && gateway.authorizes;
  order.payment_status = authorizeOnly ? 'authorized' : 'captured';
  list.push({
    id: nextId(resources(store), 'transaction', 1),
    event: authorizeOnly ? 'authorization' : 'purchase',
    amount: orderAmounts(order).total_inc,
    gateway: gateway.id,
    method: gateway.method,
    created: at,
    reference_transaction_id: null,
  });
}

/** "The payment request itself occurs asynchronously": a capture or void completes this long after it is asked for. */
export const PAYMENT_ACTION_DELAY_MS = 2_000;

export interface PaymentsModule extends GatewayStage {
  /** Completes the store's capture and void requests that have come due on the platform clock. */
  settleDue(store: StoreState): void;
  close(): void;
}

export function registerPayments(api: ApiGateway, orders: OrdersModule): PaymentsModule {
  const platform = api.platform;
  const timers = new Map<string, NodeJS.Timeout>();
  /** Orders with a capture or void outstanding, per store (filled on first sight of a store for persisted state). */
  const pending = new Map<string, Set<number>>();
  const scanned = new Set<string>();
  let closed = false;

  function pendingOf(store: StoreState): Set<number> {
    let set = pending.get(store.hash);
    if (!set) {
      set = new Set();
      pending.set(store.hash, set);
    }
    if (!scanned.has(store.hash)) {
      scanned.add(store.hash);
      for (const o of resources(store).orders) if (o.payment_action) set.add(o.id);
    }
    return set;
  }

  function settle(store: StoreState, order: OrderRecord): void {
    const action = order.payment_action;
    if (!action) return;
    order.payment_action = null;
    pendingOf(store).delete(order.id);
    const list = ledger(store, order);
    const authorization = [...list].reverse().find((t) => t.event === 'authorization');
    const amount = authorization?.amount ?? orderAmounts(order).total_inc;
    const gateway = gatewayOf(order);
    const at = Math.max(platform.clock.now(), action.due_at);
    list.push({ id: nextId(resources(store), 'transaction', 1), event: action.action, amount, gateway: gateway.id, method: gateway.method, created: at, reference_transaction_id: authorization?.id ?? null });
    if (action.action === 'capture') {
      order.payment_status = 'captured';
      orders.touch(store, order);
      return;
    }
    // Cancelled: "This status is triggered automatically when an order using an authorize-only payment gateway is voided
    // in the control panel before capturing payment" (BigCommerce's help on order statuses).
    order.payment_status = 'void';
    const previous = order.status_id;
    order.status_id = 5;
    orders.touch(store, order, previous);
  }

  const module: PaymentsModule = {
    settleDue(store) {
      const set = pendingOf(store);
      if (set.size === 0) return;
      const now = platform.clock.now();
      for (const order of resources(store).orders.filter((o) => set.has(o.id))) {
        if (order.payment_action && order.payment_action.due_at <= now) settle(store, order);
      }
    },
    before(ctx) {
      module.settleDue(ctx.store);
    },
    close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };

  function schedule(store: StoreState, order: OrderRecord, action: 'capture' | 'void'): void {
    const delay = platform.clock.scaled(PAYMENT_ACTION_DELAY_MS);
    order.payment_action = { action, due_at: platform.clock.now() + delay };
    pendingOf(store).add(order.id);
    const key = `${store.hash}:${order.id}`;
    clearTimeout(timers.get(key));
    const timer = setTimeout(() => {
      timers.delete(key);
      if (closed) return;
      const current = platform.state.stores[store.hash];
      const o = current && resources(current).orders.find((x) => x.id === order.id);
      if (current && o?.payment_action) settle(current, o);
    }, delay);
    timer.unref();
    timers.set(key, timer);
    platform.changed();
  }

  function findOrder(ctx: ApiContext): OrderRecord {
    const order = resources(ctx.store).orders.find((o) => o.id === Number(ctx.params.order_id));
    if (!order) throw v3Error(404, 'The requested order was not found.');
    return order;
  }

  // orders.v3.yml captureOrderPayment: "the `payment_status` updates to `capture pending`, and the payment request is
  // scheduled. The payment request itself occurs asynchronously." Only an authorized payment can be captured: help
  // "Manually Capturing Transactions (Authorize Only)".
  api.add('POST', '/v3/orders/:order_id/payment_actions/capture', ORDERS_OR_TRANSACTIONS, 'modify', (ctx) => {
    const order = findOrder(ctx);
    if (order.payment_status !== 'authorized') {
      throw v3Error(422, 'The payment of this order cannot be captured.', {
        payment_status: `The payment is "${order.payment_status}"; only an authorized payment can be captured.`,
      });
    }
    ledger(ctx.store, order);
    order.payment_status = 'capture pending';
    schedule(ctx.store, order, 'capture');
    ok(ctx, {}, 201);
  });

  // orders.v3.yml voidOrderPayment: "the `payment_status` updates to `void pending`, and the void payment request is
  // scheduled." A void releases an authorization; money already captured goes back through a refund instead.
  api.add('POST', '/v3/orders/:order_id/payment_actions/void', ORDERS_OR_TRANSACTIONS, 'modify', (ctx) => {
    const order = findOrder(ctx);
    if (order.payment_status !== 'authorized') {
      throw v3Error(422, 'The payment of this order cannot be voided.', {
        payment_status: `The payment is "${order.payment_status}"; only an authorized payment can be voided (refund a captured one).`,
      });
    }
    ledger(ctx.store, order);
    order.payment_status = 'void pending';
    schedule(ctx.store, order, 'void');
    ok(ctx, {}, 201);
  });

  api.add('GET', '/v3/orders/:order_id/transactions', 'transactions', 'read', (ctx) => {
    const order = findOrder(ctx);
    collection(ctx, ledger(ctx.store, order), (t) => serializeTransaction(order, t));
  });

  return module;
}

export function serializeTransaction(order: OrderRecord, t: OrderTransaction) {
  const card = t.method === 'credit_card';
  const offline = t.method === 'offline';
  return {
    id: t.id,
    order_id: String(order.id),
    event: t.event,
    method: t.method,
    amount: toNumber(t.amount),
    currency: order.currency_code,
    gateway: t.gateway,
    gateway_transaction_id: `${t.gateway}_${order.id}_${t.id}`,
    date_created: iso(t.created),
    test: true,
    status: 'ok' as const,
    fraud_review: false,
    ...(t.reference_transaction_id === null ? {} : { reference_transaction_id: t.reference_transaction_id }),
    offline: offline ? { display_name: gatewayOf(order).description } : null,
    custom: t.method === 'custom' ? { payment_method: order.payment_method } : null,
    payment_method_id: `${t.gateway}.${card ? 'card' : t.method}`,
    ...(card ? { credit_card: { card_type: 'visa' as const, card_iin: '411111', card_last4: '1111', card_expiry_month: 12, card_expiry_year: 2030 } } : {}),
    gift_certificate: null,
    store_credit: t.method === 'store_credit' ? { remaining_balance: 0 } : null,
  };
}
