// Identity: consent with organisation choice and PKCE, code exchange, rotating refresh tokens with Xero's grace
// period, expiry, revocation, connections, and the 401/403 answers of the Accounting API.
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StartedXeroSandbox } from './server';
import { APP, adminToken, apiClient, call, consent, newTenant, pkce, startTestSandbox, tokenRequest } from './test-client';

let sx: StartedXeroSandbox;
afterEach(async () => {
  await sx?.close();
});

async function connect(tenantId?: string, auth: 'basic' | 'body' = 'basic') {
  const { verifier, challenge } = pkce();
  const redirect = await consent(sx.url, { challenge, tenantId, state: 'csrf-42' });
  expect(redirect.searchParams.get('state')).toBe('csrf-42');
  const code = redirect.searchParams.get('code')!;
  const r = await tokenRequest(sx.url, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri, code_verifier: verifier }, auth);
  expect(r.status).toBe(200);
  return r.json as { access_token: string; refresh_token: string; expires_in: number; id_token?: string; scope: string };
}

describe('consent and code exchange', () => {
  beforeEach(async () => {
    sx = await startTestSandbox();
  });

  it('lets the merchant choose one of their organisations and connects only that one', async () => {
    await newTenant(sx.url, 'First Org', 'NZD');
    const second = await newTenant(sx.url, 'Second Org', 'AUD');
    const page = await call(`${sx.url}/xero/identity/connect/authorize?${new URLSearchParams({ response_type: 'code', client_id: APP.clientId, redirect_uri: APP.redirectUri, scope: 'offline_access accounting.settings', code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 's' })}`);
    expect(page.text).toContain('First Org');
    expect(page.text).toContain('Second Org');

    const tokens = await connect(second);
    expect(tokens.expires_in).toBe(1800);
    expect(tokens.refresh_token).toMatch(/\S{40,}/);
    expect(tokens.id_token).toBeDefined();
    const conns = await call(`${sx.url}/xero/connections`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(conns.status).toBe(200);
    expect(conns.json).toHaveLength(1);
    expect(conns.json[0]).toMatchObject({ tenantId: second, tenantName: 'Second Org', tenantType: 'ORGANISATION' });
    expect(conns.json[0].createdDateUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$/);

    const org = await apiClient(sx.url, tokens.access_token, second)('GET', '/Organisation');
    expect(org.status).toBe(200);
    expect(org.json.Organisations[0]).toMatchObject({ Name: 'Second Org', BaseCurrency: 'AUD', OrganisationID: second });
  });

  it('publishes an OpenID discovery document and a JWKS that verifies the id_token', async () => {
    await newTenant(sx.url);
    const tokens = await connect();
    const discovery = await call(`${sx.url}/xero/identity/.well-known/openid-configuration`);
    expect(discovery.json).toMatchObject({ token_endpoint: `${sx.url}/xero/connect/token`, authorization_endpoint: `${sx.url}/xero/identity/connect/authorize` });
    const jwks = await call(discovery.json.jwks_uri);
    const key = createPublicKey({ key: jwks.json.keys[0] as JsonWebKey, format: 'jwk' });
    const claims = jwt.verify(tokens.id_token!, key, { algorithms: ['RS256'], audience: APP.clientId, issuer: discovery.json.issuer }) as { email: string };
    expect(claims.email).toBe('owner@sandbox.xero.local');
    expect(() => jwt.verify(tokens.id_token!, key, { algorithms: ['RS256'], audience: 'someone-else' })).toThrow();
  });

  it('accepts client credentials in the body as well as Basic', async () => {
    await newTenant(sx.url);
    const tokens = await connect(undefined, 'body');
    expect(tokens.access_token.split('.')).toHaveLength(3);
  });

  it('requires PKCE S256 and echoes state on errors', async () => {
    const q = new URLSearchParams({ response_type: 'code', client_id: APP.clientId, redirect_uri: APP.redirectUri, scope: 'accounting.settings', state: 'st' });
    const r = await call(`${sx.url}/xero/identity/connect/authorize?${q}`);
    expect(r.status).toBe(302);
    const loc = new URL(r.headers.get('location')!);
    expect(loc.searchParams.get('error')).toBe('invalid_request');
    expect(loc.searchParams.get('state')).toBe('st');
  });

  it('never redirects to an unregistered redirect_uri', async () => {
    const q = new URLSearchParams({ response_type: 'code', client_id: APP.clientId, redirect_uri: 'https://evil.example/cb', scope: 'accounting.settings', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    const r = await call(`${sx.url}/xero/identity/connect/authorize?${q}`);
    expect(r.status).toBe(400);
    expect(r.headers.get('location')).toBeNull();
  });

  it('redirects with access_denied when the merchant cancels', async () => {
    await newTenant(sx.url);
    const redirect = await consent(sx.url, { challenge: pkce().challenge, action: 'deny', state: 'x' });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('x');
    expect(redirect.searchParams.get('code')).toBeNull();
  });

  it('rejects a wrong verifier, a reused code and a wrong client secret with invalid_grant / invalid_client', async () => {
    await newTenant(sx.url);
    const { verifier, challenge } = pkce();
    const code = (await consent(sx.url, { challenge })).searchParams.get('code')!;
    const wrong = await tokenRequest(sx.url, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri, code_verifier: pkce().verifier });
    expect(wrong.status).toBe(400);
    expect(wrong.json).toEqual({ error: 'invalid_grant' });
    const ok = await tokenRequest(sx.url, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri, code_verifier: verifier });
    expect(ok.status).toBe(200);
    const reused = await tokenRequest(sx.url, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri, code_verifier: verifier });
    expect(reused.json).toEqual({ error: 'invalid_grant' });
    const badClient = await call(`${sx.url}/xero/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${APP.clientId}:nope`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }).toString(),
    });
    expect(badClient.json).toEqual({ error: 'invalid_client' });
  });

  it('expires authorization codes after 5 minutes', async () => {
    await newTenant(sx.url);
    const { verifier, challenge } = pkce();
    const code = (await consent(sx.url, { challenge })).searchParams.get('code')!;
    sx.sandbox.clock.advance(5 * 60_000 + 1);
    const r = await tokenRequest(sx.url, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri, code_verifier: verifier });
    expect(r.json).toEqual({ error: 'invalid_grant' });
  });
});

