import { describe, expect, it } from 'vitest';
import { DEFAULT_CHART } from '@/lib/accounting/ledger';
import type { ChartDescription } from '@/lib/sync/provider';
import { defaultSettings } from '@/lib/sync/settings';
import { validateSettingsInput } from './settings-form';

const accounts = DEFAULT_CHART.map((a) => ({ code: a.code, name: a.name, type: a.type, isPaymentAccount: a.payment }));
const ledgerChart: ChartDescription = { accounts, paymentAccounts: accounts.filter((a) => a.isPaymentAccount), taxCodes: [], items: [] };
const withTaxCodes: ChartDescription = { ...ledgerChart, taxCodes: [{ code: 'TAX20', name: 'VAT 20%', rate: '20' }] };

describe('validating the order rules and mappings forms', () => {
  it('accepts the zero-configuration settings against the built-in ledger', () => {
    const result = validateSettingsInput(defaultSettings(), ledgerChart);
    expect(result.ok).toBe(true);
  });

  it('refuses a payment mapping to an account that does not exist, naming the field', () => {
    const s = defaultSettings();
    const result = validateSettingsInput({ ...s, payments: { ...s.payments, mappings: [{ method: 'PayPal', account: '9999' }] } }, ledgerChart);
    expect(result).toEqual({ ok: false, fields: { 'payments.mappings.0.account': expect.stringContaining('Account 9999 does not exist') } });
  });

  it('refuses a payment mapping to an income account (it cannot receive payments)', () => {
    const s = defaultSettings();
    const result = validateSettingsInput({ ...s, payments: { ...s.payments, mappings: [{ method: 'Cash', account: '4000' }] } }, ledgerChart);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fields['payments.mappings.0.account']).toMatch(/cannot receive payments/);
  });

  it('refuses the same payment method mapped twice, case-insensitively, on the second row', () => {
    const s = defaultSettings();
    const mappings = [{ method: 'PayPal', account: '1020' }, { method: 'paypal ', account: '1010' }];
    const result = validateSettingsInput({ ...s, payments: { ...s.payments, mappings } }, ledgerChart);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fields)).toEqual(['payments.mappings.1.method']);
  });

  it('checks tax codes only when the accounting system has tax codes', () => {
    const s = defaultSettings();
    const input = { ...s, tax: { ...s.tax, mappings: [{ name: 'CA State Tax', taxCode: 'CA' }] } };
    expect(validateSettingsInput(input, ledgerChart).ok).toBe(true);
    const refused = validateSettingsInput(input, withTaxCodes);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.fields['tax.mappings.0.taxCode']).toMatch(/Tax code CA does not exist/);
  });

  it('reports schema problems per field (an empty import list, a bad prefix)', () => {
    const s = defaultSettings();
    const result = validateSettingsInput({ ...s, orders: { ...s.orders, importStatusIds: [] }, document: { ...s.document, numberPrefix: 'BC 1' } }, ledgerChart);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fields).sort()).toEqual(['document.numberPrefix', 'orders.importStatusIds']);
  });

  it('refuses contradictory status rules', () => {
    const s = defaultSettings();
    const result = validateSettingsInput(
      { ...s, orders: { ...s.orders, importStatusIds: [11, 1], statusAfterImport: 5, statusOnError: 11 } },
      ledgerChart,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.fields['orders.ignoredStatusIds']).toMatch(/both imported and ignored/);
      expect(result.fields['orders.statusAfterImport']).toMatch(/means cancelled/);
      expect(result.fields['orders.statusOnError']).toMatch(/imported again/);
    }
  });

  it('refuses a status that both cancels an order and posts it with its refunds, naming the status, and nothing else', () => {
    const s = defaultSettings();
    const result = validateSettingsInput({ ...s, orders: { ...s.orders, voidStatusIds: [5, 14], refundStatusIds: [4, 14] } }, ledgerChart);
    expect(result).toEqual({ ok: false, fields: { 'orders.refundStatusIds': 'A status cannot both cancel an order and post it with its refunds (14).' } });
    // Apart, the same statuses are accepted.
    expect(validateSettingsInput({ ...s, orders: { ...s.orders, voidStatusIds: [5, 13], refundStatusIds: [4, 14] } }, ledgerChart).ok).toBe(true);
  });

  it('refuses a paid document setting a status that cancels the order (books → store against store → books)', () => {
    const s = defaultSettings();
    const result = validateSettingsInput({ ...s, statuses: { fromBooks: { ...s.statuses.fromBooks, paid: 5 } } }, ledgerChart);
    expect(result).toEqual({ ok: false, fields: { 'statuses.fromBooks.paid': expect.stringMatching(/means cancelled or refunded/) } });
  });

  it('refuses an account field that is not in the chart', () => {
    const s = defaultSettings();
    const result = validateSettingsInput({ ...s, accounts: { ...s.accounts, shipping: '4101' } }, ledgerChart);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fields).toEqual({ 'accounts.shipping': expect.stringContaining('4101') });
  });
});

