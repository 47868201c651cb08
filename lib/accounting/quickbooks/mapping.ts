/**
 * The canonical sales document in QuickBooks' terms (pure functions, no I/O).
 * - Paid orders → SalesReceipt (money into DepositToAccountRef); unpaid, and `invoice`/`sales_order` → Invoice.
 *   https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/salesreceipt and .../invoice
 * - Every line is a SalesItemLineDetail line (QuickBooks wants an item on each): the product's item, or for lines
 *   without one (shipping, handling, wrapping, fees, discounts, rounding, products without an item) a service item
 *   per kind and income account (`genericItemName`). Line Amount is the net after the line's discount, so Amount =
 *   Qty × UnitPrice holds (error 6070 otherwise); discounts are exact to the cent.
 * - Tax is never recomputed. US companies: lines say TAX or NON, and TxnTaxDetail.TotalTax = the store's tax (with
 *   Automated Sales Tax QuickBooks would otherwise compute its own from the ship-to address:
 *   https://developer.intuit.com/app/developer/qbo/docs/workflows/manage-sales-tax-for-us-locales). Elsewhere each line
 *   names its TaxCode, GlobalTaxCalculation says TaxExcluded or TaxInclusive, and TotalTax is the store's tax too.
 *   With TaxInclusive, Amount stays the net and SalesItemLineDetail.TaxInclusiveAmt carries the gross (QuickBooks
 *   assumes line prices exclude tax; TaxInclusiveAmt: Invoice reference, minor version 1+).
 */
import { createHash } from 'node:crypto';
import Big from 'big.js';
import type { ProviderFailure } from '@/lib/sync/provider';
import type { DocumentCustomer, DocumentLine, DocumentPayment, SalesDocument } from '@/lib/sync/sales-document';
import type { PostingSettings } from '@/lib/sync/settings';
import type { CompanySettings } from './company';
import { QUICKBOOKS_LIMITS } from './config';
import { decimal, type QboTxn, type WireDecimal } from './wire';

type Mapped<T> = { ok: true; value: T } | { ok: false; error: ProviderFailure };
const invalid = (message: string, field = 'document'): Mapped<never> => ({ ok: false, error: { kind: 'validation', message, fields: [{ field, message }] } });

export type Entity = 'SalesReceipt' | 'Invoice' | 'CreditMemo' | 'RefundReceipt';
export type Tracking = { category: 'Class' | 'Department'; optionId: string } | null;

/** The posting setting's tracking choice in QuickBooks' words (Class on each line, or Department on the document). */
export function trackingSetting(settings: { posting: PostingSettings }): { category: 'Class' | 'Department'; option: string } | null {
  return trackingChoice(settings.posting.tracking);
}

/** A tracking option by name (the store-wide one, or a channel's own on the document) in QuickBooks' words. */
export function trackingChoice(t: { category: string; option: string } | null | undefined): { category: 'Class' | 'Department'; option: string } | null {
  if (!t) return null;
  return { category: /^department|^location/i.test(t.category) ? 'Department' : 'Class', option: t.option };
}

// ---------------------------------------------------------------------------------------- idempotency

/**
 * QuickBooks' requestid for an idempotency key: the key itself when it fits (≤ 50 characters, 36 for /batch:
 * Intuit's "Request ID" notes), else a hash of it, so the same key always gives the same id.
 */
export function requestIdOf(key: string, max: number = QUICKBOOKS_LIMITS.idempotencyKeyMaxLength): string {
  if (key.length <= max && /^[\w:.-]+$/.test(key)) return key;
  return `lb-${createHash('sha256').update(key).digest('base64url').slice(0, max - 3)}`;
}

export const BATCH_REQUEST_ID_MAX = 36;

