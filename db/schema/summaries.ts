import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Daily summary mode (lib/sync/summary): one row per (store, provider, day, currency, payment method), the summary
 * posted for it. Written before the provider is called, with the version and idempotency key the call uses, so a
 * crash between the call and this record is retried under the same key (never a second summary).
 */
export const summaries = pgTable(
  'summaries',
  {
    id: serial('id').primaryKey(),
    storeHash: text('store_hash').notNull(),
    provider: text('provider').notNull(),
    /** The day, YYYY-MM-DD in the store's time zone. */
    day: date('day', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    method: text('method').notNull(),
    /** "SUM-20261101-USD-1": the day, currency and the method's ordinal among the day's summaries. */
    number: text('number').notNull(),
    /** posting (a call under way or interrupted), posted, failed. */
    state: text('state').notNull(),
    /** The version being posted or last posted: part of the idempotency key; a refresh of an open day is the next. */
    version: integer('version').notNull().default(1),
    postingKey: text('posting_key').notNull(),
    /** The summary in the books (the last posted version), null until one is. */
    remoteId: text('remote_id'),
    remoteNumber: text('remote_number'),
    /** Hash of the summary as last posted: an unchanged day is not posted again. */
    contentHash: text('content_hash'),
    summary: jsonb('summary').$type<Record<string, unknown>>(),
    message: text('message'),
    /** Set once the day is closed: its summary is never changed again. */
    closedAt: timestamp('closed_at', { withTimezone: true }),
    postedAt: timestamp('posted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    uniqueIndex('summaries_store_provider_day_currency_method_uq').on(t.storeHash, t.provider, t.day, t.currency, t.method),
    index('summaries_store_day_idx').on(t.storeHash, t.day),
  ],
);
