// The ledger's write path: group-committed postings (lib/accounting/ledger/posting-writer.ts), the posting
// function (drizzle/0008) and the per-statement balance and reference rules (drizzle/0006, 0010). Real
// Postgres with DATABASE_URL (a private database), in-memory PGlite otherwise.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '@/db/client';
import { createLedgerProvider, LEDGER_LIMITS, type LedgerProvider } from '@/lib/accounting/ledger';
import { postingQueueFor } from '@/lib/accounting/ledger/posting-writer';
import { openTestDatabase, uniqueStoreHash, type TestDatabase } from '@/tests/support/test-database';
import { orderSchema, type BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { buildSalesDocument, orderSkus, parseSettings, type SalesDocument } from '@/lib/sync';

const casesDir = path.resolve(import.meta.dirname, '../fixtures/orders/cases');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(casesDir, `${name}.json`), 'utf8')) as { order: unknown; settings: unknown };
const onPostgres = Boolean(process.env.DATABASE_URL);

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase({ prefix: 'lb_ledger_posting' });
});
afterAll(async () => {
  await database?.close();
});

/** A document for fixture `name` as order `orderId`, with the ledger's items (unit cost 1, so cost lines too). */
async function documentFor(ledger: LedgerProvider, name: string, orderId: number, customer: Partial<SalesDocument['customer']> = {}): Promise<SalesDocument> {
  const fx = fixture(name);
  const order: BcOrder = { ...orderSchema.parse(fx.order), id: orderId };
  const parsed = parseSettings(fx.settings);
  if (!parsed.ok) throw new Error('settings');
  const items = new Map<string, { id: string }>();
  for (const sku of orderSkus(order)) items.set(sku, { id: (await ledger.upsertItem({ sku, name: sku, unitCost: '1.0000' })).id });
  const built = buildSalesDocument(order, parsed.settings, { storeHash: 'test', limits: LEDGER_LIMITS, items, taxes: null });
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  return { ...built.document, customer: { ...built.document.customer, ...customer } };
}

const count = async (query: ReturnType<typeof sql>) => Number(rowsOf(await database.db.execute(query))[0]?.n);

