import { InngestTestEngine } from '@inngest/test';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { fixtureOrder, settingsWith, STORE } from '@/tests/integration/support/sync-job-fakes';

/** The sweep's steps with @inngest/test: what it enqueues, and how far it moves the watermark. */
const context = vi.hoisted(() => ({ current: null as unknown }));
vi.mock('@/lib/context', () => ({ storeContext: vi.fn(async () => context.current) }));
vi.mock('@/lib/logger', () => {
  const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, child: () => silent };
  return { logger: () => silent };
});

const { storeSweepFunction } = await import('./store-sweep');

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
const order = (id: number, statusId: number, modified: Date): BcOrder => fixtureOrder({ id, status_id: statusId, date_modified: modified.toUTCString() });

function sweepWorld(input: {
  pages: Array<BcOrder[] | 'fail'>;
  known?: Map<number, { state: string; orderDateModified: Date | null }>;
  stale?: number[];
  watermark?: Date | null;
  refunds?: Array<{ id: number; orderId: number; createdAt: string }>;
  bookedRefunds?: number[];
}) {
  const recorded: Array<{ watermark: Date | null; result: Record<string, unknown> }> = [];
  const listed: unknown[] = [];
  const refundListings: unknown[] = [];
  const refundsWatermarks: Date[] = [];
  context.current = {
    providerId: 'ledger',
    settings: settingsWith(),
    sync: { storeHash: STORE, provider: 'ledger', watermark: input.watermark ?? null, refundsWatermark: null, lastSweepAt: null },
    client: {
      async *listOrders(filter: unknown) {
        listed.push(filter);
        for (const page of input.pages) yield page === 'fail' ? { ok: false, error: { kind: 'Unavailable', message: '503' } } : { ok: true, value: page };
      },
      async listRefunds(filter: unknown) {
        refundListings.push(filter);
        return { ok: true, value: input.refunds ?? [] };
      },
    },
    records: {
      statesOf: async (_s: string, _p: string, ids: number[]) => new Map([...(input.known ?? new Map()).entries()].filter(([id]) => ids.includes(id))),
      stalePending: async () => input.stale ?? [],
      bookedRefundIds: async (_s: string, _p: string, ids: number[]) => new Set(ids.filter((id) => (input.bookedRefunds ?? []).includes(id))),
    },
    storeSync: {
      recordSweep: async (_s: string, watermark: Date | null, result: Record<string, unknown>) => void recorded.push({ watermark, result }),
      recordRefundsSweep: async (_s: string, watermark: Date) => void refundsWatermarks.push(watermark),
    },
  };
  return { recorded, listed, refundListings, refundsWatermarks };
}

/** step.sendEvent is a step of its own; @inngest/test does not send it, so it is mocked here. */
const sent = () => [{ id: 'enqueue-0', handler: () => ({ ids: [] }) }];
const sweepEvent = [{ name: 'store/sweep', data: { storeHash: STORE } }] as [{ name: string; data: Record<string, unknown> }];

