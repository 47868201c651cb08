/**
 * The order rules and mappings forms: their contract (the settings as `GET /api/admin/settings` answers them, every
 * key with its default, and `PUT` takes them back whole, so a form that changes one setting keeps every other), and
 * their validation: the settings schema (lib/sync/settings.ts) first, then what it cannot check alone: every
 * account is in the accounting system's chart, payment mappings point at accounts that can receive payments, tax
 * codes exist (when the system has tax codes), no method or rate is mapped twice, the status rules do not
 * contradict each other, the lock date has passed, the time zone is one the runtime knows, the payment statuses are
 * BigCommerce's, and the stock locations exist at both ends. Answers `{path: message}` per field.
 */
import type { ChartDescription } from '@/lib/sync/provider';
import { parseSettings, type SyncSettings } from '@/lib/sync/settings';
import type { FieldErrors } from './http';
import { PAYMENT_STATUSES } from './settings-controls';

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

/**
 * The schema's own words for these fields are a developer's ("Invalid ISO date", "Too big: expected number to be
 * <=365"); a merchant reads these. Looked up by the problem's path, then by its setting (`stock.locations.0.to`:
 * `stock.locations`).
 */
const FIELD_MESSAGES: Readonly<Record<string, string>> = {
  'orders.onCancel': 'Choose what a cancellation does: void the document, post a credit note, or leave it alone.',
  'document.lockDate': 'Enter the date the books are closed up to as YYYY-MM-DD, or leave it empty.',
  'orders.ordersFromDate': 'Enter a date as YYYY-MM-DD, or leave it empty.',
  'orders.importStatusIds': 'Choose at least one status to post orders in.',
  'orders.sweepIntervalMinutes': 'Enter a whole number of minutes from 5 to 1440.',
  'document.dueDays': 'Enter a whole number of days from 0 to 365.',
  'document.timeZone': 'Enter a time zone such as America/New_York or Europe/London.',
  'customers.sharedGuestName': 'Enter a name of up to 100 characters for the shared guest customer.',
  'customers.mode': 'Choose who the customer is: the buyer, the company, or one customer for all orders.',
  'customers.singleName': 'Enter a name of up to 100 characters for the customer all orders are posted to.',
  'customers.referencePrefix': 'Enter 1 to 20 letters, digits or # / _ . - for the customer reference prefix.',
  'lines.discounts': 'Choose how discounts are shown: spread over the lines, or one discount line.',
  'stock.intervalMinutes': 'Enter a whole number of minutes from 5 to 1440.',
  'stock.safetyBuffer': 'Enter a whole number of units from 0 to 100,000.',
  'stock.locations': 'Map at least one location of your books to a BigCommerce location.',
  'stock.skus': 'List at least one SKU, or send every tracked item.',
  'stock.onExternalChange': 'Choose what happens to a change made in BigCommerce: report it, or overwrite it.',
  'posting.mode': 'Choose one document per order, or a daily summary.',
  'posting.summaryFrom': 'Enter the first day of summaries as YYYY-MM-DD, or leave it empty.',
  'posting.summaryCloseHours': 'Enter a whole number of hours from 0 to 336.',
  'posting.summaryCustomer': 'Enter a customer name of up to 100 characters, or leave it empty for one customer per payment method.',
  'posting.summaryDocument': 'Choose sales documents or a journal for each summary.',
};

const merchantMessage = (path: string, schemaMessage: string) =>
  FIELD_MESSAGES[path] ?? FIELD_MESSAGES[path.split('.').slice(0, 2).join('.')] ?? schemaMessage;

/**
 * The locations `stock.locations` may name: the books' (the registry's `stockLocations`) and the store's inventory
 * locations (null when they were not read: the store's side is then not checked).
 */
export interface KnownLocations {
  books: readonly number[];
  store: readonly number[] | null;
}

