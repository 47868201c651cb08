import { describe, expect, it } from 'vitest';
import type { StoreHash } from '@/lib/ids';
import type { BackfillRow } from '@/lib/repos/store-sync';
import { backfillView, cancelRunningBackfill, startBackfill, type BackfillDeps } from './backfill';

const started = new Date('2026-03-01T10:00:00Z');
const row = (patch: Partial<BackfillRow> = {}): BackfillRow => ({
  id: 7,
  storeHash: 'abc',
  fromDate: '2026-01-01',
  status: 'running',
  nextPage: 1,
  total: null,
  seen: 0,
  posted: 0,
  skipped: 0,
  failed: 0,
  error: null,
  startedAt: started,
  finishedAt: null,
  updatedAt: started,
  ...patch,
});

describe('backfill progress', () => {
  it('has no percent and no ETA until BigCommerce has said how many orders there are', () => {
    expect(backfillView(row(), new Date(started.getTime() + 5000))).toMatchObject({ percent: null, etaSeconds: null });
  });

  it('estimates the time left from the rate so far', () => {
    // 250 of 1,000 orders in 10 s: 750 left at 25 orders/s = 30 s.
    const view = backfillView(row({ total: 1000, seen: 250, posted: 200, skipped: 40, failed: 10 }), new Date(started.getTime() + 10_000));
    expect(view).toMatchObject({ percent: 25, etaSeconds: 30, posted: 200, skipped: 40, failed: 10 });
  });

  it('is at 100% when completed, even if the store had more orders than counted at the start', () => {
    expect(backfillView(row({ status: 'completed', total: 10, seen: 12, finishedAt: started })).percent).toBe(100);
    expect(backfillView(row({ status: 'running', total: 10, seen: 12 })).percent).toBe(100);
  });
});

function fakeDeps(sendOk: boolean) {
  const rows: BackfillRow[] = [];
  const finished: Array<{ id: number; status: string; error: string | null }> = [];
  const sent: number[] = [];
  const deps: BackfillDeps = {
    storeHash: 'abc' as StoreHash,
    userId: 5,
    now: () => new Date('2026-03-02T00:00:00Z'),
    storeSync: {
      async startBackfill(_store, fromDate) {
        const running = rows.find((r) => r.status === 'running');
        if (running) return { backfill: running, created: false };
        const created = row({ id: rows.length + 1, fromDate });
        rows.push(created);
        return { backfill: created, created: true };
      },
      async latestBackfill() {
        return rows.at(-1) ?? null;
      },
      async cancelBackfill(_store, id) {
        const r = rows.find((x) => x.id === id && x.status === 'running');
        if (r) r.status = 'cancelled';
        return Boolean(r);
      },
      async finishBackfill(_store, id, status, error = null) {
        finished.push({ id, status, error });
        const r = rows.find((x) => x.id === id);
        if (r) r.status = status;
      },
    },
    async sendBackfillEvent({ backfillId }) {
      sent.push(backfillId);
      return sendOk;
    },
    async sendCancelEvent() {
      return true;
    },
  };
  return { deps, rows, finished, sent };
}

describe('starting and cancelling a backfill', () => {
  it('starts one backfill and answers the running one on a second click', async () => {
    const { deps, sent } = fakeDeps(true);
    const first = await startBackfill(deps, { fromDate: '2026-01-01', writeBack: false });
    const second = await startBackfill(deps, { fromDate: '2026-02-01', writeBack: false });
    expect(first).toMatchObject({ ok: true, created: true });
    expect(second).toMatchObject({ ok: true, created: false, backfill: { fromDate: '2026-01-01' } });
    expect(sent).toEqual([1]);
  });

  it('closes the backfill as failed when the job service cannot be reached, so the page does not wait forever', async () => {
    const { deps, finished } = fakeDeps(false);
    const result = await startBackfill(deps, { fromDate: '2026-01-01', writeBack: false });
    expect(result.ok).toBe(false);
    expect(finished).toEqual([{ id: 1, status: 'failed', error: expect.stringContaining('unreachable') }]);
  });

  it('refuses a start date in the future', async () => {
    const { deps, sent } = fakeDeps(true);
    expect(await startBackfill(deps, { fromDate: '2026-04-01', writeBack: false })).toMatchObject({ ok: false });
    expect(sent).toEqual([]);
  });

  it('cancels the running backfill', async () => {
    const { deps } = fakeDeps(true);
    await startBackfill(deps, { fromDate: '2026-01-01', writeBack: false });
    expect(await cancelRunningBackfill(deps)).toMatchObject({ status: 'cancelled' });
  });
});
