import { and, count, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { stores, webhookDeliveries } from '@/db/schema';
import type { RecordedDelivery } from '@/lib/bigcommerce/webhooks';
import type { StoreHash } from '@/lib/ids';

export function createWebhookRepo({ db }: { db: Db }) {
  return {
    /**
     * Inserts the delivery once per (store, hash), and only while the store is installed with the given secret
     * version, in one statement. No row back means a redelivery or a stale secret; a second look tells which.
     */
    async recordDelivery(delivery: RecordedDelivery, sealedSecret: string): Promise<'recorded' | 'duplicate' | 'stale'> {
      const inserted = await db.execute(sql`
        insert into ${webhookDeliveries} (store_hash, hash, scope, resource_id, payload, event_created_at)
        select ${delivery.storeHash}, ${delivery.hash}, ${delivery.scope}, ${delivery.resourceId},
               ${JSON.stringify(delivery.raw)}::jsonb, ${delivery.eventCreatedAt.toISOString()}::timestamptz
        where exists (
          select 1 from ${stores}
          where ${stores.storeHash} = ${delivery.storeHash}
            and ${stores.uninstalledAt} is null
            and ${stores.webhookSecretEnc} = ${sealedSecret})
        on conflict do nothing
        returning id`);
      const rows = Array.isArray(inserted) ? inserted : (inserted as { rows: unknown[] }).rows;
      if (rows.length > 0) return 'recorded';
      const existing = await db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.storeHash, delivery.storeHash), eq(webhookDeliveries.hash, delivery.hash)));
      return existing.length > 0 ? 'duplicate' : 'stale';
    },

    async countFor(storeHash: StoreHash, scope?: string): Promise<number> {
      const where = scope
        ? and(eq(webhookDeliveries.storeHash, storeHash), eq(webhookDeliveries.scope, scope))
        : eq(webhookDeliveries.storeHash, storeHash);
      const rows = await db.select({ n: count() }).from(webhookDeliveries).where(where);
      return Number(rows[0]?.n ?? 0);
    },
  };
}
