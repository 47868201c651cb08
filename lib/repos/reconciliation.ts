import { and, asc, between, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db';
import { reconciliationDays } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';
import type { DayResult } from '@/lib/sync/reconcile/types';

export interface StoredDay {
  result: DayResult;
  provider: string;
  reconciledAt: Date;
}

/** Stored reconciliation results, one row per store, day and currency; every read and write scoped by store hash. */
export function createReconciliationRepo({ db }: { db: Db }) {
  return {
    /** Replaces the results of the days given (every currency of each), in one transaction. */
    async saveDays(storeHash: StoreHash, provider: string, dates: readonly string[], days: readonly DayResult[]): Promise<void> {
      if (dates.length === 0) return;
      const now = new Date();
      await db.transaction(async (tx) => {
        await tx.delete(reconciliationDays).where(and(eq(reconciliationDays.storeHash, storeHash), inArray(reconciliationDays.date, [...dates])));
        if (days.length === 0) return;
        await tx.insert(reconciliationDays).values(
          days.map((day) => ({
            storeHash, date: day.date, currency: day.currency, provider, differences: day.differences.length,
            result: day as unknown as Record<string, unknown>, reconciledAt: now,
          })),
        );
      });
    },

    /** The stored days from..to (YYYY-MM-DD, inclusive), by date then currency. */
    async days(storeHash: StoreHash, from: string, to: string): Promise<StoredDay[]> {
      const rows = await db
        .select()
        .from(reconciliationDays)
        .where(and(eq(reconciliationDays.storeHash, storeHash), between(reconciliationDays.date, from, to)))
        .orderBy(asc(reconciliationDays.date), asc(reconciliationDays.currency));
      return rows.map((r) => {
        const result = r.result as unknown as DayResult;
        // A day stored before the books' payments were read has none to show.
        return { result: { ...result, books: { ...result.books, payments: (result.books as Partial<DayResult['books']>).payments ?? {} } }, provider: r.provider, reconciledAt: r.reconciledAt };
      });
    },
  };
}

export type ReconciliationRepo = ReturnType<typeof createReconciliationRepo>;
