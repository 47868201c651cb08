import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '@/tests/sandbox/bigcommerce/server';
import { freshDatabase, type TestDatabase } from '@/tests/integration/support/db';
import { startInngestStandIn, type InngestStandIn } from '@/tests/sandbox/inngest/server';
import { createQuickBooksSandbox, type QuickBooksSandbox } from '@/tests/sandbox/quickbooks/server';
import { createXeroSandbox, type XeroSandbox } from '@/tests/sandbox/xero/server';
import { buildState, distDir, sourceHash, writeBuildStamp } from '@/tests/sandbox/production-build';
import { startSmtpSink, type SmtpSink } from '@/tests/sandbox/smtp/server';

/**
 * Browser tests run the real thing: a production build of the app served as production serves it (`next build`,
 * then `npm start`'s lib/server/main.ts), the BigCommerce sandbox, and Debian's Chromium driven by playwright-core
 * (never a downloaded browser).
 */
export const root = path.resolve(import.meta.dirname, '../../..');
export const artifacts = path.join(root, 'test-results', 'e2e');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=LocalNetworkAccessChecks',
];

export const CLIENT_ID = 'lb-e2e-client';
export const CLIENT_SECRET = 'lb-e2e-client-secret';
export const XERO_CLIENT_ID = 'lb-e2e-xero-client';
export const XERO_CLIENT_SECRET = 'lb-e2e-xero-secret';
export const QUICKBOOKS_CLIENT_ID = 'lb-e2e-quickbooks-client';
export const QUICKBOOKS_CLIENT_SECRET = 'lb-e2e-quickbooks-secret';
/**
 * Production refuses INNGEST_DEV (lib/env.ts): the app runs signed, as against Inngest Cloud or a self-hosted
 * Inngest, with the stand-in as the signing server (tests/sandbox/inngest/signing.ts).
 */
export const INNGEST_SIGNING = { signingKey: `signkey-test-${'5e'.repeat(32)}`, eventKey: 'lb-e2e-event-key' };

