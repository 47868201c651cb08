// Accounting behaviour an accountant would recognise: unique contact names and invoice numbers, Xero's tax
// arithmetic to the cent, batches with summarizeErrors, stock of tracked items, payments and credit notes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StartedXeroSandbox } from './server';
import { adminToken, apiClient, call, newTenant, startTestSandbox } from './test-client';

let sx: StartedXeroSandbox;
let api: ReturnType<typeof apiClient>;
let tenantId: string;

beforeAll(async () => {
  sx = await startTestSandbox({ limits: { minute: 100_000, day: 1_000_000 } });
});
afterAll(async () => {
  await sx?.close();
});
beforeEach(async () => {
  tenantId = await newTenant(sx.url, `Org ${Math.random()}`, 'NZD');
  api = apiClient(sx.url, await adminToken(sx.url, tenantId), tenantId);
});

const invoice = (n: string, extra: Record<string, unknown> = {}) => ({
  Type: 'ACCREC',
  Contact: { Name: 'Jane Doe' },
  InvoiceNumber: n,
  Date: '2024-03-01',
  DueDate: '2024-03-31',
  LineAmountTypes: 'Exclusive',
  Status: 'AUTHORISED',
  LineItems: [{ Description: 'Tent', Quantity: 1, UnitAmount: 100, AccountCode: '200', TaxType: 'OUTPUT2' }],
  ...extra,
});

describe('contacts', () => {
  it('enforces unique names with Xero\'s message and finds contacts by email, number and id', async () => {
    const created = await api('PUT', '/Contacts', { Contacts: [{ Name: 'Jane Doe', EmailAddress: 'Jane@Example.com', ContactNumber: 'BC-1042' }] });
    expect(created.status).toBe(200);
    const id = created.json.Contacts[0].ContactID;
    const dup = await api('PUT', '/Contacts', { Contacts: [{ Name: 'jane doe', EmailAddress: 'other@example.com' }] });
    expect(dup.status).toBe(400);
    expect(dup.json).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred' });
    expect(dup.json.Elements[0].ValidationErrors[0].Message).toBe(
      'The contact name jane doe is already assigned to another contact. The contact name must be unique across all active contacts.',
    );
    const retry = await api('PUT', '/Contacts', { Contacts: [{ Name: 'Jane Doe (BC 1042)' }] });
    expect(retry.status).toBe(200);

    const byEmail = await api('GET', '/Contacts', undefined, { query: `where=${encodeURIComponent('EmailAddress=="jane@example.com"')}` });
    expect(byEmail.json.Contacts.map((c: { ContactID: string }) => c.ContactID)).toEqual([id]);
    const byNumber = await api('GET', '/Contacts/BC-1042');
    expect(byNumber.json.Contacts[0].ContactID).toBe(id);
    const byIds = await api('GET', '/Contacts', undefined, { query: `IDs=${id}` });
    expect(byIds.json.Contacts).toHaveLength(1);
    const none = await api('GET', '/Contacts', undefined, { query: `where=${encodeURIComponent('ContactNumber=="BC-9999"')}` });
    expect(none.json.Contacts).toEqual([]);
  });

  it('POST updates an existing contact by ContactID', async () => {
    const id = (await api('PUT', '/Contacts', { Name: 'Old Name' })).json.Contacts[0].ContactID;
    const upd = await api('POST', '/Contacts', { Contacts: [{ ContactID: id, Name: 'New Name', EmailAddress: 'n@example.com' }] });
    expect(upd.status).toBe(200);
    const got = await api('GET', `/Contacts/${id}`);
    expect(got.json.Contacts[0]).toMatchObject({ Name: 'New Name', EmailAddress: 'n@example.com' });
  });
});

