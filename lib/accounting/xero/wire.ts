/**
 * Xero's wire shapes (only the fields we read), parsed with zod at the boundary, and the request encoder.
 * Money is never a JS float here: amounts we send are decimal strings written into the JSON as numeric
 * literals (`"UnitAmount": 12.3400`), amounts we read come back as JSON numbers and are turned into their
 * shortest decimal string at once (exact for Xero's 2–4 place values).
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------- encoding

const DECIMAL_MARK = '\u0000dec:';

/** A decimal string to be written into the request JSON as a number literal. */
export type WireDecimal = { readonly __decimal: string };

export function decimal(value: string): WireDecimal {
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw new Error(`not a decimal: ${value}`);
  return { __decimal: value };
}

/** JSON.stringify, with every `decimal(...)` written as a bare number literal. */
export function encodeJson(body: unknown): string {
  const text = JSON.stringify(body, (_key, value: unknown) =>
    value && typeof value === 'object' && '__decimal' in value ? `${DECIMAL_MARK}${(value as WireDecimal).__decimal}` : value,
  );
  return text.replace(/"\\u0000dec:(-?\d+(?:\.\d+)?)"/g, '$1');
}

// ---------------------------------------------------------------------------------------- reading

/** A JSON number (or numeric string) as its exact decimal string. */
const money = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform((v) => (typeof v === 'number' ? numberToDecimal(v) : v));

