import { createBigCommerceClient, ensureWebhooks, type BcFailure, type EnsureWebhooksOutcome } from '@/lib/bigcommerce/client';
import { err, ok, type Result } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import type { StoreRepo } from '@/lib/repos/stores';
import { WEBHOOK_SCOPES, WEBHOOK_SECRET_HEADER } from './webhooks';

export interface StoreWebhookDeps {
  stores: Pick<StoreRepo, 'accessToken' | 'webhookSecret'>;
  fetch: typeof fetch;
  apiUrl: string;
  appUrl: string;
}

export const webhookDestination = (appUrl: string) => new URL('/api/webhooks/bigcommerce', appUrl).toString();

/**
 * Makes the store's hooks point at our receiver with its secret header: on install (create) and on every load
 * (repair hooks BigCommerce deactivated after failed deliveries).
 */
export async function registerStoreWebhooks(
  deps: StoreWebhookDeps,
  storeHash: StoreHash,
): Promise<Result<EnsureWebhooksOutcome, BcFailure | { kind: 'NotInstalled'; message: string }>> {
  const [accessToken, secret] = [await deps.stores.accessToken(storeHash), await deps.stores.webhookSecret(storeHash)];
  if (!accessToken || !secret) return err({ kind: 'NotInstalled', message: `Store ${storeHash} is not installed.` });
  const client = createBigCommerceClient({ fetch: deps.fetch, apiUrl: deps.apiUrl, storeHash, accessToken });
  const outcome = await ensureWebhooks(client, {
    destination: webhookDestination(deps.appUrl),
    scopes: WEBHOOK_SCOPES,
    secretHeader: { name: WEBHOOK_SECRET_HEADER, value: secret },
  });
  return outcome.ok ? ok(outcome.value) : err(outcome.error);
}
