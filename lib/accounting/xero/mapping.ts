/**
 * The canonical sales document in Xero's terms (pure functions, no I/O).
 * - Order → ACCREC invoice: InvoiceNumber = document number, Reference, LineAmountTypes from the store's tax
 *   mode, CurrencyCode/CurrencyRate, line items with ItemCode (= SKU, only when Xero has the item),
 *   AccountCode, TaxType and TaxAmount = the tax BigCommerce charged, so Xero's TotalTax and Total equal the
 *   order's total_tax and total_inc_tax to the cent (https://developer.xero.com/documentation/api/accounting/invoices).
 * - Each line also carries LineAmount, so Xero checks our Quantity × UnitAmount − DiscountAmount instead of
 *   silently computing something else.
 */
import Big from 'big.js';
import type { DocumentCustomer, DocumentLine, DocumentPayment, SalesDocument } from '@/lib/sync/sales-document';
import type { PostingSettings } from '@/lib/sync/settings';
import type { ProviderFailure } from '@/lib/sync/provider';
import { decimal, type WireDecimal } from './wire';

export type LineAmountTypes = 'Exclusive' | 'Inclusive' | 'NoTax';

export interface XeroLineBody {
  Description: string;
  Quantity: WireDecimal;
  UnitAmount: WireDecimal;
  DiscountAmount?: WireDecimal;
  LineAmount: WireDecimal;
  ItemCode?: string;
  AccountCode: string;
  TaxType?: string;
  TaxAmount: WireDecimal;
  Tracking?: Array<{ Name: string; Option: string }>;
}

export interface XeroInvoiceBody {
  Type: 'ACCREC';
  Contact: { ContactID: string } | { Name: string };
  Date: string;
  DueDate: string;
  InvoiceNumber: string;
  Reference: string;
  LineAmountTypes: LineAmountTypes;
  CurrencyCode: string;
  CurrencyRate?: WireDecimal;
  Status: 'AUTHORISED' | 'DRAFT';
  LineItems: XeroLineBody[];
  Url?: string;
}

export interface XeroCreditNoteBody {
  Type: 'ACCRECCREDIT';
  Contact: { ContactID: string };
  Date: string;
  CreditNoteNumber: string;
  Reference: string;
  LineAmountTypes: LineAmountTypes;
  CurrencyCode: string;
  CurrencyRate?: WireDecimal;
  Status: 'AUTHORISED';
  LineItems: XeroLineBody[];
}

export interface TrackingOption {
  category: string;
  option: string;
}

type Mapped<T> = { ok: true; value: T } | { ok: false; error: ProviderFailure };

export type InvoiceStatus = 'AUTHORISED' | 'DRAFT';

/**
 * The store's posting settings as Xero's posting options: the status of new invoices and the tracking option
 * on every line. Defaults (AUTHORISED, no tracking) are what was posted before the settings existed.
 */
export function xeroPostingOptions(settings: { posting: PostingSettings }): { invoiceStatus: InvoiceStatus; tracking: TrackingOption | null } {
  const { approval, tracking } = settings.posting;
  return { invoiceStatus: approval === 'draft' ? 'DRAFT' : 'AUTHORISED', tracking: tracking ? { category: tracking.category, option: tracking.option } : null };
}

/**
 * Why a payment was not recorded on a draft invoice. Xero answers a payment to a draft with "Payments can only be
 * made against Authorised documents"; the merchant approves the invoice in Xero and applies the payment there.
 */
export function draftPaymentMessage(invoiceNumber: string, payment: Pick<DocumentPayment, 'amount' | 'method'>): string {
  return `Payment of ${payment.amount} (${payment.method}) not recorded: invoice ${invoiceNumber} is a draft in Xero, and Xero takes payments only on approved invoices. Approve the invoice in Xero, then apply the payment there.`;
}

