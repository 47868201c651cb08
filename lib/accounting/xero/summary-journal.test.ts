import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import type { DailySummary, SummaryLine, SummaryMoney } from '@/lib/sync/summary/daily-summary';
import { journalNarration, summaryJournalAsDocuments, summaryJournalLines } from './summary-journal';

const line = (kind: SummaryLine['kind'], account: string, net: string, tax: string, taxCode: string | null): SummaryLine => ({
  kind, account, taxCode, taxLabel: taxCode ? `Rate ${taxCode}` : null, tracking: null, description: `${kind} ${account}`, discount: '0.00', net, tax,
  gross: new Big(net).plus(tax).toFixed(2), count: 2,
});
const money = (account: string, amount: string, kind: SummaryMoney['kind'] = 'gateway'): SummaryMoney => ({ kind, method: 'Credit Card', account, amount });

function summaryOf(parts: Partial<Pick<DailySummary, 'sales' | 'credits' | 'payments' | 'payouts'>>): DailySummary {
  return {
    key: { date: '2026-11-02', currency: 'USD', method: 'Credit Card' }, scale: 2, storeCurrency: 'USD', exchangeRate: '1',
    sales: [], credits: [], payments: [], payouts: [], ...parts,
    totals: { sales: { net: '0', tax: '0', gross: '0' }, credits: { net: '0', tax: '0', gross: '0' }, received: '0', due: '0' },
    orders: [], refunds: [], items: [],
  };
}

const amounts = (lines: ReadonlyArray<{ AccountCode: string; LineAmount: { __decimal: string } }>) => lines.map((l) => [l.AccountCode, l.LineAmount.__decimal]);

