import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import type { SummaryLine } from '@/lib/sync/summary/daily-summary';
import { xeroTotals } from './mapping';
import { creditNumberOf, summaryLines } from './summary';

const line = (kind: SummaryLine['kind'], net: string, tax: string, taxCode: string | null): SummaryLine => ({
  kind, account: '200', taxCode, taxLabel: taxCode ? 'CA 7.25%' : null, tracking: null, description: `${kind} 200`, discount: '0.00', net, tax,
  gross: new Big(net).plus(tax).toFixed(2), count: 2,
});

describe('the Xero lines of a summary', () => {
  it('one unit per line, LineAmount the net and TaxAmount the orders’ summed tax, even where the rate would round otherwise', () => {
    // 7.25 % of 33.33 is 2.416…: three orders' rounded taxes summed (2.42 + 2.41 + 2.42) differ from one rounding.
    const lines = [line('product', '99.99', '7.25', 'TAX001'), line('shipping', '10.00', '0.00', 'NONE'), line('discount', '-5.00', '-0.36', 'TAX001')];
    const body = summaryLines(lines, null);
    expect(body.ok).toBe(true);
    if (!body.ok) return;
    expect(body.value.map((l) => [l.Quantity.__decimal, l.UnitAmount.__decimal, l.LineAmount.__decimal, l.TaxAmount.__decimal, l.TaxType])).toEqual([
      ['1', '99.99', '99.99', '7.25', 'TAX001'], ['1', '10.00', '10.00', '0.00', 'NONE'], ['1', '-5.00', '-5.00', '-0.36', 'TAX001'],
    ]);
    const totals = xeroTotals(body.value, 'Exclusive');
    expect([totals.total.toFixed(2), totals.tax.toFixed(2)]).toEqual(['111.88', '6.89']);
  });

  it('a taxed line without a mapped Xero tax rate is refused, never posted untaxed', () => {
    const body = summaryLines([line('product', '10.00', '0.73', null)], null);
    expect(body.ok ? 'ok' : body.error.kind).toBe('validation');
  });

  it('the refunds credit note takes the summary number with -CR', () => {
    expect(creditNumberOf('SUM-20261102-USD-1')).toBe('SUM-20261102-USD-1-CR');
  });
});
