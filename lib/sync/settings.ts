/**
 * Per-store sync settings: versioned, zod-validated, and complete by default so that a new store posts to
 * the built-in ledger with zero configuration. Account codes default to the ledger's chart of accounts
 * (lib/accounting/ledger/chart.ts); connecting Xero or QuickBooks proposes them from its chart in onboarding
 * (./mapping-proposal.ts, saved once the merchant accepts), and the mappings page changes them.
 */
import { z } from 'zod';
import { CUSTOMER_NAME_TOKENS, DEFAULT_CUSTOMER_NAME, DEFAULT_LINE_DESCRIPTION, DEFAULT_REFERENCE, LINE_TOKENS, REFERENCE_TOKENS, templateProblem } from './templates';

/** 2: the provider-named `xero` section became `posting` (approval and tracking apply to any system that has them). */
export const SETTINGS_SCHEMA_VERSION = 2 as const;

/** BigCommerce order status ids (GET /v2/order_statuses). */
export const ORDER_STATUS = {
  incomplete: 0,
  pending: 1,
  shipped: 2,
  partiallyShipped: 3,
  refunded: 4,
  cancelled: 5,
  declined: 6,
  awaitingPayment: 7,
  awaitingPickup: 8,
  awaitingShipment: 9,
  completed: 10,
  awaitingFulfillment: 11,
  manualVerificationRequired: 12,
  disputed: 13,
  partiallyRefunded: 14,
} as const;

