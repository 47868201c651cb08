import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@/db/client';
import type { StoreHash } from '@/lib/ids';
import { createStoreRepo } from '@/lib/repos/stores';
import { startInngestStandIn, type InngestStandIn } from '@/tests/sandbox/inngest/server';
import { signatureFor } from '@/tests/sandbox/inngest/signing';
import { freshDatabase, type TestDatabase } from '../integration/support/db';
import { buildApp, freePort, INNGEST_SIGNING, root, signedInngestEnv } from './support/harness';

/**
 * Issue 15, through real HTTP against the production server (`npm start`: lib/server/main.ts over a production
 * build), served as a deployment behind HTTPS would be (APP_URL https; the test talks to the port directly).
 */
const key = '7b'.repeat(32);
const clientId = 'security-edges-client';
const clientSecret = 'security-edges-client-secret';
const storeHash = 'edgestore' as StoreHash;
const appUrl = 'https://ledgerbridge.example.test';
let postgresDb: TestDatabase | null = null;
let pgliteDir: string | null = null;
let inngest: InngestStandIn;
let app: ChildProcess;
let base = '';
let output = '';

async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  if (postgresDb) return work(postgresDb);
  const database = await openDatabase({ pgliteDir: pgliteDir! });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Every load JWT sent: none may appear in the server's output. */
const issued: string[] = [];

/** A load JWT as BigCommerce signs it, with `url` as its deep link. */
function loadJwt(url: string): string {
  const now = Math.floor(Date.now() / 1000);
  const token = jwt.sign(
    {
      aud: clientId,
      iss: 'bc',
      iat: now,
      nbf: now - 5,
      exp: now + 900,
      jti: `${Math.random()}`,
      sub: `stores/${storeHash}`,
      user: { id: 7, email: 'staff@example.com', locale: 'en' },
      owner: { id: 7, email: 'staff@example.com' },
      url,
      channel_id: null,
    },
    clientSecret,
    { algorithm: 'HS256' },
  );
  issued.push(token);
  return token;
}

const load = (url: string) =>
  fetch(`${base}/api/bigcommerce/load?signed_payload_jwt=${encodeURIComponent(loadJwt(url))}`, { redirect: 'manual' });

beforeAll(async () => {
  buildApp();
  if (process.env.DATABASE_URL) postgresDb = await freshDatabase('edges');
  else pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'lb-edges-'));
  await withDatabase((database) =>
    createStoreRepo({ db: database.db, encryptionKey: key }).recordInstall({
      storeHash,
      accessToken: 'token',
      scope: 'store_v2_orders',
      accountUuid: null,
      owner: { id: 7, email: 'staff@example.com' },
      installer: { id: 7, email: 'staff@example.com' },
    }),
  );
  inngest = await startInngestStandIn({ port: 0, signing: INNGEST_SIGNING });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = spawn(process.execPath, ['--import', 'tsx', 'lib/server/main.ts', '--port', String(port)], {
    cwd: root,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      ...(postgresDb ? { DATABASE_URL: postgresDb.url! } : { DATABASE_URL: '', PGLITE_DIR: pgliteDir! }),
      APP_URL: appUrl,
      BIGCOMMERCE_CLIENT_ID: clientId,
      BIGCOMMERCE_CLIENT_SECRET: clientSecret,
      // Never reached: the store is installed already, and nothing here calls BigCommerce.
      BIGCOMMERCE_LOGIN_URL: 'http://127.0.0.1:9',
      BIGCOMMERCE_API_URL: 'http://127.0.0.1:9',
      TOKEN_ENCRYPTION_KEY: key,
      SESSION_SECRET: 'security-edges-session-secret-0123456789',
      INNGEST_DEV: undefined,
      ...signedInngestEnv(inngest.url),
      LOG_LEVEL: 'debug',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  app.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline || app.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}, 600_000);

afterEach((context) => {
  // The server's own account of a failure: its last lines.
  if (context.task.result?.state === 'fail') console.error(`[security-edges] npm start output (tail):\n${output.slice(-4000)}`);
});

afterAll(async () => {
  if (app && app.exitCode === null) {
    app.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (app.exitCode === null) app.kill('SIGKILL');
  }
  await inngest?.close();
  await postgresDb?.dispose();
  if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
});

