// Manual journals (GET/PUT/POST /ManualJournals, GET/POST /ManualJournals/{id}): the shapes are Xero's OpenAPI
// document's ManualJournal and ManualJournalLine (../shared/specs/xero/xero_accounting.yaml); the rules modelled, with
// their sources:
// - Narration is required (the spec's `required: [Narration]`); at least two lines ("The manualJournalLines element
//   must contain at least two individual manualJournalLine sub-elements", Xero's own MCP server, XeroAPI/xero-mcp-server
//   update-manual-journal, quoting developer.xero.com/documentation/api/accounting/manualjournals).
// - LineAmount: "Debits are positive, credits are negative value" (spec); the lines must balance, else "The total
//   debits (100.00) must equal total credits (-10.00)" (the spec's own example response of updateOrCreateManualJournals).
// - LineAmountTypes defaults to NoTax and Status to DRAFT (the same example answers NoTax/DRAFT for a body naming
//   neither; XeroAPI/xero-python#117: a journal created without a Status "just sits in the Draft section"). Under
//   NoTax every line is TaxType NONE, TaxAmount 0 (the example's lines). Exclusive/Inclusive lines take the tax Xero
//   computes from the TaxType's rate ("The calculated tax amount based on the TaxType and LineAmount", spec) and the
//   journal balances on the lines with their tax.
// - Writable statuses DRAFT and POSTED (XeroAPI/xero-mcp-server#238 "Xero's writable DRAFT and POSTED statuses");
//   a DRAFT or POSTED journal can be updated with new lines (Workato's Xero connector, "Update manual journal and
//   line items": Status "Valid values include POSTED and DRAFT"); a POSTED one is VOIDED, a DRAFT one DELETED; a
//   VOIDED or DELETED journal is not changed again.
// - System accounts: Xero's Accounts Receivable and Payable (SystemAccount DEBTORS, CREDITORS) cannot take a manual
//   journal line (Xero Central, "Add a manual journal": control accounts are used through invoices and bills; the
//   message below is the sandbox's wording). The tax account (SystemAccount GST) can.
import Big from 'big.js';
import { randomUUID } from 'node:crypto';
import type { Result } from './documents';
import type { Tenant } from './tenants';
import { taxRateOf } from './tenants';
import { dateString, dec, msDate, msDateTime, round2, toBig } from './wire';

export interface ManualJournalLineRecord {
  AccountCode: string;
  AccountID: string;
  Description: string;
  LineAmount: Big;
  TaxType: string;
  TaxAmount: Big;
  Tracking: Array<{ TrackingCategoryID: string; TrackingOptionID: string; Name: string; Option: string }>;
}

