import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import { BODY_TIMEOUT_MS } from '@/lib/http/read-body';
import { freshDatabase, type TestDatabase } from '../integration/support/db';
import { rawRequest, type RawOutcome } from '../integration/support/raw-http';
import { buildApp, freePort, root, signedInngestEnv } from './support/harness';

/**
 * Finding 4 of issue 15 against the real production server (`npm start`: a production build of Next behind
 * lib/server/main.ts). Where proxy.ts runs, Next reads the whole body before calling the route (it buffers 10 MB for
 * the proxy and reads the rest to the end): lib/server/body-guard.ts keeps the limit and the deadline ahead of Next.
 * tests/integration/body-limits.test.ts covers the routes' own limits on the route table, on both webhook edges.
 */
const FLOOD = { total: 256 * 1024 * 1024, chunk: 64 * 1024 };
let app: ChildProcess;
let base: string;
let output = '';
let database: TestDatabase | null = null;
let pgliteDir: string | null = null;

function expectRefusedUnread(outcome: RawOutcome, status: number) {
  // The server answers, then closes the connection while the client is still sending: the close is a TCP reset, and
  // on a busy machine the reset can reach the client before it has read the answer, which the kernel then drops. A
  // connection cut with no answer at all is that race; any answer that did arrive must be the refusal.
  if (outcome.status !== null || outcome.response !== '') expect(outcome.status, outcome.response.slice(0, 300)).toBe(status);
  expect(outcome.bodyBytesSent).toBeLessThan(16 * 1024 * 1024);
  expect(outcome.closedAfterMs).toBeLessThan(5_000);
}

beforeAll(async () => {
  buildApp();
  if (process.env.DATABASE_URL) database = await freshDatabase('bodylimits');
  else pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'lb-bodylimits-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'lib/server/main.ts'), '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: root,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      ...(database ? { DATABASE_URL: database.url! } : { DATABASE_URL: '', PGLITE_DIR: pgliteDir! }),
      APP_URL: `http://localhost:${port}`,
      BIGCOMMERCE_CLIENT_ID: 'body-limits',
      BIGCOMMERCE_CLIENT_SECRET: 'body-limits-client-secret',
      TOKEN_ENCRYPTION_KEY: '5c'.repeat(32),
      SESSION_SECRET: 'body-limits-session-secret-0123456789abc',
      // Xero configured, so its callback reads the tenant form it is posted.
      XERO_CLIENT_ID: 'body-limits-xero',
      XERO_CLIENT_SECRET: 'body-limits-xero-secret',
      // Production runs signed; nothing here reaches Inngest.
      ...signedInngestEnv('http://127.0.0.1:9'),
      INNGEST_DEV: undefined,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  app.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await fetch(`${base}/api/health`).then((r) => r.status < 500, () => false)) break;
    if (Date.now() > deadline || app.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

afterAll(async () => {
  app?.kill('SIGKILL');
  await database?.dispose();
  if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
});

describe('npm start: request bodies', () => {
  it('a chunked 256 MB body is refused after a few MB on every edge, Next’s routes included', async () => {
    const webhook = await rawRequest({ url: base, path: '/api/webhooks/bigcommerce', headers: { [WEBHOOK_SECRET_HEADER]: 'x' }, flood: FLOOD });
    expectRefusedUnread(webhook, 413);
    const form = await rawRequest({ url: base, path: '/api/connections/xero/callback', headers: { 'content-type': 'application/x-www-form-urlencoded' }, flood: FLOOD });
    expectRefusedUnread(form, 413);
    // Refused by the server at 1 MiB before the route (or proxy.ts, which makes Next read bodies ahead) sees it.
    const admin = await rawRequest({ url: base, path: '/api/admin/backfill', headers: { 'content-type': 'application/json' }, flood: FLOOD });
    expectRefusedUnread(admin, 413);
    const load = await rawRequest({ url: base, method: 'GET', path: '/api/bigcommerce/load?signed_payload_jwt=x', flood: FLOOD });
    expectRefusedUnread(load, 400);
    // The server carries on.
    expect((await fetch(`${base}/api/webhooks/bigcommerce`, { method: 'POST', body: '{bad' })).status).toBe(400);
  }, 60_000);

  it('bodies trickling a byte a second are cut at the deadline', async () => {
    const trickle = { everyMs: 1_000, forMs: 25_000 };
    const [webhook, form] = await Promise.all([
      rawRequest({ url: base, path: '/api/webhooks/bigcommerce', headers: { [WEBHOOK_SECRET_HEADER]: 'x' }, trickle }),
      rawRequest({ url: base, path: '/api/connections/xero/callback', trickle }),
    ]);
    for (const outcome of [webhook, form]) {
      expect(outcome.status, outcome.response.slice(0, 300)).toBe(408);
      expect(outcome.closedAfterMs).toBeLessThan(BODY_TIMEOUT_MS + 4_000);
    }
  }, 60_000);
});
