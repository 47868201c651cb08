// The Xero provider against the Xero sandbox: the accounting core's order fixtures post with totals equal to
// BigCommerce's to the cent; duplicates, 429s, 500s and lost answers never create a second invoice; a batch
// with one invalid invoice posts the other 49; contacts, items, payments, voids, credit notes, stock.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseUnits } from '@/lib/money';
import { createXeroProvider, staticXeroToken, xeroUrls, type XeroProvider } from '@/lib/accounting/xero';
import { loadOrderFixtures, needsOf } from '@/tests/support/xero-fixtures';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { startXeroSandbox, type StartedXeroSandbox } from '@/tests/sandbox/xero/server';

const fixtures = loadOrderFixtures(path.resolve(import.meta.dirname, '../fixtures/orders/cases'));
const documents = fixtures.flatMap((f) => (f.document ? [f.document] : []));

let xero: StartedXeroSandbox;

/** The fields of an invoice, as the sandbox's admin API lists it, that these tests read. */
interface XeroInvoice {
  InvoiceID: string;
  InvoiceNumber: string;
  Reference: string;
  Status: string;
  CurrencyCode: string;
  CurrencyRate: number;
  LineAmountTypes: string;
  Total: number;
  TotalTax: number;
  AmountCredited: number;
  Payments: unknown[];
  LineItems: Array<{ TaxAmount: number; ItemCode: string; AccountCode: string }>;
}

/** A payment as the sandbox's admin API lists it. */
interface XeroPayment {
  Invoice: { InvoiceID: string };
  Account: { Code: string };
}

async function admin<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${xero.url}/__sandbox/xero${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A new organisation with what the fixtures need (tax rates, currencies, items), and a provider for it. */
async function organisation(name: string, options: { itemCodes?: string[]; tracked?: string[] } = {}) {
  const needs = needsOf(documents);
  const t = xero.sandbox.createTenant({
    name,
    currency: 'USD',
    currencies: needs.currencies,
    taxRates: needs.taxTypes.filter((c) => !['TAX001', 'TAX002', 'NONE', 'INPUT'].includes(c)).map((TaxType) => ({ TaxType, Name: `Tax ${TaxType}`, rate: '5' })),
  });
  const token = xero.sandbox.tokenFor(t.tenantId);
  const provider = createXeroProvider({ tenantId: t.tenantId, tokens: staticXeroToken(token), urls: xeroUrls(`${xero.url}/xero`), retryDelayMs: 5 });
  const items = [...(options.itemCodes ?? needs.itemCodes)].map((Code) => ({
    Code,
    Name: `Item ${Code}`,
    ...(options.tracked?.includes(Code) ? { InventoryAssetAccountCode: '630', PurchaseDetails: { COGSAccountCode: '310' } } : {}),
  }));
  if (items.length) {
    const res = await fetch(`${xero.url}/xero/api.xro/2.0/Items`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': t.tenantId, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ Items: items }),
    });
    expect(res.status, await res.text()).toBe(200);
  }
  return { tenantId: t.tenantId, provider };
}

const invoices = (tenantId: string): Promise<XeroInvoice[]> => admin('GET', `/tenants/${tenantId}/invoices`);
const units = (v: unknown, scale = 2) => parseUnits(String(v), scale);

beforeAll(async () => {
  // Generous limits here; the limits test sets its organisation's own.
  xero = await startXeroSandbox({ port: 0, limits: { minute: 100_000, day: 1_000_000 } });
});
afterAll(async () => {
  await xero.close();
});
afterEach(async () => {
  await admin('DELETE', '/faults');
});

