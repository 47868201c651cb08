/**
 * Repair of a refunded order whose document a person voided or deleted in Xero or QuickBooks Online (issue 17), in
 * process through the CLI's store context against the BigCommerce, Xero and QuickBooks sandboxes and real Postgres
 * (the built-in ledger's case is in reconcile.test.ts). The order is paid, partly refunded (credit and payout booked),
 * then a person takes it out of the books through the system's own API, with what was on it: the payments, the credit
 * and the money paid back. Reconciliation names the order `voided_in_books`; Repair posts it again through the
 * pipeline; the next run is clean, and the order's books (money, receivable, revenue + tax, tax), read from the system
 * itself, equal the store's, with one live document and one live credit.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerConnectedStore } from '@/lib/cli/commands/connect';
import { runInRuntime } from '@/lib/cli/run';
import { cliStoreContext, type CliRuntime } from '@/lib/cli/runtime';
import { tokenKeys } from '@/lib/context';
import { parseCliEnv } from '@/lib/env';
import type { StoreHash } from '@/lib/ids';
import { repairDay } from '@/lib/jobs/reconcile';
import { createConnectionRepo } from '@/lib/repos/connections';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '@/tests/sandbox/bigcommerce/server';
import { createQuickBooksSandbox, type QuickBooksSandbox } from '@/tests/sandbox/quickbooks/server';
import { createXeroSandbox, type XeroSandbox } from '@/tests/sandbox/xero/server';
import { QBO_TEST_ACCOUNTS, QBO_TEST_PAYMENTS } from '@/tests/support/quickbooks-fixtures';
import { XERO_TEST_SETTINGS } from '@/tests/support/xero-fixtures';
import { freshDatabase, type TestDatabase } from './support/db';
import { describeBooks, quickbooksSide, storeSide, xeroSide, type OrderBooks } from './support/order-books';
import { orderProducts, placeOrder, refundOrFail } from './support/store-actions';
import { syncRecordOf, type StoreApi } from './support/sync-helpers';

vi.setConfig({ testTimeout: 60_000 });

const XERO = { clientId: 'repair-xero-client', clientSecret: 'repair-xero-secret' };
const QBO = { clientId: 'repair-qbo-client', clientSecret: 'repair-qbo-secret' };

let testDb: TestDatabase;
let sandbox: BigCommerceSandbox;
let xero: XeroSandbox;
let quickbooks: QuickBooksSandbox;
let env: CliRuntime['env'];

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
  testDb = await freshDatabase('reconcile_repair');
  xero = createXeroSandbox({ clients: [{ ...XERO, redirectUris: ['http://127.0.0.1:9/api/connections/xero/callback'], name: 'Ledgerbridge' }] });
  quickbooks = createQuickBooksSandbox({ clients: [{ ...QBO, redirectUris: ['http://127.0.0.1:9/api/connections/quickbooks/callback'], name: 'Ledgerbridge' }] });
  sandbox = await startBigCommerceSandbox({
    port: 0, mounts: [...xero.mounts, ...quickbooks.mounts], apps: [{ clientId: 'unused-app', clientSecret: 'unused-secret', appUrl: 'http://127.0.0.1:9' }],
  });
  env = parseCliEnv({
    TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32), BIGCOMMERCE_API_URL: sandbox.url, LOG_LEVEL: 'warn',
    XERO_CLIENT_ID: XERO.clientId, XERO_CLIENT_SECRET: XERO.clientSecret, XERO_BASE_URL: `${sandbox.url}/xero`,
    QUICKBOOKS_CLIENT_ID: QBO.clientId, QUICKBOOKS_CLIENT_SECRET: QBO.clientSecret, QUICKBOOKS_BASE_URL: `${sandbox.url}/quickbooks`,
  });
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

const today = () => new Date().toISOString().slice(0, 10);

interface ContractDay {
  differences: Array<{ orderId: number; class: string; amount: string; reason: string }>;
  store: { orders: number; total: string; tax: string; refunds: string };
  books: { documents: number; total: string; tax: string; refunds: string };
}

/** A sandbox store with the app's token, connected to `provider` as the OAuth callback leaves it (tokens, tenant, provider chosen). */
async function connectedStore(provider: 'xero' | 'quickbooks', tenantId: string, accessToken: string, settings: Record<string, unknown>): Promise<StoreApi> {
  const created = await admin<{ hash: string }>('/__sandbox/stores', { name: `Repaired in ${provider}`, currency: 'USD' });
  const hash = created.hash as StoreHash;
  const account = await admin<{ access_token: string }>(`/__sandbox/stores/${hash}/api-accounts`, {
    scopes: 'store_v2_information_read_only store_v2_orders store_v2_transactions store_v2_products_read_only store_v2_customers_read_only',
  });
  await registerConnectedStore(
    { db: testDb.db, encryptionKey: tokenKeys(env) },
    {
      storeHash: hash,
      accessToken: account.access_token,
      info: { hash, name: 'Repaired store', currency: 'USD', decimalPlaces: 2, planLevel: 'Standard', timezone: null, pricesIncludeTax: false, adminEmail: null, secureUrl: null },
      clientId: null,
      clientName: null,
    },
  );
  const tokens = { accessToken, refreshToken: `refresh-${tenantId}`, expiresAt: Date.now() + 25 * 60_000 };
  await createConnectionRepo({ db: testDb.db, encryptionKey: tokenKeys(env) }).connect(hash, provider, { tenantId, tenantName: `Books of ${hash}`, tokens, userId: 1 });
  await createStoreSyncRepo({ db: testDb.db }).setProvider(hash, provider);
  expect((await createSettingsRepo({ db: testDb.db }).save(hash, settings, { expectedVersion: 0 })).ok).toBe(true);
  return { baseUrl: sandbox.url, hash, token: account.access_token };
}

