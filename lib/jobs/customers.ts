/**
 * `customers import`: reads the store's customers from BigCommerce, plans against the books (lib/sync/customers-import.ts)
 * and, unless it is a dry run, creates and updates them through the provider. A customer the books refuse is reported
 * and the rest go on; a rate limit or a revoked connection stops the run.
 */
import type { BigCommerceClient } from '@/lib/bigcommerce/client/client';
import { TransientFailure } from '@/lib/errors';
import { planCustomersImport, type CustomersImportPlan, type StoreCustomer } from '@/lib/sync/customers-import';
import type { AccountingProvider, RemoteCustomer } from '@/lib/sync/provider';
import type { SyncSettings } from '@/lib/sync/settings';

export interface CustomersDeps {
  client: Pick<BigCommerceClient, 'allCustomers'>;
  provider: AccountingProvider;
  settings: SyncSettings;
}

export interface CustomersImportResult {
  plan: CustomersImportPlan;
  read: number;
  created: number;
  updated: number;
  failed: Array<{ bcCustomerId: number; message: string }>;
  dryRun: boolean;
  system: string;
}

export async function importCustomers(
  deps: CustomersDeps,
  options: { dryRun: boolean; onProgress?: (done: number, total: number, phase: 'reading' | 'writing') => void },
): Promise<CustomersImportResult> {
  const { provider, settings } = deps;
  const listed = await deps.client.allCustomers();
  if (!listed.ok) throw new TransientFailure(`Reading the store's customers failed: ${listed.error.message}`);
  const customers: StoreCustomer[] = listed.value;
  const found = new Map<number, RemoteCustomer[]>();
  for (const [i, c] of customers.entries()) {
    const r = await provider.findCustomer({ bcCustomerId: c.id, ...(c.email.trim() ? { email: c.email.trim() } : {}) });
    if (!r.ok) throw new TransientFailure(`Looking up customers in ${provider.displayName} failed: ${r.error.message}`);
    found.set(c.id, r.value);
    options.onProgress?.(i + 1, customers.length, 'reading');
  }
  const plan = planCustomersImport(customers, (c) => found.get(c.id) ?? [], settings, provider.limits.customerNameMaxLength ?? 100);
  const result: CustomersImportResult = { plan, read: customers.length, created: 0, updated: 0, failed: [], dryRun: options.dryRun, system: provider.displayName };
  if (options.dryRun) return result;
  const writes = [...plan.create.map((customer) => ({ customer, kind: 'create' as const })), ...plan.update.map((u) => ({ customer: u.customer, kind: 'update' as const }))];
  for (const [i, w] of writes.entries()) {
    const r = await provider.upsertCustomer(w.customer);
    if (r.ok) result[w.kind === 'create' ? 'created' : 'updated'] += 1;
    else if (r.error.kind === 'validation' || r.error.kind === 'duplicate' || r.error.kind === 'not_found') result.failed.push({ bcCustomerId: w.customer.bcCustomerId ?? 0, message: r.error.message });
    else throw new TransientFailure(`${provider.displayName}: ${r.error.message} (${result.created} created, ${result.updated} updated so far; run it again to go on)`);
    options.onProgress?.(i + 1, writes.length, 'writing');
  }
  return result;
}
