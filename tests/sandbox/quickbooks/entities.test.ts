// Create, read, sparse update, stale SyncToken, void and delete, and the name and length rules, over plain fetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedQuickBooksSandbox } from './server';
import { companyApi, seedSales, startTestSandbox, type Api } from './test-client';

describe('QuickBooks entities', () => {
  let qb: StartedQuickBooksSandbox;
  let api: Api;
  let cast: Awaited<ReturnType<typeof seedSales>>;
  beforeAll(async () => {
    qb = await startTestSandbox();
    ({ api } = await companyApi(qb.url));
    cast = await seedSales(api);
  });
  afterAll(async () => {
    await qb?.close();
  });

  it('creates and reads a customer with Id, SyncToken "0", MetaData and Intuit\'s envelope', async () => {
    const created = await api('POST', '/customer', { GivenName: 'Ada', FamilyName: 'Lovelace', PrimaryEmailAddr: { Address: 'ada@example.com' } });
    expect(created.status).toBe(200);
    expect(created.json.Customer).toMatchObject({ DisplayName: 'Ada Lovelace', SyncToken: '0', domain: 'QBO', Active: true, Balance: 0 });
    expect(created.json.Customer.MetaData.CreateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    expect(typeof created.json.time).toBe('string');
    const read = await api('GET', `/customer/${created.json.Customer.Id}`);
    expect(read.json.Customer.PrimaryEmailAddr.Address).toBe('ada@example.com');
  });

  it('keeps a customer\'s BillAddr and ShipAddr as sent, and refuses a PhysicalAddress part over Intuit\'s length', async () => {
    const ship = { Line1: '123 Main Street', City: 'Dallas', CountrySubDivisionCode: 'TX', PostalCode: '75001', Country: 'US' };
    const created = await api('POST', '/customer', { DisplayName: 'Tom Ray', BillAddr: { Line1: '1 Old Road', City: 'Austin' }, ShipAddr: ship });
    expect(created.status).toBe(200);
    expect((await api('GET', `/customer/${created.json.Customer.Id}`)).json.Customer.ShipAddr).toEqual(ship);
    const long = await api('POST', '/customer', { DisplayName: 'Long Postcode', ShipAddr: { ...ship, PostalCode: '1'.repeat(31) } });
    expect(long.status).toBe(400);
    expect(long.json.Fault.Error[0].element).toBe('ShipAddr.PostalCode');
  });

  it('sparse-updates only the fields sent, bumps SyncToken, and refuses a stale SyncToken with 5010', async () => {
    const c = (await api('POST', '/customer', { DisplayName: 'Sparse Co', CompanyName: 'Sparse Co', Notes: 'keep me' })).json.Customer;
    const up = await api('POST', '/customer', { Id: c.Id, SyncToken: c.SyncToken, sparse: true, CompanyName: 'Sparse Company' });
    expect(up.json.Customer).toMatchObject({ CompanyName: 'Sparse Company', Notes: 'keep me', SyncToken: '1' });
    const stale = await api('POST', '/customer?operation=update', { Id: c.Id, SyncToken: '0', sparse: true, Notes: 'lost' });
    expect(stale.status).toBe(400);
    expect(stale.json.Fault.type).toBe('ValidationFault');
    expect(stale.json.Fault.Error[0]).toMatchObject({ code: '5010', Message: 'Stale Object Error' });
    const full = await api('POST', '/customer', { Id: c.Id, SyncToken: '1', DisplayName: 'Sparse Co' });
    expect(full.json.Customer.Notes).toBeUndefined();
  });

  it('keeps DisplayName unique across customers, vendors and employees (6240), inactive ones included', async () => {
    await api('POST', '/vendor', { DisplayName: 'Northwind' });
    const dup = await api('POST', '/customer', { DisplayName: 'northwind ' });
    expect(dup.status).toBe(400);
    expect(dup.json.Fault.Error[0]).toMatchObject({ code: '6240', Message: 'Duplicate Name Exists Error' });
    const emp = (await api('POST', '/employee', { GivenName: 'Sam', FamilyName: 'Clerk' })).json.Employee;
    await api('POST', '/employee', { Id: emp.Id, SyncToken: emp.SyncToken, sparse: true, Active: false });
    expect((await api('POST', '/customer', { DisplayName: 'Sam Clerk' })).json.Fault.Error[0].code).toBe('6240');
  });

  it('refuses a DocNumber over 21 characters (2050) and a duplicate one (6140) unless include=allowduplicatedocnum', async () => {
    const line = [{ Amount: 5, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: cast.serviceId }, Qty: 1, UnitPrice: 5, TaxCodeRef: { value: 'NON' } } }];
    const long = await api('POST', '/salesreceipt', { DocNumber: 'BC-ORDER-1234567890123', Line: line });
    expect(long.status).toBe(400);
    expect(long.json.Fault.Error[0]).toMatchObject({ code: '2050', element: 'DocNumber' });
    expect(long.json.Fault.Error[0].Detail).toContain('Max:21');
    expect((await api('POST', '/salesreceipt', { DocNumber: 'BC-100', Line: line })).status).toBe(200);
    expect((await api('POST', '/salesreceipt', { DocNumber: 'BC-100', Line: line })).json.Fault.Error[0].code).toBe('6140');
    expect((await api('POST', '/salesreceipt', { DocNumber: 'BC-100', Line: line }, 'minorversion=75&include=allowduplicatedocnum')).status).toBe(200);
  });

  it('checks Amount = Qty × UnitPrice (6070) and fills the missing one', async () => {
    const bad = await api('POST', '/salesreceipt', { Line: [{ Amount: 51, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: cast.serviceId }, Qty: 2, UnitPrice: 25 } }] });
    expect(bad.json.Fault.Error[0].code).toBe('6070');
    const good = await api('POST', '/salesreceipt', { Line: [{ Amount: 50, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: cast.serviceId }, Qty: 4 } }] });
    expect(good.json.SalesReceipt.Line[0].SalesItemLineDetail.UnitPrice).toBe(12.5);
    expect(good.json.SalesReceipt.TotalAmt).toBe(50);
  });

  it('voids an invoice with ?operation=void: it stays, zeroed, "Voided" in PrivateNote', async () => {
    const inv = (await api('POST', '/invoice', { CustomerRef: { value: cast.customerId }, PrivateNote: 'order 7', Line: [{ Amount: 10, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: cast.serviceId }, Qty: 2, UnitPrice: 5, TaxCodeRef: { value: 'NON' } } }] })).json.Invoice;
    expect(inv.Balance).toBe(10);
    const voided = await api('POST', '/invoice?operation=void', { Id: inv.Id, SyncToken: inv.SyncToken });
    expect(voided.json.Invoice).toMatchObject({ TotalAmt: 0, Balance: 0, PrivateNote: 'Voided order 7', SyncToken: '1' });
    expect(voided.json.Invoice.Line[0].Amount).toBe(0);
    expect((await api('GET', `/invoice/${inv.Id}`)).status).toBe(200);
  });

  it('voids a sales receipt only by update with include=void, and refuses ?operation=void for it', async () => {
    const sr = (await api('POST', '/salesreceipt', { Line: [{ Amount: 5, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: cast.serviceId }, Qty: 1, UnitPrice: 5 } }] })).json.SalesReceipt;
    const wrong = await api('POST', '/salesreceipt?operation=void', { Id: sr.Id, SyncToken: sr.SyncToken });
    expect(wrong.json.Fault.Error[0]).toMatchObject({ code: '500', Message: 'Unsupported Operation' });
    const voided = await api('POST', '/salesreceipt?operation=update&include=void', { Id: sr.Id, SyncToken: sr.SyncToken, sparse: true });
    expect(voided.json.SalesReceipt).toMatchObject({ TotalAmt: 0, PrivateNote: 'Voided' });
  });

  it('deletes a transaction (status Deleted; reading it again is 610) but never a name list entry', async () => {
    const sr = (await api('POST', '/salesreceipt', { Line: [{ Amount: 5, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: cast.serviceId }, Qty: 1, UnitPrice: 5 } }] })).json.SalesReceipt;
    const deleted = await api('POST', '/salesreceipt?operation=delete', { Id: sr.Id, SyncToken: sr.SyncToken });
    expect(deleted.json.SalesReceipt).toEqual({ status: 'Deleted', domain: 'QBO', Id: sr.Id });
    const gone = await api('GET', `/salesreceipt/${sr.Id}`);
    expect(gone.json.Fault.Error[0]).toMatchObject({ code: '610', Detail: 'Object Not Found : Another user has deleted this transaction.' });
    const customer = (await api('GET', `/customer/${cast.customerId}`)).json.Customer;
    expect((await api('POST', '/customer?operation=delete', { Id: customer.Id, SyncToken: customer.SyncToken })).json.Fault.Error[0].code).toBe('500');
  });

  it('reads CompanyInfo by realm and Preferences, and refuses creating a TaxCode', async () => {
    const prefs = (await api('GET', '/preferences')).json.Preferences;
    expect(prefs.SalesFormsPrefs).toMatchObject({ AllowShipping: true, UsingPriceLevels: false });
    expect(prefs.TaxPrefs).toMatchObject({ UsingSalesTax: true, PartnerTaxEnabled: false });
    expect(prefs.CurrencyPrefs).toMatchObject({ MultiCurrencyEnabled: false, HomeCurrency: { value: 'USD' } });
    expect((await api('POST', '/taxcode', { Name: 'X' })).json.Fault.Error[0].code).toBe('500');
  });

  it('requires the inventory fields of an Inventory item (2020)', async () => {
    const r = await api('POST', '/item', { Name: 'Half inventory', Type: 'Inventory', IncomeAccountRef: { value: '1' }, QtyOnHand: 3 });
    expect(r.json.Fault.Error[0]).toMatchObject({ code: '2020', element: 'AssetAccountRef' });
  });
});
