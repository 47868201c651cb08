// Webhook receiver on loopback: a production build (`next start`) on real Postgres receives signed-header
// deliveries. Phase 1: closed loop (N in flight) for the sustained maximum. Phase 2: open loop at a fixed rate
// (the 1,000/s goal) for latency at that load. Then every accepted delivery is counted in the database: none lost.
//   npm run bench -- webhook-receiver     (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/test)
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import type { StoreHash } from '@/lib/ids';
import { createStoreRepo } from '@/lib/repos/stores';
import { buildApp, freePort, root } from '../e2e/support/harness';
import { startInngestStandIn } from '../sandbox/inngest/server';

const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const inflight = Number(process.env.BENCH_CONCURRENCY ?? 16);
const rate = Number(process.env.BENCH_RATE ?? 1000);
const key = 'ef'.repeat(32);

const dbName = `lb_bench_webhooks_${Date.now().toString(36)}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${dbName}"`);
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const database = await openDatabase({ url: dbUrl.toString(), max: 2 });
const stores = createStoreRepo({ db: database.db, encryptionKey: key });
const storeHash = 'benchstore' as StoreHash;
await stores.recordInstall({
  storeHash,
  accessToken: 'bench-token',
  scope: 'store_v2_orders',
  accountUuid: null,
  owner: { id: 1, email: 'owner@example.com' },
  installer: { id: 1, email: 'owner@example.com' },
});
const secret = (await stores.webhookSecret(storeHash))!;

buildApp();
const port = await freePort();
// Accepted deliveries become order/changed events sent after the response; the stand-in takes them (no app
// functions run here: the app is not synced, so this measures the receiver alone).
const inngest = await startInngestStandIn({ port: 0 });
const app = spawn(process.execPath, [...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_DIR] : []), path.join(root, 'node_modules/next/dist/bin/next'), 'start', '--port', String(port)], {
  cwd: root,
  env: {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_URL: dbUrl.toString(),
    BIGCOMMERCE_CLIENT_ID: 'bench',
    BIGCOMMERCE_CLIENT_SECRET: 'bench',
    TOKEN_ENCRYPTION_KEY: key,
    SESSION_SECRET: 'bench-session-secret-0123456789abcdefgh',
    LOG_LEVEL: 'warn',
    INNGEST_DEV: inngest.url,
  },
  stdio: 'ignore',
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let sequence = 0;
function deliver(): Promise<{ status: number; ms: number }> {
  const body = JSON.stringify({
    scope: 'store/order/updated',
    store_id: '1001',
    data: { type: 'order', id: (sequence % 5000) + 1 },
    hash: `bench-${sequence++}`,
    created_at: Math.floor(Date.now() / 1000),
    producer: `stores/${storeHash}`,
  });
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/webhooks/bigcommerce',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), [WEBHOOK_SECRET_HEADER]: secret },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(body);
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
function summary(name: string, results: Array<{ status: number; ms: number }>, wallMs: number) {
  const ok = results.filter((r) => r.status === 200);
  const sorted = ok.map((r) => r.ms).sort((a, b) => a - b);
  console.log(
    `${name}: ${results.length} sent, ${ok.length} accepted, ${(ok.length / (wallMs / 1000)).toFixed(0)}/s, ` +
      `p50 ${pct(sorted, 50).toFixed(1)} ms, p99 ${pct(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`,
  );
  return ok.length;
}

let accepted = 0;
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break;
    } catch {
      if (i > 200) throw new Error('app did not start');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  // Warm up the route (first request compiles nothing in production, but opens the pool).
  for (let i = 0; i < 200; i++) accepted += (await deliver()).status === 200 ? 1 : 0;

  // Phase 1: closed loop.
  const closed: Array<{ status: number; ms: number }> = [];
  const deadline = Date.now() + seconds * 1000;
  const t1 = Date.now();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (Date.now() < deadline) closed.push(await deliver());
    }),
  );
  accepted += summary(`closed loop, ${inflight} in flight, ${seconds} s`, closed, Date.now() - t1);

  // Phase 2: open loop at a fixed rate.
  const open: Array<Promise<{ status: number; ms: number }>> = [];
  const t2 = Date.now();
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const due = t2 + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    open.push(deliver());
  }
  const openResults = await Promise.all(open);
  accepted += summary(`open loop at ${rate}/s, ${seconds} s`, openResults, Date.now() - t2);

  const counted = await admin.unsafe(`select count(*)::int as n from "${dbName}".public.webhook_deliveries`).catch(async () => {
    const direct = postgres(dbUrl.toString(), { max: 1 });
    const rows = await direct`select count(*)::int as n from webhook_deliveries`;
    await direct.end();
    return rows;
  });
  const n = Number(counted[0]?.n);
  console.log(`deliveries accepted ${accepted}, recorded in the database ${n}: ${n === accepted ? 'none lost' : `${accepted - n} LOST`}`);
  console.log(`machine: ${(await import('node:os')).cpus().length} cores, Node ${process.version}`);
} finally {
  app.kill('SIGTERM');
  agent.destroy();
  await inngest.close();
  await database.close();
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
}
