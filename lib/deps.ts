import { getDb } from '@/db';
import type { LifecycleDeps } from '@/lib/bigcommerce/install';
import type { ConnectDeps } from '@/lib/accounting/definition';
import { disconnectStore } from '@/lib/accounting/disconnect-store';
import { appContext, tokenKeys } from '@/lib/context';
import { registerStoreWebhooks } from '@/lib/bigcommerce/store-webhooks';
import type { StoreWebhookSecret, WebhookDeps } from '@/lib/bigcommerce/webhooks';
import type { StoreHash } from '@/lib/ids';
import { env } from '@/lib/env';
import { logger } from '@/lib/logger';
import { createAuditRepo } from '@/lib/repos/audit';
import { createSignedPayloadRepo } from '@/lib/repos/signed-payloads';
import { createStoreRepo } from '@/lib/repos/stores';
import { createWebhookRefusalRepo } from '@/lib/repos/webhook-refusals';
import { createWebhookRepo } from '@/lib/repos/webhooks';
import { afterResponse } from '@/lib/http/after-response';
import { dispatchDelivery, dispatchInstalled, dispatchUninstalled, retryUnposted } from '@/lib/jobs/dispatch';
import type { SessionDeps } from '@/lib/session';

/**
 * The composition root for the HTTP edges: builds each use case's dependency object from the environment and
 * the process-wide database. Tests build their own objects instead.
 */
export async function storeRepo() {
  return createStoreRepo({ db: await getDb(), encryptionKey: tokenKeys(env()) });
}

export async function auditRepo() {
  return createAuditRepo({ db: await getDb() });
}

export async function lifecycleDeps(): Promise<LifecycleDeps> {
  const e = env();
  const stores = await storeRepo();
  const log = logger();
  const registerHooks = async (storeHash: StoreHash) => {
    const outcome = await registerStoreWebhooks(
      { stores, fetch: globalThis.fetch, apiUrl: e.BIGCOMMERCE_API_URL, appUrl: e.APP_URL },
      storeHash,
    );
    if (outcome.ok) log.info({ storeHash, ...outcome.value }, 'webhooks ensured');
    else log.warn({ storeHash, kind: outcome.error.kind, message: outcome.error.message }, 'webhooks could not be ensured');
  };
  return {
    stores,
    signedPayloads: createSignedPayloadRepo({ db: await getDb() }),
    afterInstall: async (storeHash) => {
      await registerHooks(storeHash);
      await dispatchInstalled(storeHash);
    },
    afterUninstall: async (storeHash) => {
      try {
        await dispatchUninstalled(storeHash);
      } finally {
        // The accounting systems' grants go with the app: revoked at each system, tokens deleted.
        const ctx = await appContext();
        const disconnected = await disconnectStore({ connectDeps: ctx.connectDeps, connections: ctx.connections, log }, storeHash);
        if (disconnected.length > 0) log.info({ storeHash, disconnected }, 'uninstall: accounting connections revoked and deleted');
      }
    },
    afterLoad: registerHooks,
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
    log,
  };
}

export async function sessionDeps(): Promise<SessionDeps> {
  const stores = await storeRepo();
  return {
    secret: env().SESSION_SECRET,
    async isActiveUserOfStore(storeHash, userId, generation) {
      const store = await stores.findInstalled(storeHash);
      return store !== null && store.installGeneration === generation && (await stores.isUserOfStore(storeHash, userId));
    },
  };
}

/**
 * Webhook secrets are cached per process (on globalThis: Next may load this module once per route bundle). The
 * cache is only a hint: recordDelivery re-checks in the same statement that the store is installed with that
 * secret, so an uninstall takes effect at once.
 */
const secretCache = ((globalThis as unknown as { __lbWebhookSecrets?: Map<string, StoreWebhookSecret | null> }).__lbWebhookSecrets ??=
  new Map());

export async function webhookDeps(): Promise<WebhookDeps> {
  const db = await getDb();
  const [stores, webhooks] = [await storeRepo(), createWebhookRepo({ db })];
  const refusals = createWebhookRefusalRepo({ db, onError: (error) => logger().warn({ error: String(error) }, 'webhook refusals not counted') });
  return {
    signingSecret: env().BIGCOMMERCE_CLIENT_SECRET,
    async webhookSecret(storeHash, options) {
      if (!options?.fresh && secretCache.has(storeHash)) return secretCache.get(storeHash) ?? null;
      const value = await stores.webhookSecretSealed(storeHash);
      if (secretCache.size > 10_000) secretCache.clear();
      secretCache.set(storeHash, value);
      return value;
    },
    recordDelivery: (delivery, sealed) => webhooks.recordDelivery(delivery, sealed),
    countRefusal: (refusal) => refusals.count(refusal),
    // The event goes out after the response: BigCommerce gets its 2xx in milliseconds, and a send that fails is
    // recovered by the sweep.
    handOff: async (delivery) => afterResponse(() => dispatchDelivery(delivery)),
  };
}

/**
 * A remote accounting system's connection dependencies (registry id from the route), or null when the id is not a
 * remote system or the app has no credentials for it. After a (re)connection the store posts there and the orders
 * held meanwhile are retried.
 */
export async function connectDeps(providerId: string): Promise<ConnectDeps | null> {
  return (await appContext({ afterConnect: async (storeHash) => void (await retryUnposted(storeHash)) })).connectDeps(providerId);
}