const round2 = (b: Big) => b.round(2, Big.roundHalfUp);
const fixed = (b: Big, places: number) => b.toFixed(places);
/** Places of a decimal string. */
const placesOf = (v: string) => (v.split('.')[1] ?? '').length;

export function lineAmountTypes(document: Pick<SalesDocument, 'amountsAre'>): LineAmountTypes {
  return document.amountsAre === 'inclusive' ? 'Inclusive' : 'Exclusive';
}

/**
 * One canonical line as a Xero line whose LineAmount is exactly the line's net (Exclusive) or gross
 * (Inclusive). Tries the order's own quantity, unit price and discount first; when Xero's rounding of those
 * would differ by a cent, it keeps the quantity with an exact unit price, and as a last resort books the line
 * as one unit of the exact amount (the description keeps the original quantity).
 */
export function xeroLine(line: DocumentLine, lat: LineAmountTypes, options: { allowDiscount: boolean; tracking?: TrackingOption | null }): Mapped<XeroLineBody> {
  const target = new Big(lat === 'Inclusive' ? line.gross : line.net);
  const tax = new Big(line.tax);
  if (!tax.eq(0) && !line.taxCode) {
    return {
      ok: false,
      error: {
        kind: 'validation',
        message: `The line "${line.description}" carries tax (${line.tax}) but no Xero tax rate is mapped for it. Map the store's tax rates to Xero tax rates on the mappings page.`,
        fields: [{ field: 'TaxType', message: `no tax rate mapped for ${line.taxLabel ?? line.sourceId}` }],
      },
    };
  }
  const q = new Big(line.quantity);
  const u = new Big(line.unitPrice);
  const d = options.allowDiscount ? new Big(line.discount) : new Big(0);
  let quantity = q;
  let unit: Big | null = null;
  let discount: Big | null = null;
  let description = line.description;
  if (!q.eq(0) && round2(q.times(u).minus(d)).eq(target) && placesOf(line.unitPrice) <= 4) {
    unit = u;
    discount = d.eq(0) ? null : d;
  } else if (!q.eq(0)) {
    const exact = target.div(q);
    if (exact.eq(exact.round(4)) && round2(q.times(exact.round(4))).eq(target)) unit = exact.round(4);
  }
  if (unit === null) {
    quantity = new Big(1);
    unit = target;
    discount = null;
    description = `${line.description} (${line.quantity} × ${line.unitPrice}${d.eq(0) ? '' : ` less ${line.discount}`})`;
  }
  // The description is the merchant's line template (lines.descriptionTemplate), options included or not as it says.
  const body: XeroLineBody = {
    Description: description.slice(0, 4000),
    Quantity: decimal(fixed(quantity, Math.min(4, Math.max(0, placesOf(quantity.toString()))))),
    UnitAmount: decimal(fixed(unit, Math.max(2, Math.min(4, placesOf(unit.toString()))))),
    LineAmount: decimal(fixed(target, 2)),
    AccountCode: line.account,
    TaxAmount: decimal(fixed(tax, 2)),
  };
  if (discount) body.DiscountAmount = decimal(fixed(discount, 2));
  if (line.itemId && line.sku) body.ItemCode = line.sku;
  if (line.taxCode) body.TaxType = line.taxCode;
  if (options.tracking) body.Tracking = [{ Name: options.tracking.category, Option: options.tracking.option }];
  return { ok: true, value: body };
}

/** Σ LineAmount and Σ TaxAmount as Xero will total them: SubTotal + TotalTax = Total. */
export function xeroTotals(lines: readonly XeroLineBody[], lat: LineAmountTypes): { total: Big; tax: Big } {
  const amount = lines.reduce((s, l) => s.plus(l.LineAmount.__decimal), new Big(0));
  const tax = lines.reduce((s, l) => s.plus(l.TaxAmount.__decimal), new Big(0));
  return { total: lat === 'Inclusive' ? amount : amount.plus(tax), tax };
}