/** DocNumber is at most 21 characters in QuickBooks. */
export function checkDocNumber(number: string): Mapped<string> {
  const max = QUICKBOOKS_LIMITS.documentNumberMaxLength;
  if (number.length > max) {
    return invalid(`Document number "${number}" has ${number.length} characters; QuickBooks allows at most ${max} (DocNumber). Shorten the number prefix in Settings, then retry.`, 'DocNumber');
  }
  return { ok: true, value: number };
}

// ---------------------------------------------------------------------------------------- lines

const LABELS: Record<DocumentLine['kind'], string> = {
  product: 'Sales',
  gift_certificate: 'Gift certificates',
  shipping: 'Shipping',
  handling: 'Handling',
  wrapping: 'Gift wrapping',
  fee: 'Fees',
  discount: 'Discounts',
  rounding: 'Rounding',
};

/** The service item that carries lines without an item of their own: one per kind and income account. */
export function genericItemName(line: Pick<DocumentLine, 'kind' | 'account'>): string {
  return `${LABELS[line.kind]} (BigCommerce, account ${line.account})`.slice(0, 100);
}

const round2 = (b: Big) => b.round(2, Big.roundHalfUp);
const placesOf = (v: string) => (v.split('.')[1] ?? '').length;
/** Intuit: UnitPrice takes up to 7 decimal places. */
const UNIT_PLACES = 7;

export interface LineContext {
  company: Pick<CompanySettings, 'country'>;
  inclusive: boolean;
  /** The item of each line (by sourceId): the product's own, or the generic item of its kind and account. */
  itemOf(line: DocumentLine): string;
  classId: string | null;
}

export interface QboLine {
  DetailType: 'SalesItemLineDetail';
  Amount: WireDecimal;
  Description: string;
  SalesItemLineDetail: {
    ItemRef: { value: string };
    Qty: WireDecimal;
    UnitPrice: WireDecimal;
    TaxCodeRef?: { value: string };
    TaxInclusiveAmt?: WireDecimal;
    ClassRef?: { value: string };
  };
}

/**
 * One line: Amount = the net after discount; the order's quantity kept when an exact unit price (≤ 7 places) gives
 * that net, else one unit of the net with the quantity in the description.
 */
export function qboLine(line: DocumentLine, ctx: LineContext): Mapped<QboLine> {
  const net = new Big(line.net);
  const tax = new Big(line.tax);
  const us = ctx.company.country === 'US';
  if (!us && !line.taxCode) {
    return invalid(
      `The line "${line.description}" has no QuickBooks tax code${tax.eq(0) ? '' : ` for its tax of ${line.tax}`}. Map the store's tax rates (and a code for untaxed lines) to QuickBooks tax codes on the mappings page.`,
      'Line.SalesItemLineDetail.TaxCodeRef',
    );
  }
  const q = new Big(line.quantity);
  let quantity = q;
  let unit: Big | null = null;
  let description = line.description;
  if (!q.eq(0)) {
    const exact = net.div(q);
    const rounded = exact.round(UNIT_PLACES, Big.roundHalfUp);
    if (round2(rounded.times(q)).eq(net)) unit = rounded;
  }
  if (unit === null) {
    quantity = new Big(1);
    unit = net;
    description = `${line.description} (${line.quantity} × ${line.unitPrice})`;
  }
  if (!new Big(line.discount).eq(0)) description = `${description}, less ${line.discount} discount`;
  // The description is the merchant's line template (lines.descriptionTemplate), options included or not as it says.
  const taxCode = us ? (tax.eq(0) ? 'NON' : 'TAX') : line.taxCode!;
  const detail: QboLine['SalesItemLineDetail'] = {
    ItemRef: { value: ctx.itemOf(line) },
    Qty: decimal(quantity.toString()),
    UnitPrice: decimal(unit.toFixed(Math.max(2, Math.min(UNIT_PLACES, placesOf(unit.toString()))))),
    TaxCodeRef: { value: taxCode },
  };
  if (ctx.inclusive) detail.TaxInclusiveAmt = decimal(new Big(line.gross).toFixed(2));
  if (ctx.classId) detail.ClassRef = { value: ctx.classId };
  return {
    ok: true,
    value: { DetailType: 'SalesItemLineDetail', Amount: decimal(net.toFixed(2)), Description: description.slice(0, 4000), SalesItemLineDetail: detail },
  };
}

