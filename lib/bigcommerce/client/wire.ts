/**
 * Wire schemas for the BigCommerce responses the client reads, except orders (lib/bigcommerce/schemas/orders.ts).
 * Shapes follow ../shared/specs/bigcommerce/*.yml. Objects are loose (BigCommerce adds fields without notice) and
 * only the fields the app uses are required. Money stays a decimal string (`wireMoney`). The app never sees these
 * types: model.ts maps them to its own.
 */
import { z } from 'zod';
import { wireMoney } from '@/lib/bigcommerce/schemas/orders';

/** store_information.v2.yml `GET /store`. */
export const wireStore = z.looseObject({
  id: z.string(),
  name: z.string().default(''),
  domain: z.string().optional(),
  secure_url: z.string().optional(),
  control_panel_base_url: z.string().optional(),
  admin_email: z.string().optional(),
  currency: z.string(),
  decimal_places: z.number().int().optional(),
  plan_level: z.string().optional(),
  plan_name: z.string().optional(),
  timezone: z.looseObject({ name: z.string(), raw_offset: z.number().optional() }).optional(),
  is_price_entered_with_tax: z.boolean().optional(),
  store_id: z.union([z.number(), z.string()]).optional(),
});

/** orders.v2 `GET /order_statuses` (orderStatus_Base). */
export const wireOrderStatus = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  system_label: z.string().optional(),
  custom_label: z.string().nullable().optional(),
  system_description: z.string().optional(),
  order: z.number().int().optional(),
});
export const wireOrderStatuses = z.array(wireOrderStatus);

/** V3 collection envelope: `{data: [...], meta: {pagination}}`. */
export const wirePagination = z.looseObject({
  total: z.number().int().optional(),
  count: z.number().int().optional(),
  per_page: z.number().int().optional(),
  current_page: z.number().int(),
  total_pages: z.number().int(),
});
export function wireCollection<T extends z.ZodType>(item: T) {
  return z.looseObject({
    data: z.array(item),
    meta: z.looseObject({ pagination: wirePagination.optional() }).optional(),
  });
}
export function wireSingle<T extends z.ZodType>(item: T) {
  return z.looseObject({ data: item });
}

/** customers.v3.yml `GET /customers` (customer_Full). */
export const wireCustomer = z.looseObject({
  id: z.number().int(),
  email: z.string(),
  first_name: z.string().default(''),
  last_name: z.string().default(''),
  company: z.string().nullable().default(''),
  phone: z.string().nullable().default(''),
  customer_group_id: z.number().int().nullable().optional(),
  tax_exempt_category: z.string().nullable().optional(),
  notes: z.string().nullable().optional(),
});

export const inventoryTracking = z.enum(['none', 'product', 'variant']);

/** products_catalog.v3.yml `GET /catalog/products` (product_Full). */
export const wireProduct = z.looseObject({
  id: z.number().int(),
  name: z.string().default(''),
  sku: z.string().nullable().default(''),
  type: z.string().optional(),
  inventory_tracking: inventoryTracking,
  inventory_level: z.number().int().nullable().optional(),
  base_variant_id: z.number().int().nullable().optional(),
  price: wireMoney.optional(),
  cost_price: wireMoney.optional(),
  tax_class_id: z.number().int().nullable().optional(),
  is_visible: z.boolean().optional(),
  /** HTML. */
  description: z.string().nullable().optional(),
});

/** product-variants_catalog.v3.yml `GET /catalog/variants` (productVariant_Full). */
export const wireVariant = z.looseObject({
  id: z.number().int(),
  product_id: z.number().int(),
  sku: z.string().default(''),
  sku_id: z.number().int().nullable().optional(),
  price: wireMoney.nullable().optional(),
  cost_price: wireMoney.nullable().optional(),
  inventory_level: z.number().int().nullable().optional(),
  purchasing_disabled: z.boolean().optional(),
});

