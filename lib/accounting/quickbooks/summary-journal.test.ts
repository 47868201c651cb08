import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import type { DailySummary, SummaryLine, SummaryMoney } from '@/lib/sync/summary/daily-summary';
import { receivableOf, sameJournalLines, summaryJournalAsDocuments, summaryJournalEntryLines, type JournalAccount, type QboJournalLine } from './summary-journal';

const line = (kind: SummaryLine['kind'], account: string, net: string, tax: string, taxCode: string | null, edit = false): SummaryLine => ({
  kind, account, taxCode, taxLabel: taxCode ? `Rate ${taxCode}` : null, tracking: null, description: `${kind} ${account}`, discount: '0.00', net, tax,
  gross: new Big(net).plus(tax).toFixed(2), count: 2, ...(edit ? { edit: true as const } : {}),
});
const money = (account: string, amount: string, kind: SummaryMoney['kind'] = 'gateway'): SummaryMoney => ({ kind, method: 'Credit Card', account, amount });

function summaryOf(parts: Partial<Pick<DailySummary, 'sales' | 'credits' | 'payments' | 'payouts'>>, currency = 'USD'): DailySummary {
  return {
    key: { date: '2026-11-02', currency, method: 'Credit Card' }, scale: 2, storeCurrency: 'USD', exchangeRate: '1',
    sales: [], credits: [], payments: [], payouts: [], ...parts,
    totals: { sales: { net: '0', tax: '0', gross: '0' }, credits: { net: '0', tax: '0', gross: '0' }, received: '0', due: '0' },
    orders: [], refunds: [], items: [],
  };
}

const ACCOUNTS: JournalAccount[] = [
  { Id: '1', Name: 'Sales', AccountType: 'Income', active: true },
  { Id: '4', Name: 'Undeposited Funds', AccountType: 'Other Current Asset', active: true },
  { Id: '8', Name: 'Accounts Receivable (A/R)', AccountType: 'Accounts Receivable', currency: 'USD', active: true },
  { Id: '9', Name: 'Accounts Receivable (A/R) - EUR', AccountType: 'Accounts Receivable', currency: 'EUR', active: true },
  { Id: '10', Name: 'Sales Tax Payable', AccountType: 'Other Current Liability', AccountSubType: 'SalesTaxPayable', active: true },
  { Id: '11', Name: 'Accounts Payable (A/P)', AccountType: 'Accounts Payable', active: true },
];
const opts = { accounts: ACCOUNTS, receivable: '8', customerId: '42', tracking: null };

/** [posting, account, amount] per line, and the debits less the credits (always 0.00). */
const rows = (lines: readonly QboJournalLine[]) => lines.map((l) => [l.JournalEntryLineDetail.PostingType, l.JournalEntryLineDetail.AccountRef.value, l.Amount.__decimal]);
const balance = (lines: readonly QboJournalLine[]) => lines.reduce((s, l) => (l.JournalEntryLineDetail.PostingType === 'Debit' ? s.plus(l.Amount.__decimal) : s.minus(l.Amount.__decimal)), new Big(0)).toFixed(2);

