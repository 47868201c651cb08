/**
 * A daily summary as a journal, for any system that posts one (Xero's manual journal, QuickBooks' journal entry), and a
 * journal read back as the summary's parts. What differs between systems (tax and receivable accounts, a line's
 * customer or tracking, how an account is recognised) stays with the provider; the lines, their order and signs, and
 * the "Refunded: " mark that tells a refund line when reading back are the same everywhere. Pure.
 */
import Big from 'big.js';
import type { DailySummary, SummaryLine, SummaryMoney } from './daily-summary';

/** A journal line, signed: debits positive, credits negative. `line` is the summary's sales or credit line, if any. */
export interface SignedJournalLine {
  description: string;
  account: string;
  amount: Big;
  line: SummaryLine | null;
}

/** The description prefix of the lines that book refunds (credits); reading back relies on it. */
export const REFUNDED_PREFIX = 'Refunded: ';

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * The summary's journal lines: money paid in (debits), sales per account and rate (credits) with the day's tax per rate
 * on `taxAccount`, refunds (debits, marked "Refunded: ") with their tax, money paid back (credits). Zero lines are kept
 * (the receivable, if any, is what they leave unbalanced). `missingTax` when there is tax and no account for it.
 */
export function signedSummaryJournal(
  summary: Pick<DailySummary, 'sales' | 'credits' | 'payments' | 'payouts'>,
  taxAccount: string | null,
): { ok: true; lines: SignedJournalLine[] } | { ok: false; missingTax: true } {
  const out: SignedJournalLine[] = [];
  const money = (list: readonly SummaryMoney[], sign: 1 | -1, what: string) => {
    for (const m of list) out.push({ description: `${m.method} ${what} (${m.kind.replace('_', ' ')})`, account: m.account, amount: new Big(m.amount).times(sign), line: null });
  };
  const sales = (lines: readonly SummaryLine[], sign: 1 | -1, prefix: string): boolean => {
    const tax = new Map<string, { label: string; amount: Big }>();
    for (const l of lines) {
      const rate = l.taxLabel ?? l.taxCode;
      out.push({ description: `${prefix}${l.description}${rate ? `, ${rate}` : ''} (${plural(l.count, 'order')})`, account: l.account, amount: new Big(l.net).times(sign), line: l });
      const t = new Big(l.tax);
      if (t.eq(0)) continue;
      const k = `${l.taxCode ?? ''}\u0000${rate ?? ''}`;
      const held = tax.get(k) ?? { label: rate ?? 'tax', amount: new Big(0) };
      held.amount = held.amount.plus(t);
      tax.set(k, held);
    }
    for (const t of tax.values()) {
      if (t.amount.eq(0)) continue;
      if (!taxAccount) return false;
      out.push({ description: `${prefix}Tax: ${t.label}`, account: taxAccount, amount: t.amount.times(sign), line: null });
    }
    return true;
  };
  money(summary.payments, 1, 'paid in');
  if (!sales(summary.sales, -1, '')) return { ok: false, missingTax: true };
  if (!sales(summary.credits, 1, REFUNDED_PREFIX)) return { ok: false, missingTax: true };
  money(summary.payouts, -1, 'paid back');
  return { ok: true, lines: out };
}

/** A journal line as read back, classified by the provider: signed (debits positive), and what its account is. */
export interface ReadJournalLine {
  account: string;
  signed: Big;
  description: string;
  /** `money`: a bank-like account payments go into; `receivable`: Accounts Receivable; `tax`: a tax account. */
  kind: 'money' | 'receivable' | 'tax' | 'other';
}

/** What a summary journal holds now: the sales part (credits positive), the refund part (debits positive), the money. */
export interface JournalParts {
  salesTotal: Big;
  salesTax: Big;
  refundTotal: Big;
  refundTax: Big;
  /** Whether any line is a refund line. */
  refunds: boolean;
  /** Whether a receivable line is left (something unpaid or not paid back). */
  owed: boolean;
  /** Money received (debits) per money account. */
  received: Map<string, Big>;
}

/**
 * Reads a summary journal's lines back into its parts: money lines (debits) are what was received; lines our journal
 * marks "Refunded: " the refund part; every other line (revenue and tax, less discounts and reductions) the sales part.
 */
export function summaryJournalParts(lines: Iterable<ReadJournalLine>): JournalParts {
  const parts: JournalParts = { salesTotal: new Big(0), salesTax: new Big(0), refundTotal: new Big(0), refundTax: new Big(0), refunds: false, owed: false, received: new Map() };
  for (const l of lines) {
    const tax = l.kind === 'tax';
    if (l.kind === 'receivable') {
      if (!l.signed.eq(0)) parts.owed = true;
    } else if (l.kind === 'money') {
      if (l.signed.gt(0)) parts.received.set(l.account, (parts.received.get(l.account) ?? new Big(0)).plus(l.signed));
    } else if (l.description.startsWith(REFUNDED_PREFIX)) {
      parts.refunds = true;
      parts.refundTotal = parts.refundTotal.plus(l.signed);
      if (tax) parts.refundTax = parts.refundTax.plus(l.signed);
    } else {
      parts.salesTotal = parts.salesTotal.minus(l.signed);
      if (tax) parts.salesTax = parts.salesTax.minus(l.signed);
    }
  }
  return parts;
}

/** Whether the parts hold a sales document (anything sold, received, or no refunds at all) and a refund document. */
export const journalHasSales = (p: JournalParts): boolean => !p.salesTotal.eq(0) || !p.salesTax.eq(0) || p.received.size > 0 || !p.refunds;
