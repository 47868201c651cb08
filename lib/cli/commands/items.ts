import type { StoreHash } from '@/lib/ids';
import { importItems, pushProductDetails } from '@/lib/jobs/items';
import type { FieldChange } from '@/lib/sync/items-import';
import { CliError, EXIT, UsageError } from '../errors';
import { cliStoreContext, type CliRuntime } from '../runtime';

const short = (value: string | null) => (value === null ? '—' : value.length > 40 ? `${value.slice(0, 39)}…` : value);
const changeText = (c: FieldChange) => (c.field === 'description' ? 'description' : `${c.field} ${JSON.stringify(short(c.from))} → ${JSON.stringify(short(c.to))}`);

/** `items import`: the store's products as items in the books. */
export async function itemsImportCommand(rt: CliRuntime, options: { store: StoreHash; dryRun: boolean; updateDetails: boolean }): Promise<number> {
  const ctx = await cliStoreContext(rt, options.store);
  const result = await importItems(ctx, options).catch((error: unknown) => {
    throw new CliError(`items import: ${error instanceof Error ? error.message : String(error)}`);
  });
  const out = (line: string) => rt.io.stdout.write(`${line}\n`);
  const verb = options.dryRun ? 'would create' : 'created';
  for (const item of result.plan.create) {
    out(`${verb} ${item.sku}: ${item.name} (${item.unitPrice ?? 'no price'}, ${item.tracked ? 'tracked' : 'untracked'}, account ${item.salesAccount})`);
  }
  for (const item of result.plan.update) out(`${options.dryRun ? 'would update' : 'updated'} ${item.sku}: ${item.changes.map(changeText).join(', ')}`);
  for (const problem of result.plan.problems) out(`not imported: ${problem.message}`);
  for (const failed of result.failed) out(`refused ${failed.sku}: ${failed.message}`);
  for (const note of result.plan.notes) out(`note: ${note}`);
  out(
    `${options.dryRun ? 'dry run: ' : ''}${result.plan.create.length} to create, ${result.plan.update.length} to update, ${result.plan.unchanged} unchanged, ${result.plan.problems.length} problem(s)` +
      (options.dryRun ? '' : `; ${result.system}: ${result.created} created, ${result.updated} updated, ${result.failed.length} refused`),
  );
  return result.failed.length > 0 ? EXIT.failed : EXIT.ok;
}

/** `items push-details`: names, prices and descriptions of matched items from the books to BigCommerce. */
export async function itemsPushDetailsCommand(rt: CliRuntime, options: { store: StoreHash; dryRun: boolean }): Promise<number> {
  const ctx = await cliStoreContext(rt, options.store);
  // Dry runs are allowed with the setting off: they are how a merchant decides to turn it on.
  if (!options.dryRun && !ctx.settings.items.pushProductDetails) {
    throw new UsageError(`items push-details: pushing product details is off for store ${options.store} (turn it on in the app under Ledger › Items and stock, or: settings set --store ${options.store} items.pushProductDetails=true; or use --dry-run)`);
  }
  const result = await pushProductDetails(ctx, options).catch((error: unknown) => {
    throw new CliError(`items push-details: ${error instanceof Error ? error.message : String(error)}`);
  });
  const out = (line: string) => rt.io.stdout.write(`${line}\n`);
  const verb = options.dryRun ? 'would update' : 'updated';
  const refused = new Set(result.failed.map((f) => f.sku));
  for (const p of result.plan.products) if (!refused.has(p.sku)) out(`${verb} product ${p.sku}: ${p.changes.map(changeText).join(', ')}`);
  for (const v of result.plan.variants) if (!refused.has(v.sku)) out(`${verb} variant ${v.sku}: ${changeText(v.change)}`);
  for (const problem of result.plan.problems) out(`not pushed: ${problem.message}`);
  for (const failed of result.failed) out(`refused ${failed.sku}: ${failed.message}`);
  const { plan } = result;
  out(
    options.dryRun
      ? `dry run: ${plan.products.length} product(s) and ${plan.variants.length} variant(s) to update, ${plan.unchanged} unchanged, ${plan.unmatched} without an item in the books`
      : `updated ${result.products} product(s) and ${result.variants} variant(s) in ${result.requests} request(s), ${plan.unchanged} unchanged, ${result.failed.length} refused`,
  );
  return result.failed.length > 0 ? EXIT.failed : EXIT.ok;
}
