import { describe, expect, it } from 'vitest';
import type { SummaryLine, SummaryMoney } from '@/lib/sync/summary/daily-summary';
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
});
