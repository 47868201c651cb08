// Payments and what they settle. A Payment applies money to invoices and credit memos through Line[].LinkedTxn
// (Intuit's Payment docs: "Line ... LinkedTxn ... TxnType Invoice or CreditMemo"); what is left is UnappliedAmt.
// Invoice.Balance, CreditMemo.RemainingCredit and Customer.Balance are derived from the payments on read, so a void
// or delete of a payment gives the money back without bookkeeping.
import Big from 'big.js';
import { toBig } from '../xero/wire';
import { seedAccountId } from './companies';
import { businessValidation, invalidReference, QboFault, requiredMissing } from './faults';
import { checkCurrency, refExists } from './lists';
import { find, table, type Company, type Stored, type Wire } from './store';

const money = (b: Big): number => Number(b.toFixed(2));
const big = (v: unknown): Big => new Big(String(v ?? 0));
type Linkable = 'Invoice' | 'CreditMemo';

/** Money applied to a document by payments (one payment left out: the one being re-saved). */
export function applied(company: Company, entity: Linkable, id: string, exceptPayment?: string): Big {
  let sum = new Big(0);
  for (const p of table(company, 'Payment').values()) {
    if (p.data.Id === exceptPayment) continue;
    for (const line of (p.data.Line ?? []) as Wire[]) {
      for (const link of (line.LinkedTxn ?? []) as Wire[]) {
        if (link.TxnType === entity && String(link.TxnId) === id) sum = sum.plus(big(line.Amount));
      }
    }
  }
  return sum;
}

export function openAmount(company: Company, entity: Linkable, doc: Stored, exceptPayment?: string): Big {
  return big(doc.data.TotalAmt).minus(applied(company, entity, String(doc.data.Id), exceptPayment));
}

export function preparePayment(company: Company, input: Wire, existing: Stored | undefined, today: string): Wire {
  const body: Wire = { ...input };
  for (const f of ['UnappliedAmt', 'domain', 'sparse', 'MetaData', 'Id', 'SyncToken']) delete body[f];
  const customerId = body.CustomerRef?.value;
  if (customerId === undefined || customerId === null || customerId === '') throw requiredMissing('CustomerRef');
  const customer = find(company, 'Customer', String(customerId));
  if (!customer) throw invalidReference('CustomerRef');
  const total = toBig(body.TotalAmt);
  if (total === undefined) throw requiredMissing('TotalAmt');
  if (total === null || total.lt(0)) throw new QboFault({ Message: 'Invalid Number', Detail: `Invalid Number : ${String(body.TotalAmt)}`, code: '2080', element: 'TotalAmt' });
  const currency = checkCurrency(company, body.CurrencyRef);
  refExists(company, 'Account', body.DepositToAccountRef, 'DepositToAccountRef');
  const self = existing ? String(existing.data.Id) : undefined;

  let toInvoices = new Big(0);
  let fromCredits = new Big(0);
  const lines = ((body.Line ?? []) as Wire[]).map((line) => {
    const amount = toBig(line.Amount);
    if (amount === undefined || amount === null) throw requiredMissing('Line.Amount');
    const links = (line.LinkedTxn ?? []) as Wire[];
    if (links.length === 0) throw requiredMissing('Line.LinkedTxn');
    for (const link of links) {
      const type = link.TxnType as Linkable;
      if (type !== 'Invoice' && type !== 'CreditMemo') throw businessValidation(`A payment line can link an Invoice or a CreditMemo, not ${String(link.TxnType)}.`, 'Line.LinkedTxn.TxnType');
      const doc = find(company, type, String(link.TxnId));
      if (!doc) throw invalidReference('Line.LinkedTxn.TxnId');
      if (doc.data.CustomerRef?.value !== String(customer.data.Id)) {
        throw businessValidation(`${type} ${String(link.TxnId)} belongs to another customer.`, 'Line.LinkedTxn.TxnId');
      }
      // The sandbox refuses to apply more than a document has open (QBO's own wording is not confirmed).
      if (amount.gt(openAmount(company, type, doc, self))) {
        throw businessValidation(`The amount applied to ${type} ${String(link.TxnId)} is more than its open balance of ${openAmount(company, type, doc, self).toFixed(2)}.`, 'Line.Amount');
      }
      if (type === 'Invoice') toInvoices = toInvoices.plus(amount);
      else fromCredits = fromCredits.plus(amount);
    }
    return { ...line, Amount: money(amount) };
  });
  const used = toInvoices.minus(fromCredits);
  if (used.gt(total)) throw businessValidation(`The payment lines apply ${used.toFixed(2)}, more than the payment's TotalAmt of ${total.toFixed(2)}.`, 'TotalAmt');
  return {
    ...body,
    TxnDate: body.TxnDate ?? today,
    CustomerRef: { value: String(customer.data.Id), name: customer.data.DisplayName },
    CurrencyRef: { value: currency, name: currency },
    DepositToAccountRef: body.DepositToAccountRef ?? { value: seedAccountId('undeposited') },
    TotalAmt: money(total),
    UnappliedAmt: money(total.minus(used)),
    Line: lines,
    ProcessPayment: body.ProcessPayment ?? false,
  };
}

