/**
 * Connection health for the overview and the connections page: what was checked, and the exact error otherwise.
 * The built-in ledger needs no connection; a remote system of the registry is offered where the app has its
 * credentials (its connection state comes from `GET /api/connections/<id>`).
 */
import type { AccountingProvider } from '@/lib/sync/provider';
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import type { BcStore } from '@/lib/bigcommerce/client/model';
import type { ProviderDefinition } from '@/lib/accounting/definition';
import { providers, remoteDefinitions } from '@/lib/accounting/registry';
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
  /** The registry's id (lib/accounting/registry.ts). */
  id: string;
  name: string;
  shortName: string;
  description: string;
  /** Reached over OAuth: the pages show a connection card for it. */
  remote: boolean;
  /** What one connection points at ("organisation", "company"). */
  tenantNoun: string;
  /** Documents can be posted as drafts there. */
  drafts: boolean;
  /** What the tracking setting is called there; null when it has none. */
  trackingNoun: string | null;
  /**
   * `connected`: the store posts to it; `reconnect`: the store posts to it but its grant was revoked or expired
   * (orders wait); `available`: it can be chosen (a remote one once connected); `not_configured`: this installation
   * has no app credentials for it (the page says which variables to set).
   */
  status: 'connected' | 'reconnect' | 'available' | 'not_configured';
  /** For `not_configured`: the environment variables that would offer it. */
  needs: string[];
}

/** Which remote systems this installation has app credentials for (their client id and secret are set). */
export function configuredProviders(variables: Readonly<Record<string, string>> = env().variables): Set<string> {
  return new Set(remoteDefinitions().filter((d) => variables[d.connector.env.clientId] && variables[d.connector.env.clientSecret]).map((d) => d.id));
}

/**
 * The accounting systems shown on onboarding and the connections page, in registry order: "connected" when the
 * store posts to it, "available" when it can be chosen or connected, "not configured" where the app has no
 * credentials for a remote one.
 */
export function providerListings(
  currentProvider: string,
  configured: ReadonlySet<string> = configuredProviders(),
  /** Remote systems whose stored connection needs reconnecting. */
  needsReconnect: ReadonlySet<string> = new Set(),
): ProviderListing[] {
  return Object.values(providers as Record<string, ProviderDefinition>).map((d) => ({
    id: d.id,
    name: d.display.name,
    shortName: d.display.shortName,
    description: d.display.description,
    remote: d.connector !== null,
    tenantNoun: d.display.tenantNoun,
    drafts: d.display.drafts,
    trackingNoun: d.display.trackingNoun,
    status:
      currentProvider === d.id
        ? needsReconnect.has(d.id)
          ? 'reconnect'
          : 'connected'
        : d.connector === null || configured.has(d.id)
          ? 'available'
          : 'not_configured',
    needs: d.connector === null ? [] : [d.connector.env.clientId, d.connector.env.clientSecret],
  }));
}
