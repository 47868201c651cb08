import { setDatabaseForTests } from '@/db';
import { resetEnvForTests } from '@/lib/env';
import { startBigCommerceSandbox, type BigCommerceSandbox, type BigCommerceSandboxOptions } from '@/tests/sandbox/bigcommerce/server';
import { startInngestStandIn, type InngestStandIn } from '@/tests/sandbox/inngest/server';
import { createQuickBooksSandbox, type QuickBooksSandbox } from '@/tests/sandbox/quickbooks/server';
import { createXeroSandbox, type XeroSandbox } from '@/tests/sandbox/xero/server';
import { startAppServer, type TestAppServer } from './app-server';
import { freshDatabase, type TestDatabase } from './db';

export const CLIENT_ID = 'lb-test-client';
export const CLIENT_SECRET = 'lb-test-client-secret';
export const ENCRYPTION_KEY = 'ab'.repeat(32);

export interface LifecycleWorld {
  app: TestAppServer;
  /** The Inngest stand-in running the app's functions (only with `{jobs: true}`). */
  inngest: InngestStandIn | null;
  /** The Xero sandbox, mounted under `/xero` on the BigCommerce sandbox's port (only with `{xero: true}`). */
  xero: XeroSandbox | null;
  /** The QuickBooks sandbox, mounted under `/quickbooks` on the same port (only with `{quickbooks: true}`). */
  quickbooks: QuickBooksSandbox | null;
  sandbox: BigCommerceSandbox;
  database: TestDatabase;
  /** JSON call to the sandbox admin API. */
  admin<T = Record<string, unknown>>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A new sandbox store (random hash) with the app installed; returns its hash and token. */
  installedStore(options?: { plan?: string; currency?: string }): Promise<{ hash: string; accessToken: string }>;
  stop(): Promise<void>;
}

/**
 * The app's route handlers on a real port, the BigCommerce sandbox with the app registered under that port, and a
 * fresh database the handlers use. Environment variables are set the way `npm run demo` sets them.
 */
export const XERO_CLIENT = { clientId: 'lb-test-xero-client', clientSecret: 'lb-test-xero-secret' };
export const QUICKBOOKS_CLIENT = { clientId: 'lb-test-quickbooks-client', clientSecret: 'lb-test-quickbooks-secret' };

export async function startLifecycleWorld(
  options: {
    jobs?: boolean;
    timeScale?: number;
    xero?: boolean;
    quickbooks?: boolean;
    /** Xero's minutes and days last 1/N (benchmarks). */
    xeroTimeScale?: number;
    /** Which edge answers webhook deliveries (support/app-server.ts); the Next route by default. */
    webhookEdge?: 'route' | 'server';
    /** More sandboxes on the sandbox's port (e.g. the SMTP sink's `/__sandbox/mail`). */
    mounts?: BigCommerceSandboxOptions['mounts'];
  } = {},
): Promise<LifecycleWorld> {
  const app = await startAppServer(undefined, options.webhookEdge);
  const inngest = options.jobs ? await startInngestStandIn({ port: 0, timeScale: options.timeScale ?? 0.01 }) : null;
  const xero = options.xero
    ? createXeroSandbox({
        refreshGraceMs: 0,
        timeScale: options.xeroTimeScale ?? 1,
        // Xero's 30-minute access tokens stay 30 minutes of wall-clock time when Xero's minutes are scaled for its
        // rate limits: a token shorter than the app's refresh margin (2 minutes) would be refreshed on every call.
        accessTokenMs: 30 * 60_000 * (options.xeroTimeScale ?? 1),
        clients: [{ ...XERO_CLIENT, redirectUris: [`${app.url}/api/connections/xero/callback`], name: 'Ledgerbridge' }],
      })
    : null;
  const quickbooks = options.quickbooks
    ? createQuickBooksSandbox({ clients: [{ ...QUICKBOOKS_CLIENT, redirectUris: [`${app.url}/api/connections/quickbooks/callback`], name: 'Ledgerbridge' }] })
    : null;
  const sandbox = await startBigCommerceSandbox({
    mounts: [...(xero?.mounts ?? []), ...(quickbooks?.mounts ?? []), ...(options.mounts ?? [])],
    port: 0,
    apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appUrl: app.url, name: 'Ledgerbridge' }],
  });
  Object.assign(process.env, {
    APP_URL: app.url,
    BIGCOMMERCE_CLIENT_ID: CLIENT_ID,
    BIGCOMMERCE_CLIENT_SECRET: CLIENT_SECRET,
    BIGCOMMERCE_LOGIN_URL: sandbox.url,
    BIGCOMMERCE_API_URL: sandbox.url,
    TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
    SESSION_SECRET: 'integration-session-secret-0123456789abcdef',
    LOG_LEVEL: 'silent',
  });
  if (inngest) process.env.INNGEST_DEV = inngest.url;
  else delete process.env.INNGEST_DEV;
  if (xero) {
    Object.assign(process.env, {
      XERO_CLIENT_ID: XERO_CLIENT.clientId,
      XERO_CLIENT_SECRET: XERO_CLIENT.clientSecret,
      XERO_BASE_URL: `${sandbox.url}/xero`,
      // The app paces by Xero's minute as the sandbox measures it.
      XERO_RATE_WINDOW_MS: String(Math.round(60_000 / (options.xeroTimeScale ?? 1))),
    });
  } else {
    for (const name of ['XERO_CLIENT_ID', 'XERO_CLIENT_SECRET', 'XERO_BASE_URL', 'XERO_RATE_WINDOW_MS']) delete process.env[name];
  }
  if (quickbooks) {
    Object.assign(process.env, { QUICKBOOKS_CLIENT_ID: QUICKBOOKS_CLIENT.clientId, QUICKBOOKS_CLIENT_SECRET: QUICKBOOKS_CLIENT.clientSecret, QUICKBOOKS_BASE_URL: `${sandbox.url}/quickbooks` });
  } else {
    for (const name of ['QUICKBOOKS_CLIENT_ID', 'QUICKBOOKS_CLIENT_SECRET', 'QUICKBOOKS_BASE_URL', 'QUICKBOOKS_RATE_WINDOW_MS']) delete process.env[name];
  }
  resetEnvForTests();
  const database = await freshDatabase('lifecycle');
  setDatabaseForTests(database);
  if (inngest) await inngest.sync(`${app.url}/api/inngest`);

  async function admin<T>(path: string, body?: unknown) {
    const response = await fetch(`${sandbox.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  return {
    app,
    inngest,
    xero,
    quickbooks,
    sandbox,
    database,
    admin,
    async installedStore(options = {}) {
      const created = await admin<{ hash: string }>('/__sandbox/stores', options);
      const installed = await admin<{ access_token: string; status: number }>(
        `/__sandbox/stores/${created.body.hash}/install`,
        {},
      );
      if (installed.body.status !== 200) throw new Error(`install answered ${installed.body.status}`);
      return { hash: created.body.hash, accessToken: installed.body.access_token };
    },
    async stop() {
      // The stand-in's close waits for the calls it has in flight to be answered, before the database goes.
      await inngest?.close();
      setDatabaseForTests(undefined);
      await sandbox.close();
      await app.close();
      await database.dispose();
    },
  };
}
