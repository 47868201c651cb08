import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';

/** How each SKU is addressed in BigCommerce inventory (cached from the catalog; refreshed when a push fails). */
export const stockCatalog = pgTable(
  'stock_catalog',
  {
    storeHash: text('store_hash').notNull(),
    sku: text('sku').notNull(),
    productId: bigint('product_id', { mode: 'number' }).notNull(),
    variantId: bigint('variant_id', { mode: 'number' }).notNull(),
    isBaseVariant: boolean('is_base_variant').notNull(),
    /** none, product, variant (BigCommerce's inventory_tracking of the product). */
    tracking: text('tracking').notNull(),
    refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.storeHash, t.sku] })],
);

/** The level last sent per (SKU, BigCommerce location): unchanged levels are not sent again, and echoes are recognised. */
export const stockPushed = pgTable(
  'stock_pushed',
  {
    storeHash: text('store_hash').notNull(),
    sku: text('sku').notNull(),
    locationId: integer('location_id').notNull(),
    quantity: integer('quantity').notNull(),
    pushedAt: timestamp('pushed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.storeHash, t.sku, t.locationId] })],
);

/** What happened to stock: pushes, skipped SKUs with the reason, failures, changes made in BigCommerce by others. */
export const stockEvents = pgTable(
  'stock_events',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    sku: text('sku'),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('stock_events_store_at_idx').on(t.storeHash, t.at)],
);
