// Refund quotes and refunds (orders.v3.yml, Payment Actions; docs: store-operations/orders/refunds.mdx).
//
// What a refund pays back and what tax it carries, item by item:
// - PRODUCT (quantity): the line's share for the units refunded, after its discounts, in the order's authoritative basis
//   (ex tax, or inc tax when the order's prices include tax), and the line's tax share for those units. The last units
//   of a line take whatever the earlier refunds of the line left, so refunding a line in parts never loses a cent.
//   refunds.mdx: a $10.00 product with $0.83 tax refunded by quantity 1 is `requested_amount: 10`, `total_tax: 0.83`,
//   and `total_amount: 20.83` with $10.00 of untaxed shipping.
// - SHIPPING / HANDLING (amount, per order address) and FEE (amount, per fee): the amount is in the same authoritative
//   basis as the order's prices; its tax is the charge's tax in proportion (none when the charge was untaxed).
// - ORDER (amount): "When `item_type` is set to `ORDER`, tax is not re-calculated" (TaxExemptItem): no tax.
// - TAX (amount) and `tax_adjustment_amount`: tax alone, at most the tax not yet refunded.
// A refund's `total_amount` is the money paid back to the shopper (the sum of its payments): the amounts above plus their
// tax when prices exclude tax, or the amounts alone when they include it. `tax_inclusive` in a quote is the order's
// `is_tax_inclusive_pricing`: refunds.mdx's quote for the tax-exclusive order says `false` and still totals 20.83.
import { z } from 'zod';
import type { AnyOfScopes, ApiContext, ApiGateway } from '../api';
import { ok } from '../api';
import { HttpError, parseJsonBody } from '../http';
import { type Units, fmt4, mulDiv, roundTo, toNumber, toUnits } from '../money';
import type { Platform } from '../platform';
import type { StoreState } from '../state';
import { type OrderRecord, type OrderRefund, type OrderRefundItem, iso, nextId, resources } from './model';
import type { OrdersModule } from './orders';
import { CUSTOM, type Gateway, ORDERS_OR_TRANSACTIONS, STORE_CREDIT, gatewayOf, ledger, paidAmount, paymentTransaction, refundTransaction } from './payments';
import { orderAmounts, stepFor } from './pricing';
import { STATUS_DOC, collection, numList, v3Error } from './v3';

/** GET refunds (both lists): "Requires at least one of the following scopes" as orders.v3.yml lists them. */
export const REFUNDS_READ: AnyOfScopes = {
  anyOf: ['store_v2_transactions_read_only', 'store_v2_transactions', 'store_v2_orders_read_only', 'store_v2_orders'],
};

/** A refund or quote the order cannot take; each route answers it in its operation's documented 422 shape. */
export class RefundProblem extends Error {
  constructor(
    readonly title: string,
    readonly errors: Record<string, string> = {},
  ) {
    super(title);
  }
}

/** POST refunds documents its 422 as `{data: [ErrorResponse]}` (example: "Unable to provide store credit for a guest customer."). */
function refundError(problem: RefundProblem): HttpError {
  return new HttpError(422, { data: [{ status: 422, title: problem.title, type: STATUS_DOC, errors: problem.errors }] });
}

/** POST refund_quotes documents its 422 as the flat ErrorResponse (422_UnprocessableEntity). */
function quoteError(problem: RefundProblem): HttpError {
  return v3Error(422, problem.title, problem.errors);
}

const itemInput = z
  .object({
    item_type: z.enum(['PRODUCT', 'GIFT_WRAPPING', 'SHIPPING', 'HANDLING', 'ORDER', 'FEE', 'TAX']),
    item_id: z.number().int(),
    quantity: z.number().int().min(1).optional(),
    amount: z.number().optional(),
    reason: z.string().max(1000).optional(),
    adjustments: z.array(z.object({ amount: z.number().negative(), description: z.string().max(255).optional() })).optional(),
  })
  .passthrough();
type ItemInput = z.infer<typeof itemInput>;

const refundable = z
  .object({
    items: z.array(itemInput).min(1).optional(),
    tax_adjustment_amount: z.number().positive().optional(),
  })
  .passthrough()
  .refine((b) => b.items !== undefined || b.tax_adjustment_amount !== undefined, { message: 'items or tax_adjustment_amount is required', path: ['items'] });

