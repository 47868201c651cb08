/**
 * Connecting a store to Xero: the consent page in a new window (state bound to the store session, PKCE), the
 * callback that stores the tokens and lists the organisations, the choice of one, disconnect (revoke + delete),
 * and the token manager the provider uses. Routes in app/api/connections/[provider]/ call these.
 */
import {
  authorizationUrl,
  createXeroTokenManager,
  exchangeCode,
  listConnections,
  pkceVerifier,
  revokeToken,
  verifyState,
  xeroUrls,
  type XeroConnection,
} from '@/lib/accounting/xero';
import type { OAuthDeps } from '@/lib/accounting/xero/oauth';
import { err, ok, type EdgeFailure, type Result } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import type { ConnectionRepo } from '@/lib/repos/connections';

export interface XeroConnectDeps {
  connections: ConnectionRepo;
  config: { clientId: string; clientSecret: string; redirectUri: string; baseUrl: string | null; stateSecret: string };
  fetch?: typeof fetch;
  now?: () => number;
  /** After a (re)connection: re-enqueue orders held while Xero was unreachable or disconnected. */
  afterConnect?: (storeHash: StoreHash) => Promise<void>;
}

export const oauthDeps = (deps: XeroConnectDeps): OAuthDeps => ({
  urls: xeroUrls(deps.config.baseUrl),
  client: { clientId: deps.config.clientId, clientSecret: deps.config.clientSecret, redirectUri: deps.config.redirectUri },
  fetch: deps.fetch,
  now: deps.now,
});

export function startXeroConnection(deps: XeroConnectDeps, session: { storeHash: StoreHash; userId: number }): { url: string } {
  const { url } = authorizationUrl(oauthDeps(deps), {
    secret: deps.config.stateSecret,
    storeHash: session.storeHash,
    userId: session.userId,
    nowMs: (deps.now ?? Date.now)(),
  });
  return { url };
}

export type CallbackOutcome =
  | { kind: 'connected'; storeHash: StoreHash; tenantName: string }
  | { kind: 'choose'; storeHash: StoreHash; state: string; tenants: Array<{ tenantId: string; tenantName: string }> };

export async function completeXeroConnection(
  deps: XeroConnectDeps,
  query: { code?: string | null; state?: string | null; error?: string | null },
): Promise<Result<CallbackOutcome, EdgeFailure>> {
  if (query.error) return err({ kind: 'Forbidden', message: `Xero did not connect: ${query.error === 'access_denied' ? 'access was declined' : query.error}.` });
  if (!query.code || !query.state) return err({ kind: 'BadRequest', message: 'The Xero callback is missing its code or state.' });
  const checked = verifyState(deps.config.stateSecret, query.state, { nowMs: (deps.now ?? Date.now)() });
  if (!checked.ok) {
    return err({
      kind: 'Unauthorized',
      message: checked.reason === 'expired' ? 'The Xero connection took too long. Start it again from Ledgerbridge.' : 'This Xero connection request was not started by Ledgerbridge.',
    });
  }
  const { storeHash: rawStore, userId, nonce } = checked.state;
  const storeHash = rawStore as StoreHash;
  const tokens = await exchangeCode(oauthDeps(deps), { code: query.code, codeVerifier: pkceVerifier(deps.config.stateSecret, nonce) });
  if (!tokens.ok) return err({ kind: tokens.error.kind === 'unavailable' ? 'Upstream' : 'Unauthorized', message: `Xero refused the connection: ${tokens.error.message}` });
  const listed = await listConnections(oauthDeps(deps), tokens.value.accessToken, tokens.value.authEventId);
  if (!listed.ok) return err({ kind: 'Upstream', message: `Xero's organisation list could not be read: ${listed.error.message}` });
  const tenants = listed.value.map((c: XeroConnection) => ({ tenantId: c.tenantId, tenantName: c.tenantName ?? c.tenantId }));
  if (tenants.length === 0) return err({ kind: 'Forbidden', message: 'No Xero organisation was chosen on the consent page.' });
  const set = { accessToken: tokens.value.accessToken, refreshToken: tokens.value.refreshToken, expiresAt: tokens.value.expiresAt };
  if (tenants.length === 1) {
    const [only] = tenants;
    await deps.connections.connect(storeHash, 'xero', { tenantId: only!.tenantId, tenantName: only!.tenantName, tokens: set, userId });
    await deps.afterConnect?.(storeHash);
    return ok({ kind: 'connected', storeHash, tenantName: only!.tenantName });
  }
  await deps.connections.awaitTenantChoice(storeHash, 'xero', set, tenants, userId);
  return ok({ kind: 'choose', storeHash, state: query.state, tenants });
}

/** The merchant picked one organisation on the callback page (the signed state proves which store and user). */
export async function chooseXeroTenant(
  deps: XeroConnectDeps,
  input: { state: string; tenantId: string },
): Promise<Result<{ storeHash: StoreHash; tenantName: string }, EdgeFailure>> {
  // The choice may come a while after consent: allow an hour on the state for it.
  const checked = verifyState(deps.config.stateSecret, input.state, { nowMs: (deps.now ?? Date.now)() - 50 * 60_000 });
  if (!checked.ok) return err({ kind: 'Unauthorized', message: 'This choice was not started by Ledgerbridge, or it expired.' });
  const storeHash = checked.state.storeHash as StoreHash;
  const pending = await deps.connections.get(storeHash, 'xero');
  const tenant = pending?.pendingTenants.find((t) => t.tenantId === input.tenantId);
  if (!pending || pending.status !== 'choose_tenant' || !tenant) {
    return err({ kind: 'BadRequest', message: 'That organisation is not one of those offered for this connection.' });
  }
  await deps.connections.connect(storeHash, 'xero', { tenantId: tenant.tenantId, tenantName: tenant.tenantName, userId: checked.state.userId });
  await deps.afterConnect?.(storeHash);
  return ok({ storeHash, tenantName: tenant.tenantName });
}

/** Disconnect: revoke the grant at Xero (best effort: a dead grant is already revoked), then delete the tokens. */
export async function disconnectXero(deps: XeroConnectDeps, storeHash: StoreHash): Promise<{ revoked: boolean }> {
  const tokens = await deps.connections.tokens(storeHash, 'xero');
  let revoked = false;
  if (tokens) revoked = (await revokeToken(oauthDeps(deps), tokens.refreshToken)).ok;
  await deps.connections.disconnect(storeHash, 'xero');
  return { revoked };
}

/** The provider's token port for a connected store (refreshing and rotating through the repository). */
export function xeroTokenPort(deps: XeroConnectDeps, storeHash: StoreHash) {
  return createXeroTokenManager({ store: deps.connections.tokenStore(storeHash, 'xero'), oauth: oauthDeps(deps) });
}
