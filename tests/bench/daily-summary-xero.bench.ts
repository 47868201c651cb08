// Daily summary mode against Xero (issue 18): one day of 10,000 orders (the accounting core's fixture orders, varied,
// built for Xero's chart) and 500 refunds, kept as the pipeline keeps them on real Postgres, then summarised and posted
// to the Xero sandbox through postDaySummaries and the Xero provider, with Xero's limits (60 calls a minute, 5 at once)
// time-scaled. Prints the time, the Xero calls (the goal: a handful a day, not thousands), and checks that every
// summary invoice's Total and TotalTax read back from Xero equal its orders' to the cent, and its credit note its
// refunds' (exit 1 when not). `npm run bench -- daily-summary-xero` (DATABASE_URL, default the local test database; a
// private database is created and dropped). BENCH_ORDERS changes the day's size, BENCH_TIME_SCALE the clock (10).
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { schema, type Db } from '@/db/client';
import { syncPostings, syncRecords } from '@/db/schema';
import { createXeroPacer, createXeroProvider, staticXeroToken, xeroUrls } from '@/lib/accounting/xero';
import { formatUnits, parseUnits, sum } from '@/lib/money';
import { createSummaryRepo } from '@/lib/repos/summaries';
import type { SalesDocument } from '@/lib/sync';
import { summaryMethodOf } from '@/lib/sync/summary/daily-summary';
import { postDaySummaries } from '@/lib/sync/summary/post-summaries';
import { startXeroSandbox } from '@/tests/sandbox/xero/server';
import { openTestDatabase } from '@/tests/support/test-database';
import { loadOrderFixtures, needsOf } from '@/tests/support/xero-fixtures';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const REFUNDS = Math.floor(ORDERS / 20);
const SCALE = Number(process.env.BENCH_TIME_SCALE ?? 10);
const MINUTE_MS = 60_000 / SCALE;
const DAY = '2026-11-02';
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Three payment methods and their clearing accounts in the sandbox's chart. */
const METHODS = [{ method: 'Credit Card', account: '090' }, { method: 'PayPal', account: '091' }, { method: 'Cash', account: '092' }];

const templates = loadOrderFixtures(path.resolve(import.meta.dirname, '../fixtures/orders/cases')).flatMap((f) => (f.document ? [f.document] : []));
const needs = needsOf(templates);

