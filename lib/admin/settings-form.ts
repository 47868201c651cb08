/**
 * The order rules and mappings forms: their contract (the settings as `GET /api/admin/settings` answers them, every
 * key with its default, and `PUT` takes them back whole, so a form that changes one setting keeps every other), and
 * their validation: the settings schema (lib/sync/settings.ts) first, then what it cannot check alone: every
 * account is in the accounting system's chart, payment mappings point at accounts that can receive payments, tax
 * codes exist (when the system has tax codes), no method or rate is mapped twice, the status rules do not
 * contradict each other, and the lock date has passed. Answers `{path: message}` per field.
 */
import type { ChartDescription } from '@/lib/sync/provider';
import { parseSettings, type SyncSettings } from '@/lib/sync/settings';
import type { FieldErrors } from './http';

/** The form's values: the whole settings object. */
export type SettingsForm = SyncSettings;
/** The posting part of the settings (approval, tracking), as the mappings page edits it. */
export type { PostingSettings } from '@/lib/sync/settings';
/** What a cancellation does to a posted document: void (credit when paid), always credit, or leave it. */
export type OnCancel = SyncSettings['orders']['onCancel'];

/** `GET /api/admin/settings`: the settings and their version, for an optimistic save. */
export interface StoredSettingsView {
  version: number;
  settings: SettingsForm;
  savedAt: string | null;
}

/** `PUT /api/admin/settings` takes the version the form was loaded at; answers the saved settings and new version. */
export interface SaveSettingsBody {
  expectedVersion: number;
  settings: SettingsForm;
}
export interface SavedSettingsView {
  version: number;
  settings: SettingsForm;
}

export type SettingsValidation = { ok: true; settings: SyncSettings } | { ok: false; fields: FieldErrors };

/** The schema's own words for these fields are a developer's ("Invalid ISO date"); a merchant reads these. */
const FIELD_MESSAGES: Readonly<Record<string, string>> = {
  'orders.onCancel': 'Choose what a cancellation does: void the document, post a credit note, or leave it alone.',
  'document.lockDate': 'Enter the date the books are closed up to as YYYY-MM-DD, or leave it empty.',
  'orders.ordersFromDate': 'Enter a date as YYYY-MM-DD, or leave it empty.',
};

/** Today as YYYY-MM-DD in the store's document time zone (UTC when the zone is not one the runtime knows). */
function todayIn(timeZone: string, now: Date): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

const ACCOUNT_FIELDS = ['sales', 'shipping', 'handling', 'wrapping', 'fees', 'discounts', 'rounding', 'giftCertificatesSold'] as const;

