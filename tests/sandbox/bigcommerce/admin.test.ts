import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeApp, type FakeApp } from './fake-app';
import { DEFAULT_APP_SCOPES } from './platform';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';

const CLIENT_ID = 'admin-client';
const CLIENT_SECRET = 'admin-secret-abcdef';
const APP_SCOPES = DEFAULT_APP_SCOPES.join(' ');

let sandbox: BigCommerceSandbox;
let app: FakeApp;

beforeAll(async () => {
  app = await startFakeApp({ sandboxUrl: () => sandbox.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, form: true });
  sandbox = await startBigCommerceSandbox({
    port: 0,
    apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appUrl: app.url, name: 'Ledgerbridge' }],
  });
});
afterAll(async () => {
  await sandbox?.close();
  await app?.close();
});
beforeEach(() => {
  app.mode = 'exchange';
  app.exchangeOverrides = {};
  app.received.length = 0;
});

/** The fields of the admin API's answers that these tests read (each answer carries the ones of its route). */
interface AdminAnswer {
  hash: string;
  store_hash: string;
  access_token: string;
  scope: string;
  status: number;
  installed: boolean;
  users: Array<{ id: number; is_owner: boolean }>;
  id: number;
  url: string;
  signed_payload_jwt: string;
}

/** The claims of a signed_payload_jwt. */
interface Claims {
  aud: string;
  iss: string;
  sub: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  url: string;
  channel_id: number | null;
  user: { id: number; email: string; locale: string };
  owner: { id: number; email: string };
}

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as AdminAnswer };
}

function verify(token: string) {
  return jwt.verify(token, CLIENT_SECRET, { algorithms: ['HS256'], audience: CLIENT_ID, issuer: 'bc' }) as Claims;
}

