import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * One row per (store, order, provider): the order's state in the books. Written before every external call,
 * with the idempotency key the call uses, so a crash between the call and its bookkeeping is recovered by
 * looking the document up instead of posting it again (ARCHITECTURE invariant 1).
 */
export const syncRecords = pgTable(
  'sync_records',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    orderId: bigint('order_id', { mode: 'number' }).notNull(),
    provider: text('provider').notNull(),
    /** pending (a post is under way), posted, failed, held (merchant must fix), skipped, voided, credited. */
    state: text('state').notNull(),
    /** Why the last decision was made (plan reason or failure code). */
    reason: text('reason'),
    /** Merchant-readable explanation of the state (the error to fix, or why it was skipped). */
    message: text('message'),
    idempotencyKey: text('idempotency_key'),
    contentHash: text('content_hash'),
    remoteId: text('remote_id'),
    remoteNumber: text('remote_number'),
    /** How many times the document was replaced after a change (0 = the first posting); part of the idempotency key. */
    documentVersion: integer('document_version').notNull().default(0),
    /** The document can no longer change remotely (paid, reconciled). */
    locked: boolean('locked').notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    /** What the order looked like when last seen (for the activity page without calling BigCommerce). */
    orderStatusId: integer('order_status_id'),
    orderDateCreated: timestamp('order_date_created', { withTimezone: true }),
    orderDateModified: timestamp('order_date_modified', { withTimezone: true }),
    orderTotal: text('order_total'),
    currency: text('currency'),
    customerName: text('customer_name'),
    /** The status we last wrote back, to recognise its webhook echo. */
    writtenStatusId: integer('written_status_id'),
    statusWrittenAt: timestamp('status_written_at', { withTimezone: true }),
    /**
     * The order as it was posted from (lib/sync/pipeline/order-fingerprint.ts), recorded with our status write after
     * a post: the `updated` webhook of that write finds the order unchanged but for our status and plans nothing. Every
     * other write of the record clears it.
     */
    orderFingerprint: text('order_fingerprint'),
    /** The document as last posted (canonical sales document JSON). */
    document: jsonb('document').$type<Record<string, unknown>>(),
    postedAt: timestamp('posted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sync_records_store_order_provider_uq').on(t.storeHash, t.orderId, t.provider),
    index('sync_records_store_state_updated_idx').on(t.storeHash, t.state, t.updatedAt),
    index('sync_records_store_updated_idx').on(t.storeHash, t.updatedAt),
    // The activity page filters by order date.
    index('sync_records_store_order_created_idx').on(t.storeHash, t.orderDateCreated),
  ],
);

/** The per-order timeline shown on the activity page: webhook received, planned, posted, status written... */
export const syncEvents = pgTable(
  'sync_events',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    orderId: bigint('order_id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Set for an event that must appear once however many runs reach it (a document posted, a payment not recorded):
     * two runs racing on one order both complete the same posting, and only the first says so.
     */
    onceKey: text('once_key'),
  },
  (t) => [
    index('sync_events_store_order_at_idx').on(t.storeHash, t.orderId, t.at),
    uniqueIndex('sync_events_store_order_once_uq').on(t.storeHash, t.orderId, t.onceKey),
  ],
);

/** Per-store sync bookkeeping: which provider, auto-sync, the sweep's watermark. */
export const storeSync = pgTable('store_sync', {
  storeHash: text('store_hash').primaryKey(),
  provider: text('provider').notNull().default('ledger'),
  /** The sweep has seen every order modified before this instant. */
  watermark: timestamp('watermark', { withTimezone: true }),
  /**
   * The sweep has seen every refund created before this instant (listed apart from orders: a refund webhook may be lost
   * for an order whose status is no longer swept). It stays put while the refunds cannot be read (a permission the
   * store has not granted), so the refunds made meanwhile are found once it is granted.
   */
  refundsWatermark: timestamp('refunds_watermark', { withTimezone: true }),
  lastSweepAt: timestamp('last_sweep_at', { withTimezone: true }),
  lastSweepResult: jsonb('last_sweep_result').$type<Record<string, unknown>>(),
  lastStockPushAt: timestamp('last_stock_push_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A backfill from a date: its progress, for the UI and the CLI, and its cursor so it can resume after a crash. */
export const backfills = pgTable(
  'backfills',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    /** Orders created on or after this date (YYYY-MM-DD). */
    fromDate: text('from_date').notNull(),
    /** running, completed, cancelled, failed. */
    status: text('status').notNull().default('running'),
    /** The next V2 page to read (orders sorted by id ascending, created since fromDate). */
    nextPage: integer('next_page').notNull().default(1),
    /** Total eligible orders BigCommerce reported when the backfill started (for the progress bar). */
    total: integer('total'),
    seen: integer('seen').notNull().default(0),
    posted: integer('posted').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    error: text('error'),
    requestedBy: bigint('requested_by', { mode: 'number' }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('backfills_store_started_idx').on(t.storeHash, t.startedAt)],
);

/**
 * Every write to the books for an order after (and beside) its document: payments in, refund credits and the money
 * paid out for them, voids, updates, adjustments after the document was locked, the credit of a cancellation. One
 * row per idempotency key, written `pending` before the provider is called and completed with the remote id in the
 * same step (ARCHITECTURE invariants 1 and 3b), so a retry finds what it wrote instead of writing it again, and the
 * plan knows what is booked without asking the accounting system.
 */
export const syncPostings = pgTable(
  'sync_postings',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    orderId: bigint('order_id', { mode: 'number' }).notNull(),
    provider: text('provider').notNull(),
    /** The idempotency key the write uses (ledger posting key, Xero Idempotency-Key). */
    key: text('key').notNull(),
    /** payment | credit | payout | void | update | adjustment_invoice | adjustment_credit | cancel_credit */
    kind: text('kind').notNull(),
    /** The BigCommerce refund this write books, for credits and payouts. */
    refundId: bigint('refund_id', { mode: 'number' }),
    /** pending (under way), posted, skipped (the system would not take it; `message` says why), failed. */
    state: text('state').notNull(),
    remoteId: text('remote_id'),
    number: text('number'),
    /** Gross amount and tax of the write, decimal strings in the order's currency. */
    amount: text('amount'),
    tax: text('tax'),
    /** What was written: the lines of a credit or adjustment, the payment of a payment or payout. */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    message: text('message'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sync_postings_store_provider_key_uq').on(t.storeHash, t.provider, t.key),
    index('sync_postings_store_order_idx').on(t.storeHash, t.orderId),
    index('sync_postings_store_refund_idx').on(t.storeHash, t.refundId),
  ],
);
