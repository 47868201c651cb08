// Name lists: Customer, Vendor, Employee, Item, Account, Class, Department. Each `prepare*` takes the body as it will
// be stored (a sparse update is already merged over the old version) and returns it checked and completed, or throws
// Intuit's fault. Sources beside each rule; rules without one are the sandbox's.
import Big from 'big.js';
import { badRequestBody, requiredMissing, duplicateListName, duplicateName, invalidReference, noNameProvided, stringTooLong, businessValidation, QboFault } from './faults';
import { find, table, type Company, type EntityName, type Stored, type Wire } from './store';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const key = (s: string) => s.trim().toLowerCase();

function maxLen(body: Wire, field: string, max: number): void {
  const v = str(body[field]);
  if (v.length > max) throw stringTooLong(field, max, v.length);
}

/** Intuit's PhysicalAddress type (BillAddr, ShipAddr of customers and sales forms): Line1-Line5 up to 500 characters,
 *  City, Country and CountrySubDivisionCode up to 255, PostalCode up to 30; anything else is kept as given.
 *  https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer (PhysicalAddress) */
export function checkPhysicalAddresses(body: Wire, fields: readonly string[]): void {
  const limits: Record<string, number> = { Line1: 500, Line2: 500, Line3: 500, Line4: 500, Line5: 500, City: 255, Country: 255, CountrySubDivisionCode: 255, PostalCode: 30 };
  for (const field of fields) {
    const address = body[field];
    if (address === undefined || address === null) continue;
    if (typeof address !== 'object' || Array.isArray(address)) throw badRequestBody(`Property Name:${field} specified is unsupported or invalid`);
    for (const [part, max] of Object.entries(limits)) {
      const v = str((address as Wire)[part]);
      if (v.length > max) throw stringTooLong(`${field}.${part}`, max, v.length);
    }
  }
}

export function refExists(company: Company, entity: EntityName, ref: unknown, element: string): void {
  const id = (ref as Wire | undefined)?.value;
  if (id === undefined || id === null || id === '') return;
  if (!find(company, entity, String(id))) throw invalidReference(element);
}

/** A foreign currency needs multicurrency on (Preferences.CurrencyPrefs.MultiCurrencyEnabled). The wording is the
 *  sandbox's: Intuit's docs only say CurrencyRef must be the home currency when multicurrency is off. */
export function checkCurrency(company: Company, ref: unknown): string {
  const code = str((ref as Wire | undefined)?.value).toUpperCase() || company.currency;
  if (code !== company.currency && !company.multicurrency) {
    throw businessValidation(`Multicurrency is not enabled for this company. ${code} cannot be used; the home currency is ${company.currency}.`, 'CurrencyRef');
  }
  return code;
}

// ------------------------------------------------------------------------------------------ people

const PEOPLE: EntityName[] = ['Customer', 'Vendor', 'Employee'];

/** Customer, Vendor and Employee share one name space (Intuit's Customer docs: "DisplayName ... must be unique across
 *  all Customer, Employee, and Vendor objects"; the 6240 refusal is quoted in faults.ts). Inactive records count
 *  too (Teachworks' help: an inactive customer of the same name triggers it). Case and surrounding blanks are
 *  ignored (the sandbox's reading; not confirmed). */
export function preparePerson(company: Company, entity: 'Customer' | 'Vendor' | 'Employee', body: Wire, existing?: Stored): Wire {
  const parts = ['Title', 'GivenName', 'MiddleName', 'FamilyName', 'Suffix'].map((f) => str(body[f]).trim()).filter(Boolean);
  let display = str(body.DisplayName).trim();
  if (!display) display = parts.join(' ') || str(body.CompanyName).trim();
  if (!display) throw noNameProvided();
  if (display.length > 500) throw stringTooLong('DisplayName', 500, display.length);
  for (const f of ['GivenName', 'FamilyName', 'MiddleName']) maxLen(body, f, 100);
  maxLen(body, 'CompanyName', 100);
  checkPhysicalAddresses(body, ['BillAddr', 'ShipAddr']);
  for (const other of PEOPLE) {
    for (const s of table(company, other).values()) {
      if (s === existing) continue;
      if (key(str(s.data.DisplayName)) === key(display)) throw duplicateName();
    }
  }
  const out: Wire = { ...body, DisplayName: display, Active: body.Active ?? true };
  if (entity === 'Customer') {
    out.FullyQualifiedName = display;
    out.PrintOnCheckName = body.PrintOnCheckName ?? display;
    out.Job = body.Job ?? false;
    out.BillWithParent = body.BillWithParent ?? false;
    out.Taxable = body.Taxable ?? true;
    const currency = checkCurrency(company, body.CurrencyRef);
    out.CurrencyRef = { value: currency, name: currency };
    out.PreferredDeliveryMethod = body.PreferredDeliveryMethod ?? 'Print';
  }
  if (entity === 'Vendor') out.Vendor1099 = body.Vendor1099 ?? false;
  delete out.Balance;
  delete out.BalanceWithJobs;
  return out;
}

