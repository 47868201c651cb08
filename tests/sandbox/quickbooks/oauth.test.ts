// Intuit's OAuth 2.0 as an app sees it: the consent page, the code exchange, rotating refresh tokens with Intuit's
// 24-hour grace for the previous one, revocation, and the API's 401 for expired or revoked tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickBooksSandbox, type StartedQuickBooksSandbox } from './server';
import { APP, apiClient, call, consent, newCompany, startTestSandbox, tokenRequest } from './test-client';

describe('QuickBooks OAuth', () => {
  let qb: StartedQuickBooksSandbox;
  beforeAll(async () => {
    qb = await startTestSandbox();
  });
  afterAll(async () => {
    await qb?.close();
  });

  it('creates a default company when none exists and redirects with code, state and realmId', async () => {
    const back = await consent(qb.url, { state: 'xyz' });
    expect(back.origin + back.pathname).toBe(APP.redirectUri);
    expect(back.searchParams.get('state')).toBe('xyz');
    const realmId = back.searchParams.get('realmId');
    expect(realmId).toMatch(/^\d{15,19}$/);
    expect(qb.sandbox.companies.get(realmId!)?.name).toBe('Sandbox Company_US_1');
    expect(back.searchParams.get('code')).toBeTruthy();
  });

  it('lists every company on the consent page and connects the one chosen', async () => {
    const realmId = await newCompany(qb.url, { name: 'Second Co' });
    const page = await call(`${qb.url}/quickbooks/connect/oauth2?${new URLSearchParams({ client_id: APP.clientId, response_type: 'code', scope: 'com.intuit.quickbooks.accounting openid', redirect_uri: APP.redirectUri, state: 's' })}`);
    expect(page.text).toContain('Second Co');
    expect(page.text).toContain('id="connect"');
    const back = await consent(qb.url, { realmId });
    expect(back.searchParams.get('realmId')).toBe(realmId);
  });

  it('refuses a missing accounting scope, an unregistered redirect and a cancelled consent', async () => {
    const noScope = await call(`${qb.url}/quickbooks/connect/oauth2?${new URLSearchParams({ client_id: APP.clientId, response_type: 'code', scope: 'openid', redirect_uri: APP.redirectUri, state: 's' })}`);
    expect(noScope.status).toBe(302);
    expect(new URL(noScope.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    const badRedirect = await call(`${qb.url}/quickbooks/connect/oauth2?${new URLSearchParams({ client_id: APP.clientId, response_type: 'code', scope: 'com.intuit.quickbooks.accounting', redirect_uri: 'http://evil.example/cb', state: 's' })}`);
    expect(badRedirect.status).toBe(400);
    const cancelled = await consent(qb.url, { action: 'cancel', state: 'c' });
    expect(cancelled.searchParams.get('error')).toBe('access_denied');
    expect(cancelled.searchParams.get('state')).toBe('c');
  });

  it('exchanges a code once, with Intuit\'s token answer, and the token reads the company', async () => {
    const back = await consent(qb.url);
    const code = back.searchParams.get('code')!;
    const realmId = back.searchParams.get('realmId')!;
    const t = await tokenRequest(qb.url, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri });
    expect(t.status).toBe(200);
    expect(t.json).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8726400 });
    expect(t.json.refresh_token).toBeTruthy();
    const again = await tokenRequest(qb.url, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri });
    expect(again.json).toEqual({ error: 'invalid_grant' });
    const info = await apiClient(qb.url, t.json.access_token, realmId)('GET', `/companyinfo/${realmId}`);
    expect(info.status).toBe(200);
    expect(info.json.CompanyInfo.Country).toBe('US');
    const wrongSecret = await tokenRequest(qb.url, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri }, 'nope');
    expect(wrongSecret.status).toBe(401);
  });

  it('rotates refresh tokens; the previous one works for 24 hours after the new one is issued, then invalid_grant', async () => {
    const back = await consent(qb.url);
    const first = await tokenRequest(qb.url, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: APP.redirectUri });
    const r1 = first.json.refresh_token as string;
    const second = await tokenRequest(qb.url, { grant_type: 'refresh_token', refresh_token: r1 });
    expect(second.status).toBe(200);
    const r2 = second.json.refresh_token as string;
    expect(r2).not.toBe(r1);
    // A lost response: the old token still works within Intuit's 24 hours.
    qb.sandbox.clock.advance(23 * 3600_000);
    expect((await tokenRequest(qb.url, { grant_type: 'refresh_token', refresh_token: r1 })).status).toBe(200);
    qb.sandbox.clock.advance(2 * 3600_000);
    expect((await tokenRequest(qb.url, { grant_type: 'refresh_token', refresh_token: r1 })).json).toEqual({ error: 'invalid_grant' });
    const third = await tokenRequest(qb.url, { grant_type: 'refresh_token', refresh_token: r2 });
    expect(third.status).toBe(200);
  });

  it('expires access tokens after an hour (401 AuthenticationFailed 3200) and revokes the grant on /revoke', async () => {
    const back = await consent(qb.url);
    const realmId = back.searchParams.get('realmId')!;
    const t = await tokenRequest(qb.url, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: APP.redirectUri });
    const api = apiClient(qb.url, t.json.access_token, realmId);
    expect((await api('GET', '/preferences')).status).toBe(200);
    qb.sandbox.clock.advance(3601_000);
    const expired = await api('GET', '/preferences');
    expect(expired.status).toBe(401);
    expect(expired.json.fault.error[0]).toMatchObject({ code: '3200', message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401' });
    const refreshed = await tokenRequest(qb.url, { grant_type: 'refresh_token', refresh_token: t.json.refresh_token });
    const revoke = await call(`${qb.url}/quickbooks/oauth2/v1/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}` },
      body: JSON.stringify({ token: refreshed.json.refresh_token }),
    });
    expect(revoke.status).toBe(200);
    expect((await apiClient(qb.url, refreshed.json.access_token, realmId)('GET', '/preferences')).status).toBe(401);
    expect((await tokenRequest(qb.url, { grant_type: 'refresh_token', refresh_token: refreshed.json.refresh_token })).json).toEqual({ error: 'invalid_grant' });
  });

  it('answers 403 AuthorizationFailed when a token is used on another company', async () => {
    const back = await consent(qb.url);
    const t = await tokenRequest(qb.url, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: APP.redirectUri });
    const other = await newCompany(qb.url, { name: 'Not Connected Co' });
    const r = await apiClient(qb.url, t.json.access_token, other)('GET', '/preferences');
    expect(r.status).toBe(403);
    expect(r.json.fault.error[0].code).toBe('3100');
  });

  it('scales lifetimes with timeScale: at 3600× an access token lives one wall-clock second', async () => {
    const fast = await startQuickBooksSandbox({ port: 0, timeScale: 3600, clients: [{ clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUris: [APP.redirectUri] }] });
    try {
      const back = await consent(fast.url);
      const t = await tokenRequest(fast.url, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: APP.redirectUri });
      expect(t.json).toMatchObject({ expires_in: 1, x_refresh_token_expires_in: 2424 });
      const api = apiClient(fast.url, t.json.access_token, back.searchParams.get('realmId')!);
      expect((await api('GET', '/preferences')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await api('GET', '/preferences')).status).toBe(401);
    } finally {
      await fast.close();
    }
  });
});
