// Calls per live order, per remote accounting system (BENCH_PROVIDER=xero, the default, or quickbooks): a store
// connected through the consent flow, autoSync on,
// live orders placed in the BigCommerce sandbox one after another (their webhooks drive `order-changed` and the
// provider's posting function through the Inngest stand-in), every call the app makes to the system counted by
// method and path. BENCH_ITEMS=0 makes every line's SKU unknown to Xero (each lookup a miss). Goal (issue 14): at most 2 calls
// per live order (contacts, items, accounts and tax rates cached per organisation), so one organisation takes 30
// orders a minute at Xero's 60 calls. `npm run bench -- calls-per-order` (BENCH_ORDERS, default 40; BENCH_PROVIDER).
import os from 'node:os';
import { sql } from 'drizzle-orm';
import type { StoreHash } from '@/lib/ids';
import { createSettingsRepo } from '@/lib/repos/settings';
import { QBO_TEST_ACCOUNTS, QBO_TEST_PAYMENTS } from '@/tests/support/quickbooks-fixtures';
import { XERO_TEST_SETTINGS } from '@/tests/support/xero-fixtures';
import { startLifecycleWorld, type LifecycleWorld } from '@/tests/integration/support/lifecycle-env';
import { startConsent } from '@/tests/integration/support/consent-start';
import { BILLING, queryRows, storeJson, until, type StoreApi } from '@/tests/integration/support/sync-helpers';
import { connectThroughConsent, sessionFor } from '@/tests/integration/support/xero-connect';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 40);
/** 1 (default): the store's SKUs are items in Xero (a merchant who uses items); 0: none is (every line a miss). */
const ITEMS = process.env.BENCH_ITEMS !== '0';
const WARM = 2;

const PROVIDER = process.env.BENCH_PROVIDER ?? 'xero';
if (PROVIDER !== 'xero' && PROVIDER !== 'quickbooks') throw new Error(`BENCH_PROVIDER must be xero or quickbooks, not ${PROVIDER}`);
/** The document-kind setting: `invoice` (default: an invoice and its payment) or `auto` (a paid order is a sales receipt). */
const KIND = process.env.BENCH_KIND ?? 'invoice';
const SKUS = [...['MUG-0', 'MUG-1', 'MUG-2', 'MUG-3'], ...['TEE-0', 'TEE-1', 'TEE-2', 'TEE-3', 'TEE-4']];

/** Every request the process sends to the system's API, by method and path with ids blanked (QuickBooks: and query entity). */
const calls = new Map<string, number>();
let counting = false;
const realFetch = globalThis.fetch;
globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const method = (init?.method ?? 'GET').toUpperCase();
  let key: string | null = null;
  if (url.pathname.includes('/api.xro/')) key = `${method} ${url.pathname.replace(/.*\/api\.xro\/2\.0/, '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')}`;
  if (url.pathname.includes('/v3/company/')) {
    const rest = url.pathname.replace(/.*\/v3\/company\/[^/]+/, '').replace(/\/\d+$/, '/:id');
    const query = url.searchParams.get('query');
    key = `${method} ${rest}${query ? ` (${/from\s+(\w+)/i.exec(query)?.[1] ?? '?'})` : ''}`;
  }
  if (counting && key) calls.set(key, (calls.get(key) ?? 0) + 1);
  return realFetch(input, init);
}) as typeof fetch;

