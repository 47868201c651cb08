// `npm run demo`: the whole product on one machine with zero setup: the BigCommerce sandbox (with a seeded
// demo store), the Inngest stand-in that runs the app's background functions, the app (Next.js), and the
// embedded database unless DATABASE_URL is set. Prints the URL of the
// sandbox control panel where the app is installed. Ctrl-C stops everything.
//
// Contract (other tools rely on it): reads PORT (3000), SANDBOX_PORT (4100), APP_URL (http://localhost:$PORT),
// DATABASE_URL (optional), BIGCOMMERCE_CLIENT_ID / BIGCOMMERCE_CLIENT_SECRET (defaults as in .env.example), and
// prints one line `Control panel: <url>` when both are up.
//
// The app and the sandbox listen on loopback (127.0.0.1) only: under `next dev` /api/inngest runs any step for
// anyone (INNGEST_DEV: no signatures), and the sandbox hands out tokens. LISTEN_HOST=0.0.0.0 opens them to the
// network, for a demo on a machine you trust the network of.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startBigCommerceSandbox } from './bigcommerce/server';
import { startInngestStandIn } from './inngest/server';
import { createQuickBooksSandbox } from './quickbooks/server';
import { createXeroSandbox } from './xero/server';

const started = Date.now();
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

// Demo-only defaults, the same values as .env.example. A real deployment sets its own secrets.
const defaults: Record<string, string> = {
  PORT: '3000',
  SANDBOX_PORT: '4100',
  BIGCOMMERCE_CLIENT_ID: 'ledgerbridge-demo-client',
  BIGCOMMERCE_CLIENT_SECRET: 'ledgerbridge-demo-secret-change-me-in-production',
  TOKEN_ENCRYPTION_KEY: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  SESSION_SECRET: 'demo-session-secret-change-me-0123456789abcdef',
  DEMO_STORE_HASH: 'demostore',
  INNGEST_STANDIN_PORT: '8288',
};
const setting = (name: string): string => process.env[name] || defaults[name] || '';

const port = Number(setting('PORT'));
const sandboxPort = Number(setting('SANDBOX_PORT'));
const appUrl = process.env.APP_URL || `http://localhost:${port}`;
const listenHost = process.env.LISTEN_HOST || '127.0.0.1';
const clientId = setting('BIGCOMMERCE_CLIENT_ID');
const clientSecret = setting('BIGCOMMERCE_CLIENT_SECRET');
const storeHash = setting('DEMO_STORE_HASH');

for (const [name, value] of [['PORT', port], ['SANDBOX_PORT', sandboxPort]] as const) {
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    console.error(`demo: ${name} must be a port number (got ${process.env[name]})`);
    process.exit(2);
  }
}