describe('order fixtures post to Xero with totals matching BigCommerce to the cent', () => {
  let org: { tenantId: string; provider: XeroProvider };
  beforeAll(async () => {
    org = await organisation('Fixtures Ltd');
  });

  it('builds at least 30 postable documents from the fixtures', () => {
    expect(documents.length).toBeGreaterThanOrEqual(30);
  });

  for (const fx of fixtures.filter((f) => f.document)) {
    it(`${fx.name}`, async () => {
      const document = fx.document!;
      const posted = await org.provider.postDocument(document, `fx:${fx.order.id}`);
      if (!posted.ok) throw new Error(JSON.stringify(posted.error));
      expect(posted.value).toMatchObject({ number: document.number, created: true });
      const inv = (await invoices(org.tenantId)).find((i) => i.InvoiceID === posted.value.remoteId)!;
      expect(inv).toBeDefined();
      // Xero's own Total and TotalTax equal BigCommerce's total_inc_tax and total_tax.
      expect(units(inv.Total)).toBe(units(fx.order.total_inc_tax));
      expect(units(inv.TotalTax)).toBe(units(fx.order.total_tax));
      expect(inv.InvoiceNumber).toBe(document.number);
      expect(inv.Reference).toBe(document.reference);
      expect(inv.CurrencyCode).toBe(document.currency.code);
      expect(inv.LineAmountTypes).toBe(document.amountsAre === 'inclusive' ? 'Inclusive' : 'Exclusive');
      expect(inv.Status).toBe(document.kind === 'sales_receipt' && document.payments.length ? 'PAID' : 'AUTHORISED');
      expect(inv.LineItems).toHaveLength(document.lines.length);
      for (const [i, line] of document.lines.entries()) {
        expect(units(inv.LineItems[i]!.TaxAmount), line.sourceId).toBe(units(line.tax, document.currency.scale) * (document.currency.scale === 0 ? 100n : 1n));
        if (line.itemId) expect(inv.LineItems[i]!.ItemCode).toBe(line.sku);
        expect(inv.LineItems[i]!.AccountCode).toBe(line.account);
      }
      if (document.currency.code !== document.currency.storeCurrency) expect(String(inv.CurrencyRate)).toBe(String(Number(document.currency.exchangeRate)));
    });
  }

  it('records the payments of a paid order to the mapped account, once', async () => {
    const document = documents.find((d) => d.source.orderId === fixtures[0]!.order.id)!;
    // A new key for the same order (a retry after Xero forgot the first key): found by number, not booked again.
    const posted = await org.provider.postDocument(document, `fx-later:${document.source.orderId}`);
    if (!posted.ok) throw new Error(JSON.stringify(posted.error));
    expect(posted.value.created).toBe(false);
    for (let round = 0; round < 2; round += 1) {
      for (const [i, payment] of document.payments.entries()) {
        const paid = await org.provider.recordPayment(posted.value, payment, `pay:${document.source.orderId}:${i}`);
        expect(paid.ok, JSON.stringify(paid)).toBe(true);
      }
    }
    const inv = (await invoices(org.tenantId)).find((i) => i.InvoiceID === posted.value.remoteId)!;
    expect(inv.Status).toBe('PAID');
    expect(inv.Payments).toHaveLength(document.payments.length);
    const payments = await admin<XeroPayment[]>('GET', `/tenants/${org.tenantId}/payments`);
    expect(payments.filter((p: XeroPayment) => p.Invoice.InvoiceID === posted.value.remoteId)).toHaveLength(document.payments.length);
    expect(payments.find((p: XeroPayment) => p.Invoice.InvoiceID === posted.value.remoteId)!.Account.Code).toBe('092');
  });
});

