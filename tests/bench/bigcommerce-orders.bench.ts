// Order listing throughput: orders per second fetched with embedded line items, consignments and fees
// (`include=consignments.line_items,fees`, 250 per call) from the BigCommerce sandbox at pro-plan limits
// (450 requests per 30 s window), through the real client: pacing, zod parsing and all.
// The sandbox runs in its own process (as `npm run sandbox`), so client and server do not share a core.
// `npm run bench bigcommerce-orders` (BENCH_ORDERS, default 10,000).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createBigCommerceClient } from '@/lib/bigcommerce/client';
import { embeddedLineItems } from '@/lib/bigcommerce/schemas/orders';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const repoRoot = path.resolve(import.meta.dirname, '../..');

const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'tests/sandbox/server.ts')], {
  cwd: repoRoot,
  env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_STATE_FILE: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const sandboxUrl = await new Promise<string>((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${out}`)), 30_000);
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const m = /BigCommerce sandbox: (http:\/\/\S+)/.exec(out);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]!.replace('localhost', '127.0.0.1'));
    }
  });
  child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${out}`)));
});

async function admin<T = unknown>(p: string, body: unknown): Promise<T> {
  const r = await fetch(`${sandboxUrl}/__sandbox${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`admin ${p}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

try {
  const { hash } = await admin<{ hash: string }>('/stores', { plan: 'pro' });
  const limits = await admin<{ quota: number; windowMs: number }>(`/stores/${hash}/rate-limit`, {});
  const seedStarted = Date.now();
  await admin(`/stores/${hash}/seed`, { products: 40, customers: 500, orders: ORDERS, seed: 42 });
  const seedMs = Date.now() - seedStarted;
  const { access_token } = await admin<{ access_token: string }>(`/stores/${hash}/api-accounts`, { scopes: ['store_v2_orders_read_only'] });

  let calls = 0;
  let bytes = 0;
  let throttled = 0;
  const countingFetch = (async (input, init) => {
    calls += 1;
    const response = await fetch(input, init);
    if (response.status === 429) throttled += 1;
    bytes += Number(response.headers.get('content-length') ?? 0);
    return response;
  }) satisfies typeof fetch;
  const client = createBigCommerceClient({ fetch: countingFetch, apiUrl: sandboxUrl, storeHash: hash, accessToken: access_token });

  const started = process.hrtime.bigint();
  let orders = 0;
  let lines = 0;
  for await (const page of client.listOrders()) {
    if (!page.ok) throw new Error(`listing failed: ${JSON.stringify(page.error)}`);
    orders += page.value.length;
    for (const order of page.value) lines += embeddedLineItems(order)?.length ?? 0;
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (orders !== ORDERS) throw new Error(`listed ${orders} orders, expected ${ORDERS}`);

  const perSecond = orders / (wallMs / 1000);
  const perCallQuota = (limits.quota / limits.windowMs) * 1000;
  console.log(`BigCommerce order listing (sandbox in its own process, pro plan: ${limits.quota} requests per ${limits.windowMs / 1000} s)`);
  console.log(`  orders listed            ${orders.toLocaleString('en')} with ${lines.toLocaleString('en')} embedded line items (seeded in ${seedMs} ms)`);
  console.log(`  API calls                ${calls} (${throttled} answered 429), ${(bytes / 1e6).toFixed(1)} MB`);
  console.log(`  wall time                ${wallMs.toFixed(0)} ms`);
  console.log(`  throughput               ${perSecond.toFixed(0)} orders/s`);
  console.log(`  quota used               ${calls} of ${limits.quota} calls in the window (one order per call would need ${orders.toLocaleString('en')} calls: ${perCallQuota.toFixed(0)} orders/s at this plan)`);
} finally {
  child.kill('SIGTERM');
}