describe('/api/inngest in production', () => {
  it('answers only calls signed with the signing key', async () => {
    const call = JSON.stringify({ event: { name: 'order/changed', data: { storeHash, orderId: 1 } }, events: [], steps: {}, version: 2, ctx: { run_id: 'r', attempt: 0, stack: { stack: [], current: 0 } } });
    const unsigned = await fetch(`${base}/api/inngest?fnId=ledgerbridge-order-sync&stepId=step`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: call });
    expect(unsigned.status).toBe(401);
    const forged = await fetch(`${base}/api/inngest?fnId=ledgerbridge-order-sync&stepId=step`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-inngest-signature': signatureFor(call, 'signkey-test-00') },
      body: call,
    });
    expect(forged.status).toBe(401);
    expect((await fetch(`${base}/api/inngest`)).status).toBe(401);
    const signed = await fetch(`${base}/api/inngest`, { headers: { 'x-inngest-signature': signatureFor('', INNGEST_SIGNING.signingKey) } });
    expect(signed.status).toBe(200);
  });

  it('next start refuses to run with INNGEST_DEV, naming it (instrumentation.ts), as npm start does', async () => {
    const result = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '--port', String(await freePort())], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        PGLITE_DIR: 'memory://',
        BIGCOMMERCE_CLIENT_ID: clientId,
        BIGCOMMERCE_CLIENT_SECRET: clientSecret,
        TOKEN_ENCRYPTION_KEY: key,
        SESSION_SECRET: 'security-edges-session-secret-0123456789',
        ...signedInngestEnv(inngest.url),
        INNGEST_DEV: inngest.url,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/could not start: Invalid environment configuration[\s\S]*INNGEST_DEV: must not be set in production/);
  });

  it("registers under APP_URL's origin, whatever Host header a sync request carries", async () => {
    const synced = await fetch(`${base}/api/inngest`, { method: 'PUT', headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } });
    expect(synced.status).toBe(200);
    expect(inngest.apps().map((a) => a.url)).toEqual([`${appUrl}/api/inngest`]);
  });
});

describe('the load callback deep link', () => {
  it('redirects to a path inside the app, the session in the fragment', async () => {
    const response = await load('/activity?status=failed');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(new RegExp(`^/activity\\?status=failed&store=${storeHash}#session=[\\w.%-]+$`));
  });

  it('is a 400, with no session written anywhere, when a tab, a newline, another control character or a backslash would let the browser leave the app', async () => {
    for (const claim of ['/\t/evil.example/x', '/\n/evil.example/x', '/\r\n//evil.example', '/\u0000/evil.example', '/\\evil.example']) {
      const response = await load(claim);
      expect(response.status, JSON.stringify(claim)).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).not.toContain('session=');
    }
    expect(output).not.toMatch(/session=/);
    expect(output).not.toMatch(/evil\.example/);
    for (const token of issued) expect(output).not.toContain(token.split('.')[2]);
  });
});

describe('admin JSON', () => {
  it('is never cached: the session answers and the refusals both say no-store', async () => {
    const location = (await load('/')).headers.get('location')!;
    const token = decodeURIComponent(location.split('#session=')[1]!);
    const auth = { authorization: `Bearer ${token}` };
    for (const pathname of ['/api/me', '/api/admin/settings', '/api/connections/ledger']) {
      const response = await fetch(`${base}${pathname}`, { headers: auth });
      expect(response.status, pathname).toBeLessThan(500);
      expect(response.headers.get('cache-control'), pathname).toBe('no-store');
      const refused = await fetch(`${base}${pathname}`);
      expect(refused.status, pathname).toBe(401);
      expect(refused.headers.get('cache-control'), pathname).toBe('no-store');
    }
    expect((await fetch(`${base}/api/me`, { headers: auth })).status).toBe(200);
  });
});

describe('pages', () => {
  it("may be framed by BigCommerce and the store's own control panel, never by other *.mybigcommerce.com sites", async () => {
    const ancestorsOf = async (pathAndQuery: string) => {
      const response = await fetch(`${base}${pathAndQuery}`, { redirect: 'manual' });
      const csp = response.headers.get('content-security-policy') ?? '';
      // The sandbox's control panel (BIGCOMMERCE_LOGIN_URL points at a local one here) is admitted as in development.
      return (/frame-ancestors ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? []).filter((source) => source !== 'http://127.0.0.1:9');
    };
    // A page the load callback opened names its store; so does every page after a move (the shell keeps the hint).
    const first = (await load('/order-rules')).headers.get('location')!.split('#')[0]!;
    for (const page of [first, `/activity?store=${storeHash}`]) {
      const sources = await ancestorsOf(page);
      expect(sources, page).toEqual(["'self'", 'https://*.bigcommerce.com', `https://store-${storeHash}.mybigcommerce.com`]);
    }
    // The load callback's own answer (a failure page is framed too) names the store of its payload.
    expect(await ancestorsOf(`/api/bigcommerce/load?signed_payload_jwt=${encodeURIComponent(loadJwt('/'))}`)).toContain(`https://store-${storeHash}.mybigcommerce.com`);
    // No hint, or one that is not a store hash: BigCommerce only, and no wildcard over merchants' storefronts.
    for (const page of ['/', '/?store=*', '/?store=evil.example%20https://x', '/?context=stores/a*b']) {
      const sources = await ancestorsOf(page);
      expect(sources, page).toEqual(["'self'", 'https://*.bigcommerce.com']);
    }
  });

  it('run only scripts carrying the response nonce, and are HSTS over HTTPS', async () => {
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${base}/`);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      const nonce = /script-src 'self' 'nonce-([^']+)' 'strict-dynamic'/.exec(csp)?.[1];
      expect(nonce, csp).toBeTruthy();
      nonces.push(nonce!);
      expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000');
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });
});