describe('exactly once', () => {
  const base = documents[0]!;
  const variant = (n: number): SalesDocument => ({ ...base, number: `EO-${n}`, reference: `BigCommerce order #${n}`, source: { ...base.source, orderId: n } });

  it('a repeated post with the same or a new key returns the first invoice', async () => {
    const { tenantId, provider } = await organisation('Duplicates Ltd');
    const first = await provider.postDocument(variant(1), 'k-1');
    const again = await provider.postDocument(variant(1), 'k-1');
    const otherKey = await provider.postDocument(variant(1), 'k-1-bis');
    expect(first.ok && again.ok && otherKey.ok).toBe(true);
    if (!first.ok || !again.ok || !otherKey.ok) return;
    expect(again.value.remoteId).toBe(first.value.remoteId);
    expect(otherKey.value).toEqual({ remoteId: first.value.remoteId, number: 'EO-1', created: false });
    expect((await invoices(tenantId)).filter((i) => i.InvoiceNumber === 'EO-1')).toHaveLength(1);
  });

  it('a 500 (replayed for its key by Xero) is looked up, then retried under a derived key: one invoice', async () => {
    const { tenantId, provider } = await organisation('Faults 500 Ltd');
    await admin('POST', '/faults', { kind: 'status', status: 500, method: 'PUT', path: '/Invoices', tenantId, times: 1 });
    const posted = await provider.postDocument(variant(2), 'k-2');
    expect(posted).toMatchObject({ ok: true, value: { number: 'EO-2', created: true } });
    expect((await invoices(tenantId)).filter((i) => i.InvoiceNumber === 'EO-2')).toHaveLength(1);
  });

  it('a lost answer (processed, connection dropped) is found by InvoiceNumber and returned as not created', async () => {
    const { tenantId, provider } = await organisation('Faults drop Ltd');
    await admin('POST', '/faults', { kind: 'drop-after', method: 'PUT', path: '/Invoices', tenantId, times: 1 });
    const posted = await provider.postDocument(variant(3), 'k-3');
    expect(posted).toMatchObject({ ok: true, value: { number: 'EO-3', created: false } });
    expect((await invoices(tenantId)).filter((i) => i.InvoiceNumber === 'EO-3')).toHaveLength(1);
  });

  it('a connection dropped before processing is retried: one invoice', async () => {
    const { tenantId, provider } = await organisation('Faults drop-before Ltd');
    await admin('POST', '/faults', { kind: 'drop-before', method: 'PUT', path: '/Invoices', tenantId, times: 1 });
    const posted = await provider.postDocument(variant(4), 'k-4');
    expect(posted).toMatchObject({ ok: true, value: { number: 'EO-4', created: true } });
    expect((await invoices(tenantId)).filter((i) => i.InvoiceNumber === 'EO-4')).toHaveLength(1);
  });

  it('a 429 becomes rate_limited with Retry-After, and the retry posts once', async () => {
    const { tenantId, provider } = await organisation('Limits Ltd');
    await admin('PUT', `/tenants/${tenantId}/limits`, { minute: 2 });
    await provider.testConnection();
    await provider.testConnection();
    const limited = await provider.postDocument(variant(5), 'k-5');
    expect(limited.ok).toBe(false);
    if (limited.ok) return;
    expect(limited.error.kind).toBe('rate_limited');
    expect(limited.error.kind === 'rate_limited' && limited.error.retryAfterMs).toBeGreaterThanOrEqual(1000);
    await admin('PUT', `/tenants/${tenantId}/limits`, { minute: 60 });
    await admin('POST', '/limits/reset');
    const posted = await provider.postDocument(variant(5), 'k-5');
    expect(posted).toMatchObject({ ok: true, value: { number: 'EO-5' } });
    expect((await invoices(tenantId)).filter((i) => i.InvoiceNumber === 'EO-5')).toHaveLength(1);
  });

  it('a new version after a void is posted under the next number; its retry finds it', async () => {
    const { tenantId, provider } = await organisation('Versions Ltd');
    const v1 = await provider.postDocument(variant(6), 'k-6');
    if (!v1.ok) throw new Error(JSON.stringify(v1.error));
    const voided = await provider.voidDocument(v1.value, 'k-6-void');
    expect(voided).toMatchObject({ ok: true, value: { created: true } });
    expect(await provider.voidDocument(v1.value, 'k-6-void-again')).toMatchObject({ ok: true, value: { created: false } });
    const v2 = await provider.postDocument(variant(6), 'k-6-v2');
    expect(v2).toMatchObject({ ok: true, value: { number: 'EO-6-2', created: true } });
    const v2again = await provider.postDocument(variant(6), 'k-6-v2-later');
    expect(v2again).toMatchObject({ ok: true, value: { number: 'EO-6-2', created: false } });
    const all = (await invoices(tenantId)).filter((i) => i.Reference === 'BigCommerce order #6');
    expect(all.map((i) => `${i.InvoiceNumber}:${i.Status}`).sort()).toEqual(['EO-6-2:AUTHORISED', 'EO-6:VOIDED']);
  });

  it('someone else\'s invoice with our number is a duplicate failure, not an adoption', async () => {
    const { provider } = await organisation('Foreign number Ltd');
    const mine = await provider.postDocument({ ...variant(7), reference: 'Manual invoice' }, 'k-7-manual');
    expect(mine.ok).toBe(true);
    const posted = await provider.postDocument(variant(7), 'k-7');
    expect(posted).toMatchObject({ ok: false, error: { kind: 'duplicate' } });
  });
});

