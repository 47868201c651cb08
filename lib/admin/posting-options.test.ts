import { describe, expect, it } from 'vitest';
import type { ChartDescription, Outcome } from '@/lib/sync/provider';
import { defaultSettings, parseSettings } from '@/lib/sync/settings';
import { configuredProviders, providerListings } from './connections';
import { providers } from '@/lib/accounting/registry';
import { postingOptionsView } from './posting-options';

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
const settingsWith = (posting: unknown) => {
  const parsed = parseSettings({ posting });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.settings;
};
let describeCalls = 0;
const describeOk = async (): Promise<Outcome<ChartDescription>> => {
  describeCalls += 1;
  return { ok: true, value: chart };
};

describe('the posting section of the mappings page', () => {
  it('is not shown, and Xero not asked, while the store posts to the built-in ledger', async () => {
    describeCalls = 0;
    await expect(postingOptionsView({ display: providers.ledger.display, settings: defaultSettings(), describe: describeOk })).resolves.toEqual({
      applies: false,
      system: { name: 'Built-in ledger', tenantNoun: 'ledger', drafts: false, trackingNoun: null },
      trackingCategories: [],
      error: null,
      fieldWarnings: {},
    });
    expect(describeCalls).toBe(0);
  });

  it('lists the tracking categories Xero has, with no warning for a choice it has', async () => {
    const view = await postingOptionsView({ display: providers.xero.display, settings: settingsWith({ tracking: { category: 'sales channel', option: 'Marketplace' } }), describe: describeOk });
    expect(view.trackingCategories.map((c) => c.name)).toEqual(['Sales Channel', 'Region']);
    expect(view.fieldWarnings).toEqual({});
  });

  it('warns when the saved category or option is no longer in Xero', async () => {
    const gone = await postingOptionsView({ display: providers.xero.display, settings: settingsWith({ tracking: { category: 'Department', option: 'Retail' } }), describe: describeOk });
    expect(gone.fieldWarnings['posting.tracking']).toBe('Xero has no active tracking category "Department" any more: documents will be refused until you choose another or none.');
    const option = await postingOptionsView({ display: providers.xero.display, settings: settingsWith({ tracking: { category: 'Region', option: 'South' } }), describe: describeOk });
    expect(option.fieldWarnings['posting.tracking']).toBe('"South" is no longer an active option of "Region" in Xero: documents will be refused until you choose another.');
  });

  it('reads settings saved before the section was renamed (schema v1 `xero`) as the posting section', () => {
    const v1 = parseSettings({ schemaVersion: 1, xero: { invoiceStatus: 'DRAFT', tracking: { category: 'Region', option: 'North' } } });
    expect(v1.ok && v1.settings.posting).toEqual({ approval: 'draft', tracking: { category: 'Region', option: 'North' }, trackingByChannel: [], mode: 'per_order', summaryFrom: null, summaryCloseHours: 24, summaryCustomer: null, summaryDocument: 'sales' });
    const plain = parseSettings({ schemaVersion: 1, xero: { invoiceStatus: 'AUTHORISED' } });
    expect(plain.ok && plain.settings.posting).toEqual({ approval: 'approved', tracking: null, trackingByChannel: [], mode: 'per_order', summaryFrom: null, summaryCloseHours: 24, summaryCustomer: null, summaryDocument: 'sales' });
    expect(plain.ok && 'xero' in plain.settings).toBe(false);
  });

  it('says why the categories could not be read (a revoked connection) instead of an empty list', async () => {
    const view = await postingOptionsView({
      display: providers.xero.display,
      settings: defaultSettings(),
      describe: async () => ({ ok: false, error: { kind: 'auth_revoked', message: 'Reconnect Xero: the connection was revoked or expired.' } }),
    });
    expect(view).toMatchObject({ applies: true, trackingCategories: [], error: "Xero's tracking categories could not be read: Reconnect Xero: the connection was revoked or expired." });
  });
});

describe('provider listings', () => {
  const xero = (current: string, configured: string[]) => providerListings(current, new Set(configured)).find((p) => p.id === 'xero');
  it('offer Xero where the app has Xero credentials, show it connected when the store posts to it', () => {
    expect(xero('ledger', [])).toMatchObject({ status: 'not_configured', needs: ['XERO_CLIENT_ID', 'XERO_CLIENT_SECRET'] });
    expect(xero('ledger', ['xero'])?.status).toBe('available');
    expect(xero('xero', ['xero'])?.status).toBe('connected');
    expect(providerListings('xero', new Set(['xero'])).find((p) => p.id === 'ledger')?.status).toBe('available');
    expect(providerListings('xero', new Set(['xero']), new Set(['xero'])).find((p) => p.id === 'xero')?.status).toBe('reconnect');
  });
  it('configured: a remote system is offered when both its client id and secret are set', () => {
    expect([...configuredProviders({ XERO_CLIENT_ID: 'id', XERO_CLIENT_SECRET: 'secret' })]).toEqual(['xero']);
    expect([...configuredProviders({ XERO_CLIENT_ID: 'id' })]).toEqual([]);
  });
});
