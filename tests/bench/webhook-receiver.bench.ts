// Webhook receiver on loopback: the production server (`npm start`: lib/server/main.ts over a production build) on
// real Postgres receives deliveries with the store's secret header, from a raw-socket load generator (support/
// http-load.ts) sharing the machine's cores with the server, Postgres and the Inngest stand-in (its own process).
//   Open loop: BENCH_RATE (1,000) deliveries a second for BENCH_SECONDS (10), latency counted from when each was
//   due: the goal.
//   Closed loop: BENCH_CONCURRENCY (16) in flight for BENCH_SECONDS: the sustained maximum.
// Then every accepted delivery is counted in the database and among the events Inngest received: none lost.
//   npm run bench -- webhook-receiver                     (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/test)
//   BENCH_SERVER=next npm run bench -- webhook-receiver   (the same build under `next start`: the Next route instead)
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import type { StoreHash } from '@/lib/ids';
import { createStoreRepo } from '@/lib/repos/stores';
import { signedWebhookHeaders } from '@/tests/support/webhook-signature';
import { buildApp, freePort, root } from '../e2e/support/harness';
import { closedLoop, openLoop, percentile, type LoadResult } from './support/http-load';

const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const inflight = Number(process.env.BENCH_CONCURRENCY ?? 16);
const rate = Number(process.env.BENCH_RATE ?? 1000);
const underNext = process.env.BENCH_SERVER === 'next';
const key = 'ef'.repeat(32);
const GOAL = { rate: 1000, p99Ms: 20 };

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
const children: ChildProcess[] = [];
const started = (command: string[], env: Record<string, string>) => {
  const child = spawn(process.execPath, command, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
};
// Accepted deliveries become order/changed events sent after the response. The stand-in runs apart from the load
// generator so its work does not delay the generator's clock; no app is synced with it, so no function runs: this
// measures the receiver alone.
const inngestPort = await freePort();
// Production refuses INNGEST_DEV: the stand-in signs, as Inngest Cloud or a self-hosted Inngest would.
const signingKey = `signkey-bench-${'00'.repeat(32)}`;
started(['--import', 'tsx', path.join(root, 'tests/sandbox/inngest/main.ts')], {
  INNGEST_STANDIN_PORT: String(inngestPort),
  INNGEST_STANDIN_QUIET: '1',
  INNGEST_STANDIN_SIGNING_KEY: signingKey,
  INNGEST_STANDIN_EVENT_KEY: 'bench',
});
const inngestUrl = `http://127.0.0.1:${inngestPort}`;
const port = await freePort();
const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_DIR] : [];
started(
  underNext
    ? [...profile, path.join(root, 'node_modules/next/dist/bin/next'), 'start', '--port', String(port)]
    : [...profile, '--import', 'tsx', path.join(root, 'lib/server/main.ts'), '--port', String(port)],
  {
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_URL: dbUrl.toString(),
    BIGCOMMERCE_CLIENT_ID: 'bench',
    BIGCOMMERCE_CLIENT_SECRET: 'bench',
    TOKEN_ENCRYPTION_KEY: key,
    SESSION_SECRET: 'bench-session-secret-0123456789abcdefgh',
    LOG_LEVEL: 'warn',
    INNGEST_SIGNING_KEY: signingKey,
    INNGEST_EVENT_KEY: 'bench',
    INNGEST_BASE_URL: inngestUrl,
  },
);

let sequence = 0;
const delivery = () => {
  const body = JSON.stringify({
    scope: 'store/order/updated',
    store_id: '1001',
    data: { type: 'order', id: (sequence % 5000) + 1 },
    hash: `bench-${sequence++}`,
    created_at: Math.floor(Date.now() / 1000),
    producer: `stores/${storeHash}`,
  });
  // Signed with BIGCOMMERCE_CLIENT_SECRET ('bench'), as BigCommerce signs every delivery.
  return {
    method: 'POST' as const,
    path: '/api/webhooks/bigcommerce',
    headers: { 'content-type': 'application/json', [WEBHOOK_SECRET_HEADER]: secret, ...signedWebhookHeaders(body, 'bench') },
    body,
  };
};

function report(name: string, result: LoadResult) {
  const perSecond = result.ok / (result.wallMs / 1000);
  const p99 = percentile(result.latencies, 99);
  const refused = Object.entries(result.statuses).filter(([status]) => status !== '200');
  console.log(
    `${name}: ${result.sent} sent, ${result.ok} accepted${refused.length ? ` (others: ${refused.map(([s, n]) => `${n} × ${s}`).join(', ')})` : ''}, ` +
      `${perSecond.toFixed(0)}/s, p50 ${percentile(result.latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
      `max ${result.latencies.at(-1)?.toFixed(1)} ms`,
  );
  return { perSecond, p99 };
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

try {
  await until(async () => (await fetch(`${inngestUrl}/__standin/events`)).ok, 'the Inngest stand-in starting');
  await until(async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).ok, 'the app starting');
  console.log(`server: ${underNext ? '`next start` (the Next route)' : '`npm start` (lib/server/main.ts: the direct path)'}`);
  const warm = await closedLoop({ port, connections: 8, durationMs: 3000, next: delivery });
  // The goal's rate first, then the maximum: the closed loop leaves the server and Postgres catching up (autovacuum
  // of tens of thousands of new rows, collected garbage) for a while after it ends.
  const openRun = await openLoop({ port, connections: 64, rate, durationMs: seconds * 1000, next: delivery });
  const open = report(`open loop at ${rate}/s, ${seconds} s`, openRun);
  const closedRun = await closedLoop({ port, connections: inflight, durationMs: seconds * 1000, next: delivery });
  report(`closed loop, ${inflight} in flight, ${seconds} s`, closedRun);

  const accepted = warm.ok + closedRun.ok + openRun.ok;
  const direct = postgres(dbUrl.toString(), { max: 1 });
  const recorded = Number((await direct`select count(*)::int as n from webhook_deliveries`)[0]?.n);
  await direct.end();
  const handedOn = async () =>
    ((await (await fetch(`${inngestUrl}/__standin/events`)).json()) as { received: Record<string, number> }).received['order/changed'] ?? 0;
  await until(async () => (await handedOn()) >= recorded, 'every recorded delivery reaching Inngest', 15_000).catch(() => undefined);
  const events = await handedOn();
  console.log(
    `deliveries accepted ${accepted}, recorded in the database ${recorded}, events received by Inngest ${events}: ` +
      (recorded === accepted && events === recorded ? 'none lost' : `${accepted - recorded} not recorded, ${recorded - events} not handed on`),
  );
  const met = open.perSecond >= GOAL.rate * 0.99 && open.p99 <= GOAL.p99Ms;
  console.log(`goal (${GOAL.rate}/s sustained, p99 ≤ ${GOAL.p99Ms} ms, offered ${rate}/s): ${met ? 'met' : 'NOT met'}`);
  console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(2)}`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await database.close();
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
}
