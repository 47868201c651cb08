/**
 * Connecting a store to QuickBooks Online: Intuit's consent page in a new window (state signed under 'quickbooks' and
 * bound to the store session), the callback that exchanges the code and takes the company from `realmId`, reads
 * CompanyInfo and Preferences, and stores the tokens; disconnect (revoke, then delete); and the provider of a
 * connected store. The routes under app/api/connections/[provider]/ reach these through the registry.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
 */
import { err, ok, type EdgeFailure, type Result } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import { createTokenManager } from '../connect/token-manager';
import { staticToken } from '../connect/token-manager';
import { firstUse } from '../connect/state';
import type { CallbackOutcome, ConnectDeps, Connector } from '../definition';
import { CompanyLists } from './lists';
import { readCompany, type CompanyCache, type CompanySettings } from './company';
import { QUICKBOOKS_BATCHES_PER_MINUTE, QUICKBOOKS_LIMITS, QUICKBOOKS_MINUTE_MS, QUICKBOOKS_SCOPES, quickbooksUrls } from './config';
import { createQboApi } from './http';
import { trackingSetting } from './mapping';
import { authorizationUrl, exchangeCode, refreshTokens, revokeToken, verifyState, type OAuthDeps } from './oauth';
import { createQuickBooksPacer, type QuickBooksPacer } from './pacer';
import { createQuickBooksProvider } from './provider';
import { quickbooksWebhook } from './webhooks';

const ID = 'quickbooks';

export const oauthDeps = (deps: ConnectDeps): OAuthDeps => ({
  urls: quickbooksUrls(deps.config.baseUrl),
  client: { clientId: deps.config.clientId, clientSecret: deps.config.clientSecret, redirectUri: deps.config.redirectUri },
  fetch: deps.fetch,
  now: deps.now,
});

export function startQuickBooksConnection(deps: ConnectDeps, session: { storeHash: StoreHash; userId: number }): { url: string } {
  const { url } = authorizationUrl(oauthDeps(deps), { secret: deps.config.stateSecret, storeHash: session.storeHash, userId: session.userId, nowMs: (deps.now ?? Date.now)() });
  return { url };
}

