/**
 * Daily summary mode in Xero (`postSummary`, lib/sync/summary): a day's summary for one currency and payment method is
 * an ACCREC invoice (its sales lines) paid into the method's clearing accounts, and the day's refunds an ACCRECCREDIT
 * credit note of their own (`<number>-CR`) paid out of them (Xero's "cash refund", a payment on the credit note), both
 * to the summary contact ("Online sales — Credit Card").
 *
 * Lines: one per summary line (kind, account, tax rate, tracking), one unit of its net, TaxAmount = the summed tax
 * BigCommerce charged (Xero uses a line's TaxAmount as sent: "This value can be overriden if the calculated
 * <TaxAmount> is not correct", https://developer.xero.com/documentation/api/accounting/invoices#post-invoices), so the
 * invoice's TotalTax is the sum of the orders' tax to the cent with no rounding line; the totals are checked before
 * sending (a mismatch is a bug and throws).
 *
 * Late reductions (negative `edit` lines, money paid back): Xero refuses a document with a negative total, so a day whose
 * sales are net negative is booked negated on the credit note, and with one document left the day's money is netted per
 * account onto it (lib/sync/summary/summary-parts.ts).
 *
 * Exactly once: the invoice and credit note are looked up by number (and our Reference) before anything is posted,
 * as the per-order path does after an uncertain answer: a crash between posting and recording, a retry under the same
 * key, or a second run all find the documents and bring them to the summary's content instead of posting again. Every
 * create carries the caller's key (suffixed per document and payment) as `Idempotency-Key`.
 *
 * Refresh in place (an open day whose orders changed, `replaces` set): Xero refuses to edit a document with a payment
 * ("This document cannot be edited as it has a payment or credit note allocated to it", Xero-NetStandard#84), and
 * payments themselves cannot be edited, only deleted (`POST /Payments/{id} {"Status":"DELETED"}`, xero-node#178;
 * Xero's MattR-Api in xero-php-oauth2#91: "you must delete any payments applied to your Invoices/credit notes, then
 * create a new one with the updated details"). So a changed summary deletes its payments, updates the document
 * (`POST /Invoices/{id}` with the new lines, number kept), and pays it again; an unchanged one is left alone. A
 * payment reconciled against a bank line in Xero cannot be deleted: Xero's refusal is returned as it is.
 */
import Big from 'big.js';
import { createHash } from 'node:crypto';
import { ok, type Outcome, type PostedDocument, type SummaryPosting } from '@/lib/sync/provider';
import type { SummaryLine, SummaryMoney } from '@/lib/sync/summary/daily-summary';
import { summaryParts } from '@/lib/sync/summary/summary-parts';
import { ensureContact, type ContactDeps } from './contacts';
import { elementErrors, failed, failureOf, isDocumentLocked, isDuplicateInvoiceNumber, isUncertain, validationFailure } from './errors';
import type { XeroApi } from './http';
import { xeroLine, xeroTotals, type InvoiceStatus, type TrackingOption, type XeroLineBody } from './mapping';
import { decimal, envelopes, type XeroCreditNote, type XeroInvoice } from './wire';

export interface XeroSummaryDeps {
  api: XeroApi;
  contacts: ContactDeps;
  /** `posting.approval` (xeroPostingOptions): DRAFT leaves the summaries for review, without payments (Xero pays approved documents only). */
  status: InvoiceStatus;
  tracking: TrackingOption | null;
  /** Xero's CurrencyRate for the summary's currency, or null for Xero's daily rate (the provider's rule). */
  currencyRate(currency: { code: string; storeCurrency: string; exchangeRate: string; scale: number }): Promise<Outcome<string | null>>;
}

type Kind = 'invoice' | 'credit';
const SPEC = {
  invoice: { path: '/Invoices', key: 'Invoices', id: 'InvoiceID', number: 'InvoiceNumber', numbers: 'InvoiceNumbers', type: 'ACCREC', name: 'invoice' },
  credit: { path: '/CreditNotes', key: 'CreditNotes', id: 'CreditNoteID', number: 'CreditNoteNumber', numbers: 'CreditNoteNumbers', type: 'ACCRECCREDIT', name: 'credit note' },
} as const;
type XeroDoc = XeroInvoice & XeroCreditNote;