describe('admin API contract', () => {
  it('creates stores with a given or generated hash, plan and currency', async () => {
    const generated = await call('POST', '/__sandbox/stores', {});
    expect(generated.status).toBe(201);
    expect(generated.body).toEqual({ hash: expect.stringMatching(/^[a-z0-9]{10}$/) });
    const named = await call('POST', '/__sandbox/stores', { hash: 'abc123', plan: 'pro', currency: 'GBP' });
    expect(named).toEqual({ status: 201, body: { hash: 'abc123' } });
    const dup = await call('POST', '/__sandbox/stores', { hash: 'abc123' });
    expect(dup.status).toBe(409);
    const bad = await call('POST', '/__sandbox/stores', { plan: 'gold' });
    expect(bad.status).toBe(400);
    const state = await call('GET', '/__sandbox/stores/abc123');
    expect(state.body).toMatchObject({ hash: 'abc123', plan: 'pro', currency: 'GBP', installed: false, scope: null });
    expect(state.body.users).toHaveLength(1);
    expect(state.body.users[0]).toMatchObject({ is_owner: true });
    expect((await call('GET', '/__sandbox/stores/nope')).status).toBe(404);
  });

  it('install runs the auth callback server-side and reports the exchanged token', async () => {
    const { body: store } = await call('POST', '/__sandbox/stores', {});
    const res = await call('POST', `/__sandbox/stores/${store.hash}/install`, {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      store_hash: store.hash,
      access_token: expect.stringMatching(/^[a-z0-9]{31}$/),
      scope: APP_SCOPES,
      status: 200,
    });
    // The app saw a GET with code, scope, context and account_uuid, and its exchange got the same token.
    const auth = app.received.find((r) => r.path === '/api/bigcommerce/auth');
    expect(auth?.query).toMatchObject({ scope: APP_SCOPES, context: `stores/${store.hash}` });
    expect(auth?.query.code).toBeTruthy();
    expect(auth?.query.account_uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.exchanges.at(-1)?.body).toMatchObject({ access_token: res.body.access_token });
    const state = await call('GET', `/__sandbox/stores/${store.hash}`);
    expect(state.body).toMatchObject({ installed: true, scope: APP_SCOPES });
  });

  it('install with a narrower scope simulates a merchant granting less', async () => {
    const { body: store } = await call('POST', '/__sandbox/stores', {});
    const res = await call('POST', `/__sandbox/stores/${store.hash}/install`, { scope: 'store_v2_orders' });
    expect(res.body.scope).toBe('store_v2_orders');
    expect(app.received.at(-1)?.query.scope).toBe('store_v2_orders');
  });

  it('reports a null token and the callback status when the app never exchanges the code', async () => {
    const { body: store } = await call('POST', '/__sandbox/stores', {});
    app.mode = 'no-exchange';
    const res = await call('POST', `/__sandbox/stores/${store.hash}/install`, {});
    expect(res.body).toMatchObject({ access_token: null, status: 200 });
    expect((await call('GET', `/__sandbox/stores/${store.hash}`)).body.installed).toBe(false);
    app.mode = 'fail';
    const failed = await call('POST', `/__sandbox/stores/${store.hash}/install`, {});
    expect(failed.body).toMatchObject({ access_token: null, status: 500 });
  });

  it('reports a wrong secret at the exchange as the app’s failure (no token)', async () => {
    const { body: store } = await call('POST', '/__sandbox/stores', {});
    app.exchangeOverrides = { client_secret: 'wrong' };
    const res = await call('POST', `/__sandbox/stores/${store.hash}/install`, {});
    expect(res.body).toMatchObject({ access_token: null, status: 502 });
    expect(app.exchanges.at(-1)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('answers 502 with status 0 when the app is unreachable', async () => {
    const down = await startBigCommerceSandbox({
      port: 0,
      apps: [{ clientId: 'x', clientSecret: 'y', appUrl: 'http://127.0.0.1:1' }],
    });
    try {
      const { hash } = down.platform.createStore({});
      const res = await fetch(`${down.url}/__sandbox/stores/${hash}/install`, { method: 'POST' });
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ store_hash: hash, access_token: null, status: 0 });
    } finally {
      await down.close();
    }
  });

  it('uninstall calls the callback with a signed JWT and revokes the token', async () => {
    const { body: store } = await call('POST', '/__sandbox/stores', {});
    const install = await call('POST', `/__sandbox/stores/${store.hash}/install`, {});
    const res = await call('POST', `/__sandbox/stores/${store.hash}/uninstall`, {});
    expect(res.body).toMatchObject({ store_hash: store.hash, installed: false, status: 200 });
    const cb = app.received.find((r) => r.path === '/api/bigcommerce/uninstall');
    const claims = verify(cb!.query.signed_payload_jwt!);
    expect(claims.sub).toBe(`stores/${store.hash}`);
    const api = await fetch(`${sandbox.url}/stores/${store.hash}/v2/store`, {
      headers: { 'x-auth-token': install.body.access_token },
    });
    expect(api.status).toBe(401);
    expect((await call('GET', `/__sandbox/stores/${store.hash}`)).body).toMatchObject({ installed: false, scope: null });
    // Replay is harmless: nothing to call, still uninstalled.
    const again = await call('POST', `/__sandbox/stores/${store.hash}/uninstall`, {});
    expect(again.body).toMatchObject({ installed: false, status: 0 });
  });

  it('lets only the owner or an authorized user install and uninstall (users.mdx: plain users cannot)', async () => {
    const { body: store } = await call('POST', '/__sandbox/stores', {});
    const plain = await call('POST', `/__sandbox/stores/${store.hash}/users`, { email: 'plain@example.com' });
    const authorized = await call('POST', `/__sandbox/stores/${store.hash}/users`, { email: 'admin@example.com', can_manage_apps: true });
    expect((await call('POST', `/__sandbox/stores/${store.hash}/install`, { user_id: plain.body.id })).status).toBe(403);
    expect((await call('POST', `/__sandbox/stores/${store.hash}/install`, { user_id: authorized.body.id })).body.status).toBe(200);
    const before = app.received.filter((r) => r.path === '/api/bigcommerce/uninstall').length;
    expect((await call('POST', `/__sandbox/stores/${store.hash}/uninstall`, { user_id: plain.body.id })).status).toBe(403);
    expect(app.received.filter((r) => r.path === '/api/bigcommerce/uninstall').length).toBe(before);
    expect((await call('GET', `/__sandbox/stores/${store.hash}`)).body).toMatchObject({ installed: true });
    const uninstall = await call('POST', `/__sandbox/stores/${store.hash}/uninstall`, { user_id: authorized.body.id });
    expect(uninstall.body).toMatchObject({ installed: false, status: 200 });
    const cb = app.received.filter((r) => r.path === '/api/bigcommerce/uninstall').at(-1);
    expect(verify(cb!.query.signed_payload_jwt!).user.id).toBe(authorized.body.id);
  });

  it('adds users, signs load JWTs for them and calls remove_user', async () => {
    const { body: store } = await call('POST', '/__sandbox/stores', {});
    await call('POST', `/__sandbox/stores/${store.hash}/install`, {});
    const user = await call('POST', `/__sandbox/stores/${store.hash}/users`, { email: 'clerk@example.com' });
    expect(user.status).toBe(201);
    const load = await call('POST', `/__sandbox/stores/${store.hash}/load`, { user_id: user.body.id, url: '/orders/12' });
    expect(load.body.url).toBe(
      `${app.url}/api/bigcommerce/load?signed_payload_jwt=${encodeURIComponent(load.body.signed_payload_jwt)}`.replace(/%2E/g, '.'),
    );
    const claims = verify(load.body.signed_payload_jwt);
    expect(claims.user).toEqual({ id: user.body.id, email: 'clerk@example.com', locale: 'en-US' });
    expect(claims.url).toBe('/orders/12');
    expect(claims.owner.id).not.toBe(user.body.id);

    const removed = await call('POST', `/__sandbox/stores/${store.hash}/users/${user.body.id}/remove`, {});
    expect(removed.body.status).toBe(200);
    const cb = app.received.find((r) => r.path === '/api/bigcommerce/remove-user');
    expect(verify(cb!.query.signed_payload_jwt!).user.id).toBe(user.body.id);
    const state = await call('GET', `/__sandbox/stores/${store.hash}`);
    expect(state.body.users.map((u: { id: number }) => u.id)).not.toContain(user.body.id);
  });
});

describe('signed_payload_jwt', () => {
  it('carries exactly the documented claims and verifies with the client secret', async () => {
    const { body: store } = await call('POST', '/__sandbox/stores', {});
    const res = await call('POST', '/__sandbox/jwt', { store_hash: store.hash });
    const token = res.body.signed_payload_jwt as string;
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    expect(header.alg).toBe('HS256');
    const claims = verify(token);
    expect(Object.keys(claims).sort()).toEqual(
      ['aud', 'channel_id', 'exp', 'iat', 'iss', 'jti', 'nbf', 'owner', 'sub', 'url', 'user'].sort(),
    );
    expect(claims.aud).toBe(CLIENT_ID);
    expect(claims.iss).toBe('bc');
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.exp - claims.iat).toBe(24 * 3600);
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(5);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.sub).toBe(`stores/${store.hash}`);
    expect(claims.url).toBe('/');
    expect(claims.channel_id).toBeNull();
    expect(claims.user).toEqual({ id: expect.any(Number), email: expect.any(String), locale: 'en-US' });
    expect(claims.owner).toEqual({ id: claims.user.id, email: claims.user.email });
    expect(() => jwt.verify(token, 'another-secret')).toThrow();
  });

  it('every JWT has its own jti', async () => {
    const { body: store } = await call('POST', '/__sandbox/stores', {});
    const a = verify((await call('POST', '/__sandbox/jwt', { store_hash: store.hash })).body.signed_payload_jwt);
    const b = verify((await call('POST', '/__sandbox/jwt', { store_hash: store.hash })).body.signed_payload_jwt);
    expect(a.jti).not.toBe(b.jti);
  });

  it('takes claim overrides, foreign secrets and alg none for negative tests', async () => {
    const { body: store } = await call('POST', '/__sandbox/stores', {});
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await call('POST', '/__sandbox/jwt', { store_hash: store.hash, exp: past });
    expect(() => verify(expired.body.signed_payload_jwt)).toThrow(/expired/);
    const wrongAud = await call('POST', '/__sandbox/jwt', { store_hash: store.hash, aud: 'other-app' });
    expect(() => verify(wrongAud.body.signed_payload_jwt)).toThrow(/audience/);
    const forged = await call('POST', '/__sandbox/jwt', { store_hash: store.hash, sign_with_secret: 'attacker' });
    expect(() => verify(forged.body.signed_payload_jwt)).toThrow(/signature/);
    const none = await call('POST', '/__sandbox/jwt', { store_hash: store.hash, alg: 'none' });
    expect(none.body.signed_payload_jwt.endsWith('.')).toBe(true);
    expect(() => verify(none.body.signed_payload_jwt)).toThrow();
  });
});
