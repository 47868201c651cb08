import { bigint, index, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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
