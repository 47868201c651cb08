// Reconciling one day of 10,000 orders (issue 17): the store's side read from the BigCommerce sandbox (Standard plan,
// 150 requests per 30 s) through the real client, the books' side read back from the Xero sandbox (60 calls a minute,
// 5 at once, 5,000 a day; the provider's pacer) through listDocuments and listPayments, and the classification. Prints
// the wall time, the calls to each side against their limits, and what was found. Setup (seeding 10,000 orders, their
// 10,000 invoices and the payments each order's payment status says were taken, limits off for the seeding) is not
// timed. Both sandboxes run in this process.
// `npm run bench reconcile` (BENCH_ORDERS, default 10,000).
import { createBigCommerceClient } from '@/lib/bigcommerce/client';
import { createXeroPacer, createXeroProvider, staticXeroToken, xeroUrls } from '@/lib/accounting/xero';
import { reconcileRange } from '@/lib/sync/reconcile';
import { orderPayments } from '@/lib/sync/order-payments';
import { defaultSettings } from '@/lib/sync/settings';
import { currencyScale, formatUnits, parseUnits } from '@/lib/money';
import type { StoreHash } from '@/lib/ids';
import { startBigCommerceSandbox } from '@/tests/sandbox/bigcommerce/server';
import { resources } from '@/tests/sandbox/bigcommerce/resources/model';
import { startXeroSandbox } from '@/tests/sandbox/xero/server';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const DAY = '2026-11-20';

