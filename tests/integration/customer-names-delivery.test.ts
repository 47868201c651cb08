// The customer's name, the delivery address and Saasu's shipping-name rule (issue 16), through each provider: the
// built-in ledger (real Postgres with DATABASE_URL, PGlite otherwise), the Xero sandbox and the QuickBooks sandbox.
// Jane Doe of Acme Ltd is billed at 555 East Street and ships to 123 Main Street (fixture 02).
// - `customers.nameTemplate = {company}` names her customer "Acme Ltd" (still her own: linked to her customer id);
//   Ann, without a company, is "Ann Poe".
// - The delivery address reaches the books: the ledger keeps it on the entry's document, Xero on the contact's STREET
//   address (its invoices have none), QuickBooks on the form's ShipAddr and the customer's.
// - `customers.shippingNameContact`: an order shipped to Tom Ray goes to the Tom Ray already in the books (found by
//   name, though he is another registered shopper), one shipped to Sue Bee creates Sue Bee with the shipping address.
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
import { orderSchema, type BcConsignments, type BcOrder, type BcShippingConsignment } from '@/lib/bigcommerce/schemas/orders';
import { buildSalesDocument, type BuildLookups } from '@/lib/sync/build-sales-document';
import type { AccountingProvider } from '@/lib/sync/provider';
import type { DocumentCustomer, SalesDocument } from '@/lib/sync/sales-document';
import { parseSettings } from '@/lib/sync/settings';
import { QBO_TEST_ACCOUNTS, QBO_TEST_PAYMENTS } from '@/tests/support/quickbooks-fixtures';
import { openTestDatabase, uniqueStoreHash, type TestDatabase } from '@/tests/support/test-database';
import { XERO_TEST_SETTINGS } from '@/tests/support/xero-fixtures';
import { startQuickBooksSandbox, type StartedQuickBooksSandbox } from '@/tests/sandbox/quickbooks/server';
import { startXeroSandbox, type StartedXeroSandbox } from '@/tests/sandbox/xero/server';

const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/orders/cases/02-single-line-untaxed.json'), 'utf8')) as { order: unknown };
const base = orderSchema.parse(fixture.order);
const QBO_SETTINGS = { accounts: QBO_TEST_ACCOUNTS, payments: QBO_TEST_PAYMENTS, tax: { defaultTaxCode: 'TAX', zeroTaxCode: 'NON' } };

function order(id: number, customerId: number, billing: Partial<BcOrder['billing_address']>, shipping: Partial<BcShippingConsignment> = {}): BcOrder {
  const consignments = base.consignments as BcConsignments;
  return {
    ...base, id, customer_id: customerId,
    billing_address: { ...base.billing_address, ...billing },
    consignments: { ...consignments, shipping: [{ ...consignments.shipping[0]!, ...shipping }] },
  };
}
const JANE = { first_name: 'Jane', last_name: 'Doe', email: 'jane@acme.example', company: 'Acme Ltd' };
const ANN = { first_name: 'Ann', last_name: 'Poe', email: 'ann@example.com', company: '' };
const TO_TOM = { first_name: 'Tom', last_name: 'Ray', street_1: '7 Gift Lane', city: 'Dallas', zip: '75001', phone: '555-0123' };
const TO_SUE = { first_name: 'Sue', last_name: 'Bee', street_1: '9 Hive Road', city: 'Houston', zip: '77001', phone: '555-0456' };

