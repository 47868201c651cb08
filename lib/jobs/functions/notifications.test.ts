import { InngestTestEngine } from '@inngest/test';
import { describe, expect, it, vi } from 'vitest';
import { yesterdayIn } from '@/lib/sync/days';

/** The notification schedulers with @inngest/test: what they fan out, and nothing while email is off. */
const world = vi.hoisted(() => ({
  smtp: 'smtp://127.0.0.1:2525' as string | undefined,
  stores: [] as Array<{ storeHash: string; lastSweepAt: Date | null; lastStockPushAt: Date | null }>,
  zones: new Map<string, string>(),
  pending: [] as Array<{ storeHash: string; kind: string }>,
}));
vi.mock('@/db', () => ({ getDb: async () => ({}) }));
vi.mock('@/lib/env', () => ({ env: () => ({ SMTP_URL: world.smtp, MAIL_FROM: 'x <x@example.com>', APP_URL: 'http://app.test', SESSION_SECRET: 's'.repeat(32) }) }));
vi.mock('@/lib/repos/store-sync', () => ({ createStoreSyncRepo: () => ({ installedStores: async () => world.stores }) }));
vi.mock('@/lib/repos/notifications', () => ({ createNotificationRepo: () => ({ pendingAlerts: async () => world.pending }) }));
vi.mock('@/lib/repos/settings', async () => {
  const { settingsWith: make } = await import('@/tests/integration/support/sync-job-fakes');
  return {
    createSettingsRepo: () => ({
      current: async (hash: string) => {
        const s = make();
        return { version: 1, settings: { ...s, document: { ...s.document, timeZone: world.zones.get(hash) ?? 'UTC' } } };
      },
    }),
  };
});

const { alertsSchedulerFunction, digestSchedulerFunction } = await import('./notifications');

const store = (storeHash: string) => ({ storeHash, lastSweepAt: null, lastStockPushAt: null });

describe('notify-digest-scheduler', () => {
  it("asks for each installed store's yesterday in its own time zone", async () => {
    world.smtp = 'smtp://127.0.0.1:2525';
    world.stores = [store('tokyo'), store('hawaii')];
    world.zones = new Map([['tokyo', 'Asia/Tokyo'], ['hawaii', 'Pacific/Honolulu']]);
    const t = new InngestTestEngine({ function: digestSchedulerFunction, steps: [{ id: 'fan-out', handler: () => ({ ids: [] }) }] });
    const { ctx, error } = await t.execute();
    expect(error).toBeUndefined();
    const [, events] = ctx.step.sendEvent.mock.calls[0] as [string, Array<{ name: string; data: { storeHash: string; date: string } }>];
    const now = new Date();
    expect(events.map((e) => [e.name, e.data.storeHash, e.data.date])).toEqual([
      ['notify/digest.due', 'tokyo', yesterdayIn('Asia/Tokyo', now)],
      ['notify/digest.due', 'hawaii', yesterdayIn('Pacific/Honolulu', now)],
    ]);
  });

  it('sends nothing while email is off', async () => {
    world.smtp = undefined;
    const t = new InngestTestEngine({ function: digestSchedulerFunction });
    const { ctx, result } = await t.execute();
    expect(ctx.step.sendEvent).not.toHaveBeenCalled();
    expect(result).toEqual({ stores: 0 });
  });
});

describe('notify-alerts-scheduler', () => {
  it('fans out one alert run per store and kind with unsent notifications', async () => {
    world.smtp = 'smtp://127.0.0.1:2525';
    world.pending = [{ storeHash: 'a1', kind: 'needs_attention' }, { storeHash: 'a1', kind: 'stock_refused' }, { storeHash: 'b2', kind: 'needs_attention' }];
    const t = new InngestTestEngine({ function: alertsSchedulerFunction, steps: [{ id: 'fan-out', handler: () => ({ ids: [] }) }] });
    const { ctx } = await t.execute();
    const [, events] = ctx.step.sendEvent.mock.calls[0] as [string, Array<{ name: string; data: { storeHash: string; kind: string } }>];
    expect(events.map((e) => `${e.name} ${e.data.storeHash} ${e.data.kind}`)).toEqual([
      'notify/alerts.due a1 needs_attention',
      'notify/alerts.due a1 stock_refused',
      'notify/alerts.due b2 needs_attention',
    ]);
  });
});
