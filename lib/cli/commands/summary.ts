import type { StoreHash } from '@/lib/ids';
import { postSummariesNow } from '@/lib/jobs/summaries';
import { CliError, EXIT, UsageError } from '../errors';
import { cliStoreContext, type CliRuntime } from '../runtime';

/** `summary post`: a day's summaries posted or refreshed now (daily summary mode). */
export async function summaryPostCommand(rt: CliRuntime, options: { store: StoreHash; date: string | null; json: boolean }): Promise<number> {
  const ctx = await cliStoreContext(rt, options.store);
  if (ctx.settings.posting.mode !== 'daily_summary') {
    throw new UsageError(`summary post: store "${options.store}" posts one document per order; turn daily summaries on first (Order rules › Posting mode, or settings set --store ${options.store} posting.mode=daily_summary)`);
  }
  if (!ctx.provider.postSummary) throw new UsageError(`summary post: ${ctx.provider.displayName} does not take daily summaries from this app yet`);
  const result = await postSummariesNow({ ...ctx, storeHash: options.store }, { date: options.date }).catch((error: unknown) => {
    throw new CliError(`summary post: ${error instanceof Error ? error.message : String(error)}`);
  });
  const failed = result.summaries.some((s) => s.result === 'failed');
  if (options.json) {
    rt.io.stdout.write(`${JSON.stringify({
      date: result.date,
      summaries: result.summaries.map((s) => ({ number: s.number, currency: s.key.currency, method: s.key.method, result: s.result, orders: s.orders, refunds: s.refunds, total: s.total })),
    })}\n`);
    return failed ? EXIT.failed : EXIT.ok;
  }
  if (result.summaries.length === 0) rt.io.stdout.write(`${result.date}: no orders or refunds kept for this day\n`);
  for (const s of result.summaries) {
    rt.io.stdout.write(`${s.number}  ${s.key.currency} ${s.key.method}: ${s.orders} order(s), ${s.refunds} refund(s)${s.edits ? `, ${s.edits} change(s) to earlier orders` : ''}, ${s.total} — ${s.result}${s.result === 'failed' ? `: ${s.message}` : ''}\n`);
  }
  return failed ? EXIT.failed : EXIT.ok;
}
