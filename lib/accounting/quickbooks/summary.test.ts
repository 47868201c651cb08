import { describe, expect, it } from 'vitest';
import type { SummaryLine, SummaryMoney } from '@/lib/sync/summary/daily-summary';
import { summaryParts } from '@/lib/sync/summary/summary-parts';
import { formFor, refundNumberOf, summaryDocumentLine } from './summary';

const line = (net: string, tax: string): SummaryLine => ({
  kind: 'product', account: '1', taxCode: 'TAX', taxLabel: 'CA 7.25%', tracking: null, description: 'Sales 1 · CA 7.25%', discount: '0.00', net, tax,
  gross: (Number(net) + Number(tax)).toFixed(2), count: 3,
});
const money = (account: string, amount: string): SummaryMoney => ({ kind: 'gateway', method: 'Credit Card', account, amount });

describe('the QuickBooks form of a summary', () => {
  it('a day paid in full into one account is a sales receipt (refunds: a refund receipt) deposited there', () => {
    expect(formFor('sales', [line('100.00', '7.25')], [money('4', '60.00'), money('4', '47.25')])).toEqual({ entity: 'SalesReceipt', account: '4', payments: [] });
    expect(formFor('refunds', [line('10.00', '0.73')], [money('5', '10.73')])).toEqual({ entity: 'RefundReceipt', account: '5', payments: [] });
  });

  it('nothing paid is an invoice (refunds: a credit memo)', () => {
    expect(formFor('sales', [line('100.00', '7.25')], [])).toEqual({ entity: 'Invoice', account: null, payments: [] });
    expect(formFor('refunds', [line('10.00', '0.73')], [])).toEqual({ entity: 'CreditMemo', account: null, payments: [] });
  });

  it('sales paid through two accounts, or in part, are an invoice with one payment per account', () => {
    expect(formFor('sales', [line('100.00', '7.25')], [money('4', '60.00'), money('5', '7.25'), money('4', '40.00')])).toEqual({
      entity: 'Invoice', account: null, payments: [money('4', '100.00'), money('5', '7.25')],
    });
    expect(formFor('sales', [line('100.00', '7.25')], [money('4', '50.00')])).toEqual({ entity: 'Invoice', account: null, payments: [money('4', '50.00')] });
  });

  it('more paid than sold, or refunds paid back through two accounts, are refused with what happened', () => {
    expect(formFor('sales', [line('100.00', '7.25')], [money('4', '110.00')])).toEqual({ refused: expect.stringMatching(/107\.25 were paid 110\.00 through 1 account \(4\): more than was sold/) });
    expect(formFor('refunds', [line('10.00', '0.73')], [money('4', '5.00'), money('5', '5.73')])).toEqual({ refused: expect.stringMatching(/paid back 10\.73 through 2 accounts \(4, 5\)/) });
  });

  it('a summary line is one unit of its net, its tax and account kept; the refund form fits 21 characters', () => {
    expect(summaryDocumentLine(line('100.00', '7.25'))).toMatchObject({ quantity: '1', unitPrice: '100.00', net: '100.00', tax: '7.25', gross: '107.25', account: '1', taxCode: 'TAX', itemId: null, description: 'Sales 1 · CA 7.25% (3 orders)' });
    expect(refundNumberOf('SUM-20261102-USD-12')).toHaveLength(21);
  });

  it('a day whose sales are net negative (late reductions) books them negated on the refund form, paid back out of the account', () => {
    // Only a change to an earlier order: 20.00 + 1.45 tax taken off, 21.45 paid back.
    const edit = { ...line('-20.00', '-1.45'), edit: true as const };
    const parts = summaryParts({ sales: [edit], credits: [], payments: [], payouts: [money('4', '21.45')], scale: 2 });
    if ('refused' in parts) throw new Error(parts.refused);
    expect(parts.sales).toEqual({ lines: [], money: [] });
    expect(parts.refunds.lines).toEqual([{ ...edit, net: '20.00', tax: '1.45', gross: '21.45' }]);
    expect(parts.refunds.money).toEqual([money('4', '21.45')]);
    expect(formFor('refunds', parts.refunds.lines, parts.refunds.money)).toEqual({ entity: 'RefundReceipt', account: '4', payments: [] });
    // With the day's own refund too: one refund form for both.
    const both = summaryParts({ sales: [edit], credits: [line('10.00', '0.73')], payments: [], payouts: [money('4', '21.45'), money('4', '10.73')], scale: 2 });
    expect('refused' in both ? both.refused : [both.refunds.lines.length, both.refunds.money]).toEqual([2, [money('4', '32.18')]]);
  });

  it('money paid back for a reduction on a day of positive sales comes off the sales form’s payments; the wrong way round is refused', () => {
    const parts = summaryParts({ sales: [line('100.00', '7.25'), { ...line('-20.00', '-1.45'), edit: true }], credits: [], payments: [money('4', '107.25')], payouts: [money('4', '21.45')], scale: 2 });
    if ('refused' in parts) throw new Error(parts.refused);
    expect(parts.sales.money).toEqual([money('4', '85.80')]);
    expect(parts.refunds).toEqual({ lines: [], money: [] });
    expect(formFor('sales', parts.sales.lines, parts.sales.money)).toMatchObject({ entity: 'SalesReceipt', account: '4' });
    // Paid back out of account 5, which took nothing in that day: no single sales form can say so.
    const wrong = summaryParts({ sales: [line('100.00', '7.25'), { ...line('-20.00', '-1.45'), edit: true }], credits: [], payments: [money('4', '107.25')], payouts: [money('5', '21.45')], scale: 2 });
    expect('refused' in wrong && wrong.refused).toMatch(/took in -21\.45 through account 5/);
  });

  it('a day with sales and refunds keeps each form’s own money', () => {
    const parts = summaryParts({ sales: [line('100.00', '7.25')], credits: [line('10.00', '0.73')], payments: [money('4', '107.25')], payouts: [money('4', '10.73')], scale: 2 });
    expect('refused' in parts ? parts.refused : [parts.sales.money, parts.refunds.money]).toEqual([[money('4', '107.25')], [money('4', '10.73')]]);
  });
});
