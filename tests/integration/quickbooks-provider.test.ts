// The QuickBooks provider against the QuickBooks sandbox: the order fixtures post with totals equal to BigCommerce's
// to the cent (US with Automated Sales Tax, UK VAT-inclusive, multicurrency); duplicate deliveries, 429s, 500s and a
// batch whose answer is lost never create a second document; payments, credits, payouts, voids, edits.
import path from 'node:path';
import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticToken } from '@/lib/accounting/connect/token-manager';
import { createQuickBooksProvider, quickbooksUrls } from '@/lib/accounting/quickbooks';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { loadQuickBooksFixtures } from '@/tests/support/quickbooks-fixtures';
import { startQuickBooksSandbox, type StartedQuickBooksSandbox } from '@/tests/sandbox/quickbooks/server';

const cases = path.resolve(import.meta.dirname, '../fixtures/orders/cases');
let qb: StartedQuickBooksSandbox;

async function admin<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${qb.url}/__sandbox/quickbooks${route}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

type Form = { Id: string; DocNumber: string; TotalAmt: number; PrivateNote?: string; TxnTaxDetail: { TotalTax: number }; Line: Array<{ DetailType: string; Amount: number; SalesItemLineDetail?: { TaxInclusiveAmt?: number } }> };
const entities = async <T = Form>(realmId: string, entity: string) => (await admin<{ items: T[] }>('GET', `/companies/${realmId}/entities/${entity}`)).items;
const cents = (v: unknown) => new Big(String(v)).times(100).round(0).toNumber();

/** A company and a provider for it, with an item for every SKU the fixtures sell. */
async function company(body: Record<string, unknown>, skus: readonly string[] = []) {
  const { realmId } = await admin<{ realmId: string }>('POST', '/companies', body);
  const { access_token } = await admin<{ access_token: string }>('POST', `/companies/${realmId}/tokens`);
  const provider = createQuickBooksProvider({ realmId, tokens: staticToken(access_token), urls: quickbooksUrls(`${qb.url}/quickbooks`), retryDelayMs: 5, timeoutMs: 3_000 });
  const items = new Map<string, string>();
  if (skus.length) {
    const written = await provider.upsertItems!(skus.map((sku) => ({ kind: 'create', sku, name: `Item ${sku}`, description: '', unitPrice: '1.00', salesAccount: '1', tracked: false, inventoryAccounts: null })));
    skus.forEach((sku, i) => {
      const w = written[i]!;
      if (!w.ok) throw new Error(`item ${sku}: ${w.error.message}`);
      items.set(sku, w.value.id);
    });
  }
  return { realmId, provider, items };
}

const skusOf = () => [...new Set(loadQuickBooksFixtures(cases, { items: new Map([['*', '0']]) }).flatMap((f) => f.document?.lines.flatMap((l) => (l.sku && l.kind === 'product' ? [l.sku] : [])) ?? []))];

beforeAll(async () => {
  qb = await startQuickBooksSandbox({ port: 0 });
});
afterAll(async () => {
  await qb?.close();
});