/** Intuit's Payment docs ("Void a payment"): amounts zeroed, "Voided" injected into PrivateNote. */
export function voidedPayment(data: Wire): Wire {
  const note = typeof data.PrivateNote === 'string' && data.PrivateNote ? `Voided ${data.PrivateNote}` : 'Voided';
  return { ...data, TotalAmt: 0, UnappliedAmt: 0, Line: ((data.Line ?? []) as Wire[]).map((l) => ({ ...l, Amount: 0 })), PrivateNote: note };
}

/** A deleted or voided invoice or credit memo no longer takes money: lines of payments linked to it go, and the money
 *  becomes unapplied (what QBO does to a payment whose invoice is deleted, as its UI warns; not confirmed for the API). */
export function unlinkPayments(company: Company, entity: Linkable, id: string, now: number): void {
  for (const p of table(company, 'Payment').values()) {
    const lines = (p.data.Line ?? []) as Wire[];
    const kept = lines.filter((l) => !((l.LinkedTxn ?? []) as Wire[]).some((k) => k.TxnType === entity && String(k.TxnId) === id));
    if (kept.length === lines.length) continue;
    const used = kept.reduce<Big>((s, l) => {
      const sign = ((l.LinkedTxn ?? []) as Wire[]).some((k) => k.TxnType === 'CreditMemo') ? -1 : 1;
      return s.plus(big(l.Amount).times(new Big(sign)));
    }, new Big(0));
    p.data = { ...p.data, Line: kept, UnappliedAmt: money(big(p.data.TotalAmt).minus(used)) };
    p.updatedMs = Math.max(now, p.updatedMs + 1);
  }
}

/** Fields derived on read. */
export function derived(company: Company, entity: string, stored: Stored): Wire {
  const id = String(stored.data.Id);
  if (entity === 'Invoice') {
    const links: Wire[] = [];
    for (const p of table(company, 'Payment').values()) {
      if (((p.data.Line ?? []) as Wire[]).some((l) => ((l.LinkedTxn ?? []) as Wire[]).some((k) => k.TxnType === 'Invoice' && String(k.TxnId) === id))) {
        links.push({ TxnId: String(p.data.Id), TxnType: 'Payment' });
      }
    }
    const balance = openAmount(company, 'Invoice', stored);
    return { Balance: money(balance), ...(company.multicurrency ? { HomeBalance: money(balance.times(big(stored.data.ExchangeRate ?? 1))) } : {}), LinkedTxn: links };
  }
  if (entity === 'CreditMemo') {
    const remaining = openAmount(company, 'CreditMemo', stored);
    return { RemainingCredit: money(remaining), Balance: money(remaining) };
  }
  if (entity === 'Customer') {
    let balance = new Big(0);
    for (const inv of table(company, 'Invoice').values()) if (inv.data.CustomerRef?.value === id) balance = balance.plus(openAmount(company, 'Invoice', inv));
    for (const cm of table(company, 'CreditMemo').values()) if (cm.data.CustomerRef?.value === id) balance = balance.minus(openAmount(company, 'CreditMemo', cm));
    for (const p of table(company, 'Payment').values()) if (p.data.CustomerRef?.value === id) balance = balance.minus(big(p.data.UnappliedAmt));
    return { Balance: money(balance), BalanceWithJobs: money(balance) };
  }
  return {};
}
