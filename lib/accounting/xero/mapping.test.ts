import path from 'node:path';
import fc from 'fast-check';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import type { DocumentLine, SalesDocument } from '@/lib/sync/sales-document';
import { defaultSettings, parseSettings } from '@/lib/sync/settings';
import {
  contactNumberFor,
  bcCustomerIdOf,
  creditNoteBody,
  draftPaymentMessage,
  invoiceBody,
  uniqueNameFor,
  whereEquals,
  xeroLine,
  xeroPostingOptions,
  xeroTotals,
} from './mapping';
import { loadOrderFixtures } from '@/tests/support/xero-fixtures';
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

describe('posting settings: invoice status and tracking', () => {
  const fixtures = loadOrderFixtures(path.resolve(import.meta.dirname, '../../../tests/fixtures/orders/cases'));
  const fixture = (name: string): SalesDocument => {
    const document = fixtures.find((f) => f.file.startsWith(name))?.document;
    if (!document) throw new Error(`fixture ${name} has no document`);
    return document;
  };
  const body = (document: SalesDocument, settings: unknown) => {
    const parsed = parseSettings(settings);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const options = xeroPostingOptions(parsed.settings);
    const mapped = invoiceBody(document, { contact: { ContactID: 'c-1' }, status: options.invoiceStatus, currencyRate: null, tracking: options.tracking });
    if (!mapped.ok) throw new Error(mapped.error.message);
    return JSON.parse(encodeJson(mapped.value)) as { Status: string; Total?: number; LineItems: Array<{ Tracking?: unknown; LineAmount: number }> };
  };

  it('the defaults, and settings stored before these existed, post approved invoices without tracking (as before)', () => {
    expect(xeroPostingOptions(defaultSettings())).toEqual({ invoiceStatus: 'AUTHORISED', tracking: null });
    const stored = parseSettings({ schemaVersion: 1, document: { numberPrefix: 'LB-' } });
    expect(stored.ok && xeroPostingOptions(stored.settings)).toEqual({ invoiceStatus: 'AUTHORISED', tracking: null });
    const invoice = body(fixture('03-many-lines'), {});
    expect(invoice.Status).toBe('AUTHORISED');
    expect(invoice.LineItems.every((l) => l.Tracking === undefined)).toBe(true);
  });

  it("an order of a channel with its own tracking option (posting.trackingByChannel) carries that option on every line", () => {
    const settings = { posting: { tracking: { category: 'Region', option: 'Web' }, trackingByChannel: [{ channel: 2, category: 'Region', option: 'Marketplace' }] } };
    const document = fixture('03-many-lines');
    const ownChannel = body({ ...document, tracking: { category: 'Region', option: 'Marketplace' } }, settings);
    expect(ownChannel.LineItems.every((l) => JSON.stringify(l.Tracking) === '[{"Name":"Region","Option":"Marketplace"}]')).toBe(true);
    const storeWide = body(document, settings);
    expect(storeWide.LineItems.every((l) => JSON.stringify(l.Tracking) === '[{"Name":"Region","Option":"Web"}]')).toBe(true);
  });

  it('DRAFT posts the invoice as a draft with the same lines and amounts', () => {
    const document = fixture('16-shipping-handling-wrapping');
    const approved = body(document, {});
    const draft = body(document, { posting: { approval: 'draft' } });
    expect(draft.Status).toBe('DRAFT');
    expect({ ...draft, Status: 'AUTHORISED' }).toEqual(approved);
  });

  it('a tracking option goes on every line, shipping and discounts included, and on the lines of a credit note', () => {
    const document = fixture('16-shipping-handling-wrapping');
    const invoice = body(document, { posting: { tracking: { category: 'Sales Channel', option: 'Online Store' } } });
    expect(invoice.LineItems.length).toBeGreaterThan(3);
    for (const line of invoice.LineItems) expect(line.Tracking).toEqual([{ Name: 'Sales Channel', Option: 'Online Store' }]);
    const credit = creditNoteBody({
      lines: document.lines,
      lat: 'Exclusive',
      contactId: 'c-1',
      number: `${document.number}-CR`,
      reference: 'Refund',
      date: document.date,
      currencyCode: document.currency.code,
      currencyRate: null,
      tracking: { category: 'Sales Channel', option: 'Online Store' },
    });
    expect(credit.ok && credit.value.LineItems.every((l) => l.Tracking?.[0]?.Option === 'Online Store')).toBe(true);
  });

  it('a sales order is a draft whatever the setting', () => {
    const document: SalesDocument = { ...fixture('01-single-line-taxed'), kind: 'sales_order' };
    expect(body(document, { posting: { approval: 'approved' } }).Status).toBe('DRAFT');
  });

  it('refuses a tracking choice without its option, and names over Xero\'s 100 characters', () => {
    const missing = parseSettings({ posting: { tracking: { category: 'Sales Channel' } } });
    expect(missing.ok ? [] : missing.problems.map((p) => p.path)).toEqual(['posting.tracking.option']);
    const long = parseSettings({ posting: { tracking: { category: 'x'.repeat(101), option: 'A' } } });
    expect(long.ok).toBe(false);
    expect(parseSettings({ posting: { approval: 'PAID' } }).ok).toBe(false);
  });

  it('says why a payment was not recorded on a draft and what to do', () => {
    expect(draftPaymentMessage('BC-1042', { amount: '27.06', method: 'PayPal' })).toBe(
      'Payment of 27.06 (PayPal) not recorded: invoice BC-1042 is a draft in Xero, and Xero takes payments only on approved invoices. Approve the invoice in Xero, then apply the payment there.',
    );
  });
});