function mapLines(lines: readonly DocumentLine[], lat: LineAmountTypes, allowDiscount: boolean, tracking: TrackingOption | null | undefined): Mapped<XeroLineBody[]> {
  const out: XeroLineBody[] = [];
  for (const line of lines) {
    const m = xeroLine(line, lat, { allowDiscount, tracking });
    if (!m.ok) return m;
    out.push(m.value);
  }
  return { ok: true, value: out };
}

export interface InvoiceOptions {
  /** An existing contact, or a new one named in the invoice (Xero creates it when no contact matches). */
  contact: { ContactID: string } | ({ Name: string } & Record<string, unknown>);
  status: InvoiceStatus;
  /** Units of the document currency per unit of the organisation's base currency; null lets Xero use its daily rate. */
  currencyRate: string | null;
  number?: string;
  tracking?: TrackingOption | null;
}

export function invoiceBody(document: SalesDocument, options: InvoiceOptions): Mapped<XeroInvoiceBody> {
  const lat = lineAmountTypes(document);
  if (document.lines.length === 0) return { ok: false, error: { kind: 'validation', message: `Order ${document.source.orderId} has no lines to post.` } };
  // A channel's own tracking option (posting.trackingByChannel) goes before the store-wide one.
  const lines = mapLines(document.lines, lat, true, document.tracking ?? options.tracking);
  if (!lines.ok) return lines;
  const totals = xeroTotals(lines.value, lat);
  if (!totals.total.eq(document.totals.total) || !totals.tax.eq(document.totals.tax)) {
    // A bug in the mapping, never the merchant's data: refuse before Xero books a wrong total.
    throw new Error(`Xero invoice for ${document.number} would total ${totals.total}/${totals.tax}, the document ${document.totals.total}/${document.totals.tax}`);
  }
  const body: XeroInvoiceBody = {
    Type: 'ACCREC',
    Contact: options.contact,
    Date: document.date,
    DueDate: document.dueDate,
    InvoiceNumber: options.number ?? document.number,
    Reference: document.reference,
    LineAmountTypes: lat,
    CurrencyCode: document.currency.code,
    Status: document.kind === 'sales_order' ? 'DRAFT' : options.status,
    LineItems: lines.value,
  };
  if (options.currencyRate) body.CurrencyRate = decimal(options.currencyRate);
  if (document.source.orderUrl) body.Url = document.source.orderUrl;
  return { ok: true, value: body };
}

export function creditNoteBody(input: {
  lines: readonly DocumentLine[];
  lat: LineAmountTypes;
  contactId: string;
  number: string;
  reference: string;
  date: string;
  currencyCode: string;
  currencyRate: string | null;
  tracking?: TrackingOption | null;
}): Mapped<XeroCreditNoteBody> {
  // Xero credit notes take no DiscountAmount: lines are booked at their discounted amounts.
  const lines = mapLines(input.lines, input.lat, false, input.tracking);
  if (!lines.ok) return lines;
  const body: XeroCreditNoteBody = {
    Type: 'ACCRECCREDIT',
    Contact: { ContactID: input.contactId },
    Date: input.date,
    CreditNoteNumber: input.number,
    Reference: input.reference,
    LineAmountTypes: input.lat,
    CurrencyCode: input.currencyCode,
    Status: 'AUTHORISED',
    LineItems: lines.value,
  };
  if (input.currencyRate && input.currencyRate !== '1') body.CurrencyRate = decimal(input.currencyRate);
  return { ok: true, value: body };
}

/** ContactNumber carrying our BigCommerce customer id ("BC-1042"); null for guests. */
export function contactNumberFor(bcCustomerId: number | null, prefix: string): string | null {
  return bcCustomerId === null || bcCustomerId <= 0 ? null : `${prefix}${bcCustomerId}`;
}

export function bcCustomerIdOf(contactNumber: string | undefined, prefix: string): number | null {
  if (!contactNumber || !contactNumber.startsWith(prefix)) return null;
  const rest = contactNumber.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : null;
}