describe('posting the order fixtures', () => {
  it('US company with Automated Sales Tax: every fixture\'s total and tax equal the store\'s, to the cent', async () => {
    const { realmId, provider, items } = await company({ name: 'Acme US', country: 'US', currency: 'USD', ast: true, multicurrency: true }, skusOf());
    const fixtures = loadQuickBooksFixtures(cases, { items, kind: 'auto' }).filter((f) => f.document);
    expect(fixtures.length).toBeGreaterThan(30);
    for (const f of fixtures) {
      const r = await provider.postDocument(f.document!, `abc123:${f.order.id}:document:1`);
      expect(r.ok, `${f.file}: ${!r.ok && r.error.message}`).toBe(true);
    }
    const forms = [...(await entities(realmId, 'SalesReceipt')), ...(await entities(realmId, 'Invoice'))];
    for (const f of fixtures) {
      const form = forms.find((x) => x.DocNumber === f.document!.number);
      expect(form, f.file).toBeDefined();
      expect([f.file, cents(form!.TotalAmt)]).toEqual([f.file, cents(f.order.total_inc_tax)]);
      expect([f.file, cents(form!.TxnTaxDetail.TotalTax)]).toEqual([f.file, cents(f.order.total_tax)]);
    }
    // Posting them all again (duplicate deliveries) creates nothing.
    for (const f of fixtures) {
      const again = await provider.postDocument(f.document!, `abc123:${f.order.id}:document:1`);
      expect(again.ok).toBe(true);
    }
    expect((await entities(realmId, 'SalesReceipt')).length + (await entities(realmId, 'Invoice')).length).toBe(forms.length);
  });

  it('UK company, VAT-inclusive prices: net lines + the store\'s VAT = the order total; gross lines in TaxInclusiveAmt', async () => {
    const { realmId, provider, items } = await company({ name: 'Acme UK', country: 'GB', currency: 'GBP' }, skusOf());
    const f = loadQuickBooksFixtures(cases, { items, tax: { defaultTaxCode: '1', zeroTaxCode: '3' } }).find((x) => x.file.startsWith('11-'))!;
    const r = await provider.postDocument(f.document!, 'abc123:11:document:1');
    expect(r.ok, !r.ok ? r.error.message : '').toBe(true);
    const [invoice] = await entities(realmId, 'Invoice');
    // QuickBooks' own total (Σ net Amount + TotalTax, with the gross in TaxInclusiveAmt) is the order's total.
    const lines = invoice!.Line.filter((l) => l.DetailType === 'SalesItemLineDetail');
    expect(cents(invoice!.TotalAmt)).toBe(cents(f.order.total_inc_tax));
    expect(lines.reduce((s, l) => s + cents(l.SalesItemLineDetail!.TaxInclusiveAmt!), 0)).toBe(cents(f.order.total_inc_tax));
    expect(cents(invoice!.TxnTaxDetail.TotalTax)).toBe(cents(f.order.total_tax));
  });

  it('a euro order: in a multicurrency company it is posted on the customer\'s euro twin; without multicurrency it is held with what to do', async () => {
    const multi = await company({ name: 'Acme Multi', country: 'US', currency: 'USD', multicurrency: true, ast: true }, skusOf());
    const f = loadQuickBooksFixtures(cases, { items: multi.items }).find((x) => x.file.startsWith('23-'))!;
    const r = await multi.provider.postDocument(f.document!, 'abc123:23:document:1');
    expect(r.ok, !r.ok ? r.error.message : '').toBe(true);
    const [invoice] = await entities<Form & { CurrencyRef: { value: string } }>(multi.realmId, 'Invoice');
    expect(invoice!.CurrencyRef.value).toBe('EUR');
    expect(cents(invoice!.TotalAmt)).toBe(cents(f.order.total_inc_tax));
    const customers = await entities<{ DisplayName: string; CurrencyRef: { value: string } }>(multi.realmId, 'Customer');
    expect(customers.find((c) => c.CurrencyRef.value === 'EUR')?.DisplayName).toMatch(/ - EUR$/);

    const single = await company({ name: 'Acme Single', country: 'US', currency: 'USD' }, skusOf());
    const held = await single.provider.postDocument(loadQuickBooksFixtures(cases, { items: single.items }).find((x) => x.file.startsWith('23-'))!.document!, 'abc123:23:document:1');
    expect(!held.ok && held.error).toMatchObject({ kind: 'validation', message: expect.stringMatching(/multicurrency is not turned on/) });
    expect(await entities(single.realmId, 'Invoice')).toHaveLength(0);
  });
});

