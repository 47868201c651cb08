// Who the customer in the books is (setting `customers.mode`, issue 16), through each provider: the built-in ledger
// (real Postgres with DATABASE_URL, PGlite otherwise), the Xero sandbox and the QuickBooks sandbox. Three orders:
// Jane and John buy for Acme Ltd, Ann buys for herself. `buyer` books three customers; `company` books Jane's and
// John's orders on one "Acme Ltd" and Ann's on Ann; `single` books all three on one "Online Sales".
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

type Mode = 'buyer' | 'company' | 'single';
const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/orders/cases/02-single-line-untaxed.json'), 'utf8')) as { order: unknown };
const base = orderSchema.parse(fixture.order);
const BUYERS = [
  { id: 11, first_name: 'Jane', last_name: 'Doe', email: 'jane@acme.example', company: 'Acme Ltd' },
  { id: 12, first_name: 'John', last_name: 'Roe', email: 'john@acme.example', company: 'Acme Ltd' },
  { id: 13, first_name: 'Ann', last_name: 'Poe', email: 'ann@example.com', company: '' },
] as const;
const EXPECTED: Record<Mode, string[]> = {
  buyer: ['Jane Doe', 'John Roe', 'Ann Poe'],
  company: ['Acme Ltd', 'Acme Ltd', 'Ann Poe'],
  single: ['Online Sales', 'Online Sales', 'Online Sales'],
};

function orders(firstId: number): BcOrder[] {
  return BUYERS.map((b, i) => ({
    ...base, id: firstId + i, customer_id: b.id,
    billing_address: { ...base.billing_address, first_name: b.first_name, last_name: b.last_name, email: b.email, company: b.company },
  }));
}

