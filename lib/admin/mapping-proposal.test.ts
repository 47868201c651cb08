import { describe, expect, it } from 'vitest';
import type { StoreHash } from '@/lib/ids';
import type { SaveSettingsResult, StoredSettings } from '@/lib/repos/settings';
import type { ChartDescription } from '@/lib/sync/provider';
import { defaultSettings, type SyncSettings } from '@/lib/sync/settings';
import { acceptProposal, acceptProposalSchema, loadProposal, type AcceptDeps } from './mapping-proposal';

const chart: ChartDescription = {
  accounts: [
    { code: '200', name: 'Sales', type: 'income', isPaymentAccount: false },
    { code: '090', name: 'Business Bank Account', type: 'asset', isPaymentAccount: true },
    { code: '850', name: 'Gift Vouchers', type: 'liability', isPaymentAccount: false },
  ],
  paymentAccounts: [{ code: '090', name: 'Business Bank Account', type: 'asset', isPaymentAccount: true }],
  taxCodes: [
    { code: 'OUTPUT2', name: '20% (VAT on Income)', rate: '20', use: 'sales' },
    { code: 'INPUT2', name: '20% (VAT on Expenses)', rate: '20', use: 'purchases' },
    { code: 'ZERORATEDOUTPUT', name: 'Zero Rated Income', rate: '0', use: 'sales' },
  ],
  items: [],
};
const stored = (settings: SyncSettings = defaultSettings(), version = 3): StoredSettings => ({ settings, version, savedAt: null }) as StoredSettings;

describe('onboarding: the proposed mappings', () => {
  it('on the built-in ledger there is nothing to propose (and the chart is not read)', async () => {
    const view = await loadProposal({
      storeHash: 's1' as StoreHash,
      providerId: 'ledger',
      current: async () => stored(),
      chart: async () => {
        throw new Error('not read');
      },
      taxRatesSeen: async () => ({ rates: [], storeError: null }),
    });
    expect(view).toMatchObject({ system: null, proposal: null, version: 3 });
  });

  it('for a remote system: every account proposed from its chart, with the version to accept against', async () => {
    const { remoteDefinitions } = await import('@/lib/accounting/registry');
    const remote = remoteDefinitions()[0]!;
    const view = await loadProposal({
      storeHash: 's1' as StoreHash,
      providerId: remote.id,
      current: async () => stored(),
      chart: async () => chart,
      taxRatesSeen: async () => ({ rates: [{ name: 'VAT', rate: '20' }], storeError: 'BigCommerce is unavailable' }),
    });
    expect(view.system?.name).toBe(remote.display.name);
    expect(view.version).toBe(3);
    expect(view.storeError).toBe('BigCommerce is unavailable');
    expect(view.proposal?.choices.accounts['accounts.sales']).toBe('200');
    expect(view.proposal?.choices.accounts['payments.giftCertificateAccount']).toBe('850');
    expect(view.proposal?.choices.tax?.mappings).toEqual([{ rate: '20', taxCode: 'OUTPUT2' }]);
  });
});

describe('onboarding: accepting the proposal', () => {
  function deps(result: SaveSettingsResult | null = null) {
    const calls = { saved: [] as Array<{ settings: SyncSettings; expectedVersion: number }>, audits: [] as string[], retried: 0 };
    const d: AcceptDeps = {
      current: async () => stored(),
      chart: async () => chart,
      save: async (settings, expectedVersion) => {
        calls.saved.push({ settings: settings as SyncSettings, expectedVersion });
        return result ?? ({ ok: true, version: expectedVersion + 1, settings } as SaveSettingsResult);
      },
      audit: async (action) => void calls.audits.push(action),
      retryUnposted: async () => (calls.retried += 1, 2),
    };
    return { d, calls };
  }
  const everything = acceptProposalSchema.parse({
    expectedVersion: 3,
    choices: {
      accounts: Object.fromEntries(
        ['accounts.sales', 'accounts.shipping', 'accounts.handling', 'accounts.wrapping', 'accounts.fees', 'accounts.discounts', 'accounts.rounding'].map((p) => [p, '200']).concat([
          ['accounts.giftCertificatesSold', '850'],
          ['payments.defaultAccount', '090'],
          ['payments.storeCreditAccount', '850'],
          ['payments.giftCertificateAccount', '850'],
        ]),
      ),
      tax: { mappings: [{ rate: '20', taxCode: 'OUTPUT2' }], zeroTaxCode: 'ZERORATEDOUTPUT' },
    },
  });

  it('saves the accepted choices over the current settings (nothing else changes), audits, and retries failed and held orders', async () => {
    const { d, calls } = deps();
    const result = await acceptProposal(d, everything);
    expect(result).toEqual({ ok: true, version: 4, retried: 2 });
    expect(calls.saved).toHaveLength(1);
    expect(calls.saved[0]!.expectedVersion).toBe(3);
    expect(calls.saved[0]!.settings.accounts.giftCertificatesSold).toBe('850');
    expect(calls.saved[0]!.settings.tax).toMatchObject({ mappings: [{ rate: '20', taxCode: 'OUTPUT2' }], zeroTaxCode: 'ZERORATEDOUTPUT' });
    expect(calls.saved[0]!.settings.orders).toEqual(defaultSettings().orders);
    expect(calls.audits).toEqual(['settings.saved']);
  });

  it('refuses choices that leave a setting outside the chart, with the field, and saves nothing', async () => {
    const { d, calls } = deps();
    const partial = acceptProposalSchema.parse({ expectedVersion: 3, choices: { accounts: { 'accounts.sales': '200' } } });
    const result = await acceptProposal(d, partial);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.kind === 'Validation' && result.fields['accounts.shipping']).toMatch(/does not exist/);
    expect(calls.saved).toHaveLength(0);
    expect(calls.retried).toBe(0);
  });

  it('a save since the proposal was read is a conflict; nothing is retried', async () => {
    const { d, calls } = deps({ ok: false, reason: 'conflict' } as SaveSettingsResult);
    const result = await acceptProposal(d, everything);
    expect(result).toMatchObject({ ok: false, kind: 'Conflict' });
    expect(calls.audits).toEqual([]);
    expect(calls.retried).toBe(0);
  });

  it('takes only the settings the proposal covers', () => {
    expect(acceptProposalSchema.safeParse({ expectedVersion: 1, choices: { accounts: { 'orders.autoSync': 'x' } } }).success).toBe(false);
  });
});