function mapLines(lines: readonly DocumentLine[], ctx: LineContext): Mapped<QboLine[]> {
  const out: QboLine[] = [];
  for (const line of lines) {
    const m = qboLine(line, ctx);
    if (!m.ok) return m;
    out.push(m.value);
  }
  return { ok: true, value: out };
}

// ---------------------------------------------------------------------------------------- documents

export interface DocumentOptions {
  entity: Entity;
  company: CompanySettings;
  customerId: string;
  itemOf(line: DocumentLine): string;
  tracking: Tracking;
  /** The account money goes into (SalesReceipt) or out of (RefundReceipt). */
  depositAccount?: string;
}

/**
 * Home-currency units per unit of the document's currency, when we know it: the document's rate is per unit of the
 * store's currency, usable when that is the company's home currency; otherwise QuickBooks applies its own rate.
 */
export function exchangeRateOf(document: Pick<SalesDocument, 'currency'>, company: Pick<CompanySettings, 'homeCurrency'>): string | null {
  const { code, storeCurrency, exchangeRate } = document.currency;
  if (code === company.homeCurrency || storeCurrency !== company.homeCurrency || new Big(exchangeRate).eq(0)) return null;
  return new Big(1).div(exchangeRate).round(10, Big.roundHalfUp).toString();
}

/** A foreign-currency order needs multicurrency on in QuickBooks: said before anything is sent. */
export function checkCurrency(currency: string, company: Pick<CompanySettings, 'homeCurrency' | 'multicurrency'>): Mapped<void> {
  if (currency === company.homeCurrency || company.multicurrency) return { ok: true, value: undefined };
  return invalid(
    `The order is in ${currency}, but multicurrency is not turned on in this QuickBooks company (home currency ${company.homeCurrency}). Turn on multicurrency in QuickBooks (Settings › Account and settings › Advanced › Currency), then retry.`,
    'CurrencyRef',
  );
}

/** The fields every sales form shares: customer, currency and rate, tax treatment, lines and their tax. */
export function formBody(
  input: { lines: readonly DocumentLine[]; currency: SalesDocument['currency']; amountsAre: SalesDocument['amountsAre']; date: string; number: string; note: string },
  options: DocumentOptions,
): Mapped<Record<string, unknown>> {
  const doc = checkDocNumber(input.number);
  if (!doc.ok) return doc;
  const currency = checkCurrency(input.currency.code, options.company);
  if (!currency.ok) return currency;
  if (input.lines.length === 0) return invalid(`Document ${input.number} has no lines to post.`, 'Line');
  const us = options.company.country === 'US';
  const inclusive = !us && input.amountsAre === 'inclusive';
  const classId = options.tracking?.category === 'Class' ? options.tracking.optionId : null;
  const lines = mapLines(input.lines, { company: options.company, inclusive, itemOf: options.itemOf, classId });
  if (!lines.ok) return lines;
  const net = input.lines.reduce((s, l) => s.plus(l.net), new Big(0));
  const tax = input.lines.reduce((s, l) => s.plus(l.tax), new Big(0));
  const sent = lines.value.reduce((s, l) => s.plus(l.Amount.__decimal), new Big(0));
  // A bug in the mapping, never the merchant's data: refuse before QuickBooks books a wrong total.
  if (!sent.eq(net)) throw new Error(`QuickBooks ${options.entity} ${input.number} would total ${sent} net, the document ${net}`);
  const body: Record<string, unknown> = {
    DocNumber: doc.value,
    TxnDate: input.date,
    CustomerRef: { value: options.customerId },
    CurrencyRef: { value: input.currency.code },
    PrivateNote: input.note.slice(0, 4000),
    Line: lines.value,
    TxnTaxDetail: { TotalTax: decimal(tax.toFixed(2)) },
  };
  if (!us) body.GlobalTaxCalculation = inclusive ? 'TaxInclusive' : 'TaxExcluded';
  if (us) {
    // Without AST, the store's combined rate (a mapped tax code other than TAX/NON) names the transaction's rate.
    const named = input.lines.find((l) => l.taxCode && !/^(TAX|NON)$/i.test(l.taxCode) && !new Big(l.tax).eq(0))?.taxCode;
    if (!options.company.automatedSalesTax && named) (body.TxnTaxDetail as Record<string, unknown>).TxnTaxCodeRef = { value: named };
  }
  if (options.company.multicurrency && input.currency.code !== options.company.homeCurrency) {
    const rate = exchangeRateOf(input, options.company);
    if (rate) body.ExchangeRate = decimal(rate);
  }
  if (options.tracking?.category === 'Department') body.DepartmentRef = { value: options.tracking.optionId };
  if (options.depositAccount) body.DepositToAccountRef = { value: options.depositAccount };
  return { ok: true, value: body };
}

