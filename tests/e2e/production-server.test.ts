import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@/db/client';
import { WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import type { StoreHash } from '@/lib/ids';
import { createStoreRepo } from '@/lib/repos/stores';
import { createWebhookRepo } from '@/lib/repos/webhooks';
import { startInngestStandIn, type InngestStandIn } from '@/tests/sandbox/inngest/server';
import { signedWebhookHeaders } from '@/tests/support/webhook-signature';
import { freshDatabase, type TestDatabase } from '../integration/support/db';
import { buildApp, freePort, INNGEST_SIGNING, root, signedInngestEnv } from './support/harness';

/**
 * `npm start` is how production runs the app (lib/server/main.ts): Next serves pages and routes, webhook deliveries
 * take the direct path, and SIGTERM lets the events being handed to Inngest go out before the process exits.
 */
const key = '9a'.repeat(32);
const storeHash = 'prodstore' as StoreHash;
let postgresDb: TestDatabase | null = null;
let pgliteDir: string | null = null;
let inngest: InngestStandIn;
let secret: string;

/** The app's database from this process: the test's Postgres database, or the PGlite folder while the app is stopped. */
async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  if (postgresDb) return work(postgresDb);
  const database = await openDatabase({ pgliteDir: pgliteDir! });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  buildApp();
  if (process.env.DATABASE_URL) postgresDb = await freshDatabase('prodserver');
  else pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'lb-prodserver-'));
  secret = await withDatabase(async (database) => {
    const stores = createStoreRepo({ db: database.db, encryptionKey: key });
    await stores.recordInstall({
      storeHash,
      accessToken: 'token',
      scope: 'store_v2_orders',
      accountUuid: null,
      owner: { id: 1, email: 'owner@example.com' },
      installer: { id: 1, email: 'owner@example.com' },
    });
    return (await stores.webhookSecret(storeHash))!;
  });
  inngest = await startInngestStandIn({ port: 0, signing: INNGEST_SIGNING });
});

afterAll(async () => {
  await inngest?.close();
  await postgresDb?.dispose();
  if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('serves Next and the direct webhook path on one port, and hands every event on before it exits on SIGTERM', async () => {
    const port = await freePort();
    // What `npm start` runs, started directly so the test sees the server's own exit code (npm dies of the signal).
    const script = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(script).toBe('node --max-semi-space-size=64 --import tsx lib/server/main.ts');
    const app = spawn(process.execPath, [...script.split(' ').slice(1), '--port', String(port)], {
      cwd: root,
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: '1',
        ...(postgresDb ? { DATABASE_URL: postgresDb.url! } : { DATABASE_URL: '', PGLITE_DIR: pgliteDir! }),
        APP_URL: `http://localhost:${port}`,
        BIGCOMMERCE_CLIENT_ID: 'prod-test',
        BIGCOMMERCE_CLIENT_SECRET: 'prod-test-secret',
        TOKEN_ENCRYPTION_KEY: key,
        SESSION_SECRET: 'production-server-test-secret-0123456789',
        INNGEST_DEV: undefined,
        ...signedInngestEnv(inngest.url),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    app.stdout.on('data', (c: Buffer) => (output += c.toString()));
    app.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => app.once('exit', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const up = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
        if (up) break;
        if (Date.now() > deadline || app.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(output).toMatch(/"msg":"ready"/);
      // Next answers everything but POST to the receiver: a GET there is its 405.
      expect((await fetch(`${base}/api/webhooks/bigcommerce`)).status).toBe(405);

      const deliver = (hash: string, withSecret = secret) => {
        const body = JSON.stringify({
          scope: 'store/order/updated',
          store_id: '1',
          data: { type: 'order', id: 42 },
          hash,
          created_at: Math.floor(Date.now() / 1000),
          producer: `stores/${storeHash}`,
        });
        return fetch(`${base}/api/webhooks/bigcommerce`, {
          method: 'POST',
          // Signed as BigCommerce signs, with BIGCOMMERCE_CLIENT_SECRET below.
          headers: { 'content-type': 'application/json', [WEBHOOK_SECRET_HEADER]: withSecret, ...signedWebhookHeaders(body, 'prod-test-secret') },
          body,
        }).then(async (r) => [r.status, await r.json()] as const);
      };
      expect(await deliver('first')).toEqual([200, { received: true, duplicate: false }]);
      expect(await deliver('first')).toEqual([200, { received: true, duplicate: true }]);
      expect((await deliver('forged', 'not-the-secret'))[0]).toBe(401);

      // Answered deliveries whose events are still in the hand-off batch when SIGTERM arrives: none may be dropped.
      const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => deliver(`burst-${i}`)));
      expect(burst.every(([status]) => status === 200)).toBe(true);
      app.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (app.exitCode === null) app.kill('SIGKILL');
    }
    expect(await withDatabase((database) => createWebhookRepo({ db: database.db }).countFor(storeHash))).toBe(31);
    const listed = (await (await fetch(`${inngest.url}/__standin/events`)).json()) as { received: Record<string, number> };
    expect(listed.received['order/changed']).toBe(31);
  });
});
