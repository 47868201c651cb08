// Fleet: many stores at once, under faults, with a crash. BENCH_STORES (200) sandbox stores install the app through
// its real OAuth install callback (the sandbox's install drives /api/bigcommerce/auth); orders are then created
// across them round-robin at a steady BENCH_RATE (50) a second for BENCH_SECONDS (60) as shoppers' checkouts (the
// sandbox's checkout route: the order and webhook of `POST /v2/orders`, no API quota spent), while ten stores run a
// backfill of BENCH_BACKFILL_ORDERS (250) seeded historical orders each, and the sandbox answers the app's calls
// with injected 500s (BENCH_FAULT_500, 0.02) and 429s (BENCH_FAULT_429, 0.01; an injected 429 is the store's shared
// quota spent by other clients: every call to that store is refused until the window resets, up to 30 s). The whole
// stack as in the other latency benches (tests/integration/support/sync-world.ts): sandbox webhooks → the app's
// receiver (the production listener, `edge: 'server'`, over the route table) → the Inngest stand-in (timeScale 1)
// → the app's /api/inngest (a child process) → the built-in ledger on real Postgres (a fresh database on
// DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test). Every store writes the imported status back
// (statusAfterImport 9) and sweeps every BENCH_SWEEP_MINUTES (5, the minimum; the default is 15) so that what the
// crash loses is found again within the run.
//
// Phase 1 runs that load. Phase 2 runs it again (ten other stores backfill) and SIGKILLs the app halfway through,
// starts it again and carries on. After each phase the run drains (every order created has its document, every
// backfill is done, the stand-in is idle) and the books are read back from the database: per order, the sales
// documents in the ledger (one = exactly once; none = missing; more = duplicated). Figures per phase: orders/s
// posted exactly once, placement (the create call answered) → books (the document's recorded time) p50/p95, where
// that time goes (webhook accepted, order-changed run started, document recorded), CPU seconds per process, and the
// app process's peak RSS (/proc/<pid>/status). Exits 1 if any order is missing or duplicated after draining.
// Goal (issue 15): 50 orders/s sustained with p95 ≤ 3 s.
//   npm run bench -- fleet        (BENCH_STORES, BENCH_RATE, BENCH_SECONDS, BENCH_BACKFILL_ORDERS, BENCH_FAULT_500,
//                                  BENCH_FAULT_429, BENCH_SWEEP_MINUTES, BENCH_DRAIN_SECONDS, BENCH_PHASES=1 for phase 1 only,
//                                  BENCH_APP_WORKERS: server processes, as WEB_CONCURRENCY; default one per core;
//                                  BENCH_QUEUE_WORKERS: the stand-in's simultaneous calls, default 100; DATABASE_POOL_SIZE)
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { childPids } from '@/tests/integration/support/sync-app-child';
import { checkoutOrder, percentile, queryRows, sleep, storeCall, type StoreApi } from '@/tests/integration/support/sync-helpers';
import { startSyncWorld } from '@/tests/integration/support/sync-world';

const STORES = Number(process.env.BENCH_STORES ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const BACKFILL_STORES = Math.min(10, Math.floor(STORES / 2));
const BACKFILL_ORDERS = Number(process.env.BENCH_BACKFILL_ORDERS ?? 250);
const FAULT_500 = Number(process.env.BENCH_FAULT_500 ?? 0.02);
const FAULT_429 = Number(process.env.BENCH_FAULT_429 ?? 0.01);
const SWEEP_MINUTES = Number(process.env.BENCH_SWEEP_MINUTES ?? 5);
const DRAIN_MS = Number(process.env.BENCH_DRAIN_SECONDS ?? 900) * 1000;
/** 1: the steady load only, without the crash phase (for profiling and finding the sustainable rate). */
const PHASES = Number(process.env.BENCH_PHASES ?? 2) === 1 ? 1 : 2;
/** App processes (WEB_CONCURRENCY of `npm start`, lib/server/cluster.ts): one per core by default. */
const APP_WORKERS = Number(process.env.BENCH_APP_WORKERS ?? os.cpus().length);
process.env.SYNC_APP_WORKERS = String(APP_WORKERS);
const IMPORTED = 9;
const GOAL = { rate: 50, p95Ms: 3000 };

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const ms = (v: number) => `${Number.isFinite(v) ? v.toFixed(0) : '–'} ms`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** CPU time (user + system) of a process so far, in seconds; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}
/**
 * CPU time of the app: its process, the workers it reaped (cutime, cstime) and those still running (BENCH_APP_WORKERS).
 */