describe('store/sweep', () => {
  beforeEach(() => vi.clearAllMocks());

  it('enqueues the orders the sync records do not account for, and moves the watermark to the latest seen', async () => {
    const newest = minutesAgo(1);
    const { recorded, listed } = sweepWorld({
      pages: [[order(1, 11, minutesAgo(30)), order(2, 11, minutesAgo(20))], [order(3, 11, newest), order(4, 11, minutesAgo(5))]],
      known: new Map([
        [2, { state: 'posted', orderDateModified: minutesAgo(20) }], // unchanged since posted
        [4, { state: 'posted', orderDateModified: minutesAgo(50) }], // changed since: a lost webhook
      ]),
      stale: [7],
      watermark: minutesAgo(60),
    });
    const { result, ctx } = await new InngestTestEngine({ function: storeSweepFunction, events: sweepEvent, steps: sent() }).execute();
    expect(result).toEqual({ seen: 4, enqueued: 4 });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ statusIds: expect.arrayContaining([11]) });
    expect(ctx.step.sendEvent).toHaveBeenCalledTimes(1);
    const [id, events] = ctx.step.sendEvent.mock.calls[0] as [string, Array<{ name: string; data: { orderId: number; trigger: string; dedupeKey: string } }>];
    expect(id).toBe('enqueue-0');
    expect(events.map((e) => e.data.orderId).sort()).toEqual([1, 3, 4, 7]);
    expect(events.every((e) => e.name === 'order/changed' && e.data.trigger === 'sweep')).toBe(true);
    // The dedupe key names the modification seen, so a second sweep of the same change collapses into one run.
    expect(events.find((e) => e.data.orderId === 3)?.data.dedupeKey).toBe(`sweep-${new Date(Math.floor(newest.getTime() / 1000) * 1000).toISOString()}`);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.watermark?.getTime()).toBe(Math.floor(newest.getTime() / 1000) * 1000);
  });

  it('stops at a page it cannot list: the watermark covers only what was seen', async () => {
    const seen = minutesAgo(40);
    const { recorded } = sweepWorld({ pages: [[order(1, 11, seen)], 'fail', [order(9, 11, minutesAgo(1))]], watermark: minutesAgo(60) });
    const { result, ctx } = await new InngestTestEngine({ function: storeSweepFunction, events: sweepEvent, steps: sent() }).execute();
    expect(result).toEqual({ seen: 1, enqueued: 1 });
    const events = ctx.step.sendEvent.mock.calls[0]?.[1] as Array<{ data: { orderId: number } }>;
    expect(events.map((e) => e.data.orderId)).toEqual([1]);
    expect(recorded[0]!.watermark?.getTime()).toBe(Math.floor(seen.getTime() / 1000) * 1000);
  });

  it('enqueues nothing when everything is accounted for', async () => {
    const at = minutesAgo(10);
    sweepWorld({ pages: [[order(1, 11, at)]], known: new Map([[1, { state: 'posted', orderDateModified: at }]]) });
    const { result, ctx } = await new InngestTestEngine({ function: storeSweepFunction, events: sweepEvent, steps: sent() }).execute();
    expect(result).toEqual({ seen: 1, enqueued: 0 });
    expect(ctx.step.sendEvent).not.toHaveBeenCalled();
  });

  it('lists refunds by date too: a refund whose webhook was lost is enqueued by its refund id, a booked one is not', async () => {
    const at = minutesAgo(10);
    const { refundListings, refundsWatermarks } = sweepWorld({
      pages: [[order(1, 11, at)]],
      known: new Map([[1, { state: 'posted', orderDateModified: at }]]),
      refunds: [{ id: 31, orderId: 1, createdAt: at.toISOString() }, { id: 32, orderId: 5, createdAt: at.toISOString() }],
      bookedRefunds: [31],
      watermark: minutesAgo(30),
    });
    const { result, ctx } = await new InngestTestEngine({ function: storeSweepFunction, events: sweepEvent, steps: sent() }).execute();
    expect(result).toEqual({ seen: 1, enqueued: 1 });
    expect(refundListings[0]).toMatchObject({ createdMin: expect.any(String) });
    const events = ctx.step.sendEvent.mock.calls[0]?.[1] as Array<{ data: { orderId: number; dedupeKey: string; refundId?: number } }>;
    // Same dedupe key as the refund's webhook: a late webhook and the sweep collapse into one run.
    expect(events.map((e) => e.data)).toEqual([expect.objectContaining({ orderId: 5, dedupeKey: 'refund-32', refundId: 32 })]);
    expect(refundsWatermarks).toHaveLength(1);
  });

  it('leaves the refunds watermark where it was when the store does not let the app read refunds', async () => {
    const { refundsWatermarks, recorded } = sweepWorld({ pages: [[]], watermark: minutesAgo(30) });
    (context.current as { client: { listRefunds: unknown } }).client.listRefunds = async () => ({ ok: false, error: { kind: 'Forbidden', message: 'missing scope' } });
    const { result } = await new InngestTestEngine({ function: storeSweepFunction, events: sweepEvent, steps: sent() }).execute();
    expect(result).toEqual({ seen: 0, enqueued: 0 });
    expect(refundsWatermarks).toHaveLength(0);
    expect(recorded[0]!.result).toMatchObject({ refunds: 'unreadable' });
  });
});
