// The embedded admin under load: a production build (`next build` + `next start`), the BigCommerce sandbox with
// 10,000 orders in the store and 10,000 sync records, Chromium. Per page: server response time (HTML and the
// page's main API route, cold and warm), time until the main content is visible (cold: empty cache; warm: cache
// primed, second visit), JavaScript shipped; then the activity table query at 100,000 sync records.
// Goals (issue 6): main content <= 1 s warm; activity query <= 100 ms.
//
//   npm run bench admin-pages          (ADMIN_BENCH_REUSE_BUILD=1 reuses an existing .next build)
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import type { StoreHash } from '@/lib/ids';
import { activityQuerySchema, listActivity } from '@/lib/admin/activity';
import { generatePostings, generateRecords } from '@/tests/support/admin-records';
import { startE2eWorld } from '../e2e/support/harness';

process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
if (process.env.ADMIN_BENCH_REUSE_BUILD === '1') process.env.E2E_REUSE_BUILD = '1';

const PAGES: Array<{ path: string; api: string; ready: string }> = [
  { path: '/', api: '/api/admin/overview', ready: '[data-testid="order-counts"]' },
  // Its first screen is the status table; the rules below it load when scrolled to (app/(embedded)/_components/deferred.tsx).
  { path: '/order-rules', api: '/api/admin/settings', ready: '[data-testid="status-table"]' },
  { path: '/mappings', api: '/api/admin/mappings', ready: 'text=Save mappings' },
  { path: '/activity', api: '/api/admin/activity?page=1&pageSize=25', ready: '[data-testid="activity-table"]' },
  { path: '/activity/5000', api: '/api/admin/orders/5000', ready: '[data-testid="order-state"]' },
  { path: '/ledger', api: '/api/admin/ledger/journal?page=1&pageSize=25', ready: 'text=/No journal entries|Lines \\(debit/' },
  { path: '/connections', api: '/api/admin/connections', ready: '[data-testid="provider-ledger"]' },
  { path: '/onboarding', api: '/api/admin/onboarding', ready: 'text=Where should orders be posted?' },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? NaN;
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const world = await startE2eWorld();
try {
  const created = await world.admin<{ hash: string }>('/__sandbox/stores', { name: 'Bench Store', currency: 'USD', plan: 'pro' });
  const hash = created.body.hash;
  const installed = await world.admin<{ status: number }>(`/__sandbox/stores/${hash}/install`, {});
  if (installed.body.status !== 200) throw new Error(`install answered ${installed.body.status}`);
  const seedStarted = performance.now();
  await world.admin(`/__sandbox/stores/${hash}/seed`, { products: 60, customers: 500, orders: 10_000, seed: 11 });
  if (!world.database) throw new Error('the benchmark needs Postgres (DATABASE_URL)');
  await generateRecords(world.database.db, hash, 10_000);
  console.log(`store ${hash}: 10,000 sandbox orders and 10,000 sync records ready in ${ms(performance.now() - seedStarted)}`);

  async function signIn(page: Page, path = '/connections') {
    const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, { url: path });
    await page.goto(load.body.url);
    await page.waitForSelector('[role="tab"]', { timeout: 60_000 });
    return page.evaluate(() => sessionStorage.getItem('ledgerbridge.session'));
  }

  const rows: string[][] = [];
  for (const p of PAGES) {
    // Server response: the page's HTML and its main API route, first call (cold) then the median of 5 (warm).
    const context = await world.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const token = await signIn(page);
    const html = async () => (await fetch(`${world.appUrl}${p.path}`)).text();
    const api = async () => {
      const r = await fetch(`${world.appUrl}${p.api}`, { headers: { authorization: `Bearer ${token}` } });
      if (!r.ok) throw new Error(`${p.api} answered ${r.status}`);
      return r.text();
    };
    const htmlCold = await timed(html);
    const htmlWarm = median(await Promise.all([0, 1, 2, 3, 4].map(() => timed(html))));
    const apiCold = await timed(api);
    const apiWarmRuns: number[] = [];
    for (let i = 0; i < 5; i++) apiWarmRuns.push(await timed(api));

    // Main content: cold = empty browser cache; warm = the same page visited again.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.clearBrowserCache');
    let scriptBytes = 0;
    const types = new Map<string, string>();
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
    cdp.on('Network.loadingFinished', (e) => {
      if (types.get(e.requestId) === 'Script') scriptBytes += e.encodedDataLength;
    });
    const cold = await timed(async () => {
      await page.goto(`${world.appUrl}${p.path}`);
      await page.waitForSelector(p.ready, { timeout: 60_000 });
    });
    const coldScripts = scriptBytes;
    const warmRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      warmRuns.push(
        await timed(async () => {
          await page.goto(`${world.appUrl}${p.path}`);
          await page.waitForSelector(p.ready, { timeout: 60_000 });
        }),
      );
    }
    rows.push([p.path, ms(htmlCold), ms(htmlWarm), ms(apiCold), ms(median(apiWarmRuns)), ms(cold), ms(median(warmRuns)), `${(coldScripts / 1024).toFixed(0)} KiB`]);
    await context.close();
  }
  const header = ['page', 'HTML cold', 'HTML warm', 'API cold', 'API warm', 'content cold', 'content warm', 'JS (wire)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log('\nPages (10,000 orders in the store; warm = median of repeated visits)');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  const worstWarm = Math.max(...rows.map((r) => Number.parseFloat(r[6]!)));
  console.log(`goal: main content <= 1000 ms warm: worst ${worstWarm} ms ${worstWarm <= 1000 ? 'MET' : 'NOT MET'}`);

  // The activity table query at 100,000 sync records (another store, same database), straight to Postgres.
  const big = 'benchhundredk' as StoreHash;
  const genStarted = performance.now();
  await generateRecords(world.database.db, big, 100_000);
  // Every order paid, one in 20 refunded (a credit note and the money paid back).
  await generatePostings(world.database.db, big, 100_000);
  await world.database.db.execute(sql`analyze sync_records`);
  await world.database.db.execute(sql`analyze sync_postings`);
  console.log(`\nActivity query at 100,000 sync records (generated in ${ms(performance.now() - genStarted)}; Postgres; 3 warm-ups, 20 runs)`);
  const shapes: Array<[string, Record<string, string>]> = [
    ['first page, no filter', {}],
    ['state = failed', { state: 'failed' }],
    ['failed or held', { state: 'problems' }],
    ['order id', { orderId: '54321' }],
    ['customer contains', { customer: 'Customer 42' }],
    ['order date range', { from: new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10), to: new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10) }],
    ['amount range', { minAmount: '100', maxAmount: '120.50' }],
    ['page 2,000 of 4,000', { page: '2000' }],
    ['refunded (1 in 20)', { refunded: 'true' }],
  ];
  let worst = 0;
  for (const [name, input] of shapes) {
    const q = activityQuerySchema.parse(input);
    for (let i = 0; i < 3; i++) await listActivity(world.database.db, big, q, 'ledger');
    const runs: number[] = [];
    let total = 0;
    for (let i = 0; i < 20; i++) runs.push(await timed(async () => (total = (await listActivity(world.database!.db, big, q, 'ledger')).total)));
    worst = Math.max(worst, median(runs));
    console.log(`  ${name.padEnd(24)} median ${ms(median(runs)).padStart(8)}  p95 ${ms(p95(runs)).padStart(8)}  (${total} matching)`);
  }
  console.log(`goal: activity query <= 100 ms: worst median ${ms(worst)} ${worst <= 100 ? 'MET' : 'NOT MET'}`);
} finally {
  await world.stop();
}