const refundInput = z
  .object({
    items: z.array(itemInput).min(1).optional(),
    tax_adjustment_amount: z.number().positive().optional(),
    payments: z.array(z.object({ provider_id: z.string().min(1), amount: z.number(), offline: z.boolean().optional() }).passthrough()).min(1),
    merchant_calculated_override: z.object({ total_amount: z.number().min(0), total_tax: z.number() }).passthrough().optional(),
  })
  .passthrough()
  .refine((b) => b.items !== undefined || b.tax_adjustment_amount !== undefined, { message: 'items or tax_adjustment_amount is required', path: ['items'] });

function invalid(error: z.ZodError): RefundProblem {
  return new RefundProblem('JSON data is missing or invalid', Object.fromEntries(error.issues.map((i) => [i.path.join('.') || 'body', i.message])));
}

export function orderRefunds(store: StoreState, order: OrderRecord): OrderRefund[] {
  return resources(store).refunds.filter((x) => x.order_id === order.id);
}

/** What the shopper has been paid back so far. */
export function refundedAmount(store: StoreState, order: OrderRecord): Units {
  return orderRefunds(store, order).reduce((s, x) => s + x.total_amount, 0);
}

/**
 * refunds.mdx, Troubleshooting: "You must receive payment of the order before you can issue a refund"; help
 * "Processing Refunds": with "Authorize only", "payment will need to be captured before any refunds can be performed".
 */
function requireCapturedPayment(order: OrderRecord): void {
  const status = order.payment_status;
  if (status === 'refunded') throw new RefundProblem('The order has been refunded in full; nothing is left to refund.', { payment_status: status });
  if (!['captured', 'partially refunded', 'paid'].includes(status)) {
    throw new RefundProblem('The order has no captured payment to refund.', {
      payment_status: `The payment is "${status}": payment must be received (an authorization captured) before a refund.`,
    });
  }
}

interface Calculation {
  items: OrderRefundItem[];
  /** What the items pay back, before rounding to the currency. */
  requested: Units;
  tax: Units;
  /** ORDER-type amounts (`order_level_refund_amount`). */
  orderLevel: Units;
}

