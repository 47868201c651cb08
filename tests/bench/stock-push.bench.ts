// Stock push at scale: 50,000 SKU levels in the built-in ledger (real Postgres), 10% of them changed since the last
// push. Measures the push itself: wall time, BigCommerce inventory requests, peak memory. The BigCommerce side is a
// counting stand-in for the client (the sandbox's catalog holds at most 10,000 products); the catalog addressing
// is cached from an earlier push, as it is in a running store.
//   npm run bench -- stock-push     (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/test)
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDatabase } from '@/db/client';
import { createLedgerProvider } from '@/lib/accounting/ledger';
import type { AbsoluteAdjustmentItem } from '@/lib/bigcommerce/client';
import { ok } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import { createStockRepo } from '@/lib/repos/stock';
import { defaultSettings } from '@/lib/sync/settings';
import { runStockPush, type StockStorePort } from '@/lib/sync/stock-push';

const SKUS = Number(process.env.BENCH_SKUS ?? 50_000);
const CHANGED = Math.round(SKUS * 0.1);
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const dbName = `lb_bench_stock_${Date.now().toString(36)}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${dbName}"`);
const url = new URL(serverUrl);
url.pathname = `/${dbName}`;
const database = await openDatabase({ url: url.toString(), max: 4 });
const storeHash = 'stockbench' as StoreHash;
try {
  const db = database.db;
  const ledger = createLedgerProvider({ db, storeHash });
  await ledger.ensureChart();
  // 50,000 items with stock, their catalog addressing, and the levels already pushed once.
  await db.execute(sql`insert into ledger_items (store_hash, sku, name) select ${storeHash}, 'SKU-' || g, 'Item ' || g from generate_series(1, ${SKUS}) g`);
  await db.execute(sql`insert into ledger_stock (item_id, location_id, store_hash, quantity) select id, 1, store_hash, 20 from ledger_items where store_hash = ${storeHash}`);
  await db.execute(sql`insert into stock_catalog (store_hash, sku, product_id, variant_id, is_base_variant, tracking) select ${storeHash}, 'SKU-' || g, g, 100000 + g, false, 'variant' from generate_series(1, ${SKUS}) g`);
  await db.execute(sql`insert into stock_pushed (store_hash, sku, location_id, quantity) select ${storeHash}, 'SKU-' || g, 1, 20 from generate_series(1, ${SKUS}) g`);
  // 10% of the levels change in the books.
  await db.execute(sql`update ledger_stock set quantity = 7 where store_hash = ${storeHash} and item_id in (select id from ledger_items where store_hash = ${storeHash} order by id limit ${CHANGED})`);

  let requests = 0;
  let sent = 0;
  const store: StockStorePort = {
    variantsBySkus: async () => ok([]),
    catalogVariants: async () => ok([]),
    async adjustInventoryAbsolute(input: { items: readonly AbsoluteAdjustmentItem[] }) {
      requests += 1;
      sent += input.items.length;
      return [{ items: [...input.items], attempted: true, result: ok({ transactionId: `t${requests}` }) }];
    },
  };
  const settings = { ...defaultSettings().stock, enabled: true };
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = process.hrtime.bigint();
  const result = await runStockPush({ storeHash, provider: ledger, store, records: createStockRepo({ db }), settings });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `stock push: ${SKUS} SKU levels, ${CHANGED} changed → sent ${result.sent} in ${requests} BigCommerce request(s) ` +
      `(expected ceil(${CHANGED}/2000) = ${Math.ceil(CHANGED / 2000)}), ${result.unchanged} unchanged; ${(ms / 1000).toFixed(2)} s; peak RSS ${(peak / 1048576).toFixed(0)} MB`,
  );
  if (sent !== CHANGED || requests !== Math.ceil(CHANGED / 2000)) process.exitCode = 1;
} finally {
  await database.close();
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
}
