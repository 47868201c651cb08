import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Per-store sync settings, append-only: every save is a new version, the highest is current. The JSON is
 * validated by lib/sync/settings.ts on the way in and out; `schema_version` is the shape it was written in.
 */
export const storeSettings = pgTable(
  'store_settings',
  {
    storeHash: text('store_hash').notNull(),
    version: integer('version').notNull(),
    schemaVersion: integer('schema_version').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
    /** BigCommerce user id of whoever saved; null for the system. */
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.storeHash, t.version] }), index('store_settings_created_idx').on(t.storeHash, t.createdAt)],
);
