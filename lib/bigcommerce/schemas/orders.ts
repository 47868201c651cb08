/**
 * Wire schemas for the V2 Orders API, as `GET /v2/orders/{id}?include=consignments.line_items,fees&consignment_structure=object`
 * (and `GET /v2/orders` with the same include) return them. Field names and shapes follow
 * ../shared/specs/bigcommerce/orders.v2.oas2.yml (order_Resp, orderProducts, orderConsignment_Get,
 * orderFees_Resp, orderShippingAddress, orderCoupons_Base, orderTaxes_Base).
 *
 * Money stays a decimal string. The spec documents most money fields as "Float, Float-As-String, Integer"
 * and consignment costs as numbers, so numbers are accepted and turned into their decimal string.
 * Objects are loose: BigCommerce adds fields without notice and we must not reject an order for that.
 */
import { z } from 'zod';

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** A money value on the wire: "12.3400", "8", or 5.1 → always a decimal string. */
export const wireMoney = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const text = typeof v === 'number' ? String(v) : v.trim();
    if (!DECIMAL.test(text)) {
      ctx.addIssue({ code: 'custom', message: `not a decimal amount: ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return text;
  });
const optionalMoney = wireMoney.optional();
/** Fields that are integers in the spec but arrive as numbers or numeric strings in practice. */
const wireInt = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);

/** `{url, resource}`: a sub-resource that was not included. */
export const resourceLinkSchema = z.looseObject({ url: z.string(), resource: z.string() });

export const formFieldSchema = z.looseObject({
  name: z.string(),
  value: z.union([z.string(), z.number(), z.array(z.unknown())]).nullable().optional(),
});

export const billingAddressSchema = z.looseObject({
  first_name: z.string().default(''),
  last_name: z.string().default(''),
  company: z.string().nullable().default(''),
  street_1: z.string().default(''),
  street_2: z.string().nullable().default(''),
  city: z.string().default(''),
  state: z.string().default(''),
  zip: z.string().default(''),
  country: z.string().default(''),
  country_iso2: z.string().default(''),
  phone: z.string().nullable().default(''),
  email: z.string().default(''),
  form_fields: z.array(formFieldSchema).optional(),
});
export type BcBillingAddress = z.infer<typeof billingAddressSchema>;

export const appliedDiscountSchema = z.looseObject({
  /** The coupon id, promotion id, or "manual-discount"; a string in the spec, a number in some responses. */
  id: z.union([z.string(), z.number()]).transform(String),
  amount: wireMoney,
  name: z.string().nullable().optional(),
  code: z.string().nullable().optional(),
  target: z.enum(['order', 'product']),
});
export type BcAppliedDiscount = z.infer<typeof appliedDiscountSchema>;

export const productOptionSchema = z.looseObject({
  id: z.number().optional(),
  option_id: z.number().optional(),
  product_option_id: z.number().optional(),
  display_name: z.string().default(''),
  display_value: z.string().default(''),
  display_name_merchant: z.string().optional(),
  display_value_merchant: z.string().optional(),
  value: z.string().optional(),
  type: z.string().optional(),
  name: z.string().optional(),
});

/** orderProducts: one line item ("product") of an order. */
export const orderProductSchema = z.looseObject({
  id: z.number().int(),
  order_id: z.number().int(),
  product_id: z.number().int(),
  variant_id: z.number().int().nullable().optional(),
  order_address_id: z.number().int().optional(),
  order_pickup_method_id: z.number().int().optional(),
  name: z.string(),
  name_customer: z.string().optional(),
  name_merchant: z.string().optional(),
  sku: z.string().nullable().default(''),
  type: z.enum(['physical', 'digital', 'giftcertificate']).default('physical'),
  base_price: optionalMoney,
  price_ex_tax: wireMoney,
  price_inc_tax: wireMoney,
  price_tax: optionalMoney,
  base_total: optionalMoney,
  total_ex_tax: wireMoney,
  total_inc_tax: wireMoney,
  total_tax: wireMoney,
  quantity: z.number().int(),
  base_cost_price: optionalMoney,
  cost_price_ex_tax: optionalMoney,
  cost_price_inc_tax: optionalMoney,
  is_refunded: z.boolean().optional(),
  quantity_refunded: z.number().optional(),
  wrapping_id: z.number().int().nullable().optional(),
  wrapping_name: z.string().nullable().optional(),
  wrapping_cost_ex_tax: optionalMoney,
  wrapping_cost_inc_tax: optionalMoney,
  wrapping_cost_tax: optionalMoney,
  parent_order_product_id: z.number().int().nullable().optional(),
  is_bundled_product: z.boolean().optional(),
  applied_discounts: z.array(appliedDiscountSchema).default([]),
  product_options: z.array(productOptionSchema).default([]),
  gift_certificate_id: z.number().int().nullable().optional(),
  discounted_total_inc_tax: optionalMoney,
});
export type BcOrderProduct = z.infer<typeof orderProductSchema>;

const lineItemsSchema = z.array(z.union([orderProductSchema, resourceLinkSchema])).default([]);

/** shippingConsignment_Get: the costs are numbers in the spec, so wireMoney normalises them. */
export const shippingConsignmentSchema = z.looseObject({
  id: z.number().int(),
  first_name: z.string().default(''),
  last_name: z.string().default(''),
  company: z.string().nullable().default(''),
  street_1: z.string().default(''),
  street_2: z.string().nullable().default(''),
  city: z.string().default(''),
  state: z.string().default(''),
  zip: z.string().default(''),
  country: z.string().default(''),
  country_iso2: z.string().default(''),
  phone: z.string().nullable().default(''),
  email: z.string().nullable().default(''),
  form_fields: z.array(formFieldSchema).optional(),
  shipping_method: z.string().nullable().default(''),
  line_items: lineItemsSchema,
  items_total: z.number().optional(),
  items_shipped: z.number().optional(),
  base_cost: optionalMoney,
  cost_ex_tax: optionalMoney,
  cost_inc_tax: optionalMoney,
  cost_tax: optionalMoney,
  base_handling_cost: optionalMoney,
  handling_cost_ex_tax: optionalMoney,
  handling_cost_inc_tax: optionalMoney,
  handling_cost_tax: optionalMoney,
  shipping_zone_id: z.number().optional(),
  shipping_zone_name: z.string().optional(),
});
export type BcShippingConsignment = z.infer<typeof shippingConsignmentSchema>;

export const pickupConsignmentSchema = z.looseObject({
  id: z.number().int(),
  pickup_method_id: z.number().int().optional(),
  pickup_method_display_name: z.string().optional(),
  location: z.looseObject({ id: z.number().int(), name: z.string().optional(), code: z.string().optional() }).optional(),
  line_items: lineItemsSchema,
});

const recipientConsignmentSchema = z.looseObject({
  recipient_email: z.string().optional(),
  // The spec's digital example shows one resource object instead of an array.
  line_items: z.union([lineItemsSchema, resourceLinkSchema]).optional(),
});

/** orderConsignment_Get (consignment_structure=object). */
export const consignmentsSchema = z.looseObject({
  pickups: z.array(pickupConsignmentSchema).default([]),
  shipping: z.array(shippingConsignmentSchema).default([]),
  downloads: z.array(recipientConsignmentSchema).default([]),
  email: z.looseObject({ gift_certificates: z.array(recipientConsignmentSchema).default([]) }).optional(),
});
export type BcConsignments = z.infer<typeof consignmentsSchema>;

/** orderFees_Resp. The spec's own example spells one field `cost_exc_tax`; both spellings are accepted. */
export const orderFeeSchema = z
  .looseObject({
    id: z.number().int(),
    type: z.string().default('custom_fee'),
    display_name_customer: z.string().default(''),
    display_name_merchant: z.string().default(''),
    source: z.string().optional(),
    base_cost: optionalMoney,
    cost_ex_tax: optionalMoney,
    cost_exc_tax: optionalMoney,
    cost_inc_tax: wireMoney,
    cost_tax: wireMoney,
    tax_class_id: z.number().int().nullable().optional(),
  })
  .transform((fee, ctx) => {
    const costExTax = fee.cost_ex_tax ?? fee.cost_exc_tax;
    if (costExTax === undefined) {
      ctx.addIssue({ code: 'custom', message: 'fee has neither cost_ex_tax nor cost_exc_tax', path: ['cost_ex_tax'] });
      return z.NEVER;
    }
    return { ...fee, cost_ex_tax: costExTax };
  });
export type BcOrderFee = z.infer<typeof orderFeeSchema>;

export const paymentStatusSchema = z.string().default('');

/** order_Resp (order_RespOnly + order_Shared). */
export const orderSchema = z.looseObject({
  id: z.number().int(),
  customer_id: z.number().int(),
  date_created: z.string(),
  date_modified: z.string(),
  date_shipped: z.string().optional(),
  status_id: z.number().int(),
  status: z.string().default(''),
  custom_status: z.string().optional(),
  subtotal_ex_tax: wireMoney,
  subtotal_inc_tax: wireMoney,
  subtotal_tax: optionalMoney,
  base_shipping_cost: optionalMoney,
  shipping_cost_ex_tax: wireMoney,
  shipping_cost_inc_tax: wireMoney,
  shipping_cost_tax: wireMoney.default('0'),
  shipping_cost_tax_class_id: wireInt.nullable().optional(),
  base_handling_cost: optionalMoney,
  handling_cost_ex_tax: wireMoney.default('0'),
  handling_cost_inc_tax: wireMoney.default('0'),
  handling_cost_tax: wireMoney.default('0'),
  handling_cost_tax_class_id: wireInt.nullable().optional(),
  base_wrapping_cost: optionalMoney,
  wrapping_cost_ex_tax: wireMoney.default('0'),
  wrapping_cost_inc_tax: wireMoney.default('0'),
  wrapping_cost_tax: wireMoney.default('0'),
  wrapping_cost_tax_class_id: wireInt.nullable().optional(),
  total_ex_tax: wireMoney,
  total_inc_tax: wireMoney,
  total_tax: wireMoney,
  is_tax_inclusive_pricing: z.boolean().default(false),
  items_total: z.number().optional(),
  items_shipped: z.number().optional(),
  payment_method: z.string().nullable().default(''),
  payment_provider_id: z.union([z.string(), z.number()]).nullable().optional(),
  payment_status: paymentStatusSchema,
  refunded_amount: optionalMoney,
  order_is_digital: z.boolean().optional(),
  store_credit_amount: wireMoney.default('0'),
  gift_certificate_amount: wireMoney.default('0'),
  currency_id: z.number().int().optional(),
  currency_code: z.string().optional(),
  currency_exchange_rate: optionalMoney,
  default_currency_id: z.number().int().optional(),
  default_currency_code: z.string(),
  store_default_currency_code: z.string().nullable().optional(),
  store_default_to_transactional_exchange_rate: optionalMoney,
  staff_notes: z.string().nullable().optional(),
  customer_message: z.string().nullable().optional(),
  discount_amount: wireMoney.default('0'),
  coupon_discount: wireMoney.default('0'),
  shipping_address_count: z.number().optional(),
  is_deleted: z.boolean().optional(),
  is_email_opt_in: z.boolean().optional(),
  order_source: z.string().nullable().optional(),
  channel_id: z.number().int().optional(),
  external_source: z.string().nullable().optional(),
  external_id: z.string().nullable().optional(),
  external_order_id: z.string().nullable().optional(),
  cart_id: z.string().nullable().optional(),
  tax_provider_id: z.string().nullable().optional(),
  customer_locale: z.string().optional(),
  billing_address: billingAddressSchema,
  products: resourceLinkSchema.optional(),
  shipping_addresses: resourceLinkSchema.optional(),
  coupons: resourceLinkSchema.optional(),
  consignments: z.union([resourceLinkSchema, consignmentsSchema]).optional(),
  fees: z.union([resourceLinkSchema, z.array(orderFeeSchema)]).optional(),
});
export type BcOrder = z.infer<typeof orderSchema>;
export type BcOrderInput = z.input<typeof orderSchema>;

export const orderListSchema = z.array(orderSchema);

/** `GET /v2/orders/{id}/products` */
export const orderProductsSchema = z.array(orderProductSchema);

/** orderShippingAddress (`GET /v2/orders/{id}/shipping_addresses`). */
export const orderShippingAddressSchema = z.looseObject({
  id: z.number().int(),
  order_id: z.number().int(),
  first_name: z.string().default(''),
  last_name: z.string().default(''),
  company: z.string().nullable().default(''),
  street_1: z.string().default(''),
  street_2: z.string().nullable().default(''),
  city: z.string().default(''),
  state: z.string().default(''),
  zip: z.string().default(''),
  country: z.string().default(''),
  country_iso2: z.string().default(''),
  phone: z.string().nullable().default(''),
  email: z.string().nullable().default(''),
  items_total: z.number().optional(),
  items_shipped: z.number().optional(),
  shipping_method: z.string().nullable().optional(),
  base_cost: optionalMoney,
  cost_ex_tax: optionalMoney,
  cost_inc_tax: optionalMoney,
  cost_tax: optionalMoney,
  cost_tax_class_id: z.number().int().nullable().optional(),
  base_handling_cost: optionalMoney,
  handling_cost_ex_tax: optionalMoney,
  handling_cost_inc_tax: optionalMoney,
  handling_cost_tax: optionalMoney,
  shipping_zone_id: z.number().optional(),
  shipping_zone_name: z.string().optional(),
  form_fields: z.array(formFieldSchema).optional(),
});
export type BcOrderShippingAddress = z.infer<typeof orderShippingAddressSchema>;
export const orderShippingAddressesSchema = z.array(orderShippingAddressSchema);

/** orderCoupons_Base (`GET /v2/orders/{id}/coupons`). `discount` is a number in the spec. */
export const orderCouponSchema = z.looseObject({
  id: z.number().int(),
  coupon_id: z.number().int(),
  order_id: z.number().int(),
  code: z.string().nullable(),
  amount: z.union([z.string(), z.number()]).optional(),
  type: z.number().int(),
  discount: wireMoney,
});
export type BcOrderCoupon = z.infer<typeof orderCouponSchema>;
export const orderCouponsSchema = z.array(orderCouponSchema);

/** orderTaxes_Base (`GET /v2/orders/{id}/taxes?details=true`). */
export const orderTaxSchema = z.looseObject({
  id: z.number().int(),
  order_id: z.number().int().optional(),
  order_address_id: z.number().int().optional(),
  tax_rate_id: z.number().int().optional(),
  sales_tax_id: z.string().nullable().optional(),
  tax_class_id: z.number().int().nullable().optional(),
  name: z.string(),
  class: z.string().optional(),
  rate: wireMoney,
  priority: z.number().optional(),
  priority_amount: optionalMoney,
  line_amount: wireMoney,
  order_pickup_method_id: z.number().optional(),
  order_product_id: z.union([z.string(), z.number()]).nullable().optional().transform((v) => (v == null ? null : String(v))),
  /** Only with `?details=true`. */
  line_item_type: z.enum(['item', 'shipping', 'handling', 'gift-wrapping']).optional(),
});
export type BcOrderTax = z.infer<typeof orderTaxSchema>;
export const orderTaxesSchema = z.array(orderTaxSchema);

export const orderFeesSchema = z.array(orderFeeSchema);

function isProduct(value: unknown): value is BcOrderProduct {
  return typeof value === 'object' && value !== null && 'product_id' in value;
}

/**
 * The order's line items from its embedded consignments (shipping, pickup, digital, gift certificates),
 * each once, in id order. Returns null when the order was fetched without `include=consignments.line_items`.
 */
export function embeddedLineItems(order: BcOrder): BcOrderProduct[] | null {
  const consignments = order.consignments;
  if (!consignments || !('shipping' in consignments || 'pickups' in consignments || 'downloads' in consignments)) return null;
  const c = consignments as BcConsignments;
  const groups: unknown[] = [
    ...c.shipping.map((s) => s.line_items),
    ...c.pickups.map((p) => p.line_items),
    ...c.downloads.map((d) => d.line_items),
    ...(c.email?.gift_certificates ?? []).map((g) => g.line_items),
  ];
  const byId = new Map<number, BcOrderProduct>();
  let sawLinksOnly = false;
  for (const group of groups) {
    const items = Array.isArray(group) ? group : group ? [group] : [];
    for (const item of items) {
      if (isProduct(item)) byId.set(item.id, item);
      else sawLinksOnly = true;
    }
  }
  if (byId.size === 0 && sawLinksOnly) return null;
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** The shipping consignments embedded in the order, or null when they were not included. */
export function embeddedShippingConsignments(order: BcOrder): BcShippingConsignment[] | null {
  const consignments = order.consignments;
  if (!consignments || !('shipping' in consignments)) return null;
  return (consignments as BcConsignments).shipping;
}

/** The order's fees when included (`include=fees`), else null. */
export function embeddedFees(order: BcOrder): BcOrderFee[] | null {
  return Array.isArray(order.fees) ? order.fees : null;
}