/** Prices the items (or the tax adjustment) against what the order's earlier refunds left. Throws RefundProblem. */
function calculate(store: StoreState, order: OrderRecord, body: { items?: ItemInput[]; tax_adjustment_amount?: number }): Calculation {
  const prior = orderRefunds(store, order);
  const amounts = orderAmounts(order);
  const inclusive = order.is_tax_inclusive;
  const step = stepFor(order.currency_code);
  const fmt = (u: Units) => fmt4(u).replace(/(\.\d\d)00$/, '$1');
  let taxLeft = amounts.total_tax - prior.reduce((s, x) => s + x.total_tax, 0);
  const used = new Map<string, { quantity: number; amount: Units; tax: Units }>();
  const usedOf = (key: string) => {
    let u = used.get(key);
    if (!u) {
      u = { quantity: 0, amount: 0, tax: 0 };
      for (const item of prior.flatMap((x) => x.items).filter((i) => `${i.item_type}:${i.item_id}` === key)) {
        u.quantity += item.quantity ?? 0;
        u.amount += item.requested_amount ?? 0;
        u.tax += item.tax ?? 0;
      }
      used.set(key, u);
    }
    return u;
  };

  if (body.items === undefined) {
    const amount = toUnits(body.tax_adjustment_amount ?? 0);
    if (amount > taxLeft) {
      throw new RefundProblem('Refund amount is greater than remaining amount', { tax_adjustment_amount: `${fmt(Math.max(0, taxLeft))} of tax is left to refund; ${fmt(amount)} asked.` });
    }
    return { items: [], requested: amount, tax: amount, orderLevel: 0 };
  }

  const out: Calculation = { items: [], requested: 0, tax: 0, orderLevel: 0 };
  body.items.forEach((item, index) => {
    const at = `items.${index}`;
    const key = `${item.item_type}:${item.item_id}`;
    const needAmount = (): Units => {
      if (item.amount === undefined) throw new RefundProblem('JSON data is missing or invalid', { [`${at}.amount`]: `item_type ${item.item_type} needs an amount.` });
      const amount = toUnits(item.amount);
      if (amount <= 0) throw new RefundProblem('JSON data is missing or invalid', { [`${at}.amount`]: 'The amount must be more than 0.' });
      return amount;
    };
    /** An amount of a charge (shipping, handling, fee) and its tax share, within what is left of the charge. */
    const charge = (total: Units, totalTax: Units, what: string) => {
      const amount = needAmount();
      const u = usedOf(key);
      const left = total - u.amount;
      if (amount > left) {
        throw new RefundProblem('Refund amount is greater than remaining amount', { [`${at}.amount`]: `${fmt(left)} of ${what} (${fmt(total)}) is left to refund; ${fmt(amount)} asked.` });
      }
      const tax = amount === left ? totalTax - u.tax : mulDiv(totalTax, amount, total, step);
      u.amount += amount;
      u.tax += tax;
      return { amount, tax };
    };
    let amount: Units;
    let tax: Units;
    let quantity: number | null = null;
    if (item.adjustments?.length && item.item_type !== 'PRODUCT') {
      throw new RefundProblem('JSON data is missing or invalid', { [`${at}.adjustments`]: 'Adjustments are only supported for item_type PRODUCT.' });
    }
    switch (item.item_type) {
      case 'PRODUCT':
      case 'GIFT_WRAPPING': {
        const line = order.lines.find((l) => l.id === item.item_id);
        if (!line) throw new RefundProblem('Refund item not found', { [`${at}.item_id`]: `Order product ${item.item_id} is not part of order ${order.id}.` });
        if (item.quantity === undefined) throw new RefundProblem('JSON data is missing or invalid', { [`${at}.quantity`]: `item_type ${item.item_type} needs a quantity.` });
        if (item.item_type === 'GIFT_WRAPPING') {
          // Sandbox orders carry gift wrapping at order level only (wrapping_cost_*), none on a line.
          throw new RefundProblem('Refund amount is greater than remaining amount', { [`${at}.item_id`]: `Order product ${item.item_id} has no gift wrapping to refund.` });
        }
        const u = usedOf(key);
        const left = line.quantity - u.quantity;
        if (item.quantity > left) {
          throw new RefundProblem('Refund quantity is greater than the quantity left to refund', {
            [`${at}.quantity`]: `${left} of ${line.quantity} × "${line.name}" left to refund; ${item.quantity} asked.`,
          });
        }
        const la = amounts.lines.get(line.id)!;
        const lineAmount = inclusive ? la.discounted_total_inc : la.total_ex - la.discount_ex;
        const last = u.quantity + item.quantity === line.quantity;
        amount = last ? lineAmount - u.amount : mulDiv(lineAmount, item.quantity, line.quantity, step);
        tax = last ? la.tax_after_discount - u.tax : mulDiv(la.tax_after_discount, item.quantity, line.quantity, step);
        u.quantity += item.quantity;
        u.amount += amount;
        u.tax += tax;
        quantity = item.quantity;
        break;
      }
      case 'SHIPPING':
      case 'HANDLING': {
        const address = order.shipping_addresses.find((a) => a.id === item.item_id);
        if (!address) throw new RefundProblem('Refund item not found', { [`${at}.item_id`]: `Order address ${item.item_id} is not part of order ${order.id}.` });
        const [ex, inc] = item.item_type === 'SHIPPING' ? [address.cost_ex, address.cost_inc] : [address.handling_ex, address.handling_inc];
        ({ amount, tax } = charge(inclusive ? inc : ex, inc - ex, `${item.item_type.toLowerCase()} for address ${address.id}`));
        break;
      }
      case 'FEE': {
        const fee = order.fees.find((f) => f.id === item.item_id);
        if (!fee) throw new RefundProblem('Refund item not found', { [`${at}.item_id`]: `Fee ${item.item_id} is not part of order ${order.id}.` });
        ({ amount, tax } = charge(inclusive ? fee.cost_inc : fee.cost_ex, fee.cost_inc - fee.cost_ex, `fee ${fee.id}`));
        break;
      }
      case 'ORDER':
        amount = needAmount();
        tax = 0;
        out.orderLevel += amount;
        break;
      case 'TAX':
        amount = needAmount();
        if (amount > taxLeft) {
          throw new RefundProblem('Refund amount is greater than remaining amount', { [`${at}.amount`]: `${fmt(Math.max(0, taxLeft))} of tax is left to refund; ${fmt(amount)} asked.` });
        }
        tax = amount;
        break;
    }
    taxLeft -= tax;
    const adjustments = (item.adjustments ?? []).map((a) => ({ amount: toUnits(a.amount), description: a.description ?? '' }));
    const paidBack = (item.item_type === 'ORDER' || item.item_type === 'TAX' || inclusive ? amount : amount + tax) + adjustments.reduce((s, a) => s + a.amount, 0);
    if (paidBack < 0) throw new RefundProblem('JSON data is missing or invalid', { [`${at}.adjustments`]: 'The adjustments take more than the item refunds.' });
    out.items.push({
      item_type: item.item_type,
      item_id: item.item_id,
      quantity,
      requested_amount: amount,
      reason: item.reason ?? '',
      ...(adjustments.length ? { adjustments } : {}),
      tax,
    });
    out.requested += paidBack;
    out.tax += tax;
  });
  return out;
}

