import { describe, expect, it } from 'vitest';
import { DEFAULT_CHART } from '@/lib/accounting/ledger';
import type { ChartDescription } from '@/lib/sync/provider';
import type { StoreHash } from '@/lib/ids';
import { defaultSettings } from '@/lib/sync/settings';
import { completeOnboarding, completeOnboardingSchema, type OnboardingDeps } from './onboarding';

const accounts = DEFAULT_CHART.map((a) => ({ code: a.code, name: a.name, type: a.type, isPaymentAccount: a.payment }));
const chart: ChartDescription = { accounts, paymentAccounts: accounts.filter((a) => a.isPaymentAccount), taxCodes: [], items: [] };

function fakeDeps(options: { xeroConnected: boolean }) {
  const calls: string[] = [];
  const deps = {
    storeHash: 'abc123' as StoreHash,
    userId: 1,
    current: async () => ({ version: 0, settings: defaultSettings(), savedAt: null, savedBy: null }),
    chart: async () => chart,
    save: async () => (calls.push('save'), { ok: true as const, version: 1, settings: defaultSettings() }),
    setProvider: async (provider: string) => void calls.push(`provider ${provider}`),
    connected: async () => options.xeroConnected,
    startBackfill: async () => ({ ok: true as const }),
    audit: async (action: string) => void calls.push(action),
  } satisfies OnboardingDeps;
  return { deps, calls };
}

const input = (provider: 'ledger' | 'xero') =>
  completeOnboardingSchema.parse({
    provider,
    expectedVersion: 0,
    orders: { importStatusIds: [11], ignoredStatusIds: [], statusAfterImport: null, statusOnError: null },
    backfillFrom: null,
  });

describe('finishing onboarding', () => {
  it('with Xero chosen but not connected: says to connect it first, and changes nothing', async () => {
    const { deps, calls } = fakeDeps({ xeroConnected: false });
    const result = await completeOnboarding(deps, input('xero'));
    expect(result).toEqual({ ok: false, kind: 'Validation', fields: { provider: expect.stringMatching(/Connect Xero first/) } });
    expect(calls).toEqual([]);
  });

  it('with Xero connected: saves the rules and posts to Xero from now on', async () => {
    const { deps, calls } = fakeDeps({ xeroConnected: true });
    const result = await completeOnboarding(deps, input('xero'));
    expect(result).toMatchObject({ ok: true, version: 1, backfillStarted: false });
    expect(calls).toEqual(['save', 'provider xero', 'onboarding.completed']);
  });

  it('refuses a system the app does not offer', () => {
    expect(completeOnboardingSchema.safeParse({ ...input('ledger'), provider: 'sage' }).success).toBe(false);
    expect(completeOnboardingSchema.safeParse({ ...input('ledger'), provider: 'quickbooks' }).success).toBe(true);
  });
});
