import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportBeancount, exportHledger, loadLedger } from '@/lib/accounting/ledger/exports';
import type { StoreHash } from '@/lib/ids';
import { createAppContext } from '@/lib/context';
import { createSettingsRepo } from '@/lib/repos/settings';
import { loadOrder, processLoadedOrder } from '@/lib/sync/pipeline';
import { startLifecycleWorld, ENCRYPTION_KEY, type LifecycleWorld } from './support/lifecycle-env';
import { describeBooks, ledgerSide, storeSide } from './support/order-books';
import { orderProducts, placeOrder, refund, setCaptureMode, shippingAddressId } from './support/store-actions';
import { storeCall, storeJson, type StoreApi } from './support/sync-helpers';

/**
 * ARCHITECTURE invariant 3b as a property: after ANY sequence of store events on orders (placed paid or only
 * authorized, captured, refunded by units, by shipping or by an order-level amount, edited, cancelled, voided), and
 * the pipeline run after each (as a webhook would run it), every order's books in the built-in ledger hold what the
 * store says: money = paid − refunded, receivable = owed for what was sold, revenue + tax and tax = sold − refunded −
 * cancelled. The sales document is in the books at most once. At the end the exported books pass `hledger check -s`
 * and `bean-check`.
 */
let world: LifecycleWorld;
let store: StoreApi;
let reader: StoreApi;
let dir: string;

