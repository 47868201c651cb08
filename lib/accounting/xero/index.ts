export { createXeroProvider, numberCandidates, type XeroProvider, type XeroProviderDeps, type XeroChartDescription } from './provider';
export { XERO_LIMITS, XERO_MINUTE_MS, XERO_SCOPES, XERO_BATCH_SIZE, XERO_PRODUCTION_URLS, xeroUrls, type XeroUrls } from './config';
export { createXeroPacer, type XeroPacer, type XeroPacerOptions } from './pacer';
export type { XeroTokenPort } from './http';
export type { BatchItem, BatchPaymentItem } from './batch';
export {
  authorizationUrl,
  deleteConnection,
  exchangeCode,
  listConnections,
  pkceChallenge,
  pkceVerifier,
  refreshTokens,
  revokeToken,
  signState,
  verifyState,
  type AuthorizationState,
  type OAuthDeps,
  type XeroClientCredentials,
  type XeroTokenSet,
} from './oauth';
export { createXeroTokenManager, staticXeroToken, type StoredXeroTokens, type XeroTokenStore } from './token-manager';
export type { XeroConnection } from './wire';
export { xeroDefinition } from './definition';
export { xeroConnector, xeroTokenPort, startXeroConnection, completeXeroConnection, chooseXeroTenant, disconnectXero } from './connector';