describe('exactly once under faults', () => {
  const doc = (items: Map<string, string>, file = '03-') => loadQuickBooksFixtures(cases, { items }).find((x) => x.file.startsWith(file))!.document!;

  it('a 500, a 429 and a lost answer: one invoice each, found again', async () => {
    const { realmId, provider, items } = await company({ name: 'Faults', country: 'US', currency: 'USD', ast: true }, skusOf());
    await admin('POST', '/faults', { kind: 'status', status: 500, path: '/invoice', method: 'POST', realmId, times: 1 });
    const a = await provider.postDocument(doc(items), 'abc123:103:document:1');
    expect(a.ok, !a.ok ? a.error.message : '').toBe(true);

    await admin('POST', '/faults', { kind: 'status', status: 429, path: '/invoice', method: 'POST', realmId, times: 1 });
    const limited = await provider.postDocument({ ...doc(items), number: 'BC-429' }, 'abc123:429:document:1');
    expect(!limited.ok && limited.error.kind).toBe('rate_limited');
    expect(await entities(realmId, 'Invoice')).toHaveLength(1);

    await admin('POST', '/faults', { kind: 'drop-after', path: '/invoice', method: 'POST', realmId, times: 1 });
    const lost = await provider.postDocument({ ...doc(items), number: 'BC-LOST' }, 'abc123:777:document:1');
    expect(lost.ok && lost.value.created).toBe(false);
    const invoices = await entities(realmId, 'Invoice');
    expect(invoices.map((i) => i.DocNumber).sort()).toEqual(['BC-103', 'BC-LOST'].sort().map((n) => (n === 'BC-103' ? doc(items).number : n)).sort());
  });

  it('a batch whose answer is lost, run again (a killed step retried), posts each document once', async () => {
    const { realmId, provider, items } = await company({ name: 'Batch', country: 'US', currency: 'USD', ast: true, multicurrency: true }, skusOf());
    const docs = loadQuickBooksFixtures(cases, { items }).flatMap((f) => (f.document ? [f.document] : [])).slice(0, 35);
    const batch = docs.map((document: SalesDocument, i) => ({ document, idempotencyKey: `abc123:${i}:document:1` }));
    await provider.prefetch!({ skus: [...items.keys()] });
    await admin('POST', '/faults', { kind: 'drop-after', path: '/batch', realmId, times: 1 });
    const first = await provider.postDocuments!(batch);
    expect(first.filter((r) => !r.ok).map((r) => !r.ok && r.error.message)).toEqual([]);
    const second = await provider.postDocuments!(batch);
    // A replayed requestid answers as the first time did (created: true, like Xero's replays): the same forms, nothing new.
    expect(second.map((r) => r.ok && r.value.remoteId)).toEqual(first.map((r) => r.ok && r.value.remoteId));
    const forms = [...(await entities(realmId, 'Invoice')), ...(await entities(realmId, 'SalesReceipt'))];
    expect(forms).toHaveLength(docs.length);
    expect(new Set(forms.map((f) => f.DocNumber)).size).toBe(docs.length);
  });
});

