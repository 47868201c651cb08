// Orders V2 (specs/bigcommerce/orders.v2.oas2.yml): list with filters/sort/paging and embedded consignments and
// fees, count, one order, create with full price computation, update, archive, and the sub-resources.
import { z } from 'zod';
import type { ApiContext, ApiGateway } from '../api';
import { ok } from '../api';
import { HttpError, parseJsonBody } from '../http';
import { type Units, fmt4, toNumber, toUnits } from '../money';
import type { Platform } from '../platform';
import type { StoreState } from '../state';
import {
  type Address,
  type OrderLine,
  type OrderRecord,
  type OrderShippingAddress,
  type StoreResources,
  nextId,
  resources,
  rfc2822,
} from './model';
import { initialPaymentStatus, ledger, paymentOnStatusChange } from './payments';
import { applyOrderDiscount, orderAmounts, split, stepFor, type OrderAmounts } from './pricing';

export const ORDER_STATUSES: Array<{ id: number; name: string; description: string; sort_order: number }> = [
  { id: 0, name: 'Incomplete', description: 'An incomplete order happens when a shopper reached the payment page, but did not complete the transaction.', sort_order: 0 },
  { id: 1, name: 'Pending', description: 'Customer started the checkout process, but did not complete it.', sort_order: 1 },
  { id: 2, name: 'Shipped', description: 'Order has been shipped, but receipt has not been confirmed; seller has used the Ship Items action.', sort_order: 8 },
  { id: 3, name: 'Partially Shipped', description: 'Only some items in the order have been shipped, due to some products being pre-order only or other reasons.', sort_order: 6 },
  { id: 4, name: 'Refunded', description: 'Seller has used the Refund action.', sort_order: 11 },
  { id: 5, name: 'Cancelled', description: 'Seller has cancelled an order, due to a stock inconsistency or other reasons.', sort_order: 9 },
  { id: 6, name: 'Declined', description: 'Seller has marked the order as declined for lack of manual payment, or other reasons.', sort_order: 10 },
  { id: 7, name: 'Awaiting Payment', description: 'Customer has completed checkout process, but payment has yet to be confirmed.', sort_order: 2 },
  { id: 8, name: 'Awaiting Pickup', description: 'Order has been pulled, and is awaiting customer pickup from a seller-specified location.', sort_order: 5 },
  { id: 9, name: 'Awaiting Shipment', description: 'Order has been pulled and packaged, and is awaiting collection from a shipping provider.', sort_order: 4 },
  { id: 10, name: 'Completed', description: 'Client has paid for their digital product and their file(s) are available for download.', sort_order: 7 },
  { id: 11, name: 'Awaiting Fulfillment', description: 'Customer has completed the checkout process and payment has been confirmed.', sort_order: 3 },
  { id: 12, name: 'Manual Verification Required', description: 'Order on hold while some aspect needs to be manually confirmed.', sort_order: 13 },
  { id: 13, name: 'Disputed', description: 'Customer has initiated a dispute resolution process for the PayPal transaction that paid for the order.', sort_order: 12 },
  { id: 14, name: 'Partially Refunded', description: 'Seller has partially refunded the order.', sort_order: 14 },
];

/** V2 errors are arrays of `{status, message}`. */
export function v2Error(status: number, message: string, details?: unknown): HttpError {
  return new HttpError(status, [{ status, message, ...(details === undefined ? {} : { details }) }]);
}

const money = z.union([z.number(), z.string().regex(/^-?\d*(\.\d+)?$/)]);

const addressInput = z
  .object({
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    company: z.string().optional(),
    street_1: z.string().optional(),
    street_2: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
    zip: z.string().optional(),
    country: z.string().optional(),
    country_iso2: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
  })
  .passthrough();

const productInput = z
  .object({
    product_id: z.number().int().optional(),
    variant_id: z.number().int().optional(),
    name: z.string().min(1).optional(),
    sku: z.string().optional(),
    quantity: z.number().int().min(1),
    price_ex_tax: money.optional(),
    price_inc_tax: money.optional(),
    product_options: z.array(z.object({ id: z.number().int(), value: z.union([z.string(), z.number()]) }).passthrough()).optional(),
    upc: z.string().optional(),
  })
  .passthrough();

const feeInput = z
  .object({
    type: z.literal('custom_fee').optional(),
    display_name_customer: z.string().optional(),
    display_name_merchant: z.string().optional(),
    source: z.string().optional(),
    cost_ex_tax: money.optional(),
    cost_inc_tax: money.optional(),
    tax_class_id: z.number().int().nullable().optional(),
  })
  .passthrough();

export const orderPostInput = z
  .object({
    customer_id: z.number().int().min(0).optional(),
    status_id: z.number().int().min(0).max(14).optional(),
    billing_address: addressInput,
    shipping_addresses: z.array(addressInput.extend({ shipping_method: z.string().optional() })).optional(),
    products: z.array(productInput).min(1),
    fees: z.array(feeInput).optional(),
    base_shipping_cost: money.optional(),
    shipping_cost_ex_tax: money.optional(),
    shipping_cost_inc_tax: money.optional(),
    base_handling_cost: money.optional(),
    handling_cost_ex_tax: money.optional(),
    handling_cost_inc_tax: money.optional(),
    base_wrapping_cost: money.optional(),
    wrapping_cost_ex_tax: money.optional(),
    wrapping_cost_inc_tax: money.optional(),
    discount_amount: money.optional(),
    payment_method: z.string().optional(),
    payment_provider_id: z.union([z.string(), z.number()]).optional(),
    default_currency_code: z.string().regex(/^[A-Z]{3}$/).optional(),
    date_created: z.string().optional(),
    customer_message: z.string().optional(),
    staff_notes: z.string().optional(),
    customer_locale: z.string().optional(),
    channel_id: z.number().int().optional(),
    external_source: z.string().nullable().optional(),
    external_merchant_id: z.string().nullable().optional(),
    external_order_id: z.string().optional(),
    ebay_order_id: z.string().optional(),
    ip_address: z.string().optional(),
    geoip_country: z.string().optional(),
    geoip_country_iso2: z.string().optional(),
    is_email_opt_in: z.boolean().optional(),
    order_is_digital: z.boolean().optional(),
    /** Sandbox extension for the seeder: the order's tax mode (defaults to the store's). */
    is_tax_inclusive_pricing: z.boolean().optional(),
    /** Sandbox extension for the seeder: coupons applied to the order. */
    coupons: z
      .array(z.object({ code: z.string(), type: z.union([z.literal(0), z.literal(1), z.literal(2)]), amount: money }))
      .optional(),
  })
  .passthrough();
export type OrderPostInput = z.infer<typeof orderPostInput>;

/** Exchange rates from the store's default currency (sandbox constants). */
const RATES_FROM_USD: Record<string, string> = {
  USD: '1.0000000000',
  EUR: '0.9200000000',
  GBP: '0.7900000000',
  CAD: '1.3600000000',
  AUD: '1.5200000000',
  NZD: '1.6500000000',
  JPY: '151.0000000000',
};

