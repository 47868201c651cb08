import { InngestTestEngine } from '@inngest/test';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { fakeProvider, fakeStoreContext, fixtureOrder, memoryRecords, scriptedStore, settingsWith, STORE } from '@/tests/integration/support/sync-job-fakes';

/**
 * store/backfill with @inngest/test: one step per page, resumable at the row's cursor, rate limits mapped to
 * RetryAfterError. The page work (lib/jobs/backfill.ts) and the pipeline are real; BigCommerce and the rows are fakes.
 */
const context = vi.hoisted(() => ({ current: null as unknown }));
vi.mock('@/lib/context', () => ({ storeContext: vi.fn(async () => context.current) }));
vi.mock('@/lib/logger', () => {
  const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, child: () => silent };
  return { logger: () => silent };
});

const { storeBackfillFunction } = await import('./store-backfill');

function backfillWorld(
  pages: BcOrder[][],
  options: { nextPage?: number; listFailure?: { kind: string; message: string; resetMs?: number }; shared?: { records: ReturnType<typeof memoryRecords>; books: ReturnType<typeof fakeProvider> } } = {},
) {
  const row = { id: 1, storeHash: STORE, fromDate: '2024-01-01', status: 'running' as string, nextPage: options.nextPage ?? 1, total: null as number | null, seen: 0, posted: 0, skipped: 0, failed: 0, error: null as string | null };
  const listedPages: number[] = [];
  const records = options.shared?.records ?? memoryRecords();
  const books = options.shared?.books ?? fakeProvider();
  const store = scriptedStore(fixtureOrder());
  const base = fakeStoreContext({ store, records, provider: books.provider, settings: settingsWith({ statusAfterImport: 9 }) });
  context.current = {
    ...base,
    client: {
      ordersCount: async () => ({ ok: true, value: pages.flat().length }),
      ordersPage: async (_filter: unknown, page: number) => {
        listedPages.push(page);
        if (options.listFailure) return { ok: false, error: options.listFailure };
        return { ok: true, value: { orders: pages[page - 1] ?? [], more: page < pages.length } };
      },
    },
    storeSync: {
      backfill: async () => ({ ...row }),
      setBackfillTotal: async (_s: string, _id: number, total: number) => void (row.total = total),
      recordBackfillPage: async (_s: string, _id: number, page: number, c: { seen: number; posted: number; skipped: number; failed: number }) => {
        if (row.nextPage !== page) return;
        Object.assign(row, { nextPage: page + 1, seen: row.seen + c.seen, posted: row.posted + c.posted, skipped: row.skipped + c.skipped, failed: row.failed + c.failed });
      },
      finishBackfill: async (_s: string, _id: number, status: string, error: string | null = null) => void Object.assign(row, { status, error }),
    },
  };
  return { row, listedPages, records, books, store };
}

const orders = (from: number, n: number, statusOf: (id: number) => number = () => 11) =>
  Array.from({ length: n }, (_, i) => fixtureOrder({ id: from + i, status_id: statusOf(from + i) }));
const event = [{ name: 'store/backfill', data: { storeHash: STORE, backfillId: 1 } }] as [{ name: string; data: Record<string, unknown> }];
const withWriteBack = [{ name: 'store/backfill', data: { storeHash: STORE, backfillId: 1, writeBack: true } }] as typeof event;
const stepIds = (ctx: { step: { run: { mock: { calls: unknown[][] } } } }) => ctx.step.run.mock.calls.map((c) => c[0]);

describe('store/backfill', () => {
  beforeEach(() => vi.clearAllMocks());

  it('counts, runs one step per page, and finishes; each eligible order posted once, the rest skipped', async () => {
    const { row, books } = backfillWorld([orders(1, 4), orders(5, 4, (id) => (id % 2 ? 11 : 5)), orders(9, 2)]);
    const { result, ctx } = await new InngestTestEngine({ function: storeBackfillFunction, events: event }).execute();
    expect(result).toEqual({ status: 'completed' });
    expect(stepIds(ctx)).toEqual(['count-orders', 'page-1', 'page-2', 'page-3', 'finish']);
    expect(row).toMatchObject({ status: 'completed', total: 10, nextPage: 4, seen: 10, posted: 8, skipped: 2, failed: 0 });
    expect(books.posted.map((p) => p.number).sort()).toEqual(['BC-1', 'BC-10', 'BC-2', 'BC-3', 'BC-4', 'BC-5', 'BC-7', 'BC-9']);
  });

  it('resumes at the page on the row (a restarted backfill does not list pages it finished)', async () => {
    const { row, listedPages } = backfillWorld([orders(1, 2), orders(3, 2), orders(5, 2)], { nextPage: 3 });
    const { ctx } = await new InngestTestEngine({ function: storeBackfillFunction, events: event }).execute();
    expect(stepIds(ctx)).toEqual(['count-orders', 'page-3', 'finish']);
    expect(listedPages).toEqual([3]);
    expect(row.status).toBe('completed');
  });

  it('a page that runs again after a crash (its cursor not yet moved) posts nothing twice', async () => {
    const first = backfillWorld([orders(1, 3)]);
    await new InngestTestEngine({ function: storeBackfillFunction, events: event }).execute();
    expect(first.books.posted).toHaveLength(3);
    // The same books and records, and a row whose cursor still points at page 1 (the crash came before it moved).
    const again = backfillWorld([orders(1, 3)], { shared: { records: first.records, books: first.books } });
    const { result } = await new InngestTestEngine({ function: storeBackfillFunction, events: event }).execute();
    expect(result).toEqual({ status: 'completed' });
    expect(first.books.posted).toHaveLength(3);
    expect(again.row).toMatchObject({ seen: 3, posted: 0, skipped: 3 });
  });

  it('a page run again after a crash between post and write-back writes the missing status, and only that', async () => {
    const first = backfillWorld([orders(1, 2)]);
    await new InngestTestEngine({ function: storeBackfillFunction, events: event }).execute(); // posted, no status written
    expect(first.store.calls.filter((c) => c.startsWith('PUT'))).toEqual([]);
    const again = backfillWorld([[fixtureOrder({ id: 1, status_id: 11 }), fixtureOrder({ id: 2, status_id: 2 })]], { shared: { records: first.records, books: first.books } });
    await new InngestTestEngine({ function: storeBackfillFunction, events: withWriteBack }).execute();
    // Order 1 is still in its import status: its status is written. Order 2 was shipped since: left alone.
    expect(again.store.calls.filter((c) => c.startsWith('PUT'))).toEqual(['PUT /v2/orders/1 status 9']);
    expect(first.records.rows.get(1)?.writtenStatusId).toBe(9);
    expect(first.books.posted).toHaveLength(2);
  });

  it('a rate limit while listing becomes RetryAfterError on that page step', async () => {
    const { row } = backfillWorld([orders(1, 2)], { listFailure: { kind: 'RateLimited', message: '429', resetMs: 9_000 } });
    const { error, ctx } = await new InngestTestEngine({ function: storeBackfillFunction, events: event }).execute();
    expect(error).toMatchObject({ name: 'RetryAfterError' });
    expect(stepIds(ctx)).toEqual(['count-orders', 'page-1']);
    expect(row).toMatchObject({ status: 'running', nextPage: 1, seen: 0 });
  });

  it('stops when the backfill was cancelled', async () => {
    const { row } = backfillWorld([orders(1, 2), orders(3, 2)]);
    row.status = 'cancelled';
    const { result } = await new InngestTestEngine({ function: storeBackfillFunction, events: event }).execute();
    expect(result).toEqual({ status: 'not running' });
  });
});