/** Which QuickBooks form a document becomes: a fully paid sales receipt paid into one account stays one. */
export function entityFor(document: Pick<SalesDocument, 'kind' | 'payments'>): 'SalesReceipt' | 'Invoice' {
  if (document.kind !== 'sales_receipt') return 'Invoice';
  const accounts = new Set(document.payments.map((p) => p.account));
  return accounts.size === 1 ? 'SalesReceipt' : 'Invoice';
}

export function documentBody(document: SalesDocument, options: Omit<DocumentOptions, 'entity' | 'depositAccount'> & { entity: 'SalesReceipt' | 'Invoice'; number?: string }): Mapped<Record<string, unknown>> {
  const body = formBody(
    { lines: document.lines, currency: document.currency, amountsAre: document.amountsAre, date: document.date, number: options.number ?? document.number, note: [document.reference, document.memo].filter(Boolean).join('\n') },
    { ...options, ...(options.entity === 'SalesReceipt' ? { depositAccount: document.payments[0]?.account } : {}) },
  );
  if (!body.ok) return body;
  if (options.entity === 'Invoice') body.value.DueDate = document.dueDate;
  if (options.entity === 'SalesReceipt') {
    const reference = document.payments[0]?.reference;
    if (reference) body.value.PaymentRefNum = reference.slice(0, 21);
  }
  const email = document.customer.email;
  if (email) body.value.BillEmail = { Address: email.slice(0, 100) };
  // Invoice and SalesReceipt ShipAddr: "the address where the goods must be shipped" (a PhysicalAddress: Line1-5, City,
  // CountrySubDivisionCode, PostalCode, Country); without it QuickBooks falls back to the customer's default ShipAddr.
  // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice (and .../salesreceipt)
  const ship = document.shippingContacts[0];
  if (ship) body.value.ShipAddr = addressOf(ship);
  const bill = document.customer.billingAddress;
  if (bill.street1 || bill.city) body.value.BillAddr = addressOf(bill);
  return body;
}

/** A credit of some lines of a posted form, in that form's currency, rate and tax treatment. */
export function creditBody(
  input: { lines: readonly DocumentLine[]; number: string; date: string; reason: string; original: { currency: string; exchangeRate: string | null; inclusive: boolean } },
  options: DocumentOptions,
): Mapped<Record<string, unknown>> {
  const currency = { code: input.original.currency, scale: 2, storeCurrency: input.original.currency, exchangeRate: '1' };
  const body = formBody({ lines: input.lines, currency, amountsAre: input.original.inclusive ? 'inclusive' : 'exclusive', date: input.date, number: input.number, note: input.reason }, options);
  if (!body.ok) return body;
  if (input.original.exchangeRate) body.value.ExchangeRate = decimal(input.original.exchangeRate);
  return body;
}

