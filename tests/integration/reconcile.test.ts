/**
 * Reconciliation (issue 17) with the built-in ledger, in-process through `ledgerbridge reconcile`, against the
 * BigCommerce sandbox and real Postgres: a store with one order posted as it should be, one edited in the books by
 * hand, one deleted from the books, one never posted, one held, one failed, one refunded without its credit, and one
 * with a second document made by a person (found by its reference alone). Each difference is named with its class;
 * the JSON is the contract's, exactly. Repair fixes what the app can through the pipeline, and the next run is clean.
 */
import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLedgerProvider } from '@/lib/accounting/ledger';
import { registerConnectedStore } from '@/lib/cli/commands/connect';
import { runInRuntime } from '@/lib/cli/run';
import { cliStoreContext, type CliRuntime } from '@/lib/cli/runtime';
import { reconcileAndStore, repairAndStore, repairDay } from '@/lib/jobs/reconcile';
import { reconciliationCsv, reconciliationOfDay, reconciliationView } from '@/lib/admin/reconciliation';
import { createReconciliationRepo } from '@/lib/repos/reconciliation';
import { tokenKeys } from '@/lib/context';
import { parseCliEnv } from '@/lib/env';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '@/tests/sandbox/bigcommerce/server';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import { freshDatabase, type TestDatabase } from './support/db';
import { describeBooks, ledgerSide, storeSide } from './support/order-books';
import { orderProducts, placeOrder, refundOrFail } from './support/store-actions';
import { queryRows, storeJson, type StoreApi } from './support/sync-helpers';

vi.setConfig({ testTimeout: 60_000 });

let testDb: TestDatabase;
let sandbox: BigCommerceSandbox;
let env: CliRuntime['env'];
let store: StoreApi;
let hash: StoreHash;

async function admin<T>(pathname: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandbox.url}${pathname}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${pathname} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  testDb = await freshDatabase('reconcile');
  sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'unused-app', clientSecret: 'unused-secret', appUrl: 'http://127.0.0.1:9' }] });
  const created = await admin<{ hash: string }>('/__sandbox/stores', { name: 'Reconciled store', currency: 'USD' });
  hash = created.hash as StoreHash;
  const account = await admin<{ access_token: string }>(`/__sandbox/stores/${hash}/api-accounts`, {
    scopes: 'store_v2_information_read_only store_v2_orders store_v2_transactions store_v2_products_read_only store_v2_customers_read_only',
  });
  store = { baseUrl: sandbox.url, hash, token: account.access_token };
  env = parseCliEnv({ TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32), BIGCOMMERCE_API_URL: sandbox.url, LOG_LEVEL: 'warn' });
  await registerConnectedStore(
    { db: testDb.db, encryptionKey: tokenKeys(env) },
    {
      storeHash: hash,
      accessToken: account.access_token,
      info: { hash, name: 'Reconciled store', currency: 'USD', decimalPlaces: 2, planLevel: 'Standard', timezone: null, pricesIncludeTax: false, adminEmail: null, secureUrl: null },
      clientId: null,
      clientName: null,
    },
  );
});

afterAll(async () => {
  await testDb?.dispose();
  await sandbox?.close();
});