/** Connects the store to a new organisation/company through the app's consent flow; makes the SKUs items when asked. */
async function connectXero(world: LifecycleWorld, hash: string): Promise<void> {
  await createSettingsRepo({ db: world.database.db }).save(
    hash as StoreHash,
    { ...XERO_TEST_SETTINGS, orders: { importStatusIds: [11] }, customers: { guests: 'per_email' }, document: { kind: KIND } },
    { expectedVersion: 0 },
  );
  const org = world.xero!.createTenant({ name: 'Calls Ltd', currency: 'USD' });
  const connected = await connectThroughConsent(world, await sessionFor(world, hash), [org.tenantId]);
  if (connected.status !== 200) throw new Error(`connecting Xero answered ${connected.status}`);
  if (!ITEMS) return;
  const made = await realFetch(`${world.sandbox.url}/xero/api.xro/2.0/Items`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${world.xero!.tokenFor(org.tenantId)}`, 'xero-tenant-id': org.tenantId, 'content-type': 'application/json' },
    body: JSON.stringify({ Items: SKUS.map((Code) => ({ Code, Name: Code, SalesDetails: { UnitPrice: 10, AccountCode: '200' } })) }),
  });
  if (made.status !== 200) throw new Error(`creating the items answered ${made.status}: ${await made.text()}`);
}

async function connectQuickBooks(world: LifecycleWorld, hash: string): Promise<void> {
  await createSettingsRepo({ db: world.database.db }).save(
    hash as StoreHash,
    { accounts: QBO_TEST_ACCOUNTS, payments: QBO_TEST_PAYMENTS, tax: { defaultTaxCode: 'TAX', zeroTaxCode: 'NON' }, orders: { importStatusIds: [11] }, customers: { guests: 'per_email' }, document: { kind: KIND } },
    { expectedVersion: 0 },
  );
  const company = world.quickbooks!.createCompany({ name: 'Calls Inc', country: 'US', currency: 'USD', ast: true });
  const { url, cookie } = await startConsent(world.app.url, 'quickbooks', await sessionFor(world, hash), realFetch);
  const page = await realFetch(url);
  const request = /name="request" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const consent = await realFetch(`${world.sandbox.url}/quickbooks/connect/oauth2/consent`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, realmId: company.realmId, action: 'connect' }).toString(),
  });
  const back = await realFetch(consent.headers.get('location') ?? 'http://invalid/', { headers: { cookie } });
  if (back.status !== 200) throw new Error(`connecting QuickBooks answered ${back.status}`);
  if (!ITEMS) return;
  const token = world.quickbooks!.tokenFor(company.realmId);
  for (const sku of SKUS) {
    const made = await realFetch(`${world.sandbox.url}/quickbooks/v3/company/${company.realmId}/item?minorversion=75`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ Name: sku, Sku: sku, Type: 'Service', IncomeAccountRef: { value: '1' } }),
    });
    if (made.status !== 200) throw new Error(`creating item ${sku} answered ${made.status}: ${await made.text()}`);
  }
}

const world = await startLifecycleWorld({ jobs: true, ...(PROVIDER === 'xero' ? { xero: true } : { quickbooks: true }), timeScale: 1 });
let exitCode = 0;
try {
  const { hash, accessToken } = await world.installedStore({ plan: 'standard' });
  const store: StoreApi = { baseUrl: world.sandbox.url, hash, token: accessToken };
  const db = world.database.db;
  await (PROVIDER === 'xero' ? connectXero(world, hash) : connectQuickBooks(world, hash));
  await world.admin(`/__sandbox/stores/${hash}/rate-limit`, { quota: 100_000 });

  const returning = ['ann@example.com', 'bo@example.com', 'cy@example.com'];
  const place = (i: number) =>
    storeJson<{ id: number }>(store, 'POST', '/v2/orders', {
      customer_id: 0,
      status_id: 11,
      payment_method: 'Credit Card',
      billing_address: { ...BILLING, first_name: `Shopper${i}`, email: i % 2 === 0 ? returning[i % returning.length] : `new-${i}@example.com` },
      shipping_cost_ex_tax: '6.00',
      shipping_cost_inc_tax: '6.00',
      products: [
        { name: 'Mug', sku: `MUG-${i % 4}`, quantity: 1 + (i % 3), price_ex_tax: '12.50', price_inc_tax: '12.50' },
        { name: 'Tee', sku: `TEE-${i % 5}`, quantity: 1, price_ex_tax: '20.00', price_inc_tax: '20.00' },
      ],
    });
  const postedCount = async () => (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from sync_records where store_hash = ${hash} and state = 'posted'`))[0]?.n ?? 0;

  // Warm-up (not counted): the first orders read what the organisation's caches hold.
  for (let i = 0; i < WARM; i++) await place(1000 + i);
  await until(postedCount, (n) => n >= WARM, 120_000, 200);
  await world.inngest!.waitForIdle(60_000);

  counting = true;
  const started = Date.now();
  for (let i = 0; i < ORDERS; i++) {
    await place(i);
    await until(postedCount, (n) => n >= WARM + i + 1, 120_000, 100);
  }
  await world.inngest!.waitForIdle(60_000);
  counting = false;
  const wallMs = Date.now() - started;
  const states = await queryRows<{ state: string; n: number }>(db, sql`select state, count(*)::int as n from sync_records where store_hash = ${hash} group by state`);
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  const system = PROVIDER === 'xero' ? 'Xero' : 'QuickBooks';
  console.log(`Calls per live order into ${system} (sandbox): ${ORDERS} orders after ${WARM} warm-up, one contact per guest email (half returning, half new), document kind ${KIND}, ${ITEMS ? `their SKUs items in ${system}` : `no SKU an item in ${system}`}`);
  console.log(`  machine              ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`  sync records         ${states.map((s) => `${s.state} ${s.n}`).join(', ')}`);
  console.log(`  ${system} calls${' '.repeat(17 - system.length)}${total} = ${(total / ORDERS).toFixed(2)} per order (goal ≤ 2: ${total / ORDERS <= 2 ? 'met' : 'not met'})`);
  for (const [key, n] of [...calls.entries()].sort((a, b) => b[1] - a[1])) console.log(`    ${key.padEnd(40)} ${n} (${(n / ORDERS).toFixed(2)} per order)`);
  const perMinute = PROVIDER === 'xero' ? 60 : 500;
  console.log(`  at ${system}'s ${perMinute} calls a minute: ${(perMinute / (total / ORDERS)).toFixed(1)} orders a minute per organisation; wall time here ${(wallMs / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await world.stop();
}
process.exit(exitCode);
