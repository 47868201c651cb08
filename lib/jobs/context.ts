import { getDb } from '@/db';
import { createProvider, isRegisteredProvider, DEFAULT_PROVIDER } from '@/lib/accounting/registry';
import { createBigCommerceClient } from '@/lib/bigcommerce/client';
import { env } from '@/lib/env';
import { PermanentFailure } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import { logger } from '@/lib/logger';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { createStoreRepo } from '@/lib/repos/stores';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import type { PipelineDeps } from '@/lib/sync/pipeline';

/**
 * Everything a job needs for one store, built from the database and the environment: the BigCommerce client with
 * the store's token, the store's accounting provider, its settings, and the repositories. Jobs call this once per
 * step (steps may run in different processes).
 */
export async function storeContext(storeHash: StoreHash) {
  const db = await getDb();
  const e = env();
  const stores = createStoreRepo({ db, encryptionKey: e.TOKEN_ENCRYPTION_KEY });
  const installed = await stores.findInstalled(storeHash);
  const accessToken = installed ? await stores.accessToken(storeHash) : null;
  if (!installed || !accessToken) throw new PermanentFailure(`Store ${storeHash} is not installed.`);
  const storeSync = createStoreSyncRepo({ db });
  const sync = await storeSync.get(storeHash);
  const providerId = isRegisteredProvider(sync.provider) ? sync.provider : DEFAULT_PROVIDER;
  const provider = createProvider(providerId, { db, storeHash });
  const { settings } = await createSettingsRepo({ db }).current(storeHash);
  const client = createBigCommerceClient({ fetch: globalThis.fetch, apiUrl: e.BIGCOMMERCE_API_URL, storeHash, accessToken, log: logger() });
  const records = createSyncRecordRepo({ db });
  const pipeline: PipelineDeps = {
    storeHash,
    providerId,
    provider,
    store: client,
    records,
    settings,
    storeCurrency: installed.currency,
  };
  return { db, client, provider, providerId, settings, records, storeSync, stores, sync, pipeline };
}
