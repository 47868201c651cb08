// Conformance: a response of every implemented operation validates against Xero's official OpenAPI documents
// (../shared/specs/xero/xero_accounting.yaml and xero-identity.yaml).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiToJsonSchema, XERO_SPECS_DIR, XeroSpecValidator, xeroSpecsAvailable } from './openapi';
import type { StartedXeroSandbox } from './server';
import { adminToken, apiClient, call, newTenant, startTestSandbox } from './test-client';

if (!xeroSpecsAvailable) console.warn(`[xero conformance] skipped: ${XERO_SPECS_DIR} is absent (needs /work/shared)`);

describe('openApiToJsonSchema', () => {
  it('turns nullable into a null-admitting type and keeps property names that look like keywords', () => {
    expect(openApiToJsonSchema({ type: 'string', nullable: true, example: 'x' })).toEqual({ type: ['string', 'null'] });
    expect(openApiToJsonSchema({ $ref: '#/a', nullable: true })).toEqual({ anyOf: [{ $ref: '#/a' }, { type: 'null' }] });
    expect(openApiToJsonSchema({ properties: { example: { type: 'integer' } } })).toEqual({ properties: { example: { type: 'integer' } } });
  });
});

describe.skipIf(!xeroSpecsAvailable)('conformance with specs/xero', () => {
  const A = 'xero_accounting.yaml';
  let sx: StartedXeroSandbox;
  let api: ReturnType<typeof apiClient>;
  let token: string;
  let specs: XeroSpecValidator;

  beforeAll(async () => {
    specs = new XeroSpecValidator();
    sx = await startTestSandbox({ limits: { minute: 10_000 } });
    const tenantId = await newTenant(sx.url, 'Conformance Ltd', 'GBP');
    token = await adminToken(sx.url, tenantId);
    api = apiClient(sx.url, token, tenantId);
  });
  afterAll(async () => {
    await sx?.close();
  });

  const check = (path: string, method: string, status: number, reply: { status: number; json: unknown; text: string }) => {
    expect(reply.status, reply.text.slice(0, 500)).toBe(status);
    expect(specs.validateResponse(A, path, method, status, reply.json)).toEqual([]);
  };

  it('settings: Organisation, Accounts, TaxRates, TrackingCategories', async () => {
    check('/Organisation', 'get', 200, await api('GET', '/Organisation'));
    const accounts = await api('GET', '/Accounts');
    check('/Accounts', 'get', 200, accounts);
    check('/Accounts/{AccountID}', 'get', 200, await api('GET', `/Accounts/${accounts.json.Accounts[0].AccountID}`));
    check('/TaxRates', 'get', 200, await api('GET', '/TaxRates'));
    const tc = await api('GET', '/TrackingCategories');
    check('/TrackingCategories', 'get', 200, tc);
    check('/TrackingCategories/{TrackingCategoryID}', 'get', 200, await api('GET', `/TrackingCategories/${tc.json.TrackingCategories[0].TrackingCategoryID}`));
  });

  it('contacts and items', async () => {
    const made = await api('PUT', '/Contacts', { Contacts: [{ Name: 'Jane Doe', EmailAddress: 'jane@example.com', ContactNumber: 'BC-1', Addresses: [{ AddressType: 'STREET', City: 'Leeds' }] }] });
    check('/Contacts', 'put', 200, made);
    check('/Contacts', 'post', 200, await api('POST', '/Contacts', { Contacts: [{ ContactID: made.json.Contacts[0].ContactID, FirstName: 'Jane' }] }));
    check('/Contacts', 'get', 200, await api('GET', '/Contacts', undefined, { query: 'page=1' }));
    check('/Contacts/{ContactID}', 'get', 200, await api('GET', `/Contacts/${made.json.Contacts[0].ContactID}`));
    check('/Contacts/{ContactNumber}', 'get', 200, await api('GET', '/Contacts/BC-1'));
    check('/Contacts', 'put', 400, await api('PUT', '/Contacts', { Contacts: [{ Name: 'Jane Doe' }] }));
    check('/Contacts', 'post', 200, await api('POST', '/Contacts', { Contacts: [{ Name: 'Jane Doe' }] }, { query: 'summarizeErrors=false' }));

    // A contact's addresses are POBOX or STREET (DELIVERY is an organisation's type); an update naming one type keeps the other.
    const delivered = await api('PUT', '/Contacts', { Contacts: [{ Name: 'Tom Ray', Addresses: [{ AddressType: 'POBOX', City: 'Austin' }, { AddressType: 'STREET', AttentionTo: 'Tom Ray', AddressLine1: '123 Main Street', City: 'Dallas' }] }] });
    check('/Contacts', 'put', 200, delivered);
    const tomId = delivered.json.Contacts[0].ContactID;
    check('/Contacts', 'post', 200, await api('POST', '/Contacts', { Contacts: [{ ContactID: tomId, Addresses: [{ AddressType: 'POBOX', City: 'Houston' }] }] }));
    const tom = await api('GET', `/Contacts/${tomId}`);
    check('/Contacts/{ContactID}', 'get', 200, tom);
    expect(tom.json.Contacts[0].Addresses).toEqual([
      { AddressType: 'STREET', AttentionTo: 'Tom Ray', AddressLine1: '123 Main Street', City: 'Dallas' },
      { AddressType: 'POBOX', City: 'Houston' },
    ]);
    const refused = await api('PUT', '/Contacts', { Contacts: [{ Name: 'Dee Livery', Addresses: [{ AddressType: 'DELIVERY', City: 'Leeds' }] }] });
    check('/Contacts', 'put', 400, refused);
    expect(refused.text).toContain('AddressType must be POBOX or STREET');

    const item = { Code: 'SKU-1', Name: 'Mug', InventoryAssetAccountCode: '630', PurchaseDetails: { COGSAccountCode: '310' }, SalesDetails: { UnitPrice: 12.5, AccountCode: '200', TaxType: 'OUTPUT2' } };
    const items = await api('PUT', '/Items', { Items: [item] });
    check('/Items', 'put', 200, items);
    check('/Items', 'post', 200, await api('POST', '/Items', { Items: [{ Code: 'SKU-1', Description: 'A mug' }] }));
    check('/Items', 'get', 200, await api('GET', '/Items'));
    check('/Items/{ItemID}', 'get', 200, await api('GET', `/Items/${items.json.Items[0].ItemID}`));
    check('/Items', 'put', 400, await api('PUT', '/Items', { Items: [{ Code: 'SKU-1' }] }));
  });

  it('invoices, payments, credit notes and allocations', async () => {
    const base = { Type: 'ACCREC', Contact: { Name: 'Buyer' }, Date: '2024-05-01', DueDate: '2024-05-31', LineAmountTypes: 'Inclusive', Status: 'AUTHORISED' };
    const line = { Description: 'Widget', Quantity: 2, UnitAmount: 9.99, AccountCode: '200', TaxType: 'OUTPUT2', DiscountRate: 10, Tracking: [{ Name: 'Sales Channel', Option: 'Online Store' }] };
    const created = await api('PUT', '/Invoices', { Invoices: [{ ...base, InvoiceNumber: 'C-1', LineItems: [line] }] });
    check('/Invoices', 'put', 200, created);
    const id = created.json.Invoices[0].InvoiceID;
    check('/Invoices', 'put', 200, await api('PUT', '/Invoices', { Invoices: [{ ...base, InvoiceNumber: 'C-1', LineItems: [line] }, { ...base, InvoiceNumber: 'C-2', LineItems: [line] }] }, { query: 'summarizeErrors=false' }));
    check('/Invoices', 'put', 400, await api('PUT', '/Invoices', { Invoices: [{ ...base, InvoiceNumber: 'C-1', LineItems: [line] }] }));
    check('/Invoices', 'post', 200, await api('POST', '/Invoices', { Invoices: [{ InvoiceID: id, Reference: 'Order 1' }] }));
    check('/Invoices', 'get', 200, await api('GET', '/Invoices'));
    check('/Invoices', 'get', 200, await api('GET', '/Invoices', undefined, { query: 'page=1&unitdp=4' }));
    check('/Invoices/{InvoiceID}', 'get', 200, await api('GET', `/Invoices/${id}`));
    check('/Invoices/{InvoiceID}', 'post', 200, await api('POST', `/Invoices/${id}`, { Reference: 'Order 1 (edited)' }));

    const pay = await api('PUT', '/Payments', { Payments: [{ Invoice: { InvoiceID: id }, Account: { Code: '090' }, Date: '2024-05-02', Amount: 5 }] });
    check('/Payments', 'put', 200, pay);
    check('/Payments', 'get', 200, await api('GET', '/Payments'));
    check('/Payments/{PaymentID}', 'get', 200, await api('GET', `/Payments/${pay.json.Payments[0].PaymentID}`));
    check('/Payments', 'put', 400, await api('PUT', '/Payments', { Payments: [{ Invoice: { InvoiceID: id }, Account: { Code: '090' }, Amount: 9999 }] }));

    const cn = await api('PUT', '/CreditNotes', { CreditNotes: [{ Type: 'ACCRECCREDIT', Contact: { Name: 'Buyer' }, Date: '2024-05-03', Status: 'AUTHORISED', LineItems: [{ Description: 'Refund', Quantity: 1, UnitAmount: 3, AccountCode: '200', TaxType: 'OUTPUT2' }] }] });
    check('/CreditNotes', 'put', 200, cn);
    const cnId = cn.json.CreditNotes[0].CreditNoteID;
    check('/CreditNotes/{CreditNoteID}/Allocations', 'put', 200, await api('PUT', `/CreditNotes/${cnId}/Allocations`, { Allocations: [{ Invoice: { InvoiceID: id }, Amount: 1, Date: '2024-05-03' }] }));
    check('/CreditNotes', 'get', 200, await api('GET', '/CreditNotes', undefined, { query: 'page=1' }));
    check('/CreditNotes/{CreditNoteID}', 'get', 200, await api('GET', `/CreditNotes/${cnId}`));
    check('/Invoices/{InvoiceID}', 'get', 200, await api('GET', `/Invoices/${id}`));
  });

  it('refunds and edits: partial credit notes, allocations, cash refunds, invoice edits and their refusals', async () => {
    const line = (Quantity: number, extra: Record<string, unknown> = {}) => ({ Description: 'Tent', Quantity, UnitAmount: 49.9951, AccountCode: '200', TaxType: 'OUTPUT2', ...extra });
    const inv = await api('PUT', '/Invoices', { Invoices: [{ Type: 'ACCREC', Contact: { Name: 'Refund Buyer' }, Date: '2024-06-01', DueDate: '2024-06-30', Status: 'AUTHORISED', LineItems: [line(3)] }] }, { query: 'unitdp=4' });
    check('/Invoices', 'put', 200, inv);
    const id = inv.json.Invoices[0].InvoiceID;
    check('/Invoices/{InvoiceID}', 'post', 200, await api('POST', `/Invoices/${id}`, { Invoices: [{ InvoiceID: id, LineItems: [line(2)] }] }, { query: 'unitdp=4' }));
    check('/Invoices', 'get', 200, await api('GET', '/Invoices', undefined, { query: 'summaryOnly=true&searchTerm=inv&page=1' }));
    const contact = { ContactID: inv.json.Invoices[0].Contact.ContactID };
    const cn = await api('PUT', '/CreditNotes', { CreditNotes: [{ Type: 'ACCRECCREDIT', Contact: contact, Date: '2024-06-02', Status: 'AUTHORISED', LineAmountTypes: 'Inclusive', LineItems: [line(0.5, { TaxAmount: 3.26 })] }] }, { query: 'unitdp=4' });
    check('/CreditNotes', 'put', 200, cn);
    const cnId = cn.json.CreditNotes[0].CreditNoteID;
    check('/CreditNotes/{CreditNoteID}/Allocations', 'put', 400, await api('PUT', `/CreditNotes/${cnId}/Allocations`, { Allocations: [{ Invoice: { InvoiceID: id }, Amount: 999, Date: '2024-06-02' }] }));
    check('/CreditNotes/{CreditNoteID}/Allocations', 'put', 200, await api('PUT', `/CreditNotes/${cnId}/Allocations`, { Allocations: [{ Invoice: { InvoiceID: id }, Amount: 5, Date: '2024-06-02' }] }));
    const cash = await api('PUT', '/Payments', { Payments: [{ CreditNote: { CreditNoteID: cnId }, Account: { Code: '090' }, Date: '2024-06-03', Amount: 10 }] });
    check('/Payments', 'put', 200, cash);
    const paymentId = cash.json.Payments[0].PaymentID;
    check('/Payments/{PaymentID}', 'get', 200, await api('GET', `/Payments/${paymentId}`));
    check('/Payments', 'put', 200, await api('PUT', '/Payments', { Payments: [{ CreditNote: { CreditNoteID: cnId }, Account: { Code: '090' }, Amount: 999 }] }, { query: 'summarizeErrors=false' }));
    check('/Payments/{PaymentID}', 'post', 200, await api('POST', `/Payments/${paymentId}`, { Payments: [{ Status: 'DELETED' }] }));
    check('/Invoices/{InvoiceID}', 'post', 400, await api('POST', `/Invoices/${id}`, { Invoices: [{ InvoiceID: id, Status: 'VOIDED' }] }));
    check('/Invoices/{InvoiceID}', 'post', 200, await api('POST', `/Invoices/${id}`, { Invoices: [{ InvoiceID: id, LineItems: [line(1)] }] }, { query: 'summarizeErrors=false' }));
  });

  it('manual journals: create, read, list, update a posted one, void; and their refusals (./journals.ts)', async () => {
    const accounts = (await api('GET', '/Accounts')).json.Accounts as Array<{ Code: string; Class: string; Type: string; SystemAccount?: string }>;
    const revenue = accounts.find((a) => a.Class === 'REVENUE')!.Code;
    const bank = accounts.find((a) => a.Type === 'BANK')!.Code;
    const tax = accounts.find((a) => a.SystemAccount === 'GST')!.Code;
    const receivable = accounts.find((a) => a.SystemAccount === 'DEBTORS')!.Code;
    const lines = (paid: number) => [
      { AccountCode: bank, LineAmount: paid, Description: 'Paid in' },
      { AccountCode: revenue, LineAmount: -100, Description: 'Sales' },
      { AccountCode: tax, LineAmount: -20, Description: 'Tax' },
    ];
    const made = await api('PUT', '/ManualJournals', { ManualJournals: [{ Narration: 'Daily summary', Date: '2026-11-02', Status: 'POSTED', JournalLines: lines(120) }] }, { query: 'summarizeErrors=false' });
    check('/ManualJournals', 'put', 200, made);
    const j = made.json.ManualJournals[0];
    expect([j.Status, j.LineAmountTypes, j.JournalLines.length]).toEqual(['POSTED', 'NoTax', 3]);
    check('/ManualJournals/{ManualJournalID}', 'get', 200, await api('GET', `/ManualJournals/${j.ManualJournalID}`));
    const listed = await api('GET', '/ManualJournals', undefined, { query: `where=${encodeURIComponent('Narration=="Daily summary"')}` });
    check('/ManualJournals', 'get', 200, listed);
    expect(listed.json.ManualJournals.map((x: { ManualJournalID: string }) => x.ManualJournalID)).toEqual([j.ManualJournalID]);
    // A posted journal takes new lines in place.
    const edited = await api('POST', `/ManualJournals/${j.ManualJournalID}`, { ManualJournals: [{ ManualJournalID: j.ManualJournalID, Narration: 'Daily summary', JournalLines: [...lines(130).slice(0, 2), { AccountCode: tax, LineAmount: -30, Description: 'Tax' }] }] });
    check('/ManualJournals/{ManualJournalID}', 'post', 200, edited);
    expect(edited.json.ManualJournals[0].JournalLines.map((l: { LineAmount: number }) => l.LineAmount)).toEqual([130, -100, -30]);
    // Unbalanced, a control account, one line: refused with Xero's ValidationException.
    const unbalanced = await api('PUT', '/ManualJournals', { ManualJournals: [{ Narration: 'Off', JournalLines: lines(110) }] });
    check('/ManualJournals', 'put', 400, unbalanced);
    expect(unbalanced.text).toContain('The total debits (110.00) must equal total credits (-120.00)');
    const control = await api('PUT', '/ManualJournals', { ManualJournals: [{ Narration: 'AR', JournalLines: [{ AccountCode: receivable, LineAmount: 10 }, { AccountCode: revenue, LineAmount: -10 }] }] });
    expect([control.status, control.text.includes('cannot be used in a manual journal')]).toEqual([400, true]);
    const single = await api('PUT', '/ManualJournals', { ManualJournals: [{ Narration: 'One', JournalLines: [{ AccountCode: revenue, LineAmount: 0 }] }] });
    expect([single.status, single.text.includes('at least two journal lines')]).toEqual([400, true]);
    // Voided: no longer changed. A draft is the default status.
    check('/ManualJournals/{ManualJournalID}', 'post', 200, await api('POST', `/ManualJournals/${j.ManualJournalID}`, { ManualJournals: [{ Status: 'VOIDED' }] }));
    const again = await api('POST', `/ManualJournals/${j.ManualJournalID}`, { ManualJournals: [{ Narration: 'Changed' }] });
    expect([again.status, again.text.includes('voided manual journal cannot be changed')]).toEqual([400, true]);
    const draft = await api('PUT', '/ManualJournals', { ManualJournals: [{ Narration: 'Draft', JournalLines: lines(120) }] });
    expect(draft.json.ManualJournals[0].Status).toBe('DRAFT');
  });

  it('the validator does reject bodies that do not conform', () => {
    expect(specs.validateResponse(A, '/Invoices', 'get', 200, { Invoices: [{ Type: 'BOGUS', Total: '12.00' }] }).length).toBeGreaterThanOrEqual(2);
    expect(specs.validateResponse(A, '/Items', 'get', 200, { Items: [{ Name: 'no code' }] })).not.toEqual([]);
    expect(specs.validateResponse('xero-identity.yaml', '/Connections', 'get', 200, [{ tenantId: 'not-a-uuid' }])).not.toEqual([]);
  });

  it('identity: GET /Connections', async () => {
    const r = await call(`${sx.url}/xero/connections`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    expect(specs.validateResponse('xero-identity.yaml', '/Connections', 'get', 200, r.json)).toEqual([]);
  });
});