const statusId = z.number().int().min(0).max(100);
/** A text template (./templates.ts) whose tokens must be among `tokens`. */
const template = (tokens: readonly string[], fallback: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(200)
    .superRefine((value, ctx) => {
      const problem = templateProblem(value, tokens);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default(fallback);
const accountCode = z.string().trim().min(1).max(64);
const decimalRate = z.string().regex(/^\d+(\.\d+)?$/, 'a rate such as "7.25"');

export const taxMappingSchema = z.object({
  /** BigCommerce tax rate name (case-insensitive), e.g. "CA State Tax". */
  name: z.string().trim().min(1).optional(),
  /** Rate in percent, e.g. "7.25". */
  rate: decimalRate.optional(),
  taxCode: z.string().trim().min(1),
}).refine((m) => m.name !== undefined || m.rate !== undefined, 'a tax mapping needs a name or a rate');

/**
 * A revenue account rule: product lines whose product is in the category, of the brand, or whose order came through
 * the channel (BigCommerce ids; every condition given must hold) are booked on `account`. First match wins;
 * `accounts.sales` takes the rest.
 */
export const revenueRuleSchema = z
  .object({
    when: z.object({
      /** BigCommerce category id (GET /v3/catalog/products `categories`). */
      category: z.number().int().positive().optional(),
      /** BigCommerce brand id (GET /v3/catalog/products `brand_id`). */
      brand: z.number().int().positive().optional(),
      /** BigCommerce channel id (the order's `channel_id`; 1 is the default storefront). */
      channel: z.number().int().positive().optional(),
    }),
    account: accountCode,
  })
  .refine((r) => r.when.category !== undefined || r.when.brand !== undefined || r.when.channel !== undefined, {
    message: 'Give the rule a category, a brand or a channel id.',
    path: ['when'],
  });
export type RevenueRule = z.infer<typeof revenueRuleSchema>;

const trackingOption = { category: z.string().trim().min(1).max(100), option: z.string().trim().min(1).max(100) };

export const paymentMappingSchema = z.object({
  /** BigCommerce payment_method, matched case-insensitively ("Credit Card", "PayPal", "Cash"). */
  method: z.string().trim().min(1),
  account: accountCode,
});

export const syncSettingsSchema = z.object({
  schemaVersion: z.literal(SETTINGS_SCHEMA_VERSION).default(SETTINGS_SCHEMA_VERSION),
  orders: z
    .object({
      /** Orders in these statuses are posted. */
      importStatusIds: z.array(statusId).min(1).default([ORDER_STATUS.awaitingFulfillment]),
      /** Orders in these statuses are never posted (and never counted as missing by the sweep). */
      ignoredStatusIds: z
        .array(statusId)
        .default([ORDER_STATUS.incomplete, ORDER_STATUS.pending, ORDER_STATUS.declined, ORDER_STATUS.awaitingPayment]),
      /** An order moved to one of these is cancelled: its document is voided or credited (see `onCancel`). */
      voidStatusIds: z.array(statusId).default([ORDER_STATUS.cancelled]),
      /**
       * Statuses that say money went back to the shopper. What is credited always comes from BigCommerce's refunds
       * themselves (one credit per refund); an order in one of these that was never posted is posted with its
       * refunds (a refund that arrived before the order was posted), even if it never was in an import status.
       */
      refundStatusIds: z.array(statusId).default([ORDER_STATUS.refunded, ORDER_STATUS.partiallyRefunded]),
      /**
       * What a cancellation does to a posted document. `void`: an unpaid document is voided, a paid one is credited
       * (the revenue is reversed and the money stays owed to the shopper until BigCommerce's refund pays it out);
       * `credit`: always a credit note; `leave`: nothing (the timeline says so).
       */
      onCancel: z.enum(['void', 'credit', 'leave']).default('void'),
      /** Status written back to BigCommerce after a successful post; null leaves the status alone. */
      statusAfterImport: statusId.nullable().default(null),
      /** Status written back when an order cannot be posted; null leaves the status alone. */
      statusOnError: statusId.nullable().default(null),
      /** Orders created before this date (YYYY-MM-DD) are ignored; null = all. */
      ordersFromDate: z.iso.date().nullable().default(null),
      autoSync: z.boolean().default(true),
      sweepIntervalMinutes: z.number().int().min(5).max(1440).default(15),
    })
    .prefault({}),
  /**
   * Statuses the other way: what the books say about a posted document (paid in full, partly paid, voided, credited)
   * → the BigCommerce order status to set; null = leave the order alone. All off by default. Written once, through
   * the same status write as `statusAfterImport`, so its webhook echo never posts again (lib/sync/books-status.ts).
   */
  statuses: z
    .object({
      fromBooks: z
        .object({
          paid: statusId.nullable().default(null),
          partlyPaid: statusId.nullable().default(null),
          voided: statusId.nullable().default(null),
          credited: statusId.nullable().default(null),
        })
        .prefault({}),
    })
    .prefault({}),
  document: z
    .object({
      kind: z.enum(['invoice', 'sales_receipt', 'sales_order', 'auto']).default('invoice'),
      numberPrefix: z.string().max(20).regex(/^[A-Za-z0-9#/_.-]*$/, 'letters, digits and # / _ . - only').default('BC-'),
      /** Days from the order date to the invoice due date. */
      dueDays: z.number().int().min(0).max(365).default(0),
      /** IANA time zone that decides the document date; defaults to UTC. */
      timeZone: z.string().default('UTC'),
      /**
       * The books are closed up to and including this date (YYYY-MM-DD); null = none. A document dated on or before
       * it is locked: a later edit of its order is booked as an adjustment, and credits and adjustments are dated
       * after it.
       */
      lockDate: z.iso.date().nullable().default(null),
      /** The document's reference: {orderId} {channel} {customerName} {email} {date} {paymentMethod}. */
      referenceTemplate: template(REFERENCE_TOKENS, DEFAULT_REFERENCE),
    })
    .prefault({}),
  customers: z
    .object({
      /**
       * Who the customer in the books is: `buyer` (the shopper), `company` (the billing company when the order has
       * one, else the shopper), or `single` (one customer named `singleName` for every order).
       */
      mode: z.enum(['buyer', 'company', 'single']).default('buyer'),
      singleName: z.string().trim().min(1).max(100).default('Online Sales'),
      /**
       * Put before a registered customer's BigCommerce id to make their reference (account number) in the books:
       * "BC-" → "BC-1042". Guests (customer_id 0, such as eBay and other channels' orders) have none.
       */
      referencePrefix: z.string().min(1).max(20).regex(/^[A-Za-z0-9#/_.-]*$/, 'letters, digits and # / _ . - only').default('BC-'),
      matchByEmail: z.boolean().default(true),
      /** Guest orders (customer_id 0): one shared customer, or one customer per email. */
      guests: z.enum(['shared', 'per_email']).default('shared'),
      sharedGuestName: z.string().trim().min(1).max(100).default('Web Sales'),
      /**
       * The name a shopper's customer gets in the books: {firstName} {lastName} {company} of the billing address. The
       * default is the first and last name, as before; `{company}` names them after their company, and a template
       * that comes out empty (no company) gives the first and last name.
       */
      nameTemplate: template(CUSTOMER_NAME_TOKENS, DEFAULT_CUSTOMER_NAME),
      /**
       * Saasu's rule: an order shipped to someone else by name (the first shipping address's first and last name differ
       * from the billing name) goes to a customer of its own for the recipient, found by that name or created with the
       * shipping address. Off by default; not in `single` mode, where every order has one customer.
       */
      shippingNameContact: z.boolean().default(false),
    })
    .prefault({}),
  items: z
    .object({
      /** SKU without a matching item: hold the order, or post the line to the sales account without an item. */
      missingSku: z.enum(['fail', 'post_without_item']).default('post_without_item'),
      /** Create the store's products as items in the accounting system before the first backfill. */
      importBeforeFirstBackfill: z.boolean().default(false),
      /**
       * Imported items track stock in systems that need accounts for it (Xero) only when both are mapped:
       * without them products are created untracked, and the import says so.
       */
      inventoryAssetAccount: accountCode.nullable().default(null),
      costOfGoodsSoldAccount: accountCode.nullable().default(null),
      /** Off by default: name, price and description of matched items go from the books to BigCommerce. */
      pushProductDetails: z.boolean().default(false),
    })
    .prefault({}),
  lines: z
    .object({
      discounts: z.enum(['allocate', 'single_line']).default('allocate'),
      /** Put handling and gift wrapping into the shipping line instead of lines of their own. */
      combineShippingHandlingWrapping: z.boolean().default(false),
      /** A product line's description: {name} {sku} {options} {productId} {quantity}; the default is the text used before. */
      descriptionTemplate: template(LINE_TOKENS, DEFAULT_LINE_DESCRIPTION),
    })
    .prefault({}),
  accounts: z
    .object({
      sales: accountCode.default('4000'),
      shipping: accountCode.default('4100'),
      handling: accountCode.default('4100'),
      wrapping: accountCode.default('4100'),
      fees: accountCode.default('4200'),
      discounts: accountCode.default('4900'),
      rounding: accountCode.default('4950'),
      /** Selling a gift certificate is a liability, not revenue. */
      giftCertificatesSold: accountCode.default('2300'),
      /** Product lines by category, brand or channel; first match wins, `sales` takes the rest. */
      revenueRules: z.array(revenueRuleSchema).max(100).default([]),
    })
    .prefault({}),
  tax: z
    .object({
      /** Map BigCommerce tax rates to the accounting system's tax codes; first match wins. */
      mappings: z.array(taxMappingSchema).default([]),
      /** When true, a taxed line whose rate is not mapped holds the order (Xero, QuickBooks). */
      requireMapping: z.boolean().default(false),
      /** Tax code for taxed lines without a mapping when requireMapping is false; null = none. */
      defaultTaxCode: z.string().trim().min(1).nullable().default(null),
      /** Tax code for lines that carry no tax (zero-rated or exempt); null = none. */
      zeroTaxCode: z.string().trim().min(1).nullable().default(null),
    })
    .prefault({}),
  payments: z
    .object({
      mappings: z.array(paymentMappingSchema).default([]),
      /** Clearing account for methods not mapped: Undeposited Funds in the ledger. */
      defaultAccount: accountCode.default('1100'),
      storeCreditAccount: accountCode.default('2310'),
      giftCertificateAccount: accountCode.default('2300'),
      /** BigCommerce payment_status values that mean the money was taken. */
      paidStatuses: z.array(z.string()).default(['captured', 'paid', 'partially refunded']),
      /** Treat "authorized" (not yet captured) orders as paid. Off: they stay unpaid until captured. */
      authorizedIsPaid: z.boolean().default(false),
    })
    .prefault({}),
  stock: z
    .object({
      /**
       * Off by default: turning it on makes the books the source of truth for BigCommerce quantities, and a book
       * that does not hold stock yet would publish zeros.
       */
      enabled: z.boolean().default(false),
      /** Accounting location → BigCommerce inventory location (BigCommerce's default location is 1). */
      locations: z
        .array(z.object({ from: z.number().int().positive(), to: z.number().int().positive() }))
        .min(1)
        .default([{ from: 1, to: 1 }]),
      skus: z.union([z.literal('all'), z.array(z.string().trim().min(1)).min(1)]).default('all'),
      intervalMinutes: z.number().int().min(5).max(1440).default(15),
      /** Publish on-hand minus this many units, never below zero. */
      safetyBuffer: z.number().int().min(0).max(100_000).default(0),
      /** A change someone makes in BigCommerce: report it on the activity page, or let the next push overwrite it. */
      onExternalChange: z.enum(['report', 'overwrite']).default('report'),
    })
    .prefault({}),
  /**
   * How documents are posted, where the accounting system has the choice (the registry's display data says which:
   * drafts, tracking). The defaults post exactly what was posted before these settings existed.
   */
  posting: z
    .object({
      /**
       * `approved` books each document at once; `draft` leaves it for review in the books (Xero). Xero takes payments
       * only on approved invoices, so a paid order's payment is not sent for a draft: the provider reports it as skipped.
       */
      approval: z.enum(['approved', 'draft']).default('approved'),
      /**
       * One tracking option put on every line (Xero: a tracking category and option; QuickBooks: Class or
       * Department and its value); null = none.
       */
      tracking: z.object(trackingOption).nullable().default(null),
      /** A tracking option per channel (the order's `channel_id`), first match; orders of other channels get `tracking`. */
      trackingByChannel: z
        .array(z.object({ channel: z.number().int().positive(), ...trackingOption }))
        .max(100)
        .default([]),
      /**
       * `per_order` posts one document per order; `daily_summary` one document per day (store time zone), currency
       * and payment method (lib/sync/summary), for orders of `summaryFrom` on (null: every order not yet posted).
       * Orders before that day stay as they were posted: the mode is decided by the order's day, never both ways.
       */
      mode: z.enum(['per_order', 'daily_summary']).default('per_order'),
      summaryFrom: z.iso.date().nullable().default(null),
      /** Hours after a day ends (store time zone) before its summary is closed: until then it is refreshed in place. */
      summaryCloseHours: z.number().int().min(0).max(24 * 14).default(24),
      /**
       * The customer every daily summary is on (found or created by this name in the books); null: one per payment
       * method, "Online sales — <method>".
       */
      summaryCustomer: z.string().trim().min(1).max(100).nullable().default(null),
      /**
       * What a summary is in the books: `sales` the sales documents (an invoice or sales receipt paid into the clearing
       * accounts, a credit for the refunds), `journal` one journal per summary where the accounting system takes one
       * (the provider's `summaryDocuments`; saving refuses it elsewhere). The built-in ledger posts a journal entry
       * either way.
       */
      summaryDocument: z.enum(['sales', 'journal']).default('sales'),
    })
    .prefault({}),
});

export type SyncSettings = z.infer<typeof syncSettingsSchema>;
export type PostingSettings = SyncSettings['posting'];
export type StockSettingsValue = SyncSettings['stock'];
export type SyncSettingsInput = z.input<typeof syncSettingsSchema>;

/** The zero-configuration settings. */
export function defaultSettings(): SyncSettings {
  return syncSettingsSchema.parse({});
}

export type SettingsParseResult =
  | { ok: true; settings: SyncSettings }
  | { ok: false; problems: { path: string; message: string }[] };

/**
 * Validates stored or submitted settings, upgrading older schema versions first. Unknown keys are dropped;
 * missing keys take their defaults.
 */
export function parseSettings(input: unknown): SettingsParseResult {
  const upgraded = upgradeSettings(input);
  const result = syncSettingsSchema.safeParse(upgraded);
  if (result.success) return { ok: true, settings: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  };
}

/**
 * Schema v1 kept the posting choices in a section named after the one system that read them. It is recognised by
 * its shape (a section the v2 schema does not have, holding `invoiceStatus` or `tracking`), so nothing here names a
 * system (lib/accounting/structure.test.ts).
 */
function v1PostingSection(value: Record<string, unknown>): string | undefined {
  return Object.keys(value).find((key) => {
    const section = value[key];
    return !(key in syncSettingsSchema.shape) && typeof section === 'object' && section !== null && ('invoiceStatus' in section || 'tracking' in section);
  });
}

/** Version upgrades live here, one step per version, so stored settings never need a data migration. */
function upgradeSettings(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  let value = input as Record<string, unknown>;
  if (value.schemaVersion === undefined) value = { ...value, schemaVersion: SETTINGS_SCHEMA_VERSION };
  if (value.schemaVersion === 1) {
    // v1 → v2: the section that only one system read was named after it; its two choices are the posting section's.
    const section = v1PostingSection(value);
    const legacy = section === undefined ? undefined : (value[section] as { invoiceStatus?: unknown; tracking?: unknown });
    const rest = Object.fromEntries(Object.entries(value).filter(([key]) => key !== section));
    const posting =
      rest.posting ?? (legacy ? { approval: legacy.invoiceStatus === 'DRAFT' ? 'draft' : 'approved', ...(legacy.tracking !== undefined ? { tracking: legacy.tracking } : {}) } : undefined);
    value = { ...rest, ...(posting === undefined ? {} : { posting }), schemaVersion: 2 };
  }
  return value;
}

/** Which optional sub-resources the job layer must load for these settings. */
export function requiredOrderData(settings: SyncSettings): { taxes: boolean; coupons: boolean } {
  return {
    taxes: settings.tax.mappings.length > 0 || settings.tax.requireMapping,
    coupons: false,
  };
}
