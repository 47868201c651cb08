import { describe, expect, it } from 'vitest';
import { ok } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { AccountingProvider, BooksStatus } from '../provider';
import { parseSettings, type SyncSettingsInput } from '../settings';
import { applyBooksStatus, finalBooksStatusIds, fromBooksOn, statusFromBooks } from './books-status';
import type { PipelineDeps, RecordPort, StorePort, SyncRecord } from './ports';

/** A store whose order 42 is posted as document INV-1, and books that say `books` about it. */
function world(input: { settings: SyncSettingsInput; books: BooksStatus | null; orderStatus?: number; writtenStatusId?: number | null; remoteId?: string | null }) {
  const parsed = parseSettings(input.settings);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  let status = input.orderStatus ?? 7;
  let written = input.writtenStatusId ?? null;
  const writes: number[] = [];
  const reads: string[] = [];
  const store = {
    getOrder: async () => ok({ id: 42, status_id: status } as BcOrder),
    setOrderStatus: async (_id: number, to: number) => {
      writes.push(to);
      status = to;
      return ok({});
    },
  } satisfies StorePort;
  const record = () => ({ remoteId: input.remoteId === undefined ? 'INV-1' : input.remoteId, remoteNumber: 'BC-42', writtenStatusId: written }) as unknown as SyncRecord;
  const records = new Proxy({} as RecordPort, {
    get: (_, name) => {
      if (name === 'get') return async () => record();
      if (name === 'recordStatusWritten') return async (_key: unknown, to: number) => void (written = to);
      if (name === 'addEvent') return async () => undefined;
      throw new Error(`unexpected ${String(name)}`);
    },
  });
  const provider = {
    documentStatus: async (ref: { remoteId: string }) => {
      reads.push(ref.remoteId);
      return ok(input.books);
    },
  } as unknown as AccountingProvider;
  const deps: PipelineDeps = { storeHash: 'abc123' as StoreHash, providerId: 'xero', provider, store, records, settings: parsed.settings };
  return { deps, writes, reads };
}

describe('statuses from the books', () => {
  it('off by default: nothing is read, nothing is written', async () => {
    const w = world({ settings: {}, books: 'paid' });
    expect(fromBooksOn(w.deps.settings)).toBe(false);
    expect(await applyBooksStatus(w.deps, 42)).toMatchObject({ written: null });
    expect(w.reads).toEqual([]);
    expect(w.writes).toEqual([]);
  });

  it('a document paid in full in the books sets the mapped status, once', async () => {
    const w = world({ settings: { statuses: { fromBooks: { paid: 10 } } }, books: 'paid' });
    expect(await applyBooksStatus(w.deps, 42)).toEqual({ written: 10, reason: 'paid' });
    expect(await applyBooksStatus(w.deps, 42)).toMatchObject({ written: null, reason: 'that status was written already' });
    expect(w.writes).toEqual([10]);
  });

  it('each of partly paid, voided and credited takes its own status; an open document or an unmapped one changes nothing', async () => {
    const fromBooks = { partlyPaid: 3, voided: 5, credited: 4 };
    for (const [books, expected] of [['partlyPaid', 3], ['voided', 5], ['credited', 4], ['open', null], ['paid', null]] as const) {
      const w = world({ settings: { statuses: { fromBooks } }, books });
      expect((await applyBooksStatus(w.deps, 42)).written, books).toBe(expected);
    }
    expect(statusFromBooks({ statuses: { fromBooks: { paid: 10, partlyPaid: null, voided: null, credited: null } } }, 'open')).toBeNull();
    const mapped = parseSettings({ statuses: { fromBooks: { paid: 10, partlyPaid: 3, voided: 5 } } });
    if (!mapped.ok) throw new Error('settings');
    // Partly paid is not final: the rest may be paid later.
    expect(finalBooksStatusIds(mapped.settings)).toEqual([10, 5]);
  });

  it('an order already in that status, an order not in the books, or a document gone from them is left alone', async () => {
    const settings = { statuses: { fromBooks: { paid: 10 } } };
    const already = world({ settings, books: 'paid', orderStatus: 10 });
    expect(await applyBooksStatus(already.deps, 42)).toMatchObject({ written: null, reason: 'the order already has that status' });
    const unposted = world({ settings, books: 'paid', remoteId: null });
    expect(await applyBooksStatus(unposted.deps, 42)).toMatchObject({ written: null, reason: 'the order has no document in the books' });
    const gone = world({ settings, books: null });
    expect(await applyBooksStatus(gone.deps, 42)).toMatchObject({ written: null, reason: 'the document no longer exists in the books' });
    expect([...already.writes, ...unposted.writes, ...gone.writes]).toEqual([]);
  });
});
