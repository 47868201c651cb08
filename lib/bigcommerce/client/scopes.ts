/**
 * Which OAuth scopes a token lacks, asked of BigCommerce itself. A marketplace install is told its scopes (the auth
 * callback's `scope`, checked in lib/bigcommerce/install.ts), but a store-level API account's token comes with no
 * list, and BigCommerce has no call that reads one back. What BigCommerce documents is the answer to a call the
 * token may not make: 403 Forbidden, "returned when permissions do not allow the operation" (API Status Codes,
 * https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes), with the body title "You don't have
 * a required scope to access the endpoint"; each endpoint's reference names the scopes that grant it (API Accounts
 * & OAuth Scopes, https://developer.bigcommerce.com/docs/start/authentication/api-accounts#oauth-scopes).
 *
 * So each scope is probed with one call that needs it and changes nothing: a read for a read-only scope; for a
 * modify scope, a write that has nothing to apply (order 0, which never exists, or an empty batch). The gateway
 * checks the scope before the resource sees the request, so a token holding it is answered 404 or 422 and one
 * without it 403 (what the sandbox models, tests/sandbox/bigcommerce/api.ts; not verified against a live store).
 * A modify scope also grants its read-only twin, so probing the scope asked for is enough either way.
 */
import { err, ok, type Result } from '@/lib/errors';
import type { BcFailure } from './failures';
import type { BcRequest, BcResponse } from './transport';

type Probe = Omit<BcRequest, 'operation' | 'scope'>;

/** One call per scope the app can ask for (lib/env.ts BIGCOMMERCE_REQUIRED_SCOPES). */
export const SCOPE_PROBES: Readonly<Record<string, Probe>> = {
  store_v2_information_read_only: { method: 'GET', path: '/v2/store' },
  store_v2_orders_read_only: { method: 'GET', path: '/v2/orders/count' },
  store_v2_orders: { method: 'PUT', path: '/v2/orders/0', body: {} },
  store_v2_products_read_only: { method: 'GET', path: '/v3/catalog/products', query: { limit: 1 } },
  store_v2_products: { method: 'PUT', path: '/v3/catalog/products', body: [] },
  store_v2_customers_read_only: { method: 'GET', path: '/v3/customers', query: { limit: 1 } },
  store_inventory_read_only: { method: 'GET', path: '/v3/inventory/locations', query: { limit: 1 } },
  store_inventory: { method: 'PUT', path: '/v3/inventory/adjustments/absolute', body: { reason: 'scope check', items: [] } },
  store_v2_transactions_read_only: { method: 'GET', path: '/v3/orders/0/transactions' },
};

export interface ScopeCheck {
  /** Scopes BigCommerce refused (403), in the order asked. */
  missing: string[];
  /** Scopes this file has no probe for: not checked. */
  unchecked: string[];
}

/**
 * Probes each scope in turn. Unauthorized (the token is revoked or for another store), a rate limit that outlasted
 * the retries and an outage are failures: the token's scopes are then unknown.
 */
export async function checkScopes(
  request: (req: BcRequest) => Promise<Result<BcResponse, BcFailure>>,
  scopes: readonly string[],
): Promise<Result<ScopeCheck, BcFailure>> {
  const missing: string[] = [];
  const unchecked: string[] = [];
  for (const scope of scopes) {
    const probe = SCOPE_PROBES[scope];
    if (!probe) {
      unchecked.push(scope);
      continue;
    }
    const answer = await request({ ...probe, operation: `${probe.method} ${probe.path} (checking ${scope})`, scope });
    if (answer.ok) continue;
    const failure = answer.error;
    if (failure.kind === 'Forbidden') missing.push(scope);
    else if (failure.kind === 'Unauthorized' || failure.kind === 'Unavailable' || failure.kind === 'RateLimited') return err(failure);
    // NotFound and Validation: the call was let through to the resource, so the scope is granted.
  }
  return ok({ missing, unchecked });
}
