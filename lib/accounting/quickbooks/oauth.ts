/**
 * Intuit's OAuth 2.0 (authorization code, client credentials as HTTP Basic), as functions the connector calls:
 * consent URL → code exchange (the company comes back as `realmId` on the redirect) → refresh (the answer carries a
 * refresh token to use next time; "always use the refresh token returned in the most recent token_endpoint
 * response") → revoke. https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
 * The state is the shared signed state (../connect/state.ts) under the domain 'quickbooks', bound to the store session.
 * Intuit's flow has no PKCE. Why this is not `intuit-oauth`: README.md.
 */
import { ok, type Outcome } from '@/lib/sync/provider';
import { newNonce, signState as sharedSign, verifyState as sharedVerify, type AuthorizationState, type StateCheck } from '../connect/state';
import type { StoredTokens } from '../connect/tokens';
import { QUICKBOOKS_SCOPES, type QuickBooksUrls } from './config';
import { failed } from './errors';
import { tokenErrorSchema, tokenResponseSchema } from './wire';

export interface QuickBooksClientCredentials {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface OAuthDeps {
  urls: Pick<QuickBooksUrls, 'authorize' | 'token' | 'revoke'>;
  client: QuickBooksClientCredentials;
  fetch?: typeof fetch;
  now?: () => number;
}

const DOMAIN = 'quickbooks';
export const signState = (secret: string, state: AuthorizationState): string => sharedSign(DOMAIN, secret, state);
export const verifyState = (secret: string, raw: string, expected: { storeHash?: string; nowMs: number }): StateCheck => sharedVerify(DOMAIN, secret, raw, expected);

/** The consent page for a store session (opened in a new window: Intuit's page refuses to be framed). */
export function authorizationUrl(
  deps: Pick<OAuthDeps, 'urls' | 'client'>,
  input: { secret: string; storeHash: string; userId: number; nowMs: number; ttlSeconds?: number },
): { url: string; state: string } {
  const state = signState(input.secret, { storeHash: input.storeHash, userId: input.userId, nonce: newNonce(), exp: Math.floor(input.nowMs / 1000) + (input.ttlSeconds ?? 600) });
  const url = new URL(deps.urls.authorize);
  url.search = new URLSearchParams({
    client_id: deps.client.clientId,
    response_type: 'code',
    scope: QUICKBOOKS_SCOPES.join(' '),
    redirect_uri: deps.client.redirectUri,
    state,
  }).toString();
  return { url: url.toString(), state };
}

const basic = (client: QuickBooksClientCredentials) => `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;

async function tokenRequest(deps: OAuthDeps, form: Record<string, string>, what: string): Promise<Outcome<StoredTokens>> {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  let res: Response;
  try {
    // One attempt: a repeated refresh after a lost answer would rotate again behind the store's back.
    res = await doFetch(deps.urls.token, {
      method: 'POST',
      headers: { authorization: basic(deps.client), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    return failed({ kind: 'unavailable', message: `${what}: no answer from Intuit's token service (${(error as Error).message}).` });
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const t = tokenResponseSchema.parse(json);
    return ok({ accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: now() + t.expires_in * 1000 });
  }
  if (res.status >= 500 || res.status === 429) return failed({ kind: 'unavailable', message: `${what}: Intuit's token service answered ${res.status}.` });
  const e = tokenErrorSchema.safeParse(json);
  const code = e.success ? e.data.error : `http_${res.status}`;
  if (code === 'invalid_grant') {
    return failed({ kind: 'auth_revoked', message: `${what}: Intuit no longer accepts this authorization (invalid_grant: revoked, or unused for 100 days). Reconnect QuickBooks.` });
  }
  // invalid_client, unsupported_grant_type: the app's configuration is wrong, not the merchant's.
  throw new Error(`${what}: Intuit's token endpoint refused the request (${code})`);
}

export function exchangeCode(deps: OAuthDeps, code: string): Promise<Outcome<StoredTokens>> {
  return tokenRequest(deps, { grant_type: 'authorization_code', code, redirect_uri: deps.client.redirectUri }, 'Connecting QuickBooks');
}

/** Uses a refresh token once; the caller persists the answer (its refresh token included) before using it. */
export function refreshTokens(deps: OAuthDeps, refreshToken: string): Promise<Outcome<StoredTokens>> {
  return tokenRequest(deps, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'Refreshing the QuickBooks connection');
}

/** Revokes the grant (a refresh token revokes it all). Intuit's docs send `{"token": ...}` as JSON. */
export async function revokeToken(deps: OAuthDeps, token: string): Promise<Outcome<void>> {
  const doFetch = deps.fetch ?? fetch;
  try {
    const res = await doFetch(deps.urls.revoke, {
      method: 'POST',
      headers: { authorization: basic(deps.client), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token }),
      signal: AbortSignal.timeout(30_000),
    });
    await res.text();
    if (res.status >= 500) return failed({ kind: 'unavailable', message: `Disconnecting QuickBooks: Intuit answered ${res.status}.` });
    // 400: already revoked or unknown; nothing left to revoke.
    return ok(undefined);
  } catch (error) {
    return failed({ kind: 'unavailable', message: `Disconnecting QuickBooks: no answer (${(error as Error).message}).` });
  }
}
