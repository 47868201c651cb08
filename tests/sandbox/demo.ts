// `npm run demo`: the whole product on one machine with zero setup: the BigCommerce sandbox (with a seeded
// demo store), the Inngest stand-in that runs the app's background functions, the app as production runs it (a
// production build served by `npm start`'s lib/server/main.ts), and the embedded database unless DATABASE_URL is
// set. Prints the URL of the sandbox control panel where the app is installed. Ctrl-C stops everything.
//
// Contract (other tools rely on it): reads PORT (3000), SANDBOX_PORT (4100), APP_URL (http://localhost:$PORT),
// DATABASE_URL (optional), BIGCOMMERCE_CLIENT_ID / BIGCOMMERCE_CLIENT_SECRET (optional), and prints one line
// `Control panel: <url>` when both are up.
//
// The build: `next build` on the first run and whenever the sources changed since (tests/sandbox/production-build.ts;
// the browser tests share it). Under `next dev` a fresh start sometimes told the page to reload over and over, and
// showed the dev indicator; the production server also has the body guard and the direct webhook path.
//
// Production refuses the published demo secrets and unsigned Inngest (lib/env.ts), so the demo makes its own secrets
// once and keeps them in DEMO_ENV_FILE (.data/demo.env, mode 600), and the stand-in signs as Inngest Cloud does. The
// same file tells the command line (lib/cli/demo-env.ts) where the running demo's database is: with no DATABASE_URL,
// the demo process owns the PGlite folder (.data/demo/pglite, emptied at each start like the in-memory sandboxes;
// PGLITE_DIR names one that is kept) and serves it on loopback (tests/sandbox/pglite-server.ts), because PGlite is
// single-process and the CLI could not open the folder beside the app.
//
// A new order arrives in the store every DEMO_ORDER_INTERVAL seconds (30); `--no-orders` or DEMO_ORDERS=0 turns that
// off. The app and the sandbox listen on loopback (127.0.0.1) only: the sandbox hands out tokens to anyone.
// LISTEN_HOST=0.0.0.0 opens them to the network, for a demo on a machine you trust the network of.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDemoEnv } from '@/lib/cli/demo-env';
import { startBigCommerceSandbox } from './bigcommerce/server';
import { NOTIFICATION_KINDS } from '@/lib/notify/kinds';
import { startSmtpSink } from './smtp/server';
import { startOrderTicker, type OrderTicker } from './demo-orders';
import { startInngestStandIn } from './inngest/server';
import { startPgliteServer, type PgliteServer } from './pglite-server';
import { ensureProductionBuild } from './production-build';
import { createQuickBooksSandbox } from './quickbooks/server';
import { createXeroSandbox } from './xero/server';

const started = Date.now();
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

const { values: flags } = parseArgs({ options: { 'no-orders': { type: 'boolean', default: false } }, allowPositionals: false });

const defaults: Record<string, string> = {
  PORT: '3000',
  SANDBOX_PORT: '4100',
  BIGCOMMERCE_CLIENT_ID: 'ledgerbridge-demo-client',
  DEMO_STORE_HASH: 'demostore',
  INNGEST_STANDIN_PORT: '8288',
  DEMO_ORDER_INTERVAL: '30',
  XERO_CLIENT_ID: 'ledgerbridge-xero-demo-client',
  QUICKBOOKS_CLIENT_ID: 'ledgerbridge-quickbooks-demo-client',
};

