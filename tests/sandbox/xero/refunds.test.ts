// What the app will use for refunds and edits, as Xero does it: sales credit notes (partial quantities, tax per line,
// exclusive and inclusive amounts), allocating them to an invoice, paying them out as a cash refund, editing an
// approved invoice (allowed without money on it, refused in Xero's words with it), the Idempotency-Key on each write,
// unitdp=4 in create answers, and GET /Invoices searchTerm / summaryOnly. Every answer is checked against
// ../shared/specs/xero/xero_accounting.yaml where the spec is present (skipped with a printed reason otherwise).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { XERO_SPECS_DIR, XeroSpecValidator, xeroSpecsAvailable } from './openapi';
import type { StartedXeroSandbox } from './server';
import { adminToken, apiClient, newTenant, startTestSandbox, type Reply } from './test-client';

if (!xeroSpecsAvailable) console.warn(`[xero refunds] spec checks skipped: ${XERO_SPECS_DIR} is absent (needs /work/shared)`);
const specs = xeroSpecsAvailable ? new XeroSpecValidator() : null;

/** The status, then (when the spec is here) the body against the documented response. */
function conforms(reply: Reply, specPath: string, method: string, status: number) {
  expect(reply.status, reply.text.slice(0, 500)).toBe(status);
  if (specs) expect(specs.validateResponse('xero_accounting.yaml', specPath, method, status, reply.json)).toEqual([]);
}

const messages = (r: Reply, key: string): string[] =>
  (r.status === 400 ? r.json.Elements[0] : r.json[key][0]).ValidationErrors.map((e: { Message: string }) => e.Message);

const LOCKED = 'This document cannot be edited as it has a payment or credit note allocated to it.';

let sx: StartedXeroSandbox;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  sx = await startTestSandbox({ limits: { minute: 100_000, day: 1_000_000 } });
});
afterAll(async () => {
  await sx?.close();
});
beforeEach(async () => {
  const tenantId = await newTenant(sx.url, `Refunds ${Math.random()}`, 'NZD');
  api = apiClient(sx.url, await adminToken(sx.url, tenantId), tenantId);
});

/** A 2-line approved sales invoice: 2 × 50.00 + 1 × 30.00 at 15% GST exclusive = 130.00 + 19.50 = 149.50. */
async function approvedInvoice(number: string, extra: Record<string, unknown> = {}) {
  const r = await api('PUT', '/Invoices', {
    Invoices: [
      {
        Type: 'ACCREC',
        Contact: { Name: 'Jane Doe' },
        InvoiceNumber: number,
        Reference: `Order ${number}`,
        Date: '2024-03-01',
        DueDate: '2024-03-31',
        LineAmountTypes: 'Exclusive',
        Status: 'AUTHORISED',
        LineItems: [
          { Description: 'Tent', Quantity: 2, UnitAmount: 50, AccountCode: '200', TaxType: 'OUTPUT2' },
          { Description: 'Stove', Quantity: 1, UnitAmount: 30, AccountCode: '200', TaxType: 'OUTPUT2' },
        ],
        ...extra,
      },
    ],
  });
  expect(r.status, r.text.slice(0, 300)).toBe(200);
  return r.json.Invoices[0];
}

const creditNote = (contactId: string, lines: unknown[], extra: Record<string, unknown> = {}) => ({
  CreditNotes: [{ Type: 'ACCRECCREDIT', Contact: { ContactID: contactId }, Date: '2024-03-10', Status: 'AUTHORISED', LineAmountTypes: 'Exclusive', Reference: 'Refund', LineItems: lines, ...extra }],
});

const payInvoice = (invoiceId: string, amount: number | string, extra: Record<string, unknown> = {}) => ({ Payments: [{ Invoice: { InvoiceID: invoiceId }, Account: { Code: '090' }, Date: '2024-03-05', Amount: amount, ...extra }] });
const refund = (creditNoteId: string, amount: number | string) => ({ Payments: [{ CreditNote: { CreditNoteID: creditNoteId }, Account: { Code: '090' }, Date: '2024-03-12', Amount: amount, Reference: 'Refund to card' }] });
const getInvoice = async (id: string) => (await api('GET', `/Invoices/${id}`)).json.Invoices[0];
const getCreditNote = async (id: string) => (await api('GET', `/CreditNotes/${id}`)).json.CreditNotes[0];

