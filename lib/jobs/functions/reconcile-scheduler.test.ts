import { InngestTestEngine } from '@inngest/test';
import { describe, expect, it, vi } from 'vitest';
import { settingsWith } from '@/tests/integration/support/sync-job-fakes';
import { nightlyRange } from '../reconcile';

/** The hourly reconcile scheduler with @inngest/test: the stores whose yesterday has no stored result, each once. */
const world = vi.hoisted(() => ({
  stores: [] as Array<{ storeHash: string }>,
  settings: new Map<string, unknown>(),
  stored: new Map<string, string[]>(),
}));
vi.mock('@/db', () => ({ getDb: async () => ({}) }));
vi.mock('@/lib/repos/store-sync', () => ({ createStoreSyncRepo: () => ({ installedStores: async () => world.stores }) }));
vi.mock('@/lib/repos/settings', () => ({ createSettingsRepo: () => ({ current: async (hash: string) => ({ version: 1, settings: world.settings.get(hash) }) }) }));
vi.mock('@/lib/repos/reconciliation', () => ({
  createReconciliationRepo: () => ({ days: async (hash: string, from: string) => (world.stored.get(hash) ?? []).filter((d) => d === from).map((date) => ({ result: { date } })) }),
}));
vi.mock('@/lib/logger', () => {
  const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, child: () => silent };
  return { logger: () => silent };
});

const { reconcileSchedulerFunction } = await import('./reconcile');

describe('reconcile-scheduler', () => {
  it('reconciles the last three days of each store whose yesterday (in its time zone) is not reconciled yet', async () => {
    const tokyo = settingsWith();
    (tokyo as { document: { timeZone: string } }).document.timeZone = 'Asia/Tokyo';
    world.stores = [{ storeHash: 'fresh' }, { storeHash: 'done' }, { storeHash: 'tokyo' }];
    world.settings = new Map([['fresh', settingsWith()], ['done', settingsWith()], ['tokyo', tokyo]]);
    world.stored = new Map([['done', [nightlyRange('UTC').to]]]);
    const t = new InngestTestEngine({ function: reconcileSchedulerFunction, steps: [{ id: 'fan-out', handler: () => ({ ids: [] }) }] });
    const { ctx, error } = await t.execute();
    expect(error).toBeUndefined();
    const [, events] = ctx.step.sendEvent.mock.calls[0] as [string, Array<{ name: string; data: { storeHash: string; from: string; to: string; trigger: string } }>];
    expect(events.every((e) => e.name === 'store/reconcile' && e.data.trigger === 'schedule')).toBe(true);
    expect(events.map((e) => e.data.storeHash).sort()).toEqual(['fresh', 'tokyo']);
    const byStore = Object.fromEntries(events.map((e) => [e.data.storeHash, e.data]));
    expect(byStore.fresh).toMatchObject(nightlyRange('UTC'));
    expect(byStore.tokyo).toMatchObject(nightlyRange('Asia/Tokyo'));
  });
});

describe('nightlyRange', () => {
  it('is yesterday and the two days before, in the store time zone', () => {
    const now = new Date('2026-03-10T20:00:00Z'); // already the 11th in Tokyo
    expect(nightlyRange('UTC', now)).toEqual({ from: '2026-03-07', to: '2026-03-09' });
    expect(nightlyRange('Asia/Tokyo', now)).toEqual({ from: '2026-03-08', to: '2026-03-10' });
    expect(nightlyRange('America/Los_Angeles', new Date('2026-03-01T03:00:00Z'))).toEqual({ from: '2026-02-25', to: '2026-02-27' }); // still the 28th there
  });
});