describe('batches (backfill)', () => {
  const base = documents[2]!; // several item lines
  const doc = (n: number, customer: number): SalesDocument => ({
    ...base,
    number: `BF-${n}`,
    reference: `BigCommerce order #${n}`,
    source: { ...base.source, orderId: n },
    customer: { ...base.customer, bcCustomerId: customer, displayName: `Customer ${customer}`, email: `c${customer}@example.com`, remoteId: null, match: 'new' },
  });

  it('a batch of 50 with one invalid invoice posts the other 49 and reports the one error in its place', async () => {
    const { tenantId, provider } = await organisation('Batch Ltd');
    const items = Array.from({ length: 50 }, (_, i) => {
      const d = doc(1000 + i, 1 + (i % 7));
      if (i === 17) d.lines = d.lines.map((l, j) => (j === 0 ? { ...l, account: '999' } : l));
      return { document: d, idempotencyKey: `bf:${1000 + i}` };
    });
    const before = xero.sandbox.limiter.statsFor(tenantId).calls;
    const results = await provider.postDocuments(items);
    const calls = xero.sandbox.limiter.statsFor(tenantId).calls - before;
    expect(results.filter((r) => r.ok)).toHaveLength(49);
    const bad = results[17]!;
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.kind).toBe('validation');
      expect(bad.error.kind === 'validation' && bad.error.fields?.[0]?.field).toBe('AccountCode');
    }
    results.forEach((r, i) => {
      if (i !== 17) expect(r).toMatchObject({ ok: true, value: { number: `BF-${1000 + i}`, created: true } });
    });
    const stored = await invoices(tenantId);
    expect(stored.filter((i) => String(i.InvoiceNumber).startsWith('BF-'))).toHaveLength(49);
    // 7 customers: one contact read, one contact batch, one invoice batch.
    expect(calls).toBe(3);
    const contacts = await admin<Array<{ ContactNumber: string }>>('GET', `/tenants/${tenantId}/contacts`);
    expect(contacts.map((c: { ContactNumber: string }) => c.ContactNumber).sort()).toEqual(['BC-1', 'BC-2', 'BC-3', 'BC-4', 'BC-5', 'BC-6', 'BC-7']);
  });

  it('a lost batch answer is looked up by number; nothing is booked twice', async () => {
    const { tenantId, provider } = await organisation('Batch drop Ltd');
    await admin('POST', '/faults', { kind: 'drop-after', method: 'PUT', path: '/Invoices', tenantId, times: 1 });
    const items = Array.from({ length: 120 }, (_, i) => ({ document: doc(2000 + i, 1 + (i % 40)), idempotencyKey: `bf:${2000 + i}` }));
    const results = await provider.postDocuments(items);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && !r.value.created)).toHaveLength(50);
    // The same batch again: Xero replays its answers for the keys (or the numbers are found): same invoices.
    const again = await provider.postDocuments(items);
    expect(again.map((r) => r.ok && r.value.remoteId)).toEqual(results.map((r) => r.ok && r.value.remoteId));
    const stored = (await invoices(tenantId)).filter((i) => String(i.InvoiceNumber).startsWith('BF-'));
    expect(stored).toHaveLength(120);
    expect(new Set(stored.map((i) => i.InvoiceNumber)).size).toBe(120);
  });

  it('records payments in batches', async () => {
    const { tenantId, provider } = await organisation('Batch pay Ltd');
    const items = Array.from({ length: 60 }, (_, i) => ({ document: doc(3000 + i, 1), idempotencyKey: `bf:${3000 + i}` }));
    const posted = await provider.postDocuments(items);
    const payments = posted.map((p, i) => {
      if (!p.ok) throw new Error(JSON.stringify(p.error));
      return { document: p.value, payment: { ...items[i]!.document.payments[0]!, amount: items[i]!.document.totals.total }, idempotencyKey: `bp:${i}` };
    });
    const paid = await provider.recordPayments(payments);
    expect(paid.every((p) => p.ok)).toBe(true);
    const again = await provider.recordPayments(payments);
    expect(again.map((p) => p.ok && p.value.remoteId)).toEqual(paid.map((p) => p.ok && p.value.remoteId));
    // Past Xero's 6-minute key memory the payments are found on the invoices instead of paid twice.
    await admin('POST', '/clock/advance', { seconds: 400 });
    const later = await provider.recordPayments(payments);
    expect(later.every((p) => p.ok && !p.value.created)).toBe(true);
    expect((await admin<XeroPayment[]>('GET', `/tenants/${tenantId}/payments`)).length).toBe(60);
    expect((await invoices(tenantId)).every((i) => i.Status === 'PAID')).toBe(true);
  });
});