// The demo's own secrets, made on the first run and kept (the token key must stay the one that sealed the tokens in
// the database). A variable set in the environment wins.
const demoEnvFile = path.resolve(root, process.env.DEMO_ENV_FILE || '.data/demo.env');
const kept: Record<string, string> = existsSync(demoEnvFile) ? parseDemoEnv(readFileSync(demoEnvFile, 'utf8')) : {};
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const secrets: Record<string, string> = {
  TOKEN_ENCRYPTION_KEY: kept.TOKEN_ENCRYPTION_KEY || hex(32),
  SESSION_SECRET: kept.SESSION_SECRET || hex(24),
  BIGCOMMERCE_CLIENT_SECRET: kept.BIGCOMMERCE_CLIENT_SECRET || `lb-demo-${hex(16)}`,
  XERO_CLIENT_SECRET: kept.XERO_CLIENT_SECRET || `lb-demo-xero-${hex(16)}`,
  QUICKBOOKS_CLIENT_SECRET: kept.QUICKBOOKS_CLIENT_SECRET || `lb-demo-quickbooks-${hex(16)}`,
  // The Xero app's webhook key (Xero's developer portal shows one per app, base64): the Xero sandbox signs its
  // INVOICE deliveries with it, so a payment made in the sandbox's Xero reaches the app as it would from Xero.
  XERO_WEBHOOK_KEY: kept.XERO_WEBHOOK_KEY || randomBytes(48).toString('base64'),
  INNGEST_SIGNING_KEY: kept.INNGEST_SIGNING_KEY || `signkey-demo-${hex(32)}`,
  INNGEST_EVENT_KEY: kept.INNGEST_EVENT_KEY || `lb-demo-event-${hex(16)}`,
  MAIL_BOUNCE_SECRET: kept.MAIL_BOUNCE_SECRET || hex(24),
};
/** A path as the person running the demo best reads it: inside the checkout relative to it, else absolute. */
const shown = (file: string) => (path.relative(root, file).startsWith('..') ? file : path.relative(root, file));
const setting = (name: string): string => process.env[name] || secrets[name] || defaults[name] || '';

const port = Number(setting('PORT'));
const sandboxPort = Number(setting('SANDBOX_PORT'));
const appUrl = process.env.APP_URL || `http://localhost:${port}`;
const listenHost = process.env.LISTEN_HOST || '127.0.0.1';
const clientId = setting('BIGCOMMERCE_CLIENT_ID');
const clientSecret = setting('BIGCOMMERCE_CLIENT_SECRET');
const storeHash = setting('DEMO_STORE_HASH');
const ordersOn = !flags['no-orders'] && !['0', 'false', 'off', 'no'].includes((process.env.DEMO_ORDERS ?? '').toLowerCase());
const orderIntervalMs = Number(setting('DEMO_ORDER_INTERVAL')) * 1000;
if (ordersOn && !(orderIntervalMs > 0)) {
  console.error(`demo: DEMO_ORDER_INTERVAL must be a number of seconds (got ${process.env.DEMO_ORDER_INTERVAL})`);
  process.exit(2);
}

for (const [name, value] of [['PORT', port], ['SANDBOX_PORT', sandboxPort]] as const) {
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    console.error(`demo: ${name} must be a port number (got ${process.env[name]})`);
    process.exit(2);
  }
}

const log = (line: string) => console.log(`[demo] ${line}`);
const running: { app?: ChildProcess; orders?: OrderTicker } = {};
let sandbox: Awaited<ReturnType<typeof startBigCommerceSandbox>> | undefined;
let inngest: Awaited<ReturnType<typeof startInngestStandIn>> | undefined;
let database: { server: PgliteServer; close(): Promise<void> } | undefined;
let smtp: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
let stopping = false;

