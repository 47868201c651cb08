import { describe, expect, it } from 'vitest';
import type { BooksDocument, BooksPayment } from '../provider';
import { syncSettingsSchema } from '../settings';
import { documentOrderMatcher, reconcile, type ReconcileInput } from './classify';
import type { RecordFact, StoreOrderFact } from './types';

const order = (orderId: number, extra: Partial<StoreOrderFact> = {}): StoreOrderFact => ({
  orderId, createdAt: '2026-03-10T15:00:00Z', statusId: 11, currency: 'USD', total: '110.0000', tax: '10.0000',
  shipping: '5.0000', discount: '0.0000', paymentMethod: 'Credit Card', paymentStatus: 'captured', storeCredit: '0.0000', giftCertificates: '0.0000', ...extra,
});
const invoice = (orderId: number, extra: Partial<BooksDocument> = {}): BooksDocument => ({
  remoteId: `inv-${orderId}`, kind: 'invoice', number: `BC-${orderId}`, reference: `BigCommerce order #${orderId}`, orderId: null,
  date: '2026-03-10', currency: 'USD', total: '110.00', tax: '10.00', status: 'open', ...extra,
});
const posted = (orderId: number, extra: Partial<RecordFact> = {}): RecordFact => ({
  orderId, state: 'posted', message: null, remoteId: `inv-${orderId}`, remoteNumber: `BC-${orderId}`, currency: 'USD', ...extra,
});
const base = (over: Partial<ReconcileInput>): ReconcileInput => ({
  from: '2026-03-10', to: '2026-03-10', timeZone: 'UTC', numberPrefix: 'BC-', referenceTemplate: 'BigCommerce order #{orderId}',
  rules: { importStatusIds: [11], refundStatusIds: [4, 14], ignoredStatusIds: [0, 1, 6, 7], voidStatusIds: [5], ordersFromDate: null },
  paymentRules: syncSettingsSchema.parse({}).payments, storeCurrency: 'USD', orders: [], refunds: [], documents: [], payments: null, records: [], ...over,
});

describe('reconcile', () => {
  it('a day where every eligible order is in the books once, to the cent, agrees', () => {
    const [day] = reconcile(base({ orders: [order(1), order(2)], documents: [invoice(1), invoice(2)], records: [posted(1), posted(2)] }));
    expect(day).toMatchObject({ date: '2026-03-10', currency: 'USD', store: { orders: 2, total: '220.00', tax: '20.00', refunds: '0.00' }, books: { documents: 2, total: '220.00', tax: '20.00' } });
    expect(day!.differences).toEqual([]);
  });

  it('names each difference with its class, from the books themselves and our records only for why', () => {
    const orders = [
      order(1), order(2), order(3), order(4), order(5), order(6), order(7), order(8),
      order(9, { statusId: 14 }), // partly refunded
      order(10, { statusId: 5 }), // cancelled: not the books' to hold
      order(11, { statusId: 1 }), // pending payment: ignored
    ];
    const documents = [
      invoice(1),
      invoice(2, { total: '99.00', tax: '9.00' }), // edited by hand
      invoice(3, { status: 'voided' }),
      // 4: deleted in the books (absent), 5: never posted
      invoice(6), invoice(6, { remoteId: 'by-hand', number: 'INV-0042' }), // a person made a second one with the same reference
      invoice(9), { ...invoice(9), kind: 'credit_note', remoteId: 'cn-9', number: 'BC-9-CR1', total: '10.00', tax: '0.00' } as BooksDocument,
    ];
    const records = [
      posted(1), posted(2), posted(3), posted(4), posted(6), posted(9),
      { ...posted(7), state: 'held', remoteId: null, message: 'SKU X-1 has no item in the books.' } as RecordFact,
      { ...posted(8), state: 'failed', remoteId: null, message: 'The books refused it: closed period.' } as RecordFact,
    ];
    const refunds = [{ refundId: 70, orderId: 9, createdAt: '2026-03-10T18:00:00Z', amount: '25.0000' }];
    const [day] = reconcile(base({ orders, documents, records, refunds }));
    expect(day!.differences.map((d) => [d.orderId, d.class, d.amount])).toEqual([
      [2, 'changed_in_books', '-11.00'],
      [3, 'voided_in_books', '110.00'],
      [4, 'voided_in_books', '110.00'],
      [5, 'missing_in_books', '110.00'],
      [6, 'duplicate_in_books', '110.00'],
      [7, 'held', '110.00'],
      [8, 'failed', '110.00'],
      [9, 'refund_not_credited', '15.00'],
    ]);
    expect(day!.differences.find((d) => d.orderId === 7)!.reason).toContain('X-1');
    expect(day!.store).toMatchObject({ orders: 9, refunds: '25.00' });
    expect(day!.books).toMatchObject({ documents: 5, total: '539.00', refunds: '10.00' }); // the voided one is not counted
  });

  it('puts an order on the day of the store time zone, and each currency apart', () => {
    const days = reconcile(base({
      from: '2026-03-09', to: '2026-03-10', timeZone: 'America/Los_Angeles',
      orders: [order(1, { createdAt: '2026-03-10T05:00:00Z' }), order(2, { currency: 'EUR', createdAt: '2026-03-10T20:00:00Z' })],
    }));
    expect(days.map((d) => [d.date, d.currency, d.store.orders])).toEqual([['2026-03-09', 'USD', 1], ['2026-03-10', 'EUR', 1], ['2026-03-10', 'USD', 0]]);
    expect(days[0]!.differences[0]).toMatchObject({ orderId: 1, class: 'missing_in_books' });
  });

  it('reports pending and skipped from the record while nothing is in the books', () => {
    const records = [
      { ...posted(1), state: 'pending', remoteId: null, message: 'posting' } as RecordFact,
      { ...posted(2), state: 'skipped', remoteId: null, message: 'Channel 2 is not posted.' } as RecordFact,
    ];
    const [day] = reconcile(base({ orders: [order(1), order(2)], records }));
    expect(day!.differences.map((d) => d.class)).toEqual(['pending', 'skipped']);
  });
});