export function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite amount: ${n}`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // Very small or large values: toFixed keeps up to 20 places without exponent.
  return n.toFixed(20).replace(/\.?0+$/, '');
}

const validationErrors = z.array(z.object({ Message: z.string() }).loose()).optional();

export const organisationSchema = z
  .object({ OrganisationID: z.string(), Name: z.string(), BaseCurrency: z.string(), Version: z.string().optional(), CountryCode: z.string().optional() })
  .loose();

export const accountSchema = z
  .object({
    AccountID: z.string(),
    Code: z.string().optional(),
    Name: z.string(),
    Type: z.string(),
    Class: z.string().optional(),
    Status: z.string().optional(),
    TaxType: z.string().optional(),
    EnablePaymentsToAccount: z.boolean().optional(),
  })
  .loose();

export const taxRateSchema = z
  .object({
    Name: z.string(),
    TaxType: z.string(),
    Status: z.string().optional(),
    EffectiveRate: money.optional(),
    DisplayTaxRate: money.optional(),
    ReportTaxType: z.string().optional(),
    CanApplyToRevenue: z.boolean().optional(),
  })
  .loose();

export const trackingCategorySchema = z
  .object({
    TrackingCategoryID: z.string(),
    Name: z.string(),
    Status: z.string().optional(),
    Options: z.array(z.object({ TrackingOptionID: z.string(), Name: z.string(), Status: z.string().optional() }).loose()).default([]),
  })
  .loose();

export const contactSchema = z
  .object({
    ContactID: z.string().optional(),
    Name: z.string().optional(),
    ContactNumber: z.string().optional(),
    EmailAddress: z.string().optional(),
    ContactStatus: z.string().optional(),
    HasValidationErrors: z.boolean().optional(),
    StatusAttributeString: z.string().optional(),
    ValidationErrors: validationErrors,
  })
  .loose();

export const itemSchema = z
  .object({
    ItemID: z.string(),
    Code: z.string(),
    Name: z.string().optional(),
    IsTrackedAsInventory: z.boolean().optional(),
    QuantityOnHand: money.optional(),
    Description: z.string().optional(),
    InventoryAssetAccountCode: z.string().optional(),
    SalesDetails: z.object({ UnitPrice: money.optional(), AccountCode: z.string().optional(), TaxType: z.string().optional() }).loose().optional(),
    PurchaseDetails: z.object({ UnitPrice: money.optional(), AccountCode: z.string().optional(), COGSAccountCode: z.string().optional(), TaxType: z.string().optional() }).loose().optional(),
    StatusAttributeString: z.string().optional(),
    ValidationErrors: validationErrors,
  })
  .loose();

/** An item element of a create/update answer: failed elements may lack ItemID (and even Code). */
export const itemElementSchema = itemSchema.extend({ ItemID: z.string().optional(), Code: z.string().optional() });

const lineSchema = z.object({ LineAmount: money.optional(), TaxAmount: money.optional() }).loose();

const documentFields = {
  Type: z.string().optional(),
  Status: z.string().optional(),
  Reference: z.string().optional(),
  CurrencyCode: z.string().optional(),
  CurrencyRate: money.optional(),
  LineAmountTypes: z.string().optional(),
  Contact: z.object({ ContactID: z.string().optional(), Name: z.string().optional() }).loose().optional(),
  SubTotal: money.optional(),
  TotalTax: money.optional(),
  Total: money.optional(),
  AmountDue: money.optional(),
  AmountPaid: money.optional(),
  AmountCredited: money.optional(),
  LineItems: z.array(lineSchema).optional(),
  Payments: z.array(z.object({ PaymentID: z.string(), Amount: money.optional(), Reference: z.string().optional() }).loose()).optional(),
  HasErrors: z.boolean().optional(),
  StatusAttributeString: z.string().optional(),
  ValidationErrors: validationErrors,
};

export const invoiceSchema = z.object({ InvoiceID: z.string().optional(), InvoiceNumber: z.string().optional(), ...documentFields }).loose();
export const creditNoteSchema = z
  .object({
    CreditNoteID: z.string().optional(),
    CreditNoteNumber: z.string().optional(),
    RemainingCredit: money.optional(),
    Allocations: z.array(z.object({ AllocationID: z.string().optional(), Amount: money.optional(), Invoice: z.object({ InvoiceID: z.string() }).loose().optional() }).loose()).optional(),
    ...documentFields,
  })
  .loose();

export const paymentSchema = z
  .object({
    PaymentID: z.string().optional(),
    Amount: money.optional(),
    Status: z.string().optional(),
    Reference: z.string().optional(),
    Invoice: z.object({ InvoiceID: z.string() }).loose().optional(),
    HasValidationErrors: z.boolean().optional(),
    StatusAttributeString: z.string().optional(),
    ValidationErrors: validationErrors,
  })
  .loose();

export const allocationSchema = z
  .object({ AllocationID: z.string().optional(), Amount: money.optional(), StatusAttributeString: z.string().optional(), ValidationErrors: validationErrors })
  .loose();

const pagination = z.object({ page: z.number(), pageSize: z.number(), pageCount: z.number(), itemCount: z.number() }).loose().optional();

/** `{Id, Status, ProviderName, DateTimeUTC, <Key>: [...]}` */
export function envelope<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.object({ [key]: z.array(item), pagination } as { [P in K]: z.ZodArray<T> } & { pagination: typeof pagination }).loose();
}

export const envelopes = {
  organisations: envelope('Organisations', organisationSchema),
  accounts: envelope('Accounts', accountSchema),
  taxRates: envelope('TaxRates', taxRateSchema),
  trackingCategories: envelope('TrackingCategories', trackingCategorySchema),
  contacts: envelope('Contacts', contactSchema),
  items: envelope('Items', itemSchema),
  itemElements: envelope('Items', itemElementSchema),
  invoices: envelope('Invoices', invoiceSchema),
  creditNotes: envelope('CreditNotes', creditNoteSchema),
  payments: envelope('Payments', paymentSchema),
  allocations: envelope('Allocations', allocationSchema),
};

export type XeroInvoice = z.infer<typeof invoiceSchema>;
export type XeroCreditNote = z.infer<typeof creditNoteSchema>;
export type XeroContact = z.infer<typeof contactSchema>;
export type XeroItem = z.infer<typeof itemSchema>;
export type XeroAccount = z.infer<typeof accountSchema>;
export type XeroTaxRate = z.infer<typeof taxRateSchema>;
export type XeroTrackingCategory = z.infer<typeof trackingCategorySchema>;

// ---------------------------------------------------------------------------------------- errors

/** 400 ValidationException: `{ErrorNumber: 10, Type, Message, Elements: [{..., ValidationErrors: [{Message}]}]}`. */
export const validationExceptionSchema = z
  .object({
    ErrorNumber: z.number().optional(),
    Type: z.string().optional(),
    Message: z.string().optional(),
    Elements: z.array(z.object({ ValidationErrors: validationErrors }).loose()).optional(),
  })
  .loose();

/** 401/403/404/429 problem details: `{Type, Title, Status, Detail}`. */
export const problemSchema = z.object({ Title: z.string().optional(), Detail: z.string().optional(), Status: z.number().optional() }).loose();

// ---------------------------------------------------------------------------------------- identity

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  id_token: z.string().optional(),
});

export const tokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() }).loose();

export const connectionSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    tenantType: z.string(),
    tenantName: z.string().nullable().optional(),
    authEventId: z.string().optional(),
    createdDateUtc: z.string().optional(),
    updatedDateUtc: z.string().optional(),
  })
  .loose();
export type XeroConnection = z.infer<typeof connectionSchema>;