describe('sales credit notes for a refund', () => {
  it('credits part of a line with the store\'s tax per line, exclusive: totals add up to the cent', async () => {
    const inv = await approvedInvoice('R-1');
    // One of two tents back, and the stove's tax as the store computed it (4.49, where 15% of 30.00 is 4.50).
    const made = await api('PUT', '/CreditNotes', creditNote(inv.Contact.ContactID, [
      { Description: 'Tent (1 of 2 returned)', Quantity: 1, UnitAmount: 50, AccountCode: '200', TaxType: 'OUTPUT2' },
      { Description: 'Stove', Quantity: 0.5, UnitAmount: 30, AccountCode: '200', TaxType: 'OUTPUT2', TaxAmount: 2.24 },
    ]));
    conforms(made, '/CreditNotes', 'put', 200);
    const cn = made.json.CreditNotes[0];
    expect(cn).toMatchObject({ Type: 'ACCRECCREDIT', Status: 'AUTHORISED', LineAmountTypes: 'Exclusive', SubTotal: 65, TotalTax: 9.74, Total: 74.74, RemainingCredit: 74.74 });
    expect(cn.LineItems.map((l: { Quantity: number; LineAmount: number; TaxAmount: number }) => [l.Quantity, l.LineAmount, l.TaxAmount])).toEqual([[1, 50, 7.5], [0.5, 15, 2.24]]);
    expect(cn.CreditNoteNumber).toBe('CN-0001');
  });

  it('credits tax-inclusive amounts: the line amount is the gross, the tax inside it is as sent or Xero\'s rounding', async () => {
    const inv = await approvedInvoice('R-2', { LineAmountTypes: 'Inclusive' });
    const made = await api('PUT', '/CreditNotes', creditNote(inv.Contact.ContactID, [
      { Description: 'Tent', Quantity: 1, UnitAmount: 57.5, AccountCode: '200', TaxType: 'OUTPUT2' },
      { Description: 'Stove', Quantity: 1, UnitAmount: 34.5, AccountCode: '200', TaxType: 'OUTPUT2', TaxAmount: 4.49 },
    ], { LineAmountTypes: 'Inclusive' }));
    conforms(made, '/CreditNotes', 'put', 200);
    // 57.50 × 15/115 = 7.50; 34.50 with 4.49 as sent: SubTotal 50.00 + 30.01, Total the gross 92.00.
    expect(made.json.CreditNotes[0]).toMatchObject({ LineAmountTypes: 'Inclusive', SubTotal: 80.01, TotalTax: 11.99, Total: 92, RemainingCredit: 92 });
  });

  it('answers UnitAmount with 4 places when created with unitdp=4 and with 2 otherwise (invoices and credit notes)', async () => {
    const line = { Description: 'Rope (per metre)', Quantity: 3, UnitAmount: 1.2345, AccountCode: '200', TaxType: 'OUTPUT2' };
    const four = await api('PUT', '/Invoices', { Invoices: [{ Type: 'ACCREC', Contact: { Name: 'Jane Doe' }, Date: '2024-03-01', DueDate: '2024-03-31', Status: 'AUTHORISED', LineItems: [line] }] }, { query: 'unitdp=4' });
    conforms(four, '/Invoices', 'put', 200);
    expect(four.text).toContain('"UnitAmount":1.2345');
    expect(four.json.Invoices[0]).toMatchObject({ SubTotal: 3.7, Total: 4.26 });
    const two = await api('PUT', '/Invoices', { Invoices: [{ Type: 'ACCREC', Contact: { Name: 'Jane Doe' }, Date: '2024-03-01', DueDate: '2024-03-31', Status: 'AUTHORISED', LineItems: [line] }] });
    expect(two.text).toContain('"UnitAmount":1.23,');
    expect(two.json.Invoices[0]).toMatchObject({ SubTotal: 3.69 });
    const cn = await api('PUT', '/CreditNotes', creditNote(four.json.Invoices[0].Contact.ContactID, [line]), { query: 'unitdp=4' });
    conforms(cn, '/CreditNotes', 'put', 200);
    expect(cn.text).toContain('"UnitAmount":1.2345');
    const edited = await api('POST', `/Invoices/${four.json.Invoices[0].InvoiceID}`, { Reference: 'kept at 4 places' }, { query: 'unitdp=4' });
    expect(edited.text).toContain('"UnitAmount":1.2345');
  });
});

