/**
 * The composition root of the admin API: builds each use case's dependency object for the session's store.
 * Routes call these; tests build the objects themselves.
 */
import { and, desc, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog } from '@/db/schema';
import type { ChartDescription } from '@/lib/sync/provider';
import { storeContext } from '@/lib/context';
import { sendJobEvents } from '@/lib/jobs/dispatch';
import { orderChanged, storeBackfill, storeBackfillCancelled } from '@/lib/jobs/events';
import type { StoreHash } from '@/lib/ids';
import { createAuditRepo } from '@/lib/repos/audit';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import type { Session } from '@/lib/session';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import type { BulkDeps } from './actions';
import { ordersInStates } from './activity';
import type { BackfillDeps } from './backfill';
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