function exchangeRate(from: string, to: string): string {
  if (from === to) return '1.0000000000';
  const f = Number(RATES_FROM_USD[from] ?? '1');
  const t = Number(RATES_FROM_USD[to] ?? '1');
  return (t / f).toFixed(10);
}

function fullAddress(a: z.infer<typeof addressInput> | undefined): Address {
  return {
    first_name: a?.first_name ?? '',
    last_name: a?.last_name ?? '',
    company: a?.company ?? '',
    street_1: a?.street_1 ?? '',
    street_2: a?.street_2 ?? '',
    city: a?.city ?? '',
    state: a?.state ?? '',
    zip: a?.zip ?? '',
    country: a?.country ?? '',
    country_iso2: a?.country_iso2 ?? '',
    phone: a?.phone ?? '',
    email: a?.email ?? '',
  };
}

/** Ex/inc prices for an amount given on one side or both; catalog prices are in the authoritative basis. */
function priceSides(
  input: { ex?: z.infer<typeof money>; inc?: z.infer<typeof money>; catalog?: Units },
  rate: number,
  inclusive: boolean,
  step: number,
): { ex: Units; inc: Units } {
  if (input.ex !== undefined && input.inc !== undefined) return { ex: toUnits(input.ex), inc: toUnits(input.inc) };
  if (input.ex !== undefined) return split(toUnits(input.ex), rate, false, step);
  if (input.inc !== undefined) return split(toUnits(input.inc), rate, true, step);
  return split(input.catalog ?? 0, rate, inclusive, step);
}

