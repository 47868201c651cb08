import type { StoreHash } from '@/lib/ids';
import { reconcileStore } from '@/lib/jobs/reconcile';
import { yesterdayIn } from '@/lib/sync/days';
import { dayResultJson, type DayResult } from '@/lib/sync/reconcile';
import { MAX_RECONCILE_DAYS } from '../args';
import { CliError, EXIT, UsageError } from '../errors';
import { cliStoreContext, type CliRuntime } from '../runtime';

/** `reconcile`: the store and the books day by day; the JSON is a contract (lib/sync/reconcile/types.ts DayResultJson). */
export async function reconcileCommand(rt: CliRuntime, options: { store: StoreHash; from: string | null; to: string | null; json: boolean }): Promise<number> {
  const ctx = await cliStoreContext(rt, options.store);
  const yesterday = yesterdayIn(ctx.settings.document.timeZone);
  const to = options.to ?? (options.from !== null && options.from > yesterday ? options.from : yesterday);
  const from = options.from ?? to;
  if (from > to) throw new UsageError(`reconcile: --from ${from} is after --to ${to}`);
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_RECONCILE_DAYS) throw new UsageError(`reconcile: at most ${MAX_RECONCILE_DAYS} days a run`);
  const result = await reconcileStore(ctx, { from, to });
  if (!result.ok) throw new CliError(`reconcile: ${result.message}`, EXIT.failed);
  if (options.json) {
    rt.io.stdout.write(`${JSON.stringify({ days: result.days.map(dayResultJson) })}\n`);
    return EXIT.ok;
  }
  const out = (line: string) => rt.io.stdout.write(`${line}\n`);
  for (const day of result.days) out(describeDay(day));
  const differing = result.days.filter((d) => d.differences.length > 0).length;
  out(
    `${result.days.length} day(s) from ${from} to ${to} (${ctx.settings.document.timeZone}) against ${ctx.provider.displayName}: ` +
      (differing === 0 ? 'the store and the books agree.' : `${differing} with differences.`),
  );
  return EXIT.ok;
}

function describeDay(day: DayResult): string {
  const s = day.store;
  const b = day.books;
  const paidBy = (payments: Record<string, string>) => Object.entries(payments).map(([method, amount]) => `${method} ${amount}`).join(', ');
  const payments = paidBy(s.payments);
  const booksPayments = paidBy(b.payments);
  const lines = [
    `${day.date} ${day.currency}  ${day.differences.length === 0 ? 'agrees' : `${day.differences.length} difference(s)`}`,
    `  store: ${s.orders} order(s), total ${s.total}, tax ${s.tax}, shipping ${s.shipping}, discounts ${s.discounts}, refunds ${s.refunds}${payments ? `; paid by ${payments}` : ''}`,
    `  books: ${b.documents} document(s), total ${b.total}, tax ${b.tax}, refunds ${b.refunds}${booksPayments ? `; paid by ${booksPayments}` : ''}`,
    ...day.differences.map((d) => `  order ${d.orderId}  ${d.class}  ${d.amount}  ${d.reason.replace(/\s+/g, ' ')}`),
  ];
  return lines.join('\n');
}
