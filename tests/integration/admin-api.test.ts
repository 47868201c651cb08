import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerEntries, summaries, syncRecords } from '@/db/schema';
import { buildDailySummaries } from '@/lib/sync/summary/daily-summary';
import type { SalesDocument } from '@/lib/sync/sales-document';
import type { StoreHash } from '@/lib/ids';
import { issueSessionToken } from '@/lib/session';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';

/**
 * The admin API routes, called as Next calls them (Request in, Response out), against the BigCommerce sandbox,
 * the Inngest stand-in running the real order pipeline, and a fresh database.
 */
let world: LifecycleWorld;
const SECRET = 'integration-session-secret-0123456789abcdef';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (request: Request, context: { params: Promise<any> }) => Promise<Response>;

async function call(handler: Handler, token: string | null, path: string, init: { method?: string; body?: unknown; params?: Record<string, string> } = {}) {
  const request = new Request(`http://app.test${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const response = await handler(request, { params: Promise.resolve(init.params ?? {}) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are inspected field by field below
  return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, any> };
}

async function sessionFor(hash: string): Promise<string> {
  const store = await world.admin<{ owner: { id: number } }>(`/__sandbox/stores/${hash}`);
  return issueSessionToken({ storeHash: hash as StoreHash, userId: store.body.owner.id, generation: 0 }, SECRET);
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 150));
  }
}

const routes = {
  settings: () => import('@/app/api/admin/settings/route'),
  activity: () => import('@/app/api/admin/activity/route'),
  order: () => import('@/app/api/admin/orders/[orderId]/route'),
  preview: () => import('@/app/api/admin/orders/[orderId]/preview/route'),
  retry: () => import('@/app/api/admin/activity/retry/route'),
  overview: () => import('@/app/api/admin/overview/route'),
  storeCounts: () => import('@/app/api/admin/overview/store-counts/route'),
  summaries: () => import('@/app/api/admin/summaries/route'),
  summary: () => import('@/app/api/admin/summaries/[number]/route'),
  summaryCsv: () => import('@/app/api/admin/summaries/[number]/csv/route'),
};

let storeA: { hash: string; accessToken: string };
let storeB: { hash: string; accessToken: string };
let tokenA: string;
let tokenB: string;
let orderId: number;

beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true });
  storeA = await world.installedStore();
  storeB = await world.installedStore();
  tokenA = await sessionFor(storeA.hash);
  tokenB = await sessionFor(storeB.hash);
  const created = await fetch(`${world.sandbox.url}/stores/${storeA.hash}/v2/orders`, {
    method: 'POST',
    headers: { 'x-auth-token': storeA.accessToken, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      customer_id: 0,
      status_id: 11,
      payment_method: 'PayPal',
      billing_address: { first_name: 'Grace', last_name: 'Hopper', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'grace@example.com' },
      products: [{ name: 'Mug', sku: 'MUG-1', quantity: 3, price_ex_tax: '10.00', price_inc_tax: '10.83' }],
    }),
  });
  orderId = ((await created.json()) as { id: number }).id;
  const posted = await until(
    async () => (await world.database.db.select().from(syncRecords).where(and(eq(syncRecords.storeHash, storeA.hash), eq(syncRecords.orderId, orderId))))[0],
    (r) => r?.state === 'posted',
  );
  if (posted?.state !== 'posted') throw new Error(`order ${orderId} was not posted: ${JSON.stringify(posted)}`);
});
afterAll(async () => world?.stop());

describe('admin API: sessions and tenant isolation', () => {
  it('refuses a request without a session', async () => {
    const { GET } = await routes.activity();
    expect((await call(GET, null, '/api/admin/activity')).status).toBe(401);
  });

  it('shows a store its own order and answers 404 to another store’s session', async () => {
    const { GET } = await routes.order();
    const own = await call(GET, tokenA, `/api/admin/orders/${orderId}`, { params: { orderId: String(orderId) } });
    expect(own.status).toBe(200);
    expect(own.body.record).toMatchObject({ state: 'posted', documentNumber: `BC-${orderId}`, customer: 'Grace Hopper', total: '32.4900' });
    expect(own.body.timeline.map((t: { kind: string }) => t.kind)).toContain('posted');
    const other = await call(GET, tokenB, `/api/admin/orders/${orderId}`, { params: { orderId: String(orderId) } });
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain('Grace');
  });

  it('lists only the session’s store in the activity, whatever the query says', async () => {
    const { GET } = await routes.activity();
    const a = await call(GET, tokenA, `/api/admin/activity?storeHash=${storeB.hash}`);
    expect(a.body.rows.map((r: { orderId: number }) => r.orderId)).toEqual([orderId]);
    const today = new Date().toISOString().slice(0, 10);
    const dated = await call(GET, tokenA, `/api/admin/activity?from=${today}&to=${today}&minAmount=32.49&customer=grace`);
    expect(dated.body.rows.map((r: { orderId: number }) => r.orderId)).toEqual([orderId]);
    const b = await call(GET, tokenB, `/api/admin/activity?storeHash=${storeA.hash}&orderId=${orderId}`);
    expect(b.body).toMatchObject({ total: 0, rows: [] });
  });

  it('answers malformed filters with field messages', async () => {
    const { GET } = await routes.activity();
    const bad = await call(GET, tokenA, '/api/admin/activity?orderId=abc&minAmount=1e3&from=2026-03-05&to=2026-03-01');
    expect(bad.status).toBe(400);
    expect(bad.body.error.kind).toBe('Validation');
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['minAmount', 'orderId']);
  });

  it('does not retry another store’s orders', async () => {
    await world.database.db.update(syncRecords).set({ state: 'failed' }).where(and(eq(syncRecords.storeHash, storeA.hash), eq(syncRecords.orderId, orderId)));
    try {
      const { POST } = await routes.retry();
      const fromB = await call(POST, tokenB, '/api/admin/activity/retry', { method: 'POST', body: { orderIds: [orderId] } });
      expect(fromB).toMatchObject({ status: 202, body: { queued: [] } });
    } finally {
      await world.database.db.update(syncRecords).set({ state: 'posted' }).where(and(eq(syncRecords.storeHash, storeA.hash), eq(syncRecords.orderId, orderId)));
    }
  });
});

describe('admin API: daily summaries and tenant isolation', () => {
  it('shows a store its own summary (orders and shares) and its CSV, and answers 404 and an empty list to another store', async () => {
    const [record] = await world.database.db.select().from(syncRecords).where(and(eq(syncRecords.storeHash, storeA.hash), eq(syncRecords.orderId, orderId)));
    // Dated a day long past: a day with a summary stays a summary day, and the orders of today are posted one by one.
    const document = { ...(record!.document as unknown as SalesDocument), date: '2026-01-15' };
    const [summary] = buildDailySummaries({ sales: [document] });
    const number = `SUM-${document.date.replace(/-/g, '')}-${document.currency.code}-1`;
    await world.database.db.insert(summaries).values({
      storeHash: storeA.hash, provider: 'ledger', day: document.date, currency: document.currency.code, method: summary!.key.method, number,
      state: 'posted', version: 1, postingKey: `${storeA.hash}:summary:test`, remoteId: '1', remoteNumber: number, summary: summary as unknown as Record<string, unknown>,
    });
    const list = await routes.summaries();
    const own = await call(list.GET, tokenA, '/api/admin/summaries');
    expect(own.body.summaries.map((s: { number: string; orders: number }) => [s.number, s.orders])).toEqual([[number, 1]]);
    expect((await call(list.GET, tokenB, `/api/admin/summaries?storeHash=${storeA.hash}`)).body).toEqual({ summaries: [] });

    const one = await routes.summary();
    const page = await call(one.GET, tokenA, `/api/admin/summaries/${number}`, { params: { number } });
    expect(page.status).toBe(200);
    expect(page.body.shares).toEqual([
      expect.objectContaining({ type: 'order', orderId, total: document.totals.total, tax: document.totals.tax, payment: summary!.orders[0]!.paid, orderPath: `/activity/${orderId}` }),
    ]);
    const other = await call(one.GET, tokenB, `/api/admin/summaries/${number}`, { params: { number } });
    expect(other.status).toBe(404);

    const csv = await routes.summaryCsv();
    const request = (token: string) => new Request(`http://app.test/api/admin/summaries/${number}/csv`, { headers: { authorization: `Bearer ${token}` } });
    const file = await csv.GET(request(tokenA), { params: Promise.resolve({ number }) });
    expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await file.text()).trim().split('\r\n');
    expect(lines[0]).toBe('summary,day,currency,method,type,order_id,order_number,refund_id,order_date,net,tax,total,payment');
    expect(lines.slice(1)).toEqual([`${number},${document.date},${document.currency.code},${summary!.key.method},order,${orderId},${document.number},,${document.date},${document.totals.net},${document.totals.tax},${document.totals.total},${summary!.orders[0]!.paid}`]);
    expect((await csv.GET(request(tokenB), { params: Promise.resolve({ number }) })).status).toBe(404);
  });
});

