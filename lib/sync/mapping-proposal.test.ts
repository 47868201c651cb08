import { describe, expect, it } from 'vitest';
import { quickbooksChartHints } from '@/lib/accounting/quickbooks/chart-hints';
import { xeroChartHints } from '@/lib/accounting/xero/chart-hints';
import { taxRateUse } from '@/lib/accounting/xero/provider';
import { SEED_ACCOUNTS } from '@/tests/sandbox/quickbooks/companies';
import { createTenant } from '@/tests/sandbox/xero/tenants';
import { validateSettingsInput } from '@/lib/admin/settings-form';
import { applyMappingChoices, proposeMappings, type MappingProposal } from './mapping-proposal';
import type { ChartDescription, RemoteAccount } from './provider';
import { defaultSettings, type SyncSettings } from './settings';

/** A Xero sandbox organisation's chart as the Xero provider's describe() reads it (Class → type, payments, ReportTaxType). */
function xeroChart(currency: string): ChartDescription {
  const tenant = createTenant({ name: 'Demo Company', currency }, Date.now());
  const type = (c: string): RemoteAccount['type'] =>
    c === 'ASSET' ? 'asset' : c === 'LIABILITY' ? 'liability' : c === 'EQUITY' ? 'equity' : c === 'REVENUE' ? 'income' : 'expense';
  const accounts = tenant.accounts.map((a) => ({ code: a.Code, name: a.Name, type: type(a.Class), isPaymentAccount: a.Type === 'BANK' || a.EnablePaymentsToAccount }));
  return {
    accounts,
    paymentAccounts: accounts.filter((a) => a.isPaymentAccount),
    taxCodes: tenant.taxRates.map((t) => ({ code: t.TaxType, name: t.Name, rate: t.rate.toFixed(4), use: taxRateUse({ ReportTaxType: t.ReportTaxType }) })),
    items: [],
  };
}

/** A QuickBooks sandbox company's chart as the QuickBooks provider's describe() reads it (ids as codes). */
function quickbooksChart(country: 'US' | 'GB'): ChartDescription {
  const type = (c: string): RemoteAccount['type'] => (c === 'Asset' ? 'asset' : c === 'Liability' ? 'liability' : c === 'Equity' ? 'equity' : c === 'Revenue' ? 'income' : 'expense');
  const accounts = SEED_ACCOUNTS.map((a, i) => ({
    code: String(i + 1),
    name: a.Name,
    type: type(a.Classification),
    isPaymentAccount: a.AccountType === 'Bank' || a.AccountSubType === 'UndepositedFunds' || a.AccountType === 'Other Current Asset',
  }));
  const taxCodes: ChartDescription['taxCodes'] =
    country === 'US'
      ? [{ code: 'TAX', name: 'TAX', rate: '0', use: 'any' }, { code: 'NON', name: 'NON', rate: '0', use: 'any' }]
      : [
          { code: '1', name: '20.0% S', rate: '20', use: 'sales' },
          { code: '2', name: '5.0% R', rate: '5', use: 'sales' },
          { code: '3', name: '0.0% Z', rate: '0', use: 'sales' },
          { code: '4', name: 'Exempt', rate: '0', use: 'sales' },
        ];
  return { accounts, paymentAccounts: accounts.filter((a) => a.isPaymentAccount), taxCodes, items: [] };
}

const byPath = (p: MappingProposal) => Object.fromEntries(p.accounts.map((a) => [a.path, a]));

/** Accepting the proposal (with `picks` for what needs a choice) gives settings the mappings page accepts. */
function accepted(chart: ChartDescription, settings: SyncSettings, proposal: MappingProposal, picks: Record<string, string> = {}) {
  const next = applyMappingChoices(settings, { ...proposal.choices, accounts: { ...proposal.choices.accounts, ...picks } });
  return validateSettingsInput(next, chart);
}

