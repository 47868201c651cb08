// Refund latency: a refund made in the BigCommerce sandbox (quote, then `POST /v3/orders/{id}/payment_actions/refunds`)
// → its `store/order/refund/created` webhook → the app's receiver → the Inngest stand-in (timeScale 1) → the app's
// /api/inngest (startAppServer in a child process) → the credit note and the money paid out in the built-in ledger
// (real Postgres: a fresh database on DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
// Orders are placed and posted first; then one refund (one unit of a line) per order, at a steady BENCH_RATE a second.
// Measured per refund: from the refund's creation to its credit note, and to its payout (the later of the two is "in
// the books"). Goal: p50 ≤ 1 s, p95 ≤ 3 s. The store's rate limit is raised (this measures latency, not the quota).
// `npm run bench -- refund-latency` (BENCH_REFUNDS, BENCH_RATE).
import os from 'node:os';
import { sql } from 'drizzle-orm';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { orderProducts, placeOrder, refundOrFail } from '@/tests/integration/support/store-actions';
import { percentile, queryRows, sleep, until, type StoreApi } from '@/tests/integration/support/sync-helpers';
import { startSyncWorld } from '@/tests/integration/support/sync-world';

const REFUNDS = Number(process.env.BENCH_REFUNDS ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 5);

const world = await startSyncWorld({ timeScale: 1 });
let exitCode = 0;
try {
  const { hash, accessToken } = await world.installedStore({ plan: 'standard' });
  const store: StoreApi = { baseUrl: world.sandbox.url, hash, token: accessToken };
  const db = world.database.db;
  const saved = await createSettingsRepo({ db }).save(hash as StoreHash, { orders: { statusAfterImport: 9 } }, { expectedVersion: 0 });
  if (!saved.ok) throw new Error(`settings: ${JSON.stringify(saved)}`);
  await world.admin(`/__sandbox/stores/${hash}/rate-limit`, { quota: 100_000 });
  await world.inngest.waitForIdle(60_000);

  // The orders to refund, posted first (+ one to warm the app's refund path up, not counted).
  const orders: number[] = [];
  for (let i = 0; i <= REFUNDS; i++) orders.push(await placeOrder(store, [{ sku: `REF-${i % 10}`, quantity: 2, price: '18.40' }]));
  const posted = await until(
    async () => (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from sync_records where store_hash = ${hash} and state = 'posted' and written_status_id is not null`))[0]?.n ?? 0,
    (n) => n >= orders.length,
    300_000,
    250,
  );
  if (posted < orders.length) throw new Error(`only ${posted} of ${orders.length} orders were posted in time`);
  await world.inngest.waitForIdle(60_000);
  const lines = new Map<number, number>();
  for (const id of orders) lines.set(id, (await orderProducts(store, id))[0]!.id);

  const booked = async (refundId: number) =>
    (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ledger_entries where store_hash = ${hash} and posting_key like ${`%:payout:${refundId}-%`}`))[0]?.n ?? 0;
  const warm = orders.shift()!;
  const warmRefund = await refundOrFail(store, warm, [{ item_type: 'PRODUCT', item_id: lines.get(warm)!, quantity: 1 }]);
  await until(() => booked(warmRefund), (n) => n === 1, 60_000);

  const madeAt = new Map<number, number>();
  const started = Date.now();
  const making: Promise<void>[] = [];
  for (const [i, orderId] of orders.entries()) {
    const wait = started + (i * 1000) / RATE - Date.now();
    if (wait > 0) await sleep(wait);
    making.push(
      refundOrFail(store, orderId, [{ item_type: 'PRODUCT', item_id: lines.get(orderId)!, quantity: 1 }]).then((refundId) => {
        madeAt.set(refundId, Date.now());
      }),
    );
  }
  await Promise.all(making);
  const refundIds = [...madeAt.keys()];
  const done = await until(
    async () => (await queryRows<{ n: number }>(db, sql`select count(distinct refund_id)::int as n from sync_postings where store_hash = ${hash} and kind = 'payout' and state = 'posted' and refund_id <> ${warmRefund}`))[0]?.n ?? 0,
    (n) => n >= refundIds.length,
    180_000,
    250,
  );
  if (done < refundIds.length) throw new Error(`only ${done} of ${refundIds.length} refunds were booked in time`);
  await world.inngest.waitForIdle(60_000);

  const rows = await queryRows<{ posting_key: string; kind: string; created_at: Date }>(
    db,
    sql`select posting_key, kind, created_at from ledger_entries where store_hash = ${hash} and kind in ('credit_note', 'payout')`,
  );
  const toCredit: number[] = [];
  const toBooks: number[] = [];
  const creditsPerRefund = new Map<number, number>();
  for (const refundId of refundIds) {
    const made = madeAt.get(refundId)!;
    const credit = rows.filter((r) => r.kind === 'credit_note' && r.posting_key.endsWith(`:refund:${refundId}`));
    const payout = rows.filter((r) => r.kind === 'payout' && r.posting_key.includes(`:payout:${refundId}-`));
    creditsPerRefund.set(refundId, credit.length);
    if (credit.length === 0 || payout.length === 0) continue;
    const creditAt = new Date(credit[0]!.created_at).getTime();
    const payoutAt = Math.max(...payout.map((p) => new Date(p.created_at).getTime()));
    toCredit.push(creditAt - made);
    toBooks.push(Math.max(creditAt, payoutAt) - made);
  }
  const ms = (v: number) => `${v.toFixed(0).padStart(6)} ms`;
  console.log(`Refund latency over ${refundIds.length} refunds made at ${RATE}/s (POST refunds → credit note and money paid out in the ledger)`);
  console.log(`  machine                  ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`  to the credit note       p50 ${ms(percentile(toCredit, 50))}   p95 ${ms(percentile(toCredit, 95))}   max ${ms(Math.max(...toCredit))}`);
  console.log(`  to credit + money out    p50 ${ms(percentile(toBooks, 50))}   p95 ${ms(percentile(toBooks, 95))}   max ${ms(Math.max(...toBooks))}   (goal p50 ≤ 1000 ms, p95 ≤ 3000 ms)`);
  console.log(`  refunds with ≠ 1 credit  ${[...creditsPerRefund.values()].filter((n) => n !== 1).length}`);
  const runs = world.inngest.runs().filter((r) => r.functionId === 'ledgerbridge-order-changed' && Date.parse(r.startedAt) >= started);
  const byTrigger = new Map<string, number>();
  for (const r of runs) {
    const key = (r.event.data as { refundId?: number }).refundId ? 'refund webhook' : 'order webhook (updated, statusUpdated)';
    byTrigger.set(key, (byTrigger.get(key) ?? 0) + 1);
  }
  console.log(`  order-changed runs       ${runs.length}: ${[...byTrigger].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  const p50 = percentile(toBooks, 50);
  const p95 = percentile(toBooks, 95);
  console.log(p50 <= 1000 && p95 <= 3000 ? '  goals met' : `  GOAL MISSED: ${p50 > 1000 ? 'p50' : ''} ${p95 > 3000 ? 'p95' : ''}`.trimEnd());
  if (toBooks.length < refundIds.length) throw new Error(`${refundIds.length - toBooks.length} refunds lack a credit note or a payout`);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await world.stop();
}
process.exit(exitCode);
