/**
 * Connection health for the overview and the connections page: what was checked, and the exact error otherwise.
 * The built-in ledger needs no connection; Xero is offered where the app has Xero credentials (its connection state
 * comes from `GET /api/connections/xero`); QuickBooks is listed as coming soon until its issue lands.
 */
import type { AccountingProvider } from '@/lib/sync/provider';
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import type { BcStore } from '@/lib/bigcommerce/client/model';
import { env } from '@/lib/env';
import type { Result } from '@/lib/errors';

export interface ConnectionCheck {
  /** What was checked, in plain words ("Read the store profile (GET /v2/store)"). */
  check: string;
  ok: boolean;
  detail: string;
}

export interface ConnectionTest {
  target: 'store' | 'accounting';
  ok: boolean;
  checks: ConnectionCheck[];
  testedAt: string;
}

export function bcFailureText(failure: BcFailure): string {
  switch (failure.kind) {
    case 'Unauthorized':
      return 'BigCommerce refused the app\u2019s token (401). Reinstall Ledgerbridge from the control panel.';
    case 'Forbidden':
      return `BigCommerce refused the request (403): the app lacks the ${failure.missingScope ?? 'required'} permission.`;
    case 'RateLimited':
      return `BigCommerce rate limit reached; try again in ${Math.ceil(failure.resetMs / 1000)} s.`;
    case 'Unavailable':
      return `BigCommerce is unavailable${failure.status ? ` (HTTP ${failure.status})` : ''}: ${failure.message}`;
    default:
      return `${failure.kind}: ${failure.message}`;
  }
}

export async function testStoreConnection(
  store: { storeInfo(): Promise<Result<BcStore, BcFailure>>; orderStatuses(): Promise<Result<unknown[], BcFailure>> },
  now: () => Date = () => new Date(),
): Promise<ConnectionTest> {
  const checks: ConnectionCheck[] = [];
  const info = await store.storeInfo();
  checks.push(
    info.ok
      ? { check: 'Read the store profile (GET /v2/store)', ok: true, detail: `${info.value.name || info.value.hash} · ${info.value.currency || 'currency unknown'}` }
      : { check: 'Read the store profile (GET /v2/store)', ok: false, detail: bcFailureText(info.error) },
  );
  if (info.ok) {
    const statuses = await store.orderStatuses();
    checks.push(
      statuses.ok
        ? { check: 'Read order statuses (GET /v2/order_statuses)', ok: true, detail: `${statuses.value.length} statuses` }
        : { check: 'Read order statuses (GET /v2/order_statuses)', ok: false, detail: bcFailureText(statuses.error) },
    );
  }
  return { target: 'store', ok: checks.every((c) => c.ok), checks, testedAt: now().toISOString() };
}

export async function testAccountingConnection(provider: AccountingProvider, now: () => Date = () => new Date()): Promise<ConnectionTest> {
  const checks: ConnectionCheck[] = [];
  const connection = await provider.testConnection();
  checks.push(
    connection.ok
      ? { check: `Open ${provider.displayName}`, ok: true, detail: connection.value.organisationName }
      : { check: `Open ${provider.displayName}`, ok: false, detail: `${connection.error.kind}: ${connection.error.message}` },
  );
  if (connection.ok) {
    const chart = await provider.describe();
    checks.push(
      chart.ok
        ? { check: 'Read the chart of accounts', ok: true, detail: `${chart.value.accounts.length} accounts, ${chart.value.taxCodes.length} tax codes` }
        : { check: 'Read the chart of accounts', ok: false, detail: `${chart.error.kind}: ${chart.error.message}` },
    );
  }
  return { target: 'accounting', ok: checks.every((c) => c.ok), checks, testedAt: now().toISOString() };
}

export interface ProviderListing {
  id: 'ledger' | 'xero' | 'quickbooks';
  name: string;
  description: string;
  status: 'connected' | 'available' | 'coming_soon';
}

/** Whether this installation can connect Xero (XERO_CLIENT_ID and XERO_CLIENT_SECRET are set). */
export function xeroConfigured(): boolean {
  const e = env();
  return Boolean(e.XERO_CLIENT_ID && e.XERO_CLIENT_SECRET);
}

/**
 * The accounting systems shown on onboarding and the connections page. Xero is "connected" when the store posts to
 * it, "available" when it can be connected, and "coming soon" where the app has no Xero credentials.
 */
export function providerListings(currentProvider: string, options: { xeroConfigured: boolean } = { xeroConfigured: xeroConfigured() }): ProviderListing[] {
  return [
    {
      id: 'ledger',
      name: 'Built-in ledger',
      description: 'A double-entry ledger kept by Ledgerbridge, exportable to hledger, beancount and CSV. Nothing to connect.',
      status: currentProvider === 'ledger' ? 'connected' : 'available',
    },
    {
      id: 'xero',
      name: 'Xero',
      description: 'Post invoices, payments and credit notes to your Xero organisation.',
      status: currentProvider === 'xero' ? 'connected' : options.xeroConfigured ? 'available' : 'coming_soon',
    },
    { id: 'quickbooks', name: 'QuickBooks Online', description: 'Post sales receipts and invoices to QuickBooks Online.', status: 'coming_soon' },
  ];
}
