/**
 * The one composition root: from a database and an environment it builds what every edge uses (HTTP routes, the
 * jobs, the command line), so each provider's connection, the store's accounting system and the BigCommerce client
 * are decided in one place. `appContext()` is the web app's and the jobs' (process environment, process-wide
 * database); the CLI builds its own with `createAppContext` from its environment. Tests build either.
 */
import { getDb, type Db } from '@/db';
import { jsonFetch } from '@/lib/http/json-fetch';
import { appCredentials } from '@/lib/accounting/credentials';
import type { ConnectDeps } from '@/lib/accounting/definition';
import { openProvider } from '@/lib/accounting/open';
import { definitionOf, DEFAULT_PROVIDER, isProviderId, type ProviderId } from '@/lib/accounting/registry';
import { createBigCommerceClient, type BigCommerceClient } from '@/lib/bigcommerce/client';
import { keyRing, type KeyRing } from '@/lib/crypto';
import type { ClientLog, RetryPolicy } from '@/lib/bigcommerce/client/transport';
import { env, type Env } from '@/lib/env';
import { PermanentFailure } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import { logger } from '@/lib/logger';
import { createConnectionRepo } from '@/lib/repos/connections';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createSignedPayloadRepo } from '@/lib/repos/signed-payloads';
import { createStoreStateRepo } from '@/lib/repos/store-state';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { createStoreRepo, type InstalledStore } from '@/lib/repos/stores';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import type { PipelineDeps } from '@/lib/sync/pipeline';
import type { SyncSettings } from '@/lib/sync/settings';

export interface AppContextConfig {
  db: Db;
  env: Pick<Env, 'TOKEN_ENCRYPTION_KEY' | 'BIGCOMMERCE_API_URL' | 'variables'> &
    Partial<Pick<Env, 'APP_URL' | 'SESSION_SECRET' | 'TOKEN_ENCRYPTION_KEYS_PREVIOUS'>>;
  fetch?: typeof fetch;
  log?: ClientLog;
  /** A BigCommerce client of the caller's own (e.g. the CLI's retry policy); by default one is built here. */
  client?: (storeHash: StoreHash, accessToken: string) => BigCommerceClient;
  /** Connectors' options that are the caller's: the web app retries held orders after a (re)connection. */
  afterConnect?: (storeHash: StoreHash) => Promise<void>;
}

/** The token key ring from the environment: TOKEN_ENCRYPTION_KEY seals, it and TOKEN_ENCRYPTION_KEYS_PREVIOUS open. */
export function tokenKeys(e: Pick<Env, 'TOKEN_ENCRYPTION_KEY'> & Partial<Pick<Env, 'TOKEN_ENCRYPTION_KEYS_PREVIOUS'>>): KeyRing {
  return keyRing(e.TOKEN_ENCRYPTION_KEY, e.TOKEN_ENCRYPTION_KEYS_PREVIOUS ?? []);
}

/** Per process and database: what a store's context was last built from (see storeContext). */
interface CachedStore {
  sealedToken: string;
  /** The key ring the token was opened with (its keys, joined). */
  keys: string;
  accessToken: string | null;
  settingsVersion: number;
  settings: SyncSettings;
}
const contextCaches = new WeakMap<Db, Map<string, CachedStore>>();
function contextCache(db: Db): Map<string, CachedStore> {
  let cache = contextCaches.get(db);
  if (!cache) contextCaches.set(db, (cache = new Map()));
  return cache;
}