describe('group-committed postings', () => {
  it('writes concurrent postings in shared statements, each caller getting its own entry', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    await ledger.ensureChart();
    const docs = await Promise.all(Array.from({ length: 24 }, (_, i) => documentFor(ledger, '03-many-lines', 5_000 + i)));
    const before = { ...postingQueueFor(database.db).stats };
    const posted = await Promise.all(docs.map((doc) => ledger.postDocument(doc, `${storeHash}:${doc.source.orderId}:document`)));
    const stats = postingQueueFor(database.db).stats;

    expect(posted.map((p) => p.ok && p.value.number)).toEqual(docs.map((d) => d.number));
    expect(posted.every((p) => p.ok && p.value.created)).toBe(true);
    expect(new Set(posted.map((p) => p.ok && p.value.remoteId)).size).toBe(24);
    expect(stats.postings - before.postings).toBe(24);
    expect(stats.statements - before.statements).toBeLessThan(24);
    // Each entry is its own order's, with its own lines.
    const rows = rowsOf(await database.db.execute(sql`
      select e.order_id, e.number, count(l.id)::int as lines, sum(l.amount)::text as total
      from ledger_entries e join ledger_lines l on l.entry_id = e.id where e.store_hash = ${storeHash}
      group by e.id order by e.order_id`));
    expect(rows.map((r) => Number(r.order_id))).toEqual(docs.map((d) => d.source.orderId));
    expect(rows.every((r) => Number(r.total) === 0 && Number(r.lines) > 3)).toBe(true);
  });

  it('sums the stock moves of postings written together', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    const docs = await Promise.all(Array.from({ length: 10 }, (_, i) => documentFor(ledger, '03-many-lines', 6_000 + i)));
    for (const sku of orderSkus(orderSchema.parse(fixture('03-many-lines').order))) expect((await ledger.setStock(sku, '100')).ok).toBe(true);
    await Promise.all(docs.map((doc) => ledger.postDocument(doc, `k:${doc.source.orderId}`)));
    const sold = new Map<string, number>();
    for (const line of docs[0]!.lines) if (line.kind === 'product' && line.sku) sold.set(line.sku, (sold.get(line.sku) ?? 0) + Number(line.quantity));
    const levels = await ledger.stockLevels([...sold.keys()]);
    expect(levels.ok && Object.fromEntries(levels.value.map((l) => [l.sku, Number(l.quantity)])))
      .toEqual(Object.fromEntries([...sold].map(([sku, q]) => [sku, 100 - 10 * q])));
  });

  it('one posting that the database refuses fails alone; the others in its statement are written', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    await ledger.ensureChart();
    const docs = await Promise.all(Array.from({ length: 8 }, (_, i) => documentFor(ledger, '01-single-line-taxed', 7_000 + i)));
    await ledger.postDocument(docs[0]!, 'warm-up'); // customer and chart known: the postings below queue at once
    // A stale customer link: the ledger has no customer 2147480000, so the entry's foreign key refuses it.
    docs[4] = { ...docs[4]!, customer: { ...docs[4]!.customer, remoteId: '2147480000' } };
    // The postings reach the queue at times of the machine's choosing; held at its door until all eight have
    // arrived and let in together (the bad one last), the first two go alone (two statements in flight) and the
    // bad one shares the next statement with the five others.
    const queue = postingQueueFor(database.db);
    const post = queue.post.bind(queue);
    const held: { posting: Parameters<typeof post>[0]; settle: (p: ReturnType<typeof post>) => void }[] = [];
    const gate = vi.spyOn(queue, 'post').mockImplementation((posting) => new Promise((resolve, reject) => {
      held.push({ posting, settle: (p) => p.then(resolve, reject) });
      if (held.length < docs.length) return;
      gate.mockRestore();
      held.sort((a, b) => Number(a.posting.key === 'k:7004') - Number(b.posting.key === 'k:7004'));
      for (const h of held) h.settle(post(h.posting));
    }));
    const before = queue.stats.fallbacks;
    const results = await Promise.allSettled(docs.map((doc) => ledger.postDocument(doc, `k:${doc.source.orderId}`)));
    expect(held.map((h) => h.posting.key).at(-1)).toBe('k:7004');
    expect(results.map((r) => r.status === 'fulfilled' && r.value.ok && r.value.value.created))
      .toEqual([true, true, true, true, false, true, true, true]);
    expect(results[4]?.status).toBe('rejected');
    expect(await count(sql`select count(*)::int as n from ledger_entries where store_hash = ${storeHash} and posting_key like 'k:%'`)).toBe(7);
    expect(queue.stats.fallbacks).toBe(before + 1);
  });

  it('the same key posted many times at once gives one entry, returned to every caller', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    const doc = await documentFor(ledger, '03-many-lines', 8_000);
    const results = await Promise.all(Array.from({ length: 8 }, () => ledger.postDocument(doc, 'same-key')));
    expect(new Set(results.map((r) => r.ok && r.value.remoteId)).size).toBe(1);
    expect(results.filter((r) => r.ok && r.value.created)).toHaveLength(1);
    expect(await count(sql`select count(*)::int as n from ledger_entries where store_hash = ${storeHash}`)).toBe(1);
  });

  it.runIf(onPostgres)('the same key posted at once from separate connection pools (processes) gives one entry', async () => {
    const storeHash = uniqueStoreHash();
    const pools: Database[] = await Promise.all(Array.from({ length: 6 }, () => openDatabase({ url: database.url!, migrate: false, max: 1 })));
    try {
      const doc = await documentFor(createLedgerProvider({ db: database.db, storeHash }), '03-many-lines', 9_000);
      for (let round = 0; round < 5; round += 1) {
        const key = `race:${round}`;
        const results = await Promise.all(pools.map((p) => createLedgerProvider({ db: p.db, storeHash }).postDocument(doc, key)));
        expect(new Set(results.map((r) => (r.ok ? r.value.remoteId : r.error.message))).size).toBe(1);
        expect(results.filter((r) => r.ok && r.value.created)).toHaveLength(1);
      }
      expect(await count(sql`select count(*)::int as n from ledger_entries where store_hash = ${storeHash}`)).toBe(5);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });
});