export function parseDateParam(value: string): number | null {
  const t = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/** Builds an order from a POST /v2/orders body (also used by the seeder). Throws V2 errors on bad input. */
export function buildOrder(platform: Platform, store: StoreState, input: OrderPostInput): OrderRecord {
  const r = resources(store);
  const now = platform.clock.now();
  const currency = input.default_currency_code ?? store.currency;
  const step = stepFor(currency);
  const inclusive = input.is_tax_inclusive_pricing ?? store.tax_inclusive;
  const rate = r.tax_rate;
  if (input.customer_id && !r.customers.some((c) => c.id === input.customer_id)) {
    throw v2Error(400, `The field 'customer_id' is invalid: customer ${input.customer_id} does not exist.`);
  }
  const id = nextId(r, 'order', 100);
  const addressId = nextId(r, 'order_address', 1);
  const lines: OrderLine[] = input.products.map((p, index) => {
    const lineId = nextId(r, 'order_product', 1);
    if (p.product_id !== undefined && p.product_id !== 0) {
      const product = r.products.find((x) => x.id === p.product_id);
      if (!product) throw v2Error(400, `The field 'products[${index}].product_id' is invalid: product ${p.product_id} does not exist.`);
      const variant = p.variant_id !== undefined
        ? product.variants.find((v) => v.id === p.variant_id)
        : product.variants.find((v) => v.id === product.base_variant_id) ?? product.variants[0];
      if (!variant) throw v2Error(400, `The field 'products[${index}].variant_id' is invalid.`);
      const prices = priceSides({ ex: p.price_ex_tax, inc: p.price_inc_tax, catalog: variant.price ?? product.price }, rate, inclusive, step);
      return {
        id: lineId,
        product_id: product.id,
        variant_id: variant.id,
        name: p.name ?? product.name,
        sku: variant.sku || product.sku,
        type: product.type,
        quantity: p.quantity,
        quantity_shipped: 0,
        quantity_refunded: 0,
        price_ex: prices.ex,
        price_inc: prices.inc,
        cost_price: variant.cost_price || product.cost_price,
        weight: variant.weight ?? product.weight,
        order_address_id: addressId,
        product_options: variant.option_values.map((ov, i) => ({
          id: lineId * 10 + i,
          option_id: ov.option_id,
          display_name: ov.option_display_name,
          display_value: ov.label,
          value: String(ov.id),
        })),
        discounts: [],
      };
    }
    if (!p.name || p.price_ex_tax === undefined || p.price_inc_tax === undefined) {
      throw v2Error(400, `The field 'products[${index}]' is invalid: a custom product needs name, quantity, price_ex_tax and price_inc_tax.`);
    }
    return {
      id: lineId,
      product_id: 0,
      variant_id: 0,
      name: p.name,
      sku: p.sku ?? '',
      type: 'physical',
      quantity: p.quantity,
      quantity_shipped: 0,
      quantity_refunded: 0,
      price_ex: toUnits(p.price_ex_tax),
      price_inc: toUnits(p.price_inc_tax),
      cost_price: 0,
      weight: 0,
      order_address_id: addressId,
      product_options: [],
      discounts: [],
    };
  });

  const shipping = priceSides(
    { ex: input.shipping_cost_ex_tax, inc: input.shipping_cost_inc_tax, catalog: input.base_shipping_cost !== undefined ? toUnits(input.base_shipping_cost) : 0 },
    rate,
    inclusive,
    step,
  );
  const handling = priceSides(
    { ex: input.handling_cost_ex_tax, inc: input.handling_cost_inc_tax, catalog: input.base_handling_cost !== undefined ? toUnits(input.base_handling_cost) : 0 },
    rate,
    inclusive,
    step,
  );
  const wrapping = priceSides(
    { ex: input.wrapping_cost_ex_tax, inc: input.wrapping_cost_inc_tax, catalog: input.base_wrapping_cost !== undefined ? toUnits(input.base_wrapping_cost) : 0 },
    rate,
    inclusive,
    step,
  );
  const billing = fullAddress(input.billing_address);
  const shippingInputs = input.shipping_addresses?.length ? input.shipping_addresses : [input.billing_address];
  const shippingAddresses: OrderShippingAddress[] = shippingInputs.map((a, i) => ({
    ...fullAddress(a),
    id: i === 0 ? addressId : nextId(r, 'order_address', 1),
    shipping_method: ('shipping_method' in a && typeof a.shipping_method === 'string' ? a.shipping_method : undefined) ?? 'Flat Rate',
    // BigCommerce's POST takes one order-level shipping cost; it lands on the first address.
    base_cost: i === 0 ? (inclusive ? shipping.inc : shipping.ex) : 0,
    cost_ex: i === 0 ? shipping.ex : 0,
    cost_inc: i === 0 ? shipping.inc : 0,
    handling_base: i === 0 ? (inclusive ? handling.inc : handling.ex) : 0,
    handling_ex: i === 0 ? handling.ex : 0,
    handling_inc: i === 0 ? handling.inc : 0,
    shipping_zone_id: 1,
    shipping_zone_name: a.country || 'United States',
  }));

  const order: OrderRecord = {
    id,
    customer_id: input.customer_id ?? 0,
    status_id: input.status_id ?? 1,
    date_created: input.date_created ? (parseDateParam(input.date_created) ?? now) : now,
    date_modified: now,
    date_shipped: null,
    channel_id: input.channel_id ?? 1,
    currency_code: currency,
    exchange_rate: exchangeRate(store.currency, currency),
    is_tax_inclusive: inclusive,
    tax_rate: rate,
    tax_name: r.tax_name,
    billing_address: billing,
    shipping_addresses: shippingAddresses,
    lines,
    coupons: [],
    fees: (input.fees ?? []).map((f) => {
      const sides = priceSides({ ex: f.cost_ex_tax, inc: f.cost_inc_tax }, 0, inclusive, step);
      return {
        id: nextId(r, 'order_fee', 1),
        display_name_customer: f.display_name_customer ?? 'Fee',
        display_name_merchant: f.display_name_merchant ?? f.display_name_customer ?? 'Fee',
        source: f.source ?? 'API',
        cost_ex: sides.ex,
        cost_inc: sides.inc,
        tax_class_id: f.tax_class_id ?? null,
      };
    }),
    shipments: [],
    manual_discount: 0,
    wrapping_base: inclusive ? wrapping.inc : wrapping.ex,
    wrapping_ex: wrapping.ex,
    wrapping_inc: wrapping.inc,
    payment_method: input.payment_method ?? 'Manual',
    payment_provider_id: input.payment_provider_id !== undefined ? String(input.payment_provider_id) : '',
    payment_status: '',
    refunded_amount: 0,
    store_credit_amount: 0,
    gift_certificate_amount: 0,
    staff_notes: input.staff_notes ?? '',
    customer_message: input.customer_message ?? '',
    customer_locale: input.customer_locale ?? 'en',
    order_source: 'external',
    external_source: input.external_source ?? null,
    external_id: null,
    external_merchant_id: input.external_merchant_id ?? null,
    external_order_id: input.external_order_id ?? '',
    ebay_order_id: input.ebay_order_id ?? '0',
    cart_id: '',
    ip_address: input.ip_address ?? '',
    geoip_country: input.geoip_country ?? '',
    geoip_country_iso2: input.geoip_country_iso2 ?? '',
    is_email_opt_in: input.is_email_opt_in ?? false,
    is_deleted: false,
  };
  order.payment_status = initialPaymentStatus(store, order);

  for (const coupon of input.coupons ?? []) {
    const couponId = nextId(r, 'coupon', 1);
    const base = orderAmounts(order);
    const authoritativeSubtotal = inclusive ? base.subtotal_inc : base.subtotal_ex;
    const value = toUnits(coupon.amount);
    // type 1 = percentage off the order, 0/2 = fixed amount off (per item / per order, simplified to the order).
    let discount = coupon.type === 1 ? Math.round((authoritativeSubtotal * value) / (100 * 10_000) / step) * step : value;
    discount = Math.min(discount, authoritativeSubtotal - base.discount_amount);
    order.coupons.push({ id: nextId(r, 'order_coupon', 1), coupon_id: couponId, code: coupon.code, amount: value, type: coupon.type, discount });
    applyOrderDiscount(order, discount, { id: `coupon-${couponId}`, name: `Coupon ${coupon.code}`, code: coupon.code });
  }
  if (input.discount_amount !== undefined) setManualDiscount(order, toUnits(input.discount_amount));
  return order;
}

/** What the lines still carry after their other discounts, in the authoritative basis: the most a manual discount can take. */
export function discountableLeft(order: OrderRecord): Units {
  const others = (l: OrderLine) => l.discounts.filter((d) => d.id !== 'manual-discount').reduce((s, d) => s + d.amount, 0);
  return order.lines.reduce((s, l) => s + (order.is_tax_inclusive ? l.price_inc : l.price_ex) * l.quantity - others(l), 0);
}

/**
 * Sets the order's manual discount (`discount_amount`), spread over the lines by price share. orders.v2.oas2.yml
 * says of `total_ex_tax` / `total_inc_tax` (and of every line total) "The value can't be negative", so a discount
 * larger than what the lines still carry after coupons is refused rather than producing a negative order (what
 * BigCommerce answers then is not documented; a 400 naming the field is the V2 shape for a bad field).
 */
export function setManualDiscount(order: OrderRecord, amount: Units): void {
  if (amount < 0) throw v2Error(400, "The field 'discount_amount' is invalid: the value can't be negative.");
  const left = discountableLeft(order);
  if (amount > left) {
    throw v2Error(400, `The field 'discount_amount' is invalid: ${fmt4(amount)} is more than the ${fmt4(left)} the products come to after their other discounts; an order total can't be negative.`);
  }
  for (const line of order.lines) line.discounts = line.discounts.filter((d) => d.id !== 'manual-discount');
  order.manual_discount = amount;
  applyOrderDiscount(order, amount, { id: 'manual-discount', name: 'Manual Discount', code: null });
}

// ---------- serialisation ----------

function statusName(r: StoreResources, id: number): string {
  return ORDER_STATUSES.find((s) => s.id === id)?.name ?? 'Unknown';
}

function customLabel(r: StoreResources, id: number): string {
  return r.status_labels[String(id)] ?? statusName(r, id);
}

function link(apiBase: string, resource: string) {
  return { url: `${apiBase}${resource}`, resource };
}

export function serializeLine(order: OrderRecord, line: OrderLine, amounts: OrderAmounts) {
  const a = amounts.lines.get(line.id)!;
  const base = order.is_tax_inclusive ? line.price_inc : line.price_ex;
  const costSides = split(line.cost_price, order.tax_rate, order.is_tax_inclusive, stepFor(order.currency_code));
  return {
    id: line.id,
    order_id: order.id,
    product_id: line.product_id,
    variant_id: line.variant_id,
    order_pickup_method_id: 0,
    order_address_id: line.order_address_id,
    name: line.name,
    name_customer: line.name,
    name_merchant: line.name,
    sku: line.sku,
    upc: '',
    type: line.type,
    base_price: fmt4(base),
    price_ex_tax: fmt4(line.price_ex),
    price_inc_tax: fmt4(line.price_inc),
    price_tax: fmt4(line.price_inc - line.price_ex),
    base_total: fmt4(base * line.quantity),
    total_ex_tax: fmt4(a.total_ex),
    total_inc_tax: fmt4(a.total_inc),
    total_tax: fmt4(a.total_tax),
    weight: line.weight,
    width: '0.0000',
    height: '0.0000',
    depth: '0.0000',
    quantity: line.quantity,
    base_cost_price: fmt4(line.cost_price),
    cost_price_inc_tax: fmt4(costSides.inc),
    cost_price_ex_tax: fmt4(costSides.ex),
    cost_price_tax: fmt4(costSides.inc - costSides.ex),
    is_refunded: line.quantity_refunded > 0 && line.quantity_refunded >= line.quantity,
    quantity_refunded: line.quantity_refunded,
    refund_amount: '0.0000',
    return_id: 0,
    wrapping_id: 0,
    wrapping_name: null,
    base_wrapping_cost: '0.0000',
    wrapping_cost_ex_tax: '0.0000',
    wrapping_cost_inc_tax: '0.0000',
    wrapping_cost_tax: '0.0000',
    wrapping_message: '',
    quantity_shipped: line.quantity_shipped,
    event_name: null,
    event_date: null,
    fixed_shipping_cost: '0.0000',
    ebay_item_id: '',
    ebay_transaction_id: '',
    option_set_id: line.product_options.length > 0 ? 1 : null,
    parent_order_product_id: null,
    is_bundled_product: false,
    bin_picking_number: '',
    external_id: null,
    brand: '',
    applied_discounts: line.discounts.map((d) => ({ id: d.id, amount: fmt4(d.amount), name: d.name, code: d.code, target: d.target })),
    product_options: line.product_options.map((o) => ({
      id: o.id,
      option_id: o.option_id,
      order_product_id: line.id,
      product_option_id: o.option_id,
      display_name: o.display_name,
      display_name_customer: o.display_name,
      display_name_merchant: o.display_name,
      display_value: o.display_value,
      display_value_customer: o.display_value,
      display_value_merchant: o.display_value,
      value: o.value,
      type: 'Multiple choice' as const,
      name: o.display_name,
      display_style: 'Dropdown',
    })),
    configurable_fields: [],
    gift_certificate_id: null,
    discounted_total_inc_tax: fmt4(a.discounted_total_inc),
  };
}

export function serializeShippingAddress(apiBase: string, order: OrderRecord, a: OrderShippingAddress) {
  const lines = order.lines.filter((l) => l.order_address_id === a.id);
  return {
    id: a.id,
    order_id: order.id,
    first_name: a.first_name,
    last_name: a.last_name,
    company: a.company,
    street_1: a.street_1,
    street_2: a.street_2,
    city: a.city,
    zip: a.zip,
    country: a.country,
    country_iso2: a.country_iso2,
    state: a.state,
    email: a.email,
    phone: a.phone,
    items_total: lines.reduce((s, l) => s + l.quantity, 0),
    items_shipped: lines.reduce((s, l) => s + l.quantity_shipped, 0),
    shipping_method: a.shipping_method,
    base_cost: fmt4(a.base_cost),
    cost_ex_tax: fmt4(a.cost_ex),
    cost_inc_tax: fmt4(a.cost_inc),
    cost_tax: fmt4(a.cost_inc - a.cost_ex),
    cost_tax_class_id: 2,
    base_handling_cost: fmt4(a.handling_base),
    handling_cost_ex_tax: fmt4(a.handling_ex),
    handling_cost_inc_tax: fmt4(a.handling_inc),
    handling_cost_tax: fmt4(a.handling_inc - a.handling_ex),
    handling_cost_tax_class_id: 2,
    shipping_zone_id: a.shipping_zone_id,
    shipping_zone_name: a.shipping_zone_name,
    shipping_quotes: link(apiBase, `/orders/${order.id}/shipping_addresses/${a.id}/shipping_quotes`),
    form_fields: [],
  };
}

function serializeConsignments(apiBase: string, order: OrderRecord, amounts: OrderAmounts, embedLines: boolean) {
  return {
    pickups: [],
    shipping: order.shipping_addresses.map((a) => {
      const lines = order.lines.filter((l) => l.order_address_id === a.id);
      return {
        id: a.id,
        first_name: a.first_name,
        last_name: a.last_name,
        company: a.company,
        street_1: a.street_1,
        street_2: a.street_2,
        city: a.city,
        state: a.state,
        zip: a.zip,
        country: a.country,
        country_iso2: a.country_iso2,
        email: a.email,
        phone: a.phone,
        form_fields: [],
        shipping_method: a.shipping_method,
        line_items: embedLines
          ? lines.map((l) => serializeLine(order, l, amounts))
          : lines.map((l) => link(apiBase, `/orders/${order.id}/products/${l.id}`)),
        items_total: lines.reduce((s, l) => s + l.quantity, 0),
        items_shipped: lines.reduce((s, l) => s + l.quantity_shipped, 0),
        base_cost: toNumber(a.base_cost),
        cost_ex_tax: toNumber(a.cost_ex),
        cost_inc_tax: toNumber(a.cost_inc),
        cost_tax: toNumber(a.cost_inc - a.cost_ex),
        cost_tax_class_id: 2,
        base_handling_cost: toNumber(a.handling_base),
        handling_cost_ex_tax: toNumber(a.handling_ex),
        handling_cost_inc_tax: toNumber(a.handling_inc),
        handling_cost_tax: toNumber(a.handling_inc - a.handling_ex),
        handling_cost_tax_class_id: 2,
        shipping_zone_id: a.shipping_zone_id,
        shipping_zone_name: a.shipping_zone_name,
        shipping_quotes: link(apiBase, `/orders/${order.id}/consignments/shipping/${a.id}/shipping_quotes`),
      };
    }),
    downloads: [],
    email: { gift_certificates: [] },
  };
}

export function serializeFees(order: OrderRecord) {
  return order.fees.map((f) => ({
    id: f.id,
    type: 'custom_fee' as const,
    display_name_customer: f.display_name_customer,
    display_name_merchant: f.display_name_merchant,
    source: f.source,
    base_cost: fmt4(order.is_tax_inclusive ? f.cost_inc : f.cost_ex),
    cost_ex_tax: fmt4(f.cost_ex),
    cost_inc_tax: fmt4(f.cost_inc),
    cost_tax: fmt4(f.cost_inc - f.cost_ex),
    tax_class_id: f.tax_class_id,
  }));
}

export interface IncludeOptions {
  consignments: boolean;
  consignmentLines: boolean;
  fees: boolean;
  objectStructure: boolean;
}

export function parseIncludes(url: URL): IncludeOptions {
  const include = (url.searchParams.get('include') ?? '').split(',').map((s) => s.trim());
  return {
    consignments: include.includes('consignments') || include.includes('consignments.line_items'),
    consignmentLines: include.includes('consignments.line_items'),
    fees: include.includes('fees'),
    objectStructure: url.searchParams.get('consignment_structure') === 'object',
  };
}

export function serializeOrder(store: StoreState, apiBase: string, order: OrderRecord, inc?: IncludeOptions) {
  const r = resources(store);
  const a = orderAmounts(order);
  const wrappingTax = order.wrapping_inc - order.wrapping_ex;
  const out: Record<string, unknown> = {
    id: order.id,
    customer_id: order.customer_id,
    date_created: rfc2822(order.date_created),
    date_modified: rfc2822(order.date_modified),
    date_shipped: order.date_shipped === null ? '' : rfc2822(order.date_shipped),
    status_id: order.status_id,
    status: statusName(r, order.status_id),
    custom_status: customLabel(r, order.status_id),
    subtotal_ex_tax: fmt4(a.subtotal_ex),
    subtotal_inc_tax: fmt4(a.subtotal_inc),
    subtotal_tax: fmt4(a.subtotal_inc - a.subtotal_ex),
    base_shipping_cost: fmt4(a.shipping_base),
    shipping_cost_ex_tax: fmt4(a.shipping_ex),
    shipping_cost_inc_tax: fmt4(a.shipping_inc),
    shipping_cost_tax: fmt4(a.shipping_inc - a.shipping_ex),
    shipping_cost_tax_class_id: 2,
    base_handling_cost: fmt4(a.handling_base),
    handling_cost_ex_tax: fmt4(a.handling_ex),
    handling_cost_inc_tax: fmt4(a.handling_inc),
    handling_cost_tax: fmt4(a.handling_inc - a.handling_ex),
    handling_cost_tax_class_id: 2,
    base_wrapping_cost: fmt4(order.wrapping_base),
    wrapping_cost_ex_tax: fmt4(order.wrapping_ex),
    wrapping_cost_inc_tax: fmt4(order.wrapping_inc),
    wrapping_cost_tax: fmt4(wrappingTax),
    wrapping_cost_tax_class_id: 3,
    total_ex_tax: fmt4(a.total_ex),
    total_inc_tax: fmt4(a.total_inc),
    total_tax: fmt4(a.total_tax),
    items_total: a.items_total,
    items_shipped: a.items_shipped,
    payment_method: order.payment_method,
    payment_provider_id: order.payment_provider_id,
    payment_status: order.payment_status,
    refunded_amount: fmt4(order.refunded_amount),
    order_is_digital: order.lines.every((l) => l.type === 'digital'),
    store_credit_amount: fmt4(order.store_credit_amount),
    gift_certificate_amount: fmt4(order.gift_certificate_amount),
    ip_address: order.ip_address,
    ip_address_v6: '',
    geoip_country: order.geoip_country,
    geoip_country_iso2: order.geoip_country_iso2,
    currency_id: 1,
    currency_code: order.currency_code,
    currency_exchange_rate: order.exchange_rate,
    default_currency_id: 1,
    default_currency_code: order.currency_code,
    store_default_currency_code: store.currency,
    store_default_to_transactional_exchange_rate: order.exchange_rate,
    staff_notes: order.staff_notes,
    customer_message: order.customer_message,
    discount_amount: fmt4(a.discount_amount),
    coupon_discount: fmt4(a.coupon_discount),
    shipping_address_count: order.shipping_addresses.length,
    is_deleted: order.is_deleted,
    ebay_order_id: order.ebay_order_id,
    cart_id: order.cart_id,
    billing_address: { ...order.billing_address, form_fields: [] },
    is_email_opt_in: order.is_email_opt_in,
    credit_card_type: null,
    order_source: order.order_source,
    channel_id: order.channel_id,
    external_source: order.external_source,
    products: link(apiBase, `/orders/${order.id}/products`),
    shipping_addresses: link(apiBase, `/orders/${order.id}/shipping_addresses`),
    coupons: link(apiBase, `/orders/${order.id}/coupons`),
    external_id: order.external_id,
    external_merchant_id: order.external_merchant_id,
    tax_provider_id: 'BasicTaxProvider',
    customer_locale: order.customer_locale,
    external_order_id: order.external_order_id,
    total_tax_is_estimated: false,
    is_tax_inclusive_pricing: order.is_tax_inclusive,
  };
  if (inc?.consignments) {
    const consignments = serializeConsignments(apiBase, order, a, inc.consignmentLines);
    out.consignments = inc.objectStructure ? consignments : [consignments];
  } else {
    out.consignments = link(apiBase, `/orders/${order.id}/consignments`);
  }
  out.fees = inc?.fees ? serializeFees(order) : link(apiBase, `/orders/${order.id}/fees`);
  return out;
}

export function serializeTaxes(order: OrderRecord) {
  const a = orderAmounts(order);
  const rows: Array<Record<string, unknown>> = [];
  const ratePct = fmt4(order.tax_rate * 100);
  const row = (id: number, addressId: number, amount: Units, type: string, productId: string, classId: number) => ({
    id,
    order_id: order.id,
    order_address_id: addressId,
    tax_rate_id: 1,
    sales_tax_id: '',
    tax_class_id: classId,
    name: order.tax_name,
    class: classId === 0 ? 'Default Tax Class' : classId === 2 ? 'Shipping' : 'Gift Wrapping',
    rate: ratePct,
    priority: 0,
    priority_amount: fmt4(amount),
    line_amount: fmt4(amount),
    order_pickup_method_id: 0,
    order_product_id: productId,
    line_item_type: type,
  });
  let n = 1;
  for (const line of order.lines) {
    const la = a.lines.get(line.id)!;
    if (la.tax_after_discount !== 0) rows.push(row(order.id * 1000 + n++, line.order_address_id, la.tax_after_discount, 'item', String(line.id), 0));
  }
  for (const addr of order.shipping_addresses) {
    if (addr.cost_inc !== addr.cost_ex) rows.push(row(order.id * 1000 + n++, addr.id, addr.cost_inc - addr.cost_ex, 'shipping', '', 2));
    if (addr.handling_inc !== addr.handling_ex) rows.push(row(order.id * 1000 + n++, addr.id, addr.handling_inc - addr.handling_ex, 'handling', '', 2));
  }
  if (order.wrapping_inc !== order.wrapping_ex) {
    rows.push(row(order.id * 1000 + n++, order.shipping_addresses[0]?.id ?? 0, order.wrapping_inc - order.wrapping_ex, 'gift-wrapping', '', 3));
  }
  return rows;
}

export function serializeShipment(order: OrderRecord, s: OrderRecord['shipments'][number]) {
  const address = order.shipping_addresses.find((a) => a.id === s.order_address_id);
  const { id: _id, shipping_method: _m, base_cost: _b, cost_ex: _ce, cost_inc: _ci, handling_base: _hb, handling_ex: _he, handling_inc: _hi, shipping_zone_id: _z, shipping_zone_name: _zn, ...shippingAddress } =
    address ?? ({} as OrderShippingAddress);
  return {
    id: s.id,
    order_id: order.id,
    customer_id: order.customer_id,
    order_address_id: s.order_address_id,
    date_created: rfc2822(s.date_created),
    tracking_number: s.tracking_number,
    merchant_shipping_cost: fmt4(s.merchant_shipping_cost),
    shipping_method: s.shipping_method,
    shipping_provider: s.shipping_provider,
    shipping_provider_display_name: s.shipping_provider === '' ? 'Custom' : s.shipping_provider.toUpperCase(),
    tracking_carrier: s.tracking_carrier,
    tracking_link: s.tracking_link,
    generated_tracking_link: s.tracking_link,
    comments: s.comments,
    billing_address: order.billing_address,
    shipping_address: shippingAddress,
    items: s.items,
  };
}

// ---------- routes ----------

function paging(ctx: ApiContext, defaultLimit = 50): { page: number; limit: number } {
  const page = Math.max(1, Number(ctx.url.searchParams.get('page') ?? '1') || 1);
  const limitRaw = Number(ctx.url.searchParams.get('limit') ?? String(defaultLimit)) || defaultLimit;
  return { page, limit: Math.min(250, Math.max(1, limitRaw)) };
}

/** V2 answers an empty collection with 204 No Content. */
function sendCollection(ctx: ApiContext, items: unknown[]): void {
  if (items.length === 0) {
    ctx.res.writeHead(204, { 'content-length': '0' });
    ctx.res.end();
    return;
  }
  ok(ctx, items);
}

function findOrder(ctx: ApiContext, includeDeleted = true): OrderRecord {
  const id = Number(ctx.params.order_id);
  const order = resources(ctx.store).orders.find((o) => o.id === id && (includeDeleted || !o.is_deleted));
  if (!order) throw v2Error(404, 'The requested resource was not found.');
  return order;
}

function filterOrders(ctx: ApiContext): OrderRecord[] {
  const q = ctx.url.searchParams;
  let list = resources(ctx.store).orders.filter((o) => !o.is_deleted);
  const num = (k: string) => (q.has(k) ? Number(q.get(k)) : null);
  const date = (k: string) => {
    const v = q.get(k);
    if (v === null) return null;
    const t = parseDateParam(v);
    if (t === null) throw v2Error(400, `The field '${k}' is invalid.`);
    return t;
  };
  const minId = num('min_id');
  const maxId = num('max_id');
  const customerId = num('customer_id');
  const statusId = num('status_id');
  const channelId = num('channel_id');
  const minTotal = q.has('min_total') ? toUnits(q.get('min_total')!) : null;
  const maxTotal = q.has('max_total') ? toUnits(q.get('max_total')!) : null;
  const minCreated = date('min_date_created');
  const maxCreated = date('max_date_created');
  const minModified = date('min_date_modified');
  const maxModified = date('max_date_modified');
  const email = q.get('email')?.toLowerCase();
  const paymentMethod = q.get('payment_method');
  const cartId = q.get('cart_id');
  const externalOrderId = q.get('external_order_id');
  list = list.filter((o) => {
    if (minId !== null && o.id < minId) return false;
    if (maxId !== null && o.id > maxId) return false;
    if (customerId !== null && o.customer_id !== customerId) return false;
    if (statusId !== null && o.status_id !== statusId) return false;
    if (channelId !== null && o.channel_id !== channelId) return false;
    if (minCreated !== null && o.date_created < minCreated) return false;
    if (maxCreated !== null && o.date_created > maxCreated) return false;
    if (minModified !== null && o.date_modified < minModified) return false;
    if (maxModified !== null && o.date_modified > maxModified) return false;
    if (email && o.billing_address.email.toLowerCase() !== email) return false;
    if (paymentMethod && o.payment_method !== paymentMethod) return false;
    if (cartId && o.cart_id !== cartId) return false;
    if (externalOrderId && o.external_order_id !== externalOrderId) return false;
    if (minTotal !== null || maxTotal !== null) {
      const total = orderAmounts(o).total_inc;
      if (minTotal !== null && total < minTotal) return false;
      if (maxTotal !== null && total > maxTotal) return false;
    }
    return true;
  });
  const sort = q.get('sort');
  if (sort) {
    const [field, dirRaw] = sort.split(':');
    const dir = (dirRaw ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
    const key: Record<string, (o: OrderRecord) => number | string> = {
      id: (o) => o.id,
      customer_id: (o) => o.customer_id,
      date_created: (o) => o.date_created,
      date_modified: (o) => o.date_modified,
      status_id: (o) => o.status_id,
      channel_id: (o) => o.channel_id,
      external_id: (o) => o.external_id ?? '',
    };
    const get = key[field ?? ''];
    if (!get) throw v2Error(400, `The field 'sort' is invalid.`);
    list = [...list].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      return (x < y ? -1 : x > y ? 1 : a.id - b.id) * dir;
    });
  }
  return list;
}

