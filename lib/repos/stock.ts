import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { stockCatalog, stockEvents, stockPushed } from '@/db/schema/stock';
import type { StoreHash } from '@/lib/ids';
import { stockRefusedNotification } from '@/lib/notify/kinds';
import { recordNotification } from './notifications';
import type { StockRecordPort } from '@/lib/sync/stock-push';
import { pushedKey, type CatalogEntry } from '@/lib/sync/stock';

/** Stock bookkeeping: the catalog addressing cache, levels last pushed, and the stock event log. Store-scoped. */
export function createStockRepo({ db }: { db: Db }) {
  const repo = {
    async catalog(storeHash: StoreHash, skus: readonly string[]): Promise<Map<string, CatalogEntry>> {
      const map = new Map<string, CatalogEntry>();
      for (let i = 0; i < skus.length; i += 5000) {
        const rows = await db
          .select()
          .from(stockCatalog)
          .where(and(eq(stockCatalog.storeHash, storeHash), inArray(stockCatalog.sku, skus.slice(i, i + 5000) as string[])));
        for (const r of rows) {
          map.set(r.sku, {
            sku: r.sku,
            productId: r.productId,
            variantId: r.variantId,
            isBaseVariant: r.isBaseVariant,
            tracking: r.tracking as CatalogEntry['tracking'],
            refreshedAt: r.refreshedAt,
          });
        }
      }
      return map;
    },

    async saveCatalog(storeHash: StoreHash, entries: readonly CatalogEntry[]): Promise<void> {
      for (let i = 0; i < entries.length; i += 1000) {
        const part = entries.slice(i, i + 1000);
        if (part.length === 0) continue;
        await db
          .insert(stockCatalog)
          .values(part.map((e) => ({ storeHash, ...e, refreshedAt: e.refreshedAt ?? new Date() })))
          .onConflictDoUpdate({
            target: [stockCatalog.storeHash, stockCatalog.sku],
            set: {
              productId: sql`excluded.product_id`,
              variantId: sql`excluded.variant_id`,
              isBaseVariant: sql`excluded.is_base_variant`,
              tracking: sql`excluded.tracking`,
              refreshedAt: sql`excluded.refreshed_at`,
            },
          });
      }
    },

    async lastPushed(storeHash: StoreHash): Promise<Map<string, number>> {
      const rows = await db
        .select({ sku: stockPushed.sku, locationId: stockPushed.locationId, quantity: stockPushed.quantity })
        .from(stockPushed)
        .where(eq(stockPushed.storeHash, storeHash));
      return new Map(rows.map((r) => [pushedKey(r.sku, r.locationId), r.quantity]));
    },

    async lastPushedOne(storeHash: StoreHash, sku: string, locationId: number): Promise<number | undefined> {
      const rows = await db
        .select({ quantity: stockPushed.quantity })
        .from(stockPushed)
        .where(and(eq(stockPushed.storeHash, storeHash), eq(stockPushed.sku, sku), eq(stockPushed.locationId, locationId)));
      return rows[0]?.quantity;
    },

    async recordPushed(storeHash: StoreHash, levels: ReadonlyArray<{ sku: string; locationId: number; quantity: number }>): Promise<void> {
      for (let i = 0; i < levels.length; i += 1000) {
        const part = levels.slice(i, i + 1000);
        if (part.length === 0) continue;
        await db
          .insert(stockPushed)
          .values(part.map((l) => ({ storeHash, ...l, pushedAt: new Date() })))
          .onConflictDoUpdate({
            target: [stockPushed.storeHash, stockPushed.sku, stockPushed.locationId],
            set: { quantity: sql`excluded.quantity`, pushedAt: sql`excluded.pushed_at` },
          });
      }
    },

    async forget(storeHash: StoreHash, sku: string, locationId: number): Promise<void> {
      await db
        .delete(stockPushed)
        .where(and(eq(stockPushed.storeHash, storeHash), eq(stockPushed.sku, sku), eq(stockPushed.locationId, locationId)));
    },

    /** The SKU an inventory webhook is about: the variant when it names one, else the product's base variant. */
    async skuOf(storeHash: StoreHash, ids: { productId: number; variantId: number | null }): Promise<string | null> {
      const where = ids.variantId
        ? and(eq(stockCatalog.storeHash, storeHash), eq(stockCatalog.variantId, ids.variantId))
        : and(eq(stockCatalog.storeHash, storeHash), eq(stockCatalog.productId, ids.productId), eq(stockCatalog.isBaseVariant, true));
      const rows = await db.select({ sku: stockCatalog.sku }).from(stockCatalog).where(where).limit(1);
      return rows[0]?.sku ?? null;
    },

    async addEvent(storeHash: StoreHash, event: { sku: string | null; kind: string; message: string; detail?: Record<string, unknown> }) {
      await db.insert(stockEvents).values({ storeHash, sku: event.sku, kind: event.kind, message: event.message, detail: event.detail ?? {} });
      // A level BigCommerce refused (stock-push.ts) is one the merchant must look at.
      if (event.kind === 'stock_failed' && event.sku) await recordNotification(db, storeHash, stockRefusedNotification({ sku: event.sku, message: event.message }));
    },

    async recentEvents(storeHash: StoreHash, limit = 50) {
      return db
        .select()
        .from(stockEvents)
        .where(eq(stockEvents.storeHash, storeHash))
        .orderBy(desc(stockEvents.at), desc(stockEvents.id))
        .limit(limit);
    },
  } satisfies StockRecordPort & Record<string, unknown>;
  return repo;
}

export type StockRepo = ReturnType<typeof createStockRepo>;
