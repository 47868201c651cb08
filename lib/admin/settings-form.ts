/**
 * Validation of the order rules and mappings forms: the settings schema (lib/sync/settings.ts) first, then the
 * references it cannot check alone: every account is in the accounting system's chart, payment mappings point at
 * accounts that can receive payments, tax codes exist (when the system has tax codes), no method or rate is
 * mapped twice, and the status rules do not contradict each other. Answers `{path: message}` per field.
 */
import type { ChartDescription } from '@/lib/sync/provider';
import { parseSettings, type SyncSettings } from '@/lib/sync/settings';
import type { FieldErrors } from './http';

export type SettingsValidation = { ok: true; settings: SyncSettings } | { ok: false; fields: FieldErrors };

const ACCOUNT_FIELDS = ['sales', 'shipping', 'handling', 'wrapping', 'fees', 'discounts', 'rounding', 'giftCertificatesSold'] as const;

export function validateSettingsInput(input: unknown, chart: Pick<ChartDescription, 'accounts' | 'paymentAccounts' | 'taxCodes'>): SettingsValidation {
  const parsed = parseSettings(input);
  if (!parsed.ok) {
    const fields: FieldErrors = {};
    for (const p of parsed.problems) fields[p.path || '_'] ??= p.message;
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
  if (o.statusAfterImport !== null && [...o.voidStatusIds, ...o.refundStatusIds].includes(o.statusAfterImport)) {
    fields['orders.statusAfterImport'] = 'This status would void or credit the document just posted. Choose another status.';
  }
  if (o.statusOnError !== null && o.importStatusIds.includes(o.statusOnError)) {
    fields['orders.statusOnError'] = 'An order set to this status would be imported again at once. Choose a status that is not imported.';
  }
  return Object.keys(fields).length > 0 ? { ok: false, fields } : { ok: true, settings: s };
}
