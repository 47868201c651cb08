import { setTimeout as sleep } from 'node:timers/promises';
import { PermanentFailure, TransientFailure } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import { prepareBackfill, runBackfillPage, type BackfillPageOutcome } from '@/lib/jobs/backfill';
import { importItems } from '@/lib/jobs/items';
import { CliError, EXIT } from '../errors';
import { createProgress } from '../progress';
import { cliStoreContext, type CliRuntime } from '../runtime';

/** Attempts per page when BigCommerce or the provider is rate limited or unavailable (the client retries too). */
const PAGE_ATTEMPTS = 6;
const MAX_BACKOFF_MS = 30_000;

export function defaultSince(settingsFromDate: string | null, now: Date): string {
  if (settingsFromDate) return settingsFromDate;
  return new Date(now.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A backfill run in this process, page by page, with the code the `store/backfill` Inngest function runs
 * (lib/jobs/backfill.ts). The backfill row is the checkpoint: a running backfill (from the app or an earlier run)
 * is continued from its page, and Ctrl-C (`signal`) stops after the current page, leaving it resumable.
 */
export async function syncCommand(
  rt: CliRuntime,
  options: { store: StoreHash; since: string | null },
  signal: AbortSignal,
): Promise<number> {
  const { stderr, stdout } = rt.io;
  const store = options.store;
  const ctx = await cliStoreContext(rt, store);
  const since = options.since ?? defaultSince(ctx.settings.orders.ordersFromDate, new Date());
  const { backfill, created } = await ctx.storeSync.startBackfill(store, since, null);
  const resume = `ledgerbridge sync --store ${store}`;
  const retrying = (what: string) => (message: string, waitMs: number) =>
    stderr.write(`${stderr.isTTY ? '\r\x1b[2K' : ''}${what}: ${message}; trying again in ${Math.ceil(waitMs / 1000)} s\n`);
  if (created) {
    stderr.write(`Backfill #${backfill.id} of store ${store}: orders created since ${backfill.fromDate}.\n`);
  } else {
    stderr.write(
      `Resuming backfill #${backfill.id} of store ${store} (orders created since ${backfill.fromDate}) at page ${backfill.nextPage}` +
        `${options.since && options.since !== backfill.fromDate ? `; --since ${options.since} does not apply to a running backfill` : ''}.\n`,
    );
  }

  const start = await attempt(
    () => prepareBackfill({ ...ctx, importItems: () => importItems(ctx, { dryRun: false, updateDetails: false }) }, backfill.id),
    signal,
    retrying('counting the orders'),
  );
  if (start === 'aborted') return interrupted(rt, resume, null);
  if (!start.running) throw new CliError(`sync: backfill #${backfill.id} is no longer running (cancelled or finished elsewhere)`);

  const progress = createProgress(stderr, { startedAt: Date.now(), seenAtStart: backfill.seen });
  let lastDone: number | null = null;
  for (let page = start.nextPage; ; page += 1) {
    if (signal.aborted) {
      progress.done();
      return interrupted(rt, resume, lastDone);
    }
    let outcome: BackfillPageOutcome | 'aborted';
    try {
      outcome = await attempt(() => runBackfillPage(ctx, backfill.id, page, { writeBack: false }), signal, retrying(`page ${page}`));
    } catch (error) {
      progress.done();
      const reason = error instanceof Error ? error.message : String(error);
      throw new CliError(`sync: page ${page} failed: ${reason}. Backfill #${backfill.id} stays at page ${page}; resume with: ${resume}`);
    }
    if (outcome === 'aborted') {
      progress.done();
      return interrupted(rt, resume, lastDone);
    }
    if (outcome.stop === 'cancelled') {
      progress.done();
      throw new CliError(`sync: backfill #${backfill.id} was cancelled or finished elsewhere; stopped before page ${page}`);
    }
    lastDone = page;
    const row = await ctx.storeSync.backfill(store, backfill.id);
    if (row) progress.update({ seen: row.seen, posted: row.posted, skipped: row.skipped, failed: row.failed, total: start.total, page });
    if (!outcome.more) break;
  }
  progress.done();
  await ctx.storeSync.finishBackfill(store, backfill.id, 'completed');
  const row = await ctx.storeSync.backfill(store, backfill.id);
  stdout.write(
    `Backfill #${backfill.id} of store ${store} completed: seen ${row?.seen ?? 0}, posted ${row?.posted ?? 0}, skipped ${row?.skipped ?? 0}, failed ${row?.failed ?? 0}\n`,
  );
  return EXIT.ok;
}

function interrupted(rt: CliRuntime, resume: string, lastPage: number | null): number {
  rt.io.stderr.write(`Stopped${lastPage === null ? '' : ` after page ${lastPage}`}. Resume with: ${resume}\n`);
  return EXIT.interrupted;
}

/**
 * Runs `body`, waiting and trying again after rate limits and outages (as long as the platform asks, else with
 * backoff). A permanent failure or a bug throws at once. Returns 'aborted' when Ctrl-C came during a wait.
 */
export async function attempt<T>(
  body: () => Promise<T>,
  signal: AbortSignal,
  onRetry: (message: string, waitMs: number) => void,
  attempts = PAGE_ATTEMPTS,
): Promise<T | 'aborted'> {
  for (let n = 1; ; n += 1) {
    try {
      return await body();
    } catch (error) {
      if (error instanceof PermanentFailure || !(error instanceof TransientFailure) || n >= attempts) throw error;
      const wait = Math.max(250, error.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (n - 1)));
      onRetry(error.message, wait);
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        return 'aborted';
      }
      if (signal.aborted) return 'aborted';
    }
  }
}