export interface OrdersModule {
  /** Persists a new order built by `buildOrder` and fires `store/order/created`. */
  addOrder(store: StoreState, order: OrderRecord): void;
  /** A `POST /v2/orders` body validated (400 as the API answers it), built and added: the API route's and a checkout's. */
  place(store: StoreState, body: unknown): OrderRecord;
  touch(store: StoreState, order: OrderRecord, previousStatus?: number): void;
}

export function registerOrders(api: ApiGateway): OrdersModule {
  const platform = api.platform;
  const apiBase = (ctx: ApiContext) => `${publicOrigin(ctx)}/stores/${ctx.store.hash}/v2`;

  const module: OrdersModule = {
    addOrder(store, order) {
      ledger(store, order); // the payment taken (or authorized) at creation
      resources(store).orders.push(order);
      platform.changed();
      platform.emit(store, 'store/order/created', { type: 'order', id: order.id });
    },
    place(store, body) {
      const parsed = orderPostInput.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw v2Error(400, `The field '${issue.path.join('.')}' is invalid.`, { invalid_reason: issue.message });
      }
      const order = buildOrder(platform, store, parsed.data);
      module.addOrder(store, order);
      return order;
    },
    touch(store, order, previousStatus) {
      order.date_modified = Math.max(platform.clock.now(), order.date_modified + 1);
      platform.changed();
      platform.emit(store, 'store/order/updated', { type: 'order', id: order.id });
      if (previousStatus !== undefined && previousStatus !== order.status_id) {
        platform.emit(store, 'store/order/statusUpdated', {
          type: 'order',
          id: order.id,
          status: { previous_status_id: previousStatus, new_status_id: order.status_id },
        });
      }
    },
  };

  api.add('GET', '/v2/orders', 'orders', 'read', (ctx) => {
    const { page, limit } = paging(ctx);
    const inc = parseIncludes(ctx.url);
    const list = filterOrders(ctx).slice((page - 1) * limit, page * limit);
    sendCollection(ctx, list.map((o) => serializeOrder(ctx.store, apiBase(ctx), o, inc)));
  });

  api.add('GET', '/v2/orders/count', 'orders', 'read', (ctx) => {
    const r = resources(ctx.store);
    const live = r.orders.filter((o) => !o.is_deleted);
    ok(ctx, {
      statuses: ORDER_STATUSES.map((s) => ({
        id: s.id,
        name: s.name,
        system_label: s.name,
        custom_label: customLabel(r, s.id),
        system_description: s.description,
        count: live.filter((o) => o.status_id === s.id).length,
        sort_order: s.sort_order,
      })),
      count: live.length,
    });
  });

  api.add('POST', '/v2/orders', 'orders', 'modify', (ctx) => {
    const order = module.place(ctx.store, parseJsonBody(ctx));
    // The spec documents 200 for a created order (orders.v2.oas2.yml), so that is what we answer.
    ok(ctx, serializeOrder(ctx.store, apiBase(ctx), order, parseIncludes(ctx.url)), 200);
  });

  api.add('DELETE', '/v2/orders', 'orders', 'modify', (ctx) => {
    for (const order of resources(ctx.store).orders.filter((o) => !o.is_deleted)) {
      order.is_deleted = true;
      order.date_modified = platform.clock.now();
      platform.emit(ctx.store, 'store/order/archived', { type: 'order', id: order.id });
    }
    platform.changed();
    ok(ctx, undefined, 204);
  });

  api.add('GET', '/v2/orders/:order_id', 'orders', 'read', (ctx) => {
    ok(ctx, serializeOrder(ctx.store, apiBase(ctx), findOrder(ctx), parseIncludes(ctx.url)));
  });

  api.add('PUT', '/v2/orders/:order_id', 'orders', 'modify', (ctx) => {
    const order = findOrder(ctx, false);
    const body = parseJsonBody(ctx);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw v2Error(400, 'The request body is invalid.');
    const previous = order.status_id;
    updateOrder(platform, ctx.store, order, body as Record<string, unknown>);
    module.touch(ctx.store, order, previous);
    ok(ctx, serializeOrder(ctx.store, apiBase(ctx), order, parseIncludes(ctx.url)));
  });

  api.add('DELETE', '/v2/orders/:order_id', 'orders', 'modify', (ctx) => {
    const order = findOrder(ctx, false);
    order.is_deleted = true;
    order.date_modified = platform.clock.now();
    platform.changed();
    platform.emit(ctx.store, 'store/order/archived', { type: 'order', id: order.id });
    ok(ctx, undefined, 204);
  });

  api.add('GET', '/v2/orders/:order_id/products', 'orders', 'read', (ctx) => {
    const order = findOrder(ctx);
    const { page, limit } = paging(ctx);
    const a = orderAmounts(order);
    sendCollection(ctx, order.lines.slice((page - 1) * limit, page * limit).map((l) => serializeLine(order, l, a)));
  });

  api.add('GET', '/v2/orders/:order_id/products/:product_id', 'orders', 'read', (ctx) => {
    const order = findOrder(ctx);
    const line = order.lines.find((l) => l.id === Number(ctx.params.product_id));
    if (!line) throw v2Error(404, 'The requested resource was not found.');
    ok(ctx, serializeLine(order, line, orderAmounts(order)));
  });

  api.add('GET', '/v2/orders/:order_id/shipping_addresses', 'orders', 'read', (ctx) => {
    const order = findOrder(ctx);
    sendCollection(ctx, order.shipping_addresses.map((a) => serializeShippingAddress(apiBase(ctx), order, a)));
  });

  api.add('GET', '/v2/orders/:order_id/shipping_addresses/:id', 'orders', 'read', (ctx) => {
    const order = findOrder(ctx);
    const address = order.shipping_addresses.find((a) => a.id === Number(ctx.params.id));
    if (!address) throw v2Error(404, 'The requested resource was not found.');
    ok(ctx, serializeShippingAddress(apiBase(ctx), order, address));
  });

  api.add('PUT', '/v2/orders/:order_id/shipping_addresses/:id', 'orders', 'modify', (ctx) => {
    const order = findOrder(ctx, false);
    const address = order.shipping_addresses.find((a) => a.id === Number(ctx.params.id));
    if (!address) throw v2Error(404, 'The requested resource was not found.');
    const body = addressInput.extend({ shipping_method: z.string().optional() }).safeParse(parseJsonBody(ctx));
    if (!body.success) throw v2Error(400, 'The request body is invalid.');
    for (const [k, v] of Object.entries(body.data)) {
      if (typeof v === 'string' && k in address) (address as unknown as Record<string, unknown>)[k] = v;
    }
    module.touch(ctx.store, order);
    ok(ctx, serializeShippingAddress(apiBase(ctx), order, address));
  });

  api.add('GET', '/v2/orders/:order_id/coupons', 'orders', 'read', (ctx) => {
    const order = findOrder(ctx);
    sendCollection(
      ctx,
      order.coupons.map((c) => ({
        id: c.id,
        coupon_id: c.coupon_id,
        order_id: order.id,
        code: c.code,
        amount: fmt4(c.amount),
        type: c.type,
        discount: toNumber(c.discount),
      })),
    );
  });

  api.add('GET', '/v2/orders/:order_id/taxes', 'orders', 'read', (ctx) => {
    sendCollection(ctx, serializeTaxes(findOrder(ctx)));
  });

  api.add('GET', '/v2/orders/:order_id/fees', 'orders', 'read', (ctx) => {
    ok(ctx, { fees: serializeFees(findOrder(ctx)) });
  });

  api.add('GET', '/v2/orders/:order_id/consignments', 'orders', 'read', (ctx) => {
    const order = findOrder(ctx);
    ok(ctx, serializeConsignments(apiBase(ctx), order, orderAmounts(order), ctx.url.searchParams.get('include') === 'line_items'));
  });

  api.add('GET', '/v2/orders/:order_id/shipments', 'orders', 'read', (ctx) => {
    const order = findOrder(ctx);
    const { page, limit } = paging(ctx);
    sendCollection(ctx, order.shipments.slice((page - 1) * limit, page * limit).map((s) => serializeShipment(order, s)));
  });

  api.add('GET', '/v2/orders/:order_id/shipments/count', 'orders', 'read', (ctx) => {
    ok(ctx, { count: findOrder(ctx).shipments.length });
  });

  api.add('POST', '/v2/orders/:order_id/shipments', 'orders', 'modify', (ctx) => {
    const order = findOrder(ctx, false);
    const schema = z
      .object({
        order_address_id: z.number().int(),
        tracking_number: z.string().max(50).optional(),
        tracking_link: z.string().max(500).optional(),
        tracking_carrier: z.string().optional(),
        shipping_method: z.string().optional(),
        shipping_provider: z.string().optional(),
        merchant_shipping_cost: money.optional(),
        comments: z.string().optional(),
        items: z.array(z.object({ order_product_id: z.number().int(), quantity: z.number().int().min(1) })).min(1),
      })
      .passthrough();
    const parsed = schema.safeParse(parseJsonBody(ctx));
    if (!parsed.success) throw v2Error(400, `The field '${parsed.error.issues[0]?.path.join('.')}' is invalid.`);
    const body = parsed.data;
    if (!order.shipping_addresses.some((a) => a.id === body.order_address_id)) {
      throw v2Error(400, "The field 'order_address_id' is invalid.");
    }
    for (const item of body.items) {
      const line = order.lines.find((l) => l.id === item.order_product_id);
      if (!line || line.quantity_shipped + item.quantity > line.quantity) {
        throw v2Error(400, `The field 'items' is invalid: order product ${item.order_product_id} cannot ship ${item.quantity} more.`);
      }
    }
    const previous = order.status_id;
    const shipment = {
      id: nextId(resources(ctx.store), 'shipment', 1),
      order_address_id: body.order_address_id,
      date_created: platform.clock.now(),
      tracking_number: body.tracking_number ?? '',
      tracking_carrier: body.tracking_carrier ?? '',
      tracking_link: body.tracking_link ?? '',
      shipping_method: body.shipping_method ?? '',
      shipping_provider: body.shipping_provider ?? '',
      comments: body.comments ?? '',
      merchant_shipping_cost: body.merchant_shipping_cost !== undefined ? toUnits(body.merchant_shipping_cost) : 0,
      items: body.items.map((i) => {
        const line = order.lines.find((l) => l.id === i.order_product_id)!;
        line.quantity_shipped += i.quantity;
        return { order_product_id: line.id, product_id: line.product_id, quantity: i.quantity };
      }),
    };
    order.shipments.push(shipment);
    const allShipped = order.lines.every((l) => l.quantity_shipped >= l.quantity);
    order.status_id = allShipped ? 2 : 3;
    order.date_shipped = platform.clock.now();
    module.touch(ctx.store, order, previous);
    platform.emit(ctx.store, 'store/shipment/created', { type: 'shipment', id: shipment.id, orderId: order.id });
    ok(ctx, serializeShipment(order, shipment), 201);
  });

  api.add('GET', '/v2/orders/:order_id/shipments/:shipment_id', 'orders', 'read', (ctx) => {
    const order = findOrder(ctx);
    const s = order.shipments.find((x) => x.id === Number(ctx.params.shipment_id));
    if (!s) throw v2Error(404, 'The requested resource was not found.');
    ok(ctx, serializeShipment(order, s));
  });

  api.add('PUT', '/v2/orders/:order_id/shipments/:shipment_id', 'orders', 'modify', (ctx) => {
    const order = findOrder(ctx, false);
    const s = order.shipments.find((x) => x.id === Number(ctx.params.shipment_id));
    if (!s) throw v2Error(404, 'The requested resource was not found.');
    const body = z
      .object({
        tracking_number: z.string().max(50).optional(),
        tracking_link: z.string().optional(),
        tracking_carrier: z.string().optional(),
        shipping_method: z.string().optional(),
        shipping_provider: z.string().optional(),
        comments: z.string().optional(),
      })
      .passthrough()
      .safeParse(parseJsonBody(ctx));
    if (!body.success) throw v2Error(400, 'The request body is invalid.');
    Object.assign(s, Object.fromEntries(Object.entries(body.data).filter(([k, v]) => typeof v === 'string' && k in s)));
    module.touch(ctx.store, order);
    ok(ctx, serializeShipment(order, s));
  });

  api.add('DELETE', '/v2/orders/:order_id/shipments/:shipment_id', 'orders', 'modify', (ctx) => {
    const order = findOrder(ctx, false);
    const s = order.shipments.find((x) => x.id === Number(ctx.params.shipment_id));
    if (!s) throw v2Error(404, 'The requested resource was not found.');
    for (const item of s.items) {
      const line = order.lines.find((l) => l.id === item.order_product_id);
      if (line) line.quantity_shipped = Math.max(0, line.quantity_shipped - item.quantity);
    }
    order.shipments = order.shipments.filter((x) => x !== s);
    module.touch(ctx.store, order);
    ok(ctx, undefined, 204);
  });

  api.add('GET', '/v2/order_statuses', 'orders', 'read', (ctx) => {
    const r = resources(ctx.store);
    ok(ctx, ORDER_STATUSES.map((s) => ({ id: s.id, name: s.name, system_label: s.name, custom_label: customLabel(r, s.id), system_description: s.description, order: s.sort_order })));
  });

  api.add('GET', '/v2/order_statuses/:status_id', 'orders', 'read', (ctx) => {
    const r = resources(ctx.store);
    const s = ORDER_STATUSES.find((x) => x.id === Number(ctx.params.status_id));
    if (!s) throw v2Error(404, 'The requested resource was not found.');
    ok(ctx, { id: s.id, name: s.name, system_label: s.name, custom_label: customLabel(r, s.id), system_description: s.description, order: s.sort_order });
  });

  return module;
}