describe('items', () => {
  it('has a unique Code, ignores QuantityOnHand and moves stock only through approved documents', async () => {
    const item = { Code: 'TENT-2P', Name: 'Two-person tent', InventoryAssetAccountCode: '630', PurchaseDetails: { COGSAccountCode: '310', UnitPrice: 40 }, SalesDetails: { UnitPrice: 100, AccountCode: '200', TaxType: 'OUTPUT2' }, QuantityOnHand: 999 };
    const made = await api('PUT', '/Items', { Items: [item] });
    expect(made.status).toBe(200);
    expect(made.json.Items[0]).toMatchObject({ Code: 'TENT-2P', IsTrackedAsInventory: true, QuantityOnHand: 0 });
    expect((await api('PUT', '/Items', { Items: [{ Code: 'tent-2p' }] })).json.Elements[0].ValidationErrors[0].Message).toContain("Item code 'tent-2p' already exists");
    expect((await api('PUT', '/Items', { Items: [{ Code: 'X'.repeat(31) }] })).status).toBe(400);

    // Stock comes in through a bill, goes out through a sale, comes back when the sale is voided.
    const bill = await api('PUT', '/Invoices', { Invoices: [{ Type: 'ACCPAY', Contact: { Name: 'Supplier' }, Date: '2024-03-01', Status: 'AUTHORISED', LineItems: [{ ItemCode: 'TENT-2P', Quantity: 10, UnitAmount: 40 }] }] });
    expect(bill.status).toBe(200);
    expect((await api('GET', '/Items/TENT-2P')).json.Items[0].QuantityOnHand).toBe(10);

    const tooMany = await api('PUT', '/Invoices', invoice('INV-S1', { LineItems: [{ ItemCode: 'TENT-2P', Quantity: 11 }] }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.Elements[0].ValidationErrors[0].Message).toContain("tracked item 'TENT-2P'");

    const sale = await api('PUT', '/Invoices', invoice('INV-S1', { LineItems: [{ ItemCode: 'TENT-2P', Quantity: 3 }] }));
    expect(sale.status).toBe(200);
    expect(sale.json.Invoices[0].LineItems[0]).toMatchObject({ UnitAmount: 100, AccountCode: '200', TaxType: 'OUTPUT2', LineAmount: 300, TaxAmount: 45 });
    const draft = await api('PUT', '/Invoices', invoice('INV-S2', { Status: 'DRAFT', LineItems: [{ ItemCode: 'TENT-2P', Quantity: 2 }] }));
    expect(draft.status).toBe(200);
    expect((await api('GET', '/Items/TENT-2P')).json.Items[0].QuantityOnHand).toBe(7);

    const voided = await api('POST', `/Invoices/${sale.json.Invoices[0].InvoiceID}`, { Status: 'VOIDED' });
    expect(voided.json.Invoices[0].Status).toBe('VOIDED');
    expect((await api('GET', '/Items/TENT-2P')).json.Items[0].QuantityOnHand).toBe(10);
  });
});

describe('invoices', () => {
  it('computes per-line tax at 2 dp for each LineAmountTypes and honours a TaxAmount override', async () => {
    const lines = [
      { Description: 'A', Quantity: 3, UnitAmount: 19.99, AccountCode: '200', TaxType: 'OUTPUT2' },
      { Description: 'B', Quantity: 1, UnitAmount: 0.05, AccountCode: '200', TaxType: 'OUTPUT2' },
    ];
    const r = await api('PUT', '/Invoices', {
      Invoices: [
        invoice('EX-1', { LineAmountTypes: 'Exclusive', LineItems: lines }),
        invoice('IN-1', { LineAmountTypes: 'Inclusive', LineItems: lines }),
        invoice('NT-1', { LineAmountTypes: 'NoTax', LineItems: lines }),
        invoice('OV-1', { LineAmountTypes: 'Exclusive', LineItems: [{ ...lines[0], TaxAmount: 9.01 }, lines[1]] }),
      ],
    });
    expect(r.status).toBe(200);
    const [ex, inc, nt, ov] = r.json.Invoices;
    // 59.97 × 15% = 8.9955 → 9.00; 0.05 × 15% = 0.0075 → 0.01
    expect([ex.SubTotal, ex.TotalTax, ex.Total]).toEqual([60.02, 9.01, 69.03]);
    // 59.97 × 15/115 = 7.8222 → 7.82; 0.05 × 15/115 = 0.0065 → 0.01; SubTotal = 60.02 − 7.83
    expect([inc.SubTotal, inc.TotalTax, inc.Total]).toEqual([52.19, 7.83, 60.02]);
    expect(inc.LineItems.map((l: { TaxAmount: number }) => l.TaxAmount)).toEqual([7.82, 0.01]);
    expect([nt.SubTotal, nt.TotalTax, nt.Total]).toEqual([60.02, 0, 60.02]);
    expect([ov.TotalTax, ov.Total]).toEqual([9.02, 69.04]);
    expect(ex.AmountDue).toBe(69.03);
  });

  it('writes money as exact two-decimal literals', async () => {
    const r = await api('PUT', '/Invoices', invoice('LIT-1', { LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 10, AccountCode: '200', TaxType: 'OUTPUT2' }] }));
    expect(r.text).toContain('"Total":11.50');
    expect(r.text).toContain('"Quantity":1.0000');
    expect(r.text).toMatch(/"Date":"\/Date\(1709251200000\+0000\)\/"/);
  });

  it('keeps ACCREC invoice numbers unique and updates by number on POST', async () => {
    expect((await api('PUT', '/Invoices', invoice('BC-100'))).status).toBe(200);
    const dup = await api('PUT', '/Invoices', invoice('BC-100'));
    expect(dup.status).toBe(400);
    expect(dup.json.Elements[0].ValidationErrors).toEqual([{ Message: 'Invoice # must be unique.' }]);
    const byNumber = await api('GET', '/Invoices', undefined, { query: 'InvoiceNumbers=BC-100' });
    expect(byNumber.json.Invoices).toHaveLength(1);
    const upd = await api('POST', '/Invoices', invoice('BC-100', { Reference: 'Order 100' }));
    expect(upd.status).toBe(200);
    expect((await api('GET', '/Invoices/BC-100')).json.Invoices[0].Reference).toBe('Order 100');
    // Bills may share numbers.
    const bill = { Type: 'ACCPAY', Contact: { Name: 'Supplier' }, InvoiceNumber: 'BC-100', LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 1, AccountCode: '429' }] };
    expect((await api('PUT', '/Invoices', bill)).status).toBe(200);
  });

  it('summarizeErrors=false: a batch of 50 with one invalid invoice saves 49 and reports the one', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => invoice(`B-${i}`, i === 17 ? { LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 5, AccountCode: '999' }] } : {}));
    const r = await api('PUT', '/Invoices', { Invoices: batch }, { query: 'summarizeErrors=false' });
    expect(r.status).toBe(200);
    expect(r.json.Invoices).toHaveLength(50);
    const bad = r.json.Invoices[17];
    expect(bad).toMatchObject({ InvoiceNumber: 'B-17', HasErrors: true, StatusAttributeString: 'ERROR' });
    expect(bad.ValidationErrors[0].Message).toBe("Account code '999' is not a valid code for this document.");
    expect(bad.InvoiceID).toBeUndefined();
    const ok = r.json.Invoices.filter((x: { StatusAttributeString: string }) => x.StatusAttributeString === 'OK');
    expect(ok).toHaveLength(49);
    const all = await call(`${sx.url}/__sandbox/xero/tenants/${tenantId}/invoices`);
    expect(all.json.map((i: { InvoiceNumber: string }) => i.InvoiceNumber).sort()).toEqual(ok.map((i: { InvoiceNumber: string }) => i.InvoiceNumber).sort());
  });

  it('without summarizeErrors=false one invalid element fails the whole request and nothing is saved', async () => {
    const batch = [invoice('W-1'), invoice('W-2', { Contact: undefined }), invoice('W-3')];
    const r = await api('PUT', '/Invoices', { Invoices: batch });
    expect(r.status).toBe(400);
    expect(r.json.Elements).toHaveLength(3);
    expect(r.json.Elements[1].ValidationErrors[0].Message).toBe('A Contact must be specified for this type of transaction');
    expect(r.json.Elements[0].ValidationErrors).toEqual([]);
    expect((await call(`${sx.url}/__sandbox/xero/tenants/${tenantId}/invoices`)).json).toEqual([]);
    expect((await call(`${sx.url}/__sandbox/xero/tenants/${tenantId}/contacts`)).json).toEqual([]);
  });

  it('two invoices with the same number in one batch: the second fails', async () => {
    const r = await api('PUT', '/Invoices', { Invoices: [invoice('SAME'), invoice('SAME')] }, { query: 'summarizeErrors=false' });
    expect(r.json.Invoices.map((i: { StatusAttributeString: string }) => i.StatusAttributeString)).toEqual(['OK', 'ERROR']);
  });

  it('lists with where and paging; line items only on paged lists', async () => {
    await api('PUT', '/Invoices', { Invoices: Array.from({ length: 5 }, (_, i) => invoice(`P-${i}`, i === 4 ? { Status: 'DRAFT' } : {})) });
    const unpaged = await api('GET', '/Invoices', undefined, { query: `where=${encodeURIComponent('Status=="AUTHORISED" AND Type=="ACCREC"')}` });
    expect(unpaged.json.Invoices).toHaveLength(4);
    expect(unpaged.json.Invoices[0].LineItems).toBeUndefined();
    const paged = await api('GET', '/Invoices', undefined, { query: 'page=2&pageSize=2&order=InvoiceNumber%20DESC' });
    expect(paged.json.pagination).toEqual({ page: 2, pageSize: 2, pageCount: 3, itemCount: 5 });
    expect(paged.json.Invoices.map((i: { InvoiceNumber: string }) => i.InvoiceNumber)).toEqual(['P-2', 'P-1']);
    expect(paged.json.Invoices[0].LineItems).toHaveLength(1);
    const total = await api('GET', '/Invoices', undefined, { query: `where=${encodeURIComponent('Total>=115.00')}` });
    expect(total.json.Invoices).toHaveLength(5);
    const bad = await api('GET', '/Invoices', undefined, { query: `where=${encodeURIComponent('Status=="AUTH')}` });
    expect(bad.status).toBe(400);
  });

  it('voids only approved invoices without payments; deletes only drafts', async () => {
    const [a, d] = (await api('PUT', '/Invoices', { Invoices: [invoice('V-1'), invoice('V-2', { Status: 'DRAFT' })] })).json.Invoices;
    expect((await api('POST', `/Invoices/${d.InvoiceID}`, { Status: 'VOIDED' })).status).toBe(400);
    expect((await api('POST', `/Invoices/${d.InvoiceID}`, { Status: 'DELETED' })).json.Invoices[0].Status).toBe('DELETED');
    await api('PUT', '/Payments', { Invoice: { InvoiceID: a.InvoiceID }, Account: { Code: '090' }, Date: '2024-03-02', Amount: 10 });
    const blocked = await api('POST', '/Invoices', { InvoiceID: a.InvoiceID, Status: 'VOIDED' });
    expect(blocked.status).toBe(400);
    expect(blocked.json.Elements[0].ValidationErrors).toEqual([{ Message: 'The status VOIDED cannot be applied to the invoice because it has payments or credit notes allocated to it.' }]);
  });
});

