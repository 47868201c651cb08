import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import { QBO_TEST_ACCOUNTS, QBO_TEST_PAYMENTS } from '@/tests/support/quickbooks-fixtures';
import { XERO_TEST_SETTINGS } from '@/tests/support/xero-fixtures';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { describeBooks, ledgerSide, quickbooksSide, storeSide, xeroSide, type OrderBooks } from './support/order-books';
import { connectQuickBooksThroughConsent } from './support/quickbooks-connect';
import { orderProducts as productsOf, placeOrder as placeOrderIn, refundOrFail, shippingAddressId, type LineInput } from './support/store-actions';
import { queryRows, storeCall, storeJson, syncRecordOf, until, type StoreApi } from './support/sync-helpers';
import { connectThroughConsent, sessionFor } from './support/xero-connect';

/**
 * After the first posting, through the real Inngest functions (the stand-in) and the sandboxes, for the built-in
 * ledger, Xero and QuickBooks Online (a US company with Automated Sales Tax, connected through Intuit's consent) alike: refunds (one unit, shipping only, two on one order, in full, before the order was posted,
 * with their webhooks duplicated and reordered), an edit of a paid order, a capture after authorization, and
 * cancellations unpaid and paid. Each case waits until the books of its order, read from the accounting system
 * itself, hold what the store says (money = paid − refunded, receivable, revenue + tax, tax), and asserts the
 * documents: one credit per refund, no payment recorded twice.
 */
const IMPORTED = 9; // Awaiting Shipment
// Each case waits for the books (up to 40 s for the runs to finish and 40 s for the books to tie out).
vi.setConfig({ testTimeout: 120_000 });

// One world for all (the app's Inngest client is made once per process): a store on the ledger, one on Xero, one on
// QuickBooks.
let world: LifecycleWorld;
beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true, xero: true, quickbooks: true, timeScale: 0.01, xeroTimeScale: 30 });
}, 120_000);
afterAll(async () => world?.stop());

const QUICKBOOKS_SETTINGS = { accounts: QBO_TEST_ACCOUNTS, payments: QBO_TEST_PAYMENTS, tax: { defaultTaxCode: 'TAX', zeroTaxCode: 'NON' } };

