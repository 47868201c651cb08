import fc from 'fast-check';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import type { DocumentLine } from '@/lib/sync/sales-document';
import { contactNumberFor, bcCustomerIdOf, uniqueNameFor, whereEquals, xeroLine, xeroTotals } from './mapping';
import { encodeJson, decimal, numberToDecimal } from './wire';

const line = (over: Partial<DocumentLine>): DocumentLine => ({
  kind: 'product',
  sourceId: 'product:1',
  description: 'Tea',
  sku: 'TEA-1',
  itemId: 'item-1',
  options: [],
  quantity: '1',
  unitPrice: '10.0000',
  discount: '0.00',
  net: '10.00',
  tax: '0.00',
  gross: '10.00',
  account: '200',
  taxCode: 'NONE',
  taxLabel: null,
  unitCost: null,
  ...over,
});

describe('xeroLine', () => {
  it('keeps quantity, unit price and discount when Xero\'s rounding gives the line\'s net', () => {
    const m = xeroLine(line({ quantity: '2', unitPrice: '38.5300', discount: '3.85', net: '73.21', tax: '6.04', gross: '79.25', taxCode: 'TAX001' }), 'Exclusive', { allowDiscount: true });
    expect(m.ok && JSON.parse(encodeJson(m.value))).toMatchObject({ Quantity: 2, UnitAmount: 38.53, DiscountAmount: 3.85, LineAmount: 73.21, TaxAmount: 6.04, TaxType: 'TAX001', ItemCode: 'TEA-1' });
  });

  it('uses the gross as LineAmount for tax-inclusive documents', () => {
    const m = xeroLine(line({ quantity: '1', unitPrice: '59.9000', discount: '8.99', net: '42.78', tax: '8.13', gross: '50.91', taxCode: 'OUTPUT2' }), 'Inclusive', { allowDiscount: true });
    expect(m.ok && m.value.LineAmount.__decimal).toBe('50.91');
  });

  it('falls back to an exact unit price, then to one unit of the exact amount', () => {
    // 3 × 3.3333 = 9.9999 → 10.00 ≠ 9.99: an exact unit price for 9.99 / 3 = 3.33 exists.
    const a = xeroLine(line({ quantity: '3', unitPrice: '3.3333', net: '9.99', gross: '9.99' }), 'Exclusive', { allowDiscount: true });
    expect(a.ok && [a.value.Quantity.__decimal, a.value.UnitAmount.__decimal, a.value.LineAmount.__decimal]).toEqual(['3', '3.33', '9.99']);
    // 7 × 1.43 = 10.01, and 10.00 / 7 has no 4-place unit price: one unit of 10.00, the quantity kept in the description.
    const b = xeroLine(line({ quantity: '7', unitPrice: '1.4300', net: '10.00', gross: '10.00', discount: '0.00' }), 'Exclusive', { allowDiscount: false });
    expect(b.ok && [b.value.Quantity.__decimal, b.value.UnitAmount.__decimal, b.value.Description]).toEqual(['1', '10.00', 'Tea (7 × 1.4300)']);
  });

  it('refuses a taxed line without a Xero tax rate (a mapping the merchant must make)', () => {
    const m = xeroLine(line({ tax: '1.00', gross: '11.00', taxCode: null }), 'Exclusive', { allowDiscount: true });
    expect(m).toMatchObject({ ok: false, error: { kind: 'validation', fields: [{ field: 'TaxType' }] } });
  });

  it('property: Σ LineAmount (+ tax when exclusive) is the document total to the cent, whatever the quantities', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ q: fc.integer({ min: 1, max: 500 }), unitCents: fc.integer({ min: 1, max: 1_000_000 }), discountCents: fc.integer({ min: 0, max: 5000 }), taxCents: fc.integer({ min: 0, max: 10000 }) }), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (rows, inclusive) => {
          let expected = new Big(0);
          const lines = rows.map((r) => {
            const unit = new Big(r.unitCents).div(100);
            const gross0 = unit.times(r.q);
            const d0 = new Big(r.discountCents).div(100);
            const discount = d0.gt(gross0) ? gross0 : d0;
            // The line's amount in its mode, rounded to the cent as BigCommerce gives it (may differ from q × unit − d).
            const amount = gross0.minus(discount).times(1.0003).round(2, Big.roundHalfUp);
            const tax = new Big(r.taxCents).div(100);
            const net = inclusive ? amount.minus(tax) : amount;
            const gross = inclusive ? amount : amount.plus(tax);
            expected = expected.plus(gross);
            const m = xeroLine(line({ quantity: String(r.q), unitPrice: unit.toFixed(4), discount: discount.toFixed(2), net: net.toFixed(2), tax: tax.toFixed(2), gross: gross.toFixed(2), taxCode: 'T' }), inclusive ? 'Inclusive' : 'Exclusive', { allowDiscount: true });
            if (!m.ok) throw new Error('mapping failed');
            // Xero's own arithmetic: round2(Quantity × UnitAmount − DiscountAmount) must equal the LineAmount sent.
            const x = m.value;
            const xeroAmount = new Big(x.Quantity.__decimal).times(x.UnitAmount.__decimal).minus(x.DiscountAmount?.__decimal ?? '0').round(2, Big.roundHalfUp);
            expect(xeroAmount.toFixed(2)).toBe(x.LineAmount.__decimal);
            return x;
          });
          expect(xeroTotals(lines, inclusive ? 'Inclusive' : 'Exclusive').total.toFixed(2)).toBe(expected.toFixed(2));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('wire helpers', () => {
  it('writes decimals as exact number literals and reads numbers back as decimal strings', () => {
    expect(encodeJson({ a: decimal('12.3400'), b: [decimal('-0.01')], c: 'x' })).toBe('{"a":12.3400,"b":[-0.01],"c":"x"}');
    expect(numberToDecimal(115)).toBe('115');
    expect(numberToDecimal(12779.62)).toBe('12779.62');
    expect(numberToDecimal(1e-7)).toBe('0.0000001');
  });

  it('ContactNumber carries the BigCommerce customer id; taken names get the "(BC id)" suffix', () => {
    expect(contactNumberFor(1042, 'BC-')).toBe('BC-1042');
    expect(contactNumberFor(null, 'BC-')).toBeNull();
    expect(bcCustomerIdOf('BC-1042', 'BC-')).toBe(1042);
    expect(bcCustomerIdOf('SUP-7', 'BC-')).toBeNull();
    expect(uniqueNameFor({ displayName: 'Jane Doe', bcCustomerId: 1042, email: 'j@x.io' })).toBe('Jane Doe (BC 1042)');
    expect(uniqueNameFor({ displayName: 'Pat', bcCustomerId: null, email: 'p@x.io' })).toBe('Pat (p@x.io)');
    expect(whereEquals('EmailAddress', 'o"brien@x.io')).toBe('EmailAddress=="o\\"brien@x.io"');
  });
});