/** The app's Inngest settings for a signing stand-in at `url` (and the machine's INNGEST_DEV kept out). */
export function signedInngestEnv(url: string): Record<string, string> {
  return { INNGEST_SIGNING_KEY: INNGEST_SIGNING.signingKey, INNGEST_EVENT_KEY: INNGEST_SIGNING.eventKey, INNGEST_BASE_URL: url };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

let built = false;
/**
 * One production build shared by every test file and `npm run demo`: reused while its source stamp matches
 * (tests/sandbox/production-build.ts), so a run builds at most once. E2E_REUSE_BUILD=1 reuses any build there is.
 */
export function buildApp(): void {
  if (built) return;
  if (process.env.E2E_REUSE_BUILD === '1' && existsSync(path.join(distDir(root), 'BUILD_ID'))) {
    built = true;
    return;
  }
  if (buildState(root).fresh) {
    built = true;
    return;
  }
  const sources = sourceHash(root);
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
  writeBuildStamp(root, sources);
  built = true;
}

export interface E2eWorld {
  appUrl: string;
  inngest: InngestStandIn;
  sandbox: BigCommerceSandbox;
  sandboxUrl: string;
  browser: Browser;
  database: TestDatabase | null;
  /** The Xero sandbox under `/xero` on the sandbox's port, when the world was started with `{ xero: true }`. */
  xero: XeroSandbox | null;
  /** The QuickBooks sandbox under `/quickbooks` on the sandbox's port, when the world was started with `{ quickbooks: true }`. */
  quickbooks: QuickBooksSandbox | null;
  /**
   * The SMTP sink under `/__sandbox/mail` when started with `{ mail: true }`: the app's SMTP_URL, its reports forwarded
   * to the app's bounce route (MAIL_BOUNCE_ADDRESS, MAIL_BOUNCE_SECRET), mail links into the sandbox control panel
   * (BIGCOMMERCE_APP_ID). `mailEnv` is what the app was given.
   */
  mail: { sink: SmtpSink; env: Record<string, string> } | null;
  admin<T = Record<string, unknown>>(pathname: string, body?: unknown): Promise<{ status: number; body: T }>;
  screenshotPath(name: string): string;
  stop(): Promise<void>;
}

/**
 * `xero: true` mounts the Xero sandbox on the BigCommerce sandbox's port (as `npm run demo` does) with the app
 * registered as its OAuth client, and points the app's XERO_* settings at it; `quickbooks: true` does the same for
 * the QuickBooks sandbox and the app's QUICKBOOKS_* settings. A system not asked for is not offered: the machine's
 * own settings for it are kept out of the app's environment.
 */
export async function startE2eWorld(options: { xero?: boolean; quickbooks?: boolean; mail?: boolean } = {}): Promise<E2eWorld> {
  buildApp();
  const appPort = await freePort();
  const appUrl = `http://localhost:${appPort}`;
  const xero = options.xero
    ? createXeroSandbox({
        clients: [{ clientId: XERO_CLIENT_ID, clientSecret: XERO_CLIENT_SECRET, redirectUris: [`${appUrl}/api/connections/xero/callback`], name: 'Ledgerbridge' }],
      })
    : null;
  const quickbooks = options.quickbooks
    ? createQuickBooksSandbox({
        clients: [{ clientId: QUICKBOOKS_CLIENT_ID, clientSecret: QUICKBOOKS_CLIENT_SECRET, redirectUris: [`${appUrl}/api/connections/quickbooks/callback`], name: 'Ledgerbridge' }],
      })
    : null;
  const sink = options.mail ? await startSmtpSink() : null;
  const sandbox = await startBigCommerceSandbox({
    port: 0,
    apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appUrl, name: 'Ledgerbridge' }],
    mounts: [...(xero?.mounts ?? []), ...(quickbooks?.mounts ?? []), ...(sink?.mounts ?? [])],
  });
  const sandboxUrl = `http://localhost:${sandbox.port}`;
  const mailEnv: Record<string, string> | null = sink
    ? {
        SMTP_URL: sink.url,
        MAIL_BOUNCE_ADDRESS: 'bounces@ledgerbridge-e2e.invalid',
        MAIL_BOUNCE_SECRET: 'e2e-inbound-bounce-secret-0123456789',
        BIGCOMMERCE_APP_ID: sandbox.platform.appId(sandbox.platform.app()),
      }
    : null;
  if (sink && mailEnv) sink.forwardReportsTo({ url: `${appUrl}/api/notifications/bounces`, secret: mailEnv.MAIL_BOUNCE_SECRET! });
  const inngest = await startInngestStandIn({ port: 0, timeScale: Number(process.env.E2E_INNGEST_TIME_SCALE ?? 0.05), signing: INNGEST_SIGNING });
  // Real Postgres when DATABASE_URL is set (a fresh database), else PGlite in a temporary folder.
  const database = process.env.DATABASE_URL ? await freshDatabase('e2e') : null;
  const pgliteDir = database ? null : mkdtempSync(path.join(os.tmpdir(), 'lb-e2e-pglite-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(appPort),
    APP_URL: appUrl,
    BIGCOMMERCE_CLIENT_ID: CLIENT_ID,
    BIGCOMMERCE_CLIENT_SECRET: CLIENT_SECRET,
    BIGCOMMERCE_LOGIN_URL: sandboxUrl,
    BIGCOMMERCE_API_URL: sandboxUrl,
    TOKEN_ENCRYPTION_KEY: 'cd'.repeat(32),
    SESSION_SECRET: 'e2e-session-secret-0123456789abcdefghij',
    ...signedInngestEnv(inngest.url),
    LOG_LEVEL: 'warn',
  };
  delete env.INNGEST_DEV;
  // The machine's own mail settings never leak in: a world with the sink sets them all, one without none.
  for (const name of ['SMTP_URL', 'MAIL_BOUNCE_ADDRESS', 'MAIL_BOUNCE_SECRET', 'BIGCOMMERCE_APP_ID']) delete env[name];
  if (mailEnv) Object.assign(env, mailEnv);
  if (xero) {
    env.XERO_CLIENT_ID = XERO_CLIENT_ID;
    env.XERO_CLIENT_SECRET = XERO_CLIENT_SECRET;
    env.XERO_BASE_URL = `${sandboxUrl}/xero`;
  } else {
    // The machine's own Xero settings never leak into a world that has no Xero.
    for (const name of ['XERO_CLIENT_ID', 'XERO_CLIENT_SECRET', 'XERO_BASE_URL', 'XERO_REDIRECT_URI']) delete env[name];
  }
  // The machine's own QuickBooks settings never leak in: a world with the sandbox sets them all, one without none.
  for (const name of ['QUICKBOOKS_CLIENT_ID', 'QUICKBOOKS_CLIENT_SECRET', 'QUICKBOOKS_BASE_URL', 'QUICKBOOKS_REDIRECT_URI', 'QUICKBOOKS_RATE_WINDOW_MS']) delete env[name];
  if (quickbooks) {
    env.QUICKBOOKS_CLIENT_ID = QUICKBOOKS_CLIENT_ID;
    env.QUICKBOOKS_CLIENT_SECRET = QUICKBOOKS_CLIENT_SECRET;
    env.QUICKBOOKS_BASE_URL = `${sandboxUrl}/quickbooks`;
  }
  if (database) env.DATABASE_URL = database.url!;
  else {
    delete env.DATABASE_URL;
    env.PGLITE_DIR = pgliteDir!;
  }
  const app: ChildProcess = spawn(
    process.execPath,
    // The production server, as `npm start` runs it: Next for pages and routes, the direct webhook path.
    ['--import', 'tsx', path.join(root, 'lib/server/main.ts'), '--port', String(appPort)],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  app.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  app.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`${appUrl}/api/health`);
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || app.exitCode !== null) throw new Error(`the app did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  await inngest.sync(`http://127.0.0.1:${appPort}/api/inngest`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  mkdirSync(artifacts, { recursive: true });

  return {
    appUrl,
    inngest,
    sandbox,
    sandboxUrl,
    browser,
    database,
    xero,
    quickbooks,
    mail: sink && mailEnv ? { sink, env: mailEnv } : null,
    async admin<T>(pathname: string, body?: unknown) {
      const response = await fetch(`${sandbox.url}${pathname}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    screenshotPath: (name) => path.join(artifacts, `${name}.png`),
    async stop() {
      await browser.close().catch(() => {});
      app.kill('SIGTERM');
      // A request still in flight can keep the server from exiting on SIGTERM; never hold the e2e lock for it.
      const exited = await new Promise<boolean>((r) => {
        if (app.exitCode !== null || app.signalCode !== null) return r(true);
        const timer = setTimeout(() => r(false), 15_000);
        app.once('exit', () => {
          clearTimeout(timer);
          r(true);
        });
      });
      if (!exited) {
        console.warn(`[e2e] the app did not exit within 15 s of SIGTERM; killed. Its last output:\n${output.slice(-3000)}`);
        app.kill('SIGKILL');
        await new Promise((r) => (app.exitCode !== null || app.signalCode !== null ? r(undefined) : app.once('exit', r)));
      }
      await inngest.close();
      await sandbox.close();
      await sink?.close();
      await database?.dispose();
      if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
    },
  };
}

/**
 * Reloads the embedded app's frame, as a merchant's reload would, and returns once the new document has loaded.
 * `location.reload()` returns before the old document goes: a locator awaited right after it can match the old
 * page, and a count taken a moment later sees the page in between (a CI run counted 0 rows of a saved setting so).
 */
export async function reloadAppFrame(page: import('playwright-core').Page): Promise<void> {
  const appFrame = await (await page.locator('#app-frame').elementHandle())!.contentFrame();
  await appFrame!.evaluate(() => {
    (window as unknown as { leaving?: boolean }).leaving = true;
    window.location.reload();
  });
  await appFrame!.waitForFunction(() => !(window as unknown as { leaving?: boolean }).leaving && document.readyState === 'complete', undefined, { timeout: 30_000 });
}

/**
 * Shows every deferred part of the page in the app's frame (app/(embedded)/_components/deferred.tsx: the order rules
 * below the status table, the mappings' revenue rules and tax rates), as a merchant scrolling down it would: waits for
 * the page to draw them, scrolls each placeholder into view, and returns once all of them are on screen with their
 * controls. Call it after opening or reloading such a page, before reading or changing what they hold.
 */
export async function revealDeferred(frame: import('playwright-core').FrameLocator, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  await frame.locator('[data-deferred]').first().waitFor({ state: 'attached', timeout });
  const pending = frame.locator('[data-deferred="pending"]');
  while ((await pending.count()) > 0) {
    if (Date.now() > deadline) throw new Error(`deferred parts of the page still loading after ${timeout} ms`);
    await pending
      .first()
      .scrollIntoViewIfNeeded({ timeout: 1_000 })
      .catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
