/**
 * Helpers shared by the automatic-sync tests (tests/integration/sync-*.test.ts) and benchmarks: calls to the
 * sandbox store API as a merchant's other tools would make them, polling, and the database facts the tests
 * assert on (ledger entries per order, sync records).
 */
import { jsonFetch } from '@/lib/http/json-fetch';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db';
import { ledgerEntries, syncRecords } from '@/db/schema';

export const BILLING = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  street_1: '1 Main St',
  city: 'Austin',
  state: 'Texas',
  zip: '78701',
  country: 'United States',
  country_iso2: 'US',
  email: 'ada@example.com',
};

export interface StoreApi {
  baseUrl: string;
  hash: string;
  token: string;
}

/** One call to the store API; retried on 429 and 5xx (injected faults) up to `attempts` times. */
export async function storeCall<T = unknown>(
  store: StoreApi,
  method: string,
  path: string,
  body?: unknown,
  attempts = 20,
): Promise<{ status: number; body: T }> {
  for (let attempt = 1; ; attempt++) {
    let response: Awaited<ReturnType<typeof jsonFetch>>;
    try {
      // The app's own client for JSON APIs (lighter than fetch: the fleet benchmark places its orders with it).
      response = await jsonFetch(`${store.baseUrl}/stores/${store.hash}${path}`, {
        method,
        headers: { 'x-auth-token': store.token, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(50);
      continue;
    }
    const text = await response.text();
    if ((response.status === 429 || response.status >= 500) && attempt < attempts) {
      const reset = Number(response.headers.get('x-rate-limit-time-reset-ms') ?? 50);
      await sleep(response.status === 429 ? Math.min(Math.max(reset, 10), 2_000) : 20);
      continue;
    }
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }
}

/** A store API call whose answer must be a success: its JSON body, or an error naming the call. */
export async function storeJson<T = unknown>(store: StoreApi, method: string, path: string, body?: unknown): Promise<T> {
  const answer = await storeCall<T>(store, method, path, body);
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

type OrderInput = { statusId?: number; lines?: Array<{ sku: string; name?: string; quantity?: number; price?: string }> };

function orderBody(input: OrderInput) {
  const lines = input.lines ?? [{ sku: 'MUG-1', quantity: 2, price: '12.50' }];
  return {
    customer_id: 0,
    status_id: input.statusId ?? 11,
    billing_address: BILLING,
    products: lines.map((l) => ({
      name: l.name ?? `Product ${l.sku}`,
      sku: l.sku,
      quantity: l.quantity ?? 1,
      price_ex_tax: l.price ?? '10.00',
      price_inc_tax: l.price ?? '10.00',
    })),
  };
}

/** Creates an order with the standard `POST /v2/orders`; returns its id. */
export async function createOrder(store: StoreApi, input: OrderInput = {}): Promise<number> {
  const created = await storeCall<{ id: number }>(store, 'POST', '/v2/orders', orderBody(input));
  if (created.status >= 300) throw new Error(`POST /v2/orders answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body.id;
}

/**
 * An order placed by a shopper at checkout (the sandbox's `POST /__sandbox/stores/{hash}/checkout`, the same order
 * as `createOrder`): no store API call, so it spends none of the store's quota and meets no injected fault.
 */
export async function checkoutOrder(store: StoreApi, input: OrderInput = {}): Promise<number> {
  const response = await jsonFetch(`${store.baseUrl}/__sandbox/stores/${store.hash}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(orderBody(input)),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`checkout answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { id: number }).id;
}

export async function orderStatus(store: StoreApi, orderId: number): Promise<number> {
  const order = await storeCall<{ status_id: number }>(store, 'GET', `/v2/orders/${orderId}`);
  if (order.status !== 200) throw new Error(`GET /v2/orders/${orderId} answered ${order.status}`);
  return order.body.status_id;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until `done` holds or the time is up; returns the last value (the caller asserts on it). */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(everyMs);
  }
}

/**
 * Sales documents (invoices, sales receipts, sales orders: not payments, credits, refunds paid out or voids) per order
 * in the store's ledger. An order posted exactly once has one; a second post, or a void and re-post, shows as more.
 */
export async function documentEntriesPerOrder(db: Db, storeHash: string): Promise<Map<number, number>> {
  const rows = await db
    .select({ orderId: ledgerEntries.orderId, n: sql<number>`count(*)::int` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.storeHash, storeHash), inArray(ledgerEntries.kind, ['invoice', 'sales_receipt', 'sales_order'])))
    .groupBy(ledgerEntries.orderId);
  return new Map(rows.filter((r) => r.orderId !== null).map((r) => [r.orderId!, Number(r.n)]));
}

export async function syncRecordsOf(db: Db, storeHash: string, orderIds?: number[]) {
  const where = orderIds ? and(eq(syncRecords.storeHash, storeHash), inArray(syncRecords.orderId, orderIds)) : eq(syncRecords.storeHash, storeHash);
  return db.select().from(syncRecords).where(where);
}

export async function syncRecordOf(db: Db, storeHash: string, orderId: number) {
  const rows = await db
    .select()
    .from(syncRecords)
    .where(and(eq(syncRecords.storeHash, storeHash), eq(syncRecords.orderId, orderId)));
  return rows[0] ?? null;
}

/** Percentile (nearest rank) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Rows of a raw query, on postgres.js (an array) and PGlite (`{rows}`) alike. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as T[];
}
