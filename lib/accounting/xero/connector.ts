/**
 * Connecting a store to Xero: the consent page in a new window (state bound to the store session, PKCE), the
 * callback that stores the tokens and lists the organisations, the choice of one, disconnect (revoke + delete),
 * and the provider of a connected store. The routes under app/api/connections/[provider]/ reach these through the
 * registry. https://developer.xero.com/documentation/guides/oauth2/auth-flow/
 */
import { err, ok, type EdgeFailure, type Result } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import type { ConnectionInfo } from '@/lib/sync/provider';
import { firstUse } from '../connect/state';
import type { CallbackOutcome, ConnectDeps, Connector } from '../definition';
import { XERO_LIMITS, XERO_MINUTE_MS, XERO_SCOPES, xeroUrls } from './config';
import { OrganisationLists } from './lists';
import { xeroPostingOptions } from './mapping';
import { authorizationUrl, exchangeCode, listConnections, pkceVerifier, revokeToken, verifyState, type OAuthDeps } from './oauth';
import { createXeroPacer, type XeroPacer } from './pacer';
import { createXeroProvider } from './provider';
import { createXeroTokenManager } from './token-manager';
import { xeroWebhook } from './webhooks';

const ID = 'xero';

export const oauthDeps = (deps: ConnectDeps): OAuthDeps => ({
  urls: xeroUrls(deps.config.baseUrl),
  client: { clientId: deps.config.clientId, clientSecret: deps.config.clientSecret, redirectUri: deps.config.redirectUri },
  fetch: deps.fetch,
  now: deps.now,
});

export function startXeroConnection(deps: ConnectDeps, session: { storeHash: StoreHash; userId: number }): { url: string } {
  const { url } = authorizationUrl(oauthDeps(deps), {
    secret: deps.config.stateSecret,
    storeHash: session.storeHash,
    userId: session.userId,
    nowMs: (deps.now ?? Date.now)(),
  });
  return { url };
}

export async function completeXeroConnection(deps: ConnectDeps, query: URLSearchParams): Promise<Result<CallbackOutcome, EdgeFailure>> {
  const [code, state, error] = [query.get('code'), query.get('state'), query.get('error')];
  if (error) return err({ kind: 'Forbidden', message: `Xero did not connect: ${error === 'access_denied' ? 'access was declined' : error}.` });
  if (!code || !state) return err({ kind: 'BadRequest', message: 'The Xero callback is missing its code or state.' });
  const checked = verifyState(deps.config.stateSecret, state, { nowMs: (deps.now ?? Date.now)() });
  if (!checked.ok) {
    return err({
      kind: 'Unauthorized',
      message: checked.reason === 'expired' ? 'The Xero connection took too long. Start it again from Ledgerbridge.' : 'This Xero connection request was not started by Ledgerbridge.',
    });
  }
  const { storeHash: rawStore, userId, nonce } = checked.state;
  if (!(await firstUse(deps.consumeState, checked.state))) {
    return err({ kind: 'Unauthorized', message: 'This Xero connection request was used already. Start it again from Ledgerbridge.' });
  }
  const storeHash = rawStore as StoreHash;
  const tokens = await exchangeCode(oauthDeps(deps), { code, codeVerifier: pkceVerifier(deps.config.stateSecret, nonce) });
  if (!tokens.ok) return err({ kind: tokens.error.kind === 'unavailable' ? 'Upstream' : 'Unauthorized', message: `Xero refused the connection: ${tokens.error.message}` });
  const listed = await listConnections(oauthDeps(deps), tokens.value.accessToken, tokens.value.authEventId);
  if (!listed.ok) return err({ kind: 'Upstream', message: `Xero's organisation list could not be read: ${listed.error.message}` });
  const tenants = listed.value.map((c) => ({ tenantId: c.tenantId, tenantName: c.tenantName ?? c.tenantId }));
  if (tenants.length === 0) return err({ kind: 'Forbidden', message: 'No Xero organisation was chosen on the consent page.' });
  const set = { accessToken: tokens.value.accessToken, refreshToken: tokens.value.refreshToken, expiresAt: tokens.value.expiresAt };
  if (tenants.length === 1) {
    const [only] = tenants;
    await deps.connections.connect(storeHash, ID, { tenantId: only!.tenantId, tenantName: only!.tenantName, tokens: set, userId });
    await deps.afterConnect?.(storeHash);
    return ok({ kind: 'connected', storeHash, tenantName: only!.tenantName });
  }
  await deps.connections.awaitTenantChoice(storeHash, ID, set, tenants, userId);
  return ok({ kind: 'choose', storeHash, state, tenants });
}

