import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountingConnections, stores } from '@/db/schema';
import { startLifecycleWorld, XERO_CLIENT, type LifecycleWorld } from './support/lifecycle-env';
import { connectThroughConsent, sessionFor } from './support/xero-connect';

// Issue 15, finding 5 (part): what an uninstall leaves behind. Through real HTTP against the app, the BigCommerce
// sandbox (install, uninstall, load as its control panel does them) and the Xero sandbox.

let world: LifecycleWorld;

beforeAll(async () => {
  world = await startLifecycleWorld({ xero: true });
});
afterAll(async () => world?.stop());

async function storeRow(hash: string) {
  return (await world.database.db.select().from(stores).where(eq(stores.storeHash, hash)))[0];
}

const me = (token: string) => fetch(`${world.app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
const uninstall = (hash: string) => world.admin<{ status: number }>(`/__sandbox/stores/${hash}/uninstall`, {});
const install = (hash: string, scope?: string) =>
  world.admin<{ status: number }>(`/__sandbox/stores/${hash}/install`, scope ? { scope } : {});

describe('sessions across an uninstall', () => {
  it('a session issued before an uninstall stays refused after a reinstall; a session of the new install works', async () => {
    const { hash } = await world.installedStore();
    const old = await sessionFor(world, hash);
    expect((await me(old)).status).toBe(200);

    expect((await uninstall(hash)).body.status).toBe(200);
    expect((await me(old)).status).toBe(401);
    expect((await install(hash)).body.status).toBe(200);

    expect((await me(old)).status).toBe(401);
    const fresh = await sessionFor(world, hash);
    expect((await me(fresh)).status).toBe(200);
  });
});

describe('a reinstall refused for missing scopes', () => {
  it('leaves no token behind: the store stays uninstalled and neither old sessions nor loads get in', async () => {
    const { hash } = await world.installedStore();
    const old = await sessionFor(world, hash);
    expect((await uninstall(hash)).body.status).toBe(200);

    const refused = await install(hash, 'store_v2_orders_read_only store_v2_information_read_only');
    expect(refused.body.status).toBe(403);
    const row = await storeRow(hash);
    expect(row?.accessTokenEnc).toBeNull();
    expect(row?.webhookSecretEnc).toBeNull();
    expect(row?.uninstalledAt).not.toBeNull();
    expect((await me(old)).status).toBe(401);
    const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, {});
    expect((await fetch(load.body.url, { redirect: 'manual' })).status).toBe(403);
  });
});

describe('accounting connections on uninstall', () => {
  it('revokes the grant at the accounting system and deletes its tokens', async () => {
    const { hash } = await world.installedStore();
    const org = world.xero!.createTenant({ name: 'Uninstall Trading', currency: 'USD' });
    const token = await sessionFor(world, hash);
    expect((await connectThroughConsent(world, token, [org.tenantId])).status).toBe(200);
    const grantsOfApp = () => [...world.xero!.identity.grants.values()].filter((g) => g.clientId === XERO_CLIENT.clientId);
    expect(grantsOfApp().some((g) => !g.revoked)).toBe(true);
    const before = await world.database.db.select().from(accountingConnections).where(eq(accountingConnections.storeHash, hash));
    expect(before).toHaveLength(1);

    expect((await uninstall(hash)).body.status).toBe(200);

    const after = await world.database.db.select().from(accountingConnections).where(eq(accountingConnections.storeHash, hash));
    expect(after).toEqual([]);
    expect(grantsOfApp().filter((g) => !g.revoked)).toEqual([]);
  });
});
