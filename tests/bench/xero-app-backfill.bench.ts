// Backfill through the whole app into the Xero sandbox: a store connected to Xero (consent flow), N historical
// orders seeded in the BigCommerce sandbox, the `store/backfill` function driven by the Inngest stand-in, pages of
// 250 posted with Xero's batch calls. Xero's limits are time-scaled (BENCH_TIME_SCALE, default 20: a minute lasts
// 3 s) and the app paces by the same scaled minute. Figures: Xero calls per 1,000 orders, 429s, wall time, and the
// time those calls need at Xero's real 60 a minute (one invoice per call would need one minute per 60 orders).
// `npm run bench -- xero-app-backfill` (BENCH_ORDERS, default 10,000).
import os from 'node:os';
import { sql } from 'drizzle-orm';
import type { StoreHash } from '@/lib/ids';
import { XERO_TEST_SETTINGS } from '@/tests/support/xero-fixtures';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';
import { startLifecycleWorld } from '@/tests/integration/support/lifecycle-env';
import { queryRows, sleep } from '@/tests/integration/support/sync-helpers';
import { connectThroughConsent, sessionFor } from '@/tests/integration/support/xero-connect';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const SCALE = Number(process.env.BENCH_TIME_SCALE ?? 20);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 900_000);

const world = await startLifecycleWorld({ jobs: true, xero: true, timeScale: 1, xeroTimeScale: SCALE });
let exitCode = 0;
try {
  const { hash } = await world.installedStore({ plan: 'standard' });
  const db = world.database.db;
  await createSettingsRepo({ db }).save(
    hash as StoreHash,
    { ...XERO_TEST_SETTINGS, orders: { autoSync: false, importStatusIds: [11, 10, 2, 3, 9] } },
    { expectedVersion: 0 },
  );
  const org = world.xero!.createTenant({ name: 'Bench Books', currency: 'USD' });
  // The seed's foreign orders are in these: subscribed, so every eligible order can post.
  for (const code of ['EUR', 'GBP', 'CAD', 'AUD']) await fetch(`${world.sandbox.url}/__sandbox/xero/tenants/${org.tenantId}/currencies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  const connected = await connectThroughConsent(world, await sessionFor(world, hash), [org.tenantId]);
  if (connected.status !== 200) throw new Error(`connecting Xero answered ${connected.status}`);
  const seeded = await world.admin(`/__sandbox/stores/${hash}/seed`, { products: 60, customers: 1_000, orders: ORDERS, seed: 42 });
  if (seeded.status !== 201) throw new Error(`seeding answered ${seeded.status}`);

  const stats = () => world.xero!.limiter.statsFor(org.tenantId);
  const before = { ...stats(), rejected: { ...stats().rejected } };
  const storeSync = createStoreSyncRepo({ db });
  const { backfill } = await storeSync.startBackfill(hash as StoreHash, '2000-01-01', null);
  const started = process.hrtime.bigint();
  await world.inngest!.sendEvent({ name: 'store/backfill', data: { storeHash: hash, backfillId: backfill.id } });

  let peakRss = 0;
  let row = await storeSync.backfill(hash as StoreHash, backfill.id);
  const deadline = Date.now() + TIMEOUT_MS;
  let lastReport = 0;
  while (row?.status === 'running' && Date.now() < deadline) {
    await sleep(250);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    row = await storeSync.backfill(hash as StoreHash, backfill.id);
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      console.log(`  … ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s: page ${row?.nextPage}, ${row?.seen} seen, ${row?.posted} posted, ${stats().calls - before.calls} Xero calls`);
    }
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (row?.status !== 'completed') throw new Error(`backfill ended ${row?.status} (${row?.error ?? 'timeout'}) after ${wallMs.toFixed(0)} ms`);

  const calls = stats().calls - before.calls;
  const rejected = Object.entries(stats().rejected).map(([k, v]) => `${k} ${v - before.rejected[k as keyof typeof before.rejected]}`);
  const states = await queryRows<{ state: string; n: number }>(db, sql`select state, count(*)::int as n from sync_records where store_hash = ${hash} group by state order by state`);
  const problems = await queryRows<{ reason: string; n: number; sample: string }>(
    db,
    sql`select reason, count(*)::int as n, min(message) as sample from sync_records where store_hash = ${hash} and state in ('held', 'failed') group by reason order by n desc limit 5`,
  );
  const invoices = [...world.xero!.tenants.get(org.tenantId)!.documents.values()].filter((d) => d.Type === 'ACCREC');
  const numbers = new Set(invoices.map((d) => d.number));
  // Against real Xero the calls, not the app, bound the time: 60 a minute.
  const xeroMinutes = calls / 60;

  console.log(`Backfill of ${ORDERS.toLocaleString('en')} orders through the app into Xero (sandbox, time scale ${SCALE})`);
  console.log(`  machine              ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`  backfill row         seen ${row.seen}, posted ${row.posted}, skipped ${row.skipped}, failed ${row.failed}`);
  console.log(`  sync records         ${states.map((s) => `${s.state} ${s.n}`).join(', ')}`);
  for (const p of problems) console.log(`    ${p.reason}: ${p.n} (e.g. ${p.sample.slice(0, 140)})`);
  console.log(`  Xero invoices        ${invoices.length} (${numbers.size} distinct numbers)`);
  console.log(`  Xero calls           ${calls} (${((calls / row.seen) * 1000).toFixed(0)} per 1,000 orders; invoices alone need ${Math.ceil(row.posted / 50)}), rejected: ${rejected.join(', ')}`);
  console.log(`  wall time            ${(wallMs / 1000).toFixed(1)} s here (a Xero minute lasting ${(60 / SCALE).toFixed(1)} s); at Xero's 60 calls a minute the calls need ≥ ${xeroMinutes.toFixed(1)} min`);
  console.log(`  process peak RSS     ${(peakRss / 1024 / 1024).toFixed(0)} MB (app, sandboxes and stand-in in one process)`);
  if (invoices.length !== numbers.size) throw new Error('an order was posted twice');
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await world.stop();
}
process.exit(exitCode);
