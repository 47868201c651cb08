// Organisations (tenants) and everything they hold. Each new organisation gets a small chart of accounts, the
// tax rates of its country edition (from its base currency), one tracking category, and empty ledgers.
import type { ManualJournalRecord } from './journals';
import { randomUUID } from 'node:crypto';
import Big from 'big.js';

export interface TaxRateRecord {
  TaxType: string;
  Name: string;
  /** Percent, e.g. 15 for 15%. */
  rate: Big;
  ReportTaxType: string;
  Status: 'ACTIVE' | 'DELETED' | 'ARCHIVED';
}

export interface AccountRecord {
  AccountID: string;
  Code: string;
  Name: string;
  Type: string;
  Class: 'ASSET' | 'EQUITY' | 'EXPENSE' | 'LIABILITY' | 'REVENUE';
  TaxType: string;
  Status: 'ACTIVE' | 'ARCHIVED';
  EnablePaymentsToAccount: boolean;
  BankAccountNumber?: string;
  BankAccountType?: 'BANK' | 'CREDITCARD' | 'PAYPAL' | 'NONE' | '';
  SystemAccount?: string;
  updatedAt: number;
}

export interface TrackingCategoryRecord {
  TrackingCategoryID: string;
  Name: string;
  Status: 'ACTIVE' | 'ARCHIVED';
  Options: Array<{ TrackingOptionID: string; Name: string; Status: 'ACTIVE' | 'ARCHIVED' }>;
}

export interface ContactRecord {
  ContactID: string;
  ContactStatus: 'ACTIVE' | 'ARCHIVED';
  Name: string;
  /** The other writable fields, as sent (strings, arrays of addresses/phones, booleans). */
  fields: Record<string, unknown>;
  IsCustomer: boolean;
  IsSupplier: boolean;
  updatedAt: number;
}

export interface ItemRecord {
  ItemID: string;
  Code: string;
  fields: Record<string, unknown>;
  SalesDetails?: { UnitPrice?: Big; AccountCode?: string; TaxType?: string };
  PurchaseDetails?: { UnitPrice?: Big; AccountCode?: string; COGSAccountCode?: string; TaxType?: string };
  IsTrackedAsInventory: boolean;
  InventoryAssetAccountCode?: string;
  IsSold: boolean;
  IsPurchased: boolean;
  QuantityOnHand: Big;
  TotalCostPool: Big;
  updatedAt: number;
}

export interface LineRecord {
  LineItemID: string;
  Description?: string;
  Quantity: Big;
  UnitAmount?: Big;
  ItemCode?: string;
  AccountCode?: string;
  TaxType?: string;
  TaxAmount: Big;
  LineAmount: Big;
  DiscountRate?: Big;
  DiscountAmount?: Big;
  Tracking: Array<{ TrackingCategoryID: string; TrackingOptionID: string; Name: string; Option: string }>;
}

export type DocKind = 'invoice' | 'creditnote';
export type DocStatus = 'DRAFT' | 'SUBMITTED' | 'AUTHORISED' | 'PAID' | 'VOIDED' | 'DELETED';
export type LineAmountTypes = 'Exclusive' | 'Inclusive' | 'NoTax';

export interface DocumentRecord {
  kind: DocKind;
  id: string;
  Type: string;
  number: string;
  ContactID: string;
  date: string;
  dueDate?: string;
  LineAmountTypes: LineAmountTypes;
  Reference?: string;
  CurrencyCode: string;
  CurrencyRate?: Big;
  Status: DocStatus;
  lines: LineRecord[];
  SubTotal: Big;
  TotalTax: Big;
  Total: Big;
  TotalDiscount: Big;
  /** Payments received (invoices) or refunds paid out (credit notes). */
  paymentIds: string[];
  allocationIds: string[];
  fullyPaidOn?: string;
  SentToContact: boolean;
  /** Whether the document's tracked-item quantities are currently applied to QuantityOnHand. */
  stockApplied: boolean;
  updatedAt: number;
}

export interface PaymentRecord {
  PaymentID: string;
  docId: string;
  docKind: DocKind;
  AccountID: string;
  date: string;
  Amount: Big;
  CurrencyRate?: Big;
  Reference?: string;
  Status: 'AUTHORISED' | 'DELETED';
  PaymentType: string;
  updatedAt: number;
}

export interface AllocationRecord {
  AllocationID: string;
  creditNoteId: string;
  invoiceId: string;
  Amount: Big;
  date: string;
  IsDeleted: boolean;
}

