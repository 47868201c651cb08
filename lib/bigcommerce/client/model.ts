/**
 * What the client hands to the rest of the app: small camelCase types mapped from the wire schemas in wire.ts.
 * Orders are the exception: the sync domain reads BigCommerce's order shape directly (`BcOrder`, parsed by
 * lib/bigcommerce/schemas/orders.ts), because every field of it matters there.
 */
import type { z } from 'zod';
import type {
  wireCustomer,
  wireHook,
  wireInventoryItem,
  wireLocation,
  wireOrderStatus,
  wireProduct,
  wireRefund,
  wireStore,
  wireTransaction,
  wireVariant,
} from './wire';

export type InventoryTracking = 'none' | 'product' | 'variant';

export interface BcStore {
  hash: string;
  name: string;
  currency: string;
  decimalPlaces: number | null;
  planLevel: string | null;
  timezone: string | null;
  pricesIncludeTax: boolean | null;
  adminEmail: string | null;
  secureUrl: string | null;
}
export function toStore(w: z.infer<typeof wireStore>): BcStore {
  return {
    hash: w.id,
    name: w.name,
    currency: w.currency,
    decimalPlaces: w.decimal_places ?? null,
    planLevel: w.plan_level ?? w.plan_name ?? null,
    timezone: w.timezone?.name ?? null,
    pricesIncludeTax: w.is_price_entered_with_tax ?? null,
    adminEmail: w.admin_email ?? null,
    secureUrl: w.secure_url ?? null,
  };
}

export interface BcOrderStatus {
  id: number;
  /** The system name, e.g. "Awaiting Fulfillment". */
  name: string;
  /** What the merchant calls it in the control panel (falls back to the system name). */
  label: string;
}
export function toOrderStatus(w: z.infer<typeof wireOrderStatus>): BcOrderStatus {
  const custom = w.custom_label?.trim();
  return { id: w.id, name: w.name, label: custom ? custom : (w.system_label ?? w.name) };
}

export interface BcCustomer {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  company: string;
  phone: string;
  customerGroupId: number | null;
  taxExemptCategory: string | null;
}
export function toCustomer(w: z.infer<typeof wireCustomer>): BcCustomer {
  return {
    id: w.id,
    email: w.email,
    firstName: w.first_name,
    lastName: w.last_name,
    company: w.company ?? '',
    phone: w.phone ?? '',
    customerGroupId: w.customer_group_id ?? null,
    taxExemptCategory: w.tax_exempt_category ? w.tax_exempt_category : null,
  };
}

export interface BcProduct {
  id: number;
  name: string;
  sku: string;
  inventoryTracking: InventoryTracking;
  inventoryLevel: number | null;
  baseVariantId: number | null;
  price: string | null;
  /** HTML, as the merchant wrote it; '' when none (or not asked for). */
  description: string;
}
export function toProduct(w: z.infer<typeof wireProduct>): BcProduct {
  return {
    id: w.id,
    name: w.name,
    sku: w.sku ?? '',
    inventoryTracking: w.inventory_tracking,
    inventoryLevel: w.inventory_level ?? null,
    baseVariantId: w.base_variant_id ?? null,
    price: w.price ?? null,
    description: w.description ?? '',
  };
}

export interface BcVariant {
  id: number;
  productId: number;
  sku: string;
  /** The product's tracking mode: stock of a variant is adjustable only when this is 'variant' (or 'product' for the base variant). */
  inventoryTracking: InventoryTracking;
  inventoryLevel: number | null;
  /** The product's own (base) variant, which has no option values. */
  isBaseVariant: boolean;
  /** The variant's own price; null when it inherits its product's. */
  price: string | null;
}
export function toVariant(w: z.infer<typeof wireVariant>, product: { inventoryTracking: InventoryTracking; baseVariantId: number | null }): BcVariant {
  return {
    id: w.id,
    productId: w.product_id,
    sku: w.sku,
    inventoryTracking: product.inventoryTracking,
    inventoryLevel: w.inventory_level ?? null,
    isBaseVariant: product.baseVariantId === w.id,
    price: w.price ?? null,
  };
}

export interface BcInventoryLevel {
  locationId: number;
  locationCode: string;
  availableToSell: number;
  onHand: number;
}
export interface BcInventoryItem {
  sku: string;
  variantId: number;
  productId: number;
  locations: BcInventoryLevel[];
}
export function toInventoryItem(w: z.infer<typeof wireInventoryItem>): BcInventoryItem {
  return {
    sku: w.identity.sku ?? '',
    variantId: w.identity.variant_id,
    productId: w.identity.product_id,
    locations: w.locations.map((l) => ({
      locationId: l.location_id,
      locationCode: l.location_code ?? '',
      availableToSell: l.available_to_sell,
      onHand: l.total_inventory_onhand,
    })),
  };
}

export interface BcLocation {
  id: number;
  code: string;
  label: string;
  enabled: boolean;
}
export function toLocation(w: z.infer<typeof wireLocation>): BcLocation {
  return { id: w.id, code: w.code ?? '', label: w.label, enabled: w.enabled };
}

export interface BcRefund {
  id: number;
  orderId: number;
  createdAt: string;
  reason: string;
  /** Decimal strings in the order's currency. */
  totalAmount: string;
  totalTax: string | null;
  items: Array<{ itemType: string; itemId: number; quantity: number | null; requestedAmount: string | null; reason: string }>;
  payments: Array<{ id: number; providerId: string; amount: string; offline: boolean; declined: boolean }>;
}
export function toRefund(w: z.infer<typeof wireRefund>): BcRefund {
  return {
    id: w.id,
    orderId: w.order_id,
    createdAt: w.created,
    reason: w.reason ?? '',
    totalAmount: w.total_amount,
    totalTax: w.total_tax ?? null,
    items: w.items.map((i) => ({
      itemType: i.item_type,
      itemId: i.item_id,
      quantity: i.quantity ?? null,
      requestedAmount: i.requested_amount ?? null,
      reason: i.reason ?? '',
    })),
    payments: w.payments.map((p) => ({ id: p.id, providerId: p.provider_id, amount: p.amount, offline: p.offline, declined: p.is_declined })),
  };
}

export interface BcTransaction {
  id: number;
  orderId: string;
  event: string;
  method: string;
  amount: string;
  currency: string;
  gateway: string;
  gatewayTransactionId: string | null;
  createdAt: string;
  status: string;
  test: boolean;
}
export function toTransaction(w: z.infer<typeof wireTransaction>): BcTransaction {
  return {
    id: w.id,
    orderId: w.order_id,
    event: w.event,
    method: w.method,
    amount: w.amount,
    currency: w.currency,
    gateway: w.gateway,
    gatewayTransactionId: w.gateway_transaction_id ?? null,
    createdAt: w.date_created,
    status: w.status,
    test: w.test ?? false,
  };
}

export interface BcHook {
  id: number;
  scope: string;
  destination: string;
  isActive: boolean;
  headers: Record<string, string>;
}
export function toHook(w: z.infer<typeof wireHook>): BcHook {
  return { id: w.id, scope: w.scope, destination: w.destination, isActive: w.is_active, headers: w.headers ?? {} };
}

export interface HookInput {
  scope: string;
  destination: string;
  isActive?: boolean;
  headers?: Record<string, string>;
}

/** One absolute stock level: exactly one of sku, variantId or productId names the item. */
export type AbsoluteAdjustmentItem = { locationId: number; quantity: number } & (
  | { sku: string; variantId?: never; productId?: never }
  | { variantId: number; sku?: never; productId?: never }
  | { productId: number; sku?: never; variantId?: never }
);