function addressOf(a: { street1: string; street2: string; city: string; state: string; zip: string; countryIso2: string }): Record<string, string> {
  return {
    Line1: a.street1.slice(0, 500),
    ...(a.street2 ? { Line2: a.street2.slice(0, 500) } : {}),
    City: a.city.slice(0, 255),
    CountrySubDivisionCode: a.state.slice(0, 255),
    PostalCode: a.zip.slice(0, 30),
    Country: a.countryIso2.slice(0, 255),
  };
}

// ---------------------------------------------------------------------------------------- payments

/** A Payment applied to one invoice (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment). */
export function paymentBody(input: { invoiceId: string; customerId: string; currency: string; exchangeRate: string | null; payment: DocumentPayment }): Record<string, unknown> {
  const p = input.payment;
  return {
    CustomerRef: { value: input.customerId },
    TotalAmt: decimal(p.amount),
    TxnDate: p.date.slice(0, 10),
    CurrencyRef: { value: input.currency },
    ...(input.exchangeRate ? { ExchangeRate: decimal(input.exchangeRate) } : {}),
    DepositToAccountRef: { value: p.account },
    PaymentRefNum: (p.reference ?? p.method).slice(0, 21),
    PrivateNote: paymentNote(p),
    Line: [{ Amount: decimal(p.amount), LinkedTxn: [{ TxnId: input.invoiceId, TxnType: 'Invoice' }] }],
  };
}

/** How a payment we recorded is recognised again: its note names the method and reference. */
export const paymentNote = (p: Pick<DocumentPayment, 'method' | 'reference' | 'amount'>) => `BigCommerce payment: ${p.method}${p.reference ? ` ${p.reference}` : ''} (${p.amount})`.slice(0, 4000);

/** A zero Payment that applies a credit memo to an invoice (QuickBooks' way of applying credits). */
export function applyCreditBody(input: { invoiceId: string; creditMemoId: string; customerId: string; currency: string; amount: string; date: string }): Record<string, unknown> {
  return {
    CustomerRef: { value: input.customerId },
    TotalAmt: decimal('0'),
    TxnDate: input.date,
    CurrencyRef: { value: input.currency },
    PrivateNote: `Credit memo applied by Ledgerbridge (${input.amount})`,
    Line: [
      { Amount: decimal(input.amount), LinkedTxn: [{ TxnId: input.invoiceId, TxnType: 'Invoice' }] },
      { Amount: decimal(input.amount), LinkedTxn: [{ TxnId: input.creditMemoId, TxnType: 'CreditMemo' }] },
    ],
  };
}

// ---------------------------------------------------------------------------------------- customers

/** Our reference to the BigCommerce customer, kept in the customer's Notes (see customers.ts for why there). */
export const customerMarker = (bcCustomerId: number) => `BigCommerce customer #${bcCustomerId}`;
export function bcCustomerIdOf(notes: string | undefined): number | null {
  const m = /BigCommerce customer #(\d+)/.exec(notes ?? '');
  return m ? Number(m[1]) : null;
}

/** The names a new customer is tried under: its own, then "Jane Doe (BC 1042)" (or the email for guests); a currency suffix when it is not the home currency. */
export function displayNames(customer: Pick<DocumentCustomer, 'displayName' | 'bcCustomerId' | 'email'>, currency: string | null, max = 100): string[] {
  const tail = currency ? ` - ${currency}` : '';
  const suffix = customer.bcCustomerId !== null ? ` (BC ${customer.bcCustomerId})` : customer.email ? ` (${customer.email})` : null;
  const cut = (name: string, extra: string) => `${name.slice(0, Math.max(1, max - extra.length))}${extra}`;
  const names = [cut(customer.displayName, tail)];
  if (suffix) names.push(cut(customer.displayName, `${suffix}${tail}`));
  return names;
}

