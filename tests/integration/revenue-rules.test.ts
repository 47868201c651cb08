// Revenue accounts by category, brand or channel (setting `accounts.revenueRules`, issue 16) in the built-in ledger
// (real Postgres with DATABASE_URL, PGlite otherwise): an order of five products, two of them in the apparel category,
// is booked with their revenue on 4010 Apparel Sales and the rest on 4000 Sales; the entry still balances and its
// income and tax are the order's to the cent. The same order through another channel goes wholly to that channel's account.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerAccounts } from '@/db/schema';
import { createLedgerProvider, LEDGER_LIMITS } from '@/lib/accounting/ledger';
import { orderSchema, type BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { parseUnits, sum } from '@/lib/money';
import { buildSalesDocument } from '@/lib/sync/build-sales-document';
import { parseSettings } from '@/lib/sync/settings';
import { openTestDatabase, uniqueStoreHash, type TestDatabase } from '@/tests/support/test-database';

const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/orders/cases/03-many-lines.json'), 'utf8')) as { order: unknown };
const order = orderSchema.parse(fixture.order);
/** Products 100 and 102 are apparel (category 23); 101 is of brand 7; the others are in category 18. */
const CATALOG = new Map([
  [100, { categories: [23, 18], brandId: null }],
  [101, { categories: [18], brandId: 7 }],
  [102, { categories: [23], brandId: null }],
  [103, { categories: [18], brandId: null }],
  [104, { categories: [18], brandId: null }],
]);
const parsed = parseSettings({
  accounts: {
    revenueRules: [
      { when: { channel: 2 }, account: '4020' },
      { when: { category: 23 }, account: '4010' },
    ],
  },
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const settings = parsed.settings;

function rowsOf(result: unknown): Record<string, unknown>[] {
  const r = result as { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}

describe('revenue account rules in the built-in ledger', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase({ prefix: 'lb_revenue_rules' });
  });
  afterAll(async () => {
    await database?.close();
  });

  async function post(o: BcOrder) {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    await ledger.ensureChart();
    await database.db.insert(ledgerAccounts).values([
      { storeHash, code: '4010', name: 'Apparel Sales', type: 'income' },
      { storeHash, code: '4020', name: 'Marketplace Sales', type: 'income' },
    ]);
    const built = buildSalesDocument(o, settings, { storeHash: 'abc123', limits: LEDGER_LIMITS, items: new Map(), products: CATALOG });
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    const posted = await ledger.postDocument(built.document, `${storeHash}:${o.id}:document`);
    expect(posted.ok, posted.ok ? '' : posted.error.message).toBe(true);
    const lines = rowsOf(await database.db.execute(sql`
      select l.account_code, l.amount::text as amount, l.source_id from ledger_lines l join ledger_entries e on e.id = l.entry_id
      where e.store_hash = ${storeHash} and e.order_id = ${o.id} order by l.line_no`));
    return { document: built.document, lines };
  }

  it('books apparel on 4010 and the rest on 4000, each line saying which rule chose it, and the entry ties out', async () => {
    const { document, lines } = await post(order);
    const products = document.lines.filter((l) => l.kind === 'product');
    expect(products.map((l) => [l.sourceId, l.account, l.revenueRule?.label ?? null])).toEqual([
      ['product:1000', '4010', 'Rule 2 (category 23)'],
      ['product:1001', '4000', null],
      ['product:1002', '4010', 'Rule 2 (category 23)'],
      ['product:1003', '4000', null],
      ['product:1004', '4000', null],
    ]);
    const onAccount = (code: string) => sum(lines.filter((l) => l.account_code === code).map((l) => parseUnits(String(l.amount), 4)));
    const net = (ids: string[]) => sum(products.filter((l) => ids.includes(l.sourceId)).map((l) => parseUnits(l.net, 4)));
    // Income is a credit: negative in the journal.
    expect(-onAccount('4010')).toBe(net(['product:1000', 'product:1002']));
    expect(-onAccount('4000')).toBe(net(['product:1001', 'product:1003', 'product:1004']));
    expect(onAccount('4010')).not.toBe(0n);
    expect(sum(lines.map((l) => parseUnits(String(l.amount), 4)))).toBe(0n);
    expect(document.totals.total).toBe('122.24');
  });

  it('an order through channel 2 books every product on 4020 (the first rule wins over the category)', async () => {
    const { document, lines } = await post({ ...order, id: order.id + 1, channel_id: 2 });
    expect(document.lines.filter((l) => l.kind === 'product').every((l) => l.account === '4020' && l.revenueRule?.index === 1)).toBe(true);
    expect(lines.some((l) => l.account_code === '4000' || l.account_code === '4010')).toBe(false);
    expect(lines.some((l) => l.account_code === '4020')).toBe(true);
  });
});