const orderPutInput = z
  .object({
    status_id: z.number().int().min(0).max(14).optional(),
    customer_id: z.number().int().min(0).optional(),
    billing_address: addressInput.optional(),
    payment_method: z.string().optional(),
    staff_notes: z.string().optional(),
    customer_message: z.string().optional(),
    external_order_id: z.string().nullable().optional(),
    discount_amount: money.optional(),
    products: z
      .array(
        z
          .object({
            id: z.number().int().optional(),
            product_id: z.number().int().optional(),
            variant_id: z.number().int().optional(),
            name: z.string().optional(),
            sku: z.string().optional(),
            quantity: z.number().int().min(0),
            price_ex_tax: money.optional(),
            price_inc_tax: money.optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();

/** PUT /v2/orders/{id}. As on BigCommerce, touching the products clears every line's discounts. */
export function updateOrder(platform: Platform, store: StoreState, order: OrderRecord, body: Record<string, unknown>): void {
  // A refused PUT changes nothing: the checks below run as the fields are applied, so undo on failure.
  const before = structuredClone(order);
  try {
    applyUpdate(platform, store, order, body);
  } catch (error) {
    Object.assign(order, before);
    throw error;
  }
}

function applyUpdate(platform: Platform, store: StoreState, order: OrderRecord, body: Record<string, unknown>): void {
  const parsed = orderPutInput.safeParse(body);
  if (!parsed.success) {
    throw v2Error(400, `The field '${parsed.error.issues[0]?.path.join('.')}' is invalid.`);
  }
  const input = parsed.data;
  if (input.status_id !== undefined) order.status_id = input.status_id;
  if (input.customer_id !== undefined) order.customer_id = input.customer_id;
  if (input.billing_address) order.billing_address = { ...order.billing_address, ...fullAddressPartial(input.billing_address) };
  if (input.payment_method !== undefined) order.payment_method = input.payment_method;
  if (input.staff_notes !== undefined) order.staff_notes = input.staff_notes;
  if (input.customer_message !== undefined) order.customer_message = input.customer_message;
  if (input.external_order_id !== undefined) order.external_order_id = input.external_order_id ?? '';
  if (input.products) {
    const step = stepFor(order.currency_code);
    const r = resources(store);
    for (const p of input.products) {
      if (p.id !== undefined) {
        const line = order.lines.find((l) => l.id === p.id);
        if (!line) throw v2Error(400, `The field 'products.id' is invalid: ${p.id}.`);
        if (p.quantity === 0) {
          order.lines = order.lines.filter((l) => l !== line);
          continue;
        }
        line.quantity = p.quantity;
        if (p.price_ex_tax !== undefined || p.price_inc_tax !== undefined) {
          const sides = priceSides({ ex: p.price_ex_tax, inc: p.price_inc_tax }, order.tax_rate, order.is_tax_inclusive, step);
          line.price_ex = sides.ex;
          line.price_inc = sides.inc;
        }
      } else {
        if (p.quantity === 0) continue;
        const built = buildOrder(platform, store, {
          billing_address: { ...order.billing_address } as OrderPostInput['billing_address'],
          products: [{ ...p, quantity: p.quantity }],
          default_currency_code: order.currency_code,
        });
        r.next_id.order = (r.next_id.order ?? 101) - 1; // the throwaway order must not consume an id
        const line = built.lines[0]!;
        line.order_address_id = order.shipping_addresses[0]?.id ?? line.order_address_id;
        order.lines.push(line);
      }
    }
    for (const line of order.lines) line.discounts = [];
    order.coupons = [];
    order.manual_discount = 0;
  }
  if (input.discount_amount !== undefined) setManualDiscount(order, toUnits(input.discount_amount));
  // Last, so a payment taken by this PUT is for the order as it now stands.
  if (input.status_id !== undefined) paymentOnStatusChange(store, order, platform.clock.now());
}

function fullAddressPartial(a: z.infer<typeof addressInput>): Partial<Address> {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => typeof v === 'string')) as Partial<Address>;
}

/** Origin the client used (so resource links point back at this sandbox). */
export function publicOrigin(ctx: ApiContext): string {
  const host = ctx.req.headers.host ?? 'localhost';
  return `http://${host}`;
}
