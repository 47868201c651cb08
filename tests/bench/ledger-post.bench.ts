// Builds and posts 10,000 varied orders into the built-in ledger on real Postgres and prints orders/s,
// peak RSS, queries per order, and where the CPU went (this process, of which building documents, and the
// Postgres backends serving the bench). `npm run bench -- ledger-post` (DATABASE_URL, default the local test
// database; a private database is created on that server and dropped afterwards). BENCH_ORDERS and
// BENCH_WORKERS (concurrent posters, default 8) change the run.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { schema, type Db } from '@/db/client';
import { createLedgerProvider, LEDGER_LIMITS } from '@/lib/accounting/ledger';
import { postingQueueFor } from '@/lib/accounting/ledger/posting-writer';
import { openTestDatabase } from '@/tests/support/test-database';
import { orderSchema, orderTaxesSchema, type BcOrder, type BcOrderTax } from '@/lib/bigcommerce/schemas/orders';
import { buildSalesDocument, orderSkus, parseSettings, type SyncSettings } from '@/lib/sync';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const casesDir = path.resolve(import.meta.dirname, '../fixtures/orders/cases');
interface Template { order: BcOrder; settings: SyncSettings; taxes: BcOrderTax[] | null }
const templates: Template[] = readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort().flatMap((f) => {
  const fx = JSON.parse(readFileSync(path.join(casesDir, f), 'utf8'));
  if (!fx.expect.ok) return [];
  const parsed = parseSettings(fx.settings);
  if (!parsed.ok) return [];
  // Orders posted to the ledger use its chart: keep the fixture's rules but not its custom account codes.
  const settings = { ...parsed.settings, accounts: { ...parsed.settings.accounts, handling: '4100', wrapping: '4100' } };
  return [{ order: orderSchema.parse(fx.order), settings, taxes: fx.taxes ? orderTaxesSchema.parse(fx.taxes) : null }];
});

/**
 * CPU seconds used by the Postgres backends serving `database` (Linux, server on this host; null otherwise):
 * the process titles of backends name their database, so this is the bench's own server-side work.
 */
function backendCpuSeconds(database: string): number | null {
  try {
    const ticks = 100; // USER_HZ on Linux
    let total = 0;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!title.startsWith('postgres:') || !title.includes(` ${database} `)) continue;
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        total += (Number(fields[11]) + Number(fields[12])) / ticks;
      } catch { /* the process ended */ }
    }
    return total;
  } catch {
    return null;
  }
}

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

const database = await openTestDatabase({ url, prefix: 'lb_bench' });
let queries = 0;
const client = postgres(database.url ?? url, { max: WORKERS, onnotice: () => {}, debug: () => { queries += 1; } });
const db = drizzle(client, { schema }) as unknown as Db;
try {
  const storeHash = 'benchstore';
  const ledger = createLedgerProvider({ db, storeHash });
  await ledger.ensureChart();
  // Setup (not timed): the items the orders sell, as the merchant's catalogue would have them.
  const items = new Map<string, { id: string }>();
  for (const t of templates) for (const sku of orderSkus(t.order)) {
    if (!items.has(sku)) items.set(sku, { id: (await ledger.upsertItem({ sku, name: sku, unitCost: '1.0000' })).id });
  }

  const dbName = new URL(database.url ?? url).pathname.slice(1);
  queries = 0;
  let buildMs = 0;
  const pgCpuBefore = backendCpuSeconds(dbName);
  const cpuBefore = process.cpuUsage();
  let next = 0;
  let payments = 0;
  const started = performance.now();
  const worker = async () => {
    const provider = createLedgerProvider({ db, storeHash });
    while (next < ORDERS) {
      const i = next++;
      const t = templates[i % templates.length]!;
      // Vary the order: its own id, customer, and (for a third of them) a guest checkout.
      const id = 100_000 + i;
      const order: BcOrder = { ...t.order, id, customer_id: i % 3 === 0 ? 0 : 1 + (i % 2_000), billing_address: { ...t.order.billing_address, email: `c${i % 2_000}@example.com`, first_name: `C${i % 2_000}` } };
      const buildStarted = performance.now();
      const built = buildSalesDocument(order, t.settings, { storeHash, limits: LEDGER_LIMITS, items, taxes: t.taxes });
      buildMs += performance.now() - buildStarted;
      if (!built.ok) throw new Error(`order ${id}: ${JSON.stringify(built.problems)}`);
      const doc = built.document;
      const posted = await provider.postDocument(doc, `${storeHash}:${id}:document`);
      if (!posted.ok) throw new Error(`order ${id}: ${posted.error.message}`);
      if (doc.kind === 'invoice') {
        for (const [k, p] of doc.payments.entries()) {
          const paid = await provider.recordPayment({ remoteId: posted.value.remoteId, number: posted.value.number }, p, `${storeHash}:${id}:payment:${k}`);
          if (!paid.ok) throw new Error(paid.error.message);
          payments += 1;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const seconds = (performance.now() - started) / 1000;
  const postingQueries = queries;
  const cpu = process.cpuUsage(cpuBefore);
  const pgCpuAfter = backendCpuSeconds(dbName);

  const [check] = await client`select count(*)::int as entries,
    (select count(*)::int from (select entry_id from ledger_lines group by entry_id having sum(amount) <> 0) u) as unbalanced
    from ledger_entries where store_hash = ${storeHash}`;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const rate = ORDERS / seconds;
  console.log(`ledger-post: ${ORDERS} orders (+${payments} payments) built and posted in ${seconds.toFixed(2)} s with ${WORKERS} concurrent workers`);
  console.log(`  orders/s:          ${rate.toFixed(0)} (goal >= 500: ${rate >= 500 ? 'met' : 'NOT met'})`);
  const queue = postingQueueFor(db).stats;
  console.log(`  queries per order: ${(postingQueries / ORDERS).toFixed(2)} (incl. BEGIN/COMMIT and payments; `
    + `${queue.statements} posting statements for ${queue.postings} postings, ${(queue.postings / Math.max(1, queue.statements)).toFixed(1)} per statement)`);
  console.log(`  peak RSS:          ${(peakRss / 1024 / 1024).toFixed(0)} MB (maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB)`);
  console.log(`  CPU:               node ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (of which building documents ${(buildMs / 1000).toFixed(2)} s), `
    + `postgres backends ${pgCpuBefore === null || pgCpuAfter === null ? 'n/a' : `${(pgCpuAfter - pgCpuBefore).toFixed(2)} s`}; `
    + `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores`);
  console.log(`  entries in book:   ${check?.entries}, unbalanced: ${check?.unbalanced}`);
  if (check?.unbalanced !== 0 || check?.entries !== ORDERS + payments) process.exitCode = 1;
} finally {
  clearInterval(sampler);
  await client.end({ timeout: 5 });
  await database.close();
}
