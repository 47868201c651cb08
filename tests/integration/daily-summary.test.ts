// Daily summary mode (issue 18) on the built-in ledger, end to end: orders placed in the BigCommerce sandbox on three
// days and paid two ways, a refund on a later day, the pipeline run for each (as a webhook would), then the days'
// summaries posted: switched on from a date (the day before stays per order, never a day both ways), each summary's
// money and tax equal to its orders' documents and to what the store says, the refund in its own day, exactly once
// through repeated and concurrent runs, an open day refreshed in place after an edit, a closed day never changed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInRuntime } from '@/lib/cli/run';
import type { CliRuntime } from '@/lib/cli/runtime';
import { parseCliEnv } from '@/lib/env';
import { ledgerEntries, summaries as summaryRows, syncPostings, syncRecords } from '@/db/schema';
import { exportBeancount, exportHledger, loadLedger } from '@/lib/accounting/ledger/exports';
import type { StoreHash } from '@/lib/ids';
import { createAppContext } from '@/lib/context';
import { postSummariesNow } from '@/lib/jobs/summaries';
import { formatUnits, parseUnits, sum } from '@/lib/money';
import { createSettingsRepo } from '@/lib/repos/settings';
import { createSummaryRepo } from '@/lib/repos/summaries';
import { loadOrder, processLoadedOrder, type PipelineDeps, type RecordPort } from '@/lib/sync/pipeline';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { postDaySummaries } from '@/lib/sync/summary/post-summaries';
import type { DailySummary } from '@/lib/sync/summary/daily-summary';
import { startLifecycleWorld, ENCRYPTION_KEY, type LifecycleWorld } from './support/lifecycle-env';
import { orderProducts, refundOrFail } from './support/store-actions';
import { storeCall, storeJson, type StoreApi } from './support/sync-helpers';

let world: LifecycleWorld;
let store: StoreApi;
let dir: string;

const dayOffset = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const TODAY = dayOffset(0);
const DAY1 = dayOffset(-3);
const DAY2 = dayOffset(-2);
const DAY3 = dayOffset(-1);

