/**
 * Backfills from the order rules page: start (one at a time per store), follow (seen, posted, skipped, failed,
 * percent, ETA), cancel. The job itself is lib/jobs/functions/store-backfill.ts; this only records the request
 * and sends the event.
 */
import { z } from 'zod';
import type { StoreHash } from '@/lib/ids';
import type { BackfillRow, StoreSyncRepo } from '@/lib/repos/store-sync';

export const startBackfillSchema = z.object({
  fromDate: z.iso.date('Enter a date as YYYY-MM-DD'),
  /** Write the imported / error status back to each order (off by default: old orders keep their status). */
  writeBack: z.boolean().default(false),
});

export interface BackfillView {
  id: number;
  fromDate: string;
  status: BackfillRow['status'];
  total: number | null;
  seen: number;
  posted: number;
  skipped: number;
  failed: number;
  /** 0–100; null until BigCommerce has said how many orders there are. */
  percent: number | null;
  /** Seconds left at the rate so far; null when unknown or finished. */
  etaSeconds: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export function backfillView(row: BackfillRow, now: Date = new Date()): BackfillView {
  const finished = row.status !== 'running';
  let percent: number | null = null;
  if (row.status === 'completed') percent = 100;
  else if (row.total !== null) percent = row.total === 0 ? (finished ? 100 : 0) : Math.min(100, Math.floor((row.seen * 100) / row.total));
  let etaSeconds: number | null = null;
  if (!finished && row.total !== null && row.seen > 0) {
    const elapsed = Math.max(1, now.getTime() - row.startedAt.getTime());
    etaSeconds = Math.max(0, Math.round(((row.total - row.seen) * elapsed) / row.seen / 1000));
  }
  return {
    id: row.id,
    fromDate: row.fromDate,
    status: row.status,
    total: row.total,
    seen: row.seen,
    posted: row.posted,
    skipped: row.skipped,
    failed: row.failed,
    percent,
    etaSeconds,
    error: row.error,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
  };
}

export interface BackfillDeps {
  storeHash: StoreHash;
  userId: number | null;
  storeSync: Pick<StoreSyncRepo, 'startBackfill' | 'latestBackfill' | 'cancelBackfill' | 'finishBackfill'>;
  /** Sends the job event; false when it could not be sent. */
  sendBackfillEvent(input: { backfillId: number; writeBack: boolean }): Promise<boolean>;
  sendCancelEvent(backfillId: number): Promise<boolean>;
  now?: () => Date;
}

export type StartBackfillResult =
  | { ok: true; created: boolean; backfill: BackfillView }
  | { ok: false; kind: 'Unavailable'; message: string };

export async function startBackfill(deps: BackfillDeps, input: z.infer<typeof startBackfillSchema>): Promise<StartBackfillResult> {
  const today = (deps.now?.() ?? new Date()).toISOString().slice(0, 10);
  if (input.fromDate > today) return { ok: false, kind: 'Unavailable', message: 'The start date is in the future.' };
  const { backfill, created } = await deps.storeSync.startBackfill(deps.storeHash, input.fromDate, deps.userId);
  if (created && !(await deps.sendBackfillEvent({ backfillId: backfill.id, writeBack: input.writeBack }))) {
    // Nothing would ever run it: close it so the page does not follow a backfill that never moves.
    await deps.storeSync.finishBackfill(deps.storeHash, backfill.id, 'failed', 'The background job service is unreachable; try again in a minute.');
    return { ok: false, kind: 'Unavailable', message: 'The background job service is unreachable; try again in a minute.' };
  }
  return { ok: true, created, backfill: backfillView(backfill, deps.now?.()) };
}

export async function cancelRunningBackfill(deps: BackfillDeps): Promise<BackfillView | null> {
  const latest = await deps.storeSync.latestBackfill(deps.storeHash);
  if (!latest || latest.status !== 'running') return latest ? backfillView(latest, deps.now?.()) : null;
  // The row is the source of truth (each page re-reads it); the event only stops a run that is sleeping or queued.
  await deps.storeSync.cancelBackfill(deps.storeHash, latest.id);
  await deps.sendCancelEvent(latest.id);
  const after = await deps.storeSync.latestBackfill(deps.storeHash);
  return after ? backfillView(after, deps.now?.()) : null;
}
