// Properties of Xero's invoice arithmetic as the sandbox implements it: totals always tie out exactly, whatever
// the lines, and a TaxAmount sent on a line is what the invoice carries.
import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { upsertDocument } from './documents';
import { createTenant } from './tenants';

const cents = fc.integer({ min: -50_00, max: 999_99 }).map((c) => new Big(c).div(100).toFixed(2));
const line = fc.record({
  Quantity: fc.integer({ min: 1, max: 7 }),
  UnitAmount: cents,
  TaxType: fc.constantFrom('OUTPUT2', 'ZERORATED', 'NONE'),
  DiscountRate: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
});
const LATS = ['Exclusive', 'Inclusive', 'NoTax'] as const;

function post(lines: Array<Record<string, unknown>>, lat: (typeof LATS)[number]) {
  const tenant = createTenant({ name: 'Props', currency: 'NZD' }, Date.UTC(2024, 0, 1));
  const r = upsertDocument(
    { tenant, kind: 'invoice', unitdp: 2, now: Date.UTC(2024, 0, 1) },
    { Type: 'ACCREC', Contact: { Name: 'P' }, LineAmountTypes: lat, Status: 'DRAFT', LineItems: lines.map((l) => ({ Description: 'x', AccountCode: '200', ...l })) },
    'create',
  );
  return { tenant, r };
}

const n = (v: unknown) => new Big((v as { value: Big }).value);

describe('invoice arithmetic', () => {
  it('Total = SubTotal + TotalTax exactly, and per-line tax is Xero\'s rounding of the line', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.constantFrom(...LATS), (lines, lat) => {
        const { r } = post(lines, lat);
        if ('errors' in r) return r.errors.some((e) => e.includes('must not be negative'));
        const s = r.saved as Record<string, unknown>;
        expect(n(s.SubTotal).plus(n(s.TotalTax)).eq(n(s.Total))).toBe(true);
        const sumLines = (s.LineItems as Array<Record<string, unknown>>).reduce((a, l) => a.plus(n(l.LineAmount)), new Big(0));
        const sumTax = (s.LineItems as Array<Record<string, unknown>>).reduce((a, l) => a.plus(n(l.TaxAmount)), new Big(0));
        expect(sumTax.eq(n(s.TotalTax))).toBe(true);
        if (lat === 'Inclusive') expect(sumLines.eq(n(s.Total))).toBe(true);
        else expect(sumLines.eq(n(s.SubTotal))).toBe(true);
        (s.LineItems as Array<Record<string, unknown>>).forEach((l, i) => {
          const rate = lines[i]!.TaxType === 'OUTPUT2' && lat !== 'NoTax' ? new Big('0.15') : new Big(0);
          const amount = n(l.LineAmount);
          const expected = lat === 'Inclusive' ? amount.times(rate).div(rate.plus(1)) : amount.times(rate);
          expect(n(l.TaxAmount).eq(expected.round(2, Big.roundHalfUp))).toBe(true);
        });
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('a TaxAmount sent on each line makes TotalTax exactly their sum (the store\'s tax to the cent)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(line, fc.integer({ min: 0, max: 20_000 })), { minLength: 1, maxLength: 6 }), fc.constantFrom('Exclusive', 'Inclusive') , (pairs, lat) => {
        const lines = pairs.map(([l, tax]) => ({ ...l, UnitAmount: new Big(l.UnitAmount).abs().plus(1).toFixed(2), TaxAmount: new Big(tax).div(100).toFixed(2) }));
        const { r } = post(lines, lat as 'Exclusive' | 'Inclusive');
        if ('errors' in r) return r.errors.some((e) => e.includes('must not be negative'));
        const s = r.saved as Record<string, unknown>;
        const want = lines.reduce((a, l) => a.plus(l.TaxAmount), new Big(0));
        expect(n(s.TotalTax).eq(want)).toBe(true);
        expect(n(s.SubTotal).plus(n(s.TotalTax)).eq(n(s.Total))).toBe(true);
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
