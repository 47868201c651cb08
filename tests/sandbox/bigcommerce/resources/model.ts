// Per-store resource state (orders, catalog, customers, inventory, hooks), kept JSON-serialisable inside
// `StoreState.data` so the whole sandbox persists to one file.
import type { StoreState } from '../state';
import type { Units } from '../money';

export interface Address {
  first_name: string;
  last_name: string;
  company: string;
  street_1: string;
  street_2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  country_iso2: string;
  phone: string;
  email: string;
}

export interface OrderLine {
  id: number;
  product_id: number;
  variant_id: number;
  name: string;
  sku: string;
  type: 'physical' | 'digital';
  quantity: number;
  quantity_shipped: number;
  quantity_refunded: number;
  /** Unit prices (units, 1e-4). */
  price_ex: Units;
  price_inc: Units;
  cost_price: Units;
  weight: number;
  order_address_id: number;
  product_options: Array<{ id: number; option_id: number; display_name: string; display_value: string; value: string }>;
  /** Discounts applied to this line, in the store's authoritative basis (ex tax or inc tax). */
  discounts: Array<{ id: string; name: string; code: string | null; target: 'order' | 'product'; amount: Units }>;
}

export interface OrderShippingAddress extends Address {
  id: number;
  shipping_method: string;
  /** Shipping cost in the authoritative basis plus both sides computed. */
  base_cost: Units;
  cost_ex: Units;
  cost_inc: Units;
  handling_base: Units;
  handling_ex: Units;
  handling_inc: Units;
  shipping_zone_id: number;
  shipping_zone_name: string;
}

export interface OrderCoupon {
  id: number;
  coupon_id: number;
  code: string;
  /** Coupon value as configured (percentage or amount) and its type (BigCommerce coupon type enum). */
  amount: Units;
  type: 0 | 1 | 2 | 3 | 4 | 5;
  discount: Units;
}

export interface OrderFee {
  id: number;
  display_name_customer: string;
  display_name_merchant: string;
  source: string;
  cost_ex: Units;
  cost_inc: Units;
  tax_class_id: number | null;
}

export interface OrderShipment {
  id: number;
  order_address_id: number;
  date_created: number;
  tracking_number: string;
  tracking_carrier: string;
  tracking_link: string;
  shipping_method: string;
  shipping_provider: string;
  comments: string;
  merchant_shipping_cost: Units;
  items: Array<{ order_product_id: number; product_id: number; quantity: number }>;
}

export interface OrderRefundItem {
  item_type: string;
  item_id: number;
  quantity: number | null;
  /** The amount refunded for the item in the order's authoritative basis (ex tax, or inc tax when tax-inclusive). */
  requested_amount: Units | null;
  reason: string;
  /** Deductions from the amount refunded for a PRODUCT (negative amounts). */
  adjustments?: Array<{ amount: Units; description: string }>;
  /** The item's share of tax in the refund (sandbox bookkeeping, not serialised); absent on refunds from older state. */
  tax?: Units;
}

export interface OrderRefund {
  id: number;
  order_id: number;
  user_id: number;
  created: number;
  reason: string;
  /** The amount paid back to the shopper: the sum of `payments`. */
  total_amount: Units;
  total_tax: Units;
  uses_merchant_override_values: boolean;
  items: OrderRefundItem[];
  payments: Array<{
    id: number;
    provider_id: string;
    amount: Units;
    offline: boolean;
    is_declined: boolean;
    declined_message: string;
    /** The `refund` transaction this payment made (GET /v3/orders/{id}/transactions). */
    transaction_id?: number;
  }>;
}

/** One entry of an order's payment history, as GET /v3/orders/{id}/transactions lists it. */
export interface OrderTransaction {
  id: number;
  event: 'purchase' | 'authorization' | 'capture' | 'refund' | 'void';
  amount: Units;
  /** Transaction `gateway` enum value (braintree, bankdeposit, custom, storecredit...). */
  gateway: string;
  /** Transaction `method` enum value (credit_card, offline, custom, store_credit...). */
  method: string;
  created: number;
  reference_transaction_id: number | null;
}

export interface OrderRecord {
  id: number;
  customer_id: number;
  status_id: number;
  date_created: number;
  date_modified: number;
  date_shipped: number | null;
  channel_id: number;
  currency_code: string;
  /** Units per 1 store currency unit → transactional, as a 10-decimal string. */
  exchange_rate: string;
  is_tax_inclusive: boolean;
  /** The store's tax rate applied to catalog items and shipping, as a fraction in units (e.g. 825 = 8.25%). */
  tax_rate: number;
  tax_name: string;
  billing_address: Address;
  shipping_addresses: OrderShippingAddress[];
  lines: OrderLine[];
  coupons: OrderCoupon[];
  fees: OrderFee[];
  shipments: OrderShipment[];
  /** Manual discount in the authoritative basis. */
  manual_discount: Units;
  wrapping_base: Units;
  wrapping_ex: Units;
  wrapping_inc: Units;
  payment_method: string;
  payment_provider_id: string;
  payment_status: string;
  /** Payment history, oldest first (absent on orders from older state files: rebuilt from payment_status). */
  transactions?: OrderTransaction[];
  /** A capture or void asked for by a payment action, completed at `due_at` on the platform clock. */
  payment_action?: { action: 'capture' | 'void'; due_at: number } | null;
  refunded_amount: Units;
  store_credit_amount: Units;
  gift_certificate_amount: Units;
  staff_notes: string;
  customer_message: string;
  customer_locale: string;
  order_source: string;
  external_source: string | null;
  external_id: string | null;
  external_merchant_id: string | null;
  external_order_id: string;
  ebay_order_id: string;
  cart_id: string;
  ip_address: string;
  geoip_country: string;
  geoip_country_iso2: string;
  is_email_opt_in: boolean;
  is_deleted: boolean;
}

