/**
 * Daily summary mode in QuickBooks Online as a journal entry (`posting.summaryDocument` = `journal`): one JournalEntry
 * per summary (day, currency, payment method) instead of the sales forms of ./summary.ts.
 *
 * Intuit's JournalEntry (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/journalentry;
 * the field definitions as Intuit's SDK carries them, intuit/QuickBooks-V3-PHP-SDK src/Data/IPPJournalEntry.php and
 * IPPJournalEntryLineDetail.php): "Accounting transaction, consists of journal lines, each of which is either a debit
 * or a credit. The total of the debits must equal the total of the credits." Each line is
 * `{DetailType: "JournalEntryLineDetail", Amount, Description, JournalEntryLineDetail: {PostingType: Debit|Credit,
 * AccountRef, Entity?, ClassRef?, DepartmentRef?}}`; amounts are never negative (a negative amount is the other
 * posting type: Intuit's QuickBooks journal docs, "DO NOT supply negative sign for the monetary amounts").
 *
 * Lines, the summary's own decimals, never recomputed:
 * - each clearing account debited by what was paid into it, credited by what was paid back out of it;
 * - each summary sales line (revenue account, tax rate, kind) credited by its net, the rate named in its description;
 *   a negative line (a discount, or a late change that reduced an order of a closed day) is a debit;
 * - the tax, one line per tax rate, credited to the company's sales tax liability account (AccountSubType
 *   SalesTaxPayable or GlobalTaxPayable) by the tax BigCommerce charged, to the cent;
 * - the day's refunds as the same lines reversed;
 * - what is left (sales not paid: a debit; refunds not paid back: a credit) on Accounts Receivable with the summary
 *   customer as the line's Entity. AR lines need a customer (Intuit's JournalEntryLineDetail.Entity: "the Entity
 *   (Customer/Vendor/Employee) associated with the JournalEntry line"; integrators quoting QuickBooks: "when posting
 *   to the Account Receivable account you must have a Customer"). So, unlike Xero's manual journal, a day with an
 *   unpaid part, or a refund left as the shopper's credit, can be a journal.
 * Tax codes on journal lines: Intuit documents JournalEntryLineDetail.TaxCodeRef for "Non US/CA Companies" only (and
 * TaxRateRef for CA), with TaxApplicableOn and TaxAmount, but not how the tax it adds balances the entry; in a US
 * company a journal line takes no tax code. So the tax is posted as lines of its own on the tax liability account in
 * every company (as the Xero journal does): the books hold the store's tax to the cent; the cost is that QuickBooks'
 * sales tax centre and VAT/GST return do not see a journal's tax by rate (a merchant who files from QuickBooks keeps
 * the sales documents).
 *
 * Currency: a summary in another currency than the company's home currency is posted in its currency
 * (`CurrencyRef`, with `ExchangeRate` = home-currency units per unit, as the sales forms: mapping.ts exchangeRateOf)
 * when multicurrency is on (Intuit's JournalEntry: CurrencyRef and ExchangeRate "valid only if the company file is set
 * up to use Multi-Currency"), refused with a message otherwise. Its AR line uses the Accounts Receivable account in
 * that currency (QuickBooks keeps one per currency once multicurrency is on).
 *
 * Refused with a message (held, nothing posted): a line on Accounts Payable (needs a vendor: a gift certificate mapped
 * to it), a summary with tax when the company has no tax liability account, an unpaid part with no Accounts Receivable
 * account in the summary's currency, and a day already posted as sales forms (switched on an open day: it stays).
 *
 * Exactly once: DocNumber = the summary number (≤ 21 characters), PrivateNote's first line our reference; it is looked
 * up by DocNumber and reference before anything is posted; the create carries `requestid` and, after an uncertain
 * answer, is looked up again before it is sent again (provider.ts createForm). Refresh in place: a changed summary is a
 * sparse update of the same JournalEntry with its current SyncToken (its Line array replaces every line); an unchanged
 * one is left alone.
 */