const log = (line: string) => console.log(`[demo] ${line}`);
const running: { app?: ChildProcess } = {};
let sandbox: Awaited<ReturnType<typeof startBigCommerceSandbox>> | undefined;
let inngest: Awaited<ReturnType<typeof startInngestStandIn>> | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    const app = running.app;
    if (app && app.exitCode === null && app.pid) {
      try {
        process.kill(-app.pid, 'SIGTERM'); // the whole group: next dev starts workers
      } catch {
        app.kill('SIGTERM');
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 5000);
        app?.once('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    await inngest?.close();
    await sandbox?.close();
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  // Xero on the same port under /xero, with the app registered as an OAuth client.
  const xero = createXeroSandbox({
    clients: [
      {
        clientId: process.env.XERO_CLIENT_ID || 'ledgerbridge-xero-demo-client',
        clientSecret: process.env.XERO_CLIENT_SECRET || 'ledgerbridge-xero-demo-secret',
        redirectUris: [`${appUrl}/api/connections/xero/callback`],
        name: 'Ledgerbridge',
      },
    ],
  });
  // QuickBooks Online beside Xero under /quickbooks, with the app registered as an OAuth client.
  const quickbooks = createQuickBooksSandbox({
    clients: [
      {
        clientId: process.env.QUICKBOOKS_CLIENT_ID || 'ledgerbridge-quickbooks-demo-client',
        clientSecret: process.env.QUICKBOOKS_CLIENT_SECRET || 'ledgerbridge-quickbooks-demo-secret',
        redirectUris: [`${appUrl}/api/connections/quickbooks/callback`],
        name: 'Ledgerbridge',
      },
    ],
  });
  sandbox = await startBigCommerceSandbox({
    mounts: [...xero.mounts, ...quickbooks.mounts],
    port: sandboxPort,
    host: listenHost,
    apps: [{ clientId, clientSecret, appUrl, name: 'Ledgerbridge' }],
  });
} catch (error) {
  console.error(`demo: the sandbox could not listen on port ${sandboxPort}: ${String(error)} (set SANDBOX_PORT)`);
  process.exit(1);
}
const sandboxUrl = `http://localhost:${sandbox.port}`;
log(`BigCommerce sandbox on ${sandboxUrl}`);

const inngestPort = Number(setting('INNGEST_STANDIN_PORT'));
try {
  inngest = await startInngestStandIn({
    port: inngestPort,
    appUrls: [`http://127.0.0.1:${port}/api/inngest`],
    log: process.env.DEMO_VERBOSE ? (line) => log(`inngest: ${line}`) : undefined,
  });
} catch (error) {
  console.error(`demo: the Inngest stand-in could not listen on port ${inngestPort}: ${String(error)} (set INNGEST_STANDIN_PORT)`);
  await stop(1);
}
log(`Inngest stand-in on ${inngest!.url} (runs: ${inngest!.url}/__standin/runs)`);

const appEnv = {
  ...process.env,
  PORT: String(port),
  APP_URL: appUrl,
  BIGCOMMERCE_CLIENT_ID: clientId,
  BIGCOMMERCE_CLIENT_SECRET: clientSecret,
  BIGCOMMERCE_LOGIN_URL: sandboxUrl,
  BIGCOMMERCE_API_URL: sandboxUrl,
  TOKEN_ENCRYPTION_KEY: setting('TOKEN_ENCRYPTION_KEY'),
  SESSION_SECRET: setting('SESSION_SECRET'),
  INNGEST_DEV: inngest!.url,
  XERO_CLIENT_ID: process.env.XERO_CLIENT_ID || 'ledgerbridge-xero-demo-client',
  XERO_CLIENT_SECRET: process.env.XERO_CLIENT_SECRET || 'ledgerbridge-xero-demo-secret',
  XERO_BASE_URL: `${sandboxUrl}/xero`,
  QUICKBOOKS_CLIENT_ID: process.env.QUICKBOOKS_CLIENT_ID || 'ledgerbridge-quickbooks-demo-client',
  QUICKBOOKS_CLIENT_SECRET: process.env.QUICKBOOKS_CLIENT_SECRET || 'ledgerbridge-quickbooks-demo-secret',
  QUICKBOOKS_BASE_URL: `${sandboxUrl}/quickbooks`,
  NEXT_TELEMETRY_DISABLED: '1',
};
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const app = spawn(process.execPath, [nextBin, 'dev', '--port', String(port), '--hostname', listenHost], {
  cwd: root,
  env: appEnv,
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
running.app = app;
app.stdout?.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
app.stderr?.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
app.once('exit', (code) => {
  if (!stopping) {
    console.error(`demo: the app exited (code ${code}); stopping.`);
    void stop(1);
  }
});
function prefix(chunk: Buffer): string {
  return chunk
    .toString()
    .split('\n')
    .map((line) => (line ? `[app] ${line}` : line))
    .join('\n');
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer in time (${last})`);
}

async function admin(pathname: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sandbox!.url}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

try {
  await waitFor(`${appUrl}/api/health`, 180_000);
  await inngest!.sync(`http://127.0.0.1:${port}/api/inngest`);
  log(`app up on ${appUrl} (database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PGlite in .data/'})`);
  const created = await admin('/__sandbox/stores', { hash: storeHash, plan: 'plus', currency: 'USD', name: 'Demo Store' });
  if (created.status !== 201) throw new Error(`creating the demo store answered ${created.status}`);
  const seeded = await admin(`/__sandbox/stores/${storeHash}/seed`, { products: 40, customers: 25, orders: 60, seed: 1 });
  if (seeded.status === 404) log('this sandbox has no seed endpoint yet: the demo store starts empty');
  else if (seeded.status >= 300) throw new Error(`seeding the demo store answered ${seeded.status}`);
  else log(`seeded the demo store: ${JSON.stringify(seeded.body)}`);
  // Compile the embedded pages once so the first click in the control panel is quick.
  await waitFor(`${appUrl}/`, 180_000);
  const installed = await admin(`/__sandbox/stores/${storeHash}/install`, {});
  if (installed.body.status !== 200) {
    throw new Error(`installing the app answered ${String(installed.body.status)}: ${JSON.stringify(installed.body)}`);
  }
  log(`app installed on store ${storeHash} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`Control panel: ${sandboxUrl}/manage/${storeHash}/apps`);
} catch (error) {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