describe('allocating a credit note to the invoice', () => {
  it('lowers the invoice\'s AmountDue and the note\'s RemainingCredit; both read PAID at zero', async () => {
    const inv = await approvedInvoice('A-1');
    const cn = (await api('PUT', '/CreditNotes', creditNote(inv.Contact.ContactID, [{ Description: 'Tent', Quantity: 1, UnitAmount: 50, AccountCode: '200', TaxType: 'OUTPUT2' }]))).json.CreditNotes[0];
    const alloc = await api('PUT', `/CreditNotes/${cn.CreditNoteID}/Allocations`, { Allocations: [{ Invoice: { InvoiceID: inv.InvoiceID }, Amount: 57.5, Date: '2024-03-10' }] });
    conforms(alloc, '/CreditNotes/{CreditNoteID}/Allocations', 'put', 200);
    expect(alloc.json.Allocations[0]).toMatchObject({ Amount: 57.5, Invoice: { InvoiceID: inv.InvoiceID }, CreditNote: { CreditNoteID: cn.CreditNoteID } });
    const after = await getInvoice(inv.InvoiceID);
    expect(after).toMatchObject({ AmountDue: 92, AmountCredited: 57.5, AmountPaid: 0, Status: 'AUTHORISED' });
    expect(after.CreditNotes).toMatchObject([{ CreditNoteID: cn.CreditNoteID, AppliedAmount: 57.5 }]);
    expect(await getCreditNote(cn.CreditNoteID)).toMatchObject({ RemainingCredit: 0, Status: 'PAID' });

    const rest = (await api('PUT', '/CreditNotes', creditNote(inv.Contact.ContactID, [{ Description: 'Rest', Quantity: 1, UnitAmount: 80, AccountCode: '200', TaxType: 'OUTPUT2' }]))).json.CreditNotes[0];
    expect((await api('PUT', `/CreditNotes/${rest.CreditNoteID}/Allocations`, { Allocations: [{ Invoice: { InvoiceID: inv.InvoiceID }, Amount: 92, Date: '2024-03-11' }] })).status).toBe(200);
    expect(await getInvoice(inv.InvoiceID)).toMatchObject({ AmountDue: 0, AmountCredited: 149.5, Status: 'PAID' });
  });

  it('refuses more than is outstanding, and a paid invoice, in Xero\'s words', async () => {
    const inv = await approvedInvoice('A-2');
    const cn = (await api('PUT', '/CreditNotes', creditNote(inv.Contact.ContactID, [{ Description: 'Tent', Quantity: 1, UnitAmount: 50, AccountCode: '200', TaxType: 'OUTPUT2' }]))).json.CreditNotes[0];
    const tooMuch = await api('PUT', `/CreditNotes/${cn.CreditNoteID}/Allocations`, { Allocations: [{ Invoice: { InvoiceID: inv.InvoiceID }, Amount: 57.51, Date: '2024-03-10' }] });
    conforms(tooMuch, '/CreditNotes/{CreditNoteID}/Allocations', 'put', 400);
    expect(messages(tooMuch, 'Allocations')).toEqual(['Credit Note cannot be allocated as amount is greater than amount outstanding']);

    expect((await api('PUT', '/Payments', payInvoice(inv.InvoiceID, 149.5))).status).toBe(200);
    const toPaid = await api('PUT', `/CreditNotes/${cn.CreditNoteID}/Allocations`, { Allocations: [{ Invoice: { InvoiceID: inv.InvoiceID }, Amount: 1, Date: '2024-03-10' }] }, { query: 'summarizeErrors=false' });
    conforms(toPaid, '/CreditNotes/{CreditNoteID}/Allocations', 'put', 200);
    expect(messages(toPaid, 'Allocations')).toEqual(['The invoice you are trying to allocate to has already been paid off', 'Credit Note cannot be allocated as amount is greater than amount outstanding']);
    expect(await getCreditNote(cn.CreditNoteID)).toMatchObject({ RemainingCredit: 57.5, Status: 'AUTHORISED' });
  });
});

