import type { StoreHash } from '@/lib/ids';
import { importCustomers } from '@/lib/jobs/customers';
import type { DocumentCustomer } from '@/lib/sync/sales-document';
import { CliError, EXIT } from '../errors';
import { cliStoreContext, type CliRuntime } from '../runtime';

const who = (c: DocumentCustomer) => `${c.bcCustomerId}: ${c.displayName}${c.email ? ` <${c.email}>` : ''}`;

/** `customers import`: the store's customer list as customers in the books; progress on stderr. */
export async function customersImportCommand(rt: CliRuntime, options: { store: StoreHash; dryRun: boolean; json: boolean }): Promise<number> {
  const ctx = await cliStoreContext(rt, options.store);
  let last = 0;
  const onProgress = (done: number, total: number, phase: 'reading' | 'writing') => {
    // At most one line a second, and the last one: a long run says where it is without flooding a log.
    const now = Date.now();
    if (done !== total && now - last < 1000) return;
    last = now;
    rt.io.stderr.write(`customers import: ${phase === 'reading' ? 'looked up' : 'written'} ${done} of ${total}\n`);
  };
  const result = await importCustomers(ctx, { dryRun: options.dryRun, onProgress }).catch((error: unknown) => {
    throw new CliError(`customers import: ${error instanceof Error ? error.message : String(error)}`);
  });
  const { plan } = result;
  if (options.json) {
    rt.io.stdout.write(`${JSON.stringify({
      dryRun: result.dryRun, system: result.system, read: result.read,
      create: plan.create.map((c) => ({ bcCustomerId: c.bcCustomerId, name: c.displayName, email: c.email })),
      update: plan.update.map((u) => ({ bcCustomerId: u.customer.bcCustomerId, remoteId: u.customer.remoteId, name: u.customer.displayName, changes: u.changes })),
      unchanged: plan.unchanged.length, created: result.created, updated: result.updated, failed: result.failed,
    })}\n`);
    return result.failed.length > 0 ? EXIT.failed : EXIT.ok;
  }
  const out = (line: string) => rt.io.stdout.write(`${line}\n`);
  const refused = new Set(result.failed.map((f) => f.bcCustomerId));
  for (const c of plan.create.filter((x) => options.dryRun || !refused.has(x.bcCustomerId ?? 0))) out(`${options.dryRun ? 'would create' : 'created'} ${who(c)}`);
  for (const u of plan.update.filter((x) => options.dryRun || !refused.has(x.customer.bcCustomerId ?? 0))) {
    const changes = u.changes.map((c) => (c.field === 'link' ? `linked to customer ${c.to}` : `email ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`));
    out(`${options.dryRun ? 'would update' : 'updated'} ${who(u.customer)}: ${changes.join(', ')}`);
  }
  for (const f of result.failed) out(`refused ${f.bcCustomerId}: ${f.message}`);
  out(
    `${options.dryRun ? 'dry run: ' : ''}${result.read} customer(s) read: ${plan.create.length} to create, ${plan.update.length} to update, ${plan.unchanged.length} left as they are` +
      (options.dryRun ? '' : `; ${result.system}: ${result.created} created, ${result.updated} updated, ${result.failed.length} refused`),
  );
  return result.failed.length > 0 ? EXIT.failed : EXIT.ok;
}
