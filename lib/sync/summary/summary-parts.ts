/**
 * How a summary splits between a system's sales document and its refund document (the QuickBooks and Xero summary
 * paths), pure. Amounts are the summary's decimals; lines are moved or negated, never recomputed.
 */
import Big from 'big.js';
import type { DailySummary, SummaryLine, SummaryMoney } from './daily-summary';

/** A summary line negated (a sale taken back in the refund form). */
export const negated = (l: SummaryLine): SummaryLine => {
  const neg = (v: string) => new Big(v).times(-1).toFixed(Math.max(2, (v.split('.')[1] ?? '').length));
  return { ...l, net: neg(l.net), tax: neg(l.tax), gross: neg(l.gross) };
};

/**
 * What goes on the sales document and what on the refund document, with the money each carries. Neither QuickBooks
 * nor Xero takes a sales document with a total below zero (QuickBooks: "Transaction amount must be positive"; Xero
 * refuses a negative total), so a day whose sales are net negative (late changes that reduced orders of closed days
 * outweigh the day's new sales) books them, negated, on the refund document with the day's refunds. When only one
 * document is left, the day's money is netted per account onto it: payouts with no refund lines (money paid back for a
 * reduced order) come off the sales document's payments, and payments with no sales lines come off the refund
 * document's payouts; an account left the wrong way round is refused.
 */
export function summaryParts(summary: Pick<DailySummary, 'sales' | 'credits' | 'payments' | 'payouts' | 'scale'>):
  { sales: { lines: SummaryLine[]; money: SummaryMoney[] }; refunds: { lines: SummaryLine[]; money: SummaryMoney[] } } | { refused: string } {
  const salesGross = summary.sales.reduce((s, l) => s.plus(l.gross), new Big(0));
  const salesLines = salesGross.lt(0) ? [] : [...summary.sales];
  const refundLines = salesGross.lt(0) ? [...summary.credits, ...summary.sales.map(negated)] : [...summary.credits];
  if (salesLines.length > 0 && refundLines.length > 0) return { sales: { lines: salesLines, money: [...summary.payments] }, refunds: { lines: refundLines, money: [...summary.payouts] } };
  // One form: the day's money netted per account onto it (positive: into the account).
  const per = new Map<string, { money: SummaryMoney; amount: Big }>();
  for (const [list, sign] of [[summary.payments, 1], [summary.payouts, -1]] as const) {
    for (const m of list) {
      const held = per.get(m.account) ?? { money: m, amount: new Big(0) };
      held.amount = held.amount.plus(new Big(m.amount).times(sign));
      per.set(m.account, held);
    }
  }
  const sign = refundLines.length > 0 ? -1 : 1;
  const wrong = [...per.values()].find((p) => p.amount.times(sign).lt(0));
  if (wrong) {
    return { refused: `The day's ${sign > 0 ? 'sales' : 'refunds and reductions'} ${sign > 0 ? 'took in' : 'paid back'} ${wrong.amount.times(sign).toFixed(summary.scale)} through account ${wrong.money.account}, against the form's direction; no single sales or refund document can book that. Post summaries as a journal (Order rules › Posting mode).` };
  }
  const money = [...per.values()].filter((p) => !p.amount.eq(0)).map((p) => ({ ...p.money, amount: p.amount.times(sign).toFixed(summary.scale) }));
  return refundLines.length > 0 ? { sales: { lines: [], money: [] }, refunds: { lines: refundLines, money } } : { sales: { lines: salesLines, money }, refunds: { lines: [], money: [] } };
}