/** DEMO_ENV_FILE: the kept secrets, and while the demo runs what the command line needs to work beside it. */
function writeDemoEnv(runningValues: Record<string, string> | null): void {
  const lines = [
    '# Written by `npm run demo`. Its secrets (kept across runs) and, while it runs, what `npm run cli` needs beside it:',
    '# the CLI reads this file when its own environment names no database (lib/cli/demo-env.ts). Do not commit.',
    ...Object.entries(secrets).map(([k, v]) => `${k}=${v}`),
    ...(runningValues ? ['# The running demo', ...Object.entries(runningValues).map(([k, v]) => `${k}=${v}`)] : []),
  ];
  mkdirSync(path.dirname(demoEnvFile), { recursive: true });
  writeFileSync(demoEnvFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(demoEnvFile, 0o600);
}

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    running.orders?.stop();
    const app = running.app;
    if (app && app.exitCode === null && app.pid) {
      try {
        process.kill(-app.pid, 'SIGTERM'); // the whole group
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
    await smtp?.close();
    await database?.close();
    try {
      writeDemoEnv(null);
    } catch {
      // the folder is gone: nothing to tidy
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

// The secrets are kept before anything can seal a token with them.
writeDemoEnv(null);

// The production build: once, then again only when the sources changed.
try {
  const build = await ensureProductionBuild({
    root,
    // Next's progress lines; the route table at the end is left out.
    onLine: (line) => {
      if (!/^\s*(Route \(|[├└┌│ƒ○●])/.test(line)) console.log(`[build] ${line}`);
    },
  });
  if (build.built) log(`built the app in ${(build.ms / 1000).toFixed(0)} s (${build.why}); later starts reuse the build until the sources change`);
} catch (error) {
  console.error(`demo: the production build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

try {
  // Xero on the same port under /xero, with the app registered as an OAuth client.
  const xero = createXeroSandbox({
    clients: [
      {
        clientId: setting('XERO_CLIENT_ID'),
        clientSecret: setting('XERO_CLIENT_SECRET'),
        redirectUris: [`${appUrl}/api/connections/xero/callback`],
        name: 'Ledgerbridge',
      },
    ],
    // The webhook URL and key as the developer sets them in Xero's portal (invoice events).
    webhooks: { url: `${appUrl}/api/webhooks/accounting/xero`, key: setting('XERO_WEBHOOK_KEY') },
  });
  // QuickBooks Online beside Xero under /quickbooks, with the app registered as an OAuth client.
  const quickbooks = createQuickBooksSandbox({
    clients: [
      {
        clientId: setting('QUICKBOOKS_CLIENT_ID'),
        clientSecret: setting('QUICKBOOKS_CLIENT_SECRET'),
        redirectUris: [`${appUrl}/api/connections/quickbooks/callback`],
        name: 'Ledgerbridge',
      },
    ],
  });
  // The SMTP sink the app's email goes to (SMTP_URL): its mails on the sandbox port at /__sandbox/mail(/view).
  // It bounces mail to addresses at undeliverable.invalid after accepting it, and forwards its delivery status
  // notifications to the app's inbound bounce route, as a mail provider forwards what arrives at MAIL_BOUNCE_ADDRESS.
  smtp = await startSmtpSink({
    port: Number(process.env.DEMO_SMTP_PORT || 0),
    forwardReportsTo: { url: `${appUrl}/api/notifications/bounces`, secret: setting('MAIL_BOUNCE_SECRET') },
  });
  sandbox = await startBigCommerceSandbox({
    mounts: [...xero.mounts, ...quickbooks.mounts, ...smtp.mounts],
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
log(`SMTP sink on ${smtp!.url}: the app's email is at ${sandboxUrl}/__sandbox/mail/view`);

const inngestPort = Number(setting('INNGEST_STANDIN_PORT'));
try {
  inngest = await startInngestStandIn({
    port: inngestPort,
    appUrls: [`http://127.0.0.1:${port}/api/inngest`],
    log: process.env.DEMO_VERBOSE ? (line) => log(`inngest: ${line}`) : undefined,
    // Production refuses INNGEST_DEV: the stand-in signs every call, as Inngest Cloud does.
    signing: { signingKey: setting('INNGEST_SIGNING_KEY'), eventKey: setting('INNGEST_EVENT_KEY') },
  });
} catch (error) {
  console.error(`demo: the Inngest stand-in could not listen on port ${inngestPort}: ${String(error)} (set INNGEST_STANDIN_PORT)`);
  await stop(1);
}
log(`Inngest stand-in on ${inngest!.url} (runs: ${inngest!.url}/__standin/runs)`);

// The embedded database, owned by this process and served on loopback to the app and the command line.
let databaseUrl = process.env.DATABASE_URL || '';
// The demo's own folder starts empty every time, as its sandboxes do (they live in memory): a history kept from an
// earlier run would name orders the new sandbox store numbers again (its second order #160 would meet the first's
// record and be taken for an edit). PGLITE_DIR names a folder of your own, kept as it is.
const pgliteDir = path.resolve(root, process.env.PGLITE_DIR || '.data/demo/pglite');
if (!databaseUrl) {
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    if (!process.env.PGLITE_DIR) rmSync(pgliteDir, { recursive: true, force: true });
    mkdirSync(pgliteDir, { recursive: true });
    const db = new PGlite(pgliteDir);
    await db.waitReady;
    const server = await startPgliteServer({ db, port: Number(process.env.DEMO_DATABASE_PORT || 0), onError: (e) => log(`database: ${String(e)}`) });
    database = { server, close: async () => (await server.close(), await db.close()) };
    databaseUrl = server.url;
  } catch (error) {
    console.error(`demo: could not open the embedded database in ${pgliteDir}: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
}

const appEnv: NodeJS.ProcessEnv = {
  ...process.env,
  // The production server, as `npm start` runs it (NODE_ENV=production: the production checks apply).
  NODE_ENV: 'production',
  PORT: String(port),
  APP_URL: appUrl,
  DATABASE_URL: databaseUrl,
  BIGCOMMERCE_CLIENT_ID: clientId,
  BIGCOMMERCE_CLIENT_SECRET: clientSecret,
  BIGCOMMERCE_LOGIN_URL: sandboxUrl,
  BIGCOMMERCE_API_URL: sandboxUrl,
  TOKEN_ENCRYPTION_KEY: setting('TOKEN_ENCRYPTION_KEY'),
  SESSION_SECRET: setting('SESSION_SECRET'),
  INNGEST_SIGNING_KEY: setting('INNGEST_SIGNING_KEY'),
  INNGEST_EVENT_KEY: setting('INNGEST_EVENT_KEY'),
  INNGEST_BASE_URL: inngest!.url,
  XERO_CLIENT_ID: setting('XERO_CLIENT_ID'),
  XERO_CLIENT_SECRET: setting('XERO_CLIENT_SECRET'),
  XERO_BASE_URL: `${sandboxUrl}/xero`,
  XERO_WEBHOOK_KEY: setting('XERO_WEBHOOK_KEY'),
  QUICKBOOKS_CLIENT_ID: setting('QUICKBOOKS_CLIENT_ID'),
  QUICKBOOKS_CLIENT_SECRET: setting('QUICKBOOKS_CLIENT_SECRET'),
  QUICKBOOKS_BASE_URL: `${sandboxUrl}/quickbooks`,
  // Email goes to the sandbox's SMTP sink unless SMTP_URL names a server of your own.
  SMTP_URL: process.env.SMTP_URL || smtp!.url,
  // Bounces reported later come back to bounces+<tag>@… and the sink forwards them to /api/notifications/bounces.
  MAIL_BOUNCE_ADDRESS: setting('MAIL_BOUNCE_ADDRESS') || 'bounces@ledgerbridge-demo.invalid',
  MAIL_BOUNCE_SECRET: setting('MAIL_BOUNCE_SECRET'),
  // Links in the mails open the app inside the sandbox's control panel.
  BIGCOMMERCE_APP_ID: sandbox!.platform.appId(sandbox!.platform.app(clientId)),
  LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  // First open proposes posting the seeded history (its orders are from the last 60 days): the backfill runs with its
  // progress on the order rules page.
  ONBOARDING_BACKFILL_FROM: process.env.ONBOARDING_BACKFILL_FROM || new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10),
  NEXT_TELEMETRY_DISABLED: '1',
};
delete appEnv.INNGEST_DEV;
delete appEnv.PGLITE_DIR;
const app = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'lib', 'server', 'main.ts'), '--port', String(port), '--hostname', listenHost], {
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

/**
 * A second user of the demo store whose address bounces after the mail is accepted (undeliverable.invalid: the SMTP
 * sink answers 250, then sends a DSN to the bounce address, which reaches the app's bounce route). They open the app
 * once (so the app knows them) and choose every email: the first alert or digest shows the address bounced on the
 * Notifications page, with the DSN's status.
 */
async function addBouncingUser(): Promise<void> {
  const email = 'bookkeeper@undeliverable.invalid';
  try {
    const user = await admin(`/__sandbox/stores/${storeHash}/users`, { email, username: 'Demo bookkeeper' });
    const load = await admin(`/__sandbox/stores/${storeHash}/load`, { user_id: user.body.id });
    const location = (await fetch(String(load.body.url), { redirect: 'manual' })).headers.get('location') ?? '';
    const session = decodeURIComponent(location.split('#session=')[1] ?? '');
    const saved = await fetch(`${appUrl}/api/admin/notifications/email`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
      body: JSON.stringify({ alertKinds: [...NOTIFICATION_KINDS], digest: true }),
    });
    if (!saved.ok) throw new Error(`saving their email choices answered ${saved.status}`);
    log(`user ${email} gets every email; their mail bounces after it is accepted (a DSN), and the Notifications page says so`);
  } catch (error) {
    log(`could not add the bouncing demo user: ${error instanceof Error ? error.message : String(error)}`);
  }
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
  log(`app up on ${appUrl} (production server; database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded PGlite in ${shown(pgliteDir)}`})`);
  const created = await admin('/__sandbox/stores', { hash: storeHash, plan: 'plus', currency: 'USD', name: 'Demo Store' });
  if (created.status !== 201) throw new Error(`creating the demo store answered ${created.status}`);
  const seeded = await admin(`/__sandbox/stores/${storeHash}/seed`, { products: 40, customers: 25, orders: 60, seed: 1 });
  if (seeded.status >= 300) throw new Error(`seeding the demo store answered ${seeded.status}`);
  log(`seeded the demo store: ${JSON.stringify(seeded.body)}`);
  const installed = await admin(`/__sandbox/stores/${storeHash}/install`, {});
  if (installed.body.status !== 200) {
    throw new Error(`installing the app answered ${String(installed.body.status)}: ${JSON.stringify(installed.body)}`);
  }
  log(`app installed on store ${storeHash} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await addBouncingUser();
  writeDemoEnv({
    DEMO_PID: String(process.pid),
    DATABASE_URL: databaseUrl,
    BIGCOMMERCE_API_URL: sandboxUrl,
    XERO_CLIENT_ID: setting('XERO_CLIENT_ID'),
    XERO_BASE_URL: `${sandboxUrl}/xero`,
    QUICKBOOKS_CLIENT_ID: setting('QUICKBOOKS_CLIENT_ID'),
    QUICKBOOKS_BASE_URL: `${sandboxUrl}/quickbooks`,
    // `notify digest` sends through the same sink, with links into this app.
    SMTP_URL: process.env.SMTP_URL || smtp!.url,
    MAIL_BOUNCE_ADDRESS: String(appEnv.MAIL_BOUNCE_ADDRESS),
    BIGCOMMERCE_APP_ID: String(appEnv.BIGCOMMERCE_APP_ID),
    BIGCOMMERCE_LOGIN_URL: sandboxUrl,
    APP_URL: appUrl,
  });
  log(`command line: \`npm run cli -- status --store ${storeHash}\` in another terminal (it reads ${shown(demoEnvFile)})`);
  if (ordersOn) {
    running.orders = startOrderTicker({
      storeApi: `${sandboxUrl}/stores/${storeHash}`,
      accessToken: String(installed.body.access_token),
      intervalMs: orderIntervalMs,
      log,
    });
    log(`a new order arrives every ${orderIntervalMs / 1000} s (\`npm run demo -- --no-orders\` or DEMO_ORDERS=0 turns that off)`);
  }
  console.log(`Control panel: ${sandboxUrl}/manage/${storeHash}/apps`);
} catch (error) {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
