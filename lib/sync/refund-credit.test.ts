import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BcRefund } from '@/lib/bigcommerce/client/model';
import { orderLevelShares, refundCredit } from './refund-credit';
import type { DocumentLine, SalesDocument } from './sales-document';
import { defaultSettings } from './settings';

const line = (over: Partial<DocumentLine> & Pick<DocumentLine, 'sourceId' | 'net' | 'tax'>): DocumentLine => ({
  kind: 'product', description: over.sourceId, sku: null, itemId: null, options: [], quantity: '1', unitPrice: over.net, discount: '0.00',
  gross: (Number(over.net) + Number(over.tax)).toFixed(2), account: '4000', taxCode: null, taxLabel: null, unitCost: null, ...over,
});

/** A mug booked on 4000 (no rule) and a cap on 4010 by revenue rule 1, shipping on 4100: 66.00 + 6.60 tax. */
function sale(lines: DocumentLine[]): SalesDocument {
  return {
    schemaVersion: 1, kind: 'invoice', number: 'BC-7', reference: 'BigCommerce order #7',
    source: { platform: 'bigcommerce', orderId: 7, orderUrl: null, statusId: 11, channelId: 1, createdAt: '2024-03-05T21:40:11.000Z' },
    date: '2024-03-05', dueDate: '2024-03-05', currency: { code: 'USD', scale: 2, storeCurrency: 'USD', exchangeRate: '1' }, amountsAre: 'exclusive',
    customer: { match: 'new', remoteId: null, bcCustomerId: null, displayName: 'Ada', email: 'ada@example.com', company: '', phone: '', billingAddress: { firstName: 'Ada', lastName: '', company: '', street1: '', street2: '', city: '', state: '', zip: '', country: '', countryIso2: '', phone: '', email: '' } },
    shippingContacts: [],
    lines,
    totals: { net: '66.00', tax: '6.60', total: '72.60', discount: '0.00', due: '0.00' },
    payments: [{ kind: 'gateway', method: 'Credit Card', account: '1100', amount: '72.60', date: '2024-03-05', reference: null }],
    notes: [], memo: '',
  };
}

const twoAccounts = () => sale([
  line({ sourceId: 'product:1', net: '20.00', tax: '2.00' }),
  line({ sourceId: 'product:2', net: '40.00', tax: '4.00', account: '4010', revenueRule: { index: 1, label: 'channel 2' } }),
  line({ kind: 'shipping', sourceId: 'shipping', net: '6.00', tax: '0.60', account: '4100' }),
]);

const orderRefund = (amount: string): BcRefund => ({
  id: 3, orderId: 7, createdAt: '2024-03-10T12:00:00Z', reason: '', totalAmount: amount, totalTax: '0.00',
  items: [{ itemType: 'ORDER', itemId: 7, quantity: null, requestedAmount: amount, reason: 'goodwill' }],
  payments: [{ id: 30, providerId: 'braintree', amount, offline: false, declined: false }],
});

describe('an order-level refund', () => {
  it('comes off the revenue accounts the products were booked on, in proportion to their net, untaxed', () => {
    const credit = refundCredit({ sale: twoAccounts(), refund: orderRefund('9.00'), earlier: [], settings: defaultSettings() });
    expect(credit.lines.map((l) => [l.sourceId, l.account, l.net, l.tax, l.revenueRule?.index ?? null])).toEqual([
      ['refund:order:4000', '4000', '3.00', '0.00', null],
      ['refund:order:4010', '4010', '6.00', '0.00', 1],
    ]);
    expect(credit.total).toBe('9.00');
    expect(credit.tax).toBe('0.00');
  });

  it('is one line on the one account when every product went there', () => {
    const settings = defaultSettings();
    const one = sale([line({ sourceId: 'product:1', net: '60.00', tax: '6.00', account: '4010' }), line({ kind: 'shipping', sourceId: 'shipping', net: '6.00', tax: '0.60', account: '4100' })]);
    const credit = refundCredit({ sale: one, refund: orderRefund('5.00'), earlier: [], settings });
    expect(credit.lines.map((l) => [l.sourceId, l.account, l.net])).toEqual([['refund:order', '4010', '5.00']]);
    // A sale without products (a gift certificate only) takes the sales account.
    expect(orderLevelShares(sale([]), 500n, settings.accounts.sales)).toEqual([{ sourceId: 'refund:order', account: settings.accounts.sales, amount: 500n }]);
  });

  it('splits any amount exactly: the parts sum to the amount, each within a cent of its proportion', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('4000', '4010', '4020')), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 10_000_000 }), (products, amount) => {
        const lines = products.map(([cents, account], i) => line({ sourceId: `product:${i}`, net: (cents / 100).toFixed(2), tax: '0.00', account }));
        const shares = orderLevelShares(sale(lines), BigInt(amount), '4000');
        expect(shares.reduce((s, p) => s + p.amount, 0n)).toBe(BigInt(amount));
        const byAccount = new Map<string, number>();
        for (const [cents, account] of products) byAccount.set(account, (byAccount.get(account) ?? 0) + cents);
        const total = [...byAccount.values()].reduce((a, b) => a + b, 0);
        expect(new Set(shares.map((s) => s.account))).toEqual(new Set(byAccount.keys()));
        for (const s of shares) expect(Math.abs(Number(s.amount) - (amount * byAccount.get(s.account)!) / total)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