import Big from 'big.js';
import { ok, type BooksDocument, type Outcome, type PostedDocument, type SummaryPosting } from '@/lib/sync/provider';
import type { DailySummary } from '@/lib/sync/summary/daily-summary';
import { journalHasSales, signedSummaryJournal, summaryJournalParts } from '@/lib/sync/summary/summary-journal';
import type { CompanySettings } from './company';
import { failed } from './errors';
import { checkCurrency, checkDocNumber, exchangeRateOf, type Tracking } from './mapping';
import type { TxnEntity } from './refs';
import { refundNumberOf, summaryReference } from './summary';
import { decimal, type QboTxn, type WireDecimal } from './wire';

/** The accounts the journal needs to know about: the chart as QuickBooks lists it. */
export interface JournalAccount {
  Id: string;
  Name: string;
  AccountType?: string;
  AccountSubType?: string;
  /** Multicurrency companies: the account's currency (Accounts Receivable has one per currency). */
  currency?: string;
  active: boolean;
}

export interface QboJournalLine {
  DetailType: 'JournalEntryLineDetail';
  Amount: WireDecimal;
  Description: string;
  JournalEntryLineDetail: {
    PostingType: 'Debit' | 'Credit';
    AccountRef: { value: string };
    Entity?: { Type: 'Customer'; EntityRef: { value: string } };
    ClassRef?: { value: string };
    DepartmentRef?: { value: string };
  };
}

const TAX_SUBTYPES = new Set(['SalesTaxPayable', 'GlobalTaxPayable']);

/** The company's sales tax liability account (active, SalesTaxPayable or GlobalTaxPayable), or null. */
export const taxAccountOf = (accounts: readonly JournalAccount[]) => accounts.find((a) => a.active && a.AccountSubType && TAX_SUBTYPES.has(a.AccountSubType))?.Id ?? null;

/** The Accounts Receivable account in `currency` (one without a currency counts as the home currency's). */
export function receivableOf(accounts: readonly JournalAccount[], currency: string, home: string): string | null {
  const ar = accounts.filter((a) => a.active && a.AccountType === 'Accounts Receivable');
  return (ar.find((a) => (a.currency ?? home) === currency) ?? null)?.Id ?? null;
}

/**
 * The journal entry's lines for a summary, or why it cannot be one. Pure. `customerId` is the summary customer (the AR
 * line's Entity); `receivable` the AR account in the summary's currency (null: an unpaid part is refused).
 */
