// JournalEntry: `prepareJournalEntry` checks a body as QuickBooks Online does and computes what it computes (TotalAmt,
// HomeTotalAmt). Sources:
// - Intuit's JournalEntry reference (developer.intuit.com › all-entities › journalentry) and its schema as Intuit's SDK
//   carries it (intuit/QuickBooks-V3-PHP-SDK src/Data/IPPJournalEntry.php, IPPJournalEntryLineDetail.php): "Accounting
//   transaction, consists of journal lines, each of which is either a debit or a credit. The total of the debits must
//   equal the total of the credits." Lines are `JournalEntryLineDetail` lines with PostingType (Debit | Credit),
//   AccountRef, and optionally Entity (Customer/Vendor/Employee), ClassRef, DepartmentRef, TaxCodeRef ("For Non US/CA
//   Companies"), TaxApplicableOn, TaxAmount; DescriptionOnly lines are allowed (no amount). TotalAmt and HomeTotalAmt
//   are "Calculated by QuickBooks business logic; cannot be written". CurrencyRef and ExchangeRate only with
//   multicurrency on. DocNumber: at most 21 characters; QuickBooks does not refuse a journal number used before (an
//   integrator's import guide quoting QBO: "duplicate DocNumbers are accepted in QuickBooks"), so no 6140 here.
// - Accounts Receivable and Accounts Payable lines need a name: a customer on A/R, a vendor on A/P (integrators quoting
//   QuickBooks: "when posting to the Account Receivable account you must have a Customer, and when posting to the
//   Accounts Payable account you must have a Vendor"). Intuit's QuickBooks journal docs: amounts carry no sign (the
//   posting type says which side), so a negative amount is refused.
// - Operations: create, read, query, full and sparse update (a Line array replaces every line), delete. There is no void
//   for JournalEntry in the API (not in python-quickbooks#304's list of voidable types): void is 500 Unsupported.
// Not confirmed: the exact wording and code of the unbalanced and missing-name refusals (the sandbox answers 6000
// "A business validation error has occurred" with its own Detail), and how a line's TaxAmount balances an entry in a
// non-US company (the sandbox counts a line's TaxAmount on the line's side, as QuickBooks' journal screen adds the tax
// of a line's tax code to the same side); a US company refuses TaxCodeRef on a journal line.
import Big from 'big.js';
import { toBig } from '../xero/wire';
import { businessValidation, invalidReference, QboFault, requiredMissing, stringTooLong } from './faults';
import { checkCurrency, refExists } from './lists';
import { find, nextId, type Company, type Stored, type Wire } from './store';

const COMPUTED = ['TotalAmt', 'HomeTotalAmt', 'domain', 'sparse', 'MetaData', 'Id', 'SyncToken'];
const money = (b: Big): number => Number(b.toFixed(2));

function amountOf(v: unknown, element: string): Big {
  const b = toBig(v);
  if (b === null) throw new QboFault({ Message: 'Invalid Number', Detail: `Invalid Number : ${String(v)}`, code: '2080', element });
  if (b === undefined) throw requiredMissing(element);
  if (b.lt(0)) throw businessValidation('Journal entry line amounts cannot be negative: post a debit or a credit.', element);
  return b.round(2, Big.roundHalfUp);
}

