/**
 * Every accounting system the app can post to, keyed by provider id. The job layer and the pages look a
 * provider up here instead of switching on its id. Xero and QuickBooks join as they are built.
 */
import { createLedgerProvider, LEDGER_LIMITS, type LedgerDeps } from './ledger';
import { createXeroProvider, XERO_LIMITS, type XeroProviderDeps } from './xero';
import type { AccountingProvider, ProviderFactory, ProviderLimits } from '@/lib/sync/provider';

export const PROVIDER_IDS = ['ledger', 'xero', 'quickbooks'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface ProviderRegistration<Deps> {
  id: ProviderId;
  displayName: string;
  limits: ProviderLimits;
  /** Needs an OAuth connection before it can be used. */
  requiresConnection: boolean;
  create: ProviderFactory<Deps>;
}

export const providers = {
  ledger: {
    id: 'ledger',
    displayName: 'Built-in ledger',
    limits: LEDGER_LIMITS,
    requiresConnection: false,
    create: (deps: LedgerDeps) => createLedgerProvider(deps),
  },
  xero: {
    id: 'xero',
    displayName: 'Xero',
    limits: XERO_LIMITS,
    requiresConnection: true,
    create: (deps: XeroProviderDeps) => createXeroProvider(deps),
  },
} satisfies { [K in ProviderId]?: ProviderRegistration<never> & { id: K } };

export type RegisteredProviderId = keyof typeof providers;

/** The provider every new store starts with. */
export const DEFAULT_PROVIDER: RegisteredProviderId = 'ledger';

export function isRegisteredProvider(id: string): id is RegisteredProviderId {
  return Object.hasOwn(providers, id);
}

export function createProvider<K extends RegisteredProviderId>(id: K, deps: Parameters<(typeof providers)[K]['create']>[0]): AccountingProvider {
  // Each entry's factory takes its own dependencies; `deps` was typed for this `id` by the signature above.
  const create = providers[id].create as (d: typeof deps) => AccountingProvider;
  return create(deps);
}