export function summaryJournalEntryLines(
  summary: DailySummary,
  number: string,
  options: { accounts: readonly JournalAccount[]; receivable: string | null; customerId: string; tracking: Tracking },
): Outcome<QboJournalLine[]> {
  const taxAccount = taxAccountOf(options.accounts);
  const byId = new Map(options.accounts.map((a) => [a.Id, a]));
  const signed = signedSummaryJournal(summary, taxAccount);
  if (!signed.ok) return failed({ kind: 'validation', message: `Summary ${number} has tax to post, and the QuickBooks company has no sales tax liability account (an Other Current Liability of detail type Sales Tax Payable) for a journal entry to credit.` });
  // Signed: debits positive, credits negative (then written as amounts with a posting type).
  const out = signed.lines.map((l) => ({ Description: l.description, account: l.account, amount: l.amount, customer: false }));
  // What the money did not settle: owed by the summary customer (a debit), or owed to it (a credit).
  const rest = out.reduce((sum, l) => sum.plus(l.amount), new Big(0)).times(-1);
  if (!rest.eq(0)) {
    if (!options.receivable) {
      return failed({ kind: 'validation', message: `Summary ${number} has ${rest.abs().toFixed(summary.scale)} ${rest.gt(0) ? 'unpaid' : 'not paid back'}, and the QuickBooks company has no Accounts Receivable account in ${summary.key.currency} for it. Post summaries as sales documents (Order rules › Posting mode), or add the account in QuickBooks.` });
    }
    out.push({ Description: rest.gt(0) ? 'Not yet paid (owed by the summary customer)' : 'Not paid back (owed to the summary customer)', account: options.receivable, amount: rest, customer: true });
  }
  const lines = out.filter((l) => !l.amount.eq(0));
  if (lines.length === 0) return failed({ kind: 'validation', message: `Summary ${number} has no sales and no refunds to post.` });
  for (const l of lines) {
    const a = byId.get(l.account);
    if (a && a.AccountType === 'Accounts Payable') {
      return failed({ kind: 'validation', message: `Summary ${number} cannot be a journal entry: its line "${l.Description}" is on account ${a.Name}, an Accounts Payable account, which needs a vendor on each journal line. Map it to another account, or post summaries as sales documents (Order rules › Posting mode).` });
    }
  }
  const classId = options.tracking?.category === 'Class' ? options.tracking.optionId : null;
  const departmentId = options.tracking?.category === 'Department' ? options.tracking.optionId : null;
  return ok(lines.map((l) => ({
    DetailType: 'JournalEntryLineDetail',
    Amount: decimal(l.amount.abs().toFixed(summary.scale)),
    Description: l.Description.slice(0, 4000),
    JournalEntryLineDetail: {
      PostingType: l.amount.gt(0) ? 'Debit' : 'Credit',
      AccountRef: { value: l.account },
      ...(l.customer ? { Entity: { Type: 'Customer' as const, EntityRef: { value: options.customerId } } } : {}),
      ...(classId ? { ClassRef: { value: classId } } : {}),
      ...(departmentId ? { DepartmentRef: { value: departmentId } } : {}),
    },
  })));
}

