// Backfills 10,000 orders into the Xero sandbox with Xero's limits time-scaled (60 calls a minute, 5 at once)
// and prints the calls used and the wall time against the floor those limits imply: invoices ÷ 50 plus the
// contact batches (new customers ÷ 50), at 60 calls a minute. Goal: within 1.2× of the floor, zero 429s.
// `npm run bench xero-backfill` (BENCH_ORDERS, BENCH_CUSTOMERS, BENCH_TIME_SCALE, BENCH_PAGE).
import path from 'node:path';
import { createXeroPacer, createXeroProvider, staticXeroToken, xeroUrls, type BatchItem } from '@/lib/accounting/xero';
import { loadOrderFixtures, needsOf } from '@/tests/support/xero-fixtures';
import { parseUnits } from '@/lib/money';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { startXeroSandbox } from '@/tests/sandbox/xero/server';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 2_500);
const SCALE = Number(process.env.BENCH_TIME_SCALE ?? 10);
/** Orders handed to postDocuments at once: what one backfill step loads from BigCommerce (250 a page). */
const PAGE = Number(process.env.BENCH_PAGE ?? 250);
const MINUTE_MS = 60_000 / SCALE;

const templates = loadOrderFixtures(path.resolve(import.meta.dirname, '../fixtures/orders/cases')).flatMap((f) => (f.document ? [f.document] : []));
const needs = needsOf(templates);

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

const xero = await startXeroSandbox({ port: 0, timeScale: SCALE });
try {
  const tenant = xero.sandbox.createTenant({
    name: 'Backfill Ltd',
    currency: 'USD',
    currencies: needs.currencies,
    taxRates: needs.taxTypes.filter((c) => !['TAX001', 'TAX002', 'NONE', 'INPUT'].includes(c)).map((TaxType) => ({ TaxType, Name: TaxType, rate: '5' })),
  });
  const token = xero.sandbox.tokenFor(tenant.tenantId);
  // Seeding items is setup, not part of the backfill: done with limits off, then the counters are reset.
  xero.sandbox.limiter.overrides.set(tenant.tenantId, { minute: 1_000_000, day: 1_000_000 });
  const seed = await fetch(`${xero.url}/xero/api.xro/2.0/Items`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenant.tenantId, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ Items: needs.itemCodes.map((Code) => ({ Code, Name: Code })) }),
  });
  if (seed.status !== 200) throw new Error(`seeding items: ${seed.status}`);
  xero.sandbox.limiter.overrides.delete(tenant.tenantId);
  xero.sandbox.limiter.reset();
  xero.sandbox.limiter.stats.delete(tenant.tenantId);

  const items: BatchItem[] = Array.from({ length: ORDERS }, (_, i) => ({ document: documentFor(i), idempotencyKey: `bench:${100_000 + i}:document` }));
  const distinctCustomers = new Set(items.map((i) => i.document.customer.bcCustomerId)).size;
  const pacer = createXeroPacer({ callsPerMinute: 60, concurrency: 5, windowMs: MINUTE_MS });
  const provider = createXeroProvider({ tenantId: tenant.tenantId, tokens: staticXeroToken(token), urls: xeroUrls(`${xero.url}/xero`), pacer });

  const t0 = performance.now();
  let failures = 0;
  let created = 0;
  for (let i = 0; i < items.length; i += PAGE) {
    const results = await provider.postDocuments(items.slice(i, i + PAGE));
    for (const r of results) {
      if (!r.ok) failures += 1;
      else if (r.value.created) created += 1;
    }
  }
  const wallMs = performance.now() - t0;

  const stats = xero.sandbox.limiter.statsFor(tenant.tenantId);
  const rejected = Object.values(stats.rejected).reduce((a, b) => a + b, 0);
  const invoices = [...tenant.documents.values()].filter((d) => d.kind === 'invoice');
  const expectedTotal = items.reduce((s, i) => s + parseUnits(i.document.totals.total, 2), 0n);
  const bookedTotal = invoices.reduce((s, d) => s + parseUnits(d.Total.toFixed(2), 2), 0n);
  const floorCalls = Math.ceil(ORDERS / 50) + Math.ceil(distinctCustomers / 50);
  const floorMs = (floorCalls / 60) * MINUTE_MS;
  const platform = (ms: number) => `${(ms / MINUTE_MS).toFixed(2)} min (${(ms / 1000).toFixed(1)} s wall at ×${SCALE})`;

  console.log(`xero-backfill: ${ORDERS} orders, ${distinctCustomers} customers, pages of ${PAGE}, Xero limits 60/min, 5 concurrent, time scale ×${SCALE}`);
  console.log(`  invoices booked         ${invoices.length} (created ${created}, failed ${failures}); totals ${bookedTotal === expectedTotal ? 'match' : 'DIFFER'} to the cent`);
  console.log(`  contacts created        ${tenant.contacts.size}`);
  console.log(`  calls used              ${stats.calls} (floor ${floorCalls} = ${Math.ceil(ORDERS / 50)} invoice batches + ${Math.ceil(distinctCustomers / 50)} contact batches) → ${(stats.calls / floorCalls).toFixed(3)}×`);
  console.log(`  wall time               ${platform(wallMs)}`);
  console.log(`  floor at 60 calls/min   ${platform(floorMs)} → ${(wallMs / floorMs).toFixed(3)}× the floor (goal ≤ 1.2×)`);
  console.log(`  429s                    ${rejected} (${JSON.stringify(stats.rejected)}); max in flight ${stats.maxConcurrent}`);
  console.log(`  pacer waited            ${(pacer.stats.waitedMs / 1000).toFixed(1)} s over ${pacer.stats.calls} calls; day allowance left ${pacer.stats.dayRemaining}`);
  if (invoices.length !== ORDERS || failures || bookedTotal !== expectedTotal) console.log('  RESULT: FAILED (not every order booked exactly once)');
} finally {
  await xero.close();
}
