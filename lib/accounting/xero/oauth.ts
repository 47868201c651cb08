/**
 * Xero's OAuth 2.0 (authorization code with PKCE S256), as pure functions the app's routes call:
 * authorize URL → code exchange → connections → refresh (rotating) → revoke / disconnect.
 * https://developer.xero.com/documentation/guides/oauth2/auth-flow/ and .../pkce-flow/
 *
 * State is stateless and bound to the store session: `{storeHash, userId, nonce, exp}` signed with HMAC; the
 * PKCE verifier is derived from the same secret and nonce, so the callback needs no server-side storage and a
 * state minted for one store cannot complete a connection for another.
 */
import {
  newNonce,
  pkceChallenge,
  pkceVerifier as sharedVerifier,
  signState as sharedSign,
  verifyState as sharedVerify,
  type AuthorizationState,
  type StateCheck,
} from '../connect/state';
import { ok, type Outcome } from '@/lib/sync/provider';
import { XERO_SCOPES, type XeroUrls } from './config';
import { failed } from './errors';
import { connectionSchema, tokenErrorSchema, tokenResponseSchema, type XeroConnection } from './wire';

export interface XeroClientCredentials {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface XeroTokenSet {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  scope: string[];
  idToken: string | null;
  /** From the access token: filters /connections to the organisations chosen in this consent. */
  authEventId: string | null;
}

export interface OAuthDeps {
  urls: Pick<XeroUrls, 'authorize' | 'token' | 'revocation' | 'connections'>;
  client: XeroClientCredentials;
  fetch?: typeof fetch;
  now?: () => number;
}

// ---------------------------------------------------------------------------------------- state + PKCE
// The shared signed state (../connect/state.ts) under Xero's domain.

export type { AuthorizationState, StateCheck } from '../connect/state';
export { pkceChallenge } from '../connect/state';

export const pkceVerifier = (secret: string, nonce: string): string => sharedVerifier('xero', secret, nonce);
export const signState = (secret: string, state: AuthorizationState): string => sharedSign('xero', secret, state);
export const verifyState = (secret: string, raw: string, expected: { storeHash?: string; nowMs: number }): StateCheck =>
  sharedVerify('xero', secret, raw, expected);

/**
 * The consent page URL for a store session (opened in a new window, not in the control-panel iframe).
 * Returns the signed state too, for the route to bind to the browser (e.g. a short-lived cookie).
 */
export function authorizationUrl(
  deps: Pick<OAuthDeps, 'urls' | 'client'>,
  input: { secret: string; storeHash: string; userId: number; nowMs: number; ttlSeconds?: number; scopes?: readonly string[]; nonce?: string },
): { url: string; state: string } {
  const nonce = input.nonce ?? newNonce();
  const state = signState(input.secret, { storeHash: input.storeHash, userId: input.userId, nonce, exp: Math.floor(input.nowMs / 1000) + (input.ttlSeconds ?? 600) });
  const url = new URL(deps.urls.authorize);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: deps.client.clientId,
    redirect_uri: deps.client.redirectUri,
    scope: (input.scopes ?? XERO_SCOPES).join(' '),
    state,
    code_challenge: pkceChallenge(pkceVerifier(input.secret, nonce)),
    code_challenge_method: 'S256',
  }).toString();
  return { url: url.toString(), state };
}

// ---------------------------------------------------------------------------------------- token endpoint

function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

