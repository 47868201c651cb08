/**
 * Daily summary mode in QuickBooks Online (`postSummary`, lib/sync/summary): a day's summary for one currency and
 * payment method is one sales form for its sales and one refund form for the day's refunds (`<number>-R`), both on
 * the summary customer ("Online sales — Credit Card"):
 * - sales paid in full into one clearing account → a **SalesReceipt** (`DepositToAccountRef` = that account);
 *   otherwise an **Invoice**, with one **Payment** per clearing account for what was paid into it (store credit beside
 *   a card, a day partly paid; the rest stays due on the summary customer);
 * - refunds paid out of one account → a **RefundReceipt** (`DepositToAccountRef` = the account the money leaves);
 *   nothing paid out → a **CreditMemo** (the credit stays the summary customer's). Refunds paid back through several
 *   accounts, or in part, are refused with a message (not yet).
 * - a day whose sales are net negative (late changes reducing orders of closed days: lines marked `edit`, negative)
 *   books them negated on the refund form, since QuickBooks takes no sales form below zero; with one form left the
 *   day's money is netted per account onto it (`summaryParts`).
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/salesreceipt, .../refundreceipt,
 * .../invoice, .../creditmemo.
 *
 * Lines: one per summary line (kind, account, tax code), a service item per kind and income account as the per-order
 * path uses for lines without an item, one unit of the net; `TxnTaxDetail.TotalTax` = the sum of the orders' tax, so
 * QuickBooks books the store's tax, never its own recomputation (mapping.ts).
 *
 * Exactly once and refresh in place: the form is looked up by DocNumber and our reference in PrivateNote before
 * anything is posted (a crash between posting and recording, a retry, or a second run finds it), creates carry
 * `requestid`, and a changed summary is a **sparse update** of the same form with its current SyncToken (Intuit:
 * "sparse update": only the fields given change; a stale SyncToken is refused with 5010 and re-read). When the form's
 * kind must change (a day that was unpaid is paid later), the old one is voided (SalesReceipt, Invoice) or deleted
 * (RefundReceipt, CreditMemo: no void in the API) and the new one posted under the same number. An invoice's payments
 * are ours when their note names the summary and the account; a changed invoice has them deleted before the update
 * and made again after it (as in Xero: no edit under money), unchanged ones stay.
 * Payment: https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment (create, delete).
 */
import Big from 'big.js';
import { ok, type Outcome, type PostedDocument, type SummaryPosting } from '@/lib/sync/provider';
import type { DocumentLine } from '@/lib/sync/sales-document';
import type { SummaryLine, SummaryMoney } from '@/lib/sync/summary/daily-summary';
import { summaryParts } from '@/lib/sync/summary/summary-parts';
import type { CompanySettings } from './company';
import { failed } from './errors';
import { formBody, type Entity, type Tracking } from './mapping';
import { remoteIdOf, type TxnEntity } from './refs';
import type { QboPayment, QboTxn } from './wire';

export interface QuickBooksSummaryDeps {
  companySettings(): Promise<Outcome<CompanySettings>>;
  customerFor(document: { customer: SummaryPosting['customer']; currency: { code: string; scale: number; storeCurrency: string; exchangeRate: string } }): Promise<Outcome<string>>;
  lineItems(lines: readonly DocumentLine[]): Promise<Outcome<(line: DocumentLine) => string>>;
  trackingRef(): Promise<Outcome<Tracking>>;
  byDocNumbers(entity: TxnEntity, numbers: readonly string[]): Promise<Outcome<QboTxn[]>>;
  /** Creates one form under the key (requestid; looked up by DocNumber and reference after an uncertain answer). */
  createForm(entity: TxnEntity, build: (number: string) => Outcome<Record<string, unknown>>, number: string, reference: string, key: string, what: string): Promise<Outcome<PostedDocument>>;
  /** A sparse update of the form with its current SyncToken (5010 → re-read and retry). */
  update(entity: TxnEntity, id: string, body: Record<string, unknown>, key: string, what: string): Promise<Outcome<unknown>>;
  /** Void (SalesReceipt, Invoice) or delete (RefundReceipt, CreditMemo) a form. */
  remove(entity: TxnEntity, txn: QboTxn, key: string): Promise<Outcome<void>>;
  isVoided(txn: QboTxn): boolean;
  /** The payments linked to an invoice as QuickBooks has it now (the invoice read, its linked payments by Id). */
  paymentsOf(invoiceId: string): Promise<Outcome<QboPayment[]>>;
  /** One Payment applied to the invoice (requestid; after an uncertain answer, found by its note before it is sent again). */
  pay(invoice: { id: string; customerId: string; currency: string }, money: SummaryMoney, date: string, note: string, key: string): Promise<Outcome<void>>;
  deletePayment(payment: QboPayment, key: string): Promise<Outcome<void>>;
}

