// Contacts (unique Name among active contacts) and Items (unique Code; QuantityOnHand read-only, moved only
// by documents of tracked items). Each upsert returns either validation messages or the saved element plus an
// undo closure, so a batch can be rolled back when Xero would fail the whole request.
import { randomUUID } from 'node:crypto';
import Big from 'big.js';
import type { ContactRecord, ItemRecord, Tenant } from './tenants';
import { accountByCode, indexAdd, indexed, itemByCode, taxRateOf } from './tenants';
import { dec, msDateTime, toBig } from './wire';

export type Upsert = { errors: string[] } | { saved: Record<string, unknown>; undo: () => void };

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

const CONTACT_FIELDS = [
  'ContactNumber', 'AccountNumber', 'FirstName', 'LastName', 'CompanyNumber', 'EmailAddress', 'BankAccountDetails',
  'TaxNumber', 'AccountsReceivableTaxType', 'AccountsPayableTaxType', 'Addresses', 'Phones', 'DefaultCurrency',
  'SalesDefaultAccountCode', 'PurchasesDefaultAccountCode', 'ContactPersons', 'Website',
] as const;

const MAX_LENGTH: Record<string, number> = { ContactNumber: 50, AccountNumber: 50, FirstName: 255, LastName: 255, EmailAddress: 255, CompanyNumber: 50, TaxNumber: 50 };

export function findContact(tenant: Tenant, ref: unknown): ContactRecord | undefined {
  const r = (ref ?? {}) as Record<string, unknown>;
  const id = str(r.ContactID);
  if (id) return tenant.contacts.get(id.toLowerCase());
  const number = str(r.ContactNumber);
  if (number) return indexed<ContactRecord>(tenant, `cn:${number}`, (c) => tenant.contacts.get(c.ContactID) === c && str(c.fields.ContactNumber) === number)[0];
  return undefined;
}

function indexContact(tenant: Tenant, c: ContactRecord): void {
  indexAdd(tenant, `c:${c.Name.trim().toLowerCase()}`, c);
  const number = str(c.fields.ContactNumber);
  if (number) indexAdd(tenant, `cn:${number}`, c);
}

export function contactByName(tenant: Tenant, name: string, activeOnly = true): ContactRecord | undefined {
  const n = name.trim().toLowerCase();
  return indexed<ContactRecord>(
    tenant,
    `c:${n}`,
    (c) => tenant.contacts.get(c.ContactID) === c && (!activeOnly || c.ContactStatus === 'ACTIVE') && c.Name.trim().toLowerCase() === n,
  )[0];
}

export function renderContact(c: ContactRecord, summary = false): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ContactID: c.ContactID,
    ContactStatus: c.ContactStatus,
    Name: c.Name,
    ...Object.fromEntries(CONTACT_FIELDS.filter((k) => c.fields[k] !== undefined).map((k) => [k, c.fields[k]])),
    UpdatedDateUTC: msDateTime(c.updatedAt),
    IsSupplier: c.IsSupplier,
    IsCustomer: c.IsCustomer,
    HasAttachments: false,
    HasValidationErrors: false,
  };
  if (!summary) {
    out.Addresses ??= [];
    out.Phones ??= [];
    out.ContactGroups = [];
    out.ContactPersons ??= [];
    out.SalesTrackingCategories = [];
    out.PurchasesTrackingCategories = [];
  }
  return out;
}

/** Contact reference as embedded in documents and payments. */
export function contactRef(c: ContactRecord): Record<string, unknown> {
  return renderContact(c, true);
}