describe('a cash refund: paying out a credit note', () => {
  it('PUT /Payments with CreditNote pays it out; the answer carries the whole credit note under Invoice, as Xero\'s does', async () => {
    const inv = await approvedInvoice('C-1');
    const cn = (await api('PUT', '/CreditNotes', creditNote(inv.Contact.ContactID, [{ Description: 'Tent', Quantity: 1, UnitAmount: 50, AccountCode: '200', TaxType: 'OUTPUT2' }]))).json.CreditNotes[0];
    const part = await api('PUT', '/Payments', refund(cn.CreditNoteID, 20));
    conforms(part, '/Payments', 'put', 200);
    const payment = part.json.Payments[0];
    expect(payment).toMatchObject({ PaymentType: 'ARCREDITPAYMENT', Amount: 20, Status: 'AUTHORISED', Reference: 'Refund to card', Account: { Code: '090' } });
    // Xero's examples (GET /Payments, POST /Payments/{PaymentID}): the credit note sits under `Invoice`.
    expect(payment.CreditNote).toBeUndefined();
    expect(payment.Invoice).toMatchObject({ Type: 'ACCRECCREDIT', InvoiceID: cn.CreditNoteID, InvoiceNumber: cn.CreditNoteNumber, Status: 'AUTHORISED', AmountDue: 37.5, AmountPaid: 20, SubTotal: 50, TotalTax: 7.5, Total: 57.5 });
    expect(payment.Invoice.LineItems).toHaveLength(1);
    expect(await getCreditNote(cn.CreditNoteID)).toMatchObject({ RemainingCredit: 37.5, Status: 'AUTHORISED', Payments: [{ PaymentID: payment.PaymentID, Amount: 20 }] });

    const rest = await api('PUT', '/Payments', refund(cn.CreditNoteID, '37.50'));
    expect(rest.json.Payments[0].Invoice).toMatchObject({ Status: 'PAID', AmountDue: 0, AmountPaid: 57.5 });
    expect(await getCreditNote(cn.CreditNoteID)).toMatchObject({ RemainingCredit: 0, Status: 'PAID' });
    // The invoice is untouched by a cash refund: the customer got money back, not credit on it.
    expect(await getInvoice(inv.InvoiceID)).toMatchObject({ AmountDue: 149.5, AmountCredited: 0 });

    const single = await api('GET', `/Payments/${payment.PaymentID}`);
    conforms(single, '/Payments/{PaymentID}', 'get', 200);
    expect(single.json.Payments[0].Invoice).toMatchObject({ Type: 'ACCRECCREDIT', InvoiceID: cn.CreditNoteID, Total: 57.5 });
    const listed = await api('GET', '/Payments');
    conforms(listed, '/Payments', 'get', 200);
    expect(listed.json.Payments.find((p: { PaymentID: string }) => p.PaymentID === payment.PaymentID).Invoice).toMatchObject({ Type: 'ACCRECCREDIT', InvoiceID: cn.CreditNoteID, LineItems: [] });

    const removed = await api('POST', `/Payments/${payment.PaymentID}`, { Status: 'DELETED' });
    conforms(removed, '/Payments/{PaymentID}', 'post', 200);
    expect(removed.json.Payments[0]).toMatchObject({ Status: 'DELETED', Invoice: { Type: 'ACCRECCREDIT', Status: 'AUTHORISED', AmountDue: 20 } });
  });

  it('refuses a refund above the remaining credit, and one on a paid-out or draft credit note, in Xero\'s words', async () => {
    const inv = await approvedInvoice('C-2');
    const cn = (await api('PUT', '/CreditNotes', creditNote(inv.Contact.ContactID, [{ Description: 'Tent', Quantity: 1, UnitAmount: 50, AccountCode: '200', TaxType: 'OUTPUT2' }]))).json.CreditNotes[0];
    const over = await api('PUT', '/Payments', refund(cn.CreditNoteID, 57.51));
    conforms(over, '/Payments', 'put', 400);
    expect(messages(over, 'Payments')).toEqual(['Payment amount exceeds the amount outstanding on this document']);
    expect((await api('PUT', '/Payments', refund(cn.CreditNoteID, 57.5))).status).toBe(200);
    const again = await api('PUT', '/Payments', refund(cn.CreditNoteID, 1), { query: 'summarizeErrors=false' });
    conforms(again, '/Payments', 'put', 200);
    expect(messages(again, 'Payments')).toEqual(['Payments can only be made against Authorised documents', 'Payment amount exceeds the amount outstanding on this document']);
    const draft = (await api('PUT', '/CreditNotes', creditNote(inv.Contact.ContactID, [{ Description: 'Tent', Quantity: 1, UnitAmount: 50, AccountCode: '200', TaxType: 'OUTPUT2' }], { Status: 'DRAFT' }))).json.CreditNotes[0];
    expect(messages(await api('PUT', '/Payments', refund(draft.CreditNoteID, 10)), 'Payments')).toEqual(['Payments can only be made against Authorised documents']);
  });
});

