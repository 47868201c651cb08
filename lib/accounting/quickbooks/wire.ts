/**
 * QuickBooks' wire shapes that this folder reads (zod, loose: QuickBooks adds fields with minor versions) and the
 * JSON encoding of what it writes. Money goes out as number literals written from our decimal strings (never a
 * float computed here) and comes back as JSON numbers, turned at once into their shortest decimal string (exact for
 * QuickBooks' 2-place amounts and up-to-7-place unit prices).
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

export function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite amount: ${n}`);
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(20).replace(/\.?0+$/, '') : s;
}

/** A JSON number (or numeric string) as its exact decimal string. */
export const money = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform((v) => (typeof v === 'number' ? numberToDecimal(v) : v));

// ---------------------------------------------------------------------------------------- common

export const refSchema = z.object({ value: z.string(), name: z.string().optional() }).loose();
export type Ref = z.infer<typeof refSchema>;

const entityBase = { Id: z.string(), SyncToken: z.string().optional(), Active: z.boolean().optional() };

// ---------------------------------------------------------------------------------------- company

export const companyInfoSchema = z
  .object({
    CompanyName: z.string(),
    Country: z.string().optional(),
    NameValue: z.array(z.object({ Name: z.string(), Value: z.string() }).loose()).optional(),
  })
  .loose();

export const preferencesSchema = z
  .object({
    CurrencyPrefs: z.object({ MultiCurrencyEnabled: z.boolean().optional(), HomeCurrency: refSchema.optional() }).loose().optional(),
    TaxPrefs: z.object({ UsingSalesTax: z.boolean().optional(), PartnerTaxEnabled: z.boolean().optional() }).loose().optional(),
    AccountingInfoPrefs: z.object({ TrackDepartments: z.boolean().optional(), ClassTrackingPerTxnLine: z.boolean().optional(), ClassTrackingPerTxn: z.boolean().optional() }).loose().optional(),
  })
  .loose();

// ---------------------------------------------------------------------------------------- lists

export const accountSchema = z
  .object({ ...entityBase, Name: z.string(), AcctNum: z.string().optional(), AccountType: z.string().optional(), AccountSubType: z.string().optional(), Classification: z.string().optional() })
  .loose();

export const taxRateSchema = z.object({ ...entityBase, Name: z.string(), RateValue: money.optional() }).loose();
export const taxCodeSchema = z
  .object({
    ...entityBase,
    Name: z.string(),
    SalesTaxRateList: z.object({ TaxRateDetail: z.array(z.object({ TaxRateRef: refSchema }).loose()).optional() }).loose().optional(),
    PurchaseTaxRateList: z.object({ TaxRateDetail: z.array(z.object({ TaxRateRef: refSchema }).loose()).optional() }).loose().optional(),
  })
  .loose();

export const namedSchema = z.object({ ...entityBase, Name: z.string(), FullyQualifiedName: z.string().optional() }).loose();

export const customerSchema = z
  .object({
    ...entityBase,
    DisplayName: z.string(),
    Notes: z.string().optional(),
    PrimaryEmailAddr: z.object({ Address: z.string().optional() }).loose().optional(),
    CurrencyRef: refSchema.optional(),
  })
  .loose();

export const itemSchema = z
  .object({
    ...entityBase,
    Name: z.string(),
    Sku: z.string().optional(),
    Type: z.string().optional(),
    Description: z.string().optional(),
    UnitPrice: money.optional(),
    TrackQtyOnHand: z.boolean().optional(),
    QtyOnHand: money.optional(),
    IncomeAccountRef: refSchema.optional(),
  })
  .loose();

// ---------------------------------------------------------------------------------------- transactions

export const lineSchema = z
  .object({
    Id: z.string().optional(),
    Amount: money.optional(),
    DetailType: z.string(),
    Description: z.string().optional(),
    SalesItemLineDetail: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

export const txnSchema = z
  .object({
    Id: z.string(),
    SyncToken: z.string(),
    DocNumber: z.string().optional(),
    TxnDate: z.string().optional(),
    PrivateNote: z.string().optional(),
    CustomerRef: refSchema.optional(),
    CurrencyRef: refSchema.optional(),
    ExchangeRate: money.optional(),
    GlobalTaxCalculation: z.string().optional(),
    DepositToAccountRef: refSchema.optional(),
    TotalAmt: money.optional(),
    Balance: money.optional(),
    RemainingCredit: money.optional(),
    TxnTaxDetail: z.object({ TotalTax: money.optional() }).loose().optional(),
    Line: z.array(lineSchema).optional(),
    LinkedTxn: z.array(z.object({ TxnId: z.string(), TxnType: z.string() }).loose()).optional(),
  })
  .loose();
export type QboTxn = z.infer<typeof txnSchema>;

export const paymentSchema = z
  .object({
    Id: z.string(),
    SyncToken: z.string().optional(),
    TotalAmt: money.optional(),
    PaymentRefNum: z.string().optional(),
    PrivateNote: z.string().optional(),
    TxnDate: z.string().optional(),
    CurrencyRef: refSchema.optional(),
    DepositToAccountRef: refSchema.optional(),
    Line: z.array(z.object({ Amount: money.optional(), LinkedTxn: z.array(z.object({ TxnId: z.string(), TxnType: z.string() }).loose()).optional() }).loose()).optional(),
  })
  .loose();
export type QboPayment = z.infer<typeof paymentSchema>;

export type QboCustomer = z.infer<typeof customerSchema>;
export type QboItem = z.infer<typeof itemSchema>;
export type QboAccount = z.infer<typeof accountSchema>;

/** `{"QueryResponse": {"<Entity>": [...], startPosition, maxResults}}` ({} when nothing matches). */
export function queryResponse<T extends z.ZodType>(entity: string, row: T) {
  return z
    .object({ QueryResponse: z.object({ [entity]: z.array(row).optional(), startPosition: z.number().optional(), maxResults: z.number().optional() }).loose() })
    .loose()
    .transform((r) => ((r.QueryResponse as Record<string, unknown>)[entity] ?? []) as Array<z.infer<T>>);
}

// ---------------------------------------------------------------------------------------- errors

export const intuitErrorSchema = z.object({ Message: z.string().optional(), Detail: z.string().optional(), code: z.string().optional(), element: z.string().optional() }).loose();
export type IntuitError = z.infer<typeof intuitErrorSchema>;

/** API faults: `{"Fault":{"Error":[{Message, Detail, code, element}],"type":"ValidationFault"}}`. */
export const faultSchema = z.object({ Fault: z.object({ Error: z.array(intuitErrorSchema).default([]), type: z.string().optional() }).loose() }).loose();

/** Gateway faults (401, 403, 429) in the gateway's lower-case shape: `{"fault":{"error":[{message, detail, code}],"type"}}`. */
export const gatewayFaultSchema = z
  .object({ fault: z.object({ error: z.array(z.object({ message: z.string().nullish(), detail: z.string().nullish(), code: z.string().nullish() }).loose()).default([]), type: z.string().nullish() }).loose() })
  .loose();

// ---------------------------------------------------------------------------------------- identity

export const tokenResponseSchema = z
  .object({
    access_token: z.string().min(1),
    refresh_token: z.string().min(1),
    expires_in: z.number().positive(),
    x_refresh_token_expires_in: z.number().optional(),
    token_type: z.string().optional(),
  })
  .loose();

export const tokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() }).loose();