describe.each(['ledger', 'xero', 'quickbooks'] as const)('after the first posting, in %s', (provider) => {
  let store: StoreApi;
  /** A token that may read transactions, for the test's own view of the store. */
  let reader: StoreApi;
  let tenantId = '';
  let realmId = '';

  beforeAll(async () => {
    const { hash, accessToken } = await world.installedStore();
    store = { baseUrl: world.sandbox.url, hash, token: accessToken };
    const account = await world.admin<{ access_token: string }>(`/__sandbox/stores/${hash}/api-accounts`, {
      scopes: ['store_v2_orders_read_only', 'store_v2_transactions_read_only'],
    });
    reader = { ...store, token: account.body.access_token };
    const settings = { orders: { statusAfterImport: IMPORTED }, ...(provider === 'xero' ? XERO_TEST_SETTINGS : provider === 'quickbooks' ? QUICKBOOKS_SETTINGS : {}) };
    expect((await createSettingsRepo({ db: world.database.db }).save(hash as StoreHash, settings, { expectedVersion: 0 })).ok).toBe(true);
    if (provider === 'xero') {
      const org = world.xero!.createTenant({ name: 'Lifecycle Ltd', currency: 'USD' });
      tenantId = org.tenantId;
      expect((await connectThroughConsent(world, await sessionFor(world, hash), [tenantId])).status).toBe(200);
    }
    if (provider === 'quickbooks') {
      realmId = world.quickbooks!.createCompany({ name: 'Lifecycle Inc', country: 'US', currency: 'USD', ast: true }).realmId;
      expect((await connectQuickBooksThroughConsent(world, await sessionFor(world, hash), realmId)).status).toBe(200);
    }
    await world.inngest!.waitForIdle(30_000);
  }, 120_000);

  const db = () => world.database.db;
  const records = () => createSyncRecordRepo({ db: db() });

  const placeOrder = (lines: LineInput[]) => placeOrderIn(store, lines);
  const orderProducts = (orderId: number) => productsOf(store, orderId);
  const refund = (orderId: number, items: Array<Record<string, unknown>>) => refundOrFail(store, orderId, items);

  async function booksOf(orderId: number): Promise<OrderBooks & { documents: number; credits: number }> {
    if (provider === 'xero') {
      const x = await xeroSide(`${world.sandbox.url}/__sandbox/xero`, tenantId, orderId);
      return { ...x, documents: x.invoices, credits: x.creditNotes };
    }
    if (provider === 'quickbooks') {
      // A refund is a credit memo, turned into a refund receipt when it is paid out whole (provider README).
      const q = await quickbooksSide(`${world.sandbox.url}/__sandbox/quickbooks`, realmId, orderId);
      return { ...q, credits: q.creditMemos + q.refundReceipts };
    }
    const list = await queryRows<{ kind: string; n: number }>(
      db(),
      sql`select kind, count(*)::int as n from ledger_entries where store_hash = ${store.hash} and order_id = ${orderId} group by kind`,
    );
    const count = (kinds: string[]) => list.filter((r) => kinds.includes(r.kind)).reduce((s, r) => s + Number(r.n), 0);
    return { ...(await ledgerSide(db(), store.hash, orderId)), documents: count(['invoice', 'sales_receipt']) - count(['void']), credits: count(['credit_note']) };
  }

  /** Waits until the order's books hold what the store says, then returns both. */
  async function settled(orderId: number, done: (b: Awaited<ReturnType<typeof booksOf>>) => boolean = () => true) {
    await world.inngest!.waitForIdle(40_000);
    let expected = await storeSide(store, reader, orderId);
    const books = await until(
      async () => {
        expected = await storeSide(store, reader, orderId);
        return booksOf(orderId);
      },
      (b) => b.money === expected.money && b.receivable === expected.receivable && b.sold === expected.sold && b.tax === expected.tax && done(b),
      40_000,
      250,
    );
    const timeline = async () => (await records().timeline(store.hash as StoreHash, orderId)).map((e) => `${e.kind}: ${e.message}`).join('\n');
    if (process.env.LC_DEBUG) console.log(orderId, await timeline(), JSON.stringify(world.inngest!.runs().filter((r) => r.retries.length).map((r) => [r.functionId, r.retries.map((x) => [x.step, x.delayMs, x.error.message.slice(0, 200)])])));
    if (JSON.stringify(describeBooks(books)) !== JSON.stringify(describeBooks(expected))) {
      expect(describeBooks(books), `books of order ${orderId} (${provider})\n${await timeline()}`).toEqual(describeBooks(expected));
    }
    return { books, expected };
  }

  const postingsOf = async (orderId: number) => records().postings({ storeHash: store.hash as StoreHash, orderId, provider });

  it('a partial refund of one unit: one credit for that unit at its price and tax, the money paid back out', async () => {
    const orderId = await placeOrder([{ sku: 'MUG-1', quantity: 3, price: '12.50' }]);
    await until(() => syncRecordOf(db(), store.hash, orderId), (r) => r?.state === 'posted', 30_000);
    const [mug] = await orderProducts(orderId);
    const refundId = await refund(orderId, [{ item_type: 'PRODUCT', item_id: mug!.id, quantity: 1 }]);
    const { books, expected } = await settled(orderId, (b) => b.credits === 1);
    expect(expected.money).toBeGreaterThan(0n);
    expect(books).toMatchObject({ documents: 1, credits: 1 });
    const postings = await postingsOf(orderId);
    expect(postings.filter((p) => p.kind === 'credit' && p.refundId === refundId && p.state === 'posted')).toHaveLength(1);
    expect(postings.filter((p) => p.kind === 'payout' && p.state === 'posted')).toHaveLength(1);
    expect(postings.filter((p) => p.kind === 'payment')).toHaveLength(1);
    const credit = postings.find((p) => p.kind === 'credit')!;
    expect((credit.detail.lines as Array<{ sourceId: string; quantity: string }>).map((l) => [l.sourceId, l.quantity])).toEqual([[`product:${mug!.id}`, '1']]);
  });

  it('a shipping-only refund credits the shipping line', async () => {
    const orderId = await placeOrder([{ sku: 'TEE-M', quantity: 1, price: '20.00' }]);
    await until(() => syncRecordOf(db(), store.hash, orderId), (r) => r?.state === 'posted', 30_000);
    await refund(orderId, [{ item_type: 'SHIPPING', item_id: await shippingAddressId(store, orderId), amount: 6 }]);
    await settled(orderId, (b) => b.credits === 1);
    const credit = (await postingsOf(orderId)).find((p) => p.kind === 'credit')!;
    expect((credit.detail.lines as Array<{ sourceId: string }>).map((l) => l.sourceId)).toEqual(['shipping']);
  });

  it('two refunds on one order, then the rest in full: a credit each, and every unit credited once', async () => {
    const orderId = await placeOrder([{ sku: 'CAP-1', quantity: 3, price: '7.25' }, { sku: 'MUG-1', quantity: 1, price: '12.50' }]);
    await until(() => syncRecordOf(db(), store.hash, orderId), (r) => r?.state === 'posted', 30_000);
    const [cap, mug] = await orderProducts(orderId);
    await refund(orderId, [{ item_type: 'PRODUCT', item_id: cap!.id, quantity: 1 }]);
    await refund(orderId, [{ item_type: 'PRODUCT', item_id: cap!.id, quantity: 2 }]);
    await settled(orderId, (b) => b.credits === 2);
    // The rest in full: the mug and the shipping; the order is Refunded, the books hold nothing.
    await refund(orderId, [{ item_type: 'PRODUCT', item_id: mug!.id, quantity: 1 }, { item_type: 'SHIPPING', item_id: await shippingAddressId(store, orderId), amount: 6 }]);
    const { books } = await settled(orderId, (b) => b.credits === 3);
    expect(books).toMatchObject({ money: 0n, receivable: 0n, sold: 0n, tax: 0n, documents: 1 });
    expect((await storeJson<{ status_id: number }>(store, 'GET', `/v2/orders/${orderId}`)).status_id).toBe(4);
  });

  it('a refund made before the order was posted waits for it: the order is posted, then credited', async () => {
    const repo = createSettingsRepo({ db: db() });
    const current = await repo.current(store.hash as StoreHash);
    await repo.save(store.hash as StoreHash, { ...current.settings, orders: { ...current.settings.orders, autoSync: false } }, { expectedVersion: current.version });
    const orderId = await placeOrder([{ sku: 'MUG-1', quantity: 2, price: '12.50' }]);
    const [mug] = await orderProducts(orderId);
    await refund(orderId, [{ item_type: 'PRODUCT', item_id: mug!.id, quantity: 1 }]);
    await world.inngest!.waitForIdle(30_000);
    expect((await syncRecordOf(db(), store.hash, orderId))?.remoteId ?? null).toBeNull();
    const again = await repo.current(store.hash as StoreHash);
    await repo.save(store.hash as StoreHash, { ...again.settings, orders: { ...again.settings.orders, autoSync: true } }, { expectedVersion: again.version });
    // The sweep (or a retry from the activity page) finds it: the order is Partially Refunded now.
    await world.inngest!.sendEvent({ name: 'order/changed', data: { storeHash: store.hash, orderId, trigger: 'sweep', dedupeKey: 'late' } });
    const { books } = await settled(orderId, (b) => b.documents === 1 && b.credits === 1);
    expect(books.sold).toBeGreaterThan(0n);
  });

  it('duplicated and reordered refund webhooks book each refund once', async () => {
    const orderId = await placeOrder([{ sku: 'CAP-1', quantity: 4, price: '7.25' }]);
    await until(() => syncRecordOf(db(), store.hash, orderId), (r) => r?.state === 'posted', 30_000);
    expect((await world.admin(`/__sandbox/stores/${store.hash}/faults`, { webhooks: { duplicate: 1, reorder: true, drop: 0 } })).status).toBe(200);
    const [cap] = await orderProducts(orderId);
    const first = await refund(orderId, [{ item_type: 'PRODUCT', item_id: cap!.id, quantity: 1 }]);
    const second = await refund(orderId, [{ item_type: 'PRODUCT', item_id: cap!.id, quantity: 1 }]);
    await settled(orderId, (b) => b.credits === 2);
    await world.admin(`/__sandbox/stores/${store.hash}/faults`, {});
    const credits = (await postingsOf(orderId)).filter((p) => p.kind === 'credit');
    expect(credits.map((c) => c.refundId).sort()).toEqual([first, second].sort());
    const deliveries = (await world.admin<{ deliveries: Array<{ scope: string; hash: string }> }>(`/__sandbox/stores/${store.hash}/webhook-deliveries`)).body.deliveries;
    expect(deliveries.filter((d) => d.scope === 'store/order/refund/created').length).toBeGreaterThanOrEqual(4);
  });

  it('an edit of a paid order: the payment is never recorded twice; the difference is an adjustment', async () => {
    const orderId = await placeOrder([{ sku: 'MUG-1', quantity: 1, price: '12.50' }]);
    await until(() => syncRecordOf(db(), store.hash, orderId), (r) => r?.state === 'posted' && r.writtenStatusId === IMPORTED, 30_000);
    const [mug] = await orderProducts(orderId);
    await storeJson(store, 'PUT', `/v2/orders/${orderId}`, { products: [{ id: mug!.id, quantity: 3 }] });
    const { books, expected } = await settled(orderId, (b) => b.documents >= 1);
    // The shopper paid for one mug: two more are owed.
    expect(expected.receivable).toBeGreaterThan(0n);
    expect(books.receivable).toBe(expected.receivable);
    const postings = await postingsOf(orderId);
    expect(postings.filter((p) => p.kind === 'payment')).toHaveLength(1);
    expect(postings.filter((p) => p.kind === 'adjustment_invoice' && p.state === 'posted')).toHaveLength(1);
    expect((await syncRecordOf(db(), store.hash, orderId))?.locked).toBe(true);
  });

  it('a capture after authorization applies the payment to the document posted unpaid', async () => {
    await world.admin(`/__sandbox/stores/${store.hash}/payments`, { capture: 'authorize_only' });
    try {
      const orderId = await placeOrder([{ sku: 'TEE-M', quantity: 2, price: '20.00' }]);
      const first = await settled(orderId, (b) => b.documents === 1);
      expect(first.books.money).toBe(0n);
      expect(first.books.receivable).toBe(first.expected.sold);
      await storeCall(store, 'POST', `/v3/orders/${orderId}/payment_actions/capture`, {});
      const after = await settled(orderId, (b) => b.money > 0n);
      expect(after.books).toMatchObject({ receivable: 0n, documents: 1 });
      // The books show the payment the moment it is written; its posting is marked a moment later, in the same step.
      const postings = await until(() => postingsOf(orderId), (ps) => ps.some((p) => p.kind === 'payment' && p.state === 'posted'), 10_000);
      expect(postings.filter((p) => p.kind === 'payment' && p.state === 'posted')).toHaveLength(1);
    } finally {
      await world.admin(`/__sandbox/stores/${store.hash}/payments`, { capture: 'authorize_and_capture' });
    }
  });

  it('a cancelled unpaid order is voided: nothing stays in the books', async () => {
    await world.admin(`/__sandbox/stores/${store.hash}/payments`, { capture: 'authorize_only' });
    try {
      const orderId = await placeOrder([{ sku: 'CAP-1', quantity: 1, price: '7.25' }]);
      await settled(orderId, (b) => b.documents === 1);
      // Voiding the authorization cancels the order (BigCommerce moves it to Cancelled).
      await storeCall(store, 'POST', `/v3/orders/${orderId}/payment_actions/void`, {});
      const { books } = await settled(orderId, (b) => b.sold === 0n);
      expect(books).toMatchObject({ money: 0n, receivable: 0n, sold: 0n, tax: 0n });
      // The books show the void the moment it is written; the record says so a moment later, in the same step.
      const record = await until(() => syncRecordOf(db(), store.hash, orderId), (r) => r?.state !== 'posted', 10_000);
      expect(record?.state).toBe('voided');
    } finally {
      await world.admin(`/__sandbox/stores/${store.hash}/payments`, { capture: 'authorize_and_capture' });
    }
  });

  it('a cancelled paid order: the revenue is reversed, the money stays owed to the shopper until the refund pays it out', async () => {
    const orderId = await placeOrder([{ sku: 'MUG-1', quantity: 2, price: '12.50' }]);
    await until(() => syncRecordOf(db(), store.hash, orderId), (r) => r?.state === 'posted', 30_000);
    await storeJson(store, 'PUT', `/v2/orders/${orderId}`, { status_id: 5 });
    const cancelled = await settled(orderId, (b) => b.sold === 0n);
    expect(cancelled.books.money).toBeGreaterThan(0n);
    expect(cancelled.books.receivable).toBe(-cancelled.books.money);
    expect((await syncRecordOf(db(), store.hash, orderId))?.state).toBe('credited');
    // The merchant refunds it all: the money goes out against the cancellation's credit; no second credit.
    const order = await storeJson<{ total_inc_tax: string }>(store, 'GET', `/v2/orders/${orderId}`);
    await refund(orderId, [{ item_type: 'ORDER', item_id: orderId, amount: Number(order.total_inc_tax) }]);
    const refunded = await settled(orderId, (b) => b.money === 0n);
    expect(refunded.books).toMatchObject({ money: 0n, receivable: 0n, sold: 0n, tax: 0n, credits: 1 });
    const postings = await postingsOf(orderId);
    expect(postings.filter((p) => p.kind === 'credit' && p.state === 'skipped')).toHaveLength(1);
    expect(postings.filter((p) => p.kind === 'payout' && p.state === 'posted')).toHaveLength(1);
  });
});
