import { getDb } from '@/db';
import type { LifecycleDeps } from '@/lib/bigcommerce/install';
import { env } from '@/lib/env';
import { logger } from '@/lib/logger';
import { createAuditRepo } from '@/lib/repos/audit';
import { createStoreRepo } from '@/lib/repos/stores';
import type { SessionDeps } from '@/lib/session';

/**
 * The composition root for the HTTP edges: builds each use case's dependency object from the environment and
 * the process-wide database. Tests build their own objects instead.
 */
export async function storeRepo() {
  return createStoreRepo({ db: await getDb(), encryptionKey: env().TOKEN_ENCRYPTION_KEY });
}

export async function auditRepo() {
  return createAuditRepo({ db: await getDb() });
}

export async function lifecycleDeps(): Promise<LifecycleDeps> {
  const e = env();
  return {
    stores: await storeRepo(),
    fetch: globalThis.fetch,
    config: {
      clientId: e.BIGCOMMERCE_CLIENT_ID,
      clientSecret: e.BIGCOMMERCE_CLIENT_SECRET,
      loginUrl: e.BIGCOMMERCE_LOGIN_URL,
      apiUrl: e.BIGCOMMERCE_API_URL,
      appUrl: e.APP_URL,
      requiredScopes: e.requiredScopes,
      sessionSecret: e.SESSION_SECRET,
    },
    log: logger(),
  };
}

export async function sessionDeps(): Promise<SessionDeps> {
  const stores = await storeRepo();
  return {
    secret: env().SESSION_SECRET,
    async isActiveUserOfStore(storeHash, userId) {
      return (await stores.findInstalled(storeHash)) !== null && (await stores.isUserOfStore(storeHash, userId));
    },
  };
}