const rtFor = (stdout = new PassThrough(), stderr = new PassThrough()): CliRuntime => ({
  env, db: testDb.db, database: testDb, io: { stdout, stderr, cwd: process.cwd() }, log: { warn: () => {}, debug: () => {} }, fetch: (input, init) => fetch(input, init),
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runInRuntime(rtFor(stdout, stderr), argv);
  return { code, stdout: out, stderr: err };
}

async function changeSettings(patch: (s: Record<string, Record<string, unknown>>) => void) {
  const repo = createSettingsRepo({ db: testDb.db });
  const current = await repo.current(hash);
  const next = structuredClone(current.settings) as unknown as Record<string, Record<string, unknown>>;
  patch(next);
  expect((await repo.save(hash, next, { expectedVersion: current.version })).ok).toBe(true);
}

const entryOf = async (orderId: number) =>
  (await queryRows<{ id: string; document: SalesDocument }>(testDb.db, sql`select id::text, document from ledger_entries where store_hash = ${hash} and order_id = ${orderId} and kind = 'invoice'`))[0]!;

const today = () => new Date().toISOString().slice(0, 10);

interface ContractDay {
  date: string;
  currency: string;
  store: { orders: number; total: string; tax: string; refunds: string; payments: Record<string, string> };
  books: { documents: number; total: string; tax: string; refunds: string; payments: Record<string, string> };
  differences: Array<{ orderId: number; class: string; amount: string; reason: string }>;
}

async function reconcileJson(): Promise<ContractDay[]> {
  const run = await cli('reconcile', '--store', hash, '--from', today(), '--to', today(), '--json');
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { days: ContractDay[] }).days;
}

const orders: Record<'agrees' | 'edited' | 'deleted' | 'neverPosted' | 'held' | 'failed' | 'refunded' | 'duplicated', number> = {
  agrees: 0, edited: 0, deleted: 0, neverPosted: 0, held: 0, failed: 0, refunded: 0, duplicated: 0,
};

