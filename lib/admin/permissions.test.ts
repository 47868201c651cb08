import { describe, expect, it } from 'vitest';
import { storePermissions } from './permissions';

const REQUIRED = ['store_v2_orders', 'store_v2_information_read_only', 'store_v2_products', 'store_v2_customers_read_only', 'store_inventory', 'store_v2_transactions_read_only'];
const BEFORE_REFUNDS = 'store_v2_orders store_v2_information_read_only store_v2_products store_v2_customers_read_only store_inventory';

describe('the permissions a store has granted', () => {
  it('asks a store installed before refunds were read for the transactions permission only, saying why', () => {
    const permissions = storePermissions(BEFORE_REFUNDS, REQUIRED);
    expect(permissions.complete).toBe(false);
    expect(permissions.missing).toEqual([
      { scope: 'store_v2_transactions_read_only', name: 'Order Transactions: read-only', why: expect.stringMatching(/refund.*credit note.*Nothing is lost/s) },
    ]);
  });

  it('is complete once the scope is granted, or its modify twin', () => {
    expect(storePermissions(`${BEFORE_REFUNDS} store_v2_transactions_read_only`, REQUIRED)).toEqual({ complete: true, missing: [] });
    expect(storePermissions(`${BEFORE_REFUNDS} store_v2_transactions`, REQUIRED)).toEqual({ complete: true, missing: [] });
  });

  it('names a scope it has no words for by the scope itself', () => {
    expect(storePermissions('store_v2_orders', ['store_content']).missing).toEqual([{ scope: 'store_content', name: 'store_content', why: expect.any(String) }]);
  });

  it('asks nothing of a store connected with an API account (no grant on record)', () => {
    expect(storePermissions('', REQUIRED)).toEqual({ complete: true, missing: [] });
  });
});