const KEY_MAX = 128;
/** The caller's key with a suffix, hashed when longer than Xero's 128 characters. */
const keyOf = (key: string, suffix: string) => {
  const full = `${key}:${suffix}`;
  return full.length <= KEY_MAX ? full : `sum:${createHash('sha256').update(full).digest('hex')}`;
};

/** The summary's Reference: names the day, currency and method (stable across versions; the lookup checks it). */
export const summaryReference = (posting: Pick<SummaryPosting, 'summary'>) =>
  `Daily summary ${posting.summary.key.date} ${posting.summary.key.currency} ${posting.summary.key.method}`.slice(0, 255);
export const creditNumberOf = (number: string) => `${number}-CR`;

/** A summary line as one Xero line of one unit: LineAmount = net (Exclusive), TaxAmount = the orders' tax. */
export function summaryLines(lines: readonly SummaryLine[], tracking: TrackingOption | null): Outcome<XeroLineBody[]> {
  const out: XeroLineBody[] = [];
  for (const l of lines) {
    const m = xeroLine(
      {
        kind: l.kind, sourceId: l.description, description: `${l.description} (${l.count} order${l.count === 1 ? '' : 's'})`, sku: null, itemId: null, options: [],
        quantity: '1', unitPrice: l.net, unitCost: null, discount: '0', net: l.net, tax: l.tax, gross: l.gross, account: l.account, taxCode: l.taxCode, taxLabel: l.taxLabel,
      },
      'Exclusive',
      { allowDiscount: false, tracking: l.tracking ?? tracking },
    );
    if (!m.ok) return m;
    out.push(m.value);
  }
  return ok(out);
}

/**
 * Whether the document holds exactly these lines (description, account, amounts, and the tax rate where we name one:
 * Xero gives an untaxed line its account's default rate).
 */