/** The merchant picked one organisation on the callback page (the signed state proves which store and user). */
export async function chooseXeroTenant(deps: ConnectDeps, input: { state: string; tenantId: string }): Promise<Result<{ storeHash: StoreHash; tenantName: string }, EdgeFailure>> {
  // The choice may come a while after consent: allow an hour on the state for it.
  const checked = verifyState(deps.config.stateSecret, input.state, { nowMs: (deps.now ?? Date.now)() - 50 * 60_000 });
  if (!checked.ok) return err({ kind: 'Unauthorized', message: 'This choice was not started by Ledgerbridge, or it expired.' });
  const storeHash = checked.state.storeHash as StoreHash;
  const pending = await deps.connections.get(storeHash, ID);
  const tenant = pending?.pendingTenants.find((t) => t.tenantId === input.tenantId);
  if (!pending || pending.status !== 'choose_tenant' || !tenant) {
    return err({ kind: 'BadRequest', message: 'That organisation is not one of those offered for this connection.' });
  }
  await deps.connections.connect(storeHash, ID, { tenantId: tenant.tenantId, tenantName: tenant.tenantName, userId: checked.state.userId });
  await deps.afterConnect?.(storeHash);
  return ok({ storeHash, tenantName: tenant.tenantName });
}

/** Disconnect: revoke the grant at Xero (best effort: a dead grant is already revoked), then delete the tokens. */
export async function disconnectXero(deps: ConnectDeps, storeHash: StoreHash): Promise<{ revoked: boolean }> {
  const tokens = await deps.connections.tokens(storeHash, ID);
  let revoked = false;
  if (tokens) revoked = (await revokeToken(oauthDeps(deps), tokens.refreshToken)).ok;
  await deps.connections.disconnect(storeHash, ID);
  return { revoked };
}

/** The provider's token port for a connected store (refreshing and rotating through the repository). */
export function xeroTokenPort(deps: ConnectDeps, storeHash: StoreHash) {
  return createXeroTokenManager({ store: deps.connections.tokenStore(storeHash, ID), oauth: oauthDeps(deps) });
}

/**
 * Per Xero organisation, for the whole process: one pacer, so every store context built for that tenant (each
 * step builds its own) shares Xero's 60 calls a minute and 5 at once and what Xero's headers say about the rest;
 * the organisation's base currency, read once every ten minutes instead of once per posting; and its contacts and
 * items (./lists.ts), read again only on a miss and at most every five Xero minutes, so a live order costs its invoice and payment only.
 */
const tenants = new Map<string, { pacer: XeroPacer; lists: OrganisationLists; organisation: { value: ConnectionInfo; at: number } | null }>();
const ORGANISATION_TTL_MS = 10 * 60_000;
function tenantState(tenantId: string, windowMs: number) {
  const key = `${tenantId}:${windowMs}`;
  let state = tenants.get(key);
  if (!state) {
    const pacer = createXeroPacer({ callsPerMinute: XERO_LIMITS.callsPerMinute ?? 60, concurrency: XERO_LIMITS.concurrency, windowMs });
    state = { pacer, lists: new OrganisationLists({ maxAgeMs: 5 * windowMs }), organisation: null };
    tenants.set(key, state);
  }
  const tenant = state;
  return {
    pacer: tenant.pacer,
    lists: tenant.lists,
    organisationCache: {
      get: () => (tenant.organisation && Date.now() - tenant.organisation.at < ORGANISATION_TTL_MS ? tenant.organisation.value : null),
      set: (value: ConnectionInfo) => void (tenant.organisation = { value, at: Date.now() }),
    },
  };
}

export const xeroConnector: Connector = {
  env: {
    clientId: 'XERO_CLIENT_ID',
    clientSecret: 'XERO_CLIENT_SECRET',
    redirectUri: 'XERO_REDIRECT_URI',
    baseUrl: 'XERO_BASE_URL',
    minuteMs: 'XERO_RATE_WINDOW_MS',
    webhookKey: 'XERO_WEBHOOK_KEY',
  },
  // Invoice updates (payments, voids, credit notes allocated): ./webhooks.ts.
  webhook: xeroWebhook,
  oauth(baseUrl) {
    const urls = xeroUrls(baseUrl);
    return { authorizeUrl: urls.authorize, tokenUrl: urls.token, revokeUrl: urls.revocation, scopes: XERO_SCOPES, pkce: true, tenant: 'listed' };
  },
  start: startXeroConnection,
  complete: completeXeroConnection,
  chooseTenant: chooseXeroTenant,
  disconnect: disconnectXero,
  open(ctx, connection) {
    const deps = ctx.connect;
    return {
      provider: createXeroProvider({
        tenantId: connection.tenantId,
        tokens: xeroTokenPort(deps, ctx.storeHash),
        urls: xeroUrls(deps.config.baseUrl),
        // Invoice status (AUTHORISED or DRAFT) and the tracking option on every line, from the store's settings.
        ...xeroPostingOptions(ctx.settings),
        // The contact's ContactNumber is the store's customer reference: prefix + BigCommerce customer id.
        contactNumberPrefix: ctx.settings.customers.referencePrefix,
        ...tenantState(connection.tenantId, deps.config.minuteMs ?? XERO_MINUTE_MS),
      }),
      tenant: `${ID}:${connection.tenantId}`,
    };
  },
};
