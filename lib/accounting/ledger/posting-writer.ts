/**
 * Writes journal entries to Postgres: an entry, its lines, its stock moves and (for a void) the original's
 * new status, for one or many postings, in ONE call of `ledger_post_entries` (drizzle/0008: one statement of
 * data-modifying CTEs, planned once per connection; one round trip, one implicit transaction, one run of the
 * statement-level balance trigger of drizzle/0006).
 *
 * The queue (`postingQueueFor(db)`) is a group commit: while a statement is on its way, postings from other
 * callers in this process wait and then go together in the next one. An idle ledger writes a posting at once
 * (no timer, no added latency); a busy one writes many per round trip. Every posting keeps its own outcome:
 * when a shared statement fails, each of its postings is written again on its own, so one bad posting never
 * fails (or delays for good) the others.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { formatUnits } from '@/lib/money';
import type { JournalLine } from './journal';

/** BigCommerce's default location: sales move stock there (ledger_post_entries uses it too). */
export const DEFAULT_LOCATION = 1;

export interface PostingEntry {
  kind: string;
  status: 'posted' | 'unposted' | 'voided';
  orderId: number | null;
  number: string;
  /** YYYY-MM-DD */
  date: string;
  currency: string;
  exchangeRate: string;
  description: string;
  customerId: number | null;
  reversesEntryId: number | null;
  document: unknown;
}

export interface Posting {
  storeHash: string;
  /** The caller's idempotency key: unique per store. */
  key: string;
  /**
   * For a payment: its order, currency, rate and customer come from this entry, which must be in the same
   * store, carry `number`, and have a currency scale of at least `places` (the decimals of the lines). When it
   * does not, nothing is written and the result says `fromMismatch` (the caller looks the entry up).
   */
  from?: { entryId: number; number: string; places: number };
  /** For `from` postings, orderId/currency/exchangeRate/customerId are ignored. */
  entry: PostingEntry;
  lines: readonly JournalLine[];
  /** Decimal places of the lines' minor units. */
  scale: number;
  /** Item id → quantity delta at the default location (items that track stock only). */
  stock?: ReadonlyMap<number, number>;
  markOriginal?: { id: number; status: 'voided' | 'unposted' };
}

export type PostingResult =
  | { kind: 'posted'; id: number; number: string; created: boolean }
  | { kind: 'from_mismatch' };

interface InputRow {
  i: number;
  store_hash: string;
  posting_key: string;
  kind: string;
  status: string;
  order_id: number | null;
  number: string;
  date: string;
  currency: string;
  exchange_rate: string;
  description: string;
  customer_id: number | null;
  reverses_entry_id: number | null;
  document?: unknown;
  from_id?: number;
  from_number?: string;
  from_places?: number;
  mark_id?: number;
  mark_status?: string;
  lines: unknown[];
  stock: { item_id: number; delta: string }[];
}

function inputRow(p: Posting, i: number): InputRow {
  const e = p.entry;
  return {
    i,
    store_hash: p.storeHash,
    posting_key: p.key,
    kind: e.kind,
    status: e.status,
    order_id: e.orderId,
    number: e.number,
    date: e.date,
    currency: e.currency,
    exchange_rate: e.exchangeRate,
    description: e.description,
    customer_id: e.customerId,
    reverses_entry_id: e.reversesEntryId,
    document: e.document ?? undefined,
    from_id: p.from?.entryId,
    from_number: p.from?.number,
    from_places: p.from?.places,
    mark_id: p.markOriginal?.id,
    mark_status: p.markOriginal?.status,
    lines: p.lines.map((l, n) => ({
      line_no: n + 1, account_code: l.accountCode, amount: formatUnits(l.amount, p.scale), description: l.description,
      item_id: l.itemId, quantity: l.quantity, tax_code: l.taxCode, source_id: l.sourceId,
    })),
    stock: [...(p.stock ?? new Map<number, number>()).entries()].map(([item_id, delta]) => ({ item_id, delta: String(delta) })),
  };
}

/**
 * Writes the postings in one statement and returns one result per posting, in order. A posting whose key
 * is already used returns the entry first written under it (`created: false`), also when another
 * transaction wrote it a moment ago. Postings in one call must have distinct (store, key) pairs. Throws
 * what Postgres throws (all or nothing for the call).
 */
