/**
 * Reconciliation's read of QuickBooks Online (issue 17) against the QuickBooks sandbox: invoices posted by the app,
 * then one voided and one deleted in QuickBooks through its own API as a person would, and a second invoice typed in
 * with another order's note: listDocuments reads them back (one query per form kind) and the rules class each.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticToken } from '@/lib/accounting/connect/token-manager';
import { createQuickBooksProvider, quickbooksUrls } from '@/lib/accounting/quickbooks';
import { reconcile, type RecordFact, type StoreOrderFact } from '@/lib/sync/reconcile';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { syncSettingsSchema } from '@/lib/sync/settings';
import { loadQuickBooksFixtures } from '@/tests/support/quickbooks-fixtures';
import { startQuickBooksSandbox, type StartedQuickBooksSandbox } from '@/tests/sandbox/quickbooks/server';

let qb: StartedQuickBooksSandbox;
beforeAll(async () => {
  qb = await startQuickBooksSandbox({ port: 0 });
});
afterAll(async () => {
  await qb?.close();
});

async function admin<T>(method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${qb.url}/__sandbox/quickbooks${route}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

describe('reconciling against QuickBooks Online', () => {
  it('reads the forms back from the company and classes what a person changed there', async () => {
    const { realmId } = await admin<{ realmId: string }>('POST', '/companies', { name: 'Reconciled Inc', country: 'US', currency: 'USD', ast: false });
    const { access_token } = await admin<{ access_token: string }>('POST', `/companies/${realmId}/tokens`);
    const provider = createQuickBooksProvider({ realmId, tokens: staticToken(access_token), urls: quickbooksUrls(`${qb.url}/quickbooks`), retryDelayMs: 5 });
    const cases = loadQuickBooksFixtures(path.resolve(import.meta.dirname, '../fixtures/orders/cases'), { kind: 'invoice' })
      .filter((f) => f.document && f.document.currency.code === 'USD' && f.document.number === `BC-${f.order.id}`)
      .slice(0, 4)
      .map((f) => f.document!);
    expect(cases).toHaveLength(4);
    const records: RecordFact[] = [];
    for (const doc of cases) {
      const posted = await provider.postDocument(doc, `rec:${doc.source.orderId}`);
      if (!posted.ok) throw new Error(JSON.stringify(posted.error));
      records.push({ orderId: doc.source.orderId, state: 'posted', message: null, remoteId: posted.value.remoteId, remoteNumber: posted.value.number, currency: 'USD' });
    }
    const [agrees, voided, deleted, duplicated] = cases;
    const idOf = (doc: typeof agrees) => records.find((r) => r.orderId === doc!.source.orderId)!.remoteId!.split(':')[1]!;
    const api = async (entity: string, query: string, body: unknown) => {
      const res = await fetch(`${qb.url}/quickbooks/v3/company/${realmId}/${entity}${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return JSON.parse(text) as Record<string, Record<string, unknown>>;
    };
    const read = async (id: string) => {
      const res = await fetch(`${qb.url}/quickbooks/v3/company/${realmId}/invoice/${id}`, { headers: { authorization: `Bearer ${access_token}`, accept: 'application/json' } });
      return ((await res.json()) as { Invoice: Record<string, unknown> }).Invoice;
    };
    // A person voids one invoice, deletes another, and types in a second invoice with an order's note.
    await api('invoice', '?operation=void', { Id: idOf(voided), SyncToken: (await read(idOf(voided))).SyncToken });
    await api('invoice', '?operation=delete', { Id: idOf(deleted), SyncToken: (await read(idOf(deleted))).SyncToken });
    const copy = await read(idOf(duplicated));
    await api('invoice', '', { CustomerRef: copy.CustomerRef, TxnDate: copy.TxnDate, DocNumber: 'HAND-1', PrivateNote: `BigCommerce order #${duplicated!.source.orderId}`,
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 12.5, Description: 'Typed in', SalesItemLineDetail: { Qty: 1, UnitPrice: 12.5, ItemRef: { value: '1' }, TaxCodeRef: { value: 'NON' } } }] });

    const dates = cases.map((d) => d.date).sort();
    const listed = await provider.listDocuments!({ from: dates[0]!, to: dates.at(-1)! });
    if (!listed.ok) throw new Error(JSON.stringify(listed.error));
    expect(listed.value.find((d) => d.remoteId === `Invoice:${idOf(deleted)}`)).toBeUndefined();
    expect(listed.value.find((d) => d.remoteId === `Invoice:${idOf(voided)}`)?.status).toBe('voided');
    const days = reconcile({
      from: dates[0]!, to: dates.at(-1)!, timeZone: 'UTC', numberPrefix: 'BC-', referenceTemplate: 'BigCommerce order #{orderId}',
      rules: { importStatusIds: [11], refundStatusIds: [], ignoredStatusIds: [], voidStatusIds: [], ordersFromDate: null },
      storeCurrency: 'USD',
      paymentRules: syncSettingsSchema.parse({}).payments,
      orders: cases.map((doc) => ({
        orderId: doc.source.orderId, createdAt: `${doc.date}T12:00:00Z`, statusId: 11, currency: 'USD', total: doc.totals.total, tax: doc.totals.tax, shipping: '0', discount: '0',
        paymentMethod: 'Card', paymentStatus: 'pending', storeCredit: '0', giftCertificates: '0',
      })),
      refunds: [], documents: listed.value, payments: null, records,
    });
    expect(days.flatMap((d) => d.differences).map((d) => [d.orderId, d.class])).toEqual(expect.arrayContaining([
      [voided!.source.orderId, 'voided_in_books'],
      [deleted!.source.orderId, 'voided_in_books'],
      [duplicated!.source.orderId, 'duplicate_in_books'],
    ]));
    expect(days.flatMap((d) => d.differences).filter((d) => d.orderId === agrees!.source.orderId)).toEqual([]);
  });

  it('reads payments and sales receipts back by deposit account, and classes a payment voided or moved to another account there', async () => {
    const { realmId } = await admin<{ realmId: string }>('POST', '/companies', { name: 'Paid Inc', country: 'US', currency: 'USD', ast: false });
    const { access_token } = await admin<{ access_token: string }>('POST', `/companies/${realmId}/tokens`);
    const provider = createQuickBooksProvider({ realmId, tokens: staticToken(access_token), urls: quickbooksUrls(`${qb.url}/quickbooks`), retryDelayMs: 5 });
    const docs = loadQuickBooksFixtures(path.resolve(import.meta.dirname, '../fixtures/orders/cases'), { kind: 'invoice' })
      .filter((f) => f.document && f.document.currency.code === 'USD' && f.document.number === `BC-${f.order.id}`)
      .slice(0, 4)
      .map((f) => ({ ...f.document!, payments: [] }) as SalesDocument);
    const described = await provider.describe();
    if (!described.ok) throw new Error(JSON.stringify(described.error));
    const clearing = '4'; // the store's Card mapping (QBO_TEST_PAYMENTS.defaultAccount)
    const other = described.value.paymentAccounts.find((a) => a.code !== clearing)!.code;
    const paymentRules = { ...syncSettingsSchema.parse({}).payments, mappings: [{ method: 'Card', account: clearing }] };
    const payment = (doc: SalesDocument) => ({ kind: 'gateway' as const, method: 'Card', account: clearing, amount: doc.totals.total, date: doc.date, reference: null });
    // The last is paid in itself: a sales receipt into the clearing account.
    const cases = docs.map((d, i) => (i === 3 ? { ...d, kind: 'sales_receipt' as const, payments: [payment(d)], totals: { ...d.totals, due: '0.00' } } : d));
    const [paid, moved, voided, receipt] = cases;
    const records: RecordFact[] = [];
    const paymentIds = new Map<number, string>();
    for (const doc of cases) {
      const posted = await provider.postDocument(doc, `paid:${doc.source.orderId}`);
      if (!posted.ok) throw new Error(JSON.stringify(posted.error));
      records.push({ orderId: doc.source.orderId, state: 'posted', message: null, remoteId: posted.value.remoteId, remoteNumber: posted.value.number, currency: 'USD' });
      if (doc.kind === 'sales_receipt') continue;
      const p = await provider.recordPayment(posted.value, payment(doc), `paid-pay:${doc.source.orderId}`);
      if (!p.ok) throw new Error(JSON.stringify(p.error));
      paymentIds.set(doc.source.orderId, p.value.remoteId.split(':')[1]!);
    }
    const dates = cases.map((d) => d.date).sort();
    const orders: StoreOrderFact[] = cases.map((doc) => ({
      orderId: doc.source.orderId, createdAt: `${doc.date}T12:00:00Z`, statusId: 11, currency: 'USD', total: doc.totals.total, tax: doc.totals.tax, shipping: '0', discount: '0',
      paymentMethod: 'Card', paymentStatus: 'captured', storeCredit: '0', giftCertificates: '0',
    }));
    const run = async () => {
      const window = { from: dates[0]!, to: dates.at(-1)! };
      const [documents, payments] = [await provider.listDocuments!(window), await provider.listPayments!(window)];
      if (!documents.ok || !payments.ok) throw new Error('read failed');
      return reconcile({
        ...window, timeZone: 'UTC', numberPrefix: 'BC-', referenceTemplate: 'BigCommerce order #{orderId}',
        rules: { importStatusIds: [11], refundStatusIds: [], ignoredStatusIds: [], voidStatusIds: [], ordersFromDate: null },
        paymentRules, storeCurrency: 'USD', orders, refunds: [], documents: documents.value, payments: payments.value, records,
      });
    };
    const clean = await run();
    expect(clean.flatMap((d) => d.differences)).toEqual([]);
    const receiptDay = clean.find((d) => d.date === receipt!.date)!;
    expect(receiptDay.books.payments).toEqual(receiptDay.store.payments);
    expect(receiptDay.books.payments.Card).toBeDefined();

    // A person, in QuickBooks: moves one payment to another deposit account (a full update) and voids another.
    const call = async (route: string, body?: unknown) => {
      const res = await fetch(`${qb.url}/quickbooks/v3/company/${realmId}/${route}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return (JSON.parse(text) as { Payment: Record<string, unknown> }).Payment;
    };
    const current = await call(`payment/${paymentIds.get(moved!.source.orderId)}`);
    await call('payment', { ...current, DepositToAccountRef: { value: other } });
    const toVoid = await call(`payment/${paymentIds.get(voided!.source.orderId)}`);
    await call('payment?operation=update&include=void', { Id: toVoid.Id, SyncToken: toVoid.SyncToken, sparse: true });

    const differences = (await run()).flatMap((d) => d.differences);
    expect(differences.map((d) => [d.orderId, d.class, d.amount])).toEqual(expect.arrayContaining([
      [moved!.source.orderId, 'changed_in_books', Number(moved!.totals.total).toFixed(2)],
      [voided!.source.orderId, 'changed_in_books', `-${Number(voided!.totals.total).toFixed(2)}`],
    ]));
    expect(differences.find((d) => d.orderId === moved!.source.orderId)!.reason).toContain(`to ${other} (Account ${other}) in the books`);
    expect(differences.filter((d) => d.orderId === paid!.source.orderId || d.orderId === receipt!.source.orderId)).toEqual([]);
    expect(differences).toHaveLength(2);
  });
});
