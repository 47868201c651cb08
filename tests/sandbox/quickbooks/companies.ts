// A new QuickBooks Online company and what it starts with: a small chart of accounts, the tax codes of its country
// (US: TAX/NON, plus one combined rate when Automated Sales Tax is off; UK: VAT 20%, 5%, 0% and exempt), the
// "Services" item, CompanyInfo and Preferences. Names follow a fresh QBO company's defaults where the brief names them.
import { randomInt } from 'node:crypto';
import { insert, type Company, type SubscriptionStatus, type Wire } from './store';

export interface NewCompany {
  name: string;
  /** ISO 3166 alpha-2, e.g. US, GB, CA, AU. */
  country: string;
  currency: string;
  /** US only: Automated Sales Tax (tax recalculated from the ship-to state unless TxnTaxDetail.TotalTax is sent). */
  ast?: boolean;
  multicurrency?: boolean;
  /** Company address state (AST's fallback when a sale has no ship-to). Default CA. */
  state?: string;
}

/** Accounts every company gets, by the name the brief and QBO's defaults use. */
export const SEED_ACCOUNTS = [
  { key: 'income', Name: 'Sales of Product Income', AccountType: 'Income', AccountSubType: 'SalesOfProductIncome', Classification: 'Revenue' },
  { key: 'shipping', Name: 'Shipping Income', AccountType: 'Income', AccountSubType: 'OtherPrimaryIncome', Classification: 'Revenue' },
  { key: 'discounts', Name: 'Discounts given', AccountType: 'Income', AccountSubType: 'DiscountsRefundsGiven', Classification: 'Revenue' },
  { key: 'undeposited', Name: 'Undeposited Funds', AccountType: 'Other Current Asset', AccountSubType: 'UndepositedFunds', Classification: 'Asset' },
  { key: 'checking', Name: 'Checking', AccountType: 'Bank', AccountSubType: 'Checking', Classification: 'Asset' },
  { key: 'inventory', Name: 'Inventory Asset', AccountType: 'Other Current Asset', AccountSubType: 'Inventory', Classification: 'Asset' },
  { key: 'cogs', Name: 'Cost of Goods Sold', AccountType: 'Cost of Goods Sold', AccountSubType: 'SuppliesMaterialsCogs', Classification: 'Expense' },
  { key: 'receivable', Name: 'Accounts Receivable (A/R)', AccountType: 'Accounts Receivable', AccountSubType: 'AccountsReceivable', Classification: 'Asset' },
  { key: 'services', Name: 'Services', AccountType: 'Income', AccountSubType: 'ServiceFeeIncome', Classification: 'Revenue' },
  // The sales tax liability QuickBooks keeps (an Other Current Liability; detail type SalesTaxPayable in US companies,
  // GlobalTaxPayable elsewhere: Intuit's Account reference, AccountSubType enumeration).
  { key: 'taxPayable', Name: 'Sales Tax Payable', AccountType: 'Other Current Liability', AccountSubType: 'SalesTaxPayable', Classification: 'Liability' },
] as const;
export type SeedAccount = (typeof SEED_ACCOUNTS)[number]['key'];

/** Id of a seeded account (they are created first, in this order). */
export const seedAccountId = (key: SeedAccount): string => String(SEED_ACCOUNTS.findIndex((a) => a.key === key) + 1);

/** QBO's pseudo item for shipping when SalesFormsPrefs.AllowShipping is on (Intuit's SalesReceipt/Invoice docs). */
export const SHIPPING_ITEM_ID = 'SHIPPING_ITEM_ID';

interface SeedRate {
  Name: string;
  RateValue: number;
}

/** UK VAT as a fresh QBO UK company lists it (names as QBO shows them; rates per HMRC). */
const UK_RATES: Array<{ code: string; rate: SeedRate }> = [
  { code: '20.0% S', rate: { Name: '20.0% S (Sales)', RateValue: 20 } },
  { code: '5.0% R', rate: { Name: '5.0% R (Sales)', RateValue: 5 } },
  { code: '0.0% Z', rate: { Name: '0.0% Z (Sales)', RateValue: 0 } },
  { code: 'Exempt', rate: { Name: 'Exempt (Sales)', RateValue: 0 } },
];

/** Other non-US editions get a plain standard rate and an exempt code (the sandbox's own choice). */
const OTHER_RATES: Array<{ code: string; rate: SeedRate }> = [
  { code: 'Standard', rate: { Name: 'Standard (Sales)', RateValue: 10 } },
  { code: 'Exempt', rate: { Name: 'Exempt (Sales)', RateValue: 0 } },
];

export function newRealmId(): string {
  // Production realm ids are 15-19 digit numbers (e.g. 9130356495671996).
  return `9341${String(randomInt(1e6)).padStart(6, '0')}${String(randomInt(1e6)).padStart(6, '0')}`;
}