describe('payments to an invoice', () => {
  it('the answer embeds the whole invoice as it stands after the payment (Xero\'s PUT /Payments example)', async () => {
    const inv = await approvedInvoice('P-1');
    const paid = await api('PUT', '/Payments', payInvoice(inv.InvoiceID, 49.5, { Reference: 'BC order 7' }));
    conforms(paid, '/Payments', 'put', 200);
    const embedded = paid.json.Payments[0].Invoice;
    expect(embedded).toMatchObject({ Type: 'ACCREC', InvoiceID: inv.InvoiceID, InvoiceNumber: 'P-1', Reference: 'Order P-1', Status: 'AUTHORISED', LineAmountTypes: 'Exclusive', AmountDue: 100, AmountPaid: 49.5, AmountCredited: 0, SubTotal: 130, TotalTax: 19.5, Total: 149.5, CurrencyCode: 'NZD', Contact: { ContactID: inv.Contact.ContactID, Name: 'Jane Doe' } });
    expect(embedded.LineItems).toHaveLength(2);
    expect(embedded.Payments).toMatchObject([{ PaymentID: paid.json.Payments[0].PaymentID, Amount: 49.5 }]);
    expect(embedded.DueDate).toBe('/Date(1711843200000+0000)/');

    const rest = await api('POST', '/Payments', payInvoice(inv.InvoiceID, 100));
    conforms(rest, '/Payments', 'post', 200);
    expect(rest.json.Payments[0].Invoice).toMatchObject({ Status: 'PAID', AmountDue: 0, AmountPaid: 149.5, FullyPaidOnDate: '/Date(1709596800000+0000)/' });
  });

  it('refuses a draft, a paid and a voided invoice in Xero\'s words', async () => {
    const draft = await approvedInvoice('P-2', { Status: 'DRAFT' });
    expect(messages(await api('PUT', '/Payments', payInvoice(draft.InvoiceID, 10)), 'Payments')).toEqual(['Payments can only be made against Authorised documents']);
    const inv = await approvedInvoice('P-3');
    await api('PUT', '/Payments', payInvoice(inv.InvoiceID, 149.5));
    expect(messages(await api('PUT', '/Payments', payInvoice(inv.InvoiceID, 149.5)), 'Payments')).toEqual(['Payments can only be made against Authorised documents', 'Payment amount exceeds the amount outstanding on this document']);
    const voided = await approvedInvoice('P-4');
    expect((await api('POST', `/Invoices/${voided.InvoiceID}`, { Status: 'VOIDED' })).status).toBe(200);
    expect(messages(await api('PUT', '/Payments', payInvoice(voided.InvoiceID, 1)), 'Payments')).toEqual(['Payments can only be made against Authorised documents', 'Payment amount exceeds the amount outstanding on this document']);
  });
});