/** What the order's own payment (its gateway's share, without store credit and gift certificates) has left to refund. */
function leftOnGateway(store: StoreState, order: OrderRecord): Units {
  const gateway = gatewayOf(order);
  const share = Math.max(0, paidAmount(store, order) - order.store_credit_amount - order.gift_certificate_amount);
  const refunded = orderRefunds(store, order).flatMap((x) => x.payments).filter((p) => p.provider_id === gateway.id).reduce((s, p) => s + p.amount, 0);
  return Math.max(0, share - refunded);
}

interface PaymentOption {
  provider: Gateway;
  amount: Units;
}

/** Why store credit cannot take a refund of this order, or null when it can (help "Processing Refunds", Limitations). */
function storeCreditUnavailable(store: StoreState, order: OrderRecord): string | null {
  // "Store credit will only appear as a refund method on orders from customers with storefront accounts. Guest orders
  // cannot be refunded as store credit." The title is orders.v3.yml's own 422 example.
  if (order.customer_id === 0) return 'Unable to provide store credit for a guest customer.';
  // "Store credit will not be shown as a refund method when an order is paid using a non-default currency."
  if (order.currency_code !== store.currency) return 'Store credit is not available for an order paid in a non-default currency.';
  return null;
}

/**
 * `refund_methods` for `amount`, as RefundQuote_Full describes them: each method is a set of payment options that
 * together pay the whole amount. The original payment up to what it has left to refund (topped up with store credit
 * when the order was part paid another way), store credit for everything (customers only), and "custom": "Mark an
 * amount up to the full order amount as refunded externally".
 */
function refundMethods(store: StoreState, order: OrderRecord, amount: Units): PaymentOption[][] {
  const gateway = gatewayOf(order);
  const gatewayLeft = leftOnGateway(store, order);
  const storeCredit = storeCreditUnavailable(store, order) === null;
  const methods: PaymentOption[][] = [];
  if (gatewayLeft >= amount) methods.push([{ provider: gateway, amount }]);
  else if (gatewayLeft > 0 && storeCredit) methods.push([{ provider: gateway, amount: gatewayLeft }, { provider: STORE_CREDIT, amount: amount - gatewayLeft }]);
  if (storeCredit) methods.push([{ provider: STORE_CREDIT, amount }]);
  if (!methods.some((m) => m.length === 1 && m[0]!.provider.id === CUSTOM.id)) methods.push([{ provider: CUSTOM, amount }]);
  return methods;
}

function serializeOption(o: PaymentOption) {
  return {
    provider_id: o.provider.id,
    provider_description: o.provider.description,
    amount: toNumber(o.amount),
    offline: o.provider.offline,
    offline_provider: o.provider.offline,
    // The wording of orders.v3.yml's own example for an offline provider.
    offline_reason: o.provider.offline ? 'This is an offline payment provider.' : '',
  };
}

interface Quote {
  calculation: Calculation;
  total: Units;
  rounding: Units;
  adjustment: Units;
  methods: PaymentOption[][];
}

/**
 * `rounding` brings the total to whole cents "refundable with payment providers"; `adjustment` is "negative when the
 * refund amount requested in the refund quote is more than the total refundable amount": the total never exceeds what
 * is left of the money taken (an ORDER amount beyond it is cut back, not refused).
 */