/** inventory.v3.yml `GET /inventory/items` (ItemResponse). */
export const wireInventoryItem = z.looseObject({
  identity: z.looseObject({
    sku: z.string().nullable().default(''),
    variant_id: z.number().int(),
    product_id: z.number().int(),
    sku_id: z.number().int().nullable().optional(),
  }),
  locations: z
    .array(
      z.looseObject({
        location_id: z.number().int(),
        location_code: z.string().nullable().optional(),
        location_name: z.string().nullable().optional(),
        available_to_sell: z.number().int(),
        total_inventory_onhand: z.number().int(),
        location_enabled: z.boolean().optional(),
        settings: z.looseObject({ safety_stock: z.number().optional(), warning_level: z.number().optional() }).optional(),
      }),
    )
    .default([]),
});

/** inventory.v3.yml `PUT /inventory/adjustments/absolute` (SimpleTransactionResponse). */
export const wireTransactionResponse = z.looseObject({ transaction_id: z.string() });

/** locations.v3.yml `GET /inventory/locations`. */
export const wireLocation = z.looseObject({
  id: z.number().int(),
  code: z.string().nullable().default(''),
  label: z.string().default(''),
  description: z.string().nullable().optional(),
  enabled: z.boolean().default(true),
  type_id: z.string().optional(),
  managed_by_external_source: z.boolean().optional(),
});

/** orders.v3.yml Refund. Amounts are numbers on the wire; they become decimal strings here. */
export const wireRefund = z.looseObject({
  id: z.number().int(),
  order_id: z.number().int(),
  user_id: z.number().int().optional(),
  created: z.string(),
  reason: z.string().nullable().default(''),
  total_amount: wireMoney,
  total_tax: wireMoney.optional(),
  uses_merchant_override_values: z.boolean().optional(),
  items: z
    .array(
      z.looseObject({
        item_type: z.enum(['PRODUCT', 'GIFT_WRAPPING', 'SHIPPING', 'HANDLING', 'ORDER', 'FEE', 'TAX']),
        item_id: z.number().int(),
        quantity: z.number().int().nullable().optional(),
        requested_amount: wireMoney.nullable().optional(),
        reason: z.string().nullable().optional(),
      }),
    )
    .default([]),
  payments: z
    .array(
      z.looseObject({
        id: z.number().int(),
        provider_id: z.string(),
        amount: wireMoney,
        offline: z.boolean().default(false),
        is_declined: z.boolean().default(false),
        declined_message: z.string().nullable().optional(),
      }),
    )
    .default([]),
});

/** orders.v3.yml Transaction. */
export const wireTransaction = z.looseObject({
  id: z.number().int(),
  order_id: z.union([z.string(), z.number()]).transform(String),
  event: z.string(),
  method: z.string(),
  amount: wireMoney,
  currency: z.string(),
  gateway: z.string(),
  gateway_transaction_id: z.string().nullable().optional(),
  date_created: z.string(),
  test: z.boolean().optional(),
  status: z.string(),
  fraud_review: z.boolean().optional(),
  payment_method_id: z.string().nullable().optional(),
});

/** webhooks.v3.yml webhook_Full. */
export const wireHook = z.looseObject({
  id: z.number().int(),
  client_id: z.string().optional(),
  store_hash: z.string().optional(),
  scope: z.string(),
  destination: z.string(),
  is_active: z.boolean(),
  headers: z.record(z.string(), z.string()).nullable().optional(),
  created_at: z.number().optional(),
  updated_at: z.number().optional(),
});

/** webhooks.v3.yml webhook_Base: the create body. */
export interface WireHookCreate {
  scope: string;
  destination: string;
  is_active: boolean;
  headers?: Record<string, string>;
}
/** webhooks.v3.yml webhook_Put: at least one field. */
export type WireHookUpdate = Partial<WireHookCreate>;

/** inventory.v3.yml AdjustmentsAbsoluteRequest: one of sku, variant_id or product_id identifies the item. */
export type WireAbsoluteItem =
  | { location_id: number; quantity: number; sku: string }
  | { location_id: number; quantity: number; variant_id: number }
  | { location_id: number; quantity: number; product_id: number };
export interface WireAbsoluteAdjustment {
  reason?: string;
  items: WireAbsoluteItem[];
}
