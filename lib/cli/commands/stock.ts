import { createLedgerProvider } from '@/lib/accounting/ledger';
import type { StoreHash } from '@/lib/ids';
import { createStockRepo } from '@/lib/repos/stock';
import { runStockPush } from '@/lib/sync/stock-push';
import { CliError, EXIT, UsageError } from '../errors';
import { cliStoreContext, type CliRuntime } from '../runtime';

/** `stock set`: a stock count in the built-in ledger. */
export async function stockSetCommand(rt: CliRuntime, options: { store: StoreHash; sku: string; qty: string; location: number }): Promise<number> {
  const ctx = await cliStoreContext(rt, options.store);
  if (ctx.providerId !== 'ledger') throw new UsageError(`stock set: store ${options.store} posts to ${ctx.provider.displayName}; record stock there`);
  const set = await createLedgerProvider({ db: rt.db, storeHash: options.store }).setStock(options.sku, options.qty, options.location);
  if (!set.ok) throw new UsageError(`stock set: ${set.error.message} (run \`ledgerbridge items import --store ${options.store}\` first)`);
  rt.io.stdout.write(`${options.sku} at location ${options.location}: ${set.value.quantity} on hand (the next stock push sends it to BigCommerce)\n`);
  return EXIT.ok;
}

/** `stock push`: send the levels that changed since the last push. */
export async function stockPushCommand(rt: CliRuntime, options: { store: StoreHash; dryRun: boolean }): Promise<number> {
  const ctx = await cliStoreContext(rt, options.store);
  if (!ctx.settings.stock.enabled) throw new UsageError(`stock push: stock sync is off for store ${options.store} (turn it on in the app: Order rules › Stock to BigCommerce, or: settings set --store ${options.store} stock.enabled=true)`);
  const result = await runStockPush(
    { storeHash: options.store, provider: ctx.provider, store: ctx.client, records: createStockRepo({ db: rt.db }), settings: ctx.settings.stock },
    { dryRun: options.dryRun },
  ).catch((error: unknown) => {
    throw new CliError(`stock push: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (options.dryRun) {
    for (const level of result.planned) rt.io.stdout.write(`would send ${level.sku} = ${level.quantity} at location ${level.locationId}\n`);
  }
  for (const skipped of result.skipped) rt.io.stdout.write(`skipped ${skipped.sku}: ${skipped.message}\n`);
  for (const failed of result.failed) rt.io.stdout.write(`refused ${failed.sku}: ${failed.message}\n`);
  rt.io.stdout.write(
    options.dryRun
      ? `dry run: ${result.planned.length} level(s) would be sent, ${result.unchanged} unchanged, ${result.skipped.length} skipped\n`
      : `sent ${result.sent} level(s) in ${result.requests} request(s), ${result.unchanged} unchanged, ${result.skipped.length} skipped, ${result.failed.length} refused\n`,
  );
  if (!options.dryRun) await ctx.storeSync.recordStockPush(options.store);
  return result.failed.length > 0 ? EXIT.failed : EXIT.ok;
}