describe('refresh tokens', () => {
  it('rotate: the new one works, the old one only within the 30-minute grace period', async () => {
    sx = await startTestSandbox();
    await newTenant(sx.url);
    const first = await connect();
    const r1 = await tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(r1.status).toBe(200);
    expect(r1.json.refresh_token).not.toBe(first.refresh_token);
    // A lost response: the old token may be retried during the grace period.
    const retry = await tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(retry.status).toBe(200);
    sx.sandbox.clock.advance(31 * 60_000);
    const late = await tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(late.status).toBe(400);
    expect(late.json).toEqual({ error: 'invalid_grant' });
    const r2 = await tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: r1.json.refresh_token });
    expect(r2.status).toBe(200);
  });

  it('are strictly single use with refreshGraceMs: 0', async () => {
    sx = await startTestSandbox({ refreshGraceMs: 0 });
    await newTenant(sx.url);
    const first = await connect();
    expect((await tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: first.refresh_token })).status).toBe(200);
    const again = await tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(again.json).toEqual({ error: 'invalid_grant' });
  });

  it('expire after 60 days unused; access tokens after 30 minutes (time-scaled)', async () => {
    sx = await startTestSandbox({ timeScale: 1000 });
    const tenantId = await newTenant(sx.url);
    const t = await connect();
    // Durations the client sees are wall-clock: 1800 s / 1000.
    expect(t.expires_in).toBe(2);
    const api = apiClient(sx.url, t.access_token, tenantId);
    expect((await api('GET', '/Organisation')).status).toBe(200);
    // 30 platform minutes are 1.8 wall-clock seconds at timeScale 1000.
    await new Promise((r) => setTimeout(r, 1900));
    const expired = await api('GET', '/Organisation');
    expect(expired.status).toBe(401);
    expect(expired.json.Detail).toMatch(/^TokenExpired: token expired at /);
    const fresh = await tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token });
    expect(fresh.status).toBe(200);
    sx.sandbox.clock.advance(61 * 24 * 3600_000);
    const dead = await tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: fresh.json.refresh_token });
    expect(dead.json).toEqual({ error: 'invalid_grant' });
  });

  it('revocation ends the grant and removes its connections', async () => {
    sx = await startTestSandbox();
    const tenantId = await newTenant(sx.url);
    const t = await connect();
    const rev = await call(`${sx.url}/xero/connect/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ token: t.refresh_token }).toString(),
    });
    expect(rev.status).toBe(200);
    expect((await tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json).toEqual({ error: 'invalid_grant' });
    expect((await apiClient(sx.url, t.access_token, tenantId)('GET', '/Organisation')).status).toBe(401);
  });
});

describe('Accounting API authentication', () => {
  beforeEach(async () => {
    sx = await startTestSandbox();
  });

  it("answers Xero's 401 and 403 bodies", async () => {
    const a = await newTenant(sx.url, 'A', 'NZD');
    const b = await newTenant(sx.url, 'B', 'NZD');
    const token = await adminToken(sx.url, a);
    const none = await apiClient(sx.url, 'not-a-token', a)('GET', '/Contacts');
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ Type: null, Title: 'Unauthorized', Status: 401, Detail: 'AuthenticationUnsuccessful' });
    const other = await apiClient(sx.url, token, b)('GET', '/Contacts');
    expect(other.status).toBe(403);
    expect(other.json).toMatchObject({ Title: 'Forbidden', Status: 403, Detail: 'AuthenticationUnsuccessful' });
    const missing = await call(`${sx.url}/xero/api.xro/2.0/Contacts`, { headers: { authorization: `Bearer ${token}` } });
    expect(missing.status).toBe(403);
    expect((await apiClient(sx.url, token, a)('GET', '/Contacts')).status).toBe(200);
  });

  it('refuses calls outside the granted scopes', async () => {
    const tenantId = await newTenant(sx.url);
    const token = await adminToken(sx.url, tenantId, { scopes: ['accounting.contacts.read'] });
    const api = apiClient(sx.url, token, tenantId);
    expect((await api('GET', '/Contacts')).status).toBe(200);
    const write = await api('PUT', '/Contacts', { Contacts: [{ Name: 'X' }] });
    expect(write.status).toBe(401);
    expect(write.json.Detail).toBe('AuthorizationUnsuccessful');
    expect((await api('GET', '/Invoices')).status).toBe(401);
  });

  it('DELETE /connections/{id} disconnects that organisation only', async () => {
    const a = await newTenant(sx.url, 'A', 'NZD');
    const b = await newTenant(sx.url, 'B', 'NZD');
    const ta = await connect(a);
    await connect(b);
    const conns = await call(`${sx.url}/xero/connections`, { headers: { authorization: `Bearer ${ta.access_token}` } });
    expect(conns.json.map((c: { tenantId: string }) => c.tenantId).sort()).toEqual([a, b].sort());
    const connA = conns.json.find((c: { tenantId: string }) => c.tenantId === a);
    const del = await call(`${sx.url}/xero/connections/${connA.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ta.access_token}` } });
    expect(del.status).toBe(204);
    expect((await apiClient(sx.url, ta.access_token, a)('GET', '/Organisation')).status).toBe(403);
    expect((await apiClient(sx.url, ta.access_token, b)('GET', '/Organisation')).status).toBe(200);
  });

  it('admin revoke (the merchant disconnects in Xero) turns the app tokens away', async () => {
    const tenantId = await newTenant(sx.url);
    const t = await connect(tenantId);
    const r = await call(`${sx.url}/__sandbox/xero/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: APP.clientId }) });
    expect(r.json.revokedGrants).toBe(1);
    expect((await apiClient(sx.url, t.access_token, tenantId)('GET', '/Organisation')).status).toBe(401);
    expect((await tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json).toEqual({ error: 'invalid_grant' });
  });
});
