/**
 * Reconciliation's read of Xero (issue 17) against the Xero sandbox: invoices posted by the app, then changed in Xero
 * through its own API as a person would (a line's amount edited, one voided, a draft deleted, a second invoice typed in
 * for an order with the order's reference and a number of its own): listDocuments reads them back as Xero holds them
 * (one paged call per kind) and the rules name each difference with its class.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXeroProvider, staticXeroToken, xeroUrls } from '@/lib/accounting/xero';
import { reconcile, type RecordFact, type StoreOrderFact } from '@/lib/sync/reconcile';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { syncSettingsSchema } from '@/lib/sync/settings';
import { loadOrderFixtures, needsOf } from '@/tests/support/xero-fixtures';
import { startXeroSandbox, type StartedXeroSandbox } from '@/tests/sandbox/xero/server';

const fixtures = loadOrderFixtures(path.resolve(import.meta.dirname, '../fixtures/orders/cases')).filter(
  (f) => f.document && f.document.currency.code === 'USD' && f.document.number === `BC-${f.order.id}` && f.document.reference === `BigCommerce order #${f.order.id}`,
);

let xero: StartedXeroSandbox;
beforeAll(async () => {
  xero = await startXeroSandbox({ port: 0, limits: { minute: 100_000, day: 1_000_000 } });
});
afterAll(async () => {
  await xero?.close();
});

describe('reconciling against Xero', () => {
  it('reads invoices and credit notes back from Xero and classes what a person changed there', async () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
    const cases = fixtures.slice(0, 5).map((f) => f.document!);
    const needs = needsOf(cases);
    const t = xero.sandbox.createTenant({
      name: 'Reconciled Ltd', currency: 'USD', currencies: needs.currencies,
      taxRates: needs.taxTypes.filter((c) => !['TAX001', 'TAX002', 'NONE', 'INPUT'].includes(c)).map((TaxType) => ({ TaxType, Name: `Tax ${TaxType}`, rate: '5' })),
    });
    const token = xero.sandbox.tokenFor(t.tenantId);
    const api = async (method: string, route: string, body?: unknown) => {
      const res = await fetch(`${xero.url}/xero/api.xro/2.0${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': t.tenantId, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return JSON.parse(text) as { Invoices: Array<Record<string, unknown> & { LineItems: Array<Record<string, unknown>> }> };
    };
    if (needs.itemCodes.length) await api('PUT', '/Items', { Items: needs.itemCodes.map((Code) => ({ Code, Name: `Item ${Code}` })) });
    const urls = xeroUrls(`${xero.url}/xero`);
    const provider = createXeroProvider({ tenantId: t.tenantId, tokens: staticXeroToken(token), urls, retryDelayMs: 5 });
    const drafts = createXeroProvider({ tenantId: t.tenantId, tokens: staticXeroToken(token), urls, retryDelayMs: 5, invoiceStatus: 'DRAFT' });

    const [agrees, edited, voided, deleted, duplicated] = cases;
    const records: RecordFact[] = [];
    for (const doc of cases) {
      const posted = await (doc === deleted ? drafts : provider).postDocument(doc, `post:${doc.source.orderId}`);
      if (!posted.ok) throw new Error(JSON.stringify(posted.error));
      records.push({ orderId: doc.source.orderId, state: 'posted', message: null, remoteId: posted.value.remoteId, remoteNumber: posted.value.number, currency: 'USD' });
    }
    const idOf = (doc: typeof agrees) => records.find((r) => r.orderId === doc!.source.orderId)!.remoteId!;

    // A person, in Xero: raises a line by 10.00 (exclusive of tax where the invoice is) ...
    const [current] = (await api('GET', `/Invoices/${idOf(edited)}`)).Invoices;
    // (the last line, shipping: one unit, no discount; Xero works out its amount and tax again)
    const lines = current!.LineItems.map((l, i, all) => {
      if (i !== all.length - 1) return l;
      const { LineAmount: _amount, TaxAmount: _tax, ...rest } = l;
      return { ...rest, UnitAmount: Number(l.UnitAmount) + 10 };
    });
    expect(current!.LineItems.at(-1)).toMatchObject({ Quantity: 1 });
    await api('POST', `/Invoices/${idOf(edited)}`, { InvoiceID: idOf(edited), LineItems: lines });
    // ... voids one, deletes a draft, and types in a second invoice for an order with its reference.
    await api('POST', `/Invoices/${idOf(voided)}`, { InvoiceID: idOf(voided), Status: 'VOIDED' });
    await api('POST', `/Invoices/${idOf(deleted)}`, { InvoiceID: idOf(deleted), Status: 'DELETED' });
    const [copy] = (await api('GET', `/Invoices/${idOf(duplicated)}`)).Invoices;
    await api('PUT', '/Invoices', {
      Invoices: [{ Type: 'ACCREC', Contact: copy!.Contact, Date: copy!.DateString, InvoiceNumber: 'INV-BY-HAND', Reference: copy!.Reference, LineAmountTypes: 'NoTax', Status: 'AUTHORISED',
        LineItems: [{ Description: 'Typed in again', Quantity: 1, UnitAmount: 12.5, AccountCode: '200' }] }],
    });

    const dates = cases.map((d) => d.date).sort();
    const from = dates[0]!;
    const to = dates.at(-1)!;
    const before = provider.api.counters.calls;
    const read = await provider.listDocuments!({ from, to });
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    expect(provider.api.counters.calls - before).toBe(3); // one page of summary manual journals (none here: no chart read), invoices, credit notes
    expect(read.value.find((d) => d.remoteId === idOf(deleted))).toBeUndefined();
    expect(read.value.find((d) => d.remoteId === idOf(voided))?.status).toBe('voided');

    const orders: StoreOrderFact[] = cases.map((doc) => ({
      orderId: doc.source.orderId, createdAt: `${doc.date}T12:00:00Z`, statusId: 11, currency: 'USD',
      total: doc.totals.total, tax: doc.totals.tax, shipping: '0', discount: '0', paymentMethod: 'Card', paymentStatus: 'pending', storeCredit: '0', giftCertificates: '0',
    }));
    const days = reconcile({
      from, to, timeZone: 'UTC', numberPrefix: 'BC-', referenceTemplate: 'BigCommerce order #{orderId}',
      rules: { importStatusIds: [11], refundStatusIds: [], ignoredStatusIds: [], voidStatusIds: [], ordersFromDate: null },
      paymentRules: syncSettingsSchema.parse({}).payments,
      storeCurrency: 'USD', orders, refunds: [{ refundId: 1, orderId: agrees!.source.orderId, createdAt: `${agrees!.date}T13:00:00Z`, amount: '1.00' }],
      documents: read.value, payments: null, records,
    });
    const differences = days.flatMap((d) => d.differences).map((d) => [d.orderId, d.class, d.amount]);
    expect(differences).toEqual(expect.arrayContaining([
      [agrees!.source.orderId, 'refund_not_credited', '1.00'],
      [edited!.source.orderId, 'changed_in_books', expect.stringMatching(/^10\.\d\d$|^1[01]\.\d\d$/)],
      [voided!.source.orderId, 'voided_in_books', expect.any(String)],
      [deleted!.source.orderId, 'voided_in_books', expect.any(String)],
      [duplicated!.source.orderId, 'duplicate_in_books', '12.50'],
    ]));
    expect(differences).toHaveLength(5);
  });

  it('reads the payments back (a payment deleted, or entered again to another account, through Xero\'s API), and compares adjustments and credits dated after the day', async () => {
    const cases = fixtures.slice(0, 5).map((f) => ({ ...f.document!, kind: 'invoice' as const, payments: [] }));
    const needs = needsOf(cases);
    const t = xero.sandbox.createTenant({
      name: 'Paid Ltd', currency: 'USD', currencies: needs.currencies,
      taxRates: needs.taxTypes.filter((c) => !['TAX001', 'TAX002', 'NONE', 'INPUT'].includes(c)).map((TaxType) => ({ TaxType, Name: `Tax ${TaxType}`, rate: '5' })),
    });
    const token = xero.sandbox.tokenFor(t.tenantId);
    const api = async <T = Record<string, unknown>>(method: string, route: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${xero.url}/xero/api.xro/2.0${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': t.tenantId, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return JSON.parse(text) as T;
    };
    if (needs.itemCodes.length) await api('PUT', '/Items', { Items: needs.itemCodes.map((Code) => ({ Code, Name: `Item ${Code}` })) });
    const provider = createXeroProvider({ tenantId: t.tenantId, tokens: staticXeroToken(token), urls: xeroUrls(`${xero.url}/xero`), retryDelayMs: 5 });
    // Card payments go to the bank account 090 (the store's payment mapping).
    const paymentRules = { ...syncSettingsSchema.parse({}).payments, mappings: [{ method: 'Card', account: '090' }] };
    const later = new Date().toISOString().slice(0, 10); // today: after every fixture's day, in the open period
    const dates = cases.map((d) => d.date).sort();
    const from = dates[0]!;
    const to = dates.at(-1)!;
    expect(to < later).toBe(true);

    const [paid, moved, unpaid, adjusted, refunded] = cases;
    const records: RecordFact[] = [];
    const refs = new Map<number, { remoteId: string; number: string }>();
    const pay = async (ref: { remoteId: string; number: string }, amount: string, date: string, key: string) => {
      const r = await provider.recordPayment(ref, { kind: 'gateway', method: 'Card', account: '090', amount, date, reference: null }, key);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value.remoteId;
    };
    const paymentIds = new Map<number, string>();
    for (const doc of cases) {
      const posted = await provider.postDocument(doc, `paid-post:${doc.source.orderId}`);
      if (!posted.ok) throw new Error(JSON.stringify(posted.error));
      refs.set(doc.source.orderId, posted.value);
      records.push({ orderId: doc.source.orderId, state: 'posted', message: null, remoteId: posted.value.remoteId, remoteNumber: posted.value.number, currency: 'USD' });
      paymentIds.set(doc.source.orderId, await pay(posted.value, doc.totals.total, doc.date, `paid-pay:${doc.source.orderId}`));
    }
    // The order changed after its invoice was locked: the app booked the addition as an adjustment in the open period
    // (the whole sale again, to keep the test short), and its payment with it.
    const adjustment: SalesDocument = { ...adjusted!, number: `${adjusted!.number}-ADJ2`, date: later, dueDate: later };
    const adjustmentPosted = await provider.postDocument(adjustment, `paid-adjust:${adjusted!.source.orderId}`);
    if (!adjustmentPosted.ok) throw new Error(JSON.stringify(adjustmentPosted.error));
    const adjustmentPayment = await pay(adjustmentPosted.value, adjusted!.totals.total, later, `paid-pay-adjust:${adjusted!.source.orderId}`);
    // A refund of the order's first line, credited in the open period (after a lock date), days after the refund.
    const creditLine = refunded!.lines[0]!;
    const credit = await provider.postCreditNote(
      { document: refs.get(refunded!.source.orderId)!, number: `${refunded!.number}-CR1`, lines: [creditLine], date: later, reason: 'Refund 77' }, 'paid-refund:77',
    );
    if (!credit.ok) throw new Error(JSON.stringify(credit.error));
    records.find((r) => r.orderId === refunded!.source.orderId)!.credits = [{ refundId: 77, remoteId: credit.value.remoteId, number: credit.value.number }];

    const orders: StoreOrderFact[] = cases.map((doc) => ({
      orderId: doc.source.orderId, createdAt: `${doc.date}T12:00:00Z`, statusId: 11, currency: 'USD',
      total: doc === adjusted ? String(Number(doc.totals.total) * 2) : doc.totals.total, tax: doc === adjusted ? String(Number(doc.totals.tax) * 2) : doc.totals.tax,
      shipping: '0', discount: '0', paymentMethod: 'Card', paymentStatus: 'captured', storeCredit: '0', giftCertificates: '0',
    }));
    const refunds = [{ refundId: 77, orderId: refunded!.source.orderId, createdAt: `${refunded!.date}T13:00:00Z`, amount: creditLine.gross }];
    const run = async () => {
      const before = provider.api.counters.calls;
      const window = { from, to: later };
      const documents = await provider.listDocuments!(window);
      const payments = await provider.listPayments!(window);
      if (!documents.ok || !payments.ok) throw new Error('read failed');
      const calls = provider.api.counters.calls - before;
      const days = reconcile({
        from, to, timeZone: 'UTC', numberPrefix: 'BC-', referenceTemplate: 'BigCommerce order #{orderId}',
        rules: { importStatusIds: [11], refundStatusIds: [], ignoredStatusIds: [], voidStatusIds: [], ordersFromDate: null },
        paymentRules, storeCurrency: 'USD', orders, refunds, documents: documents.value, payments: payments.value, records,
      });
      return { days, calls, payments: payments.value };
    };

    // As the app booked it, everything agrees: the adjustment, its payment and the credit are dated after the range.
    const clean = await run();
    expect(clean.calls).toBe(4); // one page each of summary manual journals, invoices, credit notes and payments
    expect(clean.days.flatMap((d) => d.differences)).toEqual([]);
    const paidDay = clean.days.find((d) => d.date === paid!.date)!;
    expect(paidDay.books.payments).toEqual(paidDay.store.payments);
    expect(Object.keys(paidDay.store.payments)).toEqual(['Card']);

    // A person, in Xero: deletes one payment, deletes another and enters it again to the savings account, and raises
    // the adjustment's last line by 10.00 (Xero edits no paid invoice: its payment is deleted first and entered again).
    await api('POST', `/Payments/${paymentIds.get(unpaid!.source.orderId)}`, { Status: 'DELETED' });
    await api('POST', `/Payments/${paymentIds.get(moved!.source.orderId)}`, { Status: 'DELETED' });
    await api('PUT', '/Payments', { Payments: [{ Invoice: { InvoiceID: refs.get(moved!.source.orderId)!.remoteId }, Account: { Code: '091' }, Date: moved!.date, Amount: Number(moved!.totals.total) }] });
    const { Invoices: [current] } = await api<{ Invoices: Array<{ LineItems: Array<Record<string, unknown>> }> }>('GET', `/Invoices/${adjustmentPosted.value.remoteId}`);
    const lines = current!.LineItems.map((l, i, all) => {
      if (i !== all.length - 1) return l;
      const { LineAmount: _amount, TaxAmount: _tax, ...rest } = l;
      return { ...rest, UnitAmount: Number(l.UnitAmount) + 10 };
    });
    await api('POST', `/Payments/${adjustmentPayment}`, { Status: 'DELETED' });
    await api('POST', `/Invoices/${adjustmentPosted.value.remoteId}`, { InvoiceID: adjustmentPosted.value.remoteId, LineItems: lines });
    await api('PUT', '/Payments', { Payments: [{ Invoice: { InvoiceID: adjustmentPosted.value.remoteId }, Account: { Code: '090' }, Date: later, Amount: Number(adjusted!.totals.total) }] });

    const changed = await run();
    expect(changed.payments.some((p) => p.remoteId === paymentIds.get(unpaid!.source.orderId))).toBe(false); // deleted: not read
    const differences = changed.days.flatMap((d) => d.differences);
    const of = (doc: typeof paid) => differences.filter((d) => d.orderId === doc!.source.orderId);
    expect(of(moved)).toEqual([expect.objectContaining({ class: 'changed_in_books', amount: Number(moved!.totals.total).toFixed(2) })]);
    expect(of(moved)[0]!.reason).toContain('to 091 (Account 091) in the books');
    expect(of(unpaid)).toEqual([expect.objectContaining({ class: 'changed_in_books', amount: `-${Number(unpaid!.totals.total).toFixed(2)}` })]);
    expect(of(adjusted)).toEqual([expect.objectContaining({ class: 'changed_in_books' })]);
    expect(of(adjusted)[0]!.reason).toContain(`${adjusted!.number}-ADJ2`);
    expect(of(paid)).toEqual([]);
    expect(of(refunded)).toEqual([]);
    expect(differences).toHaveLength(3);
  });
});