describe('payments and credit notes', () => {
  it('a payment reduces AmountDue and a full one marks the invoice PAID', async () => {
    const inv = (await api('PUT', '/Invoices', invoice('PAY-1'))).json.Invoices[0];
    const p1 = await api('PUT', '/Payments', { Payments: [{ Invoice: { InvoiceID: inv.InvoiceID }, Account: { Code: '090' }, Date: '2024-03-05', Amount: 15.5, Reference: 'BC order 1' }] });
    expect(p1.status).toBe(200);
    expect(p1.json.Payments[0]).toMatchObject({ Amount: 15.5, PaymentType: 'ACCRECPAYMENT', Status: 'AUTHORISED' });
    let got = (await api('GET', `/Invoices/${inv.InvoiceID}`)).json.Invoices[0];
    expect([got.AmountPaid, got.AmountDue, got.Status]).toEqual([15.5, 99.5, 'AUTHORISED']);
    const over = await api('PUT', '/Payments', { Invoice: { InvoiceNumber: 'PAY-1' }, Account: { Code: '090' }, Amount: 99.51 });
    expect(over.status).toBe(400);
    expect(over.json.Elements[0].ValidationErrors).toEqual([{ Message: 'Payment amount exceeds the amount outstanding on this document' }]);
    expect((await api('PUT', '/Payments', { Invoice: { InvoiceNumber: 'PAY-1' }, Account: { Code: '200' }, Amount: 1 })).status).toBe(400);
    const p2 = await api('PUT', '/Payments', { Invoice: { InvoiceNumber: 'PAY-1' }, Account: { Code: '090' }, Date: '2024-03-06', Amount: '99.50' });
    expect(p2.status).toBe(200);
    got = (await api('GET', `/Invoices/${inv.InvoiceID}`)).json.Invoices[0];
    expect([got.AmountPaid, got.AmountDue, got.Status]).toEqual([115, 0, 'PAID']);
    expect(got.Payments).toHaveLength(2);
    // Deleting a payment reopens the invoice.
    const del = await api('POST', `/Payments/${p2.json.Payments[0].PaymentID}`, { Status: 'DELETED' });
    expect(del.status).toBe(200);
    got = (await api('GET', `/Invoices/${inv.InvoiceID}`)).json.Invoices[0];
    expect([got.AmountDue, got.Status]).toEqual([99.5, 'AUTHORISED']);
  });

  it('an ACCRECCREDIT credit note allocated to the invoice credits it', async () => {
    const inv = (await api('PUT', '/Invoices', invoice('CR-1'))).json.Invoices[0];
    const cn = await api('PUT', '/CreditNotes', {
      CreditNotes: [{ Type: 'ACCRECCREDIT', Contact: { ContactID: inv.Contact.ContactID }, Date: '2024-03-10', Status: 'AUTHORISED', LineAmountTypes: 'Exclusive', Reference: 'Refund order 1', LineItems: [{ Description: 'Refund', Quantity: 1, UnitAmount: 20, AccountCode: '200', TaxType: 'OUTPUT2' }] }],
    });
    expect(cn.status).toBe(200);
    const note = cn.json.CreditNotes[0];
    expect(note).toMatchObject({ CreditNoteNumber: 'CN-0001', Total: 23, RemainingCredit: 23, Status: 'AUTHORISED' });
    const tooMuch = await api('PUT', `/CreditNotes/${note.CreditNoteID}/Allocations`, { Allocations: [{ Invoice: { InvoiceID: inv.InvoiceID }, Amount: 23.01, Date: '2024-03-10' }] });
    expect(tooMuch.status).toBe(400);
    const alloc = await api('PUT', `/CreditNotes/${note.CreditNoteID}/Allocations`, { Allocations: [{ Invoice: { InvoiceID: inv.InvoiceID }, Amount: 23, Date: '2024-03-10' }] });
    expect(alloc.status).toBe(200);
    const after = (await api('GET', `/Invoices/${inv.InvoiceID}`)).json.Invoices[0];
    expect([after.AmountCredited, after.AmountDue]).toEqual([23, 92]);
    const noteAfter = (await api('GET', `/CreditNotes/${note.CreditNoteID}`)).json.CreditNotes[0];
    expect([noteAfter.RemainingCredit, noteAfter.Status]).toEqual([0, 'PAID']);
  });
});