export interface ManualJournalRecord {
  ManualJournalID: string;
  Narration: string;
  date: string;
  Status: 'DRAFT' | 'POSTED' | 'DELETED' | 'VOIDED' | 'ARCHIVED';
  LineAmountTypes: 'NoTax' | 'Exclusive' | 'Inclusive';
  ShowOnCashBasisReports: boolean;
  Url?: string;
  lines: ManualJournalLineRecord[];
  updatedAt: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const LAT: Record<string, ManualJournalRecord['LineAmountTypes']> = { notax: 'NoTax', exclusive: 'Exclusive', inclusive: 'Inclusive' };

export function findManualJournal(tenant: Tenant, id: string): ManualJournalRecord | undefined {
  return tenant.manualJournals.get(id.toLowerCase());
}

/** Creates (no id) or updates a manual journal from one element of a request body. */
export function upsertManualJournal(tenant: Tenant, el: Record<string, unknown>, now: number, pathId?: string): Result {
  const id = (pathId ?? str(el.ManualJournalID))?.toLowerCase();
  const current = id ? tenant.manualJournals.get(id) : undefined;
  if (id && !current) return { errors: [`Manual journal '${id}' does not exist.`] };
  const errors: string[] = [];
  const status = (str(el.Status)?.toUpperCase() ?? current?.Status ?? 'DRAFT') as ManualJournalRecord['Status'];
  if (current && (current.Status === 'VOIDED' || current.Status === 'DELETED')) return { errors: [`A ${current.Status.toLowerCase()} manual journal cannot be changed.`] };
  if (current && (status === 'VOIDED' || status === 'DELETED')) {
    if (status === 'VOIDED' && current.Status !== 'POSTED') return { errors: ['Only a posted manual journal can be voided.'] };
    if (status === 'DELETED' && current.Status !== 'DRAFT') return { errors: ['Only a draft manual journal can be deleted.'] };
    const before = { ...current };
    current.Status = status;
    current.updatedAt = now;
    return { saved: renderManualJournal(current), undo: () => Object.assign(current, before) };
  }
  if (!['DRAFT', 'POSTED'].includes(status)) errors.push(`Status '${String(el.Status)}' cannot be set on a manual journal.`);
  if (current?.Status === 'POSTED' && status === 'DRAFT') errors.push('A posted manual journal cannot be made a draft again.');
  const narration = str(el.Narration) ?? current?.Narration;
  if (!narration?.trim()) errors.push('Narration is required.');
  const lat = el.LineAmountTypes === undefined ? (current?.LineAmountTypes ?? 'NoTax') : LAT[String(el.LineAmountTypes).toLowerCase()];
  if (!lat) errors.push(`LineAmountTypes '${String(el.LineAmountTypes)}' is not valid.`);
  const date = str(el.Date)?.slice(0, 10) ?? current?.date ?? new Date(now).toISOString().slice(0, 10);
  const raw = el.JournalLines === undefined && current ? null : Array.isArray(el.JournalLines) ? (el.JournalLines as Array<Record<string, unknown>>) : [];
  let lines = current?.lines ?? [];
  if (raw) {
    lines = [];
    for (const l of raw) {
      const code = str(l.AccountCode);
      const account = tenant.accounts.find((a) => (code !== undefined && a.Code === code) || (str(l.AccountID)?.toLowerCase() === a.AccountID));
      if (!account || account.Status !== 'ACTIVE') {
        errors.push(`Account code '${code ?? str(l.AccountID) ?? ''}' is not a valid code for this document.`);
        continue;
      }
      if (account.SystemAccount === 'DEBTORS' || account.SystemAccount === 'CREDITORS') {
        errors.push(`Account code '${account.Code}' is a system account (${account.Name}) and cannot be used in a manual journal.`);
        continue;
      }
      const amount = toBig(l.LineAmount);
      if (!amount) {
        errors.push('LineAmount is required on every journal line.');
        continue;
      }
      let taxType = 'NONE';
      let tax = new Big(0);
      if (lat && lat !== 'NoTax') {
        taxType = str(l.TaxType) ?? account.TaxType ?? 'NONE';
        const rate = taxRateOf(tenant, taxType);
        if (!rate) {
          errors.push(`The TaxType code '${taxType}' does not exist or cannot be used for this type of transaction.`);
          continue;
        }
        const r = rate.rate.div(100);
        tax = lat === 'Exclusive' ? round2(amount.times(r)) : round2(amount.minus(amount.div(r.plus(1))));
      }
      const tracking: ManualJournalLineRecord['Tracking'] = [];
      for (const t of Array.isArray(l.Tracking) ? (l.Tracking as Array<Record<string, unknown>>) : []) {
        const cat = tenant.trackingCategories.find((c) => c.Status === 'ACTIVE' && c.Name.toLowerCase() === (str(t.Name) ?? '').toLowerCase());
        const opt = cat?.Options.find((o) => o.Status === 'ACTIVE' && o.Name.toLowerCase() === (str(t.Option) ?? '').toLowerCase());
        if (!cat || !opt) errors.push(`Tracking category '${str(t.Name) ?? ''}' with option '${str(t.Option) ?? ''}' does not exist.`);
        else tracking.push({ TrackingCategoryID: cat.TrackingCategoryID, TrackingOptionID: opt.TrackingOptionID, Name: cat.Name, Option: opt.Name });
      }
      lines.push({ AccountCode: account.Code, AccountID: account.AccountID, Description: str(l.Description) ?? '', LineAmount: amount, TaxType: taxType, TaxAmount: tax, Tracking: tracking });
    }
    if (raw.length < 2) errors.push('A manual journal must have at least two journal lines.');
  }
  const gross = (l: ManualJournalLineRecord) => (lat === 'Exclusive' ? l.LineAmount.plus(l.TaxAmount) : l.LineAmount);
  const debits = lines.filter((l) => gross(l).gt(0)).reduce((s, l) => s.plus(gross(l)), new Big(0));
  const credits = lines.filter((l) => gross(l).lt(0)).reduce((s, l) => s.plus(gross(l)), new Big(0));
  if (!debits.plus(credits).eq(0)) errors.push(`The total debits (${debits.toFixed(2)}) must equal total credits (${credits.toFixed(2)})`);
  if (errors.length) return { errors };
  const record: ManualJournalRecord = {
    ManualJournalID: current?.ManualJournalID ?? randomUUID(),
    Narration: narration!,
    date,
    Status: status,
    LineAmountTypes: lat!,
    ShowOnCashBasisReports: typeof el.ShowOnCashBasisReports === 'boolean' ? el.ShowOnCashBasisReports : (current?.ShowOnCashBasisReports ?? true),
    ...(str(el.Url) ?? current?.Url ? { Url: str(el.Url) ?? current?.Url } : {}),
    lines,
    updatedAt: now,
  };
  const before = current ? { ...current } : null;
  if (current) Object.assign(current, record);
  else tenant.manualJournals.set(record.ManualJournalID, record);
  return {
    saved: renderManualJournal(current ?? record),
    undo: () => (before && current ? Object.assign(current, before) : tenant.manualJournals.delete(record.ManualJournalID)),
  };
}

export function renderManualJournal(j: ManualJournalRecord, withLines = true): Record<string, unknown> {
  return {
    ManualJournalID: j.ManualJournalID,
    Date: msDate(j.date),
    DateString: dateString(j.date),
    Status: j.Status,
    LineAmountTypes: j.LineAmountTypes,
    Narration: j.Narration,
    ShowOnCashBasisReports: j.ShowOnCashBasisReports,
    HasAttachments: false,
    UpdatedDateUTC: msDateTime(j.updatedAt),
    ...(j.Url ? { Url: j.Url } : {}),
    ...(withLines
      ? {
          JournalLines: j.lines.map((l) => ({
            Description: l.Description, TaxType: l.TaxType, LineAmount: dec(l.LineAmount), TaxAmount: dec(l.TaxAmount), AccountCode: l.AccountCode, AccountID: l.AccountID,
            Tracking: l.Tracking, IsBlank: false,
          })),
        }
      : {}),
  };
}
