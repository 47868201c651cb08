/**
 * Where QuickBooks Online lives and what it allows. Base URLs come from configuration: null → Intuit's hosts; the
 * local sandbox serves everything under `<origin>/quickbooks` (QUICKBOOKS_BASE_URL).
 * OAuth: https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
 * Limits: https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features#limits-and-throttles
 */
import type { ProviderLimits } from '@/lib/sync/provider';

export interface QuickBooksUrls {
  authorize: string;
  token: string;
  revoke: string;
  /** Accounting API root, without a trailing slash: `${api}/v3/company/{realmId}/...`. */
  api: string;
}

export const QUICKBOOKS_PRODUCTION_URLS: QuickBooksUrls = {
  authorize: 'https://appcenter.intuit.com/connect/oauth2',
  token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
  revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
  api: 'https://quickbooks.api.intuit.com',
};

/**
 * The URLs for a base: null → production; `http://127.0.0.1:4100/quickbooks` → the sandbox (consent page at
 * `/quickbooks/connect/oauth2`, tokens at `/quickbooks/oauth2/v1/tokens/bearer`, revoke at
 * `/quickbooks/oauth2/v1/tokens/revoke`, API at `/quickbooks/v3/company/...`).
 */
export function quickbooksUrls(base?: string | null): QuickBooksUrls {
  if (!base) return QUICKBOOKS_PRODUCTION_URLS;
  const root = base.replace(/\/+$/, '');
  return {
    authorize: `${root}/connect/oauth2`,
    token: `${root}/oauth2/v1/tokens/bearer`,
    revoke: `${root}/oauth2/v1/tokens/revoke`,
    api: root,
  };
}

export const QUICKBOOKS_SCOPES = ['com.intuit.quickbooks.accounting'] as const;

/** Sent on every Accounting API call: the shapes read here are minor version 75's. */
export const MINOR_VERSION = '75';

/** Operations per /batch request (Intuit: at most 30). */
export const QUICKBOOKS_BATCH_SIZE = 30;
/** /batch requests per minute per company. */
export const QUICKBOOKS_BATCHES_PER_MINUTE = 40;

export const QUICKBOOKS_LIMITS: ProviderLimits = {
  batchSize: QUICKBOOKS_BATCH_SIZE,
  callsPerMinute: 500,
  concurrency: 10,
  callsPerDay: null,
  // Intuit: DocNumber is at most 21 characters.
  documentNumberMaxLength: 21,
  // DisplayName: at most 500 characters; kept short so the "(BC 1042)" and currency suffixes fit.
  customerNameMaxLength: 100,
  // requestid: at most 50 characters (longer keys are hashed to fit, see mapping.ts requestIdOf).
  idempotencyKeyMaxLength: 50,
  // The reference goes into PrivateNote (4,000 characters) with the shopper's message: kept to 1,000 so both fit.
  // Line Description: 4,000.
  referenceMaxLength: 1000,
  lineDescriptionMaxLength: 4000,
  // QuickBooks has no sales order: it is posted as an invoice.
  documentKinds: ['sales_receipt', 'invoice'],
};

/** Intuit's minute window; the sandbox can scale it (QUICKBOOKS_RATE_WINDOW_MS) and the pacer follows. */
export const QUICKBOOKS_MINUTE_MS = 60_000;
