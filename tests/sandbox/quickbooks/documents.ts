// Sales forms: SalesReceipt, Invoice, CreditMemo, RefundReceipt. `prepareSalesDoc` checks a body and computes what
// QuickBooks computes (line amounts, discount, tax, totals); `inventoryDeltas` says how a saved form moves stock;
// `voidedCopy` is what voiding leaves. Money is Big inside and plain JSON numbers on the wire.
import Big from 'big.js';
import { toBig } from '../xero/wire';
import { SHIPPING_ITEM_ID, seedAccountId } from './companies';
import { amountMismatch, businessValidation, duplicateDocNumber, invalidReference, QboFault, requiredMissing, stringTooLong } from './faults';
import { checkCurrency, checkPhysicalAddresses, refExists } from './lists';
import { find, nextId, table, type Company, type SalesDocName, type Stored, type Wire } from './store';
import { computeTax, type GlobalTaxCalculation, type TaxableLine } from './tax';

const round2 = (b: Big): Big => b.round(2, Big.roundHalfUp);
const money = (b: Big): number => Number(b.toFixed(2));
const qty = (b: Big): number => Number(b.toString());

/** Read-only fields a client may echo back; QuickBooks ignores them on input. */
const COMPUTED = ['TotalAmt', 'HomeTotalAmt', 'Balance', 'HomeBalance', 'RemainingCredit', 'domain', 'sparse', 'MetaData', 'Id', 'SyncToken'];

export interface DocOptions {
  /** `include=allowduplicatedocnum` (node-quickbooks' allowDuplicateDocNum). */
  allowDuplicateDocNum: boolean;
  today: string;
}

function bigOf(v: unknown, element: string): Big | undefined {
  const b = toBig(v);
  if (b === null) throw new QboFault({ Message: 'Invalid Number', Detail: `Invalid Number : ${String(v)}`, code: '2080', element });
  return b;
}

function checkDocNumber(company: Company, entity: SalesDocName, body: Wire, existing: Stored | undefined, options: DocOptions): string {
  const raw = body.DocNumber;
  if (raw === undefined || raw === null || raw === '') {
    // QBO numbers forms itself when none is given (the sandbox's sequence starts at 1001).
    return existing?.data.DocNumber ?? nextId(company, `DocNumber:${entity}`, 1001);
  }
  const doc = String(raw);
  // Intuit's docs: DocNumber max 21 characters; the 2050 answer is quoted in consolibyte/quickbooks-php#79.
  if (doc.length > 21) throw stringTooLong('DocNumber', 21, doc.length);
  if (!options.allowDuplicateDocNum) {
    for (const s of table(company, entity).values()) {
      if (s !== existing && s.data.DocNumber === doc) throw duplicateDocNumber(doc, entity, String(s.data.Id));
    }
  }
  return doc;
}

interface ItemLine {
  out: Wire;
  amount: Big;
  taxCode?: string;
}

function itemLine(company: Company, line: Wire, index: number, txnDate: string): ItemLine {
  const d: Wire = line.SalesItemLineDetail ?? {};
  const itemId = d.ItemRef?.value;
  if (itemId === undefined || itemId === null || itemId === '') throw requiredMissing('Line.SalesItemLineDetail.ItemRef');
  const prefs = find(company, 'Preferences', '1')?.data;
  let itemName = 'Shipping';
  let incomeAccount = seedAccountId('shipping');
  let taxable = true;
  if (String(itemId) === SHIPPING_ITEM_ID && prefs?.SalesFormsPrefs?.AllowShipping) {
    // Shipping as a line: the pseudo item SHIPPING_ITEM_ID (Intuit's Invoice docs, "AllowShipping").
  } else {
    const item = find(company, 'Item', String(itemId));
    if (!item || item.data.Active === false) throw invalidReference('Line.SalesItemLineDetail.ItemRef');
    itemName = item.data.Name;
    incomeAccount = item.data.IncomeAccountRef?.value ?? seedAccountId('income');
    taxable = item.data.Taxable !== false;
    if (item.data.Type === 'Inventory' && txnDate < String(item.data.InvStartDate)) {
      // QuickBooks refuses to sell an inventory item before its start date (the sandbox's wording of the refusal).
      throw businessValidation(`Transaction date is prior to start date for inventory item ${itemName}`, 'Line.SalesItemLineDetail.ItemRef');
    }
  }
  const q = bigOf(d.Qty, 'Line.SalesItemLineDetail.Qty');
  const price = bigOf(d.UnitPrice, 'Line.SalesItemLineDetail.UnitPrice');
  let amount = bigOf(line.Amount, 'Line.Amount');
  let unit = price;
  if (price !== undefined && q !== undefined) {
    // 6070: Amount must equal Qty × UnitPrice (rounded to cents).
    const expected = round2(price.times(q));
    if (amount !== undefined && !round2(amount).eq(expected)) throw amountMismatch(amount.toString());
    amount = expected;
  } else if (amount !== undefined && q !== undefined && !q.eq(0)) {
    unit = amount.div(q).round(10, Big.roundHalfUp);
  } else if (amount === undefined && price !== undefined) {
    amount = round2(price);
  }
  if (amount === undefined) throw requiredMissing('Line.Amount');
  amount = round2(amount);
  const codeIn = d.TaxCodeRef?.value;
  const taxCode = codeIn !== undefined && codeIn !== null && codeIn !== '' ? String(codeIn) : company.country === 'US' ? (taxable ? 'TAX' : 'NON') : undefined;
  refExists(company, 'Class', d.ClassRef, 'Line.SalesItemLineDetail.ClassRef');
  const detail: Wire = {
    ...d,
    ItemRef: { value: String(itemId), name: itemName },
    ItemAccountRef: { value: String(incomeAccount) },
    ...(unit !== undefined ? { UnitPrice: Number(unit.toString()) } : {}),
    ...(q !== undefined ? { Qty: qty(q) } : {}),
    ...(taxCode !== undefined ? { TaxCodeRef: { value: taxCode } } : {}),
  };
  return { out: { ...line, Id: String(index + 1), LineNum: index + 1, Amount: money(amount), DetailType: 'SalesItemLineDetail', SalesItemLineDetail: detail }, amount, taxCode };
}