describe('admin API: settings', () => {
  it('refuses an invalid mapping with a field message, saves a valid one, and refuses a stale version', async () => {
    const { GET, PUT } = await routes.settings();
    const current = await call(GET, tokenA, '/api/admin/settings');
    expect(current.body.version).toBe(0);
    const settings = current.body.settings;
    const invalid = await call(PUT, tokenA, '/api/admin/settings', {
      method: 'PUT',
      body: { expectedVersion: 0, settings: { ...settings, payments: { ...settings.payments, mappings: [{ method: 'PayPal', account: '9999' }] } } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ kind: 'Validation', fields: { 'payments.mappings.0.account': expect.stringContaining('9999') } });

    const valid = await call(PUT, tokenA, '/api/admin/settings', {
      method: 'PUT',
      body: { expectedVersion: 0, settings: { ...settings, payments: { ...settings.payments, mappings: [{ method: 'PayPal', account: '1020' }] } } },
    });
    expect(valid).toMatchObject({ status: 200, body: { version: 1 } });
    const stale = await call(PUT, tokenA, '/api/admin/settings', { method: 'PUT', body: { expectedVersion: 0, settings } });
    expect(stale.status).toBe(409);
    // Store B is untouched.
    expect((await call(GET, tokenB, '/api/admin/settings')).body.version).toBe(0);
  });
});

describe('admin API: cancellations and the lock date', () => {
  it('saves what a cancellation does and the lock date, keeps every other setting, and refuses bad values with field messages', async () => {
    const { GET, PUT } = await routes.settings();
    const current = await call(GET, tokenA, '/api/admin/settings');
    const settings = current.body.settings;
    // The defaults: a cancellation voids (or credits a paid document); no closed period.
    expect([settings.orders.onCancel, settings.document.lockDate]).toEqual(['void', null]);

    const bad = await call(PUT, tokenA, '/api/admin/settings', {
      method: 'PUT',
      body: { expectedVersion: current.body.version, settings: { ...settings, orders: { ...settings.orders, onCancel: 'delete' }, document: { ...settings.document, lockDate: '2026-13-01' } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({
      'orders.onCancel': expect.stringMatching(/void the document, post a credit note, or leave it alone/),
      'document.lockDate': expect.stringMatching(/YYYY-MM-DD/),
    });
    const ahead = await call(PUT, tokenA, '/api/admin/settings', {
      method: 'PUT',
      body: { expectedVersion: current.body.version, settings: { ...settings, document: { ...settings.document, lockDate: '2999-12-31' } } },
    });
    expect(ahead.status).toBe(400);
    expect(ahead.body.error.fields['document.lockDate']).toMatch(/a day that has passed/);
    // Nothing was saved by the refusals.
    expect((await call(GET, tokenA, '/api/admin/settings')).body.version).toBe(current.body.version);

    const saved = await call(PUT, tokenA, '/api/admin/settings', {
      method: 'PUT',
      body: { expectedVersion: current.body.version, settings: { ...settings, orders: { ...settings.orders, onCancel: 'credit' }, document: { ...settings.document, lockDate: '2026-01-31' } } },
    });
    expect(saved).toMatchObject({ status: 200, body: { version: current.body.version + 1 } });
    const back = (await call(GET, tokenA, '/api/admin/settings')).body.settings;
    expect([back.orders.onCancel, back.document.lockDate]).toEqual(['credit', '2026-01-31']);
    // Every other setting is as it was (the PayPal mapping saved above among them).
    expect({ ...back, orders: { ...back.orders, onCancel: settings.orders.onCancel }, document: { ...back.document, lockDate: null } }).toEqual(settings);
    expect(back.payments.mappings).toEqual([{ method: 'PayPal', account: '1020' }]);

    // Clearing the lock date saves null; store B never saw any of it.
    const cleared = await call(PUT, tokenA, '/api/admin/settings', {
      method: 'PUT',
      body: { expectedVersion: current.body.version + 1, settings: { ...back, orders: { ...back.orders, onCancel: 'void' }, document: { ...back.document, lockDate: null } } },
    });
    expect(cleared.status).toBe(200);
    expect((await call(GET, tokenA, '/api/admin/settings')).body.settings.document.lockDate).toBeNull();
    expect((await call(GET, tokenB, '/api/admin/settings')).body.settings.orders.onCancel).toBe('void');
  });
});

describe('admin API: preview', () => {
  it('builds the document the current settings would post, with the posted totals, and writes nothing', async () => {
    const before = (await world.database.db.select().from(syncRecords).where(and(eq(syncRecords.storeHash, storeA.hash), eq(syncRecords.orderId, orderId))))[0]!;
    const entriesBefore = await world.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.storeHash, storeA.hash));
    const { GET } = await routes.preview();
    const preview = await call(GET, tokenA, `/api/admin/orders/${orderId}/preview`, { params: { orderId: String(orderId) } });
    expect(preview.status).toBe(200);
    const posted = before.document as { totals: Record<string, string> };
    expect(preview.body.document.totals).toEqual(posted.totals);
    expect(preview.body.document.totals.total).toBe('32.49');
    // Settings v1 maps PayPal to 1020: the preview already uses it; the posted document used the default account.
    expect(preview.body.document.payments[0].account).toBe('1020');
    // The payment is booked apart from the document and never booked again: the new mapping changes nothing in the
    // books for this order, so a sync now would do nothing.
    expect(preview.body.plan).toMatchObject({ action: 'skip', reason: 'already_posted_unchanged' });
    const after = (await world.database.db.select().from(syncRecords).where(and(eq(syncRecords.storeHash, storeA.hash), eq(syncRecords.orderId, orderId))))[0]!;
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(await world.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.storeHash, storeA.hash))).toHaveLength(entriesBefore.length);
    // Another store cannot preview it (its BigCommerce has no such order).
    const other = await call(GET, tokenB, `/api/admin/orders/${orderId}/preview`, { params: { orderId: String(orderId) } });
    expect(other.status).toBe(404);
  });
});

describe('admin API: overview', () => {
  it('counts the posted order today and reads the to-fulfil count from the store', async () => {
    const { GET } = await routes.overview();
    const overview = await call(GET, tokenA, '/api/admin/overview');
    expect(overview.status).toBe(200);
    expect(overview.body.today.posted).toBe(1);
    const counts = await call((await routes.storeCounts()).GET, tokenA, '/api/admin/overview/store-counts');
    expect(counts.body.toFulfil).toEqual({ count: 1, error: null });
    expect(overview.body.onboardedAt).toBeNull();
  });
});

describe('admin API: refunds', () => {
  let refundedOrder: number;
  let refundId: number;

  async function storeCall<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${world.sandbox.url}/stores/${storeA.hash}${path}`, {
      method,
      headers: { 'x-auth-token': storeA.accessToken, 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as T;
    if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  }

  beforeAll(async () => {
    // A second order, paid through PayPal, posted; then one of its three mugs refunded in BigCommerce.
    refundedOrder = (await storeCall<{ id: number }>('POST', '/v2/orders', {
      customer_id: 0,
      status_id: 11,
      payment_method: 'PayPal',
      billing_address: { first_name: 'Ada', last_name: 'Lovelace', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'ada@example.com' },
      products: [{ name: 'Mug', sku: 'MUG-1', quantity: 3, price_ex_tax: '10.00', price_inc_tax: '10.83' }],
    })).id;
    const posted = await until(
      async () => (await world.database.db.select().from(syncRecords).where(and(eq(syncRecords.storeHash, storeA.hash), eq(syncRecords.orderId, refundedOrder))))[0],
      (r) => r?.state === 'posted',
    );
    if (posted?.state !== 'posted') throw new Error(`order ${refundedOrder} was not posted: ${JSON.stringify(posted)}`);
    const [line] = await storeCall<Array<{ id: number }>>('GET', `/v2/orders/${refundedOrder}/products`);
    const items = [{ item_type: 'PRODUCT', item_id: line!.id, quantity: 1 }];
    const quote = await storeCall<{ data: { total_refund_amount: number } }>('POST', `/v3/orders/${refundedOrder}/payment_actions/refund_quotes`, { items });
    expect(quote.data.total_refund_amount).toBe(10.83);
    refundId = (await storeCall<{ data: { id: number } }>('POST', `/v3/orders/${refundedOrder}/payment_actions/refunds`, {
      items,
      payments: [{ provider_id: 'paypalexpress', amount: quote.data.total_refund_amount }],
    })).data.id;
  });

  it('shows the refund on the order page: its credit note and the money paid back, on the timeline and among the postings', async () => {
    const { GET } = await routes.order();
    const detail = await until(
      () => call(GET, tokenA, `/api/admin/orders/${refundedOrder}`, { params: { orderId: String(refundedOrder) } }),
      // The payout's timeline entry is written just after its posting is marked booked: wait for both.
      (d) =>
        (d.body.postings ?? []).some((p: { kind: string; state: string }) => p.kind === 'payout' && p.state === 'posted') &&
        (d.body.timeline ?? []).some((t: { kind: string }) => t.kind === 'money_out'),
      45_000,
    );
    expect(detail.status).toBe(200);
    const postings = detail.body.postings as Array<Record<string, unknown>>;
    expect(postings).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'payment', label: 'Payment received', state: 'posted', amount: '32.49' }),
      expect.objectContaining({ kind: 'credit', label: 'Refund credit note', refundId, state: 'posted', stateLabel: 'Booked', amount: '10.83', tax: '0.83', number: expect.any(String) }),
      expect.objectContaining({ kind: 'payout', label: 'Money paid back', refundId, state: 'posted', amount: '10.83', method: 'PayPal' }),
    ]));
    expect(detail.body.refunds).toEqual({ refunds: 1, credited: '10.83', paidBack: '10.83' });
    const timeline = detail.body.timeline as Array<{ kind: string; label: string; amount: string | null; tax: string | null; refundId: number | null }>;
    expect(timeline.find((t) => t.kind === 'refund_credited')).toMatchObject({ label: 'Refund credited', amount: '10.83', tax: '0.83', refundId });
    expect(timeline.find((t) => t.kind === 'money_out')).toMatchObject({ label: 'Money paid back', amount: '10.83', refundId });
    // The record stays posted: a refund is booked beside the document, never by rewriting it.
    expect(detail.body.record.state).toBe('posted');
  });

  it('filters the activity to refunded orders, only in the session’s store', async () => {
    const { GET } = await routes.activity();
    const refunded = await call(GET, tokenA, '/api/admin/activity?refunded=true');
    expect(refunded.body.rows.map((r: { orderId: number }) => r.orderId)).toEqual([refundedOrder]);
    expect(refunded.body.rows[0]).toMatchObject({ state: 'posted', refunded: true });
    const without = await call(GET, tokenA, '/api/admin/activity?refunded=false');
    expect(without.body.rows.map((r: { orderId: number }) => r.orderId)).toEqual([orderId]);
    const all = await call(GET, tokenA, '/api/admin/activity');
    expect(all.body.rows.map((r: { orderId: number; refunded: boolean }) => [r.orderId, r.refunded])).toEqual(expect.arrayContaining([[refundedOrder, true], [orderId, false]]));
    expect((await call(GET, tokenB, '/api/admin/activity?refunded=true')).body).toMatchObject({ total: 0, rows: [] });
    const bad = await call(GET, tokenA, '/api/admin/activity?refunded=maybe');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(['refunded']);
  });
});