beforeAll(async () => {
  world = await startLifecycleWorld({});
  const { hash, accessToken } = await world.installedStore();
  store = { baseUrl: world.sandbox.url, hash, token: accessToken };
  const account = await world.admin<{ access_token: string }>(`/__sandbox/stores/${hash}/api-accounts`, { scopes: ['store_v2_orders_read_only', 'store_v2_transactions_read_only'] });
  reader = { ...store, token: account.body.access_token };
  expect((await createSettingsRepo({ db: world.database.db }).save(hash as StoreHash, { orders: { statusAfterImport: 9 } }, { expectedVersion: 0 })).ok).toBe(true);
  dir = mkdtempSync(path.join(tmpdir(), 'lb-property-'));
}, 120_000);
afterAll(async () => {
  await world?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SEED = process.env.PROPERTY_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.PROPERTY_SEED ?? 20261206);
const SKUS = ['MUG-1', 'TEE-M', 'CAP-1'];
const price = fc.integer({ min: 101, max: 4999 }).map((c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`);
const line = fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 4 }), price });

type Event =
  | { kind: 'refund_units'; line: number; quantity: number }
  | { kind: 'refund_shipping'; cents: number }
  | { kind: 'refund_amount'; cents: number }
  | { kind: 'edit'; line: number; quantity: number }
  | { kind: 'capture' }
  | { kind: 'cancel' };

const event: fc.Arbitrary<Event> = fc.oneof(
  fc.record({ kind: fc.constant('refund_units' as const), line: fc.nat(2), quantity: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('refund_shipping' as const), cents: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ kind: fc.constant('refund_amount' as const), cents: fc.integer({ min: 1, max: 3000 }) }),
  fc.record({ kind: fc.constant('edit' as const), line: fc.nat(2), quantity: fc.integer({ min: 1, max: 5 }) }),
  fc.constant({ kind: 'capture' as const }),
  fc.constant({ kind: 'cancel' as const }),
);

const scenario = fc.record({
  lines: fc.array(line, { minLength: 1, maxLength: 3 }),
  shipping: fc.constantFrom('0.00', '6.00', '9.95'),
  authorizeOnly: fc.boolean(),
  events: fc.array(event, { minLength: 1, maxLength: 6 }),
});

async function pipelineRun(orderId: number): Promise<void> {
  const ctx = await createAppContext({ db: world.database.db, env: { TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY, BIGCOMMERCE_API_URL: world.sandbox.url, variables: {} } }).storeContext(store.hash as StoreHash);
  const loaded = await loadOrder(ctx.pipeline, orderId);
  if (!loaded.found) throw new Error(`order ${orderId} not found`);
  const acted = await processLoadedOrder(ctx.pipeline, loaded, { trigger: 'webhook', writeBack: true, recheck: true });
  if (acted.result === 'failed' || acted.result === 'held') throw new Error(`order ${orderId}: ${acted.result}: ${acted.message}`);
}

/** Applies one event as BigCommerce allows it (a refusal, e.g. a refund above what is left, changes nothing). */
async function apply(orderId: number, e: Event): Promise<string> {
  const order = await storeJson<{ status_id: number; payment_status: string; total_inc_tax: string; refunded_amount: string }>(store, 'GET', `/v2/orders/${orderId}`);
  const cancelled = order.status_id === 5;
  switch (e.kind) {
    case 'refund_units': {
      const products = await orderProducts(store, orderId);
      const p = products[e.line % products.length]!;
      const left = p.quantity - p.quantity_refunded;
      if (left <= 0) return 'nothing left to refund';
      const made = await refund(store, orderId, [{ item_type: 'PRODUCT', item_id: p.id, quantity: Math.min(left, e.quantity) }]);
      return 'refused' in made ? `refused ${made.refused}` : `refunded ${Math.min(left, e.quantity)} of ${p.sku}`;
    }
    case 'refund_shipping': {
      const made = await refund(store, orderId, [{ item_type: 'SHIPPING', item_id: await shippingAddressId(store, orderId), amount: e.cents / 100 }]);
      return 'refused' in made ? `refused ${made.refused}` : `refunded shipping ${e.cents}`;
    }
    case 'refund_amount': {
      const made = await refund(store, orderId, [{ item_type: 'ORDER', item_id: orderId, amount: e.cents / 100 }]);
      return 'refused' in made ? `refused ${made.refused}` : `refunded ${e.cents} at order level`;
    }
    case 'edit': {
      // Edits of an order with refunds or after its cancellation are not modelled (BigCommerce merchants refund or
      // cancel an edited order, not the other way round).
      if (cancelled || /refund/.test(order.payment_status)) return 'not edited';
      const products = await orderProducts(store, orderId);
      const p = products[e.line % products.length]!;
      const put = await storeCall(store, 'PUT', `/v2/orders/${orderId}`, { products: [{ id: p.id, quantity: e.quantity }] });
      return put.status === 200 ? `edited ${p.sku} to ${e.quantity}` : `edit refused ${put.status}`;
    }
    case 'capture': {
      if (order.payment_status !== 'authorized') return 'nothing to capture';
      await storeCall(store, 'POST', `/v3/orders/${orderId}/payment_actions/capture`, {});
      // "The payment request itself occurs asynchronously": completed by the sandbox's platform clock.
      await world.admin('/__sandbox/clock/advance', { ms: 3_000 });
      await storeCall(store, 'GET', `/v2/orders/${orderId}`);
      return 'captured';
    }
    case 'cancel': {
      if (cancelled) return 'already cancelled';
      if (order.payment_status === 'authorized') {
        await storeCall(store, 'POST', `/v3/orders/${orderId}/payment_actions/void`, {});
        await world.admin('/__sandbox/clock/advance', { ms: 3_000 });
        await storeCall(store, 'GET', `/v2/orders/${orderId}`);
        return 'authorization voided (cancelled)';
      }
      await storeJson(store, 'PUT', `/v2/orders/${orderId}`, { status_id: 5 });
      return 'cancelled';
    }
  }
}

async function expectBooksTieOut(orderId: number, history: string[]): Promise<void> {
  const expected = await storeSide(store, reader, orderId, { wasCancelled: history.some((h) => h.startsWith('cancelled') || h.startsWith('authorization voided')) });
  const books = await ledgerSide(world.database.db, store.hash, orderId);
  if (JSON.stringify(describeBooks(books)) === JSON.stringify(describeBooks(expected))) return;
  const order = await storeJson<{ status_id: number; payment_status: string }>(store, 'GET', `/v2/orders/${orderId}`);
  const refunds = await storeJson<{ data: unknown[] }>(reader, 'GET', `/v3/orders/${orderId}/payment_actions/refunds`);
  const ctx = await createAppContext({ db: world.database.db, env: { TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY, BIGCOMMERCE_API_URL: world.sandbox.url, variables: {} } }).storeContext(store.hash as StoreHash);
  const timeline = (await ctx.records.timeline(store.hash as StoreHash, orderId)).map((t) => `${t.kind}: ${t.message}`);
  expect(describeBooks(books), `order ${orderId} (status ${order.status_id}, ${order.payment_status}) after: ${history.join(' → ')}\nrefunds: ${JSON.stringify(refunds.data)}\n${timeline.join('\n')}`).toEqual(describeBooks(expected));
}

describe('the books after any sequence of store events (built-in ledger)', () => {
  it('every order ties out to the store after every event, and the exports pass hledger and bean-check', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        runs += 1;
        await setCaptureMode(world.sandbox.url, store.hash, s.authorizeOnly ? 'authorize_only' : 'authorize_and_capture');
        const orderId = await placeOrder(store, s.lines, { shipping: s.shipping });
        const history = [`placed ${s.lines.map((l) => `${l.quantity}×${l.sku}@${l.price}`).join(', ')} (${s.authorizeOnly ? 'authorized' : 'paid'})`];
        await pipelineRun(orderId);
        await expectBooksTieOut(orderId, history);
        for (const e of s.events) {
          history.push(await apply(orderId, e));
          await pipelineRun(orderId);
          // A second run (a duplicated webhook) changes nothing.
          await pipelineRun(orderId);
          await expectBooksTieOut(orderId, history);
        }
      }),
      // A fixed seed, so CI explores the same sequences every time; PROPERTY_SEED=random (or a number) and
      // PROPERTY_RUNS explore others (a failure prints its seed and the shrunk sequence).
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 20), endOnFailure: true, seed: SEED },
    );
    expect(runs).toBeGreaterThanOrEqual(10);

    const snapshot = await loadLedger(world.database.db, store.hash);
    // The sales document of an order is in the books at most once: a version replaced by an update is voided, not
    // doubled (adjustment invoices, under their own keys, are not the document).
    const documents = new Map<number, number>();
    for (const e of snapshot.entries) {
      if (e.orderId === null) continue;
      const isDocument = ['invoice', 'sales_receipt'].includes(e.kind) && /:(document(:\d+)?|update:\d+)$/.test(e.postingKey);
      const delta = isDocument ? 1 : e.kind === 'void' ? -1 : 0;
      documents.set(e.orderId, (documents.get(e.orderId) ?? 0) + delta);
    }
    expect([...documents.entries()].filter(([, n]) => n !== 1 && n !== 0)).toEqual([]);

    const hledger = path.join(dir, 'books.journal');
    writeFileSync(hledger, exportHledger(snapshot));
    const hl = spawnSync('hledger', ['-f', hledger, 'check', '-s'], { encoding: 'utf8' });
    if (hl.error) console.warn(`skipping the hledger check: ${hl.error.message} (apt-get install -y hledger)`);
    else expect(hl.stderr + hl.stdout, 'hledger check -s').toBe('');
    const bean = path.join(dir, 'books.beancount');
    writeFileSync(bean, exportBeancount(snapshot));
    const bc = spawnSync('bean-check', [bean], { encoding: 'utf8' });
    if (bc.error) console.warn(`skipping bean-check: ${bc.error.message} (apt-get install -y beancount)`);
    else expect(bc.stderr + bc.stdout, 'bean-check').toBe('');
  }, 600_000);
});
