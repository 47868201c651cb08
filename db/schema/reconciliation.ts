import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Reconciliation results (issue 17): one row per store, day (YYYY-MM-DD in the store's time zone) and currency, as
 * the last run found them (the nightly job, "reconcile now", Repair). The page's chart and the overview read these;
 * a new run replaces a day's rows.
 */
export const reconciliationDays = pgTable(
  'reconciliation_days',
  {
    storeHash: text('store_hash').notNull(),
    date: text('date').notNull(),
    currency: text('currency').notNull(),
    provider: text('provider').notNull(),
    differences: integer('differences').notNull(),
    /** The day's result (lib/sync/reconcile DayResult): both columns and every difference. */
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    reconciledAt: timestamp('reconciled_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.storeHash, t.date, t.currency] }), index('reconciliation_days_store_date_idx').on(t.storeHash, t.date)],
);
