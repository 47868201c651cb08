import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, storeUsers, stores } from '@/db/schema';
import { decryptSecret } from '@/lib/crypto';
import { ENCRYPTION_KEY, startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { usingRealPostgres } from './support/db';

let world: LifecycleWorld;

beforeAll(async () => {
  world = await startLifecycleWorld();
  console.info(`app lifecycle suite on ${usingRealPostgres ? 'real Postgres (DATABASE_URL)' : 'PGlite (DATABASE_URL unset)'}`);
});
afterAll(async () => world?.stop());

async function storeRow(hash: string) {
  const rows = await world.database.db.select().from(stores).where(eq(stores.storeHash, hash));
  return rows[0];
}

/** The auth-callback URL the control panel would open, with a fresh code (read from the sandbox redirect). */
async function freshAuthUrl(hash: string, scope?: string): Promise<string> {
  const url = new URL(`${world.sandbox.url}/manage/${hash}/apps/lb-test-client/launch/install`);
  if (scope) url.searchParams.set('scope', scope);
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location')!;
}

describe('install (auth callback)', () => {
  it('exchanges the code, stores the token encrypted, links the owner and renders the installed page', async () => {
    const created = await world.admin<{ hash: string }>('/__sandbox/stores', { plan: 'pro', currency: 'EUR' });
    const hash = created.body.hash;
    const authUrl = await freshAuthUrl(hash);
    const page = await fetch(authUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Ledgerbridge is installed');
    expect(html).toContain(`/installed?store=${hash}#session=`);

    const row = await storeRow(hash);
    expect(row?.uninstalledAt).toBeNull();
    expect(row?.planLevel).toBeTruthy();
    expect(row?.currency).toBe('EUR');
    const state = await world.admin<{ installed: boolean; access_token?: string }>(`/__sandbox/stores/${hash}`);
    expect(state.body.installed).toBe(true);
    const token = decryptSecret(row!.accessTokenEnc!, ENCRYPTION_KEY, `stores/${hash}/access_token`);
    // The token the app holds is the one the sandbox accepts for this store.
    const info = await fetch(`${world.sandbox.url}/stores/${hash}/v2/store`, { headers: { 'x-auth-token': token } });
    expect(info.status).toBe(200);

    const members = await world.database.db.select().from(storeUsers).where(eq(storeUsers.storeHash, hash));
    expect(members).toHaveLength(1);
    expect(members[0]?.isOwner).toBe(true);
    const audit = await world.database.db.select().from(auditLog).where(eq(auditLog.storeHash, hash));
    expect(audit.map((a) => a.action)).toEqual(['store.installed']);
  });

  it('refuses a code that was already used, with a 401 page and no change', async () => {
    const { hash } = await world.installedStore();
    const before = await storeRow(hash);
    const authUrl = await freshAuthUrl(hash);
    expect((await fetch(authUrl)).status).toBe(200);
    const afterFirst = await storeRow(hash);
    expect(afterFirst?.accessTokenEnc).not.toBe(before?.accessTokenEnc);
    const replay = await fetch(authUrl);
    expect(replay.status).toBe(401);
    const html = await replay.text();
    expect(html).toContain('BigCommerce refused the installation request');
    expect(html).not.toMatch(/at \w+ \(|node_modules|Error:/);
    expect((await storeRow(hash))?.accessTokenEnc).toBe(afterFirst?.accessTokenEnc);
  });

  it('refuses the install when the app presents the wrong client secret', async () => {
    const created = await world.admin<{ hash: string }>('/__sandbox/stores', {});
    const authUrl = await freshAuthUrl(created.body.hash);
    process.env.BIGCOMMERCE_CLIENT_SECRET = 'not-the-secret';
    const { resetEnvForTests } = await import('@/lib/env');
    resetEnvForTests();
    try {
      const response = await fetch(authUrl);
      expect(response.status).toBe(401);
      expect(await storeRow(created.body.hash)).toBeUndefined();
    } finally {
      process.env.BIGCOMMERCE_CLIENT_SECRET = 'lb-test-client-secret';
      resetEnvForTests();
    }
  });

  it('refuses an install that does not grant every scope the app needs, naming them', async () => {
    const created = await world.admin<{ hash: string }>('/__sandbox/stores', {});
    const result = await world.admin<{ status: number }>(`/__sandbox/stores/${created.body.hash}/install`, {
      scope: 'store_v2_orders_read_only store_v2_information_read_only',
    });
    expect(result.body.status).toBe(403);
    const page = await fetch(await freshAuthUrl(created.body.hash, 'store_v2_orders_read_only'));
    expect(page.status).toBe(403);
    expect(await page.text()).toMatch(/store_v2_orders.*store_inventory|store_inventory/);
    expect(await storeRow(created.body.hash)).toBeUndefined();
  });

  it('replaces the token on re-install and records it', async () => {
    const { hash, accessToken: first } = await world.installedStore();
    const again = await world.admin<{ access_token: string; status: number }>(`/__sandbox/stores/${hash}/install`, {});
    expect(again.body.status).toBe(200);
    expect(again.body.access_token).not.toBe(first);
    const row = await storeRow(hash);
    expect(decryptSecret(row!.accessTokenEnc!, ENCRYPTION_KEY, `stores/${hash}/access_token`)).toBe(again.body.access_token);
    const audit = await world.database.db.select().from(auditLog).where(eq(auditLog.storeHash, hash));
    expect(audit.map((a) => a.action)).toEqual(['store.installed', 'store.reinstalled']);
  });

  it('answers 502 with a message page when BigCommerce cannot be reached', async () => {
    const created = await world.admin<{ hash: string }>('/__sandbox/stores', {});
    const authUrl = await freshAuthUrl(created.body.hash);
    const { resetEnvForTests } = await import('@/lib/env');
    process.env.BIGCOMMERCE_LOGIN_URL = 'http://127.0.0.1:9'; // discard port: connection refused
    resetEnvForTests();
    try {
      const response = await fetch(authUrl);
      expect(response.status).toBe(502);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(await response.text()).toContain('BigCommerce could not be reached');
    } finally {
      process.env.BIGCOMMERCE_LOGIN_URL = world.sandbox.url;
      resetEnvForTests();
    }
  });

  it('answers 400 for a malformed request', async () => {
    const response = await fetch(`${world.app.url}/api/bigcommerce/auth?code=x&scope=y&context=not-a-store`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('context');
  });
});

describe('permissions added after install (re-authorize)', () => {
  // The scopes the app asked for before it read refunds.
  const OLD_SCOPES = 'store_v2_orders store_v2_information_read_only store_v2_products store_v2_customers_read_only store_inventory';

  async function sessionOf(hash: string): Promise<string> {
    const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, {});
    const location = (await fetch(load.body.url, { redirect: 'manual' })).headers.get('location')!;
    return decodeURIComponent(location.split('#session=')[1]!);
  }
  async function permissionsOf(token: string) {
    const me = await fetch(`${world.app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    return ((await me.json()) as { store: { permissions: { complete: boolean; missing: Array<{ scope: string; name: string; why: string }> } } }).store.permissions;
  }

  it('asks a store installed with the old scope list to re-authorize, keeps it working through a re-authorization without the scope, and clears once granted', async () => {
    const { resetEnvForTests: reset } = await import('@/lib/env');
    const created = await world.admin<{ hash: string }>('/__sandbox/stores', {});
    const hash = created.body.hash;
    // Installed when the app required the old list.
    process.env.BIGCOMMERCE_REQUIRED_SCOPES = OLD_SCOPES;
    reset();
    try {
      expect((await world.admin<{ status: number }>(`/__sandbox/stores/${hash}/install`, { scope: OLD_SCOPES })).body.status).toBe(200);
    } finally {
      delete process.env.BIGCOMMERCE_REQUIRED_SCOPES;
      reset();
    }
    expect((await storeRow(hash))?.scope).toBe(OLD_SCOPES);

    // Now the app requires the transactions scope: the store's pages say what is missing and why.
    const token = await sessionOf(hash);
    const before = await permissionsOf(token);
    expect(before).toEqual({
      complete: false,
      missing: [{ scope: 'store_v2_transactions_read_only', name: 'Order Transactions: read-only', why: expect.stringMatching(/refund/) }],
    });

    // The merchant re-authorizes but the grant still lacks it: the new token is kept (BigCommerce has invalidated the
    // old one), the store stays installed, and the prompt stays.
    const partial = await world.admin<{ status: number; access_token: string }>(`/__sandbox/stores/${hash}/install`, { scope: OLD_SCOPES });
    expect(partial.body.status).toBe(200);
    const kept = await storeRow(hash);
    expect(decryptSecret(kept!.accessTokenEnc!, ENCRYPTION_KEY, `stores/${hash}/access_token`)).toBe(partial.body.access_token);
    expect((await permissionsOf(token)).complete).toBe(false);

    // Re-authorized with the app's scopes (the auth callback again): the stored scope is replaced, the prompt goes.
    const granted = await world.admin<{ status: number; scope: string }>(`/__sandbox/stores/${hash}/install`, {});
    expect(granted.body.status).toBe(200);
    expect(granted.body.scope.split(' ')).toContain('store_v2_transactions_read_only');
    expect((await storeRow(hash))?.scope).toBe(granted.body.scope);
    expect(await permissionsOf(token)).toEqual({ complete: true, missing: [] });
    const audit = await world.database.db.select().from(auditLog).where(eq(auditLog.storeHash, hash));
    expect(audit.map((a) => a.action)).toEqual(['store.installed', 'store.reinstalled', 'store.reinstalled']);
  });

  it('still refuses a new install without the transactions scope, naming it', async () => {
    const created = await world.admin<{ hash: string }>('/__sandbox/stores', {});
    const page = await fetch(await freshAuthUrl(created.body.hash, OLD_SCOPES));
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('store_v2_transactions_read_only');
    expect(await storeRow(created.body.hash)).toBeUndefined();
  });
});

describe('load callback', () => {
  it('opens the app: redirects to the deep link with a session, and the session reads this store', async () => {
    const { hash } = await world.installedStore();
    const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, { url: '/activity' });
    const response = await fetch(load.body.url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location.startsWith(`/activity?store=${hash}#session=`)).toBe(true);
    const token = decodeURIComponent(location.split('#session=')[1]!);
    const me = await fetch(`${world.app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { store: { hash: string } }).store.hash).toBe(hash);
  });

  it.each([
    ['forged signature', { sign_with_secret: 'forged' }, 401],
    ['expired', { exp: 1_600_000_000, iat: 1_599_900_000, nbf: 1_599_900_000 }, 401],
    ['wrong audience', { aud: 'someone-else' }, 401],
    ['wrong issuer', { iss: 'not-bc' }, 401],
    ['none algorithm', { alg: 'none' }, 401],
  ])('refuses a %s JWT', async (_name, overrides, status) => {
    const { hash } = await world.installedStore();
    const jwt = await world.admin<{ signed_payload_jwt: string }>('/__sandbox/jwt', { store_hash: hash, ...overrides });
    const response = await fetch(
      `${world.app.url}/api/bigcommerce/load?signed_payload_jwt=${encodeURIComponent(jwt.body.signed_payload_jwt)}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(status);
    expect(response.headers.get('location')).toBeNull();
  });

  it('answers 403 for a store that has not installed the app', async () => {
    const created = await world.admin<{ hash: string }>('/__sandbox/stores', {});
    const jwt = await world.admin<{ signed_payload_jwt: string }>('/__sandbox/jwt', { store_hash: created.body.hash });
    const response = await fetch(
      `${world.app.url}/api/bigcommerce/load?signed_payload_jwt=${jwt.body.signed_payload_jwt}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(403);
  });

  it('adds a second user to store_users on their first load, once', async () => {
    const { hash } = await world.installedStore();
    const user = await world.admin<{ id: number }>(`/__sandbox/stores/${hash}/users`, { email: 'clerk@example.com' });
    for (let i = 0; i < 2; i++) {
      const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, { user_id: user.body.id });
      expect((await fetch(load.body.url, { redirect: 'manual' })).status).toBe(303);
    }
    const members = await world.database.db.select().from(storeUsers).where(eq(storeUsers.storeHash, hash));
    expect(members.map((m) => [m.userId, m.isOwner]).sort()).toEqual(
      [[user.body.id, false], [members.find((m) => m.isOwner)!.userId, true]].sort(),
    );
    const added = await world.database.db.select().from(auditLog).where(eq(auditLog.storeHash, hash));
    expect(added.filter((a) => a.action === 'user.added')).toHaveLength(1);
  });
});

describe('remove_user callback', () => {
  it('takes the user out of the store: their session stops working at once', async () => {
    const { hash } = await world.installedStore();
    const user = await world.admin<{ id: number }>(`/__sandbox/stores/${hash}/users`, { email: 'temp@example.com' });
    const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, { user_id: user.body.id });
    const location = (await fetch(load.body.url, { redirect: 'manual' })).headers.get('location')!;
    const token = decodeURIComponent(location.split('#session=')[1]!);
    const auth = { headers: { authorization: `Bearer ${token}` } };
    expect((await fetch(`${world.app.url}/api/me`, auth)).status).toBe(200);
    const removed = await world.admin<{ status: number }>(`/__sandbox/stores/${hash}/users/${user.body.id}/remove`, {});
    expect(removed.body.status).toBe(200);
    expect((await fetch(`${world.app.url}/api/me`, auth)).status).toBe(401);
  });
});

describe('uninstall callback', () => {
  it('deletes the token ciphertext, keeps the audit trail, and refuses the same payload replayed', async () => {
    const { hash, accessToken } = await world.installedStore();
    const jwt = await world.admin<{ signed_payload_jwt: string }>('/__sandbox/jwt', { store_hash: hash });
    const url = `${world.app.url}/api/bigcommerce/uninstall?signed_payload_jwt=${jwt.body.signed_payload_jwt}`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ store_hash: hash, already_uninstalled: false });

    const raw = await world.database.db.execute(
      sql`select access_token_enc, uninstalled_at from stores where store_hash = ${hash}`,
    );
    const rows = (Array.isArray(raw) ? raw : (raw as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
    expect(rows[0]?.access_token_enc).toBeNull();
    expect(rows[0]?.uninstalled_at).not.toBeNull();
    expect(JSON.stringify(rows)).not.toContain(accessToken);

    // Signed payloads are single use: the replay gets the 401 a forged signature gets, and changes nothing.
    const replay = await fetch(url);
    expect(replay.status).toBe(401);
    const audit = await world.database.db.select().from(auditLog).where(eq(auditLog.storeHash, hash));
    expect(audit.map((a) => a.action)).toEqual(['store.installed', 'store.uninstalled']);

    // A load for the uninstalled store is refused.
    const load = await world.admin<{ signed_payload_jwt: string }>('/__sandbox/jwt', { store_hash: hash });
    const response = await fetch(`${world.app.url}/api/bigcommerce/load?signed_payload_jwt=${load.body.signed_payload_jwt}`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
  });

  it('refuses an unsigned uninstall', async () => {
    const { hash } = await world.installedStore();
    const jwt = await world.admin<{ signed_payload_jwt: string }>('/__sandbox/jwt', { store_hash: hash, sign_with_secret: 'x' });
    const response = await fetch(`${world.app.url}/api/bigcommerce/uninstall?signed_payload_jwt=${jwt.body.signed_payload_jwt}`);
    expect(response.status).toBe(401);
    expect((await storeRow(hash))?.accessTokenEnc).not.toBeNull();
  });
});

describe('tokens at rest', () => {
  it('a raw SELECT of the stores table contains no plaintext token', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) tokens.push((await world.installedStore()).accessToken);
    const raw = await world.database.db.execute(sql`select * from stores`);
    const dump = JSON.stringify(raw);
    for (const token of tokens) expect(dump).not.toContain(token);
    // Sealed values name their key (lib/crypto.ts): v2.<key id>.<iv>.<tag>.<ciphertext>.
    expect(dump).toMatch(/v2\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./);
  });
});