/** The suffix that makes a taken contact Name unique: "Jane Doe (BC 1042)". */
export function uniqueNameFor(customer: Pick<DocumentCustomer, 'displayName' | 'bcCustomerId' | 'email'>, max = 255): string | null {
  const suffix = customer.bcCustomerId !== null ? ` (BC ${customer.bcCustomerId})` : customer.email ? ` (${customer.email})` : null;
  if (!suffix || customer.displayName.endsWith(suffix)) return null;
  return `${customer.displayName.slice(0, Math.max(1, max - suffix.length))}${suffix}`;
}

export function contactBody(customer: DocumentCustomer, name: string, prefix: string): Record<string, unknown> {
  const a = customer.billingAddress;
  const body: Record<string, unknown> = { Name: name.slice(0, 255) };
  const number = contactNumberFor(customer.bcCustomerId, prefix);
  if (number) body.ContactNumber = number;
  if (customer.email) body.EmailAddress = customer.email.slice(0, 255);
  if (a.firstName) body.FirstName = a.firstName.slice(0, 255);
  if (a.lastName) body.LastName = a.lastName.slice(0, 255);
  if (customer.phone) body.Phones = [{ PhoneType: 'DEFAULT', PhoneNumber: customer.phone.slice(0, 50) }];
  const addresses: Record<string, string>[] = [];
  if (a.street1 || a.city || a.zip) addresses.push(addressOf('POBOX', a));
  // Xero's invoices have no delivery address (the Invoice schema's only addresses, InvoiceAddresses, are inputs to US
  // automatic sales tax); a contact has two, POBOX (the postal address invoices are sent to) and STREET (the physical
  // one), each with an AttentionTo: the order's delivery address goes to STREET, to the recipient's attention.
  // https://developer.xero.com/documentation/api/accounting/types#addresses; specs/xero/xero_accounting.yaml Address.
  const d = customer.deliveryAddress;
  if (d) {
    const attention = `${d.firstName} ${d.lastName}`.trim();
    addresses.push({ ...addressOf('STREET', d), ...(attention ? { AttentionTo: attention.slice(0, 255) } : {}) });
  }
  if (addresses.length) body.Addresses = addresses;
  return body;
}

function addressOf(type: 'POBOX' | 'STREET', a: DocumentCustomer['billingAddress']): Record<string, string> {
  return {
    AddressType: type,
    AddressLine1: a.street1.slice(0, 500),
    ...(a.street2 ? { AddressLine2: a.street2.slice(0, 500) } : {}),
    City: a.city.slice(0, 255),
    Region: a.state.slice(0, 255),
    PostalCode: a.zip.slice(0, 50),
    Country: a.country.slice(0, 50),
  };
}

export function paymentBody(invoiceId: string, payment: DocumentPayment, currencyRate: string | null): Record<string, unknown> {
  return {
    Invoice: { InvoiceID: invoiceId },
    Account: { Code: payment.account },
    Date: payment.date.slice(0, 10),
    Amount: decimal(payment.amount),
    Reference: (payment.reference ?? payment.method).slice(0, 255),
    ...(currencyRate ? { CurrencyRate: decimal(currencyRate) } : {}),
  };
}

/**
 * Money paid back against a credit note: Xero's "cash refund", a payment on the credit note out of `payment.account`.
 * https://developer.xero.com/documentation/api/accounting/payments (refunding a credit note)
 */
export function payoutBody(credit: { remoteId: string }, payment: DocumentPayment): Record<string, unknown> {
  return {
    CreditNote: { CreditNoteID: credit.remoteId },
    Account: { Code: payment.account },
    Date: payment.date.slice(0, 10),
    Amount: decimal(payment.amount),
    Reference: (payment.reference ?? payment.method).slice(0, 255),
  };
}

/** `Field=="value"` with Xero's escaping of quotes and backslashes. */
export function whereEquals(field: string, value: string): string {
  return `${field}=="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