export interface Variant {
  id: number;
  product_id: number;
  sku: string;
  /** null = inherits the product's price. */
  price: Units | null;
  cost_price: Units;
  weight: number | null;
  upc: string;
  option_values: Array<{ id: number; label: string; option_id: number; option_display_name: string }>;
  /** Stock per location id (only meaningful when the product tracks inventory at variant level). */
  inventory: Record<string, number>;
  inventory_warning_level: number;
  purchasing_disabled: boolean;
}

export interface Product {
  id: number;
  name: string;
  sku: string;
  type: 'physical' | 'digital';
  price: Units;
  cost_price: Units;
  weight: number;
  inventory_tracking: 'none' | 'product' | 'variant';
  /** Stock per location id when the product tracks inventory at product level. */
  inventory: Record<string, number>;
  inventory_warning_level: number;
  is_visible: boolean;
  categories: number[];
  brand_id: number;
  tax_class_id: number;
  date_created: number;
  date_modified: number;
  base_variant_id: number;
  variants: Variant[];
  /** HTML; '' when absent. */
  description?: string;
}

export interface Customer {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  company: string;
  phone: string;
  notes: string;
  tax_exempt_category: string;
  customer_group_id: number;
  date_created: number;
  date_modified: number;
  accepts_product_review_abandoned_cart_emails: boolean;
  channel_ids: number[] | null;
  origin_channel_id: number;
  registration_ip_address: string;
  addresses: Array<Address & { id: number; address_type: 'residential' | 'commercial' }>;
}

export interface Location {
  id: number;
  code: string;
  label: string;
  description: string;
  managed_by_external_source: boolean;
  type_id: 'PHYSICAL' | 'VIRTUAL';
  enabled: boolean;
  operating_hours: Record<string, { open: boolean; opening: string; closing: string }>;
  time_zone: string;
  address: {
    address1: string;
    address2: string;
    city: string;
    state: string;
    zip: string;
    email: string;
    phone: string;
    geo_coordinates: { latitude: number; longitude: number };
    country_code: string;
  };
  storefront_visibility: boolean;
  special_hours: unknown[];
}

export interface Hook {
  id: number;
  client_id: string;
  store_hash: string;
  scope: string;
  destination: string;
  is_active: boolean;
  headers: Record<string, string> | null;
  created_at: number;
  updated_at: number;
  events_history_enabled: boolean;
}

export interface ApiAccount {
  client_id: string;
  client_secret: string;
  access_token: string;
  name: string;
  scopes: string[];
  created_at: number;
}

export interface StoreResources {
  next_id: Record<string, number>;
  orders: OrderRecord[];
  products: Product[];
  customers: Customer[];
  locations: Location[];
  hooks: Hook[];
  refunds: OrderRefund[];
  status_labels: Record<string, string>;
  /** Store tax rate (units: 825 = 8.25%) and the tax's display name. */
  tax_rate: number;
  tax_name: string;
  api_accounts: ApiAccount[];
  /**
   * The transaction type of the store's online gateways (BigCommerce: Settings › Payments › gateway › Transaction Type).
   * Absent = authorize and capture.
   */
  payment_capture?: 'authorize_only' | 'authorize_and_capture';
}

const DEFAULT_TAX: Record<string, { rate: number; name: string }> = {
  USD: { rate: 825, name: 'Sales Tax' },
  CAD: { rate: 1300, name: 'HST' },
  GBP: { rate: 2000, name: 'VAT' },
  EUR: { rate: 1900, name: 'VAT' },
  AUD: { rate: 1000, name: 'GST' },
  NZD: { rate: 1500, name: 'GST' },
  JPY: { rate: 1000, name: 'Consumption Tax' },
};

export function resources(store: StoreState): StoreResources {
  let r = store.data.resources as StoreResources | undefined;
  if (!r) {
    const tax = DEFAULT_TAX[store.currency] ?? { rate: 1000, name: 'Tax' };
    r = {
      next_id: {},
      orders: [],
      products: [],
      customers: [],
      locations: [defaultLocation()],
      hooks: [],
      refunds: [],
      status_labels: {},
      tax_rate: tax.rate,
      tax_name: tax.name,
      api_accounts: [],
    };
    store.data.resources = r;
  }
  return r;
}

export function nextId(r: StoreResources, kind: string, start = 1): number {
  const id = r.next_id[kind] ?? start;
  r.next_id[kind] = id + 1;
  return id;
}

function defaultLocation(): Location {
  const day = { open: true, opening: '09:00', closing: '17:00' };
  return {
    id: 1,
    code: 'BC-LOCATION-1',
    label: 'Default location',
    description: '',
    managed_by_external_source: false,
    type_id: 'PHYSICAL',
    enabled: true,
    operating_hours: {
      sunday: { open: false, opening: '00:00', closing: '00:00' },
      monday: day,
      tuesday: day,
      wednesday: day,
      thursday: day,
      friday: day,
      saturday: { open: false, opening: '00:00', closing: '00:00' },
    },
    time_zone: 'America/Chicago',
    address: {
      address1: '11305 Four Points Dr',
      address2: '',
      city: 'Austin',
      state: 'Texas',
      zip: '78726',
      email: 'warehouse@example.com',
      phone: '555-123-4567',
      geo_coordinates: { latitude: 30.4, longitude: -97.85 },
      country_code: 'US',
    },
    storefront_visibility: false,
    special_hours: [],
  };
}

/** RFC 2822 date as V2 sends it: "Tue, 05 Mar 2019 21:40:11 +0000". */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** ISO 8601 without milliseconds, as V3 sends it: "2019-03-05T21:40:11Z". */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