describe('editing an approved invoice', () => {
  const newLines = [
    { Description: 'Tent', Quantity: 1, UnitAmount: 50, AccountCode: '200', TaxType: 'OUTPUT2' },
    { Description: 'Stove', Quantity: 1, UnitAmount: 30, AccountCode: '200', TaxType: 'OUTPUT2', TaxAmount: 4.49 },
  ];

  it('replaces the lines of an AUTHORISED invoice without money on it; totals and AmountDue follow', async () => {
    const inv = await approvedInvoice('E-1');
    const edited = await api('POST', `/Invoices/${inv.InvoiceID}`, { Invoices: [{ InvoiceID: inv.InvoiceID, LineItems: newLines }] });
    conforms(edited, '/Invoices/{InvoiceID}', 'post', 200);
    expect(edited.json.Invoices[0]).toMatchObject({ Status: 'AUTHORISED', SubTotal: 80, TotalTax: 11.99, Total: 91.99, AmountDue: 91.99 });
    expect(await getInvoice(inv.InvoiceID)).toMatchObject({ Total: 91.99, AmountDue: 91.99 });
    expect((await getInvoice(inv.InvoiceID)).LineItems).toHaveLength(2);
  });

  it('refuses an edit once a payment is on it, and adds "not of valid status" once it is PAID', async () => {
    const inv = await approvedInvoice('E-2');
    await api('PUT', '/Payments', payInvoice(inv.InvoiceID, 10));
    const partPaid = await api('POST', `/Invoices/${inv.InvoiceID}`, { Invoices: [{ InvoiceID: inv.InvoiceID, LineItems: newLines }] });
    conforms(partPaid, '/Invoices/{InvoiceID}', 'post', 400);
    expect(messages(partPaid, 'Invoices')).toEqual([LOCKED]);
    expect(messages(await api('POST', `/Invoices/${inv.InvoiceID}`, { Reference: 'new ref' }), 'Invoices')).toEqual([LOCKED]);
    await api('PUT', '/Payments', payInvoice(inv.InvoiceID, 139.5));
    const paid = await api('POST', `/Invoices/${inv.InvoiceID}`, { Invoices: [{ InvoiceID: inv.InvoiceID, LineItems: newLines }] }, { query: 'summarizeErrors=false' });
    conforms(paid, '/Invoices/{InvoiceID}', 'post', 200);
    expect(messages(paid, 'Invoices')).toEqual(['Invoice not of valid status for modification', LOCKED]);
    expect(await getInvoice(inv.InvoiceID)).toMatchObject({ Total: 149.5, Status: 'PAID' });
  });

  it('refuses an edit once a credit note is allocated to it', async () => {
    const inv = await approvedInvoice('E-3');
    const cn = (await api('PUT', '/CreditNotes', creditNote(inv.Contact.ContactID, [{ Description: 'Tent', Quantity: 1, UnitAmount: 10, AccountCode: '200', TaxType: 'OUTPUT2' }]))).json.CreditNotes[0];
    await api('PUT', `/CreditNotes/${cn.CreditNoteID}/Allocations`, { Allocations: [{ Invoice: { InvoiceID: inv.InvoiceID }, Amount: 5, Date: '2024-03-10' }] });
    expect(messages(await api('POST', `/Invoices/${inv.InvoiceID}`, { LineItems: newLines }), 'Invoices')).toEqual([LOCKED]);
    // The credit note (6.50 of credit left, so still AUTHORISED) is locked by its allocation too (xeroizer#211).
    expect(messages(await api('POST', `/CreditNotes/${cn.CreditNoteID}`, { Reference: 'changed' }), 'CreditNotes')).toEqual([LOCKED]);
  });

  it('voids only without money on it; with a payment the status is refused in Xero\'s words until the payment goes', async () => {
    const inv = await approvedInvoice('E-4');
    const pay = (await api('PUT', '/Payments', payInvoice(inv.InvoiceID, 149.5))).json.Payments[0];
    const blocked = await api('POST', `/Invoices/${inv.InvoiceID}`, { Invoices: [{ InvoiceID: inv.InvoiceID, Status: 'VOIDED' }] });
    conforms(blocked, '/Invoices/{InvoiceID}', 'post', 400);
    expect(messages(blocked, 'Invoices')).toEqual(['The status VOIDED cannot be applied to the invoice because it has payments or credit notes allocated to it.']);
    expect(messages(await api('POST', `/Invoices/${inv.InvoiceID}`, { Status: 'AUTHORISED' }), 'Invoices')).toEqual(['The status AUTHORISED cannot be applied to the invoice because it has payments or credit notes allocated to it.']);
    await api('POST', `/Payments/${pay.PaymentID}`, { Status: 'DELETED' });
    const voided = await api('POST', `/Invoices/${inv.InvoiceID}`, { Status: 'VOIDED' });
    expect(voided.json.Invoices[0]).toMatchObject({ Status: 'VOIDED', AmountDue: 0 });
    expect(messages(await api('POST', `/Invoices/${inv.InvoiceID}`, { Reference: 'too late' }), 'Invoices')).toEqual(['Invoice not of valid status for modification']);
  });

  it('refuses status changes Xero does not allow with "not of valid status for modification"', async () => {
    const draft = await approvedInvoice('E-5', { Status: 'DRAFT' });
    expect(messages(await api('POST', `/Invoices/${draft.InvoiceID}`, { Status: 'VOIDED' }), 'Invoices')).toEqual(['Invoice not of valid status for modification']);
    const approved = await approvedInvoice('E-6');
    expect(messages(await api('POST', `/Invoices/${approved.InvoiceID}`, { Status: 'DELETED' }), 'Invoices')).toEqual(['Invoice not of valid status for modification']);
    expect(messages(await api('POST', `/Invoices/${approved.InvoiceID}`, { Status: 'DRAFT' }), 'Invoices')).toEqual(['Invoice not of valid status for modification']);
  });
});