describe('after the first posting', () => {
  it('payment, credit memo applied, payout as a refund receipt, void and edit', async () => {
    const { realmId, provider, items } = await company({ name: 'Lifecycle', country: 'US', currency: 'USD', ast: true }, skusOf());
    const fx = loadQuickBooksFixtures(cases, { items });
    const paidDoc = fx.find((x) => x.file.startsWith('01-'))!.document!;
    const posted = await provider.postDocument(paidDoc, 'abc123:1:document:1');
    if (!posted.ok) throw new Error(posted.error.message);
    const payment = { kind: 'gateway' as const, method: 'Credit Card', account: '4', amount: paidDoc.totals.total, date: paidDoc.date, reference: 'txn-1' };
    const paid = await provider.recordPayment(posted.value, payment, 'abc123:1:payment:1');
    const paidAgain = await provider.recordPayment(posted.value, payment, 'abc123:1:payment:1');
    expect(paid.ok && paidAgain.ok && paidAgain.value.remoteId).toBe(paid.ok && paid.value.remoteId);
    expect(await entities(realmId, 'Payment')).toHaveLength(1);

    // An edit of a paid invoice is locked; a refund of it is a credit memo, paid out as a refund receipt once.
    const edit = await provider.updateDocument(posted.value, paidDoc, 'abc123:1:update:2');
    expect(!edit.ok && edit.error.kind).toBe('locked');
    const credit = await provider.postCreditNote({ document: posted.value, number: `${paidDoc.number}-CR1`, lines: paidDoc.lines, date: paidDoc.date, reason: 'BigCommerce refund 5' }, 'abc123:1:refund:5');
    if (!credit.ok) throw new Error(credit.error.message);
    const out = await provider.payOut(credit.value, { ...payment, reference: 'BigCommerce refund 5' }, 'abc123:1:payout:5');
    const outAgain = await provider.payOut(credit.value, { ...payment, reference: 'BigCommerce refund 5' }, 'abc123:1:payout:5');
    expect(out.ok && out.value.created).toBe(true);
    expect(outAgain.ok && !outAgain.value.created && outAgain.value.remoteId).toBe(out.ok && out.value.remoteId);
    const receipts = await entities(realmId, 'RefundReceipt');
    expect(receipts).toHaveLength(1);
    expect(cents(receipts[0]!.TotalAmt)).toBe(cents(paidDoc.totals.total));
    expect(await entities(realmId, 'CreditMemo')).toHaveLength(0);

    // An unpaid invoice is edited in place (sparse update), then voided once.
    const open = fx.find((x) => x.file.startsWith('02-'))!.document!;
    const o = await provider.postDocument(open, 'abc123:2:document:1');
    if (!o.ok) throw new Error(o.error.message);
    const changed = { ...open, lines: open.lines.slice(0, 1) };
    const smaller = changed.lines.reduce((s, l) => s.plus(l.gross), new Big(0)).toFixed(2);
    const u = await provider.updateDocument(o.value, { ...changed, totals: { ...open.totals, total: smaller } }, 'abc123:2:update:2');
    expect(u.ok, !u.ok ? u.error.message : '').toBe(true);
    const v = await provider.voidDocument(o.value, 'abc123:2:void');
    const v2 = await provider.voidDocument(o.value, 'abc123:2:void');
    expect(v.ok && v.value.created).toBe(true);
    expect(v2.ok && v2.value.created).toBe(false);
  });

  it('a page of 40 refunds in batches: one credit memo then one refund receipt each, in a few requests where one at a time takes six each', async () => {
    const { realmId, items } = await company({ name: 'Refund Batches', country: 'US', currency: 'USD', ast: true }, skusOf());
    const { access_token } = await admin<{ access_token: string }>('POST', `/companies/${realmId}/tokens`);
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests += 1;
      return fetch(input, init);
    };
    const provider = createQuickBooksProvider({ realmId, tokens: staticToken(access_token), urls: quickbooksUrls(`${qb.url}/quickbooks`), retryDelayMs: 5, timeoutMs: 3_000, fetch: counting });
    // Paid orders, as a backfill's refunded orders are: sales receipts (nothing owed, so no credit is applied).
    const base = loadQuickBooksFixtures(cases, { items, kind: 'sales_receipt' }).find((x) => x.file.startsWith('01-'))!.document!;
    const docs = Array.from({ length: 40 }, (_, i) => ({ ...base, number: `BR-${i + 1}` }));
    const posted = await provider.postDocuments!(docs.map((document, i) => ({ document, idempotencyKey: `abc123:${i + 1}:document:1` })));
    const refs = posted.map((p, i) => {
      if (!p.ok) throw new Error(`BR-${i + 1}: ${p.error.message}`);
      return p.value;
    });
    await provider.describe();
    const payment = (i: number) => ({ kind: 'gateway' as const, method: 'Credit Card', account: '4', amount: base.totals.total, date: base.date, reference: `BigCommerce refund ${i + 1}` });
    const credits = refs.map((document, i) => ({ input: { document, number: `${document.number}-CR1`, lines: base.lines, date: base.date, reason: `BigCommerce refund ${i + 1}` }, idempotencyKey: `abc123:${i + 1}:refund:1` }));

    requests = 0;
    const memos = await provider.postCreditNotes!(credits);
    const outs = await provider.payOuts!(memos.map((m, i) => {
      if (!m.ok) throw new Error(`credit ${i + 1}: ${m.error.message}`);
      return { credit: m.value, payment: payment(i), idempotencyKey: `abc123:${i + 1}:payout:1` };
    }));
    // Memos: the credited receipts read by one query, two batches of 30 + 10. Payouts: the memos and any earlier
    // refund receipt read by two queries, two batches of receipts, two of deletions. One at a time: a read and a
    // create per memo, a read, a lookup, a create and a delete per payout (240 requests).
    expect(requests).toBeLessThanOrEqual(1 + 2 + 2 + 2 + 2 + 2);
    expect(outs.every((o) => o.ok && o.value.created)).toBe(true);
    const receipts = await entities(realmId, 'RefundReceipt');
    expect(receipts.map((r) => r.DocNumber).sort()).toEqual(refs.map((r) => `${r.number}-CR1`).sort());
    expect(await entities(realmId, 'CreditMemo')).toHaveLength(0);

    // The page run again (a killed step retried): nothing new, each answer the same refund receipt.
    const memosAgain = await provider.postCreditNotes!(credits);
    expect(memosAgain.every((m) => m.ok)).toBe(true);
    const again = await provider.payOuts!(outs.map((o, i) => ({ credit: o.ok ? { remoteId: o.value.remoteId, number: `${refs[i]!.number}-CR1` } : refs[i]!, payment: payment(i), idempotencyKey: `abc123:${i + 1}:payout:1` })));
    expect(again.map((o) => o.ok && o.value.remoteId)).toEqual(outs.map((o) => o.ok && o.value.remoteId));
    expect(await entities(realmId, 'RefundReceipt')).toHaveLength(40);
  });

  it('a lapsed subscription holds posting with "Reconnect QuickBooks"', async () => {
    const { realmId, provider, items } = await company({ name: 'Lapsed', country: 'US', currency: 'USD', ast: true }, skusOf());
    await admin('POST', `/companies/${realmId}/subscription`, { status: 'EXPIRED' });
    const r = await provider.postDocument(loadQuickBooksFixtures(cases, { items }).find((x) => x.file.startsWith('01-'))!.document!, 'abc123:1:document:1');
    expect(!r.ok && r.error.kind).toBe('auth_revoked');
    expect(!r.ok && r.error.message).toMatch(/Reconnect QuickBooks/);
  });

  it('describe lists accounts, payment accounts, tax codes, items, and classes', async () => {
    const { provider } = await company({ name: 'Chart', country: 'GB', currency: 'GBP' }, ['SKU-1']);
    const d = await provider.describe();
    if (!d.ok) throw new Error(d.error.message);
    expect(d.value.paymentAccounts.map((a) => a.name)).toEqual(expect.arrayContaining(['Undeposited Funds', 'Checking']));
    expect(d.value.taxCodes.find((t) => t.name === '20.0% S')?.rate).toBe('20');
    expect(d.value.items.map((i) => i.sku)).toContain('SKU-1');
  });
});

