import { InngestTestEngine } from '@inngest/test';
import { describe, expect, it, vi } from 'vitest';
import type { DayResult } from '@/lib/sync/reconcile';

/**
 * store-reconcile with @inngest/test: the range is reconciled and each day stored; Repair runs on its day and stores
 * what is left; a provider's rate limit becomes Inngest's RetryAfterError with the provider's wait.
 */
const world = vi.hoisted(() => ({
  saved: [] as Array<{ dates: readonly string[]; days: readonly DayResult[] }>,
  reconcile: vi.fn(),
  repair: vi.fn(),
  notified: [] as Array<{ kind: string; dedupeKey: string }>,
}));
vi.mock('@/lib/repos/notifications', () => ({
  createNotificationRepo: () => ({ record: async (_h: string, n: { kind: string; dedupeKey: string }) => void world.notified.push(n) }),
}));
vi.mock('@/lib/context', () => ({ storeContext: async () => ({ db: {}, pipeline: { storeHash: 'abc', providerId: 'ledger' } }) }));
vi.mock('@/lib/repos/reconciliation', () => ({
  createReconciliationRepo: () => ({ saveDays: async (_h: string, _p: string, dates: readonly string[], days: readonly DayResult[]) => void world.saved.push({ dates, days }) }),
}));
vi.mock('../reconcile', async (original) => {
  const actual = await original<typeof import('../reconcile')>();
  return {
    ...actual,
    reconcileAndStore: async (ctx: unknown, results: { saveDays: (...a: unknown[]) => Promise<void> }, range: { from: string; to: string }) => {
      const outcome = await world.reconcile(range);
      if (outcome.ok) await results.saveDays('abc', 'ledger', [range.from, range.to], outcome.days);
      return outcome;
    },
    repairAndStore: async (_ctx: unknown, results: { saveDays: (...a: unknown[]) => Promise<void> }, date: string, orderIds?: number[]) => {
      const outcome = await world.repair(date, orderIds);
      if (outcome.ok) await results.saveDays('abc', 'ledger', [date], outcome.after);
      return outcome;
    },
  };
});
vi.mock('@/lib/logger', () => {
  const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, child: () => silent };
  return { logger: () => silent };
});

const { storeReconcileFunction } = await import('./reconcile');

const day = (date: string, n: number): DayResult => ({
  date, currency: 'USD',
  store: { orders: n, total: '0.00', tax: '0.00', refunds: '0.00', shipping: '0.00', discounts: '0.00', payments: {} },
  books: { documents: 0, total: '0.00', tax: '0.00', refunds: '0.00', payments: {} },
  differences: Array.from({ length: n }, (_, i) => ({ orderId: i + 1, class: 'missing_in_books' as const, amount: '1.00', reason: 'x' })),
});
const event = (data: Record<string, unknown>) => ({ name: 'store/reconcile', data: { storeHash: 'abc', from: '2026-03-08', to: '2026-03-10', trigger: 'schedule', ...data } });

describe('store-reconcile', () => {
  it('reconciles the range and stores each day', async () => {
    world.saved = [];
    world.reconcile.mockResolvedValueOnce({ ok: true, days: [day('2026-03-08', 0), day('2026-03-10', 2)], read: { orders: 2, refunds: 0, documents: 0 } });
    const t = new InngestTestEngine({ function: storeReconcileFunction, events: [event({}) as never] });
    const { result, error } = await t.execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ ok: true, days: 2, differences: 2 });
    expect(world.reconcile).toHaveBeenCalledWith({ from: '2026-03-08', to: '2026-03-10' });
    expect(world.saved).toHaveLength(1);
    // The day with differences is a notification for the store's people; the day that agrees is not.
    expect(world.notified.map((n) => [n.kind, n.dedupeKey])).toEqual([['reconciliation_differences', 'reconciliation_differences:2026-03-10:USD']]);
  });

  it('runs Repair on its day, for the orders given', async () => {
    world.saved = [];
    world.repair.mockResolvedValueOnce({ ok: true, repaired: [{ orderId: 1, class: 'missing_in_books', result: 'posted', message: '' }], after: [day('2026-03-10', 0)] });
    const t = new InngestTestEngine({ function: storeReconcileFunction, events: [event({ trigger: 'manual', from: '2026-03-10', repair: { date: '2026-03-10', orderIds: [1] } }) as never] });
    const { result } = await t.execute();
    expect(result).toEqual({ ok: true, repaired: 1, differences: 0 });
    expect(world.repair).toHaveBeenCalledWith('2026-03-10', [1]);
    expect(world.saved.map((s) => s.dates)).toEqual([['2026-03-10']]);
  });

  it('waits as long as the books asked when they rate-limit the read, and stores nothing', async () => {
    world.saved = [];
    world.reconcile.mockResolvedValueOnce({ ok: false, side: 'books', message: 'Reading the books: rate limited', retryAfterMs: 42_000 });
    const t = new InngestTestEngine({ function: storeReconcileFunction, events: [event({}) as never] });
    const { error } = await t.execute();
    // The engine hands back the error serialised: its name and message (not the wait it carries).
    expect(error).toMatchObject({ name: 'RetryAfterError' });
    expect(String((error as Error).message)).toContain('rate limited');
    expect(world.saved).toEqual([]);
  });
});