export function upsertContact(tenant: Tenant, el: Record<string, unknown>, mode: 'create' | 'upsert', now: number, pathId?: string): Upsert {
  const errors: string[] = [];
  let existing = pathId ? findContact(tenant, { ContactID: pathId }) ?? findContact(tenant, { ContactNumber: pathId }) : undefined;
  if (pathId && !existing) return { errors: [`The contact with ID ${pathId} could not be found.`] };
  if (!existing && el.ContactID !== undefined) {
    existing = findContact(tenant, { ContactID: el.ContactID });
    if (!existing) return { errors: [`The contact with ID ${str(el.ContactID)} could not be found.`] };
  }
  if (!existing && mode === 'upsert' && str(el.ContactNumber)) existing = findContact(tenant, { ContactNumber: el.ContactNumber });

  const name = str(el.Name)?.trim();
  if (!existing && !name) errors.push('The contact name must be specified.');
  if (name !== undefined && name.length > 255) errors.push('The contact name must not exceed 255 characters.');
  for (const [k, max] of Object.entries(MAX_LENGTH)) {
    const v = str(el[k]);
    if (v !== undefined && v.length > max) errors.push(`${k} must not exceed ${max} characters.`);
  }
  const status = str(el.ContactStatus);
  if (status !== undefined && !['ACTIVE', 'ARCHIVED'].includes(status)) errors.push(`The contact status ${status} is not valid.`);
  const finalStatus = (status as ContactRecord['ContactStatus'] | undefined) ?? existing?.ContactStatus ?? 'ACTIVE';
  if (name && finalStatus === 'ACTIVE') {
    const clash = contactByName(tenant, name);
    if (clash && clash !== existing) {
      errors.push(`The contact name ${name} is already assigned to another contact. The contact name must be unique across all active contacts.`);
    }
  }
  const currency = str(el.DefaultCurrency);
  if (currency && !tenant.currencies.includes(currency.toUpperCase())) errors.push(`The currency ${currency} is not subscribed to in this organisation.`);
  errors.push(...addressProblems(el.Addresses));
  if (errors.length) return { errors };

  const fields: Record<string, unknown> = {};
  for (const k of CONTACT_FIELDS) if (el[k] !== undefined) fields[k] = el[k];
  if (existing && Array.isArray(fields.Addresses) && Array.isArray(existing.fields.Addresses)) {
    // A contact has one address of each type (Xero answers every contact with both a STREET and a POBOX): an update
    // naming one type replaces that one and leaves the other (the sandbox's reading of the types page).
    const sent = new Set((fields.Addresses as Array<Record<string, unknown>>).map((a) => a.AddressType));
    fields.Addresses = [...(existing.fields.Addresses as Array<Record<string, unknown>>).filter((a) => !sent.has(a.AddressType)), ...(fields.Addresses as unknown[])];
  }
  if (existing) {
    const before = { ...existing, fields: { ...existing.fields } };
    existing.fields = { ...existing.fields, ...fields };
    if (name) existing.Name = name;
    existing.ContactStatus = finalStatus;
    existing.updatedAt = now;
    indexContact(tenant, existing);
    const target = existing;
    return { saved: renderContact(target), undo: () => Object.assign(target, before) };
  }
  const c: ContactRecord = {
    ContactID: randomUUID(),
    ContactStatus: finalStatus,
    Name: name!,
    fields,
    IsCustomer: false,
    IsSupplier: false,
    updatedAt: now,
  };
  tenant.contacts.set(c.ContactID, c);
  indexContact(tenant, c);
  return { saved: renderContact(c), undo: () => tenant.contacts.delete(c.ContactID) };
}

/**
 * A contact's Addresses: AddressType POBOX or STREET (the Address schema's enum in specs/xero/xero_accounting.yaml;
 * DELIVERY is an organisation's address type only, AddressForOrganisation), AddressLine1-4 up to 500 characters, City
 * and Region up to 255, PostalCode and Country up to 50 (the schema's maxLength; Country "[A-Z], [a-z] only"),
 * AttentionTo up to 255. https://developer.xero.com/documentation/api/accounting/types#addresses
 */