function appCpuSeconds(pid: number): number {
  let reaped = 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    reaped = (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime
  } catch {
    // gone
  }
  return cpuSeconds(pid) + reaped + childPids(pid).reduce((a, child) => a + cpuSeconds(child), 0);
}
function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
/** Busy and total CPU time of the whole machine, in seconds (/proc/stat). */
function machineCpu(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const n = values.slice(0, 8).map(Number);
  const total = n.reduce((a, b) => a + b, 0) / 100;
  const idle = (n[3]! + n[4]!) / 100;
  return { busy: total - idle, total };
}
/** A memory figure of the app: summed over its process and its workers (for VmHWM, an upper bound of their peak). */
function procStatus(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (!pid) return 0;
  return [pid, ...childPids(pid)].reduce((a, one) => a + oneStatus(one, field), 0);
}
function oneStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Calls the executor makes to the app at once: Inngest's dev server's `--queue-workers` default is 100. */
const QUEUE_WORKERS = Number(process.env.BENCH_QUEUE_WORKERS ?? 100);
const world = await startSyncWorld({ timeScale: 1, edge: 'server', queueWorkers: QUEUE_WORKERS });
const db = world.database.db;
const storeSync = createStoreSyncRepo({ db });
const settingsRepo = createSettingsRepo({ db });
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
let exitCode = 0;

interface Placed {
  store: StoreApi;
  orderId: number;
  /** When the create call was answered (the order exists from then on at the latest), epoch ms. */
  at: number;
  phase: 1 | 2;
}

async function pool<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

/** Every order of a store with its status, and the ids of orders with a refund (the backfill's ground truth). */
async function storeOrders(store: StoreApi): Promise<{ orders: Array<{ id: number; status_id: number }>; refunded: Set<number> }> {
  const orders: Array<{ id: number; status_id: number }> = [];
  for (let page = 1; ; page++) {
    const listed = await storeCall<Array<{ id: number; status_id: number }> | null>(store, 'GET', `/v2/orders?limit=250&page=${page}&sort=id:asc`);
    if (listed.status === 204 || !listed.body || listed.body.length === 0) break;
    if (listed.status !== 200) throw new Error(`listing orders answered ${listed.status}`);
    orders.push(...listed.body.map((o) => ({ id: o.id, status_id: o.status_id })));
    if (listed.body.length < 250) break;
  }
  const refunded = new Set<number>();
  for (let page = 1; ; page++) {
    const listed = await storeCall<{ data: Array<{ order_id: number }>; meta: { pagination: { total_pages: number } } }>(store, 'GET', `/v3/orders/payment_actions/refunds?limit=250&page=${page}`);
    for (const r of listed.body.data) refunded.add(r.order_id);
    if (page >= listed.body.meta.pagination.total_pages) break;
  }
  return { orders, refunded };
}

/**
 * Sales documents per order in the ledger (the database is this run's own), with the first one's recorded time:
 * invoices, sales receipts and sales orders, not payments, credits or voids.
 */
async function documents(): Promise<Map<string, { n: number; firstAt: number }>> {
  const rows = await queryRows<{ store_hash: string; order_id: string | number; n: number; first_at: Date | string }>(
    db,
    sql`select store_hash, order_id, count(*)::int as n, min(created_at) as first_at from ledger_entries
        where kind in ('invoice', 'sales_receipt', 'sales_order') and order_id is not null group by store_hash, order_id`,
  );
  return new Map(rows.map((r) => [`${r.store_hash}:${Number(r.order_id)}`, { n: Number(r.n), firstAt: new Date(r.first_at).getTime() }]));
}