export function createAppContext(config: AppContextConfig) {
  const { db } = config;
  const encryptionKey = tokenKeys(config.env);
  const stores = createStoreRepo({ db, encryptionKey });
  const connections = createConnectionRepo({ db, encryptionKey });
  const storeSync = createStoreSyncRepo({ db });
  const signedPayloads = createSignedPayloadRepo({ db });
  const storeStates = createStoreStateRepo({ db });

  /** A remote provider's connection dependencies; null for a local one or where the app has no credentials for it. */
  function connectDeps(providerId: string): ConnectDeps | null {
    const definition = definitionOf(providerId);
    if (!definition || definition.connector === null) return null;
    const credentials = appCredentials(definition, config.env.variables, config.env.APP_URL ?? 'http://localhost:3000');
    if (!credentials) return null;
    return {
      connections,
      // The CLI never starts a connection flow: without a session secret nothing it signs is ever accepted.
      config: { ...credentials, stateSecret: config.env.SESSION_SECRET ?? '' },
      fetch: config.fetch,
      afterConnect: async (storeHash) => {
        await storeSync.setProvider(storeHash, providerId);
        await config.afterConnect?.(storeHash);
      },
      consumeState: ({ nonce, storeHash, expiresAt }) =>
        signedPayloads.consume({ jti: `oauth-state:${providerId}:${nonce}`, storeHash, callback: `oauth_state:${providerId}`, expiresAt }),
    };
  }

  /**
   * Everything the sync needs for one store: the BigCommerce client with the store's token, the store's accounting
   * provider (the one place a provider id becomes a provider), its settings, and the repositories. The jobs build it
   * once per step (steps may run in different processes): one query, the token and settings kept per process until
   * they change.
   */
  async function storeContext(storeHash: StoreHash, known?: { installed: InstalledStore; accessToken: string }, options: StoreContextOptions = {}) {
    const state = await storeStates.read(storeHash);
    const installed = known?.installed ?? state?.installed ?? null;
    if (!installed || !state) throw new PermanentFailure(`Store ${storeHash} is not installed.`);
    const cached = contextCache(db).get(storeHash);
    // The token and the settings as they are now: re-opened and re-read only when they changed since this process
    // last read them (a new token after a reinstall, a newer settings version). The state is read every time, so
    // another process's change is seen at once.
    const keys = [config.env.TOKEN_ENCRYPTION_KEY, ...(config.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS ?? [])].join(',');
    const openedBefore = cached?.sealedToken === state.sealedToken && cached.keys === keys ? cached.accessToken : null;
    const accessToken = known?.accessToken ?? openedBefore ?? stores.openAccessToken(storeHash, state.sealedToken);
    const sync = state.sync ?? (await storeSync.get(storeHash));
    const providerId: ProviderId = isProviderId(sync.provider) ? sync.provider : DEFAULT_PROVIDER;
    // Kept under the version read with them (a save may land between the two reads, and a conflicting save's
    // version is deleted again: the next state then names another version, and the settings are read again).
    const current =
      cached?.settingsVersion === state.settingsVersion ? { version: cached.settingsVersion, settings: cached.settings } : await createSettingsRepo({ db }).current(storeHash);
    const stored = current.settings;
    contextCache(db).set(storeHash, { sealedToken: state.sealedToken, keys, accessToken: known ? openedBefore : accessToken, settingsVersion: current.version, settings: stored });
    // Each context gets its own copy: nothing a step does to its settings reaches the next step's.
    const settings = structuredClone(stored);
    const { provider, tenant } = await openProvider(definitionOf(providerId)!, { db, storeHash, settings, connect: connectDeps(providerId) });
    const client =
      config.client?.(storeHash, accessToken) ??
      createBigCommerceClient({
        fetch: config.fetch ?? jsonFetch, apiUrl: config.env.BIGCOMMERCE_API_URL, storeHash, accessToken, log: config.log,
        ...(options.bigcommerceRetry ? { retry: options.bigcommerceRetry } : {}),
      });
    const records = createSyncRecordRepo({ db });
    const pipeline: PipelineDeps = { storeHash, providerId, provider, store: client, records, settings, storeCurrency: installed.currency };
    return { db, client, provider, providerId, settings, records, storeSync, stores, sync, installed, pipeline, accountingTenant: tenant };
  }

  return { db, stores, connections, storeSync, connectDeps, storeContext };
}

export type AppContext = ReturnType<typeof createAppContext>;
export type StoreContext = Awaited<ReturnType<AppContext['storeContext']>>;

/**
 * The web app's and the jobs' context, from the environment and the process-wide database. `afterConnect` is
 * registered by the HTTP edge (lib/deps.ts), which owns dispatching jobs.
 */
export async function appContext(options: Pick<AppContextConfig, 'afterConnect'> = {}): Promise<AppContext> {
  return createAppContext({ db: await getDb(), env: env(), log: logger(), ...options });
}

export interface StoreContextOptions {
  /** How the store's BigCommerce client retries (lib/bigcommerce/client/transport.ts); its defaults otherwise. */
  bigcommerceRetry?: Partial<RetryPolicy>;
}

/** The store's context in the web app and the jobs. */
export async function storeContext(storeHash: StoreHash, options: StoreContextOptions = {}) {
  return (await appContext()).storeContext(storeHash, undefined, options);
}