const bc = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'bench', clientSecret: 'bench-secret', appUrl: 'http://127.0.0.1:9' }] });
const xero = await startXeroSandbox({ port: 0 });
async function admin<T>(p: string, body: unknown): Promise<T> {
  const r = await fetch(`${bc.url}/__sandbox${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`admin ${p}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

try {
  // ---- setup: one day of orders in the store, each with its invoice in Xero ----
  const { hash } = await admin<{ hash: string }>('/stores', { name: 'Busy store', currency: 'USD' });
  await admin(`/stores/${hash}/seed`, { products: 40, customers: 500, orders: ORDERS, seed: 7 });
  const dayStart = Date.parse(`${DAY}T00:00:00Z`);
  resources(bc.platform.store(hash)).orders.forEach((o, i) => {
    o.date_created = dayStart + Math.floor((i * 86_000_000) / ORDERS); // spread over the day
    o.status_id = 11; // every one eligible (Awaiting Fulfillment, the default import status)
  });
  const { access_token } = await admin<{ access_token: string }>(`/stores/${hash}/api-accounts`, { scopes: ['store_v2_orders_read_only', 'store_v2_transactions_read_only'] });
  let bcCalls = 0;
  let bcThrottled = 0;
  const countingFetch = (async (input, init) => {
    bcCalls += 1;
    const response = await fetch(input, init);
    if (response.status === 429) bcThrottled += 1;
    return response;
  }) satisfies typeof fetch;
  const client = createBigCommerceClient({ fetch: countingFetch, apiUrl: bc.url, storeHash: hash, accessToken: access_token });

  // Card and other gateway payments into the bank account, store credit and gift certificates into a clearing account.
  const settings = defaultSettings();
  settings.payments = { ...settings.payments, defaultAccount: '090', storeCreditAccount: '092', giftCertificateAccount: '092' };
  const orders: Array<{ id: number; exTax: string; tax: string; currency: string; paid: Array<{ account: string; amount: string }> }> = [];
  for await (const page of client.listOrders({ minDateCreated: new Date(dayStart), maxDateCreated: new Date(dayStart + 86_400_000), sort: 'id:asc' })) {
    if (!page.ok) throw new Error(page.error.message);
    for (const o of page.value) {
      const currency = o.currency_code ?? o.default_currency_code;
      const scale = currencyScale(currency);
      const paid = orderPayments({
        total: parseUnits(String(o.total_inc_tax), scale), storeCredit: parseUnits(String(o.store_credit_amount), scale),
        giftCertificates: parseUnits(String(o.gift_certificate_amount), scale), paymentStatus: o.payment_status, paymentMethod: o.payment_method ?? '',
      }, settings.payments).payments.map((p) => ({ account: p.account, amount: formatUnits(p.amount, scale) }));
      orders.push({ id: o.id, exTax: String(o.total_ex_tax), tax: String(o.total_tax), currency, paid });
    }
  }
  if (orders.length !== ORDERS) throw new Error(`seeded ${orders.length} orders on ${DAY}, expected ${ORDERS}`);

  const tenant = xero.sandbox.createTenant({ name: 'Busy Ltd', currency: 'USD', currencies: [...new Set(orders.map((o) => o.currency))].filter((c) => c !== 'USD') });
  const token = xero.sandbox.tokenFor(tenant.tenantId);
  xero.sandbox.limiter.overrides.set(tenant.tenantId, { minute: 1_000_000, day: 1_000_000 });
  for (let i = 0; i < orders.length; i += 50) {
    const invoices = orders.slice(i, i + 50).map((o) => ({
      Type: 'ACCREC', Contact: { Name: 'Web Sales' }, Date: DAY, CurrencyCode: o.currency, InvoiceNumber: `BC-${o.id}`, Reference: `BigCommerce order #${o.id}`,
      Status: 'AUTHORISED', LineAmountTypes: 'Exclusive',
      LineItems: [{ Description: `Order ${o.id}`, Quantity: 1, UnitAmount: Number(o.exTax), AccountCode: '200', TaxType: 'TAX001', TaxAmount: Number(o.tax) }],
    }));
    const r = await fetch(`${xero.url}/xero/api.xro/2.0/Invoices?summarizeErrors=false`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenant.tenantId, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ Invoices: invoices }),
    });
    if (r.status !== 200) throw new Error(`seeding invoices: ${r.status} ${(await r.text()).slice(0, 300)}`);
  }
  let payments = 0;
  for (let i = 0; i < orders.length; i += 50) {
    const batch = orders.slice(i, i + 50).flatMap((o) => o.paid.map((p) => ({ Invoice: { InvoiceNumber: `BC-${o.id}` }, Account: { Code: p.account }, Date: DAY, Amount: Number(p.amount) })));
    if (batch.length === 0) continue;
    payments += batch.length;
    const r = await fetch(`${xero.url}/xero/api.xro/2.0/Payments?summarizeErrors=false`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenant.tenantId, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ Payments: batch }),
    });
    if (r.status !== 200) throw new Error(`seeding payments: ${r.status} ${(await r.text()).slice(0, 300)}`);
    const refused = ((await r.json()) as { Payments: Array<{ HasValidationErrors?: boolean; ValidationErrors?: unknown }> }).Payments.filter((p) => p.HasValidationErrors);
    if (refused.length) throw new Error(`seeding payments: ${JSON.stringify(refused[0]).slice(0, 300)}`);
  }
  xero.sandbox.limiter.overrides.delete(tenant.tenantId);
  xero.sandbox.limiter.reset();
  xero.sandbox.limiter.stats.delete(tenant.tenantId);
  const setupCalls = bcCalls;

  // ---- the run: both sides read within their limits, then classed ----
  const pacer = createXeroPacer({ callsPerMinute: 60, concurrency: 5, windowMs: 60_000 });
  const provider = createXeroProvider({ tenantId: tenant.tenantId, tokens: staticXeroToken(token), urls: xeroUrls(`${xero.url}/xero`), pacer });
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const outcome = await reconcileRange(
    {
      storeHash: hash as StoreHash, providerId: 'xero', provider, store: client,
      records: { facts: async () => [] }, settings, storeCurrency: 'USD',
    },
    { from: DAY, to: DAY },
  );
  const wallMs = performance.now() - t0;
  if (!outcome.ok) throw new Error(outcome.message);
  const stats = xero.sandbox.limiter.statsFor(tenant.tenantId);
  const xeroRejected = Object.values(stats.rejected).reduce((a, b) => a + b, 0);
  const days = outcome.days.filter((d) => d.date === DAY);
  const storeOrders = days.reduce((n, d) => n + d.store.orders, 0);
  const documents = days.reduce((n, d) => n + d.books.documents, 0);
  const classes = new Map<string, number>();
  for (const d of days) for (const x of d.differences) classes.set(x.class, (classes.get(x.class) ?? 0) + 1);
  const xeroCalls = provider.api.counters.calls;
  const bcRunCalls = bcCalls - setupCalls;

  console.log(`reconciled ${DAY}: ${outcome.read.orders} orders, ${outcome.read.refunds} refunds, ${outcome.read.documents} documents, ${outcome.read.payments} payments (${payments} seeded) read in ${(wallMs / 1000).toFixed(1)} s (${Math.round(outcome.read.orders / (wallMs / 1000))} orders/s)`);
  console.log(`  ${days.length} currencies; store ${storeOrders} orders, books ${documents} documents; differences: ${[...classes].map(([c, n]) => `${n} ${c}`).join(', ') || 'none'} (the seeded refunds have no credit notes)`);
  console.log(`  BigCommerce: ${bcRunCalls} calls (${Math.ceil(ORDERS / 250)} order pages of 250 + refunds), ${bcThrottled} throttled; Standard plan quota 150 per 30 s`);
  console.log(`  Xero: ${xeroCalls} calls (${Math.ceil(ORDERS / 1000)} invoice pages of 1,000 + credit notes + ${Math.max(1, Math.ceil(payments / 1000))} payment pages), ${xeroRejected} rejected (429); limits 60 a minute, 5,000 a day → ${((xeroCalls / 5000) * 100).toFixed(2)}% of a day's allowance`);
  console.log(`  heap grew ${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(0)} MB during the run`);
  if (storeOrders !== ORDERS || documents !== ORDERS || [...classes.keys()].some((c) => c !== 'refund_not_credited') || xeroRejected > 0 || bcThrottled > 0) process.exitCode = 1;
} finally {
  await xero.close();
  await bc.close();
}
