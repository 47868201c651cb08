import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { stores, webhookRefusals } from '@/db/schema';
import type { WebhookRefusal, WebhookRefusalReason } from '@/lib/bigcommerce/webhooks';
import type { StoreHash } from '@/lib/ids';

/** How long refusals are gathered before one statement writes them: a flood of refusals is not a flood of writes. */
const FLUSH_AFTER_MS = 250;

/** Refusals not yet written, per database handle (on globalThis: Next may load this module once per route bundle). */
const pending = ((globalThis as unknown as { __lbWebhookRefusals?: WeakMap<Db, Map<string, number>> }).__lbWebhookRefusals ??= new WeakMap());

const keyOf = (storeHash: string, reason: string) => `${storeHash}\u0000${reason}`;

async function flush(db: Db): Promise<void> {
  const counts = pending.get(db);
  if (!counts || counts.size === 0) return;
  pending.delete(db);
  const values = sql.join(
    [...counts].map(([key, n]) => {
      const [storeHash, reason] = key.split('\u0000') as [string, string];
      return sql`(${storeHash}::text, ${reason}::text, ${n}::bigint)`;
    }),
    sql`, `,
  );
  // A store hash no store has is counted under '' (unknown): invented store hashes never add rows.
  await db.execute(sql`
    with incoming (store_hash, reason, n) as (values ${values}),
    named as (
      select case when i.store_hash <> '' and exists (select 1 from ${stores} s where s.store_hash = i.store_hash) then i.store_hash else '' end as store_hash,
             i.reason, i.n
      from incoming i
    )
    insert into ${webhookRefusals} (store_hash, reason, count)
    select store_hash, reason, sum(n) from named group by store_hash, reason
    on conflict (store_hash, reason) do update set count = ${webhookRefusals.count} + excluded.count, last_at = now()`);
}

export interface RefusalCount {
  reason: WebhookRefusalReason;
  count: number;
  lastAt: string;
}

export function createWebhookRefusalRepo({ db, onError }: { db: Db; onError?: (error: unknown) => void }) {
  return {
    /** Counts a refusal; written within FLUSH_AFTER_MS with the others (losing a count to a crash is acceptable). */
    count(refusal: WebhookRefusal): void {
      let counts = pending.get(db);
      if (!counts) {
        counts = new Map();
        pending.set(db, counts);
        setTimeout(() => void flush(db).catch((error: unknown) => onError?.(error)), FLUSH_AFTER_MS).unref();
      }
      const key = keyOf(refusal.storeHash ?? '', refusal.reason);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },

    /** Writes what is gathered now (tests, shutdown). */
    flush: () => flush(db),

    /** The store's refusals by reason; `''` gives those no store could be named for. */
    async forStore(storeHash: StoreHash | ''): Promise<RefusalCount[]> {
      const rows = await db
        .select({ reason: webhookRefusals.reason, count: webhookRefusals.count, lastAt: webhookRefusals.lastAt })
        .from(webhookRefusals)
        .where(and(eq(webhookRefusals.storeHash, storeHash)))
        .orderBy(webhookRefusals.reason);
      return rows.map((r) => ({ reason: r.reason as WebhookRefusalReason, count: Number(r.count), lastAt: new Date(r.lastAt).toISOString() }));
    },
  };
}