function quote(store: StoreState, order: OrderRecord, body: { items?: ItemInput[]; tax_adjustment_amount?: number }): Quote {
  requireCapturedPayment(order);
  const calculation = calculate(store, order, body);
  const requested = roundTo(calculation.requested, stepFor(order.currency_code));
  const left = paidAmount(store, order) - refundedAmount(store, order);
  const total = Math.max(0, Math.min(requested, left));
  return { calculation, total, rounding: requested - calculation.requested, adjustment: total - requested, methods: refundMethods(store, order, total) };
}

/** A refund before it is recorded: the ids and the payments' outcomes come when it is. */
export type RefundDraft = Omit<OrderRefund, 'id' | 'order_id' | 'user_id' | 'payments'> & {
  payments: Array<{ provider_id: string; amount: Units; offline?: boolean }>;
};

/**
 * Stores a refund with its payments and their `refund` transactions, and counts the units refunded on each line. The
 * order's status and payment_status are the caller's (the API moves them; the seed creates orders already in them).
 */
export function recordRefund(store: StoreState, order: OrderRecord, draft: RefundDraft): OrderRefund {
  const r = resources(store);
  const transactions = ledger(store, order);
  const reference = paymentTransaction(store, order)?.id ?? null;
  const gateway = gatewayOf(order);
  const refund: OrderRefund = {
    id: nextId(r, 'refund', 1),
    order_id: order.id,
    user_id: 0,
    created: draft.created,
    reason: draft.reason,
    total_amount: draft.total_amount,
    total_tax: draft.total_tax,
    uses_merchant_override_values: draft.uses_merchant_override_values,
    items: draft.items,
    payments: draft.payments.map((p) => {
      const t = refundTransaction(store, order, p.provider_id, p.amount, draft.created, reference);
      transactions.push(t);
      const offlineProvider = p.provider_id === CUSTOM.id || (p.provider_id === gateway.id && gateway.offline);
      return { id: nextId(r, 'refund_payment', 1), provider_id: p.provider_id, amount: p.amount, offline: p.offline ?? offlineProvider, is_declined: false, declined_message: '', transaction_id: t.id };
    }),
  };
  r.refunds.push(refund);
  for (const item of refund.items) {
    const line = item.item_type === 'PRODUCT' ? order.lines.find((l) => l.id === item.item_id) : undefined;
    if (line) line.quantity_refunded += item.quantity ?? 0;
  }
  order.refunded_amount += refund.total_amount;
  return refund;
}

/** Payments must be the quote's refund methods' providers and pay exactly the refund (RefundQuote notes). */
function checkPayments(store: StoreState, order: OrderRecord, q: Quote, payments: Array<{ provider_id: string; amount: number }>, expected: Units, override: boolean): void {
  const offered = new Set(q.methods.flat().map((o) => o.provider.id));
  const gateway = gatewayOf(order);
  payments.forEach((p, i) => {
    if (toUnits(p.amount) <= 0) throw new RefundProblem('JSON data is missing or invalid', { [`payments.${i}.amount`]: 'The amount must be more than 0.' });
    const noCredit = p.provider_id === STORE_CREDIT.id ? storeCreditUnavailable(store, order) : null;
    if (noCredit) throw new RefundProblem(noCredit, { [`payments.${i}.provider_id`]: p.provider_id });
    if (!offered.has(p.provider_id)) {
      throw new RefundProblem('Payment provider is not a refund method of this order', {
        [`payments.${i}.provider_id`]: `"${p.provider_id}" is not offered; the refund quote offers ${[...offered].join(', ')}.`,
      });
    }
  });
  const viaGateway = payments.filter((p) => p.provider_id === gateway.id).reduce((s, p) => s + toUnits(p.amount), 0);
  const gatewayLeft = leftOnGateway(store, order);
  if (gateway.id !== CUSTOM.id && viaGateway > gatewayLeft) {
    throw new RefundProblem('Refund amount is greater than remaining amount', { payments: `${fmt4(gatewayLeft)} is left to refund through ${gateway.id}; ${fmt4(viaGateway)} asked.` });
  }
  const sum = payments.reduce((s, p) => s + toUnits(p.amount), 0);
  if (sum !== expected) {
    throw new RefundProblem('The payments do not match the refund amount', {
      payments: `The payments come to ${fmt4(sum)} but the refund is ${fmt4(expected)}${override ? ' (merchant_calculated_override.total_amount)' : ' (the refund quote for these items)'}.`,
    });
  }
}

