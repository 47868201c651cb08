// Backfill: 10,000 historical orders from the BigCommerce sandbox into the built-in ledger at standard-plan rate
// limits (150 requests per 30 s window, real time), through the whole stack: the Inngest stand-in (timeScale 1)
// driving the app's /api/inngest (startAppServer in a child process), real Postgres (a fresh database on
// DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test). Figures: wall time from the `store/backfill` event
// to the completed backfill row, BigCommerce calls counted by the sandbox, peak memory of the app process.
// Goal: ≤ 60 s and ≤ 60 BigCommerce calls. `npm run bench backfill` (BENCH_ORDERS, default 10,000).
import os from 'node:os';
import { sql } from 'drizzle-orm';
import type { StoreHash } from '@/lib/ids';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { queryRows, sleep } from '@/tests/integration/support/sync-helpers';
import { startSyncWorld } from '@/tests/integration/support/sync-world';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 600_000);

const world = await startSyncWorld({ timeScale: 1 });
let exitCode = 0;
try {
  const { hash } = await world.installedStore({ plan: 'standard' });
  await world.inngest.waitForIdle(60_000); // the first sweep after install
  const seeded = await world.admin(`/__sandbox/stores/${hash}/seed`, { products: 60, customers: 1_000, orders: ORDERS, seed: 42 });
  if (seeded.status !== 201) throw new Error(`seeding answered ${seeded.status}`);
  const limits = await world.admin<{ quota: number; windowMs: number }>(`/__sandbox/stores/${hash}/rate-limit`, {});

  // Count every authenticated store API call on the sandbox side (the rate limiter sees each one, 429s included).
  const calls = new Map<string, number>();
  let throttled = 0;
  const limiter = world.sandbox.rateLimiter;
  const before = limiter.before.bind(limiter);
  limiter.before = (ctx) => {
    if (ctx.store.hash === hash) {
      const key = `${ctx.method} ${ctx.url.pathname.replace(/^\/stores\/[^/]+/, '').replace(/\/\d+/g, '/{id}')}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
    }
    const refused = before(ctx);
    if (refused && ctx.store.hash === hash) throttled += 1;
    return refused;
  };

  const db = world.database.db;
  const storeSync = createStoreSyncRepo({ db });
  const { backfill } = await storeSync.startBackfill(hash as StoreHash, '2000-01-01', null);
  const started = process.hrtime.bigint();
  await world.inngest.sendEvent({ name: 'store/backfill', data: { storeHash: hash, backfillId: backfill.id } });

  let peakRss = 0;
  let row = await storeSync.backfill(hash as StoreHash, backfill.id);
  const deadline = Date.now() + TIMEOUT_MS;
  let lastReport = 0;
  while (row?.status === 'running' && Date.now() < deadline) {
    await sleep(200);
    peakRss = Math.max(peakRss, world.appPeakRss() ?? 0);
    row = await storeSync.backfill(hash as StoreHash, backfill.id);
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(`  … ${elapsed.toFixed(0)} s: page ${row?.nextPage}, ${row?.seen} seen, ${row?.posted} posted`);
    }
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  peakRss = Math.max(peakRss, world.appPeakRss() ?? 0);
  if (row?.status !== 'completed') throw new Error(`backfill ended ${row?.status} (${row?.error ?? 'timeout'}) after ${wallMs.toFixed(0)} ms`);

  const [entries] = await queryRows<{ n: number; orders: number }>(
    db,
    sql`select count(*)::int as n, count(distinct order_id)::int as orders from ledger_entries where store_hash = ${hash} and kind <> 'payment'`,
  );
  const states = await queryRows<{ state: string; n: number }>(db, sql`select state, count(*)::int as n from sync_records where store_hash = ${hash} group by state order by state`);
  const problems = await queryRows<{ state: string; reason: string; n: number; sample: string }>(
    db,
    sql`select state, reason, count(*)::int as n, min(message) as sample from sync_records where store_hash = ${hash} and state in ('held', 'failed') group by state, reason order by n desc limit 5`,
  );
  const totalCalls = [...calls.values()].reduce((a, b) => a + b, 0);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

  console.log(`Backfill of ${ORDERS.toLocaleString('en')} historical orders into the built-in ledger`);
  console.log(`  machine                  ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`  rate limit               ${limits.body.quota} requests per ${limits.body.windowMs / 1000} s window (standard plan, real time)`);
  console.log(`  wall time                ${(wallMs / 1000).toFixed(1)} s (goal ≤ 60 s)   ${(ORDERS / (wallMs / 1000)).toFixed(0)} orders/s`);
  console.log(`  BigCommerce calls        ${totalCalls} (goal ≤ 60), ${throttled} answered 429`);
  for (const [route, n] of [...calls.entries()].sort((a, b) => b[1] - a[1])) console.log(`    ${String(n).padStart(6)}  ${route}`);
  console.log(`  app peak memory (RSS)    ${peakRss ? mb(peakRss) : 'n/a'}`);
  console.log(`  backfill row             seen ${row.seen}, posted ${row.posted}, skipped ${row.skipped}, failed ${row.failed}`);
  console.log(`  sync records             ${states.map((s) => `${s.state} ${s.n}`).join(', ')}`);
  for (const p of problems) console.log(`    ${p.state} ${p.reason}: ${p.n} (e.g. ${p.sample.slice(0, 160)})`);
  console.log(`  ledger document entries  ${entries?.n} for ${entries?.orders} orders`);
  const missed = [wallMs > 60_000 ? 'wall time' : null, totalCalls > 60 ? 'BigCommerce calls' : null].filter(Boolean);
  console.log(missed.length ? `  GOAL MISSED: ${missed.join(', ')}` : '  goals met');
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await world.stop();
}
process.exit(exitCode);