function addressProblems(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return ['Addresses must be a list of addresses.'];
  const limits: Record<string, number> = { AddressLine1: 500, AddressLine2: 500, AddressLine3: 500, AddressLine4: 500, City: 255, Region: 255, PostalCode: 50, Country: 50, AttentionTo: 255 };
  const problems: string[] = [];
  for (const a of raw as Array<Record<string, unknown>>) {
    const type = str(a?.AddressType);
    if (type !== 'POBOX' && type !== 'STREET') problems.push(`AddressType must be POBOX or STREET, not ${type ?? 'missing'}.`);
    for (const [k, max] of Object.entries(limits)) {
      const v = str(a?.[k]);
      if (v !== undefined && v.length > max) problems.push(`${k} must not exceed ${max} characters.`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------ items

export function findItem(tenant: Tenant, idOrCode: string): ItemRecord | undefined {
  return tenant.items.get(idOrCode.toLowerCase()) ?? itemByCode(tenant, idOrCode);
}

/** `unitdp`: UnitPrice places in the answer (Xero rounds to 2 unless the request says `unitdp=4`). */
export function renderItem(i: ItemRecord, unitdp: 2 | 4 = 4): Record<string, unknown> {
  const details = (d: ItemRecord['SalesDetails'] | ItemRecord['PurchaseDetails']) => {
    if (!d) return {};
    const out: Record<string, unknown> = { ...d };
    if (d.UnitPrice !== undefined) out.UnitPrice = dec(d.UnitPrice.round(unitdp, Big.roundHalfUp), unitdp);
    return out;
  };
  return {
    ItemID: i.ItemID,
    Code: i.Code,
    ...i.fields,
    IsSold: i.IsSold,
    IsPurchased: i.IsPurchased,
    IsTrackedAsInventory: i.IsTrackedAsInventory,
    ...(i.IsTrackedAsInventory
      ? { InventoryAssetAccountCode: i.InventoryAssetAccountCode, TotalCostPool: dec(i.TotalCostPool), QuantityOnHand: dec(i.QuantityOnHand, 4) }
      : {}),
    PurchaseDetails: details(i.PurchaseDetails),
    SalesDetails: details(i.SalesDetails),
    UpdatedDateUTC: msDateTime(i.updatedAt),
  };
}

function parseDetails(tenant: Tenant, raw: unknown, label: string, errors: string[], unitdp: 2 | 4) {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object') {
    errors.push(`${label} is not valid.`);
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const price = toBig(r.UnitPrice);
  if (price === null) errors.push(`${label}.UnitPrice is not a valid number.`);
  for (const key of ['AccountCode', 'COGSAccountCode'] as const) {
    const code = str(r[key]);
    if (code && !accountByCode(tenant, code)) errors.push(`Account code '${code}' is not a valid code.`);
  }
  const taxType = str(r.TaxType);
  if (taxType && !taxRateOf(tenant, taxType)) errors.push(`The TaxType code '${taxType}' does not exist or cannot be used for this type of transaction.`);
  return {
    ...(price ? { UnitPrice: price.round(unitdp, Big.roundHalfUp) } : {}),
    ...(str(r.AccountCode) ? { AccountCode: str(r.AccountCode) } : {}),
    ...(str(r.COGSAccountCode) ? { COGSAccountCode: str(r.COGSAccountCode) } : {}),
    ...(taxType ? { TaxType: taxType } : {}),
  };
}

/**
 * Xero's item rules (https://developer.xero.com/documentation/api/accounting/items, xero_accounting.yaml `Item`):
 * Code ≤ 30 and unique, Name ≤ 50, Description ≤ 4,000; UnitPrice kept at 2 places unless `unitdp=4`; a
 * COGSAccountCode needs an InventoryAssetAccountCode, and a tracked item takes no purchase AccountCode;
 * `IsSold: false` clears Description and SalesDetails.
 */
export function upsertItem(tenant: Tenant, el: Record<string, unknown>, mode: 'create' | 'upsert', now: number, pathId?: string, unitdp: 2 | 4 = 2): Upsert {
  const errors: string[] = [];
  let existing = pathId ? findItem(tenant, pathId) : undefined;
  if (pathId && !existing) return { errors: [`Item with ID ${pathId} could not be found.`] };
  if (!existing && str(el.ItemID)) {
    existing = tenant.items.get(str(el.ItemID)!.toLowerCase());
    if (!existing) return { errors: [`Item with ID ${str(el.ItemID)} could not be found.`] };
  }
  const code = str(el.Code)?.trim();
  if (!existing && mode === 'upsert' && code) existing = itemByCode(tenant, code);
  if (!existing && !code) errors.push('Item code must be specified.');
  if (code !== undefined && code.length > 30) errors.push('The item code must not exceed 30 characters.');
  if (code) {
    const clash = itemByCode(tenant, code);
    if (clash && clash !== existing) errors.push(`Item code '${code}' already exists.`);
  }
  const name = str(el.Name);
  if (name !== undefined && name.length > 50) errors.push('The item name must not exceed 50 characters.');
  const description = str(el.Description);
  if (description !== undefined && description.length > 4000) errors.push('The description must not exceed 4000 characters.');
  const sales = parseDetails(tenant, el.SalesDetails, 'SalesDetails', errors, unitdp);
  const purchase = parseDetails(tenant, el.PurchaseDetails, 'PurchaseDetails', errors, unitdp);
  const inventoryAccount = str(el.InventoryAssetAccountCode);
  if (inventoryAccount && accountByCode(tenant, inventoryAccount)?.Type !== 'INVENTORY') {
    errors.push(`Account code '${inventoryAccount}' is not a valid inventory asset account.`);
  }
  const finalInventoryAccount = inventoryAccount ?? existing?.InventoryAssetAccountCode;
  if (purchase?.COGSAccountCode && !finalInventoryAccount) errors.push('An InventoryAssetAccountCode is required when a COGSAccountCode is given.');
  if ((purchase?.COGSAccountCode ?? existing?.PurchaseDetails?.COGSAccountCode) && purchase?.AccountCode) {
    errors.push('A tracked item cannot have a purchase AccountCode; use the COGSAccountCode.');
  }
  if (errors.length) return { errors };

  // QuantityOnHand and TotalCostPool are read-only: values sent are ignored, as on Xero.
  const fields: Record<string, unknown> = {};
  for (const k of ['Name', 'Description', 'PurchaseDescription'] as const) if (el[k] !== undefined) fields[k] = el[k];
  const apply = (item: ItemRecord) => {
    item.fields = { ...item.fields, ...fields };
    if (code) item.Code = code;
    if (sales) item.SalesDetails = { ...item.SalesDetails, ...sales };
    if (purchase) item.PurchaseDetails = { ...item.PurchaseDetails, ...purchase };
    if (inventoryAccount) item.InventoryAssetAccountCode = inventoryAccount;
    if (typeof el.IsSold === 'boolean') item.IsSold = el.IsSold;
    if (!item.IsSold) {
      delete item.fields.Description;
      item.SalesDetails = undefined;
    }
    if (typeof el.IsPurchased === 'boolean') item.IsPurchased = el.IsPurchased;
    // Xero: an item is tracked when it has an inventory asset account and a COGS account.
    item.IsTrackedAsInventory = !!item.InventoryAssetAccountCode && !!item.PurchaseDetails?.COGSAccountCode;
    item.updatedAt = now;
    indexAdd(tenant, `i:${item.Code.toUpperCase()}`, item);
  };
  if (existing) {
    const before = { ...existing, fields: { ...existing.fields } };
    if (existing.IsTrackedAsInventory && !existing.QuantityOnHand.eq(0) && (inventoryAccount === '' || el.IsTrackedAsInventory === false)) {
      return { errors: [`Item '${existing.Code}' has a quantity on hand and cannot be made untracked.`] };
    }
    apply(existing);
    const target = existing;
    return { saved: renderItem(target, unitdp), undo: () => Object.assign(target, before) };
  }
  const item: ItemRecord = {
    ItemID: randomUUID(),
    Code: code!,
    fields: {},
    IsTrackedAsInventory: false,
    IsSold: true,
    IsPurchased: true,
    QuantityOnHand: new Big(0),
    TotalCostPool: new Big(0),
    updatedAt: now,
  };
  apply(item);
  tenant.items.set(item.ItemID, item);
  return { saved: renderItem(item, unitdp), undo: () => tenant.items.delete(item.ItemID) };
}
