// The store's sync context (lib/context.ts) keeps the store's token and settings per process and reads the store's
// state every time: a settings save, a provider change, a reinstall with a new token and an uninstall are each seen
// by the very next context, here through a second app context on the same database (as another process would be).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '@/lib/context';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStoreRepo } from '@/lib/repos/stores';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { freshDatabase, type TestDatabase } from './support/db';

const KEY = 'cd'.repeat(32);
const STORE = 'ctxstore01' as StoreHash;
let database: TestDatabase;

beforeAll(async () => {
  database = await freshDatabase('ctx');
}, 60_000);
afterAll(async () => database?.dispose());

const install = (accessToken: string) =>
  createStoreRepo({ db: database.db, encryptionKey: KEY }).recordInstall({
    storeHash: STORE, accessToken, scope: 'store_v2_orders', accountUuid: null,
    owner: { id: 1, email: 'owner@example.com' }, installer: { id: 1, email: 'owner@example.com' },
  });
const context = () =>
  createAppContext({ db: database.db, env: { TOKEN_ENCRYPTION_KEY: KEY, BIGCOMMERCE_API_URL: 'http://127.0.0.1:9', variables: {} } }).storeContext(STORE);
/** The token the store's BigCommerce calls carry, seen by a fetch of the test's own. */
async function tokenSent(): Promise<string> {
  const sent: string[] = [];
  const probe = createAppContext({
    db: database.db,
    env: { TOKEN_ENCRYPTION_KEY: KEY, BIGCOMMERCE_API_URL: 'http://127.0.0.1:9', variables: {} },
    fetch: (async (_url: string, init?: RequestInit) => {
      sent.push(new Headers(init?.headers).get('x-auth-token') ?? '');
      return new Response(JSON.stringify({ id: STORE }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch,
  });
  // Only the request matters here: the answer is not a store, and the client says so.
  await (await probe.storeContext(STORE)).client.storeInfo().catch(() => undefined);
  return sent[0] ?? '';
}

describe('storeContext', () => {
  it('sees every change to the store made since the last context, and never hands out shared settings', async () => {
    await install('token-one');
    const first = await context();
    expect(await tokenSent()).toBe('token-one');
    expect(first.settings.orders.statusAfterImport).toBeNull();
    expect(first.providerId).toBe('ledger');

    // A settings save elsewhere: the next context has it.
    const saved = await createSettingsRepo({ db: database.db }).save(STORE, { orders: { statusAfterImport: 9 } }, { expectedVersion: 0 });
    expect(saved.ok).toBe(true);
    const second = await context();
    expect(second.settings.orders.statusAfterImport).toBe(9);

    // What one step does to its settings stays in that step.
    second.settings.orders.statusAfterImport = 2;
    expect((await context()).settings.orders.statusAfterImport).toBe(9);

    // Another accounting system chosen: the next context posts there.
    await createStoreSyncRepo({ db: database.db }).setProvider(STORE, 'xero');
    expect((await context()).providerId).toBe('xero');
    await createStoreSyncRepo({ db: database.db }).setProvider(STORE, 'ledger');

    // A reinstall with a new token: the next context's BigCommerce calls carry it.
    await install('token-two');
    expect(await tokenSent()).toBe('token-two');

    // Uninstalled: no context at all.
    await createStoreRepo({ db: database.db, encryptionKey: KEY }).recordUninstall(STORE, 1);
    await expect(context()).rejects.toThrow(/not installed/);
  });
});
