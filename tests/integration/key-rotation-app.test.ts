/**
 * The running app across a token-key rotation (README, Security notes): with the new key current and the old one in
 * TOKEN_ENCRYPTION_KEYS_PREVIOUS it reads what the old key sealed; after the re-seal (`keys rotate`, here through the
 * repositories it uses) it works with the new key alone, including a receiver whose webhook secret was cached before
 * the re-seal. Webhook deliveries are the probe: each one decrypts the store's webhook secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import { keyRing } from '@/lib/crypto';
import { resetEnvForTests } from '@/lib/env';
import type { StoreHash } from '@/lib/ids';
import { createConnectionRepo } from '@/lib/repos/connections';
import { createStoreRepo } from '@/lib/repos/stores';
import { signedWebhookHeaders } from '@/tests/support/webhook-signature';
import { CLIENT_SECRET, ENCRYPTION_KEY, startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';

const NEW_KEY = '7e'.repeat(32);
let world: LifecycleWorld;

beforeAll(async () => {
  world = await startLifecycleWorld();
});
afterAll(async () => {
  useKeys(ENCRYPTION_KEY);
  await world?.stop();
});

function useKeys(current: string, previous?: string) {
  process.env.TOKEN_ENCRYPTION_KEY = current;
  if (previous) process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS = previous;
  else delete process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS;
  resetEnvForTests();
}

async function deliver(hash: string, secret: string, n: number): Promise<number> {
  const body = JSON.stringify({ scope: 'store/order/updated', store_id: '1', data: { type: 'order', id: n }, hash: `rotation-${n}`, created_at: Math.floor(Date.now() / 1000), producer: `stores/${hash}` });
  const response = await fetch(`${world.app.url}/api/webhooks/bigcommerce`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [WEBHOOK_SECRET_HEADER]: secret, ...signedWebhookHeaders(body, CLIENT_SECRET) },
    body,
  });
  return response.status;
}

describe('the app through a token-key rotation', () => {
  it('reads old-key values while the old key is configured, and the new key alone after the re-seal', async () => {
    const { hash, accessToken } = await world.installedStore();
    const other = await world.installedStore();
    const oldKeyRepo = createStoreRepo({ db: world.database.db, encryptionKey: ENCRYPTION_KEY });
    const secret = (await oldKeyRepo.webhookSecret(hash as StoreHash))!;
    const otherSecret = (await oldKeyRepo.webhookSecret(other.hash as StoreHash))!;
    // Under the old key: the receiver caches the first store's secret (and its ciphertext).
    expect(await deliver(hash, secret, 1)).toBe(200);

    // Step 2 of the rotation: the new key current, the old one previous. Old values still open: the other store's
    // secret, never cached, is decrypted now with the previous key.
    useKeys(NEW_KEY, ENCRYPTION_KEY);
    expect(await deliver(hash, secret, 2)).toBe(200);
    expect(await deliver(other.hash, otherSecret, 5)).toBe(200);

    // Step 3: everything re-sealed under the new key (what `ledgerbridge keys rotate` does).
    const ring = keyRing(NEW_KEY, [ENCRYPTION_KEY]);
    const counts = await createStoreRepo({ db: world.database.db, encryptionKey: ring }).resealAll();
    expect(counts.changedMeanwhile).toBe(0);
    expect(counts.resealed).toBeGreaterThanOrEqual(2);
    await createConnectionRepo({ db: world.database.db, encryptionKey: ring }).resealAll();

    // Step 4: the old key removed. The receiver's cached ciphertext is now out of date: it reads the secret again.
    useKeys(NEW_KEY);
    expect(await deliver(hash, secret, 3)).toBe(200);
    expect(await createStoreRepo({ db: world.database.db, encryptionKey: NEW_KEY }).accessToken(hash as StoreHash)).toBe(accessToken);
    // A forged secret is still refused after the rotation.
    expect(await deliver(hash, 'not-the-secret', 4)).toBe(401);
  });
});
