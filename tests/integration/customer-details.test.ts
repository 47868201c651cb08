// Matched customers are kept current (issue 16): a returning shopper's new name, billing address, phone and email
// reach their customer in the books (the ledger, the Xero sandbox, the QuickBooks sandbox), sent once: posting the
// same order again, or another order with the same details, writes nothing more; a shared customer is never updated.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerProvider, LEDGER_LIMITS } from '@/lib/accounting/ledger';
import { staticToken } from '@/lib/accounting/connect/token-manager';
import { createQuickBooksProvider, quickbooksUrls } from '@/lib/accounting/quickbooks';
import { QUICKBOOKS_LIMITS } from '@/lib/accounting/quickbooks/config';
import { createXeroProvider, staticXeroToken, xeroUrls } from '@/lib/accounting/xero';
import { XERO_LIMITS } from '@/lib/accounting/xero/config';
import { orderSchema, type BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { buildSalesDocument, type BuildLookups } from '@/lib/sync/build-sales-document';
import type { AccountingProvider } from '@/lib/sync/provider';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { parseSettings } from '@/lib/sync/settings';
import { QBO_TEST_ACCOUNTS, QBO_TEST_PAYMENTS } from '@/tests/support/quickbooks-fixtures';
import { openTestDatabase, uniqueStoreHash, type TestDatabase } from '@/tests/support/test-database';
import { XERO_TEST_SETTINGS } from '@/tests/support/xero-fixtures';
import { startQuickBooksSandbox, type StartedQuickBooksSandbox } from '@/tests/sandbox/quickbooks/server';
import { startXeroSandbox, type StartedXeroSandbox } from '@/tests/sandbox/xero/server';

const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/orders/cases/02-single-line-untaxed.json'), 'utf8')) as { order: unknown };
const base = orderSchema.parse(fixture.order);
const FIRST = { first_name: 'Jane', last_name: 'Doe', email: 'jane@example.com', phone: '555-0100', street_1: '1 Old Road', city: 'Austin', zip: '78108' };
const MOVED = { first_name: 'Jane', last_name: 'Smith', email: 'jane.smith@example.com', phone: '555-0199', street_1: '9 New Street', city: 'Dallas', zip: '75001' };

function order(id: number, billing: Partial<BcOrder['billing_address']>, customerId = 11): BcOrder {
  return { ...base, id, customer_id: customerId, billing_address: { ...base.billing_address, company: '', ...billing } };
}

function documentFor(o: BcOrder, settings: Record<string, unknown>, limits: BuildLookups['limits'], linked: string | null, customers: Record<string, unknown> = {}): SalesDocument {
  const parsed = parseSettings({ ...settings, customers });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const built = buildSalesDocument(o, parsed.settings, { storeHash: 'abc123', limits, items: new Map(), customer: { linked: linked ? { remoteId: linked } : null, byEmail: [] } });
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  return built.document;
}

async function post(provider: AccountingProvider, doc: SalesDocument): Promise<void> {
  const posted = await provider.postDocument(doc, `abc123:${doc.source.orderId}:document`);
  expect(posted.ok, !posted.ok ? posted.error.message : '').toBe(true);
}

/** A fetch that counts the writes to customers (`match` says which requests are). */
function countingFetch(match: (method: string, url: string) => boolean) {
  const counter = { writes: 0 };
  const f: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (match((init?.method ?? 'GET').toUpperCase(), url)) counter.writes += 1;
    return fetch(input, init);
  };
  return { counter, fetch: f };
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  const r = result as { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}

describe('the built-in ledger', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase({ prefix: 'lb_customer_details' });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('a returning shopper\'s new details reach their customer; the shared customer keeps its own', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    await ledger.ensureChart();
    await post(ledger, documentFor(order(100, FIRST), {}, LEDGER_LIMITS, null));
    const lookup = await ledger.findCustomer({ bcCustomerId: 11 });
    const found = lookup.ok ? lookup.value[0] : undefined;
    expect(found).toBeDefined();
    await post(ledger, documentFor(order(101, MOVED), {}, LEDGER_LIMITS, found!.remoteId));
    const read = async () => rowsOf(await database.db.execute(sql`select display_name, email, phone, address from ledger_customers where store_hash = ${storeHash} and id = ${Number(found!.remoteId)}`))[0] as Record<string, unknown>;
    const row = await read();
    expect(row).toMatchObject({ display_name: 'Jane Smith', email: 'jane.smith@example.com', phone: '555-0199' });
    expect(row.address).toMatchObject({ street1: '9 New Street', city: 'Dallas', zip: '75001' });
    // Single mode: the one customer is never given a shopper's details.
    await post(ledger, documentFor(order(102, FIRST), {}, LEDGER_LIMITS, null, { mode: 'single' }));
    const single = rowsOf(await database.db.execute(sql`select email, phone from ledger_customers where store_hash = ${storeHash} and display_name = 'Online Sales'`))[0];
    expect(single).toMatchObject({ email: null, phone: '' });
    expect(await read()).toMatchObject({ display_name: 'Jane Smith', email: 'jane.smith@example.com' });
  });
});