function sameLines(current: readonly Record<string, unknown>[] | undefined, wanted: readonly XeroLineBody[]): boolean {
  const left = [...(current ?? [])];
  if (left.length !== wanted.length) return false;
  for (const w of wanted) {
    const i = left.findIndex((l) =>
      String(l.Description ?? '') === w.Description && String(l.AccountCode ?? '') === w.AccountCode
      && new Big(String(l.LineAmount ?? '0')).eq(w.LineAmount.__decimal) && new Big(String(l.TaxAmount ?? '0')).eq(w.TaxAmount.__decimal)
      && (w.TaxType === undefined || l.TaxType === w.TaxType));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

/** A payment's reference: the summary number and the account, so a retry recognises its own payments. */
const paymentReference = (number: string, money: SummaryMoney) => `${number} ${money.method} ${money.account}`.slice(0, 255);

export async function postXeroSummary(deps: XeroSummaryDeps, input: SummaryPosting): Promise<Outcome<PostedDocument>> {
  const { api } = deps;
  const { summary } = input;
  const reference = summaryReference(input);
  const date = summary.key.date;

  async function lookup(kind: Kind, number: string): Promise<Outcome<{ mine: XeroDoc | null; taken: boolean }>> {
    const spec = SPEC[kind];
    const sent = await api.send({ method: 'GET', path: spec.path, query: { [spec.numbers]: number, unitdp: '4' } });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind !== 'response' || reply.status !== 200) return failed(failureOf(reply, `Looking up the summary ${spec.name} ${number}`));
    const docs = (kind === 'invoice' ? envelopes.invoices.parse(reply.json).Invoices : envelopes.creditNotes.parse(reply.json).CreditNotes) as XeroDoc[];
    const numbered = docs.filter((d) => d.Type === spec.type && d[spec.number] === number && d.Status !== 'DELETED');
    const mine = numbered.find((d) => d.Status !== 'VOIDED' && d.Reference === reference) ?? null;
    return ok({ mine, taken: numbered.some((d) => d !== mine && d.Status !== 'VOIDED') });
  }

  async function read(kind: Kind, id: string): Promise<Outcome<XeroDoc | null>> {
    const spec = SPEC[kind];
    const sent = await api.send({ method: 'GET', path: `${spec.path}/${encodeURIComponent(id)}`, query: { unitdp: '4' } });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind === 'response' && reply.status === 404) return ok(null);
    if (reply.kind !== 'response' || reply.status !== 200) return failed(failureOf(reply, `Reading the summary ${spec.name}`));
    const docs = (kind === 'invoice' ? envelopes.invoices.parse(reply.json).Invoices : envelopes.creditNotes.parse(reply.json).CreditNotes) as XeroDoc[];
    return ok(docs[0] ?? null);
  }

  async function deletePayment(id: string, key: string): Promise<Outcome<void>> {
    const sent = await api.send({ method: 'POST', path: `/Payments/${encodeURIComponent(id)}`, body: { Payments: [{ Status: 'DELETED' }] }, idempotencyKey: key });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind === 'response' && reply.status === 200) {
      const element = envelopes.payments.parse(reply.json).Payments[0];
      const errors = element ? elementErrors(element) : [];
      if (errors.length && !errors.some((m) => /already been deleted/i.test(m))) return failed(validationFailure(errors, 'Xero refused to delete a payment of the summary'));
      return ok(undefined);
    }
    if (reply.kind === 'response' && reply.status === 400) {
      const failure = failureOf(reply, 'Deleting a payment of the summary');
      if (failure.kind === 'validation' && /already been deleted/i.test(failure.message)) return ok(undefined);
      return failed(failure);
    }
    return failed(failureOf(reply, 'Deleting a payment of the summary'));
  }

  async function pay(kind: Kind, docId: string, number: string, money: SummaryMoney, key: string): Promise<Outcome<void>> {
    const target = kind === 'invoice' ? { Invoice: { InvoiceID: docId } } : { CreditNote: { CreditNoteID: docId } };
    const body = { ...target, Account: { Code: money.account }, Date: date, Amount: decimal(money.amount), Reference: paymentReference(number, money) };
    const sent = await api.send({ method: 'PUT', path: '/Payments', query: { summarizeErrors: 'false' }, body: { Payments: [body] }, idempotencyKey: key });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind !== 'response' || reply.status !== 200) return failed(failureOf(reply, `Paying the summary ${SPEC[kind].name} ${number}`));
    const element = envelopes.payments.parse(reply.json).Payments[0];
    const errors = element ? elementErrors(element) : ['no payment returned'];
    return errors.length ? failed(validationFailure(errors, `Xero refused the payment of ${money.amount} to account ${money.account} on ${number}`)) : ok(undefined);
  }

  /**
   * One of the two documents brought to `lines` and `money`: created when absent (after the lookup), left alone when it
   * already holds them, else its payments deleted, its lines replaced and paid again; voided when the summary has no
   * such lines any more. Returns the document's id, or null when there is none.
   */
  async function settle(kind: Kind, number: string, lines: readonly SummaryLine[], money: readonly SummaryMoney[], contactId: () => Promise<Outcome<string>>, rate: string | null): Promise<Outcome<{ id: string; created: boolean } | null>> {
    const spec = SPEC[kind];
    const wanted = lines.length ? summaryLines(lines, deps.tracking) : ok<XeroLineBody[]>([]);
    if (!wanted.ok) return wanted;
    if (wanted.value.length) {
      const totals = xeroTotals(wanted.value, 'Exclusive');
      const expected = lines.reduce((s, l) => ({ gross: s.gross.plus(l.gross), tax: s.tax.plus(l.tax) }), { gross: new Big(0), tax: new Big(0) });
      if (!totals.total.eq(expected.gross) || !totals.tax.eq(expected.tax)) throw new Error(`Xero summary ${number} would total ${totals.total}/${totals.tax}, the summary ${expected.gross}/${expected.tax}`);
    }
    const paidWith = deps.status === 'DRAFT' ? [] : money.filter((m) => new Big(m.amount).gt(0));
    const found = await lookup(kind, number);
    if (!found.ok) return found;
    let current = found.value.mine;
    if (!current && found.value.taken) return failed({ kind: 'duplicate', message: `The ${spec.name} number ${number} is already used in Xero by another document.` });
    // The lookup's answer may omit lines: read the document itself when it is to be compared.
    if (current?.[spec.id]) {
      const full = await read(kind, String(current[spec.id]));
      if (!full.ok) return full;
      current = full.value;
    }
    const payments = (current?.Payments ?? []) as Array<{ PaymentID: string; Amount?: string; Reference?: string }>;
    if (current && wanted.value.length === 0) {
      // Nothing of this kind any more (the day's only refund undone, every order cancelled): the document goes.
      for (const p of payments) {
        const d = await deletePayment(p.PaymentID, keyOf(input.idempotencyKey, `${kind}:unpay:${p.PaymentID}`));
        if (!d.ok) return d;
      }
      const sent = await api.send({ method: 'POST', path: `${spec.path}/${encodeURIComponent(String(current[spec.id]))}`, body: { [spec.key]: [{ [spec.id]: current[spec.id], Status: current.Status === 'AUTHORISED' ? 'VOIDED' : 'DELETED' }] }, idempotencyKey: keyOf(input.idempotencyKey, `${kind}:void`) });
      if (!sent.ok) return sent;
      if (sent.value.kind !== 'response' || sent.value.status !== 200) return failed(failureOf(sent.value, `Voiding the summary ${spec.name} ${number}`));
      return ok(null);
    }
    if (wanted.value.length === 0) return ok(null);
    const paymentsMatch = payments.length === paidWith.length
      && paidWith.every((m) => payments.some((p) => p.Reference === paymentReference(number, m) && p.Amount !== undefined && new Big(p.Amount).eq(m.amount)));
    const sameContent = !!current && sameLines(current.LineItems as Record<string, unknown>[] | undefined, wanted.value) && (deps.status === 'DRAFT' ? current.Status === 'DRAFT' : current.Status === 'AUTHORISED' || current.Status === 'PAID');
    if (current && sameContent && paymentsMatch) return ok({ id: String(current[spec.id]), created: false });

    const body: Record<string, unknown> = {
      Type: spec.type,
      [spec.number]: number,
      Reference: reference,
      Date: date,
      LineAmountTypes: 'Exclusive',
      CurrencyCode: summary.key.currency,
      Status: deps.status,
      LineItems: wanted.value,
      ...(kind === 'invoice' ? { DueDate: date } : {}),
      ...(rate ? { CurrencyRate: decimal(rate) } : {}),
    };
    let id: string;
    let created = false;
    if (current) {
      id = String(current[spec.id]);
      if (!sameContent) {
        // Payments first: Xero edits no document with money on it.
        for (const p of payments) {
          const d = await deletePayment(p.PaymentID, keyOf(input.idempotencyKey, `${kind}:unpay:${p.PaymentID}`));
          if (!d.ok) return d;
        }
        const { Type: _type, Status: _status, ...edit } = body;
        const sent = await api.send({ method: 'POST', path: `${spec.path}/${encodeURIComponent(id)}`, query: { summarizeErrors: 'false', unitdp: '4' }, body: { [spec.key]: [{ [spec.id]: id, ...edit }] }, idempotencyKey: keyOf(input.idempotencyKey, `${kind}:edit`) });
        if (!sent.ok) return sent;
        const reply = sent.value;
        if (reply.kind !== 'response' || reply.status !== 200) {
          const failure = failureOf(reply, `Updating the summary ${spec.name} ${number}`);
          if (failure.kind === 'validation' && isDocumentLocked([failure.message])) return failed({ kind: 'locked', message: failure.message });
          return failed(failure);
        }
        const element = (kind === 'invoice' ? envelopes.invoices.parse(reply.json).Invoices : envelopes.creditNotes.parse(reply.json).CreditNotes)[0];
        const errors = element ? elementErrors(element) : [];
        if (errors.length) return failed(isDocumentLocked(errors) ? { kind: 'locked', message: errors.join(' ') } : validationFailure(errors, `Xero refused to update the summary ${spec.name} ${number}`));
      }
    } else {
      const contact = await contactId();
      if (!contact.ok) return contact;
      const sent = await api.send({ method: 'PUT', path: spec.path, query: { summarizeErrors: 'false', unitdp: '4' }, body: { [spec.key]: [{ ...body, Contact: { ContactID: contact.value } }] }, idempotencyKey: keyOf(input.idempotencyKey, kind) });
      if (!sent.ok) return sent;
      const reply = sent.value;
      const element = reply.kind === 'response' && reply.status === 200
        ? ((kind === 'invoice' ? envelopes.invoices.parse(reply.json).Invoices : envelopes.creditNotes.parse(reply.json).CreditNotes)[0] as XeroDoc | undefined)
        : undefined;
      const errors = element ? elementErrors(element) : [];
      if (element?.[spec.id] && errors.length === 0) {
        id = String(element[spec.id]);
        created = true;
      } else if (isUncertain(reply) || isDuplicateInvoiceNumber(errors) || (reply.kind === 'response' && reply.status === 400 && /Idempotency/i.test(reply.text))) {
        // Another run of this summary got there first, or the answer was lost: it is ours if the number and Reference say so.
        const again = await lookup(kind, number);
        if (!again.ok) return again;
        if (!again.value.mine?.[spec.id]) {
          return failed(isDuplicateInvoiceNumber(errors) ? { kind: 'duplicate', message: `The ${spec.name} number ${number} is already used in Xero by another document.` } : failureOf(reply, `Posting the summary ${spec.name} ${number}`));
        }
        return settle(kind, number, lines, money, contactId, rate);
      } else if (errors.length) {
        return failed(validationFailure(errors, `Xero refused the summary ${spec.name} ${number}`));
      } else {
        return failed(failureOf(reply, `Posting the summary ${spec.name} ${number}`));
      }
    }
    // The payments: those already there with our reference and amount stay (a retry), the rest are made.
    const fresh = created || !sameContent ? [] : payments;
    for (const p of fresh) {
      if (!paidWith.some((m) => p.Reference === paymentReference(number, m) && p.Amount !== undefined && new Big(p.Amount).eq(m.amount))) {
        const d = await deletePayment(p.PaymentID, keyOf(input.idempotencyKey, `${kind}:unpay:${p.PaymentID}`));
        if (!d.ok) return d;
      }
    }
    for (const [i, m] of paidWith.entries()) {
      if (fresh.some((p) => p.Reference === paymentReference(number, m) && p.Amount !== undefined && new Big(p.Amount).eq(m.amount))) continue;
      // After an edit the earlier payments of this version were deleted: the new ones need keys of their own.
      const paid = await pay(kind, id, number, m, keyOf(input.idempotencyKey, `${kind}:${created || sameContent ? 'pay' : 'repay'}:${i}`));
      if (!paid.ok) return paid;
    }
    return ok({ id, created });
  }

  let contact: string | null = null;
  const contactId = async (): Promise<Outcome<string>> => {
    if (contact) return ok(contact);
    const c = await ensureContact(deps.contacts, input.customer, keyOf(input.idempotencyKey, 'contact'));
    if (!c.ok) return c;
    contact = c.value.ContactID ?? '';
    return ok(contact);
  };
  const rate = await deps.currencyRate({ code: summary.key.currency, storeCurrency: summary.storeCurrency, exchangeRate: summary.exchangeRate, scale: summary.scale });
  if (!rate.ok) return rate;
  // A day whose sales are net negative (late reductions) is booked on the credit note; one document left takes the
  // day's money netted per account (summary-parts.ts).
  const parts = summaryParts(summary);
  if ('refused' in parts) return failed({ kind: 'validation', message: `Summary ${input.number}: ${parts.refused}` });
  const invoice = await settle('invoice', input.number, parts.sales.lines, parts.sales.money, contactId, rate.value);
  if (!invoice.ok) return invoice;
  const credit = await settle('credit', creditNumberOf(input.number), parts.refunds.lines, parts.refunds.money, contactId, rate.value);
  if (!credit.ok) return credit;
  const main = invoice.value ?? credit.value;
  if (!main) return failed({ kind: 'validation', message: `Summary ${input.number} has no sales and no refunds to post.` });
  return ok({ remoteId: main.id, number: input.number, created: main.created });
}
