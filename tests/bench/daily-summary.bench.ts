// Daily summary mode (issue 18): one day of 10,000 orders (the accounting core's fixture orders, varied) and 500
// refunds, kept as the pipeline keeps them, then summarised and posted to the built-in ledger on real Postgres.
// Prints the time, the provider calls (summaries posted: the goal is a handful a day, not thousands), the database
// queries and peak memory, and checks that the summaries' money and tax equal the orders' to the cent (exit 1 when
// not). `npm run bench -- daily-summary` (DATABASE_URL, default the local test database; a private database is
// created and dropped). BENCH_ORDERS changes the day's size.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { schema, type Db } from '@/db/client';
import { syncPostings, syncRecords } from '@/db/schema';
import { createLedgerProvider, LEDGER_LIMITS } from '@/lib/accounting/ledger';
import { orderSchema, orderTaxesSchema, type BcOrder, type BcOrderTax } from '@/lib/bigcommerce/schemas/orders';
import { formatUnits, parseUnits, sum } from '@/lib/money';
import { createSummaryRepo } from '@/lib/repos/summaries';
import { buildSalesDocument, orderSkus, parseSettings, type SalesDocument, type SyncSettings } from '@/lib/sync';
import { postDaySummaries } from '@/lib/sync/summary/post-summaries';
import { openTestDatabase } from '@/tests/support/test-database';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const REFUNDS = Math.floor(ORDERS / 20);
const DAY = '2026-11-02';
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const casesDir = path.resolve(import.meta.dirname, '../fixtures/orders/cases');
interface Template { order: BcOrder; settings: SyncSettings; taxes: BcOrderTax[] | null }
const templates: Template[] = readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort().flatMap((f) => {
  const fx = JSON.parse(readFileSync(path.join(casesDir, f), 'utf8'));
  if (!fx.expect.ok) return [];
  const parsed = parseSettings(fx.settings);
  if (!parsed.ok) return [];
  const settings = { ...parsed.settings, accounts: { ...parsed.settings.accounts, handling: '4100', wrapping: '4100' } };
  return [{ order: orderSchema.parse(fx.order), settings, taxes: fx.taxes ? orderTaxesSchema.parse(fx.taxes) : null }];
});

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
const database = await openTestDatabase({ url, prefix: 'lb_bench_summary' });
let queries = 0;
const client = postgres(database.url ?? url, { max: 4, onnotice: () => {}, debug: () => { queries += 1; } });
const db = drizzle(client, { schema }) as unknown as Db;
try {
  const storeHash = 'benchsummary';
  const ledger = createLedgerProvider({ db, storeHash });
  await ledger.ensureChart();
  // Setup (not timed): items, and the day's orders and refunds kept as the pipeline's `summarise` plan keeps them.
  const items = new Map<string, { id: string }>();
  for (const t of templates) for (const sku of orderSkus(t.order)) {
    if (!items.has(sku)) items.set(sku, { id: (await ledger.upsertItem({ sku, name: sku, unitCost: '1.0000' })).id });
  }
  const docs: SalesDocument[] = [];
  for (let i = 0; i < ORDERS; i += 1) {
    const t = templates[i % templates.length]!;
    const id = 200_000 + i;
    const built = buildSalesDocument({ ...t.order, id }, t.settings, { storeHash, limits: LEDGER_LIMITS, items, taxes: t.taxes });
    if (!built.ok) throw new Error(`order ${id}: ${JSON.stringify(built.problems)}`);
    docs.push({ ...built.document, date: DAY });
  }
  for (let i = 0; i < docs.length; i += 1_000) {
    await db.insert(syncRecords).values(docs.slice(i, i + 1_000).map((d) => ({
      storeHash, orderId: d.source.orderId, provider: 'ledger', state: 'summarised', reason: 'in_daily_summary', document: d as unknown as Record<string, unknown>,
    })));
  }
  // A refund of each twentieth order, the same day: its first line credited in full, the money back to its method.
  const refunded = docs.filter((_, i) => i % 20 === 0).slice(0, REFUNDS);
  await db.insert(syncPostings).values(refunded.map((d, i) => {
    const line = d.lines[0]!;
    const payment = d.payments[0];
    return {
      storeHash, orderId: d.source.orderId, provider: 'ledger', key: `${storeHash}:${d.source.orderId}:refund:${i}`, kind: 'credit', refundId: 900_000 + i,
      state: 'summarised', amount: line.gross, tax: line.tax,
      detail: {
        date: DAY,
        credit: { lines: [line], total: line.gross, tax: line.tax },
        payouts: payment ? [{ paymentId: i, providerId: 'bench', method: payment.method, kind: payment.kind, account: payment.account, amount: line.gross, offline: false }] : [],
      },
    };
  }));

  let providerCalls = 0;
  const counted = { displayName: ledger.displayName, postSummary: (input: Parameters<NonNullable<typeof ledger.postSummary>>[0]) => { providerCalls += 1; return ledger.postSummary!(input); } };
  const deps = { storeHash, providerId: 'ledger', provider: counted, summaries: createSummaryRepo({ db }), closeHours: 24, timeZone: 'UTC', now: () => new Date() };
  queries = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcomes = await postDaySummaries(deps, DAY, { force: true });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const firstQueries = queries;
  // Again: nothing changed, nothing posted.
  const again = await postDaySummaries(deps, DAY, { force: true });

  // The day's money and tax in the books equal the orders' (per currency).
  const currencies = [...new Set(docs.map((d) => d.currency.code))];
  let mismatches = 0;
  for (const currency of currencies) {
    const scale = docs.find((d) => d.currency.code === currency)!.currency.scale;
    const ofCurrency = docs.filter((d) => d.currency.code === currency);
    const [booked] = await client`select coalesce(sum(l.amount) filter (where l.account_code = '1200' and l.description like '% sales'), 0)::text as sales,
      coalesce(sum(-l.amount) filter (where l.account_code = '2200' and l.amount < 0), 0)::text as tax
      from ledger_entries e join ledger_lines l on l.entry_id = e.id
      where e.store_hash = ${storeHash} and e.kind = 'summary' and e.currency = ${currency} and e.status = 'posted'`;
    const sales = sum(ofCurrency.map((d) => parseUnits(d.totals.total, scale)));
    const tax = sum(ofCurrency.map((d) => parseUnits(d.totals.tax, scale)));
    if (parseUnits(booked!.sales as string, scale) !== sales || parseUnits(booked!.tax as string, scale) !== tax) {
      mismatches += 1;
      console.log(`  MISMATCH ${currency}: books sales ${booked!.sales} tax ${booked!.tax}, orders ${formatUnits(sales, scale)} ${formatUnits(tax, scale)}`);
    }
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const posted = outcomes.filter((o) => o.result === 'posted').length;
  console.log(`daily-summary: one day of ${ORDERS} orders and ${REFUNDS} refunds summarised and posted to the built-in ledger in ${seconds.toFixed(2)} s`);
  console.log(`  summaries:         ${posted} posted (${currencies.length} currencies × payment methods), ${outcomes.length - posted} other; a second run: ${again.map((o) => o.result).filter((r) => r === 'unchanged').length} unchanged`);
  console.log(`  provider calls:    ${providerCalls} (one per summary; per-order posting would make ${ORDERS} documents and their payments)`);
  console.log(`  database queries:  ${firstQueries} for the day`);
  console.log(`  peak RSS:          ${(peakRss / 1024 / 1024).toFixed(0)} MB; node CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores`);
  console.log(`  tie-out:           ${mismatches === 0 ? 'every currency’s sales and tax equal the orders’ to the cent' : `${mismatches} currencies DO NOT tie out`}`);
  if (mismatches > 0 || posted === 0 || again.some((o) => o.result !== 'unchanged') || providerCalls !== posted) process.exitCode = 1;
} finally {
  clearInterval(sampler);
  await client.end({ timeout: 5 });
  await database.close();
}
