import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * The built-in double-entry ledger, one book per store (every row carries store_hash).
 * Amounts are numeric(19,4) in the entry's currency: positive = debit, negative = credit. That every
 * entry's lines sum to zero is enforced twice: by the application before insert and by statement-level
 * triggers on ledger_lines (drizzle/0006, 0010) at the end of every statement that writes lines, so an
 * entry's lines are written in one statement (the ledger does: drizzle/0008 ledger_post_entries). Those
 * triggers also hold ledger_lines' references (its entry in the same store, its account in that store's
 * chart), checked and locked once per statement instead of by per-line foreign keys; deleting an entry
 * deletes its lines, and an account with lines cannot be deleted or re-coded.
 */

export const LEDGER_ACCOUNT_TYPES = ['asset', 'liability', 'equity', 'income', 'expense'] as const;
export type LedgerAccountType = (typeof LEDGER_ACCOUNT_TYPES)[number];

export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    type: text('type').$type<LedgerAccountType>().notNull(),
    /** Part of the default chart; cannot be removed. */
    isSystem: boolean('is_system').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A constraint (not just an index) so that ledger_lines can reference (store_hash, code).
    unique('ledger_accounts_store_code_uq').on(t.storeHash, t.code),
    check('ledger_accounts_type_ck', sql`${t.type} in ('asset','liability','equity','income','expense')`),
  ],
);

export const ledgerCustomers = pgTable(
  'ledger_customers',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    /** The BigCommerce customer this one is linked to; null for guests and the shared web-sales customer. */
    bcCustomerId: bigint('bc_customer_id', { mode: 'number' }),
    /** Lower-cased. */
    email: text('email'),
    displayName: text('display_name').notNull(),
    company: text('company').notNull().default(''),
    phone: text('phone').notNull().default(''),
    address: jsonb('address').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ledger_customers_store_name_uq').on(t.storeHash, t.displayName),
    uniqueIndex('ledger_customers_store_bc_uq').on(t.storeHash, t.bcCustomerId),
    index('ledger_customers_store_email_idx').on(t.storeHash, t.email),
  ],
);

export const ledgerItems = pgTable(
  'ledger_items',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    /** Plain text (the catalog's HTML description is converted when items are imported). */
    description: text('description').notNull().default(''),
    trackStock: boolean('track_stock').notNull().default(true),
    unitCost: numeric('unit_cost', { precision: 19, scale: 4 }),
    /** Selling price in the store's currency; null when none is known. */
    unitPrice: numeric('unit_price', { precision: 19, scale: 4 }),
    /** The income account the item sells to (the store's mapped sales account when it was imported). */
    salesAccountCode: text('sales_account_code'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ledger_items_store_sku_uq').on(t.storeHash, t.sku)],
);

/** Quantity on hand per item and location (BigCommerce location ids; 1 is the default location). */
export const ledgerStock = pgTable(
  'ledger_stock',
  {
    itemId: integer('item_id').notNull().references(() => ledgerItems.id, { onDelete: 'cascade' }),
    locationId: integer('location_id').notNull().default(1),
    storeHash: text('store_hash').notNull(),
    quantity: numeric('quantity', { precision: 19, scale: 4 }).notNull().default('0'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.locationId] }), index('ledger_stock_store_idx').on(t.storeHash)],
);

export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    storeHash: text('store_hash').notNull(),
    /** The caller's idempotency key: a second post with the same key returns this entry. */
    postingKey: text('posting_key').notNull(),
    /** invoice | sales_receipt | sales_order | payment | void | credit_note | adjustment */
    kind: text('kind').notNull(),
    /** posted | unposted (sales orders: recorded, not in balances) | voided (reversed by a later entry) */
    status: text('status').notNull().default('posted'),
    orderId: bigint('order_id', { mode: 'number' }),
    number: text('number').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    /** Units of `currency` per unit of the store currency. */
    exchangeRate: numeric('exchange_rate', { precision: 24, scale: 10 }).notNull().default('1'),
    description: text('description').notNull().default(''),
    customerId: integer('customer_id').references(() => ledgerCustomers.id),
    reversesEntryId: bigint('reverses_entry_id', { mode: 'number' }),
    /** The sales document as posted (for updates, credit notes and audit). */
    document: jsonb('document'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // posting_key first: the key lookups of ledger_post_entries name this index's leading column and no other
    // index's, so their cached plans use it even before the table has statistics.
    uniqueIndex('ledger_entries_store_key_uq').on(t.postingKey, t.storeHash),
    index('ledger_entries_store_date_idx').on(t.storeHash, t.date),
    index('ledger_entries_store_order_idx').on(t.storeHash, t.orderId),
    check('ledger_entries_status_ck', sql`${t.status} in ('posted','unposted','voided')`),
  ],
);

export const ledgerLines = pgTable(
  'ledger_lines',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** References ledger_entries(id) in the same store; checked per statement, deleted with the entry (see above). */
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    storeHash: text('store_hash').notNull(),
    lineNo: integer('line_no').notNull(),
    accountCode: text('account_code').notNull(),
    /** Debit positive, credit negative. */
    amount: numeric('amount', { precision: 19, scale: 4 }).notNull(),
    description: text('description').notNull().default(''),
    itemId: integer('item_id'),
    quantity: numeric('quantity', { precision: 19, scale: 4 }),
    taxCode: text('tax_code'),
    sourceId: text('source_id'),
  },
  (t) => [
    index('ledger_lines_entry_idx').on(t.entryId),
    index('ledger_lines_store_account_idx').on(t.storeHash, t.accountCode),
  ],
);