export interface Tenant {
  tenantId: string;
  name: string;
  currency: string;
  /** Currencies the organisation can transact in (base first). */
  currencies: string[];
  version: 'AU' | 'NZ' | 'UK' | 'US' | 'GLOBAL';
  countryCode: string;
  shortCode: string;
  createdAt: number;
  accounts: AccountRecord[];
  taxRates: TaxRateRecord[];
  trackingCategories: TrackingCategoryRecord[];
  contacts: Map<string, ContactRecord>;
  items: Map<string, ItemRecord>;
  documents: Map<string, DocumentRecord>;
  payments: Map<string, PaymentRecord>;
  allocations: Map<string, AllocationRecord>;
  /** Manual journals by id (./journals.ts). */
  manualJournals: Map<string, ManualJournalRecord>;
  counters: { invoice: number; creditNote: number };
  /** Lookup index by name / number / code: add-only, entries are verified on read (see `indexed`). */
  index: Map<string, Set<object>>;
}

/** Records every key a record takes (`c:<name>`, `cn:<number>`, `i:<CODE>`, `d:<kind>:<NUMBER>`). */
export function indexAdd(tenant: Tenant, key: string, record: object): void {
  let set = tenant.index.get(key);
  if (!set) tenant.index.set(key, (set = new Set()));
  set.add(record);
}

/** Candidates for a key that still match (stale entries are skipped by the caller's predicate). */
export function indexed<T extends object>(tenant: Tenant, key: string, stillMatches: (record: T) => boolean): T[] {
  return [...((tenant.index.get(key) as Set<T> | undefined) ?? [])].filter(stillMatches);
}

const EDITIONS: Record<string, { version: Tenant['version']; country: string }> = {
  NZD: { version: 'NZ', country: 'NZ' },
  AUD: { version: 'AU', country: 'AU' },
  GBP: { version: 'UK', country: 'GB' },
  USD: { version: 'US', country: 'US' },
};

type RateSeed = [TaxType: string, Name: string, rate: string, report: string];

/** Output/input/zero/exempt rates per edition, with the TaxType codes Xero uses in that edition. */
const TAX_RATES: Record<Tenant['version'], RateSeed[]> = {
  NZ: [
    ['OUTPUT2', '15% GST on Income', '15', 'OUTPUT'],
    ['INPUT2', '15% GST on Expenses', '15', 'INPUT'],
    ['ZERORATED', 'Zero Rated', '0', 'OUTPUT'],
    ['EXEMPTOUTPUT', 'GST Exempt Income', '0', 'EXEMPTOUTPUT'],
    ['NONE', 'No GST', '0', 'NONE'],
  ],
  AU: [
    ['OUTPUT', 'GST on Income', '10', 'OUTPUT'],
    ['INPUT', 'GST on Expenses', '10', 'INPUT'],
    ['EXEMPTOUTPUT', 'GST Free Income', '0', 'EXEMPTOUTPUT'],
    ['EXEMPTEXPENSES', 'GST Free Expenses', '0', 'EXEMPTEXPENSES'],
    ['BASEXCLUDED', 'BAS Excluded', '0', 'BASEXCLUDED'],
  ],
  UK: [
    ['OUTPUT2', '20% (VAT on Income)', '20', 'OUTPUT'],
    ['RROUTPUT', '5% (VAT on Income)', '5', 'OUTPUT'],
    ['ZERORATEDOUTPUT', 'Zero Rated Income', '0', 'OUTPUT'],
    ['INPUT2', '20% (VAT on Expenses)', '20', 'INPUT'],
    ['NONE', 'No VAT', '0', 'NONE'],
  ],
  US: [
    ['TAX001', 'Sales Tax', '8.875', 'USSALESTAX'],
    ['TAX002', 'Reduced Sales Tax', '4', 'USSALESTAX'],
    ['NONE', 'Tax Exempt', '0', 'NONE'],
    ['INPUT', 'Tax on Purchases', '0', 'INPUT'],
  ],
  GLOBAL: [
    ['OUTPUT', 'Tax on Sales', '20', 'OUTPUT'],
    ['REDUCED', 'Reduced Tax on Sales', '7', 'OUTPUT'],
    ['INPUT', 'Tax on Purchases', '20', 'INPUT'],
    ['EXEMPTOUTPUT', 'Tax Exempt', '0', 'EXEMPTOUTPUT'],
    ['NONE', 'No Tax', '0', 'NONE'],
  ],
};

export interface NewTenant {
  name: string;
  currency: string;
  /** Extra currencies the organisation is subscribed to. */
  currencies?: string[];
  taxRates?: Array<{ TaxType: string; Name: string; rate: string; ReportTaxType?: string }>;
}