export async function writePostings(db: Db, postings: readonly Posting[]): Promise<PostingResult[]> {
  if (postings.length === 0) return [];
  const input = JSON.stringify(postings.map(inputRow));
  const rows = rowsOf(await db.execute(sql`select i, id::text as id, number, created, from_mismatch from ledger_post_entries(${input}::jsonb)`));
  const results: PostingResult[] = [];
  for (const [i, posting] of postings.entries()) {
    const row = rows[i];
    if (!row || Number(row.i) !== i) throw new Error(`ledger_post_entries returned no row for posting ${posting.key}`);
    if (row.from_mismatch === true) results.push({ kind: 'from_mismatch' });
    else if (row.id === null || row.id === undefined) throw new Error(`posting key ${posting.key} conflicted but no entry was found`);
    else results.push({ kind: 'posted', id: Number(row.id), number: String(row.number), created: row.created === true });
  }
  return results;
}

export interface PostingQueueOptions {
  /** Statements on their way at once (each on its own connection). */
  maxInFlight: number;
  /** Upper bounds for one statement. */
  maxPostings: number;
  maxLines: number;
}

/**
 * Two statements on their way: one is written while the other commits. More did not post faster on the
 * 2-core benchmark machine and cost more CPU (tests/bench/ledger-post.bench.ts).
 */
export const DEFAULT_QUEUE_OPTIONS: PostingQueueOptions = { maxInFlight: 2, maxPostings: 64, maxLines: 4_000 };

interface Waiting {
  posting: Posting;
  resolve: (result: PostingResult) => void;
  reject: (error: unknown) => void;
}

export interface PostingQueue {
  post(posting: Posting): Promise<PostingResult>;
  /** Statements written so far and postings in them (for benchmarks and tests). */
  readonly stats: { statements: number; postings: number; fallbacks: number };
}

export function createPostingQueue(db: Db, options: PostingQueueOptions = DEFAULT_QUEUE_OPTIONS): PostingQueue {
  const waiting: Waiting[] = [];
  let inFlight = 0;
  const stats = { statements: 0, postings: 0, fallbacks: 0 };

  /** The oldest postings that fit in one statement, one per (store, key): a repeat waits for the next one. */
  function take(): Waiting[] {
    const batch: Waiting[] = [];
    const keys = new Set<string>();
    let lines = 0;
    for (let i = 0; i < waiting.length && batch.length < options.maxPostings; ) {
      const w = waiting[i]!;
      const id = `${w.posting.storeHash}\u0000${w.posting.key}`;
      if (keys.has(id) || (batch.length > 0 && lines + w.posting.lines.length > options.maxLines)) {
        i += 1;
        continue;
      }
      keys.add(id);
      lines += w.posting.lines.length;
      batch.push(w);
      waiting.splice(i, 1);
    }
    return batch;
  }

  async function write(batch: Waiting[]): Promise<void> {
    stats.statements += 1;
    stats.postings += batch.length;
    try {
      const results = await writePostings(db, batch.map((w) => w.posting));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // Something in the shared statement failed (a bad posting, a deadlock): each posting on its own.
      stats.fallbacks += 1;
      for (const w of batch) {
        stats.statements += 1;
        try {
          w.resolve((await writePostings(db, [w.posting]))[0]!);
        } catch (single) {
          w.reject(single);
        }
      }
    }
  }

  function pump(): void {
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      const batch = take();
      inFlight += 1;
      void write(batch).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  return {
    stats,
    post(posting) {
      return new Promise<PostingResult>((resolve, reject) => {
        waiting.push({ posting, resolve, reject });
        pump();
      });
    },
  };
}

const queues = new WeakMap<Db, PostingQueue>();

/** The process-wide queue for one database handle (all stores and provider instances share it). */
export function postingQueueFor(db: Db): PostingQueue {
  let queue = queues.get(db);
  if (!queue) {
    queue = createPostingQueue(db);
    queues.set(db, queue);
  }
  return queue;
}

export function rowsOf(result: unknown): Record<string, unknown>[] {
  const r = result as { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}