describe('Idempotency-Key on every refund and edit write', () => {
  const key = (k: string) => ({ headers: { 'Idempotency-Key': k } });

  it('a repeated credit note, allocation, cash refund and invoice edit each happen once and replay the first answer', async () => {
    const inv = await approvedInvoice('I-1');
    const cnBody = creditNote(inv.Contact.ContactID, [{ Description: 'Tent', Quantity: 2, UnitAmount: 50, AccountCode: '200', TaxType: 'OUTPUT2' }]);
    const cn1 = await api('PUT', '/CreditNotes', cnBody, key('refund-1:cn'));
    const cn2 = await api('PUT', '/CreditNotes', cnBody, key('refund-1:cn'));
    expect(cn2.text).toBe(cn1.text);
    expect((await api('GET', '/CreditNotes')).json.CreditNotes).toHaveLength(1);
    const cnId = cn1.json.CreditNotes[0].CreditNoteID;

    const allocBody = { Allocations: [{ Invoice: { InvoiceID: inv.InvoiceID }, Amount: 50, Date: '2024-03-10' }] };
    const a1 = await api('PUT', `/CreditNotes/${cnId}/Allocations`, allocBody, key('refund-1:alloc'));
    const a2 = await api('PUT', `/CreditNotes/${cnId}/Allocations`, allocBody, key('refund-1:alloc'));
    expect(a2.text).toBe(a1.text);
    expect(await getInvoice(inv.InvoiceID)).toMatchObject({ AmountCredited: 50, AmountDue: 99.5 });

    const r1 = await api('PUT', '/Payments', refund(cnId, 65), key('refund-1:cash'));
    const r2 = await api('PUT', '/Payments', refund(cnId, 65), key('refund-1:cash'));
    expect(r2.text).toBe(r1.text);
    expect(await getCreditNote(cnId)).toMatchObject({ RemainingCredit: 0, Status: 'PAID' });
    expect((await getCreditNote(cnId)).Payments).toHaveLength(1);

    const editBody = { Invoices: [{ InvoiceID: inv.InvoiceID, Reference: 'Order I-1 (part refunded)' }] };
    const inv2 = await approvedInvoice('I-2');
    const e1 = await api('POST', `/Invoices/${inv2.InvoiceID}`, { Invoices: [{ InvoiceID: inv2.InvoiceID, LineItems: [{ Description: 'Tent', Quantity: 1, UnitAmount: 50, AccountCode: '200', TaxType: 'OUTPUT2' }] }] }, key('edit-2'));
    const e2 = await api('POST', `/Invoices/${inv2.InvoiceID}`, { Invoices: [{ InvoiceID: inv2.InvoiceID, LineItems: [{ Description: 'Tent', Quantity: 1, UnitAmount: 50, AccountCode: '200', TaxType: 'OUTPUT2' }] }] }, key('edit-2'));
    expect(e2.text).toBe(e1.text);
    expect(e1.json.Invoices[0].Total).toBe(57.5);
    // A refusal is replayed too; the same key with another body is refused.
    const locked1 = await api('POST', `/Invoices/${inv.InvoiceID}`, editBody, key('edit-1'));
    const locked2 = await api('POST', `/Invoices/${inv.InvoiceID}`, editBody, key('edit-1'));
    expect([locked1.status, locked2.text]).toEqual([400, locked1.text]);
    const other = await api('POST', `/Invoices/${inv.InvoiceID}`, { Reference: 'something else' }, key('edit-1'));
    expect(other.status).toBe(400);
    expect(other.json.Detail).toBe('Idempotency Key: edit-1 is used with a different request.');
  });
});

