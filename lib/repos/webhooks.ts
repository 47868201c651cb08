import { and, count, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { stores, webhookDeliveries } from '@/db/schema';
import type { RecordedDelivery } from '@/lib/bigcommerce/webhooks';
import type { StoreHash } from '@/lib/ids';

type RecordOutcome = 'recorded' | 'duplicate' | 'stale';
interface Waiting {
  delivery: RecordedDelivery;
  sealedSecret: string;
  resolve(outcome: RecordOutcome): void;
  reject(error: unknown): void;
}

/** Deliveries written by one statement at most. */
const MAX_GROUP = 100;

/**
 * Group commit: deliveries that arrive while the event loop is busy (one turn) are written by one statement
 * instead of one each. Each caller still waits for its own row to be committed before it answers BigCommerce.
 * Per database handle, on globalThis (Next may load this module once per route bundle).
 */
const groups = ((globalThis as unknown as { __lbWebhookGroups?: WeakMap<Db, Waiting[]> }).__lbWebhookGroups ??= new WeakMap());

async function writeGroup(db: Db, group: Waiting[]): Promise<void> {
  try {
    const values = sql.join(
      group.map(
        ({ delivery: d, sealedSecret }) =>
          sql`(${d.storeHash}::text, ${d.hash}::text, ${d.scope}::text, ${d.resourceId}::bigint, ${JSON.stringify(d.raw)}::jsonb, ${d.eventCreatedAt.toISOString()}::timestamptz, ${sealedSecret}::text)`,
      ),
      sql`, `,
    );
    // Inserted only while the store is installed with that secret version; once per (store, hash).
    const inserted = await db.execute(sql`
      with incoming (store_hash, hash, scope, resource_id, payload, event_created_at, sealed) as (values ${values})
      insert into ${webhookDeliveries} (store_hash, hash, scope, resource_id, payload, event_created_at)
      select i.store_hash, i.hash, i.scope, i.resource_id, i.payload, i.event_created_at
      from incoming i
      where exists (select 1 from ${stores} st where st.store_hash = i.store_hash and st.uninstalled_at is null and st.webhook_secret_enc = i.sealed)
      on conflict do nothing
      returning store_hash, hash`);
    const key = (storeHash: string, hash: string) => `${storeHash}\u0000${hash}`;
    const recorded = new Set(rowsOf<{ store_hash: string; hash: string }>(inserted).map((r) => key(r.store_hash, r.hash)));
    const rest = group.filter((w) => !recorded.has(key(w.delivery.storeHash, w.delivery.hash)));
    // No row back: a redelivery (already there) or a stale secret (uninstalled or re-keyed meanwhile).
    const existing = new Set<string>();
    if (rest.length > 0) {
      const pairs = sql.join(rest.map((w) => sql`(${w.delivery.storeHash}::text, ${w.delivery.hash}::text)`), sql`, `);
      const found = await db.execute(sql`select store_hash, hash from ${webhookDeliveries} where (store_hash, hash) in (${pairs})`);
      for (const r of rowsOf<{ store_hash: string; hash: string }>(found)) existing.add(key(r.store_hash, r.hash));
    }
    const unclaimed = new Set(recorded);
    for (const w of group) {
      const k = key(w.delivery.storeHash, w.delivery.hash);
      // Of two copies in one group the first is the one recorded, the other a duplicate.
      if (unclaimed.delete(k)) w.resolve('recorded');
      else w.resolve(recorded.has(k) || existing.has(k) ? 'duplicate' : 'stale');
    }
  } catch (error) {
    for (const w of group) w.reject(error);
  }
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

export function createWebhookRepo({ db }: { db: Db }) {
  return {
    /**
     * Inserts the delivery once per (store, hash), and only while the store is installed with the given secret
     * version. Deliveries arriving in the same event-loop turn share one statement (group commit).
     */
    recordDelivery(delivery: RecordedDelivery, sealedSecret: string): Promise<RecordOutcome> {
      return new Promise<RecordOutcome>((resolve, reject) => {
        let queue = groups.get(db);
        if (!queue) {
          queue = [];
          groups.set(db, queue);
          setImmediate(() => {
            const taken = groups.get(db) ?? [];
            groups.delete(db);
            for (let i = 0; i < taken.length; i += MAX_GROUP) void writeGroup(db, taken.slice(i, i + MAX_GROUP));
          });
        }
        queue.push({ delivery, sealedSecret, resolve, reject });
      });
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
