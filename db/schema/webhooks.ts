import { bigint, index, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Every webhook delivery accepted from BigCommerce, once: BigCommerce delivers at least once and a redelivery
 * carries the same `hash`, so (store_hash, hash) is unique and a duplicate is recorded as nothing.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    hash: text('hash').notNull(),
    scope: text('scope').notNull(),
    /** The resource the event is about (order id, product id, sku id). */
    resourceId: bigint('resource_id', { mode: 'number' }),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** BigCommerce's `created_at` (seconds since the epoch), when the change happened. */
    eventCreatedAt: timestamp('event_created_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_store_hash_uq').on(t.storeHash, t.hash),
    index('webhook_deliveries_store_received_idx').on(t.storeHash, t.receivedAt),
  ],
);

/**
 * Deliveries the receiver refused, counted per store and reason; the body is never kept. A refusal is counted
 * against the store its payload names when that store is known, else under the store hash '' (the body could not be
 * read or parsed, or names no installed store: an outsider cannot add rows by inventing stores). Reasons:
 * `bad_secret`, `unsigned`, `bad_signature`, `stale_signature`, `malformed`, `too_large`, `timeout`
 * (WebhookRefusalReason in lib/bigcommerce/webhooks.ts).
 */
export const webhookRefusals = pgTable(
  'webhook_refusals',
  {
    storeHash: text('store_hash').notNull(),
    reason: text('reason').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(0),
    firstAt: timestamp('first_at', { withTimezone: true }).notNull().defaultNow(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.storeHash, t.reason] })],
);
