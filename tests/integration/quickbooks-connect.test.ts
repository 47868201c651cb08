import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncRecords } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { QBO_TEST_ACCOUNTS, QBO_TEST_PAYMENTS } from '@/tests/support/quickbooks-fixtures';
import { QUICKBOOKS_CLIENT, startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { startConsent } from './support/consent-start';
import { until } from './support/sync-helpers';
import { sessionFor } from './support/xero-connect';

/**
 * QuickBooks through the app's generic routes: start → Intuit's consent (the sandbox's page) → callback with realmId
 * → connected; an order posts; a revoked grant holds the next order with "Reconnect QuickBooks"; reconnecting posts
 * it once.
 */
let world: LifecycleWorld;
const SETTINGS = { accounts: QBO_TEST_ACCOUNTS, payments: QBO_TEST_PAYMENTS, tax: { defaultTaxCode: 'TAX', zeroTaxCode: 'NON' } };

beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true, quickbooks: true, timeScale: 0.01 });
});
afterAll(async () => world?.stop());

/** The callback URL Intuit's consent sends the merchant back to (the consent answered for `realmId`). */
async function consentCallback(token: string, realmId: string): Promise<{ callback: string; cookie: string }> {
  const { url, cookie } = await startConsent(world.app.url, 'quickbooks', token);
  const page = await fetch(url);
  const request = /name="request" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const consent = await fetch(`${world.sandbox.url}/quickbooks/connect/oauth2/consent`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, realmId, action: 'connect' }).toString(),
  });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}`);
  return { callback: consent.headers.get('location')!, cookie };
}

async function connect(token: string, realmId: string): Promise<Response> {
  const { callback, cookie } = await consentCallback(token, realmId);
  return fetch(callback, { headers: { cookie } });
}

async function placeOrder(hash: string, accessToken: string): Promise<number> {
  const response = await fetch(`${world.sandbox.url}/stores/${hash}/v2/orders`, {
    method: 'POST',
    headers: { 'x-auth-token': accessToken, 'content-type': 'application/json' },
    body: JSON.stringify({
      customer_id: 0,
      status_id: 11,
      billing_address: { first_name: 'Grace', last_name: 'Hopper', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'grace@example.com' },
      products: [{ name: 'Keyboard', sku: 'KB-1', quantity: 1, price_ex_tax: '49.00', price_inc_tax: '49.00' }],
    }),
  });
  return ((await response.json()) as { id: number }).id;
}

const recordOf = async (hash: string, orderId: number) =>
  (await world.database.db.select().from(syncRecords).where(and(eq(syncRecords.storeHash, hash), eq(syncRecords.orderId, orderId))))[0];

describe('QuickBooks through the app', () => {
  it('connects with the realmId of the consent, posts, holds while revoked, and posts once after reconnecting', async () => {
    const { hash, accessToken } = await world.installedStore();
    await createSettingsRepo({ db: world.database.db }).save(hash as StoreHash, SETTINGS, { expectedVersion: 0 });
    const company = world.quickbooks!.createCompany({ name: 'Hopper Trading Inc', country: 'US', currency: 'USD', ast: true });
    const token = await sessionFor(world, hash);

    const callback = await connect(token, company.realmId);
    expect(callback.status).toBe(200);
    const status = await (await fetch(`${world.app.url}/api/connections/quickbooks`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(status).toMatchObject({ configured: true, connection: { status: 'connected', tenantName: 'Hopper Trading Inc' } });

    const invoices = () => [...(world.quickbooks!.companies.get(company.realmId)!.entities.get('Invoice')?.values() ?? [])].map((s) => s.data as { DocNumber: string; TotalAmt: number });
    const first = await placeOrder(hash, accessToken);
    const posted = await until(() => recordOf(hash, first), (r) => r?.state === 'posted' || r?.state === 'failed', 60_000);
    expect([posted?.state, posted?.message]).toEqual(['posted', expect.anything()]);
    expect(invoices().find((i) => i.DocNumber === `BC-${first}`)?.TotalAmt).toBe(49);

    // The merchant disconnects the app in QuickBooks; the access token expires: the next order waits.
    await fetch(`${world.sandbox.url}/__sandbox/quickbooks/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: QUICKBOOKS_CLIENT.clientId }) });
    await fetch(`${world.sandbox.url}/__sandbox/quickbooks/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 3700 }) });
    const second = await placeOrder(hash, accessToken);
    const held = await until(() => recordOf(hash, second), (r) => r?.state === 'failed' || r?.state === 'held', 60_000);
    expect(held?.message).toMatch(/Reconnect QuickBooks|reconnect/i);
    const reconnect = await (await fetch(`${world.app.url}/api/connections/quickbooks`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(reconnect).toMatchObject({ connection: { status: 'reconnect' } });

    expect((await connect(token, company.realmId)).status).toBe(200);
    const later = await until(() => recordOf(hash, second), (r) => r?.state === 'posted', 60_000);
    expect(later?.state).toBe('posted');
    expect(invoices().filter((i) => i.DocNumber === `BC-${second}`)).toHaveLength(1);
    expect(invoices().filter((i) => i.DocNumber === `BC-${first}`)).toHaveLength(1);
  });

  it('a connection request is single use: its callback replayed is refused for its state', async () => {
    const { hash } = await world.installedStore();
    const company = world.quickbooks!.createCompany({ name: 'Replay Inc', country: 'US', currency: 'USD', ast: true });
    const { callback, cookie } = await consentCallback(await sessionFor(world, hash), company.realmId);
    expect((await fetch(callback, { headers: { cookie } })).status).toBe(200);
    const replayed = await fetch(callback, { headers: { cookie } });
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).toContain('This QuickBooks connection request was used already.');
  });

  it('a backfill books the seeded refunds (in batches): each refund one credit memo turned into one refund receipt, once', async () => {
    const { hash } = await world.installedStore({ plan: 'pro' });
    // Webhooks and sweeps stay out of it (auto-sync off): only the backfill posts, with the refunds of the seed's
    // Refunded and Partially Refunded orders (the default refund statuses).
    await createSettingsRepo({ db: world.database.db }).save(hash as StoreHash, { ...SETTINGS, orders: { autoSync: false, importStatusIds: [11, 10, 2, 3, 9] } }, { expectedVersion: 0 });
    const company = world.quickbooks!.createCompany({ name: 'Backfill Trading Inc', country: 'US', currency: 'USD', ast: true });
    const token = await sessionFor(world, hash);
    expect((await connect(token, company.realmId)).status).toBe(200);
    const seeded = await world.admin<{ orders: number }>(`/__sandbox/stores/${hash}/seed`, { products: 15, customers: 40, orders: 240, seed: 11 });
    expect(seeded.status).toBe(201);

    const started = await fetch(`${world.app.url}/api/admin/backfill`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ fromDate: '2000-01-01' }) });
    expect(started.status).toBe(201);
    const progress = await until(
      async () => ((await (await fetch(`${world.app.url}/api/admin/backfill`, { headers: { authorization: `Bearer ${token}` } })).json()) as { backfill: { status: string; seen: number; posted: number; skipped: number; failed: number } }).backfill,
      (b) => b.status !== 'running',
      90_000,
    );
    expect(progress).toMatchObject({ status: 'completed', seen: 240 });

    const records = await world.database.db.select().from(syncRecords).where(eq(syncRecords.storeHash, hash));
    const refundedIds = records.filter((r) => r.state === 'posted' && [4, 14].includes(r.orderStatusId ?? 0)).map((r) => r.orderId);
    const stored = (entity: 'RefundReceipt' | 'CreditMemo') => [...(world.quickbooks!.companies.get(company.realmId)!.entities.get(entity)?.values() ?? [])].map((s) => s.data as { DocNumber: string; PrivateNote?: string });
    const receipts = stored('RefundReceipt');
    // Each refunded order: its refund is one credit memo turned into one refund receipt (money out of the clearing
    // account, revenue and tax reversed once); no credit memo is left behind.
    expect(refundedIds.length).toBeGreaterThan(10);
    for (const id of refundedIds) expect(receipts.filter((r) => r.DocNumber === `BC-${id}-CR1`), `order ${id}`).toHaveLength(1);
    expect(receipts).toHaveLength(refundedIds.length);
    expect(stored('CreditMemo')).toHaveLength(0);
  }, 120_000);
});
