import { fail, type AccountingProvider, type ProviderLimits } from '@/lib/sync/provider';


/**
 * Stands in for a remote accounting system the store selected but is not connected to (revoked grant, expired
 * refresh token, never finished connecting). Every call answers `auth_revoked` with a message the merchant can act
 * on, so the pipeline holds each order with "Reconnect …" instead of losing it; reconnecting retries them.
 */
export function disconnectedProvider(input: { id: string; displayName: string; limits: ProviderLimits; message: string }): AccountingProvider {
  const revoked = async () => fail({ kind: 'auth_revoked', message: input.message });
  return {
    id: input.id,
    displayName: input.displayName,
    limits: input.limits,
    testConnection: revoked,
    describe: revoked,
    findCustomer: revoked,
    upsertCustomer: revoked,
    findItemsBySku: revoked,
    postDocument: revoked,
    recordPayment: revoked,
    voidDocument: revoked,
    postCreditNote: revoked,
    updateDocument: revoked,
    payOut: revoked,
    stockLevels: revoked,
  };
}