export function prepareSalesDoc(company: Company, entity: SalesDocName, input: Wire, existing: Stored | undefined, options: DocOptions): { data: Wire; taxInput?: Wire } {
  const body: Wire = { ...input };
  for (const f of COMPUTED) delete body[f];
  if (entity === 'Invoice') delete body.LinkedTxn;
  const docNumber = checkDocNumber(company, entity, body, existing, options);
  const txnDate = body.TxnDate ? String(body.TxnDate) : options.today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(txnDate)) throw new QboFault({ Message: 'Invalid Date', Detail: `Invalid Date : ${txnDate}`, code: '2090', element: 'TxnDate' });

  checkPhysicalAddresses(body, ['BillAddr', 'ShipAddr']);
  const customerId = body.CustomerRef?.value;
  if ((entity === 'Invoice' || entity === 'CreditMemo') && (customerId === undefined || customerId === null || customerId === '')) throw requiredMissing('CustomerRef');
  const customer = customerId !== undefined && customerId !== null && customerId !== '' ? find(company, 'Customer', String(customerId)) : undefined;
  if (customerId && !customer) throw invalidReference('CustomerRef');

  const currency = checkCurrency(company, body.CurrencyRef);
  if (customer && company.multicurrency && customer.data.CurrencyRef?.value !== currency) {
    // QBO keeps a customer to one currency; the wording is the sandbox's.
    throw businessValidation(`The transaction currency ${currency} does not match the customer's currency ${customer.data.CurrencyRef?.value}.`, 'CurrencyRef');
  }
  const exchangeRate = currency === company.currency ? new Big(1) : (bigOf(body.ExchangeRate, 'ExchangeRate') ?? new Big(1));

  const calculation = (body.GlobalTaxCalculation ?? (company.country === 'US' ? undefined : 'TaxExcluded')) as GlobalTaxCalculation | undefined;
  if (calculation !== undefined && !['TaxExcluded', 'TaxInclusive', 'NotApplicable'].includes(calculation)) {
    throw new QboFault({ Message: 'Invalid Enumeration', Detail: `Invalid Enumeration : ${String(calculation)}`, code: '2170', element: 'GlobalTaxCalculation' });
  }

  if (!Array.isArray(body.Line) || body.Line.length === 0) throw requiredMissing('Line');
  const items: ItemLine[] = [];
  const others: Wire[] = [];
  const discounts: Wire[] = [];
  (body.Line as Wire[]).forEach((line) => {
    const type = String(line.DetailType ?? '');
    if (type === 'SalesItemLineDetail') items.push(itemLine(company, line, items.length + others.length + discounts.length, txnDate));
    else if (type === 'DiscountLineDetail') discounts.push(line);
    else if (type === 'DescriptionOnly') others.push({ ...line, Amount: 0 });
    else if (type === 'SubTotalLineDetail') return; // computed, ignored on input
    else throw new QboFault({ Message: 'Invalid Enumeration', Detail: `Invalid Enumeration : ${type} (the sandbox models SalesItemLineDetail, DiscountLineDetail, DescriptionOnly)`, code: '2170', element: 'Line.DetailType' });
  });
  const subtotal = items.reduce((s, l) => s.plus(l.amount), new Big(0));

  let discount = new Big(0);
  const discountLines = discounts.map((line) => {
    const d: Wire = line.DiscountLineDetail ?? {};
    let amount: Big;
    if (d.PercentBased) {
      const pct = bigOf(d.DiscountPercent, 'Line.DiscountLineDetail.DiscountPercent');
      if (pct === undefined) throw requiredMissing('Line.DiscountLineDetail.DiscountPercent');
      amount = round2(subtotal.times(pct).div(100));
    } else {
      const a = bigOf(line.Amount, 'Line.Amount');
      // 6090, from the IPP error-code table.
      if (a === undefined) throw new QboFault({ Message: 'Discount Line missing required info.', Detail: 'Discount amount or percent should be provided.', code: '6090', element: 'Line.DiscountLineDetail' });
      amount = round2(a);
    }
    discount = discount.plus(amount);
    refExists(company, 'Account', d.DiscountAccountRef, 'Line.DiscountLineDetail.DiscountAccountRef');
    return { ...line, Amount: money(amount), DetailType: 'DiscountLineDetail', DiscountLineDetail: { ...d, DiscountAccountRef: d.DiscountAccountRef ?? { value: seedAccountId('discounts'), name: 'Discounts given' } } };
  });

  // Tax sees each line less its share of the discount (QBO discounts before tax by default).
  const taxable: TaxableLine[] = items.map((l) => ({ amount: subtotal.eq(0) ? l.amount : l.amount.minus(discount.times(l.amount).div(subtotal)), taxCode: l.taxCode }));
  const tax = computeTax({ company, lines: taxable, calculation: calculation ?? 'TaxExcluded', detail: body.TxnTaxDetail, shipState: body.ShipAddr?.CountrySubDivisionCode });
  const total = subtotal.minus(discount).plus(tax.totalTax);
  // No sales form totals below zero: QuickBooks answers "Transaction amount must be positive" (an integrator's KB quoting
  // the refusal for an invoice, ontime360.com kb a231: "QuickBooks does not support invoices with a total of less than
  // zero"); money going back is a RefundReceipt or CreditMemo of a positive amount. The 6000 code is the sandbox's.
  if (total.lt(0)) throw businessValidation('Transaction amount must be positive.', 'TotalAmt');

  const lines: Wire[] = [...items.map((l) => l.out), ...others, { Amount: money(subtotal), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} }, ...discountLines];
  const data: Wire = {
    ...body,
    DocNumber: docNumber,
    TxnDate: txnDate,
    CurrencyRef: { value: currency, name: currency },
    ...(company.multicurrency ? { ExchangeRate: Number(exchangeRate.toString()), HomeTotalAmt: money(round2(total.times(exchangeRate))) } : {}),
    ...(calculation !== undefined ? { GlobalTaxCalculation: calculation } : {}),
    Line: lines,
    TxnTaxDetail: tax.detail,
    TotalAmt: money(total),
    ...(customer ? { CustomerRef: { value: String(customer.data.Id), name: customer.data.DisplayName } } : {}),
  };
  if (entity === 'SalesReceipt' || entity === 'RefundReceipt') {
    // RefundReceipt.DepositToAccountRef is required (Intuit's RefundReceipt docs: the account the refund is paid from);
    // a SalesReceipt without one lands in Undeposited Funds.
    if (entity === 'RefundReceipt' && !body.DepositToAccountRef) throw requiredMissing('DepositToAccountRef');
    refExists(company, 'Account', body.DepositToAccountRef, 'DepositToAccountRef');
    data.DepositToAccountRef = body.DepositToAccountRef ?? { value: seedAccountId('undeposited'), name: 'Undeposited Funds' };
    data.Balance = 0;
  }
  if (entity === 'Invoice') data.DueDate = body.DueDate ?? txnDate;
  return { data, taxInput: input.TxnTaxDetail };
}

