import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeApp, type FakeApp } from './fake-app';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';

const CLIENT_ID = 'test-client';
const CLIENT_SECRET = 'test-secret-0123456789';

let sandbox: BigCommerceSandbox;
let app: FakeApp;

beforeAll(async () => {
  app = await startFakeApp({ sandboxUrl: () => sandbox.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  sandbox = await startBigCommerceSandbox({
    port: 0,
    apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appUrl: app.url, name: 'Test app' }],
  });
});
afterAll(async () => {
  await sandbox?.close();
  await app?.close();
});
beforeEach(() => {
  app.mode = 'exchange';
  app.exchangeOverrides = {};
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function newStore(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await post('/__sandbox/stores', extra);
  expect(res.status).toBe(201);
  return res.body.hash as string;
}

/** Mints a code the way the control panel does (without letting the fake app consume it). */
function mintCode(hash: string) {
  const p = sandbox.platform;
  return p.mintCode(p.store(hash), p.app(), 'store_v2_orders store_v2_information_read_only', p.store(hash).owner_id);
}

function exchangeBody(hash: string, code: string, overrides: Record<string, string> = {}) {
  return {
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    code,
    context: `stores/${hash}`,
    scope: 'store_v2_orders store_v2_information_read_only',
    grant_type: 'authorization_code',
    redirect_uri: `${app.url}/api/bigcommerce/auth`,
    ...overrides,
  };
}

describe('POST /oauth2/token', () => {
  it('exchanges a fresh code for a token shaped like BigCommerce’s', async () => {
    const hash = await newStore();
    const code = mintCode(hash);
    const res = await post('/oauth2/token', exchangeBody(hash, code.code));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'account_uuid', 'context', 'owner', 'scope', 'user']);
    expect(res.body.context).toBe(`stores/${hash}`);
    expect(res.body.scope).toBe('store_v2_orders store_v2_information_read_only');
    expect(res.body.access_token).toMatch(/^[a-z0-9]{31}$/);
    const owner = sandbox.platform.owner(sandbox.platform.store(hash));
    expect(res.body.owner).toEqual({ id: owner.id, username: owner.username, email: owner.email });
    expect(res.body.user).toEqual({ id: owner.id, username: owner.username, email: owner.email });
    expect(res.body.account_uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts a form-encoded body too', async () => {
    const hash = await newStore();
    const code = mintCode(hash);
    const res = await fetch(`${sandbox.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(exchangeBody(hash, code.code)).toString(),
    });
    expect(res.status).toBe(200);
  });

  it('refuses a code used twice with invalid_grant', async () => {
    const hash = await newStore();
    const code = mintCode(hash);
    expect((await post('/oauth2/token', exchangeBody(hash, code.code))).status).toBe(200);
    const again = await post('/oauth2/token', exchangeBody(hash, code.code));
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('refuses an expired code (10 minutes of platform time)', async () => {
    const hash = await newStore();
    const code = mintCode(hash);
    sandbox.platform.clock.advance(10 * 60 * 1000 + 1);
    const res = await post('/oauth2/token', exchangeBody(hash, code.code));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('does not expire a code early', async () => {
    const hash = await newStore();
    const code = mintCode(hash);
    sandbox.platform.clock.advance(9 * 60 * 1000);
    expect((await post('/oauth2/token', exchangeBody(hash, code.code))).status).toBe(200);
  });

  it('refuses a wrong client secret with invalid_client, and the code stays usable', async () => {
    const hash = await newStore();
    const code = mintCode(hash);
    const res = await post('/oauth2/token', exchangeBody(hash, code.code, { client_secret: 'nope' }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect((await post('/oauth2/token', exchangeBody(hash, code.code))).status).toBe(200);
  });

  it('refuses an unknown client id', async () => {
    const hash = await newStore();
    const code = mintCode(hash);
    const res = await post('/oauth2/token', exchangeBody(hash, code.code, { client_id: 'someone-else' }));
    expect(res.status).toBe(401);
  });

  it('binds the code to its store (context)', async () => {
    const hash = await newStore();
    const other = await newStore();
    const code = mintCode(hash);
    const res = await post('/oauth2/token', exchangeBody(hash, code.code, { context: `stores/${other}` }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('requires the registered redirect_uri and grant_type authorization_code', async () => {
    const hash = await newStore();
    const code = mintCode(hash);
    const wrongUri = await post('/oauth2/token', exchangeBody(hash, code.code, { redirect_uri: 'https://evil.example/auth' }));
    expect(wrongUri.status).toBe(400);
    const wrongGrant = await post('/oauth2/token', exchangeBody(hash, code.code, { grant_type: 'client_credentials' }));
    expect(wrongGrant.status).toBe(400);
    expect(wrongGrant.body.error).toBe('unsupported_grant_type');
    const missing = await post('/oauth2/token', { client_id: CLIENT_ID });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });

  it('a re-install issues a new token and revokes the old one', async () => {
    const hash = await newStore();
    const first = await post(`/__sandbox/stores/${hash}/install`, {});
    const second = await post(`/__sandbox/stores/${hash}/install`, {});
    expect(first.body.access_token).toBeTypeOf('string');
    expect(second.body.access_token).toBeTypeOf('string');
    expect(second.body.access_token).not.toBe(first.body.access_token);
    const oldRes = await fetch(`${sandbox.url}/stores/${hash}/v2/store`, {
      headers: { 'x-auth-token': first.body.access_token as string, accept: 'application/json' },
    });
    expect(oldRes.status).toBe(401);
    const newRes = await fetch(`${sandbox.url}/stores/${hash}/v2/store`, {
      headers: { 'x-auth-token': second.body.access_token as string, accept: 'application/json' },
    });
    expect(newRes.status).toBe(200);
  });
});

describe('time scale', () => {
  it('compresses the code lifetime', async () => {
    const fast = await startBigCommerceSandbox({
      port: 0,
      timeScale: 6000, // 10 minutes → 100 ms
      apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appUrl: app.url }],
    });
    try {
      const p = fast.platform;
      const store = p.createStore({});
      const code = p.mintCode(store, p.app(), 'store_v2_orders', store.owner_id);
      await new Promise((r) => setTimeout(r, 150));
      const res = await fetch(`${fast.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...exchangeBody(store.hash, code.code), scope: 'store_v2_orders' }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
    } finally {
      await fast.close();
    }
  });
});

describe('GET /stores/{hash}/v2/store', () => {
  it('needs a live token for that very store', async () => {
    const a = await newStore({ plan: 'pro', currency: 'EUR' });
    const b = await newStore();
    const install = await post(`/__sandbox/stores/${a}/install`, {});
    const token = install.body.access_token as string;
    const get = (hash: string, t?: string) =>
      fetch(`${sandbox.url}/stores/${hash}/v2/store`, { headers: t ? { 'x-auth-token': t } : {} });
    const okRes = await get(a, token);
    expect(okRes.status).toBe(200);
    const info = (await okRes.json()) as Record<string, unknown>;
    expect(info).toMatchObject({ id: a, currency: 'EUR', plan_level: 'Pro' });
    expect((await get(a)).status).toBe(401);
    expect((await get(a, 'not-a-token')).status).toBe(401);
    const foreign = await get(b, token);
    expect(foreign.status).toBe(401);
    expect(await foreign.json()).toMatchObject({ status: 401 });
  });

  it('answers 403 without the information scope', async () => {
    const hash = await newStore();
    const install = await post(`/__sandbox/stores/${hash}/install`, { scope: 'store_v2_orders' });
    const res = await fetch(`${sandbox.url}/stores/${hash}/v2/store`, {
      headers: { 'x-auth-token': install.body.access_token as string },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ status: 403, title: "You don't have a required scope to access the endpoint" });
  });
});
