import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { backfills, storeSync, stores } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';
import { backfillNotification } from '@/lib/notify/kinds';
import { recordNotification } from './notifications';

export interface StoreSyncRow {
  storeHash: string;
  provider: string;
  watermark: Date | null;
  refundsWatermark: Date | null;
  lastSweepAt: Date | null;
}

export interface BackfillRow {
  id: number;
  storeHash: string;
  fromDate: string;
  status: 'running' | 'completed' | 'cancelled' | 'failed';
  nextPage: number;
  total: number | null;
  seen: number;
  posted: number;
  skipped: number;
  failed: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  updatedAt: Date;
}

/** Per-store sync bookkeeping (provider, sweep watermark) and backfills. Scoped by store hash. */
export function createStoreSyncRepo({ db }: { db: Db }) {
  return {
    async get(storeHash: StoreHash): Promise<StoreSyncRow> {
      await db.insert(storeSync).values({ storeHash }).onConflictDoNothing();
      const rows = await db.select().from(storeSync).where(eq(storeSync.storeHash, storeHash));
      return rows[0]!;
    },

    async setProvider(storeHash: StoreHash, provider: string) {
      await db
        .insert(storeSync)
        .values({ storeHash, provider })
        .onConflictDoUpdate({ target: storeSync.storeHash, set: { provider, updatedAt: new Date() } });
    },

    /** Moves the watermark forward only (never back), and records the sweep. */
    async recordSweep(storeHash: StoreHash, watermark: Date | null, result: Record<string, unknown>) {
      const now = new Date();
      await db
        .insert(storeSync)
        .values({ storeHash, watermark, lastSweepAt: now, lastSweepResult: result })
        .onConflictDoUpdate({
          target: storeSync.storeHash,
          set: {
            watermark: watermark
              ? sql`greatest(${storeSync.watermark}, ${watermark.toISOString()}::timestamptz)`
              : sql`${storeSync.watermark}`,
            lastSweepAt: now,
            lastSweepResult: result,
            updatedAt: now,
          },
        });
    },

    /** Moves the refunds watermark forward only (a sweep that could not read the refunds leaves it where it was). */
    async recordRefundsSweep(storeHash: StoreHash, watermark: Date) {
      await db
        .update(storeSync)
        .set({ refundsWatermark: sql`greatest(${storeSync.refundsWatermark}, ${watermark.toISOString()}::timestamptz)`, updatedAt: new Date() })
        .where(eq(storeSync.storeHash, storeHash));
    },

    async recordStockPush(storeHash: StoreHash) {
      const now = new Date();
      await db
        .insert(storeSync)
        .values({ storeHash, lastStockPushAt: now })
        .onConflictDoUpdate({ target: storeSync.storeHash, set: { lastStockPushAt: now, updatedAt: now } });
    },

    /** Installed stores with their last sweep and stock push, for the cron that decides what is due. */
    async installedStores(): Promise<Array<{ storeHash: StoreHash; lastSweepAt: Date | null; lastStockPushAt: Date | null }>> {
      const rows = await db
        .select({ storeHash: stores.storeHash, lastSweepAt: storeSync.lastSweepAt, lastStockPushAt: storeSync.lastStockPushAt })
        .from(stores)
        .leftJoin(storeSync, eq(storeSync.storeHash, stores.storeHash))
        .where(isNull(stores.uninstalledAt));
      return rows.map((r) => ({ storeHash: r.storeHash as StoreHash, lastSweepAt: r.lastSweepAt, lastStockPushAt: r.lastStockPushAt }));
    },

    // ---- backfills ----

    /** Starts a backfill, or returns the one already running for the store (one at a time). */
    async startBackfill(storeHash: StoreHash, fromDate: string, requestedBy: number | null): Promise<{ backfill: BackfillRow; created: boolean }> {
      return db.transaction(async (tx) => {
        // Serialise starts per store so two clicks cannot start two backfills.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`backfill:${storeHash}`}))`);
        const running = await tx
          .select()
          .from(backfills)
          .where(and(eq(backfills.storeHash, storeHash), eq(backfills.status, 'running')))
          .limit(1);
        if (running[0]) return { backfill: running[0] as BackfillRow, created: false };
        const [row] = await tx.insert(backfills).values({ storeHash, fromDate, requestedBy }).returning();
        return { backfill: row as BackfillRow, created: true };
      });
    },

    async backfill(storeHash: StoreHash, id: number): Promise<BackfillRow | null> {
      const rows = await db.select().from(backfills).where(and(eq(backfills.storeHash, storeHash), eq(backfills.id, id)));
      return (rows[0] as BackfillRow | undefined) ?? null;
    },

    async latestBackfill(storeHash: StoreHash): Promise<BackfillRow | null> {
      const rows = await db
        .select()
        .from(backfills)
        .where(eq(backfills.storeHash, storeHash))
        .orderBy(desc(backfills.startedAt), desc(backfills.id))
        .limit(1);
      return (rows[0] as BackfillRow | undefined) ?? null;
    },

    async setBackfillTotal(storeHash: StoreHash, id: number, total: number) {
      await db.update(backfills).set({ total, updatedAt: new Date() }).where(and(eq(backfills.storeHash, storeHash), eq(backfills.id, id)));
    },

    /**
     * Records one finished page: the cursor moves to `nextPage` and the counters grow, only if the cursor was still
     * at `page` (a retried step that already recorded its page changes nothing).
     */
    async recordBackfillPage(
      storeHash: StoreHash,
      id: number,
      page: number,
      counts: { seen: number; posted: number; skipped: number; failed: number },
    ): Promise<void> {
      await db
        .update(backfills)
        .set({
          nextPage: page + 1,
          seen: sql`${backfills.seen} + ${counts.seen}`,
          posted: sql`${backfills.posted} + ${counts.posted}`,
          skipped: sql`${backfills.skipped} + ${counts.skipped}`,
          failed: sql`${backfills.failed} + ${counts.failed}`,
          updatedAt: new Date(),
        })
        .where(and(eq(backfills.storeHash, storeHash), eq(backfills.id, id), eq(backfills.nextPage, page)));
    },

    async finishBackfill(storeHash: StoreHash, id: number, status: 'completed' | 'cancelled' | 'failed', error: string | null = null) {
      const [finished] = await db
        .update(backfills)
        .set({ status, error, finishedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(backfills.storeHash, storeHash), eq(backfills.id, id), eq(backfills.status, 'running')))
        .returning();
      // The merchant who started it hears it is done (a cancel is their own doing: nothing to tell).
      if (finished && status !== 'cancelled') await recordNotification(db, storeHash, backfillNotification(finished));
    },

    async cancelBackfill(storeHash: StoreHash, id: number): Promise<boolean> {
      const rows = await db
        .update(backfills)
        .set({ status: 'cancelled', finishedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(backfills.storeHash, storeHash), eq(backfills.id, id), eq(backfills.status, 'running')))
        .returning({ id: backfills.id });
      return rows.length > 0;
    },
  };
}

export type StoreSyncRepo = ReturnType<typeof createStoreSyncRepo>;
