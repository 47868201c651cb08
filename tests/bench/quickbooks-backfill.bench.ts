// Backfills 10,000 orders into the QuickBooks sandbox with Intuit's limits time-scaled (500 operations a minute,
// every operation inside a /batch counting as one; 40 batch requests a minute; 30 operations a batch; 10 at once)
// and prints the calls used and the wall time against the floor those limits imply: the forms and the new customers
// in batches of 30, at 500 operations a minute. Goal: within 1.2× of the floor, no unplanned 429s.
// A US company with Automated Sales Tax; the order fixtures as invoices (`BENCH_KIND=auto`: paid ones as sales
// receipts). `npm run bench -- quickbooks-backfill` (BENCH_ORDERS, BENCH_CUSTOMERS, BENCH_TIME_SCALE, BENCH_PAGE).
import os from 'node:os';
import path from 'node:path';
import { createQuickBooksPacer, createQuickBooksProvider, quickbooksUrls } from '@/lib/accounting/quickbooks';
import { staticToken } from '@/lib/accounting/connect/token-manager';
import { parseUnits } from '@/lib/money';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { loadQuickBooksFixtures } from '@/tests/support/quickbooks-fixtures';
import { startQuickBooksSandbox } from '@/tests/sandbox/quickbooks/server';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 2_500);
const SCALE = Number(process.env.BENCH_TIME_SCALE ?? 20);
const PAGE = Number(process.env.BENCH_PAGE ?? 250);
const KIND = (process.env.BENCH_KIND ?? 'invoice') as 'invoice' | 'auto';
const MINUTE_MS = 60_000 / SCALE;
const PER_MINUTE = 500;
const BATCH = 30;

const templates = loadQuickBooksFixtures(path.resolve(import.meta.dirname, '../fixtures/orders/cases'), { kind: KIND })
  .flatMap((f) => (f.document && f.document.currency.code === 'USD' ? [f.document] : []));

// Customer n orders in a Zipf-ish pattern: regulars come back, most orders are from a small share of people.
function customerFor(i: number): number {
  const x = (Math.imul(i + 1, 2654435761) >>> 0) / 2 ** 32;
  return 1 + Math.floor(CUSTOMERS * x * x);
}

function documentFor(i: number): SalesDocument {
  const t = templates[i % templates.length]!;
  const orderId = 100_000 + i;
  const c = customerFor(i);
  return {
    ...t,
    number: `BC-${orderId}`,
    reference: `BigCommerce order #${orderId}`,
    source: { ...t.source, orderId, orderUrl: null },
    customer: { ...t.customer, match: 'new', remoteId: null, bcCustomerId: c, displayName: `Customer ${c}`, email: `customer${c}@example.com` },
  };
}

/** HTTP requests the provider sends, by kind (a /batch is one request however many operations it holds). */
const requests = { batch: 0, other: 0 };
const realFetch = globalThis.fetch;
const counting: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  if (url.pathname.includes('/v3/company/')) requests[url.pathname.endsWith('/batch') ? 'batch' : 'other'] += 1;
  return realFetch(input, init);
};