/** Stock moved by a saved form: sales take out, credit memos and refund receipts put back (QBO's inventory rules). */
export function inventoryDeltas(company: Company, entity: SalesDocName, stored: Pick<Stored, 'data' | 'voided'> | undefined): Map<string, Big> {
  const out = new Map<string, Big>();
  if (!stored || stored.voided) return out;
  const sign = entity === 'SalesReceipt' || entity === 'Invoice' ? -1 : 1;
  for (const line of (stored.data.Line ?? []) as Wire[]) {
    if (line.DetailType !== 'SalesItemLineDetail') continue;
    const id = String(line.SalesItemLineDetail?.ItemRef?.value ?? '');
    const item = find(company, 'Item', id);
    if (!item || item.data.Type !== 'Inventory') continue;
    const q = new Big(String(line.SalesItemLineDetail?.Qty ?? 1)).times(sign);
    out.set(id, (out.get(id) ?? new Big(0)).plus(q));
  }
  return out;
}

/** Intuit's Invoice docs and blog "Voiding Invoice Objects": the transaction stays, amounts and quantities are zeroed,
 *  "Voided" is put in front of PrivateNote. (How the old note is joined is not shown; the sandbox adds a space.) */
export function voidedCopy(data: Wire): Wire {
  const lines = ((data.Line ?? []) as Wire[]).map((l) => {
    const out: Wire = { ...l, Amount: 0 };
    if (l.SalesItemLineDetail) {
      const { Qty: _q, UnitPrice: _u, ...rest } = l.SalesItemLineDetail;
      out.SalesItemLineDetail = rest;
    }
    return out;
  });
  const note = typeof data.PrivateNote === 'string' && data.PrivateNote ? `Voided ${data.PrivateNote}` : 'Voided';
  return { ...data, Line: lines, TxnTaxDetail: { TotalTax: 0 }, TotalAmt: 0, ...(data.HomeTotalAmt !== undefined ? { HomeTotalAmt: 0 } : {}), PrivateNote: note };
}