export function customerBody(customer: DocumentCustomer, name: string, currency: string | null): Record<string, unknown> {
  const a = customer.billingAddress;
  const body: Record<string, unknown> = { DisplayName: name };
  if (a.firstName) body.GivenName = a.firstName.slice(0, 100);
  if (a.lastName) body.FamilyName = a.lastName.slice(0, 100);
  if (customer.company) body.CompanyName = customer.company.slice(0, 100);
  if (customer.email) body.PrimaryEmailAddr = { Address: customer.email.slice(0, 100) };
  if (customer.phone) body.PrimaryPhone = { FreeFormNumber: customer.phone.slice(0, 30) };
  if (a.street1 || a.city) body.BillAddr = addressOf(a);
  // The customer's default shipping address (Intuit's Customer entity, ShipAddr): where this shopper's orders go
  // when it is not the billing address. Each form still carries its own ShipAddr (documentBody).
  if (customer.deliveryAddress) body.ShipAddr = addressOf(customer.deliveryAddress);
  if (customer.bcCustomerId !== null && customer.bcCustomerId > 0) body.Notes = customerMarker(customer.bcCustomerId);
  if (currency) body.CurrencyRef = { value: currency };
  return body;
}

// ---------------------------------------------------------------------------------------- payouts

/** Noted on the RefundReceipt a credit memo is turned into, so that a retry finds it again. */
export const payoutMarker = (creditNumber: string) => `Paid out by Ledgerbridge: credit memo ${creditNumber}`;

/**
 * Why a payout against this credit memo is left to the merchant, or null: QuickBooks' API has no refund of a credit
 * memo, so only a memo nothing was applied to, paid out in full, becomes a RefundReceipt.
 */
export function payoutSkipped(cm: QboTxn, creditNumber: string, payment: DocumentPayment): string | null {
  const total = new Big(cm.TotalAmt ?? '0');
  const remaining = new Big(cm.RemainingCredit ?? cm.Balance ?? cm.TotalAmt ?? '0');
  if (total.eq(payment.amount) && remaining.eq(total)) return null;
  return `Refund of ${payment.amount} (${payment.method}) not recorded in QuickBooks: credit memo ${creditNumber} holds ${remaining.toFixed(2)} of credit for the shopper. Pay it out in QuickBooks from account ${payment.account} against that credit memo.`;
}

/** The RefundReceipt that replaces a credit memo paid out whole: its lines, number and tax, paid from the account. */
export function refundReceiptBody(cm: QboTxn, creditNumber: string, payment: DocumentPayment): Record<string, unknown> {
  return {
    DocNumber: cm.DocNumber ?? creditNumber,
    TxnDate: payment.date.slice(0, 10),
    CustomerRef: cm.CustomerRef,
    CurrencyRef: cm.CurrencyRef,
    ...(cm.ExchangeRate ? { ExchangeRate: Number(cm.ExchangeRate) } : {}),
    ...(cm.GlobalTaxCalculation ? { GlobalTaxCalculation: cm.GlobalTaxCalculation } : {}),
    ...(cm.DepartmentRef ? { DepartmentRef: cm.DepartmentRef } : {}),
    DepositToAccountRef: { value: payment.account },
    PaymentRefNum: (payment.reference ?? payment.method).slice(0, 21),
    PrivateNote: `${cm.PrivateNote ?? ''}\n${payoutMarker(creditNumber)}`.trim().slice(0, 4000),
    TxnTaxDetail: { TotalTax: Number(cm.TxnTaxDetail?.TotalTax ?? 0) },
    Line: (cm.Line ?? []).filter((l) => l.DetailType === 'SalesItemLineDetail').map((l) => ({ DetailType: l.DetailType, Amount: Number(l.Amount ?? 0), Description: l.Description, SalesItemLineDetail: l.SalesItemLineDetail })),
  };
}