describe('contacts, items, chart, stock, credit notes', () => {
  const customer = (over: Partial<SalesDocument['customer']> = {}): SalesDocument['customer'] => ({
    ...documents[0]!.customer,
    match: 'new',
    remoteId: null,
    bcCustomerId: 1042,
    displayName: 'Jane Doe',
    email: 'jane@example.com',
    ...over,
  });

  it('creates a customer under "Jane Doe (BC 1042)" when the name is taken, then finds it by number and email', async () => {
    const { provider } = await organisation('Contacts Ltd');
    const other = await provider.upsertCustomer(customer({ bcCustomerId: 7, email: 'other.jane@example.com' }));
    expect(other).toMatchObject({ ok: true, value: { displayName: 'Jane Doe', bcCustomerId: 7 } });
    const jane = await provider.upsertCustomer(customer());
    expect(jane).toMatchObject({ ok: true, value: { displayName: 'Jane Doe (BC 1042)', bcCustomerId: 1042, email: 'jane@example.com' } });
    const again = await provider.upsertCustomer(customer());
    expect(again.ok && jane.ok && again.value.remoteId === jane.value.remoteId).toBe(true);
    const byNumber = await provider.findCustomer({ bcCustomerId: 1042 });
    expect(byNumber.ok && byNumber.value.map((c) => c.displayName)).toEqual(['Jane Doe (BC 1042)']);
    const byEmail = await provider.findCustomer({ email: 'other.jane@example.com' });
    expect(byEmail.ok && byEmail.value.map((c) => c.bcCustomerId)).toEqual([7]);
    expect(await provider.findCustomer({ email: 'nobody@example.com' })).toEqual({ ok: true, value: [] });
  });

  it('describes the chart (accounts, payment accounts, tax rates, tracking categories, items) and tests the connection', async () => {
    const { provider } = await organisation('Chart Ltd', { itemCodes: ['TEE-ORG'] });
    expect(await provider.testConnection()).toEqual({ ok: true, value: { organisationName: 'Chart Ltd', baseCurrency: 'USD' } });
    const chart = await provider.describe();
    if (!chart.ok) throw new Error(JSON.stringify(chart.error));
    expect(chart.value.accounts.find((a) => a.code === '200')).toMatchObject({ type: 'income' });
    expect(chart.value.paymentAccounts.map((a) => a.code)).toEqual(expect.arrayContaining(['090', '092']));
    expect(chart.value.taxCodes.find((t) => t.code === 'TAX001')).toMatchObject({ rate: '8.875' });
    expect(chart.value.trackingCategories[0]?.name).toBe('Sales Channel');
    expect(chart.value.items.map((i) => i.sku)).toEqual(['TEE-ORG']);
    const calls = provider.api.counters.calls;
    await provider.describe();
    expect(provider.api.counters.calls).toBe(calls); // cached briefly
  });

  it('finds items by exact SKU and reads tracked stock', async () => {
    const { tenantId, provider } = await organisation('Stock Ltd', { itemCodes: ['SKU-A', 'SKU-B', 'SKU-C'], tracked: ['SKU-A', 'SKU-B'] });
    await admin('POST', `/tenants/${tenantId}/items/SKU-A/stock`, { quantity: 12 });
    const items = await provider.findItemsBySku(['SKU-A', 'SKU-C', 'sku-b', 'NOPE']);
    expect(items.ok && items.value.map((i) => i.sku).sort()).toEqual(['SKU-A', 'SKU-C']);
    const stock = await provider.stockLevels(['SKU-A', 'SKU-B', 'SKU-C']);
    expect(stock.ok && stock.value.sort((a, b) => a.sku.localeCompare(b.sku))).toEqual([
      { sku: 'SKU-A', locationId: 1, quantity: '12' },
      { sku: 'SKU-B', locationId: 1, quantity: '0' },
    ]);
  });

  it('credits an invoice with an ACCRECCREDIT allocated to it, once', async () => {
    const { tenantId, provider } = await organisation('Credit Ltd');
    const document = documents.find((d) => d.amountsAre === 'exclusive' && d.lines.some((l) => Number(l.discount) > 0))!;
    const posted = await provider.postDocument(document, 'cr-doc');
    if (!posted.ok) throw new Error(JSON.stringify(posted.error));
    const input = { document: posted.value, number: `${document.number}-CR`, lines: document.lines, date: document.date, reason: 'Order refunded' };
    const credit = await provider.postCreditNote(input, 'cr-1');
    expect(credit).toMatchObject({ ok: true, value: { number: `${document.number}-CR`, created: true } });
    const again = await provider.postCreditNote(input, 'cr-1-later');
    expect(again).toMatchObject({ ok: true, value: { number: `${document.number}-CR`, created: false } });
    const notes = await admin<Array<{ Total: number }>>('GET', `/tenants/${tenantId}/credit-notes`);
    expect(notes).toHaveLength(1);
    expect(units(notes[0]!.Total)).toBe(units(document.totals.total));
    const inv = (await invoices(tenantId)).find((i) => i.InvoiceID === posted.value.remoteId)!;
    expect(inv.Status).toBe('PAID');
    expect(units(inv.AmountCredited)).toBe(units(document.totals.total));
  });

  it('a revoked grant is auth_revoked', async () => {
    const { provider } = await organisation('Revoked Ltd');
    expect((await provider.testConnection()).ok).toBe(true);
    await admin('POST', '/revoke', {});
    const r = await provider.postDocument(documents[0]!, 'revoked-1');
    expect(r).toMatchObject({ ok: false, error: { kind: 'auth_revoked' } });
  });
});