const qb = await startQuickBooksSandbox({ port: 0, timeScale: SCALE });
try {
  const company = qb.sandbox.createCompany({ name: 'Backfill Inc', country: 'US', currency: 'USD', ast: true });
  const token = qb.sandbox.tokenFor(company.realmId);
  const items = Array.from({ length: ORDERS }, (_, i) => ({ document: documentFor(i), idempotencyKey: `bench:${100_000 + i}:document` }));
  const distinctCustomers = new Set(items.map((i) => i.document.customer.bcCustomerId)).size;
  const pacer = createQuickBooksPacer({ callsPerMinute: PER_MINUTE, concurrency: 10, batchesPerMinute: 40, windowMs: MINUTE_MS });
  const provider = createQuickBooksProvider({
    realmId: company.realmId,
    tokens: staticToken(token),
    urls: quickbooksUrls(`${qb.url}/quickbooks`),
    fetch: counting,
    pacer,
    minuteMs: MINUTE_MS,
  });
  if (!provider.postDocuments || !provider.prefetch) throw new Error('the QuickBooks provider has no batch path');

  const t0 = performance.now();
  let failures = 0;
  let created = 0;
  const firstFailures: string[] = [];
  for (let i = 0; i < items.length; i += PAGE) {
    const page = items.slice(i, i + PAGE);
    const prefetched = await provider.prefetch({ skus: page.flatMap((p) => p.document.lines.flatMap((l) => (l.sku ? [l.sku] : []))) });
    if (!prefetched.ok) throw new Error(`prefetch: ${prefetched.error.message}`);
    for (const r of await provider.postDocuments(page)) {
      if (!r.ok) {
        failures += 1;
        if (firstFailures.length < 3) firstFailures.push(`${r.error.kind}: ${r.error.message}`);
      } else if (r.value.created) created += 1;
    }
  }
  const wallMs = performance.now() - t0;

  const stats = qb.sandbox.limiter.statsFor(company.realmId);
  const throttled = Object.values(stats.throttled).reduce((a, b) => a + b, 0);
  const forms = (['Invoice', 'SalesReceipt'] as const).flatMap((e) => [...(company.entities.get(e)?.values() ?? [])].map((s) => s.data as { DocNumber: string; TotalAmt: number }));
  const expectedTotal = items.reduce((s, i) => s + parseUnits(i.document.totals.total, 2), 0n);
  const bookedTotal = forms.reduce((s, f) => s + parseUnits(Number(f.TotalAmt).toFixed(2), 2), 0n);
  const numbers = new Set(forms.map((f) => f.DocNumber));
  const customers = company.entities.get('Customer')?.size ?? 0;
  // The floor: every form and every new customer is one operation; operations go 30 a batch; at most 500 operations
  // and 40 batches a minute (500 ÷ 30 ≈ 16.7 full batches a minute binds first).
  const operations = ORDERS + distinctCustomers;
  const floorBatches = Math.ceil(ORDERS / BATCH) + Math.ceil(distinctCustomers / BATCH);
  const floorMs = Math.max(operations / PER_MINUTE, floorBatches / 40) * MINUTE_MS;
  const platform = (ms: number) => `${(ms / MINUTE_MS).toFixed(2)} min (${(ms / 1000).toFixed(1)} s wall at ×${SCALE})`;

  console.log(`quickbooks-backfill: ${ORDERS} orders (${KIND}), ${distinctCustomers} customers, pages of ${PAGE}, US company with AST, Intuit limits 500/min, 40 batches/min, 10 at once, ×${SCALE}`);
  console.log(`  machine                 ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`  forms booked            ${forms.length} (${numbers.size} distinct numbers; created ${created}, failed ${failures}); totals ${bookedTotal === expectedTotal ? 'match' : 'DIFFER'} to the cent`);
  for (const f of firstFailures) console.log(`    ${f.slice(0, 160)}`);
  console.log(`  customers created       ${customers}`);
  console.log(`  requests                ${requests.batch + requests.other} (${requests.batch} batches, ${requests.other} single); operations counted by QuickBooks ${stats.calls} (floor ${operations}) → ${(stats.calls / operations).toFixed(3)}×`);
  console.log(`  wall time               ${platform(wallMs)}`);
  console.log(`  floor                   ${platform(floorMs)} → ${(wallMs / floorMs).toFixed(3)}× the floor (goal ≤ 1.2×)`);
  console.log(`  429s                    ${throttled} (${JSON.stringify(stats.throttled)}); max in flight ${stats.maxConcurrent}`);
  console.log(`  pacer waited            ${(pacer.stats.waitedMs / 1000).toFixed(1)} s over ${pacer.stats.calls} operations in ${pacer.stats.batches} batches`);
  if (forms.length !== ORDERS || numbers.size !== ORDERS || failures || bookedTotal !== expectedTotal) {
    console.log('  RESULT: FAILED (not every order booked exactly once, to the cent)');
    process.exitCode = 1;
  }
} finally {
  await qb.close();
}
