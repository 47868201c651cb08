import { describe, expect, it } from 'vitest';
import type { ChartDescription, Outcome } from '@/lib/sync/provider';
import { defaultSettings, parseSettings } from '@/lib/sync/settings';
import { providerListings } from './connections';
import { xeroPostingView } from './xero-posting';

const chart: ChartDescription = {
  accounts: [],
  taxCodes: [],
  paymentAccounts: [],
  items: [],
  trackingCategories: [
    { id: 'c1', name: 'Sales Channel', options: [{ id: 'o1', name: 'Online Store' }, { id: 'o2', name: 'Marketplace' }] },
    { id: 'c2', name: 'Region', options: [{ id: 'o3', name: 'North' }] },
  ],
};
const settingsWith = (xero: unknown) => {
  const parsed = parseSettings({ xero });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.settings;
};
let describeCalls = 0;
const describeOk = async (): Promise<Outcome<ChartDescription>> => {
  describeCalls += 1;
  return { ok: true, value: chart };
};

describe('the Xero section of the mappings page', () => {
  it('is not shown, and Xero not asked, while the store posts to the built-in ledger', async () => {
    describeCalls = 0;
    await expect(xeroPostingView({ providerId: 'ledger', settings: defaultSettings(), describe: describeOk })).resolves.toEqual({
      applies: false,
      trackingCategories: [],
      error: null,
      fieldWarnings: {},
    });
    expect(describeCalls).toBe(0);
  });

  it('lists the tracking categories Xero has, with no warning for a choice it has', async () => {
    const view = await xeroPostingView({ providerId: 'xero', settings: settingsWith({ tracking: { category: 'sales channel', option: 'Marketplace' } }), describe: describeOk });
    expect(view.trackingCategories.map((c) => c.name)).toEqual(['Sales Channel', 'Region']);
    expect(view.fieldWarnings).toEqual({});
  });

  it('warns when the saved category or option is no longer in Xero', async () => {
    const gone = await xeroPostingView({ providerId: 'xero', settings: settingsWith({ tracking: { category: 'Department', option: 'Retail' } }), describe: describeOk });
    expect(gone.fieldWarnings['xero.tracking']).toBe('Xero has no active tracking category "Department" any more: invoices will be refused until you choose another or none.');
    const option = await xeroPostingView({ providerId: 'xero', settings: settingsWith({ tracking: { category: 'Region', option: 'South' } }), describe: describeOk });
    expect(option.fieldWarnings['xero.tracking']).toBe('"South" is no longer an active option of "Region" in Xero: invoices will be refused until you choose another.');
  });

  it('says why the categories could not be read (a revoked connection) instead of an empty list', async () => {
    const view = await xeroPostingView({
      providerId: 'xero',
      settings: defaultSettings(),
      describe: async () => ({ ok: false, error: { kind: 'auth_revoked', message: 'Reconnect Xero: the connection was revoked or expired.' } }),
    });
    expect(view).toMatchObject({ applies: true, trackingCategories: [], error: "Xero's tracking categories could not be read: Reconnect Xero: the connection was revoked or expired." });
  });
});

describe('provider listings', () => {
  const xero = (current: string, xeroConfigured: boolean) => providerListings(current, { xeroConfigured }).find((p) => p.id === 'xero')?.status;
  it('offer Xero where the app has Xero credentials, show it connected when the store posts to it', () => {
    expect(xero('ledger', false)).toBe('coming_soon');
    expect(xero('ledger', true)).toBe('available');
    expect(xero('xero', true)).toBe('connected');
    expect(providerListings('xero', { xeroConfigured: true }).find((p) => p.id === 'ledger')?.status).toBe('available');
  });
});