/** The summary's reference in PrivateNote's first line: names the day, currency and method (stable across versions). */
export const summaryReference = (posting: Pick<SummaryPosting, 'summary'>) =>
  `Daily summary ${posting.summary.key.date} ${posting.summary.key.currency} ${posting.summary.key.method}`;
/** The refund form's DocNumber: 21 characters at most with a two-digit ordinal ("SUM-20261101-USD-12-R"). */
export const refundNumberOf = (number: string) => `${number}-R`;

/** A summary line as a document line of one unit (a service item per kind and income account carries it). */
export const summaryDocumentLine = (l: SummaryLine): DocumentLine => ({
  kind: l.kind, sourceId: l.description, description: `${l.description} (${l.count} order${l.count === 1 ? '' : 's'})`, sku: null, itemId: null, options: [],
  quantity: '1', unitPrice: l.net, unitCost: null, discount: '0', net: l.net, tax: l.tax, gross: l.gross, account: l.account, taxCode: l.taxCode, taxLabel: l.taxLabel,
});

/** The form a part of the summary becomes, from the money on it (an invoice's payments per account); a refusal says why none fits. */
export function formFor(part: 'sales' | 'refunds', lines: readonly SummaryLine[], money: readonly SummaryMoney[]):
  { entity: TxnEntity; account: string | null; payments: SummaryMoney[] } | { refused: string } {
  const gross = lines.reduce((s, l) => s.plus(l.gross), new Big(0));
  const paid = money.reduce((s, m) => s.plus(m.amount), new Big(0));
  const accounts = [...new Set(money.filter((m) => !new Big(m.amount).eq(0)).map((m) => m.account))];
  if (paid.eq(0)) return { entity: part === 'sales' ? 'Invoice' : 'CreditMemo', account: null, payments: [] };
  if (accounts.length === 1 && paid.eq(gross)) return { entity: part === 'sales' ? 'SalesReceipt' : 'RefundReceipt', account: accounts[0]!, payments: [] };
  if (part === 'sales' && paid.gt(0) && paid.lte(gross)) {
    // One payment per account: what the day's orders paid into it.
    const per = new Map<string, Big>();
    for (const m of money) per.set(m.account, (per.get(m.account) ?? new Big(0)).plus(m.amount));
    const payments = [...per].filter(([, amount]) => !amount.eq(0)).sort(([a], [b]) => a.localeCompare(b))
      .map(([account, amount]) => ({ kind: 'gateway' as const, method: money.find((m) => m.account === account)!.method, account, amount: amount.toFixed(2) }));
    return { entity: 'Invoice', account: null, payments };
  }
  return {
    refused: `The day's ${part} of ${gross.toFixed(2)} were ${part === 'sales' ? 'paid' : 'paid back'} ${paid.toFixed(2)} through ${accounts.length} account${accounts.length === 1 ? '' : 's'} (${accounts.join(', ')}): ${part === 'sales' ? 'more than was sold' : 'QuickBooks summaries pay refunds back from one account in full, or not at all, for now'}.`,
  };
}