interface Case {
  provider: 'xero' | 'quickbooks';
  /** A new organisation or company; its id and an access token for it. */
  open(): Promise<{ tenantId: string; token: string; settings: Record<string, unknown> }>;
  /** The order's books read from the system itself, with its live documents and credits (`number`: its invoice's number now). */
  books(tenantId: string, orderId: number, number: string): Promise<OrderBooks & { documents: number; credits: number }>;
  /** A person takes the order's document out of the books, with its payments, the credit and the payout. */
  takeOut(tenantId: string, token: string, documentId: string): Promise<void>;
}

async function call<T>(url: string, token: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${method} ${url}: ${text}`).toBe(200);
  return JSON.parse(text) as T;
}

const cases: Case[] = [
  {
    provider: 'xero',
    async open() {
      const { tenantId } = xero.createTenant({ name: 'Repaired Ltd', currency: 'USD' });
      return { tenantId, token: xero.tokenFor(tenantId), settings: { ...XERO_TEST_SETTINGS } };
    },
    async books(tenantId, orderId, number) {
      const x = await xeroSide(`${sandbox.url}/__sandbox/xero`, tenantId, orderId, number);
      return { ...x, documents: x.invoices, credits: x.creditNotes };
    },
    // As a person must in Xero: a paid invoice or a paid-out credit note is voided only once its payments are deleted
    // (Xero refuses otherwise: "The status VOIDED cannot be applied to the invoice because it has payments or credit
    // notes allocated to it", quoted in lib/accounting/xero/errors.ts). Payments are deleted with `POST /Payments/{id}`
    // `{"Payments":[{"Status":"DELETED"}]}` (deletePayment), documents voided with updateCreditNote and updateInvoice
    // (../shared/specs/xero/xero_accounting.yaml).
    async takeOut(tenantId, token, invoiceId) {
      const api = <T>(method: string, route: string, body?: unknown) => call<T>(`${sandbox.url}/xero/api.xro/2.0${route}`, token, method, body, { 'xero-tenant-id': tenantId });
      const adminOf = async <T>(what: string) => (await (await fetch(`${sandbox.url}/__sandbox/xero/tenants/${tenantId}/${what}`)).json()) as T;
      const invoice = (await adminOf<Array<{ InvoiceID: string; InvoiceNumber: string }>>('invoices')).find((i) => i.InvoiceID === invoiceId)!;
      const credits = (await adminOf<Array<{ CreditNoteID: string; Status: string; Reference?: string }>>('credit-notes'))
        .filter((c) => (c.Reference ?? '').startsWith(`Credit for ${invoice.InvoiceNumber}:`) && c.Status !== 'VOIDED' && c.Status !== 'DELETED');
      expect(credits).toHaveLength(1);
      const ids = new Set([invoiceId, ...credits.map((c) => c.CreditNoteID)]);
      const payments = (await adminOf<Array<{ PaymentID: string; Status: string; Invoice?: { InvoiceID: string } }>>('payments'))
        .filter((p) => p.Status === 'AUTHORISED' && p.Invoice && ids.has(p.Invoice.InvoiceID));
      expect(payments).toHaveLength(2); // the sale's payment and the refund paid back
      for (const p of payments) await api('POST', `/Payments/${p.PaymentID}`, { Payments: [{ Status: 'DELETED' }] });
      for (const c of credits) await api('POST', `/CreditNotes/${c.CreditNoteID}`, { CreditNotes: [{ CreditNoteID: c.CreditNoteID, Status: 'VOIDED' }] });
      await api('POST', `/Invoices/${invoiceId}`, { InvoiceID: invoiceId, Status: 'VOIDED' });
    },
  },
  {
    provider: 'quickbooks',
    async open() {
      const { realmId } = quickbooks.createCompany({ name: 'Repaired Inc', country: 'US', currency: 'USD', ast: false });
      return { tenantId: realmId, token: quickbooks.tokenFor(realmId), settings: { accounts: QBO_TEST_ACCOUNTS, payments: QBO_TEST_PAYMENTS, tax: { defaultTaxCode: 'TAX', zeroTaxCode: 'NON' } } };
    },
    // Credits are numbered from the order's document number (BC-<order>-CR1) whatever number the invoice took, so every
    // credit memo and refund receipt of the order is read, the ones of an earlier posting included.
    async books(realmId, orderId) {
      const q = await quickbooksSide(`${sandbox.url}/__sandbox/quickbooks`, realmId, orderId);
      return { ...q, credits: q.creditMemos + q.refundReceipts };
    },
    // As a person does in QuickBooks: the payment deleted, the refund receipt deleted, the invoice voided
    // (`POST /<entity>?operation=delete` and `/invoice?operation=void` with Id and SyncToken; Intuit's API reference,
    // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice, …/payment, …/refundreceipt).
    async takeOut(realmId, token, remoteId) {
      const base = `${sandbox.url}/quickbooks/v3/company/${realmId}`;
      const invoiceId = remoteId.split(':')[1]!;
      const entities = async (entity: string) => ((await (await fetch(`${sandbox.url}/__sandbox/quickbooks/companies/${realmId}/entities/${entity}`)).json()) as {
        items: Array<{ Id: string; SyncToken: string; DocNumber?: string; Line?: Array<{ LinkedTxn?: Array<{ TxnId: string }> }> }>;
      }).items;
      const invoice = (await entities('Invoice')).find((i) => i.Id === invoiceId)!;
      const payments = (await entities('Payment')).filter((p) => (p.Line ?? []).some((l) => (l.LinkedTxn ?? []).some((t) => t.TxnId === invoiceId)));
      const receipts = (await entities('RefundReceipt')).filter((r) => (r.DocNumber ?? '').startsWith(`${invoice.DocNumber}-CR`));
      expect(payments).toHaveLength(1);
      expect(receipts).toHaveLength(1); // the credit memo paid out whole became a refund receipt (provider README)
      for (const p of payments) await call(`${base}/payment?operation=delete`, token, 'POST', { Id: p.Id, SyncToken: p.SyncToken });
      for (const r of receipts) await call(`${base}/refundreceipt?operation=delete`, token, 'POST', { Id: r.Id, SyncToken: r.SyncToken });
      const fresh = (await entities('Invoice')).find((i) => i.Id === invoiceId)!;
      await call(`${base}/invoice?operation=void`, token, 'POST', { Id: invoiceId, SyncToken: fresh.SyncToken });
    },
  },
];

describe.each(cases)('Repair in $provider', (c) => {
  it('a paid, partly refunded order whose invoice a person voided with its credit is whole in the books again, each document once', async () => {
    const { tenantId, token, settings } = await c.open();
    const store = await connectedStore(c.provider, tenantId, token, settings);
    const hash = store.hash as StoreHash;
    const reconcileJson = async (): Promise<ContractDay[]> => {
      const run = await cli('reconcile', '--store', hash, '--from', today(), '--to', today(), '--json');
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { days: ContractDay[] }).days;
    };

    const orderId = await placeOrder(store, [{ sku: 'SKU-whole', quantity: 2, price: '20.00' }], { shipping: '5.00' });
    const posted = await cli('retry', '--store', hash, '--order', String(orderId));
    expect(posted.code, posted.stdout + posted.stderr).toBe(0);
    const [line] = await orderProducts(store, orderId);
    const refundId = await refundOrFail(store, orderId, [{ item_type: 'PRODUCT', item_id: line!.id, quantity: 1 }]);
    const credited = await cli('retry', '--store', hash, '--order', String(orderId));
    expect(credited.code, credited.stdout + credited.stderr).toBe(0);
    const first = (await syncRecordOf(testDb.db, hash, orderId))!;
    const expected = await storeSide(store, store, orderId);
    expect(expected.money).toBe(2500n); // 45.00 paid, 20.00 paid back
    const booked = await c.books(tenantId, orderId, first.remoteNumber!);
    expect(describeBooks(booked)).toEqual(describeBooks(expected));
    expect(booked).toMatchObject({ documents: 1, credits: 1 });
    expect((await reconcileJson())[0]!.differences).toEqual([]);

    await c.takeOut(tenantId, token, first.remoteId!);
    const [before] = await reconcileJson();
    expect(before!.differences.map((d) => [d.orderId, d.class])).toEqual([[orderId, 'refund_not_credited'], [orderId, 'voided_in_books']]);

    const ctx = await cliStoreContext(rtFor(), hash);
    const repaired = await repairDay(ctx, today());
    if (!repaired.ok) throw new Error(repaired.message);
    expect(repaired.repaired.map((r) => [r.orderId, r.class, r.result])).toEqual([[orderId, 'voided_in_books', 'posted']]);
    const [after] = await reconcileJson();
    expect(after!.differences).toEqual([]);
    expect(after!.books).toMatchObject({ documents: 1, total: after!.store.total, tax: after!.store.tax, refunds: after!.store.refunds });

    // Whole again, from the system itself: one live document and one live credit, money, receivable and tax as the store says.
    const record = (await syncRecordOf(testDb.db, hash, orderId))!;
    expect(record.remoteId).not.toBe(first.remoteId);
    const whole = await c.books(tenantId, orderId, record.remoteNumber!);
    expect(describeBooks(whole)).toEqual(describeBooks(expected));
    expect(whole).toMatchObject({ documents: 1, credits: 1 });
    const postings = await createSyncRecordRepo({ db: testDb.db }).postings({ storeHash: hash, orderId, provider: c.provider });
    expect(postings.filter((p) => p.kind === 'credit' && p.refundId === refundId).map((p) => p.state)).toEqual(['gone', 'posted']);

    // Repair and a retry again book nothing more.
    const again = await repairDay(ctx, today());
    expect(again.ok && again.repaired).toEqual([]);
    expect((await cli('retry', '--store', hash, '--order', String(orderId))).code).toBe(0);
    expect(await c.books(tenantId, orderId, record.remoteNumber!)).toMatchObject({ documents: 1, credits: 1 });
  });
});