describe('the Xero manual journal of a summary', () => {
  it('debits the clearing accounts by what was paid in, credits sales per account and rate and the tax per rate to the tax account, balancing to zero', () => {
    // 7.25 % of 99.99 rounds to 7.25, but the orders' own taxes summed are 7.26: the journal carries 7.26, never recomputed.
    const s = summaryOf({
      sales: [line('product', '200', '99.99', '7.26', 'TAX001'), line('product', '210', '20.00', '0.80', 'TAX002'), line('shipping', '205', '10.00', '0.00', 'NONE'), line('discount', '200', '-5.00', '-0.36', 'TAX001')],
      payments: [money('090', '120.00'), money('095', '12.69', 'store_credit')],
    });
    const lines = summaryJournalLines(s, 'SUM-20261102-USD-1', { taxAccount: '820', tracking: null });
    expect(lines.ok, !lines.ok ? lines.error.message : '').toBe(true);
    if (!lines.ok) return;
    expect(amounts(lines.value)).toEqual([
      ['090', '120.00'], ['095', '12.69'],
      ['200', '-99.99'], ['210', '-20.00'], ['205', '-10.00'], ['200', '5.00'],
      ['820', '-6.90'], ['820', '-0.80'],
    ]);
    expect(lines.value.reduce((t, l) => t.plus(l.LineAmount.__decimal), new Big(0)).toFixed(2)).toBe('0.00');
    expect(lines.value.find((l) => l.AccountCode === '820')?.Description).toBe('Tax: Rate TAX001');
  });

  it('the day’s refunds are the same lines reversed, and the money paid back is credited to the clearing account', () => {
    const s = summaryOf({ credits: [line('product', '200', '50.00', '3.63', 'TAX001')], payouts: [money('090', '53.63')] });
    const lines = summaryJournalLines(s, 'SUM-20261103-USD-1', { taxAccount: '820', tracking: { category: 'Region', option: 'West' } });
    expect(lines.ok && amounts(lines.value)).toEqual([['200', '50.00'], ['820', '3.63'], ['090', '-53.63']]);
    expect(lines.ok && lines.value[0]!.Tracking).toEqual([{ Name: 'Region', Option: 'West' }]);
    expect(lines.ok && lines.value[0]!.Description).toMatch(/^Refunded: /);
  });

  it('a day with an unpaid part is refused with a message, never posted to a made-up account', () => {
    const s = summaryOf({ sales: [line('product', '200', '100.00', '0.00', 'NONE')], payments: [money('090', '60.00')] });
    const lines = summaryJournalLines(s, 'SUM-20261102-USD-1', { taxAccount: '820', tracking: null });
    expect(lines.ok ? 'posted' : lines.error.message).toMatch(/40\.00 of its sales is unpaid.*Accounts Receivable/);
  });

  it('a refund not paid back is refused too', () => {
    const s = summaryOf({ credits: [line('product', '200', '10.00', '0.00', 'NONE')] });
    const lines = summaryJournalLines(s, 'SUM-20261102-USD-1', { taxAccount: '820', tracking: null });
    expect(lines.ok ? 'posted' : lines.error.message).toMatch(/10\.00 of its refunds was not paid back/);
  });

  it('a line on a control account (Accounts Payable) is refused, naming the line and the account', () => {
    const s = summaryOf({ sales: [line('gift_certificate', '800', '25.00', '0.00', 'NONE')], payments: [money('090', '25.00')] });
    const lines = summaryJournalLines(s, 'SUM-20261102-USD-1', { taxAccount: '820', tracking: null, controlAccounts: new Map([['800', 'Accounts Payable']]) });
    expect(lines.ok ? 'posted' : lines.error.message).toMatch(/account 800 \(Accounts Payable\), a Xero control account/);
  });

  it('tax with no tax account in the organisation is refused', () => {
    const s = summaryOf({ sales: [line('product', '200', '10.00', '0.73', 'TAX001')], payments: [money('090', '10.73')] });
    const lines = summaryJournalLines(s, 'SUM-20261102-USD-1', { taxAccount: null, tracking: null });
    expect(lines.ok ? 'posted' : lines.error.message).toMatch(/no tax account/);
  });

  it('the narration names the day, currency, method and the summary number', () => {
    expect(journalNarration({ summary: summaryOf({}), number: 'SUM-20261102-USD-1' })).toBe('Daily summary 2026-11-02 USD Credit Card (SUM-20261102-USD-1)');
  });

  it('reconciliation reads a summary journal back as its sales document (with the money received) and its refund document', () => {
    const s = summaryOf({
      sales: [line('product', '200', '100.00', '7.25', 'TAX001'), line('discount', '200', '-10.00', '-0.73', 'TAX001')], credits: [line('product', '200', '20.00', '1.45', 'TAX001')],
      payments: [money('090', '96.52')], payouts: [money('090', '21.45')],
    });
    const lines = summaryJournalLines(s, 'SUM-20261102-USD-1', { taxAccount: '820', tracking: null });
    if (!lines.ok) throw new Error(lines.error.message);
    const journal = { ManualJournalID: 'j-1', Narration: 'Daily summary 2026-11-02 USD Credit Card (SUM-20261102-USD-1)', Status: 'POSTED', JournalLines: lines.value.map((l) => ({ ...l, LineAmount: Number(l.LineAmount.__decimal) })) };
    const options = { moneyAccounts: new Set(['090']), taxAccounts: new Set(['820']), baseCurrency: 'USD' };
    const docs = summaryJournalAsDocuments(journal, '2026-11-02', options);
    expect(docs.map((d) => [d.remoteId, d.kind, d.number, d.reference, d.total, d.tax])).toEqual([
      ['j-1', 'invoice', 'SUM-20261102-USD-1', 'Daily summary 2026-11-02 USD Credit Card', '96.52', '6.52'],
      ['j-1:refunds', 'credit_note', 'SUM-20261102-USD-1-CR', 'Daily summary 2026-11-02 USD Credit Card', '21.45', '1.45'],
    ]);
    expect(docs[0]!.received).toEqual([{ account: '090', amount: '96.52' }]);
    expect(summaryJournalAsDocuments({ ...journal, Status: 'VOIDED' }, '2026-11-02', options)).toEqual([]);
    expect(summaryJournalAsDocuments({ ...journal, Narration: 'Depreciation' }, '2026-11-02', options)).toEqual([]);
  });
});
