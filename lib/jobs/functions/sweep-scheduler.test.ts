import { InngestTestEngine } from '@inngest/test';
import { describe, expect, it, vi } from 'vitest';
import { settingsWith } from '@/tests/integration/support/sync-job-fakes';

/** The every-minute scheduler with @inngest/test: a sweep for each installed store whose interval is due. */
const world = vi.hoisted(() => ({
  stores: [] as Array<{ storeHash: string; lastSweepAt: Date | null; lastStockPushAt: Date | null }>,
  settings: new Map<string, unknown>(),
}));
vi.mock('@/db', () => ({ getDb: async () => ({}) }));
vi.mock('@/lib/repos/store-sync', () => ({ createStoreSyncRepo: () => ({ installedStores: async () => world.stores }) }));
vi.mock('@/lib/repos/settings', () => ({ createSettingsRepo: () => ({ current: async (hash: string) => ({ version: 1, settings: world.settings.get(hash) }) }) }));
vi.mock('@/lib/logger', () => {
  const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, child: () => silent };
  return { logger: () => silent };
});

const { sweepSchedulerFunction } = await import('./store-sweep');

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('sweep-scheduler', () => {
  it('fans out a sweep to the stores whose interval has passed, and to no other', async () => {
    world.stores = [
      { storeHash: 'due', lastSweepAt: minutesAgo(16), lastStockPushAt: null },
      { storeHash: 'never', lastSweepAt: null, lastStockPushAt: null },
      { storeHash: 'recent', lastSweepAt: minutesAgo(3), lastStockPushAt: null },
      { storeHash: 'paused', lastSweepAt: minutesAgo(60), lastStockPushAt: null },
      { storeHash: 'hourly', lastSweepAt: minutesAgo(30), lastStockPushAt: null },
    ];
    world.settings = new Map([
      ['due', settingsWith()],
      ['never', settingsWith()],
      ['recent', settingsWith()],
      ['paused', settingsWith({ autoSync: false })],
      ['hourly', settingsWith({ sweepIntervalMinutes: 60 })],
    ]);
    const t = new InngestTestEngine({ function: sweepSchedulerFunction, steps: [{ id: 'fan-out', handler: () => ({ ids: [] }) }] });
    const { ctx, error } = await t.execute();
    expect(error).toBeUndefined();
    const [id, events] = ctx.step.sendEvent.mock.calls[0] as [string, Array<{ name: string; data: { storeHash: string } }>];
    expect(id).toBe('fan-out');
    expect(events.every((e) => e.name === 'store/sweep')).toBe(true);
    expect(events.map((e) => e.data.storeHash).sort()).toEqual(['due', 'never']);
  });
});
