/**
 * Where a merchant changes each setting: every leaf of the settings schema (lib/sync/settings.ts) names the page
 * that has its control. The pages mark each control with `data-setting="<path>"` (app/(embedded)/_components/
 * setting.tsx); settings-controls.test.ts fails when the schema has a key this list lacks, and the browser test
 * (tests/e2e/settings-pages.test.ts) finds every control on its page. Types and data only: the pages import it.
 */
import type { SyncSettings } from '@/lib/sync/settings';

/** Dotted paths to the settings' leaves: arrays, unions and scalars are leaves; objects (nullable too) are walked. */
type Leaves<T, P extends string> = T extends readonly unknown[]
  ? P
  : T extends object
    ? { [K in keyof T & string]: Leaves<NonNullable<T[K]>, `${P}.${K}`> }[keyof T & string]
    : P;
export type SettingPath = { [K in keyof SyncSettings & string]: Leaves<NonNullable<SyncSettings[K]>, K> }[keyof SyncSettings & string];

export type SettingsPage = '/' | '/order-rules' | '/mappings' | '/ledger';

export interface SettingControl {
  page: SettingsPage;
  /** The panel it is in, as the page titles it. */
  panel: string;
  /** Shown only in some stores or once some data exists; the browser test does not expect it everywhere. */
  shownWhen?: string;
}

/** BigCommerce's order `payment_status` values (orders.v2.oas2.yml, Order), for `payments.paidStatuses`. */
export const PAYMENT_STATUSES = [
  'authorized',
  'captured',
  'capture pending',
  'declined',
  'held for review',
  'paid',
  'partially refunded',
  'pending',
  'refunded',
  'void',
  'void pending',
] as const;

/** The format's version: written by the app, never chosen by a merchant. */
export const NOT_A_CONTROL = ['schemaVersion'] as const satisfies readonly SettingPath[];

const rules = (panel: string): SettingControl => ({ page: '/order-rules', panel });
const mappings = (panel: string, shownWhen?: string): SettingControl => ({ page: '/mappings', panel, ...(shownWhen ? { shownWhen } : {}) });
const REMOTE = 'the store posts to a connected system with drafts or tracking';

export const SETTING_CONTROLS = {
  'orders.importStatusIds': rules('Statuses'),
  'orders.ignoredStatusIds': rules('Statuses'),
  'orders.statusAfterImport': rules('Statuses'),
  'orders.statusOnError': rules('Statuses'),
  'statuses.fromBooks.paid': rules('Statuses'),
  'statuses.fromBooks.partlyPaid': rules('Statuses'),
  'statuses.fromBooks.voided': rules('Statuses'),
  'statuses.fromBooks.credited': rules('Statuses'),
  'orders.voidStatusIds': rules('Statuses'),
  'orders.refundStatusIds': rules('Statuses'),
  'orders.onCancel': rules('Cancellations, refunds and closed periods'),
  'document.lockDate': rules('Cancellations, refunds and closed periods'),
  'document.kind': rules('Documents'),
  'document.numberPrefix': rules('Documents'),
  'document.dueDays': rules('Documents'),
  'document.timeZone': rules('Documents'),
  'document.referenceTemplate': rules('Documents'),
  'lines.descriptionTemplate': rules('Documents'),
  'lines.discounts': rules('Documents'),
  'lines.combineShippingHandlingWrapping': rules('Documents'),
  'payments.paidStatuses': rules('Payments'),
  'payments.authorizedIsPaid': rules('Payments'),
  'customers.mode': rules('Customers'),
  'customers.singleName': rules('Customers'),
  'customers.referencePrefix': rules('Customers'),
  'customers.guests': rules('Customers'),
  'customers.sharedGuestName': rules('Customers'),
  'customers.matchByEmail': rules('Customers'),
  'customers.nameTemplate': rules('Customers'),
  'customers.shippingNameContact': rules('Customers'),
  'items.missingSku': rules('Items'),
  'items.importBeforeFirstBackfill': rules('Items'),
  'orders.sweepIntervalMinutes': rules('Timing'),
  'orders.ordersFromDate': rules('Timing'),
  'orders.autoSync': { page: '/', panel: 'Automatic sync' },
  'stock.enabled': rules('Stock to BigCommerce'),
  'stock.locations': rules('Stock to BigCommerce'),
  'stock.skus': rules('Stock to BigCommerce'),
  'stock.intervalMinutes': rules('Stock to BigCommerce'),
  'stock.safetyBuffer': rules('Stock to BigCommerce'),
  'stock.onExternalChange': rules('Stock to BigCommerce'),
  'payments.mappings': mappings('Payment methods', 'the store’s recent orders used a payment method'),
  'payments.defaultAccount': mappings('Payment methods'),
  'payments.storeCreditAccount': mappings('Payment methods'),
  'payments.giftCertificateAccount': mappings('Payment methods'),
  'tax.mappings': mappings('Tax rates', 'the store’s recent orders were taxed'),
  'tax.requireMapping': mappings('Tax rates'),
  'tax.defaultTaxCode': mappings('Tax rates'),
  'tax.zeroTaxCode': mappings('Tax rates'),
  'accounts.sales': mappings('Shipping, handling, wrapping, fees and discounts'),
  'accounts.shipping': mappings('Shipping, handling, wrapping, fees and discounts'),
  'accounts.handling': mappings('Shipping, handling, wrapping, fees and discounts'),
  'accounts.wrapping': mappings('Shipping, handling, wrapping, fees and discounts'),
  'accounts.fees': mappings('Shipping, handling, wrapping, fees and discounts'),
  'accounts.discounts': mappings('Shipping, handling, wrapping, fees and discounts'),
  'accounts.rounding': mappings('Shipping, handling, wrapping, fees and discounts'),
  'accounts.giftCertificatesSold': mappings('Shipping, handling, wrapping, fees and discounts'),
  'accounts.revenueRules': mappings('Revenue accounts by category, brand or channel'),
  'posting.approval': mappings('the system’s posting panel', `${REMOTE} with drafts`),
  'posting.tracking.category': mappings('the system’s posting panel', `${REMOTE} with tracking`),
  'posting.tracking.option': mappings('the system’s posting panel', `${REMOTE} with tracking and a category is chosen`),
  'posting.trackingByChannel': mappings('the system’s posting panel', `${REMOTE} with tracking`),
  'posting.mode': rules('Posting mode'),
  'posting.summaryFrom': rules('Posting mode'),
  'posting.summaryCloseHours': rules('Posting mode'),
  'posting.summaryCustomer': rules('Posting mode'),
  'posting.summaryDocument': rules('Posting mode'),
  'items.inventoryAssetAccount': mappings('the system’s posting panel', REMOTE),
  'items.costOfGoodsSoldAccount': mappings('the system’s posting panel', REMOTE),
  // Beside "Push stock now": the ledger page's Items and stock tab, or the mappings page on a connected system.
  'items.pushProductDetails': { page: '/ledger', panel: 'Stock to BigCommerce', shownWhen: 'on the Items and stock tab' },
} as const satisfies Record<Exclude<SettingPath, (typeof NOT_A_CONTROL)[number]>, SettingControl>;
