/**
 * Daily summaries for one store, as the scheduler and `ledgerbridge summary post` run them: the store's context
 * (provider, settings) and the summaries repo around lib/sync/summary/post-summaries.ts.
 */
import { createSummaryRepo } from '@/lib/repos/summaries';
import { localDate } from '@/lib/sync/build-sales-document';
import { postDaySummaries, type SummaryOutcome } from '@/lib/sync/summary/post-summaries';
import type { StoreContext } from '@/lib/context';

type Ctx = Pick<StoreContext, 'db' | 'provider' | 'providerId' | 'settings'> & { storeHash: string };

function depsOf(ctx: Ctx, now: () => Date) {
  return {
    storeHash: ctx.storeHash, providerId: ctx.providerId, provider: ctx.provider, summaries: createSummaryRepo({ db: ctx.db }),
    closeHours: ctx.settings.posting.summaryCloseHours, customerName: ctx.settings.posting.summaryCustomer, timeZone: ctx.settings.document.timeZone, document: ctx.settings.posting.summaryDocument, now,
  };
}

/** Posts (or refreshes) one day's summaries now, whether or not the day has ended: today by default. */
export async function postSummariesNow(ctx: Ctx, options: { date: string | null; now?: () => Date }): Promise<{ date: string; summaries: SummaryOutcome[] }> {
  const now = options.now ?? (() => new Date());
  const date = options.date ?? localDate(now(), ctx.settings.document.timeZone);
  return { date, summaries: await postDaySummaries(depsOf(ctx, now), date, { force: true }) };
}

/**
 * The scheduler's pass: every day with something kept, or a summary not yet closed, whose day has ended is posted,
 * refreshed or closed. Days not ended wait (their summaries are posted when they end).
 */
export async function postEndedDays(ctx: Ctx, now: () => Date = () => new Date()): Promise<Array<{ date: string; summaries: SummaryOutcome[] }>> {
  if (!ctx.provider.postSummary) return [];
  const deps = depsOf(ctx, now);
  // A store that left summary mode still has its open days posted and closed.
  const days = await deps.summaries.openDays(ctx.storeHash, ctx.providerId);
  const out: Array<{ date: string; summaries: SummaryOutcome[] }> = [];
  for (const date of days) {
    out.push({ date, summaries: await postDaySummaries(deps, date) });
  }
  return out;
}
