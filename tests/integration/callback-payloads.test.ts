import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedPayloadUses, storeUsers, stores } from '@/db/schema';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';

// Issue 15, finding 2: each BigCommerce callback accepts only what BigCommerce sends there, and a signed payload
// is accepted once. Through real HTTP against the app and the BigCommerce sandbox.

let world: LifecycleWorld;

beforeAll(async () => {
  world = await startLifecycleWorld();
});
afterAll(async () => world?.stop());

async function storeRow(hash: string) {
  return (await world.database.db.select().from(stores).where(eq(stores.storeHash, hash)))[0];
}

const callback = (name: 'load' | 'uninstall' | 'remove-user', jwt: string) =>
  fetch(`${world.app.url}/api/bigcommerce/${name}?signed_payload_jwt=${encodeURIComponent(jwt)}`, { redirect: 'manual' });

/** A staff user of the store (not the owner), and a load payload the control panel would give them. */
async function staffLoad(hash: string, userId?: number) {
  const id = userId ?? (await world.admin<{ id: number }>(`/__sandbox/stores/${hash}/users`, { email: `staff-${Date.now()}@example.com` })).body.id;
  const load = await world.admin<{ signed_payload_jwt: string }>(`/__sandbox/stores/${hash}/load`, { user_id: id });
  return { userId: id, jwt: load.body.signed_payload_jwt };
}

describe('a staff user\'s load payload at the uninstall callback', () => {
  it('is refused after it opened the app (replay): the store keeps its token, webhook secret and users', async () => {
    const { hash } = await world.installedStore();
    const staff = await staffLoad(hash);
    expect((await callback('load', staff.jwt)).status).toBe(303);
    const before = await storeRow(hash);

    const replay = await callback('uninstall', staff.jwt);
    expect(replay.status).toBe(401);
    const after = await storeRow(hash);
    expect(after?.uninstalledAt).toBeNull();
    expect(after?.accessTokenEnc).toBe(before?.accessTokenEnc);
    expect(after?.webhookSecretEnc).toBe(before?.webhookSecretEnc);
    const members = await world.database.db.select().from(storeUsers).where(eq(storeUsers.storeHash, hash));
    expect(members.map((m) => m.userId)).toContain(staff.userId);
  });

  it('is refused unused too: BigCommerce sends uninstall for the owner or the user who installed, never a plain user', async () => {
    const { hash } = await world.installedStore();
    const staff = await staffLoad(hash);
    expect((await callback('uninstall', staff.jwt)).status).toBe(401);
    expect((await storeRow(hash))?.accessTokenEnc).not.toBeNull();
    // The owner's uninstall, as the control panel sends it, still works.
    const uninstall = await world.admin<{ status: number }>(`/__sandbox/stores/${hash}/uninstall`, {});
    expect(uninstall.body.status).toBe(200);
    expect((await storeRow(hash))?.accessTokenEnc).toBeNull();
  });
});

describe('single use', () => {
  it('answers a replayed load payload with the same 401 as a forged signature', async () => {
    const { hash } = await world.installedStore();
    const load = await world.admin<{ signed_payload_jwt: string }>(`/__sandbox/stores/${hash}/load`, {});
    expect((await callback('load', load.body.signed_payload_jwt)).status).toBe(303);
    const replay = await callback('load', load.body.signed_payload_jwt);
    expect(replay.status).toBe(401);
    expect(replay.headers.get('location')).toBeNull();
    const forged = await world.admin<{ signed_payload_jwt: string }>('/__sandbox/jwt', { store_hash: hash, sign_with_secret: 'forged' });
    const forgedAnswer = await callback('load', forged.body.signed_payload_jwt);
    expect(forgedAnswer.status).toBe(401);
    expect(await replay.text()).toBe(await forgedAnswer.text());
  });

  it('lets exactly one of two simultaneous uses of a payload through', async () => {
    const { hash } = await world.installedStore();
    const load = await world.admin<{ signed_payload_jwt: string }>(`/__sandbox/stores/${hash}/load`, {});
    const statuses = (await Promise.all([0, 1, 2, 3].map(() => callback('load', load.body.signed_payload_jwt)))).map((r) => r.status);
    expect(statuses.sort()).toEqual([303, 401, 401, 401]);
  });

  it('refuses a remove_user payload whose user is the owner (BigCommerce never removes the owner)', async () => {
    const { hash } = await world.installedStore();
    const jwt = await world.admin<{ signed_payload_jwt: string }>('/__sandbox/jwt', { store_hash: hash });
    expect((await callback('remove-user', jwt.body.signed_payload_jwt)).status).toBe(401);
    expect((await storeRow(hash))?.accessTokenEnc).not.toBeNull();
  });

  it('prunes the remembered payloads once they have expired', async () => {
    const { hash } = await world.installedStore();
    await world.database.db.insert(signedPayloadUses).values({
      jti: `expired-${hash}`,
      storeHash: hash,
      callback: 'load',
      expiresAt: new Date(Date.now() - 2 * 3600_000),
    });
    const load = await world.admin<{ signed_payload_jwt: string }>(`/__sandbox/stores/${hash}/load`, {});
    expect((await callback('load', load.body.signed_payload_jwt)).status).toBe(303);
    const left = await world.database.db.select().from(signedPayloadUses).where(eq(signedPayloadUses.storeHash, hash));
    expect(left.map((r) => r.jti)).not.toContain(`expired-${hash}`);
    expect(left.every((r) => r.expiresAt.getTime() > Date.now())).toBe(true);
  });
});

describe('a removed user', () => {
  it('cannot get back in with a load payload kept from before the removal, used or not', async () => {
    const { hash } = await world.installedStore();
    const staff = await staffLoad(hash);
    const kept = await staffLoad(hash, staff.userId);
    expect((await callback('load', staff.jwt)).status).toBe(303);
    const removed = await world.admin<{ status: number }>(`/__sandbox/stores/${hash}/users/${staff.userId}/remove`, {});
    expect(removed.body.status).toBe(200);

    expect((await callback('load', staff.jwt)).status).toBe(401);
    expect((await callback('load', kept.jwt)).status).toBe(401);
    const members = await world.database.db.select().from(storeUsers).where(eq(storeUsers.storeHash, hash));
    expect(members.map((m) => m.userId)).not.toContain(staff.userId);
  });
});