describe('the mapping proposal made on connect', () => {
  it('Xero demo organisation (US): Sales, Shipping Income, Discounts Given, Rounding, the clearing account, Tax Exempt; gift liabilities need a choice', () => {
    const chart = xeroChart('USD');
    const proposal = proposeMappings({ chart, settings: defaultSettings(), taxRatesSeen: [{ name: 'Sales Tax', rate: '8.875' }], hints: xeroChartHints, systemName: 'Xero' });
    const a = byPath(proposal);
    expect(a['accounts.sales']).toMatchObject({ action: 'replace', code: '200' });
    expect(a['accounts.sales']!.reason).toContain("as in Xero's default chart");
    expect(a['accounts.sales']!.reason).toContain("4000 is not in Xero's chart");
    expect(a['accounts.shipping']).toMatchObject({ action: 'replace', code: '210' });
    expect(a['accounts.handling']).toMatchObject({ code: '210' });
    expect(a['accounts.wrapping']).toMatchObject({ code: '210' });
    expect(a['accounts.fees']).toMatchObject({ code: '260' });
    expect(a['accounts.discounts']).toMatchObject({ code: '270' });
    expect(a['accounts.rounding']).toMatchObject({ code: '860' });
    expect(a['payments.defaultAccount']).toMatchObject({ code: '092' });
    expect(a['payments.defaultAccount']!.reason).toMatch(/clearing/);
    // Nothing named for gift certificates: never Accounts Payable (a system account), the merchant chooses.
    expect(a['accounts.giftCertificatesSold']).toMatchObject({ action: 'choose', code: null });
    expect(a['accounts.giftCertificatesSold']!.reason).toMatch(/^Needs your choice/);
    expect(a['accounts.giftCertificatesSold']!.candidates).not.toContain('800');
    expect(proposal.needsChoice).toEqual(['accounts.giftCertificatesSold', 'payments.storeCreditAccount', 'payments.giftCertificateAccount']);
    // The seen rate by rate (a sales rate), the other sales rate too; never the purchases rate.
    expect(proposal.taxRates).toEqual([
      expect.objectContaining({ name: 'Sales Tax', rate: '8.875', seen: true, action: 'replace', taxCode: 'TAX001' }),
      expect.objectContaining({ name: null, rate: '4', seen: false, action: 'replace', taxCode: 'TAX002' }),
    ]);
    expect(proposal.zeroTax).toMatchObject({ action: 'replace', taxCode: 'NONE', taxName: 'Tax Exempt' });
    expect(proposal.choices.tax).toEqual({ mappings: [{ rate: '8.875', taxCode: 'TAX001' }, { rate: '4', taxCode: 'TAX002' }], zeroTaxCode: 'NONE' });
    // Accepting without the choices would not validate; with them it does.
    expect(accepted(chart, defaultSettings(), proposal).ok).toBe(false);
    const picks = Object.fromEntries(proposal.needsChoice.map((p) => [p, a[p]!.candidates[0]!]));
    expect(accepted(chart, defaultSettings(), proposal, picks)).toMatchObject({ ok: true });
  });

  it('Xero UK (VAT): 20% and 5% map to the income rates, never "20% (VAT on Expenses)"; untaxed lines are Zero Rated Income', () => {
    const chart = xeroChart('GBP');
    const proposal = proposeMappings({ chart, settings: defaultSettings(), taxRatesSeen: [{ name: 'VAT', rate: '20.0000' }], hints: xeroChartHints, systemName: 'Xero' });
    expect(proposal.taxRates.map((t) => [t.name, t.rate, t.taxCode])).toEqual([
      ['VAT', '20', 'OUTPUT2'],
      [null, '5', 'RROUTPUT'],
    ]);
    expect(proposal.zeroTax).toMatchObject({ taxCode: 'ZERORATEDOUTPUT', taxName: 'Zero Rated Income' });
  });

  it('QuickBooks US company with Automated Sales Tax: Sales of Product Income, Shipping Income, Discounts given, Undeposited Funds; no tax mapping to make', () => {
    const chart = quickbooksChart('US');
    const proposal = proposeMappings({ chart, settings: defaultSettings(), taxRatesSeen: [{ name: 'Sales Tax', rate: '8.25' }], hints: quickbooksChartHints, systemName: 'QuickBooks Online' });
    const a = byPath(proposal);
    const name = (path: string) => chart.accounts.find((x) => x.code === a[path]!.code)?.name;
    expect(name('accounts.sales')).toBe('Sales of Product Income');
    expect(name('accounts.shipping')).toBe('Shipping Income');
    expect(name('accounts.discounts')).toBe('Discounts given');
    expect(name('payments.defaultAccount')).toBe('Undeposited Funds');
    // No rounding or other income account: rounding goes with product sales, and says so.
    expect(name('accounts.rounding')).toBe('Sales of Product Income');
    expect(a['accounts.rounding']!.reason).toContain('no rounding or other account');
    // TAX and NON carry no rate (QuickBooks keeps US sales tax itself): nothing to map, nothing to choose; NON for no tax.
    expect(proposal.taxRates).toEqual([expect.objectContaining({ rate: '8.25', action: 'keep', taxCode: null })]);
    expect(proposal.taxRates[0]!.reason).toContain('carry no rates to match');
    expect(proposal.zeroTax).toMatchObject({ taxCode: 'NON' });
  });

  it('QuickBooks UK company (VAT): 20.0% S for 20%, 0.0% Z for untaxed lines', () => {
    const chart = quickbooksChart('GB');
    const proposal = proposeMappings({ chart, settings: defaultSettings(), taxRatesSeen: [{ name: 'VAT', rate: '20' }], hints: quickbooksChartHints, systemName: 'QuickBooks Online' });
    expect(proposal.taxRates.map((t) => [t.rate, t.taxName])).toEqual([
      ['20', '20.0% S'],
      ['5', '5.0% R'],
    ]);
    expect(proposal.zeroTax).toMatchObject({ taxName: '0.0% Z' });
  });

  it('a chart with nothing suitable proposes nothing and says what needs a choice', () => {
    const chart: ChartDescription = {
      accounts: [
        { code: 'E1', name: 'Rent', type: 'expense', isPaymentAccount: false },
        { code: 'Q1', name: 'Owner Funds', type: 'equity', isPaymentAccount: false },
      ],
      paymentAccounts: [],
      taxCodes: [{ code: 'IN', name: 'GST on Expenses', rate: '10', use: 'purchases' }],
      items: [],
    };
    const proposal = proposeMappings({ chart, settings: defaultSettings(), taxRatesSeen: [{ name: 'GST', rate: '10' }], systemName: 'Books' });
    expect(proposal.accounts.filter((a) => a.path.startsWith('accounts.') && a.path !== 'accounts.rounding').every((a) => a.action === 'choose')).toBe(true);
    expect(byPath(proposal)['payments.defaultAccount']).toMatchObject({ action: 'choose', reason: 'Needs your choice: no account in the chart receives payments.' });
    expect(proposal.taxRates).toEqual([expect.objectContaining({ rate: '10', action: 'choose' })]);
    expect(proposal.zeroTax).toMatchObject({ taxCode: null });
    expect(proposal.choices.tax).toBeUndefined();
    expect(proposal.unchanged).toBe(false);
  });

  it('keeps what the merchant chose that is in the chart, and replaces only defaults and codes the chart lacks', () => {
    const chart = xeroChart('USD');
    const settings = defaultSettings();
    settings.accounts.sales = '260'; // a choice, in the chart
    settings.accounts.shipping = '999'; // not in the chart
    settings.tax.mappings = [{ name: 'Sales Tax', taxCode: 'TAX002' }];
    settings.payments.mappings = [{ method: 'PayPal', account: '1100' }];
    const proposal = proposeMappings({ chart, settings, taxRatesSeen: [{ name: 'Sales Tax', rate: '8.875' }], hints: xeroChartHints, systemName: 'Xero' });
    const a = byPath(proposal);
    expect(a['accounts.sales']).toMatchObject({ action: 'keep', code: '260' });
    expect(a['accounts.shipping']).toMatchObject({ action: 'replace', code: '210' });
    expect(proposal.choices.accounts['accounts.sales']).toBeUndefined();
    expect(proposal.taxRates[0]).toMatchObject({ name: 'Sales Tax', action: 'keep', taxCode: 'TAX002' });
    expect(proposal.droppedPaymentMappings).toEqual([{ method: 'PayPal', account: '1100' }]);
    expect(proposal.choices.paymentMappings).toEqual([]);
    const next = applyMappingChoices(settings, proposal.choices);
    expect(next.accounts.sales).toBe('260');
    expect(next.tax.mappings[0]).toEqual({ name: 'Sales Tax', taxCode: 'TAX002' });
    // Nothing else of the settings changes.
    expect(next.orders).toEqual(settings.orders);
  });

  it('settings that already fit the chart: nothing to change', () => {
    const chart = xeroChart('USD');
    const first = proposeMappings({ chart, settings: defaultSettings(), taxRatesSeen: [], hints: xeroChartHints, systemName: 'Xero' });
    const picks = Object.fromEntries(first.needsChoice.map((p) => [p, '820']));
    const done = applyMappingChoices(defaultSettings(), { ...first.choices, accounts: { ...first.choices.accounts, ...picks } });
    const again = proposeMappings({ chart, settings: done, taxRatesSeen: [], hints: xeroChartHints, systemName: 'Xero' });
    expect(again.unchanged).toBe(true);
    expect(again.accounts.every((a) => a.action === 'keep')).toBe(true);
  });
});
