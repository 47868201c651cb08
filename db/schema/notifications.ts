import { sql } from 'drizzle-orm';
import { bigint, boolean, index, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * What a store's people are told (issue 17): a failure that needs a person, differences found by reconciliation, a
 * lost connection, a backfill finished, stock refused by the store. One row per thing to tell, per store; the same
 * thing happening again (same `dedupe_key`) while unread is not a second row, and after it was read it is reopened.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    /** needs_attention | reconciliation_differences | connection_lost | backfill_finished | stock_refused */
    kind: text('kind').notNull(),
    /** What makes two notifications the same (e.g. `needs_attention:order:120:missing_sku`). */
    dedupeKey: text('dedupe_key').notNull(),
    orderId: bigint('order_id', { mode: 'number' }),
    title: text('title').notNull(),
    message: text('message').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** The last time it happened (a reopened notification's time). */
    lastAt: timestamp('last_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
    /** Set once an alert email listed it (or it was decided no email goes out for it): never listed twice. */
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notifications_store_dedupe_uq').on(t.storeHash, t.dedupeKey),
    index('notifications_store_last_idx').on(t.storeHash, t.lastAt),
    index('notifications_unemailed_idx').on(t.storeHash, t.kind).where(sql`emailed_at is null`),
  ],
);

/**
 * A store user's email choices. No row: the owner gets every alert and the digest, other users nothing (they opt in
 * on the Notifications page).
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    storeHash: text('store_hash').notNull(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    /** The notification kinds this user is emailed about. */
    alertKinds: jsonb('alert_kinds').$type<string[]>().notNull(),
    digest: boolean('digest').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.storeHash, t.userId] })],
);

/**
 * Addresses that bounced, refused at send or reported failed later by a delivery status notification (reason says
 * which): no mail goes to them until a user's address changes.
 */
export const mailSuppressions = pgTable('mail_suppressions', {
  /** Lower-cased address. */
  email: text('email').primaryKey(),
  reason: text('reason').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One row per email sent per slot (`alert:<kind>:<hour>`, `digest:<date>`): the insert that claims a slot is the
 * throttle, so two runs racing send one email.
 */
export const mailSlots = pgTable(
  'mail_slots',
  {
    storeHash: text('store_hash').notNull(),
    slot: text('slot').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.storeHash, t.slot] })],
);