// ------------------------------------------------------------------------------------------ items

const ITEM_TYPES = new Set(['Inventory', 'NonInventory', 'Service', 'Category', 'Group']);

/** Intuit's Item docs: Inventory items need IncomeAccountRef, AssetAccountRef, ExpenseAccountRef, QtyOnHand,
 *  InvStartDate and TrackQtyOnHand; Service and NonInventory need IncomeAccountRef to be sold. Item names are
 *  unique among items. */
export function prepareItem(company: Company, body: Wire, existing?: Stored): Wire {
  const name = str(body.Name).trim();
  if (!name) throw requiredMissing('Name');
  if (name.length > 100) throw stringTooLong('Name', 100, name.length);
  maxLen(body, 'Sku', 100);
  maxLen(body, 'Description', 4000);
  for (const s of table(company, 'Item').values()) {
    if (s !== existing && key(str(s.data.Name)) === key(name)) throw duplicateListName('product or service');
  }
  const type = str(body.Type) || 'Service';
  if (!ITEM_TYPES.has(type)) throw new QboFault({ Message: 'Invalid Enumeration', Detail: `Invalid Enumeration : ${type}`, code: '2170', element: 'Type' });
  const out: Wire = { ...body, Name: name, FullyQualifiedName: name, Type: type, Active: body.Active ?? true };
  if (type === 'Inventory') {
    for (const f of ['IncomeAccountRef', 'AssetAccountRef', 'ExpenseAccountRef', 'QtyOnHand', 'InvStartDate']) {
      if (body[f] === undefined || body[f] === null || body[f] === '') throw requiredMissing(f);
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(str(body.InvStartDate))) throw businessValidation('InvStartDate must be a date (YYYY-MM-DD).', 'InvStartDate');
    out.TrackQtyOnHand = true;
    out.QtyOnHand = Number(new Big(String(body.QtyOnHand)).toString());
  } else if (type === 'Service' || type === 'NonInventory') {
    if (!body.IncomeAccountRef) throw requiredMissing('IncomeAccountRef');
    out.TrackQtyOnHand = false;
  }
  refExists(company, 'Account', body.IncomeAccountRef, 'IncomeAccountRef');
  refExists(company, 'Account', body.AssetAccountRef, 'AssetAccountRef');
  refExists(company, 'Account', body.ExpenseAccountRef, 'ExpenseAccountRef');
  if (body.UnitPrice !== undefined) out.UnitPrice = Number(new Big(String(body.UnitPrice)).toString());
  out.Taxable = body.Taxable ?? company.country === 'US';
  return out;
}

// ------------------------------------------------------------------------------------------ accounts, classes, departments

export function prepareAccount(company: Company, body: Wire, existing?: Stored): Wire {
  const name = str(body.Name).trim();
  if (!name) throw requiredMissing('Name');
  if (name.length > 100) throw stringTooLong('Name', 100, name.length);
  // 6010, from Intuit's IPP error-code table.
  if (!body.AccountType && !body.AccountSubType) {
    throw new QboFault({ Message: 'Invalid Account.AccountType && Account.SubType', Detail: 'Either an Account.AccountType or an Account.AccountSubType must be specified', code: '6010', element: 'AccountType' });
  }
  for (const s of table(company, 'Account').values()) {
    if (s !== existing && key(str(s.data.Name)) === key(name)) throw duplicateListName('account');
  }
  const currency = checkCurrency(company, body.CurrencyRef);
  return { ...body, Name: name, FullyQualifiedName: name, Active: body.Active ?? true, SubAccount: body.SubAccount ?? false, CurrentBalance: existing?.data.CurrentBalance ?? 0, CurrencyRef: { value: currency, name: currency } };
}

export function prepareSimpleList(company: Company, entity: 'Class' | 'Department', body: Wire, existing?: Stored): Wire {
  const name = str(body.Name).trim();
  if (!name) throw requiredMissing('Name');
  if (name.length > 100) throw stringTooLong('Name', 100, name.length);
  for (const s of table(company, entity).values()) {
    if (s !== existing && key(str(s.data.Name)) === key(name)) {
      throw new QboFault({ Message: 'Duplicate Name Exists Error', Detail: 'The name supplied already exists. : Another list item is already using this name. Please use a different name.', code: '6240', element: 'Name' });
    }
  }
  return { ...body, Name: name, FullyQualifiedName: name, Active: body.Active ?? true, SubClass: entity === 'Class' ? (body.SubClass ?? false) : undefined, SubDepartment: entity === 'Department' ? (body.SubDepartment ?? false) : undefined };
}