describe('inventory accounts for imported items', () => {
  const withItems = (items: Record<string, unknown>) => ({ ...defaultSettings(), items: { ...defaultSettings().items, ...items } });

  it('accepts both accounts, or neither', () => {
    expect(validateSettingsInput(withItems({ inventoryAssetAccount: '1300', costOfGoodsSoldAccount: '5000' }), ledgerChart).ok).toBe(true);
    expect(validateSettingsInput(withItems({}), ledgerChart).ok).toBe(true);
  });

  it('refuses one without the other, an account not in the chart, and an account of the wrong kind', () => {
    expect(validateSettingsInput(withItems({ inventoryAssetAccount: '1300' }), ledgerChart)).toEqual({
      ok: false,
      fields: { 'items.costOfGoodsSoldAccount': 'Choose both accounts to import tracked items, or neither.' },
    });
    const wrong = validateSettingsInput(withItems({ inventoryAssetAccount: '9999', costOfGoodsSoldAccount: '4000' }), ledgerChart);
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.fields['items.inventoryAssetAccount']).toMatch(/does not exist/);
      expect(wrong.fields['items.costOfGoodsSoldAccount']).toMatch(/is not an expense account/);
    }
  });
});

describe('cancellations and the lock date', () => {
  const s = defaultSettings();
  const now = new Date('2026-03-10T12:00:00Z');
  const withRules = (orders: Record<string, unknown>, document: Record<string, unknown> = {}) => ({ ...s, orders: { ...s.orders, ...orders }, document: { ...s.document, ...document } });

  it('voids by default, takes credit and leave, and keeps every other setting', () => {
    expect(s.orders.onCancel).toBe('void');
    expect(s.document.lockDate).toBeNull();
    const result = validateSettingsInput(withRules({ onCancel: 'credit' }, { lockDate: '2026-02-28' }), ledgerChart, now);
    expect(result.ok && [result.settings.orders.onCancel, result.settings.document.lockDate, result.settings.document.numberPrefix, result.settings.orders.importStatusIds]).toEqual(['credit', '2026-02-28', 'BC-', [11]]);
    const leave = validateSettingsInput(withRules({ onCancel: 'leave' }), ledgerChart, now);
    expect(leave.ok && leave.settings.orders.onCancel).toBe('leave');
  });

  it('refuses an unknown cancellation choice and a malformed or impossible lock date in a merchant’s words', () => {
    expect(validateSettingsInput(withRules({ onCancel: 'delete' }), ledgerChart, now)).toEqual({
      ok: false,
      fields: { 'orders.onCancel': 'Choose what a cancellation does: void the document, post a credit note, or leave it alone.' },
    });
    for (const lockDate of ['31/01/2026', '2026-02-30', '']) {
      expect(validateSettingsInput(withRules({}, { lockDate }), ledgerChart, now)).toEqual({
        ok: false,
        fields: { 'document.lockDate': 'Enter the date the books are closed up to as YYYY-MM-DD, or leave it empty.' },
      });
    }
  });

  it('refuses a lock date after today in the store’s time zone, and takes today', () => {
    const ahead = validateSettingsInput(withRules({}, { lockDate: '2026-03-11' }), ledgerChart, now);
    expect(ahead).toEqual({ ok: false, fields: { 'document.lockDate': 'The books can only be closed up to a day that has passed (today is 2026-03-10).' } });
    expect(validateSettingsInput(withRules({}, { lockDate: '2026-03-10' }), ledgerChart, now).ok).toBe(true);
    // 2026-03-10 23:30 UTC is already the 11th in Auckland.
    const late = new Date('2026-03-10T23:30:00Z');
    expect(validateSettingsInput(withRules({}, { lockDate: '2026-03-11', timeZone: 'Pacific/Auckland' }), ledgerChart, late).ok).toBe(true);
  });

  it('says why a status after posting cannot be a cancelled or refunded status', () => {
    const cancelled = validateSettingsInput(withRules({ statusAfterImport: 5 }), ledgerChart, now);
    expect(cancelled.ok ? null : cancelled.fields['orders.statusAfterImport']).toMatch(/means cancelled/);
    const refunded = validateSettingsInput(withRules({ statusAfterImport: 4 }), ledgerChart, now);
    expect(refunded.ok ? null : refunded.fields['orders.statusAfterImport']).toMatch(/refunded, though nothing was/);
  });

  it('refuses a time zone the runtime does not know, in a merchant\'s words, and takes a real one', () => {
    const s = defaultSettings();
    const refused = validateSettingsInput({ ...s, document: { ...s.document, timeZone: 'Mars/Olympus' } }, ledgerChart);
    expect(refused).toEqual({ ok: false, fields: { 'document.timeZone': expect.stringContaining('“Mars/Olympus” is not a time zone we know') } });
    expect(validateSettingsInput({ ...s, document: { ...s.document, timeZone: 'America/New_York' } }, ledgerChart).ok).toBe(true);
  });

  it('says what a number out of range should be instead of the schema\'s words', () => {
    const s = defaultSettings();
    const result = validateSettingsInput({ ...s, document: { ...s.document, dueDays: 400 }, stock: { ...s.stock, safetyBuffer: -1, intervalMinutes: 2 } }, ledgerChart);
    expect(result).toEqual({
      ok: false,
      fields: {
        'document.dueDays': 'Enter a whole number of days from 0 to 365.',
        'stock.safetyBuffer': 'Enter a whole number of units from 0 to 100,000.',
        'stock.intervalMinutes': 'Enter a whole number of minutes from 5 to 1440.',
      },
    });
  });

  it('checks stock locations at both ends: the books\' locations and, when read, the store\'s', () => {
    const s = defaultSettings();
    const input = { ...s, stock: { ...s.stock, enabled: true, locations: [{ from: 1, to: 3 }, { from: 2, to: 1 }, { from: 1, to: 1 }] } };
    const result = validateSettingsInput(input, ledgerChart, new Date(), { books: [1], store: [1, 2] });
    expect(result).toEqual({
      ok: false,
      fields: {
        'stock.locations.0.to': 'Your store has no BigCommerce location 3. Choose one of its inventory locations.',
        'stock.locations.1.from': 'Your books have no stock location 2 (they have 1).',
        'stock.locations.2.from': 'Location 1 of your books is already mapped above.',
      },
    });
    // The store's side is not checked when its locations were not read.
    const unread = { ...s, stock: { ...s.stock, locations: [{ from: 1, to: 3 }] } };
    expect(validateSettingsInput(unread, ledgerChart, new Date(), { books: [1], store: null }).ok).toBe(true);
    const none = validateSettingsInput({ ...s, stock: { ...s.stock, locations: [] } }, ledgerChart);
    expect(none).toEqual({ ok: false, fields: { 'stock.locations': 'Map at least one location of your books to a BigCommerce location.' } });
  });

  it('refuses a payment status BigCommerce does not have, and a status that both posts and cancels orders', () => {
    const s = defaultSettings();
    const result = validateSettingsInput(
      { ...s, payments: { ...s.payments, paidStatuses: ['captured', 'settled'] }, orders: { ...s.orders, voidStatusIds: [5, 11] } },
      ledgerChart,
    );
    expect(result).toEqual({
      ok: false,
      fields: {
        'payments.paidStatuses': '“settled” is not a BigCommerce payment status.',
        'orders.voidStatusIds': 'A status cannot both post an order and cancel it (11).',
      },
    });
  });

  it('refuses an empty SKU list (send every tracked item instead)', () => {
    const s = defaultSettings();
    const result = validateSettingsInput({ ...s, stock: { ...s.stock, skus: [] } }, ledgerChart);
    expect(result).toEqual({ ok: false, fields: { 'stock.skus': 'List at least one SKU, or send every tracked item.' } });
  });
});