async function tokenRequest(deps: OAuthDeps, form: Record<string, string>, what: string): Promise<Outcome<XeroTokenSet>> {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  let res: Response;
  try {
    res = await doFetch(deps.urls.token, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${deps.client.clientId}:${deps.client.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    return failed({ kind: 'unavailable', message: `${what}: no answer from Xero's identity service (${(error as Error).message}).` });
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const t = tokenResponseSchema.parse(json);
    if (!t.refresh_token) throw new Error('Xero issued no refresh token: the offline_access scope is missing');
    const claims = jwtClaims(t.access_token);
    return ok({
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expiresAt: now() + t.expires_in * 1000,
      scope: (t.scope ?? '').split(' ').filter(Boolean),
      idToken: t.id_token ?? null,
      authEventId: typeof claims.authentication_event_id === 'string' ? claims.authentication_event_id : null,
    });
  }
  if (res.status >= 500 || res.status === 429) return failed({ kind: 'unavailable', message: `${what}: Xero's identity service answered ${res.status}.` });
  const e = tokenErrorSchema.safeParse(json);
  const code = e.success ? e.data.error : `http_${res.status}`;
  if (code === 'invalid_grant') return failed({ kind: 'auth_revoked', message: `${what}: Xero no longer accepts this authorisation (invalid_grant). Reconnect Xero.` });
  // invalid_client / unsupported_grant_type: our configuration is wrong, not the merchant's.
  throw new Error(`${what}: Xero's token endpoint refused the request (${code})`);
}

/** Exchanges the callback's code (with the PKCE verifier of its state). */
export function exchangeCode(deps: OAuthDeps, input: { code: string; codeVerifier: string }): Promise<Outcome<XeroTokenSet>> {
  return tokenRequest(deps, { grant_type: 'authorization_code', code: input.code, redirect_uri: deps.client.redirectUri, code_verifier: input.codeVerifier }, 'Connecting Xero');
}

/**
 * Uses a refresh token once. Xero rotates it: the answer carries a NEW refresh token and the old one stops
 * working (after a short grace period). The caller must persist the new set before using its access token.
 */
export function refreshTokens(deps: OAuthDeps, refreshToken: string): Promise<Outcome<XeroTokenSet>> {
  return tokenRequest(deps, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'Refreshing the Xero connection');
}

/** Revokes the refresh token (and with it the grant and its connections). */
export async function revokeToken(deps: OAuthDeps, refreshToken: string): Promise<Outcome<void>> {
  const doFetch = deps.fetch ?? fetch;
  try {
    const res = await doFetch(deps.urls.revocation, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${deps.client.clientId}:${deps.client.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: refreshToken }).toString(),
      signal: AbortSignal.timeout(30_000),
    });
    await res.text();
    if (res.ok) return ok(undefined);
    if (res.status >= 500) return failed({ kind: 'unavailable', message: `Disconnecting Xero: the identity service answered ${res.status}.` });
    // 400 invalid_grant: already revoked; nothing left to revoke.
    return ok(undefined);
  } catch (error) {
    return failed({ kind: 'unavailable', message: `Disconnecting Xero: no answer (${(error as Error).message}).` });
  }
}

/** The organisations this authorisation may use (`authEventId` narrows it to the ones just chosen). */
export async function listConnections(deps: OAuthDeps, accessToken: string, authEventId?: string | null): Promise<Outcome<XeroConnection[]>> {
  const doFetch = deps.fetch ?? fetch;
  const url = new URL(deps.urls.connections);
  if (authEventId) url.searchParams.set('authEventId', authEventId);
  let res: Response;
  try {
    res = await doFetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    return failed({ kind: 'unavailable', message: `Listing Xero organisations: no answer (${(error as Error).message}).` });
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.status === 401 || res.status === 403) return failed({ kind: 'auth_revoked', message: 'Listing Xero organisations: the authorisation is no longer valid. Reconnect Xero.' });
  if (!res.ok) return failed({ kind: 'unavailable', message: `Listing Xero organisations: Xero answered ${res.status}.` });
  return ok(connectionSchema.array().parse(json).filter((c) => c.tenantType === 'ORGANISATION'));
}

/** Removes one organisation's connection (the others of the same grant stay). */
export async function deleteConnection(deps: OAuthDeps, accessToken: string, connectionId: string): Promise<Outcome<void>> {
  const doFetch = deps.fetch ?? fetch;
  const res = await doFetch(`${deps.urls.connections}/${encodeURIComponent(connectionId)}`, { method: 'DELETE', headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(30_000) }).catch(
    (error: Error) => error,
  );
  if (res instanceof Error) return failed({ kind: 'unavailable', message: `Disconnecting the organisation: no answer (${res.message}).` });
  await res.text();
  if (res.ok || res.status === 404) return ok(undefined);
  if (res.status === 401 || res.status === 403) return failed({ kind: 'auth_revoked', message: 'Disconnecting the organisation: the authorisation is no longer valid.' });
  return failed({ kind: 'unavailable', message: `Disconnecting the organisation: Xero answered ${res.status}.` });
}