describe('payments', () => {
  it('records a payment against the document entry, once per key', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    const doc = await documentFor(ledger, '01-single-line-taxed', 10_000);
    const posted = await ledger.postDocument(doc, 'doc');
    if (!posted.ok) throw new Error(posted.error.message);
    const payment = { kind: 'gateway' as const, method: 'Credit Card', account: '1100', amount: doc.totals.total, date: '2024-03-06', reference: 'ch_1' };
    const ref = { remoteId: posted.value.remoteId, number: posted.value.number };
    const first = await ledger.recordPayment(ref, payment, 'pay');
    const again = await ledger.recordPayment(ref, payment, 'pay');
    expect(first.ok && first.value.created).toBe(true);
    expect(again.ok && !again.value.created && again.value.remoteId).toBe(first.ok && first.value.remoteId);
    const [entry] = rowsOf(await database.db.execute(sql`
      select p.number, p.currency, p.order_id, p.customer_id = d.customer_id as same_customer, p.date::text as date
      from ledger_entries p join ledger_entries d on d.id = ${Number(posted.value.remoteId)} where p.store_hash = ${storeHash} and p.posting_key = 'pay'`));
    expect(entry).toMatchObject({ number: `${doc.number}-PAY`, currency: 'USD', same_customer: true, date: '2024-03-06' });
    expect(Number(entry?.order_id)).toBe(10_000);
  });

  it('a caller with the wrong number, or an amount the currency must round, still gets the entry’s own terms', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    const doc = await documentFor(ledger, '24-zero-decimal-currency', 11_000);
    const posted = await ledger.postDocument(doc, 'doc');
    if (!posted.ok) throw new Error(posted.error.message);
    const payment = { kind: 'gateway' as const, method: 'Card', account: '1100', amount: '10.5', date: '2024-03-06', reference: null };
    const paid = await ledger.recordPayment({ remoteId: posted.value.remoteId, number: 'WRONG' }, payment, 'pay');
    expect(paid.ok && paid.value.created).toBe(true);
    const lines = rowsOf(await database.db.execute(sql`
      select e.number, l.amount::text as amount from ledger_entries e join ledger_lines l on l.entry_id = e.id
      where e.store_hash = ${storeHash} and e.posting_key = 'pay' order by l.line_no`));
    // JPY has no minor unit: 10.5 rounds half away from zero to 11, as before this path existed.
    expect(lines).toEqual([{ number: `${doc.number}-PAY`, amount: '11.0000' }, { number: `${doc.number}-PAY`, amount: '-11.0000' }]);
    const missing = await ledger.recordPayment({ remoteId: '999999999', number: 'X' }, payment, 'pay-2');
    expect(missing.ok ? missing.value : missing.error.kind).toBe('not_found');
  });
});