describe('reconcile: payments, adjustments and late credits (issue 17)', () => {
  const rules = { ...syncSettingsSchema.parse({}).payments, mappings: [{ method: 'Credit Card', account: '1010' }, { method: 'PayPal', account: '1020' }] };
  const payment = (orderId: number, extra: Partial<BooksPayment> = {}): BooksPayment => ({
    remoteId: `pay-${orderId}`, documentId: `inv-${orderId}`, documentNumber: `BC-${orderId}`, orderId: null, date: '2026-03-10', currency: 'USD',
    amount: '110.00', account: '1010', ...extra,
  });

  it('compares each order\'s payments by the account its method maps to, and shows both sides by method', () => {
    const orders = [
      order(1), // paid by card, in the books as it should be
      order(2), // paid by card, the payment moved to the bank account by hand
      order(3, { paymentMethod: 'PayPal' }), // its payment deleted in the books
      order(4, { paymentMethod: 'Cash' }), // unmapped: the default account, received in a sales receipt
      order(5, { paymentStatus: 'authorized' }), // not captured: nothing paid, nothing in the books
      order(6, { createdAt: '2026-03-10T10:00:00Z' }), // captured two days later: its payment is dated then
    ];
    const documents = [invoice(1), invoice(2), invoice(3), invoice(4, { received: [{ account: '1100', amount: '110.00' }] }), invoice(5), invoice(6)];
    const payments = [payment(1), payment(2, { account: '1000' }), payment(6, { date: '2026-03-12' })];
    const records = [1, 2, 3, 4, 5, 6].map((id) => posted(id));
    const [day] = reconcile(base({ orders, documents, payments, records, paymentRules: rules }));
    expect(day!.differences.map((d) => [d.orderId, d.class, d.amount])).toEqual([
      [2, 'changed_in_books', '110.00'],
      [3, 'changed_in_books', '-110.00'],
    ]);
    expect(day!.differences[0]!.reason).toBe('Payments of BC-2: 110.00 to 1000 (Account 1000) in the books, 110.00 to 1010 (Credit Card) paid in the store.');
    expect(day!.differences[1]!.reason).toContain('nothing in the books');
    expect(day!.store.payments).toEqual({ Cash: '110.00', 'Credit Card': '330.00', PayPal: '110.00' });
    expect(day!.books.payments).toEqual({ 'Account 1000': '110.00', Cash: '110.00', 'Credit Card': '220.00' });
    // Not read (a system without listPayments): nothing compared.
    const [unread] = reconcile(base({ orders, documents, payments: null, records, paymentRules: rules }));
    expect(unread!.differences).toEqual([]);
  });

  it('compares an order with its adjustments after the lock date, wherever they are dated', () => {
    const orders = [order(1, { total: '130.0000', tax: '12.0000' }), order(2, { total: '130.0000', tax: '12.0000' }), order(3, { total: '90.0000', tax: '8.0000' })];
    const adjustment = (orderId: number, extra: Partial<BooksDocument>) =>
      invoice(orderId, { remoteId: `adj-${orderId}`, number: `BC-${orderId}-ADJ2`, reference: '', date: '2026-03-14', total: '20.00', tax: '2.00', ...extra });
    const documents = [
      invoice(1), adjustment(1, {}), // added 20.00 after the lock, booked on the 14th: agrees
      invoice(2), adjustment(2, { total: '15.00', tax: '2.00' }), // the adjustment edited in the books
      invoice(3), adjustment(3, { kind: 'credit_note', number: 'BC-3-ADJ2-CR' }), // removed 20.00: a credit
    ];
    const [day] = reconcile(base({ orders, documents, records: [posted(1), posted(2), posted(3)] }));
    expect(day!.differences.map((d) => [d.orderId, d.class, d.amount])).toEqual([[2, 'changed_in_books', '-5.00']]);
    expect(day!.differences[0]!.reason).toBe('BC-2 with BC-2-ADJ2 (15.00, 2026-03-14): total 125.00 in the books, 130.00 in the store.');
    // The adjustments count with their orders' day, so the day ties; and none is taken for a refund's credit.
    expect(day!.books).toMatchObject({ documents: 3, total: '345.00', tax: '32.00', refunds: '0.00' });
  });

  it('credits a refund with its credit note wherever the credit is dated (after a lock date), by our record or the order\'s credits', () => {
    const orders = [order(1, { statusId: 14 }), order(2, { statusId: 14 }), order(3, { statusId: 14 })];
    const credit = (orderId: number, n: number, extra: Partial<BooksDocument> = {}) =>
      invoice(orderId, { kind: 'credit_note', remoteId: `cn-${orderId}-${n}`, number: `BC-${orderId}-CR${n}`, reference: '', date: '2026-04-01', total: '20.00', tax: '0.00', ...extra });
    const refunds = [
      { refundId: 11, orderId: 1, createdAt: '2026-03-10T18:00:00Z', amount: '20.0000' },
      { refundId: 21, orderId: 2, createdAt: '2026-03-10T18:00:00Z', amount: '20.0000' },
      { refundId: 31, orderId: 3, createdAt: '2026-03-10T18:00:00Z', amount: '20.0000' },
    ];
    const records = [
      posted(1, { credits: [{ refundId: 11, remoteId: 'cn-1-1', number: 'BC-1-CR1' }] }), // our credit, in the open period on 1 April
      posted(2), // a credit note typed in by a person, dated later
      posted(3, { credits: [{ refundId: 5, remoteId: 'cn-3-1', number: 'BC-3-CR1' }] }), // the only credit is an earlier refund's
    ];
    const documents = [invoice(1), invoice(2), invoice(3), credit(1, 1), credit(2, 1, { number: 'CN-0042', reference: 'BigCommerce order #2' }), credit(3, 1)];
    const [day] = reconcile(base({ orders, refunds, documents, records }));
    expect(day!.differences.map((d) => [d.orderId, d.class, d.amount])).toEqual([[3, 'refund_not_credited', '20.00']]);
    expect(day!.store.refunds).toBe('60.00');
    expect(day!.books.refunds).toBe('40.00'); // on the refunds' day, not the credits'
  });
});

describe('documentOrderMatcher', () => {
  const match = documentOrderMatcher('BC-', 'BigCommerce order #{orderId} ({customerName})');
  it('tells the order from the number, a suffixed number, or the reference', () => {
    expect(match({ orderId: null, number: 'BC-120', reference: '' })).toEqual({ orderId: 120, role: 'document' });
    expect(match({ orderId: null, number: 'BC-120-CR1', reference: '' })).toEqual({ orderId: 120, role: 'related' });
    expect(match({ orderId: null, number: 'INV-7', reference: 'BigCommerce order #120 (Ada Lovelace)' })).toEqual({ orderId: 120, role: 'document' });
    expect(match({ orderId: null, number: 'INV-7', reference: 'Consulting' })).toBeNull();
  });
});
