import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import type { StoreHash } from '@/lib/ids';
import { activityQuerySchema, listActivity, ordersInStates } from './activity';
import { bucketOf, loadOverview, storeOrderCounts } from './overview';
import { insertPostings, insertRecords, memoryDatabase } from '@/tests/support/admin-records';

let database: Database;
const A = 'storea' as StoreHash;
const B = 'storeb' as StoreHash;
const q = (input: Record<string, unknown> = {}) => activityQuerySchema.parse(input);

beforeAll(async () => {
  database = await memoryDatabase();
  const base = Date.parse('2026-03-10T12:00:00Z');
  await insertRecords(database.db, A, [
    { orderId: 101, state: 'posted', total: '99.9900', customer: 'Ada Lovelace', orderDate: new Date('2026-03-01T09:00:00Z'), updatedAt: new Date(base - 5000) },
    { orderId: 102, state: 'failed', total: '100.0000', customer: 'Grace Hopper', reason: 'missing_sku', message: 'Unable to find item for SKU MUG-1', orderDate: new Date('2026-03-02T09:00:00Z'), updatedAt: new Date(base - 4000) },
    { orderId: 103, state: 'held', total: '250.5000', customer: 'Alan Turing', orderDate: new Date('2026-03-03T23:59:00Z'), updatedAt: new Date(base - 3000) },
    { orderId: 104, state: 'skipped', total: '5.0000', customer: 'Ada Byron', orderDate: new Date('2026-03-04T00:00:00Z'), updatedAt: new Date(base - 2000) },
    { orderId: 105, state: 'posted', total: '12.0000', customer: '100% Cotton Ltd', orderDate: new Date('2026-03-05T00:00:00Z'), updatedAt: new Date(base - 1000) },
    { orderId: 106, state: 'posted', total: '1.0000', customer: 'Old provider', provider: 'previous-books', updatedAt: new Date(base) },
  ]);
  await insertRecords(database.db, B, [{ orderId: 101, state: 'posted', customer: 'Ada in store B' }, { orderId: 900, state: 'failed' }]);
  await insertRecords(database.db, A, [
    { orderId: 107, state: 'posted', total: '40.0000', updatedAt: new Date(base - 10_000) },
    { orderId: 108, state: 'credited', total: '20.0000', remoteNumber: 'BC-108', message: 'Order cancelled after it was paid: credit note BC-108-CR reverses the sale.', updatedAt: new Date(base - 11_000) },
    { orderId: 109, state: 'voided', total: '15.0000', remoteNumber: 'BC-109', message: 'Document BC-109 voided: the order was cancelled before it was paid.', updatedAt: new Date(base - 12_000) },
  ]);
  await insertPostings(database.db, A, [
    // 101: paid only. 107: a refund credited and paid back. 105: a payout alone (after a cancellation's credit).
    { orderId: 101, kind: 'payment', amount: '99.99' },
    { orderId: 107, kind: 'payment', amount: '40.00' },
    { orderId: 107, kind: 'credit', refundId: 7001, amount: '10.00', tax: '0.83', number: 'BC-107-R1' },
    { orderId: 107, kind: 'payout', refundId: 7001, amount: '10.00' },
    { orderId: 105, kind: 'payout', refundId: 7002, amount: '12.00' },
    // 108: a cancellation's credit note is not a refund; 104: a refund booked under the old provider is not this one's.
    { orderId: 108, kind: 'cancel_credit', amount: '20.00', tax: '1.50' },
    { orderId: 104, kind: 'credit', refundId: 7003, amount: '5.00', provider: 'previous-books' },
  ]);
  // Store B's refund of its own order 101 says nothing about store A's order 101.
  await insertPostings(database.db, B, [{ orderId: 101, kind: 'credit', refundId: 7004, amount: '1.00' }]);
}, 60_000); // an in-memory PGlite applying every migration: seconds on a loaded machine
afterAll(async () => database?.close());

