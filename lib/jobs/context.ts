import { getDb, type Db } from '@/db';
import { xeroTokenPort, type XeroConnectDeps } from '@/lib/accounting/connect/xero';
import { disconnectedProvider } from '@/lib/accounting/disconnected';
import type { AccountingProvider, ConnectionInfo } from '@/lib/sync/provider';
import { createProvider, isRegisteredProvider, DEFAULT_PROVIDER, type RegisteredProviderId } from '@/lib/accounting/registry';
import { createXeroPacer, XERO_LIMITS, XERO_MINUTE_MS, xeroUrls, type XeroPacer } from '@/lib/accounting/xero';
import { xeroPostingOptions } from '@/lib/accounting/xero/mapping';
import { createBigCommerceClient, type BigCommerceClient } from '@/lib/bigcommerce/client';
import type { ClientLog } from '@/lib/bigcommerce/client/transport';
import { xeroConnectDeps } from '@/lib/deps';
import { env } from '@/lib/env';
import { PermanentFailure } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import { logger } from '@/lib/logger';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { createStoreRepo, type InstalledStore } from '@/lib/repos/stores';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import type { PipelineDeps } from '@/lib/sync/pipeline';
import type { SyncSettings } from '@/lib/sync/settings';

export interface StoreContextConfig {
  db: Db;
  encryptionKey: string;
  apiUrl: string;
  fetch?: typeof fetch;
  log?: ClientLog;
  /** Xero's connection dependencies; null where Xero is not configured (its stores' orders then wait). */
  xero: XeroConnectDeps | null;
  /** Length of Xero's minute window for pacing (60,000 ms; shorter against a time-scaled Xero sandbox). */
  xeroMinuteMs?: number;
  /** A BigCommerce client of the caller's own (e.g. the CLI's retry policy); by default one is built here. */
  client?: (storeHash: StoreHash, accessToken: string) => BigCommerceClient;
}

/**
 * Everything the sync needs for one store: the BigCommerce client with the store's token, the store's accounting
 * provider (the one place a provider id becomes a provider), its settings, and the repositories. The jobs build it
 * once per step (steps may run in different processes); the CLI builds it from its own environment.
 */
export async function buildStoreContext(config: StoreContextConfig, storeHash: StoreHash, known?: { installed: InstalledStore; accessToken: string }) {
  const { db } = config;
  const stores = createStoreRepo({ db, encryptionKey: config.encryptionKey });
  const installed = known?.installed ?? (await stores.findInstalled(storeHash));
  const accessToken = known?.accessToken ?? (installed ? await stores.accessToken(storeHash) : null);
  if (!installed || !accessToken) throw new PermanentFailure(`Store ${storeHash} is not installed.`);
  const storeSync = createStoreSyncRepo({ db });
  const sync = await storeSync.get(storeHash);
  const providerId: RegisteredProviderId = isRegisteredProvider(sync.provider) ? sync.provider : DEFAULT_PROVIDER;
  const { settings } = await createSettingsRepo({ db }).current(storeHash);
  const { provider, tenant } = await providerFor(config, providerId, storeHash, settings);
  const client =
    config.client?.(storeHash, accessToken) ??
    createBigCommerceClient({ fetch: config.fetch ?? globalThis.fetch, apiUrl: config.apiUrl, storeHash, accessToken, log: config.log });
  const records = createSyncRecordRepo({ db });
  const pipeline: PipelineDeps = { storeHash, providerId, provider, store: client, records, settings, storeCurrency: installed.currency };
  return { db, client, provider, providerId, settings, records, storeSync, stores, sync, installed, pipeline, accountingTenant: tenant };
}

/** The app's store context, from the environment and the process-wide database. */
export async function storeContext(storeHash: StoreHash) {
  const e = env();
  return buildStoreContext(
    {
      db: await getDb(),
      encryptionKey: e.TOKEN_ENCRYPTION_KEY,
      apiUrl: e.BIGCOMMERCE_API_URL,
      log: logger(),
      xero: await xeroConnectDeps(),
      xeroMinuteMs: e.XERO_RATE_WINDOW_MS,
    },
    storeHash,
  );
}

/**
 * Per Xero organisation, for the whole process: one pacer, so every store context built for that tenant (each
 * step builds its own) shares Xero's 60 calls a minute and 5 at once and what Xero's headers say about the rest;
 * and the organisation's base currency, read once every ten minutes instead of once per posting.
 */
const xeroTenants = new Map<string, { pacer: XeroPacer; organisation: { value: ConnectionInfo; at: number } | null }>();
const ORGANISATION_TTL_MS = 10 * 60_000;
function xeroTenantState(tenantId: string, windowMs: number) {
  const key = `${tenantId}:${windowMs}`;
  let state = xeroTenants.get(key);
  if (!state) {
    const pacer = createXeroPacer({ callsPerMinute: XERO_LIMITS.callsPerMinute ?? 60, concurrency: XERO_LIMITS.concurrency, windowMs });
    state = { pacer, organisation: null };
    xeroTenants.set(key, state);
  }
  const tenant = state;
  return {
    pacer: tenant.pacer,
    organisationCache: {
      get: () => (tenant.organisation && Date.now() - tenant.organisation.at < ORGANISATION_TTL_MS ? tenant.organisation.value : null),
      set: (value: ConnectionInfo) => void (tenant.organisation = { value, at: Date.now() }),
    },
  };
}

/**
 * A store's provider, and the accounting tenant whose limits it shares (`xero:<tenantId>`; null for the built-in
 * ledger, which has none). A remote system without a live connection answers every call with "Reconnect …": the
 * pipeline holds each order with that message, and reconnecting enqueues them again (nothing is lost).
 */
async function providerFor(
  config: StoreContextConfig,
  providerId: RegisteredProviderId,
  storeHash: StoreHash,
  settings: SyncSettings,
): Promise<{ provider: AccountingProvider; tenant: string | null }> {
  if (providerId === 'ledger') return { provider: createProvider('ledger', { db: config.db, storeHash }), tenant: null };
  const waiting = (message: string) => ({
    provider: disconnectedProvider({ id: 'xero', displayName: 'Xero', limits: XERO_LIMITS, message }),
    tenant: null,
  });
  const deps = config.xero;
  if (!deps) return waiting('Xero is selected for this store but Xero is not configured here (XERO_CLIENT_ID, XERO_CLIENT_SECRET).');
  const connection = await deps.connections.get(storeHash, 'xero');
  if (!connection || connection.status !== 'connected' || !connection.tenantId) {
    return waiting('Reconnect Xero: the connection was revoked or expired. Orders wait and are posted once you reconnect.');
  }
  const shared = xeroTenantState(connection.tenantId, config.xeroMinuteMs ?? XERO_MINUTE_MS);
  return {
    provider: createProvider('xero', {
      tenantId: connection.tenantId,
      tokens: xeroTokenPort(deps, storeHash),
      urls: xeroUrls(deps.config.baseUrl),
      // Invoice status (AUTHORISED or DRAFT) and the tracking option on every line, from the store's settings.
      ...xeroPostingOptions(settings),
      ...shared,
    }),
    tenant: `xero:${connection.tenantId}`,
  };
}