describe('the database’s own rules, checked per statement', () => {
  let storeHash: string;
  let otherStore: string;
  const entry = async (store: string, key: string) => {
    const rows = rowsOf(await database.db.execute(sql`insert into ledger_entries (store_hash, posting_key, kind, number, date, currency)
      values (${store}, ${key}, 'adjustment', ${key}, '2024-01-01', 'USD') returning id`));
    return Number(rows[0]?.id);
  };
  const failure = (attempt: Promise<unknown>) => attempt.then(() => 'written', (e: unknown) => {
    const err = e as { message?: string; cause?: { message?: string } };
    return `${err.message ?? ''} ${err.cause?.message ?? ''}`;
  });
  beforeAll(async () => {
    storeHash = uniqueStoreHash();
    otherStore = uniqueStoreHash();
    await createLedgerProvider({ db: database.db, storeHash }).ensureChart();
    await createLedgerProvider({ db: database.db, storeHash: otherStore }).ensureChart();
  });

  it('writes balanced entries, several in one statement', async () => {
    const a = await entry(storeHash, 'ok-a');
    const b = await entry(storeHash, 'ok-b');
    await database.db.execute(sql`insert into ledger_lines (entry_id, store_hash, line_no, account_code, amount) values
      (${a}, ${storeHash}, 1, '1000', 10), (${a}, ${storeHash}, 2, '4000', -10), (${b}, ${storeHash}, 1, '1000', 5), (${b}, ${storeHash}, 2, '4000', -5)`);
    expect(await count(sql`select count(*)::int as n from ledger_lines where entry_id in (${a}, ${b})`)).toBe(4);
  });

  it('refuses entries that balance only together, an unbalancing update, and removing one line', async () => {
    const a = await entry(storeHash, 'x-a');
    const b = await entry(storeHash, 'x-b');
    expect(await failure(database.db.execute(sql`insert into ledger_lines (entry_id, store_hash, line_no, account_code, amount) values
      (${a}, ${storeHash}, 1, '1000', 10), (${b}, ${storeHash}, 1, '4000', -10)`))).toMatch(/does not balance/);
    await database.db.execute(sql`insert into ledger_lines (entry_id, store_hash, line_no, account_code, amount) values
      (${a}, ${storeHash}, 1, '1000', 10), (${a}, ${storeHash}, 2, '4000', -10)`);
    expect(await failure(database.db.execute(sql`update ledger_lines set amount = 9 where entry_id = ${a} and line_no = 1`))).toMatch(/does not balance/);
    expect(await failure(database.db.execute(sql`delete from ledger_lines where entry_id = ${a} and line_no = 2`))).toMatch(/does not balance/);
    // Moving the credit to another account keeps the entry balanced.
    await database.db.execute(sql`update ledger_lines set account_code = '4100' where entry_id = ${a} and line_no = 2`);
  });

  it('refuses a line whose entry is missing or in another store, or whose account is not in the chart', async () => {
    const a = await entry(storeHash, 'ref-a');
    expect(await failure(database.db.execute(sql`insert into ledger_lines (entry_id, store_hash, line_no, account_code, amount) values
      (${a}, ${otherStore}, 1, '1000', 10), (${a}, ${otherStore}, 2, '4000', -10)`))).toMatch(/not in its store/);
    expect(await failure(database.db.execute(sql`insert into ledger_lines (entry_id, store_hash, line_no, account_code, amount) values
      (987654321, ${storeHash}, 1, '1000', 10), (987654321, ${storeHash}, 2, '4000', -10)`))).toMatch(/not in its store/);
    expect(await failure(database.db.execute(sql`insert into ledger_lines (entry_id, store_hash, line_no, account_code, amount) values
      (${a}, ${storeHash}, 1, '1000', 10), (${a}, ${storeHash}, 2, '4999', -10)`))).toMatch(/not in its store's chart/);
  });

  it('an account with lines cannot be deleted or re-coded; an unused one can; deleting an entry deletes its lines', async () => {
    const a = await entry(storeHash, 'del-a');
    await database.db.execute(sql`insert into ledger_lines (entry_id, store_hash, line_no, account_code, amount) values
      (${a}, ${storeHash}, 1, '1010', 3), (${a}, ${storeHash}, 2, '4200', -3)`);
    expect(await failure(database.db.execute(sql`delete from ledger_accounts where store_hash = ${storeHash} and code = '1010'`))).toMatch(/cannot be deleted/);
    expect(await failure(database.db.execute(sql`update ledger_accounts set code = '1011' where store_hash = ${storeHash} and code = '4200'`))).toMatch(/cannot be deleted or re-coded/);
    await database.db.execute(sql`update ledger_accounts set name = 'Card Clearing (Stripe)' where store_hash = ${storeHash} and code = '1010'`);
    await database.db.execute(sql`delete from ledger_accounts where store_hash = ${otherStore} and code = '1010'`);
    await database.db.execute(sql`delete from ledger_entries where id = ${a}`);
    expect(await count(sql`select count(*)::int as n from ledger_lines where entry_id = ${a}`)).toBe(0);
  });
});

function rowsOf(result: unknown): Record<string, unknown>[] {
  const r = result as { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}
