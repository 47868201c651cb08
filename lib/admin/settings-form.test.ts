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
      expect(result.fields['orders.statusAfterImport']).toMatch(/void or credit/);
      expect(result.fields['orders.statusOnError']).toMatch(/imported again/);
    }
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
