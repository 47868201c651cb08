import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CHART } from '@/lib/accounting/ledger';
import type { StoreHash } from '@/lib/ids';
import type { ChartDescription } from '@/lib/sync/provider';
import { defaultSettings, type SyncSettings } from '@/lib/sync/settings';
import { saveSettings, type SaveSettingsDeps } from './save-settings';

const accounts = DEFAULT_CHART.map((a) => ({ code: a.code, name: a.name, type: a.type, isPaymentAccount: a.payment }));
const chart: ChartDescription = { accounts, paymentAccounts: accounts.filter((a) => a.isPaymentAccount), taxCodes: [], items: [] };

function deps(storeLocations: readonly number[] | null) {
  const store = vi.fn(async () => storeLocations);
  const saved: SyncSettings[] = [];
  const value = {
    storeHash: 'abc123' as StoreHash,
    actorUserId: 7,
    provider: { displayName: 'Built-in ledger', describe: async () => ({ ok: true as const, value: chart }) },
    settings: {
      save: async (_hash: string, settings: unknown) => {
        saved.push(settings as SyncSettings);
        return { ok: true as const, version: 2, settings: settings as SyncSettings };
      },
    },
    audit: { append: async () => undefined },
    stockLocations: { books: [1], store },
  } satisfies Partial<SaveSettingsDeps>;
  return { deps: value as unknown as SaveSettingsDeps, store, saved };
}

describe('saving the settings checks stock locations at both ends', () => {
  it('refuses turning stock sync on with a BigCommerce location the store does not have, and saves nothing', async () => {
    const s = defaultSettings();
    const { deps: d, saved } = deps([1]);
    const result = await saveSettings(d, { expectedVersion: 1, settings: { ...s, stock: { ...s.stock, enabled: true, locations: [{ from: 1, to: 2 }] } } });
    expect(result).toEqual({ ok: false, kind: 'Validation', fields: { 'stock.locations.0.to': 'Your store has no BigCommerce location 2. Choose one of its inventory locations.' } });
    expect(saved).toEqual([]);
  });

  it('asks BigCommerce only when stock sync is to be on, and saves when the store could not be read', async () => {
    const s = defaultSettings();
    const off = deps([1]);
    expect((await saveSettings(off.deps, { expectedVersion: 1, settings: { ...s, document: { ...s.document, dueDays: 30 } } })).ok).toBe(true);
    expect(off.store).not.toHaveBeenCalled();
    const unread = deps(null);
    const on = await saveSettings(unread.deps, { expectedVersion: 1, settings: { ...s, stock: { ...s.stock, enabled: true, locations: [{ from: 1, to: 2 }] } } });
    expect(on.ok).toBe(true);
    expect(unread.store).toHaveBeenCalledOnce();
  });

  it('refuses a location the books do not have, whatever the store says', async () => {
    const s = defaultSettings();
    const { deps: d } = deps([1, 2]);
    const result = await saveSettings(d, { expectedVersion: 1, settings: { ...s, stock: { ...s.stock, locations: [{ from: 3, to: 1 }] } } });
    expect(result).toEqual({ ok: false, kind: 'Validation', fields: { 'stock.locations.0.from': 'Your books have no stock location 3 (they have 1).' } });
  });
});

describe('saving the posting mode', () => {
  it('refuses daily summaries for a system that cannot take them, with a field message, and saves nothing', async () => {
    const s = defaultSettings();
    const { deps: d, saved } = deps(null);
    const remote = { ...d, provider: { ...d.provider, displayName: 'Another system' } };
    const result = await saveSettings(remote, { expectedVersion: 1, settings: { ...s, posting: { ...s.posting, mode: 'daily_summary' } } });
    expect(result).toEqual({ ok: false, kind: 'Validation', fields: { 'posting.mode': 'Another system does not take daily summaries from this app yet; post one document per order.' } });
    expect(saved).toEqual([]);
  });

  it('saves daily summaries from a date for a system that takes them; refuses a date that is not one', async () => {
    const s = defaultSettings();
    const { deps: d, saved } = deps(null);
    const summaries = { ...d, provider: { ...d.provider, postSummary: async () => ({ ok: false as const, error: { kind: 'not_found' as const, message: 'unused' } }) } };
    const ok = await saveSettings(summaries, { expectedVersion: 1, settings: { ...s, posting: { ...s.posting, mode: 'daily_summary', summaryFrom: '2026-12-01' } } });
    expect(ok.ok).toBe(true);
    expect(saved[0]?.posting).toMatchObject({ mode: 'daily_summary', summaryFrom: '2026-12-01', summaryCloseHours: 24 });
    const bad = await saveSettings(summaries, { expectedVersion: 1, settings: { ...s, posting: { ...s.posting, mode: 'daily_summary', summaryFrom: '2026-02-30' } } });
    expect(bad).toEqual({ ok: false, kind: 'Validation', fields: { 'posting.summaryFrom': 'Enter the first day of summaries as YYYY-MM-DD, or leave it empty.' } });
  });

  it('refuses summaries as journals for a system that posts them only as sales documents, and saves a journal where it can', async () => {
    const s = defaultSettings();
    const { deps: d, saved } = deps(null);
    const postSummary = async () => ({ ok: false as const, error: { kind: 'not_found' as const, message: 'unused' } });
    const salesOnly = { ...d, provider: { ...d.provider, displayName: 'Another system', postSummary } };
    const journal = { ...s, posting: { ...s.posting, mode: 'daily_summary' as const, summaryDocument: 'journal' as const } };
    expect(await saveSettings(salesOnly, { expectedVersion: 1, settings: journal })).toEqual({
      ok: false, kind: 'Validation', fields: { 'posting.summaryDocument': 'Another system does not take summaries as journals from this app yet; post them as sales documents.' },
    });
    const unpermitted = { ...d, provider: { ...d.provider, postSummary, summaryDocuments: ['sales', 'journal'] as const, summaryDocumentProblem: async () => 'Reconnect to allow journals.' } };
    expect(await saveSettings(unpermitted, { expectedVersion: 1, settings: journal })).toEqual({ ok: false, kind: 'Validation', fields: { 'posting.summaryDocument': 'Reconnect to allow journals.' } });
    expect(saved).toEqual([]);
    const able = { ...unpermitted, provider: { ...unpermitted.provider, summaryDocumentProblem: async () => null } };
    expect((await saveSettings(able, { expectedVersion: 1, settings: journal })).ok).toBe(true);
    expect(saved[0]?.posting.summaryDocument).toBe('journal');
  });
});