export async function completeQuickBooksConnection(deps: ConnectDeps, query: URLSearchParams): Promise<Result<CallbackOutcome, EdgeFailure>> {
  const [code, state, realmId, error] = [query.get('code'), query.get('state'), query.get('realmId'), query.get('error')];
  if (error) return err({ kind: 'Forbidden', message: `QuickBooks did not connect: ${error === 'access_denied' ? 'access was declined' : error}.` });
  if (!code || !state) return err({ kind: 'BadRequest', message: 'The QuickBooks callback is missing its code or state.' });
  const checked = verifyState(deps.config.stateSecret, state, { nowMs: (deps.now ?? Date.now)() });
  if (!checked.ok) {
    return err({
      kind: 'Unauthorized',
      message: checked.reason === 'expired' ? 'The QuickBooks connection took too long. Start it again from Ledgerbridge.' : 'This QuickBooks connection request was not started by Ledgerbridge.',
    });
  }
  if (!realmId || !/^\d+$/.test(realmId)) return err({ kind: 'BadRequest', message: 'The QuickBooks callback did not say which company was chosen (realmId).' });
  if (!(await firstUse(deps.consumeState, checked.state))) {
    return err({ kind: 'Unauthorized', message: 'This QuickBooks connection request was used already. Start it again from Ledgerbridge.' });
  }
  const storeHash = checked.state.storeHash as StoreHash;
  const tokens = await exchangeCode(oauthDeps(deps), code);
  if (!tokens.ok) return err({ kind: tokens.error.kind === 'unavailable' ? 'Upstream' : 'Unauthorized', message: `QuickBooks refused the connection: ${tokens.error.message}` });
  // The company's name, currency and tax settings, read once now (and kept per realm for posting).
  const api = createQboApi({ apiUrl: quickbooksUrls(deps.config.baseUrl).api, realmId, tokens: staticToken(tokens.value.accessToken), ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const company = await readCompany(api, realmId);
  if (!company.ok) return err({ kind: 'Upstream', message: `The QuickBooks company could not be read: ${company.error.message}` });
  realmState(realmId, deps.config.minuteMs ?? QUICKBOOKS_MINUTE_MS).companyCache.set(company.value);
  await deps.connections.connect(storeHash, ID, { tenantId: realmId, tenantName: company.value.name, tokens: tokens.value, userId: checked.state.userId });
  await deps.afterConnect?.(storeHash);
  return ok({ kind: 'connected', storeHash, tenantName: company.value.name });
}

/** Disconnect: revoke the grant at Intuit (best effort: a dead grant is already revoked), then delete the tokens. */
export async function disconnectQuickBooks(deps: ConnectDeps, storeHash: StoreHash): Promise<{ revoked: boolean }> {
  const tokens = await deps.connections.tokens(storeHash, ID);
  let revoked = false;
  if (tokens) revoked = (await revokeToken(oauthDeps(deps), tokens.refreshToken)).ok;
  await deps.connections.disconnect(storeHash, ID);
  return { revoked };
}

/** The provider's token port for a connected store: the shared rotating token manager with Intuit's refresh grant. */
export function quickbooksTokenPort(deps: ConnectDeps, storeHash: StoreHash) {
  return createTokenManager({ store: deps.connections.tokenStore(storeHash, ID), displayName: 'QuickBooks', refresh: (refreshToken) => refreshTokens(oauthDeps(deps), refreshToken) });
}

/**
 * Per QuickBooks company, for the whole process: one pacer, so every store context built for that realm shares
 * Intuit's 500 calls a minute, 10 at once and 40 batches a minute; the company's settings, read once every ten
 * minutes instead of once per posting; and its customers and items (./lists.ts), read again only on a miss and at
 * most every five QuickBooks minutes, so a live order costs its form and payment only.
 */
const realms = new Map<string, { pacer: QuickBooksPacer; lists: CompanyLists; company: { value: CompanySettings; at: number } | null }>();
const COMPANY_TTL_MS = 10 * 60_000;
function realmState(realmId: string, windowMs: number): { pacer: QuickBooksPacer; lists: CompanyLists; companyCache: CompanyCache } {
  const key = `${realmId}:${windowMs}`;
  let state = realms.get(key);
  if (!state) {
    state = {
      pacer: createQuickBooksPacer({ callsPerMinute: QUICKBOOKS_LIMITS.callsPerMinute ?? 500, concurrency: QUICKBOOKS_LIMITS.concurrency, batchesPerMinute: QUICKBOOKS_BATCHES_PER_MINUTE, windowMs }),
      lists: new CompanyLists({ maxAgeMs: 5 * windowMs }),
      company: null,
    };
    realms.set(key, state);
  }
  const realm = state;
  return {
    pacer: realm.pacer,
    lists: realm.lists,
    companyCache: {
      get: () => (realm.company && Date.now() - realm.company.at < COMPANY_TTL_MS ? realm.company.value : null),
      set: (value) => void (realm.company = { value, at: Date.now() }),
    },
  };
}

export const quickbooksConnector: Connector = {
  env: {
    clientId: 'QUICKBOOKS_CLIENT_ID',
    clientSecret: 'QUICKBOOKS_CLIENT_SECRET',
    redirectUri: 'QUICKBOOKS_REDIRECT_URI',
    baseUrl: 'QUICKBOOKS_BASE_URL',
    minuteMs: 'QUICKBOOKS_RATE_WINDOW_MS',
    webhookKey: 'QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN',
  },
  // Invoice updates and voids (payments and credit memos applied): ./webhooks.ts.
  webhook: quickbooksWebhook,
  oauth(baseUrl) {
    const urls = quickbooksUrls(baseUrl);
    return { authorizeUrl: urls.authorize, tokenUrl: urls.token, revokeUrl: urls.revoke, scopes: QUICKBOOKS_SCOPES, pkce: false, tenant: 'redirect' };
  },
  start: startQuickBooksConnection,
  complete: completeQuickBooksConnection,
  // The company is chosen on Intuit's consent page and comes back as realmId: there is nothing to choose afterwards.
  chooseTenant: async () => err({ kind: 'BadRequest', message: 'QuickBooks companies are chosen on the QuickBooks consent page.' }),
  disconnect: disconnectQuickBooks,
  open(ctx, connection) {
    const deps = ctx.connect;
    const minuteMs = deps.config.minuteMs ?? QUICKBOOKS_MINUTE_MS;
    const realm = realmState(connection.tenantId, minuteMs);
    return {
      provider: createQuickBooksProvider({
        realmId: connection.tenantId,
        tokens: quickbooksTokenPort(deps, ctx.storeHash),
        urls: quickbooksUrls(deps.config.baseUrl),
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        pacer: realm.pacer,
        companyCache: realm.companyCache,
        lists: realm.lists,
        tracking: trackingSetting(ctx.settings),
        minuteMs,
      }),
      tenant: `${ID}:${connection.tenantId}`,
    };
  },
};
