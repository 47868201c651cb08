/** Xero's token port: the shared rotating token manager (../connect/token-manager.ts) with Xero's refresh grant. */
import { createTokenManager, staticToken, type TokenManagerDeps } from '../connect/token-manager';
import type { StoredTokens, TokenStore } from '../connect/tokens';
import { refreshTokens, type OAuthDeps } from './oauth';

export type StoredXeroTokens = StoredTokens;
export type XeroTokenStore = TokenStore;

export function createXeroTokenManager(deps: { store: TokenStore; oauth: OAuthDeps } & Pick<TokenManagerDeps, 'skewMs' | 'now'>) {
  return createTokenManager({ ...deps, displayName: 'Xero', refresh: (refreshToken) => refreshTokens(deps.oauth, refreshToken) });
}

export const staticXeroToken = staticToken;