/** Whether a JournalEntry read back holds exactly these lines (posting type, account, amount, description). */
export function sameJournalLines(current: QboTxn, wanted: readonly QboJournalLine[]): boolean {
  const left = [...(current.Line ?? [])].map((l) => l as Record<string, unknown>);
  if (left.length !== wanted.length) return false;
  for (const w of wanted) {
    const i = left.findIndex((l) => {
      const d = (l.JournalEntryLineDetail ?? {}) as { PostingType?: string; AccountRef?: { value?: string }; Entity?: { EntityRef?: { value?: string } } };
      return d.PostingType === w.JournalEntryLineDetail.PostingType && d.AccountRef?.value === w.JournalEntryLineDetail.AccountRef.value
        && (d.Entity?.EntityRef?.value ?? null) === (w.JournalEntryLineDetail.Entity?.EntityRef.value ?? null)
        && String(l.Description ?? '') === w.Description && new Big(String(l.Amount ?? '0')).eq(w.Amount.__decimal);
    });
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

export interface QuickBooksJournalDeps {
  companySettings(): Promise<Outcome<CompanySettings>>;
  accounts(): Promise<Outcome<JournalAccount[]>>;
  customerFor(document: { customer: SummaryPosting['customer']; currency: { code: string; scale: number; storeCurrency: string; exchangeRate: string } }): Promise<Outcome<string>>;
  trackingRef(): Promise<Outcome<Tracking>>;
  byDocNumbers(entity: TxnEntity, numbers: readonly string[]): Promise<Outcome<QboTxn[]>>;
  createForm(entity: TxnEntity, build: (number: string) => Outcome<Record<string, unknown>>, number: string, reference: string, key: string, what: string): Promise<Outcome<PostedDocument>>;
  update(entity: TxnEntity, id: string, body: Record<string, unknown>, key: string, what: string): Promise<Outcome<unknown>>;
  isVoided(txn: QboTxn): boolean;
}

const SALES_FORMS: TxnEntity[] = ['SalesReceipt', 'Invoice', 'RefundReceipt', 'CreditMemo'];
const ours = (reference: string) => (t: QboTxn) => (t.PrivateNote ?? '').split('\n')[0] === reference;

/** The live journal entry of this summary (DocNumber and our reference), or null. */
export async function findSummaryJournalEntry(deps: Pick<QuickBooksJournalDeps, 'byDocNumbers'>, input: SummaryPosting): Promise<Outcome<QboTxn | null>> {
  const found = await deps.byDocNumbers('JournalEntry', [input.number]);
  if (!found.ok) return found;
  return ok(found.value.find(ours(summaryReference(input))) ?? null);
}

/**
 * The sales path's guard on a refresh (`replaces` set) after a switch back from journals: a journal entry of this
 * summary means the day was posted as a journal and stays so (never both ways).
 */
export async function refuseIfPostedAsJournalEntry(deps: Pick<QuickBooksJournalDeps, 'byDocNumbers'>, input: SummaryPosting): Promise<Outcome<void>> {
  if (!input.replaces) return ok(undefined);
  const found = await findSummaryJournalEntry(deps, input);
  if (!found.ok) return found;
  if (!found.value) return ok(undefined);
  return failed({ kind: 'validation', message: `Summary ${input.number} was posted to QuickBooks as a journal entry before the switch to sales documents; that day stays as it was posted. Delete the journal entry in QuickBooks to post it as sales documents.` });
}

export async function postQuickBooksSummaryJournal(deps: QuickBooksJournalDeps, input: SummaryPosting): Promise<Outcome<PostedDocument>> {
  const { summary, number } = input;
  const reference = summaryReference(input);
  const company = await deps.companySettings();
  if (!company.ok) return company;
  const currencyOk = checkCurrency(summary.key.currency, company.value);
  if (!currencyOk.ok) return failed({ ...currencyOk.error, message: `Summary ${number}: ${currencyOk.error.message.replace(/^The order is/, 'it is')}` });
  const docNumber = checkDocNumber(number);
  if (!docNumber.ok) return docNumber;
  const currency = { code: summary.key.currency, scale: summary.scale, storeCurrency: summary.storeCurrency, exchangeRate: summary.exchangeRate };
  const [accounts, tracking] = [await deps.accounts(), await deps.trackingRef()];
  if (!accounts.ok) return accounts;
  if (!tracking.ok) return tracking;
  const receivable = receivableOf(accounts.value, summary.key.currency, company.value.homeCurrency);
  const lines = summaryJournalEntryLines(summary, number, { accounts: accounts.value, receivable, customerId: '', tracking: tracking.value });
  if (!lines.ok) return lines;
  // The summary customer only when a line is on A/R (a day paid in full names no customer, and makes none).
  const owed = lines.value.filter((l) => l.JournalEntryLineDetail.Entity);
  if (owed.length > 0) {
    const customer = await deps.customerFor({ customer: input.customer, currency });
    if (!customer.ok) return customer;
    for (const l of owed) l.JournalEntryLineDetail.Entity!.EntityRef.value = customer.value;
  }

  const found = await findSummaryJournalEntry(deps, input);
  if (!found.ok) return found;
  if (!found.value && input.replaces) {
    // Posted before as sales forms (the mode switched while the day was open): never both ways.
    for (const entity of SALES_FORMS) {
      const r = await deps.byDocNumbers(entity, entity === 'RefundReceipt' || entity === 'CreditMemo' ? [refundNumberOf(number)] : [number]);
      if (!r.ok) return r;
      if (r.value.some((t) => !deps.isVoided(t) && ours(reference)(t))) {
        return failed({ kind: 'validation', message: `Summary ${number} was posted to QuickBooks as sales documents before the switch to journals; that day stays as it was posted. Void or delete them in QuickBooks to post it as a journal entry.` });
      }
    }
  }
  const body = (doc: string): Record<string, unknown> => {
    const out: Record<string, unknown> = { DocNumber: doc, TxnDate: summary.key.date, PrivateNote: `${reference}\n${input.description}`.slice(0, 4000), Line: lines.value };
    if (company.value.multicurrency) {
      out.CurrencyRef = { value: summary.key.currency };
      const rate = exchangeRateOf({ currency }, company.value);
      if (rate) out.ExchangeRate = decimal(rate);
    }
    return out;
  };
  if (found.value) {
    const current = found.value;
    const note = (current.PrivateNote ?? '').split('\n').slice(1).join('\n');
    if (sameJournalLines(current, lines.value) && current.TxnDate === summary.key.date && note === input.description) {
      return ok({ remoteId: `JournalEntry:${current.Id}`, number: current.DocNumber ?? number, created: false });
    }
    const { DocNumber: _n, ...rest } = body(current.DocNumber ?? number);
    const updated = await deps.update('JournalEntry', current.Id, { ...rest, sparse: true }, `${input.idempotencyKey}:journal:update`, `Updating summary journal entry ${number}`);
    if (!updated.ok) return updated;
    return ok({ remoteId: `JournalEntry:${current.Id}`, number: current.DocNumber ?? number, created: false });
  }
  return deps.createForm('JournalEntry', (doc) => ok(body(doc)), number, reference, `${input.idempotencyKey}:journal`, `Posting summary journal entry ${number} to QuickBooks`);
}

/** Money accounts of a journal's clearing lines: banks and other current assets (Undeposited Funds), never A/R. */
const isMoneyAccount = (a: JournalAccount | undefined) => a !== undefined && (a.AccountType === 'Bank' || a.AccountType === 'Other Current Asset');

/**
 * Reconciliation reads a summary journal entry back as the sales document and refund document it stands for, from its
 * lines as QuickBooks holds them now (an edited line changes what is read): the sales part is every line that is
 * neither money, A/R nor refunded (credits positive: revenue and tax less discounts and reductions), the refund part
 * the lines our journal marks "Refunded: " (debits positive), and the money received the debits on bank and other
 * current asset accounts. Entries that are not ours (PrivateNote's first line "Daily summary …") are left out. Pure.
 */
export function summaryJournalAsDocuments(je: QboTxn, accounts: readonly JournalAccount[], homeCurrency: string): BooksDocument[] {
  const reference = (je.PrivateNote ?? '').split('\n')[0] ?? '';
  if (!reference.startsWith('Daily summary ')) return [];
  const byId = new Map(accounts.map((a) => [a.Id, a]));
  const parts = summaryJournalParts((je.Line ?? []).flatMap((raw) => {
    const line = raw as Record<string, unknown>;
    const d = (line.JournalEntryLineDetail ?? null) as { PostingType?: string; AccountRef?: { value?: string } } | null;
    if (!d?.AccountRef?.value) return [];
    const amount = new Big(String(line.Amount ?? '0'));
    const account = byId.get(d.AccountRef.value);
    const kind = account?.AccountType === 'Accounts Receivable' ? 'receivable'
      : isMoneyAccount(account) ? 'money'
      : account?.AccountSubType !== undefined && TAX_SUBTYPES.has(account.AccountSubType) ? 'tax' : 'other';
    return [{ account: d.AccountRef.value, signed: d.PostingType === 'Debit' ? amount : amount.times(-1), description: String(line.Description ?? ''), kind } as const];
  }));
  const base = {
    reference, orderId: null, date: (je.TxnDate ?? '').slice(0, 10), currency: (je.CurrencyRef?.value ?? homeCurrency).toUpperCase(),
  };
  const out: BooksDocument[] = [];
  if (journalHasSales(parts)) {
    out.push({
      ...base, remoteId: `JournalEntry:${je.Id}`, kind: 'invoice', number: je.DocNumber ?? '', total: parts.salesTotal.toString(), tax: parts.salesTax.toString(),
      status: parts.owed ? 'open' : 'paid', received: [...parts.received].map(([account, amount]) => ({ account, amount: amount.toString() })),
    });
  }
  if (parts.refunds) {
    out.push({ ...base, remoteId: `JournalEntry:${je.Id}:refunds`, kind: 'credit_note', number: refundNumberOf(je.DocNumber ?? ''), total: parts.refundTotal.toString(), tax: parts.refundTax.toString(), status: 'open' });
  }
  return out;
}