describe('ledgerbridge reconcile', () => {
  it('names each difference between the store and the books with its class', async () => {
    for (const name of Object.keys(orders) as Array<keyof typeof orders>) {
      orders[name] = await placeOrder(store, [{ sku: `SKU-${name}`, quantity: 2, price: '20.00' }], { shipping: '5.00' });
    }
    for (const name of ['agrees', 'edited', 'deleted', 'refunded', 'duplicated'] as const) {
      const posted = await cli('retry', '--store', hash, '--order', String(orders[name]));
      expect(posted.code, posted.stdout + posted.stderr).toBe(0);
    }
    // Held: a SKU without an item while the store holds such orders.
    await changeSettings((s) => (s.items!.missingSku = 'fail'));
    expect((await cli('retry', '--store', hash, '--order', String(orders.held))).stdout).toMatch(/held: .*SKU-held/);
    await changeSettings((s) => (s.items!.missingSku = 'post_without_item'));
    // Failed: the ledger refuses a shipping account its chart does not have.
    await changeSettings((s) => (s.accounts!.shipping = '4199'));
    expect((await cli('retry', '--store', hash, '--order', String(orders.failed))).stdout).toMatch(/failed: .*4199/);
    await changeSettings((s) => (s.accounts!.shipping = '4100'));

    // In the books, by hand: 5.00 moved onto one invoice's receivable and revenue (one statement keeps it balanced) ...
    const edited = await entryOf(orders.edited);
    await testDb.db.execute(sql`
      update ledger_lines set amount = case when account_code = '1200' then amount + 5 else amount - 5 end
      where id in (
        (select min(id) from ledger_lines where entry_id = ${edited.id}::bigint and account_code = '1200'),
        (select min(id) from ledger_lines where entry_id = ${edited.id}::bigint and account_code = '4000'))`);
    // ... one invoice deleted, with its payment (as a person deletes a paid invoice) ...
    await testDb.db.execute(sql`delete from ledger_entries where id = ${(await entryOf(orders.deleted)).id}::bigint`);
    await testDb.db.execute(sql`delete from ledger_entries where store_hash = ${hash} and order_id = ${orders.deleted} and kind = 'payment'`);
    // ... and a second invoice for one order, entered by a person with the order's reference and a number of their own.
    const original = await entryOf(orders.duplicated);
    const ledger = createLedgerProvider({ db: testDb.db, storeHash: hash });
    expect((await ledger.postDocument({ ...original.document, number: 'MANUAL-7' }, 'typed-in-by-hand')).ok).toBe(true);
    await testDb.db.execute(sql`update ledger_entries set order_id = null where store_hash = ${hash} and posting_key = 'typed-in-by-hand'`);
    // In the store: a refund the books never heard of (no webhook reaches this test).
    const [line] = await orderProducts(store, orders.refunded);
    await refundOrFail(store, orders.refunded, [{ item_type: 'PRODUCT', item_id: line!.id, quantity: 1 }]);

    const days = await reconcileJson();
    expect(days).toHaveLength(1);
    const [day] = days;
    expect(day!.date).toBe(today());
    expect(day!.currency).toBe('USD');
    expect(day!.differences.map((d) => [d.orderId, d.class])).toEqual([
      [orders.edited, 'changed_in_books'],
      [orders.deleted, 'voided_in_books'],
      [orders.neverPosted, 'missing_in_books'],
      [orders.held, 'held'],
      [orders.failed, 'failed'],
      [orders.refunded, 'refund_not_credited'],
      [orders.duplicated, 'duplicate_in_books'],
    ]);
    const by = (id: number) => day!.differences.find((d) => d.orderId === id)!;
    expect(by(orders.edited).amount).toBe('5.00');
    expect(by(orders.neverPosted).amount).toBe('45.00');
    expect(by(orders.refunded).amount).toBe('20.00');
    expect(by(orders.duplicated).reason).toContain('MANUAL-7');
    expect(by(orders.held).reason).toContain('SKU-held');
    // Both columns: eight orders of 45.00; the books hold five invoices (one edited to 50.00, one typed in twice).
    // Payments: eight card orders captured in the store; the books hold the payments of the four posted and left.
    expect(day!.store).toEqual({ orders: 8, total: '360.00', tax: '0.00', refunds: '20.00', payments: { 'Credit Card': '360.00' } });
    expect(day!.books).toEqual({ documents: 5, total: '230.00', tax: '0.00', refunds: '0.00', payments: { 'Credit Card': '180.00' } });

    // The contract's keys, exactly; money as decimal strings.
    expect(Object.keys(day!)).toEqual(['date', 'currency', 'store', 'books', 'differences']);
    // (payments by method added to both sides, issue 17: the store's paid orders by card, into the default account)
    expect(Object.keys(day!.store)).toEqual(['orders', 'total', 'tax', 'refunds', 'payments']);
    expect(Object.keys(day!.books)).toEqual(['documents', 'total', 'tax', 'refunds', 'payments']);
    for (const d of day!.differences) {
      expect(Object.keys(d)).toEqual(['orderId', 'class', 'amount', 'reason']);
      expect(d.amount).toMatch(/^-?\d+\.\d{2}$/);
    }

    const human = await cli('reconcile', '--store', hash, '--from', today(), '--to', today());
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`${today()} USD  7 difference(s)`);
    expect(human.stdout).toContain(`order ${orders.deleted}  voided_in_books  45.00`);
    expect(human.stdout).toContain('1 with differences.');
  });

  it('Repair posts what is missing, re-posts what was deleted, retries the failed, credits the refund; the next run shows only what needs a person', async () => {
    const ctx = await cliStoreContext(rtFor(), hash);
    const repaired = await repairDay(ctx, today());
    if (!repaired.ok) throw new Error(repaired.message);
    expect(repaired.repaired.map((r) => [r.orderId, r.class, r.result])).toEqual([
      [orders.deleted, 'voided_in_books', 'posted'],
      [orders.neverPosted, 'missing_in_books', 'posted'],
      [orders.failed, 'failed', 'posted'],
      [orders.refunded, 'refund_not_credited', 'refunded'],
    ]);
    // Left: what a person must decide (an invoice edited in the books, a held order, a second invoice typed in).
    expect(repaired.after.flatMap((d) => d.differences).map((d) => [d.orderId, d.class])).toEqual([
      [orders.edited, 'changed_in_books'],
      [orders.held, 'held'],
      [orders.duplicated, 'duplicate_in_books'],
    ]);
    // Repair again changes nothing: each order is in the books once.
    const again = await repairDay(ctx, today());
    expect(again.ok && again.repaired).toEqual([]);
    const perOrder = await queryRows<{ order_id: string; n: number }>(testDb.db, sql`
      select order_id::text, count(*)::int as n from ledger_entries
      where store_hash = ${hash} and kind = 'invoice' and status = 'posted' and order_id is not null group by order_id`);
    expect(perOrder.every((r) => r.n === 1)).toBe(true);

    // The person's part, then the next run is clean.
    const edited = await entryOf(orders.edited);
    await testDb.db.execute(sql`
      update ledger_lines set amount = case when account_code = '1200' then amount - 5 else amount + 5 end
      where id in (
        (select min(id) from ledger_lines where entry_id = ${edited.id}::bigint and account_code = '1200'),
        (select min(id) from ledger_lines where entry_id = ${edited.id}::bigint and account_code = '4000'))`);
    await testDb.db.execute(sql`delete from ledger_entries where store_hash = ${hash} and posting_key = 'typed-in-by-hand'`);
    expect((await cli('retry', '--store', hash, '--order', String(orders.held))).code).toBe(0);
    const [day] = await reconcileJson();
    expect(day!.differences).toEqual([]);
    expect(day!.books).toEqual({ documents: 8, total: day!.store.total, tax: '0.00', refunds: '20.00', payments: day!.store.payments });
  });

  it('stores each day\'s result, replaced by the next run; the page view, its CSV and the notifier read it', async () => {
    const ctx = await cliStoreContext(rtFor(), hash);
    const results = createReconciliationRepo({ db: testDb.db });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    // A difference to store: an order placed and never posted.
    const late = await placeOrder(store, [{ sku: 'SKU-late', quantity: 1, price: '7.00' }], { shipping: '0.00' });
    const first = await reconcileAndStore(ctx, results, { from: yesterday, to: today() });
    expect(first.ok).toBe(true);
    const stored = await reconciliationOfDay(testDb.db, hash, today());
    expect(stored?.agrees).toBe(false);
    expect(stored?.days[0]?.differences).toEqual([expect.objectContaining({ orderId: late, class: 'missing_in_books', amount: '7.00' })]);
    expect((await reconciliationOfDay(testDb.db, hash, yesterday))?.agrees).toBe(true); // reconciled: nothing that day
    expect(await reconciliationOfDay(testDb.db, hash, '2020-01-01')).toBeNull();
    expect(await reconciliationOfDay(testDb.db, 'otherstore' as StoreHash, today())).toBeNull();

    const view = await reconciliationView(testDb.db, hash, { yesterday: today(), date: today() });
    expect(view.chart).toHaveLength(30);
    expect(view.chart.at(-1)).toEqual({ date: today(), status: 'differs', differences: 1 });
    expect(view.chart.at(-2)).toEqual({ date: yesterday, status: 'agrees', differences: 0 });
    expect(view.chart[0]!.status).toBe('not_reconciled');
    expect(view.days[0]!.differences[0]).toMatchObject({ orderId: late, orderPath: `/activity/${late}`, repairable: true });
    const csv = reconciliationCsv(view.days).split('\r\n');
    expect(csv[0]).toBe('date,currency,order_id,class,amount,reason,store_orders,store_total,store_tax,store_refunds,books_documents,books_total,books_tax,books_refunds,store_payments,books_payments');
    expect(csv[1]).toMatch(new RegExp(`^${today()},USD,${late},missing_in_books,7.00,`));

    // Repaired and stored again: the day agrees, and the earlier row is replaced, not added to.
    const repaired = await repairAndStore(ctx, results, today());
    expect(repaired.ok && repaired.repaired.map((r) => r.result)).toEqual(['posted']);
    expect((await reconciliationOfDay(testDb.db, hash, today()))?.agrees).toBe(true);
    expect(await queryRows(testDb.db, sql`select 1 from reconciliation_days where store_hash = ${hash} and date = ${today()}`)).toHaveLength(1);
  });

  it('compares payments by account, an adjustment booked after the lock date with its order, and a refund with its credit dated later', async () => {
    const mine = {
      moved: await placeOrder(store, [{ sku: 'SKU-moved', quantity: 2, price: '20.00' }], { shipping: '5.00' }),
      adjusted: await placeOrder(store, [{ sku: 'SKU-adjusted', quantity: 2, price: '20.00' }], { shipping: '5.00' }),
      credited: await placeOrder(store, [{ sku: 'SKU-credited', quantity: 2, price: '20.00' }], { shipping: '5.00' }),
    };
    for (const id of Object.values(mine)) expect((await cli('retry', '--store', hash, '--order', String(id))).code).toBe(0);
    // Today is locked: what changes now is booked in the open period, tomorrow.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await changeSettings((s) => (s.document!.lockDate = today()));
    const [mug] = await orderProducts(store, mine.adjusted);
    await storeJson(store, 'PUT', `/v2/orders/${mine.adjusted}`, { products: [{ id: mug!.id, quantity: 3 }] });
    const [line] = await orderProducts(store, mine.credited);
    await refundOrFail(store, mine.credited, [{ item_type: 'PRODUCT', item_id: line!.id, quantity: 1 }]);
    for (const id of [mine.adjusted, mine.credited]) expect((await cli('retry', '--store', hash, '--order', String(id))).code).toBe(0);
    const booked = await queryRows<{ number: string; date: string }>(testDb.db, sql`
      select number, date::text from ledger_entries where store_hash = ${hash} and order_id in (${mine.adjusted}, ${mine.credited}) and kind in ('invoice', 'credit_note') and number like '%-%-%' order by number`);
    expect(booked).toEqual([{ number: `BC-${mine.adjusted}-ADJ1`, date: tomorrow }, { number: `BC-${mine.credited}-CR1`, date: tomorrow }]);

    // As the app booked them, today agrees: the adjustment counts with its order, the credit with its refund.
    const [clean] = await reconcileJson();
    expect(clean!.differences).toEqual([]);
    // By method, the books hold what was paid when the sale was booked: the store counts the edited order as paid in
    // full (its payment status), the adjustment books no payment (so the order's payments are not compared).
    const card = (side: Record<string, string>) => Number(side['Credit Card']);
    expect(card(clean!.store.payments) - card(clean!.books.payments)).toBe(20);

    // By hand in the ledger: one payment's debit moved to the bank account, the adjustment raised by 5.00.
    await testDb.db.execute(sql`
      update ledger_lines set account_code = '1000'
      where amount > 0 and entry_id in (select id from ledger_entries where store_hash = ${hash} and order_id = ${mine.moved} and kind = 'payment')`);
    await testDb.db.execute(sql`
      update ledger_lines set amount = case when account_code = '1200' then amount + 5 else amount - 5 end
      where id in (
        (select min(l.id) from ledger_lines l join ledger_entries e on e.id = l.entry_id where e.store_hash = ${hash} and e.number = ${`BC-${mine.adjusted}-ADJ1`} and l.account_code = '1200'),
        (select min(l.id) from ledger_lines l join ledger_entries e on e.id = l.entry_id where e.store_hash = ${hash} and e.number = ${`BC-${mine.adjusted}-ADJ1`} and l.account_code = '4000'))`);
    const [day] = await reconcileJson();
    expect(day!.differences.map((d) => [d.orderId, d.class, d.amount])).toEqual([
      [mine.moved, 'changed_in_books', '45.00'],
      [mine.adjusted, 'changed_in_books', '5.00'],
    ]);
    expect(day!.differences[0]!.reason).toBe(`Payments of BC-${mine.moved}: 45.00 to 1000 (Account 1000) in the books, 45.00 to 1100 (Credit Card) paid in the store.`);
    expect(day!.differences[1]!.reason).toContain(`BC-${mine.adjusted}-ADJ1 (25.00, ${tomorrow})`);
    expect(day!.books.payments).toMatchObject({ 'Account 1000': '45.00' });

    // Put back, so the next tests start from books that agree.
    await testDb.db.execute(sql`
      update ledger_lines set account_code = '1100'
      where amount > 0 and entry_id in (select id from ledger_entries where store_hash = ${hash} and order_id = ${mine.moved} and kind = 'payment')`);
    await testDb.db.execute(sql`
      update ledger_lines set amount = case when account_code = '1200' then amount - 5 else amount + 5 end
      where id in (
        (select min(l.id) from ledger_lines l join ledger_entries e on e.id = l.entry_id where e.store_hash = ${hash} and e.number = ${`BC-${mine.adjusted}-ADJ1`} and l.account_code = '1200'),
        (select min(l.id) from ledger_lines l join ledger_entries e on e.id = l.entry_id where e.store_hash = ${hash} and e.number = ${`BC-${mine.adjusted}-ADJ1`} and l.account_code = '4000'))`);
    await changeSettings((s) => (s.document!.lockDate = null));
    expect((await reconcileJson())[0]!.differences).toEqual([]);
  });

  it('Repair posts again the deleted invoice of an order shipped since, and leaves its status alone', async () => {
    const shipped = await placeOrder(store, [{ sku: 'SKU-shipped', quantity: 1, price: '30.00' }], { shipping: '0.00' });
    expect((await cli('retry', '--store', hash, '--order', String(shipped))).code).toBe(0);
    await storeJson(store, 'PUT', `/v2/orders/${shipped}`, { status_id: 2 });
    await testDb.db.execute(sql`delete from ledger_entries where store_hash = ${hash} and order_id = ${shipped}`);
    const [before] = await reconcileJson();
    expect(before!.differences.map((d) => [d.orderId, d.class])).toEqual([[shipped, 'voided_in_books']]);
    const ctx = await cliStoreContext(rtFor(), hash);
    const repaired = await repairDay(ctx, today());
    expect(repaired.ok && repaired.repaired.map((r) => [r.orderId, r.class, r.result])).toEqual([[shipped, 'voided_in_books', 'posted']]);
    expect((await reconcileJson())[0]!.differences).toEqual([]);
    expect((await storeJson<{ status_id: number }>(store, 'GET', `/v2/orders/${shipped}`)).status_id).toBe(2);
  });

  it('Repair of a refunded order whose invoice was deleted with its credit books it whole again: invoice, payment, credit and payout, once', async () => {
    const refunded = await placeOrder(store, [{ sku: 'SKU-whole', quantity: 2, price: '20.00' }], { shipping: '5.00' });
    expect((await cli('retry', '--store', hash, '--order', String(refunded))).code).toBe(0);
    const [line] = await orderProducts(store, refunded);
    const refundId = await refundOrFail(store, refunded, [{ item_type: 'PRODUCT', item_id: line!.id, quantity: 1 }]);
    expect((await cli('retry', '--store', hash, '--order', String(refunded))).code).toBe(0);
    const kinds = async () => (await queryRows<{ kind: string }>(testDb.db, sql`
      select kind from ledger_entries where store_hash = ${hash} and order_id = ${refunded} order by id`)).map((r) => r.kind);
    expect(await kinds()).toEqual(['invoice', 'payment', 'credit_note', 'payout']); // the sale, its payment, the credit, the money paid back
    const expected = describeBooks(await storeSide(store, store, refunded));
    expect(describeBooks(await ledgerSide(testDb.db, hash, refunded))).toEqual(expected);

    // A person deletes the invoice in the books, and with it everything on it: its payment, the credit, the payout.
    await testDb.db.execute(sql`delete from ledger_entries where store_hash = ${hash} and order_id = ${refunded}`);
    const [before] = await reconcileJson();
    expect(before!.differences.map((d) => [d.orderId, d.class])).toEqual([[refunded, 'refund_not_credited'], [refunded, 'voided_in_books']]);

    const ctx = await cliStoreContext(rtFor(), hash);
    const repaired = await repairDay(ctx, today());
    expect(repaired.ok && repaired.repaired.map((r) => [r.orderId, r.class, r.result])).toEqual([[refunded, 'voided_in_books', 'posted']]);
    const [after] = await reconcileJson();
    expect(after!.differences).toEqual([]);
    // (the day's payments by method are not compared: the edited order of an earlier case books no payment for its edit)
    expect(after!.books).toMatchObject({ documents: after!.store.orders, total: after!.store.total, tax: after!.store.tax, refunds: after!.store.refunds });
    // Whole again, each write once: money, receivable, revenue + tax and tax as the store says.
    expect(await kinds()).toEqual(['invoice', 'payment', 'credit_note', 'payout']);
    expect(describeBooks(await ledgerSide(testDb.db, hash, refunded))).toEqual(expected);
    const postings = await createSyncRecordRepo({ db: testDb.db }).postings({ storeHash: hash, orderId: refunded, provider: 'ledger' });
    expect(postings.filter((p) => p.kind === 'credit' && p.refundId === refundId).map((p) => p.state)).toEqual(['gone', 'posted']);

    // Repair and a retry again change nothing.
    const again = await repairDay(ctx, today());
    expect(again.ok && again.repaired).toEqual([]);
    expect((await cli('retry', '--store', hash, '--order', String(refunded))).code).toBe(0);
    expect(await kinds()).toEqual(['invoice', 'payment', 'credit_note', 'payout']);
  });

  it('Repair credits again a refund whose credit note a person deleted (with its payout), the invoice left as it was', async () => {
    const orderId = await placeOrder(store, [{ sku: 'SKU-recredit', quantity: 2, price: '20.00' }], { shipping: '5.00' });
    expect((await cli('retry', '--store', hash, '--order', String(orderId))).code).toBe(0);
    const [line] = await orderProducts(store, orderId);
    await refundOrFail(store, orderId, [{ item_type: 'PRODUCT', item_id: line!.id, quantity: 1 }]);
    expect((await cli('retry', '--store', hash, '--order', String(orderId))).code).toBe(0);
    const expected = describeBooks(await storeSide(store, store, orderId));
    await testDb.db.execute(sql`delete from ledger_entries where store_hash = ${hash} and order_id = ${orderId} and kind in ('credit_note', 'payout')`);
    const [before] = await reconcileJson();
    expect(before!.differences.map((d) => [d.orderId, d.class, d.amount])).toEqual([[orderId, 'refund_not_credited', '20.00']]);

    const repaired = await repairDay(await cliStoreContext(rtFor(), hash), today());
    expect(repaired.ok && repaired.repaired.map((r) => [r.orderId, r.class, r.result])).toEqual([[orderId, 'refund_not_credited', 'refunded']]);
    expect((await reconcileJson())[0]!.differences).toEqual([]);
    const kinds = (await queryRows<{ kind: string }>(testDb.db, sql`
      select kind from ledger_entries where store_hash = ${hash} and order_id = ${orderId} order by id`)).map((r) => r.kind);
    expect(kinds).toEqual(['invoice', 'payment', 'credit_note', 'payout']);
    expect(describeBooks(await ledgerSide(testDb.db, hash, orderId))).toEqual(expected);
  });

  it('refuses bad ranges and unknown stores with a usage error', async () => {
    expect((await cli('reconcile')).code).toBe(2);
    expect((await cli('reconcile', '--store', hash, '--from', '2026-03-10', '--to', '2026-03-01')).code).toBe(2);
    expect((await cli('reconcile', '--store', hash, '--from', '2026-01-01', '--to', '2026-12-31')).code).toBe(2);
    expect((await cli('reconcile', '--store', 'nosuchstore')).code).toBe(2);
  });
});