export function validateSettingsInput(
  input: unknown,
  chart: Pick<ChartDescription, 'accounts' | 'paymentAccounts' | 'taxCodes'>,
  now: Date = new Date(),
): SettingsValidation {
  const parsed = parseSettings(input);
  if (!parsed.ok) {
    const fields: FieldErrors = {};
    for (const p of parsed.problems) fields[p.path || '_'] ??= FIELD_MESSAGES[p.path] ?? p.message;
    return { ok: false, fields };
  }
  const s = parsed.settings;
  const fields: FieldErrors = {};
  const accounts = new Map(chart.accounts.map((a) => [a.code, a]));
  const paymentAccounts = new Set(chart.paymentAccounts.map((a) => a.code));
  const taxCodes = new Set(chart.taxCodes.map((t) => t.code));
  const usesTaxCodes = chart.taxCodes.length > 0;

  const needAccount = (path: string, code: string) => {
    if (!accounts.has(code)) fields[path] = `Account ${code} does not exist in your accounting system. Choose an account from the list.`;
  };
  const needPaymentAccount = (path: string, code: string) => {
    if (!accounts.has(code)) fields[path] = `Account ${code} does not exist in your accounting system. Choose an account from the list.`;
    else if (!paymentAccounts.has(code)) fields[path] = `Account ${code} (${accounts.get(code)?.name}) cannot receive payments. Choose a bank or clearing account.`;
  };
  const needTaxCode = (path: string, code: string | null) => {
    if (code !== null && usesTaxCodes && !taxCodes.has(code)) fields[path] = `Tax code ${code} does not exist in your accounting system.`;
  };

  for (const name of ACCOUNT_FIELDS) needAccount(`accounts.${name}`, s.accounts[name]);
  needPaymentAccount('payments.defaultAccount', s.payments.defaultAccount);
  needAccount('payments.storeCreditAccount', s.payments.storeCreditAccount);
  needAccount('payments.giftCertificateAccount', s.payments.giftCertificateAccount);

  const methods = new Map<string, number>();
  s.payments.mappings.forEach((m, i) => {
    const key = m.method.trim().toLowerCase();
    if (methods.has(key)) fields[`payments.mappings.${i}.method`] = `"${m.method}" is already mapped above.`;
    methods.set(key, i);
    needPaymentAccount(`payments.mappings.${i}.account`, m.account);
  });

  const rates = new Set<string>();
  s.tax.mappings.forEach((m, i) => {
    const key = `${m.name?.toLowerCase() ?? '*'}|${m.rate ?? '*'}`;
    if (rates.has(key)) fields[`tax.mappings.${i}.name`] = 'This tax rate is already mapped above.';
    rates.add(key);
    needTaxCode(`tax.mappings.${i}.taxCode`, m.taxCode);
  });
  needTaxCode('tax.defaultTaxCode', s.tax.defaultTaxCode);
  needTaxCode('tax.zeroTaxCode', s.tax.zeroTaxCode);

  // Accounts that make imported items track stock (Xero needs both): an asset and an expense account.
  for (const [key, type, what] of [
    ['inventoryAssetAccount', 'asset', 'an asset account'],
    ['costOfGoodsSoldAccount', 'expense', 'an expense account'],
  ] as const) {
    const code = s.items[key];
    const account = code ? accounts.get(code) : undefined;
    if (code && !account) fields[`items.${key}`] = `Account ${code} does not exist in your accounting system. Choose an account from the list.`;
    else if (code && account && account.type !== type) fields[`items.${key}`] = `Account ${code} (${account.name}) is not ${what}.`;
  }
  if (Boolean(s.items.inventoryAssetAccount) !== Boolean(s.items.costOfGoodsSoldAccount)) {
    const missing = s.items.inventoryAssetAccount ? 'costOfGoodsSoldAccount' : 'inventoryAssetAccount';
    fields[`items.${missing}`] ??= 'Choose both accounts to import tracked items, or neither.';
  }

  const o = s.orders;
  const ignoredAndImported = o.ignoredStatusIds.filter((id) => o.importStatusIds.includes(id));
  if (ignoredAndImported.length > 0) {
    fields['orders.ignoredStatusIds'] = `A status cannot be both imported and ignored (${ignoredAndImported.join(', ')}).`;
  }
  if (o.statusAfterImport !== null && o.voidStatusIds.includes(o.statusAfterImport)) {
    fields['orders.statusAfterImport'] = 'This status means cancelled: the document just posted would be voided or credited. Choose another status.';
  } else if (o.statusAfterImport !== null && o.refundStatusIds.includes(o.statusAfterImport)) {
    // Refunds are booked from BigCommerce's refunds, never from a status; this one would only tell people a refund happened.
    fields['orders.statusAfterImport'] = 'This status says the order was refunded, though nothing was. Choose another status.';
  }
  if (o.statusOnError !== null && o.importStatusIds.includes(o.statusOnError)) {
    fields['orders.statusOnError'] = 'An order set to this status would be imported again at once. Choose a status that is not imported.';
  }
  // A closed period is behind us: a lock date ahead would date every credit and adjustment in the future.
  const today = todayIn(s.document.timeZone, now);
  if (s.document.lockDate !== null && s.document.lockDate > today) {
    fields['document.lockDate'] = `The books can only be closed up to a day that has passed (today is ${today}).`;
  }
  return Object.keys(fields).length > 0 ? { ok: false, fields } : { ok: true, settings: s };
}