function documentFor(o: BcOrder, settings: Record<string, unknown>, customers: Record<string, unknown>, limits: BuildLookups['limits'], linked: string | null = null): SalesDocument {
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

/** Tom Ray, a registered shopper (customer 77) already in the books. */
async function tomInTheBooks(provider: AccountingProvider): Promise<string> {
  const address = { firstName: 'Tom', lastName: 'Ray', company: '', street1: '1 Elm St', street2: '', city: 'Waco', state: 'Texas', zip: '76701', country: 'United States', countryIso2: 'US', phone: '', email: 'tom@example.com' };
  const tom: DocumentCustomer = { match: 'new', remoteId: null, bcCustomerId: 77, displayName: 'Tom Ray', email: 'tom@example.com', company: '', phone: '', billingAddress: address };
  const made = await provider.upsertCustomer(tom);
  if (!made.ok) throw new Error(made.error.message);
  return made.value.remoteId;
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  const r = result as { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}

describe('the built-in ledger', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase({ prefix: 'lb_customer_names' });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('names customers by the template, keeps the delivery address on the entry, and applies the shipping-name rule', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    await ledger.ensureChart();
    const customers = async () => rowsOf(await database.db.execute(sql`select id, display_name, bc_customer_id::int as bc_customer_id, email, address from ledger_customers where store_hash = ${storeHash} order by id`));
    const entryOf = async (orderId: number) => rowsOf(await database.db.execute(sql`
      select c.display_name, e.document from ledger_entries e join ledger_customers c on c.id = e.customer_id
      where e.store_hash = ${storeHash} and e.order_id = ${orderId} and e.document is not null`))[0]!;

    await post(ledger, documentFor(order(100, 11, JANE), {}, { nameTemplate: '{company}' }, LEDGER_LIMITS));
    await post(ledger, documentFor(order(101, 13, ANN), {}, { nameTemplate: '{company}' }, LEDGER_LIMITS));
    expect((await customers()).map((c) => [c.display_name, c.bc_customer_id])).toEqual([['Acme Ltd', 11], ['Ann Poe', 13]]);
    // The entry keeps where Jane's order went (its document, as posted).
    const jane = await entryOf(100);
    expect(jane.display_name).toBe('Acme Ltd');
    const doc = jane.document as SalesDocument;
    expect(doc.customer.deliveryAddress).toMatchObject({ firstName: 'Jane', street1: '123 Main Street', zip: '12345' });
    expect(doc.shippingContacts[0]).toMatchObject({ street1: '123 Main Street' });

    // A matched customer takes the template's name: Ann, linked, is renamed after the company she now buys for.
    const annId = String((await customers())[1]!.id);
    await post(ledger, documentFor(order(102, 13, { ...ANN, company: 'Poe Books' }), {}, { nameTemplate: '{company}' }, LEDGER_LIMITS, annId));
    expect((await customers())[1]).toMatchObject({ display_name: 'Poe Books', bc_customer_id: 13 });

    // Saasu's rule: Tom Ray is found by name (another shopper's customer, left as it was); Sue Bee is created.
    const tomId = await tomInTheBooks(ledger);
    const rule = { shippingNameContact: true };
    await post(ledger, documentFor(order(103, 11, JANE, TO_TOM), {}, rule, LEDGER_LIMITS));
    await post(ledger, documentFor(order(104, 11, JANE, TO_SUE), {}, rule, LEDGER_LIMITS));
    expect((await entryOf(103)).display_name).toBe('Tom Ray');
    expect((await entryOf(104)).display_name).toBe('Sue Bee');
    const all = await customers();
    expect(all.map((c) => c.display_name)).toEqual(['Acme Ltd', 'Poe Books', 'Tom Ray', 'Sue Bee']);
    expect(all.find((c) => String(c.id) === tomId)).toMatchObject({ bc_customer_id: 77, email: 'tom@example.com' });
    expect(all.find((c) => c.display_name === 'Sue Bee')).toMatchObject({ bc_customer_id: null, email: null, address: expect.objectContaining({ street1: '9 Hive Road', city: 'Houston' }) });
    // Off, the same order is the buyer's.
    await post(ledger, documentFor(order(105, 11, JANE, TO_SUE), {}, {}, LEDGER_LIMITS, String(all[0]!.id)));
    expect((await entryOf(105)).display_name).toBe('Jane Doe');
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

  it('names contacts by the template, puts the delivery address on the contact\'s STREET address, and applies the shipping-name rule', async () => {
    const { tenantId } = xero.sandbox.createTenant({ name: 'Harbour Goods names', currency: 'USD' });
    const token = xero.sandbox.tokenFor(tenantId);
    const provider = createXeroProvider({ tenantId, tokens: staticXeroToken(token), urls: xeroUrls(`${xero.url}/xero`), retryDelayMs: 5 });
    const get = async <T>(route: string) => {
      const res = await fetch(`${xero.url}/xero/api.xro/2.0${route}`, { headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenantId, accept: 'application/json' } });
      expect(res.status).toBe(200);
      return (await res.json()) as T;
    };
    type Contact = { ContactID: string; Name: string; ContactNumber?: string; EmailAddress?: string; Addresses?: Array<Record<string, string>> };
    const contacts = async () => (await get<{ Contacts: Contact[] }>('/Contacts')).Contacts;
    const contactOfInvoice = async (number: string) => {
      const { Invoices } = await get<{ Invoices: Array<{ InvoiceNumber: string; Contact: { ContactID: string } }> }>('/Invoices');
      const id = Invoices.find((i) => i.InvoiceNumber === number)!.Contact.ContactID;
      return (await get<{ Contacts: Contact[] }>(`/Contacts/${id}`)).Contacts[0]!;
    };

    await post(provider, documentFor(order(200, 11, JANE), XERO_TEST_SETTINGS, { nameTemplate: '{company}' }, XERO_LIMITS));
    await post(provider, documentFor(order(201, 13, ANN), XERO_TEST_SETTINGS, { nameTemplate: '{company}' }, XERO_LIMITS));
    const acme = await contactOfInvoice('BC-200');
    expect(acme).toMatchObject({ Name: 'Acme Ltd', ContactNumber: 'BC-11', EmailAddress: 'jane@acme.example' });
    expect((await contactOfInvoice('BC-201')).Name).toBe('Ann Poe');
    // Billing stays the postal address; the delivery address is the STREET address, to Jane's attention.
    expect(acme.Addresses).toEqual(expect.arrayContaining([
      expect.objectContaining({ AddressType: 'POBOX', AddressLine1: '555 East Street' }),
      expect.objectContaining({ AddressType: 'STREET', AddressLine1: '123 Main Street', PostalCode: '12345', AttentionTo: 'Jane Doe' }),
    ]));
    // Her next order ships elsewhere: the matched contact's STREET address follows, POBOX and Name stay.
    await post(provider, documentFor(order(202, 11, JANE, { street_1: '4 Dock Road', city: 'Galveston', zip: '77550' }), XERO_TEST_SETTINGS, { nameTemplate: '{company}' }, XERO_LIMITS, acme.ContactID));
    const moved = (await get<{ Contacts: Contact[] }>(`/Contacts/${acme.ContactID}`)).Contacts[0]!;
    expect(moved.Name).toBe('Acme Ltd');
    expect(moved.Addresses).toEqual(expect.arrayContaining([
      expect.objectContaining({ AddressType: 'POBOX', AddressLine1: '555 East Street' }),
      expect.objectContaining({ AddressType: 'STREET', AddressLine1: '4 Dock Road', City: 'Galveston' }),
    ]));

    const tomId = await tomInTheBooks(provider);
    const before = (await contacts()).length;
    await post(provider, documentFor(order(203, 11, JANE, TO_TOM), XERO_TEST_SETTINGS, { shippingNameContact: true }, XERO_LIMITS));
    await post(provider, documentFor(order(204, 11, JANE, TO_SUE), XERO_TEST_SETTINGS, { shippingNameContact: true }, XERO_LIMITS));
    const tom = await contactOfInvoice('BC-203');
    expect(tom).toMatchObject({ ContactID: tomId, Name: 'Tom Ray', ContactNumber: 'BC-77', EmailAddress: 'tom@example.com' });
    const sue = await contactOfInvoice('BC-204');
    expect(sue).toMatchObject({ Name: 'Sue Bee' });
    expect(sue.ContactNumber).toBeUndefined();
    expect(sue.EmailAddress ?? '').toBe('');
    expect(sue.Addresses).toEqual(expect.arrayContaining([expect.objectContaining({ AddressType: 'POBOX', AddressLine1: '9 Hive Road', City: 'Houston' })]));
    expect((await contacts()).length).toBe(before + 1);
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

  it('names customers by the template, puts the delivery address on the invoice\'s ShipAddr, and applies the shipping-name rule', async () => {
    const { realmId } = await admin<{ realmId: string }>('POST', '/companies', { name: 'Acme names', country: 'US', currency: 'USD' });
    const { access_token } = await admin<{ access_token: string }>('POST', `/companies/${realmId}/tokens`);
    const provider = createQuickBooksProvider({ realmId, tokens: staticToken(access_token), urls: quickbooksUrls(`${qb.url}/quickbooks`), retryDelayMs: 5, timeoutMs: 3_000 });
    type Customer = { Id: string; DisplayName: string; Notes?: string; PrimaryEmailAddr?: { Address: string }; BillAddr?: Record<string, string>; ShipAddr?: Record<string, string> };
    const entities = async <T>(entity: string) => (await admin<{ items: T[] }>('GET', `/companies/${realmId}/entities/${entity}`)).items;
    const invoice = async (number: string) => (await entities<{ DocNumber: string; CustomerRef: { value: string }; ShipAddr?: Record<string, string>; BillAddr?: Record<string, string> }>('Invoice')).find((i) => i.DocNumber === number)!;
    const customerOf = async (number: string) => {
      const id = (await invoice(number)).CustomerRef.value;
      return (await entities<Customer>('Customer')).find((c) => c.Id === id)!;
    };

    await post(provider, documentFor(order(300, 11, JANE), QBO_SETTINGS, { nameTemplate: '{company}' }, QUICKBOOKS_LIMITS));
    await post(provider, documentFor(order(301, 13, ANN), QBO_SETTINGS, { nameTemplate: '{company}' }, QUICKBOOKS_LIMITS));
    const acme = await customerOf('BC-300');
    expect(acme).toMatchObject({ DisplayName: 'Acme Ltd', Notes: 'BigCommerce customer #11', PrimaryEmailAddr: { Address: 'jane@acme.example' } });
    expect(acme.ShipAddr).toMatchObject({ Line1: '123 Main Street', PostalCode: '12345' });
    expect((await customerOf('BC-301')).DisplayName).toBe('Ann Poe');
    const inv = await invoice('BC-300');
    expect(inv.ShipAddr).toMatchObject({ Line1: '123 Main Street', City: 'Austin', PostalCode: '12345' });
    expect(inv.BillAddr).toMatchObject({ Line1: '555 East Street', PostalCode: '78108' });

    const tomId = await tomInTheBooks(provider);
    const before = (await entities<Customer>('Customer')).length;
    await post(provider, documentFor(order(302, 11, JANE, TO_TOM), QBO_SETTINGS, { shippingNameContact: true }, QUICKBOOKS_LIMITS));
    await post(provider, documentFor(order(303, 11, JANE, TO_SUE), QBO_SETTINGS, { shippingNameContact: true }, QUICKBOOKS_LIMITS));
    expect(await customerOf('BC-302')).toMatchObject({ Id: tomId, DisplayName: 'Tom Ray', Notes: 'BigCommerce customer #77', PrimaryEmailAddr: { Address: 'tom@example.com' } });
    const sue = await customerOf('BC-303');
    expect(sue).toMatchObject({ DisplayName: 'Sue Bee', BillAddr: expect.objectContaining({ Line1: '9 Hive Road', City: 'Houston' }) });
    expect(sue.Notes).toBeUndefined();
    expect(sue.PrimaryEmailAddr).toBeUndefined();
    expect((await invoice('BC-303')).ShipAddr).toMatchObject({ Line1: '9 Hive Road' });
    expect((await entities<Customer>('Customer')).length).toBe(before + 1);
  });
});
