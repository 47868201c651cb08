import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncEvents, syncRecords } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { XERO_TEST_SETTINGS } from '@/tests/support/xero-fixtures';
import { tenantChoicePage } from '@/lib/http/tenant-choice-page';
import type { RunSummary } from '@/tests/sandbox/inngest/engine';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { startConsent } from './support/consent-start';
import { until } from './support/sync-helpers';
import { connectThroughConsent as connectWithConsent, sessionFor as sessionForStore } from './support/xero-connect';

/**
 * Xero through the app: connect from a store session (consent in its own window, organisation chosen), orders
 * posted to Xero by the pipeline, a revoked grant holds orders in a "Reconnect Xero" state, and reconnecting posts
 * them.
 */
let world: LifecycleWorld;
const billing = {
  first_name: 'Grace',
  last_name: 'Hopper',
  street_1: '1 Main St',
  city: 'Austin',
  state: 'Texas',
  zip: '78701',
  country: 'United States',
  country_iso2: 'US',
  email: 'grace@example.com',
};

beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true, xero: true, timeScale: 0.01 });
});
afterAll(async () => world?.stop());

const sessionFor = (hash: string) => sessionForStore(world, hash);
const connectThroughConsent = (token: string, tenantIds: string[]) => connectWithConsent(world, token, tenantIds);

async function placeOrder(hash: string, accessToken: string): Promise<number> {
  const response = await fetch(`${world.sandbox.url}/stores/${hash}/v2/orders`, {
    method: 'POST',
    headers: { 'x-auth-token': accessToken, 'content-type': 'application/json' },
    body: JSON.stringify({
      customer_id: 0,
      status_id: 11,
      billing_address: billing,
      products: [{ name: 'Keyboard', sku: 'KB-1', quantity: 1, price_ex_tax: '49.00', price_inc_tax: '49.00' }],
    }),
  });
  return ((await response.json()) as { id: number }).id;
}

async function recordOf(hash: string, orderId: number) {
  const rows = await world.database.db
    .select()
    .from(syncRecords)
    .where(and(eq(syncRecords.storeHash, hash), eq(syncRecords.orderId, orderId)));
  return rows[0];
}

