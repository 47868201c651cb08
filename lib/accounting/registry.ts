/**
 * Every accounting system the app can post to, keyed by provider id: one line per provider. Each entry is the
 * provider's whole definition (lib/accounting/definition.ts): display data, limits, mapping lists and, for a remote
 * system, its connector. Everything outside lib/accounting looks a provider up here instead of naming one.
 */
import type { ProviderDefinition, RemoteDefinition } from './definition';
import { ledgerDefinition } from './ledger';
import { quickbooksDefinition } from './quickbooks';
import { xeroDefinition } from './xero';

export const providers = {
  ledger: ledgerDefinition,
  xero: xeroDefinition,
  quickbooks: quickbooksDefinition,
} as const satisfies Record<string, ProviderDefinition>;

export type ProviderId = keyof typeof providers;
export const PROVIDER_IDS = Object.keys(providers) as [ProviderId, ...ProviderId[]];

/** The provider every new store starts with, and the one a disconnected store falls back to. */
export const DEFAULT_PROVIDER: ProviderId = 'ledger';

export function isProviderId(id: string): id is ProviderId {
  return Object.hasOwn(providers, id);
}

export function definitionOf(id: string): ProviderDefinition | null {
  return isProviderId(id) ? providers[id] : null;
}

/** The systems reached over OAuth, in registry order. */
export function remoteDefinitions(): RemoteDefinition[] {
  return Object.values(providers as Record<string, ProviderDefinition>).filter((d): d is RemoteDefinition => d.connector !== null);
}