describe('the QuickBooks journal entry of a summary', () => {
  it('debits the clearing account by what was paid in, credits sales per account and rate and the tax per rate to the tax liability account', () => {
    // The orders' own taxes summed are 7.26 (7.25 % of 99.99 would round to 7.25): the entry carries 7.26.
    const s = summaryOf({
      sales: [line('product', '1', '99.99', '7.26', 'TAX'), line('shipping', '1', '10.00', '0.00', null), line('discount', '1', '-5.00', '-0.36', 'TAX')],
      payments: [money('4', '111.89')],
    });
    const lines = summaryJournalEntryLines(s, 'SUM-20261102-USD-1', opts);
    expect(lines.ok, !lines.ok ? lines.error.message : '').toBe(true);
    if (!lines.ok) return;
    // A discount (negative) is a debit: no amount is ever negative.
    expect(rows(lines.value)).toEqual([['Debit', '4', '111.89'], ['Credit', '1', '99.99'], ['Credit', '1', '10.00'], ['Debit', '1', '5.00'], ['Credit', '10', '6.90']]);
    expect(balance(lines.value)).toBe('0.00');
    expect(lines.value.at(-1)!.Description).toBe('Tax: Rate TAX');
  });

  it('an unpaid part is a debit on Accounts Receivable naming the summary customer (a Xero manual journal refuses it)', () => {
    const s = summaryOf({ sales: [line('product', '1', '100.00', '0.00', null)], payments: [money('4', '60.00')] });
    const lines = summaryJournalEntryLines(s, 'SUM-20261102-USD-1', opts);
    expect(lines.ok && rows(lines.value)).toEqual([['Debit', '4', '60.00'], ['Credit', '1', '100.00'], ['Debit', '8', '40.00']]);
    expect(lines.ok && lines.value[2]!.JournalEntryLineDetail.Entity).toEqual({ Type: 'Customer', EntityRef: { value: '42' } });
    expect(lines.ok && lines.value[0]!.JournalEntryLineDetail.Entity).toBeUndefined();
  });

  it('refunds are the lines reversed; money paid back is a credit on the clearing account; a refund not paid back is owed to the customer on A/R', () => {
    const paid = summaryJournalEntryLines(summaryOf({ credits: [line('product', '1', '50.00', '3.63', 'TAX')], payouts: [money('4', '53.63')] }), 'SUM-20261103-USD-1', opts);
    expect(paid.ok && rows(paid.value)).toEqual([['Debit', '1', '50.00'], ['Debit', '10', '3.63'], ['Credit', '4', '53.63']]);
    expect(paid.ok && paid.value[0]!.Description).toMatch(/^Refunded: /);
    const kept = summaryJournalEntryLines(summaryOf({ credits: [line('product', '1', '10.00', '0.00', null)] }), 'SUM-20261103-USD-1', opts);
    expect(kept.ok && rows(kept.value)).toEqual([['Debit', '1', '10.00'], ['Credit', '8', '10.00']]);
  });

  it('a net-negative day of late changes (an order of a closed day reduced, money paid back) balances with the signs swapped', () => {
    // Only changes to earlier orders: -20.00 net, -1.45 tax, 21.45 paid back.
    const s = summaryOf({ sales: [line('product', '1', '-20.00', '-1.45', 'TAX', true)], payouts: [money('4', '21.45')] });
    const lines = summaryJournalEntryLines(s, 'SUM-20261104-USD-1', opts);
    expect(lines.ok && rows(lines.value)).toEqual([['Debit', '1', '20.00'], ['Debit', '10', '1.45'], ['Credit', '4', '21.45']]);
    expect(lines.ok && balance(lines.value)).toBe('0.00');
  });

  it('tax with no tax liability account, an unpaid part with no A/R in the currency, and a line on Accounts Payable are refused', () => {
    const taxed = summaryOf({ sales: [line('product', '1', '10.00', '0.73', 'TAX')], payments: [money('4', '10.73')] });
    const noTax = summaryJournalEntryLines(taxed, 'SUM-1', { ...opts, accounts: ACCOUNTS.filter((a) => a.Id !== '10') });
    expect(noTax.ok ? 'posted' : noTax.error.message).toMatch(/no sales tax liability account/);
    const unpaid = summaryJournalEntryLines(summaryOf({ sales: [line('product', '1', '10.00', '0.00', null)] }, 'GBP'), 'SUM-1', { ...opts, receivable: receivableOf(ACCOUNTS, 'GBP', 'USD') });
    expect(unpaid.ok ? 'posted' : unpaid.error.message).toMatch(/10\.00 unpaid.*no Accounts Receivable account in GBP/);
    const ap = summaryJournalEntryLines(summaryOf({ sales: [line('gift_certificate', '11', '25.00', '0.00', null)], payments: [money('4', '25.00')] }), 'SUM-1', opts);
    expect(ap.ok ? 'posted' : ap.error.message).toMatch(/Accounts Payable \(A\/P\), an Accounts Payable account/);
  });

  it('A/R is the one in the summary currency; tracking puts a class on every line', () => {
    expect(receivableOf(ACCOUNTS, 'EUR', 'USD')).toBe('9');
    expect(receivableOf(ACCOUNTS, 'USD', 'USD')).toBe('8');
    const s = summaryOf({ sales: [line('product', '1', '10.00', '0.00', null)], payments: [money('4', '10.00')] });
    const lines = summaryJournalEntryLines(s, 'SUM-1', { ...opts, tracking: { category: 'Class', optionId: '3' } });
    expect(lines.ok && lines.value.every((l) => l.JournalEntryLineDetail.ClassRef?.value === '3')).toBe(true);
  });

  it('an entry read back is the same when its lines are, in any order', () => {
    const s = summaryOf({ sales: [line('product', '1', '10.00', '0.00', null)], payments: [money('4', '10.00')] });
    const lines = summaryJournalEntryLines(s, 'SUM-1', opts);
    if (!lines.ok) throw new Error(lines.error.message);
    const read = (amount: number) => ({ Id: '1', SyncToken: '0', Line: [...lines.value].reverse().map((l) => ({ ...l, Amount: l.JournalEntryLineDetail.PostingType === 'Debit' ? amount : 10 })) }) as never;
    expect(sameJournalLines(read(10), lines.value)).toBe(true);
    expect(sameJournalLines(read(9.99), lines.value)).toBe(false);
  });

  it('reconciliation reads an entry back as its sales document (with the money received) and its refund document; other entries are not ours', () => {
    const s = summaryOf({
      sales: [line('product', '1', '100.00', '7.25', 'TAX'), line('discount', '1', '-10.00', '-0.73', 'TAX')], credits: [line('product', '1', '20.00', '1.45', 'TAX')],
      payments: [money('4', '80.00')], payouts: [money('4', '21.45')],
    });
    const lines = summaryJournalEntryLines(s, 'SUM-20261102-USD-1', opts);
    if (!lines.ok) throw new Error(lines.error.message);
    // As QuickBooks answers: amounts as numbers.
    const je = { Id: '7', SyncToken: '0', DocNumber: 'SUM-20261102-USD-1', TxnDate: '2026-11-02', PrivateNote: 'Daily summary 2026-11-02 USD Credit Card\nx', Line: lines.value.map((l) => ({ ...l, Amount: Number(l.Amount.__decimal) })) } as never;
    const docs = summaryJournalAsDocuments(je, ACCOUNTS, 'USD');
    expect(docs.map((d) => [d.remoteId, d.kind, d.number, d.total, d.tax, d.status])).toEqual([
      ['JournalEntry:7', 'invoice', 'SUM-20261102-USD-1', '96.52', '6.52', 'open'],
      ['JournalEntry:7:refunds', 'credit_note', 'SUM-20261102-USD-1-R', '21.45', '1.45', 'open'],
    ]);
    expect(docs[0]!.received).toEqual([{ account: '4', amount: '80' }]);
    expect(summaryJournalAsDocuments({ ...(je as object), PrivateNote: 'Depreciation' } as never, ACCOUNTS, 'USD')).toEqual([]);
  });
});