/** The i-th order of the day: a fixture's document under a new order id, paid by one of three methods. */
function documentFor(i: number): SalesDocument {
  const t = templates[i % templates.length]!;
  const orderId = 200_000 + i;
  const m = METHODS[i % METHODS.length]!;
  return {
    ...t, date: DAY, number: `BC-${orderId}`, reference: `BigCommerce order #${orderId}`, source: { ...t.source, orderId, orderUrl: null },
    lines: t.lines.map((l) => ({ ...l, itemId: null, sku: null })),
    payments: t.payments.map((p) => (p.kind === 'gateway' ? { ...p, method: m.method, account: m.account } : p)),
  };
}

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
const database = await openTestDatabase({ url, prefix: 'lb_bench_summary_xero' });
const client = postgres(database.url ?? url, { max: 4, onnotice: () => {} });
const db = drizzle(client, { schema }) as unknown as Db;
const xero = await startXeroSandbox({ port: 0, timeScale: SCALE });
try {
  const storeHash = 'benchsumxero';
  const tenant = xero.sandbox.createTenant({
    name: 'Summary Ltd', currency: 'USD', currencies: needs.currencies,
    taxRates: needs.taxTypes.filter((c) => !['TAX001', 'TAX002', 'NONE', 'INPUT'].includes(c)).map((TaxType) => ({ TaxType, Name: TaxType, rate: '5' })),
  });
  const pacer = createXeroPacer({ callsPerMinute: 60, concurrency: 5, windowMs: MINUTE_MS });
  const provider = createXeroProvider({ tenantId: tenant.tenantId, tokens: staticXeroToken(xero.sandbox.tokenFor(tenant.tenantId)), urls: xeroUrls(`${xero.url}/xero`), pacer });

  // Setup (not timed): the day's orders and refunds kept as the pipeline's `summarise` plan keeps them.
  const docs = Array.from({ length: ORDERS }, (_, i) => documentFor(i));
  for (let i = 0; i < docs.length; i += 1_000) {
    await db.insert(syncRecords).values(docs.slice(i, i + 1_000).map((d) => ({
      storeHash, orderId: d.source.orderId, provider: 'xero', state: 'summarised', reason: 'in_daily_summary', document: d as unknown as Record<string, unknown>,
    })));
  }
  // A refund of each twentieth order, the same day: its first line credited in full, the money back to its method.
  const refunded = docs.filter((_, i) => i % 20 === 0).slice(0, REFUNDS);
  await db.insert(syncPostings).values(refunded.map((d, i) => {
    const line = d.lines[0]!;
    const payment = d.payments.find((p) => p.kind === 'gateway');
    return {
      storeHash, orderId: d.source.orderId, provider: 'xero', key: `${storeHash}:${d.source.orderId}:refund:${i}`, kind: 'credit', refundId: 900_000 + i,
      state: 'summarised', amount: line.gross, tax: line.tax,
      detail: {
        date: DAY,
        credit: { lines: [line], total: line.gross, tax: line.tax },
        payouts: payment ? [{ paymentId: i, providerId: 'bench', method: payment.method, kind: payment.kind, account: payment.account, amount: line.gross, offline: false }] : [],
      },
    };
  }));

  const deps = { storeHash, providerId: 'xero', provider, summaries: createSummaryRepo({ db }), closeHours: 24, timeZone: 'UTC', now: () => new Date() };
  const callsBefore = provider.api.counters.calls;
  const started = performance.now();
  const outcomes = await postDaySummaries(deps, DAY, { force: true });
  const seconds = (performance.now() - started) / 1000;
  const calls = provider.api.counters.calls - callsBefore;
  // Again: nothing changed, nothing posted (the summaries' rows say so: no Xero call).
  const callsAgain = provider.api.counters.calls;
  const again = await postDaySummaries(deps, DAY, { force: true });
  const secondCalls = provider.api.counters.calls - callsAgain;

  // Read back from Xero: each summary's invoice and credit note against its orders and refunds.
  const admin = async <T>(route: string): Promise<T> => (await (await fetch(`${xero.url}/__sandbox/xero/tenants/${tenant.tenantId}/${route}`)).json()) as T;
  const invoices = (await admin<Array<{ InvoiceNumber: string; Reference: string; Total: number; TotalTax: number; Status: string }>>('invoices')).filter((d) => d.Status !== 'DELETED' && d.Status !== 'VOIDED');
  const credits = (await admin<Array<{ CreditNoteNumber: string; Total: number; TotalTax: number; Status: string }>>('credit-notes')).filter((d) => d.Status !== 'DELETED' && d.Status !== 'VOIDED');
  let mismatches = 0;
  for (const o of outcomes) {
    const ofKey = docs.filter((d) => d.currency.code === o.key.currency && summaryMethodOf(d) === o.key.method);
    const scale = ofKey[0]?.currency.scale ?? 2;
    const refundsOfKey = refunded.filter((d) => d.currency.code === o.key.currency && summaryMethodOf(d) === o.key.method);
    const inv = invoices.filter((d) => d.InvoiceNumber === o.number);
    const cn = credits.filter((d) => d.CreditNoteNumber === `${o.number}-CR`);
    const u = (v: unknown) => parseUnits(Number(v).toFixed(scale), scale);
    const want = { total: sum(ofKey.map((d) => parseUnits(d.totals.total, scale))), tax: sum(ofKey.map((d) => parseUnits(d.totals.tax, scale))) };
    const wantCredit = { total: sum(refundsOfKey.map((d) => parseUnits(d.lines[0]!.gross, scale))), tax: sum(refundsOfKey.map((d) => parseUnits(d.lines[0]!.tax, scale))) };
    const ok = inv.length === 1 && u(inv[0]!.Total) === want.total && u(inv[0]!.TotalTax) === want.tax
      && (refundsOfKey.length === 0 ? cn.length === 0 : cn.length === 1 && u(cn[0]!.Total) === wantCredit.total && u(cn[0]!.TotalTax) === wantCredit.tax);
    if (!ok) {
      mismatches += 1;
      console.log(`  MISMATCH ${o.number} ${o.key.currency} ${o.key.method}: ${inv.length} invoice(s) ${inv[0]?.Total}/${inv[0]?.TotalTax}, orders ${formatUnits(want.total, scale)}/${formatUnits(want.tax, scale)}; ${cn.length} credit note(s)`);
    }
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const posted = outcomes.filter((o) => o.result === 'posted').length;
  const stats = xero.sandbox.limiter.stats.get(tenant.tenantId);
  console.log(`daily-summary-xero: one day of ${ORDERS} orders and ${REFUNDS} refunds summarised and posted to Xero (sandbox, 60 calls/min and 5 at once, time scale ×${SCALE}) in ${seconds.toFixed(2)} s`);
  console.log(`  summaries:         ${posted} posted (${new Set(outcomes.map((o) => o.key.currency)).size} currencies × payment methods), ${outcomes.length - posted} other: ${outcomes.filter((o) => o.result !== 'posted').map((o) => o.message).join('; ')}`);
  console.log(`  Xero calls:        ${calls} (${(calls / Math.max(1, posted)).toFixed(1)} per summary: look-ups by number, contact, invoice, payments, credit note, payouts); 429s by limit: ${JSON.stringify(stats?.rejected ?? {})}; per-order posting would make ${ORDERS} invoices and their payments`);
  console.log(`  a second run:      ${again.filter((o) => o.result === 'unchanged').length} of ${again.length} unchanged, ${secondCalls} Xero calls`);
  console.log(`  peak RSS:          ${(peakRss / 1024 / 1024).toFixed(0)} MB; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores`);
  console.log(`  tie-out:           ${mismatches === 0 ? 'every summary’s invoice and credit note equal its orders’ and refunds’ total and tax to the cent, read back from Xero' : `${mismatches} summaries DO NOT tie out`}`);
  if (mismatches > 0 || posted === 0 || again.some((o) => o.result !== 'unchanged') || secondCalls !== 0) process.exitCode = 1;
} finally {
  clearInterval(sampler);
  await xero.close();
  await client.end({ timeout: 5 });
  await database.close();
}
