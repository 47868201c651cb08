import type { StoreHash } from '@/lib/ids';
import { loadOrder, processLoadedOrder, type OrderResult } from '@/lib/sync/pipeline';
import { CliError, EXIT, UsageError } from '../errors';
import { cliStoreContext, type CliRuntime } from '../runtime';
import { attempt } from './sync';

/** The line `retry` prints for an outcome: `posted as BC-1001`, `held: <reason>`, `skipped: <reason>`. */
export function describeOutcome(result: OrderResult, message: string, documentNumber: string | null): string {
  const reason = message.replace(/\s+/g, ' ').trim();
  switch (result) {
    case 'posted':
      return `posted as ${documentNumber ?? '(unknown number)'}`;
    case 'updated':
    case 'paid':
    case 'refunded':
      return `${result} (${documentNumber ?? 'unknown number'}): ${reason}`;
    case 'summarised':
    case 'voided':
    case 'credited':
    case 'held':
    case 'skipped':
    case 'failed':
      return `${result}: ${reason}`;
  }
}

/**
 * Runs the pipeline for one order now, as the "retry this order" action does: load it, plan, post (or record why
 * not), and write the status back. Exit code 1 when the order is not in the books because of a problem to fix.
 */
export async function retryCommand(rt: CliRuntime, options: { store: StoreHash; order: number }, signal: AbortSignal): Promise<number> {
  const ctx = await cliStoreContext(rt, options.store);
  const onRetry = (message: string, waitMs: number) =>
    rt.io.stderr.write(`order ${options.order}: ${message}; trying again in ${Math.ceil(waitMs / 1000)} s\n`);
  const run = await attempt(
    async () => {
      const loaded = await loadOrder(ctx.pipeline, options.order);
      if (!loaded.found) return null;
      return processLoadedOrder(ctx.pipeline, loaded, { trigger: 'manual', writeBack: true, recheck: true });
    },
    signal,
    onRetry,
  );
  if (run === 'aborted') throw new CliError(`retry: stopped before order ${options.order} was processed`, EXIT.interrupted);
  if (run === null) throw new UsageError(`retry: order ${options.order} does not exist in store ${options.store}`);
  const record = await ctx.records.get({ storeHash: options.store, orderId: options.order, provider: ctx.providerId });
  rt.io.stdout.write(`order ${options.order}: ${describeOutcome(run.result, run.message, record?.remoteNumber ?? null)}\n`);
  return run.result === 'held' || run.result === 'failed' ? EXIT.failed : EXIT.ok;
}
