/**
 * What the store has granted the app against what the app needs now, for the page header and the overview. A store
 * installed before a scope became required (`store_v2_transactions_read_only`, to read refunds) keeps its old token
 * and keeps posting orders; its pages say what is missing, why, and how to grant it. The scope granted is the one
 * stored at install (stores.scope), replaced by every later auth callback (a re-authorization or a reinstall).
 */
import { missingScopes } from '@/lib/bigcommerce/oauth';

export interface MissingPermission {
  /** The OAuth scope, as BigCommerce names it (`store_v2_transactions_read_only`). */
  scope: string;
  /** The permission as the control panel shows it ("Order Transactions: read-only"). */
  name: string;
  /** What the app does with it, and what waits until it is granted. */
  why: string;
}

export interface StorePermissions {
  /** True when every scope the app requires is granted. */
  complete: boolean;
  missing: MissingPermission[];
}

/** The shell's view (`GET /api/me`): the signed-in store and user, and the permissions still to grant. */
export interface MeView {
  store: {
    hash: string;
    name: string | null;
    plan: string | null;
    currency: string | null;
    installedAt: string;
    permissions: StorePermissions;
  } | null;
  user: { id: number };
}

/** Every scope the app asks for, in the control panel's words. A modify scope covers its read-only twin. */
const PURPOSES: Record<string, { name: string; why: string }> = {
  store_v2_orders: {
    name: 'Orders: modify',
    why: 'Reads your orders to post them, and writes the status back after posting.',
  },
  store_v2_information_read_only: {
    name: 'Information & Settings: read-only',
    why: 'Reads your store’s name, plan and currency.',
  },
  store_v2_products: {
    name: 'Products: modify',
    why: 'Matches order lines to your items, imports products, and pushes product details when you turn that on.',
  },
  store_v2_customers_read_only: {
    name: 'Customers: read-only',
    why: 'Matches each order to its customer in your books.',
  },
  store_inventory: {
    name: 'Inventory: modify',
    why: 'Sends stock levels from your books to BigCommerce when stock sync is on.',
  },
  store_v2_transactions_read_only: {
    name: 'Order Transactions: read-only',
    why:
      'Reads each order’s refunds and payment transactions, so every refund is booked as a credit note with the money paid back. ' +
      'Nothing is lost meanwhile: orders keep posting, and the periodic check books the refunds made in the meantime once you grant it.',
  },
};

/** A scope as the control panel names it, with BigCommerce's name: "Orders: modify (store_v2_orders)". */
export function describeScope(scope: string): string {
  const name = PURPOSES[scope]?.name;
  return name ? `${name} (${scope})` : scope;
}

export function storePermissions(grantedScope: string, requiredScopes: readonly string[]): StorePermissions {
  // A store connected with a store-level API account (`ledgerbridge connect`) has no grant on record: it was never
  // installed as an app, so there is nothing to re-authorize (its API account's scopes are the operator's to set).
  if (grantedScope.trim() === '') return { complete: true, missing: [] };
  const missing = missingScopes(grantedScope, requiredScopes).map((scope) => ({
    scope,
    name: PURPOSES[scope]?.name ?? scope,
    why: PURPOSES[scope]?.why ?? 'The app needs it to keep your books complete.',
  }));
  return { complete: missing.length === 0, missing };
}
