// Connecting Xero against the sandbox's identity service: authorize URL with state + PKCE S256, consent,
// code exchange, connections, refresh with rotation persisted before use, expiry, revoke → auth_revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationUrl,
  createXeroProvider,
  createXeroTokenManager,
  exchangeCode,
  listConnections,
  pkceVerifier,
  refreshTokens,
  revokeToken,
  verifyState,
  xeroUrls,
  type OAuthDeps,
  type StoredXeroTokens,
  type XeroTokenSet,
  type XeroTokenStore,
  type XeroUrls,
} from '@/lib/accounting/xero';
import { startXeroSandbox, type StartedXeroSandbox } from '@/tests/sandbox/xero/server';

const CLIENT = { clientId: 'ledgerbridge-oauth-test', clientSecret: 'oauth-test-secret', redirectUri: 'http://127.0.0.1:3999/api/connections/xero/callback' };
const SECRET = 'state-signing-secret-for-tests';
let xero: StartedXeroSandbox;
let oauth: OAuthDeps;
let urls: XeroUrls;

beforeAll(async () => {
  xero = await startXeroSandbox({ port: 0, refreshGraceMs: 0, clients: [{ ...CLIENT, redirectUris: [CLIENT.redirectUri], name: 'Ledgerbridge' }] });
  urls = xeroUrls(`${xero.url}/xero`);
  oauth = { urls, client: CLIENT };
});
afterAll(async () => {
  await xero.close();
});

/** What the merchant does on Xero's consent page: pick the organisation, press Allow. */
async function consent(url: string, tenantId: string, action: 'allow' | 'deny' = 'allow'): Promise<URL> {
  const page = await fetch(url);
  const html = await page.text();
  expect(page.status, html).toBe(200);
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const res = await fetch(`${xero.url}/xero/identity/connect/authorize/consent`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, tenantId, action }).toString(),
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

async function connect(storeHash: string, orgName: string): Promise<{ tokens: XeroTokenSet; tenantId: string }> {
  const tenant = xero.sandbox.createTenant({ name: orgName, currency: 'NZD' });
  const start = authorizationUrl(oauth, { secret: SECRET, storeHash, userId: 7, nowMs: Date.now() });
  const back = await consent(start.url, tenant.tenantId);
  const state = verifyState(SECRET, back.searchParams.get('state') ?? '', { storeHash, nowMs: Date.now() });
  if (!state.ok) throw new Error(state.reason);
  const exchanged = await exchangeCode(oauth, { code: back.searchParams.get('code') ?? '', codeVerifier: pkceVerifier(SECRET, state.state.nonce) });
  if (!exchanged.ok) throw new Error(JSON.stringify(exchanged.error));
  return { tokens: exchanged.value, tenantId: tenant.tenantId };
}

/** An in-memory token store with the compare-and-swap the repository must provide. */
function memoryStore(initial: XeroTokenSet) {
  let current: StoredXeroTokens | null = { accessToken: initial.accessToken, refreshToken: initial.refreshToken, expiresAt: initial.expiresAt };
  const log: string[] = [];
  const store: XeroTokenStore & { log: string[]; current(): StoredXeroTokens | null; expire(): void } = {
    log,
    current: () => current,
    expire: () => {
      if (current) current = { ...current, expiresAt: 0 };
    },
    async load() {
      return current;
    },
    async saveRotated(previous, next) {
      if (!current || current.refreshToken !== previous) return false;
      current = { accessToken: next.accessToken, refreshToken: next.refreshToken, expiresAt: next.expiresAt };
      log.push(`saved ${next.refreshToken.slice(0, 8)}`);
      return true;
    },
    async markRevoked(reason) {
      log.push(`revoked: ${reason}`);
    },
  };
  return store;
}