/** A summary payment's note: the summary's reference and the account, so a retry knows its own payments. */
export const paymentNoteOf = (reference: string, account: string) => `${reference}: paid into ${account}`;

const ALTERNATIVES: Record<'sales' | 'refunds', TxnEntity[]> = { sales: ['SalesReceipt', 'Invoice'], refunds: ['RefundReceipt', 'CreditMemo'] };

export async function postQuickBooksSummary(deps: QuickBooksSummaryDeps, input: SummaryPosting): Promise<Outcome<PostedDocument>> {
  const { summary } = input;
  const reference = summaryReference(input);
  const currency = { code: summary.key.currency, scale: summary.scale, storeCurrency: summary.storeCurrency, exchangeRate: summary.exchangeRate };
  const company = await deps.companySettings();
  if (!company.ok) return company;
  const companyValue = company.value;

  async function settle(part: 'sales' | 'refunds', number: string, lines: readonly SummaryLine[], money: readonly SummaryMoney[]): Promise<Outcome<PostedDocument | null>> {
    // What is there already: the forms of either kind with the number and our reference.
    const existing: Array<{ entity: TxnEntity; txn: QboTxn }> = [];
    for (const entity of ALTERNATIVES[part]) {
      const r = await deps.byDocNumbers(entity, [number]);
      if (!r.ok) return r;
      for (const txn of r.value) if (!deps.isVoided(txn) && (txn.PrivateNote ?? '').split('\n')[0] === reference) existing.push({ entity, txn });
    }
    if (lines.length === 0) {
      for (const e of existing) {
        const removed = await deps.remove(e.entity, e.txn, `${input.idempotencyKey}:${part}:remove:${e.txn.Id}`);
        if (!removed.ok) return removed;
      }
      return ok(null);
    }
    const form = formFor(part, lines, money);
    if ('refused' in form) return failed({ kind: 'validation', message: `Summary ${input.number}: ${form.refused}`, fields: [{ field: 'DepositToAccountRef', message: form.refused }] });
    const docLines = lines.map(summaryDocumentLine);
    const [customer, items, tracking] = [await deps.customerFor({ customer: input.customer, currency }), await deps.lineItems(docLines), await deps.trackingRef()];
    if (!customer.ok) return customer;
    if (!items.ok) return items;
    if (!tracking.ok) return tracking;
    const build = (docNumber: string): Outcome<Record<string, unknown>> => {
      const body = formBody(
        { lines: docLines, currency, amountsAre: 'exclusive', date: summary.key.date, number: docNumber, note: `${reference}\n${input.description}` },
        { entity: form.entity as Entity, company: companyValue, customerId: customer.value, itemOf: items.value, tracking: tracking.value, ...(form.account ? { depositAccount: form.account } : {}) },
      );
      if (body.ok && form.entity === 'Invoice') body.value.DueDate = summary.key.date;
      if (body.ok && form.account) body.value.PaymentRefNum = summary.key.method.slice(0, 21);
      return body;
    };
    const same = existing.find((e) => e.entity === form.entity);
    const invoiceMoney = async (txn: QboTxn, changed: boolean): Promise<Outcome<void>> => {
      if (form.entity !== 'Invoice') return ok(undefined);
      const linked = await deps.paymentsOf(txn.Id);
      if (!linked.ok) return linked;
      const ours = linked.value.filter((p) => (p.PrivateNote ?? '').startsWith(`${reference}: paid into `));
      const matches = (p: QboPayment, m: SummaryMoney) => p.PrivateNote === paymentNoteOf(reference, m.account) && p.TotalAmt !== undefined && new Big(p.TotalAmt).eq(m.amount);
      for (const p of ours) {
        if (changed || !form.payments.some((m) => matches(p, m))) {
          const d = await deps.deletePayment(p, `${input.idempotencyKey}:${part}:unpay:${p.Id}`);
          if (!d.ok) return d;
        }
      }
      for (const m of form.payments) {
        if (!changed && ours.some((p) => matches(p, m))) continue;
        const paid = await deps.pay({ id: txn.Id, customerId: customer.value, currency: currency.code }, m, summary.key.date, paymentNoteOf(reference, m.account), `${input.idempotencyKey}:${part}:${changed ? 'repay' : 'pay'}:${m.account}`);
        if (!paid.ok) return paid;
      }
      return ok(undefined);
    };
    // A form of the other kind (the day was unpaid, now paid): it goes, and the right one takes the number.
    for (const e of existing) {
      if (e === same) continue;
      const removed = await deps.remove(e.entity, e.txn, `${input.idempotencyKey}:${part}:remove:${e.txn.Id}`);
      if (!removed.ok) return removed;
    }
    if (same) {
      const body = build(same.txn.DocNumber ?? number);
      if (!body.ok) return body;
      const gross = lines.reduce((s, l) => s.plus(l.gross), new Big(0));
      const tax = lines.reduce((s, l) => s.plus(l.tax), new Big(0));
      const note = (same.txn.PrivateNote ?? '').split('\n').slice(1).join('\n');
      // Already as wanted (a retry of this version, or a run that raced this one): left alone.
      if (same.txn.TotalAmt !== undefined && new Big(same.txn.TotalAmt).eq(gross) && new Big(same.txn.TxnTaxDetail?.TotalTax ?? '0').eq(tax) && note === input.description) {
        const settled = await invoiceMoney(same.txn, false);
        if (!settled.ok) return settled;
        return ok({ remoteId: remoteIdOf(form.entity, same.txn.Id), number: same.txn.DocNumber ?? number, created: false });
      }
      // Payments first: the invoice is changed with no money on it, then paid again.
      if (form.entity === 'Invoice') {
        const linked = await deps.paymentsOf(same.txn.Id);
        if (!linked.ok) return linked;
        for (const p of linked.value.filter((x) => (x.PrivateNote ?? '').startsWith(`${reference}: paid into `))) {
          const d = await deps.deletePayment(p, `${input.idempotencyKey}:${part}:unpay:${p.Id}`);
          if (!d.ok) return d;
        }
      }
      const { DocNumber: _n, ...rest } = body.value;
      const updated = await deps.update(form.entity, same.txn.Id, { ...rest, sparse: true }, `${input.idempotencyKey}:${part}:update`, `Updating summary ${form.entity} ${number}`);
      if (!updated.ok) return updated;
      const settled = await invoiceMoney(same.txn, true);
      if (!settled.ok) return settled;
      return ok({ remoteId: remoteIdOf(form.entity, same.txn.Id), number: same.txn.DocNumber ?? number, created: false });
    }
    const posted = await deps.createForm(form.entity, build, number, reference, `${input.idempotencyKey}:${part}`, `Posting summary ${number} to QuickBooks`);
    if (!posted.ok || form.entity !== 'Invoice') return posted;
    // A new invoice (or one a lost answer created): its payments, those already there kept.
    const settled = await invoiceMoney({ Id: posted.value.remoteId.split(':')[1]!, SyncToken: '0' }, false);
    if (!settled.ok) return settled;
    return posted;
  }

  const parts = summaryParts(summary);
  if ('refused' in parts) return failed({ kind: 'validation', message: `Summary ${input.number}: ${parts.refused}` });
  const sales = await settle('sales', input.number, parts.sales.lines, parts.sales.money);
  if (!sales.ok) return sales;
  const refunds = await settle('refunds', refundNumberOf(input.number), parts.refunds.lines, parts.refunds.money);
  if (!refunds.ok) return refunds;
  const main = sales.value ?? refunds.value;
  if (!main) return failed({ kind: 'validation', message: `Summary ${input.number} has no sales and no refunds to post.` });
  return ok({ remoteId: main.remoteId, number: input.number, created: main.created });
}
