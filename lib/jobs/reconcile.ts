/**
 * Reconciliation of one store over a date range (issue 17), for every trigger (the CLI, the nightly job, the admin's
 * "reconcile now"): both sides read and compared by lib/sync/reconcile with the store's context.
 */
import type { Db } from '@/db';
import { reconciliationNotification } from '@/lib/notify/kinds';
import { createNotificationRepo } from '@/lib/repos/notifications';
import type { BigCommerceClient } from '@/lib/bigcommerce/client/client';
import type { StoreHash } from '@/lib/ids';
import { yesterdayIn } from '@/lib/sync/days';
import type { PipelineDeps, RecordKey } from '@/lib/sync/pipeline';
import { datesBetween, reconcileRange, repairDifferences, type DayResult, type ReconcileOutcome, type ReconcileRecordPort, type RepairDeps, type RepairOutcome } from '@/lib/sync/reconcile';
import type { AccountingProvider } from '@/lib/sync/provider';
import type { SyncSettings } from '@/lib/sync/settings';

export interface ReconcileStoreContext {
  pipeline: { storeHash: StoreHash; providerId: string };
  client: Pick<BigCommerceClient, 'listOrders' | 'listRefunds'>;
  provider: Pick<AccountingProvider, 'listDocuments' | 'displayName'>;
  records: ReconcileRecordPort;
  settings: SyncSettings;
  installed: { currency: string | null };
}

export function reconcileStore(ctx: ReconcileStoreContext, range: { from: string; to: string }): Promise<ReconcileOutcome> {
  return reconcileRange(
    {
      storeHash: ctx.pipeline.storeHash,
      providerId: ctx.pipeline.providerId,
      provider: ctx.provider,
      store: ctx.client,
      records: ctx.records,
      settings: ctx.settings,
      storeCurrency: ctx.installed.currency,
    },
    range,
  );
}

export interface RepairStoreContext extends ReconcileStoreContext {
  pipeline: PipelineDeps;
  records: ReconcileRecordPort & Pick<RepairDeps, 'forgetDocument' | 'forgetPostings'>;
}

export type RepairDayOutcome =
  | { ok: true; repaired: RepairOutcome[]; after: DayResult[] }
  | Extract<ReconcileOutcome, { ok: false }>;

/**
 * "Repair" on a day: reconciles it again (the books may have changed since the result shown), repairs what the app
 * can (only `orderIds` when given) through the pipeline, and reconciles once more so the caller shows what is left.
 */
export async function repairDay(ctx: RepairStoreContext, date: string, orderIds?: readonly number[]): Promise<RepairDayOutcome> {
  const before = await reconcileStore(ctx, { from: date, to: date });
  if (!before.ok) return before;
  const differences = before.days.flatMap((d) => d.differences).filter((d) => !orderIds || orderIds.includes(d.orderId));
  const repaired = await repairDifferences(
    {
      pipeline: ctx.pipeline,
      forgetDocument: (key, message, gone) => ctx.records.forgetDocument(key, message, gone),
      ...(ctx.records.forgetPostings ? { forgetPostings: (key: RecordKey, keys: readonly string[], message: string) => ctx.records.forgetPostings!(key, keys, message) } : {}),
      books: before.books,
    },
    differences,
  );
  const after = await reconcileStore(ctx, { from: date, to: date });
  if (!after.ok) return after;
  return { ok: true, repaired, after: after.days };
}

/** The port the stored results go through (lib/repos/reconciliation.ts). */
export interface ReconciliationStore {
  saveDays(storeHash: StoreHash, provider: string, dates: readonly string[], days: readonly DayResult[]): Promise<void>;
}

/** Reconciles the range and keeps each day's result (a day's earlier result is replaced): the nightly job and "reconcile now". */
export async function reconcileAndStore(ctx: ReconcileStoreContext, results: ReconciliationStore, range: { from: string; to: string }): Promise<ReconcileOutcome> {
  const outcome = await reconcileStore(ctx, range);
  if (outcome.ok) await results.saveDays(ctx.pipeline.storeHash, ctx.pipeline.providerId, datesBetween(range.from, range.to), outcome.days);
  return outcome;
}

/** Repair, then keep the day's new result. */
export async function repairAndStore(ctx: RepairStoreContext, results: ReconciliationStore, date: string, orderIds?: readonly number[]): Promise<RepairDayOutcome> {
  const outcome = await repairDay(ctx, date, orderIds);
  if (outcome.ok) await results.saveDays(ctx.pipeline.storeHash, ctx.pipeline.providerId, [date], outcome.after);
  return outcome;
}

/** The days the nightly run reconciles: yesterday and the two before (refunds and corrections land late). */
export function nightlyRange(timeZone: string, now: Date = new Date(), days = 3): { from: string; to: string } {
  const to = yesterdayIn(timeZone, now);
  const from = new Date(`${to}T00:00:00Z`);
  from.setUTCDate(from.getUTCDate() - (days - 1));
  return { from: from.toISOString().slice(0, 10), to };
}


/** The store's people are told of each reconciled day that does not agree: one notification per day and currency. */
export async function notifyDifferences(db: Db, storeHash: StoreHash, days: readonly DayResult[]): Promise<void> {
  const notifications = createNotificationRepo({ db });
  for (const d of days.filter((x) => x.differences.length > 0)) {
    await notifications.record(storeHash, reconciliationNotification({
      date: d.date, currency: d.currency, differences: d.differences.length, orderIds: [...new Set(d.differences.map((x) => x.orderId))],
    }));
  }
}