describe('GET /Invoices searchTerm and summaryOnly', () => {
  it('searchTerm finds text inside InvoiceNumber or Reference, whatever the case', async () => {
    await approvedInvoice('BC-1001', { Reference: 'Web order 555' });
    await approvedInvoice('BC-1002', { Reference: 'Phone ORDER 777' });
    await approvedInvoice('MAN-9', { Reference: 'walk-in' });
    const numbers = async (term: string) => (await api('GET', '/Invoices', undefined, { query: `searchTerm=${encodeURIComponent(term)}` })).json.Invoices.map((i: { InvoiceNumber: string }) => i.InvoiceNumber).sort();
    expect(await numbers('bc-100')).toEqual(['BC-1001', 'BC-1002']);
    expect(await numbers('order')).toEqual(['BC-1001', 'BC-1002']);
    expect(await numbers('777')).toEqual(['BC-1002']);
    expect(await numbers('Jane')).toEqual([]);
    const combined = await api('GET', '/Invoices', undefined, { query: 'searchTerm=order&Statuses=AUTHORISED&page=1' });
    conforms(combined, '/Invoices', 'get', 200);
    expect(combined.json.Invoices).toHaveLength(2);
  });

  it('summaryOnly answers the header, totals and amounts without lines or related lists, even when paged', async () => {
    const inv = await approvedInvoice('S-1');
    await api('PUT', '/Payments', payInvoice(inv.InvoiceID, 49.5));
    const summary = await api('GET', '/Invoices', undefined, { query: 'summaryOnly=true&page=1' });
    conforms(summary, '/Invoices', 'get', 200);
    const row = summary.json.Invoices[0];
    expect(row).toMatchObject({ InvoiceID: inv.InvoiceID, InvoiceNumber: 'S-1', Status: 'AUTHORISED', Total: 149.5, AmountDue: 100, AmountPaid: 49.5 });
    for (const k of ['LineItems', 'Payments', 'CreditNotes', 'Prepayments', 'Overpayments']) expect(row[k], k).toBeUndefined();
    const full = await api('GET', '/Invoices', undefined, { query: 'page=1' });
    expect(full.json.Invoices[0].LineItems).toHaveLength(2);
    expect(full.json.Invoices[0].Payments).toHaveLength(1);
  });
});
