/**
 * The composition root of the admin API: builds each use case's dependency object for the session's store.
 * Routes call these; tests build the objects themselves.
 */
import { and, desc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog, syncRecords } from '@/db/schema';
import type { ChartDescription } from '@/lib/sync/provider';
import { storeContext } from '@/lib/context';
import { sendJobEvents } from '@/lib/jobs/dispatch';
import { orderChanged, storeBackfill, storeBackfillCancelled, storeReconcile } from '@/lib/jobs/events';
import { yesterdayIn } from '@/lib/sync/days';
import type { StoreHash } from '@/lib/ids';
import { createAuditRepo } from '@/lib/repos/audit';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import type { Session } from '@/lib/session';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import type { BulkDeps } from './actions';
import { ordersInStates } from './activity';
import type { BackfillDeps } from './backfill';
import type { MappingsDeps } from './mappings';
import { ONBOARDING_DONE } from './onboarding';

export type StoreContext = Awaited<ReturnType<typeof storeContext>>;

export async function adminDb() {
  return getDb();
}

/** Everything for the store (BigCommerce client with its token, provider, settings, repositories). */
export function adminStore(session: Session): Promise<StoreContext> {
  return storeContext(session.storeHash);
}

/** The current provider id without building the rest (the activity table's fast path). */
export async function currentProvider(storeHash: StoreHash): Promise<string> {
  return (await createStoreSyncRepo({ db: await getDb() }).get(storeHash)).provider;
}

export async function chartOf(ctx: StoreContext): Promise<ChartDescription> {
  const described = await ctx.provider.describe();
  if (!described.ok) throw new Error(`${ctx.provider.displayName} could not describe its chart: ${described.error.message}`);
  return described.value;
}

const DAY = 86_400_000;

/**
 * What the store's orders use, for the mappings page and the mapping proposal: the last 30 days' orders (one page),
 * the taxes of a few, and the orders held for an unmapped tax rate.
 */
export function seenDeps(ctx: StoreContext, storeHash: StoreHash): Pick<MappingsDeps, 'recentOrders' | 'orderTaxes' | 'heldForTax'> {
  return {
    recentOrders: async () => {
      const page = await ctx.client.ordersPage({ minDateModified: new Date(Date.now() - 30 * DAY), sort: 'date_modified:asc', limit: 250 }, 1);
      return page.ok ? { ok: true, value: page.value.orders } : page;
    },
    orderTaxes: (orderId) => ctx.client.orderTaxes(orderId),
    heldForTax: async () => {
      const rows = await ctx.db
        .select({ orderId: syncRecords.orderId })
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.provider, ctx.providerId), eq(syncRecords.state, 'held'), eq(syncRecords.reason, 'unmapped_tax_rate')))
        .limit(25);
      return rows.map((r) => r.orderId);
    },
  };
}

export async function settingsRepo() {
  return createSettingsRepo({ db: await getDb() });
}

export async function audit(session: Session, action: string, detail: Record<string, unknown> = {}) {
  await createAuditRepo({ db: await getDb() }).append(session.storeHash, action, session.userId, detail);
}

export async function onboardingCompletedAt(storeHash: StoreHash): Promise<Date | null> {
  const db = await getDb();
  const [row] = await db
    .select({ at: auditLog.at })
    .from(auditLog)
    .where(and(eq(auditLog.storeHash, storeHash), eq(auditLog.action, ONBOARDING_DONE)))
    .orderBy(desc(auditLog.at))
    .limit(1);
  return row?.at ?? null;
}

export async function backfillDeps(session: Session): Promise<BackfillDeps> {
  const storeHash = session.storeHash;
  return {
    storeHash,
    userId: session.userId,
    storeSync: createStoreSyncRepo({ db: await getDb() }),
    sendBackfillEvent: ({ backfillId, writeBack }) =>
      sendJobEvents([storeBackfill.create({ storeHash, backfillId, writeBack }, { id: `backfill-${storeHash}-${backfillId}` })], { storeHash, event: 'store/backfill' }),
    sendCancelEvent: (backfillId) =>
      sendJobEvents([storeBackfillCancelled.create({ storeHash, backfillId })], { storeHash, event: 'store/backfill.cancelled' }),
  };
}

export async function bulkDeps(session: Session): Promise<BulkDeps> {
  const db = await getDb();
  const storeHash = session.storeHash;
  const provider = await currentProvider(storeHash);
  const records = createSyncRecordRepo({ db });
  return {
    storeHash,
    userId: session.userId,
    send: (events) => sendJobEvents(events.map((e) => orderChanged.create(e)), { storeHash, event: 'order/changed', manual: events.length }),
    failedOrders: (orderIds) => ordersInStates(db, storeHash, ['failed', 'held'], { orderIds, provider }),
    note: async (orderId, message) => {
      await records.addEvent(storeHash, orderId, 'requested', message);
    },
  };
}

/** The reconciliation page's dependencies: the database, the store's yesterday (its time zone), and the job event. */
export async function reconciliationDeps(session: Session) {
  const db = await getDb();
  const storeHash = session.storeHash;
  const { settings } = await createSettingsRepo({ db }).current(storeHash);
  return {
    db,
    storeHash,
    timeZone: settings.document.timeZone,
    yesterday: yesterdayIn(settings.document.timeZone),
    send: (data: { from: string; to: string; repair?: { date: string; orderIds?: number[] } }) =>
      sendJobEvents([storeReconcile.create({ storeHash, trigger: 'manual', ...data })], { storeHash, event: 'store/reconcile' }),
  };
}