describe('Xero', () => {
  let xero: StartedXeroSandbox;
  beforeAll(async () => {
    xero = await startXeroSandbox({ port: 0, limits: { minute: 100_000, day: 1_000_000 } });
  });
  afterAll(async () => {
    await xero?.close();
  });

  it('a returning shopper\'s new details reach their contact, written once', async () => {
    const { tenantId } = xero.sandbox.createTenant({ name: 'Harbour Goods details', currency: 'USD' });
    const token = xero.sandbox.tokenFor(tenantId);
    const counting = countingFetch((method, url) => method === 'POST' && /\/Contacts\/[^/?]+/.test(url));
    const provider = createXeroProvider({ tenantId, tokens: staticXeroToken(token), urls: xeroUrls(`${xero.url}/xero`), retryDelayMs: 5, fetch: counting.fetch });
    await post(provider, documentFor(order(200, FIRST), XERO_TEST_SETTINGS, XERO_LIMITS, null));
    const found = await provider.findCustomer({ bcCustomerId: 11 });
    const id = found.ok ? found.value[0]?.remoteId : undefined;
    expect(id).toBeTruthy();
    // The same details as the contact has: nothing is written.
    await post(provider, documentFor(order(201, FIRST), XERO_TEST_SETTINGS, XERO_LIMITS, id!));
    expect(counting.counter.writes).toBe(0);
    const moved = documentFor(order(202, MOVED), XERO_TEST_SETTINGS, XERO_LIMITS, id!);
    await post(provider, moved);
    await post(provider, moved);
    await post(provider, documentFor(order(203, MOVED), XERO_TEST_SETTINGS, XERO_LIMITS, id!));
    expect(counting.counter.writes).toBe(1);
    const res = await fetch(`${xero.url}/xero/api.xro/2.0/Contacts/${id}`, { headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenantId, accept: 'application/json' } });
    const contact = ((await res.json()) as { Contacts: Array<Record<string, unknown>> }).Contacts[0]!;
    expect(contact).toMatchObject({ Name: 'Jane Doe', FirstName: 'Jane', LastName: 'Smith', EmailAddress: 'jane.smith@example.com', ContactNumber: 'BC-11' });
    expect(contact.Phones).toEqual(expect.arrayContaining([expect.objectContaining({ PhoneType: 'DEFAULT', PhoneNumber: '555-0199' })]));
    expect(contact.Addresses).toEqual(expect.arrayContaining([expect.objectContaining({ AddressType: 'POBOX', AddressLine1: '9 New Street', City: 'Dallas', PostalCode: '75001' })]));
  });
});

describe('QuickBooks', () => {
  let qb: StartedQuickBooksSandbox;
  beforeAll(async () => {
    qb = await startQuickBooksSandbox({ port: 0 });
  });
  afterAll(async () => {
    await qb?.close();
  });
  async function admin<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${qb.url}/__sandbox/quickbooks${route}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  it('a returning shopper\'s new details reach their customer, written once', async () => {
    const { realmId } = await admin<{ realmId: string }>('POST', '/companies', { name: 'Acme details', country: 'US', currency: 'USD' });
    const { access_token } = await admin<{ access_token: string }>('POST', `/companies/${realmId}/tokens`);
    const counting = countingFetch((method, url) => method === 'POST' && /\/customer(\?|$)/.test(url));
    const provider = createQuickBooksProvider({ realmId, tokens: staticToken(access_token), urls: quickbooksUrls(`${qb.url}/quickbooks`), retryDelayMs: 5, timeoutMs: 3_000, fetch: counting.fetch });
    const settings = { accounts: QBO_TEST_ACCOUNTS, payments: QBO_TEST_PAYMENTS, tax: { defaultTaxCode: 'TAX', zeroTaxCode: 'NON' } };
    await post(provider, documentFor(order(300, FIRST), settings, QUICKBOOKS_LIMITS, null));
    const found = await provider.findCustomer({ email: FIRST.email });
    const id = found.ok ? found.value[0]?.remoteId : undefined;
    expect(id).toBeTruthy();
    const created = counting.counter.writes;
    await post(provider, documentFor(order(301, FIRST), settings, QUICKBOOKS_LIMITS, id!));
    expect(counting.counter.writes).toBe(created);
    const moved = documentFor(order(302, MOVED), settings, QUICKBOOKS_LIMITS, id!);
    await post(provider, moved);
    await post(provider, moved);
    await post(provider, documentFor(order(303, MOVED), settings, QUICKBOOKS_LIMITS, id!));
    expect(counting.counter.writes).toBe(created + 1);
    const customers = (await admin<{ items: Array<Record<string, unknown>> }>('GET', `/companies/${realmId}/entities/Customer`)).items;
    expect(customers.find((c) => c.Id === id)).toMatchObject({
      GivenName: 'Jane', FamilyName: 'Smith', PrimaryEmailAddr: { Address: 'jane.smith@example.com' }, PrimaryPhone: { FreeFormNumber: '555-0199' },
      BillAddr: expect.objectContaining({ Line1: '9 New Street', City: 'Dallas', PostalCode: '75001' }),
    });
  });
});