beforeAll(async () => {
  world = await startLifecycleWorld({});
  const { hash, accessToken } = await world.installedStore();
  store = { baseUrl: world.sandbox.url, hash, token: accessToken };
  dir = mkdtempSync(path.join(tmpdir(), 'lb-summary-'));
}, 120_000);
afterAll(async () => {
  await world?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const context = () =>
  createAppContext({ db: world.database.db, env: { TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY, BIGCOMMERCE_API_URL: world.sandbox.url, variables: {} } }).storeContext(store.hash as StoreHash);

async function placeOn(day: string, method: string, lines: Array<{ sku: string; quantity: number; price: string }>): Promise<number> {
  const created = await storeJson<{ id: number }>(store, 'POST', '/v2/orders', {
    customer_id: 0,
    status_id: 11,
    payment_method: method,
    // BigCommerce takes date_created on create (orders.v2.oas2.yml, Order_Post: "date_created", RFC 2822).
    date_created: new Date(`${day}T12:00:00Z`).toUTCString(),
    billing_address: { first_name: 'Ada', last_name: 'Shopper', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'ada@example.com' },
    shipping_cost_ex_tax: '5.00',
    shipping_cost_inc_tax: '5.00',
    products: lines.map((l) => ({ name: `Product ${l.sku}`, sku: l.sku, quantity: l.quantity, price_ex_tax: l.price, price_inc_tax: l.price })),
  });
  return created.id;
}

/** The pipeline for one order, as a webhook runs it; `now` moves its clock, `records` wraps its records (a crash). */
async function pipelineRun(orderId: number, options: { now?: Date; records?: (records: RecordPort) => RecordPort } = {}) {
  const ctx = await context();
  const deps: PipelineDeps = {
    ...ctx.pipeline,
    ...(options.now ? { now: () => options.now! } : {}),
    ...(options.records ? { records: options.records(ctx.pipeline.records) } : {}),
  };
  const loaded = await loadOrder(deps, orderId);
  if (!loaded.found) throw new Error(`order ${orderId} not found`);
  return processLoadedOrder(deps, loaded, { trigger: 'webhook', writeBack: false });
}

/** The order's late edits (postings `summary_edit`). */
const editsOf = async (orderId: number) =>
  (await world.database.db.select().from(syncPostings).where(and(eq(syncPostings.storeHash, store.hash), eq(syncPostings.orderId, orderId), eq(syncPostings.kind, 'summary_edit'))))
    .sort((a, b) => a.id - b.id);

const receivableOf = (entry: { lines: Array<{ accountCode: string; description: string; amount: string }> }, suffix: string) =>
  sum(entry.lines.filter((l) => l.accountCode === '1200' && l.description.endsWith(suffix)).map((l) => parseUnits(l.amount, 2)));

/** The ledger's summary entries with their lines and status (posted, or voided by a later version). */
async function summaryEntries() {
  const status = new Map(
    (await world.database.db.select({ id: ledgerEntries.id, status: ledgerEntries.status }).from(ledgerEntries).where(and(eq(ledgerEntries.storeHash, store.hash), eq(ledgerEntries.kind, 'summary'))))
      .map((r) => [r.id, r.status]),
  );
  return (await loadLedger(world.database.db, store.hash)).entries.filter((e) => e.kind === 'summary').map((e) => ({ ...e, status: status.get(e.id) }));
}
const liveSummaries = async () => (await summaryEntries()).filter((e) => e.status === 'posted');

/** Runs `ledgerbridge <argv>` in this process against the world's database and sandbox. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const rt: CliRuntime = {
    env: parseCliEnv({ TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY, BIGCOMMERCE_API_URL: world.sandbox.url, LOG_LEVEL: 'warn' }),
    db: world.database.db,
    database: world.database,
    io: { stdout, stderr, cwd: process.cwd() },
    log: { warn: () => {}, debug: () => {} },
    fetch: globalThis.fetch,
  };
  const code = await runInRuntime(rt, argv);
  return { code, stdout: out, stderr: err };
}

describe('daily summary mode (built-in ledger)', () => {
  const orders: Record<string, number> = {};

  it('from the switch date on, orders are kept for their day’s summary; the day before stays per order', async () => {
    const settings = createSettingsRepo({ db: world.database.db });
    orders.a = await placeOn(DAY1, 'Credit Card', [{ sku: 'MUG-1', quantity: 1, price: '12.00' }]);
    expect((await pipelineRun(orders.a)).result).toBe('posted');
    const saved = await settings.save(store.hash as StoreHash, { posting: { mode: 'daily_summary', summaryFrom: DAY2 } }, { expectedVersion: 0 });
    expect(saved.ok).toBe(true);
    orders.b = await placeOn(DAY2, 'Credit Card', [{ sku: 'MUG-1', quantity: 2, price: '12.00' }, { sku: 'TEE-M', quantity: 1, price: '19.99' }]);
    orders.c = await placeOn(DAY2, 'Cash', [{ sku: 'CAP-1', quantity: 3, price: '7.25' }]);
    orders.d = await placeOn(DAY3, 'Credit Card', [{ sku: 'TEE-M', quantity: 2, price: '19.99' }]);
    // A late order of the day before the switch is still posted on its own: the mode is the day's, not the clock's.
    orders.e = await placeOn(DAY1, 'Cash', [{ sku: 'CAP-1', quantity: 1, price: '7.25' }]);
    for (const id of [orders.b, orders.c, orders.d]) expect((await pipelineRun(id!)).result).toBe('summarised');
    expect((await pipelineRun(orders.e)).result).toBe('posted');
    // Run again (a duplicated webhook): nothing new.
    expect((await pipelineRun(orders.b!)).result).toBe('skipped');

    const perOrder = (await loadLedger(world.database.db, store.hash)).entries.filter((e) => e.orderId !== null && ['invoice', 'sales_receipt'].includes(e.kind));
    expect(perOrder.map((e) => e.orderId).sort()).toEqual([orders.a, orders.e].sort());
    const states = await world.database.db.select({ orderId: syncRecords.orderId, state: syncRecords.state }).from(syncRecords).where(eq(syncRecords.storeHash, store.hash));
    expect(Object.fromEntries(states.map((s) => [s.orderId, s.state]))).toEqual({
      [orders.a!]: 'posted', [orders.b!]: 'summarised', [orders.c!]: 'summarised', [orders.d!]: 'summarised', [orders.e!]: 'posted',
    });
  });

  it('a refund made today is kept for today’s summary, not its order’s day', async () => {
    const products = await orderProducts(store, orders.b!);
    const mug = products.find((p) => p.sku === 'MUG-1')!;
    await refundOrFail(store, orders.b!, [{ item_type: 'PRODUCT', item_id: mug.id, quantity: 1 }]);
    expect((await pipelineRun(orders.b!)).result).toBe('summarised');
    const inputs = await createSummaryRepo({ db: world.database.db }).dayInputs(store.hash, 'ledger', TODAY);
    expect(inputs.refunds.map((r) => r.orderId)).toEqual([orders.b]);
    expect(inputs.sales).toEqual([]);
  });

  it('posts each day’s summaries once: per currency and method, money and tax equal to the orders and to the store', async () => {
    const ctx = await context();
    const day2 = await postSummariesNow({ ...ctx, storeHash: store.hash }, { date: DAY2 });
    expect(day2.summaries.map((s) => [s.key.method, s.result, s.orders])).toEqual([['Cash', 'posted', 1], ['Credit Card', 'posted', 1]]);
    const day3 = await postSummariesNow({ ...ctx, storeHash: store.hash }, { date: DAY3 });
    expect(day3.summaries.map((s) => [s.key.method, s.result, s.orders])).toEqual([['Credit Card', 'posted', 1]]);
    const today = await postSummariesNow({ ...ctx, storeHash: store.hash }, { date: TODAY });
    expect(today.summaries.map((s) => [s.key.method, s.result, s.orders, s.refunds])).toEqual([['Credit Card', 'posted', 0, 1]]);

    // Each day's summaries hold what the store says its orders were: total and tax, to the cent.
    for (const [day, ids] of [[DAY2, [orders.b!, orders.c!]], [DAY3, [orders.d!]]] as const) {
      const entries = (await liveSummaries()).filter((e) => e.date === day);
      const storeTotals = await Promise.all(ids.map((id) => storeJson<{ total_inc_tax: string; total_tax: string }>(store, 'GET', `/v2/orders/${id}`)));
      const receivable = sum(entries.flatMap((e) => e.lines.filter((l) => l.accountCode === '1200' && l.description.endsWith(' sales')).map((l) => parseUnits(l.amount, 2))));
      expect(receivable).toBe(sum(storeTotals.map((o) => parseUnits(o.total_inc_tax, 2))));
      const tax = sum(entries.flatMap((e) => e.lines.filter((l) => l.accountCode === '2200').map((l) => -parseUnits(l.amount, 2))));
      expect(tax).toBe(sum(storeTotals.map((o) => parseUnits(o.total_tax, 2))));
    }
    // Today's summary credits what the store refunded.
    const refunds = await storeJson<{ data: Array<{ total_amount: number }> }>(store, 'GET', `/v3/orders/${orders.b}/payment_actions/refunds`);
    const todays = (await liveSummaries()).filter((e) => e.date === TODAY);
    const credited = sum(todays.flatMap((e) => e.lines.filter((l) => l.accountCode === '1200' && l.description.endsWith(' refunds')).map((l) => -parseUnits(l.amount, 2))));
    expect(credited).toBe(sum(refunds.data.map((r) => parseUnits(String(r.total_amount), 2))));

    // The orders say which summary holds them.
    const b = await (await context()).records.get({ storeHash: store.hash as StoreHash, orderId: orders.b!, provider: 'ledger' });
    expect(b?.remoteNumber).toMatch(/^SUM-\d{8}-USD-\d$/);
  });

  it('posting a day again, or twice at once, never makes a second summary', async () => {
    const ctx = await context();
    const again = await postSummariesNow({ ...ctx, storeHash: store.hash }, { date: DAY2 });
    expect(again.summaries.map((s) => s.result)).toEqual(['unchanged', 'unchanged']);
    const before = (await liveSummaries()).length;
    // Two runs at once for a day whose summary is under way: the row and the posting key make them one.
    await world.database.db.update(syncRecords).set({ postedAt: null }).where(eq(syncRecords.orderId, orders.d!));
    const { summaries: repo } = { summaries: createSummaryRepo({ db: world.database.db }) };
    const deps = { storeHash: store.hash, providerId: 'ledger', provider: ctx.provider, summaries: repo, closeHours: 24, timeZone: 'UTC', now: () => new Date() };
    // A crash after the provider call and before the record: the same key is posted again and finds the entry.
    // (The row as that crash leaves it: version 1 under way, nothing recorded from the books.)
    await world.database.db.execute(sql`update summaries set state = 'posting', remote_id = null, remote_number = null, content_hash = null where store_hash = ${store.hash} and day = ${DAY3}`);
    const [one, two] = await Promise.all([postDaySummaries(deps, DAY3, { force: true }), postDaySummaries(deps, DAY3, { force: true })]);
    // Each run either posts under the same key (and the ledger answers with the entry the crashed run made) or finds
    // the other's work done.
    const results = [...one, ...two].map((s) => s.result);
    expect(results).toContain('posted');
    expect(results.every((r) => r === 'posted' || r === 'unchanged')).toBe(true);
    expect((await liveSummaries()).length).toBe(before);
    const keys = (await loadLedger(world.database.db, store.hash)).entries.filter((e) => e.kind === 'summary').map((e) => e.postingKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('an open day is refreshed in place after an edit; a closed day is never changed', async () => {
    const products = await orderProducts(store, orders.d!);
    expect((await storeCall(store, 'PUT', `/v2/orders/${orders.d}`, { products: [{ id: products[0]!.id, quantity: 3 }] })).status).toBe(200);
    expect((await pipelineRun(orders.d!)).result).toBe('summarised');
    const ctx = await context();
    const refreshed = await postSummariesNow({ ...ctx, storeHash: store.hash }, { date: DAY3 });
    expect(refreshed.summaries.map((s) => s.result)).toEqual(['refreshed']);
    const day3 = (await summaryEntries()).filter((e) => e.date === DAY3);
    // One summary in the books for the day: the first version voided (its reversal beside it), the second posted.
    expect(day3.map((e) => e.status).sort()).toEqual(['posted', 'voided']);
    const order = await storeJson<{ total_inc_tax: string }>(store, 'GET', `/v2/orders/${orders.d}`);
    const live = day3.find((e) => e.status === 'posted')!;
    expect(sum(live.lines.filter((l) => l.accountCode === '1200' && l.description.endsWith(' sales')).map((l) => parseUnits(l.amount, 2)))).toBe(parseUnits(order.total_inc_tax, 2));

    // Closed once posting.summaryCloseHours have passed after the day ended.
    const later = { storeHash: store.hash, providerId: 'ledger', provider: ctx.provider, summaries: createSummaryRepo({ db: world.database.db }), closeHours: 24, timeZone: 'UTC', now: () => new Date(Date.now() + 3 * 86_400_000) };
    expect((await postDaySummaries(later, DAY3)).map((s) => s.result)).toEqual(['unchanged']);
  });

  it('a day closed, then an edit: the difference is booked in the summary of the day of the change, as its own lines; the closed day is untouched; exactly once', async () => {
    const closedBefore = (await liveSummaries()).filter((e) => e.date === DAY3);
    expect(closedBefore).toHaveLength(1);
    const products = await orderProducts(store, orders.d!);
    const before = await storeJson<{ total_inc_tax: string; total_tax: string }>(store, 'GET', `/v2/orders/${orders.d}`);
    expect((await storeCall(store, 'PUT', `/v2/orders/${orders.d}`, { products: [{ id: products[0]!.id, quantity: 1 }] })).status).toBe(200);
    const after = await storeJson<{ total_inc_tax: string; total_tax: string }>(store, 'GET', `/v2/orders/${orders.d}`);
    expect(parseUnits(after.total_inc_tax, 2)).toBeLessThan(parseUnits(before.total_inc_tax, 2));

    // A crash after the change is recorded and before the order's record is: the retry finds the change, never a second.
    let crashed = false;
    const crashOnce = (records: RecordPort): RecordPort => ({
      ...records,
      async markSummarised(...args) {
        if (!crashed) {
          crashed = true;
          throw new Error('crash between the change and the record');
        }
        return records.markSummarised(...args);
      },
    });
    await expect(pipelineRun(orders.d!, { records: crashOnce })).rejects.toThrow(/crash between/);
    expect(await editsOf(orders.d!)).toHaveLength(1);
    expect((await pipelineRun(orders.d!)).result).toBe('summarised');
    // A duplicated webhook: nothing new.
    expect((await pipelineRun(orders.d!)).result).toBe('skipped');
    const edits = await editsOf(orders.d!);
    expect(edits.map((e) => [e.state, (e.detail as { date: string }).date, e.amount])).toEqual([
      ['summarised', TODAY, formatUnits(parseUnits(after.total_inc_tax, 2) - parseUnits(before.total_inc_tax, 2), 2)],
    ]);

    // The closed day: nothing to post, its entry as it was.
    const ctx = await context();
    const later = { storeHash: store.hash, providerId: 'ledger', provider: ctx.provider, summaries: createSummaryRepo({ db: world.database.db }), closeHours: 24, timeZone: 'UTC', now: () => new Date(Date.now() + 3 * 86_400_000) };
    expect((await postDaySummaries(later, DAY3)).map((s) => s.result)).toEqual(['unchanged']);
    expect((await liveSummaries()).filter((e) => e.date === DAY3)).toEqual(closedBefore);

    // Today's summary (open: it holds today's refund) is refreshed with the change as lines of its own.
    const today = await postSummariesNow({ ...ctx, storeHash: store.hash }, { date: TODAY });
    expect(today.summaries.map((s) => [s.key.method, s.result, s.orders, s.refunds, s.edits])).toEqual([['Credit Card', 'refreshed', 0, 1, 1]]);
    const todays = (await liveSummaries()).filter((e) => e.date === TODAY);
    expect(todays).toHaveLength(1);
    const changeLines = todays[0]!.lines.filter((l) => l.description.startsWith('Changes to earlier orders: '));
    expect(changeLines.length).toBeGreaterThan(0);
    // The entry's receivable moves by the order's change in total; its tax by the change in tax, to the cent.
    expect(receivableOf(todays[0]!, ' sales')).toBe(parseUnits(after.total_inc_tax, 2) - parseUnits(before.total_inc_tax, 2));
    const [row] = await world.database.db.select().from(summaryRows).where(and(eq(summaryRows.storeHash, store.hash), eq(summaryRows.day, TODAY)));
    const held = row!.summary as unknown as DailySummary;
    expect(held.edits?.map((e) => [e.orderId, e.orderDate, e.total, e.tax])).toEqual([
      [orders.d, DAY3, formatUnits(parseUnits(after.total_inc_tax, 2) - parseUnits(before.total_inc_tax, 2), 2), formatUnits(parseUnits(after.total_tax, 2) - parseUnits(before.total_tax, 2), 2)],
    ]);
    // The change says which summary booked it.
    expect((await editsOf(orders.d!))[0]!.number).toBe(todays[0]!.number);
    // Over both days, the books hold what the order is now.
    const all = (await liveSummaries()).filter((e) => e.date === DAY3 || e.date === TODAY);
    expect(sum(all.map((e) => receivableOf(e, ' sales')))).toBe(parseUnits(after.total_inc_tax, 2));
  });

  it('an order first seen after its day closed is booked whole in the summary of the day it is recorded', async () => {
    const late = await placeOn(DAY3, 'Credit Card', [{ sku: 'MUG-1', quantity: 1, price: '12.00' }]);
    expect((await pipelineRun(late)).result).toBe('summarised');
    const edits = await editsOf(late);
    expect(edits.map((e) => [(e.detail as { date: string; before: unknown }).date, (e.detail as { before: unknown }).before])).toEqual([[TODAY, null]]);
    const repo = createSummaryRepo({ db: world.database.db });
    expect((await repo.dayInputs(store.hash, 'ledger', DAY3)).sales.map((d) => d.source.orderId)).not.toContain(late);
    const ctx = await context();
    const today = await postSummariesNow({ ...ctx, storeHash: store.hash }, { date: TODAY });
    expect(today.summaries.map((s) => [s.result, s.edits])).toEqual([['refreshed', 2]]);
    const record = await ctx.records.get({ storeHash: store.hash as StoreHash, orderId: late, provider: 'ledger' });
    expect(record?.remoteNumber).toBe(today.summaries[0]!.number);
    // Nothing left open for the scheduler on the closed day.
    expect(await repo.openDays(store.hash, 'ledger')).not.toContain(DAY3);
  });

  it('two runs of one order at once with different changes: the one that loses the change\'s key plans again, and the books hold the order as it is', async () => {
    // Order c's day (posted, its close hours passed) is closed: a change to it is a change of its own.
    const products = await orderProducts(store, orders.c!);
    const original = await storeJson<{ total_inc_tax: string }>(store, 'GET', `/v2/orders/${orders.c}`);
    expect((await storeCall(store, 'PUT', `/v2/orders/${orders.c}`, { products: [{ id: products[0]!.id, quantity: 5 }] })).status).toBe(200);
    const now = await storeJson<{ total_inc_tax: string }>(store, 'GET', `/v2/orders/${orders.c}`);
    // The other run (which saw the order unchanged, as the books hold it) records change 1 just before this one does.
    const raced = (records: RecordPort): RecordPort => ({
      ...records,
      async beginPosting(key, posting) {
        if (posting.kind === 'summary_edit') {
          const detail = posting.detail as { before: unknown };
          await records.beginPosting(key, { ...posting, amount: '0.00', tax: '0.00', detail: { ...posting.detail, after: detail.before } });
        }
        return records.beginPosting(key, posting);
      },
    });
    await expect(pipelineRun(orders.c!, { records: raced })).rejects.toThrow(/another run recorded change .*:summary-edit:\d+:1 first/);
    expect((await pipelineRun(orders.c!)).result).toBe('summarised');
    const edits = await editsOf(orders.c!);
    expect(edits.map((e) => e.key.split(':').at(-1))).toEqual(['1', '2']);
    // Whatever the race, the changes add up to what the order became.
    expect(sum(edits.map((e) => parseUnits(e.amount!, 2)))).toBe(parseUnits(now.total_inc_tax, 2) - parseUnits(original.total_inc_tax, 2));
    expect((await pipelineRun(orders.c!)).result).toBe('skipped');
  });

  it('back to one document per order: an order of a summary day stays in summaries (never a day posted both ways)', async () => {
    const settings = createSettingsRepo({ db: world.database.db });
    const current = await settings.current(store.hash);
    const saved = await settings.save(store.hash as StoreHash, { posting: { mode: 'per_order', summaryFrom: DAY2 } }, { expectedVersion: current.version });
    expect(saved.ok).toBe(true);
    const onSummaryDay = await placeOn(DAY2, 'Cash', [{ sku: 'CAP-1', quantity: 2, price: '7.25' }]);
    const fresh = await placeOn(TODAY, 'Cash', [{ sku: 'CAP-1', quantity: 1, price: '7.25' }]);
    expect((await pipelineRun(onSummaryDay)).result).toBe('summarised');
    // Today has summaries already (kept and posted): it stays a summary day too.
    expect((await pipelineRun(fresh)).result).toBe('summarised');
    const perOrder = (await loadLedger(world.database.db, store.hash)).entries.filter((e) => e.orderId !== null && ['invoice', 'sales_receipt'].includes(e.kind));
    expect(perOrder.map((e) => e.orderId).sort()).toEqual([orders.a, orders.e].sort());
    const restored = await settings.save(store.hash as StoreHash, { posting: { mode: 'daily_summary', summaryFrom: DAY2 } }, { expectedVersion: current.version + 1 });
    expect(restored.ok).toBe(true);
  });

  it('a refund found after its day closed goes into the summary of the day it is recorded, never the closed day', async () => {
    const products = await orderProducts(store, orders.d!);
    await refundOrFail(store, orders.d!, [{ item_type: 'PRODUCT', item_id: products[0]!.id, quantity: 1 }]);
    // Found three days later (a lost webhook, the sweep): today's summary is closed by then.
    const ctx = await context();
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000);
    const later = { storeHash: store.hash, providerId: 'ledger', provider: ctx.provider, summaries: createSummaryRepo({ db: world.database.db }), closeHours: 24, timeZone: 'UTC', now: () => inThreeDays };
    // (Today's Cash summary, of the order kept after switching back, is posted then too.)
    expect((await postDaySummaries(later, TODAY)).map((s) => [s.key.method, s.result])).toEqual([['Cash', 'posted'], ['Credit Card', 'unchanged']]);
    expect((await createSummaryRepo({ db: world.database.db }).list(store.hash, 'ledger', TODAY)).every((s) => s.closed)).toBe(true);
    expect((await pipelineRun(orders.d!, { now: inThreeDays })).result).toBe('summarised');
    const found = inThreeDays.toISOString().slice(0, 10);
    const inputs = await createSummaryRepo({ db: world.database.db }).dayInputs(store.hash, 'ledger', found);
    expect(inputs.refunds.map((r) => [r.orderId, r.date])).toEqual([[orders.d, found]]);
    expect((await createSummaryRepo({ db: world.database.db }).dayInputs(store.hash, 'ledger', TODAY)).refunds.map((r) => r.orderId)).toEqual([orders.b]);
    // The merchant chose one customer for every summary (Order rules › Posting mode): the summary is on it.
    const settings = createSettingsRepo({ db: world.database.db });
    const current = await settings.current(store.hash);
    expect((await settings.save(store.hash as StoreHash, { ...current.settings, posting: { ...current.settings.posting, summaryCustomer: 'Web shop (all methods)' } }, { expectedVersion: current.version })).ok).toBe(true);
    const posted = await postSummariesNow({ ...(await context()), storeHash: store.hash }, { date: found, now: () => inThreeDays });
    expect(posted.summaries.map((s) => [s.result, s.refunds])).toEqual([['posted', 1]]);
    const entry = (await liveSummaries()).find((e) => e.date === found)!;
    expect(entry.customer).toBe('Web shop (all methods)');
  });

  it('ledgerbridge summary post prints each summary of the day (its JSON is a contract), and refuses a store posting per order', async () => {
    const run = await cli('summary', 'post', '--store', store.hash, '--date', DAY2, '--json');
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { date: string; summaries: Array<Record<string, unknown>> };
    expect(json.date).toBe(DAY2);
    expect(json.summaries.map((s) => Object.keys(s).sort())).toEqual([
      ['currency', 'method', 'number', 'orders', 'refunds', 'result', 'total'], ['currency', 'method', 'number', 'orders', 'refunds', 'result', 'total'],
    ]);
    expect(json.summaries.map((s) => [s.method, s.result, s.currency, typeof s.total])).toEqual([['Cash', 'unchanged', 'USD', 'string'], ['Credit Card', 'unchanged', 'USD', 'string']]);
    const text = await cli('summary', 'post', '--store', store.hash, '--date', DAY2);
    expect(text.stdout).toMatch(/^SUM-\d{8}-USD-\d {2}USD Cash: 1 order\(s\), 0 refund\(s\), [\d.]+ — unchanged$/m);
    const other = await world.installedStore();
    const refused = await cli('summary', 'post', '--store', other.hash);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/posts one document per order; turn daily summaries on first/);
    expect((await cli('summary', 'post', '--store', store.hash, '--date', '2026-02-30')).code).toBe(2);
  });

  it('the ledger’s exports tag each summary kind:summary and pass hledger check -s and bean-check', async () => {
    const snapshot = await loadLedger(world.database.db, store.hash);
    const journal = exportHledger(snapshot);
    expect(journal).toMatch(/kind:summary/);
    const hledger = path.join(dir, 'books.journal');
    writeFileSync(hledger, journal);
    const hl = spawnSync('hledger', ['-f', hledger, 'check', '-s'], { encoding: 'utf8' });
    if (hl.error) console.warn(`skipping the hledger check: ${hl.error.message} (apt-get install -y hledger)`);
    else expect(hl.stderr + hl.stdout, 'hledger check -s').toBe('');
    const bean = path.join(dir, 'books.beancount');
    writeFileSync(bean, exportBeancount(snapshot));
    const bc = spawnSync('bean-check', [bean], { encoding: 'utf8' });
    if (bc.error) console.warn(`skipping bean-check: ${bc.error.message} (apt-get install -y beancount)`);
    else expect(bc.stderr + bc.stdout, 'bean-check').toBe('');
    // Every summary's documents are the sum of its orders' kept documents (the records the summary names).
    const records = await world.database.db.select().from(syncRecords).where(and(eq(syncRecords.storeHash, store.hash), eq(syncRecords.state, 'summarised')));
    expect(records.every((r) => (r.document as unknown as SalesDocument).date >= DAY2)).toBe(true);
    expect(await world.database.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.storeHash, store.hash), eq(ledgerEntries.kind, 'summary')))).not.toHaveLength(0);
  });
});
