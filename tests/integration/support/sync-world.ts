/**
 * A world for the sync tests and benchmarks that need the app in a process of its own (to kill it, or to keep it
 * off the event loop of the sandbox and the stand-in): the BigCommerce sandbox and the Inngest stand-in in this
 * process, a fresh database on real Postgres, and the app's route handlers (startAppServer) in a child process on
 * a fixed port that survives restarts.
 */
import { readFileSync } from 'node:fs';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '@/tests/sandbox/bigcommerce/server';
import { startInngestStandIn, type InngestStandIn } from '@/tests/sandbox/inngest/server';
import { freshDatabase, type TestDatabase } from './db';
import { CLIENT_ID, CLIENT_SECRET, ENCRYPTION_KEY } from './lifecycle-env';
import { freePort, startAppChild, type AppChild } from './sync-app-child';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface SyncWorld {
  sandbox: BigCommerceSandbox;
  inngest: InngestStandIn;
  database: TestDatabase;
  app: AppChild;
  appUrl: string;
  /** Kills the app (SIGKILL) and starts it again on the same port; resolves once it serves again. */
  restartApp(options?: { downMs?: number }): Promise<void>;
  admin<T = Record<string, unknown>>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A new sandbox store with the app installed. */
  installedStore(options?: { plan?: string; currency?: string }): Promise<{ hash: string; accessToken: string }>;
  /** Peak resident memory of the app process so far (VmHWM), in bytes; null where /proc is unavailable. */
  appPeakRss(): number | null;
  stop(): Promise<void>;
}

export async function startSyncWorld(options: {
  timeScale: number;
  sandboxTimeScale?: number;
  log?: (line: string) => void;
  /** The app's output (stdout and stderr), as it comes; with `logLevel` (default silent) for its log. */
  appOutput?: (text: string) => void;
  logLevel?: 'info' | 'debug' | 'trace';
  /** Which edge serves the app: the route table alone (default) or behind the production server's listener. */
  edge?: 'route' | 'server';
  /** Calls the Inngest stand-in makes to the app at once (`--queue-workers`; default 100, as Inngest's dev server). */
  queueWorkers?: number;
}): Promise<SyncWorld> {
  process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL;
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const inngest = await startInngestStandIn({
    port: 0, timeScale: options.timeScale, ...(options.log ? { log: options.log } : {}), ...(options.queueWorkers ? { workers: options.queueWorkers } : {}),
  });
  const sandbox = await startBigCommerceSandbox({
    port: 0,
    timeScale: options.sandboxTimeScale ?? 1,
    apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appUrl, name: 'Ledgerbridge' }],
  });
  const database = await freshDatabase('syncworld');
  const env: Record<string, string> = {
    DATABASE_URL: database.url!,
    APP_URL: appUrl,
    BIGCOMMERCE_CLIENT_ID: CLIENT_ID,
    BIGCOMMERCE_CLIENT_SECRET: CLIENT_SECRET,
    BIGCOMMERCE_LOGIN_URL: sandbox.url,
    BIGCOMMERCE_API_URL: sandbox.url,
    TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
    SESSION_SECRET: 'integration-session-secret-0123456789abcdef',
    LOG_LEVEL: options.logLevel ?? 'silent',
    INNGEST_DEV: inngest.url,
    ...(options.edge === 'server' ? { SYNC_APP_EDGE: 'server' } : {}),
  };
  const childOptions = options.appOutput ? { onOutput: options.appOutput } : {};
  let app = await startAppChild(port, env, childOptions);
  await inngest.sync(`${appUrl}/api/inngest`);

  async function admin<T>(path: string, body?: unknown) {
    const response = await fetch(`${sandbox.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  const world: SyncWorld = {
    sandbox,
    inngest,
    database,
    get app() {
      return app;
    },
    appUrl,
    async restartApp({ downMs = 0 } = {}) {
      await app.kill();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      app = await startAppChild(port, env, childOptions);
    },
    admin,
    async installedStore(opts = {}) {
      const created = await admin<{ hash: string }>('/__sandbox/stores', opts);
      const installed = await admin<{ access_token: string; status: number }>(`/__sandbox/stores/${created.body.hash}/install`, {});
      if (installed.body.status !== 200) throw new Error(`install answered ${installed.body.status}`);
      return { hash: created.body.hash, accessToken: installed.body.access_token };
    },
    appPeakRss() {
      try {
        const status = readFileSync(`/proc/${app.process.pid}/status`, 'utf8');
        const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
        return kb ? Number(kb) * 1024 : null;
      } catch {
        return null;
      }
    },
    async stop() {
      await app.stop();
      await inngest.close();
      await sandbox.close();
      await database.dispose();
    },
  };
  return world;
}