try {
  // --- Install the fleet through the app's OAuth callback.
  const started = Date.now();
  const stores: StoreApi[] = [];
  await pool(Array.from({ length: STORES }, (_, i) => i), 8, async () => {
    const { hash, accessToken } = await world.installedStore({ plan: 'standard' });
    stores.push({ baseUrl: world.sandbox.url, hash, token: accessToken });
  });
  log(`${stores.length} stores installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await pool(stores, 8, async (store) => {
    const saved = await settingsRepo.save(
      store.hash as StoreHash,
      { orders: { statusAfterImport: IMPORTED, sweepIntervalMinutes: SWEEP_MINUTES } },
      { expectedVersion: 0 },
    );
    if (!saved.ok) throw new Error(`settings of ${store.hash}: ${JSON.stringify(saved)}`);
  });
  const backfillStores = { 1: stores.slice(0, BACKFILL_STORES), 2: stores.slice(BACKFILL_STORES, 2 * BACKFILL_STORES) };
  for (const [i, store] of [...backfillStores[1], ...backfillStores[2]].entries()) {
    const seeded = await world.admin(`/__sandbox/stores/${store.hash}/seed`, { products: 30, customers: 200, orders: BACKFILL_ORDERS, seed: 100 + i });
    if (seeded.status !== 201) throw new Error(`seeding answered ${seeded.status}`);
  }
  // The backfills' ground truth, read as seeded: which historical orders are eligible. Read after the run, an order the
  // app posted and then wrote its imported status on (a sweep's run after the crash finds it in the import status)
  // would look like an ineligible one with a document.
  const seededTruth = new Map<string, Awaited<ReturnType<typeof storeOrders>>>();
  for (const store of [...backfillStores[1], ...backfillStores[2]]) seededTruth.set(store.hash, await storeOrders(store));
  await world.inngest.waitForIdle(300_000); // the first sweep of every store after its install
  const rule = { error500: FAULT_500, error429: FAULT_429 };
  // The app's calls (reads and status writes) meet the faults; the benchmark's own order creation does not, so the
  // offered rate stays steady.
  for (const store of stores) {
    const set = await world.admin(`/__sandbox/stores/${store.hash}/faults`, { rules: [{ route: 'GET *', ...rule }, { route: 'PUT *', ...rule }] });
    if (set.status !== 200) throw new Error(`faults answered ${set.status}`);
  }
  // Warm-up: one order per store's first calls in the app process (module loading, first queries); not counted.
  const warm = await Promise.all(stores.slice(0, 4).map((s) => checkoutOrder(s, { lines: [{ sku: 'WARM-1', quantity: 1, price: '1.00' }] })));
  const warmKeys = new Set(warm.map((id, i) => `${stores[i]!.hash}:${id}`));
  const warmDeadline = Date.now() + 60_000;
  while (Date.now() < warmDeadline) {
    const docs = await documents();
    if (warm.every((id, i) => docs.has(`${stores[i]!.hash}:${id}`))) break;
    await sleep(250);
  }
  await world.inngest.waitForIdle(60_000);
  log(`ready: ${STORES} stores, ${2 * BACKFILL_STORES} of them seeded with ${BACKFILL_ORDERS} historical orders, faults on (${FAULT_500} × 500, ${FAULT_429} × 429 of the app's calls)`);

  const placed: Placed[] = [];
  const backfillIds = new Map<string, number>();

  async function runPhase(phase: 1 | 2) {
    const rss = { sampledMax: 0, hwmOfKilled: 0 };
    const appPid = () => world.app.process.pid;
    const samples = setInterval(() => {
      rss.sampledMax = Math.max(rss.sampledMax, procStatus(appPid(), 'VmRSS'));
    }, 250);
    const cpuBefore = {
      app: appCpuSeconds(appPid()!),
      bench: process.cpuUsage(),
      pg: new Map(postgresPids().map((pid) => [pid, cpuSeconds(pid)])),
      machine: machineCpu(),
    };
    let appCpuKilled: number | null = null;
    loopDelay.reset();
    loopDelay.enable();
    const gatewayBefore = { ...world.sandbox.rateLimiter.counts };
    const phaseStart = Date.now();

    for (const store of backfillStores[phase]) {
      const { backfill } = await storeSync.startBackfill(store.hash as StoreHash, '2000-01-01', null);
      backfillIds.set(store.hash, backfill.id);
      await world.inngest.sendEvent({ name: 'store/backfill', data: { storeHash: store.hash, backfillId: backfill.id } });
    }

    const progress = setInterval(() => {
      void queryRows<{ n: number }>(
        db,
        sql`select count(distinct (store_hash, order_id))::int as n from ledger_entries where kind in ('invoice', 'sales_receipt', 'sales_order') and created_at >= ${new Date(phaseStart).toISOString()}`,
      ).then((rows) => log(`  … ${((Date.now() - phaseStart) / 1000).toFixed(0)} s: ${creating.length} created, ${rows[0]?.n ?? 0} documents recorded this phase (backfills included), RSS ${mb(procStatus(appPid(), 'VmRSS'))}, load ${os.loadavg()[0]!.toFixed(2)}`));
    }, 10_000);
    const total = Math.round(RATE * SECONDS);
    const creating: Promise<void>[] = [];
    const createLatency: number[] = [];
    let crash: Promise<void> | null = null;
    let restartMs = 0;
    const mine: Placed[] = [];
    for (let i = 0; i < total; i++) {
      const due = phaseStart + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      if (phase === 2 && crash === null && i >= total / 2) {
        crash = (async () => {
          const killedPid = appPid()!;
          appCpuKilled = appCpuSeconds(killedPid) - cpuBefore.app;
          rss.hwmOfKilled = procStatus(killedPid, 'VmHWM');
          const t = Date.now();
          log(`phase 2: kill -9 the app (pid ${killedPid}) after ${i} of ${total} orders`);
          await world.restartApp();
          restartMs = Date.now() - t;
          log(`phase 2: the app serves again (pid ${appPid()}) after ${restartMs} ms`);
        })();
      }
      const store = stores[i % stores.length]!;
      const sent = Date.now();
      creating.push(
        checkoutOrder(store, { lines: [{ sku: `FLEET-${i % 25}`, quantity: 1 + (i % 3), price: '12.34' }] }).then((orderId) => {
          const at = Date.now();
          createLatency.push(at - sent);
          mine.push({ store, orderId, at, phase });
        }),
      );
    }
    await Promise.all(creating);
    await crash;
    clearInterval(progress);
    const createdBy = Date.now();
    const appCpuInWindow = (appCpuKilled === null ? appCpuSeconds(appPid()!) - cpuBefore.app : appCpuKilled + appCpuSeconds(appPid()!)) / ((createdBy - phaseStart) / 1000);
    placed.push(...mine);
    log(`phase ${phase}: ${mine.length} orders created in ${((createdBy - phaseStart) / 1000).toFixed(1)} s; draining`);

    // Drain: every order of the phase has a document and every backfill of the phase is done.
    const deadline = Date.now() + DRAIN_MS;
    let docs = await documents();
    let lastLog = 0;
    for (;;) {
      docs = await documents();
      const posted = mine.filter((p) => docs.has(`${p.store.hash}:${p.orderId}`)).length;
      const backfills = await Promise.all(backfillStores[phase].map((s) => storeSync.backfill(s.hash as StoreHash, backfillIds.get(s.hash)!)));
      const running = backfills.filter((b) => b?.status === 'running').length;
      if ((posted === mine.length && running === 0) || Date.now() > deadline) break;
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`  … ${posted} of ${mine.length} posted, ${running} backfills running, RSS ${mb(procStatus(appPid(), 'VmRSS'))}, load ${os.loadavg()[0]!.toFixed(2)}`);
      }
      await sleep(1000);
    }
    const drainedBy = Date.now();
    const drained = drainedBy <= deadline;
    await world.inngest.waitForIdle(120_000).catch(() => log('  (the stand-in still had runs after 120 s)'));
    clearInterval(samples);
    loopDelay.disable();
    docs = await documents();

    const appCpu = appCpuKilled === null ? appCpuSeconds(appPid()!) - cpuBefore.app : appCpuKilled + appCpuSeconds(appPid()!);
    const benchUsage = process.cpuUsage(cpuBefore.bench);
    // Backends that ended during the phase (the killed app's connections) are not counted: a lower bound.
    const pgCpu = postgresPids().reduce((a, pid) => a + cpuSeconds(pid) - (cpuBefore.pg.get(pid) ?? 0), 0);
    const machine = machineCpu();
    const measuredBy = Date.now();
    const gateway = Object.fromEntries(
      Object.entries(world.sandbox.rateLimiter.counts).map(([k, v]) => [k, v - gatewayBefore[k as keyof typeof gatewayBefore]]),
    ) as typeof gatewayBefore;
    const peakRss = Math.max(rss.sampledMax, rss.hwmOfKilled, procStatus(appPid(), 'VmHWM'));

    // Exactly once, per order of this phase (live) and per order of this phase's backfill stores (historical).
    const live = { once: 0, missing: 0, duplicated: 0 };
    const toBooks: number[] = [];
    let lastDocAt = 0;
    let inWindow = 0;
    // Steady state: live orders' documents recorded in the middle half of the creation window, per second.
    const middle = { from: phaseStart + (SECONDS * 1000) / 4, to: phaseStart + (SECONDS * 3000) / 4 };
    let inMiddle = 0;
    for (const p of mine) {
      const d = docs.get(`${p.store.hash}:${p.orderId}`);
      if (!d) live.missing += 1;
      else if (d.n > 1) live.duplicated += 1;
      else live.once += 1;
      if (d) {
        toBooks.push(d.firstAt - p.at);
        lastDocAt = Math.max(lastDocAt, d.firstAt);
        if (d.firstAt <= createdBy) inWindow += 1;
        if (d.n === 1 && d.firstAt >= middle.from && d.firstAt < middle.to) inMiddle += 1;
      }
    }
    await Promise.all(stores.map((s) => world.admin(`/__sandbox/stores/${s.hash}/faults`, {})));
    const historical = { eligible: 0, once: 0, missing: 0, duplicated: 0, unexpected: 0 };
    const liveIds = new Set(placed.map((p) => `${p.store.hash}:${p.orderId}`));
    const backfillRows: Array<Awaited<ReturnType<typeof storeSync.backfill>>> = [];
    for (const store of backfillStores[phase]) {
      const truth = seededTruth.get(store.hash)!;
      backfillRows.push(await storeSync.backfill(store.hash as StoreHash, backfillIds.get(store.hash)!));
      for (const o of truth.orders) {
        const key = `${store.hash}:${o.id}`;
        if (liveIds.has(key) || warmKeys.has(key)) continue;
        // The default import status (Awaiting Fulfillment), and refunded orders with their refunds (posted with them).
        const eligible = o.status_id === 11 || ([4, 14].includes(o.status_id) && truth.refunded.has(o.id));
        const n = docs.get(key)?.n ?? 0;
        if (!eligible) {
          if (n > 0 && historical.unexpected++ < 3) console.log(`  (ineligible order ${o.id} of ${store.hash}, status ${o.status_id}, has ${n} document(s))`);
          continue;
        }
        historical.eligible += 1;
        if (n === 0) historical.missing += 1;
        else if (n > 1) historical.duplicated += 1;
        else historical.once += 1;
      }
    }
    for (const store of stores) await world.admin(`/__sandbox/stores/${store.hash}/faults`, { rules: [{ route: 'GET *', ...rule }, { route: 'PUT *', ...rule }] });

    // Where the time goes, per order: the created webhook accepted by the app, the first order-changed run started.
    const hooks = await queryRows<{ store_hash: string; resource_id: string | number; at: Date | string }>(
      db,
      sql`select store_hash, resource_id, min(received_at) as at from webhook_deliveries where scope = 'store/order/created' group by store_hash, resource_id`,
    );
    const hookAt = new Map(hooks.map((h) => [`${h.store_hash}:${Number(h.resource_id)}`, new Date(h.at).getTime()]));
    const runStart = new Map<string, number>();
    const triggers = new Map<string, number>();
    const mineKeys = new Set(mine.map((p) => `${p.store.hash}:${p.orderId}`));
    let retries = 0;
    let stepCalls = 0;
    let appCalls = 0;
    let checkpoints = 0;
    let retriesUnreachable = 0;
    for (const run of world.inngest.runs()) {
      if (run.functionId !== 'ledgerbridge-order-changed') continue;
      const data = run.event.data as { storeHash: string; orderId: number; trigger?: string };
      const key = `${data.storeHash}:${data.orderId}`;
      if (!mineKeys.has(key)) continue;
      const t = Date.parse(run.startedAt);
      if (!runStart.has(key) || t < runStart.get(key)!) runStart.set(key, t);
      triggers.set(data.trigger ?? 'unknown', (triggers.get(data.trigger ?? 'unknown') ?? 0) + 1);
      retries += run.retries.length;
      stepCalls += run.steps.length + 1;
      appCalls += run.calls;
      checkpoints += run.checkpoints;
      retriesUnreachable += run.retries.filter((r) => /reach the app|fetch failed|socket|ECONNRE/i.test(`${r.error.name} ${r.error.message}`)).length;
    }
    // Orders whose runs waited out a retry (an injected 429 longer than a step waits, an error): the faults' share
    // of the tail, apart from the queueing every order sees.
    const retriedKeys = new Set<string>();
    for (const run of world.inngest.runs()) {
      const data = run.event.data as { storeHash?: string; orderId?: number };
      if (run.functionId === 'ledgerbridge-order-changed' && run.retries.length > 0) retriedKeys.add(`${data.storeHash}:${data.orderId}`);
    }
    const unretried: number[] = [];
    // Placement → books by when the order was placed (10 s buckets of the creation window): a backlog shows as a rise.
    const buckets = new Map<number, number[]>();
    for (const p of mine) {
      const d = docs.get(`${p.store.hash}:${p.orderId}`);
      if (!d) continue;
      if (!retriedKeys.has(`${p.store.hash}:${p.orderId}`)) unretried.push(d.firstAt - p.at);
      const bucket = Math.floor((p.at - phaseStart) / 10_000);
      const inBucket = buckets.get(bucket) ?? [];
      if (inBucket.length === 0) buckets.set(bucket, inBucket);
      inBucket.push(d.firstAt - p.at);
    }
    const toHook: number[] = [];
    const hookToRun: number[] = [];
    const runToDoc: number[] = [];
    let noHook = 0;
    for (const p of mine) {
      const key = `${p.store.hash}:${p.orderId}`;
      const h = hookAt.get(key);
      const r = runStart.get(key);
      const d = docs.get(key)?.firstAt;
      if (h === undefined) noHook += 1;
      else toHook.push(h - p.at);
      if (h !== undefined && r !== undefined) hookToRun.push(r - h);
      if (r !== undefined && d !== undefined) runToDoc.push(d - r);
    }
    const backfillWall = backfillRows.map((b) => (b?.finishedAt ? new Date(b.finishedAt).getTime() - phaseStart : NaN));

    const p50 = percentile(toBooks, 50);
    const p95 = percentile(toBooks, 95);
    const sustained = inMiddle / ((middle.to - middle.from) / 1000);
    const overall = live.once / ((lastDocAt - Math.min(...mine.map((p) => p.at))) / 1000);
    const heading = phase === 1 ? 'Phase 1: steady load' : 'Phase 2: the same load, the app SIGKILLed halfway and started again';
    console.log(`\n${heading}`);
    console.log(`  stores                   ${STORES} installed (standard plan limits), ${BACKFILL_STORES} backfilling ${BACKFILL_ORDERS} historical orders each`);
    console.log(`  app                      ${APP_WORKERS} server process${APP_WORKERS === 1 ? '' : 'es'} on one port (WEB_CONCURRENCY), ${process.env.DATABASE_POOL_SIZE ?? 10} Postgres connections each; the executor makes up to ${QUEUE_WORKERS} calls at once`);
    console.log(`  offered                  ${mine.length} orders at ${RATE}/s for ${SECONDS} s (checkout call p50 ${ms(percentile(createLatency, 50))}, p95 ${ms(percentile(createLatency, 95))})`);
    console.log(`  faults                   ${FAULT_500 * 100}% 500 and ${FAULT_429 * 100}% 429 on the app's GETs and PUTs`);
    console.log(
      `  store API                ${gateway.calls} calls by the app (${(gateway.calls / mine.length).toFixed(1)} per live order; backfills and sweeps included); ` +
        `429: ${gateway.injected429} injected (each spends its store's window), ${gateway.refused} refused in a spent window (sent before the app knew: in flight at the 429, or from another worker before the word reached it); ` +
        `500: ${gateway.injected500} injected`,
    );
    if (phase === 2) console.log(`  crash                    SIGKILL halfway; the app served again ${restartMs} ms later`);
    console.log(`  posted exactly once      ${live.once} of ${mine.length} live orders (missing ${live.missing}, duplicated ${live.duplicated})`);
    console.log(`  sustained                ${sustained.toFixed(1)} orders/s posted exactly once (documents recorded in the middle half of the ${SECONDS} s); ${inWindow} of ${mine.length} in the books by the time the last was created`);
    console.log(`  to the last document     ${overall.toFixed(1)} orders/s (all of them, first placement → last document: ${((lastDocAt - createdBy) / 1000).toFixed(1)} s after the last was created)`);
    console.log(`  placement → books        p50 ${ms(p50)}   p95 ${ms(p95)}   p99 ${ms(percentile(toBooks, 99))}   max ${ms(Math.max(...toBooks))}`);
    console.log(`    placement → webhook    p50 ${ms(percentile(toHook, 50))}   p95 ${ms(percentile(toHook, 95))}   (${noHook} orders with no created webhook accepted)`);
    console.log(`    webhook → run started  p50 ${ms(percentile(hookToRun, 50))}   p95 ${ms(percentile(hookToRun, 95))}`);
    console.log(`    run started → books    p50 ${ms(percentile(runToDoc, 50))}   p95 ${ms(percentile(runToDoc, 95))}`);
    console.log(`    without a retry        ${unretried.length} orders: p50 ${ms(percentile(unretried, 50))}   p95 ${ms(percentile(unretried, 95))}   (${mine.length - unretried.length} orders had a run wait out a retry)`);
    console.log(`    by placement (10 s)    ${[...buckets].sort((a, b) => a[0] - b[0]).map(([b, v]) => `${b * 10}s p50 ${(percentile(v, 50) / 1000).toFixed(1)} p95 ${(percentile(v, 95) / 1000).toFixed(1)}`).join(' · ')}`);
    console.log(`  order-changed runs       ${[...triggers].map(([t, n]) => `${n} ${t}`).join(', ')}; ${(appCalls / mine.length).toFixed(1)} calls to /api/inngest per order (counted by the stand-in, retries included; steps + 1 per run: ${(stepCalls / mine.length).toFixed(1)}), ${(checkpoints / mine.length).toFixed(1)} checkpoints per order; ${retries} step retries (${retriesUnreachable} app unreachable)`);
    console.log(`  backfills                ${backfillRows.map((b) => b?.status).filter((s) => s === 'completed').length} of ${BACKFILL_STORES} completed, ${backfillRows.reduce((a, b) => a + (b?.posted ?? 0), 0)} posted; done ${(Math.max(...backfillWall) / 1000).toFixed(1)} s after the phase began`);
    console.log(`  historical (backfill)    ${historical.once} of ${historical.eligible} eligible posted exactly once (missing ${historical.missing}, duplicated ${historical.duplicated}); ${historical.unexpected} ineligible with a document`);
    console.log(
      drained
        ? `  drained                  ${((drainedBy - createdBy) / 1000).toFixed(1)} s after the last order was created`
        : `  NOT DRAINED              within ${DRAIN_MS / 1000} s of the last order being created (BENCH_DRAIN_SECONDS): the missing above were not in the books yet`,
    );
    const wall = (measuredBy - phaseStart) / 1000;
    console.log(
      `  CPU over ${wall.toFixed(0)} s           app ${appCpu.toFixed(1)} s, sandbox + stand-in + load (this process) ${((benchUsage.user + benchUsage.system) / 1e6).toFixed(1)} s, ` +
        `Postgres (every database on the server) ${pgCpu.toFixed(1)} s, machine ${(machine.busy - cpuBefore.machine.busy).toFixed(1)} of ${(machine.total - cpuBefore.machine.total).toFixed(1)} core-seconds busy`,
    );
    console.log(`  app CPU while creating   ${appCpuInWindow.toFixed(2)} core-seconds per second (${APP_WORKERS} server process${APP_WORKERS === 1 ? '' : 'es'}: each saturates at 1.00)`);
    console.log(`  this process's event loop delay  p50 ${(loopDelay.percentile(50) / 1e6).toFixed(0)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`);
    console.log(`  app peak RSS             ${mb(peakRss)}${APP_WORKERS > 1 ? ` (summed over its ${APP_WORKERS} workers and the primary)` : ''}${phase === 2 ? ` (the killed process ${mb(rss.hwmOfKilled)}, the restarted one ${mb(procStatus(appPid(), 'VmHWM'))})` : ''}`);
    console.log(`  machine                  ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const met = sustained >= GOAL.rate * 0.99 && p95 <= GOAL.p95Ms;
    console.log(`  goal (${GOAL.rate} orders/s sustained, p95 ≤ ${GOAL.p95Ms} ms): ${met ? 'met' : 'NOT met'}`);
    return { live, historical, drained };
  }

  const first = await runPhase(1);
  const second = PHASES === 2 ? await runPhase(2) : { historical: { missing: 0, duplicated: 0 }, drained: true };

  // After both phases: every order, live or historical, still exactly once (phase 2 must not have doubled phase 1's).
  const docs = await documents();
  let missing = 0;
  let duplicated = 0;
  for (const p of placed) {
    const n = docs.get(`${p.store.hash}:${p.orderId}`)?.n ?? 0;
    if (n === 0) missing += 1;
    if (n > 1) duplicated += 1;
  }
  const allDup = [...docs.values()].filter((d) => d.n > 1).length;
  const bad = missing + duplicated + allDup + first.historical.missing + second.historical.missing + second.historical.duplicated + first.historical.duplicated;
  console.log(
    `\nAfter both phases: ${placed.length} live orders, ${placed.length - missing - duplicated} posted exactly once, ${missing} missing, ${duplicated} duplicated; ` +
      `orders with more than one document in any store: ${allDup}. ` +
      (bad === 0
        ? 'Nothing lost, nothing doubled.'
        : duplicated + allDup + first.historical.duplicated + second.historical.duplicated > 0
          ? 'EXACTLY ONCE BROKEN: duplicated.'
          : first.drained && second.drained
            ? 'EXACTLY ONCE BROKEN: missing after draining.'
            : 'NOT DRAINED in time: the missing were not in the books yet, so nothing-lost is unproven.'),
  );
  if (bad > 0) exitCode = 1;
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await world.stop();
}
process.exit(exitCode);
