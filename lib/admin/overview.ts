/**
 * The overview's numbers: orders posted / pending / failed / skipped today and over 30 days (by the day each
 * record last changed), a per-day series for the chart, the last problems, and the "to fulfil" / "to ship"
 * counts straight from BigCommerce. Two indexed queries on sync_records (store_hash, updated_at).
 */
import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db';
import { syncRecords } from '@/db/schema';
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import type { Result } from '@/lib/errors';
import type { WebhookRefusalReason } from '@/lib/bigcommerce/webhooks';
import type { StoreHash } from '@/lib/ids';
import type { RefusalCount } from '@/lib/repos/webhook-refusals';
import { ORDER_STATUS } from '@/lib/sync/settings';
import { bcFailureText } from './connections';

export type OverviewBucket = 'posted' | 'pending' | 'failed' | 'skipped';

/** held (the merchant must fix something) counts as failed; voided and credited as posted (they are in the books). */
export function bucketOf(state: string): OverviewBucket {
  if (state === 'failed' || state === 'held') return 'failed';
  if (state === 'skipped') return 'skipped';
  if (state === 'pending') return 'pending';
  return 'posted';
}

export type Counts = Record<OverviewBucket, number>;
const zero = (): Counts => ({ posted: 0, pending: 0, failed: 0, skipped: 0 });

export interface Overview {
  today: Counts;
  last30Days: Counts;
  /** Oldest first, 30 entries (YYYY-MM-DD, UTC). */
  daily: Array<{ date: string } & Counts>;
  problems: Array<{ orderId: number; state: string; message: string | null; at: string }>;
  autoSync: boolean;
}

/** `GET /api/admin/overview`: the numbers, the accounting system, and whether setup was completed. */
export interface OverviewView extends Overview {
  provider: { id: string; name: string };
  onboardedAt: string | null;
  /** Webhook deliveries refused for this store, by reason (none when nothing was refused). */
  webhookRefusals: WebhookRefusalView[];
}

/** One reason deliveries naming this store were refused: how many, the last one, in words. */
export interface WebhookRefusalView {
  reason: string;
  label: string;
  count: number;
  lastAt: string;
}

const REFUSAL_LABELS: Record<WebhookRefusalReason, string> = {
  bad_secret: 'Wrong or missing webhook secret (not sent by BigCommerce for this store, or from before a reinstall)',
  malformed: 'Not a valid BigCommerce webhook payload',
  too_large: 'Body larger than 64 KiB',
  timeout: 'Body not received within 10 s',
  unsigned: 'No webhook signature (webhook-id, webhook-timestamp, webhook-signature)',
  bad_signature: 'Webhook signature does not match the app’s client secret (forged or altered on the way)',
  stale_signature: 'Webhook signature more than 5 minutes old or ahead (a replay, or this server’s clock is off)',
};

/** The store's refused deliveries, worded for the overview's webhook health. */
export async function webhookRefusals(repo: { forStore(storeHash: StoreHash): Promise<RefusalCount[]> }, storeHash: StoreHash): Promise<WebhookRefusalView[]> {
  const rows = await repo.forStore(storeHash);
  return rows.map((r) => ({ reason: r.reason, label: REFUSAL_LABELS[r.reason] ?? r.reason, count: r.count, lastAt: r.lastAt }));
}

export interface StoreOrderCounts {
  toFulfil: { count: number | null; error: string | null };
  toShip: { count: number | null; error: string | null };
}

export interface OverviewDeps {
  db: Db;
  storeHash: StoreHash;
  provider: string;
  autoSync: boolean;
  now?: () => Date;
}

/** "To fulfil" and "To ship", straight from BigCommerce (two count calls), loaded beside the overview. */
export async function storeOrderCounts(store: { ordersCount(filter: { statusId?: number }): Promise<Result<number, BcFailure>> }): Promise<StoreOrderCounts> {
  const [toFulfil, toShip] = await Promise.all([
    store.ordersCount({ statusId: ORDER_STATUS.awaitingFulfillment }),
    store.ordersCount({ statusId: ORDER_STATUS.awaitingShipment }),
  ]);
  const count = (r: Result<number, BcFailure>) => (r.ok ? { count: r.value, error: null } : { count: null, error: bcFailureText(r.error) });
  return { toFulfil: count(toFulfil), toShip: count(toShip) };
}

const DAY = 86_400_000;

export async function loadOverview(deps: OverviewDeps): Promise<Overview> {
  const now = deps.now?.() ?? new Date();
  const startOfToday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const since = new Date(startOfToday.getTime() - 29 * DAY);
  const scope = and(eq(syncRecords.storeHash, deps.storeHash), eq(syncRecords.provider, deps.provider));
  const day = sql<string>`to_char(${syncRecords.updatedAt} at time zone 'UTC', 'YYYY-MM-DD')`;

  const [grouped, problems] = await Promise.all([
    deps.db
      .select({ day, state: syncRecords.state, n: sql<string>`count(*)` })
      .from(syncRecords)
      .where(and(scope, gte(syncRecords.updatedAt, since)))
      .groupBy(day, syncRecords.state),
    deps.db
      .select({ orderId: syncRecords.orderId, state: syncRecords.state, message: syncRecords.message, at: syncRecords.updatedAt })
      .from(syncRecords)
      .where(and(scope, inArray(syncRecords.state, ['failed', 'held'])))
      .orderBy(desc(syncRecords.updatedAt))
      .limit(5),
  ]);

  const byDay = new Map<string, Counts>();
  for (let i = 0; i < 30; i += 1) byDay.set(new Date(since.getTime() + i * DAY).toISOString().slice(0, 10), zero());
  const todayKey = startOfToday.toISOString().slice(0, 10);
  const last30Days = zero();
  for (const row of grouped) {
    const counts = byDay.get(row.day);
    if (!counts) continue;
    const n = Number(row.n);
    counts[bucketOf(row.state)] += n;
    last30Days[bucketOf(row.state)] += n;
  }
  return {
    today: byDay.get(todayKey) ?? zero(),
    last30Days,
    daily: [...byDay].map(([date, counts]) => ({ date, ...counts })),
    problems: problems.map((p) => ({ orderId: p.orderId, state: p.state, message: p.message, at: p.at.toISOString() })),
    autoSync: deps.autoSync,
  };
}