describe('connecting an organisation', () => {
  it('authorize URL carries state and PKCE S256; the callback exchanges the code and lists the chosen organisation', async () => {
    const start = authorizationUrl(oauth, { secret: SECRET, storeHash: 'store-a', userId: 7, nowMs: Date.now() });
    const url = new URL(start.url);
    expect(url.origin + url.pathname).toBe(`${xero.url}/xero/identity/connect/authorize`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toContain('offline_access');
    expect(url.searchParams.get('scope')).toContain('accounting.invoices');
    const { tokens, tenantId } = await connect('store-a', 'Acme NZ');
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 25 * 60_000);
    const connections = await listConnections(oauth, tokens.accessToken, tokens.authEventId);
    expect(connections.ok && connections.value.map((c) => [c.tenantId, c.tenantName])).toEqual([[tenantId, 'Acme NZ']]);
  });

  it('a state is refused for another store, after expiry, or when tampered with', async () => {
    const { state } = authorizationUrl(oauth, { secret: SECRET, storeHash: 'store-a', userId: 7, nowMs: Date.now(), ttlSeconds: 60 });
    expect(verifyState(SECRET, state, { storeHash: 'store-b', nowMs: Date.now() })).toEqual({ ok: false, reason: 'wrong_store' });
    expect(verifyState(SECRET, state, { storeHash: 'store-a', nowMs: Date.now() + 61_000 })).toEqual({ ok: false, reason: 'expired' });
    expect(verifyState('another-secret', state, { nowMs: Date.now() })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyState(SECRET, state, { storeHash: 'store-a', nowMs: Date.now() }).ok).toBe(true);
  });

  it('a code cannot be exchanged without its PKCE verifier', async () => {
    const tenant = xero.sandbox.createTenant({ name: 'PKCE Ltd', currency: 'NZD' });
    const start = authorizationUrl(oauth, { secret: SECRET, storeHash: 'store-p', userId: 1, nowMs: Date.now() });
    const back = await consent(start.url, tenant.tenantId);
    const r = await exchangeCode(oauth, { code: back.searchParams.get('code') ?? '', codeVerifier: pkceVerifier(SECRET, 'some-other-nonce') });
    expect(r).toMatchObject({ ok: false, error: { kind: 'auth_revoked' } });
  });
});

describe('tokens', () => {
  it('refresh rotates: the new set is saved before its access token is used; the old refresh token is dead', async () => {
    const { tokens, tenantId } = await connect('store-r', 'Rotate Ltd');
    const store = memoryStore(tokens);
    const manager = createXeroTokenManager({ store, oauth });
    const provider = createXeroProvider({ tenantId, tokens: manager, urls });
    store.expire();
    const used: string[] = [];
    const spying = createXeroProvider({
      tenantId,
      urls,
      tokens: {
        accessToken: async (o) => {
          const t = await manager.accessToken(o);
          // By the time a token is handed out, the store already holds its set.
          if (t.ok) used.push(store.current()?.accessToken === t.value ? 'persisted' : 'NOT persisted');
          return t;
        },
      },
    });
    expect((await spying.testConnection()).ok).toBe(true);
    expect(used).toEqual(['persisted']);
    expect(manager.refreshes).toBe(1);
    expect(store.current()?.refreshToken).not.toBe(tokens.refreshToken);
    const old = await refreshTokens(oauth, tokens.refreshToken);
    expect(old).toMatchObject({ ok: false, error: { kind: 'auth_revoked' } });
    expect((await provider.testConnection()).ok).toBe(true);
  });

  it('two processes refreshing at once: one rotation is kept and both keep working', async () => {
    const { tokens, tenantId } = await connect('store-c', 'Concurrent Ltd');
    const store = memoryStore(tokens);
    store.expire();
    const a = createXeroTokenManager({ store, oauth });
    const b = createXeroTokenManager({ store, oauth });
    const [ta, tb] = await Promise.all([a.accessToken(), b.accessToken()]);
    expect(ta.ok && tb.ok).toBe(true);
    expect(store.log.filter((l) => l.startsWith('saved'))).toHaveLength(1);
    for (const manager of [a, b]) expect((await createXeroProvider({ tenantId, tokens: manager, urls }).testConnection()).ok).toBe(true);
  });

  it('an access token that expired on Xero\'s clock is refreshed on the 401 and the call repeated', async () => {
    const { tokens, tenantId } = await connect('store-e', 'Expiry Ltd');
    const store = memoryStore(tokens);
    const manager = createXeroTokenManager({ store, oauth });
    const provider = createXeroProvider({ tenantId, tokens: manager, urls });
    await fetch(`${xero.url}/__sandbox/xero/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 31 * 60 }) });
    expect(await provider.testConnection()).toMatchObject({ ok: true, value: { organisationName: 'Expiry Ltd' } });
    expect(manager.refreshes).toBe(1);
  });

  it('disconnect revokes the grant: refresh fails, the store is marked for reconnection, posting gets auth_revoked', async () => {
    const { tokens, tenantId } = await connect('store-x', 'Revoke Ltd');
    const store = memoryStore(tokens);
    const manager = createXeroTokenManager({ store, oauth });
    const provider = createXeroProvider({ tenantId, tokens: manager, urls });
    expect((await provider.testConnection()).ok).toBe(true);
    expect(await revokeToken(oauth, tokens.refreshToken)).toEqual({ ok: true, value: undefined });
    expect(await provider.testConnection()).toMatchObject({ ok: false, error: { kind: 'auth_revoked' } });
    store.expire();
    expect(await provider.testConnection()).toMatchObject({ ok: false, error: { kind: 'auth_revoked' } });
    expect(store.log.some((l) => l.startsWith('revoked'))).toBe(true);
    const connections = await listConnections(oauth, tokens.accessToken);
    expect(connections.ok ? connections.value.filter((c) => c.tenantId === tenantId) : []).toEqual([]);
  });
});