describe('Xero through the app', () => {
  it('connects, posts orders to the chosen organisation, holds them while the grant is revoked, and posts them after reconnecting', async () => {
    const { hash, accessToken } = await world.installedStore();
    await createSettingsRepo({ db: world.database.db }).save(hash as StoreHash, XERO_TEST_SETTINGS, { expectedVersion: 0 });
    const org = world.xero!.createTenant({ name: 'Hopper Trading', currency: 'USD' });
    world.xero!.createTenant({ name: 'Other Books', currency: 'USD' }); // offered too; not chosen
    const token = await sessionFor(hash);

    const callback = await connectThroughConsent(token, [org.tenantId]);
    expect(callback.status).toBe(200);
    expect(await callback.text()).toContain('Ledgerbridge now posts your orders to Hopper Trading');
    const status = await (await fetch(`${world.app.url}/api/connections/xero`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(status).toMatchObject({ configured: true, connection: { status: 'connected', tenantName: 'Hopper Trading' } });

    const first = await placeOrder(hash, accessToken);
    const posted = await until(() => recordOf(hash, first), (r) => r?.state === 'posted');
    expect(posted?.provider).toBe('xero');
    const invoicesOf = () => [...world.xero!.tenants.get(org.tenantId)!.documents.values()].filter((d) => d.Type === 'ACCREC' && d.Status !== 'VOIDED');
    const invoice = invoicesOf().find((i) => i.number === `BC-${first}`);
    expect(invoice).toBeDefined();
    expect(invoice!.SubTotal.plus(invoice!.TotalTax).toFixed(2)).toBe('49.00');

    // The merchant revokes the app in Xero: the next order waits in "Reconnect Xero".
    await fetch(`${world.sandbox.url}/__sandbox/xero/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'lb-test-xero-client' }),
    });
    // Make the stored access token expire so the next call must refresh (and learns the grant is gone).
    await fetch(`${world.sandbox.url}/__sandbox/xero/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 31 * 60_000 }),
    });
    const second = await placeOrder(hash, accessToken);
    const held = await until(() => recordOf(hash, second), (r) => r?.state === 'failed' || r?.state === 'held');
    expect(held?.message).toMatch(/Reconnect Xero|reconnect/i);
    const reconnect = await (await fetch(`${world.app.url}/api/connections/xero`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(reconnect).toMatchObject({ connection: { status: 'reconnect' } });

    // Reconnecting (one organisation this time) posts the waiting order, once.
    const again = await connectThroughConsent(token, [org.tenantId]);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Xero is connected');
    const later = await until(() => recordOf(hash, second), (r) => r?.state === 'posted');
    expect(later?.state).toBe('posted');
    const numbers = invoicesOf().map((i) => i.number);
    expect(numbers.filter((n) => n === `BC-${second}`)).toHaveLength(1);
    expect(numbers.filter((n) => n === `BC-${first}`)).toHaveLength(1);
  });

  it('two stores posting to one organisation share its limits: every post runs in the tenant-keyed function and Xero never answers 429', async () => {
    const org = world.xero!.createTenant({ name: 'Shared Books', currency: 'USD' });
    const stores = [];
    for (const prefix of ['A-', 'B-']) {
      const { hash, accessToken } = await world.installedStore();
      await createSettingsRepo({ db: world.database.db }).save(
        hash as StoreHash,
        { ...XERO_TEST_SETTINGS, document: { numberPrefix: prefix } },
        { expectedVersion: 0 },
      );
      expect((await connectThroughConsent(await sessionFor(hash), [org.tenantId])).status).toBe(200);
      stores.push({ hash, accessToken, prefix });
    }
    // Orders arrive at once on both stores (five to seven Xero calls each: within one minute's 60).
    const placed = await Promise.all(
      stores.flatMap((s) => Array.from({ length: 3 }, async () => ({ ...s, orderId: await placeOrder(s.hash, s.accessToken) }))),
    );
    for (const p of placed) {
      const record = await until(() => recordOf(p.hash, p.orderId), (r) => r?.state === 'posted', 60_000);
      expect(record?.state, `order ${p.orderId} of ${p.hash}`).toBe('posted');
    }
    const tenant = `xero:${org.tenantId}`;
    const ran = (p: (typeof placed)[number]) => (r: RunSummary) =>
      r.functionId.endsWith('-post-to-xero') && r.event.data.tenant === tenant && r.event.data.storeHash === p.hash && r.event.data.orderId === p.orderId;
    // The record is written inside the run's last step; the run completes just after.
    const postings = await until(
      async () => world.inngest!.runs(),
      (runs) => placed.every((p) => runs.some((r) => ran(p)(r) && r.status === 'Completed')),
    );
    for (const p of placed) {
      expect(postings.some((r) => ran(p)(r) && r.status === 'Completed'), `post-to-xero run of order ${p.orderId}`).toBe(true);
    }
    const stats = world.xero!.limiter.statsFor(org.tenantId);
    expect(stats.rejected).toEqual({ minute: 0, day: 0, concurrent: 0, appminute: 0 });
    expect(stats.maxConcurrent).toBeLessThanOrEqual(5);
    const numbers = [...world.xero!.tenants.get(org.tenantId)!.documents.values()].filter((d) => d.Type === 'ACCREC').map((d) => d.number);
    for (const p of placed) expect(numbers.filter((n) => n === `${p.prefix}${p.orderId}`)).toHaveLength(1);
  }, 120_000);

  it('a backfill posts to Xero in batches of up to 50 invoices: a few calls a page, every order once', async () => {
    const { hash } = await world.installedStore({ plan: 'pro' });
    // Webhooks and sweeps stay out of it (auto-sync off): only the backfill posts. The seed's Refunded and Partially
    // Refunded orders are posted with their refunds (the default refund statuses).
    await createSettingsRepo({ db: world.database.db }).save(
      hash as StoreHash,
      { ...XERO_TEST_SETTINGS, orders: { autoSync: false, importStatusIds: [11, 10, 2, 3, 9] } },
      { expectedVersion: 0 },
    );
    const org = world.xero!.createTenant({ name: 'Backfill Books', currency: 'USD' });
    const token = await sessionFor(hash);
    expect((await connectThroughConsent(token, [org.tenantId])).status).toBe(200);
    const seeded = await world.admin<{ orders: number }>(`/__sandbox/stores/${hash}/seed`, { products: 15, customers: 40, orders: 240, seed: 11 });
    expect(seeded.status).toBe(201);
    const before = world.xero!.limiter.statsFor(org.tenantId).calls;

    const started = await fetch(`${world.app.url}/api/admin/backfill`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fromDate: '2000-01-01' }),
    });
    expect(started.status).toBe(201);
    const progress = await until(
      async () => ((await (await fetch(`${world.app.url}/api/admin/backfill`, { headers: { authorization: `Bearer ${token}` } })).json()) as { backfill: { status: string; seen: number; posted: number; skipped: number; failed: number } }).backfill,
      (b) => b.status !== 'running',
      90_000,
    );
    expect(progress).toMatchObject({ status: 'completed', seen: 240 });
    expect(progress.posted + progress.skipped + progress.failed).toBe(240);
    expect(progress.posted).toBeGreaterThan(50);

    const records = await world.database.db.select().from(syncRecords).where(eq(syncRecords.storeHash, hash));
    const postedIds = records.filter((r) => r.state === 'posted').map((r) => r.orderId);
    expect(postedIds).toHaveLength(progress.posted);
    // The seed has orders in currencies this organisation does not use: Xero refuses those elements of a batch,
    // the others in the same request are posted, and each refusal lands on its own order.
    const refused = records.filter((r) => r.state === 'failed' || r.state === 'held');
    expect(refused.length).toBe(progress.failed);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.message).toBe(`Xero refused invoice BC-${r.orderId}: The currency ${r.currency} is not subscribed to in this organisation.`);
    // Each posted order is one invoice in Xero, under its own number.
    const numbers = [...world.xero!.tenants.get(org.tenantId)!.documents.values()].filter((d) => d.Type === 'ACCREC').map((d) => d.number);
    for (const id of postedIds) expect(numbers.filter((n) => n === `BC-${id}`)).toHaveLength(1);
    // Each refunded order: one credit note, and its money paid out of the clearing account (a refund payment on it).
    const tenant = world.xero!.tenants.get(org.tenantId)!;
    const refundedIds = records.filter((r) => r.state === 'posted' && [4, 14].includes(r.orderStatusId ?? 0)).map((r) => r.orderId);
    expect(refundedIds.length).toBeGreaterThan(5);
    const creditNotes = [...tenant.documents.values()].filter((d) => d.Type === 'ACCRECCREDIT');
    for (const id of refundedIds) expect(creditNotes.filter((c) => c.number === `BC-${id}-CR1`), `order ${id}`).toHaveLength(1);
    expect(creditNotes).toHaveLength(refundedIds.length);
    const refundPayments = [...tenant.payments.values()].filter((p) => p.PaymentType === 'ARCREDITPAYMENT' && p.Status === 'AUTHORISED');
    expect(refundPayments).toHaveLength(refundedIds.length);
    // One page of 240 orders: items and contacts read once, contacts, invoices and payments 50 a request, then the
    // refunds: their invoices read, credit notes and refund payments 50 a request. One document per call would have
    // been at least one call per posted order and two per refund.
    const calls = world.xero!.limiter.statsFor(org.tenantId).calls - before;
    expect(calls).toBeLessThanOrEqual(Math.ceil(progress.posted / 50) * 3 + Math.ceil(refundedIds.length / 50) * 3 + 10);
    expect(world.xero!.limiter.statsFor(org.tenantId).rejected).toEqual({ minute: 0, day: 0, concurrent: 0, appminute: 0 });
  }, 120_000);

  it("the store's Xero posting settings reach its invoices: DRAFT for review, nothing approved behind the merchant's back", async () => {
    const { hash, accessToken } = await world.installedStore();
    await createSettingsRepo({ db: world.database.db }).save(hash as StoreHash, { ...XERO_TEST_SETTINGS, posting: { approval: 'draft' } }, { expectedVersion: 0 });
    const org = world.xero!.createTenant({ name: 'Draft Books', currency: 'USD' });
    expect((await connectThroughConsent(await sessionFor(hash), [org.tenantId])).status).toBe(200);
    const orderId = await placeOrder(hash, accessToken);
    const record = await until(() => recordOf(hash, orderId), (r) => r?.state === 'posted');
    expect(record?.state).toBe('posted');
    const invoice = [...world.xero!.tenants.get(org.tenantId)!.documents.values()].find((d) => d.Type === 'ACCREC' && d.number === `BC-${orderId}`);
    expect(invoice?.Status).toBe('DRAFT');
    // Xero takes no payment on a draft: the order's timeline says so, with what to do.
    // (Written just after the record turns posted, in the same step.)
    const eventsOf = () => world.database.db.select().from(syncEvents).where(and(eq(syncEvents.storeHash, hash), eq(syncEvents.orderId, orderId)));
    const events = await until(eventsOf, (rows) => rows.some((e) => e.kind === 'payment_not_recorded'));
    const skipped = events.filter((e) => e.kind === 'payment_not_recorded');
    // Once, even when a second change of the order races the first (see below; tests/integration/sync-timeline.test.ts).
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.message).toMatch(new RegExp(`invoice BC-${orderId} is a draft in Xero.*Approve the invoice in Xero`));
  });

  it('two changes of one order at once post one invoice: the second finds it by its idempotency key or as posted', async () => {
    const { hash, accessToken } = await world.installedStore();
    await createSettingsRepo({ db: world.database.db }).save(hash as StoreHash, XERO_TEST_SETTINGS, { expectedVersion: 0 });
    const org = world.xero!.createTenant({ name: 'Race Books', currency: 'USD' });
    expect((await connectThroughConsent(await sessionFor(hash), [org.tenantId])).status).toBe(200);
    const orderId = await placeOrder(hash, accessToken);
    // A second change of the same order (a merchant's retry) arrives beside the created webhook.
    await world.inngest!.sendEvent({ name: 'order/changed', data: { storeHash: hash, orderId, trigger: 'manual', dedupeKey: 'race-1' } });
    await until(() => recordOf(hash, orderId), (r) => r?.state === 'posted');
    const postings = await until(
      async () => world.inngest!.runs().filter((r) => r.functionId.endsWith('-post-to-xero') && r.event.data.orderId === orderId && r.event.data.storeHash === hash),
      (runs) => runs.length >= 2 && runs.every((r) => r.status === 'Completed'),
    );
    // Inngest's concurrency limits steps, not whole runs, so both may plan "create" before either posts: the
    // idempotency key and the sync record make the second a no-op either way.
    for (const run of postings) expect(['posted', 'skipped'], JSON.stringify(run.output)).toContain((run.output as { result: string }).result);
    const invoices = [...world.xero!.tenants.get(org.tenantId)!.documents.values()].filter((d) => d.Type === 'ACCREC' && d.number === `BC-${orderId}`);
    expect(invoices).toHaveLength(1);
    expect((await recordOf(hash, orderId))?.remoteId).toBe(invoices[0]!.id);
    const posted = await world.database.db
      .select()
      .from(syncEvents)
      .where(and(eq(syncEvents.storeHash, hash), eq(syncEvents.orderId, orderId), eq(syncEvents.kind, 'posted')));
    expect(posted).toHaveLength(1);
  });

  it('asks which organisation when the consent covered several, and accepts only one of those', async () => {
    const { hash } = await world.installedStore();
    // Imported here: the app's modules read the environment the world has just set up (INNGEST_DEV, XERO_*).
    const { connectDeps } = await import('@/lib/deps');
    const { startXeroConnection } = await import('@/lib/accounting/xero');
    const deps = (await connectDeps('xero'))!;
    const { url } = startXeroConnection(deps, { storeHash: hash as StoreHash, userId: 1 });
    const state = new URL(url).searchParams.get('state')!;
    const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 1_800_000 };
    const tenants = [
      { tenantId: 't-1', tenantName: 'First Org' },
      { tenantId: 't-2', tenantName: 'Second Org' },
    ];
    await deps.connections.awaitTenantChoice(hash as StoreHash, 'xero', tokens, tenants, 1);
    const page = await tenantChoicePage({ action: '/x', state, tenants, display: { name: 'Xero', tenantNoun: 'organisation' } }).text();
    expect(page).toContain('First Org');
    expect(page).toContain('Second Org');
    const post = (tenantId: string, s = state) =>
      fetch(`${world.app.url}/api/connections/xero/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ state: s, tenantId }).toString(),
      });
    expect((await post('t-999')).status).toBe(400);
    expect((await post('t-2', 'forged')).status).toBe(401);
    const chosen = await post('t-2');
    expect(chosen.status).toBe(200);
    expect(await chosen.text()).toContain('Second Org');
    expect(await deps.connections.get(hash as StoreHash, 'xero')).toMatchObject({ status: 'connected', tenantId: 't-2' });
  });

  it('a connection request is single use: its callback replayed (history, a leaked redirect) is refused for its state', async () => {
    const { hash } = await world.installedStore();
    const org = world.xero!.createTenant({ name: 'Replay Ltd', currency: 'USD' });
    const token = await sessionFor(hash);
    const { url, cookie } = await startConsent(world.app.url, 'xero', token);
    const page = await fetch(url);
    const request = /name="request" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const consent = await fetch(`${world.sandbox.url}/xero/identity/connect/authorize/consent`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request, action: 'allow', tenantId: org.tenantId }).toString(),
    });
    const callback = consent.headers.get('location')!;
    expect((await fetch(callback, { headers: { cookie } })).status).toBe(200);
    const replayed = await fetch(callback, { headers: { cookie } });
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).toContain('This Xero connection request was used already.');
  });

  it('a connection is bound to the browser that started it: a consent URL completed elsewhere is refused before its code is used', async () => {
    const { hash } = await world.installedStore();
    const org = world.xero!.createTenant({ name: 'Bound Ltd', currency: 'USD' });
    const token = await sessionFor(hash);
    // The start route is a POST from the consent window (app/connect/); the embedded page's old GET is gone.
    expect((await fetch(`${world.app.url}/api/connections/xero/start`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(405);
    const mine = await startConsent(world.app.url, 'xero', token);
    expect(mine.cookie).toMatch(/^lb_connect_xero=[\w-]{43}$/);
    const other = await startConsent(world.app.url, 'xero', token);
    const page = await fetch(mine.url);
    const request = /name="request" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const consent = await fetch(`${world.sandbox.url}/xero/identity/connect/authorize/consent`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request, action: 'allow', tenantId: org.tenantId }).toString(),
    });
    const callback = consent.headers.get('location')!;
    // Someone else's browser: no cookie, or the cookie of another flow.
    const { connectDeps } = await import('@/lib/deps');
    const deps = (await connectDeps('xero'))!;
    for (const headers of [{}, { cookie: other.cookie }, { cookie: 'lb_connect_xero=forged' }] as Record<string, string>[]) {
      const refused = await fetch(callback, { headers });
      expect(refused.status, JSON.stringify(headers)).toBe(401);
      expect(await refused.text()).toContain('This Xero connection was started in another browser or window.');
    }
    expect(await deps.connections.get(hash as StoreHash, 'xero')).toBeNull();
    // The browser that started it finishes it (the code was never used), and the binding is cleared.
    const done = await fetch(callback, { headers: { cookie: mine.cookie } });
    expect(done.status).toBe(200);
    expect(done.headers.get('set-cookie')).toMatch(/^lb_connect_xero=; Path=\/api\/connections\/xero\/callback; Max-Age=0/);
    expect(await deps.connections.get(hash as StoreHash, 'xero')).toMatchObject({ status: 'connected', tenantId: org.tenantId });
  });

  it('refuses a callback whose state was not issued by the app', async () => {
    const response = await fetch(`${world.app.url}/api/connections/xero/callback?code=abc&state=forged.state`);
    expect(response.status).toBe(401);
  });
});