describe('the activity table', () => {
  it('lists only the store’s own records, newest change first', async () => {
    const page = await listActivity(database.db, A, q(), 'ledger');
    expect(page.rows.map((r) => r.orderId)).toEqual([105, 104, 103, 102, 101, 107, 108, 109]);
    expect(page.total).toBe(8);
    const other = await listActivity(database.db, B, q(), 'ledger');
    expect(other.rows.map((r) => r.orderId).sort()).toEqual([101, 900]);
    expect(other.rows.find((r) => r.orderId === 101)?.customer).toBe('Ada in store B');
  });

  it('paginates with a total', async () => {
    const second = await listActivity(database.db, A, q({ page: '2', pageSize: '10' }), 'ledger');
    expect(second).toMatchObject({ total: 8, totalIsExact: true, pages: 1, rows: [] });
    const small = await listActivity(database.db, A, q({ page: '1', pageSize: '10' }), 'ledger');
    expect(small.rows).toHaveLength(8);
  });

  it('stops counting past the cap, saying so, and still offers the next page', async () => {
    const capped = await listActivity(database.db, A, q({ pageSize: '10' }), 'ledger', { countCap: 3 });
    // At least the cap, and at least what this page proves exists.
    expect(capped).toMatchObject({ total: 8, totalIsExact: false, pages: 2 });
    expect(capped.rows).toHaveLength(8);
    const exact = await listActivity(database.db, A, q({ state: 'problems' }), 'ledger', { countCap: 3 });
    expect(exact).toMatchObject({ total: 2, totalIsExact: true, pages: 1 });
  });

  it('filters by state, "problems" meaning failed and held', async () => {
    expect((await listActivity(database.db, A, q({ state: 'failed' }), 'ledger')).rows.map((r) => r.orderId)).toEqual([102]);
    expect((await listActivity(database.db, A, q({ state: 'problems' }), 'ledger')).rows.map((r) => r.orderId)).toEqual([103, 102]);
  });

  it('filters by customer, treating % and _ literally', async () => {
    expect((await listActivity(database.db, A, q({ customer: 'ada' }), 'ledger')).rows.map((r) => r.orderId)).toEqual([104, 101]);
    expect((await listActivity(database.db, A, q({ customer: '100%' }), 'ledger')).rows.map((r) => r.orderId)).toEqual([105]);
  });

  it('filters by order date, both ends inclusive', async () => {
    const rows = (await listActivity(database.db, A, q({ from: '2026-03-02', to: '2026-03-03' }), 'ledger')).rows;
    expect(rows.map((r) => r.orderId)).toEqual([103, 102]);
  });

  it('filters by amount exactly, in decimal (99.99 is below 100, 100.00 is not)', async () => {
    const rows = (await listActivity(database.db, A, q({ minAmount: '100', maxAmount: '250.50' }), 'ledger')).rows;
    expect(rows.map((r) => r.orderId)).toEqual([103, 102]);
    expect(rows[1]?.total).toBe('100.0000');
  });

  it('filters the refunded orders: a refund’s credit note or money paid back, under this store and provider', async () => {
    const refunded = await listActivity(database.db, A, q({ refunded: 'true' }), 'ledger');
    expect(refunded.rows.map((r) => r.orderId)).toEqual([105, 107]);
    expect(refunded).toMatchObject({ total: 2, totalIsExact: true });
    expect(refunded.rows.every((r) => r.refunded)).toBe(true);
    const not = await listActivity(database.db, A, q({ refunded: 'false' }), 'ledger');
    expect(not.rows.map((r) => r.orderId)).toEqual([104, 103, 102, 101, 108, 109]);
    // Combined with the other filters, and marked on every row of an unfiltered page.
    expect((await listActivity(database.db, A, q({ refunded: 'true', minAmount: '20' }), 'ledger')).rows.map((r) => r.orderId)).toEqual([107]);
    const all = await listActivity(database.db, A, q(), 'ledger');
    expect(all.rows.filter((r) => r.refunded).map((r) => r.orderId)).toEqual([105, 107]);
    // Store B sees only its own refund.
    expect((await listActivity(database.db, B, q({ refunded: 'true' }), 'ledger')).rows.map((r) => r.orderId)).toEqual([101]);
    expect(activityQuerySchema.safeParse({ refunded: 'maybe' }).success).toBe(false);
  });

  it('lists credited and voided orders under their own states, with the document and why', async () => {
    const credited = await listActivity(database.db, A, q({ state: 'credited' }), 'ledger');
    expect(credited.rows).toEqual([expect.objectContaining({ orderId: 108, state: 'credited', documentNumber: 'BC-108', message: expect.stringContaining('cancelled after it was paid'), refunded: false })]);
    const voided = await listActivity(database.db, A, q({ state: 'voided' }), 'ledger');
    expect(voided.rows).toEqual([expect.objectContaining({ orderId: 109, state: 'voided', documentNumber: 'BC-109' })]);
  });

  it('finds one order by id, and refuses malformed filters', async () => {
    expect((await listActivity(database.db, A, q({ orderId: '103' }), 'ledger')).rows.map((r) => r.orderId)).toEqual([103]);
    expect(activityQuerySchema.safeParse({ orderId: 'abc' }).success).toBe(false);
    expect(activityQuerySchema.safeParse({ minAmount: '1e3' }).success).toBe(false);
    const reversed = activityQuerySchema.safeParse({ from: '2026-03-05', to: '2026-03-01' });
    expect(reversed.success ? null : reversed.error.issues[0]?.path).toEqual(['to']);
  });

  it('selects failed and held orders for a retry, scoped to the store and to the given ids', async () => {
    expect((await ordersInStates(database.db, A, ['failed', 'held'], { provider: 'ledger' })).sort()).toEqual([102, 103]);
    expect(await ordersInStates(database.db, A, ['failed', 'held'], { orderIds: [102, 900, 101] })).toEqual([102]);
    expect(await ordersInStates(database.db, B, ['failed', 'held'], { orderIds: [102] })).toEqual([]);
  });
});

describe('the overview counts', () => {
  it('counts today and the last 30 days per bucket, with one entry per day', async () => {
    const overview = await loadOverview({
      db: database.db,
      storeHash: A,
      provider: 'ledger',
      autoSync: true,
      now: () => new Date('2026-03-10T18:00:00Z'),
    });
    const counts = await storeOrderCounts({
      ordersCount: async ({ statusId }) => (statusId === 11 ? { ok: true, value: 4 } : { ok: false, error: { kind: 'Unavailable', message: 'down' } }),
    });
    // Posted: 101, 105, 107, and the credited 108 and voided 109 (their documents are in the books).
    expect(overview.today).toEqual({ posted: 5, pending: 0, failed: 2, skipped: 1 });
    expect(overview.last30Days).toEqual(overview.today);
    expect(overview.daily).toHaveLength(30);
    expect(overview.daily.at(-1)).toEqual({ date: '2026-03-10', posted: 5, pending: 0, failed: 2, skipped: 1 });
    expect(overview.problems.map((p) => p.orderId)).toEqual([103, 102]);
    expect(counts.toFulfil).toEqual({ count: 4, error: null });
    expect(counts.toShip.count).toBeNull();
    expect(counts.toShip.error).toMatch(/unavailable/i);
  });

  it('puts held with failed and voided/credited with posted', () => {
    expect(['held', 'failed', 'voided', 'credited', 'skipped', 'pending'].map(bucketOf)).toEqual(['failed', 'failed', 'posted', 'posted', 'skipped', 'pending']);
  });
});