export function createCompany(input: NewCompany, now: number, realmId = newRealmId()): Company {
  const country = input.country.toUpperCase();
  const company: Company = {
    realmId,
    name: input.name,
    country,
    currency: input.currency.toUpperCase(),
    ast: country === 'US' && (input.ast ?? false),
    multicurrency: input.multicurrency ?? false,
    state: (input.state ?? 'CA').toUpperCase(),
    subscription: 'SUBSCRIBED',
    createdMs: now,
    entities: new Map(),
    counters: new Map(),
    tombstones: [],
  };
  const home = { value: company.currency, name: company.currency };
  for (const a of SEED_ACCOUNTS) {
    insert(company, 'Account', {
      Name: a.Name,
      FullyQualifiedName: a.Name,
      SubAccount: false,
      Active: true,
      Classification: a.Classification,
      AccountType: a.AccountType,
      AccountSubType: a.key === 'taxPayable' && company.country !== 'US' ? 'GlobalTaxPayable' : a.AccountSubType,
      CurrentBalance: 0,
      CurrentBalanceWithSubAccounts: 0,
      CurrencyRef: home,
    }, now);
  }
  insert(company, 'Item', {
    Name: 'Services',
    FullyQualifiedName: 'Services',
    Active: true,
    Type: 'Service',
    Taxable: false,
    UnitPrice: 0,
    IncomeAccountRef: { value: seedAccountId('services'), name: 'Services' },
    TrackQtyOnHand: false,
  }, now);
  seedTax(company, now);
  insert(company, 'CompanyInfo', companyInfo(company, 'SUBSCRIBED'), now, '1');
  insert(company, 'Preferences', preferences(company), now, '1');
  return company;
}

function seedTax(company: Company, now: number): void {
  if (company.country === 'US') {
    // US line codes are the pseudo codes TAX and NON (Intuit's "Manage sales tax for US locales" guide).
    insert(company, 'TaxCode', { Name: 'TAX', Description: 'TAX', Active: true, Taxable: true, TaxGroup: false }, now, 'TAX');
    insert(company, 'TaxCode', { Name: 'NON', Description: 'NON', Active: true, Taxable: false, TaxGroup: false }, now, 'NON');
    if (!company.ast) {
      // Manual sales tax: one combined rate a transaction can name in TxnTaxDetail.TxnTaxCodeRef.
      const rate = insert(company, 'TaxRate', { Name: 'California State Tax', Description: 'Sales Tax', Active: true, RateValue: 7.25, AgencyRef: { value: '1' }, SpecialTaxType: 'NONE', DisplayType: 'ReadOnly' }, now);
      insert(company, 'TaxCode', {
        Name: 'California',
        Description: 'California',
        Active: true,
        Taxable: true,
        TaxGroup: true,
        SalesTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: rate.data.Id, name: 'California State Tax' }, TaxTypeApplicable: 'TaxOnAmount', TaxOrder: 0 }] },
        PurchaseTaxRateList: { TaxRateDetail: [] },
      }, now);
    }
    return;
  }
  for (const { code, rate } of company.country === 'GB' ? UK_RATES : OTHER_RATES) {
    const r = insert(company, 'TaxRate', { ...rate, Description: rate.Name, Active: true, AgencyRef: { value: '1' }, SpecialTaxType: 'NONE', DisplayType: 'ReadOnly' }, now);
    insert(company, 'TaxCode', {
      Name: code,
      Description: code,
      Active: true,
      Hidden: false,
      Taxable: code !== 'Exempt',
      TaxGroup: true,
      SalesTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: r.data.Id, name: rate.Name }, TaxTypeApplicable: 'TaxOnAmount', TaxOrder: 0 }] },
      PurchaseTaxRateList: { TaxRateDetail: [] },
    }, now);
  }
}

export function companyInfo(company: Company, status: SubscriptionStatus): Wire {
  const addr = { Id: '1', Line1: '2600 Marine Way', City: 'Mountain View', CountrySubDivisionCode: company.state, PostalCode: '94043', Country: company.country };
  return {
    CompanyName: company.name,
    LegalName: company.name,
    CompanyAddr: addr,
    CustomerCommunicationAddr: addr,
    LegalAddr: addr,
    Country: company.country,
    SupportedLanguages: 'en',
    FiscalYearStartMonth: 'January',
    CompanyStartDate: new Date(company.createdMs).toISOString().slice(0, 10),
    // Intuit's subscription-states page: the subscription status is read from CompanyInfo (NameValue list).
    NameValue: [
      { Name: 'SubscriptionStatus', Value: status },
      { Name: 'OfferingSku', Value: 'QuickBooks Online Plus' },
      { Name: 'NeoEnabled', Value: 'true' },
    ],
  };
}

function preferences(company: Company): Wire {
  return {
    AccountingInfoPrefs: { TrackDepartments: true, DepartmentTerminology: 'Location', ClassTrackingPerTxn: true, ClassTrackingPerTxnLine: false, CustomerTerminology: 'Customers' },
    SalesFormsPrefs: {
      AllowShipping: true,
      AllowDiscount: true,
      AllowDeposit: true,
      AllowServiceDate: false,
      UsingPriceLevels: false,
      CustomTxnNumbers: true,
      AutoApplyCredit: true,
      ETransactionEnabledStatus: 'NotApplicable',
    },
    TaxPrefs: {
      UsingSalesTax: true,
      // PartnerTaxEnabled is how the Preferences entity says Automated Sales Tax is on (Intuit's AST guide).
      PartnerTaxEnabled: company.ast,
      ...(company.country === 'US' ? {} : { TaxGroupCodeRef: { value: '1' } }),
    },
    CurrencyPrefs: { MultiCurrencyEnabled: company.multicurrency, HomeCurrency: { value: company.currency } },
  };
}
