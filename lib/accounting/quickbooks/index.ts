export { createQuickBooksProvider, numberCandidates, type QuickBooksProvider, type QuickBooksProviderDeps } from './provider';
export { QUICKBOOKS_LIMITS, QUICKBOOKS_MINUTE_MS, QUICKBOOKS_SCOPES, QUICKBOOKS_BATCH_SIZE, QUICKBOOKS_PRODUCTION_URLS, quickbooksUrls, type QuickBooksUrls } from './config';
export { createQuickBooksPacer, type QuickBooksPacer } from './pacer';
export { authorizationUrl, exchangeCode, refreshTokens, revokeToken, signState, verifyState } from './oauth';
export { readCompany, type CompanySettings } from './company';
export { quickbooksDefinition } from './definition';
export { quickbooksConnector, quickbooksTokenPort, startQuickBooksConnection, completeQuickBooksConnection, disconnectQuickBooks } from './connector';
