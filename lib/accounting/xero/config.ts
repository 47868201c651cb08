/**
 * Where Xero lives and what it allows. Base URLs always come from configuration (the sandbox serves them under
 * `<origin>/xero`); the defaults are Xero's real hosts.
 * Limits: https://developer.xero.com/documentation/guides/oauth2/limits/
 */
import type { ProviderLimits } from '@/lib/sync/provider';

export interface XeroUrls {
  authorize: string;
  token: string;
  revocation: string;
  connections: string;
  /** Accounting API root, without a trailing slash. */
  api: string;
}

export const XERO_PRODUCTION_URLS: XeroUrls = {
  authorize: 'https://login.xero.com/identity/connect/authorize',
  token: 'https://identity.xero.com/connect/token',
  revocation: 'https://identity.xero.com/connect/revocation',
  connections: 'https://api.xero.com/connections',
  api: 'https://api.xero.com/api.xro/2.0',
};

/**
 * The URLs for a Xero base: `undefined` → production; `http://127.0.0.1:4100/xero` → the sandbox mounted under
 * `/xero` (identity at `/xero/identity/connect/authorize`, token at `/xero/connect/token`, API at `/xero/api.xro/2.0`).
 */
export function xeroUrls(sandboxBase?: string | null): XeroUrls {
  if (!sandboxBase) return XERO_PRODUCTION_URLS;
  const base = sandboxBase.replace(/\/+$/, '');
  return {
    authorize: `${base}/identity/connect/authorize`,
    token: `${base}/connect/token`,
    revocation: `${base}/connect/revocation`,
    connections: `${base}/connections`,
    api: `${base}/api.xro/2.0`,
  };
}

/** Granular scopes (apps created since March 2026) plus offline_access for a refresh token. */
export const XERO_SCOPES = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'accounting.invoices',
  'accounting.payments',
  'accounting.contacts',
  'accounting.settings',
  // Daily summaries as manual journals (`posting.summaryDocument` journal, summary-journal.ts): granular scopes split
  // manual journals out of accounting.transactions. A connection made before this was asked is told to reconnect.
  'accounting.manualjournals',
] as const;

/** Documents per create request with summarizeErrors=false. */
export const XERO_BATCH_SIZE = 50;

export const XERO_LIMITS: ProviderLimits = {
  batchSize: XERO_BATCH_SIZE,
  callsPerMinute: 60,
  concurrency: 5,
  callsPerDay: 5000,
  // InvoiceNumber is up to 255 characters on Xero; keep our numbers short and searchable.
  documentNumberMaxLength: 255,
  customerNameMaxLength: 255,
  idempotencyKeyMaxLength: 128,
  // Invoice Reference: 255 characters; LineItems Description: 4,000 (the mapping cuts the description there too).
  referenceMaxLength: 255,
  lineDescriptionMaxLength: 4000,
  documentKinds: ['invoice'],
};

/** Xero's minute window; the sandbox scales it (time-scaled limits) and the pacer follows. */
export const XERO_MINUTE_MS = 60_000;