/** The documents the pipeline builds for a store in `mode`, with no customer known yet (the provider finds or creates). */
function documents(mode: Mode, firstId: number, settings: Record<string, unknown>, limits: BuildLookups['limits']): SalesDocument[] {
  const parsed = parseSettings({ ...settings, customers: { mode } });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return orders(firstId).map((order) => {
    const built = buildSalesDocument(order, parsed.settings, { storeHash: 'abc123', limits, items: new Map(), customer: { linked: null, byEmail: [] } });
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    return built.document;
  });
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  const r = result as { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}

async function postAll(provider: AccountingProvider, docs: SalesDocument[]): Promise<void> {
  for (const doc of docs) {
    const posted = await provider.postDocument(doc, `abc123:${doc.source.orderId}:document`);
    expect(posted.ok, !posted.ok ? posted.error.message : '').toBe(true);
  }
}

describe('the built-in ledger', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase({ prefix: 'lb_customer_modes' });
  });
  afterAll(async () => {
    await database?.close();
  });

  it.each(['buyer', 'company', 'single'] as const)('%s: each entry is on the expected customer, created once', async (mode) => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    await ledger.ensureChart();
    await postAll(ledger, documents(mode, 100, {}, LEDGER_LIMITS));
    const list = rowsOf(await database.db.execute(sql`
      select e.order_id, c.display_name, c.bc_customer_id from ledger_entries e join ledger_customers c on c.id = e.customer_id
      where e.store_hash = ${storeHash} order by e.order_id`));
    expect(list.map((r) => r.display_name)).toEqual(EXPECTED[mode]);
    const [customers] = rowsOf(await database.db.execute(sql`select count(*)::int as n from ledger_customers where store_hash = ${storeHash}`));
    expect(customers?.n).toBe(new Set(EXPECTED[mode]).size);
    // A shared customer is never linked to one shopper.
    if (mode === 'single') expect(list.every((r) => r.bc_customer_id === null)).toBe(true);
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

  it.each(['buyer', 'company', 'single'] as const)('%s: each invoice is on the expected contact, created once', async (mode) => {
    const { tenantId } = xero.sandbox.createTenant({ name: `Harbour Goods ${mode}`, currency: 'USD' });
    const token = xero.sandbox.tokenFor(tenantId);
    const provider = createXeroProvider({ tenantId, tokens: staticXeroToken(token), urls: xeroUrls(`${xero.url}/xero`), retryDelayMs: 5 });
    await postAll(provider, documents(mode, { buyer: 200, company: 210, single: 220 }[mode], XERO_TEST_SETTINGS, XERO_LIMITS));
    const get = async <T>(route: string) => {
      const res = await fetch(`${xero.url}/xero/api.xro/2.0${route}`, { headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenantId, accept: 'application/json' } });
      expect(res.status).toBe(200);
      return (await res.json()) as T;
    };
    const { Invoices } = await get<{ Invoices: Array<{ InvoiceNumber: string; Contact: { ContactID: string } }> }>('/Invoices');
    const { Contacts } = await get<{ Contacts: Array<{ ContactID: string; Name: string; ContactNumber?: string }> }>('/Contacts');
    const nameOf = (id: string) => Contacts.find((c) => c.ContactID === id)?.Name;
    const sorted = [...Invoices].sort((a, b) => a.InvoiceNumber.localeCompare(b.InvoiceNumber));
    expect(sorted.map((i) => nameOf(i.Contact.ContactID))).toEqual(EXPECTED[mode]);
    expect(Contacts.length).toBe(new Set(EXPECTED[mode]).size);
    if (mode !== 'buyer') expect(Contacts.filter((c) => EXPECTED[mode].includes(c.Name) && c.Name !== 'Ann Poe').every((c) => !c.ContactNumber)).toBe(true);
  });
  it('a registered shopper\'s contact carries the store\'s reference prefix; a channel order without a customer id stays a guest', async () => {
    const { tenantId } = xero.sandbox.createTenant({ name: 'Harbour Goods prefix', currency: 'USD' });
    const token = xero.sandbox.tokenFor(tenantId);
    const provider = createXeroProvider({ tenantId, tokens: staticXeroToken(token), urls: xeroUrls(`${xero.url}/xero`), retryDelayMs: 5, contactNumberPrefix: 'SHOP/' });
    const [jane] = documents('buyer', 230, XERO_TEST_SETTINGS, XERO_LIMITS);
    const parsed = parseSettings({ ...XERO_TEST_SETTINGS, customers: { guests: 'per_email' } });
    if (!parsed.ok) throw new Error('settings');
    const ebay: BcOrder = { ...orders(240)[2]!, customer_id: 0, channel_id: 2 };
    const guest = buildSalesDocument(ebay, parsed.settings, { storeHash: 'abc123', limits: XERO_LIMITS, items: new Map(), customer: { linked: null, byEmail: [] } });
    if (!guest.ok) throw new Error('guest');
    await postAll(provider, [jane!, guest.document]);
    const res = await fetch(`${xero.url}/xero/api.xro/2.0/Contacts`, { headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenantId, accept: 'application/json' } });
    const { Contacts } = (await res.json()) as { Contacts: Array<{ Name: string; ContactNumber?: string }> };
    expect(Contacts.map((c) => [c.Name, c.ContactNumber ?? null]).sort()).toEqual([['Ann Poe', null], ['Jane Doe', 'SHOP/11']]);
    // The provider finds the shopper again by that reference.
    const found = await provider.findCustomer({ bcCustomerId: 11 });
    expect(found.ok && found.value.map((c) => [c.displayName, c.bcCustomerId])).toEqual([['Jane Doe', 11]]);
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

  it.each(['buyer', 'company', 'single'] as const)('%s: each invoice is on the expected customer, created once', async (mode) => {
    const { realmId } = await admin<{ realmId: string }>('POST', '/companies', { name: `Acme ${mode}`, country: 'US', currency: 'USD' });
    const { access_token } = await admin<{ access_token: string }>('POST', `/companies/${realmId}/tokens`);
    const provider = createQuickBooksProvider({ realmId, tokens: staticToken(access_token), urls: quickbooksUrls(`${qb.url}/quickbooks`), retryDelayMs: 5, timeoutMs: 3_000 });
    const settings = { accounts: QBO_TEST_ACCOUNTS, payments: QBO_TEST_PAYMENTS, tax: { defaultTaxCode: 'TAX', zeroTaxCode: 'NON' } };
    await postAll(provider, documents(mode, { buyer: 300, company: 310, single: 320 }[mode], settings, QUICKBOOKS_LIMITS));
    const entities = async <T>(entity: string) => (await admin<{ items: T[] }>('GET', `/companies/${realmId}/entities/${entity}`)).items;
    const invoices = await entities<{ DocNumber: string; CustomerRef: { value: string } }>('Invoice');
    const customers = await entities<{ Id: string; DisplayName: string; Notes?: string }>('Customer');
    const nameOf = (id: string) => customers.find((c) => c.Id === id)?.DisplayName;
    const sorted = [...invoices].sort((a, b) => a.DocNumber.localeCompare(b.DocNumber));
    expect(sorted.map((i) => nameOf(i.CustomerRef.value))).toEqual(EXPECTED[mode]);
    expect(customers.length).toBe(new Set(EXPECTED[mode]).size);
  });
});