export function createTenant(input: NewTenant, now: number): Tenant {
  const currency = input.currency.toUpperCase();
  const edition = EDITIONS[currency] ?? { version: 'GLOBAL' as const, country: 'NZ' };
  const rates = TAX_RATES[edition.version];
  const output = rates[0]![0];
  const input_ = rates.find((r) => r[3] === 'INPUT')?.[0] ?? 'NONE';
  const exempt = rates.find((r) => r[0] === 'NONE' || r[0].startsWith('EXEMPT') || r[0] === 'BASEXCLUDED')?.[0] ?? 'NONE';
  const account = (Code: string, Name: string, Type: string, Class: AccountRecord['Class'], TaxType: string, extra: Partial<AccountRecord> = {}): AccountRecord => ({
    AccountID: randomUUID(),
    Code,
    Name,
    Type,
    Class,
    TaxType,
    Status: 'ACTIVE',
    EnablePaymentsToAccount: false,
    updatedAt: now,
    ...extra,
  });
  const taxRates: TaxRateRecord[] = [
    ...rates.map(([TaxType, Name, rate, ReportTaxType]) => ({ TaxType, Name, rate: new Big(rate), ReportTaxType, Status: 'ACTIVE' as const })),
    ...(input.taxRates ?? []).map((r) => ({ TaxType: r.TaxType, Name: r.Name, rate: new Big(r.rate), ReportTaxType: r.ReportTaxType ?? 'OUTPUT', Status: 'ACTIVE' as const })),
  ];
  return {
    tenantId: randomUUID(),
    name: input.name,
    currency,
    currencies: [currency, ...(input.currencies ?? []).map((c) => c.toUpperCase()).filter((c) => c !== currency)],
    version: edition.version,
    countryCode: edition.country,
    shortCode: `!${Math.random().toString(36).slice(2, 7)}`,
    createdAt: now,
    accounts: [
      account('090', 'Business Bank Account', 'BANK', 'ASSET', exempt, { BankAccountNumber: '0100000000001', BankAccountType: 'BANK', EnablePaymentsToAccount: true }),
      account('091', 'Business Savings Account', 'BANK', 'ASSET', exempt, { BankAccountNumber: '0100000000002', BankAccountType: 'BANK', EnablePaymentsToAccount: true }),
      account('092', 'Store Payments Clearing', 'CURRENT', 'ASSET', exempt, { EnablePaymentsToAccount: true }),
      account('610', 'Accounts Receivable', 'CURRENT', 'ASSET', exempt, { SystemAccount: 'DEBTORS' }),
      account('630', 'Inventory', 'INVENTORY', 'ASSET', exempt),
      account('800', 'Accounts Payable', 'CURRLIAB', 'LIABILITY', exempt, { SystemAccount: 'CREDITORS' }),
      account('820', 'Sales Tax', 'CURRLIAB', 'LIABILITY', exempt, { SystemAccount: 'GST' }),
      account('200', 'Sales', 'REVENUE', 'REVENUE', output),
      account('210', 'Shipping Income', 'REVENUE', 'REVENUE', output),
      account('260', 'Other Revenue', 'REVENUE', 'REVENUE', output),
      account('270', 'Discounts Given', 'REVENUE', 'REVENUE', output),
      account('310', 'Cost of Goods Sold', 'DIRECTCOSTS', 'EXPENSE', input_),
      account('400', 'Advertising', 'OVERHEADS', 'EXPENSE', input_),
      account('404', 'Bank Fees', 'OVERHEADS', 'EXPENSE', exempt),
      account('429', 'General Expenses', 'OVERHEADS', 'EXPENSE', input_),
      account('860', 'Rounding', 'CURRLIAB', 'LIABILITY', exempt, { SystemAccount: 'ROUNDING' }),
      account('960', 'Retained Earnings', 'EQUITY', 'EQUITY', exempt, { SystemAccount: 'RETAINEDEARNINGS' }),
    ],
    taxRates,
    trackingCategories: [
      {
        TrackingCategoryID: randomUUID(),
        Name: 'Sales Channel',
        Status: 'ACTIVE',
        Options: ['Online Store', 'Marketplace', 'Wholesale'].map((Name) => ({ TrackingOptionID: randomUUID(), Name, Status: 'ACTIVE' as const })),
      },
    ],
    contacts: new Map(),
    items: new Map(),
    documents: new Map(),
    payments: new Map(),
    allocations: new Map(),
    manualJournals: new Map(),
    counters: { invoice: 0, creditNote: 0 },
    index: new Map(),
  };
}

export function taxRateOf(tenant: Tenant, taxType: string | undefined): TaxRateRecord | undefined {
  if (!taxType) return undefined;
  return tenant.taxRates.find((t) => t.TaxType.toUpperCase() === taxType.toUpperCase() && t.Status === 'ACTIVE');
}

export function accountByCode(tenant: Tenant, code: string | undefined): AccountRecord | undefined {
  if (!code) return undefined;
  return tenant.accounts.find((a) => a.Code.toUpperCase() === code.toUpperCase());
}

export function itemByCode(tenant: Tenant, code: string | undefined): ItemRecord | undefined {
  if (!code) return undefined;
  const c = code.toUpperCase();
  return indexed<ItemRecord>(tenant, `i:${c}`, (i) => tenant.items.get(i.ItemID) === i && i.Code.toUpperCase() === c)[0];
}
