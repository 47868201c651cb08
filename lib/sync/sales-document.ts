/**
 * The canonical, provider-neutral sales document: what one BigCommerce order becomes before any accounting
 * system sees it. Plain JSON (money as decimal strings at the currency's scale) so it can travel through
 * Inngest steps, be hashed, and be stored on the sync record.
 *
 * Sign and tie-out rules every document obeys (checked by `checkTotals`):
 *   for each line: gross = net + tax
 *   totals.net = Σ net, totals.tax = Σ tax = order.total_tax, totals.total = Σ gross = order.total_inc_tax
 */

export const SALES_DOCUMENT_SCHEMA_VERSION = 1 as const;

/** A decimal string at the document currency's scale, e.g. "12.34" (USD), "1500" (JPY). */
export type MoneyString = string;

export type DocumentKind = 'invoice' | 'sales_receipt' | 'sales_order';

export type LineKind =
  | 'product'
  | 'gift_certificate'
  | 'shipping'
  | 'handling'
  | 'wrapping'
  | 'fee'
  | 'discount'
  | 'rounding';

export interface PostalAddress {
  firstName: string;
  lastName: string;
  company: string;
  street1: string;
  street2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  countryIso2: string;
  phone: string;
  email: string;
}

export interface ShippingContact extends PostalAddress {
  /** BigCommerce consignment / shipping address id. */
  id: number;
  method: string;
}

export type CustomerMatch =
  /** The accounting customer already linked to this BigCommerce customer id. */
  | 'linked'
  /** Found by email in the accounting system (setting `customers.matchByEmail`). */
  | 'email'
  /** Not found: the provider creates it when posting (upsertCustomer). */
  | 'new'
  /** Guest order booked on the shared "web sales" customer (setting `customers.guests = shared`). */
  | 'shared_guest'
  /** Every order booked on one "online sales" customer (setting `customers.mode = single`). */
  | 'single'
  /** The order's billing company (setting `customers.mode = company`), shared by everyone who buys for it. */
  | 'company'
  /**
   * The person the order was shipped to, when their name is not the billing name (setting
   * `customers.shippingNameContact`, Saasu's rule): found by that name, else created with the shipping address.
   */
  | 'recipient';

/**
 * A customer known by its name alone (the shared guest, the single customer, a company, a shipping recipient): found
 * and created by display name, never linked to a BigCommerce customer id or found by email, and never updated from
 * one order.
 */
export function isNamedCustomer(customer: Pick<DocumentCustomer, 'match'>): boolean {
  return customer.match === 'shared_guest' || customer.match === 'single' || customer.match === 'company' || customer.match === 'recipient';
}

export interface DocumentCustomer {
  match: CustomerMatch;
  /** The accounting system's id when matched; null when it has to be created. */
  remoteId: string | null;
  /** BigCommerce customer id; null for guests. */
  bcCustomerId: number | null;
  /** Unique display name to use when creating (QuickBooks DisplayName, Xero contact Name). */
  displayName: string;
  email: string | null;
  company: string;
  phone: string;
  billingAddress: PostalAddress;
  /**
   * Where the order goes when it is not the billing address (the first shipping address: ./delivery.ts), for a
   * shopper's own customer; the systems that keep a delivery address on the customer take it from here (Xero's STREET
   * address). Absent when the order ships to the billing address, and for customers known by name. Left out of the
   * content hash: `shippingContacts` already carries it.
   */
  deliveryAddress?: PostalAddress;
}

export interface LineOption {
  name: string;
  value: string;
}