describe('revenue account rules, tracking by channel and templates', () => {
  it('refuses a rule whose account is not in the chart, a rule repeating one above, a channel twice and an unknown token, each at its field', () => {
    const s = defaultSettings();
    const result = validateSettingsInput(
      {
        ...s,
        accounts: { ...s.accounts, revenueRules: [{ when: { category: 23 }, account: '4100' }, { when: { category: 23 }, account: '4200' }, { when: { brand: 7 }, account: '9999' }] },
        posting: { ...s.posting, trackingByChannel: [{ channel: 2, category: 'Region', option: 'A' }, { channel: 2, category: 'Region', option: 'B' }] },
      },
      ledgerChart,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.fields).toEqual({
        'accounts.revenueRules.1.when': 'A rule above has the same conditions, so this one would never apply.',
        'accounts.revenueRules.2.account': 'Account 9999 does not exist in your accounting system. Choose an account from the list.',
        'posting.trackingByChannel.1.channel': 'Channel 2 already has a tracking option above.',
      });
    }
    const empty = validateSettingsInput({ ...s, accounts: { ...s.accounts, revenueRules: [{ when: {}, account: '4100' }] } }, ledgerChart);
    expect(!empty.ok && empty.fields['accounts.revenueRules.0.when']).toBe('Give the rule a category, a brand or a channel id.');
    const token = validateSettingsInput({ ...s, lines: { ...s.lines, descriptionTemplate: '{name} {colour}' } }, ledgerChart);
    expect(!token.ok && token.fields['lines.descriptionTemplate']).toBe('Unknown token {colour}: use {name} {sku} {options} {productId} {quantity}.');
  });
});