/**
 * Get a Refund answers RefundID_Get, which types an item's `requested_amount` as a two-decimal string ('109.11') where
 * the Refund schema of the lists and of POST has a number; each operation gets its own document's type.
 */
function serializeRefundById(refund: OrderRefund) {
  const data = serializeRefund(refund);
  return {
    ...data,
    items: data.items.map((item, i) => {
      const units = refund.items[i]!.requested_amount;
      return { ...item, requested_amount: units === null ? null : fmt4(units).slice(0, -2) };
    }),
  };
}

function serializeRefund(refund: OrderRefund) {
  return {
    id: refund.id,
    order_id: refund.order_id,
    user_id: refund.user_id,
    created: iso(refund.created),
    reason: refund.reason,
    total_amount: toNumber(refund.total_amount),
    total_tax: toNumber(refund.total_tax),
    uses_merchant_override_values: refund.uses_merchant_override_values,
    items: refund.items.map((i) => ({
      item_type: i.item_type,
      item_id: i.item_id,
      ...(i.quantity === null ? {} : { quantity: i.quantity }),
      ...(i.requested_amount === null ? {} : { requested_amount: toNumber(i.requested_amount) }),
      ...(i.adjustments?.length ? { adjustments: i.adjustments.map((a) => ({ amount: toNumber(a.amount), description: a.description })) } : {}),
      reason: i.reason,
    })),
    payments: refund.payments.map((p) => ({
      id: p.id,
      provider_id: p.provider_id,
      amount: toNumber(p.amount),
      offline: p.offline,
      is_declined: p.is_declined,
      declined_message: p.declined_message,
      ...(p.transaction_id === undefined ? {} : { transaction_id: String(p.transaction_id) }),
    })),
  };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** `created:min` / `created:max`: "Must be in url-encoded RFC 3339 format" (a raw "+" in a query string is a space). */
function dateParam(ctx: ApiContext, name: string): number | null {
  const value = ctx.url.searchParams.get(name);
  if (value === null) return null;
  if (!RFC3339.test(value)) {
    throw v3Error(422, 'Input is invalid', { [name]: `"${value}" is not an RFC 3339 date-time such as 2020-01-15T01:02:34-01:00 (URL-encode it: a raw "+" arrives as a space).` });
  }
  return Date.parse(value);
}

export function registerRefunds(api: ApiGateway, orders: OrdersModule): void {
  const platform: Platform = api.platform;

  function findOrder(ctx: ApiContext): OrderRecord {
    const order = resources(ctx.store).orders.find((o) => o.id === Number(ctx.params.order_id));
    if (!order) throw v3Error(404, 'The requested order was not found.');
    return order;
  }

  api.add('POST', '/v3/orders/:order_id/payment_actions/refund_quotes', ORDERS_OR_TRANSACTIONS, 'modify', (ctx) => {
    const order = findOrder(ctx);
    const parsed = refundable.safeParse(parseJsonBody(ctx));
    if (!parsed.success) throw quoteError(invalid(parsed.error));
    let q: Quote;
    try {
      q = quote(ctx.store, order, parsed.data);
    } catch (error) {
      if (error instanceof RefundProblem) throw quoteError(error);
      throw error;
    }
    ok(
      ctx,
      {
        data: {
          order_id: order.id,
          total_refund_amount: toNumber(q.total),
          total_refund_tax_amount: toNumber(q.calculation.tax),
          order_level_refund_amount: toNumber(q.calculation.orderLevel),
          rounding: toNumber(q.rounding),
          adjustment: toNumber(q.adjustment),
          tax_inclusive: order.is_tax_inclusive,
          refund_methods: q.methods.map((m) => m.map(serializeOption)),
        },
        meta: {},
      },
      201,
    );
  });

  // The refund is recorded and paid at once (BigCommerce schedules the payment request; the sandbox has no gateway to
  // wait for). merchant_calculated_override: "BC internal tax based refund calculation is skipped": its total_amount and
  // total_tax are the refund's, and the payments must come to its total_amount.
  api.add('POST', '/v3/orders/:order_id/payment_actions/refunds', ORDERS_OR_TRANSACTIONS, 'modify', (ctx) => {
    const order = findOrder(ctx);
    const parsed = refundInput.safeParse(parseJsonBody(ctx));
    if (!parsed.success) throw refundError(invalid(parsed.error));
    const body = parsed.data;
    let refund: OrderRefund;
    try {
      const q = quote(ctx.store, order, body);
      const override = body.merchant_calculated_override;
      const left = paidAmount(ctx.store, order) - refundedAmount(ctx.store, order);
      const expected = override ? toUnits(override.total_amount) : q.total;
      if (override && expected > left) {
        throw new RefundProblem('Refund amount is greater than remaining amount', { 'merchant_calculated_override.total_amount': `${fmt4(left)} is left to refund on the order.` });
      }
      if (expected <= 0) throw new RefundProblem('Refund amount is greater than remaining amount', { items: `${fmt4(Math.max(0, left))} is left to refund on the order.` });
      checkPayments(ctx.store, order, q, body.payments, expected, override !== undefined);
      refund = recordRefund(ctx.store, order, {
        created: platform.clock.now(),
        reason: q.calculation.items.find((i) => i.reason)?.reason ?? '',
        total_amount: expected,
        total_tax: override ? toUnits(override.total_tax) : q.calculation.tax,
        uses_merchant_override_values: override !== undefined,
        items: q.calculation.items,
        payments: body.payments.map((p) => ({ provider_id: p.provider_id, amount: toUnits(p.amount), offline: p.offline })),
      });
    } catch (error) {
      if (error instanceof RefundProblem) throw refundError(error);
      throw error;
    }
    // Refunded (4) once the money taken is all paid back, Partially Refunded (14) before (help "Processing Refunds").
    const previous = order.status_id;
    const full = refundedAmount(ctx.store, order) >= paidAmount(ctx.store, order);
    order.status_id = full ? 4 : 14;
    order.payment_status = full ? 'refunded' : 'partially refunded';
    orders.touch(ctx.store, order, previous);
    platform.emit(ctx.store, 'store/order/refund/created', { type: 'order', id: order.id, refund: { refund_id: refund.id } });
    ok(ctx, { data: serializeRefund(refund), meta: {} }, 201);
  });

  const byTransaction = (ctx: ApiContext) => {
    const id = ctx.url.searchParams.get('transaction_id');
    return (x: OrderRefund) => id === null || x.payments.some((p) => String(p.transaction_id) === id);
  };
  const byId = (a: OrderRefund, b: OrderRefund) => a.id - b.id;

  // "Returns a list of refunds ordered by refund ID in ascending order for the given order."
  api.add('GET', '/v3/orders/:order_id/payment_actions/refunds', REFUNDS_READ, 'read', (ctx) => {
    const order = findOrder(ctx);
    collection(ctx, orderRefunds(ctx.store, order).filter(byTransaction(ctx)).sort(byId), serializeRefund);
  });

  api.add('GET', '/v3/orders/payment_actions/refunds', REFUNDS_READ, 'read', (ctx) => {
    const orderIds = numList(ctx, 'order_id:in');
    const ids = numList(ctx, 'id:in');
    const min = dateParam(ctx, 'created:min');
    const max = dateParam(ctx, 'created:max');
    const transaction = byTransaction(ctx);
    // `created` is sent to the second, so a refund is as old as the second it shows.
    const shown = (x: OrderRefund) => Math.floor(x.created / 1000) * 1000;
    const list = resources(ctx.store).refunds.filter(
      (x) =>
        (orderIds === null || orderIds.includes(x.order_id)) &&
        (ids === null || ids.includes(x.id)) &&
        (min === null || shown(x) >= min) &&
        (max === null || shown(x) <= max) &&
        transaction(x),
    );
    collection(ctx, list.sort(byId), serializeRefund);
  });

  // orders.v3.yml lists no scopes for "Get a Refund"; the sandbox asks for those of the two refund lists (README).
  api.add('GET', '/v3/orders/payment_actions/refunds/:refund_id', REFUNDS_READ, 'read', (ctx) => {
    const refund = resources(ctx.store).refunds.find((x) => x.id === Number(ctx.params.refund_id));
    if (!refund) throw v3Error(404, 'The requested refund was not found.');
    ok(ctx, { data: serializeRefundById(refund), meta: {} });
  });
}