export interface DocumentLine {
  kind: LineKind;
  /** Stable id of the source within the order: "product:25", "shipping", "fee:1", "discount", "rounding". */
  sourceId: string;
  description: string;
  sku: string | null;
  /** The accounting system's item for the SKU; null for non-item lines. */
  itemId: string | null;
  options: LineOption[];
  /** Integer quantity as a string (credit notes may carry fractional quantities in other systems). */
  quantity: string;
  /**
   * Unit price before discount in the document's `amountsAre` mode, at four places as BigCommerce gives it
   * (providers that need two places derive it from `net`/`gross` and `quantity`).
   */
  unitPrice: string;
  /** Discount allocated to this line, in the `amountsAre` mode, at the currency's scale (>= 0). */
  discount: MoneyString;
  /** Amount excluding tax, after discount. */
  net: MoneyString;
  /** Tax as BigCommerce charged it: never recomputed. */
  tax: MoneyString;
  /** net + tax. */
  gross: MoneyString;
  /** Account code in the accounting system (from the settings' mappings). */
  account: string;
  /**
   * The revenue account rule (`accounts.revenueRules`) that chose `account`, 1-based; absent when the line took its
   * kind's account (`accounts.sales` for products), so documents built before rules existed are unchanged.
   */
  revenueRule?: { index: number; label: string };
  /** Tax code in the accounting system; null when the provider does not use tax codes (the ledger). */
  taxCode: string | null;
  /** The BigCommerce tax rate(s) behind `tax`, for display: "CA State Tax 7.25%". */
  taxLabel: string | null;
  /** Unit cost (ex tax) from BigCommerce when known, for cost of goods sold. */
  unitCost: string | null;
}

export type PaymentKind = 'gateway' | 'store_credit' | 'gift_certificate';

export interface DocumentPayment {
  kind: PaymentKind;
  /** BigCommerce payment method label ("Credit Card", "Cash", "Store Credit"). */
  method: string;
  /** Clearing / bank account code in the accounting system. */
  account: string;
  amount: MoneyString;
  date: string;
  /** The gateway's transaction id when BigCommerce has one. */
  reference: string | null;
}

export interface DocumentCurrency {
  /** The order's transactional currency: every amount of the document is in it. */
  code: string;
  /** Decimal places of the currency's minor unit. */
  scale: number;
  /** The store's default currency. */
  storeCurrency: string;
  /** Units of `code` per one unit of `storeCurrency` ("1" when they are the same). */
  exchangeRate: string;
}

export interface DocumentTotals {
  net: MoneyString;
  tax: MoneyString;
  total: MoneyString;
  discount: MoneyString;
  /** total - Σ payments. */
  due: MoneyString;
}

export interface DocumentNote {
  code: 'rounding_line_added' | 'sku_without_item' | 'sales_receipt_unpaid' | 'authorized_not_captured' | 'no_sku' | 'text_truncated';
  message: string;
}

export interface SalesDocument {
  schemaVersion: typeof SALES_DOCUMENT_SCHEMA_VERSION;
  kind: DocumentKind;
  /** Document number: prefix + order id (e.g. "BC-218"), within the provider's length limit. */
  number: string;
  /** "BigCommerce order #218": carries the order id for search in the accounting system. */
  reference: string;
  source: {
    platform: 'bigcommerce';
    orderId: number;
    /** Deep link to the order in the control panel, when the store hash is known. */
    orderUrl: string | null;
    statusId: number;
    channelId: number | null;
    createdAt: string;
  };
  /** Issue date (YYYY-MM-DD, in the store's time zone). */
  date: string;
  dueDate: string;
  currency: DocumentCurrency;
  /** Whether `unitPrice` and `discount` include tax (Xero LineAmountTypes). */
  amountsAre: 'exclusive' | 'inclusive';
  customer: DocumentCustomer;
  shippingContacts: ShippingContact[];
  lines: DocumentLine[];
  /**
   * The tracking option of the order's channel (`posting.trackingByChannel`), put on every line instead of the
   * store-wide `posting.tracking`; absent when the channel has none of its own.
   */
  tracking?: { category: string; option: string };
  totals: DocumentTotals;
  payments: DocumentPayment[];
  /** Things the merchant should know, shown on the activity log (never errors). */
  notes: DocumentNote[];
  memo: string;
}

export type ProblemCode =
  | 'missing_sku'
  | 'unmapped_tax_rate'
  | 'totals_mismatch'
  | 'number_too_long'
  | 'no_line_items'
  | 'line_items_not_loaded'
  | 'invalid_amount'
  | 'unsupported_currency';

export interface Problem {
  code: ProblemCode;
  /** Merchant-readable, says what to do. */
  message: string;
  /** Where in the order, when it applies: "product:25". */
  sourceId?: string;
}

export type BuildResult = { ok: true; document: SalesDocument } | { ok: false; problems: Problem[] };