describe('tracking by channel (posting.trackingByChannel)', () => {
  it("a document carrying its channel's class gets that Class on every line; the others keep the store-wide one", async () => {
    const { realmId } = await admin<{ realmId: string }>('POST', '/companies', { name: 'Acme channels', country: 'US', currency: 'USD', ast: true });
    const { access_token } = await admin<{ access_token: string }>('POST', `/companies/${realmId}/tokens`);
    const classIds: Record<string, string> = {};
    for (const Name of ['Web', 'Marketplace']) {
      const res = await fetch(`${qb.url}/quickbooks/v3/company/${realmId}/class?minorversion=75`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ Name }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      classIds[Name] = ((await res.json()) as { Class: { Id: string } }).Class.Id;
    }
    const provider = createQuickBooksProvider({
      realmId, tokens: staticToken(access_token), urls: quickbooksUrls(`${qb.url}/quickbooks`), retryDelayMs: 5, timeoutMs: 3_000,
      tracking: { category: 'Class', option: 'Web' },
    });
    const [web, marketplace] = loadQuickBooksFixtures(cases, { items: new Map(), kind: 'invoice' }).filter((f) => f.document).slice(0, 2);
    const channelDocument: SalesDocument = { ...marketplace!.document!, tracking: { category: 'Class', option: 'Marketplace' } };
    for (const [document, key] of [[web!.document!, 'web'], [channelDocument, 'marketplace']] as const) {
      const r = await provider.postDocument(document, `abc123:${document.source.orderId}:document:${key}`);
      expect(r.ok, !r.ok ? r.error.message : '').toBe(true);
    }
    type Tracked = { DocNumber: string; Line: Array<{ DetailType: string; SalesItemLineDetail?: { ClassRef?: { value: string } } }> };
    const invoices = await entities<Tracked>(realmId, 'Invoice');
    const classesOf = (number: string) => new Set(invoices.find((i) => i.DocNumber === number)!.Line.filter((l) => l.SalesItemLineDetail).map((l) => l.SalesItemLineDetail!.ClassRef?.value));
    expect(classesOf(web!.document!.number)).toEqual(new Set([classIds.Web]));
    expect(classesOf(channelDocument.number)).toEqual(new Set([classIds.Marketplace]));
  });
});