export function prepareJournalEntry(company: Company, input: Wire, existing: Stored | undefined, today: string): Wire {
  const body: Wire = { ...input };
  for (const f of COMPUTED) delete body[f];
  let docNumber: string;
  if (body.DocNumber === undefined || body.DocNumber === null || body.DocNumber === '') docNumber = existing?.data.DocNumber ?? nextId(company, 'DocNumber:JournalEntry', 1);
  else {
    docNumber = String(body.DocNumber);
    if (docNumber.length > 21) throw stringTooLong('DocNumber', 21, docNumber.length);
  }
  const txnDate = body.TxnDate ? String(body.TxnDate) : today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(txnDate)) throw new QboFault({ Message: 'Invalid Date', Detail: `Invalid Date : ${txnDate}`, code: '2090', element: 'TxnDate' });
  const currency = checkCurrency(company, body.CurrencyRef);
  const rate = currency === company.currency ? new Big(1) : (toBig(body.ExchangeRate) ?? new Big(1));

  if (!Array.isArray(body.Line) || body.Line.length === 0) throw requiredMissing('Line');
  let debits = new Big(0);
  let credits = new Big(0);
  const lines = (body.Line as Wire[]).map((line, index) => {
    const type = String(line.DetailType ?? '');
    if (type === 'DescriptionOnly') return { ...line, Id: String(index), DetailType: type };
    if (type !== 'JournalEntryLineDetail') {
      throw new QboFault({ Message: 'Invalid Enumeration', Detail: `Invalid Enumeration : ${type} (a JournalEntry line is JournalEntryLineDetail or DescriptionOnly)`, code: '2170', element: 'Line.DetailType' });
    }
    const d: Wire = line.JournalEntryLineDetail ?? {};
    const posting = d.PostingType;
    if (posting === undefined || posting === null || posting === '') throw requiredMissing('Line.JournalEntryLineDetail.PostingType');
    if (posting !== 'Debit' && posting !== 'Credit') throw new QboFault({ Message: 'Invalid Enumeration', Detail: `Invalid Enumeration : ${String(posting)}`, code: '2170', element: 'Line.JournalEntryLineDetail.PostingType' });
    const accountId = d.AccountRef?.value;
    if (accountId === undefined || accountId === null || accountId === '') throw requiredMissing('Line.JournalEntryLineDetail.AccountRef');
    const account = find(company, 'Account', String(accountId));
    if (!account || account.data.Active === false) throw invalidReference('Line.JournalEntryLineDetail.AccountRef');
    const accountCurrency = account.data.CurrencyRef?.value ?? company.currency;
    if (accountCurrency !== company.currency && accountCurrency !== currency) {
      throw businessValidation(`The account ${account.data.Name} is in ${accountCurrency}; this journal entry is in ${currency}.`, 'Line.JournalEntryLineDetail.AccountRef');
    }
    const amount = amountOf(line.Amount, 'Line.Amount');
    // A/R needs a customer, A/P a vendor (the name column of QuickBooks' journal).
    const entity: Wire | undefined = d.Entity;
    const entityType = entity?.Type;
    const entityId = entity?.EntityRef?.value;
    const needs = account.data.AccountType === 'Accounts Receivable' ? 'Customer' : account.data.AccountType === 'Accounts Payable' ? 'Vendor' : null;
    if (needs && (entityType !== needs || !entityId)) {
      throw businessValidation(`You must select a ${needs === 'Customer' ? 'customer' : 'vendor'} when you use ${account.data.Name} in a journal entry.`, 'Line.JournalEntryLineDetail.Entity');
    }
    let entityOut: Wire | undefined;
    if (entity) {
      if (!['Customer', 'Vendor', 'Employee'].includes(String(entityType))) throw new QboFault({ Message: 'Invalid Enumeration', Detail: `Invalid Enumeration : ${String(entityType)}`, code: '2170', element: 'Line.JournalEntryLineDetail.Entity.Type' });
      const named = find(company, entityType, String(entityId ?? ''));
      if (!named) throw invalidReference('Line.JournalEntryLineDetail.Entity.EntityRef');
      if (entityType === 'Customer' && company.multicurrency && needs && named.data.CurrencyRef?.value !== currency) {
        throw businessValidation(`The customer's currency ${named.data.CurrencyRef?.value} does not match the transaction currency ${currency}.`, 'Line.JournalEntryLineDetail.Entity');
      }
      entityOut = { Type: entityType, EntityRef: { value: String(named.data.Id), name: named.data.DisplayName } };
    }
    refExists(company, 'Class', d.ClassRef, 'Line.JournalEntryLineDetail.ClassRef');
    refExists(company, 'Department', d.DepartmentRef, 'Line.JournalEntryLineDetail.DepartmentRef');
    let tax = new Big(0);
    if (d.TaxCodeRef !== undefined && d.TaxCodeRef !== null) {
      if (company.country === 'US') throw businessValidation('A tax code on a journal entry line is for companies outside the US.', 'Line.JournalEntryLineDetail.TaxCodeRef');
      refExists(company, 'TaxCode', d.TaxCodeRef, 'Line.JournalEntryLineDetail.TaxCodeRef');
      if (d.TaxApplicableOn !== 'Sales' && d.TaxApplicableOn !== 'Purchase') throw requiredMissing('Line.JournalEntryLineDetail.TaxApplicableOn');
      tax = amountOf(d.TaxAmount ?? 0, 'Line.JournalEntryLineDetail.TaxAmount');
    }
    if (posting === 'Debit') debits = debits.plus(amount).plus(tax);
    else credits = credits.plus(amount).plus(tax);
    return {
      ...line,
      Id: String(index),
      Amount: money(amount),
      DetailType: type,
      JournalEntryLineDetail: { ...d, PostingType: posting, AccountRef: { value: String(account.data.Id), name: account.data.Name }, ...(entityOut ? { Entity: entityOut } : {}) },
    };
  });
  if (!debits.eq(credits)) {
    throw businessValidation(`Journal entry is out of balance: debits ${debits.toFixed(2)}, credits ${credits.toFixed(2)}. The total of the debits must equal the total of the credits.`, 'Line');
  }
  return {
    ...body,
    DocNumber: docNumber,
    TxnDate: txnDate,
    CurrencyRef: { value: currency, name: currency },
    ...(company.multicurrency ? { ExchangeRate: Number(rate.toString()), HomeTotalAmt: money(debits.times(rate)) } : {}),
    Line: lines,
    TotalAmt: money(debits),
  };
}