/** A time zone the runtime can date documents in (Intl refuses the others with a RangeError). */
function knownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
    return timeZone.trim() !== '';
  } catch {
    return false;
  }
}

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
  locations: KnownLocations = { books: [1], store: null },
): SettingsValidation {
  const parsed = parseSettings(input);
  if (!parsed.ok) {
    const fields: FieldErrors = {};
    for (const p of parsed.problems) fields[p.path || '_'] ??= merchantMessage(p.path, p.message);
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

  // Revenue rules: first match wins, so a rule after an identical one never applies.
  const conditions = new Set<string>();
  s.accounts.revenueRules.forEach((r, i) => {
    const key = `${r.when.category ?? '*'}|${r.when.brand ?? '*'}|${r.when.channel ?? '*'}`;
    if (conditions.has(key)) fields[`accounts.revenueRules.${i}.when`] = 'A rule above has the same conditions, so this one would never apply.';
    conditions.add(key);
    needAccount(`accounts.revenueRules.${i}.account`, r.account);
  });
  const channels = new Set<number>();
  s.posting.trackingByChannel.forEach((t, i) => {
    if (channels.has(t.channel)) fields[`posting.trackingByChannel.${i}.channel`] = `Channel ${t.channel} already has a tracking option above.`;
    channels.add(t.channel);
  });

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
  const importedAndCancelled = o.voidStatusIds.filter((id) => o.importStatusIds.includes(id));
  if (importedAndCancelled.length > 0) {
    fields['orders.voidStatusIds'] = `A status cannot both post an order and cancel it (${importedAndCancelled.join(', ')}).`;
  }
  // A cancelled order is never posted, so a refund status that also cancels would drop a refund booked before posting.
  const cancelledAndRefunded = o.refundStatusIds.filter((id) => o.voidStatusIds.includes(id));
  if (cancelledAndRefunded.length > 0) {
    fields['orders.refundStatusIds'] = `A status cannot both cancel an order and post it with its refunds (${cancelledAndRefunded.join(', ')}).`;
  }
  if (o.statusOnError !== null && o.importStatusIds.includes(o.statusOnError)) {
    fields['orders.statusOnError'] = 'An order set to this status would be imported again at once. Choose a status that is not imported.';
  }
  // A payment in the books must not read as a cancellation or a refund here: that status would void or credit the order.
  for (const key of ['paid', 'partlyPaid'] as const) {
    const target = s.statuses.fromBooks[key];
    if (target !== null && (o.voidStatusIds.includes(target) || o.refundStatusIds.includes(target))) {
      fields[`statuses.fromBooks.${key}`] = 'This status means cancelled or refunded, though the order was paid. Choose another status.';
    }
  }
  if (!knownTimeZone(s.document.timeZone)) {
    fields['document.timeZone'] = `“${s.document.timeZone}” is not a time zone we know. Use a name from the list, such as America/New_York or Europe/London.`;
  }

  // BigCommerce's payment_status values (orders.v2.oas2.yml, Order `payment_status`): another word never matches an order.
  const unknownStatus = s.payments.paidStatuses.find((status) => !(PAYMENT_STATUSES as readonly string[]).includes(status.trim().toLowerCase()));
  if (unknownStatus !== undefined) fields['payments.paidStatuses'] = `“${unknownStatus}” is not a BigCommerce payment status.`;
  else if (s.payments.paidStatuses.length === 0 && !s.payments.authorizedIsPaid) {
    fields['payments.paidStatuses'] = 'Choose at least one payment status that means the money was taken, or every order is posted unpaid.';
  }

  const booksSeen = new Set<number>();
  s.stock.locations.forEach((l, i) => {
    if (!locations.books.includes(l.from)) fields[`stock.locations.${i}.from`] = `Your books have no stock location ${l.from} (they have ${locations.books.join(', ')}).`;
    else if (booksSeen.has(l.from)) fields[`stock.locations.${i}.from`] = `Location ${l.from} of your books is already mapped above.`;
    booksSeen.add(l.from);
    if (locations.store !== null && !locations.store.includes(l.to)) {
      fields[`stock.locations.${i}.to`] = `Your store has no BigCommerce location ${l.to}. Choose one of its inventory locations.`;
    }
  });

  // A closed period is behind us: a lock date ahead would date every credit and adjustment in the future.
  const today = todayIn(s.document.timeZone, now);
  if (s.document.lockDate !== null && s.document.lockDate > today) {
    fields['document.lockDate'] = `The books can only be closed up to a day that has passed (today is ${today}).`;
  }
  return Object.keys(fields).length > 0 ? { ok: false, fields } : { ok: true, settings: s };
}
