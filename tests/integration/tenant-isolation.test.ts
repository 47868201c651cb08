import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';

let world: LifecycleWorld;
let storeA: string;
let storeB: string;
let tokenA: string;

async function sessionFor(hash: string): Promise<string> {
  const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, {});
  const location = (await fetch(load.body.url, { redirect: 'manual' })).headers.get('location')!;
  return decodeURIComponent(location.split('#session=')[1]!);
}

const get = (path: string, token: string, headers: Record<string, string> = {}) =>
  fetch(`${world.app.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

beforeAll(async () => {
  world = await startLifecycleWorld();
  storeA = (await world.installedStore()).hash;
  storeB = (await world.installedStore()).hash;
  // Something in B's trail that A must never see.
  const user = await world.admin<{ id: number }>(`/__sandbox/stores/${storeB}/users`, { email: 'b-only@example.com' });
  await world.admin(`/__sandbox/stores/${storeB}/load`, { user_id: user.body.id }).then(async (r) => {
    await fetch((r.body as { url: string }).url, { redirect: 'manual' });
  });
  tokenA = await sessionFor(storeA);
});
afterAll(async () => world?.stop());

describe('tenant isolation', () => {
  it('a session for store A reads store A, whatever store the request names', async () => {
    for (const path of ['/api/me', `/api/me?store_hash=${storeB}`, `/api/me?context=stores/${storeB}`]) {
      const response = await get(path, tokenA, { 'x-store-hash': storeB });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { store: { hash: string } }).store.hash).toBe(storeA);
    }
  });

  it("store A's audit trail never contains store B's entries", async () => {
    const response = await get(`/api/audit?store_hash=${storeB}`, tokenA);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { entries: Array<{ action: string }> };
    // B has 'store.installed' and 'user.added'; A only its own install.
    expect(body.entries.map((e) => e.action)).toEqual(['store.installed']);
  });

  it('a token edited to name store B is refused', async () => {
    const [header, , signature] = tokenA.split('.');
    const claims = { ...(jwt.decode(tokenA) as Record<string, unknown>), sub: storeB };
    const edited = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect((await get('/api/me', edited)).status).toBe(401);
    expect((await get('/api/audit', edited)).status).toBe(401);
  });

  it('a token signed with a guessed secret is refused', async () => {
    const claims = jwt.decode(tokenA) as Record<string, unknown>;
    const guessed = jwt.sign({ ...claims, sub: storeB }, 'guessed-secret-guessed-secret-guessed');
    expect((await get('/api/me', guessed)).status).toBe(401);
  });

  it('no session, no data', async () => {
    const response = await fetch(`${world.app.url}/api/me`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { kind: 'Unauthorized' } });
  });
});
